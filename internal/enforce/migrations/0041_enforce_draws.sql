-- 双随机一公开: plans with committed pools, and the draws that reveal the seed.

CREATE TABLE enforce_plans (
    id TEXT PRIMARY KEY,
    organ_id TEXT NOT NULL,
    body_id TEXT NOT NULL REFERENCES enforce_bodies(id),
    title TEXT NOT NULL,
    items TEXT NOT NULL DEFAULT '',
    target_count INTEGER NOT NULL,
    inspectors_per_target INTEGER NOT NULL,
    exclude_same_body INTEGER NOT NULL DEFAULT 0,
    period_from TEXT NOT NULL DEFAULT '',
    period_to TEXT NOT NULL DEFAULT '',
    seed TEXT NOT NULL,
    commitment TEXT NOT NULL,
    target_pool TEXT NOT NULL,
    target_pool_hash TEXT NOT NULL,
    inspector_pool TEXT NOT NULL,
    inspector_pool_hash TEXT NOT NULL,
    published_at TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX enforce_plans_organ ON enforce_plans (organ_id);

-- One draw per plan: the UNIQUE constraint is what makes a re-draw impossible.
CREATE TABLE enforce_draws (
    id TEXT PRIMARY KEY,
    plan_id TEXT NOT NULL UNIQUE REFERENCES enforce_plans(id),
    organ_id TEXT NOT NULL,
    drawn_at TEXT NOT NULL,
    drawn_on TEXT NOT NULL,
    result TEXT NOT NULL,
    targets INTEGER NOT NULL DEFAULT 0,
    created_by TEXT NOT NULL DEFAULT ''
);
CREATE INDEX enforce_draws_organ ON enforce_draws (organ_id, drawn_on);
