package reconsider

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/docgen"
	"github.com/fazhi/fazhi/internal/ledger"
)

func (f *fixture) count(q string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.svc.db.QueryRowContext(f.ctx, q, args...).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// TestImportBadLedger: one bad ledger imports nothing and names every bad cell by row and column.
func TestImportBadLedger(t *testing.T) {
	f := ledgerFixture(t)
	_, err := f.importFile("990121-GOV", "ledger_bad.csv")
	var le *LedgerError
	if !errors.As(err, &le) {
		t.Fatalf("err = %v, want *LedgerError", err)
	}
	var got []string
	for _, e := range le.Errors {
		got = append(got, e.String())
	}
	acts := strings.Join(ActTypes, "、")
	fields := strings.Join(Fields, "、")
	outcomes := "维持、撤销、部分撤销、变更、确认违法、确认无效、责令履行、驳回复议请求、驳回申请、调解、终止、责令承担协议责任、责令给予补偿"
	want := []string{
		"第3行「受理日期」：日期格式应为 年-月-日，例如 2026-01-05",
		"第4行「受理日期」：受理日期不能早于收件日期（2025-03-10）",
		"第5行「结案日期」：结案日期不能早于受理日期（2025-03-12）",
		"第6行「结案方式」：结案方式只适用于已受理的案件",
		"第7行「终止原因」：结案方式为终止的，须填写终止原因，可填：申请人撤回、和解撤回、被申请人纠正后撤回、被申请人改变行为后撤回、申请人死亡、申请人终止、刑事强制措施、中止满六十日",
		"第8行「延期」：简易程序案件不能延长审理期限（第六十二条第二款）",
		"第9行「行政行为类别」：「行政命令」不是可用的类别，可填：" + acts,
		"第9行「领域」：「税务」不是可用的领域，可填：" + fields,
		"第10行「申请人」：不能为空",
		"第10行「审查结果」：应为 受理、不予受理、告知、转送、补正 之一",
		"第12行「收件日期」：日期不能晚于今天（2026-03-31）", // line 11 of the file is empty
		"第12行「结案日期」：日期不能晚于今天（2026-03-31）",
		"第13行「受理日期」：审查结果为受理的，须填写受理日期",
		"第14行「延期」：应为 是 或 否",
		"第15行「结案方式」：「撤诉」不是可用的结案方式，可填：" + outcomes,
		"第16行「结案日期」：补正中的申请尚未办结，不应填写结案日期",
		"第17行「申请人类型」：应为 自然人、法人、其他组织 之一",
		"第18行「结案方式」：「驳回」含义不明：申请人认为被申请人不履行法定职责、被申请人没有相应职责或者已经履行的，填“驳回复议请求”（第六十九条）；受理后发现不符合受理条件的，填“驳回申请”（第三十三条）。可填：" + outcomes,
	}
	if !slices.Equal(got, want) {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if !strings.Contains(err.Error(), "18 处错误") {
		t.Errorf("summary = %q", err.Error())
	}
	for table, q := range map[string]string{
		"cases":    `SELECT COUNT(*) FROM reconsider_cases`,
		"events":   `SELECT COUNT(*) FROM case_events WHERE owner_type = 'reconsider_case'`,
		"counters": `SELECT COUNT(*) FROM counters WHERE kind LIKE 'reconsider.%'`,
		"audit":    `SELECT COUNT(*) FROM audit_log WHERE action = 'reconsider.import'`,
	} {
		if n := f.count(q); n != 0 {
			t.Errorf("%s: %d rows after a rejected import", table, n)
		}
	}
}

// TestImportLedgerFacts: states, events, numbers, deadlines and the frozen decision due date of imported cases.
func TestImportLedgerFacts(t *testing.T) {
	f := ledgerFixture(t)
	res := f.mustImport("990121-GOV", "ledger_stats.csv")
	if res.Rows != 25 || res.Organ != "青山县人民政府" {
		t.Fatalf("result = %+v", res)
	}
	wantStates := map[State]int{StateConcluded: 15, StateInReview: 4, StateNotAccepted: 3, StateOther: 2, StateAmending: 1}
	for s, n := range wantStates {
		if res.ByState[s] != n {
			t.Errorf("by state %s = %d, want %d", s, res.ByState[s], n)
		}
	}
	if !slices.Equal(res.Ignored, []string{"序号"}) {
		t.Errorf("ignored = %v", res.Ignored)
	}
	qs := f.login("qs_fy")
	byApplicant := func(name string) *Detail {
		t.Helper()
		var id string
		if err := f.svc.db.QueryRowContext(f.ctx, `SELECT id FROM reconsider_cases WHERE applicant_name = ?`, name).Scan(&id); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		d, err := f.svc.Detail(f.ctx, qs, id)
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	actions := func(d *Detail) string {
		var a []string
		for _, e := range d.Events {
			a = append(a, e.Action+"@"+e.On.String())
		}
		return strings.Join(a, " ")
	}
	for _, c := range []struct {
		applicant string
		state     State
		events    string
		check     func(c *Case) []figure
	}{
		// 60 days from 01-08 = 03-09, a Sunday → 03-10; the 30 days' extension runs from there (Art. 62): 04-09.
		{"王五", StateConcluded, "register@2025-01-06 accept@2025-01-08 extend@2025-03-10 decide@2025-03-31", func(c *Case) []figure {
			return []figure{{"decision_due", c.DecisionDue.String(), "2025-04-09"}, {"extension", c.Extension, 30}, {"outcome", c.Outcome, Uphold},
				{"imported", c.Imported, true}, {"respondent_id", c.RespondentID, f.organ("990121-GAJ").ID}, {"next_due", c.Due.Next.String(), ""}}
		}},
		{"王七", StateConcluded, "register@2025-02-10 accept@2025-02-12 decide@2025-03-10", func(c *Case) []figure {
			return []figure{{"decision_due", c.DecisionDue.String(), "2025-03-14"}, {"procedure", c.Procedure, Simplified}, {"outcome", c.Outcome, Vary}}
		}},
		{"某某食品有限公司", StateConcluded, "register@2025-03-03 accept@2025-03-05 terminate@2025-04-10", func(c *Case) []figure {
			return []figure{{"settled", c.Settled, true}, {"corrected", c.Corrected, true}, {"reason", c.CloseReason, TerminateGrounds[0]},
				{"kind", c.ApplicantKind, LegalPerson}}
		}},
		{"王八", StateConcluded, "register@2025-02-17 accept@2025-02-18 mediate@2025-03-20", func(c *Case) []figure {
			return []figure{{"outcome", c.Outcome, Mediation}, {"corrected", c.Corrected, true}}
		}},
		{"李三", StateConcluded, "register@2025-05-06 accept@2025-05-08 decide@2025-06-30", func(c *Case) []figure {
			return []figure{{"respondent", c.Respondent, "青山县公安局"}, {"respondent_id", c.RespondentID, f.organ("990121-GAJ").ID}}
		}},
		{"李六", StateNotAccepted, "register@2025-06-09 reject@2025-06-12", func(c *Case) []figure {
			return []figure{{"closed", c.ClosedOn.String(), "2025-06-12"}, {"number", c.Number, ""}}
		}},
		{"李七", StateOther, "register@2025-07-07 inform@2025-07-09", func(c *Case) []figure {
			return []figure{{"respondent_id", c.RespondentID, ""}, {"field", c.Field, "其他"}}
		}},
		{"李九", StateAmending, "register@2025-09-01 request_amendment@2025-09-01", func(c *Case) []figure {
			return []figure{{"due_amend", c.Due.Amend.String(), "2025-09-15"}, {"next_rule", c.Due.NextRule, RuleAmend.Code}}
		}},
		{"赵二", StateInReview, "register@2025-12-29 accept@2026-01-05", func(c *Case) []figure {
			return []figure{{"due_decision", c.Due.Decision.String(), "2026-03-06"}, {"due_copy", c.Due.Copy.String(), "2026-01-14"},
				{"number", strings.HasPrefix(c.Number, "青政复〔2026〕"), true}, {"receipt", strings.HasPrefix(c.ReceiptNo, "990121-2025-"), true}}
		}},
	} {
		d := byApplicant(c.applicant)
		if d.Case.State != c.state {
			t.Errorf("%s: state %s, want %s", c.applicant, d.Case.State, c.state)
		}
		if got := actions(d); got != c.events {
			t.Errorf("%s: events %s, want %s", c.applicant, got, c.events)
		}
		checkFigures(t, c.applicant, c.check(d.Case))
	}
	// Numbers: receipts 1…n per year in receipt order, case numbers per acceptance year.
	if n := f.count(`SELECT COUNT(DISTINCT receipt_no) FROM reconsider_cases`); n != 25 {
		t.Errorf("%d distinct receipt numbers", n)
	}
	var first string
	f.svc.db.QueryRowContext(f.ctx, `SELECT receipt_no FROM reconsider_cases WHERE applicant_name = '王一'`).Scan(&first)
	if first != "990121-2024-00001" {
		t.Errorf("first receipt = %s", first)
	}
	var counter int
	f.svc.db.QueryRowContext(f.ctx, `SELECT value FROM counters WHERE organ_id = ? AND kind = 'reconsider.case' AND year = 2025`, f.organ("990121-GOV").ID).Scan(&counter)
	if counter != 14 {
		t.Errorf("case counter 2025 = %d, want 14", counter)
	}
	if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'reconsider.import'`); n != 1 {
		t.Errorf("%d audit entries, want one for the whole import", n)
	}
	// Registering a new application continues the counter.
	c := f.register(qs, "2025-06-30", 100, "行政处罚")
	if c.ReceiptNo != "990121-2025-00020" {
		t.Errorf("next receipt = %s", c.ReceiptNo)
	}
}

// TestImportBOMAndXLSX: a CSV with BOM and CRLF, and an XLSX with a title row, an empty row,
// shuffled and extra columns, Excel date cells and text dates.
func TestImportBOMAndXLSX(t *testing.T) {
	f := ledgerFixture(t)
	res := f.mustImport("990122-SFJ", "ledger_bom.csv") // 绿水县司法局 imports for its government
	if res.Rows != 2 || res.ByState[StateConcluded] != 1 || res.ByState[StateNotAccepted] != 1 {
		t.Errorf("bom: %+v", res)
	}
	if n := f.count(`SELECT COUNT(*) FROM reconsider_cases WHERE applicant_name = '某某贸易有限公司，第二分公司' AND applicant_kind = 'legal'`); n != 1 {
		t.Error("quoted applicant with a comma not imported")
	}

	res = f.mustImport("990121-GOV", "ledger.xlsx")
	if res.Rows != 4 || !slices.Equal(res.Ignored, []string{"序号", "备注"}) {
		t.Fatalf("xlsx: %+v", res)
	}
	for _, c := range []struct {
		applicant, received, accepted, closed, due, respondent string
		state                                                  State
	}{
		{"张三", "2025-03-03", "2025-03-05", "2025-04-20", "2025-05-06", "青山县公安局", StateConcluded},           // Excel date cells
		{"某某贸易有限公司", "2025-03-10", "2025-03-11", "2025-04-01", "2025-04-10", "青山县市场监督管理局", StateConcluded}, // text dates; 简易
		{"李四", "2025-03-17", "", "2025-03-19", "", "青山县人力资源和社会保障局", StateNotAccepted},
		{"王五", "2025-03-24", "2025-03-25", "", "", "青山县公安局", StateInReview},
	} {
		var received, accepted, closed, due, respondent string
		var state State
		err := f.svc.db.QueryRowContext(f.ctx, `SELECT received_on, accepted_on, closed_on, decision_due, respondent, state FROM reconsider_cases WHERE applicant_name = ? AND received_on >= '2025-03-03' AND imported = 1 AND organ_id = ? ORDER BY received_on DESC LIMIT 1`,
			c.applicant, f.organ("990121-GOV").ID).Scan(&received, &accepted, &closed, &due, &respondent, &state)
		if err != nil {
			t.Fatalf("%s: %v", c.applicant, err)
		}
		got := []string{received, accepted, closed, due, respondent, string(state)}
		want := []string{c.received, c.accepted, c.closed, c.due, c.respondent, string(c.state)}
		if !slices.Equal(got, want) {
			t.Errorf("%s: %v, want %v", c.applicant, got, want)
		}
	}
	// The open extended case: 60 days from 2025-03-25 = 05-24, a Saturday → 05-26; + 30 days = 06-25 (Art. 62:
	// the extension runs from the end of the original period, not 03-25 + 90 = 06-23).
	var dueDecision string
	f.svc.db.QueryRowContext(f.ctx, `SELECT due_decision FROM reconsider_cases WHERE applicant_name = '王五' AND extension_days = 30`).Scan(&dueDecision)
	if dueDecision != "2025-06-25" {
		t.Errorf("extended open case due %s, want 2025-06-25", dueDecision)
	}
}

// TestImportTwice: the same ledger cannot be imported twice.
func TestImportTwice(t *testing.T) {
	f := ledgerFixture(t)
	f.mustImport("990121-GOV", "ledger_bom.csv")
	_, err := f.importFile("990121-GOV", "ledger_bom.csv")
	errs := LedgerErrors(err)
	if len(errs) != 2 || errs[0].Row != 2 || errs[1].Row != 3 || !strings.Contains(errs[0].Message, "重复") {
		t.Errorf("errors = %v", errs)
	}
	if n := f.count(`SELECT COUNT(*) FROM reconsider_cases`); n != 2 {
		t.Errorf("%d cases", n)
	}
}

// TestImportRollback: a failure while writing leaves nothing behind.
func TestImportRollback(t *testing.T) {
	f := ledgerFixture(t)
	data, err := os.ReadFile("testdata/ledger_seed002.csv")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(f.ctx)
	defer cancel()
	calls := 0
	_, err = f.svc.Import(ctx, nil, f.organ("990121-GOV").ID, "ledger_seed002.csv", bytes.NewReader(data), func(done, total int) {
		calls++
		if done != total || total != 58 {
			t.Errorf("progress %d/%d", done, total)
		}
		cancel() // the audit entry after the last batch then fails
	})
	if err == nil || calls != 1 {
		t.Fatalf("err = %v, progress calls %d", err, calls)
	}
	if n := f.count(`SELECT COUNT(*) FROM reconsider_cases`) + f.count(`SELECT COUNT(*) FROM case_events WHERE owner_type = 'reconsider_case'`) + f.count(`SELECT COUNT(*) FROM counters WHERE kind LIKE 'reconsider.%'`); n != 0 {
		t.Errorf("%d rows left after a failed import", n)
	}
}

// TestImportPermissions: who may import for which organ.
func TestImportPermissions(t *testing.T) {
	f := ledgerFixture(t)
	data, _ := os.ReadFile("testdata/ledger_bom.csv")
	for _, c := range []struct {
		user, organ string
		ok          bool
	}{
		{"qs_fy", "990121-GOV", true},
		{"qs_fy", "990122-GOV", false}, // another county
		{"qs_ld", "990121-GOV", false}, // 领导: no reconsider.import
		{"ls_fy", "990122-SFJ", true},  // 绿水县, through its 司法局
	} {
		_, err := f.svc.Import(f.ctx, f.login(c.user), f.organ(c.organ).ID, "l.csv", bytes.NewReader(data), nil)
		if c.ok && err != nil {
			t.Errorf("%s → %s: %v", c.user, c.organ, err)
		}
		if !c.ok && !errors.Is(err, db.ErrForbidden) {
			t.Errorf("%s → %s: err = %v, want forbidden", c.user, c.organ, err)
		}
	}
	// The web import makes the importing staff member the handler of the open cases.
	if n := f.count(`SELECT COUNT(*) FROM reconsider_cases WHERE handler_name <> ''`); n != 4 {
		t.Errorf("%d cases with a handler, want 4", n)
	}
}

// TestLedgerTemplate: the template reads back with every column, and its example rows pass the checks.
func TestLedgerTemplate(t *testing.T) {
	f := ledgerFixture(t)
	body, err := LedgerTemplate()
	if err != nil {
		t.Fatal(err)
	}
	header, rows, err := docgen.ReadTable(bytes.NewReader(body), "template.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(header, LedgerHeaders) || len(rows) != 3 {
		t.Fatalf("header %v, %d rows", header, len(rows))
	}
	res, err := f.svc.Import(f.ctx, nil, f.organ("990121-GOV").ID, "模板.xlsx", bytes.NewReader(body), nil)
	if err != nil {
		t.Fatalf("example rows: %v %v", err, LedgerErrors(err))
	}
	if res.Rows != 3 {
		t.Errorf("rows = %d", res.Rows)
	}
}

func TestLedgerFileErrors(t *testing.T) {
	f := ledgerFixture(t)
	for _, c := range []struct {
		name, body, want string
	}{
		{"a.csv", "收件日期,申请人\n2025-01-01,张三\n", "缺少必需的列「申请人类型」"},
		{"a.csv", "收件日期,申请人,申请人类型,被申请人,行政行为类别,审查结果\n", "台账中没有数据行"},
		{"a.xls", "x", "不支持旧版 Excel"},
		{"a.csv", "\xff\xfe收件日期", "不是 UTF-8 编码"},
	} {
		_, err := f.svc.Import(f.ctx, nil, f.organ("990121-GOV").ID, c.name, strings.NewReader(c.body), nil)
		msg := ""
		for _, e := range LedgerErrors(err) {
			msg += e.String() + "\n"
		}
		if err == nil || !strings.Contains(msg, c.want) {
			t.Errorf("%s %q: err = %v, want %s", c.name, c.body, err, c.want)
		}
	}
}

// TestParseLedgerDate: the ledger's date cells, read by the ledger framework (Excel's date cells
// arrive as text year first, or as serial numbers).
func TestParseLedgerDate(t *testing.T) {
	for _, c := range []struct {
		in, want string
	}{
		{"2025-03-05", "2025-03-05"}, {"2025-3-5", "2025-03-05"}, {"2025/3/5", "2025-03-05"}, {"2025年3月5日", "2025-03-05"},
		{"2025-03-05 00:00:00", "2025-03-05"}, {"2025.03.05", "2025-03-05"}, {"45721", "2025-03-05"}, {"20250305", "2025-03-05"},
		{"5/3/2025", ""}, {"03-05-25", ""}, {"2025-02-30", ""}, {"2025-13-01", ""}, {"昨天", ""},
	} {
		d, err := ledger.ParseDate(c.in)
		if got := d.String(); got != c.want || (err == nil) != (c.want != "") {
			t.Errorf("ParseDate(%q) = %s %v, want %s", c.in, got, err, c.want)
		}
	}
}

func TestFlagsFirst(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"a.xlsx --organ X", "--organ X a.xlsx"},
		{"--data /d a.xlsx --organ=X", "--data /d --organ=X a.xlsx"},
		{"a.csv -- --weird.csv", "a.csv --weird.csv"},
		{"", ""},
	} {
		if got := strings.Join(FlagsFirst(strings.Fields(c.in)), " "); got != c.want {
			t.Errorf("FlagsFirst(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestCLIImport(t *testing.T) {
	f := ledgerFixture(t)
	var out bytes.Buffer
	err := CLIImport(f.ctx, f.svc, ImportArgs{Organ: "990121-GOV"}, []string{filepath.Join("testdata", "ledger_bad.csv")}, &out)
	if err == nil || !strings.Contains(out.String(), "第3行「受理日期」：日期格式应为 年-月-日，例如 2026-01-05\n") || strings.Count(out.String(), "\n") != 18 {
		t.Errorf("bad ledger: err %v, output:\n%s", err, out.String())
	}
	out.Reset()
	if err := CLIImport(f.ctx, f.svc, ImportArgs{Organ: "990121-GOV"}, []string{filepath.Join("testdata", "ledger_stats.csv")}, &out); err != nil {
		t.Fatal(err)
	}
	if want := "已为青山县人民政府导入 25 条记录：补正中 1，审理中 4，已审结 15，不予受理 3，其他处理 2\n以下列不是台账列，未导入：序号\n"; out.String() != want {
		t.Errorf("output %q, want %q", out.String(), want)
	}
	var username string
	f.svc.db.QueryRowContext(f.ctx, `SELECT username FROM audit_log WHERE action = 'reconsider.import'`).Scan(&username)
	if username != "cli" {
		t.Errorf("audit username %q", username)
	}
	for _, c := range []struct {
		a     ImportArgs
		files []string
	}{{ImportArgs{}, []string{"x.csv"}}, {ImportArgs{Organ: "NOPE"}, []string{"x.csv"}}, {ImportArgs{Organ: "990121-GOV"}, nil}, {ImportArgs{Organ: "990121-GOV"}, []string{"missing.csv"}}} {
		if err := CLIImport(f.ctx, f.svc, c.a, c.files, &out); err == nil {
			t.Errorf("CLIImport(%+v, %v) succeeded", c.a, c.files)
		}
	}
}
