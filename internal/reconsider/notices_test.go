package reconsider

import (
	"context"
	"errors"
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

type outboxRow struct{ kind, to, body, status string }

func outbox(t *testing.T, f *fixture) []outboxRow {
	t.Helper()
	rows, err := f.svc.db.QueryContext(f.ctx, `SELECT kind, address_masked, body, status FROM notify_outbox ORDER BY created_at, id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []outboxRow
	for rows.Next() {
		var r outboxRow
		rows.Scan(&r.kind, &r.to, &r.body, &r.status)
		out = append(out, r)
	}
	return out
}

// The applicant gets an SMS (recorded in the outbox) when the case needs amendment, is accepted and
// is decided — and nothing for the other steps. The text has the receipt number and the public
// progress page, never the query code or the applicant's name.
func TestApplicantNoticesInOutbox(t *testing.T) {
	f := newFixture(t)
	n := notify.New(f.svc.db, nil, nil)
	n.BaseURL = "https://fazhi.example.gov.cn/"
	f.svc.SetNotify(n)
	staff := f.login("qs_fy")
	c := f.register(staff, "2024-09-20", 0, "行政处罚")
	if got := outbox(t, f); len(got) != 0 {
		t.Fatalf("registration sends nothing: %+v", got)
	}
	c = must(t)(f.svc.RequestAmendment(f.ctx, staff, c.ID, Step{On: date("2024-09-23")}, "身份证明复印件"))
	c = must(t)(f.svc.ReceiveAmendment(f.ctx, staff, c.ID, Step{On: date("2024-09-24")}))
	c = must(t)(f.svc.Accept(f.ctx, staff, c.ID, AcceptInput{Step: Step{On: date("2024-09-25")}, Procedure: Ordinary}))
	c = must(t)(f.svc.SendCopy(f.ctx, staff, c.ID, Step{On: date("2024-09-26")}))
	f.heard(c.ID, "2024-10-20")
	c = must(t)(f.svc.Decide(f.ctx, staff, c.ID, DecideInput{Step: Step{On: date("2024-11-01")}, Outcome: Revoke}))

	got := outbox(t, f)
	wantKinds := []string{"reconsider.amend", "reconsider.accepted", "reconsider.decided"}
	if len(got) != len(wantKinds) {
		t.Fatalf("outbox: %+v", got)
	}
	wantText := []string{"需要补正", "已于2024年9月25日受理，案号" + c.Number, "已于2024年11月1日作出行政复议决定"}
	for i, r := range got {
		if r.kind != wantKinds[i] || r.to != "138****8000" || r.status != notify.OutHeld || !strings.Contains(r.body, wantText[i]) ||
			!strings.Contains(r.body, "收件编号"+c.ReceiptNo) || !strings.Contains(r.body, "https://fazhi.example.gov.cn/public/reconsider/progress") {
			t.Errorf("notice %d: %+v", i, r)
		}
		if strings.Contains(r.body, "张三") || strings.Contains(r.body, "查询码：") {
			t.Errorf("notice %d names the applicant or carries a code: %s", i, r.body)
		}
	}
}

// failingGateway never delivers.
type failingGateway struct{ calls int }

func (g *failingGateway) Send(context.Context, notify.Notice) error {
	g.calls++
	return errors.New("短信网关不可用")
}

// A dead SMS gateway neither blocks nor undoes the step: the case is accepted, the notice waits
// in the outbox with the error and is tried again by the job.
func TestApplicantNoticeGatewayFailureKeepsCase(t *testing.T) {
	f := newFixture(t)
	n := notify.New(f.svc.db, nil, nil)
	gw := &failingGateway{}
	n.SetGateways(map[string]notify.Gateway{notify.ChannelSMS: gw}, f.svc.cipher)
	f.svc.SetNotify(n)
	staff := f.login("qs_fy")
	c := f.register(staff, "2025-06-20", 0, "行政处罚")
	c = must(t)(f.svc.Accept(f.ctx, staff, c.ID, AcceptInput{Step: Step{On: date("2025-06-23")}, Procedure: Ordinary}))
	if c.State != StateInReview {
		t.Fatalf("state %s", c.State)
	}
	if sent, err := n.DeliverOutbox(f.ctx); sent != 0 || err != nil || gw.calls != 1 {
		t.Fatalf("delivery: %d %v calls %d", sent, err, gw.calls)
	}
	l, _, err := n.Outbox(f.ctx, notify.OutPending, 10, 0)
	if err != nil || len(l) != 1 || l[0].Attempts != 1 || l[0].LastError != "短信网关不可用" {
		t.Fatalf("pending: %+v %v", l, err)
	}
	var enc string
	f.svc.db.QueryRowContext(f.ctx, `SELECT address_enc FROM notify_outbox`).Scan(&enc)
	if strings.Contains(enc, "13800138000") {
		t.Fatal("the phone number is stored in clear")
	}
	got, err := f.svc.Get(f.ctx, staff, c.ID)
	if err != nil || got.State != StateInReview {
		t.Fatalf("case after failed send: %v %v", got, err)
	}
}

// An applicant who gives an e-mail address gets each notice by e-mail as well as by SMS; the case
// shows the address masked; a malformed address is refused with the field named and nothing written.
func TestApplicantNoticesByEmail(t *testing.T) {
	f := newFixture(t)
	f.svc.SetNotify(notify.New(f.svc.db, nil, nil))
	staff := f.login("qs_fy")
	in := Intake{OrganID: f.organ("990121-GOV").ID, Channel: ChannelInPerson, ReceivedText: "2025-06-20", ApplicantKind: Natural, ApplicantName: "李四",
		IDNumber: validID(t), Phone: "13800138000", Email: "li.si@example.com", RespondentID: f.organ("990121-GAJ").ID, ActType: "行政处罚", Field: "公安",
		ActTitle: "青公（治）决字〔2025〕12号", ActDateText: "2025-06-01", LearnedText: "2025-06-02", Requests: "撤销该处罚决定", Facts: "事实不清"}
	bad := in
	bad.Email = "li.si@"
	var before int
	f.svc.db.QueryRowContext(f.ctx, `SELECT COUNT(*) FROM reconsider_cases`).Scan(&before)
	if _, err := f.svc.Register(f.ctx, staff, bad); err == nil || !strings.Contains(err.Error(), "电子邮箱格式不正确") {
		t.Fatalf("malformed e-mail: %v", err)
	}
	var after int
	f.svc.db.QueryRowContext(f.ctx, `SELECT COUNT(*) FROM reconsider_cases`).Scan(&after)
	if after != before {
		t.Fatalf("a refused application wrote %d cases", after-before)
	}
	rec, err := f.svc.Register(f.ctx, staff, in)
	if err != nil {
		t.Fatal(err)
	}
	c := must(t)(f.svc.Accept(f.ctx, staff, rec.CaseID, AcceptInput{Step: Step{On: date("2025-06-23")}, Procedure: Ordinary}))
	if c.Email != "l***@example.com" {
		t.Errorf("masked e-mail on the case: %q", c.Email)
	}
	got := outbox(t, f)
	if len(got) != 2 || got[0].to != "138****8000" || got[1].to != "l***@example.com" || got[0].body != got[1].body || got[1].kind != "reconsider.accepted" {
		t.Fatalf("outbox: %+v", got)
	}
	if strings.Contains(got[0].body, "（/public") || !strings.Contains(got[0].body, "复议机关网站的“行政复议进度查询”页面") {
		t.Errorf("without FAZHI_SMTP_APP_URL the notice names the page, not a bare path: %s", got[0].body)
	}
	var subject string
	f.svc.db.QueryRowContext(f.ctx, `SELECT subject FROM notify_outbox WHERE channel = 'email'`).Scan(&subject)
	if subject != "行政复议申请进度通知（收件编号"+c.ReceiptNo+"）" {
		t.Errorf("subject %q", subject)
	}
}
