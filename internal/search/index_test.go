package search

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"unsafe"

	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
)

func upsert(t testing.TB, ix *Index, docs ...Doc) {
	t.Helper()
	err := ix.DB().Tx(context.Background(), func(tx *db.Tx) error {
		for _, d := range docs {
			if err := ix.Upsert(context.Background(), tx, d); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func refs(hits []Hit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.RefID
	}
	return out
}

func search(t *testing.T, ix *Index, q string, o Options) ([]string, int) {
	t.Helper()
	hits, total, err := ix.Search(context.Background(), q, o)
	if err != nil {
		t.Fatalf("Search(%q, %+v): %v", q, o, err)
	}
	return refs(hits), total
}

// fixture is a small synthetic library: every ranking rule has a pair that only that rule orders.
func fixture(t *testing.T) *Index {
	t.Helper()
	ix := NewIndex(dbtest.Open(t))
	upsert(t, ix,
		// Title vs body: "备案" is in t-title's title only and many times in t-body's body.
		Doc{Kind: KindNormdoc, RefID: "t-title", Title: "关于规范性文件备案的通知", Body: "各单位：请按要求报送。", Status: "有效", InForce: true, Date: "2023-05-01", OrganID: "O1", Organ: "青山县人民政府", Number: "青政发〔2023〕1号", URL: "/public/normdocs/t-title"},
		Doc{Kind: KindNormdoc, RefID: "t-body", Title: "关于做好年度工作的通知", Body: strings.Repeat("报送备案，按期备案，备案审查。", 5), Status: "有效", InForce: true, Date: "2023-06-01", OrganID: "O2", Organ: "青山县司法局", URL: "/public/normdocs/t-body"},
		// In force vs superseded: two versions with the same text.
		Doc{Kind: KindLaw, RefID: "v2017", Title: "中华人民共和国示例复议法", Status: "已修订", Date: "2017-09-01", URL: "/public/laws/v2017",
			Parts: []Part{{Anchor: "a17", Label: "第十七条", Text: "示例复议机关收到申请后，应当在五日内进行审查。"}}},
		Doc{Kind: KindLaw, RefID: "v2023", Title: "中华人民共和国示例复议法", Status: "有效", InForce: true, Date: "2023-09-01", URL: "/public/laws/v2023",
			Parts: []Part{
				{Anchor: "a1", Label: "第一条", Text: "为了规范示例复议工作，制定本法。"},
				{Anchor: "a30", Label: "第三十条", Text: "示例复议机关收到申请后，应当在五日内进行审查，对不符合规定的申请决定不予受理。"},
			}},
		Doc{Kind: KindNormdoc, RefID: "repealed", Title: "关于听证程序的暂行规定", Body: "听证由法制机构组织。", Status: "废止", Date: "2015-03-01", OrganID: "O1", Organ: "青山县人民政府"},
	)
	return ix
}

func TestRanking(t *testing.T) {
	t.Parallel()
	ix := fixture(t)
	tests := []struct {
		q    string
		want []string
	}{
		{"备案", []string{"t-title", "t-body"}},       // title above body, however often the body says it
		{"五日 审查", []string{"v2023", "v2017"}},       // in force above superseded
		{"示例复议法", []string{"v2023", "v2017"}},       // title match: in force first
		{`"不予受理"`, []string{"v2023"}},               // phrase
		{"五日 -受理", []string{"v2017"}},               // exclusion (within a passage)
		{"听证", []string{"repealed"}},                // two-character word
		{"法制机构", []string{"repealed"}},              // four characters
		{"审", []string{"t-body", "v2023", "v2017"}}, // one character (prefix query); the body says it five times
		{"xklaw", nil}, // filter tokens are not searchable text
		{"xs" + strings.TrimPrefix(metaStatus("有效"), "xs"), nil},
	}
	for _, tt := range tests {
		t.Run(tt.q, func(t *testing.T) {
			got, total := search(t, ix, tt.q, Options{})
			if !slices.Equal(got, tt.want) || total != len(tt.want) {
				t.Errorf("Search(%q) = %v (total %d), want %v", tt.q, got, total, tt.want)
			}
		})
	}
}

func TestFilters(t *testing.T) {
	t.Parallel()
	ix := fixture(t)
	tests := []struct {
		name string
		q    string
		o    Options
		want []string
	}{
		{"kind law", "复议", Options{Kind: KindLaw}, []string{"v2023", "v2017"}},
		{"kind normdoc", "通知", Options{Kind: KindNormdoc}, []string{"t-title", "t-body"}},
		{"kind excludes", "复议", Options{Kind: KindNormdoc}, nil},
		{"status", "复议", Options{Status: "已修订"}, []string{"v2017"}},
		{"status 废止", "规定", Options{Status: "废止"}, []string{"repealed"}},
		{"organ", "通知", Options{OrganID: "O2"}, []string{"t-body"}},
		{"organ and status", "听证", Options{OrganID: "O1", Status: "有效"}, nil},
		{"year", "复议", Options{Year: 2017}, []string{"v2017"}},
		{"year none", "复议", Options{Year: 2020}, nil},
		{"all filters", "备案", Options{Kind: KindNormdoc, OrganID: "O1", Status: "有效", Year: 2023}, []string{"t-title"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, total := search(t, ix, tt.q, tt.o)
			slices.Sort(got) // membership: the order is TestRanking's business
			want := slices.Sorted(slices.Values(tt.want))
			if !slices.Equal(got, want) || total != len(tt.want) {
				t.Errorf("Search(%q, %+v) = %v (total %d), want %v", tt.q, tt.o, got, total, want)
			}
		})
	}
}

func TestHitFields(t *testing.T) {
	t.Parallel()
	ix := fixture(t)
	hits, _, err := ix.Search(context.Background(), "五日 审查", Options{})
	if err != nil || len(hits) != 2 {
		t.Fatalf("hits %v, %v", hits, err)
	}
	h := hits[0]
	checks := []struct{ name, got, want string }{
		{"URL with the article anchor", h.URL, "/public/laws/v2023#a30"},
		{"Label", h.Label, "第三十条"},
		{"Kind", h.Kind, KindLaw},
		{"Status", h.Status, "有效"},
		{"Date", h.Date, "2023-09-01"},
		{"Snippet", h.Snippet, "示例复议机关收到申请后，应当在<mark>五日</mark>内进行<mark>审查</mark>，对不符合规定的申请决定不予受理。"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if !h.InForce || hits[1].InForce || h.Score <= hits[1].Score || h.Passages != 1 {
		t.Errorf("in force %v/%v, scores %v/%v, passages %d", h.InForce, hits[1].InForce, h.Score, hits[1].Score, h.Passages)
	}

	hits, _, _ = ix.Search(context.Background(), "备案", Options{})
	if h := hits[0]; h.Organ != "青山县人民政府" || h.Number != "青政发〔2023〕1号" || h.URL != "/public/normdocs/t-title" ||
		h.TitleHTML != "关于规范性文件<mark>备案</mark>的通知" || h.Snippet != "各单位：请按要求报送。" {
		t.Errorf("normdoc hit = %+v", h)
	}
	// A title match on a law: the snippet is the first passage, not an arbitrary one.
	hits, _, _ = ix.Search(context.Background(), "示例复议法", Options{Status: "有效"})
	if len(hits) != 1 || hits[0].Label != "第一条" || hits[0].Passages != 2 || hits[0].URL != "/public/laws/v2023#a1" {
		t.Errorf("title hit = %+v", hits)
	}
	// Snippets escape the text.
	upsert(t, ix, Doc{Kind: KindNormdoc, RefID: "x", Title: "脚本", Body: `<script>alert("备案")</script>`})
	hits, _, _ = ix.Search(context.Background(), "脚本", Options{})
	if len(hits) != 1 || hits[0].Snippet != `&lt;script&gt;alert(&#34;备案&#34;)&lt;/script&gt;` {
		t.Errorf("escaped snippet = %+v", hits)
	}
}

func TestPaging(t *testing.T) {
	t.Parallel()
	ix := NewIndex(dbtest.Open(t))
	var docs []Doc
	for i := range 25 {
		// Relevance falls with i: the body grows while the word count stays at one.
		docs = append(docs, Doc{Kind: KindNormdoc, RefID: fmt.Sprintf("d%02d", i), Title: fmt.Sprintf("通知%d", i),
			Body: "备案" + strings.Repeat("其他内容。", i+1), Status: "有效", InForce: true})
	}
	upsert(t, ix, docs...)
	var all []string
	for off := 0; off < 30; off += 10 {
		got, total := search(t, ix, "备案", Options{Limit: 10, Offset: off})
		if total != 25 {
			t.Fatalf("total = %d", total)
		}
		all = append(all, got...)
	}
	want := make([]string, 25)
	for i := range want {
		want[i] = fmt.Sprintf("d%02d", i)
	}
	if !slices.Equal(all, want) {
		t.Errorf("pages = %v", all)
	}
	if got, _ := search(t, ix, "备案", Options{Offset: 100}); len(got) != 0 {
		t.Errorf("beyond the end: %v", got)
	}
	if got, _ := search(t, ix, "备案", Options{Limit: 1000}); len(got) != 25 {
		t.Errorf("large limit: %d", len(got))
	}
	if got, _ := search(t, ix, "备案", Options{}); len(got) != DefaultLimit {
		t.Errorf("default limit: %d", len(got))
	}

	// A query matching more passages than the ranking window: ranked within it, counted beyond it,
	// and the window grows for a page it cannot fill; pages stay disjoint.
	ix.windowRows, ix.countRows, ix.titleRows = 4, 20, 2 // a share of 2 per kind
	r, err := ix.Find(context.Background(), "备案", Options{Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if got := refs(r.Hits); !slices.Equal(got, want[:2]) || r.Total != 25 || r.More {
		t.Errorf("grown window: %v, total %d, more %v", got, r.Total, r.More)
	}
	ix.maxWindowRows = 4 // no growth: ranked within the window's passages, counted beyond them
	r, _ = ix.Find(context.Background(), "备案", Options{Limit: 2})
	if got := refs(r.Hits); len(got) != 2 || r.Total != 20 || !r.More {
		t.Errorf("window: %v, total %d, more %v", got, r.Total, r.More)
	}
	ix.maxWindowRows = maxWindowRows
	all = nil
	for off := 0; off < 25; off += 5 {
		r, _ = ix.Find(context.Background(), "备案", Options{Limit: 5, Offset: off})
		all = append(all, refs(r.Hits)...)
	}
	if !slices.Equal(all, want) {
		t.Errorf("pages through a growing window = %v", all)
	}
	ix.countRows = 100
	if r, _ = ix.Find(context.Background(), "备案", Options{}); r.Total != 25 || r.More {
		t.Errorf("count: total %d, more %v", r.Total, r.More)
	}
}

// A broad query fills the window with the newest passages; a document whose title carries the query
// still competes (and wins) from outside it.
func TestTitleWindow(t *testing.T) {
	t.Parallel()
	ix := fixture(t)
	var docs []Doc
	for i := range 12 {
		docs = append(docs, Doc{Kind: KindNormdoc, RefID: fmt.Sprintf("n%02d", i), Title: fmt.Sprintf("第%d号通知", i),
			Body: "本通知涉及示例复议工作。", Status: "有效", InForce: true})
	}
	upsert(t, ix, docs...)
	ix.windowRows = 5
	r, err := ix.Find(context.Background(), "复议", Options{})
	if err != nil {
		t.Fatal(err)
	}
	got := refs(r.Hits)
	if len(got) < 2 || got[0] != "v2023" || !slices.Contains(got, "v2017") || r.Total != 14 || r.More {
		t.Errorf("hits %v, total %d", got, r.Total)
	}
	// With a kind filter the title window keeps to that kind.
	r, _ = ix.Find(context.Background(), "复议", Options{Kind: KindNormdoc})
	for _, h := range r.Hits {
		if h.Kind != KindNormdoc {
			t.Errorf("kind filter: %+v", h)
		}
	}
}

func TestUpsertDelete(t *testing.T) {
	t.Parallel()
	ix := fixture(t)
	ctx := context.Background()
	count := func(table string) int {
		var n int
		if err := ix.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	docs, parts := count("search_docs"), count("search_parts")
	var updated string
	ix.DB().QueryRowContext(ctx, `SELECT updated_at FROM search_docs WHERE ref_id = 'v2023'`).Scan(&updated)

	// The same document again: nothing is written.
	upsert(t, ix, Doc{Kind: KindLaw, RefID: "v2023", Title: "中华人民共和国示例复议法", Status: "有效", InForce: true, Date: "2023-09-01", URL: "/public/laws/v2023",
		Parts: []Part{
			{Anchor: "a1", Label: "第一条", Text: "为了规范示例复议工作，制定本法。"},
			{Anchor: "a30", Label: "第三十条", Text: "示例复议机关收到申请后，应当在五日内进行审查，对不符合规定的申请决定不予受理。"},
		}})
	var again string
	ix.DB().QueryRowContext(ctx, `SELECT updated_at FROM search_docs WHERE ref_id = 'v2023'`).Scan(&again)
	if count("search_docs") != docs || count("search_parts") != parts || again != updated {
		t.Errorf("unchanged upsert wrote: docs %d→%d, parts %d→%d, updated %s→%s", docs, count("search_docs"), parts, count("search_parts"), updated, again)
	}

	// A changed document replaces its passages; the status change moves it out of force.
	upsert(t, ix, Doc{Kind: KindLaw, RefID: "v2023", Title: "中华人民共和国示例复议法", Status: "废止", Date: "2023-09-01", Body: "全文已替换为听证。"})
	if got, _ := search(t, ix, "五日", Options{}); !slices.Equal(got, []string{"v2017"}) {
		t.Errorf("after update 五日 = %v", got)
	}
	if got, _ := search(t, ix, "听证", Options{Status: "废止"}); !slices.Equal(got, []string{"v2023", "repealed"}) && !slices.Equal(got, []string{"repealed", "v2023"}) {
		t.Errorf("after update 听证 = %v", got)
	}
	if got, _ := search(t, ix, "听证", Options{Status: "有效"}); len(got) != 0 {
		t.Errorf("old status still indexed: %v", got)
	}
	if count("search_parts") != parts-1 {
		t.Errorf("parts = %d, want %d", count("search_parts"), parts-1)
	}

	err := ix.DB().Tx(ctx, func(tx *db.Tx) error {
		if err := ix.Delete(ctx, tx, KindLaw, "v2023"); err != nil {
			return err
		}
		return ix.Delete(ctx, tx, KindLaw, "missing")
	})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := search(t, ix, "听证", Options{}); !slices.Equal(got, []string{"repealed"}) {
		t.Errorf("after delete = %v", got)
	}
	// The title index follows: one row per remaining document.
	var heads int
	var err2 error
	if ix.DB().Dialect == db.Postgres {
		err2 = ix.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM search_title_fts WHERE tsv @@ '示例'::tsquery`).Scan(&heads)
	} else {
		err2 = ix.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM search_title_fts WHERE search_title_fts MATCH '"示例"'`).Scan(&heads)
	}
	if err2 != nil || heads != 1 {
		t.Errorf("title index after delete: %d rows, %v", heads, err2)
	}
	if count("search_docs") != docs-1 || count("search_parts") != parts-2 {
		t.Errorf("after delete: docs %d, parts %d", count("search_docs"), count("search_parts"))
	}
}

func TestUpsertRejects(t *testing.T) {
	t.Parallel()
	ix := NewIndex(dbtest.Open(t))
	for _, d := range []Doc{
		{Kind: "", RefID: "a"},
		{Kind: "Law", RefID: "a"},
		{Kind: "other", RefID: "a"},
		{Kind: KindLaw, RefID: ""},
		{Kind: KindLaw, RefID: "a", Date: "2023-02-30"},
	} {
		err := ix.DB().Tx(context.Background(), func(tx *db.Tx) error { return ix.Upsert(context.Background(), tx, d) })
		if err == nil {
			t.Errorf("Upsert(%+v) succeeded", d)
		}
	}
}

func TestQueryErrors(t *testing.T) {
	t.Parallel()
	ix := fixture(t)
	for _, q := range []string{"", `"未闭合`, "，。", "-备案"} {
		if _, _, err := ix.Search(context.Background(), q, Options{}); err == nil {
			t.Errorf("Search(%q) succeeded", q)
		}
	}
	if _, _, err := ix.Search(context.Background(), "", Options{}); !errors.Is(err, ErrEmptyQuery) {
		t.Errorf("empty query error = %v", err)
	}
}

// A long document is indexed in passages; a phrase far into it is found on both engines
// (PostgreSQL alone would lose positions beyond 16383).
func TestLongBody(t *testing.T) {
	t.Parallel()
	ix := NewIndex(dbtest.Open(t))
	var b strings.Builder
	for i := range 3000 {
		fmt.Fprintf(&b, "第%d段规定各部门应当依法履行职责。\n", i)
	}
	b.WriteString("最后一段要求建立行政规范性文件合法性审核机制。\n")
	body := b.String()
	upsert(t, ix, Doc{Kind: KindNormdoc, RefID: "long", Title: "长文件", Body: body})
	var parts int
	ix.DB().QueryRowContext(context.Background(), `SELECT COUNT(*) FROM search_parts`).Scan(&parts)
	if want := len([]rune(body))/MaxPartRunes + 1; parts < want {
		t.Errorf("parts = %d, want at least %d", parts, want)
	}
	hits, total, err := ix.Search(context.Background(), `"合法性审核机制"`, Options{})
	if err != nil || total != 1 || len(hits) != 1 || !strings.Contains(hits[0].Snippet, "<mark>合法性审核机制</mark>") {
		t.Errorf("hits %+v, total %d, %v", hits, total, err)
	}
}

func TestSplitText(t *testing.T) {
	tests := []struct {
		text string
		max  int
		want []string
	}{
		{"甲乙丙", 5, []string{"甲乙丙"}},
		{"甲乙\n丙丁\n戊", 5, []string{"甲乙\n", "丙丁\n戊"}},
		{"甲乙。丙丁戊己", 5, []string{"甲乙。", "丙丁戊己"}},
		{"甲乙丙丁戊己庚", 3, []string{"甲乙丙", "丁戊己", "庚"}},
		{"", 3, nil},
	}
	for _, tt := range tests {
		if got := splitText(tt.text, tt.max); !slices.Equal(got, tt.want) {
			t.Errorf("splitText(%q, %d) = %q, want %q", tt.text, tt.max, got, tt.want)
		}
	}
}

func TestPartIDs(t *testing.T) {
	for _, c := range []struct {
		doc     int64
		inForce bool
		kind    string
		seq     int
	}{{1, true, KindLaw, 0}, {docMask, false, KindNormdoc, maxParts - 1}, {123456, true, KindNormdoc, 7}} {
		id := partID(c.doc, c.inForce, c.kind, c.seq)
		lo, hi := idRange(c.kind, c.inForce)
		if docOf(id) != c.doc || inForceOf(id) != c.inForce || int(id&(maxParts-1)) != c.seq || id < lo || id >= hi {
			t.Errorf("partID%v = %x decodes to %d %v, range [%x, %x)", c, id, docOf(id), inForceOf(id), lo, hi)
		}
		for _, k := range kinds {
			for _, f := range []bool{true, false} {
				if lo, hi := idRange(k, f); (k != c.kind || f != c.inForce) && id >= lo && id < hi {
					t.Errorf("partID%v = %x in the range of %s/%v", c, id, k, f)
				}
			}
		}
	}
	// In force sorts above every document out of force: the engines' candidate order relies on it.
	if partID(1, true, KindLaw, 0) <= partID(docMask, false, KindNormdoc, maxParts-1) {
		t.Error("tier bit does not dominate")
	}
}

func TestFacets(t *testing.T) {
	t.Parallel()
	ix := fixture(t)
	organs, years, err := ix.Facets(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(organs) != 2 || organs[0].Value == "" || len(years) != 3 || years[0].Value != "2023" || years[0].Count != 3 {
		t.Errorf("organs %+v, years %+v", organs, years)
	}
	upsert(t, ix, Doc{Kind: KindNormdoc, RefID: "new", Title: "新文件", OrganID: "O9", Organ: "青山县财政局", Date: "2024-01-02"})
	organs, years, _ = ix.Facets(context.Background())
	if len(organs) != 3 || years[0].Value != "2024" {
		t.Errorf("facets not refreshed after a write: %+v %+v", organs, years)
	}
}

func TestFoldText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"行政复议（一）", "行政复议（一）"},
		{"ＧＢ／Ｔ９７０４，WTO", "gb／t9704，wto"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := foldText(tt.in); got != tt.want {
			t.Errorf("foldText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	s := "没有需要折叠的内容，全角标点保留。"
	if got := foldText(s); unsafe.StringData(got) != unsafe.StringData(s) {
		t.Error("clean text was copied")
	}
}
