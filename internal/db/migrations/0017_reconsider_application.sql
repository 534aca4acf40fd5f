-- 行政复议: the facts of the application period (Arts. 20–21), the compensation decided with the main
-- decision (Art. 72), and the reason a case was reviewed on the papers without hearing the parties (Art. 49).
CREATE TABLE reconsider_application_facts (
  case_id         TEXT PRIMARY KEY REFERENCES reconsider_cases(id),
  longer_days     INTEGER NOT NULL DEFAULT 0,  -- a period set by another law, longer than 60 days (Art. 20 para 1)
  longer_basis    TEXT NOT NULL DEFAULT '',
  not_told        INTEGER NOT NULL DEFAULT 0,  -- the act did not state the right, the organ and the period (Art. 20 para 3)
  rights_known_on TEXT NOT NULL DEFAULT '',
  obstacle_from   TEXT NOT NULL DEFAULT '',    -- force majeure or another proper obstacle (Art. 20 para 2)
  obstacle_to     TEXT NOT NULL DEFAULT '',
  obstacle_reason TEXT NOT NULL DEFAULT '',
  posted_on       TEXT NOT NULL DEFAULT '',    -- postmark of a posted application (民事诉讼法第八十五条第四款)
  immovable       INTEGER NOT NULL DEFAULT 0,  -- an application concerning 不动产: 20 years (Art. 21)
  updated_at      TEXT NOT NULL
);
ALTER TABLE reconsider_cases ADD COLUMN compensation TEXT NOT NULL DEFAULT '';
ALTER TABLE reconsider_cases ADD COLUMN written_review TEXT NOT NULL DEFAULT '';
