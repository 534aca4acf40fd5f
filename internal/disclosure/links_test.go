package disclosure_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/demotest"
	"github.com/fazhi/fazhi/internal/disclosure"
	"github.com/fazhi/fazhi/internal/litigation"
	"github.com/fazhi/fazhi/internal/reconsider"
	"github.com/fazhi/fazhi/internal/webtest"
)

// TestTable4FromLinkedCases: a request linked to fazhi's reconsideration case counts in table 四
// with that case's current result — 尚未审结 while it is heard, then 维持 or 纠正 as decided — and a
// linked lawsuit with its judgment (direct suit: 判决驳回诉讼请求 = 维持, 裁定驳回起诉 = 其他);
// external cases keep the results entered by hand. Checked on the figures of
// `fazhi stats disclosure --format json` against counts made by hand from the baseline.
func TestTable4FromLinkedCases(t *testing.T) {
	e := demotest.Env(t)
	ctx := t.Context()
	o, _ := e.Org.ByCode("990121-ZRJ")
	svc := disclosureService(t, e)

	// Two reconsideration cases against the bureau being heard, and two of its lawsuits concluded.
	type kase struct{ id, number string }
	var recon []kase
	rows, err := e.DB.QueryContext(ctx, `SELECT id, number FROM reconsider_cases WHERE respondent_id = ? AND state = 'in_review' AND number <> '' ORDER BY number LIMIT 2`, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k kase
		if err := rows.Scan(&k.id, &k.number); err != nil {
			t.Fatal(err)
		}
		recon = append(recon, k)
	}
	rows.Close()
	var claimDocket, suitDocket string
	e.DB.QueryRowContext(ctx, `SELECT docket FROM litigation_cases WHERE organ_id = ? AND outcome = 'dismiss_claim' AND reconsidered = 0 ORDER BY docket LIMIT 1`, o.ID).Scan(&claimDocket)
	e.DB.QueryRowContext(ctx, `SELECT docket FROM litigation_cases WHERE organ_id = ? AND outcome = 'dismiss_suit' AND reconsidered = 0 ORDER BY docket LIMIT 1`, o.ID).Scan(&suitDocket)
	if len(recon) < 2 || claimDocket == "" || suitDocket == "" {
		t.Fatalf("the demo lacks the cases this test links: %v %q %q", recon, claimDocket, suitDocket)
	}

	// Five answered requests of one year with no dispute yet.
	var year string
	e.DB.QueryRowContext(ctx, `SELECT substr(replied_on, 1, 4) FROM disclosure_requests WHERE organ_id = ? AND replied_on <> '' AND reconsideration = '' AND litigation = ''
		GROUP BY substr(replied_on, 1, 4) ORDER BY COUNT(*) DESC LIMIT 1`, o.ID).Scan(&year)
	var reqs []string
	rows, err = e.DB.QueryContext(ctx, `SELECT id FROM disclosure_requests WHERE organ_id = ? AND replied_on LIKE ? AND reconsideration = '' AND litigation = '' AND state IN ('replied', 'delivered')
		ORDER BY receipt_no LIMIT 5`, o.ID, year+"-%")
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id string
		rows.Scan(&id)
		reqs = append(reqs, id)
	}
	rows.Close()
	if len(reqs) < 5 {
		t.Fatalf("year %s has %d answered requests", year, len(reqs))
	}
	y, _ := strconv.Atoi(year)

	// table4 is what `fazhi stats disclosure --format json` prints.
	table4 := func() disclosure.Table4 {
		t.Helper()
		var out bytes.Buffer
		if err := disclosure.CLIStats(ctx, svc, disclosure.StatsArgs{Organ: o.Code, Year: y, Format: "json"}, &out); err != nil {
			t.Fatal(err)
		}
		var st disclosure.Stats
		if err := json.Unmarshal(out.Bytes(), &st); err != nil {
			t.Fatalf("%v: %s", err, out.String())
		}
		return st.Table4
	}
	base := table4()
	want := base
	check := func(step string) {
		t.Helper()
		if got := table4(); got != want {
			t.Errorf("%s: table 四\n got %+v\nwant %+v", step, got, want)
		}
	}

	liaison := webtest.Login(t, e.Web, e.Auth, "qs_zrj")
	justice := webtest.Login(t, e.Web, e.Auth, "qs_fy")
	dispute := func(id string, body map[string]any, wants ...string) {
		t.Helper()
		w := liaison.JSON(http.MethodPost, "/api/v1/disclosure/requests/"+id+"/dispute", body)
		if w.Code != http.StatusOK {
			t.Fatalf("dispute %v: %d %s", body, w.Code, w.Body)
		}
		for _, s := range wants {
			if !strings.Contains(w.Body, s) {
				t.Errorf("dispute %v: %s lacks %s", body, w.Body, s)
			}
		}
	}
	decide := func(k kase, outcome string) {
		t.Helper()
		w := justice.JSON(http.MethodPost, "/api/v1/reconsider/cases/"+k.id+"/decide", map[string]any{"outcome": outcome, "written_review": "申请人经通知未到场陈述意见，书面审理"})
		if w.Code != http.StatusOK {
			t.Fatalf("decide %s %s: %d %s", k.number, outcome, w.Code, w.Body)
		}
	}

	// Linking fazhi's cases needs no result: both are being heard (尚未审结).
	dispute(reqs[0], map[string]any{"ref": recon[0].number}, `"reconsideration":"pending"`, `"reconsider_case_id":"`+recon[0].id+`"`)
	dispute(reqs[1], map[string]any{"ref": recon[1].number, "reconsideration": "upheld"}, `"reconsideration":"pending"`) // a result typed for a linked case does not count
	want.Reconsideration.Pending += 2
	want.Reconsideration.Total += 2
	check("两件复议审理中")
	if p := liaison.Get("/disclosure/requests/" + reqs[0]); !strings.Contains(p.Body, "复议：未审结（<a href=\"/reconsider/cases/"+recon[0].id+"\">") || !strings.Contains(p.Body, "本系统案件，结果随案件更新") {
		t.Errorf("request page: the linked case and its result are not shown")
	}

	// The 复议机构 decides: 维持, then 撤销. Table 四 follows without anyone touching the requests.
	decide(recon[0], "uphold")
	want.Reconsideration.Pending--
	want.Reconsideration.Upheld++
	check("第一件维持")
	decide(recon[1], "revoke")
	want.Reconsideration.Pending--
	want.Reconsideration.Corrected++
	check("第二件撤销")
	if p := liaison.Get("/disclosure/requests/" + reqs[1]); !strings.Contains(p.Body, "复议：纠正（") {
		t.Errorf("request page after the decision does not show 纠正")
	}
	// The list (and its XLSX export) shows the current results too, though the rows still hold 未审结.
	rows1, _, err := svc.List(ctx, liaison.Principal, disclosure.ListFilter{Limit: 10000, CountUpTo: -1})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, r := range rows1 {
		got[r.ID] = r.Reconsideration
	}
	if got[reqs[0]] != "upheld" || got[reqs[1]] != "corrected" {
		t.Errorf("list: %q %q", got[reqs[0]], got[reqs[1]])
	}

	// Lawsuits filed directly: fazhi's concluded cases count with their judgments.
	dispute(reqs[2], map[string]any{"litigation_ref": claimDocket}, `"litigation":"direct:upheld"`)
	dispute(reqs[3], map[string]any{"litigation_ref": suitDocket, "litigation": "direct:corrected"}, `"litigation":"direct:other"`)
	want.LitigationDirect.Upheld++
	want.LitigationDirect.Other++
	want.LitigationDirect.Total += 2
	check("两件直接起诉")

	// External cases keep the hand-entered results; an external number without a result is refused.
	if w := liaison.JSON(http.MethodPost, "/api/v1/disclosure/requests/"+reqs[4]+"/dispute", map[string]any{"ref": "外县政复〔2026〕1号"}); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("external number without a result: %d %s", w.Code, w.Body)
	}
	dispute(reqs[4], map[string]any{"ref": "外县政复〔2026〕1号", "reconsideration": "corrected", "litigation": "after:pending", "litigation_ref": "（2026）外0101行初9号"},
		`"reconsideration":"corrected"`, `"litigation":"after:pending"`)
	want.Reconsideration.Corrected++
	want.Reconsideration.Total++
	want.LitigationAfterReconsideration.Pending++
	want.LitigationAfterReconsideration.Total++
	check("外部案件")

	// The hand-counted totals: base plus 3 复议 (1 维持, 2 纠正), 2 direct suits, 1 after 复议.
	t4 := table4()
	if t4.Reconsideration.Total != base.Reconsideration.Total+3 || t4.Reconsideration.Corrected != base.Reconsideration.Corrected+2 ||
		t4.LitigationDirect.Total != base.LitigationDirect.Total+2 || t4.LitigationAfterReconsideration.Total != base.LitigationAfterReconsideration.Total+1 {
		t.Errorf("totals: %+v (base %+v)", t4, base)
	}
}

// TestDisputeResultMapping: every outcome of the two modules has its column of table 四.
func TestDisputeResultMapping(t *testing.T) {
	for _, c := range []struct {
		state   reconsider.State
		outcome reconsider.Outcome
		want    string
	}{
		{reconsider.StateReceived, "", "pending"}, {reconsider.StateAmending, "", "pending"}, {reconsider.StateInReview, "", "pending"},
		{reconsider.StateSuspended, "", "pending"}, {reconsider.StateConcluded, reconsider.Uphold, "upheld"},
		{reconsider.StateConcluded, reconsider.Revoke, "corrected"}, {reconsider.StateConcluded, reconsider.PartialRevoke, "corrected"},
		{reconsider.StateConcluded, reconsider.Vary, "corrected"}, {reconsider.StateConcluded, reconsider.DeclareUnlawful, "corrected"},
		{reconsider.StateConcluded, reconsider.DeclareVoid, "corrected"}, {reconsider.StateConcluded, reconsider.OrderPerformance, "corrected"},
		{reconsider.StateConcluded, reconsider.DismissRequest, "upheld"}, {reconsider.StateConcluded, reconsider.DismissApplication, "other"},
		{reconsider.StateConcluded, reconsider.Mediation, "other"}, {reconsider.StateConcluded, reconsider.Terminate, "other"},
		{reconsider.StateNotAccepted, "", "other"}, {reconsider.StateOther, "", "other"},
	} {
		if got := disclosure.ReconsiderResult(c.state, c.outcome); got != c.want {
			t.Errorf("复议 %s %s: %s, want %s", c.state, c.outcome, got, c.want)
		}
	}
	for _, c := range []struct {
		state   litigation.State
		outcome litigation.Outcome
		want    string
	}{
		{litigation.StateHearing, "", "pending"}, {litigation.StateAppealed, litigation.DismissClaim, "pending"},
		{litigation.StateDecided, litigation.DismissClaim, "upheld"}, {litigation.StateEffective, litigation.DismissClaim, "upheld"},
		{litigation.StateEffective, litigation.Revoke, "corrected"}, {litigation.StatePerformed, litigation.OrderPerformance, "corrected"},
		{litigation.StateEffective, litigation.Compensation, "corrected"}, {litigation.StateEffective, litigation.DismissSuit, "other"},
		{litigation.StateEffective, litigation.Withdrawn, "other"}, {litigation.StateEffective, litigation.WithdrawnAfterChange, "other"},
		{litigation.StatePerformed, litigation.Mediation, "other"}, {litigation.StateArchived, litigation.Ended, "other"},
	} {
		if got := disclosure.LitigationResult(c.state, c.outcome); got != c.want {
			t.Errorf("诉讼 %s %s: %s, want %s", c.state, c.outcome, got, c.want)
		}
	}
}
