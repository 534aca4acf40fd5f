package search

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
)

// PostgresPlans runs f with the PostgreSQL engine forced to each way of reading candidates.
func PostgresPlans(t *testing.T, ix *Index, f func(t *testing.T, mode PostgresPlan)) {
	e, ok := ix.eng.(*pgEngine)
	if !ok {
		t.Skip("PostgreSQL only")
	}
	for _, m := range []struct {
		name string
		mode PostgresPlan
	}{{"gin", PlanGIN}, {"scan", PlanScan}} {
		e.mode = m.mode
		t.Run(m.name, func(t *testing.T) { f(t, m.mode) })
	}
	e.mode = PlanAuto
}

// The GIN path and the ordered scans find the same hits in the same order; counts agree while no
// kind fills its share (beyond it the scan's count is a lower bound).
func TestPostgresPaths(t *testing.T) {
	t.Parallel()
	ix := fixture(t)
	if ix.DB().Dialect != db.Postgres {
		t.Skip("PostgreSQL only")
	}
	var docs []Doc
	for i := range 30 {
		docs = append(docs, Doc{Kind: KindNormdoc, RefID: fmt.Sprintf("c%02d", i), Title: fmt.Sprintf("关于第%d批示例工作的通知", i),
			Body: "做好示例复议工作。" + strings.Repeat("其他。", i), Status: []string{"有效", "废止"}[i%2], InForce: i%2 == 0,
			Date: fmt.Sprintf("20%02d-01-01", 10+i%10), OrganID: fmt.Sprintf("C%d", i%3)})
	}
	upsert(t, ix, docs...)
	queries := []struct {
		q string
		o Options
	}{
		{"备案", Options{}}, {"五日 审查", Options{}}, {`"不予受理"`, Options{}}, {"五日 -受理", Options{}}, {"审", Options{}},
		{"复议", Options{}}, {"示例", Options{}}, {"示例", Options{Kind: KindNormdoc}}, {"示例", Options{Status: "废止"}},
		{"通知", Options{OrganID: "C1", Year: 2011}}, {"复议", Options{Kind: KindLaw}}, {"示例", Options{Offset: 10}},
	}
	type result struct {
		hits  []string
		total int
		more  bool
	}
	run := func(t *testing.T) []result {
		var out []result
		for _, bq := range queries {
			r, err := ix.Find(context.Background(), bq.q, bq.o)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, result{refs(r.Hits), r.Total, r.More})
		}
		return out
	}
	var want []result
	PostgresPlans(t, ix, func(t *testing.T, mode PostgresPlan) {
		got := run(t)
		if want == nil {
			want = got
			return
		}
		for i, g := range got {
			if !slices.Equal(g.hits, want[i].hits) || g.total != want[i].total || g.more != want[i].more {
				t.Errorf("%q %+v: %v (total %d, more %v), GIN %v (total %d, more %v)", queries[i].q, queries[i].o, g.hits, g.total, g.more, want[i].hits, want[i].total, want[i].more)
			}
		}
	})

	// A window smaller than the matches: the scan stops at it, ranks the same candidates and reports
	// the documents it saw as a lower bound. (Title matches beyond titleRows would differ: GIN
	// returns them in heap order, the scan newest first.)
	ix.windowRows, ix.titleRows, ix.maxWindowRows = 8, 50, 8
	var first []string
	PostgresPlans(t, ix, func(t *testing.T, mode PostgresPlan) {
		r, err := ix.Find(context.Background(), "示例", Options{Limit: 5})
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = refs(r.Hits)
		} else if !slices.Equal(refs(r.Hits), first) {
			t.Errorf("hits %v, GIN %v", refs(r.Hits), first)
		}
		if mode == PlanGIN && (r.Total != 32 || r.More) || mode == PlanScan && (!r.More || r.Total < len(r.Hits)) {
			t.Errorf("total %d, more %v", r.Total, r.More)
		}
	})
}

// With statistics that call a word common the scan is tried; a kind where it is rare (no match in
// the probe's rows) falls back to GIN for that kind only, with the same hits.
func TestPostgresScanFallback(t *testing.T) {
	t.Parallel()
	d := dbtest.Open(t)
	if d.Dialect != db.Postgres {
		t.Skip("PostgreSQL only")
	}
	ix := NewIndex(d)
	var docs []Doc
	for i := range scanProbe + 50 {
		body := "一般内容。"
		if i%100 == 7 {
			body = "少见的词语。" // 4 of 350 normative documents, none among the newest 50
		}
		docs = append(docs, Doc{Kind: KindNormdoc, RefID: fmt.Sprintf("n%03d", i), Title: "通知", Body: body, Status: "有效", InForce: true})
	}
	docs = append(docs, Doc{Kind: KindLaw, RefID: "law", Title: "示例法", Status: "有效", InForce: true,
		Parts: []Part{{Text: "少见的词语在法律里。"}}})
	upsert(t, ix, docs...)
	e := ix.eng.(*pgEngine)
	e.stats = map[string]*lexStats{"search_fts": {at: time.Now(), freq: map[string]float64{"少见": 0.9, "见的": 0.9, "的词": 0.9, "词语": 0.9}, min: 0.01, rows: scanMinRows}}
	cs, ok, err := e.scanCandidates(context.Background(), d, mustParse(t, "少见的词语"), nil, "", limits{window: 20, title: 5, count: 100})
	if err != nil || !ok {
		t.Fatalf("scan not used: %v", err)
	}
	var got []string
	for _, id := range cs.ids {
		got = append(got, fmt.Sprint(docOf(id)))
	}
	if len(cs.ids) != 5 || cs.saturated {
		t.Errorf("candidates %v (saturated %v), want the 4 documents and the law", got, cs.saturated)
	}
	hits, total, err := ix.Search(context.Background(), "少见的词语", Options{})
	if got := refs(hits); err != nil || total != 5 || len(got) != 5 || !slices.Contains(got, "law") {
		t.Errorf("hits %v, total %d, %v", refs(hits), total, err)
	}
	// Without statistics: GIN.
	e.stats = map[string]*lexStats{}
	if _, ok, _ := e.scanCandidates(context.Background(), d, mustParse(t, "少见的词语"), nil, "", limits{window: 20, title: 5, count: 100}); ok {
		t.Error("scan used without statistics")
	}
}

func mustParse(t *testing.T, s string) Query {
	t.Helper()
	q, err := ParseQuery(s)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func TestLexStatsFraction(t *testing.T) {
	st := &lexStats{freq: map[string]float64{"人民": 0.9, "民政": 0.5, "政府": 0.6, "法": 0.3, "法律": 0.4, "法规": 0.2, "=xf1": 0.8}, min: 0.02}
	tests := []struct {
		q    string
		meta []string
		want float64
	}{
		{"人民政府", nil, 0.5},                   // a term: its rarest token
		{"人民 政府", nil, 0.9 * 0.6},            // terms: independent
		{"法", nil, 0.9},                      // a prefix: every lexeme it starts
		{"人民政府", []string{"xf1"}, 0.5 * 0.8}, // a filter
		{"复议", nil, 0.01},                    // unlisted: below the rarest listed
		{"人民 -政府", nil, 0.9},                 // exclusions do not narrow the estimate
	}
	for _, tt := range tests {
		if got := st.fraction(mustParse(t, tt.q), tt.meta); got < tt.want-1e-9 || got > tt.want+1e-9 {
			t.Errorf("fraction(%q, %v) = %v, want %v", tt.q, tt.meta, got, tt.want)
		}
	}
	if (*lexStats)(nil).fraction(mustParse(t, "法"), nil) != 0 {
		t.Error("no statistics: want 0")
	}
}
