// Package search prepares Chinese full text for an ordinary word index: no segmenter, no dictionary,
// the same token strings feed SQLite FTS5 and PostgreSQL tsvector.
//
// # Index side
//
// TokenString turns a text into space-separated tokens:
//   - full-width ASCII is folded to ASCII (Ａ→a, ０→0, ，→,), the ideographic space to a space, all lowercased;
//   - a run of Latin letters/digits is one word ("gb", "9704", "2024");
//   - a run of CJK characters (Han, kana, Hangul) becomes its overlapping bigrams followed by the run's
//     last character as a unigram: 政府信息 → "政府 府信 信息 息"; a one-character run is just "法".
//     Spaces between two CJK characters do not end a run ("总 则" ≡ "总则"); punctuation and line
//     breaks do; zero-width characters are ignored;
//   - everything else (punctuation, symbols, markup) only separates.
//
// The trailing unigram is the one addition to plain bigrams. It costs one token per run and buys exact
// single-character search (a character is either the first of some bigram or the last of its run, so
// the prefix query 法* finds every 法) and exact phrases that cross a script change (第3条, 2019年).
//
// # Query side
//
// ParseQuery splits on whitespace, keeps "…" and “…” phrases, and -word exclusions. Each term becomes a
// phrase of consecutive tokens produced by the same tokenizer, minus the trailing unigram of its last
// CJK run (the indexed run may go on past the term): 政府信息公开 → "政府 府信 信息 息公 公开". A term whose
// last CJK run is a single character ends with a prefix token: 法 → 法*, 2019年 → "2019 年"*.
// Terms are ANDed; excluded terms are subtracted. FTS5() and TSQuery() render the same plan, and both
// find exactly the texts that contain every term as a substring (checked against real laws on SQLite
// FTS5 and PostgreSQL 15; TestIndexEqualsSubstring keeps the property in the unit tests).
//
// # The index (index.go, engine.go, search.go, rank.go)
//
// Modules hand documents to Index.Upsert/Delete inside their own transaction (kind law or normdoc,
// keyed by RefID); an unchanged document writes nothing. A document is stored as passages: the
// caller's Parts (lawlib: one per article, so a hit links to #a30) or its Body cut at line breaks
// into pieces of at most MaxPartRunes — PostgreSQL keeps token positions only up to 16383, so long
// texts would lose phrases there. Tables (migration 0005): search_docs (one row per document),
// search_parts (passage texts, for ranking and snippets) and two engine-specific full-text tables:
//
//	SQLite:     search_fts(title, body, meta) and search_title_fts(title, meta), FTS5, contentless,
//	            unicode61, prefix='1', rowid = passage id
//	PostgreSQL: search_fts(id, tsv) and search_title_fts(id, tsv) with GIN indexes; title at
//	            weight A, body at B, filter lexemes "=xk…" (no token can contain "=")
//
// Filters (status, organ, year, in force) are tokens of the meta column, intersected inside the
// index. Passage ids encode in-force tier, kind and document (id = inForce<<51 | kind<<49 | doc<<16 |
// passage), so SQLite reads a kind's candidates as a rowid range, in force first and newest first,
// stopping at the window. PostgreSQL reads a query its lexeme statistics call common (≥ 10% of the
// passages) the same way, walking the primary key newest first and testing each vector until the
// window is full, and any other query through the GIN index, whose cost grows with the matches (see
// pgEngine.candidates; sequential scans off: see Index.read). There a scanned kind is counted within
// the window only.
//
// A search takes up to 300 candidate passages (split between the kinds). When a kind fills its
// share, the query is broad: the documents of that kind whose title carries every term join from the
// title index (100 per kind), and the documents are counted up to 3,000 passages or 500 documents
// ("N 条以上" beyond).
// The candidates are scored in Go (rank.go: BM25-style, title ×10, no IDF — FTS5's bm25() would
// count every phrase over the whole index on each query), grouped by document (best passage gives
// the snippet and the anchor), the version in force boosted ×2, and paged. A page the window cannot
// fill grows it. Highlight marks the snippet. The engine interface (engine.go) is the seam for a
// dedicated search server: insert, delete, candidates.
package search
