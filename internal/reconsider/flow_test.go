package reconsider

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/secure"
)

func TestMain(m *testing.M) {
	auth.SetTestingCost()
	os.Exit(m.Run())
}

type fixture struct {
	t    *testing.T
	ctx  context.Context
	svc  *Service
	org  *org.Service
	auth *auth.Service
}

// newFixture opens a database with the demo org tree; the clock stands at 2025-06-30.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	d := dbtest.Open(t)
	o := org.New(d)
	if err := o.Load(ctx); err != nil {
		t.Fatal(err)
	}
	a := auth.New(d, o, auth.DefaultSettings())
	if _, err := demo.Load(ctx, d, o, a, "county", nil); err != nil {
		t.Fatal(err)
	}
	key := make([]byte, 16)
	cipher, err := secure.NewFieldCipher(key)
	if err != nil {
		t.Fatal(err)
	}
	cal := calendar.Default()
	s := New(d, o, a, func() *calendar.Calendar { return cal }, cipher)
	s.SetClock(func() time.Time { return time.Date(2025, 6, 30, 10, 0, 0, 0, calendar.Shanghai()) })
	return &fixture{t: t, ctx: ctx, svc: s, org: o, auth: a}
}

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

func (f *fixture) organ(code string) org.Organ {
	o, ok := f.org.ByCode(code)
	if !ok {
		f.t.Fatalf("organ %s missing", code)
	}
	return o
}

// validID is a GB 11643 number with a correct check digit (110101 19900307 123 + check).
func validID(t *testing.T) string {
	base := "11010119900307123"
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(base[i]-'0') * w
	}
	id := base + string("10X98765432"[sum%11])
	if err := secure.ValidateIDNumber(id); err != nil {
		t.Fatal(err)
	}
	return id
}

func (f *fixture) register(p *auth.Principal, received string, amount float64, actType string) *Case {
	f.t.Helper()
	gov := f.organ("990121-GOV")
	in := Intake{OrganID: gov.ID, Channel: ChannelInPerson, ReceivedText: received, ApplicantKind: Natural, ApplicantName: "张三",
		IDNumber: validID(f.t), Phone: "13800138000", RespondentID: f.organ("990121-GAJ").ID, ActType: actType, Field: "公安",
		ActTitle: "青公（治）决字〔2024〕" + received + "号", ActDateText: "2024-01-02", LearnedText: "2024-01-03", Amount: amount,
		Requests: "撤销该处罚决定", Facts: "事实不清"}
	rec, err := f.svc.Register(f.ctx, p, in)
	if err != nil {
		f.t.Fatalf("register: %v", err)
	}
	c, err := f.svc.Get(f.ctx, p, rec.CaseID)
	if err != nil {
		f.t.Fatal(err)
	}
	return c
}

func must(t *testing.T) func(*Case, error) *Case {
	return func(c *Case, err error) *Case {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
}

func date(s string) calendar.Date { return calendar.MustDate(s) }

func eq(t *testing.T, what string, got calendar.Date, want string) {
	t.Helper()
	if got.String() != want {
		t.Errorf("%s = %s, want %s", what, got, want)
	}
}

// The ordinary path through the 2024 National Day holiday, with hand-counted dates.
func TestOrdinaryPathDeadlines(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_fy")
	c := f.register(staff, "2024-09-27", 0, "行政处罚")
	// 5 WD from Fri 09-27: 09-29 (Sun, make-up workday) 1, 09-30 2, holiday 10-01..07, 10-08 3, 10-09 4, 10-10 5.
	eq(t, "accept due", c.Due.Accept, "2024-10-10")
	if c.State != StateReceived || c.ReceiptNo != "990121-2024-00001" {
		t.Fatalf("state %s receipt %s", c.State, c.ReceiptNo)
	}

	c = must(t)(f.svc.Accept(f.ctx, staff, c.ID, AcceptInput{Step: Step{On: date("2024-10-08")}, Procedure: Ordinary}))
	if c.State != StateInReview || c.Number != "青政复〔2024〕1号" {
		t.Fatalf("after accept: %s %q", c.State, c.Number)
	}
	// 7 WD from 10-08: 10-09, 10-10, 10-11, 10-12 (Sat, make-up workday), 10-14, 10-15, 10-16.
	eq(t, "copy due", c.Due.Copy, "2024-10-16")
	// 60 days from 10-08 = 12-07, a Saturday → Monday 12-09.
	eq(t, "decision due", c.Due.Decision, "2024-12-09")

	c = must(t)(f.svc.SendCopy(f.ctx, staff, c.ID, Step{On: date("2024-10-09")}))
	// 10 WD from 10-09: 10-10, 10-11, 10-12 (Sat workday), 10-14 … 10-18, 10-21, 10-22.
	eq(t, "reply due", c.Due.Reply, "2024-10-22")

	liaison := f.login("qs_gaj")
	c = must(t)(f.svc.FileReply(f.ctx, liaison, c.ID, ReplyInput{Step: Step{On: date("2024-10-23")}, Text: "处罚事实清楚"}))
	if c.ReplyLate {
		t.Error("no receipt of the copy is recorded: the reply period is only an estimate and the reply cannot be late (Art. 48)")
	}
	// The copy was handed over on 10-09 (送达回证 signed that day): the period ran 10-10 … 10-22, so 10-23 is late.
	c = must(t)(f.svc.RecordService(f.ctx, staff, c.ID, ServeInput{Step: Step{On: date("2024-10-09")}, Doc: ServedCopy, Method: ServeDirect}))
	if !c.ReplyLate || c.CopyServedOn.String() != "2024-10-09" {
		t.Errorf("a reply on 10-23 is one working day late once the receipt on 10-09 is recorded: late=%v served=%s", c.ReplyLate, c.CopyServedOn)
	}

	if _, err := f.svc.Suspend(f.ctx, staff, c.ID, SuspendInput{Step: Step{On: date("2024-10-20")}, Ground: 6, ApplicantConsent: true}); !errors.Is(err, fault.Invalid) {
		t.Errorf("中止 for 和解 needs both parties' consent (Art. 39(6)), got %v", err)
	}
	c = must(t)(f.svc.Suspend(f.ctx, staff, c.ID, SuspendInput{Step: Step{On: date("2024-10-20")}, Ground: 6, ApplicantConsent: true, RespondentConsent: true}))
	if c.State != StateSuspended || !c.Due.Decision.IsZero() {
		t.Fatalf("suspended case should have no decision date, got %s %s", c.State, c.Due.Decision)
	}
	c = must(t)(f.svc.Resume(f.ctx, staff, c.ID, Step{On: date("2024-11-04")}))
	// 10-21..11-04 (15 days) not counted: 12-07 + 15 = 12-22, a Sunday → 12-23.
	eq(t, "decision due after suspension", c.Due.Decision, "2024-12-23")

	c = must(t)(f.svc.Extend(f.ctx, staff, c.ID, ExtendInput{Step: Step{On: date("2024-12-01"), Note: "案情复杂"}, Days: 30, Approver: "李局长"}))
	// Art. 62: the 30 days run from the end of the original period as the law ends it, 12-23 (Monday, after
	// the Sunday 12-22 rolled over): 12-23 + 30 = 2025-01-22 (Wednesday). Not acceptance + 90 + 15 = 01-21.
	eq(t, "decision due after extension", c.Due.Decision, "2025-01-22")
	if _, err := f.svc.Extend(f.ctx, staff, c.ID, ExtendInput{Step: Step{On: date("2024-12-02"), Note: "再延"}, Days: 1, Approver: "李局长"}); !errors.Is(err, fault.Invalid) {
		t.Errorf("a second extension beyond 30 days must be refused, got %v", err)
	}

	f.heard(c.ID, "2024-12-20")
	c = must(t)(f.svc.Decide(f.ctx, staff, c.ID, DecideInput{Step: Step{On: date("2025-01-10")}, Outcome: Revoke, PerformanceDue: "2025-02-28"}))
	if c.State != StateConcluded || c.Outcome != Revoke || c.DecisionDue.String() != "2025-01-22" {
		t.Fatalf("concluded: %s %s %s", c.State, c.Outcome, c.DecisionDue)
	}
	eq(t, "performance due", c.Due.Performance, "2025-02-28")
	c = must(t)(f.svc.RecordPerformance(f.ctx, staff, c.ID, Step{On: date("2025-02-20")}))
	if !c.Due.Next.IsZero() {
		t.Errorf("nothing is due after performance, got %s", c.Due.Next)
	}
	d, err := f.svc.Detail(f.ctx, staff, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range d.Events {
		actions = append(actions, e.Action)
	}
	want := []string{"register", "accept", "send_copy", "reply", "serve", "suspend", "resume", "extend", "hearing", "decide", "performed"}
	if len(actions) != len(want) {
		t.Fatalf("events %v, want %v", actions, want)
	}
	for i := range want {
		if actions[i] != want[i] {
			t.Fatalf("events %v, want %v", actions, want)
		}
	}
}

// Simplified procedure across the 2025 Spring Festival.
func TestSimplifiedPathDeadlines(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_fy")
	c := f.register(staff, "2025-01-24", 200, "行政处罚")
	// 5 WD from Fri 01-24: 01-26 (Sun workday) 1, 01-27 2, holiday 01-28..02-04, 02-05 3, 02-06 4, 02-07 5.
	eq(t, "accept due", c.Due.Accept, "2025-02-07")
	if _, err := f.svc.Accept(f.ctx, staff, c.ID, AcceptInput{Step: Step{On: date("2025-01-27")}, Procedure: Simplified, SimplifiedGround: 4}); !errors.Is(err, fault.Invalid) {
		t.Fatalf("ground 4 needs a 政府信息公开 case, got %v", err)
	}
	c = must(t)(f.svc.Accept(f.ctx, staff, c.ID, AcceptInput{Step: Step{On: date("2025-01-27")}, Procedure: Simplified, SimplifiedGround: 3}))
	eq(t, "copy due (3 WD)", c.Due.Copy, "2025-02-07")
	eq(t, "decision due (30 days)", c.Due.Decision, "2025-02-26")
	c = must(t)(f.svc.SendCopy(f.ctx, staff, c.ID, Step{On: date("2025-02-05")}))
	// 5 WD from 02-05: 02-06, 02-07, 02-08 (Sat workday), 02-10, 02-11.
	eq(t, "reply due (5 WD)", c.Due.Reply, "2025-02-11")
	if _, err := f.svc.Extend(f.ctx, staff, c.ID, ExtendInput{Step: Step{On: date("2025-02-10"), Note: "x"}, Days: 10, Approver: "李"}); !errors.Is(err, fault.Conflict) {
		t.Errorf("simplified cases cannot be extended, got %v", err)
	}
	c = must(t)(f.svc.Convert(f.ctx, staff, c.ID, ConvertInput{Step: Step{On: date("2025-02-10"), Note: "案情复杂"}, Approver: "李局长"}))
	// Ordinary now: 60 days from 01-27 = 03-28 (Friday).
	eq(t, "decision due after conversion", c.Due.Decision, "2025-03-28")
}

// 补正 restarts the acceptance clock; the 2024 Spring Festival and its make-up Sundays lie inside.
func TestAmendmentRestartsAcceptance(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_fy")
	c := f.register(staff, "2024-02-08", 0, "行政许可")
	// 02-09 1, holiday 02-10..17, 02-18 (Sun workday) 2, 02-19 3, 02-20 4, 02-21 5.
	eq(t, "accept due", c.Due.Accept, "2024-02-21")
	if _, err := f.svc.RequestAmendment(f.ctx, staff, c.ID, Step{On: date("2024-02-22")}, "身份证明"); !errors.Is(err, fault.Invalid) {
		t.Errorf("a 补正通知 after the five working days must be refused, got %v", err)
	}
	c = must(t)(f.svc.RequestAmendment(f.ctx, staff, c.ID, Step{On: date("2024-02-09")}, "身份证明；行政行为文书"))
	// 10 WD from 02-09 (handed to the applicant that day): 02-18, 19, 20, 21, 22, 23, 26, 27, 28, 29.
	eq(t, "amend due (provisional)", c.Due.Amend, "2024-02-29")
	// 留置送达 (民事诉讼法第八十九条) needs the refusal and the witness or recording written down.
	if _, err := f.svc.RecordService(f.ctx, staff, c.ID, ServeInput{Step: Step{On: date("2024-02-09")}, Doc: ServedAmendNotice, Method: ServeLeave}); !errors.Is(err, fault.Invalid) {
		t.Errorf("留置送达 without the refusal recorded must be refused, got %v", err)
	}
	c = must(t)(f.svc.RecordService(f.ctx, staff, c.ID, ServeInput{Step: Step{On: date("2024-02-09")}, Doc: ServedAmendNotice, Method: ServeDirect}))
	eq(t, "amend due", c.Due.Amend, "2024-02-29")
	if _, err := f.svc.AmendmentLapsed(f.ctx, staff, c.ID, Step{On: date("2024-02-29")}); !errors.Is(err, fault.Invalid) {
		t.Errorf("the period has not lapsed on its last day, got %v", err)
	}
	c = must(t)(f.svc.ReceiveAmendment(f.ctx, staff, c.ID, Step{On: date("2024-02-28")}))
	// Restart from 02-28: 02-29, 03-01, 03-04, 03-05, 03-06.
	eq(t, "accept due after amendment", c.Due.Accept, "2024-03-06")
	if c.State != StateReceived {
		t.Fatalf("state %s", c.State)
	}
	if _, err := f.svc.Reject(f.ctx, staff, c.ID, RejectInput{Step: Step{On: date("2024-03-07")}, Ground: "超过申请期限"}); !errors.Is(err, fault.Invalid) {
		t.Errorf("a refusal after the review period must be refused (deemed accepted), got %v", err)
	}
	c = must(t)(f.svc.Reject(f.ctx, staff, c.ID, RejectInput{Step: Step{On: date("2024-03-06")}, Ground: "不属于本机关管辖", Competent: "示范市人民政府"}))
	if c.State != StateNotAccepted || c.ClosedOn.String() != "2024-03-06" {
		t.Fatalf("rejected: %s %s", c.State, c.ClosedOn)
	}
}

func TestAmendmentLapsedAndOtherHandling(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_fy")
	c := f.register(staff, "2024-03-01", 0, "行政处罚")
	c = must(t)(f.svc.RequestAmendment(f.ctx, staff, c.ID, Step{On: date("2024-03-04")}, "申请书签名"))
	// 10 WD from Mon 03-04: 03-05 … 03-08 (4), 03-11 … 03-15 (9), 03-18 (10).
	eq(t, "amend due", c.Due.Amend, "2024-03-18")
	c = must(t)(f.svc.RecordService(f.ctx, staff, c.ID, ServeInput{Step: Step{On: date("2024-03-04")}, Doc: ServedAmendNotice, Method: ServeElectronic}))
	c = must(t)(f.svc.AmendmentLapsed(f.ctx, staff, c.ID, Step{On: date("2024-03-19")}))
	if c.State != StateOther {
		t.Fatalf("state %s", c.State)
	}
	for _, kind := range []string{"inform", "transfer", "withdraw"} {
		c := f.register(staff, "2024-04-01", 0, "行政处罚")
		in := OtherInput{Step: Step{On: date("2024-04-02")}, Kind: kind, Target: "示范市人民政府"}
		c = must(t)(f.svc.CloseOther(f.ctx, staff, c.ID, in))
		if c.State != StateOther || c.CloseReason == "" {
			t.Errorf("%s: %s %q", kind, c.State, c.CloseReason)
		}
	}
}

func TestDeemedAcceptance(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_fy")
	c := f.register(staff, "2024-09-27", 0, "行政处罚")
	n, err := f.svc.DeemAccepted(f.ctx)
	if err != nil || n != 1 {
		t.Fatalf("deemed %d, %v", n, err)
	}
	c, _ = f.svc.Get(f.ctx, staff, c.ID)
	if c.State != StateInReview || !c.Deemed {
		t.Fatalf("state %s deemed %v", c.State, c.Deemed)
	}
	eq(t, "accepted on the day the review period ended", c.AcceptedOn, "2024-10-10")
	// 60 days from 10-10 = 12-09 (Monday).
	eq(t, "decision due", c.Due.Decision, "2024-12-09")
}

func TestHearingNotice(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_fy")
	c := f.register(staff, "2024-09-20", 0, "行政处罚")
	c = must(t)(f.svc.Accept(f.ctx, staff, c.ID, AcceptInput{Step: Step{On: date("2024-09-23")}, Procedure: Ordinary}))
	// Notice Thu 09-26: 09-27 1, 09-29 (Sun workday) 2, 09-30 3, 10-08 4, 10-09 5 → earliest hearing 10-09.
	_, err := f.svc.RecordHearing(f.ctx, staff, c.ID, HearingInput{Kind: HearingFormal, NoticeOn: "2024-09-26", HeldOn: "2024-10-08", Panel: "王一、李二、赵三"})
	var fe *fault.Fields
	if !errors.As(err, &fe) || fe.Fields["held_on"] == "" {
		t.Fatalf("hearing on 10-08 after notice on 09-26 must be refused, got %v", err)
	}
	if _, err := f.svc.RecordHearing(f.ctx, staff, c.ID, HearingInput{Kind: HearingFormal, NoticeOn: "2024-09-26", HeldOn: "2024-10-09", Panel: "王一、李二"}); !errors.Is(err, fault.Invalid) {
		t.Errorf("a panel of two must be refused, got %v", err)
	}
	c = must(t)(f.svc.RecordHearing(f.ctx, staff, c.ID, HearingInput{Kind: HearingFormal, NoticeOn: "2024-09-26", HeldOn: "2024-10-09", Panel: "王一、李二、赵三", Place: "县司法局听证室"}))
	d, _ := f.svc.Detail(f.ctx, staff, c.ID)
	if len(d.Hearings) != 1 || d.Hearings[0].HeldOn.String() != "2024-10-09" {
		t.Fatalf("hearings %+v", d.Hearings)
	}
}

func TestEveryDecisionTypeAndMediationTermination(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_fy")
	acceptedAs := func(actType string) *Case {
		c := f.register(staff, "2024-05-06", 0, actType)
		return must(t)(f.svc.Accept(f.ctx, staff, c.ID, AcceptInput{Step: Step{On: date("2024-05-07")}, Procedure: Ordinary}))
	}
	accepted := func() *Case { return acceptedAs("行政处罚") }
	for _, o := range Outcomes {
		actType := "行政处罚"
		switch o {
		case DismissRequest:
			actType = ActTypeNonPerformance // Art. 69
		case AgreementLiability, AgreementCompensation:
			actType = "行政协议" // Art. 71
		}
		c := acceptedAs(actType)
		switch o {
		case Mediation:
			c = must(t)(f.svc.Mediate(f.ctx, staff, c.ID, MediateInput{Step: Step{On: date("2024-06-01")}, Agreement: "被申请人减少罚款"}))
		case Terminate:
			c = must(t)(f.svc.Terminate(f.ctx, staff, c.ID, TerminateInput{Step: Step{On: date("2024-06-01")}, Ground: 1, Settled: true, Corrected: true}))
		default:
			f.heard(c.ID, "2024-05-20")
			c = must(t)(f.svc.Decide(f.ctx, staff, c.ID, DecideInput{Step: Step{On: date("2024-06-01")}, Outcome: o}))
		}
		if c.State != StateConcluded || c.Outcome != o {
			t.Errorf("%s: state %s outcome %s", o, c.State, c.Outcome)
		}
		// 60 days from 05-07 = 07-06 (Saturday) → 07-08.
		eq(t, string(o)+" frozen decision due", c.DecisionDue, "2024-07-08")
	}
	// Art. 70 only allows corrective decisions.
	c := accepted()
	if _, err := f.svc.Decide(f.ctx, staff, c.ID, DecideInput{Step: Step{On: date("2024-06-01")}, Outcome: Uphold, NoReply: true}); !errors.Is(err, fault.Invalid) {
		t.Errorf("upholding under Art. 70 must be refused, got %v", err)
	}
	// Termination for a 60-day suspension needs the suspension to be that long and of the right kind.
	c = must(t)(f.svc.Suspend(f.ctx, staff, c.ID, SuspendInput{Step: Step{On: date("2024-05-10")}, Ground: 1}))
	if _, err := f.svc.Terminate(f.ctx, staff, c.ID, TerminateInput{Step: Step{On: date("2024-07-08")}, Ground: 5}); !errors.Is(err, fault.Invalid) {
		t.Errorf("59 days of suspension is not enough, got %v", err)
	}
	c = must(t)(f.svc.Terminate(f.ctx, staff, c.ID, TerminateInput{Step: Step{On: date("2024-07-09")}, Ground: 5}))
	if c.State != StateConcluded {
		t.Fatal(c.State)
	}
	// Decisions during suspension are refused.
	c = accepted()
	c = must(t)(f.svc.Suspend(f.ctx, staff, c.ID, SuspendInput{Step: Step{On: date("2024-05-10")}, Ground: 8}))
	if _, err := f.svc.Decide(f.ctx, staff, c.ID, DecideInput{Step: Step{On: date("2024-06-01")}, Outcome: Uphold}); !errors.Is(err, fault.Conflict) {
		t.Errorf("a suspended case cannot be decided, got %v", err)
	}
}

func TestOpinionReportBack(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_fy")
	c := f.register(staff, "2024-09-02", 0, "行政处罚")
	c = must(t)(f.svc.Accept(f.ctx, staff, c.ID, AcceptInput{Step: Step{On: date("2024-09-03")}, Procedure: Ordinary}))
	c = must(t)(f.svc.IssueOpinion(f.ctx, staff, c.ID, OpinionInput{Step: Step{On: date("2024-11-01")}, RecipientID: f.organ("990121-GAJ").ID, Content: "执法程序不规范"}))
	d, _ := f.svc.Detail(f.ctx, staff, c.ID)
	if len(d.Opinions) != 1 {
		t.Fatal("opinion missing")
	}
	// 60 days from 11-01 = 12-31 (Tuesday).
	eq(t, "report due", d.Opinions[0].ReportDue, "2024-12-31")
	todos, err := f.svc.Todos(f.ctx, staff)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, td := range todos {
		if td.Due.String() == "2024-12-31" {
			found = true
		}
	}
	if !found {
		t.Error("the opinion's report-back is not on the workbench")
	}
	must(t)(f.svc.ReportOpinion(f.ctx, staff, c.ID, d.Opinions[0].ID, Step{On: date("2024-12-20")}, "已整改"))
	if _, err := f.svc.ReportOpinion(f.ctx, staff, c.ID, d.Opinions[0].ID, Step{On: date("2024-12-21")}, "再报"); !errors.Is(err, fault.Conflict) {
		t.Errorf("a report can be recorded once, got %v", err)
	}
}

func TestPermissionsAndScope(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_fy")
	c := f.register(staff, "2024-09-02", 0, "行政处罚")
	c = must(t)(f.svc.Accept(f.ctx, staff, c.ID, AcceptInput{Step: Step{On: date("2024-09-03")}, Procedure: Ordinary}))
	c = must(t)(f.svc.SendCopy(f.ctx, staff, c.ID, Step{On: date("2024-09-04")}))

	other := f.login("ls_fy") // another county's office
	if _, err := f.svc.Get(f.ctx, other, c.ID); !errors.Is(err, fault.NotFound) {
		t.Errorf("another county must not see the case, got %v", err)
	}
	if _, err := f.svc.Decide(f.ctx, other, c.ID, DecideInput{Step: Step{On: date("2024-10-01")}, Outcome: Uphold}); !errors.Is(err, fault.NotFound) {
		t.Errorf("another county must not decide the case, got %v", err)
	}
	wrongLiaison := f.login("qs_sjj") // market regulation is not the respondent
	if _, err := f.svc.FileReply(f.ctx, wrongLiaison, c.ID, ReplyInput{Step: Step{On: date("2024-09-10")}, Text: "x"}); !errors.Is(err, fault.NotFound) {
		t.Errorf("a liaison of another department must not reply, got %v", err)
	}
	liaison := f.login("qs_gaj")
	if _, err := f.svc.Accept(f.ctx, liaison, c.ID, AcceptInput{Step: Step{On: date("2024-09-03")}, Procedure: Ordinary}); !errors.Is(err, fault.Forbidden) {
		t.Errorf("a liaison must not handle the case, got %v", err)
	}
	todos, err := f.svc.Todos(f.ctx, liaison)
	// 10 WD from Wed 09-04: 09-05, 06, 09, 10, 11, 12, 13, 14 (Sat, make-up workday), holiday 09-15..17, 09-18, 09-19.
	if err != nil || len(todos) != 1 || todos[0].Due.String() != "2024-09-19" {
		t.Errorf("liaison todos %+v err %v, want one reply due 2024-09-19", todos, err)
	}
	must(t)(f.svc.FileReply(f.ctx, liaison, c.ID, ReplyInput{Step: Step{On: date("2024-09-10")}, Text: "答复意见"}))
	leader := f.login("qs_ld")
	if _, err := f.svc.Get(f.ctx, leader, c.ID); err != nil {
		t.Error("the county leader reads the case")
	}
	if _, err := f.svc.SendCopy(f.ctx, leader, c.ID, Step{On: date("2024-09-10")}); !errors.Is(err, fault.Forbidden) {
		t.Errorf("a leader is read-only, got %v", err)
	}
	// Stale version: a second clerk's form.
	if _, err := f.svc.Suspend(f.ctx, staff, c.ID, SuspendInput{Step: Step{On: date("2024-09-11"), Version: 1}, Ground: 5}); !errors.Is(err, fault.Conflict) {
		t.Errorf("a stale version must be refused, got %v", err)
	}
}

func TestRegisterValidationAndDuplicates(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_fy")
	_, err := f.svc.Register(f.ctx, staff, Intake{OrganID: f.organ("990121-GOV").ID, Channel: ChannelPost, ReceivedText: "2099-01-01", ApplicantKind: Natural, IDNumber: "110101199003071230", Phone: "123"})
	var fe *fault.Fields
	if !errors.As(err, &fe) {
		t.Fatalf("want a form error, got %v", err)
	}
	for _, field := range []string{"received_on", "id_number", "phone", "applicant_name", "respondent", "act_type", "act_title", "learned_on", "requests", "facts"} {
		if fe.Fields[field] == "" {
			t.Errorf("no message for %s (%v)", field, fe.Fields)
		}
	}
	a := f.register(staff, "2024-03-01", 0, "行政处罚")
	if a.DuplicateOf != "" {
		t.Error("the first application is no duplicate")
	}
	b := f.register(staff, "2024-03-01", 0, "行政处罚")
	if b.DuplicateOf != a.ReceiptNo {
		t.Errorf("duplicate of %q, want %q", b.DuplicateOf, a.ReceiptNo)
	}
	// Public application and progress lookup.
	in := Intake{OrganID: f.organ("990121-GOV").ID, ApplicantKind: LegalPerson, ApplicantName: "某某公司", IDNumber: "91350100M000100Y43", Phone: "13800138000",
		Respondent: "青山县市场监督管理局", ActType: "行政处罚", Field: "市场监管", ActTitle: "青市监罚〔2025〕3号", LearnedText: "2025-06-20", Requests: "撤销", Facts: "理由"}
	rec, err := f.svc.Register(f.ctx, nil, in)
	if err != nil || rec.QueryCode == "" {
		t.Fatalf("public register: %v %+v", err, rec)
	}
	if _, _, err := f.svc.PublicProgress(f.ctx, rec.ReceiptNo, "000000x"); !errors.Is(err, fault.NotFound) {
		t.Errorf("a wrong query code must not find the case, got %v", err)
	}
	pr, _, err := f.svc.PublicProgress(f.ctx, rec.ReceiptNo, rec.QueryCode)
	if err != nil || pr.State != StateReceived || pr.ReceivedOn.String() != "2025-06-30" {
		t.Fatalf("progress %+v %v", pr, err)
	}
}

// A new holiday notice re-dates the open deadlines and says which moved.
func TestCalendarChangeRedatesOpenCases(t *testing.T) {
	f := newFixture(t)
	store := calendar.NewStore(f.svc.db)
	f.svc.cal = store.Current
	store.OnChange(f.svc.Redate)
	staff := f.login("qs_fy")
	open := f.register(staff, "2024-09-27", 0, "行政处罚")
	eq(t, "accept due", open.Due.Accept, "2024-10-10")
	closed := f.register(staff, "2024-09-27", 0, "行政处罚")
	must(t)(f.svc.CloseOther(f.ctx, staff, closed.ID, OtherInput{Step: Step{On: date("2024-09-29")}, Kind: "withdraw"}))

	// Suppose the 2024 notice had also made Tuesday 10-08 a rest day.
	var n2024 calendar.YearNotice
	for _, n := range calendar.Builtin() {
		if n.Year == 2024 {
			n2024 = n
		}
	}
	n2024.Off = append(n2024.Off, date("2024-10-08"))
	moved, err := store.Save(f.ctx, []calendar.YearNotice{n2024})
	if err != nil {
		t.Fatal(err)
	}
	if len(moved) != 1 || moved[0].Old.String() != "2024-10-10" || moved[0].New.String() != "2024-10-11" {
		t.Fatalf("moved %+v, want the open case's acceptance deadline 2024-10-10 → 2024-10-11", moved)
	}
	c, _ := f.svc.Get(f.ctx, staff, open.ID)
	eq(t, "stored accept due", c.Due.Accept, "2024-10-11")
}

// Dates given as text (forms, JSON, CLI) reach the transition parsed.
func TestStepDatesFromText(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_fy")
	c := f.register(staff, "2024-09-27", 0, "行政处罚")
	c = must(t)(f.svc.RequestAmendment(f.ctx, staff, c.ID, Step{OnText: "2024-09-30"}, "身份证明"))
	eq(t, "amend notice", c.AmendNoticeOn, "2024-09-30")
	// 10 WD from 09-30: holiday to 10-07, 10-08 … 10-11, 10-12 (Sat workday), 10-14 … 10-18 → 10-18.
	eq(t, "amend due", c.Due.Amend, "2024-10-18")
	c = must(t)(f.svc.ReceiveAmendment(f.ctx, staff, c.ID, Step{OnText: "2024-10-09"}))
	c = must(t)(f.svc.Accept(f.ctx, staff, c.ID, AcceptInput{Step: Step{OnText: "2024-10-10"}, Procedure: Ordinary}))
	eq(t, "accepted", c.AcceptedOn, "2024-10-10")
	f.heard(c.ID, "2024-10-25")
	c = must(t)(f.svc.Decide(f.ctx, staff, c.ID, DecideInput{Step: Step{OnText: "2024-11-01"}, Outcome: Uphold}))
	eq(t, "closed", c.ClosedOn, "2024-11-01")
	if _, err := f.svc.SendCopy(f.ctx, staff, c.ID, Step{OnText: "2024-13-01"}); !errors.Is(err, fault.Invalid) {
		t.Errorf("a bad date must be refused, got %v", err)
	}
}
