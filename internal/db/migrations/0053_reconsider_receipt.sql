-- 行政复议 public receipts: the key of the form an online application came from (a resubmitted form
-- finds its case instead of making a second one), and the query code kept encrypted only until the
-- applicant has seen it (the receipt page after the redirect; cleared on the first lookup).
ALTER TABLE reconsider_cases ADD COLUMN submit_key TEXT NOT NULL DEFAULT '';
ALTER TABLE reconsider_cases ADD COLUMN receipt_code_enc TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX reconsider_cases_submit_key ON reconsider_cases (submit_key) WHERE submit_key <> '';
