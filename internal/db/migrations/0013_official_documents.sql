-- Official documents of every module (package officialdoc), keyed like attachments and case_events
-- by owner type and id: a draft until issued, then frozen with its 文号 and the SHA-256 of the DOCX.
-- The 行政复议 documents are copied here; reconsider_documents is dropped by a later migration.
CREATE TABLE official_documents (
  id         TEXT PRIMARY KEY,
  owner_type TEXT NOT NULL,                 -- reconsider_case, …
  owner_id   TEXT NOT NULL,
  organ_id   TEXT NOT NULL,
  kind       TEXT NOT NULL,                 -- declared by the module: accept_notice, decision, …
  number     TEXT NOT NULL DEFAULT '',      -- 文号, given at issue
  title      TEXT NOT NULL,
  recipient  TEXT NOT NULL DEFAULT '',
  body       TEXT NOT NULL,
  status     TEXT NOT NULL,                 -- draft / issued
  issued_on  TEXT NOT NULL DEFAULT '',      -- the legal date on the document
  issued_at  TEXT NOT NULL DEFAULT '',      -- instant of the issue (UTC)
  issued_by  TEXT NOT NULL DEFAULT '',
  sha256     TEXT NOT NULL DEFAULT '',      -- the frozen DOCX in blobs
  created_by TEXT NOT NULL DEFAULT '',
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX official_documents_owner ON official_documents(owner_type, owner_id, created_at);

-- Who issued a copied document and when come from its issue event on the case timeline.
INSERT INTO official_documents (id, owner_type, owner_id, organ_id, kind, number, title, recipient, body, status,
  issued_on, issued_at, issued_by, sha256, created_by, created_at, updated_at)
SELECT d.id, 'reconsider_case', d.case_id, d.organ_id, d.kind, d.number, d.title, d.recipient, d.body, d.status,
  d.issued_on,
  CASE WHEN d.status = 'issued' THEN COALESCE((SELECT MAX(e.at) FROM case_events e
    WHERE e.owner_type = 'reconsider_case' AND e.action = 'issue_document' AND e.ref_id = d.id), d.updated_at) ELSE '' END,
  COALESCE((SELECT MAX(e.actor_id) FROM case_events e
    WHERE e.owner_type = 'reconsider_case' AND e.action = 'issue_document' AND e.ref_id = d.id), ''),
  d.sha256, d.created_by, d.created_at, d.updated_at
FROM reconsider_documents d;
