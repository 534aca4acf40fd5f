-- 听证 is "hearing" in the glossary: the step formerly recorded as "session" gets its new name, so
-- that the case history, its labels and the documents it drafts use one word. The table
-- reconsider_sessions keeps its name (renaming it would only churn the schema).
UPDATE case_events SET action = 'hearing' WHERE owner_type = 'reconsider_case' AND action = 'session';
