-- The reconsideration case page lists the lawsuits over it (litigation.Lawsuits).
CREATE INDEX litigation_cases_reconsider ON litigation_cases(reconsider_case_id);
