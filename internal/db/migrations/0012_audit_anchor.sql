-- The audit chain is keyed (HMAC-SM3, key under <data>/keys/) from entry keyed_from on; the
-- entries before it keep their plain SM3 hashes. key_id names the key (a digest, not the key),
-- so a process holding another key refuses to extend the chain. Package audit.
ALTER TABLE audit_head ADD COLUMN keyed_from BIGINT NOT NULL DEFAULT 0;
ALTER TABLE audit_head ADD COLUMN key_id TEXT NOT NULL DEFAULT '';

-- The admin audit page filters by user, account, action and organ, newest first (ORDER BY seq DESC).
CREATE INDEX audit_log_username ON audit_log(username, seq);
CREATE INDEX audit_log_user ON audit_log(user_id, seq);
CREATE INDEX audit_log_action ON audit_log(action, seq);
CREATE INDEX audit_log_organ ON audit_log(organ_id, seq);
