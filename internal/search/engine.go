package search

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"

	"github.com/fazhi/fazhi/internal/db"
)

// engine is the seam between the index and a full-text implementation. Both built-in engines live
// in the application database; a dedicated search server would implement the same five methods.
type engine interface {
	// insert and delete keep the full-text rows in step with search_parts, inside the caller's tx:
	// one row per passage, and one per document (its first passage's id) in the title index.
	insert(ctx context.Context, tx *db.Tx, rows []ftsRow) error
	delete(ctx context.Context, tx *db.Tx, ids []int64) error
	// candidates returns the passages to rank for q (see candidateSet). meta lists the filter tokens
	// every passage must carry; kind ("" for all) is also among them as a token.
	candidates(ctx context.Context, r db.Querier, q Query, meta []string, kind string, lim limits) (candidateSet, error)
}

// limits bound a search: candidate passages (split evenly between the kinds searched), documents
// whose title carries the query (per kind), passages counted.
type limits struct{ window, title, count int }

// candidateSet is what an engine hands to ranking. Per kind: up to an equal share of the window,
// passages of documents in force first, newest first. A kind whose share is full matched broadly
// (saturated): the documents of that kind whose title carries every term, the likeliest answers
// wherever they are, join (up to limits.title), and the matching documents are counted among the
// first limits.count passages (capped: the count is a lower bound).
type candidateSet struct {
	ids       []int64
	saturated bool
	docs      int
	capped    bool
	loose     bool // ids may include passages that do not match: verify with Query.Matches
}

func kindList(kind string) []string {
	if kind != "" {
		return []string{kind}
	}
	return kinds
}

// appendNew appends the ids not seen yet.
func appendNew(dst []int64, seen map[int64]bool, ids []int64) []int64 {
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			dst = append(dst, id)
		}
	}
	return dst
}

// ---- SQLite FTS5 ----

type sqliteEngine struct{}

func (sqliteEngine) insert(ctx context.Context, tx *db.Tx, rows []ftsRow) error {
	// One row per statement: a multi-row statement runs in a statement savepoint, at which FTS5
	// flushes its pending tokens into a new segment, which is what UpsertMany avoids.
	for _, r := range rows {
		if err := tx.Exec(ctx, `INSERT INTO search_fts (rowid, title, body, meta) VALUES (?, ?, ?, ?)`, r.id, r.title, r.body, r.meta); err != nil {
			return err
		}
	}
	for _, r := range rows {
		if r.seq == 0 {
			if err := tx.Exec(ctx, `INSERT INTO search_title_fts (rowid, title, meta) VALUES (?, ?, ?)`, r.id, r.title, r.meta); err != nil {
				return err
			}
		}
	}
	return nil
}

func (sqliteEngine) delete(ctx context.Context, tx *db.Tx, ids []int64) error {
	for _, id := range ids {
		if err := tx.Exec(ctx, `DELETE FROM search_fts WHERE rowid = ?`, id); err != nil {
			return err
		}
		if id&(maxParts-1) == 0 {
			if err := tx.Exec(ctx, `DELETE FROM search_title_fts WHERE rowid = ?`, id); err != nil {
				return err
			}
		}
	}
	return nil
}

// fts5Match restricts the user's terms to the title and body columns (a typed "xklaw" must not hit
// the filter tokens) and adds the filters on the meta column.
func fts5Match(q Query, meta []string) string {
	s := "{title body} : (" + q.FTS5() + ")"
	for _, m := range meta {
		s += ` AND meta : "` + m + `"`
	}
	return s
}

func (sqliteEngine) candidates(ctx context.Context, r db.Querier, q Query, meta []string, kind string, lim limits) (candidateSet, error) {
	var cs candidateSet
	kl := kindList(kind)
	share := lim.window / len(kl)
	seen := map[int64]bool{}
	// The kind is the id range; its token would only make FTS5 intersect one more doclist.
	rest := slices.DeleteFunc(slices.Clone(meta), func(m string) bool { return strings.HasPrefix(m, "xk") })
	title := "{title} : (" + q.FTS5() + ")"
	for _, m := range rest {
		title += ` AND meta : "` + m + `"`
	}
	for _, k := range kl {
		got, err := sqliteRanges(ctx, r, "search_fts", fts5Match(q, rest), k, share)
		if err != nil {
			return cs, err
		}
		cs.ids = appendNew(cs.ids, seen, got)
		if len(got) < share {
			continue
		}
		cs.saturated = true
		heads, err := sqliteRanges(ctx, r, "search_title_fts", title, k, lim.title)
		if err != nil {
			return cs, err
		}
		cs.ids = appendNew(cs.ids, seen, heads)
	}
	if cs.saturated {
		var n int
		err := r.QueryRowContext(ctx, `SELECT count(DISTINCT x >> 16), count(*) FROM (SELECT rowid AS x FROM search_fts WHERE search_fts MATCH ? LIMIT ?)`,
			fts5Match(q, meta), lim.count).Scan(&cs.docs, &n)
		if err != nil {
			return cs, err
		}
		cs.capped = n >= lim.count
	}
	return cs, nil
}

// sqliteRanges reads the kind's in-force id range, then the other, newest first. A rowid range and
// rowid order are native to FTS5: the scan starts in the range and stops at the limit.
// No bm25(): it counts every query phrase over the whole index on each call (see rank.go).
func sqliteRanges(ctx context.Context, r db.Querier, table, match, kind string, limit int) ([]int64, error) {
	var out []int64
	for _, inForce := range []bool{true, false} {
		lo, hi := idRange(kind, inForce)
		got, err := ids(r.QueryContext(ctx, `SELECT rowid FROM `+table+` WHERE `+table+` MATCH ? AND rowid >= ? AND rowid < ? ORDER BY rowid DESC LIMIT ?`,
			match, lo, hi, limit-len(out)))
		if err != nil {
			return nil, err
		}
		if out = append(out, got...); len(out) >= limit {
			break
		}
	}
	return out, nil
}

func ids(rows *sql.Rows, err error) ([]int64, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// ---- PostgreSQL tsvector ----

type pgEngine struct{}

func (pgEngine) insert(ctx context.Context, tx *db.Tx, rows []ftsRow) error {
	return batched(rows, func(b []ftsRow) error {
		var sb strings.Builder
		sb.WriteString(`INSERT INTO search_fts (id, tsv) VALUES `)
		args := make([]any, 0, 4*len(b))
		for i, r := range b {
			if i > 0 {
				sb.WriteString(", ")
			}
			// The filter lexemes sit between title and body, so no phrase runs from one into the other.
			sb.WriteString("(?, setweight(to_tsvector('simple', ?), 'A') || ?::tsvector || setweight(to_tsvector('simple', ?), 'B'))")
			args = append(args, r.id, r.title, tsMeta(r.meta), r.body)
		}
		if err := tx.Exec(ctx, sb.String(), args...); err != nil {
			return err
		}
		sb.Reset()
		sb.WriteString(`INSERT INTO search_title_fts (id, tsv) VALUES `)
		args = args[:0]
		for _, r := range b {
			if r.seq != 0 {
				continue
			}
			if len(args) > 0 {
				sb.WriteString(", ")
			}
			sb.WriteString("(?, setweight(to_tsvector('simple', ?), 'A') || ?::tsvector)")
			args = append(args, r.id, r.title, tsMeta(r.meta))
		}
		if len(args) == 0 {
			return nil
		}
		return tx.Exec(ctx, sb.String(), args...)
	})
}

// tsMeta writes filter tokens as a tsvector literal: each prefixed with "=", which the tokenizer
// never puts in a token, so no user term can match a filter and the terms need no weight
// restriction (which would force GIN to recheck every row). Tokens are letters and digits.
func tsMeta(meta string) string {
	f := strings.Fields(meta)
	for i, t := range f {
		f[i] = "'=" + t + "':1"
	}
	return strings.Join(f, " ")
}

func (pgEngine) delete(ctx context.Context, tx *db.Tx, ids []int64) error {
	for len(ids) > 0 {
		n := min(len(ids), 500)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		if err := tx.Exec(ctx, `DELETE FROM search_fts WHERE id IN (`+placeholders(n)+`)`, args...); err != nil {
			return err
		}
		if err := tx.Exec(ctx, `DELETE FROM search_title_fts WHERE id IN (`+placeholders(n)+`)`, args...); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func tsLoose(q Query, meta []string) string {
	s := "(" + q.TSQueryLoose() + ")"
	for _, m := range meta {
		s += " & '=" + m + "'"
	}
	return s
}

// tsMatch is the query as a tsquery literal (cast with ::tsquery, not parsed by to_tsquery: its
// parser would strip the "=" of the filter lexemes; the query's tokens are already normalised).
func tsMatch(q Query, meta []string) string {
	s := "(" + q.TSQuery() + ")"
	for _, m := range meta {
		s += " & '=" + m + "'"
	}
	return s
}

// candidates reads the candidate passage ids once, up to limits.count, and picks the window from
// them in Go. Every GIN query intersects the posting lists of the query's lexemes, tens of
// milliseconds for common words, so one scan serves the window, the kinds and the count; only the
// (small, exact) title index is read again, when a kind is saturated.
func (pgEngine) candidates(ctx context.Context, r db.Querier, q Query, meta []string, kind string, lim limits) (candidateSet, error) {
	cs := candidateSet{loose: true}
	scan := max(lim.count, lim.window) // a window grown for a deep page reads further
	// The loose query (tokens ANDed, no phrases, no exclusions) is answered by the index alone; a
	// phrase would make PostgreSQL re-read and decompress every candidate's vector (~20 µs each).
	// Ranking verifies the candidates it reads anyway, so the window and the count are of candidates.
	all, err := ids(r.QueryContext(ctx, `SELECT id FROM search_fts WHERE tsv @@ ?::tsquery LIMIT ?`, tsLoose(q, meta), scan))
	if err != nil {
		return cs, err
	}
	cs.capped = len(all) >= scan
	docs := map[int64]bool{}
	for _, id := range all {
		docs[id>>docShift] = true
	}
	cs.docs = len(docs)
	kl := kindList(kind)
	share := lim.window / len(kl)
	seen := map[int64]bool{}
	var heads []int64
	for _, k := range kl {
		got := pickRange(all, k, share)
		cs.ids = appendNew(cs.ids, seen, got)
		if len(got) < share && !cs.capped {
			continue
		}
		cs.saturated = true
		if heads == nil {
			// Title matches of every kind at once; picked per kind below.
			if heads, err = ids(r.QueryContext(ctx, `SELECT id FROM search_title_fts WHERE tsv @@ ?::tsquery LIMIT ?`,
				tsMatch(q, meta), lim.title*len(kinds)*4)); err != nil {
				return cs, err
			}
		}
		cs.ids = appendNew(cs.ids, seen, pickRange(heads, k, lim.title))
	}
	return cs, nil
}

// pickRange returns up to n ids of the kind, in force first, newest first: the order SQLite reads.
func pickRange(all []int64, kind string, n int) []int64 {
	var out []int64
	for _, inForce := range []bool{true, false} {
		lo, hi := idRange(kind, inForce)
		var in []int64
		for _, id := range all {
			if id >= lo && id < hi {
				in = append(in, id)
			}
		}
		slices.SortFunc(in, func(a, b int64) int { return cmp.Compare(b, a) })
		out = append(out, in[:min(len(in), n-len(out))]...)
		if len(out) >= n {
			break
		}
	}
	return out
}
