package reconsider

import (
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/notify"
)

// Sending the copy of the application posts a notice to the respondent's liaisons, in the same
// transaction, with the reply period.
func TestCopySentNotifiesRespondentLiaison(t *testing.T) {
	f := newFixture(t)
	f.svc.SetNotify(notify.New(f.svc.db, nil, nil))
	staff := f.login("qs_fy")
	c := f.register(staff, "2025-06-20", 0, "行政处罚")
	must(t)(f.svc.Accept(f.ctx, staff, c.ID, AcceptInput{Step: Step{On: date("2025-06-23")}, Procedure: Ordinary}))
	count := func() (n int, body string) {
		rows, err := f.svc.db.QueryContext(f.ctx, `SELECT m.body FROM messages m JOIN users u ON u.id = m.user_id WHERE m.kind = 'reconsider.copy_sent' AND u.username = 'qs_gaj'`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			n++
			rows.Scan(&body)
		}
		return n, body
	}
	if n, _ := count(); n != 0 {
		t.Fatalf("%d notices before the copy was sent", n)
	}
	must(t)(f.svc.SendCopy(f.ctx, staff, c.ID, Step{On: date("2025-06-24")}))
	n, body := count()
	if n != 1 || !strings.Contains(body, "青政复〔2025〕1号") || !strings.Contains(body, "十日内提出书面答复") {
		t.Fatalf("liaison notices: %d %q", n, body)
	}
}
