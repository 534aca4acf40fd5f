-- Follow-on disputes: the fazhi reconsideration case a request's 复议 is (empty: external, by its
-- number in dispute_ref) and the lawsuit's case number.
ALTER TABLE disclosure_requests ADD COLUMN reconsider_case_id TEXT NOT NULL DEFAULT '';
ALTER TABLE disclosure_requests ADD COLUMN litigation_ref TEXT NOT NULL DEFAULT '';
