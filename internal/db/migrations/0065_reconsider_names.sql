-- The characters of each applicant's name, so a name search reads the cases holding the typed
-- characters instead of testing LIKE '%…%' on every case in scope (issue 12). One row per distinct
-- character (lower case) and case; filled here for the cases already stored and by every insert
-- (reconsider/names.go, the same statement for a set of cases).
CREATE TABLE reconsider_names (
    gram        TEXT NOT NULL,
    case_id     TEXT NOT NULL REFERENCES reconsider_cases(id),
    organ_id    TEXT NOT NULL,
    received_on TEXT NOT NULL,
    receipt_no  TEXT NOT NULL,
    PRIMARY KEY (gram, case_id)
);
-- A character's cases within a data scope: a county's few, not the province's thousands.
CREATE INDEX reconsider_names_organ ON reconsider_names(gram, organ_id, case_id);
WITH RECURSIVE k(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM k WHERE n < 64)
INSERT INTO reconsider_names (gram, case_id, organ_id, received_on, receipt_no)
SELECT DISTINCT lower(substr(c.applicant_name, k.n, 1)), c.id, c.organ_id, c.received_on, c.receipt_no
FROM reconsider_cases c JOIN k ON k.n <= length(c.applicant_name)
WHERE substr(c.applicant_name, k.n, 1) <> ' ';
