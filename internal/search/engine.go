package search

import (
	"context"
	"strings"

	"github.com/fazhi/fazhi/internal/db"
)

// engine is the seam between the index and a full-text implementation. Both built-in engines live
// in the application database; a dedicated search server would implement the same five methods.
type engine interface {
	// insert and delete keep the full-text rows in step with search_parts, inside the caller's tx.
	insert(ctx context.Context, tx *db.Tx, rows []ftsRow) error
	delete(ctx context.Context, tx *db.Tx, ids []int64) error
	// window returns up to limit matching passages with their relevance, passages of documents in
	// force first. meta lists filter tokens every passage must carry.
	window(ctx context.Context, d *db.DB, q Query, meta []string, limit int) ([]cand, error)
	// count counts the documents among the first maxRows matching passages; capped reports that
	// maxRows was reached (the count is then a lower bound).
	count(ctx context.Context, d *db.DB, q Query, meta []string, maxRows int) (docs int, capped bool, err error)
}

// cand is a matching passage with its relevance (higher is better). body is the relevance of the
// body alone: the passage with the best body shows the snippet, since the title is the same on every
// passage and a short passage matched only by its title would otherwise win on length.
type cand struct {
	id          int64
	score, body float64
}

// Column weights: a title match must outweigh any body match (the title is short and repeated on
// every passage of its document, the body is the passage).
const (
	titleWeight = 10.0
	bodyWeight  = 1.0
)

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
	return nil
}

func (sqliteEngine) delete(ctx context.Context, tx *db.Tx, ids []int64) error {
	for _, id := range ids {
		if err := tx.Exec(ctx, `DELETE FROM search_fts WHERE rowid = ?`, id); err != nil {
			return err
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

func (sqliteEngine) window(ctx context.Context, d *db.DB, q Query, meta []string, limit int) ([]cand, error) {
	// rowid order is free in FTS5 and stops at the limit: in force first, then the newest document.
	rows, err := d.QueryContext(ctx, `SELECT rowid, bm25(search_fts, ?, ?, 0.0), bm25(search_fts, 0.0, 1.0, 0.0) FROM search_fts WHERE search_fts MATCH ? ORDER BY rowid DESC LIMIT ?`,
		titleWeight, bodyWeight, fts5Match(q, meta), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []cand
	for rows.Next() {
		var c cand
		if err := rows.Scan(&c.id, &c.score, &c.body); err != nil {
			return nil, err
		}
		c.score, c.body = -c.score, -c.body // bm25() is negative, lower is better
		out = append(out, c)
	}
	return out, rows.Err()
}

func (sqliteEngine) count(ctx context.Context, d *db.DB, q Query, meta []string, maxRows int) (int, bool, error) {
	var docs, n int
	err := d.QueryRowContext(ctx, `SELECT count(DISTINCT r >> 16), count(*) FROM (SELECT rowid AS r FROM search_fts WHERE search_fts MATCH ? LIMIT ?)`,
		fts5Match(q, meta), maxRows).Scan(&docs, &n)
	return docs, n >= maxRows, err
}

// ---- PostgreSQL tsvector ----

type pgEngine struct{}

// tsWeights are ts_rank's weights for {D, C, B, A}: title A, body B; D holds the filter lexemes,
// which the rank query never contains.
const tsWeights = "{0.01, 0.01, 0.1, 1.0}"

func (pgEngine) insert(ctx context.Context, tx *db.Tx, rows []ftsRow) error {
	return batched(rows, func(b []ftsRow) error {
		var sb strings.Builder
		sb.WriteString(`INSERT INTO search_fts (id, tsv) VALUES `)
		args := make([]any, 0, 4*len(b))
		for i, r := range b {
			if i > 0 {
				sb.WriteString(", ")
			}
			// The filter lexemes sit between title and body, so no phrase can run from one into the other.
			sb.WriteString("(?, setweight(to_tsvector('simple', ?), 'A') || ?::tsvector || setweight(to_tsvector('simple', ?), 'B'))")
			args = append(args, r.id, r.title, tsMeta(r.meta), r.body)
		}
		return tx.Exec(ctx, sb.String(), args...)
	})
}

// tsMeta writes filter tokens as a tsvector literal (weight D, the default). Tokens are letters and
// digits only, so they need no escaping.
func tsMeta(meta string) string {
	f := strings.Fields(meta)
	for i, t := range f {
		f[i] = "'" + t + "':1"
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
		ids = ids[n:]
	}
	return nil
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

func tsMatch(q Query, meta []string) string {
	s := "(" + q.tsQuery("AB") + ")"
	for _, m := range meta {
		s += " & '" + m + "'"
	}
	return s
}

func hasInForceFilter(meta []string) bool {
	for _, m := range meta {
		if strings.HasPrefix(m, "xf") || strings.HasPrefix(m, "xs") {
			return true
		}
	}
	return false
}

func (e pgEngine) window(ctx context.Context, d *db.DB, q Query, meta []string, limit int) ([]cand, error) {
	// A GIN bitmap scan has no useful order and sorting every match would cost what the window
	// saves, so the in-force preference is two passes: documents in force, then the others.
	if hasInForceFilter(meta) {
		return e.pass(ctx, d, q, meta, limit)
	}
	out, err := e.pass(ctx, d, q, append(meta[:len(meta):len(meta)], metaInForce(true)), limit)
	if err != nil || len(out) >= limit {
		return out, err
	}
	rest, err := e.pass(ctx, d, q, append(meta[:len(meta):len(meta)], metaInForce(false)), limit-len(out))
	return append(out, rest...), err
}

func (pgEngine) pass(ctx context.Context, d *db.DB, q Query, meta []string, limit int) ([]cand, error) {
	rows, err := d.QueryContext(ctx, `SELECT id, ts_rank('`+tsWeights+`', tsv, r, 1), ts_rank('{0, 0, 1, 0}', tsv, r, 1)
		FROM search_fts, to_tsquery('simple', ?) r WHERE tsv @@ to_tsquery('simple', ?) LIMIT ?`, q.TSQuery(), tsMatch(q, meta), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []cand
	for rows.Next() {
		var c cand
		if err := rows.Scan(&c.id, &c.score, &c.body); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

func (pgEngine) count(ctx context.Context, d *db.DB, q Query, meta []string, maxRows int) (int, bool, error) {
	var docs, n int
	err := d.QueryRowContext(ctx, `SELECT count(DISTINCT id >> 16), count(*) FROM (SELECT id FROM search_fts WHERE tsv @@ to_tsquery('simple', ?) LIMIT ?) s`,
		tsMatch(q, meta), maxRows).Scan(&docs, &n)
	return docs, n >= maxRows, err
}
