package enforce

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/fault"
)

func TestCertificateLifecycle(t *testing.T) {
	f := newFixture(t)
	p := f.login("qs_sc") // 青山县司法局 reviewer: manages the county's bodies
	b := f.body(p, "990121-SJJ", "青山县市场监督管理局", "市场监管")
	o, err := f.m.CreateOfficer(f.ctx, p, OfficerInput{BodyID: b.ID, Name: "王伟", Post: "执法岗"})
	if err != nil {
		t.Fatal(err)
	}
	// A failed exam: no certificate.
	failed, err := f.m.Apply(f.ctx, p, ApplyInput{Step: casework.Step{OnText: "2025-01-10"}, OfficerID: o.ID, TrainingHours: 40, ExamScore: 50})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Issue(f.ctx, p, failed.ID, IssueInput{Step: casework.Step{OnText: "2025-01-20"}, Number: "N1", ValidText: "2029-01-19"}); !errors.Is(err, fault.Conflict) {
		t.Fatalf("issued after a failed exam: %v", err)
	}
	c, err := f.m.Apply(f.ctx, p, ApplyInput{Step: casework.Step{OnText: "2025-02-10"}, OfficerID: o.ID, TrainingHours: 60, ExamScore: 88, ExamPassed: true})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Issue(f.ctx, p, c.ID, IssueInput{Step: casework.Step{OnText: "2025-03-01"}, Number: "QS-001", ValidText: "2025-02-01"}); err == nil {
		t.Fatal("validity before the issue day accepted")
	}
	if c, err = f.m.Issue(f.ctx, p, c.ID, IssueInput{Step: casework.Step{OnText: "2025-03-01"}, Number: "QS-001", ValidText: "2025-08-31"}); err != nil {
		t.Fatal(err)
	}
	// A second officer cannot get the same number while it is live.
	o2, _ := f.m.CreateOfficer(f.ctx, p, OfficerInput{BodyID: b.ID, Name: "李娜"})
	c2, _ := f.m.Apply(f.ctx, p, ApplyInput{OfficerID: o2.ID, ExamPassed: true, ExamScore: 90})
	if _, err := f.m.Issue(f.ctx, p, c2.ID, IssueInput{Number: "QS-001", ValidText: "2029-12-31"}); !errors.Is(err, fault.Invalid) {
		t.Fatalf("duplicate number: %v", err)
	}
	// 年审 on 09-15 after expiry on 08-31: a gap from 09-01 to 09-14.
	if c, err = f.m.Review(f.ctx, p, c.ID, "review", IssueInput{Step: casework.Step{OnText: "2025-09-15"}, ValidText: "2029-09-14"}); err != nil {
		t.Fatal(err)
	}
	// 暂扣 10-10, 恢复 10-20.
	if _, err := f.m.Suspend(f.ctx, p, c.ID, casework.Step{OnText: "2025-10-10"}); !errors.Is(err, fault.Invalid) {
		t.Fatalf("suspension without a reason: %v", err)
	}
	if c, err = f.m.Suspend(f.ctx, p, c.ID, casework.Step{OnText: "2025-10-10", Note: "涉嫌违法执法，调查期间暂扣"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Review(f.ctx, p, c.ID, "review", IssueInput{ValidText: "2030-01-01"}); !errors.Is(err, fault.Conflict) {
		t.Fatalf("年审 of a suspended certificate: %v", err)
	}
	if c, err = f.m.Restore(f.ctx, p, c.ID, casework.Step{OnText: "2025-10-20"}); err != nil {
		t.Fatal(err)
	}
	if c, err = f.m.End(f.ctx, p, c.ID, "cancel", casework.Step{OnText: "2025-12-01", Note: "调离执法岗位"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Suspend(f.ctx, p, c.ID, casework.Step{Note: "x"}); !errors.Is(err, fault.Conflict) || !strings.Contains(err.Error(), "已注销") {
		t.Fatalf("suspending a cancelled certificate: %v", err)
	}
	c, err = f.m.Certificate(f.ctx, p, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for day, want := range map[string]bool{"2025-02-28": false, "2025-03-01": true, "2025-08-31": true, "2025-09-01": false, "2025-09-15": true,
		"2025-10-10": false, "2025-10-19": false, "2025-10-20": true, "2025-11-30": true, "2025-12-01": false} {
		if got := c.ValidOn(calendar.MustDate(day)); got != want {
			t.Errorf("valid on %s = %v, want %v", day, got, want)
		}
	}
	// The number may be issued again once the old certificate is void; the public lookup shows the newest.
	if _, err := f.m.Issue(f.ctx, p, c2.ID, IssueInput{Number: "QS-001", ValidText: "2029-12-31"}); err != nil {
		t.Fatal(err)
	}
	res, err := f.m.Lookup(f.ctx, "QS-001")
	if err != nil || res.Officer != "李娜" || !res.Valid || res.Body != "青山县市场监督管理局" {
		t.Fatalf("lookup %+v %v", res, err)
	}
	// A 绿水县 liaison sees nothing of 青山县.
	if _, err := f.m.Certificate(f.ctx, f.login("ls_sjj"), c.ID); !errors.Is(err, fault.NotFound) {
		t.Fatalf("other county: %v", err)
	}
	var events int
	f.m.d.DB.QueryRowContext(f.ctx, `SELECT COUNT(*) FROM case_events WHERE owner_id = ?`, c.ID).Scan(&events)
	if events != 6 { // apply, issue, review, suspend, restore, cancel
		t.Fatalf("%d events", events)
	}
}

const ledgerHead = "执法主体,类别,案号或文号,对象,对象类型,立案日期,决定日期,执法人员,金额,重大,法制审核日期,公示日期,撤回公示日期,全过程记录\n"

func TestImportAndStatsHandCounted(t *testing.T) {
	f := newFixture(t)
	p := f.login("qs_sc")
	sjj := f.body(p, "990121-SJJ", "青山县市场监督管理局", "市场监管")
	gaj := f.body(p, "990121-GAJ", "青山县公安局", "")
	f.body(p, "990121-JYJ", "青山县教育局", "")
	f.certified(p, gaj, "张伟", "G1", "2024-01-01", "2027-12-31")
	f.certified(p, gaj, "刘洋", "G2", "2024-01-01", "2027-12-31")
	f.certified(p, sjj, "陈静", "S1", "2024-01-01", "2025-06-30") // expired mid-year
	f.m.CreateOfficer(f.ctx, p, OfficerInput{BodyID: sjj.ID, Name: "无证"})
	csv := ledgerHead +
		// 1 penalty, 7 WD, published on the last day (10-13), major and reviewed before: clean.
		"青山县公安局,行政处罚,公罚〔2025〕1号,张三,自然人,2025-09-01,2025-09-26,G1、G2,500,是,2025-09-25,2025-10-13,,是\n" +
		// 2 penalty published 10-14: late; major not reviewed.
		"青山县公安局,处罚,公罚〔2025〕2号,李四,个人,2025-09-01,2025-09-26,G1、G2,1200.50,是,,2025-10-14,,是\n" +
		// 3 licence never published (period over): missing.
		"青山县公安局,行政许可,公许〔2025〕3号,某公司,法人,,2025-03-03,G1,,否,,,,是\n" +
		// 4 市场监管 penalty: 20 WD from 01-24 is 02-27 → on time on 02-27; S1 valid then.
		"青山县市场监督管理局,行政处罚,市监罚〔2025〕4号,某店,其他组织,2025-01-02,2025-01-24,S1、G1,3000,否,,2025-02-27,,否\n" +
		// 5 inspection in 2025 with an expired certificate: published in time.
		"青山县市场监督管理局,行政检查,市监查〔2025〕5号,某厂,法人,,2025-08-01,S1、G2,,否,,2025-08-05,,是\n" +
		// 6 a 2024 record: not in 2025's figures.
		"青山县公安局,行政处罚,公罚〔2024〕9号,王五,自然人,2024-11-01,2024-11-20,G1、G2,100,否,,2024-11-21,,是\n"
	res, err := f.m.Import(f.ctx, f.organ("990121-GOV"), "执法.csv", strings.NewReader(csv))
	if err != nil {
		t.Fatal(err)
	}
	if res.Rows != 6 || res.Created != 6 {
		t.Fatalf("%+v", res)
	}
	st, err := f.m.StatsFor(f.ctx, f.organ("990121-SFJ"), 2025)
	if err != nil {
		t.Fatal(err)
	}
	want := Stats{Bodies: 3, Officers: 4, Certified: 2, CertifiedRate: 50,
		Records:           map[string]int{"penalty": 3, "license": 1, "coercion": 0, "inspection": 1, "other": 0},
		PublicityRequired: 5, PublicityOnTime: 3, PublicityRate: 60, LegalReviewRequired: 2, LegalReviewed: 1, LegalReviewRate: 50}
	var buf bytes.Buffer
	if err := CLIStats(f.ctx, f.m, StatsArgs{Organ: "990121-GOV", Year: 2025, Format: "json"}, &buf); err != nil {
		t.Fatal(err)
	}
	wantJSON := `{
  "bodies": 3,
  "officers": 4,
  "certified": 2,
  "certified_rate": 50.00,
  "records": {
    "coercion": 0,
    "inspection": 1,
    "license": 1,
    "other": 0,
    "penalty": 3
  },
  "publicity_required": 5,
  "publicity_on_time": 3,
  "publicity_rate": 60.00,
  "legal_review_required": 2,
  "legal_reviewed": 1,
  "legal_review_rate": 50.00,
  "files_evaluated": 0,
  "files_passed": 0,
  "file_pass_rate": 0.00,
  "supervision_matters": 0,
  "opinions_issued": 0,
  "random_inspections": 0,
  "random_targets": 0
}
`
	if buf.String() != wantJSON {
		t.Fatalf("json:\n%s", buf.String())
	}
	if st.Bodies != want.Bodies || st.Certified != want.Certified || st.PublicityRequired != want.PublicityRequired || st.LegalReviewed != want.LegalReviewed {
		t.Fatalf("%+v", st)
	}
	// The department's own figures: only its body.
	sub, _ := f.m.StatsFor(f.ctx, f.organ("990121-SJJ"), 2025)
	if sub.Bodies != 1 || sub.Records["penalty"] != 1 || sub.Records["inspection"] != 1 {
		t.Fatalf("department stats %+v", sub)
	}
	// Warnings by kind, hand counted: row 2 late + review; row 3 missing + one officer is fine for a licence;
	// row 4 no full record; row 5 expired certificate.
	var got []string
	rows, _ := f.m.d.DB.QueryContext(f.ctx, `SELECT w.kind FROM enforce_warnings w JOIN enforce_records r ON r.id = w.record_id ORDER BY r.case_no, w.kind`)
	for rows.Next() {
		var k string
		rows.Scan(&k)
		got = append(got, k)
	}
	rows.Close()
	wantKinds := "publish_late review_missing publish_missing cert_invalid record_missing" // 市监查 (row 5) sorts before 市监罚 (row 4)
	if strings.Join(got, " ") != wantKinds {
		t.Fatalf("warnings %v, want %s", got, wantKinds)
	}
	// Re-importing the same ledger updates in place (body + 案号), nothing doubles.
	res, err = f.m.Import(f.ctx, f.organ("990121-GOV"), "执法.csv", strings.NewReader(csv))
	if err != nil || res.Created != 0 {
		t.Fatalf("re-import %+v %v", res, err)
	}
	st2, _ := f.m.StatsFor(f.ctx, f.organ("990121-GOV"), 2025)
	if st2.PublicityRequired != 5 {
		t.Fatalf("after re-import %+v", st2)
	}
}

func TestImportNamesEveryBadCellAndWritesNothing(t *testing.T) {
	f := newFixture(t)
	p := f.login("qs_sc")
	f.body(p, "990121-GAJ", "青山县公安局", "")
	csv := ledgerHead +
		"青山县公安局,行政处罚,A1,张三,自然人,2025-03-01,2025-02-30,G1、G2,12a,是,,,,是\n" +
		"青山县公安局,行政奖励,A2,张三,外星人,2025-03-01,2025-02-01,G1,1.234,也许,,2025-01-01,,是\n" +
		"不存在的局,行政检查,A3,某厂,法人,,2025-05-01,G1,,,,,2025-05-02,\n" +
		"青山县公安局,行政处罚,A1,张三,自然人,2025-03-01,2025-03-02,G1、G2,,否,,,,是\n" +
		"青山县公安局,行政检查,,,法人,,2026-05-01,,,,,,,\n"
	_, err := f.m.Import(f.ctx, f.organ("990121-GOV"), "bad.csv", strings.NewReader(csv))
	var le *LedgerError
	if !errors.As(err, &le) || !errors.Is(err, fault.Invalid) {
		t.Fatalf("%v", err)
	}
	var lines []string
	for _, e := range le.Errors {
		lines = append(lines, e.String())
	}
	text := strings.Join(lines, "\n")
	for _, want := range []string{
		"第2行「决定日期」：日期不存在：2025-02-30",
		"第2行「金额」：",
		"第3行「类别」：",
		"第3行「对象类型」：",
		"第3行「重大」：",
		"第3行「决定日期」：决定日期早于立案日期",
		"第3行「金额」：金额最多保留两位小数",
		"第4行「执法主体」：在青山县人民政府及其下级中找不到执法主体「不存在的局」",
		"第4行「撤回公示日期」：填写了撤回公示日期，但没有公示日期",
		"第5行「案号或文号」：与第2行的案号或文号重复",
		"第6行「案号或文号」：不能为空",
		"第6行「对象」：不能为空",
		"第6行「决定日期」：日期不能晚于今天",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("missing %q in:\n%s", want, text)
		}
	}
	var n int
	f.m.d.DB.QueryRowContext(f.ctx, `SELECT COUNT(*) FROM enforce_records`).Scan(&n)
	if n != 0 {
		t.Fatalf("%d records written", n)
	}
}
