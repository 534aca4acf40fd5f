-- The hourly reminder job looks up rectification periods under way by state and due date.
CREATE INDEX enforce_matters_rectify ON enforce_matters (state, rectify_due);
CREATE INDEX enforce_evaluations_rectify ON enforce_evaluations (state, rectify_due);
