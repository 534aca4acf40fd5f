-- The hourly reminder job reads the unreplied recommendations whose reply falls due in its window
-- (overdue by up to 30 days … 3 working days ahead), not the whole table. Its hearings are found
-- through litigation_hearings_unheld (migration 0024).
CREATE INDEX litigation_recommendations_due ON litigation_recommendations(replied_on, reply_due);
