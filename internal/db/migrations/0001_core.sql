-- Platform tables: org tree, accounts, sessions, audit chain, counters, calendar, files, settings.
CREATE TABLE divisions (
  code        TEXT PRIMARY KEY,           -- GB/T 2260 (6 digits) or township code (9 digits)
  name        TEXT NOT NULL,
  level       TEXT NOT NULL,              -- province / city / county / township
  parent_code TEXT REFERENCES divisions(code)
);

CREATE TABLE organs (
  id            TEXT PRIMARY KEY,
  code          TEXT NOT NULL UNIQUE,
  name          TEXT NOT NULL,
  short_name    TEXT NOT NULL DEFAULT '',
  kind          TEXT NOT NULL,            -- government / office / justice / department / court / other
  division_code TEXT NOT NULL REFERENCES divisions(code),
  level         TEXT NOT NULL,
  parent_id     TEXT REFERENCES organs(id),
  path          TEXT NOT NULL,            -- /id/id/…/ from the root, for "own organ and below"
  doc_prefix    TEXT NOT NULL DEFAULT '', -- 文号 prefix such as 某政复
  sort          INTEGER NOT NULL DEFAULT 0,
  created_at    TEXT NOT NULL
);
CREATE INDEX organs_path ON organs(path);
CREATE INDEX organs_parent ON organs(parent_id);

CREATE TABLE departments (
  id         TEXT PRIMARY KEY,
  organ_id   TEXT NOT NULL REFERENCES organs(id),
  name       TEXT NOT NULL,
  created_at TEXT NOT NULL,
  UNIQUE (organ_id, name)
);

CREATE TABLE users (
  id                  TEXT PRIMARY KEY,
  username            TEXT NOT NULL UNIQUE,
  name                TEXT NOT NULL,
  organ_id            TEXT NOT NULL REFERENCES organs(id),
  department_id       TEXT REFERENCES departments(id),
  phone               TEXT NOT NULL DEFAULT '',
  title               TEXT NOT NULL DEFAULT '',   -- 职务, e.g. 局长 (used for 负责人 checks)
  password_hash       TEXT NOT NULL,
  password_changed_at TEXT NOT NULL,
  must_change         INTEGER NOT NULL DEFAULT 0,
  failed_logins       INTEGER NOT NULL DEFAULT 0,
  locked_until        TEXT NOT NULL DEFAULT '',
  disabled            INTEGER NOT NULL DEFAULT 0,
  system_account      INTEGER NOT NULL DEFAULT 0, -- for API tokens of other systems
  created_at          TEXT NOT NULL,
  updated_at          TEXT NOT NULL
);
CREATE INDEX users_organ ON users(organ_id);

CREATE TABLE password_history (
  user_id    TEXT NOT NULL REFERENCES users(id),
  hash       TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE INDEX password_history_user ON password_history(user_id, created_at);

CREATE TABLE memberships (
  id       TEXT PRIMARY KEY,
  user_id  TEXT NOT NULL REFERENCES users(id),
  organ_id TEXT NOT NULL REFERENCES organs(id),
  role     TEXT NOT NULL,
  scope    TEXT NOT NULL,                 -- all / below / organ / self
  UNIQUE (user_id, organ_id, role)
);
CREATE INDEX memberships_organ ON memberships(organ_id, role);

CREATE TABLE sessions (
  id_hash      TEXT PRIMARY KEY,          -- SM3 of the cookie value; the value itself is never stored
  user_id      TEXT NOT NULL REFERENCES users(id),
  organ_id     TEXT NOT NULL REFERENCES organs(id),
  csrf         TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  last_seen_at TEXT NOT NULL,
  ip           TEXT NOT NULL DEFAULT '',
  user_agent   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
  id           TEXT PRIMARY KEY,
  token_hash   TEXT NOT NULL UNIQUE,
  user_id      TEXT NOT NULL REFERENCES users(id),
  name         TEXT NOT NULL,
  created_at   TEXT NOT NULL,
  last_used_at TEXT NOT NULL DEFAULT '',
  revoked_at   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE audit_log (
  seq         BIGINT PRIMARY KEY,
  at          TEXT NOT NULL,
  user_id     TEXT NOT NULL DEFAULT '',
  username    TEXT NOT NULL DEFAULT '',
  organ_id    TEXT NOT NULL DEFAULT '',
  ip          TEXT NOT NULL DEFAULT '',
  action      TEXT NOT NULL,
  object_type TEXT NOT NULL DEFAULT '',
  object_id   TEXT NOT NULL DEFAULT '',
  detail      TEXT NOT NULL DEFAULT '',
  prev_hash   TEXT NOT NULL,
  hash        TEXT NOT NULL
);
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_object ON audit_log(object_type, object_id);

CREATE TABLE audit_head (
  id   INTEGER PRIMARY KEY,               -- always 1: the row writers lock to extend the chain
  seq  BIGINT NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '');

CREATE TABLE counters (
  organ_id TEXT NOT NULL,
  kind     TEXT NOT NULL,
  year     INTEGER NOT NULL,
  value    INTEGER NOT NULL,
  PRIMARY KEY (organ_id, kind, year)
);

CREATE TABLE calendar_years (
  year       INTEGER PRIMARY KEY,
  notice     TEXT NOT NULL,               -- "YYYY off: …" / "YYYY work: …" lines
  source     TEXT NOT NULL DEFAULT '',
  updated_at TEXT NOT NULL,
  updated_by TEXT NOT NULL DEFAULT ''
);

CREATE TABLE blobs (
  sha256       TEXT PRIMARY KEY,
  size         BIGINT NOT NULL,
  content_type TEXT NOT NULL,
  created_at   TEXT NOT NULL
);

CREATE TABLE attachments (
  id           TEXT PRIMARY KEY,
  owner_type   TEXT NOT NULL,
  owner_id     TEXT NOT NULL,
  organ_id     TEXT NOT NULL DEFAULT '',
  sha256       TEXT NOT NULL REFERENCES blobs(sha256),
  filename     TEXT NOT NULL,
  content_type TEXT NOT NULL,
  size         BIGINT NOT NULL,
  label        TEXT NOT NULL DEFAULT '',
  uploaded_by  TEXT NOT NULL DEFAULT '',
  created_at   TEXT NOT NULL
);
CREATE INDEX attachments_owner ON attachments(owner_type, owner_id);

CREATE TABLE settings (
  organ_id TEXT NOT NULL,                 -- '' = deployment-wide
  key      TEXT NOT NULL,
  value    TEXT NOT NULL,
  PRIMARY KEY (organ_id, key)
);
