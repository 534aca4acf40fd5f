-- 预警扫描 (issue 15): the day of the last scan, so the next one examines only the records whose
-- deadline fell since; partial indexes let it seek the few records still waiting on a deadline.
CREATE TABLE enforce_scan_state (
    name TEXT PRIMARY KEY,
    scanned_on TEXT NOT NULL
);
CREATE INDEX enforce_records_publish_pending ON enforce_records (publish_due) WHERE published_on = '';
CREATE INDEX enforce_records_withdraw_pending ON enforce_records (revoked_on) WHERE withdrawn_on = '' AND revoked_on <> '';
CREATE INDEX enforce_records_decision_pending ON enforce_records (filed_on) WHERE decided_on = '' AND category = 'penalty';
