-- The case list's order (litigation.listOrder: not yet signed for first, then by receipt, newest
-- first; created_at and the unique 案号 break ties). A wide scope (a city's or the province's
-- leader) walks this backward, testing each row's scope, and stops after the page (issue 12's
-- pattern, as reconsider_cases_received).
CREATE INDEX litigation_cases_list ON litigation_cases((CASE WHEN received_on = '' THEN 1 ELSE 0 END), received_on, created_at, docket);
-- The workbench reads only what it shows: cases in their answer period or awaiting the appeal
-- decision (a few weeks each, never the years of effective judgments), unsigned deliveries and
-- hearings not yet recorded.
CREATE INDEX litigation_cases_state ON litigation_cases(state, appeal_decided);
CREATE INDEX litigation_deliveries_unsigned ON litigation_deliveries(signed_at, case_id, direction, sent_at);
CREATE INDEX litigation_hearings_unheld ON litigation_hearings(held, held_on, case_id);
