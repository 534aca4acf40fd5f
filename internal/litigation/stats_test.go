package litigation

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/stats"
	"github.com/fazhi/fazhi/internal/webtest"
)

// The ledger of testdata/ledger_2025.csv, counted by hand for 青山县 2025 (first instance):
//
//	received      2025 receipts: 行初3, 20, 25, 30, 8, 15                       = 6
//	carried_over  received in 2024, open on 2025-01-01: 行初5, 9, 11 (行初2 closed in 2024) = 3
//	concluded     closed in 2025: 行初5, 9, 11, 3, 25, 8, 15                     = 7
//	pending       行初20, 30                                                      = 2   (3 + 6 = 7 + 2)
//	lost          行初5 撤销, 11 确认违法, 15 撤销                                   = 3 → 3/7 = 42.86%
//	heard         hearings held in 2025: 行初5, 9, 11, 3, 20, 15                 = 6
//	leader        行初5, 11, 20, 15                                               = 4 → 66.67%
//	answers due in 2025: 行初11 (01-06, on time), 3 (02-05, on time), 15 (02-25, filed 02-26 late),
//	              8 (03-18, on time), 20 (10-09, filed 10-10 late), 25 (11-04, none) = 3/6 = 50.00%
func TestLedgerStats(t *testing.T) {
	f := newFixture(t)
	msg, err := f.importFile("990121-SFJ", "ledger_2025.csv")
	if err != nil {
		if le, ok := err.(*LedgerError); ok {
			for _, e := range le.Errors {
				t.Log(e.String())
			}
		}
		t.Fatalf("import: %v", err)
	}
	if !strings.Contains(msg, "11 件") {
		t.Errorf("message: %s", msg)
	}
	gov := f.organ("990121-GOV")
	st, err := f.m.StatsForYear(f.ctx, f.organ("990121-SFJ").ID, 2025, "")
	if err != nil {
		t.Fatal(err)
	}
	check := func(name string, got, want any) {
		t.Helper()
		if got != want {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	check("received", st.Received, 6)
	check("carried_over", st.CarriedOver, 3)
	check("concluded", st.Concluded, 7)
	check("pending", st.Pending, 2)
	check("lost", st.Lost, 3)
	check("loss_rate", st.LossRate, stats.Percent(42.86))
	check("heard", st.Heard, 6)
	check("leader_appeared", st.LeaderAppeared, 4)
	check("leader_appearance_rate", st.LeaderAppearanceRate, stats.Percent(66.67))
	check("answers due", st.AnswersDue, 6)
	check("answers on time", st.AnswersOnTime, 3)
	check("answer_on_time_rate", st.AnswerOnTimeRate, stats.Percent(50))
	for o, want := range map[Outcome]int{Revoke: 2, DismissClaim: 1, DeclareUnlawful: 1, Withdrawn: 1, WithdrawnAfterChange: 1, DismissSuit: 1, Mediation: 0} {
		check("outcome "+string(o), st.Outcomes[o], want)
	}
	// 公安局 (written short in one row, matched to 青山县公安局): 行初5, 11 carried, 25, 15 received; 4 concluded, 3 lost.
	if len(st.ByDefendant) == 0 || st.ByDefendant[0].Name != "青山县公安局" {
		t.Fatalf("by_defendant: %+v", st.ByDefendant)
	}
	g := st.ByDefendant[0]
	check("公安局 received", g.Received, 2)
	check("公安局 carried", g.CarriedOver, 2)
	check("公安局 concluded", g.Concluded, 4)
	check("公安局 lost", g.Lost, 3)
	check("公安局 loss_rate", g.LossRate, stats.Percent(75))
	if st.ByField[0].Name != "公安" || st.ByActType[0].Name != "行政处罚" {
		t.Errorf("groups out of order: %+v / %+v", st.ByField, st.ByActType)
	}

	// 撤诉-被告改变行为 counted when the organ's setting says so.
	yes := true
	st2, err := f.m.Stats(f.ctx, StatsQuery{OrganID: gov.ID, From: d("2025-01-01"), To: d("2025-12-31"), CountChanged: &yes})
	if err != nil {
		t.Fatal(err)
	}
	check("lost incl. changed", st2.Lost, 4)
	check("loss_rate incl. changed", st2.LossRate, stats.Percent(57.14))

	// All instances add the appeal 行终40 (received and concluded in 2025, 驳回).
	all, err := f.m.StatsForYear(f.ctx, gov.ID, 2025, "all")
	if err != nil {
		t.Fatal(err)
	}
	check("all received", all.Received, 7)
	check("all concluded", all.Concluded, 8)
	check("all loss_rate", all.LossRate, stats.Percent(37.5))
	second, err := f.m.StatsForYear(f.ctx, gov.ID, 2025, "second")
	if err != nil {
		t.Fatal(err)
	}
	check("second received", second.Received, 1)
	check("second lost", second.Lost, 0)

	// 2024: 行初2, 5, 9, 11 received; 行初2 concluded and lost.
	y24, err := f.m.StatsForYear(f.ctx, gov.ID, 2024, "")
	if err != nil {
		t.Fatal(err)
	}
	check("2024 received", y24.Received, 4)
	check("2024 concluded", y24.Concluded, 1)
	check("2024 lost", y24.Lost, 1)
	check("2024 pending", y24.Pending, 3)

	// The department alone: 自然资源和规划局 has 行初20 (pending) and 行初8 (驳回起诉).
	zr, err := f.m.StatsForYear(f.ctx, f.organ("990121-ZRJ").ID, 2025, "")
	if err != nil {
		t.Fatal(err)
	}
	check("ZRJ received", zr.Received, 2)
	check("ZRJ concluded", zr.Concluded, 1)
	// The other county sees none of it.
	ls, err := f.m.StatsForYear(f.ctx, f.organ("990122-GOV").ID, 2025, "")
	if err != nil {
		t.Fatal(err)
	}
	check("绿水县 received", ls.Received, 0)

	// The appeal joined its first instance's matter.
	check("matter", f.count(`SELECT COUNT(*) FROM litigation_cases a JOIN litigation_cases b ON a.matter_id = b.id
		WHERE a.docket = '（2025）豫01行终40号' AND b.docket = '（2025）豫0182行初15号'`), 1)
	// The co-defendant government is a party found in the tree.
	check("co-defendant", f.count(`SELECT COUNT(*) FROM litigation_parties WHERE role = 'codefendant' AND organ_id = ?`, gov.ID), 1)

	// The command's JSON has exactly the keys of the issue, rates with two decimals.
	var out bytes.Buffer
	if err := CLIStats(f.ctx, f.m, StatsArgs{Organ: "990121-SFJ", Year: 2025, Instance: "first", Format: "json"}, &out); err != nil {
		t.Fatal(err)
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(out.Bytes(), &obj); err != nil {
		t.Fatal(err)
	}
	want := []string{"received", "carried_over", "concluded", "pending", "lost", "loss_rate", "heard", "leader_appeared", "leader_appearance_rate",
		"answer_on_time_rate", "outcomes", "judicial_recommendations", "procuratorial_recommendations", "by_defendant", "by_field", "by_act_type"}
	if len(obj) != len(want) {
		t.Errorf("keys: %d, want %d: %s", len(obj), len(want), out.String())
	}
	for _, k := range want {
		if _, ok := obj[k]; !ok {
			t.Errorf("key %s missing", k)
		}
	}
	if string(obj["loss_rate"]) != "42.86" || string(obj["answer_on_time_rate"]) != "50.00" {
		t.Errorf("rates: %s %s", obj["loss_rate"], obj["answer_on_time_rate"])
	}
	var outcomes map[string]int
	if err := json.Unmarshal(obj["outcomes"], &outcomes); err != nil || len(outcomes) != 14 || outcomes["revoke"] != 2 || outcomes["withdrawn_after_change"] != 1 {
		t.Errorf("outcomes: %s", obj["outcomes"])
	}
	if !strings.Contains(string(obj["judicial_recommendations"]), `"reply_rate": 0.00`) {
		t.Errorf("recommendations: %s", obj["judicial_recommendations"])
	}

	// Importing the same ledger again is refused, nothing written.
	if _, err := f.importFile("990121-SFJ", "ledger_2025.csv"); err == nil || !strings.Contains(err.Error(), "错误") {
		t.Errorf("second import: %v", err)
	}
	check("cases after second import", f.count(`SELECT COUNT(*) FROM litigation_cases`), 11)
}

func TestBadLedger(t *testing.T) {
	f := newFixture(t)
	_, err := f.importFile("990121-GOV", "ledger_bad.csv")
	le, ok := err.(*LedgerError)
	if !ok {
		t.Fatalf("err = %v", err)
	}
	got := map[string]bool{}
	for _, e := range le.Errors {
		got[e.String()] = true
		t.Log(e.String())
	}
	has := func(row int, col, fragment string) {
		t.Helper()
		for s := range got {
			prefix := "第" + itoa(row) + "行「" + col + "」"
			if strings.HasPrefix(s, prefix) && strings.Contains(s, fragment) {
				return
			}
		}
		t.Errorf("no problem for row %d column %s containing %q", row, col, fragment)
	}
	has(3, "案号", "不是有效的行政案件案号")
	has(4, "案号", "与审级")
	has(5, "审级", "一审、二审、再审")
	has(5, "行政行为类别", "罚款")
	has(5, "经过复议", "是 或 否")
	has(5, "收到起诉状日期", "")
	has(5, "开庭日期", "2025-13-01")
	has(5, "出庭负责人", "须填写出庭负责人")
	has(5, "结案方式", "须填写结案方式")
	has(6, "上诉", "准予撤诉")
	has(7, "案号", "与第2行重复")
	has(8, "收到起诉状日期", "不能晚于今天")
	has(8, "结案日期", "须填写结案日期")
	if n := f.count(`SELECT COUNT(*) FROM litigation_cases`); n != 0 {
		t.Errorf("a bad ledger wrote %d cases", n)
	}
	// The command line prints every problem and fails.
	var out bytes.Buffer
	if err := CLIImport(f.ctx, f.m, ImportArgs{Organ: "990121-GOV"}, []string{"testdata/ledger_bad.csv"}, &out); err == nil {
		t.Error("CLI import of a bad ledger succeeded")
	}
	if !strings.Contains(out.String(), "第7行「案号」") {
		t.Errorf("CLI output:\n%s", out.String())
	}
}

func itoa(n int) string { return strings.TrimSpace(strings.Repeat(" ", 0) + string(rune('0'+n))) }

// Year on year on the ledger of stats_test: 2024 received 4 (行初2, 5, 9, 11), concluded 1 and lost it
// (100.00%); 2025 received 6, lost 3 of 7 (42.86%): 发案量 +50.00%, 败诉率 −57.14 points, no 双下降.
// The same with the years swapped in a synthetic pair is a 双下降.
func TestYearOnYear(t *testing.T) {
	f := newFixture(t)
	if _, err := f.importFile("990121-SFJ", "ledger_2025.csv"); err != nil {
		t.Fatal(err)
	}
	y, cur, err := f.m.YearOnYear(f.ctx, f.organ("990121-SFJ").ID, 2025, "")
	if err != nil {
		t.Fatal(err)
	}
	if cur.Received != 6 || y.PrevReceived != 4 || y.ReceivedChange != 50 || !y.HasReceivedChange || y.ReceivedDown {
		t.Errorf("received: %+v", y)
	}
	if y.LossRate != stats.Percent(42.86) || y.PrevLossRate != 100 || y.LossRatePoints != -57.14 || !y.LossRateDown || y.DoubleDecline {
		t.Errorf("loss rate: %+v", y)
	}
	if y.ReceivedBars[1].Width != 240 || y.ReceivedBars[0].Width != 160 || y.LossRateBars[0].Width != 240 {
		t.Errorf("bars: %+v %+v", y.ReceivedBars, y.LossRateBars)
	}
	down := yearChange(2025, Stats{Received: 3, Lost: 1, Concluded: 4, LossRate: stats.Rate(1, 4)}, Stats{Received: 4, Lost: 1, Concluded: 2, LossRate: stats.Rate(1, 2)})
	if !down.DoubleDecline || down.ReceivedChange != -25 || down.LossRatePoints != -25 {
		t.Errorf("双下降: %+v", down)
	}
	// A year with no cases before gives no change rather than a division by zero.
	none := yearChange(2025, Stats{Received: 2}, Stats{})
	if none.HasReceivedChange || none.HasLossRateChange || none.DoubleDecline {
		t.Errorf("no base: %+v", none)
	}
	// The page shows both counts and both changes.
	app := f.app()
	c := webtest.Login(t, app, f.auth, "qs_fy")
	w := c.Get("/litigation/stats?year=2025")
	for _, want := range []string{"+50.00%", "-57.14 个百分点", "42.86%（3/7）", "100.00%（1/1）", "<svg", "青山县公安局"} {
		if !strings.Contains(w.Body, want) {
			t.Errorf("stats page lacks %q (%d)", want, w.Code)
		}
	}
	if w := c.Get("/litigation/stats?organ=" + f.organ("990122-GOV").ID); w.Code != 403 {
		t.Errorf("another county's statistics: %d", w.Code)
	}
	if w := webtest.Login(t, app, f.auth, "qs_fyll").Get("/litigation/stats"); w.Code != 403 {
		t.Errorf("court liaison on the statistics: %d", w.Code)
	}
}
