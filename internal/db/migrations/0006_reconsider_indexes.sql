-- 行政复议 statistics and workbench at province scale.
-- Covering index of the one-pass statistics query (reconsider/stats.go): the rows of an organ received
-- by the end of the period and not closed before its start are read from the index alone.
CREATE INDEX reconsider_cases_stats ON reconsider_cases(organ_id, received_on, closed_on, accepted_on, state, outcome,
  decision_due, settled, corrected, field, act_type, respondent);
-- Workbench: concluded cases whose performance is still to be recorded, without reading every concluded row.
CREATE INDEX reconsider_cases_performance ON reconsider_cases(organ_id, state, performed_on, next_due);
