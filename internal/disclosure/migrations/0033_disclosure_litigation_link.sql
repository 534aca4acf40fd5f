-- The fazhi litigation case a request's lawsuit is (empty: external, by its number in litigation_ref);
-- table 四 reads the linked cases' current results.
ALTER TABLE disclosure_requests ADD COLUMN litigation_case_id TEXT NOT NULL DEFAULT '';
