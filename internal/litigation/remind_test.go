package litigation

import (
	"sort"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/notify"
)

// The hourly reminder job announces each deadline once when it is 3 working days away or nearer,
// once more when it has passed, to whoever its workbench todo addresses: the draft and the answer
// to the defendant organ, the review to the 司法局's two staff; no one else.
func TestRemindersBeforeAndAfterTheDeadline(t *testing.T) {
	f := newFixture(t)
	n := notify.New(f.db, nil, nil)
	n.Remind(f.m.Reminders)
	court, agency := f.login("qs_fyll"), f.login("qs_gaj")
	c, err := f.m.RegisterCase(f.ctx, court, RegisterInput{Docket: "（2026）豫0182行初9号", Plaintiffs: []PlaintiffInput{{Name: "张三", Kind: Natural}},
		DefendantID: f.organ("990121-GAJ").ID, ActType: "行政处罚"}, courtDocsFor())
	if err != nil {
		t.Fatal(err)
	}
	run := func() int {
		k, err := n.RunReminders(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	// received lists "kind user title-prefix" of every message posted since the last call.
	seen := map[string]bool{}
	received := func() string {
		rows, err := f.db.QueryContext(f.ctx, `SELECT m.id, m.kind, u.username, m.title FROM messages m JOIN users u ON u.id = m.user_id WHERE m.kind LIKE 'litigation.%'`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var fresh []string
		for rows.Next() {
			var id, kind, user, title string
			if err := rows.Scan(&id, &kind, &user, &title); err != nil {
				t.Fatal(err)
			}
			if !seen[id] {
				seen[id] = true
				fresh = append(fresh, kind+" "+user+" "+strings.SplitN(title, " 期限", 2)[0])
			}
		}
		sort.Strings(fresh)
		return strings.Join(fresh, "; ")
	}
	// Delivered 03-31: signing is due the next working day, announced at once to the agency.
	if k := run(); k != 1 || received() != "litigation.due qs_gaj 行政应诉 （2026）豫0182行初9号：签收送达文书" {
		t.Fatalf("delivery: %d", k)
	}
	// Signed the same day: draft due 04-10, answer due 04-15 (第六十七条; Qingming 04-04..06).
	if c, err = f.m.Sign(f.ctx, agency, c.ID, SignInput{}); err != nil || c.DraftDue != d("2026-04-10") || c.AnswerDue != d("2026-04-15") {
		t.Fatalf("signed: draft %s answer %s %v", c.DraftDue, c.AnswerDue, err)
	}
	f.at("2026-04-02") // + 3 working days = 04-08
	if k := run(); k != 0 {
		t.Fatalf("%d reminders before the window: %s", k, received())
	}
	f.at("2026-04-07") // + 3 working days = 04-10: the draft
	if k, got := run(), received(); k != 1 || got != "litigation.due qs_gaj 行政应诉 （2026）豫0182行初9号：答辩状初稿报司法局审核" {
		t.Fatalf("draft: %d %s", k, got)
	}
	if k := run(); k != 0 {
		t.Fatalf("the same deadline announced again: %d", k)
	}
	f.at("2026-04-10") // + 3 working days = 04-15: the answer; the draft goes in, the 司法局 reviews
	if _, err := f.m.SubmitDraft(f.ctx, agency, c.ID, DraftInput{Facts: "事实清楚。"}); err != nil {
		t.Fatal(err)
	}
	if k, got := run(), received(); k != 3 || got != "litigation.due qs_fy 行政应诉 （2026）豫0182行初9号：审核答辩状初稿; litigation.due qs_fy2 行政应诉 （2026）豫0182行初9号：审核答辩状初稿; litigation.due qs_gaj 行政应诉 （2026）豫0182行初9号：提交答辩状及证据、依据" {
		t.Fatalf("answer: %d %s", k, got)
	}
	f.at("2026-04-16") // passed: each announced once more to the same people
	if k, got := run(), received(); k != 3 || got != "litigation.overdue qs_fy 行政应诉 （2026）豫0182行初9号：审核答辩状初稿 已于 2026-04-15 到期; litigation.overdue qs_fy2 行政应诉 （2026）豫0182行初9号：审核答辩状初稿 已于 2026-04-15 到期; litigation.overdue qs_gaj 行政应诉 （2026）豫0182行初9号：提交答辩状及证据、依据 已于 2026-04-15 到期" {
		t.Fatalf("overdue: %d %s", k, got)
	}
	if k := run(); k != 0 {
		t.Fatalf("the overdue deadline announced again: %d", k)
	}
}

// A hearing not yet recorded is announced once when it is 3 working days away or nearer, to the
// defendant organ and the 司法局's staff (who find it on the hearing calendar), saying the 负责人
// must appear; moved, it is announced again; passed without a record, once as 开庭情况未登记.
func TestRemindersOfAHearing(t *testing.T) {
	f := newFixture(t)
	n := notify.New(f.db, nil, nil)
	n.Remind(f.m.Reminders)
	court, agency := f.login("qs_fyll"), f.login("qs_gaj")
	c, err := f.m.RegisterCase(f.ctx, court, RegisterInput{Docket: "（2026）豫0182行初9号", Plaintiffs: []PlaintiffInput{{Name: "张三", Kind: Natural}},
		DefendantID: f.organ("990121-GAJ").ID, ActType: "行政处罚"}, courtDocsFor())
	if err != nil {
		t.Fatal(err)
	}
	if _, err = f.m.Sign(f.ctx, agency, c.ID, SignInput{}); err != nil {
		t.Fatal(err)
	}
	// Noticed 03-31 for Monday 04-20, the 负责人 summoned (出庭规定第四条).
	if c, err = f.m.ScheduleHearing(f.ctx, court, c.ID, HearingInput{HeldOn: "2026-04-20", Mandatory: true}); err != nil {
		t.Fatal(err)
	}
	hid := c.Hearings[0].ID
	seen := map[string]bool{}
	// hearings runs the job and lists "kind user title" of the hearing messages it posted.
	hearings := func() string {
		if _, err := n.RunReminders(f.ctx); err != nil {
			t.Fatal(err)
		}
		rows, err := f.db.QueryContext(f.ctx, `SELECT m.id, m.kind, u.username, m.title, m.body FROM messages m JOIN users u ON u.id = m.user_id WHERE m.kind LIKE 'litigation.hearing%'`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var fresh []string
		for rows.Next() {
			var id, kind, user, title, body string
			if err := rows.Scan(&id, &kind, &user, &title, &body); err != nil {
				t.Fatal(err)
			}
			if !seen[id] {
				seen[id] = true
				fresh = append(fresh, kind+" "+user+" "+title)
				if kind == "litigation.hearing" && !strings.Contains(body, "第三条第三款") && !strings.Contains(body, "第四条") {
					t.Errorf("no basis for the 负责人出庭 in %q", body)
				}
			}
		}
		sort.Strings(fresh)
		return strings.Join(fresh, "; ")
	}
	const name = "行政应诉 （2026）豫0182行初9号："
	f.at("2026-04-14") // + 3 working days = 04-17 (Fri)
	if got := hearings(); got != "" {
		t.Fatalf("before the window: %s", got)
	}
	f.at("2026-04-15") // + 3 working days = 04-20 (Thu, Fri, Mon)
	if got, want := hearings(), "litigation.hearing qs_fy "+name+"2026-04-20 开庭，法院通知负责人出庭; litigation.hearing qs_fy2 "+name+"2026-04-20 开庭，法院通知负责人出庭; litigation.hearing qs_gaj "+name+"2026-04-20 开庭，法院通知负责人出庭"; got != want {
		t.Fatalf("inside the window:\n got %s\nwant %s", got, want)
	}
	if got := hearings(); got != "" {
		t.Fatalf("announced again: %s", got)
	}
	// Adjourned to Wednesday 04-22 (出庭规定第九条第三款), the summons withdrawn: announced again.
	if err := f.db.Tx(f.ctx, func(tx *db.Tx) error {
		return tx.Exec(f.ctx, `UPDATE litigation_hearings SET held_on = '2026-04-22', mandatory = 0 WHERE id = ?`, hid)
	}); err != nil {
		t.Fatal(err)
	}
	f.at("2026-04-16") // + 3 working days = 04-21
	if got := hearings(); got != "" {
		t.Fatalf("moved hearing before the window: %s", got)
	}
	f.at("2026-04-17") // + 3 working days = 04-22
	if got, want := hearings(), "litigation.hearing qs_fy "+name+"2026-04-22 开庭，负责人出庭待定; litigation.hearing qs_fy2 "+name+"2026-04-22 开庭，负责人出庭待定; litigation.hearing qs_gaj "+name+"2026-04-22 开庭，负责人出庭待定"; got != want {
		t.Fatalf("moved hearing:\n got %s\nwant %s", got, want)
	}
	f.at("2026-04-22") // the day itself: nothing new, nothing past
	if got := hearings(); got != "" {
		t.Fatalf("on the day: %s", got)
	}
	f.at("2026-04-23") // passed without a record
	if got, want := hearings(), "litigation.hearing-unrecorded qs_fy "+name+"2026-04-22 开庭情况未登记; litigation.hearing-unrecorded qs_fy2 "+name+"2026-04-22 开庭情况未登记; litigation.hearing-unrecorded qs_gaj "+name+"2026-04-22 开庭情况未登记"; got != want {
		t.Fatalf("unrecorded:\n got %s\nwant %s", got, want)
	}
	if got := hearings(); got != "" {
		t.Fatalf("unrecorded announced again: %s", got)
	}
	// Recorded: the source no longer offers it at all (not only deduplicated by the message centre).
	if _, err := f.m.RecordAppearance(f.ctx, agency, c.ID, AppearanceInput{HearingID: hid, Appeared: true, LeaderName: "李局长", LeaderTitle: "副职负责人"}); err != nil {
		t.Fatal(err)
	}
	rs, err := f.m.Reminders(f.ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rs {
		if strings.HasPrefix(r.Kind, "litigation.hearing") {
			t.Errorf("recorded hearing offered: %s", r.Ref)
		}
	}
}

// The reminder job's hearing and recommendation queries are served by indexes (migrations 0024,
// 0025), not a read of the whole table.
func TestReminderQueriesUseIndexes(t *testing.T) {
	f := newFixture(t)
	for q, index := range map[string]string{
		`SELECT case_id FROM litigation_hearings WHERE held = 0 AND held_on >= ? AND held_on <= ?`: "litigation_hearings_unheld",
		`SELECT id, kind, number, organ_id, gov_id, case_id, issuer, urgent, stated_days, received_on, reply_due, replied_on, reply_note
		FROM litigation_recommendations WHERE replied_on = '' AND reply_due >= ? AND reply_due <= ? ORDER BY reply_due, id`: "litigation_recommendations_due",
	} {
		if p := dbtest.Plan(t, f.db, q, "2026-03-01", "2026-04-03"); !strings.Contains(p, index) {
			t.Errorf("%s does not use %s:\n%s", q, index, p)
		}
	}
}
