-- The statistics read only this index: the organ's cases of an instance received by the period's end,
-- with every column the counts need (measured in docs/benchmarks.md, 行政应诉).
CREATE INDEX litigation_cases_stats ON litigation_cases(organ_id, instance, received_on, closed_on, answer_due, answered_on, outcome, defendant, field, act_type, id);
