-- "An organ and everything below it" as rows an index serves on every engine: one row per
-- (ancestor, organ) pair, the organ itself included. A LIKE on organs.path was estimated badly by
-- PostgreSQL (a county's list hash-joined the whole province's cases) and cannot use an index under
-- non-C collations. Organs never move, so CreateOrgan writes an organ's rows once.
CREATE TABLE organ_tree (
    ancestor_id TEXT NOT NULL REFERENCES organs(id),
    organ_id    TEXT NOT NULL REFERENCES organs(id),
    PRIMARY KEY (ancestor_id, organ_id)
);
CREATE INDEX organ_tree_organ ON organ_tree(organ_id);
INSERT INTO organ_tree (ancestor_id, organ_id)
SELECT a.id, d.id FROM organs a JOIN organs d ON substr(d.path, 1, length(a.path)) = a.path;
