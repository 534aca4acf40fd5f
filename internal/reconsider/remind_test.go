package reconsider

import (
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/notify"
)

// The hourly reminder job announces a case's next deadline once when it is 3 working days away or
// nearer, once more when it has passed, to the case's handler only.
func TestRemindersBeforeAndAfterTheDeadline(t *testing.T) {
	f := newFixture(t)
	n := notify.New(f.svc.db, nil, nil)
	n.Remind(f.svc.Reminders)
	staff := f.login("qs_fy")
	on := func(day string) {
		d, err := time.ParseInLocation("2006-01-02 15:04", day+" 09:00", time.FixedZone("CST", 8*3600))
		if err != nil {
			t.Fatal(err)
		}
		f.svc.SetClock(func() time.Time { return d })
	}
	on("2025-06-20")
	c := f.register(staff, "2025-06-20", 0, "行政处罚")
	if got := c.Due.Next.String(); got != "2025-06-27" { // 受理审查：五个工作日 (行政复议法第三十条)
		t.Fatalf("next deadline %s, want 2025-06-27", got)
	}
	count := func(kind, username string) int {
		var k int
		if err := f.svc.db.QueryRowContext(f.ctx, `SELECT COUNT(*) FROM messages m JOIN users u ON u.id = m.user_id WHERE m.kind = ? AND u.username = ?`, kind, username).Scan(&k); err != nil {
			t.Fatal(err)
		}
		return k
	}
	run := func() int {
		k, err := n.RunReminders(f.ctx)
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	if k := run(); k != 0 { // 2025-06-20 + 3 working days = 06-25: the 27th is further
		t.Fatalf("%d reminders five working days ahead", k)
	}
	on("2025-06-24") // + 3 working days = 06-27
	if k := run(); k != 1 || count("reconsider.due", "qs_fy") != 1 {
		t.Fatalf("three working days ahead: %d posted, %d to the handler", k, count("reconsider.due", "qs_fy"))
	}
	if k := run(); k != 0 {
		t.Fatalf("the same deadline announced again: %d", k)
	}
	on("2025-06-30")
	if k := run(); k != 1 || count("reconsider.overdue", "qs_fy") != 1 {
		t.Fatalf("overdue: %d posted, %d to the handler", k, count("reconsider.overdue", "qs_fy"))
	}
	var others int
	if err := f.svc.db.QueryRowContext(f.ctx, `SELECT COUNT(*) FROM messages m JOIN users u ON u.id = m.user_id WHERE m.kind LIKE 'reconsider.%' AND u.username <> 'qs_fy'`).Scan(&others); err != nil {
		t.Fatal(err)
	}
	if others != 0 {
		t.Fatalf("%d reminders reached someone other than the handler", others)
	}
}
