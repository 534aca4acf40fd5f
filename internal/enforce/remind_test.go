package enforce

import (
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/casework"
)

// The hourly reminder job announces a rectification period (a matter's 意见书, a file's 评查 result
// sent back) once when it ends 3 working days away or nearer, once more when it has passed without
// the body's report, to the body's liaisons and the 司法局 staff who set it; nobody else.
func TestRectificationReminders(t *testing.T) {
	f := newFixture(t)
	p := f.login("qs_sc")
	gaj := f.body(p, "990121-GAJ", "青山县公安局", "")
	sjj := f.body(p, "990121-SJJ", "青山县市场监督管理局", "市场监管")
	evaluator, _ := f.certified(p, sjj, "李娜", "S1", "2024-01-01", "2027-12-31")
	if _, err := f.m.SaveRecords(f.ctx, []*Record{{OrganID: gaj.OrganID, BodyID: gaj.ID, Category: CatInspection, CaseNo: "青公检〔2025〕1号",
		Subject: "甲", DecidedOn: d("2025-01-10"), FullRecord: true}}, "test"); err != nil {
		t.Fatal(err)
	}
	f.m.SetToday(d("2025-11-03"))
	step := func(on, note string) MatterStep { return MatterStep{casework.Step{OnText: on, Note: note}} }
	open := func(title string) *Matter {
		x, err := f.m.OpenMatter(f.ctx, p, MatterInput{Step: casework.Step{OnText: "2025-10-20"}, BodyID: gaj.ID, Source: "routine", Title: title})
		if err != nil {
			t.Fatal(err)
		}
		if x, err = f.m.Advance(f.ctx, p, x.ID, "opinion", step("2025-11-03", "未按期公示")); err != nil {
			t.Fatal(err)
		}
		return x
	}
	late, done := open("逾期公示"), open("未经法制审核")
	// A file sent back the same day with findings.
	c, err := f.m.CreateCampaign(f.ctx, p, CampaignInput{Year: 2025, Title: "评查", Bodies: []string{gaj.ID}, SampleMode: SampleFixed, SampleValue: 1})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.DrawSample(f.ctx, p, c.ID); err != nil {
		t.Fatal(err)
	}
	es, err := f.m.Evaluations(f.ctx, p, c.ID, "")
	if err != nil || len(es) != 1 {
		t.Fatalf("%d evaluations: %v", len(es), err)
	}
	e := es[0]
	if _, err := f.m.Assign(f.ctx, p, e.ID, AssignInput{EvaluatorID: evaluator.ID}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Score(f.ctx, p, e.ID, ScoreInput{Step: casework.Step{OnText: "2025-11-03"}, Findings: "询问笔录未签名"}); err != nil {
		t.Fatal(err)
	}
	if e, err = f.m.Send(f.ctx, p, e.ID, casework.Step{OnText: "2025-11-03"}); err != nil {
		t.Fatal(err)
	}
	// 30 days from Monday 2025-11-03: Wednesday 2025-12-03, for all three.
	if late.RectifyDue.String() != "2025-12-03" || done.RectifyDue.String() != "2025-12-03" || e.RectifyDue.String() != "2025-12-03" {
		t.Fatalf("due %s %s %s", late.RectifyDue, done.RectifyDue, e.RectifyDue)
	}
	n := f.m.d.Notify
	run := func(on string) int {
		f.m.SetToday(d(on))
		k, err := n.RunReminders(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	// who lists the recipients of kind's messages about url.
	who := func(kind, url string) string {
		rows, err := f.m.d.DB.QueryContext(f.ctx, `SELECT u.username, m.title FROM messages m JOIN users u ON u.id = m.user_id WHERE m.kind = ? AND m.url = ? ORDER BY u.username`, kind, url)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var u, title string
			if err := rows.Scan(&u, &title); err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(title, "2025-12-03") {
				t.Errorf("title %q lacks the due date", title)
			}
			out = append(out, u)
		}
		return strings.Join(out, " ")
	}
	mURL, dURL, eURL := "/enforce/matters/"+late.ID, "/enforce/matters/"+done.ID, "/enforce/evaluations/"+e.ID
	// Thursday 2025-11-27 + 3 working days = Tuesday 12-02: not yet.
	if k := run("2025-11-27"); k != 0 {
		t.Fatalf("%d reminders four working days ahead", k)
	}
	// Friday 2025-11-28 + 3 working days = Wednesday 12-03: the body's liaison and the 司法局's
	// staff who issued it, for each of the three.
	if k := run("2025-11-28"); k != 6 {
		t.Fatalf("three working days ahead: %d posted, want 6", k)
	}
	for _, c := range []struct{ kind, url string }{{"enforce.matter_due", mURL}, {"enforce.matter_due", dURL}, {"enforce.evaluation_due", eURL}} {
		if got := who(c.kind, c.url); got != "qs_gaj qs_sc" {
			t.Fatalf("%s %s to %q, want the body's liaison and the staff", c.kind, c.url, got)
		}
	}
	if k := run("2025-12-01"); k != 0 {
		t.Fatalf("the same period announced again: %d", k)
	}
	// One matter reported in time; the other and the file are overdue the day after.
	if _, err := f.m.Advance(f.ctx, f.login("qs_sc"), done.ID, "report", step("2025-12-01", "已整改")); err != nil {
		t.Fatal(err)
	}
	if k := run("2025-12-03"); k != 0 {
		t.Fatalf("on the last day, %d overdue", k)
	}
	if k := run("2025-12-04"); k != 4 {
		t.Fatalf("overdue: %d posted, want 4", k)
	}
	if got := who("enforce.matter_overdue", mURL); got != "qs_gaj qs_sc" {
		t.Fatalf("overdue matter to %q", got)
	}
	if got := who("enforce.evaluation_overdue", eURL); got != "qs_gaj qs_sc" {
		t.Fatalf("overdue file to %q", got)
	}
	if got := who("enforce.matter_overdue", dURL); got != "" {
		t.Fatalf("a reported matter announced overdue to %q", got)
	}
	if k := run("2025-12-05"); k != 0 {
		t.Fatalf("overdue announced again: %d", k)
	}
	// A 决定书 restarts the period: 2025-12-10 + 30 = Friday 2026-01-09, announced anew; with no
	// actor on the step, the 司法局's reviewers are told instead.
	f.m.SetToday(d("2025-12-10"))
	if _, err := f.m.Advance(f.ctx, p, late.ID, "decision", step("2025-12-10", "仍未整改")); err != nil {
		t.Fatal(err)
	}
	f.exec(`UPDATE case_events SET actor_id = '' WHERE owner_id = ?`, late.ID)
	k := run("2026-01-06") // + 3 working days = 01-09
	holders, err := f.auth.UsersWithRole(f.ctx, f.m.supervisor(gaj.OrganID).ID, auth.RoleReviewer)
	if err != nil {
		t.Fatal(err)
	}
	var posted int
	reviewers := len(holders)
	f.m.d.DB.QueryRowContext(f.ctx, `SELECT COUNT(*) FROM messages WHERE kind = 'enforce.matter_due' AND url = ? AND title LIKE '%2026-01-09%'`, mURL).Scan(&posted)
	if reviewers == 0 || posted != reviewers+1 || k != posted {
		t.Fatalf("the new period to %d people, want the liaison and %d reviewers", posted, reviewers)
	}
}
