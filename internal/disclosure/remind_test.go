package disclosure

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/notify"
)

// The hourly reminder job announces the 补正告知 and answer deadlines once when 3 working days away
// or nearer, once more when passed, to the handling organ's 政府信息公开 staff only.
func TestRemindersBeforeAndAfterTheDeadline(t *testing.T) {
	f := newFixture(t)
	n := notify.New(f.db, nil, nil)
	n.Remind(f.svc.Reminders)
	on := func(day string) {
		d, err := time.ParseInLocation("2006-01-02 15:04", day+" 10:00", calendar.Shanghai())
		if err != nil {
			t.Fatal(err)
		}
		f.svc.SetClock(func() time.Time { return d })
	}
	r := f.register(f.login("qs_zrj"), "2026-03-31", ChannelInPerson)
	// 7 WD: 04-01..03, 07..10 (Qingming 04-04..06); 20 WD: … 04-29.
	if r.Due.AmendNotice.String() != "2026-04-10" || r.Due.Reply.String() != "2026-04-29" {
		t.Fatalf("deadlines %+v", r.Due)
	}
	seen := map[string]bool{}
	run := func() (int, string) {
		k, err := n.RunReminders(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		rows, err := f.db.QueryContext(f.ctx, `SELECT m.id, m.kind, u.username, m.title FROM messages m JOIN users u ON u.id = m.user_id WHERE m.kind LIKE 'disclosure.%'`)
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
				fresh = append(fresh, kind+" "+user+" "+title)
			}
		}
		sort.Strings(fresh)
		return k, strings.Join(fresh, "; ")
	}
	for _, step := range []struct{ day, want string }{
		{"2026-03-31", ""}, // + 3 WD = 04-03
		{"2026-04-02", ""}, // + 3 WD = 04-08
		{"2026-04-07", "disclosure.due qs_zrj 依申请公开 " + r.ReceiptNo + "：补正告知 期限 2026-04-10"},
		{"2026-04-10", ""},
		{"2026-04-13", "disclosure.overdue qs_zrj 依申请公开 " + r.ReceiptNo + "：补正告知 已于 2026-04-10 到期"},
		{"2026-04-23", ""}, // + 3 WD = 04-28
		{"2026-04-24", "disclosure.due qs_zrj 依申请公开 " + r.ReceiptNo + "：答复 期限 2026-04-29"},
		{"2026-04-29", ""},
		{"2026-04-30", "disclosure.overdue qs_zrj 依申请公开 " + r.ReceiptNo + "：答复 已于 2026-04-29 到期"},
		{"2026-04-30", ""},
	} {
		on(step.day)
		want := 0
		if step.want != "" {
			want = 1
		}
		if k, got := run(); k != want || got != step.want {
			t.Fatalf("%s: %d posted: %q, want %q", step.day, k, got, step.want)
		}
	}
}
