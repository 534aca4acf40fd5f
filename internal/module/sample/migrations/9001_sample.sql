-- The sample module's one table (numbers 9000+ are kept for test modules).
CREATE TABLE sample_items (
  id         TEXT PRIMARY KEY,
  organ_id   TEXT NOT NULL REFERENCES organs(id),
  title      TEXT NOT NULL,
  state      TEXT NOT NULL DEFAULT 'open',      -- open, closed
  closed_on  TEXT NOT NULL DEFAULT '',
  version    INTEGER NOT NULL DEFAULT 1,
  created_at TEXT NOT NULL
);
CREATE INDEX sample_items_organ ON sample_items(organ_id, state);
