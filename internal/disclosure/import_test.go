package disclosure

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/secure"
)

type fixture struct {
	t    *testing.T
	ctx  context.Context
	svc  *Service
	org  *org.Service
	auth *auth.Service
	db   *db.DB
}

// newFixture is the demo county (no module data) with the module's tables, on 2026-03-31.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	d := dbtest.Open(t)
	if _, err := d.Migrate(ctx, Migrations); err != nil {
		t.Fatal(err)
	}
	o := org.New(d)
	if err := o.Load(ctx); err != nil {
		t.Fatal(err)
	}
	auth.SetTestingCost()
	a := auth.New(d, o, auth.DefaultSettings())
	if _, err := demo.Load(ctx, d, o, a, "county", nil); err != nil {
		t.Fatal(err)
	}
	cipher, err := secure.NewFieldCipher(make([]byte, 16))
	if err != nil {
		t.Fatal(err)
	}
	cal := calendar.Default()
	s := New(d, o, func() *calendar.Calendar { return cal }, cipher)
	s.SetClock(func() time.Time { return time.Date(2026, 3, 31, 10, 0, 0, 0, calendar.Shanghai()) })
	return &fixture{t: t, ctx: ctx, svc: s, org: o, auth: a, db: d}
}

func (f *fixture) count(q string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRowContext(f.ctx, q, args...).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

const organCode = "990121-ZRJ"

func (f *fixture) stats(year int) (map[string]any, *Stats) {
	f.t.Helper()
	var out bytes.Buffer
	if err := CLIStats(f.ctx, f.svc, StatsArgs{Organ: organCode, Year: year, Format: "json"}, &out); err != nil {
		f.t.Fatalf("stats %d: %v", year, err)
	}
	var m map[string]any
	if err := json.Unmarshal(out.Bytes(), &m); err != nil {
		f.t.Fatal(err)
	}
	var st Stats
	if err := json.Unmarshal(out.Bytes(), &st); err != nil {
		f.t.Fatal(err)
	}
	return m, &st
}

func keys(m map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// TestLedgerStatsHandCounted imports a ledger and compares every figure with the hand count
// written beside the rows (testdata/ledger_2025.csv).
func TestLedgerStatsHandCounted(t *testing.T) {
	f := newFixture(t)
	var out bytes.Buffer
	if err := CLIImport(f.ctx, f.svc, ImportArgs{Organ: organCode}, []string{filepath.Join("testdata", "ledger_2025.csv")}, &out); err != nil {
		t.Fatalf("import: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "导入 26 件申请") {
		t.Errorf("import message: %s", out.String())
	}
	m, st := f.stats(2025)

	// exactly the keys of issue 14 item 8
	if got := keys(m); !slices.Equal(got, []string{"answered", "carried_forward", "carried_over", "late", "on_time", "on_time_rate", "received", "table3", "table4"}) {
		t.Errorf("top-level keys %v", got)
	}
	t3 := m["table3"].(map[string]any)
	wantRows := []string{"new", "carried_over", "disclose", "partial", "withhold_state_secret", "withhold_law", "withhold_security", "withhold_third_party",
		"withhold_internal", "withhold_process", "withhold_enforcement_file", "withhold_query", "unable_not_held", "unable_create", "unable_unclear",
		"no_action_petition", "no_action_repeat", "no_action_publication", "no_action_mass", "no_action_confirm", "other_no_amendment", "other_no_fee",
		"other", "total", "carried_forward"}
	sorted := slices.Clone(wantRows)
	sort.Strings(sorted)
	if got := keys(t3); !slices.Equal(got, sorted) {
		t.Errorf("table3 rows %v", got)
	}
	for _, row := range wantRows {
		if got := keys(t3[row].(map[string]any)); !slices.Equal(got, []string{"business", "legal_service", "natural_person", "other_org", "public_interest", "research", "total"}) {
			t.Errorf("table3.%s columns %v", row, got)
		}
	}
	t4 := m["table4"].(map[string]any)
	if got := keys(t4); !slices.Equal(got, []string{"litigation_after_reconsideration", "litigation_direct", "reconsideration"}) {
		t.Errorf("table4 keys %v", got)
	}
	if got := keys(t4["reconsideration"].(map[string]any)); !slices.Equal(got, []string{"corrected", "other", "pending", "total", "upheld"}) {
		t.Errorf("table4 block keys %v", got)
	}

	// hand counts (see the comment in the test data's design: rows 1–15 and the 11 other reply types)
	if st.Received != 23 || st.CarriedOver != 2 || st.Answered != 22 || st.CarriedForward != 3 || st.OnTime != 20 || st.Late != 2 || st.OnTimeRate != 90.91 {
		t.Errorf("figures %+v", *st)
	}
	t3s := st.Table3
	check := func(name string, got Cells, want [7]int) {
		t.Helper()
		if [7]int(got.Columns()) != want {
			t.Errorf("%s = %v, want %v", name, got.Columns(), want)
		}
	}
	check("new", t3s.New, [7]int{17, 1, 2, 1, 1, 1, 23})
	check("carried_over", t3s.CarriedOver, [7]int{1, 1, 0, 0, 0, 0, 2})
	check("total", t3s.Total, [7]int{17, 1, 1, 1, 1, 1, 22})
	check("carried_forward", t3s.CarriedForward, [7]int{1, 1, 1, 0, 0, 0, 3})
	check("disclose", t3s.Disclose, [7]int{2, 0, 0, 0, 0, 0, 2})
	check("partial", t3s.Partial, [7]int{0, 0, 1, 0, 0, 0, 1})
	check("withhold_state_secret", t3s.WithholdStateSecret, [7]int{0, 0, 0, 1, 0, 0, 1})
	check("withhold_third_party", t3s.WithholdThirdParty, [7]int{1, 0, 0, 0, 0, 0, 1})
	check("unable_create", t3s.UnableCreate, [7]int{0, 0, 0, 0, 1, 0, 1})
	check("unable_unclear", t3s.UnableUnclear, [7]int{0, 0, 0, 0, 0, 1, 1})
	check("other_no_amendment", t3s.OtherNoAmendment, [7]int{1, 0, 0, 0, 0, 0, 1})
	check("other_no_fee", t3s.OtherNoFee, [7]int{0, 1, 0, 0, 0, 0, 1})
	check("no_action_repeat", t3s.NoActionRepeat, [7]int{1, 0, 0, 0, 0, 0, 1})
	check("other", t3s.Other, [7]int{1, 0, 0, 0, 0, 0, 1})
	for _, r := range []ReplyType{"withhold_law", "withhold_security", "withhold_internal", "withhold_process", "withhold_enforcement_file", "withhold_query",
		"unable_not_held", "no_action_petition", "no_action_publication", "no_action_mass", "no_action_confirm"} {
		check(string(r), *t3s.Row(r), [7]int{1, 0, 0, 0, 0, 0, 1})
	}
	if st.Table4.Reconsideration != (Block{Upheld: 1, Corrected: 1, Total: 2}) || st.Table4.LitigationDirect != (Block{Upheld: 1, Total: 1}) ||
		st.Table4.LitigationAfterReconsideration != (Block{Pending: 1, Total: 1}) {
		t.Errorf("table4 %+v", st.Table4)
	}

	// 2024: rows 1 and 2 carried forward (row 3 answered in 2024) — the 上年结转 of 2025.
	_, prev := f.stats(2024)
	if prev.Received != 3 || prev.Answered != 1 || prev.CarriedForward != 2 || prev.Table3.CarriedForward != st.Table3.CarriedOver {
		t.Errorf("2024: %+v", *prev)
	}
	// 2026: 2025's three carried forward; 辰's answered in January, 乙's and 卯's still open.
	_, next := f.stats(2026)
	if next.CarriedOver != 3 || next.Answered != 1 || next.CarriedForward != 2 || next.Table3.CarriedOver != st.Table3.CarriedForward {
		t.Errorf("2026: %+v", *next)
	}
	if err := st.Check(prev); err != nil {
		t.Error(err)
	}
	// a broken table is caught by every check that it breaks
	bad := *st
	bad.Table3.Disclose.NaturalPerson++
	if err := bad.Check(prev); err == nil || !strings.Contains(err.Error(), "勾稽关系二") || !strings.Contains(err.Error(), "勾稽关系三") {
		t.Errorf("broken table: %v", err)
	}
	bad = *st
	bad.Table3.CarriedOver.Total++
	bad.Table3.CarriedOver.Business++
	if err := bad.Check(prev); err == nil || !strings.Contains(err.Error(), "勾稽关系一") || !strings.Contains(err.Error(), "勾稽关系四") {
		t.Errorf("broken carry-over: %v", err)
	}

	// importing the same ledger again is refused row by row, and nothing is added
	out.Reset()
	if err := CLIImport(f.ctx, f.svc, ImportArgs{Organ: organCode}, []string{filepath.Join("testdata", "ledger_2025.csv")}, &out); err == nil {
		t.Error("second import accepted")
	}
	if n := f.count(`SELECT COUNT(*) FROM disclosure_requests`); n != 26 {
		t.Errorf("%d requests after the refused re-import", n)
	}
}

// TestLedgerBadImportsNothing: every bad cell is named in Chinese and nothing is written.
func TestLedgerBadImportsNothing(t *testing.T) {
	f := newFixture(t)
	var out bytes.Buffer
	err := CLIImport(f.ctx, f.svc, ImportArgs{Organ: organCode}, []string{filepath.Join("testdata", "ledger_bad.csv")}, &out)
	if err == nil {
		t.Fatal("bad ledger accepted")
	}
	got := strings.Split(strings.TrimSpace(out.String()), "\n")
	want := []string{
		"第3行「收到日期」：日期格式应为 年-月-日，例如 2026-01-05",
		"第4行「申请人类型」：应为 自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他 之一",
		"第5行「答复日期」：答复日期不能早于收到日期（2025-01-20）",
		"第5行「答复类型」：「不予公开-机密」不是年报表三的办理结果；应为大项与小项以“-”连接，如 不予公开-属于国家秘密、无法提供-没有现成信息需要另行制作、其他处理-逾期不补正；予以公开、部分公开单独填写",
		"第6行「申请人」：不能为空",
		"第6行「补正通知日期」：补正通知日期不能早于收到日期（2025-01-20）",
		"第6行「延期」：应为 是 或 否",
		"第6行「征求意见天数」：应为0至250之间的整数（不计入答复期限的工作日数）",
		"第7行「答复类型」：填写了答复日期的，须填写答复类型",
		"第7行「诉讼」：复议后起诉的，复议应已审结（维持、纠正或其他）",
		"第8行「答复日期」：填写了答复类型的，须填写答复日期",
		"第8行「复议」：应为 无、维持、纠正、其他、未审结 之一",
		"第8行「诉讼」：「起诉」应为 无，或 直接起诉-维持/纠正/其他/未审结，或 复议后起诉-维持/纠正/其他/未审结",
		"第9行「补正收到日期」：已通知补正的申请答复前须收到补正；未补正的，答复类型应为 其他处理-逾期不补正",
		"第10行「收到日期」：日期不能晚于今天（2026-03-31）",
		"第10行「复议」：尚未答复的申请不应填写复议或诉讼结果（表四按答复年度统计）",
	}
	if !slices.Equal(got, want) {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(err.Error(), "未导入任何记录") {
		t.Errorf("err = %v", err)
	}
	for what, q := range map[string]string{
		"requests": `SELECT COUNT(*) FROM disclosure_requests`,
		"events":   `SELECT COUNT(*) FROM case_events WHERE owner_type = 'disclosure_request'`,
		"counters": `SELECT COUNT(*) FROM counters WHERE kind LIKE 'disclosure.%'`,
		"audit":    `SELECT COUNT(*) FROM audit_log WHERE action = 'disclosure.import'`,
	} {
		if n := f.count(q); n != 0 {
			t.Errorf("%s: %d rows after a rejected import", what, n)
		}
	}
}
