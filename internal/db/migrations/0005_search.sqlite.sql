-- Full-text index (internal/search) and the law library (internal/lawlib).

-- One row per indexed document; id is the serial that passage ids carry (see search/index.go).
CREATE TABLE search_docs (
  id         INTEGER PRIMARY KEY,
  kind       TEXT NOT NULL,                -- law / normdoc
  ref_id     TEXT NOT NULL,                -- the owning module's id
  title      TEXT NOT NULL,
  organ_id   TEXT NOT NULL DEFAULT '',
  organ      TEXT NOT NULL DEFAULT '',
  number     TEXT NOT NULL DEFAULT '',     -- 文号
  date       TEXT NOT NULL DEFAULT '',     -- YYYY-MM-DD
  year       INTEGER NOT NULL DEFAULT 0,
  status     TEXT NOT NULL DEFAULT '',     -- 有效 / 已修订 / 已修改 / 废止 / 失效
  in_force   INTEGER NOT NULL DEFAULT 0,
  url        TEXT NOT NULL DEFAULT '',
  hash       TEXT NOT NULL,                -- of everything indexed: an unchanged upsert writes nothing
  parts      INTEGER NOT NULL DEFAULT 0,
  updated_at TEXT NOT NULL,
  UNIQUE (kind, ref_id)
);
CREATE INDEX search_docs_organ ON search_docs(organ_id, organ);
CREATE INDEX search_docs_year ON search_docs(year);

-- One row per passage (article of a law, chunk of a long document): the text snippets come from.
CREATE TABLE search_parts (
  id     INTEGER PRIMARY KEY,              -- inForce<<50 | doc<<16 | seq, also the full-text rowid
  doc_id INTEGER NOT NULL REFERENCES search_docs(id),
  seq    INTEGER NOT NULL,
  anchor TEXT NOT NULL DEFAULT '',
  label  TEXT NOT NULL DEFAULT '',
  text   TEXT NOT NULL
);
CREATE INDEX search_parts_doc ON search_parts(doc_id);

-- Token strings of search.TokenString (bigrams + trailing unigram); meta holds the filter tokens.
-- Contentless: the tokens are not stored twice, the text is in search_parts.
CREATE VIRTUAL TABLE search_fts USING fts5(
  title, body, meta,
  tokenize = 'unicode61 remove_diacritics 0',
  prefix = '1',
  content = '',
  contentless_delete = 1
);
-- Pending tokens are flushed to a new segment when they pass hashsize (default 1 MB). A bulk load
-- (the law import, ~60 MB of tokens) then writes a hundred small segments and spends a third of its
-- time merging them; 64 MB keeps one segment per import transaction. Small writes use little of it.
INSERT INTO search_fts (search_fts, rank) VALUES ('hashsize', 67108864);

-- Titles again, one row per document (rowid = its first passage): a title search reads this small
-- index instead of every passage that carries the words in its body.
CREATE VIRTUAL TABLE search_title_fts USING fts5(
  title, meta,
  tokenize = 'unicode61 remove_diacritics 0',
  prefix = '1',
  content = '',
  contentless_delete = 1
);

-- The reference library: one row per version of a law (one Markdown file of the corpus).
CREATE TABLE laws (
  id          TEXT PRIMARY KEY,            -- derived from path: stable across re-imports and deployments
  path        TEXT NOT NULL UNIQUE,        -- relative to the library root
  title       TEXT NOT NULL,
  subtitle    TEXT NOT NULL DEFAULT '',    -- 民法典 parts
  group_key   TEXT NOT NULL,               -- versions of one law share it
  category    TEXT NOT NULL DEFAULT '',
  version     TEXT NOT NULL DEFAULT '',    -- YYYY-MM-DD from the file name, '' when undated
  status      TEXT NOT NULL,               -- 有效 / 已修订 / 废止
  repealed_by TEXT NOT NULL DEFAULT '',    -- id of the law whose text repeals this one
  repeals     TEXT NOT NULL DEFAULT '',    -- titles this law's text repeals, one per line
  info        TEXT NOT NULL DEFAULT '',
  preamble    TEXT NOT NULL DEFAULT '',
  text        TEXT NOT NULL,
  articles    INTEGER NOT NULL DEFAULT 0,
  hash        TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
CREATE INDEX laws_group ON laws(group_key, version);
CREATE INDEX laws_category ON laws(category, title);
CREATE INDEX laws_title ON laws(title);

CREATE TABLE law_articles (
  law_id  TEXT NOT NULL REFERENCES laws(id),
  ord     INTEGER NOT NULL,                -- position in the law
  number  TEXT NOT NULL,                   -- 第三十条, 第一百二十条之一
  seq     INTEGER NOT NULL,                -- 30, 120
  sub     INTEGER NOT NULL DEFAULT 0,      -- 1 for 之一
  part    TEXT NOT NULL DEFAULT '',
  chapter TEXT NOT NULL DEFAULT '',
  section TEXT NOT NULL DEFAULT '',
  text    TEXT NOT NULL,
  PRIMARY KEY (law_id, ord)
);
CREATE INDEX law_articles_seq ON law_articles(law_id, seq, sub);
