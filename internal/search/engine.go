package search

import (
	"cmp"
	"context"
	"database/sql"
	"slices"
	"strings"
	"sync"
	"time"

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
// first limits.count passages, up to maxCountDocs (capped: the count is a lower bound).
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
		// Documents among the first limits.count passages, stopping at maxCountDocs + 1: the pager
		// reaches no further, and a phrase query spent up to 7 ms on 3,000 passages (DISTINCT
		// streams, so the LIMIT stops the scan). Fewer documents: were there more passages?
		match := fts5Match(q, meta)
		err := r.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT DISTINCT x >> 16 FROM (SELECT rowid AS x FROM search_fts WHERE search_fts MATCH ? LIMIT ?) LIMIT ?)`,
			match, lim.count, maxCountDocs+1).Scan(&cs.docs)
		if err != nil {
			return cs, err
		}
		if cs.capped = cs.docs > maxCountDocs; cs.capped {
			cs.docs = maxCountDocs
		} else {
			var n int
			if err := r.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM search_fts WHERE search_fts MATCH ? LIMIT ?)`, match, lim.count).Scan(&n); err != nil {
				return cs, err
			}
			cs.capped = n >= lim.count
		}
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

// pgEngine reads candidates one of two ways (see candidates).
type pgEngine struct {
	mode PostgresPlan

	mu    sync.Mutex
	stats map[string]*lexStats // per full-text table
}

// PostgresPlan is how the index reads candidates on PostgreSQL; tests set it to cover both ways.
type PostgresPlan uint8

const (
	PlanAuto PostgresPlan = iota // ordered scans where the lexeme statistics call the query common
	PlanGIN                      // always the GIN index
	PlanScan                     // ordered scans whenever they can answer
)

// SetPostgresPlan forces a way of reading candidates on PostgreSQL (no effect on SQLite). Not safe
// while searches run.
func (ix *Index) SetPostgresPlan(p PostgresPlan) {
	if e, ok := ix.eng.(*pgEngine); ok {
		e.mode = p
	}
}

func (*pgEngine) insert(ctx context.Context, tx *db.Tx, rows []ftsRow) error {
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

func (*pgEngine) delete(ctx context.Context, tx *db.Tx, ids []int64) error {
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

// candidates reads the candidates by the cheaper of two ways.
//
// GIN (ginCandidates) intersects the posting lists of every lexeme of the query before it returns
// a row: cost grows with the number of matching passages, 50–175 ms for the commonest words of
// 115,000 passages. When the lexeme statistics say the query matches a large share of the passages,
// scanCandidates walks each kind's passages newest first through the primary key and tests each
// vector, stopping at the window: a few hundred rows whatever the number of matches. A RUM index
// ordered by id (postgresql-15-rum) was measured too and rejected: it also collects every match
// before the first row (法 1.5–2.4 s, 人民政府 80–240 ms, 管理 67–156 ms for the first 150).
func (e *pgEngine) candidates(ctx context.Context, r db.Querier, q Query, meta []string, kind string, lim limits) (candidateSet, error) {
	if e.mode != PlanGIN {
		cs, ok, err := e.scanCandidates(ctx, r, q, meta, kind, lim)
		if err != nil || ok {
			return cs, err
		}
	}
	return e.ginCandidates(ctx, r, q, meta, kind, lim)
}

// Ordered scan bounds. The statistics only tell how common a query is over the whole table, and the
// kinds differ (人民政府 is in most generated documents' titles and few law articles), so each kind
// is probed: scanProbe rows first, then, if the rate of matches found lets the share fill within
// scanMaxRows, the rest of the budget; else that kind comes from GIN, where the query is then rare.
// Testing a vector costs 3–10 µs: a probe costs 1–3 ms, a full budget 6–20 ms.
const (
	scanMinRows     = 50000 // below, GIN is cheap enough and counts exactly
	scanMinFraction = 0.1   // share of all passages the statistics must expect to match
	scanProbe       = 300
	scanMaxRows     = 2000
)

// scanCandidates is candidates by ordered scans where a kind's passages match often, GIN for the
// other kinds. ok is false when the statistics advise against scanning: the caller uses GIN. For a
// kind filled by a scan the count is its documents among the candidates, a lower bound ("以上"):
// counting further would cost what the scan saves.
func (e *pgEngine) scanCandidates(ctx context.Context, r db.Querier, q Query, meta []string, kind string, lim limits) (cs candidateSet, ok bool, err error) {
	cs.loose = true
	rest := slices.DeleteFunc(slices.Clone(meta), func(m string) bool { return strings.HasPrefix(m, "xk") })
	if e.mode != PlanScan {
		st := e.lexStats(ctx, r, "search_fts")
		if st == nil || st.rows < scanMinRows || st.fraction(q, rest) < scanMinFraction {
			return cs, false, nil
		}
	}
	kl := kindList(kind)
	share := lim.window / len(kl)
	seen := map[int64]bool{}
	docs := map[int64]bool{}
	loose, exact := tsLoose(q, rest), tsMatch(q, rest)
	for _, k := range kl {
		got, st, err := e.scanKind(ctx, r, "search_fts", loose, k, share)
		if err != nil {
			return cs, false, err
		}
		if st == scanRare {
			// Counted up to limits.count like the GIN path; the kind's lexeme keeps GIN to the kind.
			all, err := ids(r.QueryContext(ctx, `SELECT id FROM search_fts WHERE tsv @@ ?::tsquery LIMIT ?`,
				tsLoose(q, append(slices.Clip(rest), metaKind(k))), max(lim.count, lim.window)))
			if err != nil {
				return cs, false, err
			}
			for _, id := range all {
				docs[docOf(id)] = true
			}
			got = pickRange(all, k, share)
			cs.capped = cs.capped || len(all) >= max(lim.count, lim.window)
		} else {
			for _, id := range got {
				docs[docOf(id)] = true
			}
			cs.capped = cs.capped || st == scanFilled
		}
		cs.ids = appendNew(cs.ids, seen, got)
		if len(got) < share && !cs.capped {
			continue // every matching passage of the kind is a candidate
		}
		cs.saturated = true
		// Title matches of the kind, newest first, the same way (exact query: title vectors are small).
		heads, st, err := e.scanKind(ctx, r, "search_title_fts", exact, k, lim.title)
		if err != nil {
			return cs, false, err
		}
		if st == scanRare {
			all, err := ids(r.QueryContext(ctx, `SELECT id FROM search_title_fts WHERE tsv @@ ?::tsquery LIMIT ?`,
				tsMatch(q, append(slices.Clip(rest), metaKind(k))), lim.title*4))
			if err != nil {
				return cs, false, err
			}
			heads = pickRange(all, k, lim.title)
		}
		cs.ids = appendNew(cs.ids, seen, heads)
	}
	cs.docs = len(docs)
	return cs, true, nil
}

type scanState uint8

const (
	scanDone   scanState = iota // every passage of the kind tested: the ids are all its matches
	scanFilled                  // limit reached: more may match
	scanRare                    // matches too rare to fill the limit within scanMaxRows: use GIN
)

// scanKind reads up to limit ids of the kind matching match, in force first, newest first, testing
// each vector as the primary key yields it (see the constants above for the budget).
func (e *pgEngine) scanKind(ctx context.Context, r db.Querier, table, match, kind string, limit int) ([]int64, scanState, error) {
	var out []int64
	for _, inForce := range []bool{true, false} {
		lo, hi := idRange(kind, inForce)
		tested := 0
		for _, budget := range []int{scanProbe, scanMaxRows - scanProbe} {
			need := limit - len(out)
			got, more, err := scanRows(ctx, r, table, match, lo, hi, tested, budget, need)
			if err != nil {
				return nil, 0, err
			}
			out = append(out, got...)
			if len(got) == need {
				return out, scanFilled, nil
			}
			if !more {
				break // this tier is done; the next one
			}
			tested += budget
			// The rate found so far must fill the rest within the budget left.
			if tested >= scanMaxRows || e.mode != PlanScan &&
				(len(got) == 0 || float64(need-len(got))*float64(tested)/float64(len(got)) > float64(scanMaxRows-tested)) {
				return nil, scanRare, nil
			}
		}
	}
	return out, scanDone, nil
}

// scanRows tests the rows of [lo, hi) after the newest skip, at most budget of them, and returns up to
// need matching ids; more reports rows beyond the budget. The inner LIMIT bounds the rows tested (one
// more, numbered, says whether there are more), the outer one stops at need; a subquery with LIMIT is
// not flattened, so vectors are tested as the primary key yields them.
func scanRows(ctx context.Context, r db.Querier, table, match string, lo, hi int64, skip, budget, need int) (got []int64, more bool, err error) {
	rows, err := r.QueryContext(ctx, `SELECT id, n FROM (SELECT id, tsv @@ ?::tsquery AS hit, row_number() OVER () AS n
		FROM (SELECT id, tsv FROM `+table+` WHERE id >= ? AND id < ? ORDER BY id DESC OFFSET ? LIMIT ?) s) x WHERE hit OR n > ? LIMIT ?`,
		match, lo, hi, skip, budget+1, budget, need+1)
	if err != nil {
		return nil, false, err
	}
	defer rows.Close()
	for rows.Next() {
		var id, n int64
		if err := rows.Scan(&id, &n); err != nil {
			return nil, false, err
		}
		if n > int64(budget) {
			more = true
		} else if len(got) < need {
			got = append(got, id)
		}
	}
	return got, more, rows.Err()
}

// lexStats are PostgreSQL's statistics of a tsvector column (pg_stats.most_common_elems: the
// ~1,000 commonest lexemes with the share of rows holding each), refreshed every statsTTL.
type lexStats struct {
	at   time.Time
	freq map[string]float64
	min  float64 // a lexeme not listed is in fewer rows than this
	rows float64 // rows of the table at the last ANALYZE
}

const statsTTL = 10 * time.Minute

// lexStats returns the table's statistics, nil when there are none (never analysed, or an engine
// without the view): then only GIN is used.
func (e *pgEngine) lexStats(ctx context.Context, r db.Querier, table string) *lexStats {
	e.mu.Lock()
	defer e.mu.Unlock()
	if st, ok := e.stats[table]; ok && time.Since(st.at) < statsTTL {
		return st
	}
	st := &lexStats{at: time.Now(), freq: map[string]float64{}}
	// The frequency array ends with three extra numbers (min, max, null share), which unnest
	// pairs with NULL lexemes.
	rows, err := r.QueryContext(ctx, `SELECT u.e, u.f FROM pg_stats s, unnest(s.most_common_elems::text::text[], s.most_common_elem_freqs) AS u(e, f)
		WHERE s.schemaname = current_schema() AND s.tablename = ? AND s.attname = 'tsv' AND u.e IS NOT NULL`, table)
	if err == nil {
		for rows.Next() {
			var lex string
			var f float64
			if rows.Scan(&lex, &f) == nil {
				st.freq[lex] = f
				if st.min == 0 || f < st.min {
					st.min = f
				}
			}
		}
		rows.Close()
		if len(st.freq) > 0 {
			err = r.QueryRowContext(ctx, `SELECT c.reltuples FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
				WHERE n.nspname = current_schema() AND c.relname = ?`, table).Scan(&st.rows)
			if err != nil {
				st.freq = nil
			}
		}
	}
	if e.stats == nil {
		e.stats = map[string]*lexStats{}
	}
	if len(st.freq) == 0 {
		st = nil
	}
	e.stats[table] = st
	if st == nil {
		// Remember the absence for a minute, not for the whole TTL: an ANALYZE may come soon.
		e.stats[table] = &lexStats{at: time.Now().Add(time.Minute - statsTTL)}
		return nil
	}
	return st
}

// fraction estimates the share of rows matching q's positive terms and the filters: a term is as
// rare as its rarest token (the bigrams of one word go together), terms and filters are taken as
// independent. A prefix token counts every listed lexeme it starts. 0 when the statistics cannot tell.
func (st *lexStats) fraction(q Query, meta []string) float64 {
	if st == nil || len(st.freq) == 0 {
		return 0
	}
	lex := func(tok string, prefix bool) float64 {
		if !prefix {
			if f, ok := st.freq[tok]; ok {
				return f
			}
			return st.min / 2 // unlisted: rarer than every listed lexeme
		}
		var sum float64
		for l, f := range st.freq {
			if strings.HasPrefix(l, tok) {
				sum += f
			}
		}
		return min(max(sum, st.min/2), 1)
	}
	f := 1.0
	for _, t := range q.Terms {
		if t.Negate {
			continue
		}
		toks, prefix := t.tokens()
		tf := 1.0
		for i, tok := range toks {
			tf = min(tf, lex(tok, prefix && i == len(toks)-1))
		}
		f *= tf
	}
	for _, m := range meta {
		f *= lex("="+m, false)
	}
	return f
}

// ginCandidates reads the candidate passage ids once, up to limits.count, and picks the window from
// them in Go. Every GIN query intersects the posting lists of the query's lexemes, tens of
// milliseconds for common words, so one scan serves the window, the kinds and the count; only the
// (small, exact) title index is read again, when a kind is saturated.
func (e *pgEngine) ginCandidates(ctx context.Context, r db.Querier, q Query, meta []string, kind string, lim limits) (candidateSet, error) {
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
	if cs.docs > maxCountDocs {
		cs.docs, cs.capped = maxCountDocs, true
	}
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
