-- One history table for every case-like record, keyed like attachments by owner type and id
-- (package casework). The module tables' histories are copied here; the old tables are dropped
-- by a later migration once no code reads them.
CREATE TABLE case_events (
  id         TEXT PRIMARY KEY,
  owner_type TEXT NOT NULL,                 -- reconsider_case, review_request, normdoc, …
  owner_id   TEXT NOT NULL,
  organ_id   TEXT NOT NULL DEFAULT '',
  at         TEXT NOT NULL,                 -- instant the step was entered (UTC)
  on_date    TEXT NOT NULL,                 -- the legal date of the step
  actor_id   TEXT NOT NULL DEFAULT '',
  actor_name TEXT NOT NULL DEFAULT '',
  action     TEXT NOT NULL,
  from_state TEXT NOT NULL DEFAULT '',
  to_state   TEXT NOT NULL DEFAULT '',
  note       TEXT NOT NULL DEFAULT '',
  detail     TEXT NOT NULL DEFAULT '',
  ref_id     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX case_events_owner ON case_events(owner_type, owner_id, at);
CREATE INDEX case_events_action ON case_events(owner_type, action, on_date);

INSERT INTO case_events (id, owner_type, owner_id, organ_id, at, on_date, actor_id, actor_name, action, from_state, to_state, note, detail, ref_id)
SELECT e.id, 'reconsider_case', e.case_id, c.organ_id, e.at, e.on_date, e.actor_id, e.actor_name, e.action, e.from_state, e.to_state, e.note, e.detail, e.document_id
FROM reconsider_events e JOIN reconsider_cases c ON c.id = e.case_id;

INSERT INTO case_events (id, owner_type, owner_id, organ_id, at, on_date, actor_id, actor_name, action, from_state, to_state, note, detail, ref_id)
SELECT e.id, 'review_request', e.review_id, r.organ_id, e.at, e.on_date, e.actor_id, e.actor_name, e.action, e.from_state, e.to_state, e.note, '', ''
FROM review_events e JOIN review_requests r ON r.id = e.review_id;

INSERT INTO case_events (id, owner_type, owner_id, organ_id, at, on_date, actor_id, actor_name, action, from_state, to_state, note, detail, ref_id)
SELECT e.id, 'normdoc', e.doc_id, d.reg_organ_id, e.at, e.on_date, e.actor_id, e.actor_name, e.action, e.from_status, e.to_status, e.note, '', e.ref_doc_id
FROM normdoc_events e JOIN normdocs d ON d.id = e.doc_id;
