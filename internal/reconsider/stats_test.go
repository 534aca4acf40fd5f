package reconsider

import (
	"bytes"
	"encoding/json"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/docgen"
	"github.com/fazhi/fazhi/internal/module"
	"github.com/fazhi/fazhi/internal/stats"
	"github.com/fazhi/fazhi/internal/web"
	"github.com/fazhi/fazhi/internal/webtest"
)

// ledgerFixture is the demo county with the clock at 2026-03-31, after every date of the test ledgers.
func ledgerFixture(t *testing.T) *fixture {
	t.Helper()
	f := newFixture(t)
	f.svc.SetClock(func() time.Time { return time.Date(2026, 3, 31, 10, 0, 0, 0, calendar.Shanghai()) })
	return f
}

// importFile imports a test ledger for the organ with code (nil principal: the command line).
func (f *fixture) importFile(code, name string) (ImportResult, error) {
	f.t.Helper()
	path := filepath.Join("testdata", name)
	data, err := os.ReadFile(path)
	if err != nil {
		f.t.Fatal(err)
	}
	return f.svc.Import(f.ctx, nil, f.organ(code).ID, path, bytes.NewReader(data), nil)
}

func (f *fixture) mustImport(code, name string) ImportResult {
	f.t.Helper()
	res, err := f.importFile(code, name)
	if err != nil {
		for _, e := range LedgerErrors(err) {
			f.t.Log(e.String())
		}
		f.t.Fatalf("import %s: %v", name, err)
	}
	return res
}

type figure struct {
	name      string
	got, want any
}

func checkFigures(t *testing.T, label string, figs []figure) {
	t.Helper()
	for _, c := range figs {
		if c.got != c.want {
			t.Errorf("%s %s = %v, want %v", label, c.name, c.got, c.want)
		}
	}
}

// allFigures lists every figure of f for table checks, outcomes included.
func allFigures(f StatsFigures, want StatsFigures) []figure {
	figs := []figure{
		{"received", f.Received, want.Received}, {"accepted", f.Accepted, want.Accepted}, {"not_accepted", f.NotAccepted, want.NotAccepted},
		{"other_handling", f.OtherHandling, want.OtherHandling}, {"carried_over", f.CarriedOver, want.CarriedOver},
		{"concluded", f.Concluded, want.Concluded}, {"pending", f.Pending, want.Pending},
		{"direct_correction_rate", f.DirectCorrectionRate, want.DirectCorrectionRate},
		{"comprehensive_correction_rate", f.ComprehensiveCorrectionRate, want.ComprehensiveCorrectionRate},
		{"on_time_rate", f.OnTimeRate, want.OnTimeRate},
		{"direct_corrected", f.DirectCorrected, want.DirectCorrected}, {"comprehensive_corrected", f.ComprehensiveCorrected, want.ComprehensiveCorrected},
		{"on_time", f.OnTime, want.OnTime},
	}
	for _, o := range Outcomes {
		figs = append(figs, figure{"outcomes." + string(o), f.Outcomes[o], want.Outcomes[o]})
	}
	return figs
}

func findGroup(t *testing.T, gs []StatsGroup, name string) StatsFigures {
	t.Helper()
	for _, g := range gs {
		if g.Name == name {
			return g.StatsFigures
		}
	}
	t.Fatalf("group %q missing in %v", name, gs)
	return StatsFigures{}
}

// TestStatsHandLedger checks every figure against testdata/ledger_stats.csv, counted by hand
// (the row numbers in the comments are the ledger's 序号).
func TestStatsHandLedger(t *testing.T) {
	f := ledgerFixture(t)
	f.mustImport("990121-GOV", "ledger_stats.csv")
	st, err := f.svc.StatsForYear(f.ctx, f.organ("990121-GOV").ID, false, 2025)
	if err != nil {
		t.Fatal(err)
	}
	checkFigures(t, "2025", allFigures(st.StatsFigures, StatsFigures{
		Received:      19, // 5–23
		Accepted:      14, // 4–15, 20, 21
		NotAccepted:   2,  // 16, 24 (23 was decided in 2026)
		OtherHandling: 2,  // 17 告知, 18 转送
		CarriedOver:   2,  // 2, 3 (1 was concluded in 2024)
		Concluded:     13, // 2, 4–15
		Pending:       3,  // 3, 20, 21
		Outcomes: OutcomeCounts{Uphold: 2, Revoke: 1, PartialRevoke: 1, Vary: 1, DeclareUnlawful: 1, DeclareVoid: 1, OrderPerformance: 1,
			DismissRequest: 1, DismissApplication: 1, Mediation: 1, Terminate: 2},
		DirectCorrected: 6, DirectCorrectionRate: 46.15, // 2, 4, 7, 13, 14, 15
		ComprehensiveCorrected: 8, ComprehensiveCorrectionRate: 61.54, // + 8 调解, 9 纠正后撤回 (10 plain withdrawal is not)
		OnTime: 12, OnTimeRate: 92.31, // 6 decided 2025-04-30, due 2025-03-17; 5 extended to 2025-04-08
	}))
	if st.CarriedOver+st.Accepted != st.Concluded+st.Pending {
		t.Errorf("carried_over + accepted = %d, concluded + pending = %d", st.CarriedOver+st.Accepted, st.Concluded+st.Pending)
	}
	if st.Organ != "青山县人民政府" || st.From != "2025-01-01" || st.To != "2025-12-31" {
		t.Errorf("header = %q %s..%s", st.Organ, st.From, st.To)
	}

	// 13 reads 公安局 and is matched to 青山县公安局, so it counts there.
	checkFigures(t, "青山县公安局", allFigures(findGroup(t, st.ByRespondent, "青山县公安局"), StatsFigures{
		Received: 8, Accepted: 6, NotAccepted: 1, CarriedOver: 1, Concluded: 6, Pending: 1,
		Outcomes:        OutcomeCounts{Uphold: 1, Revoke: 1, PartialRevoke: 1, Vary: 1, DeclareUnlawful: 1, DismissApplication: 1},
		DirectCorrected: 4, DirectCorrectionRate: 66.67, ComprehensiveCorrected: 4, ComprehensiveCorrectionRate: 66.67, OnTime: 6, OnTimeRate: 100,
	}))
	checkFigures(t, "工伤认定", allFigures(findGroup(t, st.ByActType, "工伤认定"), StatsFigures{
		Received: 3, Accepted: 2, Concluded: 2, Outcomes: OutcomeCounts{Mediation: 1, Terminate: 1},
		ComprehensiveCorrected: 1, ComprehensiveCorrectionRate: 50, OnTime: 2, OnTimeRate: 100,
	}))
	// Nothing concluded: every rate is 0 (see the JSON test for 0.00).
	checkFigures(t, "行政许可", allFigures(findGroup(t, st.ByActType, "行政许可"), StatsFigures{
		Received: 1, Accepted: 1, CarriedOver: 1, Pending: 2,
	}))
	checkFigures(t, "其他 field", allFigures(findGroup(t, st.ByField, "其他"), StatsFigures{Received: 1, OtherHandling: 1}))

	// Breakdown order: fields and act types in the fixed lists' order, respondents by cases received.
	var fields []string
	for _, g := range st.ByField {
		fields = append(fields, g.Name)
	}
	if got := strings.Join(fields, ","); got != "公安,市场监管,人力资源社会保障,其他" {
		t.Errorf("by_field order = %s", got)
	}
	if st.ByRespondent[0].Name != "青山县公安局" {
		t.Errorf("first respondent = %s", st.ByRespondent[0].Name)
	}
	var sum StatsFigures
	for _, g := range st.ByRespondent {
		sum.add(g.StatsFigures)
	}
	sum.finish()
	checkFigures(t, "sum of respondents", allFigures(sum, st.StatsFigures))

	// The year before: what 2024 looked like.
	st24, err := f.svc.StatsForYear(f.ctx, f.organ("990121-GOV").ID, false, 2024)
	if err != nil {
		t.Fatal(err)
	}
	checkFigures(t, "2024", allFigures(st24.StatsFigures, StatsFigures{
		Received: 5, Accepted: 3, Concluded: 1, Pending: 2, Outcomes: OutcomeCounts{Uphold: 1}, OnTime: 1, OnTimeRate: 100,
	}))
}

// TestStatsSeed002 reproduces the published report (seeds/002, 篇一): 审结43 of which 维持29, 撤销4,
// 确认违法2, 驳回申请1, 终止7 gives 直接纠错率 (4+2)/43 = 13.95% (printed as 14%).
func TestStatsSeed002(t *testing.T) {
	f := ledgerFixture(t)
	f.mustImport("990121-GOV", "ledger_seed002.csv")
	st, err := f.svc.StatsForYear(f.ctx, f.organ("990121-SFJ").ID, false, 2025) // a 司法局 counts for its government
	if err != nil {
		t.Fatal(err)
	}
	checkFigures(t, "seed 002", allFigures(st.StatsFigures, StatsFigures{
		Received: 58, Accepted: 50, NotAccepted: 5, OtherHandling: 2, Concluded: 43, Pending: 7,
		Outcomes:        OutcomeCounts{Uphold: 29, Revoke: 4, DeclareUnlawful: 2, DismissApplication: 1, Terminate: 7},
		DirectCorrected: 6, DirectCorrectionRate: 13.95, ComprehensiveCorrected: 6, ComprehensiveCorrectionRate: 13.95,
		OnTime: 42, OnTimeRate: 97.67, // the first case was decided 75 days after acceptance
	}))
}

// TestStatsJSON checks the JSON keys and the two-decimal rates, including 0.00 on an empty base.
func TestStatsJSON(t *testing.T) {
	f := ledgerFixture(t)
	f.mustImport("990121-GOV", "ledger_stats.csv")
	var out bytes.Buffer
	if err := CLIStats(f.ctx, f.svc, StatsArgs{Organ: "990121-SFJ", Year: 2025, Format: "json"}, &out); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		t.Fatalf("%v\n%s", err, text)
	}
	for _, k := range []string{"received", "accepted", "not_accepted", "other_handling", "carried_over", "concluded", "pending", "outcomes",
		"direct_correction_rate", "comprehensive_correction_rate", "on_time_rate", "by_respondent", "by_field", "by_act_type"} {
		if _, ok := m[k]; !ok {
			t.Errorf("key %s missing", k)
		}
	}
	for _, want := range []string{`"organ": "青山县人民政府"`, `"direct_correction_rate": 46.15`, `"on_time_rate": 92.31`, `"comprehensive_correction_rate": 61.54`} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %s", want)
		}
	}
	var outcomes map[string]int
	if err := json.Unmarshal(m["outcomes"], &outcomes); err != nil {
		t.Fatal(err)
	}
	// Eleven outcomes as before, then the two of Art. 71 added after them.
	if len(outcomes) != 13 || outcomes["agreement_liability"] != 0 || outcomes["uphold"] != 2 || outcomes["terminate"] != 2 || outcomes["declare_void"] != 1 {
		t.Errorf("outcomes = %v", outcomes)
	}
	var groups []map[string]any
	if err := json.Unmarshal(m["by_act_type"], &groups); err != nil {
		t.Fatal(err)
	}
	if len(groups) == 0 || groups[0]["name"] == nil || groups[0]["received"] == nil {
		t.Errorf("by_act_type = %v", groups)
	}

	// A year without cases: zero counts, rates written as 0.00.
	out.Reset()
	if err := CLIStats(f.ctx, f.svc, StatsArgs{Organ: "990121-GOV", Year: 2023, Format: "json"}, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"direct_correction_rate": 0.00`, `"comprehensive_correction_rate": 0.00`, `"on_time_rate": 0.00`, `"by_respondent": []`, `"uphold": 0`} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("empty year lacks %s:\n%s", want, out.String())
		}
	}

	// Text output and bad arguments.
	out.Reset()
	if err := CLIStats(f.ctx, f.svc, StatsArgs{Organ: "990121-GOV", Year: 2025, Format: "text"}, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "直接纠错率") || !strings.Contains(out.String(), "46.15%（6/13）") {
		t.Errorf("text output:\n%s", out.String())
	}
	for _, a := range []StatsArgs{{Organ: "NOPE", Year: 2025, Format: "json"}, {Year: 2025, Format: "json"}, {Organ: "990121-GOV", Year: 2025, Format: "xml"}} {
		if err := CLIStats(f.ctx, f.svc, a, &out); err == nil {
			t.Errorf("CLIStats(%+v) succeeded", a)
		}
	}
}

// TestStatsSubordinates: a township's cases count for the county only with its subordinates.
func TestStatsSubordinates(t *testing.T) {
	f := ledgerFixture(t)
	f.mustImport("990121-GOV", "ledger_seed002.csv")
	f.mustImport("990121001-GOV", "ledger_bom.csv") // 城关镇人民政府: 2 cases
	gov := f.organ("990121-GOV").ID
	for _, c := range []struct {
		sub           bool
		received, acc int
	}{{false, 58, 50}, {true, 60, 51}} {
		st, err := f.svc.StatsForYear(f.ctx, gov, c.sub, 2025)
		if err != nil {
			t.Fatal(err)
		}
		if st.Received != c.received || st.Accepted != c.acc || st.Subordinates != c.sub {
			t.Errorf("sub=%v: received %d accepted %d, want %d %d", c.sub, st.Received, st.Accepted, c.received, c.acc)
		}
	}
	// The city sees its counties with subordinates, nothing of its own without.
	city := f.organ("990100-GOV").ID
	for _, c := range []struct {
		sub  bool
		want int
	}{{false, 0}, {true, 60}} {
		st, err := f.svc.StatsForYear(f.ctx, city, c.sub, 2025)
		if err != nil {
			t.Fatal(err)
		}
		if st.Received != c.want {
			t.Errorf("city sub=%v received %d, want %d", c.sub, st.Received, c.want)
		}
	}
	if _, err := f.svc.StatsForYear(f.ctx, gov, false, 1800); err == nil {
		t.Error("year 1800 accepted")
	}
	if _, err := f.svc.Stats(f.ctx, []string{gov}, date("2025-02-01"), date("2025-01-01")); err == nil {
		t.Error("reversed period accepted")
	}
}

// TestStatsChoices: the organs a user may pick follow the data scope.
func TestStatsChoices(t *testing.T) {
	f := ledgerFixture(t)
	for _, c := range []struct {
		user   string
		organs string
		sub    bool
	}{
		{"qs_fy", "青山县人民政府", false},                // 复议工作人员, own organ
		{"qs_ld", "青山县人民政府,城关镇人民政府,河口乡人民政府", true}, // 领导, own organ and below
		{"shi_ld", "示范市人民政府,青山县人民政府,城关镇人民政府,河口乡人民政府,绿水县人民政府,城关镇人民政府,河口乡人民政府", true},
		{"qs_gaj", "", false}, // 部门联络员: no stats.read
	} {
		organs, sub := f.svc.StatsChoices(f.login(c.user))
		var names []string
		for _, o := range organs {
			names = append(names, o.Name)
		}
		if got := strings.Join(names, ","); got != c.organs || sub != c.sub {
			t.Errorf("%s: %s sub=%v, want %s sub=%v", c.user, got, sub, c.organs, c.sub)
		}
	}
}

// testApp is the real router with this module's routes, and a way to act as a demo user.
type testApp struct {
	f   *fixture
	app *web.App
}

func newTestApp(f *fixture) *testApp {
	app := web.New(web.Deps{DB: f.svc.db, Auth: f.auth, Org: f.org, Calendar: f.svc.Calendar, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Version: "test"})
	NewModule(f.svc, nil).Register(app, api.NewRegistry())
	return &testApp{f: f, app: app}
}

// as signs a demo user in.
func (a *testApp) as(user string) *webtest.Client {
	return webtest.Login(a.f.t, a.app, a.f.auth, user)
}

func TestStatsPages(t *testing.T) {
	f := ledgerFixture(t)
	f.mustImport("990121-GOV", "ledger_stats.csv")
	a := newTestApp(f)
	fy := a.as("qs_fy")
	for _, c := range []struct {
		path   string
		status int
		want   []string
	}{
		{"/reconsider/stats?year=2025", 200, []string{"46.15%", "6 / 13", "92.31%", "<svg", "青山县公安局", "上期结转 + 本期受理 = 本期审结 + 未审结（2 + 14 = 13 + 3）", "export.xlsx?"}},
		{"/reconsider/stats?year=2023", 200, []string{"0.00%", "本期无数据"}},
		{"/reconsider/stats?organ=" + f.organ("990122-GOV").ID, 403, []string{"不在您的数据范围内"}},
		{"/reconsider/stats?year=abc", 422, []string{"统计年度无效"}},
	} {
		rec := fy.Get(c.path)
		body := rec.Body
		if rec.Code != c.status {
			t.Errorf("GET %s: %d, want %d", c.path, rec.Code, c.status)
		}
		for _, w := range c.want {
			if !strings.Contains(body, w) {
				t.Errorf("GET %s lacks %q", c.path, w)
			}
		}
	}
	// A leader sees the county with its townships, and no import.
	ld := a.as("qs_ld")
	if rec := ld.Get("/reconsider/stats?year=2025&sub=1"); rec.Code != 200 || !strings.Contains(rec.Body, "（含下级）") || !strings.Contains(rec.Body, "城关镇人民政府") {
		t.Errorf("leader with subordinates: %d", rec.Code)
	}
	if rec := ld.Get("/reconsider/import"); rec.Code != 403 {
		t.Errorf("leader import page: %d", rec.Code)
	}
	// XLSX export: the figures, audited.
	rec := fy.Get("/reconsider/stats/export.xlsx?year=2025")
	if rec.Code != 200 || !strings.Contains(rec.Header().Get("Content-Type"), "spreadsheetml") {
		t.Fatalf("export: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	header, rows, err := docgen.ReadTable(strings.NewReader(rec.Body), "s.xlsx")
	if err != nil || header[0] != "项目" || rows[0][0] != "收到申请" || rows[0][1] != "19" {
		t.Errorf("export sheet: %v %v %v", err, header, rows[:1])
	}
	if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND object_type = 'reconsider_stats'`); n != 1 {
		t.Errorf("%d export audit entries", n)
	}
}

func TestImportPages(t *testing.T) {
	f := ledgerFixture(t)
	a := newTestApp(f)
	fy := a.as("qs_fy")
	if rec := fy.Get("/reconsider/import/template.xlsx"); rec.Code != 200 || len(rec.Body) < 1000 {
		t.Fatalf("template: %d", rec.Code)
	}
	if rec := fy.Get("/reconsider/import"); rec.Code != 200 || !strings.Contains(rec.Body, "青山县人民政府") {
		t.Fatalf("form: %d", rec.Code)
	}
	upload := func(name string) webtest.Response {
		t.Helper()
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		return fy.Upload("/reconsider/import", url.Values{"organ": {f.organ("990121-GOV").ID}}, name, data)
	}
	rec := upload("ledger_bad.csv")
	if rec.Code != 422 || !strings.Contains(rec.Body, "第3行「受理日期」：日期格式应为 年-月-日，例如 2026-01-05") || !strings.Contains(rec.Body, "检查发现 18 处错误") {
		t.Errorf("bad ledger: %d", rec.Code)
	}
	rec = upload("ledger_seed002.csv")
	loc := rec.Header().Get("Location")
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/reconsider/import/jobs/") {
		t.Fatalf("good ledger: %d %q", rec.Code, loc)
	}
	if rec := fy.Get(loc); rec.Code != 200 || !strings.Contains(rec.Body, "确认导入 58 行") {
		t.Fatalf("preview: %d", rec.Code)
	}
	if rec := fy.Post(loc+"/commit", nil); rec.Code != http.StatusSeeOther {
		t.Fatalf("commit: %d %s", rec.Code, rec.Body)
	}
	var v struct {
		State       string
		Done, Total int
		Finished    bool
		Message     string
	}
	for i := 0; i < 500 && !v.Finished; i++ {
		rec = fy.Get(loc + "/progress")
		if err := json.Unmarshal([]byte(rec.Body), &v); err != nil {
			t.Fatalf("progress: %v %s", err, rec.Body)
		}
		if !v.Finished {
			time.Sleep(10 * time.Millisecond)
		}
	}
	if !v.Finished || v.State != "done" || !strings.HasPrefix(v.Message, "已导入 58 条记录：") || v.Done != 58 || v.Total != 58 {
		t.Fatalf("job: %+v", v)
	}
	if rec := fy.Get(loc); rec.Code != 200 || !strings.Contains(rec.Body, "已导入 58 条记录") {
		t.Errorf("job page: %d", rec.Code)
	}
	other := a.as("qs_fy2")
	if rec := other.Get(loc); rec.Code != 404 {
		t.Errorf("another user's job: %d", rec.Code)
	}
	if n := f.count(`SELECT COUNT(*) FROM reconsider_cases WHERE handler_name <> ''`); n != 58 {
		t.Errorf("%d cases with the importer as handler", n)
	}
}

// The annual report reads the module through module.Reporting.
var _ module.Reporting = (*Module)(nil)

// TestFiguresAgree: the Figures (page, XLSX, CLI text, annual report) carry exactly the numbers of
// Stats, every rate with its counts, every figure with formula, source and link; the page shows them.
func TestFiguresAgree(t *testing.T) {
	f := ledgerFixture(t)
	f.mustImport("990121-GOV", "ledger_stats.csv")
	gov := f.organ("990121-GOV")
	st, err := f.svc.StatsForYear(f.ctx, gov.ID, false, 2025)
	if err != nil {
		t.Fatal(err)
	}
	figs, err := NewModule(f.svc, nil).Figures(f.ctx, f.organ("990121-SFJ"), 2025) // a 司法局 stands for its government
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"received": st.Received, "accepted": st.Accepted, "not_accepted": st.NotAccepted, "other_handling": st.OtherHandling,
		"carried_over": st.CarriedOver, "concluded": st.Concluded, "pending": st.Pending}
	for _, o := range Outcomes {
		want["outcome_"+string(o)] = st.Outcomes[o]
	}
	rates := map[string][3]float64{
		"direct_correction_rate":        {float64(st.DirectCorrectionRate), float64(st.DirectCorrected), float64(st.Concluded)},
		"comprehensive_correction_rate": {float64(st.ComprehensiveCorrectionRate), float64(st.ComprehensiveCorrected), float64(st.Concluded)},
		"on_time_rate":                  {float64(st.OnTimeRate), float64(st.OnTime), float64(st.Concluded)},
	}
	if len(figs) != len(want)+len(rates) {
		t.Errorf("%d figures, want %d", len(figs), len(want)+len(rates))
	}
	link := "/reconsider/stats?organ=" + gov.ID + "&year=2025"
	for _, fg := range figs {
		if fg.Formula == "" || fg.Source == "" || fg.Link != link || fg.Label == "" {
			t.Errorf("%s: formula %q source %q link %q", fg.Key, fg.Formula, fg.Source, fg.Link)
		}
		if r, ok := rates[fg.Key]; ok {
			if !fg.IsRate || fg.Value != r[0] || float64(fg.Numerator) != r[1] || float64(fg.Denominator) != r[2] || fg.Denominator == 0 {
				t.Errorf("%s = %v (%d/%d), want %v", fg.Key, fg.Value, fg.Numerator, fg.Denominator, r)
			}
			continue
		}
		if n, ok := want[fg.Key]; !ok || fg.IsRate || fg.Value != float64(n) {
			t.Errorf("%s = %v, want %d (known %v)", fg.Key, fg.Value, n, ok)
		}
	}
	if x, _ := stats.Find(figs, "direct_correction_rate"); x.Text() != "46.15%（6/13）" {
		t.Errorf("direct correction %q", x.Text())
	}

	// The page shows each figure with its formula and source.
	a := newTestApp(f)
	fy := a.as("qs_fy")
	body := html.UnescapeString(fy.Get("/reconsider/stats?year=2025").Body)
	for _, fg := range figs {
		for _, w := range []string{fg.Formula, fg.Source} {
			if !strings.Contains(body, w) {
				t.Errorf("page lacks %s of %s", w, fg.Key)
			}
		}
	}
}

// TestStatsMemoFollowsWrites: figures cached per organ are reused while nothing changes and
// recomputed after a case of the organ is written, by this instance or by another one that shares
// the database (stats.Touch moves the organ's count in the case's own transaction).
func TestStatsMemoFollowsWrites(t *testing.T) {
	f := newFixture(t)
	other := New(f.svc.db, f.org, f.auth, f.svc.cal, f.svc.cipher)
	other.SetClock(f.svc.now)
	p := f.login("qs_fy")
	gov := f.organ("990121-GOV")
	key := gov.ID + "|2025-01-01|2025-12-31"
	year := func() Stats {
		t.Helper()
		st, err := f.svc.StatsForYear(f.ctx, gov.ID, false, 2025)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	version := func() int64 {
		t.Helper()
		v, err := stats.Versions(f.ctx, f.svc.db, statsModule, []string{gov.ID})
		if err != nil {
			t.Fatal(err)
		}
		return v[gov.ID]
	}
	f.register(p, "2025-03-03", 0, "行政处罚")
	first := year()
	if _, ok := f.svc.statsMemo.Get(key, version()); !ok || first.Received != 1 {
		t.Fatalf("first figures not kept (received %d)", first.Received)
	}
	(&fixture{t: t, ctx: f.ctx, svc: other, org: f.org, auth: f.auth}).register(p, "2025-04-01", 0, "行政处罚")
	if got := year().Received; got != 2 {
		t.Errorf("after another instance registered a case: received %d, want 2", got)
	}
	c := f.register(p, "2025-05-06", 0, "行政处罚")
	if got := year().Received; got != 3 {
		t.Errorf("after this instance registered a case: received %d, want 3", got)
	}
	if _, err := other.Accept(f.ctx, p, c.ID, AcceptInput{Step: Step{On: date("2025-05-08")}, Procedure: Ordinary}); err != nil {
		t.Fatal(err)
	}
	if st := year(); st.Accepted != 1 || st.Received != 3 {
		t.Errorf("after another instance accepted a case: accepted %d, received %d; want 1, 3", st.Accepted, st.Received)
	}
}
