package search

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
)

// Options narrow and page a search. Zero values mean no filter; Limit 0 means DefaultLimit.
type Options struct {
	Kind    string // KindLaw or KindNormdoc
	OrganID string
	Status  string // 有效, 已修订, 已修改, 废止, 失效
	Year    int
	Limit   int
	Offset  int
}

// Paging bounds.
const (
	DefaultLimit = 10
	MaxLimit     = 100
)

// Hit is one document found: the best passage supplies the snippet and the link.
type Hit struct {
	Kind, RefID, Title, Organ, Number, Date, Status, URL, Snippet string
	Score                                                         float64

	TitleHTML string // the title with the query marked (HTML)
	Label     string // the passage's label, e.g. 第三十条 ("" for a document without parts)
	Passages  int    // matching passages of this document among those ranked (articles of a law)
	InForce   bool
}

// Result is a page of hits. Total counts matching documents; when More is set more passages
// matched than were counted and Total is a lower bound ("N 条以上").
type Result struct {
	Hits  []Hit
	Total int
	More  bool
}

// Ranking window and counting bounds. Up to windowRows matching passages (in force first, newest
// first) are ranked by relevance (rank.go); a query matching more than that — a single common word —
// is ranked within the window. Counting then reads up to countRows passages and stops at
// maxCountDocs documents, all the pager reaches (maxPages of PageSize, http.go).
const (
	windowRows = 300
	countRows  = 3000
	titleRows  = 100 // per kind, see candidates
	// maxCountDocs bounds the count ("N 条以上" beyond).
	maxCountDocs = 500
	// maxWindowRows bounds the window grown for deep pages.
	maxWindowRows = 20000
	// pageBlock is the number of ranked documents the window must hold: five pages of ten.
	pageBlock = 50
)

// inForceBoost multiplies the relevance of a document in force, so the current version of a law
// comes before its superseded versions, whose text is mostly the same.
const inForceBoost = 2.0

// SnippetRunes is the length of a hit's snippet in characters.
const SnippetRunes = 160

// Search runs q with o and returns the page of hits and the number of matching documents.
func (ix *Index) Search(ctx context.Context, q string, o Options) (hits []Hit, total int, err error) {
	r, err := ix.Find(ctx, q, o)
	return r.Hits, r.Total, err
}

// Find is Search with the whole result. Query syntax errors come back as the parser's Chinese errors.
func (ix *Index) Find(ctx context.Context, qs string, o Options) (Result, error) {
	q, err := ParseQuery(qs)
	if err != nil {
		return Result{}, err
	}
	if o.Limit <= 0 {
		o.Limit = DefaultLimit
	}
	o.Limit = min(o.Limit, MaxLimit)
	o.Offset = max(o.Offset, 0)
	if o.Kind != "" && !slices.Contains(kinds, o.Kind) {
		return Result{}, fmt.Errorf("检索类别 %q 无效", o.Kind)
	}
	var res Result
	err = ix.read(ctx, func(r db.Querier) error {
		var err error
		res, err = ix.find(ctx, r, q, o)
		return err
	})
	return res, err
}

// read runs fn with the connection searches read through. On PostgreSQL that is a transaction that
// forbids sequential scans: with LIMIT and many estimated matches the planner prefers scanning the
// table, which finds few matches early when they sit at the end of the heap (normative documents
// loaded after the law library) — 400 ms instead of 10 ms through the GIN index.
func (ix *Index) read(ctx context.Context, fn func(db.Querier) error) error {
	if ix.d.Dialect != db.Postgres {
		return fn(ix.d)
	}
	return ix.d.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
			return err
		}
		return fn(tx)
	})
}

func (ix *Index) find(ctx context.Context, r db.Querier, q Query, o Options) (Result, error) {
	meta := o.meta()
	if o.Kind != "" {
		meta = append(meta, metaKind(o.Kind))
	}
	var err error

	// A deeper page than the window can fill grows the window (four times per step, up to
	// maxWindowRows): deep pages of broad queries cost more, the first page stays cheap. The need is
	// rounded up to a block of pages, so the pages of one block come from the same window and agree.
	need := (o.Offset + o.Limit + pageBlock - 1) / pageBlock * pageBlock
	var order []*docHit
	var cs candidateSet
	for rows := ix.windowRows; ; rows *= 4 {
		cs, err = ix.eng.candidates(ctx, r, q, meta, o.Kind, limits{window: rows, title: ix.titleRows, count: ix.countRows})
		if err != nil {
			return Result{}, fmt.Errorf("检索失败：%w", err)
		}
		cands, err := ix.rank(ctx, r, q, cs.ids, cs.loose)
		if err != nil {
			return Result{}, err
		}
		order = groupByDoc(cands)
		if !cs.saturated || len(order) >= need || rows >= ix.maxWindowRows {
			break
		}
	}
	res := Result{Total: len(order)}
	if cs.saturated {
		res.Total, res.More = max(cs.docs, len(order)), cs.capped
	}
	if o.Offset >= len(order) {
		return res, nil
	}
	page := order[o.Offset:min(o.Offset+o.Limit, len(order))]
	pageIDs := make([]int64, len(page))
	for i, h := range page {
		pageIDs[i] = h.best.id
	}
	found, err := ix.passages(ctx, r, pageIDs)
	if err != nil {
		return Result{}, err
	}
	for _, h := range page {
		p, ok := found[h.best.id]
		if !ok {
			continue // deleted between the two reads
		}
		hit := p.hit
		hit.Score = h.score
		hit.Passages = h.passages
		hit.InForce = inForceOf(h.best.id)
		hit.TitleHTML = Highlight(hit.Title, q, 0)
		hit.Snippet = Highlight(p.text, q, SnippetRunes)
		if p.anchor != "" {
			hit.URL += "#" + p.anchor
		}
		res.Hits = append(res.Hits, hit)
	}
	return res, nil
}

// docHit is a document among the candidates.
type docHit struct {
	best     cand // shows the snippet: best body relevance, ties to the earlier passage
	score    float64
	passages int
}

// groupByDoc ranks documents by their best passage, boosted when in force.
func groupByDoc(cands []cand) []*docHit {
	byDoc := map[int64]*docHit{}
	order := make([]*docHit, 0, len(cands))
	for _, c := range cands {
		d := docOf(c.id)
		h := byDoc[d]
		if h == nil {
			h = &docHit{best: c, score: c.score}
			byDoc[d] = h
			order = append(order, h)
		} else {
			h.score = max(h.score, c.score)
			if c.body > h.best.body || (c.body == h.best.body && c.id < h.best.id) {
				h.best = c
			}
		}
		h.passages++
	}
	for _, h := range order {
		if inForceOf(h.best.id) {
			h.score *= inForceBoost
		}
	}
	sort.SliceStable(order, func(i, j int) bool {
		if order[i].score != order[j].score {
			return order[i].score > order[j].score
		}
		return order[i].best.id > order[j].best.id
	})
	return order
}

// meta lists the filter tokens but the kind, which find adds (SQLite selects it by id range).
func (o Options) meta() []string {
	var m []string
	if o.Status != "" {
		m = append(m, metaStatus(o.Status))
	}
	if o.OrganID != "" {
		m = append(m, metaOrgan(o.OrganID))
	}
	if o.Year != 0 {
		m = append(m, metaYear(o.Year))
	}
	return m
}

type passage struct {
	hit          Hit
	anchor, text string
}

// passages reads the documents and texts of the page's best passages (one query for the page).
func (ix *Index) passages(ctx context.Context, r db.Querier, ids []int64) (map[int64]passage, error) {
	out := map[int64]passage{}
	if len(ids) == 0 {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	rows, err := r.QueryContext(ctx, `SELECT p.id, p.anchor, p.label, p.text, d.kind, d.ref_id, d.title, d.organ, d.number, d.date, d.status, d.url, d.effective
		FROM search_parts p JOIN search_docs d ON d.id = p.doc_id WHERE p.id IN (`+placeholders(len(ids))+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("读取检索结果失败：%w", err)
	}
	defer rows.Close()
	today := calendar.Today()
	for rows.Next() {
		var id int64
		var p passage
		var effective string
		h := &p.hit
		if err := rows.Scan(&id, &p.anchor, &h.Label, &p.text, &h.Kind, &h.RefID, &h.Title, &h.Organ, &h.Number, &h.Date, &h.Status, &h.URL, &effective); err != nil {
			return nil, err
		}
		h.Status = StatusOn(h.Status, effective, today)
		out[id] = p
	}
	return out, rows.Err()
}

// Facet is a filter choice with the number of documents behind it.
type Facet struct {
	Value string // organ id, year
	Label string
	Count int
}

type facets struct {
	at            time.Time
	organs, years []Facet
}

// facetTTL bounds how stale the filter lists are when another instance writes (this process drops
// them on every write it commits).
const facetTTL = 5 * time.Minute

// Facets lists the organs and years present in the index, for the filter form.
func (ix *Index) Facets(ctx context.Context) (organs, years []Facet, err error) {
	ix.facetMu.Lock()
	defer ix.facetMu.Unlock()
	if f := ix.facets; f != nil && time.Since(f.at) < facetTTL {
		return f.organs, f.years, nil
	}
	f := &facets{at: time.Now()}
	rows, err := ix.d.QueryContext(ctx, `SELECT organ_id, MAX(organ), COUNT(*) FROM search_docs WHERE organ_id <> '' GROUP BY organ_id`)
	if err != nil {
		return nil, nil, err
	}
	for rows.Next() {
		var x Facet
		if err := rows.Scan(&x.Value, &x.Label, &x.Count); err != nil {
			rows.Close()
			return nil, nil, err
		}
		f.organs = append(f.organs, x)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	sort.Slice(f.organs, func(i, j int) bool { return f.organs[i].Label < f.organs[j].Label })
	rows, err = ix.d.QueryContext(ctx, `SELECT year, COUNT(*) FROM search_docs WHERE year > 0 GROUP BY year ORDER BY year DESC`)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var y, n int
		if err := rows.Scan(&y, &n); err != nil {
			return nil, nil, err
		}
		f.years = append(f.years, Facet{Value: fmt.Sprint(y), Label: fmt.Sprintf("%d年", y), Count: n})
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	ix.facets = f
	return f.organs, f.years, nil
}

func (ix *Index) dropFacets() {
	ix.facetMu.Lock()
	ix.facets = nil
	ix.facetMu.Unlock()
}

// Statuses are the document statuses a search can filter on, in display order.
var Statuses = []string{"有效", "已修改", "已修订", "废止", "失效"}

// KindLabel is the Chinese name of a kind.
func KindLabel(kind string) string {
	switch kind {
	case KindLaw:
		return "法律法规"
	case KindNormdoc:
		return "规范性文件"
	}
	return strings.ToUpper(kind)
}
