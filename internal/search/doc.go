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
// # Plugging into SQL (sketch for the store step)
//
// SQLite:
//
//	CREATE VIRTUAL TABLE doc_fts USING fts5(title, body, tokenize='unicode61', prefix='1');
//	INSERT INTO doc_fts(rowid, title, body) VALUES (?, search.TokenString(title), search.TokenString(body));
//	SELECT rowid, bm25(doc_fts, 10.0, 1.0) AS rank FROM doc_fts WHERE doc_fts MATCH ? ORDER BY rank; -- q.FTS5()
//
// PostgreSQL:
//
//	tsv tsvector GENERATED ... or filled by Go:
//	  setweight(to_tsvector('simple', $title_tokens), 'A') || setweight(to_tsvector('simple', $body_tokens), 'B')
//	CREATE INDEX ... USING gin (tsv);
//	SELECT id, ts_rank(tsv, q) FROM doc, to_tsquery('simple', $1) q WHERE tsv @@ q ORDER BY 2 DESC; -- q.TSQuery()
//
// PostgreSQL stores at most position 16383 per tsvector, so phrases deep inside a very long text do not
// match there: index long laws per article (lawlib.Article), not as one row.
package search
