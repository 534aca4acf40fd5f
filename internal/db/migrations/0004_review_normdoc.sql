-- 合法性审查 (review requests of five kinds, double review, numbered opinions) and
-- 行政规范性文件 (register, numbering, versions, 备案, validity, 清理).
CREATE TABLE review_requests (
  id                 TEXT PRIMARY KEY,
  organ_id           TEXT NOT NULL REFERENCES organs(id),   -- the reviewing organ (司法局)
  submitter_organ_id TEXT NOT NULL REFERENCES organs(id),   -- the drafting department
  submitter_id       TEXT NOT NULL DEFAULT '',
  submitter_name     TEXT NOT NULL DEFAULT '',
  contact            TEXT NOT NULL DEFAULT '',
  issuer_id          TEXT NOT NULL DEFAULT '',              -- 拟发文机关 of a normative document
  kind               TEXT NOT NULL,
  receipt_no         TEXT NOT NULL UNIQUE,
  number             TEXT NOT NULL DEFAULT '',              -- 审核意见书文号, given at conclusion
  title              TEXT NOT NULL,
  summary            TEXT NOT NULL DEFAULT '',              -- 起草说明
  draft              TEXT NOT NULL DEFAULT '',              -- 送审稿
  urgent             INTEGER NOT NULL DEFAULT 0,
  urgent_reason      TEXT NOT NULL DEFAULT '',
  state              TEXT NOT NULL,
  submitted_on       TEXT NOT NULL,                         -- first submission
  received_on        TEXT NOT NULL,                         -- latest (re)submission
  returned_on        TEXT NOT NULL DEFAULT '',
  missing            TEXT NOT NULL DEFAULT '',              -- one missing item per line
  return_count       INTEGER NOT NULL DEFAULT 0,
  accepted_on        TEXT NOT NULL DEFAULT '',
  reviewer_id        TEXT NOT NULL DEFAULT '',
  reviewer_name      TEXT NOT NULL DEFAULT '',
  advisor_id         TEXT NOT NULL DEFAULT '',
  advisor_name       TEXT NOT NULL DEFAULT '',
  dual               INTEGER NOT NULL DEFAULT 0,            -- 双重审核
  min_days           INTEGER NOT NULL DEFAULT 0,            -- working days, fixed at acceptance
  max_days           INTEGER NOT NULL DEFAULT 0,
  check_days         INTEGER NOT NULL DEFAULT 0,
  feedback_days      INTEGER NOT NULL DEFAULT 0,
  extension_days     INTEGER NOT NULL DEFAULT 0,
  concluded_on       TEXT NOT NULL DEFAULT '',
  conclusion         TEXT NOT NULL DEFAULT '',
  conclusion_text    TEXT NOT NULL DEFAULT '',
  opinion_count      INTEGER NOT NULL DEFAULT 0,            -- numbered opinions in the 审核意见书
  review_due         TEXT NOT NULL DEFAULT '',              -- frozen at conclusion, for the on-time count
  feedback_on        TEXT NOT NULL DEFAULT '',
  due_check          TEXT NOT NULL DEFAULT '',
  due_review         TEXT NOT NULL DEFAULT '',
  due_feedback       TEXT NOT NULL DEFAULT '',
  next_due           TEXT NOT NULL DEFAULT '',
  next_rule          TEXT NOT NULL DEFAULT '',
  version            INTEGER NOT NULL DEFAULT 1,
  created_at         TEXT NOT NULL,
  updated_at         TEXT NOT NULL
);
CREATE INDEX review_requests_organ ON review_requests(organ_id, state, next_due);
CREATE INDEX review_requests_submitter ON review_requests(submitter_organ_id, state);
CREATE INDEX review_requests_reviewer ON review_requests(reviewer_id, state);
CREATE INDEX review_requests_advisor ON review_requests(advisor_id, state);
CREATE INDEX review_requests_submitted ON review_requests(organ_id, submitted_on);
CREATE INDEX review_requests_concluded ON review_requests(organ_id, concluded_on);

CREATE TABLE review_materials (
  id         TEXT PRIMARY KEY,
  review_id  TEXT NOT NULL REFERENCES review_requests(id),
  code       TEXT NOT NULL,
  name       TEXT NOT NULL,
  required   INTEGER NOT NULL DEFAULT 1,
  provided   INTEGER NOT NULL DEFAULT 0,
  note       TEXT NOT NULL DEFAULT '',
  sort       INTEGER NOT NULL DEFAULT 0,
  UNIQUE (review_id, code)
);

-- One row per required reviewer role; submitted_at = '' while the opinion is being written.
CREATE TABLE review_assessments (
  review_id    TEXT NOT NULL REFERENCES review_requests(id),
  role         TEXT NOT NULL,                  -- reviewer / advisor
  author_id    TEXT NOT NULL,
  author_name  TEXT NOT NULL DEFAULT '',
  suggestion   TEXT NOT NULL DEFAULT '',       -- suggested conclusion
  summary      TEXT NOT NULL DEFAULT '',
  submitted_at TEXT NOT NULL DEFAULT '',
  submitted_on TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (review_id, role)
);

CREATE TABLE review_opinions (
  id            TEXT PRIMARY KEY,
  review_id     TEXT NOT NULL REFERENCES review_requests(id),
  role          TEXT NOT NULL,
  author_id     TEXT NOT NULL,
  author_name   TEXT NOT NULL DEFAULT '',
  seq           INTEGER NOT NULL,              -- within the author's opinion
  content       TEXT NOT NULL,
  basis         TEXT NOT NULL DEFAULT '',      -- legal basis cited
  final_no      INTEGER NOT NULL DEFAULT 0,    -- number in the 审核意见书, 0 = not included
  answer        TEXT NOT NULL DEFAULT '',      -- adopted / partly / rejected
  answer_reason TEXT NOT NULL DEFAULT '',
  answered_on   TEXT NOT NULL DEFAULT '',
  answered_by   TEXT NOT NULL DEFAULT '',
  created_at    TEXT NOT NULL
);
CREATE INDEX review_opinions_review ON review_opinions(review_id, role, seq);

CREATE TABLE review_events (
  id         TEXT PRIMARY KEY,
  review_id  TEXT NOT NULL REFERENCES review_requests(id),
  at         TEXT NOT NULL,
  on_date    TEXT NOT NULL,
  actor_id   TEXT NOT NULL DEFAULT '',
  actor_name TEXT NOT NULL DEFAULT '',
  action     TEXT NOT NULL,
  from_state TEXT NOT NULL DEFAULT '',
  to_state   TEXT NOT NULL DEFAULT '',
  note       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX review_events_review ON review_events(review_id, at);

CREATE TABLE normdocs (
  id               TEXT PRIMARY KEY,
  organ_id         TEXT NOT NULL REFERENCES organs(id),   -- 制定机关
  organ_name       TEXT NOT NULL,
  drafter_organ_id TEXT NOT NULL DEFAULT '',
  reg_organ_id     TEXT NOT NULL REFERENCES organs(id),   -- the office that keeps the register
  review_id        TEXT NOT NULL DEFAULT '',
  legacy           INTEGER NOT NULL DEFAULT 0,            -- registered from an existing document, no review here
  title            TEXT NOT NULL,
  number           TEXT NOT NULL DEFAULT '',
  number_year      INTEGER NOT NULL DEFAULT 0,
  number_seq       INTEGER NOT NULL DEFAULT 0,
  provisional      INTEGER NOT NULL DEFAULT 0,            -- 暂行 / 试行
  keywords         TEXT NOT NULL DEFAULT '',
  topics           TEXT NOT NULL DEFAULT '',
  signed_on        TEXT NOT NULL DEFAULT '',
  published_on     TEXT NOT NULL DEFAULT '',
  publish_channel  TEXT NOT NULL DEFAULT '',
  effective_on     TEXT NOT NULL DEFAULT '',
  valid_years      INTEGER NOT NULL DEFAULT 0,
  expires_on       TEXT NOT NULL DEFAULT '',              -- last day in force
  warn_on          TEXT NOT NULL DEFAULT '',              -- evaluation warning
  status           TEXT NOT NULL,
  status_on        TEXT NOT NULL DEFAULT '',              -- effective date of the current status
  ended_on         TEXT NOT NULL DEFAULT '',              -- first day no longer in force
  amended_by_id    TEXT NOT NULL DEFAULT '',
  amends_id        TEXT NOT NULL DEFAULT '',
  pending_amend    INTEGER NOT NULL DEFAULT 0,
  evaluation       TEXT NOT NULL DEFAULT '',
  evaluated_on     TEXT NOT NULL DEFAULT '',
  evaluation_note  TEXT NOT NULL DEFAULT '',
  current_version  INTEGER NOT NULL DEFAULT 1,
  version          INTEGER NOT NULL DEFAULT 1,
  created_at       TEXT NOT NULL,
  updated_at       TEXT NOT NULL
);
CREATE UNIQUE INDEX normdocs_number ON normdocs(number) WHERE number <> '';
CREATE UNIQUE INDEX normdocs_organ_seq ON normdocs(organ_id, number_year, number_seq) WHERE number_seq > 0;
CREATE UNIQUE INDEX normdocs_review ON normdocs(review_id) WHERE review_id <> '';
CREATE INDEX normdocs_reg ON normdocs(reg_organ_id, status);
CREATE INDEX normdocs_organ ON normdocs(organ_id, status, published_on);
CREATE INDEX normdocs_published ON normdocs(status, published_on);
CREATE INDEX normdocs_warn ON normdocs(status, warn_on);
CREATE INDEX normdocs_expires ON normdocs(status, expires_on);

CREATE TABLE normdoc_versions (
  id            TEXT PRIMARY KEY,
  doc_id        TEXT NOT NULL REFERENCES normdocs(id),
  seq           INTEGER NOT NULL,
  title         TEXT NOT NULL,
  body          TEXT NOT NULL,
  note          TEXT NOT NULL DEFAULT '',
  source_doc_id TEXT NOT NULL DEFAULT '',     -- the amending document
  source_number TEXT NOT NULL DEFAULT '',
  effective_on  TEXT NOT NULL DEFAULT '',
  created_at    TEXT NOT NULL,
  created_by    TEXT NOT NULL DEFAULT '',
  UNIQUE (doc_id, seq)
);

CREATE TABLE normdoc_events (
  id          TEXT PRIMARY KEY,
  doc_id      TEXT NOT NULL REFERENCES normdocs(id),
  at          TEXT NOT NULL,
  on_date     TEXT NOT NULL,
  actor_id    TEXT NOT NULL DEFAULT '',
  actor_name  TEXT NOT NULL DEFAULT '',
  action      TEXT NOT NULL,
  from_status TEXT NOT NULL DEFAULT '',
  to_status   TEXT NOT NULL DEFAULT '',
  note        TEXT NOT NULL DEFAULT '',
  ref_doc_id  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX normdoc_events_doc ON normdoc_events(doc_id, at);

CREATE TABLE normdoc_filings (
  id            TEXT PRIMARY KEY,
  doc_id        TEXT NOT NULL REFERENCES normdocs(id),
  body_kind     TEXT NOT NULL,                -- gov (上级政府 / 本级政府) / npc (人大常委会)
  body_name     TEXT NOT NULL,
  body_organ_id TEXT NOT NULL DEFAULT '',
  days          INTEGER NOT NULL,             -- the deadline in calendar days, from publication
  due_on        TEXT NOT NULL,
  sent_on       TEXT NOT NULL DEFAULT '',
  received_on   TEXT NOT NULL DEFAULT '',
  result        TEXT NOT NULL DEFAULT '',     -- '' / ok / correct
  feedback      TEXT NOT NULL DEFAULT '',
  feedback_on   TEXT NOT NULL DEFAULT '',
  created_at    TEXT NOT NULL,
  UNIQUE (doc_id, body_kind)
);
CREATE INDEX normdoc_filings_due ON normdoc_filings(sent_on, due_on);

CREATE TABLE normdoc_cleanups (
  id            TEXT PRIMARY KEY,
  organ_id      TEXT NOT NULL REFERENCES organs(id),   -- the organ whose documents are cleaned up
  reg_organ_id  TEXT NOT NULL REFERENCES organs(id),
  title         TEXT NOT NULL,
  basis         TEXT NOT NULL DEFAULT '',
  selection     TEXT NOT NULL DEFAULT '',              -- how the documents were chosen, in words
  state         TEXT NOT NULL,                         -- open / closed
  opened_on     TEXT NOT NULL,
  closed_on     TEXT NOT NULL DEFAULT '',
  decided_by    TEXT NOT NULL DEFAULT '',              -- e.g. 县政府第12次常务会议
  created_by    TEXT NOT NULL DEFAULT '',
  version       INTEGER NOT NULL DEFAULT 1,
  created_at    TEXT NOT NULL,
  updated_at    TEXT NOT NULL
);
CREATE INDEX normdoc_cleanups_reg ON normdoc_cleanups(reg_organ_id, state);

CREATE TABLE normdoc_cleanup_items (
  id              TEXT PRIMARY KEY,
  cleanup_id      TEXT NOT NULL REFERENCES normdoc_cleanups(id),
  doc_id          TEXT NOT NULL REFERENCES normdocs(id),
  proposal        TEXT NOT NULL DEFAULT '',   -- keep / amend / repeal / expire
  proposal_reason TEXT NOT NULL DEFAULT '',
  proposed_by     TEXT NOT NULL DEFAULT '',
  decision        TEXT NOT NULL DEFAULT '',
  decision_reason TEXT NOT NULL DEFAULT '',
  decided_on      TEXT NOT NULL DEFAULT '',
  sort            INTEGER NOT NULL DEFAULT 0,
  UNIQUE (cleanup_id, doc_id)
);
CREATE INDEX normdoc_cleanup_items_doc ON normdoc_cleanup_items(doc_id);
