-- The three modules' histories moved to case_events in 0007; no code reads these any more.
DROP TABLE reconsider_events;
DROP TABLE review_events;
DROP TABLE normdoc_events;
