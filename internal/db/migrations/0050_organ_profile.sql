-- The organ's profile, printed on its documents: 决定书 name the respondent's address and legal
-- representative, receipts the organ's contact, and the seal line its seal name.
ALTER TABLE organs ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE organs ADD COLUMN postcode TEXT NOT NULL DEFAULT '';
ALTER TABLE organs ADD COLUMN phone TEXT NOT NULL DEFAULT '';
ALTER TABLE organs ADD COLUMN legal_rep TEXT NOT NULL DEFAULT '';
ALTER TABLE organs ADD COLUMN legal_rep_title TEXT NOT NULL DEFAULT '';
ALTER TABLE organs ADD COLUMN seal_name TEXT NOT NULL DEFAULT '';
