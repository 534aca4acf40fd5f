-- The day a document takes effect: one in force on paper but not yet effective reads 尚未施行 in
-- 法规检索 as on its own page ("" = unknown or already effective when indexed).
ALTER TABLE search_docs ADD COLUMN effective TEXT NOT NULL DEFAULT '';
