package review

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/settings"
)

func TestMain(m *testing.M) {
	auth.SetTestingCost()
	os.Exit(m.Run())
}

type fixture struct {
	t    *testing.T
	ctx  context.Context
	db   *db.DB
	svc  *Service
	org  *org.Service
	auth *auth.Service
}

// newFixture opens a database with the demo org tree; the clock stands at 2025-12-31.
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
	cal := calendar.Default()
	s := New(d, o, a, func() *calendar.Calendar { return cal })
	s.SetClock(func() time.Time { return time.Date(2025, 12, 31, 10, 0, 0, 0, calendar.Shanghai()) })
	return &fixture{t: t, ctx: ctx, db: d, svc: s, org: o, auth: a}
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

func must(t *testing.T) func(*Request, error) *Request {
	return func(r *Request, err error) *Request {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
}

// refused fails unless err is the refusal want (fault.NotFound, Forbidden, Conflict or Invalid).
func refused(t *testing.T, err, want error, what string) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s: got %v, want %v", what, err, want)
	}
}

// errOf keeps the error of a call that returns a value too.
func errOf[T any](_ T, err error) error { return err }

func date(s string) calendar.Date { return calendar.MustDate(s) }

func eq(t *testing.T, what string, got calendar.Date, want string) {
	t.Helper()
	if got.String() != want {
		t.Errorf("%s = %s, want %s", what, got, want)
	}
}

func allCodes(k Kind) []string {
	var out []string
	for _, it := range k.Checklist() {
		out = append(out, it.Code)
	}
	return out
}

// submit files a complete request of kind k on date on from the liaison.
func (f *fixture) submit(p *auth.Principal, k Kind, title, on string) *Request {
	f.t.Helper()
	r, err := f.svc.Submit(f.ctx, p, SubmitInput{Kind: k, Title: title, Summary: "起草说明", Draft: "第一条 为了规范管理，制定本办法。", Provided: allCodes(k), Step: Step{On: date(on)}})
	if err != nil {
		f.t.Fatalf("submit: %v", err)
	}
	return r
}

// accepted submits and accepts a request, assigning qs_sc (and qs_gw when dual).
func (f *fixture) accepted(k Kind, title, on string) *Request {
	f.t.Helper()
	liaison, staff := f.login("qs_gaj"), f.login("qs_sc")
	r := f.submit(liaison, k, title, on)
	in := CheckInput{Step: Step{On: date(on)}, ReviewerID: staff.UserID}
	if kindInfo[k].dual {
		in.AdvisorID = f.login("qs_gw").UserID
	}
	return must(f.t)(f.svc.Check(f.ctx, staff, r.ID, in))
}

func TestIncompleteMaterialsReturned(t *testing.T) {
	f := newFixture(t)
	liaison, staff := f.login("qs_gaj"), f.login("qs_sc")
	r, err := f.svc.Submit(f.ctx, liaison, SubmitInput{Kind: KindNormdoc, Title: "青山县公安局关于规范户籍管理的暂行规定", Provided: []string{"letter", "draft"}, Step: Step{On: date("2025-03-03")}})
	if err != nil {
		t.Fatal(err)
	}
	if r.ReceiptNo != "青司审收〔2025〕1号" || r.State != StateSubmitted {
		t.Fatalf("receipt %q state %s", r.ReceiptNo, r.State)
	}
	// 3 WD from Mon 03-03: 03-04, 03-05, 03-06.
	eq(t, "check due", r.Due.Check, "2025-03-06")
	r = must(t)(f.svc.Check(f.ctx, staff, r.ID, CheckInput{Step: Step{On: date("2025-03-04")}, Extra: []string{"起草说明未附征求意见汇总表"}}))
	if r.State != StateReturned {
		t.Fatalf("state %s, want returned", r.State)
	}
	want := []string{"起草说明（制定必要性、主要内容、论证情况）", "制定依据（法律、法规、规章和上级文件）", "征求意见及采纳情况（含公开征求意见材料）", "起草单位法制机构合法性初审意见", "起草说明未附征求意见汇总表"}
	if strings.Join(r.Missing, "|") != strings.Join(want, "|") {
		t.Errorf("missing %q\nwant    %q", r.Missing, want)
	}
	if !r.Due.Next.IsZero() {
		t.Errorf("no clock runs while materials are missing, got %s", r.Due.Next)
	}
	refused(t, errOf(f.svc.Check(f.ctx, staff, r.ID, CheckInput{Step: Step{On: date("2025-03-05")}})), fault.Conflict, "a returned request cannot be checked before the supplement")
	r = must(t)(f.svc.Resubmit(f.ctx, liaison, r.ID, ResubmitInput{Step: Step{On: date("2025-03-07")}, Provided: []string{"explanation", "basis", "comments"}}))
	r = must(t)(f.svc.Check(f.ctx, staff, r.ID, CheckInput{Step: Step{On: date("2025-03-07")}}))
	if r.State != StateReturned || len(r.Missing) != 1 || r.ReturnCount != 2 {
		t.Fatalf("still missing the preliminary opinion: %s %q %d", r.State, r.Missing, r.ReturnCount)
	}
	r = must(t)(f.svc.Resubmit(f.ctx, liaison, r.ID, ResubmitInput{Step: Step{On: date("2025-03-10")}, Provided: []string{"prelim"}}))
	r = must(t)(f.svc.Check(f.ctx, staff, r.ID, CheckInput{Step: Step{On: date("2025-03-11")}, ReviewerID: staff.UserID}))
	if r.State != StateInReview || r.AcceptedOn.String() != "2025-03-11" || r.ReviewerID != staff.UserID || r.MinDays != 5 || r.MaxDays != 15 {
		t.Fatalf("accepted: %+v", r)
	}
	// 15 WD from Tue 03-11: 03-12..14 (3), 03-17..21 (8), 03-24..28 (13), 03-31 (14), 04-01 (15).
	eq(t, "review due", r.Due.Review, "2025-04-01")
	d, err := f.svc.Detail(f.ctx, staff, r.ID)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, e := range d.Events {
		actions = append(actions, e.Action)
	}
	if got := strings.Join(actions, ","); got != "submit,return,resubmit,return,resubmit,accept" {
		t.Errorf("events %s", got)
	}
	if e := d.Events[3]; e.FromState != "submitted" || e.ToState != "returned" || e.Note != "起草单位法制机构合法性初审意见" || e.ActorID != staff.UserID {
		t.Errorf("the second return %+v", e)
	}
	// The timeline lives in the platform's case_events.
	var n int
	if err := f.db.QueryRowContext(f.ctx, `SELECT COUNT(*) FROM case_events WHERE owner_type = 'review_request' AND owner_id = ?`, r.ID).Scan(&n); err != nil || n != 6 {
		t.Errorf("case_events rows %d %v", n, err)
	}
	var audited int
	if err := f.db.QueryRowContext(f.ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'review.return' AND object_id = ?`, r.ID).Scan(&audited); err != nil || audited != 2 {
		t.Errorf("audit review.return %d %v", audited, err)
	}
}

// The review period across the 2025 National Day holiday, with its make-up Sunday and Saturday.
func TestReviewPeriodAcrossHolidays(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_sc")
	r := f.accepted(KindNormdoc, "关于加强城区停车管理的通知", "2025-09-26")
	// 15 WD from Fri 09-26: 09-28 (Sun, make-up) 1, 09-29 2, 09-30 3, holiday 10-01..08, 10-09 4, 10-10 5,
	// 10-11 (Sat, make-up) 6, 10-13..17 (11), 10-20..23 (15).
	eq(t, "review due", r.Due.Review, "2025-10-23")
	// The minimum of 5 WD ends on 10-10: a conclusion on 10-09 needs the urgency ground.
	must(t)(f.svc.SubmitAssessment(f.ctx, staff, r.ID, AssessInput{Step: Step{On: date("2025-10-09")}, Suggestion: Agree}))
	_, err := f.svc.Conclude(f.ctx, staff, r.ID, ConcludeInput{Step: Step{On: date("2025-10-09")}, Conclusion: Agree})
	var fe *fault.Fields
	if !errors.As(err, &fe) || !strings.Contains(fe.Fields["on"], "2025-10-10") {
		t.Fatalf("a conclusion inside the minimum period must be refused, got %v", err)
	}
	// 115号: 15 working days at most; without a province setting allowing more, no extension.
	_, err = f.svc.Extend(f.ctx, staff, r.ID, ExtendInput{Step: Step{On: date("2025-10-09"), Note: "涉及多部门职责"}, Days: 5, Approver: "局长"})
	if !errors.As(err, &fe) || !strings.Contains(fe.Fields["days"], "不得延长") || !strings.Contains(fe.Fields["days"], "115号") {
		t.Fatalf("an extension of a normative document's review without a setting: %v", err)
	}
	if err := f.db.Tx(f.ctx, func(tx *db.Tx) error {
		return f.svc.settings.Set(f.ctx, tx, r.OrganID, settingDef(KeyNormdocExtension), "10")
	}); err != nil {
		t.Fatal(err)
	}
	r = must(t)(f.svc.Extend(f.ctx, staff, r.ID, ExtendInput{Step: Step{On: date("2025-10-09"), Note: "涉及多部门职责"}, Days: 5, Approver: "局长"}))
	// +5 WD: 10-24, 10-27..30.
	eq(t, "review due after extension", r.Due.Review, "2025-10-30")
	refused(t, errOf(f.svc.Extend(f.ctx, staff, r.ID, ExtendInput{Step: Step{On: date("2025-10-09"), Note: "再延"}, Days: 6, Approver: "局长"})), fault.Invalid, "extensions beyond 10 WD in total must be refused")
	r = must(t)(f.svc.Conclude(f.ctx, staff, r.ID, ConcludeInput{Step: Step{On: date("2025-10-31")}, Conclusion: Agree}))
	if r.OnTime() || r.ReviewDue.String() != "2025-10-30" {
		t.Errorf("concluded 10-31 after a due date of 10-30 is late: on time %v due %s", r.OnTime(), r.ReviewDue)
	}
}

func TestDoubleReviewBlindness(t *testing.T) {
	f := newFixture(t)
	staff, advisor, leader, liaison := f.login("qs_sc"), f.login("qs_gw"), f.login("qs_ld"), f.login("qs_gaj")
	r := f.accepted(KindDecision, "青山县城区老旧小区改造实施方案", "2025-05-06")
	if !r.Dual || r.AdvisorID != advisor.UserID || r.MinDays != 7 {
		t.Fatalf("a major decision is dual-reviewed with 7 WD minimum: %+v", r)
	}
	op1, err := f.svc.AddOpinion(f.ctx, staff, r.ID, OpinionInput{Content: "第五条关于强制搬迁的规定缺乏法律依据", Basis: "《国有土地上房屋征收与补偿条例》第二十八条"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.AddOpinion(f.ctx, advisor, r.ID, OpinionInput{Content: "补偿标准应当公开征求意见"}); err != nil {
		t.Fatal(err)
	}
	refused(t, errOf(f.svc.AddOpinion(f.ctx, leader, r.ID, OpinionInput{Content: "x"})), fault.Forbidden, "a leader is not a reviewer of this request")
	seen := func(p *auth.Principal) (ops []string, assessments int) {
		t.Helper()
		d, err := f.svc.Detail(f.ctx, p, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range d.Opinions {
			ops = append(ops, string(o.Role))
		}
		return ops, len(d.Assessments)
	}
	check := func(stage string, p *auth.Principal, want string) {
		t.Helper()
		ops, _ := seen(p)
		if got := strings.Join(ops, ","); got != want {
			t.Errorf("%s: %s sees opinions of [%s], want [%s]", stage, p.Username, got, want)
		}
	}
	check("drafting", staff, "reviewer")
	check("drafting", advisor, "advisor")
	check("drafting", leader, "")
	check("drafting", liaison, "")

	must(t)(f.svc.SubmitAssessment(f.ctx, staff, r.ID, AssessInput{Step: Step{On: date("2025-05-12")}, Suggestion: AgreeAmended, Summary: "修改后可以提请审议"}))
	check("reviewer in", staff, "reviewer")
	check("reviewer in", advisor, "advisor")
	if _, n := seen(advisor); n != 1 {
		t.Errorf("the advisor sees %d assessments before handing in, want only its own", n)
	}
	refused(t, f.svc.DeleteOpinion(f.ctx, staff, r.ID, op1.ID), fault.Conflict, "a submitted opinion is frozen")
	refused(t, errOf(f.svc.Conclude(f.ctx, staff, r.ID, ConcludeInput{Step: Step{On: date("2025-05-20")}, Conclusion: AgreeAmended})), fault.Conflict, "no conclusion before the advisor's opinion is in")
	// The rule holds in SQL, whatever page or export asks.
	ops, err := listOpinions(f.ctx, f.db, r.ID, advisor.UserID, false)
	if err != nil || len(ops) != 1 || ops[0].Role != RoleAdvisor {
		t.Fatalf("store: advisor reads %+v (%v)", ops, err)
	}

	must(t)(f.svc.SubmitAssessment(f.ctx, advisor, r.ID, AssessInput{Step: Step{On: date("2025-05-13")}, Suggestion: AgreeAmended}))
	check("both in", staff, "reviewer,advisor")
	check("both in", advisor, "reviewer,advisor")
	check("both in", leader, "reviewer,advisor")
	check("both in (not concluded)", liaison, "")
	if _, n := seen(advisor); n != 2 {
		t.Errorf("both assessments visible once in, got %d", n)
	}
	r = must(t)(f.svc.Conclude(f.ctx, staff, r.ID, ConcludeInput{Step: Step{On: date("2025-05-20")}, Conclusion: AgreeAmended, Text: "请修改后提请县政府常务会议审议"}))
	if r.OpinionCount != 2 || r.OpinionNumber != "青司审〔2025〕1号" {
		t.Fatalf("concluded %d opinions, number %q", r.OpinionCount, r.OpinionNumber)
	}
	check("concluded", liaison, "reviewer,advisor")
	d, _ := f.svc.Detail(f.ctx, liaison, r.ID)
	if d.Opinions[0].FinalNo != 1 || d.Opinions[1].FinalNo != 2 || d.Assessments != nil {
		t.Errorf("department sees numbered opinions only: %+v / %+v", d.Opinions, d.Assessments)
	}
}

func TestEachConclusion(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_sc")
	cases := []struct {
		c       Conclusion
		opinion bool
		text    string
	}{{Agree, false, ""}, {AgreeAmended, true, ""}, {Disagree, true, "制定主体不适格"}, {Defer, false, "上位法正在修订"}}
	for i, tc := range cases {
		r := f.accepted(KindMeeting, fmt.Sprintf("议题%d", i), "2025-06-03")
		if r.MinDays != 0 || r.MaxDays != 5 {
			t.Fatalf("meeting topics: %d–%d WD", r.MinDays, r.MaxDays)
		}
		// 5 WD from Tue 06-03: 06-04, 05, 06, 09, 10.
		eq(t, "meeting review due", r.Due.Review, "2025-06-10")
		if tc.opinion {
			if _, err := f.svc.AddOpinion(f.ctx, staff, r.ID, OpinionInput{Content: "意见" + string(tc.c)}); err != nil {
				t.Fatal(err)
			}
		}
		must(t)(f.svc.SubmitAssessment(f.ctx, staff, r.ID, AssessInput{Step: Step{On: date("2025-06-04")}, Suggestion: tc.c, Summary: tc.text}))
		if tc.text != "" {
			_, err := f.svc.Conclude(f.ctx, staff, r.ID, ConcludeInput{Step: Step{On: date("2025-06-05")}, Conclusion: tc.c})
			refused(t, err, fault.Invalid, string(tc.c)+" without reasons must be refused")
		}
		r = must(t)(f.svc.Conclude(f.ctx, staff, r.ID, ConcludeInput{Step: Step{On: date("2025-06-05")}, Conclusion: tc.c, Text: tc.text}))
		if r.State != StateConcluded || r.Conclusion != tc.c || !r.OnTime() || r.OpinionNumber != fmt.Sprintf("青司审〔2025〕%d号", i+1) {
			t.Errorf("%s: %s %s on time %v number %s", tc.c, r.State, r.Conclusion, r.OnTime(), r.OpinionNumber)
		}
		if doc, err := f.svc.OpinionDocument(f.ctx, staff, r.ID); err != nil || doc.Number != r.OpinionNumber {
			t.Errorf("%s: 审核意见书 %v", tc.c, err)
		} else if _, err := doc.DOCX(); err != nil {
			t.Error(err)
		}
	}
	r := f.accepted(KindMeeting, "无意见的议题", "2025-06-03")
	must(t)(f.svc.SubmitAssessment(f.ctx, staff, r.ID, AssessInput{Step: Step{On: date("2025-06-04")}, Suggestion: Agree}))
	refused(t, errOf(f.svc.Conclude(f.ctx, staff, r.ID, ConcludeInput{Step: Step{On: date("2025-06-05")}, Conclusion: AgreeAmended})), fault.Invalid, "修改后同意 without any opinion must be refused")
	c, err := f.svc.Counts(f.ctx, f.org.All()[0].Path, 2025)
	if err != nil {
		t.Fatal(err)
	}
	m := c.ByKind[KindMeeting]
	if m.Submitted != 5 || m.Concluded != 4 || m.ByConclusion["agree"] != 1 || m.ByConclusion["defer"] != 1 || m.OnTime != 4 {
		t.Errorf("meeting counts %+v", m)
	}
}

func TestOpinionAdoption(t *testing.T) {
	f := newFixture(t)
	staff, liaison := f.login("qs_sc"), f.login("qs_gaj")
	r := f.accepted(KindNormdoc, "青山县公安局犬只管理办法", "2025-07-01")
	for _, c := range []string{"第三条罚款数额超出上位法幅度", "第八条应当增加听证程序", "第十条表述不准确"} {
		if _, err := f.svc.AddOpinion(f.ctx, staff, r.ID, OpinionInput{Content: c}); err != nil {
			t.Fatal(err)
		}
	}
	must(t)(f.svc.SubmitAssessment(f.ctx, staff, r.ID, AssessInput{Step: Step{On: date("2025-07-08")}, Suggestion: AgreeAmended}))
	r = must(t)(f.svc.Conclude(f.ctx, staff, r.ID, ConcludeInput{Step: Step{On: date("2025-07-09")}, Conclusion: AgreeAmended}))
	// Feedback: 10 WD from Wed 07-09: 07-10, 11, 14..18, 21, 22, 23.
	eq(t, "feedback due", r.Due.Feedback, "2025-07-23")
	d, _ := f.svc.Detail(f.ctx, liaison, r.ID)
	if len(d.Opinions) != 3 || d.Unanswered != 3 {
		t.Fatalf("opinions %d unanswered %d", len(d.Opinions), d.Unanswered)
	}
	ids := []string{d.Opinions[0].ID, d.Opinions[1].ID, d.Opinions[2].ID}
	refused(t, errOf(f.svc.Answer(f.ctx, liaison, r.ID, AnswerInput{Step: Step{On: date("2025-07-15")}, Answers: []AnswerItem{{OpinionID: ids[1], Answer: Rejected}}})), fault.Invalid, "不采纳 without a reason must be refused")
	refused(t, errOf(f.svc.Answer(f.ctx, f.login("qs_sjj"), r.ID, AnswerInput{Step: Step{On: date("2025-07-15")}, Answers: []AnswerItem{{OpinionID: ids[0], Answer: Adopted}}})), fault.NotFound, "another department cannot answer")
	r = must(t)(f.svc.Answer(f.ctx, liaison, r.ID, AnswerInput{Step: Step{On: date("2025-07-15")}, Answers: []AnswerItem{{OpinionID: ids[0], Answer: Adopted}, {OpinionID: ids[1], Answer: Partly, Reason: "听证适用于较大数额罚款"}}}))
	if !r.FeedbackOn.IsZero() {
		t.Fatal("feedback is complete only when every opinion is answered")
	}
	refused(t, errOf(f.svc.Answer(f.ctx, liaison, r.ID, AnswerInput{Step: Step{On: date("2025-07-16")}, Answers: []AnswerItem{{OpinionID: ids[0], Answer: Rejected, Reason: "改主意"}}})), fault.Invalid, "an answer is final")
	r = must(t)(f.svc.Answer(f.ctx, liaison, r.ID, AnswerInput{Step: Step{On: date("2025-07-16")}, Answers: []AnswerItem{{OpinionID: ids[2], Answer: Rejected, Reason: "表述系沿用上位法"}}}))
	if r.FeedbackOn.String() != "2025-07-16" || !r.Due.Next.IsZero() {
		t.Errorf("feedback on %s next %s", r.FeedbackOn, r.Due.Next)
	}
	c, err := f.svc.Counts(f.ctx, f.org.All()[0].Path, 2025)
	if err != nil {
		t.Fatal(err)
	}
	if c.OpinionsGiven != 3 || c.OpinionsAdopted != 2 || c.OpinionsPartly != 1 || c.OpinionsRefused != 1 {
		t.Errorf("opinion counts %+v", c)
	}
	tx := func(fn func(*db.Tx) error) error { return f.db.Tx(f.ctx, fn) }
	if err := tx(func(tx *db.Tx) error { _, err := f.svc.ApprovedNormdoc(f.ctx, tx, staff, r.ID); return err }); err != nil {
		t.Errorf("an answered 修改后同意 document is ready for registration: %v", err)
	}
}

func TestPermissionsAndScope(t *testing.T) {
	f := newFixture(t)
	staff, advisor, leader := f.login("qs_sc"), f.login("qs_gw"), f.login("qs_ld")
	gaj, sjj := f.login("qs_gaj"), f.login("qs_sjj")
	a := f.submit(gaj, KindContract, "公安局采购合同", "2025-04-01")
	b := f.submit(sjj, KindEnforcement, "市场监管局重大处罚决定", "2025-04-01")

	visible := func(p *auth.Principal) string {
		t.Helper()
		rs, _, err := f.svc.List(f.ctx, p, Filter{})
		if err != nil {
			t.Fatal(err)
		}
		var titles []string
		for _, r := range rs {
			titles = append(titles, r.Title)
		}
		sort.Strings(titles)
		return strings.Join(titles, ",")
	}
	for _, tc := range []struct {
		who  *auth.Principal
		want string
	}{{gaj, "公安局采购合同"}, {sjj, "市场监管局重大处罚决定"}, {advisor, ""}, {staff, "公安局采购合同,市场监管局重大处罚决定"}, {leader, "公安局采购合同,市场监管局重大处罚决定"}, {f.login("ls_sc"), ""}} {
		if got := visible(tc.who); got != tc.want {
			t.Errorf("%s sees [%s], want [%s]", tc.who.Username, got, tc.want)
		}
	}
	refused(t, errOf(f.svc.Get(f.ctx, sjj, a.ID)), fault.NotFound, "a department must not see another department's submission")
	refused(t, errOf(f.svc.Check(f.ctx, gaj, a.ID, CheckInput{})), fault.Forbidden, "a department cannot accept its own request")
	must(t)(f.svc.Check(f.ctx, staff, a.ID, CheckInput{Step: Step{On: date("2025-04-02")}, ReviewerID: staff.UserID, AdvisorID: advisor.UserID}))
	must(t)(f.svc.Check(f.ctx, staff, b.ID, CheckInput{Step: Step{On: date("2025-04-02")}, ReviewerID: staff.UserID}))
	if got := visible(advisor); got != "公安局采购合同" {
		t.Errorf("the advisor sees only what is assigned: [%s]", got)
	}
	refused(t, errOf(f.svc.Get(f.ctx, advisor, b.ID)), fault.NotFound, "advisor reads an unassigned request")
	refused(t, errOf(f.svc.Conclude(f.ctx, advisor, a.ID, ConcludeInput{Conclusion: Agree})), fault.Forbidden, "an advisor cannot conclude")
	if _, err := f.svc.Get(f.ctx, leader, a.ID); err != nil {
		t.Error("the county leader reads the request")
	}
	refused(t, errOf(f.svc.Extend(f.ctx, leader, a.ID, ExtendInput{Step: Step{Note: "x"}, Days: 1, Approver: "x"})), fault.Forbidden, "a leader is read-only")
	refused(t, errOf(f.svc.Assign(f.ctx, staff, a.ID, AssignInput{Step: Step{On: date("2025-04-03")}, ReviewerID: f.login("ls_sc").UserID})), fault.Invalid, "a reviewer of another county cannot be assigned")
	// Workbench: the advisor's own opinion, the department's nothing yet.
	todos, err := f.svc.Todos(f.ctx, advisor)
	if err != nil || len(todos) != 1 || !strings.HasPrefix(todos[0].Title, "提出审查意见") {
		t.Errorf("advisor todos %+v %v", todos, err)
	}
	// 10 WD from Wed 04-02: 04-03, 07..11 (6), 04-04 holiday; 04-14..17 (10).
	if len(todos) == 1 {
		eq(t, "contract review due", todos[0].Due, "2025-04-17")
	}
}

func TestOrganSettingOverridesDefault(t *testing.T) {
	f := newFixture(t)
	gov, _ := f.org.ByCode("990121-GOV")
	def, _ := settings.Find(SettingDefs(), keyMax(KindNormdoc))
	if err := f.db.Tx(f.ctx, func(tx *db.Tx) error { return f.svc.Settings().Save(f.ctx, tx, gov.ID, def, 10, false) }); err != nil {
		t.Fatal(err)
	}
	refused(t, f.db.Tx(f.ctx, func(tx *db.Tx) error { return f.svc.Settings().Save(f.ctx, tx, gov.ID, def, 99, false) }), fault.Invalid, "out-of-range setting must be refused")
	r := f.accepted(KindNormdoc, "设置测试", "2025-03-03")
	// 10 WD from Mon 03-03: 03-04..07 (4), 03-10..14 (9), 03-17 (10).
	if r.MaxDays != 10 {
		t.Fatalf("max days %d", r.MaxDays)
	}
	eq(t, "review due under the county's setting", r.Due.Review, "2025-03-17")
	just, _ := f.org.ByCode("990121-SFJ")
	v, err := f.svc.Settings().Value(f.ctx, f.db, just.ID, def)
	if err != nil || v.Value != 10 || v.Source != gov.Name {
		t.Errorf("inherited %+v %v", v, err)
	}
}

// A new holiday notice re-dates the open requests' deadlines and reports each that moved.
func TestCalendarChangeRedatesOpenRequests(t *testing.T) {
	f := newFixture(t)
	store := calendar.NewStore(f.db)
	f.svc.cal = store.Current
	store.OnChange(f.svc.Redate)
	liaison := f.login("qs_gaj")
	inReview := f.accepted(KindNormdoc, "审查中的文件", "2025-09-26")
	eq(t, "review due", inReview.Due.Review, "2025-10-23")
	submitted := f.submit(liaison, KindMeeting, "待审查材料的议题", "2025-10-16")
	eq(t, "check due", submitted.Due.Check, "2025-10-21")
	withdrawn := f.submit(liaison, KindMeeting, "已撤回的议题", "2025-10-16")
	must(t)(f.svc.Withdraw(f.ctx, liaison, withdrawn.ID, Step{On: date("2025-10-17")}))

	// Suppose the 2025 notice had also made Monday 10-20 a rest day.
	var n2025 calendar.YearNotice
	for _, n := range calendar.Builtin() {
		if n.Year == 2025 {
			n2025 = n
		}
	}
	n2025.Off = append(n2025.Off, date("2025-10-20"))
	moved, err := store.Save(f.ctx, []calendar.YearNotice{n2025})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range moved {
		got = append(got, fmt.Sprintf("%s %s %s→%s", m.What, m.URL, m.Old, m.New))
	}
	sort.Strings(got)
	want := []string{
		"合法性审查 " + inReview.ReceiptNo + " 审查期限 /review/requests/" + inReview.ID + " 2025-10-23→2025-10-24",
		"合法性审查 " + submitted.ReceiptNo + " 材料审查期限 /review/requests/" + submitted.ID + " 2025-10-21→2025-10-22",
	}
	sort.Strings(want)
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("moved\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	staff := f.login("qs_sc")
	r := must(t)(f.svc.Get(f.ctx, staff, inReview.ID))
	eq(t, "stored review due", r.Due.Review, "2025-10-24")
	eq(t, "stored next due", r.Due.Next, "2025-10-24")
}
