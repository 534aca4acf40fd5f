-- 规范性文件: “继续有效” after the evaluation before expiry is a new version that must be published and
-- filed like any other. A document may therefore be filed more than once (round 1 = its first
-- publication, 2 … = each re-publication), so the filings table is rebuilt with the round in its key
-- and the publication each filing counts from.
CREATE TABLE normdoc_filings_r (
  id            TEXT PRIMARY KEY,
  doc_id        TEXT NOT NULL REFERENCES normdocs(id),
  round         INTEGER NOT NULL DEFAULT 1,
  from_on       TEXT NOT NULL DEFAULT '',     -- the publication the deadline counts from ('' = the document's)
  body_kind     TEXT NOT NULL,
  body_name     TEXT NOT NULL,
  body_organ_id TEXT NOT NULL DEFAULT '',
  days          INTEGER NOT NULL,
  due_on        TEXT NOT NULL,
  sent_on       TEXT NOT NULL DEFAULT '',
  received_on   TEXT NOT NULL DEFAULT '',
  result        TEXT NOT NULL DEFAULT '',
  feedback      TEXT NOT NULL DEFAULT '',
  feedback_on   TEXT NOT NULL DEFAULT '',
  created_at    TEXT NOT NULL,
  UNIQUE (doc_id, round, body_kind)
);
INSERT INTO normdoc_filings_r (id, doc_id, round, from_on, body_kind, body_name, body_organ_id, days, due_on, sent_on, received_on, result, feedback, feedback_on, created_at)
  SELECT id, doc_id, 1, '', body_kind, body_name, body_organ_id, days, due_on, sent_on, received_on, result, feedback, feedback_on, created_at FROM normdoc_filings;
DROP TABLE normdoc_filings;
ALTER TABLE normdoc_filings_r RENAME TO normdoc_filings;
CREATE INDEX normdoc_filings_due ON normdoc_filings(sent_on, due_on);
ALTER TABLE normdocs ADD COLUMN renewal_seq INTEGER NOT NULL DEFAULT 0;  -- the version awaiting re-publication after 继续有效
ALTER TABLE normdocs ADD COLUMN renewed_on TEXT NOT NULL DEFAULT '';     -- the latest re-publication
