-- Scheduled jobs (package jobs) and the in-app message centre (package notify).

-- One row per declared job: the claim (next_run, lease) and the outcome of its last run.
-- An instance runs a job only after claiming it with one UPDATE … WHERE next_run <= now AND lease_until <= now,
-- so several app instances on one database run each due job once.
CREATE TABLE job_runs (
  name        TEXT PRIMARY KEY,
  next_run    TEXT NOT NULL,              -- instant the job is next due (UTC text, db.Now format)
  lease_until TEXT NOT NULL DEFAULT '',   -- '' or the instant a running claim expires
  owner       TEXT NOT NULL DEFAULT '',   -- instance holding the lease
  last_start  TEXT NOT NULL DEFAULT '',
  last_end    TEXT NOT NULL DEFAULT '',
  last_ms     BIGINT NOT NULL DEFAULT 0,
  last_count  INTEGER NOT NULL DEFAULT 0,
  last_error  TEXT NOT NULL DEFAULT '',
  runs        BIGINT NOT NULL DEFAULT 0,
  failures    BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE messages (
  id         TEXT PRIMARY KEY,
  user_id    TEXT NOT NULL REFERENCES users(id),
  organ_id   TEXT NOT NULL DEFAULT '',
  kind       TEXT NOT NULL DEFAULT '',
  title      TEXT NOT NULL,
  body       TEXT NOT NULL DEFAULT '',
  url        TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  read_at    TEXT NOT NULL DEFAULT ''     -- '' = unread
);
-- The header badge counts (user_id, read_at = ''); the list pages by user_id newest first.
CREATE INDEX messages_user ON messages(user_id, read_at);
CREATE INDEX messages_user_created ON messages(user_id, created_at);
CREATE INDEX messages_created ON messages(created_at);

-- Reminders already posted, by a stable key (deadline + record), so a job that runs every few
-- minutes reminds once per deadline.
CREATE TABLE notify_sent (
  ref        TEXT PRIMARY KEY,
  created_at TEXT NOT NULL
);
CREATE INDEX notify_sent_created ON notify_sent(created_at);
