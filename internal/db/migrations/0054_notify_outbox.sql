-- Notices to people without accounts (package notify, outbox.go): every SMS or e-mail to an applicant
-- is recorded here in the step's transaction and sent afterwards by the notify.outbox job.
-- status: pending (to send), sent, held (no gateway configured for the channel: recorded only),
-- failed (gave up after the last retry). The address is encrypted like the applicant's phone.
CREATE TABLE notify_outbox (
  id             TEXT PRIMARY KEY,
  channel        TEXT NOT NULL,               -- sms / email
  address_enc    TEXT NOT NULL,
  address_masked TEXT NOT NULL,
  subject        TEXT NOT NULL DEFAULT '',
  body           TEXT NOT NULL,
  kind           TEXT NOT NULL DEFAULT '',    -- module.event, e.g. reconsider.accepted
  ref            TEXT NOT NULL DEFAULT '',    -- the record it is about (receipt number)
  status         TEXT NOT NULL,
  attempts       INTEGER NOT NULL DEFAULT 0,
  last_error     TEXT NOT NULL DEFAULT '',
  next_at        TEXT NOT NULL,               -- earliest instant of the next attempt
  created_at     TEXT NOT NULL,
  sent_at        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX notify_outbox_due ON notify_outbox (status, next_at);
CREATE INDEX notify_outbox_created ON notify_outbox (created_at);
