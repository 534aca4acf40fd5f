-- Lists of a wide data scope (a city's or the province's leader) walk these in the list's order and
-- stop after the page, instead of sorting every visible case (issue 12).
CREATE INDEX reconsider_cases_received ON reconsider_cases(received_on, receipt_no);
CREATE INDEX reconsider_cases_due ON reconsider_cases(next_due, received_on, receipt_no);
-- A list page picks its ids from this covering index (organ, order, id), then reads twenty rows.
DROP INDEX reconsider_cases_organ_received;
CREATE INDEX reconsider_cases_organ_list ON reconsider_cases(organ_id, received_on, receipt_no, id);
