-- 行政复议: cases, their events, suspensions, hearings, documents and 意见书.
CREATE TABLE reconsider_cases (
  id               TEXT PRIMARY KEY,
  organ_id         TEXT NOT NULL REFERENCES organs(id),
  receipt_no       TEXT NOT NULL UNIQUE,
  number           TEXT NOT NULL DEFAULT '',
  query_code_hash  TEXT NOT NULL DEFAULT '',
  channel          TEXT NOT NULL,
  received_on      TEXT NOT NULL,
  state            TEXT NOT NULL,
  proc             TEXT NOT NULL DEFAULT 'ordinary',
  applicant_kind   TEXT NOT NULL,
  applicant_name   TEXT NOT NULL,
  id_number_enc    TEXT NOT NULL DEFAULT '',
  id_number_masked TEXT NOT NULL DEFAULT '',
  applicant_blind  TEXT NOT NULL DEFAULT '',   -- keyed hash of the ID/credit code, for duplicate checks
  phone_enc        TEXT NOT NULL DEFAULT '',
  phone_masked     TEXT NOT NULL DEFAULT '',
  address          TEXT NOT NULL DEFAULT '',
  agent            TEXT NOT NULL DEFAULT '',
  respondent_id    TEXT NOT NULL DEFAULT '',
  respondent       TEXT NOT NULL,
  act_type         TEXT NOT NULL,
  field            TEXT NOT NULL,
  act_title        TEXT NOT NULL DEFAULT '',
  act_date         TEXT NOT NULL DEFAULT '',
  learned_on       TEXT NOT NULL DEFAULT '',
  amount           DOUBLE PRECISION NOT NULL DEFAULT 0,
  requests         TEXT NOT NULL DEFAULT '',
  facts            TEXT NOT NULL DEFAULT '',
  handler_id       TEXT NOT NULL DEFAULT '',
  handler_name     TEXT NOT NULL DEFAULT '',
  duplicate_of     TEXT NOT NULL DEFAULT '',
  accept_start     TEXT NOT NULL,
  amend_notice_on  TEXT NOT NULL DEFAULT '',
  amend_items      TEXT NOT NULL DEFAULT '',
  accepted_on      TEXT NOT NULL DEFAULT '',
  deemed           INTEGER NOT NULL DEFAULT 0,
  copy_sent_on     TEXT NOT NULL DEFAULT '',
  reply_on         TEXT NOT NULL DEFAULT '',
  reply_late       INTEGER NOT NULL DEFAULT 0,
  reply_text       TEXT NOT NULL DEFAULT '',
  extension_days   INTEGER NOT NULL DEFAULT 0,
  closed_on        TEXT NOT NULL DEFAULT '',
  outcome          TEXT NOT NULL DEFAULT '',
  close_reason     TEXT NOT NULL DEFAULT '',
  settled          INTEGER NOT NULL DEFAULT 0,
  corrected        INTEGER NOT NULL DEFAULT 0,
  decision_due     TEXT NOT NULL DEFAULT '',
  performance_due  TEXT NOT NULL DEFAULT '',
  performed_on     TEXT NOT NULL DEFAULT '',
  due_accept       TEXT NOT NULL DEFAULT '',
  due_amend        TEXT NOT NULL DEFAULT '',
  due_copy         TEXT NOT NULL DEFAULT '',
  due_reply        TEXT NOT NULL DEFAULT '',
  due_decision     TEXT NOT NULL DEFAULT '',
  due_performance  TEXT NOT NULL DEFAULT '',
  next_due         TEXT NOT NULL DEFAULT '',
  next_rule        TEXT NOT NULL DEFAULT '',
  imported         INTEGER NOT NULL DEFAULT 0,
  version          INTEGER NOT NULL DEFAULT 1,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL
);
CREATE INDEX reconsider_cases_organ_state ON reconsider_cases(organ_id, state, next_due);
CREATE INDEX reconsider_cases_organ_received ON reconsider_cases(organ_id, received_on);
CREATE INDEX reconsider_cases_organ_accepted ON reconsider_cases(organ_id, accepted_on);
CREATE INDEX reconsider_cases_organ_closed ON reconsider_cases(organ_id, closed_on);
CREATE INDEX reconsider_cases_respondent ON reconsider_cases(respondent_id, state);
CREATE INDEX reconsider_cases_handler ON reconsider_cases(handler_id, state);
CREATE INDEX reconsider_cases_next_due ON reconsider_cases(state, next_due);
CREATE INDEX reconsider_cases_dup ON reconsider_cases(organ_id, applicant_blind);

CREATE TABLE reconsider_events (
  id         TEXT PRIMARY KEY,
  case_id    TEXT NOT NULL REFERENCES reconsider_cases(id),
  at         TEXT NOT NULL,
  on_date    TEXT NOT NULL,                 -- the legal date of the step
  actor_id   TEXT NOT NULL DEFAULT '',
  actor_name TEXT NOT NULL DEFAULT '',
  action     TEXT NOT NULL,
  from_state TEXT NOT NULL DEFAULT '',
  to_state   TEXT NOT NULL DEFAULT '',
  note       TEXT NOT NULL DEFAULT '',
  detail     TEXT NOT NULL DEFAULT '',
  document_id TEXT NOT NULL DEFAULT ''
);
CREATE INDEX reconsider_events_case ON reconsider_events(case_id, at);

CREATE TABLE reconsider_pauses (
  id      TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES reconsider_cases(id),
  from_on TEXT NOT NULL,
  to_on   TEXT NOT NULL DEFAULT '',
  ground  INTEGER NOT NULL,                 -- item of Art. 39
  reason  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX reconsider_pauses_case ON reconsider_pauses(case_id);

CREATE TABLE reconsider_sessions (
  id        TEXT PRIMARY KEY,
  case_id   TEXT NOT NULL REFERENCES reconsider_cases(id),
  kind      TEXT NOT NULL,                  -- views / hearing / committee
  mode      TEXT NOT NULL DEFAULT '',       -- inperson / online / phone / written
  notice_on TEXT NOT NULL DEFAULT '',
  held_on   TEXT NOT NULL,
  place     TEXT NOT NULL DEFAULT '',
  panel     TEXT NOT NULL DEFAULT '',
  record    TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE INDEX reconsider_sessions_case ON reconsider_sessions(case_id);

CREATE TABLE reconsider_parties (
  id         TEXT PRIMARY KEY,
  case_id    TEXT NOT NULL REFERENCES reconsider_cases(id),
  role       TEXT NOT NULL,                 -- third_party / agent / co_applicant
  name       TEXT NOT NULL,
  contact    TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE INDEX reconsider_parties_case ON reconsider_parties(case_id);

CREATE TABLE reconsider_documents (
  id         TEXT PRIMARY KEY,
  case_id    TEXT NOT NULL REFERENCES reconsider_cases(id),
  organ_id   TEXT NOT NULL,
  kind       TEXT NOT NULL,
  number     TEXT NOT NULL DEFAULT '',
  title      TEXT NOT NULL,
  recipient  TEXT NOT NULL DEFAULT '',
  body       TEXT NOT NULL,
  status     TEXT NOT NULL,                 -- draft / issued
  issued_on  TEXT NOT NULL DEFAULT '',
  sha256     TEXT NOT NULL DEFAULT '',      -- the frozen DOCX in blobs
  created_by TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX reconsider_documents_case ON reconsider_documents(case_id);

CREATE TABLE reconsider_opinions (
  id             TEXT PRIMARY KEY,
  case_id        TEXT NOT NULL REFERENCES reconsider_cases(id),
  organ_id       TEXT NOT NULL,
  recipient_id   TEXT NOT NULL DEFAULT '',
  recipient      TEXT NOT NULL,
  issued_on      TEXT NOT NULL,
  content        TEXT NOT NULL,
  report_due     TEXT NOT NULL,
  reported_on    TEXT NOT NULL DEFAULT '',
  report         TEXT NOT NULL DEFAULT '',
  document_id    TEXT NOT NULL DEFAULT '',
  created_at     TEXT NOT NULL
);
CREATE INDEX reconsider_opinions_organ ON reconsider_opinions(organ_id, reported_on, report_due);
CREATE INDEX reconsider_opinions_recipient ON reconsider_opinions(recipient_id, reported_on);
