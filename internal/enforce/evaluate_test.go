package enforce

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/sm3"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/fault"
)

// independentSample recomputes a campaign's sample from its verification JSON alone, written
// from docs/draw.md §4 without the package's functions.
func independentSample(t *testing.T, raw []byte) (bool, string) {
	var d struct {
		Rule struct {
			Mode  string `json:"mode"`
			Value int    `json:"value"`
		} `json:"rule"`
		Commitment string `json:"commitment"`
		PoolHash   string `json:"pool_hash"`
		Pool       []struct {
			ID    string `json:"id"`
			Group string `json:"group"`
		} `json:"pool"`
		Seed   string   `json:"seed"`
		Sample []string `json:"sample"`
	}
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	h := func(s string) string { x := sm3.Sum([]byte(s)); return hex.EncodeToString(x[:]) }
	if h(d.Seed) != d.Commitment {
		return false, "commitment"
	}
	var lines []string
	size := map[string]int{}
	for _, m := range d.Pool {
		lines = append(lines, m.ID+"\t"+m.Group+"\t\n")
		size[m.Group]++
	}
	sort.Strings(lines)
	if h(strings.Join(lines, "")) != d.PoolHash {
		return false, "pool"
	}
	pool := append(d.Pool[:0:0], d.Pool...)
	sort.SliceStable(pool, func(i, j int) bool { return h(d.Seed+":"+pool[i].ID) < h(d.Seed+":"+pool[j].ID) })
	taken := map[string]int{}
	var got []string
	for _, m := range pool {
		quota := min(d.Rule.Value, size[m.Group])
		if d.Rule.Mode == "percent" {
			quota = (size[m.Group]*d.Rule.Value + 99) / 100
		}
		if taken[m.Group] < quota {
			taken[m.Group]++
			got = append(got, m.ID)
		}
	}
	if strings.Join(got, ",") != strings.Join(d.Sample, ",") {
		return false, "sample"
	}
	return true, ""
}

// A campaign end to end: the pool committed, 5% per body per month drawn (quotas counted by hand),
// recomputed independently and by the CLI, tampering detected, no re-draw; evaluators never of
// the evaluated body; scores by the sheet; results sent back with the rectification period; the
// body's rectification; the statistics from these records.
func TestEvaluationCampaign(t *testing.T) {
	f := newFixture(t)
	p := f.login("qs_sc")
	gaj := f.body(p, "990121-GAJ", "青山县公安局", "")
	sjj := f.body(p, "990121-SJJ", "青山县市场监督管理局", "市场监管")
	f.certified(p, gaj, "张伟", "G1", "2024-01-01", "2027-12-31")
	f.certified(p, gaj, "王强", "G2", "2024-01-01", "2027-12-31")
	other, _ := f.certified(p, sjj, "李娜", "S1", "2024-01-01", "2027-12-31")
	var recs []*Record
	add := func(b *Body, n int, month string, nos ...string) {
		for i := range n {
			recs = append(recs, &Record{OrganID: b.OrganID, BodyID: b.ID, Category: CatInspection, CaseNo: fmt.Sprintf("%s-%s-%d", b.Name, month, i),
				Subject: "甲", DecidedOn: d(month + "-10"), Officers: nos, FullRecord: true})
		}
	}
	add(gaj, 30, "2025-01", "G1", "G2") // 5% of 30 = 1.5 → 2
	add(gaj, 5, "2025-02", "G1", "G2")  // 0.25 → 1
	add(sjj, 3, "2025-01", "S1")        // 0.15 → 1
	add(sjj, 4, "2024-06", "S1")        // another year: not in the pool
	if _, err := f.m.SaveRecords(f.ctx, recs, "test"); err != nil {
		t.Fatal(err)
	}

	// Bad input: each field named, nothing written.
	if _, err := f.m.CreateCampaign(f.ctx, p, CampaignInput{Year: 2030, Title: " ", SampleMode: "x"}); err == nil {
		t.Fatal("bad campaign accepted")
	} else {
		var fs *fault.Fields
		if !errors.As(err, &fs) || fs.Fields["title"] == "" || fs.Fields["year"] == "" || fs.Fields["sample_mode"] == "" {
			t.Fatalf("fields not named: %v", err)
		}
	}
	if _, err := f.m.CreateCampaign(f.ctx, p, CampaignInput{Year: 2023, Title: "空", SampleMode: SamplePercent, SampleValue: 5}); !errors.Is(err, fault.Invalid) {
		t.Fatalf("a campaign without files: %v", err)
	}
	c, err := f.m.CreateCampaign(f.ctx, p, CampaignInput{Year: 2025, Title: "2025年度案卷评查", SampleMode: SamplePercent, SampleValue: 5})
	if err != nil {
		t.Fatal(err)
	}
	if c.PoolSize != 38 || strings.Contains(mustJSON(t, c.SampleData()), c.seed) {
		t.Fatalf("pool %d, or the seed shown before the draw", c.PoolSize)
	}
	if _, err := f.m.Campaign(f.ctx, f.m.d.DB, f.login("ls_sc"), c.ID); !errors.Is(err, fault.NotFound) {
		t.Fatalf("another county's campaign reached: %v", err)
	}
	f.m.SetToday(d("2025-11-28")) // the draw; scoring and sending follow in December
	drawn, err := f.m.DrawSample(f.ctx, p, c.ID)
	f.m.SetToday(d("2025-12-31"))
	if err != nil {
		t.Fatal(err)
	}
	per := map[string]int{}
	byID := map[string]*Record{}
	for _, r := range recs {
		byID[r.ID] = r
	}
	for _, id := range drawn.Sample {
		r := byID[id]
		per[r.BodyID+"/"+r.DecidedOn.String()[:7]]++
	}
	if len(drawn.Sample) != 4 || per[gaj.ID+"/2025-01"] != 2 || per[gaj.ID+"/2025-02"] != 1 || per[sjj.ID+"/2025-01"] != 1 {
		t.Fatalf("sample by body and month: %v", per)
	}
	if _, err := f.m.DrawSample(f.ctx, p, c.ID); !errors.Is(err, fault.Conflict) {
		t.Fatalf("re-draw: %v", err)
	}
	c, _ = f.m.Campaign(f.ctx, f.m.d.DB, p, c.ID)
	raw := []byte(mustJSON(t, c.SampleData()))
	if ok, why := independentSample(t, raw); !ok {
		t.Fatalf("independent recomputation failed: %s", why)
	}
	var out bytes.Buffer
	if err := CLIVerifySample(f.ctx, f.m, c.ID, &out); err != nil || !strings.Contains(out.String(), "复核通过") {
		t.Fatalf("CLI: %v\n%s", err, out.String())
	}

	// Tampering with the pool after the commitment: found by the CLI, by the independent check,
	// and it stops a draw not yet made.
	var pool string
	f.m.d.DB.QueryRowContext(f.ctx, `SELECT pool FROM enforce_campaigns WHERE id = ?`, c.ID).Scan(&pool)
	cut := strings.Replace(pool, `{"id":"`+c.Pool[0].ID+`"`, `{"id":"x`+c.Pool[0].ID+`"`, 1)
	f.exec(`UPDATE enforce_campaigns SET pool = ? WHERE id = ?`, cut, c.ID)
	out.Reset()
	if err := CLIVerifySample(f.ctx, f.m, c.ID, &out); err == nil || !strings.Contains(out.String(), "案卷库与公布时的摘要不符") {
		t.Fatalf("tampered pool passed: %v\n%s", err, out.String())
	}
	tc, _ := f.m.Campaign(f.ctx, f.m.d.DB, p, c.ID)
	if ok, why := independentSample(t, []byte(mustJSON(t, tc.SampleData()))); ok || why != "pool" {
		t.Fatalf("independent check missed the tampering: %s", why)
	}
	f.exec(`UPDATE enforce_campaigns SET pool = ? WHERE id = ?`, pool, c.ID)
	c2, err := f.m.CreateCampaign(f.ctx, p, CampaignInput{Year: 2025, Title: "专项评查", Bodies: []string{gaj.ID}, SampleMode: SampleFixed, SampleValue: 3})
	if err != nil || c2.PoolSize != 35 {
		t.Fatalf("scoped campaign: %v %d", err, c2.PoolSize)
	}
	f.exec(`UPDATE enforce_campaigns SET pool = '[]' WHERE id = ?`, c2.ID)
	if _, err := f.m.DrawSample(f.ctx, p, c2.ID); !errors.Is(err, fault.Conflict) || !strings.Contains(err.Error(), "案卷库") {
		t.Fatalf("draw over a tampered pool: %v", err)
	}

	// Evaluators: never of the evaluated body; another county cannot reach the file.
	es, err := f.m.Evaluations(f.ctx, p, c.ID, "")
	if err != nil || len(es) != 4 {
		t.Fatalf("%d evaluations: %v", len(es), err)
	}
	var g *Evaluation // a file of the 公安局
	for _, e := range es {
		if e.BodyID == gaj.ID && g == nil {
			g = e
		}
		if e.State != EvalPending {
			t.Fatalf("state %s", e.State)
		}
	}
	var own string
	f.m.d.DB.QueryRowContext(f.ctx, `SELECT id FROM enforce_officers WHERE body_id = ? LIMIT 1`, gaj.ID).Scan(&own)
	if _, err := f.m.Assign(f.ctx, p, g.ID, AssignInput{EvaluatorID: own}); !errors.Is(err, fault.Invalid) || !strings.Contains(err.Error(), "不得来自被评查") {
		t.Fatalf("evaluator of the evaluated body: %v", err)
	}
	if _, err := f.m.Assign(f.ctx, f.login("ls_sc"), g.ID, AssignInput{EvaluatorID: other.ID}); !errors.Is(err, fault.NotFound) {
		t.Fatalf("another county assigned: %v", err)
	}
	if _, err := f.m.Score(f.ctx, p, g.ID, ScoreInput{}); !errors.Is(err, fault.Conflict) {
		t.Fatalf("scored before an evaluator: %v", err)
	}
	if _, err := f.m.Assign(f.ctx, p, g.ID, AssignInput{EvaluatorID: other.ID}); err != nil {
		t.Fatal(err)
	}
	// Scores: a deduction outside the item's points, an unknown item, a non-veto item vetoed.
	for _, in := range []ScoreInput{{Deductions: map[string]int{"事实清楚、证据确凿": 26}}, {Deductions: map[string]int{"无此项": 1}},
		{Vetoed: []string{"事实清楚、证据确凿"}}, {Step: casework.Step{OnText: "2025-11-27"}}} {
		if _, err := f.m.Score(f.ctx, p, g.ID, in); !errors.Is(err, fault.Invalid) {
			t.Fatalf("bad score %+v accepted: %v", in, err)
		}
	}
	e, err := f.m.Score(f.ctx, p, g.ID, ScoreInput{Step: casework.Step{OnText: "2025-12-01"}, Deductions: map[string]int{"事实清楚、证据确凿": 15, "文书规范、送达合法": 10}, Findings: "询问笔录未签名"})
	if err != nil {
		t.Fatal(err)
	}
	if e.Score != 75 || e.Grade != "pass" {
		t.Fatalf("score %d %s", e.Score, e.Grade)
	}
	if _, err := f.m.Score(f.ctx, p, g.ID, ScoreInput{}); !errors.Is(err, fault.Conflict) {
		t.Fatalf("scored twice: %v", err)
	}
	// A second file, vetoed: 不合格 whatever its points.
	var v *Evaluation
	for _, x := range es {
		if x.ID != g.ID && v == nil {
			v = x
		}
	}
	ev := other.ID
	if v.BodyID == sjj.ID {
		ev = own
	}
	if _, err := f.m.Assign(f.ctx, p, v.ID, AssignInput{EvaluatorID: ev}); err != nil {
		t.Fatal(err)
	}
	if v, err = f.m.Score(f.ctx, p, v.ID, ScoreInput{Step: casework.Step{OnText: "2025-12-01"}, Vetoed: []string{"执法主体合法、执法人员持证"}}); err != nil || v.Grade != "fail" || v.Score != 100 {
		t.Fatalf("veto: %+v %v", v, err)
	}

	// Results sent back: both need rectification (findings; 不合格) within 30 days of 2025-12-02,
	// 2026-01-01 rolled off New Year's Day (a rest day in every calendar) to the next working day.
	n, err := f.m.SendAll(f.ctx, p, c.ID, casework.Step{OnText: "2025-12-02"})
	if err != nil || n != 2 {
		t.Fatalf("sent %d: %v", n, err)
	}
	e, _ = f.m.Evaluation(f.ctx, f.m.d.DB, p, g.ID)
	want := f.m.d.Calendar.Current().AddCalendarDays(d("2025-12-02"), 30)
	if e.State != EvalRectify || e.RectifyDue != want || !want.After(d("2026-01-01")) {
		t.Fatalf("sent: %s due %s (want %s)", e.State, e.RectifyDue, want)
	}
	// Each body's liaison (its legal officer) is told in the message centre, nobody else: not the
	// other body's, not the 司法局's staff who sent it.
	for _, x := range []*Evaluation{e, v} {
		want := "qs_gaj"
		if x.BodyID == sjj.ID {
			want = "qs_sjj"
		}
		if got := f.inbox("/enforce/evaluations/" + x.ID); f.recipients("/enforce/evaluations/"+x.ID) != want || !strings.Contains(got[0], "案卷评查结果反馈："+x.CaseNo) {
			t.Fatalf("messages for %s: %q, want one to %s", x.CaseNo, got, want)
		}
	}
	if got := f.inbox("/enforce/evaluations/" + g.ID); !strings.Contains(got[0], "请于 "+want.String()+" 前完成整改") {
		t.Fatalf("message %q", got)
	}
	// The body's liaison reports the rectification; another body's liaison cannot reach it.
	if _, err := f.m.Rectify(f.ctx, f.login("qs_sjj"), g.ID, RectifyInput{Step: casework.Step{Note: "x"}}); !errors.Is(err, fault.NotFound) {
		t.Fatalf("another body rectified: %v", err)
	}
	if _, err := f.m.Rectify(f.ctx, f.login("qs_gaj"), g.ID, RectifyInput{}); !errors.Is(err, fault.Invalid) {
		t.Fatalf("rectification without a report: %v", err)
	}
	if e, err = f.m.Rectify(f.ctx, f.login("qs_gaj"), g.ID, RectifyInput{Step: casework.Step{OnText: "2025-12-20", Note: "已补签笔录"}}); err != nil || e.State != EvalRectified {
		t.Fatalf("rectify: %v", err)
	}
	var events int
	f.m.d.DB.QueryRowContext(f.ctx, `SELECT COUNT(*) FROM case_events WHERE owner_type = 'enforce_evaluation' AND owner_id = ?`, g.ID).Scan(&events)
	if events != 4 { // assign, score, send, rectify
		t.Fatalf("%d events", events)
	}

	// Statistics from these records: 2 scored in 2025, 1 passed.
	st, err := f.m.StatsFor(f.ctx, f.organ("990121-SFJ"), 2025)
	if err != nil || st.FilesEvaluated != 2 || st.FilesPassed != 1 || st.FilePassRate.String() != "50.00%" {
		t.Fatalf("stats %d/%d %s %v", st.FilesPassed, st.FilesEvaluated, st.FilePassRate.String(), err)
	}
}

// The organ edits its sheet as data; a campaign keeps the sheet it began with.
func TestScoringSheet(t *testing.T) {
	f := newFixture(t)
	p := f.login("qs_sc")
	for _, s := range []Sheet{{}, {Items: []SheetItem{{"甲", 50, false}}, Excellent: 60, Good: 40, Pass: 20},
		{Items: []SheetItem{{"甲", 50, false}, {"甲", 50, false}}, Excellent: 90, Good: 80, Pass: 60},
		{Items: []SheetItem{{"甲", 50, false}}, Excellent: 40, Good: 40, Pass: 20}} {
		if _, err := f.m.SaveSheet(f.ctx, p, s); !errors.Is(err, fault.Invalid) {
			t.Fatalf("bad sheet %+v saved: %v", s, err)
		}
	}
	mine := Sheet{Items: []SheetItem{{"程序合法", 40, true}, {"证据充分", 60, false}}, Excellent: 95, Good: 85, Pass: 70}
	if _, err := f.m.SaveSheet(f.ctx, p, mine); err != nil {
		t.Fatal(err)
	}
	got, err := f.m.SheetOf(f.ctx, f.m.d.DB, p.OrganID)
	if err != nil || got.Total() != 100 || got.Items[0].Name != "程序合法" {
		t.Fatalf("%+v %v", got, err)
	}
	if s, _, _ := got.Grade(map[string]int{"证据充分": 20}, nil); s != 80 {
		t.Fatalf("score %d", s)
	}
	if _, g, _ := got.Grade(map[string]int{"证据充分": 20}, nil); g != "pass" { // 80: under 良好 85, over 合格 70
		t.Fatalf("grade %s", g)
	}
	if other, _ := f.m.SheetOf(f.ctx, f.m.d.DB, f.login("ls_sc").OrganID); other.Total() != DefaultSheet.Total() || len(other.Items) != len(DefaultSheet.Items) {
		t.Fatal("another county's sheet changed")
	}
	items, err := parseSheetLines("程序合法|40|否决\n证据充分｜60\n")
	if err != nil || len(items) != 2 || !items[0].Veto || items[1].Points != 60 {
		t.Fatalf("%+v %v", items, err)
	}
	if _, err := parseSheetLines("程序合法|四十"); err == nil || !strings.Contains(err.Error(), "第1行") {
		t.Fatalf("bad line: %v", err)
	}
}
