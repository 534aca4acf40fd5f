package lawlib

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/search"
	"github.com/fazhi/fazhi/internal/web"
)

func TestMain(m *testing.M) {
	auth.SetTestingCost()
	os.Exit(m.Run())
}

// relevance is the acceptance list: each query is written from the text of the law that must come
// back in the top three (two-character words, phrases in quotes, several terms).
var relevance = []struct {
	q, want string
}{
	{"政府信息公开 申请 答复期限", "中华人民共和国政府信息公开条例"},
	{"行政复议 受理 五日", "中华人民共和国行政复议法"},
	{"行政处罚 听证", "中华人民共和国行政处罚法"},
	{"个人信息 处理者 告知", "中华人民共和国个人信息保护法"},
	{"劳动合同 解除 经济补偿", "中华人民共和国劳动合同法"},
	{"治安管理 拘留", "中华人民共和国治安管理处罚法"},
	{"行政许可 期限 二十日", "中华人民共和国行政许可法"},
	{"国家赔偿 赔偿请求人", "中华人民共和国国家赔偿法"},
	{`"重大行政决策" 公众参与`, "重大行政决策程序暂行条例"},
	{"行政强制 查封 扣押", "中华人民共和国行政强制法"},
	{`立法 "法律案" 审议`, "中华人民共和国立法法"},
	{"公职人员 政务处分", "中华人民共和国公职人员政务处分法"},
	{"监察机关 留置", "中华人民共和国监察法"},
	{`消费者 "七日" 无理由退货`, "中华人民共和国消费者权益保护法"},
	{"食品安全 标准", "中华人民共和国食品安全法"},
	{"未成年人 监护", "中华人民共和国未成年人保护法"},
	{"优化营商环境 市场主体", "优化营商环境条例"},
	{"信访", "信访工作条例"},
	{"复议", "中华人民共和国行政复议法"},
	{"公证", "中华人民共和国公证法"},
	{"律师 执业证书", "中华人民共和国律师法"},
	{"人民调解", "中华人民共和国人民调解法"},
	{"安全生产 事故", "中华人民共和国安全生产法"},
	{"著作权", "中华人民共和国著作权法"},
	{`"正当防卫"`, "中华人民共和国刑法"},
	{"备案审查 规章", "法规规章备案审查条例"},
	{"行政诉讼 六个月 起诉", "中华人民共和国行政诉讼法"},
}

// TestCorpus imports the real library once and checks everything that needs it, on the engine the
// tests run on (SQLite, or PostgreSQL with FAZHI_TEST_POSTGRES).
func TestCorpus(t *testing.T) {
	root := corpusDir(t)
	ctx := context.Background()
	d := dbtest.Open(t)
	ix := search.NewIndex(d)
	lib := New(d, ix)
	st, err := lib.Import(ctx, root)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: import %+v", dbtest.Engine(), st)
	if st.Files != 1564 || st.Added != 1564 || st.Updated != 0 || st.Unchanged != 0 || st.Failed != 0 || st.Articles < 60000 {
		t.Fatalf("import: %+v", st)
	}
	idOf := func(path string) string { return LawID(path) }

	t.Run("statuses", func(t *testing.T) {
		tests := []struct {
			path, status, repealedBy string
		}{
			{"诉讼与非诉讼程序法/行政复议法(2017-09-01).md", StatusSuperseded, ""},
			{"诉讼与非诉讼程序法/行政复议法(2023-09-01).md", StatusInForce, ""},
			{"行政法规/政府信息公开条例(2019-04-03).md", StatusInForce, ""},
			// Repealed by name in a later law's closing clause.
			{"行政法规/法规规章备案条例(2001-12-14).md", StatusRepealed, "行政法规/法规规章备案审查条例(2024-08-30).md"},
			{"行政法规/契税暂行条例(2019-03-02).md", StatusRepealed, "经济法/契税法(2020-08-11).md"},
			{"司法解释/人民检察院刑事诉讼规则（试行）(2012-11-22).md", StatusRepealed, "司法解释/人民检察院刑事诉讼规则(2019-12-02).md"},
			// The 2012 rules repeal the 1999 rules of the same name, not the 2019 ones (dated after).
			{"司法解释/人民检察院刑事诉讼规则(2019-12-02).md", StatusInForce, ""},
			// 反间谍法 (2014) repeals the 1993 国家安全法, not the new 2015 law of the same name.
			{"宪法相关法/国家安全法(2015-07-01).md", StatusInForce, ""},
			// The same version filed in two folders: both in force.
			{"宪法相关法/居民身份证法(2011-10-29).md", StatusInForce, ""},
			{"行政法/居民身份证法(2011-10-29).md", StatusInForce, ""},
			{"宪法/宪法.md", StatusInForce, ""},
		}
		for _, tt := range tests {
			rec, _, err := lib.Law(ctx, idOf(tt.path))
			want := ""
			if tt.repealedBy != "" {
				want = idOf(tt.repealedBy)
			}
			if err != nil || rec.Status != tt.status || rec.RepealedBy != want {
				t.Errorf("%s: status %q repealed_by %q (%v), want %q %q", tt.path, rec.Status, rec.RepealedBy, err, tt.status, want)
			}
		}
		var n [3]int
		for i, s := range []string{StatusInForce, StatusSuperseded, StatusRepealed} {
			d.QueryRowContext(ctx, `SELECT COUNT(*) FROM laws WHERE status = ?`, s).Scan(&n[i])
		}
		t.Logf("有效 %d, 已修订 %d, 废止 %d", n[0], n[1], n[2])
		if n[0] < 1300 || n[1] < 70 || n[2] < 30 || n[0]+n[1]+n[2] != 1564 {
			t.Errorf("status counts %v", n)
		}
	})

	// On PostgreSQL each way of reading candidates on its own (see search.PostgresPlan), then the
	// automatic choice below.
	if d.Dialect == db.Postgres {
		for _, plan := range []search.PostgresPlan{search.PlanGIN, search.PlanScan} {
			ix.SetPostgresPlan(plan)
			t.Run(fmt.Sprintf("relevance plan %d", plan), func(t *testing.T) {
				for _, tt := range relevance {
					hits, _, err := ix.Search(ctx, tt.q, search.Options{Limit: 3})
					found := false
					for _, h := range hits {
						found = found || h.Title == tt.want
					}
					if err != nil || !found {
						t.Errorf("%s: %s not in the top three (%v)", tt.q, tt.want, err)
					}
				}
			})
		}
		ix.SetPostgresPlan(search.PlanAuto)
	}

	t.Run("relevance", func(t *testing.T) {
		for _, tt := range relevance {
			hits, total, err := ix.Search(ctx, tt.q, search.Options{Limit: 3})
			if err != nil {
				t.Errorf("%s: %v", tt.q, err)
				continue
			}
			var titles []string
			found := false
			for _, h := range hits {
				titles = append(titles, h.Title+" "+h.Date)
				found = found || h.Title == tt.want
			}
			if !found {
				t.Errorf("%s: %s not in the top three of %d: %q", tt.q, tt.want, total, titles)
			}
		}
		// The version in force comes before the superseded one.
		hits, _, _ := ix.Search(ctx, "行政复议 受理 五日", search.Options{Limit: 3})
		var dates []string
		for _, h := range hits {
			if h.Title == "中华人民共和国行政复议法" {
				dates = append(dates, h.Date+" "+h.Status)
			}
		}
		if len(dates) != 2 || dates[0] != "2023-09-01 有效" || dates[1] != "2017-09-01 已修订" {
			t.Errorf("行政复议法 versions in the top three: %q", dates)
		}
		// A hit links to its article.
		hits, _, _ = ix.Search(ctx, `"收到行政复议申请后，应当在五日内进行审查"`, search.Options{Status: StatusInForce})
		if len(hits) == 0 || hits[0].URL != ArticleURL(idOf("诉讼与非诉讼程序法/行政复议法(2023-09-01).md"), 30) || hits[0].Label != "第三十条" {
			t.Errorf("phrase hit = %+v", hits)
		}
	})

	t.Run("filters", func(t *testing.T) {
		tests := []struct {
			o        search.Options
			min, max int
		}{
			{search.Options{}, 3, 3},
			{search.Options{Status: StatusInForce}, 2, 2},
			{search.Options{Status: StatusSuperseded}, 1, 1},
			{search.Options{Kind: search.KindNormdoc}, 0, 0},
			{search.Options{Kind: search.KindLaw, Year: 2017}, 1, 1},
		}
		for _, tt := range tests {
			hits, total, err := ix.Search(ctx, "行政复议 受理 五日", tt.o)
			if err != nil || total < tt.min || total > tt.max || len(hits) != total {
				t.Errorf("%+v: total %d, %d hits, %v", tt.o, total, len(hits), err)
			}
			for _, h := range hits {
				if (tt.o.Status != "" && h.Status != tt.o.Status) || (tt.o.Year != 0 && !strings.HasPrefix(h.Date, "2017")) {
					t.Errorf("%+v: hit %s %s %s", tt.o, h.Title, h.Date, h.Status)
				}
			}
		}
		// Paging through a broad query returns each document once.
		seen := map[string]bool{}
		first, total, _ := ix.Search(ctx, "复议", search.Options{Limit: 20})
		for off := 0; off < 60; off += 20 {
			hits, _, _ := ix.Search(ctx, "复议", search.Options{Limit: 20, Offset: off})
			for _, h := range hits {
				if seen[h.RefID] {
					t.Errorf("%s on two pages", h.Title)
				}
				seen[h.RefID] = true
			}
		}
		if total < 60 || len(seen) != 60 || len(first) != 20 {
			t.Errorf("paging: total %d, distinct %d", total, len(seen))
		}
	})

	t.Run("reimport", func(t *testing.T) {
		counts := func() (audit, docs int, updated, hash string) {
			d.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log`).Scan(&audit)
			d.QueryRowContext(ctx, `SELECT COUNT(*), MAX(updated_at) FROM search_docs`).Scan(&docs, &updated)
			d.QueryRowContext(ctx, `SELECT MAX(updated_at) FROM laws`).Scan(&hash)
			return
		}
		a1, d1, u1, l1 := counts()
		st, err := lib.Import(ctx, root)
		if err != nil || st.Added != 0 || st.Updated != 0 || st.Unchanged != 1564 || st.Articles != 0 {
			t.Errorf("second import: %+v %v", st, err)
		}
		a2, d2, u2, l2 := counts()
		if a1 != a2 || d1 != d2 || u1 != u2 || l1 != l2 {
			t.Errorf("second import wrote: audit %d→%d, docs %d→%d, index %s→%s, laws %s→%s", a1, a2, d1, d2, u1, u2, l1, l2)
		}
	})

	t.Run("FindArticle", func(t *testing.T) {
		ref, err := lib.FindArticle(ctx, "《行政复议法》", 30)
		if err != nil || ref.Version != "2023-09-01" || ref.Number != "第三十条" || !strings.HasPrefix(ref.Text, "行政复议机关收到行政复议申请后") ||
			ref.URL != "/public/laws/"+idOf("诉讼与非诉讼程序法/行政复议法(2023-09-01).md")+"#a30" {
			t.Errorf("行政复议法第三十条 = %+v, %v", ref, err)
		}
		ref, err = lib.FindArticle(ctx, "中华人民共和国民法典", 1165)
		if err != nil || ref.Title != "中华人民共和国民法典 侵权责任编" || !strings.Contains(ref.Text, "过错") {
			t.Errorf("民法典第一千一百六十五条 = %+v, %v", ref, err)
		}
		if _, err := lib.FindArticle(ctx, "行政复议法", 999); !errors.Is(err, db.ErrNotFound) || !strings.Contains(err.Error(), "没有第999条") {
			t.Errorf("missing article: %v", err)
		}
		if _, err := lib.FindArticle(ctx, "不存在的法", 1); !errors.Is(err, db.ErrNotFound) || !strings.Contains(err.Error(), "法规库中没有") {
			t.Errorf("missing law: %v", err)
		}
	})

	t.Run("CLI", func(t *testing.T) {
		var c search.CLI
		fs := flag.NewFlagSet("search", flag.ContinueOnError)
		c.Flags(fs)
		if err := fs.Parse(search.FlagsFirst([]string{"行政复议", "受理", "五日", "--limit", "2", "--status", "有效", "--format", "json"})); err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		if err := c.Run(ctx, ix, fs.Args(), &out); err != nil {
			t.Fatal(err)
		}
		var hits []map[string]any
		if err := json.Unmarshal(out.Bytes(), &hits); err != nil || len(hits) != 2 {
			t.Fatalf("%v: %s", err, out.String())
		}
		if hits[0]["title"] != "中华人民共和国行政复议法" || hits[0]["kind"] != "law" || hits[0]["status"] != "有效" ||
			hits[0]["date"] != "2023-09-01" || hits[0]["organ"] != "" || hits[0]["number"] != "" || !strings.Contains(hits[0]["snippet"].(string), "五日") {
			t.Errorf("first hit = %v", hits[0])
		}
		out.Reset()
		if err := CLIImport(ctx, lib, root, &out); err != nil || !strings.Contains(out.String(), "法规文件 1564 个：新增 0，更新 0，未变 1564") {
			t.Errorf("CLIImport: %v\n%s", err, out.String())
		}
	})

	t.Run("pages", func(t *testing.T) {
		srv := httptest.NewServer(newApp(t, d, lib))
		defer srv.Close()
		rid := idOf("诉讼与非诉讼程序法/行政复议法(2023-09-01).md")
		tests := []struct {
			path   string
			status int
			has    []string
		}{
			{"/public/laws", 200, []string{"行政法规", "现行有效", `href="/public/laws?category=%e8%a1%8c%e6%94%bf%e6%b3%95%e8%a7%84"`}},
			{"/public/laws?category=" + url.QueryEscape("诉讼与非诉讼程序法"), 200, []string{"中华人民共和国行政复议法", "2017-09-01", "已修订", "/public/laws/" + rid}},
			{"/public/laws?category=" + url.QueryEscape("部门规章"), 200, []string{"部门规章/"}}, // sub-folders included
			{"/public/laws?title=" + url.QueryEscape("备案") + "&status=" + url.QueryEscape("废止"), 200, []string{"法规规章备案条例", "共 1 件"}},
			{"/public/laws?status=x", 422, []string{"效力状态无效"}},
			{"/public/laws/" + rid, 200, []string{`<h1>中华人民共和国行政复议法</h1>`, `id="a30"`, `href="#a30">第三十条</a>`, "第三章 行政复议受理",
				"行政复议机关收到行政复议申请后，应当在五日内进行审查", "2017-09-01", "/public/laws/" + idOf("诉讼与非诉讼程序法/行政复议法(2017-09-01).md"), "本版本"}},
			{"/public/laws/" + idOf("诉讼与非诉讼程序法/行政复议法(2017-09-01).md"), 200, []string{"本件为历史版本"}},
			{"/public/laws/" + idOf("行政法规/法规规章备案条例(2001-12-14).md"), 200, []string{"宣布废止", "法规规章备案审查条例"}},
			{"/public/laws/" + idOf("行政法规/法规规章备案审查条例(2024-08-30).md"), 200, []string{"本件废止的文件", `《法规规章备案条例》</a>`}},
			{"/public/laws/Lnone", 404, []string{"法规不存在"}},
		}
		for _, tt := range tests {
			resp, err := http.Get(srv.URL + tt.path)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Errorf("%s: status %d, want %d", tt.path, resp.StatusCode, tt.status)
			}
			for _, s := range tt.has {
				if !strings.Contains(string(b), s) {
					t.Errorf("%s: page lacks %q", tt.path, s)
				}
			}
		}
	})
}

func newApp(t *testing.T, d *db.DB, lib *Library) *web.App {
	t.Helper()
	o := org.New(d)
	if err := o.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	app := web.New(web.Deps{DB: d, Auth: auth.New(d, o, auth.DefaultSettings()), Org: o,
		Calendar: func() *calendar.Calendar { return calendar.Default() }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	search.NewModule(lib.Index()).Register(app)
	NewModule(lib).Register(app)
	return app
}
