-- The request list picks its page's ids from this covering index (organ, order, id), then reads the
-- twenty rows; it keeps the prefix of the (organ, received_on) index it replaces (the statistics).
DROP INDEX disclosure_requests_organ_received;
CREATE INDEX disclosure_requests_organ_list ON disclosure_requests (organ_id, received_on, receipt_no, id);
-- A wide scope (a city's or the province's leader) walks the list in its order and tests each row's
-- organ (auth.ScopeWalkSQL) instead of sorting every visible request.
CREATE INDEX disclosure_requests_received ON disclosure_requests (received_on, receipt_no);
