-- 案卷评查 and 监督事项.

CREATE TABLE enforce_campaigns (
    id TEXT PRIMARY KEY,
    organ_id TEXT NOT NULL,
    year INTEGER NOT NULL,
    title TEXT NOT NULL,
    sheet TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE enforce_evaluations (
    id TEXT PRIMARY KEY,
    campaign_id TEXT NOT NULL REFERENCES enforce_campaigns(id),
    organ_id TEXT NOT NULL,
    record_id TEXT NOT NULL REFERENCES enforce_records(id),
    evaluator_id TEXT NOT NULL,
    score INTEGER NOT NULL DEFAULT 0,
    grade TEXT NOT NULL DEFAULT '',
    findings TEXT NOT NULL DEFAULT '',
    scored_on TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    UNIQUE (campaign_id, record_id)
);
CREATE INDEX enforce_evaluations_organ ON enforce_evaluations (organ_id, scored_on);

CREATE TABLE enforce_matters (
    id TEXT PRIMARY KEY,
    organ_id TEXT NOT NULL,
    body_id TEXT NOT NULL REFERENCES enforce_bodies(id),
    source TEXT NOT NULL,
    title TEXT NOT NULL,
    state TEXT NOT NULL,
    opened_on TEXT NOT NULL,
    notes TEXT NOT NULL DEFAULT '',
    opinion_on TEXT NOT NULL DEFAULT '',
    rectify_due TEXT NOT NULL DEFAULT '',
    report_on TEXT NOT NULL DEFAULT '',
    closed_on TEXT NOT NULL DEFAULT '',
    version INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);
CREATE INDEX enforce_matters_organ ON enforce_matters (organ_id, opened_on);
