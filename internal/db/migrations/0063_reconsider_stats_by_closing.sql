-- Statistics read the cases that can count in a period: closed on or after its first day, or still
-- open. Led by closed_on, the covering index reads only those, so a year's figures cost the same
-- after five or ten years of history (issue 12); the index led by received_on read every case
-- received before the period's end.
DROP INDEX reconsider_cases_stats;
CREATE INDEX reconsider_cases_stats_closed ON reconsider_cases(organ_id, closed_on, received_on, accepted_on, state, outcome,
  decision_due, settled, corrected, field, act_type, respondent);
