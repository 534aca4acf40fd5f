-- Login throttling that holds across restarts and app instances (package ratelimit), and
-- role grants that reach case content waiting for a second administrator (auth.RequestMemberships).

-- One fixed-window counter per key, e.g. login:ip:10.0.0.1; rows of old windows are pruned.
CREATE TABLE rate_limits (
  key          TEXT PRIMARY KEY,
  window_start TEXT NOT NULL,
  count        INTEGER NOT NULL
);
CREATE INDEX rate_limits_window ON rate_limits(window_start);

-- A security administrator's change of an account's roles that adds or widens a business role.
-- memberships is the whole requested role list (JSON), applied only when another administrator confirms.
CREATE TABLE pending_grants (
  id             TEXT PRIMARY KEY,
  user_id        TEXT NOT NULL REFERENCES users(id),
  memberships    TEXT NOT NULL,
  requested_by   TEXT NOT NULL,
  requested_name TEXT NOT NULL DEFAULT '',
  requested_at   TEXT NOT NULL,
  status         TEXT NOT NULL DEFAULT 'pending', -- pending, confirmed, refused, superseded
  decided_by     TEXT NOT NULL DEFAULT '',
  decided_name   TEXT NOT NULL DEFAULT '',
  decided_at     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX pending_grants_status ON pending_grants(status, requested_at);
CREATE INDEX pending_grants_user ON pending_grants(user_id, requested_at);
