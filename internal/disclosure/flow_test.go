package disclosure

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/web"
)

func (f *fixture) login(username string) *auth.Principal {
	f.t.Helper()
	tok, err := f.auth.Login(f.ctx, username, demo.Password, "127.0.0.1", "test", "")
	if err != nil {
		f.t.Fatalf("login %s: %v", username, err)
	}
	p, err := f.auth.Authenticate(f.ctx, tok)
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

func (f *fixture) register(p *auth.Principal, received string, channel Channel) *Request {
	f.t.Helper()
	o, _ := f.org.ByCode(organCode)
	rec, err := f.svc.Register(f.ctx, p, &Intake{OrganID: o.ID, Channel: channel, ReceivedText: received, ApplicantType: NaturalPerson,
		ApplicantName: "张三", IDNumber: "11010519491231002X", Phone: "13800138000", Description: "2024年某地块征地补偿方案"}, false)
	if err != nil {
		f.t.Fatalf("register: %v", err)
	}
	r, err := f.svc.Get(f.ctx, p, rec.RequestID)
	if err != nil {
		f.t.Fatal(err)
	}
	return r
}

func st(on string) casework.Step { return casework.Step{OnText: on} }

// must stops the test on an unexpected error (a panic fails the test with the message).
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// TestFlowPaths runs a request along every path with dates counted by hand on the 2025 calendar.
func TestFlowPaths(t *testing.T) {
	f := newFixture(t)
	f.svc.SetClock(func() time.Time { return time.Date(2025, 12, 31, 10, 0, 0, 0, calendar.Shanghai()) })
	p := f.login("qs_zrj")

	// direct answer: received 2025-01-20 (registered post, signed that day); due 2025-02-21 across Spring Festival.
	r := f.register(p, "2025-01-20", ChannelRegistered)
	if r.Due.Reply.String() != "2025-02-21" || r.Due.AmendNotice.String() != "2025-02-05" || r.Due.Next.String() != "2025-02-05" {
		t.Fatalf("deadlines %+v", r.Due)
	}
	r = must(f.svc.Reply(f.ctx, p, r.ID, &ReplyInput{Step: st("2025-02-21"), Type: "disclose"}))
	if r.State != StateReplied || !r.OnTime || r.ReplyBasis != Replies[0].Bases[0] {
		t.Errorf("reply: %+v", r)
	}
	r = must(f.svc.Deliver(f.ctx, p, r.ID, &DeliverInput{Step: st("2025-02-24")}))
	if r.State != StateDelivered {
		t.Errorf("deliver: %s", r.State)
	}

	// 补正 answered: notice on 09-24 (within 7 WD), amended 10-09 → due 11-05; extension 20 WD → 12-03.
	r = f.register(p, "2025-09-22", ChannelInPerson)
	// 7 WD from 09-22: 23..26, 28 (worked Sunday), 29, 30 → a notice on 10-09 is too late.
	if _, err := f.svc.Amend(f.ctx, p, r.ID, &AmendInput{Step: st("2025-10-09"), Items: "写明地块名称"}); err == nil || !strings.Contains(err.Error(), "截止2025-09-30") {
		t.Errorf("late amend notice: %v", err)
	}
	r = must(f.svc.Amend(f.ctx, p, r.ID, &AmendInput{Step: st("2025-09-24"), Items: "写明地块名称", Days: 10}))
	// 10 WD from 09-24: 25, 26, 28, 29, 30, 10-09, 10, 11, 13, 14
	if r.State != StateAmending || r.AmendDue.String() != "2025-10-14" || !r.Due.Reply.IsZero() {
		t.Errorf("amend: %s %s %s", r.State, r.AmendDue, r.Due.Reply)
	}
	if _, err := f.svc.Amend(f.ctx, p, r.ID, &AmendInput{Step: st("2025-09-25"), Items: "再补"}); web.Status(err) != http.StatusConflict {
		t.Errorf("second amend: %v", err)
	}
	r = must(f.svc.Amended(f.ctx, p, r.ID, &AmendedInput{Step: st("2025-10-09"), Text: "某村3号地块"}))
	if r.Due.Reply.String() != "2025-11-05" {
		t.Errorf("restart: due %s", r.Due.Reply)
	}
	if _, err := f.svc.Extend(f.ctx, p, r.ID, &ExtendInput{Step: st("2025-11-03"), Days: 21, Approver: "王主任"}); err == nil {
		t.Error("21-day extension accepted")
	}
	r = must(f.svc.Extend(f.ctx, p, r.ID, &ExtendInput{Step: st("2025-11-03"), Days: 20, Approver: "王主任"}))
	// 11-05 + 20 WD: 06, 07, 10..14, 17..21, 24..28, 12-01..03
	if r.Due.Reply.String() != "2025-12-03" {
		t.Errorf("extension: due %s", r.Due.Reply)
	}
	if _, err := f.svc.Extend(f.ctx, p, r.ID, &ExtendInput{Step: st("2025-11-04"), Days: 1, Approver: "王主任"}); web.Status(err) != http.StatusConflict {
		t.Errorf("second extension: %v", err)
	}
	r = must(f.svc.Reply(f.ctx, p, r.ID, &ReplyInput{Step: st("2025-12-04"), Type: "unable_unclear"}))
	if r.OnTime {
		t.Error("answered after 12-03 counted on time")
	}

	// 补正 lapsed: deemed abandoned the day after the period, by the scan.
	r = f.register(p, "2025-03-03", ChannelEmail)
	r = must(f.svc.Amend(f.ctx, p, r.ID, &AmendInput{Step: st("2025-03-05"), Items: "身份证明", Days: 5}))
	if _, err := f.svc.Abandon(f.ctx, p, r.ID, &casework.Step{OnText: "2025-03-12"}); err == nil {
		t.Error("abandoned on the last day of the period") // 5 WD: 06, 07, 10, 11, 12
	}
	if n := must(f.svc.CloseLapsed(f.ctx)); n != 1 {
		t.Errorf("closed %d", n)
	}
	r = must(f.svc.Get(f.ctx, p, r.ID))
	if r.ReplyType != "other_no_amendment" || r.RepliedOn.String() != "2025-03-13" || r.State != StateReplied {
		t.Errorf("lapsed: %s %s %s", r.ReplyType, r.RepliedOn, r.State)
	}

	// third-party consultation 09-26 → 10-10 excludes 5 WD: due 10-31; partial disclosure needs its redaction note.
	r = f.register(p, "2025-09-22", ChannelFax)
	r = must(f.svc.Consult(f.ctx, p, r.ID, &ConsultInput{Step: st("2025-09-26"), Kind: "third_party", Party: "某公司"}))
	if r.State != StateConsulting || r.Due.Paused == "" {
		t.Errorf("consulting: %s %q", r.State, r.Due.Paused)
	}
	r = must(f.svc.Consulted(f.ctx, p, r.ID, &ConsultedInput{Step: st("2025-10-10"), Opinion: "不同意公开营业数据"}))
	if r.State != StateRegistered || r.Due.Reply.String() != "2025-10-31" || r.Due.Excluded != 5 {
		t.Errorf("consulted: %s %s %d", r.State, r.Due.Reply, r.Due.Excluded)
	}
	var fe interface{ Error() string }
	if _, err := f.svc.Reply(f.ctx, p, r.ID, &ReplyInput{Step: st("2025-10-31"), Type: "partial"}); err == nil || !errors.As(err, &fe) || !strings.Contains(err.Error(), "第三十七条") {
		t.Errorf("partial without note: %v", err)
	}
	if _, err := f.svc.Reply(f.ctx, p, r.ID, &ReplyInput{Step: st("2025-10-31"), Type: "partial", Basis: "随便写的依据", Text: "营业数据已删除"}); err == nil {
		t.Error("basis outside the list accepted")
	}
	r = must(f.svc.Reply(f.ctx, p, r.ID, &ReplyInput{Step: st("2025-10-31"), Type: "partial", Text: "营业数据涉及商业秘密，已删除"}))
	if !r.OnTime {
		t.Error("answered on the due day counted late")
	}

	// fee: by volume 60 pages = 300 yuan; the wait 02-10..02-14 pauses the clock (organ default) → 02-27.
	r = f.register(p, "2025-01-20", ChannelOrdinaryPost)
	r = must(f.svc.FeeNotice(f.ctx, p, r.ID, &FeeInput{Step: st("2025-02-10"), Mode: FeeByVolume, Pages: 60}))
	if r.FeeAmount != 300 || !r.FeePaused || r.State != StateFeeWaiting || r.FeeDue.String() != "2025-03-10" {
		// 20 WD from 02-10: 11..14, 17..21, 24..28, 03-03..07, 10
		t.Errorf("fee: %d %v %s %s", r.FeeAmount, r.FeePaused, r.State, r.FeeDue)
	}
	if _, err := f.svc.FeeNotice(f.ctx, p, r.ID, &FeeInput{Step: st("2025-02-10"), Mode: FeeByCount}); web.Status(err) != http.StatusConflict {
		t.Errorf("fee notice in fee state: %v", err)
	}
	r = must(f.svc.FeePaid(f.ctx, p, r.ID, &casework.Step{OnText: "2025-02-14"}))
	if r.Due.Reply.String() != "2025-02-27" {
		t.Errorf("after payment: due %s", r.Due.Reply)
	}
	// by count: this applicant's 5th request this year, 1st in its month → free.
	r2 := f.register(p, "2025-01-20", ChannelInPerson)
	if _, err := f.svc.FeeNotice(f.ctx, p, r2.ID, &FeeInput{Step: st("2025-01-21"), Mode: FeeByCount}); err == nil || !strings.Contains(err.Error(), "不收费") {
		t.Errorf("free by count: %v", err)
	}
	_ = must(f.svc.Reply(f.ctx, p, r.ID, &ReplyInput{Step: st("2025-02-27"), Type: "disclose"}))

	// disputes feed table 四; a suit after a pending reconsideration is refused.
	if _, err := f.svc.Dispute(f.ctx, p, r.ID, &DisputeInput{Reconsideration: DisputePending, Litigation: "after:upheld"}); err == nil {
		t.Error("inconsistent dispute accepted")
	}
	_ = must(f.svc.Dispute(f.ctx, p, r.ID, &DisputeInput{Reconsideration: DisputeCorrected, Litigation: "after:pending", Ref: "青政复〔2025〕3号"}))

	// every reply type that answers on the merits can be given
	for _, def := range Replies {
		if def.Closing() || def.Type == "unable_unclear" {
			continue
		}
		x := f.register(p, "2025-06-03", ChannelOnline)
		x = must(f.svc.Reply(f.ctx, p, x.ID, &ReplyInput{Step: st("2025-06-10"), Type: def.Type, Basis: def.Bases[len(def.Bases)-1], Text: "说明"}))
		if x.ReplyType != def.Type || !x.OnTime {
			t.Errorf("%s: %s", def.Type, x.ReplyType)
		}
	}
	o, _ := f.org.ByCode(organCode)
	stt := must(f.svc.Verified(f.ctx, Scope{Organ: o}, 2025))
	if stt.Table4.Reconsideration.Corrected != 1 || stt.Table4.LitigationAfterReconsideration.Pending != 1 || stt.Late != 1 {
		t.Errorf("stats after the flows: %+v", stt.Table4)
	}

	// another organ's liaison cannot see or act on it
	other := f.login("qs_gaj")
	if _, err := f.svc.Get(f.ctx, other, r.ID); web.Status(err) != http.StatusNotFound {
		t.Errorf("other organ: %v", err)
	}
}
