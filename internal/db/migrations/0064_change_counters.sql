-- How often each organ's records of a module changed: statistics cached per organ (stats.Memo)
-- are reused while the count stands, on every instance (the count lives in the database and moves
-- in the same transaction as the records).
CREATE TABLE change_counters (
    module   TEXT NOT NULL,
    organ_id TEXT NOT NULL,
    n        BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (module, organ_id)
);
