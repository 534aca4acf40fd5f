-- 执法人员培训学时: one row per course attended, counted per calendar year against the organ's target.
CREATE TABLE enforce_training (
    id TEXT PRIMARY KEY,
    officer_id TEXT NOT NULL REFERENCES enforce_officers(id),
    organ_id TEXT NOT NULL,
    trained_on TEXT NOT NULL,
    hours INTEGER NOT NULL,
    course TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX enforce_training_officer ON enforce_training (officer_id, trained_on);
CREATE INDEX enforce_warnings_officer ON enforce_warnings (officer_id);
