package reconsider

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/auth"
)

// The same cases give the same correction and on-time figures whether they come from the ledger
// import or are entered step by step through the API (issue 9, item 5). The ledger carries the new
// columns 延期天数 and 中止日期/恢复日期; a withdrawal after the respondent changed its act counts as an
// indirect correction with or without a formal 和解.
func TestLedgerAndAPIGiveTheSameFigures(t *testing.T) {
	e := newWebEnv(t)
	const ledgerCSV = `收件日期,申请人,申请人类型,被申请人,行政行为类别,领域,审查结果,受理日期,程序,结案日期,结案方式,终止原因,延期,延期天数,中止日期,恢复日期
2025-01-06,甲一,自然人,某县公安局,行政处罚,公安,受理,2025-01-08,普通,2025-03-05,撤销,,否,,,
2025-01-13,甲二,自然人,某县公安局,行政处罚,公安,受理,2025-01-15,普通,2025-03-17,维持,,否,,,
2025-02-10,甲三,自然人,某县公安局,行政处罚,公安,受理,2025-02-11,普通,2025-03-28,终止,被申请人改变行为后撤回,否,,,
2025-02-17,甲四,自然人,某县公安局,行政处罚,公安,受理,2025-02-18,普通,2025-04-01,终止,被申请人纠正后撤回,否,,,
2025-02-24,甲五,自然人,某县公安局,行政处罚,公安,受理,2025-02-25,普通,2025-04-10,终止,申请人撤回,否,,,
2025-03-03,甲六,自然人,某县公安局,行政处罚,公安,受理,2025-03-04,普通,2025-04-30,调解,,否,,,
2025-01-02,甲七,自然人,某县公安局,行政处罚,公安,受理,2025-01-03,普通,2025-04-02,维持,,是,20,2025-01-20,2025-01-29
2025-03-10,甲八,自然人,某县公安局,行政处罚,公安,受理,2025-03-11,普通,2025-05-20,维持,,否,,2025-03-20、2025-04-01,2025-03-25、2025-04-03
`
	ledgerGov := e.organ("990121-GOV")
	if _, err := e.svc.Import(e.ctx, nil, ledgerGov.ID, "台账.csv", strings.NewReader(ledgerCSV), nil); err != nil {
		t.Fatal(err)
	}

	// The same eight cases through the API, for the other county's government.
	apiGov := e.organ("990122-GOV")
	office := e.token("sys_fy2", "990122-GOV", auth.RoleReconsider)
	post := func(path, body string) map[string]any {
		t.Helper()
		status, out, _ := e.call(office, "POST", path, body)
		if status != http.StatusOK && status != http.StatusCreated {
			t.Fatalf("POST %s %s: %d %v", path, body, status, out)
		}
		return out
	}
	type step struct{ action, body string }
	cases := []struct {
		received, applicant string
		steps               []step
	}{
		{"2025-01-06", "乙一", []step{{"accept", `{"on":"2025-01-08","procedure":"ordinary"}`}, {"hearing", `{"kind":"views","mode":"phone","held_on":"2025-02-10"}`}, {"decide", `{"on":"2025-03-05","outcome":"revoke"}`}}},
		// 60 days from 01-15 = 03-16, a Sunday → 03-17: decided on the last day.
		{"2025-01-13", "乙二", []step{{"accept", `{"on":"2025-01-15","procedure":"ordinary"}`}, {"hearing", `{"kind":"views","mode":"online","held_on":"2025-02-10"}`}, {"decide", `{"on":"2025-03-17","outcome":"uphold"}`}}},
		// Withdrawn after the respondent changed its act, no formal 和解: an indirect correction.
		{"2025-02-10", "乙三", []step{{"accept", `{"on":"2025-02-11","procedure":"ordinary"}`}, {"terminate", `{"on":"2025-03-28","ground":1,"corrected":true}`}}},
		{"2025-02-17", "乙四", []step{{"accept", `{"on":"2025-02-18","procedure":"ordinary"}`}, {"terminate", `{"on":"2025-04-01","ground":1,"settled":true,"corrected":true}`}}},
		{"2025-02-24", "乙五", []step{{"accept", `{"on":"2025-02-25","procedure":"ordinary"}`}, {"terminate", `{"on":"2025-04-10","ground":1}`}}},
		{"2025-03-03", "乙六", []step{{"accept", `{"on":"2025-03-04","procedure":"ordinary"}`}, {"mediate", `{"on":"2025-04-30","agreement":"被申请人减少罚款"}`}}},
		// 60 days from 01-03 = 03-04; 9 suspended days (01-21..01-29) → 03-13; + 20 approved → 04-02: on time.
		{"2025-01-02", "乙七", []step{{"accept", `{"on":"2025-01-03","procedure":"ordinary"}`},
			{"suspend", `{"on":"2025-01-20","ground":5,"note":"申请人住院"}`}, {"resume", `{"on":"2025-01-29"}`},
			{"hearing", `{"kind":"views","mode":"phone","held_on":"2025-02-10"}`},
			{"extend", `{"on":"2025-03-10","days":20,"approver":"李主任","note":"需要鉴定"}`}, {"decide", `{"on":"2025-04-02","outcome":"uphold"}`}}},
		// 60 + 5 + 2 suspended days from 03-11 = 05-17 (Sat) → 05-19: decided 05-20, late.
		{"2025-03-10", "乙八", []step{{"accept", `{"on":"2025-03-11","procedure":"ordinary"}`},
			{"suspend", `{"on":"2025-03-20","ground":5,"note":"不可抗力"}`}, {"resume", `{"on":"2025-03-25"}`},
			{"suspend", `{"on":"2025-04-01","ground":5,"note":"不可抗力"}`}, {"resume", `{"on":"2025-04-03"}`},
			{"hearing", `{"kind":"views","mode":"inperson","held_on":"2025-04-10"}`}, {"decide", `{"on":"2025-05-20","outcome":"uphold"}`}}},
	}
	for _, c := range cases {
		intake := fmt.Sprintf(`{"organ_id":%q,"channel":"inperson","received_on":%q,"applicant_kind":"natural","applicant_name":%q,
			"id_number":%q,"phone":"13800138000","respondent":"某县公安局","act_type":"行政处罚","field":"公安",
			"act_title":"某公（治）决字〔2025〕1号","act_date":"2024-12-20","learned_on":"2024-12-25","requests":"撤销","facts":"事实不清"}`,
			apiGov.ID, c.received, c.applicant, validID(t))
		id := str(post("/reconsider/cases", intake), "case_id")
		for _, s := range c.steps {
			post("/reconsider/cases/"+id+"/"+s.action, s.body)
		}
	}

	byLedger, err := e.svc.StatsForYear(e.ctx, ledgerGov.ID, false, 2025)
	if err != nil {
		t.Fatal(err)
	}
	byAPI, err := e.svc.StatsForYear(e.ctx, apiGov.ID, false, 2025)
	if err != nil {
		t.Fatal(err)
	}
	// By hand: 8 concluded; direct 1 (撤销); comprehensive 1 + 2 withdrawals after a change + 1 mediation = 4;
	// on time: all but 甲八/乙八 = 7.
	for _, st := range []Stats{byLedger, byAPI} {
		f := st.StatsFigures
		if f.Concluded != 8 || f.DirectCorrected != 1 || f.ComprehensiveCorrected != 4 || f.OnTime != 7 {
			t.Errorf("%s: concluded %d direct %d comprehensive %d on time %d, want 8 1 4 7", st.Organ, f.Concluded, f.DirectCorrected, f.ComprehensiveCorrected, f.OnTime)
		}
	}
	if byLedger.ComprehensiveCorrectionRate != byAPI.ComprehensiveCorrectionRate || byLedger.OnTimeRate != byAPI.OnTimeRate || byLedger.DirectCorrectionRate != byAPI.DirectCorrectionRate {
		t.Errorf("ledger %v/%v/%v, API %v/%v/%v", byLedger.DirectCorrectionRate, byLedger.ComprehensiveCorrectionRate, byLedger.OnTimeRate,
			byAPI.DirectCorrectionRate, byAPI.ComprehensiveCorrectionRate, byAPI.OnTimeRate)
	}
	// The frozen due dates agree case by case.
	rows, err := e.db.QueryContext(e.ctx, `SELECT applicant_name, decision_due FROM reconsider_cases WHERE state = 'concluded' ORDER BY received_on, organ_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	due := map[string]string{}
	for rows.Next() {
		var name, d string
		rows.Scan(&name, &d)
		due[name] = d
	}
	for i, pair := range [][2]string{{"甲一", "乙一"}, {"甲七", "乙七"}, {"甲八", "乙八"}} {
		if due[pair[0]] != due[pair[1]] || due[pair[0]] == "" {
			t.Errorf("pair %d: ledger %s, API %s", i, due[pair[0]], due[pair[1]])
		}
	}
	if due["甲七"] != "2025-04-02" || due["甲八"] != "2025-05-19" {
		t.Errorf("hand-counted dues: 甲七 %s (want 2025-04-02), 甲八 %s (want 2025-05-19)", due["甲七"], due["甲八"])
	}
}
