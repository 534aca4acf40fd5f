-- 行政执法监督决定书: the day a matter's decision was made (its rectification period runs anew).
ALTER TABLE enforce_matters ADD COLUMN decision_on TEXT NOT NULL DEFAULT '';
