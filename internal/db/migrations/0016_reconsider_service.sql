-- 行政复议: service (送达) of the notices and copies whose periods run from receipt (Arts. 31, 48, 54, 76,
-- 行政诉讼法第四十五条), and the approved length of the decision period's extension counted from the
-- end of the original period (Art. 62). One row per service; the case keeps the dates the clocks use.
CREATE TABLE reconsider_services (
  id         TEXT PRIMARY KEY,
  case_id    TEXT NOT NULL REFERENCES reconsider_cases(id),
  doc        TEXT NOT NULL,                 -- copy / amend_notice / decision / opinion
  ref_id     TEXT NOT NULL DEFAULT '',      -- the 意见书 served, for doc = opinion
  recipient  TEXT NOT NULL DEFAULT '',
  method     TEXT NOT NULL,                 -- direct / post / electronic / public / platform
  sent_on    TEXT NOT NULL DEFAULT '',
  event_on   TEXT NOT NULL,                 -- signature, signed-for, arrival or announcement date
  served_on  TEXT NOT NULL,                 -- the legal date of service (公告: event_on + 30 days)
  note       TEXT NOT NULL DEFAULT '',
  actor_name TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL
);
CREATE INDEX reconsider_services_case ON reconsider_services(case_id, doc);
ALTER TABLE reconsider_cases ADD COLUMN copy_served_on TEXT NOT NULL DEFAULT '';
ALTER TABLE reconsider_cases ADD COLUMN amend_served_on TEXT NOT NULL DEFAULT '';
ALTER TABLE reconsider_cases ADD COLUMN amend_extra_days INTEGER NOT NULL DEFAULT 0;
ALTER TABLE reconsider_cases ADD COLUMN decision_served_on TEXT NOT NULL DEFAULT '';
ALTER TABLE reconsider_opinions ADD COLUMN received_on TEXT NOT NULL DEFAULT '';
