-- The issued 回复函 (official_documents) a recommendation's reply points at.
ALTER TABLE litigation_recommendations ADD COLUMN reply_document_id TEXT NOT NULL DEFAULT '';
CREATE INDEX litigation_recommendations_case ON litigation_recommendations(case_id);
