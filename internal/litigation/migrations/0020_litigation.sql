-- 行政应诉: one row per case and instance (一审/二审/再审 share matter_id), its parties, hearings,
-- the court–司法局–agency deliveries and the 司法建议/检察建议 records.
CREATE TABLE litigation_cases (
  id                  TEXT PRIMARY KEY,
  matter_id           TEXT NOT NULL,
  organ_id            TEXT NOT NULL REFERENCES organs(id),  -- the defendant organ (or the importing government)
  gov_id              TEXT NOT NULL,                        -- the government whose 司法局 guides the case
  court_id            TEXT NOT NULL DEFAULT '',             -- the court organ, when in the tree
  court_name          TEXT NOT NULL,
  instance            TEXT NOT NULL,                        -- first, second, retrial
  docket              TEXT NOT NULL,
  docket_year         INTEGER NOT NULL,
  court_code          TEXT NOT NULL,
  docket_kind         TEXT NOT NULL,
  docket_no           INTEGER NOT NULL,
  defendant           TEXT NOT NULL,
  plaintiff           TEXT NOT NULL,
  plaintiff_kind      TEXT NOT NULL,
  act                 TEXT NOT NULL DEFAULT '',
  act_type            TEXT NOT NULL,
  field               TEXT NOT NULL,
  cause               TEXT NOT NULL DEFAULT '',
  reconsidered        INTEGER NOT NULL DEFAULT 0,
  reconsider_result   TEXT NOT NULL DEFAULT '',
  reconsider_case_id  TEXT NOT NULL DEFAULT '',
  state               TEXT NOT NULL,
  received_on         TEXT NOT NULL DEFAULT '',             -- 收到起诉状副本 (the answer clock starts)
  served_at           TEXT NOT NULL DEFAULT '',             -- 签收 instant on the platform
  draft_days          INTEGER NOT NULL DEFAULT 10,
  answer_due          TEXT NOT NULL DEFAULT '',
  draft_due           TEXT NOT NULL DEFAULT '',
  draft_on            TEXT NOT NULL DEFAULT '',
  reviewed_on         TEXT NOT NULL DEFAULT '',
  review_note         TEXT NOT NULL DEFAULT '',
  answered_on         TEXT NOT NULL DEFAULT '',
  outcome             TEXT NOT NULL DEFAULT '',
  closed_on           TEXT NOT NULL DEFAULT '',             -- 结案日期 (审结 counts by it)
  decision_served_on  TEXT NOT NULL DEFAULT '',
  appeal_due          TEXT NOT NULL DEFAULT '',
  appealed            INTEGER NOT NULL DEFAULT 0,
  appeal_decided      INTEGER NOT NULL DEFAULT 0,
  appeal_approver     TEXT NOT NULL DEFAULT '',
  effective_on        TEXT NOT NULL DEFAULT '',
  performed_on        TEXT NOT NULL DEFAULT '',
  imported            INTEGER NOT NULL DEFAULT 0,
  version             INTEGER NOT NULL DEFAULT 1,
  created_at          TEXT NOT NULL
);
CREATE UNIQUE INDEX litigation_cases_docket ON litigation_cases(docket);
CREATE INDEX litigation_cases_organ ON litigation_cases(organ_id, instance, received_on);
CREATE INDEX litigation_cases_gov ON litigation_cases(gov_id, state);
CREATE INDEX litigation_cases_court ON litigation_cases(court_id, state);
CREATE INDEX litigation_cases_matter ON litigation_cases(matter_id);
CREATE INDEX litigation_cases_closed ON litigation_cases(closed_on);

CREATE TABLE litigation_parties (
  id        TEXT PRIMARY KEY,
  case_id   TEXT NOT NULL REFERENCES litigation_cases(id),
  role      TEXT NOT NULL,                  -- plaintiff, defendant, codefendant, third
  seq       INTEGER NOT NULL DEFAULT 0,
  name      TEXT NOT NULL,
  kind      TEXT NOT NULL DEFAULT '',       -- natural, org
  id_enc    TEXT NOT NULL DEFAULT '',       -- 身份证号码 / 统一社会信用代码, encrypted
  id_masked TEXT NOT NULL DEFAULT '',
  organ_id  TEXT NOT NULL DEFAULT ''        -- defendants found in the org tree
);
CREATE INDEX litigation_parties_case ON litigation_parties(case_id, role, seq);
CREATE INDEX litigation_parties_organ ON litigation_parties(organ_id);

CREATE TABLE litigation_hearings (
  id           TEXT PRIMARY KEY,
  case_id      TEXT NOT NULL REFERENCES litigation_cases(id),
  held_on      TEXT NOT NULL,
  notice_on    TEXT NOT NULL DEFAULT '',
  mandatory    INTEGER NOT NULL DEFAULT 0,
  held         INTEGER NOT NULL DEFAULT 0,
  appeared     INTEGER NOT NULL DEFAULT 0,
  leader_name  TEXT NOT NULL DEFAULT '',
  leader_title TEXT NOT NULL DEFAULT '',
  absence      TEXT NOT NULL DEFAULT '',
  delegates    TEXT NOT NULL DEFAULT '',
  flags        TEXT NOT NULL DEFAULT '',    -- 出庭规定第十二条 situations, 、-separated
  created_at   TEXT NOT NULL
);
CREATE INDEX litigation_hearings_case ON litigation_hearings(case_id, held_on);
CREATE INDEX litigation_hearings_on ON litigation_hearings(held_on);

-- A delivery is immutable once sent: only signed_at/signed_by are filled in later, once.
CREATE TABLE litigation_deliveries (
  id           TEXT PRIMARY KEY,
  case_id      TEXT NOT NULL REFERENCES litigation_cases(id),
  kind         TEXT NOT NULL,               -- 起诉状副本, 应诉通知书, 答辩状, 判决书 …
  direction    TEXT NOT NULL,               -- to_defendant, to_court
  attachment_id TEXT NOT NULL DEFAULT '',
  filename     TEXT NOT NULL DEFAULT '',
  sha256       TEXT NOT NULL DEFAULT '',
  sender_id    TEXT NOT NULL DEFAULT '',
  sender_name  TEXT NOT NULL DEFAULT '',
  sender_organ TEXT NOT NULL DEFAULT '',
  recipients   TEXT NOT NULL DEFAULT '',    -- organ names, 、-separated
  sent_at      TEXT NOT NULL,
  signed_at    TEXT NOT NULL DEFAULT '',
  signed_by    TEXT NOT NULL DEFAULT '',
  signer_name  TEXT NOT NULL DEFAULT ''
);
CREATE INDEX litigation_deliveries_case ON litigation_deliveries(case_id, sent_at);

CREATE TABLE litigation_recommendations (
  id           TEXT PRIMARY KEY,
  kind         TEXT NOT NULL,               -- judicial, procuratorial
  number       TEXT NOT NULL,               -- as received: 某法建〔2024〕3号
  organ_id     TEXT NOT NULL REFERENCES organs(id),
  gov_id       TEXT NOT NULL,
  case_id      TEXT NOT NULL DEFAULT '',
  issuer       TEXT NOT NULL,
  subject      TEXT NOT NULL DEFAULT '',
  urgent       INTEGER NOT NULL DEFAULT 0,
  stated_days  INTEGER NOT NULL DEFAULT 0,
  received_on  TEXT NOT NULL,
  reply_due    TEXT NOT NULL,
  replied_on   TEXT NOT NULL DEFAULT '',
  reply_note   TEXT NOT NULL DEFAULT '',
  version      INTEGER NOT NULL DEFAULT 1,
  created_at   TEXT NOT NULL
);
CREATE INDEX litigation_recommendations_organ ON litigation_recommendations(organ_id, received_on);
CREATE INDEX litigation_recommendations_gov ON litigation_recommendations(gov_id, received_on);
