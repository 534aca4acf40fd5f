-- 案卷评查: a campaign's scope, sampling rule and committed file pool (the 双随机 commitment:
-- SM3 of the seed and of the pool published first, the seed revealed at the draw); each sampled
-- file's evaluator, per-item deductions, result sent back and rectification.
ALTER TABLE enforce_campaigns ADD COLUMN scope TEXT NOT NULL DEFAULT '';
ALTER TABLE enforce_campaigns ADD COLUMN sample_mode TEXT NOT NULL DEFAULT '';
ALTER TABLE enforce_campaigns ADD COLUMN sample_value INTEGER NOT NULL DEFAULT 0;
ALTER TABLE enforce_campaigns ADD COLUMN seed TEXT NOT NULL DEFAULT '';
ALTER TABLE enforce_campaigns ADD COLUMN commitment TEXT NOT NULL DEFAULT '';
ALTER TABLE enforce_campaigns ADD COLUMN pool TEXT NOT NULL DEFAULT '';
ALTER TABLE enforce_campaigns ADD COLUMN pool_hash TEXT NOT NULL DEFAULT '';
ALTER TABLE enforce_campaigns ADD COLUMN sample TEXT NOT NULL DEFAULT '';
ALTER TABLE enforce_campaigns ADD COLUMN drawn_at TEXT NOT NULL DEFAULT '';
ALTER TABLE enforce_campaigns ADD COLUMN drawn_on TEXT NOT NULL DEFAULT '';
ALTER TABLE enforce_campaigns ADD COLUMN created_by TEXT NOT NULL DEFAULT '';

ALTER TABLE enforce_evaluations ADD COLUMN body_id TEXT NOT NULL DEFAULT '';
ALTER TABLE enforce_evaluations ADD COLUMN state TEXT NOT NULL DEFAULT 'scored';
ALTER TABLE enforce_evaluations ADD COLUMN deductions TEXT NOT NULL DEFAULT '';
ALTER TABLE enforce_evaluations ADD COLUMN sent_on TEXT NOT NULL DEFAULT '';
ALTER TABLE enforce_evaluations ADD COLUMN rectify_due TEXT NOT NULL DEFAULT '';
ALTER TABLE enforce_evaluations ADD COLUMN rectified_on TEXT NOT NULL DEFAULT '';
ALTER TABLE enforce_evaluations ADD COLUMN rectify_note TEXT NOT NULL DEFAULT '';
ALTER TABLE enforce_evaluations ADD COLUMN version INTEGER NOT NULL DEFAULT 1;
CREATE INDEX enforce_evaluations_campaign ON enforce_evaluations (campaign_id);
CREATE INDEX enforce_evaluations_body ON enforce_evaluations (body_id);

-- The organ's scoring sheet (edited as data); a campaign keeps a copy of the sheet it began with.
CREATE TABLE enforce_sheets (
    organ_id TEXT PRIMARY KEY,
    sheet TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
