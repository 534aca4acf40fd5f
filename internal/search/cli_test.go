package search

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/web"
)

func TestMain(m *testing.M) {
	auth.SetTestingCost()
	os.Exit(m.Run())
}

func runCLI(t *testing.T, ix *Index, args ...string) (string, error) {
	t.Helper()
	var c CLI
	fs := flag.NewFlagSet("search", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.Flags(fs)
	if err := fs.Parse(FlagsFirst(args)); err != nil {
		return "", err
	}
	var out bytes.Buffer
	err := c.Run(context.Background(), ix, fs.Args(), &out)
	return out.String(), err
}

func TestCLIJSON(t *testing.T) {
	t.Parallel()
	ix := fixture(t)
	out, err := runCLI(t, ix, "五日", "审查", "--format", "json", "--limit", "5")
	if err != nil {
		t.Fatal(err)
	}
	// The exact shape: an array of objects with these keys (and the documented extras).
	var raw []map[string]any
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatalf("output is not a JSON array: %v\n%s", err, out)
	}
	if len(raw) != 2 {
		t.Fatalf("%d hits: %s", len(raw), out)
	}
	for _, key := range []string{"title", "kind", "organ", "number", "date", "status", "score", "snippet"} {
		if _, ok := raw[0][key]; !ok {
			t.Errorf("key %q missing: %v", key, raw[0])
		}
	}
	if _, ok := raw[0]["score"].(float64); !ok {
		t.Errorf("score is not a number: %v", raw[0]["score"])
	}
	var hits []CLIHit
	json.Unmarshal([]byte(out), &hits)
	h := hits[0]
	if h.Title != "中华人民共和国示例复议法" || h.Kind != "law" || h.Status != "有效" || h.Date != "2023-09-01" ||
		h.Snippet != "示例复议机关收到申请后，应当在五日内进行审查，对不符合规定的申请决定不予受理。" ||
		!strings.Contains(h.SnippetHTML, "<mark>五日</mark>") || h.URL != "/public/laws/v2023#a30" || hits[1].Status != "已修订" || h.Score <= hits[1].Score {
		t.Errorf("hits = %+v", hits)
	}

	out, err = runCLI(t, ix, "--status", "有效", "备案", "--format=json")
	if err != nil {
		t.Fatal(err)
	}
	hits = nil
	json.Unmarshal([]byte(out), &hits)
	if len(hits) != 2 || hits[0].Organ != "青山县人民政府" || hits[0].Number != "青政发〔2023〕1号" || hits[0].Kind != "normdoc" {
		t.Errorf("normdoc hits = %+v", hits)
	}
	out, _ = runCLI(t, ix, "没有这个词", "--format", "json")
	if strings.TrimSpace(out) != "[]" {
		t.Errorf("no hits printed %q, want []", out)
	}
	out, _ = runCLI(t, ix, "备案", "--limit", "1")
	if !strings.HasPrefix(out, "共找到 2 条结果，显示第 1–1 条\n1. 关于规范性文件备案的通知（规范性文件，有效，青山县人民政府") {
		t.Errorf("text output:\n%s", out)
	}
}

func TestCLIErrors(t *testing.T) {
	t.Parallel()
	ix := fixture(t)
	tests := []struct {
		args  []string
		usage bool
	}{
		{nil, true},
		{[]string{"复议", "--format", "xml"}, true},
		{[]string{"复议", "--limit", "0"}, true},
		{[]string{"复议", "--kind", "x"}, true},
		{[]string{"复议", "--status", "有效吗"}, true},
		{[]string{`"复议`}, false},
	}
	for _, tt := range tests {
		_, err := runCLI(t, ix, tt.args...)
		if err == nil || errors.Is(err, ErrUsage) != tt.usage {
			t.Errorf("args %q: err = %v, usage %v", tt.args, err, tt.usage)
		}
	}
}

func TestFlagsFirst(t *testing.T) {
	tests := []struct{ in, want []string }{
		{[]string{"复议", "--limit", "5"}, []string{"--limit", "5", "复议"}},
		{[]string{"--data", "/x", "复议", "听证", "--format=json"}, []string{"--data", "/x", "--format=json", "复议", "听证"}},
		{[]string{"复议", "-刑事", "--limit", "3"}, []string{"--limit", "3", "复议", "-刑事"}},
		{[]string{"--", "--limit"}, []string{"--limit"}},
	}
	for _, tt := range tests {
		if got := FlagsFirst(tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("FlagsFirst(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSearchPage(t *testing.T) {
	t.Parallel()
	ix := fixture(t)
	d := ix.DB()
	o := org.New(d)
	o.Load(context.Background())
	app := web.New(web.Deps{DB: d, Auth: auth.New(d, o, auth.DefaultSettings()), Org: o,
		Calendar: func() *calendar.Calendar { return calendar.Default() }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	NewModule(ix).Register(app)
	srv := httptest.NewServer(app)
	defer srv.Close()
	get := func(path string) (int, string) {
		t.Helper()
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	q := func(v url.Values) string { return "/public/search?" + v.Encode() }
	tests := []struct {
		name   string
		path   string
		status int
		has    []string
		hasNot []string
	}{
		{"empty form", "/public/search", 200, []string{`name="q"`, "检索说明", `name="organ_name"`, `src="/public/search/organs.js"`, `<option value="2023">2023年</option>`}, []string{"共找到", "青山县人民政府"}},
		{"organ by id", q(url.Values{"q": {"通知"}, "organ": {"O2"}}), 200, []string{"共找到 1 条结果", `value="青山县司法局"`}, nil},
		{"organ by exact name", q(url.Values{"q": {"通知"}, "organ_name": {"青山县人民政府"}}), 200, []string{"共找到 1 条结果", "t-title"}, []string{"t-body"}},
		{"organ by unique part", q(url.Values{"q": {"通知"}, "organ_name": {"司法"}}), 200, []string{"共找到 1 条结果", `value="青山县司法局"`, "t-body"}, nil},
		{"organ ambiguous", q(url.Values{"q": {"通知"}, "organ_name": {"青山县"}}), 422, []string{"有多个制定机关符合", `href="/public/search?organ=O1&amp;q=`, `>青山县司法局</a>`}, []string{"共找到"}},
		{"organ unknown", q(url.Values{"q": {"通知"}, "organ_name": {"不存在"}}), 422, []string{"没有名称包含“不存在”的制定机关"}, nil},
		{"hits", q(url.Values{"q": {"五日 审查"}}), 200, []string{"共找到 2 条结果", `href="/public/laws/v2023#a30"`, "<mark>五日</mark>", "第三十条", "已修订", "法律法规"}, nil},
		{"title marked", q(url.Values{"q": {"备案"}}), 200, []string{"关于规范性文件<mark>备案</mark>的通知", "青政发〔2023〕1号", `href="/public/normdocs/t-title"`}, nil},
		{"filter keeps values", q(url.Values{"q": {"复议"}, "status": {"已修订"}, "kind": {"law"}}), 200, []string{"共找到 1 条结果", `<option selected>已修订</option>`, `<option value="law" selected>`}, []string{"v2023"}},
		{"no hits", q(url.Values{"q": {"不存在的词语"}}), 200, []string{"共找到 0 条结果", "没有找到"}, nil},
		{"query error beside the box", q(url.Values{"q": {`"复议`}}), 422, []string{ErrUnbalancedQuote.Error(), `value="&#34;复议"`}, nil},
		{"bad year", q(url.Values{"q": {"复议"}, "year": {"二〇二三"}}), 422, []string{"年份应为四位数字"}, nil},
		{"bad status", q(url.Values{"q": {"复议"}, "status": {"x"}}), 422, []string{"效力状态无效"}, nil},
		{"escaped query", q(url.Values{"q": {"<script>"}}), 200, []string{"&lt;script&gt;"}, []string{"<script>alert", `value="<script>"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := get(tt.path)
			if status != tt.status {
				t.Errorf("status %d, want %d", status, tt.status)
			}
			for _, s := range tt.has {
				if !strings.Contains(body, s) {
					t.Errorf("page lacks %q", s)
				}
			}
			for _, s := range tt.hasNot {
				if strings.Contains(body, s) {
					t.Errorf("page has %q", s)
				}
			}
		})
	}

	// The type-ahead: organs whose name contains the text, exact and leading matches first.
	status, body := get("/public/search/organs?q=" + url.QueryEscape("司法"))
	if status != 200 || body != `[{"id":"O2","name":"青山县司法局","count":1}]`+"\n" {
		t.Errorf("organs: %d %s", status, body)
	}
	if _, body = get("/public/search/organs?q="); body != "[]\n" {
		t.Errorf("organs without a query: %s", body)
	}
	if status, body = get("/public/search/organs.js"); status != 200 || !strings.Contains(body, "data-organs") {
		t.Errorf("organs.js: %d", status)
	}

	// Paging links carry the query and filters.
	var docs []Doc
	for i := range 23 {
		docs = append(docs, Doc{Kind: KindNormdoc, RefID: "p" + string(rune('a'+i)), Title: "分页测试文件", Body: "分页", Status: "有效", InForce: true})
	}
	upsert(t, ix, docs...)
	_, body = get(q(url.Values{"q": {"分页测试"}, "kind": {"normdoc"}}))
	if !strings.Contains(body, "共找到 23 条结果，第 1 / 3 页") || !strings.Contains(body, `href="/public/search?kind=normdoc&amp;page=2&amp;q=`) {
		t.Errorf("paging missing:\n%s", body)
	}
	_, body = get(q(url.Values{"q": {"分页测试"}, "page": {"3"}}))
	if strings.Count(body, `<li>`) != 3 || !strings.Contains(body, "上一页") || strings.Contains(body, "下一页") {
		t.Errorf("last page wrong")
	}
}
