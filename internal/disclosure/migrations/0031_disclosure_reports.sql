-- 政府信息公开工作年度报告: one per organ and year. The editable texts, the cells of 二 entered by
-- hand, the audited override of 上年结转, and once published the 索引号 and the frozen report.
CREATE TABLE disclosure_reports (
  id               TEXT PRIMARY KEY,
  organ_id         TEXT NOT NULL REFERENCES organs(id),
  year             INTEGER NOT NULL,
  overview         TEXT NOT NULL DEFAULT '',
  problems         TEXT NOT NULL DEFAULT '',
  other            TEXT NOT NULL DEFAULT '',
  manual           TEXT NOT NULL DEFAULT '{}',
  carried_override TEXT NOT NULL DEFAULT '',
  override_reason  TEXT NOT NULL DEFAULT '',
  index_no         TEXT NOT NULL DEFAULT '',
  published_on     TEXT NOT NULL DEFAULT '',
  published_json   TEXT NOT NULL DEFAULT '',
  updated_at       TEXT NOT NULL,
  updated_by       TEXT NOT NULL DEFAULT '',
  version          INTEGER NOT NULL DEFAULT 1,
  UNIQUE (organ_id, year)
);
CREATE INDEX disclosure_reports_published ON disclosure_reports (published_on);
