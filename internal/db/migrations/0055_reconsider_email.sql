-- The applicant's e-mail address (optional): encrypted like the phone, masked for display; the
-- outbox sends the applicant's notices there too (issue 11).
ALTER TABLE reconsider_cases ADD COLUMN email_enc TEXT NOT NULL DEFAULT '';
ALTER TABLE reconsider_cases ADD COLUMN email_masked TEXT NOT NULL DEFAULT '';
