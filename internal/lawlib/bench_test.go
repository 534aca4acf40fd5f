package lawlib

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/benchcpu"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/search"
	"github.com/fazhi/fazhi/internal/web"
)

// Benchmarks (docs/benchmarks.md, section 检索):
//
//	go test ./internal/lawlib -run '^$' -bench 'ImportLaws' -benchtime 1x
//	go test ./internal/lawlib -run '^$' -bench 'Search' -benchtime 3s -timeout 30m
//
// and the same with FAZHI_TEST_POSTGRES set. FAZHI_BENCH_DATA=DIR (SQLite) or a postgres:// DSN
// keeps the search benchmark's database there and reuses it on the next run.

// benchNormdocs is the number of generated normative documents next to the law library.
const benchNormdocs = 50000

// benchQueries is the fixed query list: two-character words, several terms, phrases, filters, and a
// few very broad words that match most of the index.
var benchQueries = []struct {
	q string
	o search.Options
}{
	{q: "复议"}, {q: "备案"}, {q: "听证"}, {q: "处罚"}, {q: "许可"}, {q: "赔偿"}, {q: "公开"}, {q: "信访"},
	{q: "监督"}, {q: "执法"}, {q: "审查"}, {q: "补偿"}, {q: "登记"}, {q: "收费"}, {q: "救助"},
	{q: "政府信息公开 申请 答复期限"}, {q: "行政复议 受理 五日"}, {q: "行政处罚 听证"}, {q: "个人信息 处理者 告知"},
	{q: "劳动合同 解除 经济补偿"}, {q: "治安管理 拘留"}, {q: "行政许可 期限 二十日"}, {q: "国家赔偿 赔偿请求人"},
	{q: "行政强制 查封 扣押"}, {q: "公职人员 政务处分"}, {q: "监察机关 留置"}, {q: "食品安全 标准"},
	{q: "未成年人 监护"}, {q: "优化营商环境 市场主体"}, {q: "律师 执业证书"}, {q: "安全生产 事故"},
	{q: "备案审查 规章"}, {q: "行政诉讼 六个月 起诉"}, {q: "农村集体资产 管理"}, {q: "城市道路 停车"},
	{q: "防汛 抗旱 应急预案"}, {q: "森林防火 责任"}, {q: "最低生活保障 申请"}, {q: "政府采购 监督"},
	{q: "建设工程 质量 监督检查"},
	{q: `"不予受理"`}, {q: `"重大行政决策"`}, {q: `"正当防卫"`}, {q: `"行政执法公示"`}, {q: `"规范性文件"`},
	{q: `"合法性审查"`}, {q: `"二十个工作日"`}, {q: `"依法追究责任"`}, {q: `"有效期五年"`}, {q: `"法律援助"`},
	{q: "备案", o: search.Options{Kind: search.KindNormdoc}},
	{q: "复议", o: search.Options{Status: "有效"}},
	{q: "管理办法", o: search.Options{Year: 2023}},
	{q: "行政处罚", o: search.Options{Kind: search.KindLaw, Status: "有效"}},
	{q: "通知", o: search.Options{OrganID: "bench-organ-007"}},
	{q: "管理"}, {q: "规定"}, {q: "人民政府"}, {q: "法"},
	{q: "复议", o: search.Options{Offset: 40}},
}

// benchAppName marks the benchmark's PostgreSQL connections, whose server processes benchcpu.Server reads.
const benchAppName = "fazhi-bench"

// percentiles reports p50, p95 and p99 of ds under unit.
func percentiles(b *testing.B, ds []time.Duration, unit string) {
	slices.Sort(ds)
	for _, p := range []float64{0.50, 0.95, 0.99} {
		d := ds[min(len(ds)-1, int(p*float64(len(ds))))]
		b.ReportMetric(float64(d.Microseconds())/1000, fmt.Sprintf("p%d-%s", int(p*100), unit))
	}
}

// BenchmarkImportLaws imports the whole library into an empty database per iteration.
func BenchmarkImportLaws(b *testing.B) {
	root := corpusDir(b)
	ctx := context.Background()
	var wall, cpu time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		d := dbtest.Open(b)
		lib := New(d, search.NewIndex(d))
		b.StartTimer()
		c0, t0 := benchcpu.Process(), time.Now()
		st, err := lib.Import(ctx, root)
		wall += time.Since(t0)
		cpu += benchcpu.Process() - c0
		if err != nil || st.Added != 1564 {
			b.Fatalf("%+v %v", st, err)
		}
	}
	b.ReportMetric(wall.Seconds()/float64(b.N), "s/import")
	b.ReportMetric(cpu.Seconds()/float64(b.N), "cpu-s/import") // this process only (not the PostgreSQL server)
}

// BenchmarkSearch measures latency over benchQueries on the library plus benchNormdocs generated
// documents, and reports percentiles over every query run: wall time, CPU time of this process
// (cpu-ms; on SQLite all of the work) and of the PostgreSQL backends serving it (srv-cpu-ms), beside
// a floor measured in the same run: the raw full-text lookup of the query's ten newest passages
// (floor-ms, floor-cpu-ms, floor-srv-cpu-ms), no ranking, texts or snippets.
func BenchmarkSearch(b *testing.B) {
	ix := benchIndex(b)
	ctx := context.Background()
	benchLoop(b, ix, func(q string, o search.Options) error {
		o.Limit = search.DefaultLimit
		_, err := ix.Find(ctx, q, o)
		return err
	})
	if os.Getenv("FAZHI_BENCH_SLOW") != "" {
		// One line per query, the most CPU first (the least of three runs), to see where it goes.
		srv := benchcpu.NewServer(ix.DB(), benchAppName)
		srv.Refresh(ctx)
		type qt struct {
			q           string
			cpu, srvCPU time.Duration
		}
		var per []qt
		for _, bq := range benchQueries {
			x := qt{cpu: time.Hour, srvCPU: time.Hour}
			for range 3 {
				c0, s0 := benchcpu.Process(), srv.Now()
				r, _ := ix.Find(ctx, bq.q, bq.o)
				x.cpu, x.srvCPU = min(x.cpu, benchcpu.Process()-c0), min(x.srvCPU, srv.Now()-s0)
				x.q = fmt.Sprintf("%s %+v total=%d more=%v", bq.q, bq.o, r.Total, r.More)
			}
			per = append(per, x)
		}
		slices.SortFunc(per, func(a, b qt) int { return int(b.cpu + b.srvCPU - a.cpu - a.srvCPU) })
		for _, p := range per[:20] {
			fmt.Fprintf(os.Stderr, "cpu %5.1f ms  server %5.1f ms  %s\n", float64(p.cpu.Microseconds())/1000, float64(p.srvCPU.Microseconds())/1000, p.q)
		}
	}
}

// BenchmarkSearchPage is BenchmarkSearch through the public page: request, search, snippets, the
// filter form and the template, served in-process (httptest recorder, no network).
func BenchmarkSearchPage(b *testing.B) {
	ix := benchIndex(b)
	app := benchApp(b, ix)
	var bytes int64
	var pages int
	benchLoop(b, ix, func(q string, o search.Options) error {
		v := url.Values{"q": {q}}
		if o.Kind != "" {
			v.Set("kind", o.Kind)
		}
		if o.Status != "" {
			v.Set("status", o.Status)
		}
		if o.OrganID != "" {
			v.Set("organ", o.OrganID)
		}
		if o.Year != 0 {
			v.Set("year", strconv.Itoa(o.Year))
		}
		if o.Offset > 0 {
			v.Set("page", strconv.Itoa(o.Offset/search.PageSize+1))
		}
		rec := httptest.NewRecorder()
		app.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/public/search?"+v.Encode(), nil))
		if rec.Code != http.StatusOK {
			return fmt.Errorf("status %d", rec.Code)
		}
		bytes += int64(rec.Body.Len())
		pages++
		return nil
	})
	b.ReportMetric(float64(bytes)/float64(pages)/1024, "KiB/page")
}

// benchLoop runs every benchmark query per iteration through run and, in the same loop, the floor.
func benchLoop(b *testing.B, ix *search.Index, run func(q string, o search.Options) error) {
	ctx := context.Background()
	srv := benchcpu.NewServer(ix.DB(), benchAppName)
	var lat, cpu, scpu, both, flat, fcpu, fscpu []time.Duration
	measure := func(record bool, f func() error) {
		c0, s0, t0 := benchcpu.Process(), srv.Now(), time.Now()
		if err := f(); err != nil {
			b.Fatal(err)
		}
		if record {
			c, s := benchcpu.Process()-c0, srv.Now()-s0
			lat, cpu, scpu, both = append(lat, time.Since(t0)), append(cpu, c), append(scpu, s), append(both, c+s)
		}
	}
	pass := func(record bool) {
		for _, bq := range benchQueries {
			measure(record, func() error {
				if err := run(bq.q, bq.o); err != nil {
					return fmt.Errorf("%s: %w", bq.q, err)
				}
				return nil
			})
			if !record {
				continue
			}
			c0, s0, t0 := benchcpu.Process(), srv.Now(), time.Now()
			if err := floorLookup(ctx, ix.DB(), bq.q); err != nil {
				b.Fatalf("floor %s: %v", bq.q, err)
			}
			flat, fcpu, fscpu = append(flat, time.Since(t0)), append(fcpu, benchcpu.Process()-c0), append(fscpu, srv.Now()-s0)
		}
	}
	pass(false) // warm the caches once
	srv.Refresh(ctx)
	for b.Loop() {
		pass(true)
	}
	percentiles(b, lat, "ms")
	percentiles(b, cpu, "cpu-ms")
	percentiles(b, flat, "floor-ms")
	percentiles(b, fcpu, "floor-cpu-ms")
	if ix.DB().Dialect == db.Postgres {
		percentiles(b, scpu, "srv-cpu-ms")
		// Both processes' CPU per query: the latency of an idle machine, less the round trips.
		percentiles(b, both, "all-cpu-ms")
		percentiles(b, fscpu, "floor-srv-cpu-ms")
	}
	b.ReportMetric(float64(len(benchQueries)), "queries/op")
	var l1, l5, l15 float64
	if la, err := os.ReadFile("/proc/loadavg"); err == nil {
		fmt.Sscan(string(la), &l1, &l5, &l15)
		b.ReportMetric(l1, "load1")
	}
}

// floorLookup is the raw full-text lookup of ten passages of q: the least any search of q does on
// the engine (tokens ANDed, as the index answers them without reading rows; on SQLite the newest
// ten, on PostgreSQL whichever ten the GIN bitmap yields first).
func floorLookup(ctx context.Context, d *db.DB, qs string) error {
	q, err := search.ParseQuery(qs)
	if err != nil {
		return err
	}
	if d.Dialect != db.Postgres {
		_, err = scanIDs(d.QueryContext(ctx, `SELECT rowid FROM search_fts WHERE search_fts MATCH ? ORDER BY rowid DESC LIMIT 10`,
			"{title body} : ("+q.FTS5()+")"))
		return err
	}
	return d.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
			return err
		}
		// No ORDER BY: with it the planner may walk the primary key instead of the GIN index.
		_, err := scanIDs(tx.QueryContext(ctx, `SELECT id FROM search_fts WHERE tsv @@ ?::tsquery LIMIT 10`, q.TSQueryLoose()))
		return err
	})
}

func scanIDs(rows *sql.Rows, err error) (int, error) {
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		n++
	}
	return n, rows.Err()
}

// benchApp is the web shell with the search page, as newApp for a benchmark.
func benchApp(b *testing.B, ix *search.Index) *web.App {
	d := ix.DB()
	o := org.New(d)
	if err := o.Load(context.Background()); err != nil {
		b.Fatal(err)
	}
	app := web.New(web.Deps{DB: d, Auth: auth.New(d, o, auth.DefaultSettings()), Org: o,
		Calendar: func() *calendar.Calendar { return calendar.Default() }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	search.NewModule(ix).Register(app)
	return app
}

// benchIndex builds (or, with FAZHI_BENCH_DATA on SQLite, reopens) the benchmark database.
func benchIndex(b *testing.B) *search.Index {
	b.Helper()
	root := corpusDir(b)
	ctx := context.Background()
	var d *db.DB
	if dir := os.Getenv("FAZHI_BENCH_DATA"); dir != "" {
		dsn := ""
		if db.IsPostgres(dir) {
			dsn = dir + "&application_name=" + benchAppName
			if !strings.Contains(dir, "?") {
				dsn = dir + "?application_name=" + benchAppName
			}
		}
		var err error
		if d, err = db.Open(ctx, dsn, dir); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { d.Close() })
		if _, err := d.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
	} else {
		d = dbtest.Open(b)
	}
	ix := search.NewIndex(d)
	var n int
	d.QueryRowContext(ctx, `SELECT COUNT(*) FROM search_docs WHERE kind = 'normdoc'`).Scan(&n)
	if n >= benchNormdocs+len(benchUnits()) {
		return ix
	}
	t0 := time.Now()
	if _, err := New(d, ix).Import(ctx, root); err != nil {
		b.Fatal(err)
	}
	t1 := time.Now()
	if err := generateNormdocs(ctx, ix, benchNormdocs); err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: library imported in %v, %d documents generated in %v", dbtest.Engine(), t1.Sub(t0).Round(time.Second), benchNormdocs, time.Since(t1).Round(time.Second))
	return ix
}

// generateNormdocs writes n plausible normative documents, the same on every run, and the
// benchUnits documents spread among them, as an organ's documents arrive over the years (appended
// at the end they would be the newest passages, which every broad query reads first).
func generateNormdocs(ctx context.Context, ix *search.Index, n int) error {
	bulk, err := ix.BeginBulk(ctx)
	if err != nil {
		return err
	}
	g := newDocGen()
	units := unitDocs()
	const batch = 2000
	for start := 0; start < n && err == nil; start += batch {
		docs := make([]search.Doc, 0, batch+batch*len(units)/n+1)
		for i := start; i < min(n, start+batch); i++ {
			docs = append(docs, g.doc(i))
			for u := i * len(units) / n; u < (i+1)*len(units)/n; u++ {
				docs = append(docs, units[u])
			}
		}
		err = ix.DB().Tx(ctx, func(tx *db.Tx) error {
			if err := bulk.PrepareTx(ctx, tx); err != nil {
				return err
			}
			return ix.UpsertMany(ctx, tx, docs)
		})
	}
	if ferr := bulk.Finish(ctx); err == nil {
		err = ferr
	}
	return err
}

// benchUnits are the township offices that, with the 100 county organs of the generated documents,
// make a province's 1,500 issuing organs (the search page's organ filter). Their names avoid every
// benchmark query term, so they change no search result.
func benchUnits() []benchOrgan {
	towns := []string{"城关镇", "河口镇", "新桥镇", "石门镇", "龙泉镇", "黄岭镇", "柳塘镇"}
	offices := []string{"党政办公室", "经济发展办公室", "社会事务办公室", "财政所", "农业综合服务中心", "退役军人服务站",
		"便民服务中心", "规划建设办公室", "文化体育服务中心", "村镇建设办公室"}
	var out []benchOrgan
	for _, p := range genPlaces {
		for _, t := range towns {
			for _, o := range offices {
				out = append(out, benchOrgan{id: fmt.Sprintf("bench-unit-%04d", len(out)), name: p + t + o})
			}
		}
	}
	return out
}

// unitDocs are one short document per benchUnits organ.
func unitDocs() []search.Doc {
	var docs []search.Doc
	for _, u := range benchUnits() {
		docs = append(docs, search.Doc{Kind: search.KindNormdoc, RefID: u.id, Title: u.name + "工作职责", Body: u.name + "的工作职责和内设机构。",
			OrganID: u.id, Organ: u.name, Date: "2024-01-15", Status: "有效", InForce: true, URL: "/public/normdocs/" + u.id})
	}
	return docs
}

type docGen struct {
	r      *rand.Rand
	organs []benchOrgan
}

type benchOrgan struct{ id, place, name, abbr string }

var (
	genPlaces = []string{"青山县", "绿水县", "临江市", "安平县", "福宁区", "长乐县", "永和县", "清河区", "白石县", "东湖区",
		"南岭县", "北川县", "西溪市", "金沙县", "玉泉区", "凤鸣县", "龙潭区", "松阳县", "桃源县", "梅江市"}
	genPlaceAbbr = []string{"青", "绿", "临", "安", "福", "长", "永", "清", "白", "东", "南", "北", "西", "金", "玉", "凤", "龙", "松", "桃", "梅"}
	genDepts     = []struct{ name, abbr string }{
		{"人民政府", "政发"}, {"人民政府办公室", "政办发"}, {"司法局", "司发"}, {"财政局", "财发"}, {"自然资源局", "自然资发"},
	}
	genTopics = []string{"农村集体资产管理", "行政执法公示", "政府信息公开", "城市道路停车管理", "安全生产监督检查",
		"居民最低生活保障", "营商环境优化", "重大行政决策程序", "规范性文件备案审查", "生态环境保护", "建设工程质量监督",
		"食品安全监管", "校园安全管理", "养老服务补贴", "公共租赁住房保障", "防汛抗旱应急", "森林防火", "不可移动文物保护",
		"政府采购监督", "行政事业性收费", "城乡居民医疗救助", "农村土地承包经营权流转", "户外广告设置管理", "市容环境卫生管理",
		"住宅专项维修资金管理", "行政复议案件办理", "法律援助", "人民调解", "公共法律服务体系建设", "征地补偿安置"}
	genActions  = []string{"加强", "规范", "进一步做好", "推进", "完善", "开展", "深化"}
	genKinds    = []string{"管理办法", "实施办法", "暂行办法", "实施细则", "若干规定"}
	genSubjects = []string{"各级人民政府", "县级以上人民政府有关部门", "行政机关", "乡镇人民政府", "街道办事处", "村（居）民委员会",
		"主管部门", "执法人员", "申请人", "市场主体", "财政部门", "司法行政部门", "审计机关", "有关单位"}
	genVerbs   = []string{"应当依法履行", "应当加强", "应当建立健全", "负责组织实施", "应当监督检查", "应当及时公开", "应当定期报告", "负责统筹协调", "应当落实", "可以委托第三方开展"}
	genObjects = []string{"管理制度", "工作机制", "责任清单", "信息公开工作", "投诉举报处理", "档案管理", "考核评价", "应急预案",
		"专项资金使用", "监督检查", "风险评估", "合法性审查", "公众参与", "专家论证", "行政执法全过程记录", "集体讨论决定"}
	genClauses = []string{"确保工作有序开展", "所需经费列入本级财政预算", "具体办法由主管部门另行制定", "对违反本办法规定的，依法追究责任",
		"自收到申请之日起二十个工作日内作出决定", "并向社会公布", "每年至少开展一次", "接受社会监督", "情节严重的，依法给予处分",
		"不得收取任何费用", "逾期未作出决定的，视为同意", "涉及群众切身利益的，应当听取意见"}
	genStatuses = []struct {
		s     string
		in    bool
		share int
	}{{"有效", true, 75}, {"已修改", false, 8}, {"废止", false, 9}, {"失效", false, 8}}
)

func newDocGen() *docGen {
	g := &docGen{r: rand.New(rand.NewPCG(2026, 5))}
	for i, p := range genPlaces {
		for _, d := range genDepts {
			g.organs = append(g.organs, benchOrgan{id: fmt.Sprintf("bench-organ-%03d", len(g.organs)), place: p, name: p + d.name, abbr: genPlaceAbbr[i] + d.abbr})
		}
	}
	return g
}

func pick[T any](r *rand.Rand, s []T) T { return s[r.IntN(len(s))] }

// doc builds document i: a title such as 青山县人民政府关于印发《青山县政府采购监督管理办法》的通知, a 文号, and a
// body of 8 to 24 articles built from the phrases administrative rules are made of.
func (g *docGen) doc(i int) search.Doc {
	r := g.r
	o := g.organs[r.IntN(len(g.organs))]
	year := 2015 + r.IntN(11)
	date := fmt.Sprintf("%d-%02d-%02d", year, 1+r.IntN(12), 1+r.IntN(28))
	topic := pick(r, genTopics)
	place := o.place
	var title, rule string
	if r.IntN(2) == 0 {
		rule = place + topic + pick(r, genKinds)
		title = fmt.Sprintf("%s关于印发《%s》的通知", o.name, rule)
	} else {
		rule = "本意见"
		title = fmt.Sprintf("%s关于%s%s工作的实施意见", o.name, pick(r, genActions), topic)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "第一条 为了%s%s工作，根据有关法律、法规和规章的规定，结合本地实际，制定%s。\n", pick(r, genActions), topic, shortName(rule))
	n := 8 + r.IntN(17)
	for k := 2; k < n; k++ {
		fmt.Fprintf(&b, "第%s条 %s%s%s%s，%s。\n", cnNum(k), pick(r, genSubjects), pick(r, genVerbs), topic, pick(r, genObjects), pick(r, genClauses))
		if r.IntN(3) == 0 {
			fmt.Fprintf(&b, "%s%s%s，%s。\n", pick(r, genSubjects), pick(r, genVerbs), pick(r, genObjects), pick(r, genClauses))
		}
	}
	fmt.Fprintf(&b, "第%s条 %s自%d年%d月%d日起施行，有效期五年。\n", cnNum(n), shortName(rule), year, 1+r.IntN(12), 1+r.IntN(28))
	st, x := genStatuses[0], r.IntN(100)
	for _, s := range genStatuses {
		if st = s; x < s.share {
			break
		}
		x -= s.share
	}
	return search.Doc{Kind: search.KindNormdoc, RefID: fmt.Sprintf("bench-%05d", i), Title: title, Body: b.String(),
		OrganID: o.id, Organ: o.name, Number: fmt.Sprintf("%s〔%d〕%d号", o.abbr, year, 1+r.IntN(80)), Date: date,
		Status: st.s, InForce: st.in, URL: fmt.Sprintf("/public/normdocs/bench-%05d", i)}
}

func shortName(rule string) string {
	if rule == "本意见" {
		return rule
	}
	for _, k := range genKinds {
		if strings.HasSuffix(rule, k) {
			return "本" + strings.TrimPrefix(strings.TrimPrefix(k, "管理"), "实施")
		}
	}
	return "本办法"
}

var cnDigitNames = []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}

// cnNum writes 1–99 in Chinese (十二, 二十, 二十三).
func cnNum(n int) string {
	switch {
	case n < 10:
		return cnDigitNames[n]
	case n < 20:
		return "十" + cnDigitNames[n-10]
	default:
		return cnDigitNames[n/10] + "十" + cnDigitNames[n%10]
	}
}

func TestDocGen(t *testing.T) {
	a, b := newDocGen(), newDocGen()
	for i := range 200 {
		x, y := a.doc(i), b.doc(i)
		if x.Title != y.Title || x.Body != y.Body || x.Number != y.Number {
			t.Fatalf("document %d differs between runs", i)
		}
		if !strings.Contains(x.Title, "关于") || !strings.HasPrefix(x.Body, "第一条 为了") || !strings.Contains(x.Body, "有效期五年") ||
			x.Status == "" || x.InForce != (x.Status == "有效") || len(x.Date) != 10 {
			t.Fatalf("document %d: %+v", i, x)
		}
		if n, ok := ChineseNumber(strings.Fields(x.Body[strings.LastIndex(strings.TrimSuffix(x.Body, "\n"), "\n")+1:])[0]); !ok || n < 8 {
			t.Fatalf("document %d: last article %v", i, n)
		}
	}
	if cnNum(12) != "十二" || cnNum(20) != "二十" || cnNum(23) != "二十三" {
		t.Error("cnNum")
	}
	x := a.doc(1000)
	t.Log(x.Title, "\n", x.Body)
}
