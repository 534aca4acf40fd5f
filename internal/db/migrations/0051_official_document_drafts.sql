-- The workbench lists drafts left unissued for more than a day: found by status and age, not by
-- reading every issued document.
CREATE INDEX official_documents_drafts ON official_documents(status, owner_type, created_at);
