-- Ledger (台账) imports of every module (package ledger). A job outlives the request and the
-- process: the checked cells wait here between preview and commit, and progress is written
-- while the commit runs, so any app instance can show it.
CREATE TABLE ledger_jobs (
  id          TEXT PRIMARY KEY,
  organ_id    TEXT NOT NULL,
  module      TEXT NOT NULL,                 -- reconsider, litigation, disclosure …
  filename    TEXT NOT NULL,
  state       TEXT NOT NULL,                 -- parsed, committing, done, failed
  total_rows  INTEGER NOT NULL DEFAULT 0,
  done_rows   INTEGER NOT NULL DEFAULT 0,
  error_count INTEGER NOT NULL DEFAULT 0,
  errors      TEXT NOT NULL DEFAULT '[]',    -- JSON [{row, column, message}], the first 5000
  ignored     TEXT NOT NULL DEFAULT '[]',    -- JSON: the file's columns that are not ledger columns
  payload     TEXT NOT NULL DEFAULT '',      -- JSON: the cells of every row until the job ends
  message     TEXT NOT NULL DEFAULT '',      -- the outcome shown when done or failed
  created_by  TEXT NOT NULL,
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
CREATE INDEX ledger_jobs_user ON ledger_jobs(created_by, module, created_at);
CREATE INDEX ledger_jobs_created ON ledger_jobs(created_at);
