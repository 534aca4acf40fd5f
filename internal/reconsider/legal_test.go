package reconsider

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/fault"
)

// Tests of issue 9: every date below is counted by hand on the 2024–2025 holiday notices.

// heard records that the parties' views were heard by phone on the day (Art. 49).
func (f *fixture) heard(id, on string) {
	f.t.Helper()
	if _, err := f.svc.RecordHearing(f.ctx, f.login("qs_fy"), id, HearingInput{Kind: HearingViews, Mode: "phone", HeldOn: on, Record: "电话听取双方意见"}); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) at(day string) {
	d := date(day)
	f.svc.SetClock(func() time.Time { return time.Date(d.Year, d.Month, d.Day, 10, 0, 0, 0, calendar.Shanghai()) })
}

// Art. 48: the reply runs from the respondent's receipt of the copy. A copy posted before the 2025
// Spring Festival and signed for after it: the reply filed after the estimated date is on time.
func TestReplyCountsFromReceiptAcrossSpringFestival(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_fy")
	c := f.register(staff, "2025-01-15", 0, "行政处罚")
	c = must(t)(f.svc.Accept(f.ctx, staff, c.ID, AcceptInput{Step: Step{On: date("2025-01-20")}, Procedure: Ordinary}))
	c = must(t)(f.svc.SendCopy(f.ctx, staff, c.ID, Step{On: date("2025-01-24")}))
	// Provisional, from the posting on Fri 01-24: 01-26 (Sun, make-up) 1, 01-27 2, holiday 01-28..02-04,
	// 02-05 3, 02-06 4, 02-07 5, 02-08 (Sat, make-up) 6, 02-10 7, 02-11 8, 02-12 9, 02-13 10.
	eq(t, "reply due (provisional)", c.Due.Reply, "2025-02-13")
	d, _ := f.svc.Detail(f.ctx, staff, c.ID)
	provisional := false
	for _, v := range d.Deadlines {
		if v.Name == RuleReply.Name && v.Provisional {
			provisional = true
		}
	}
	if !provisional {
		t.Error("the reply deadline must be shown as provisional (待送达) until the receipt is recorded")
	}
	// No Art. 70 decision on a provisional date, even after it has passed.
	if _, err := f.svc.Decide(f.ctx, staff, c.ID, DecideInput{Step: Step{On: date("2025-02-14")}, Outcome: Revoke, NoReply: true}); !errors.Is(err, fault.Invalid) {
		t.Errorf("Art. 70 must not be offered before the receipt is recorded, got %v", err)
	}
	if _, err := f.svc.RecordService(f.ctx, staff, c.ID, ServeInput{Step: Step{On: date("2025-01-23")}, Doc: ServedCopy, Method: ServePost}); !errors.Is(err, fault.Invalid) {
		t.Errorf("a receipt before the sending must be refused, got %v", err)
	}
	// The post office's receipt (回执) is dated Wed 02-05, the first working day after the holiday (民事诉讼法第九十一条).
	c = must(t)(f.svc.RecordService(f.ctx, staff, c.ID, ServeInput{Step: Step{On: date("2025-02-05")}, Doc: ServedCopy, Method: ServePost, Recipient: "青山县公安局"}))
	// 02-06 1, 02-07 2, 02-08 (Sat, make-up) 3, 02-10 4, 02-11 5, 02-12 6, 02-13 7, 02-14 8, 02-17 9, 02-18 10.
	eq(t, "reply due", c.Due.Reply, "2025-02-18")
	c = must(t)(f.svc.FileReply(f.ctx, f.login("qs_gaj"), c.ID, ReplyInput{Step: Step{On: date("2025-02-17")}, Text: "处罚事实清楚"}))
	if c.ReplyLate {
		t.Error("a reply on 02-17 is on time: the copy was received on 02-05")
	}
	if _, err := f.svc.Decide(f.ctx, staff, c.ID, DecideInput{Step: Step{On: date("2025-03-01")}, Outcome: Revoke, NoReply: true}); !errors.Is(err, fault.Invalid) {
		t.Errorf("a respondent that replied in time cannot be decided against under Art. 70, got %v", err)
	}
	if _, err := f.svc.RecordService(f.ctx, staff, c.ID, ServeInput{Step: Step{On: date("2025-02-06")}, Doc: ServedCopy, Method: ServeDirect}); !errors.Is(err, fault.Conflict) {
		t.Errorf("a second receipt of the same copy must be refused, got %v", err)
	}
}

// The liaison's 签收 on fazhi is the receipt; Art. 70 only after the period from it has run.
func TestLiaisonSignatureAndArt70(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_fy")
	f.at("2025-09-26")
	c := f.register(staff, "2025-09-22", 0, "行政处罚")
	c = must(t)(f.svc.Accept(f.ctx, staff, c.ID, AcceptInput{Step: Step{On: date("2025-09-24")}, Procedure: Ordinary}))
	c = must(t)(f.svc.SendCopy(f.ctx, staff, c.ID, Step{On: date("2025-09-25")}))
	f.at("2025-09-30")
	liaison := f.login("qs_gaj")
	c = must(t)(f.svc.SignCopy(f.ctx, liaison, c.ID, Step{On: date("2025-09-01")})) // the form's date is ignored: signed now
	if c.CopyServedOn.String() != "2025-09-30" {
		t.Fatalf("signed for on %s, want today 2025-09-30", c.CopyServedOn)
	}
	// 10 WD from Tue 09-30: holiday 10-01..08, 10-09 1, 10-10 2, 10-11 (Sat, make-up) 3, 10-13 4, 10-14 5,
	// 10-15 6, 10-16 7, 10-17 8, 10-20 9, 10-21 10.
	eq(t, "reply due", c.Due.Reply, "2025-10-21")
	f.at("2025-10-22")
	f.heard(c.ID, "2025-10-15")
	if _, err := f.svc.Decide(f.ctx, staff, c.ID, DecideInput{Step: Step{On: date("2025-10-21")}, Outcome: Revoke, NoReply: true}); !errors.Is(err, fault.Invalid) {
		t.Errorf("on the last day of the reply period Art. 70 does not apply yet, got %v", err)
	}
	c = must(t)(f.svc.Decide(f.ctx, staff, c.ID, DecideInput{Step: Step{On: date("2025-10-22")}, Outcome: Revoke, NoReply: true}))
	if c.Outcome != Revoke || !strings.Contains(c.CloseReason, "第七十条") {
		t.Errorf("Art. 70 decision: %s %q", c.Outcome, c.CloseReason)
	}
}

// Art. 31 para 2: the 补正 period runs from the applicant's receipt of the notice; no lapse on an estimate.
func TestAmendmentCountsFromReceipt(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_fy")
	c := f.register(staff, "2024-09-26", 0, "行政处罚")
	c = must(t)(f.svc.RequestAmendment(f.ctx, staff, c.ID, Step{On: date("2024-09-27")}, "申请书签名"))
	if _, err := f.svc.AmendmentLapsed(f.ctx, staff, c.ID, Step{On: date("2024-12-02")}); !errors.Is(err, fault.Conflict) {
		t.Errorf("逾期未补正 must be refused while the notice's receipt is not recorded, got %v", err)
	}
	// Posted 09-27, signed for Mon 09-30: 2024 holiday 10-01..07; 10-08 1, 09 2, 10 3, 11 4, 10-12 (Sat,
	// make-up) 5, 14 6, 15 7, 16 8, 17 9, 18 10.
	c = must(t)(f.svc.RecordService(f.ctx, staff, c.ID, ServeInput{Step: Step{On: date("2024-09-30")}, Doc: ServedAmendNotice, Method: ServePost}))
	eq(t, "amend due", c.Due.Amend, "2024-10-18")
	if _, err := f.svc.AmendmentLapsed(f.ctx, staff, c.ID, Step{On: date("2024-10-18")}); !errors.Is(err, fault.Invalid) {
		t.Errorf("not lapsed on its last day, got %v", err)
	}
	c = must(t)(f.svc.AmendmentLapsed(f.ctx, staff, c.ID, Step{On: date("2024-10-21")}))
	if c.State != StateOther {
		t.Errorf("state %s", c.State)
	}
}

// 公告送达 (民事诉讼法第九十五条) of an 意见书: deemed served 30 days after the announcement, a period ending
// in the 2025 National Day holiday and rolled over; the Art. 76 report is due 60 days from that.
func TestOpinionServedByAnnouncement(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_fy")
	c := f.register(staff, "2025-06-02", 0, "行政处罚")
	c = must(t)(f.svc.Accept(f.ctx, staff, c.ID, AcceptInput{Step: Step{On: date("2025-06-03")}, Procedure: Ordinary}))
	f.at("2025-12-31")
	c = must(t)(f.svc.IssueOpinion(f.ctx, staff, c.ID, OpinionInput{Step: Step{On: date("2025-09-01")}, RecipientID: f.organ("990121-GAJ").ID, Content: "执法程序不规范"}))
	d, _ := f.svc.Detail(f.ctx, staff, c.ID)
	// Provisional: 09-01 + 60 = 10-31 (Friday).
	eq(t, "report due (provisional)", d.Opinions[0].ReportDue, "2025-10-31")
	if _, err := f.svc.RecordService(f.ctx, staff, c.ID, ServeInput{Step: Step{On: date("2025-09-03")}, Doc: ServedOpinion, Method: ServePublic, OpinionID: d.Opinions[0].ID}); !errors.Is(err, fault.Invalid) {
		t.Errorf("公告送达 without its reason must be refused, got %v", err)
	}
	must(t)(f.svc.RecordService(f.ctx, staff, c.ID, ServeInput{Step: Step{On: date("2025-09-03"), Note: "受送达人拒收，经公告送达"}, Doc: ServedOpinion, Method: ServePublic, OpinionID: d.Opinions[0].ID}))
	d, _ = f.svc.Detail(f.ctx, staff, c.ID)
	// 09-03 + 30 = 10-03, inside the holiday 10-01..08 → 10-09; 10-09 + 60 = 12-08 (Monday).
	eq(t, "opinion served", d.Opinions[0].ReceivedOn, "2025-10-09")
	eq(t, "report due", d.Opinions[0].ReportDue, "2025-12-08")
	if len(d.Services) != 1 || d.Services[0].Method != ServePublic || d.Services[0].EventOn.String() != "2025-09-03" {
		t.Errorf("service record %+v", d.Services)
	}
}

// The decision served on the applicant: the period to sue runs from its receipt (行政诉讼法第四十五条).
func TestDecisionServiceShowsPeriodToSue(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_fy")
	c := f.register(staff, "2025-01-02", 0, "行政处罚")
	c = must(t)(f.svc.Accept(f.ctx, staff, c.ID, AcceptInput{Step: Step{On: date("2025-01-03")}, Procedure: Ordinary}))
	must(t)(f.svc.RecordHearing(f.ctx, staff, c.ID, HearingInput{Kind: HearingViews, Mode: "phone", HeldOn: "2025-01-10", Record: "听取了双方意见"}))
	c = must(t)(f.svc.Decide(f.ctx, staff, c.ID, DecideInput{Step: Step{On: date("2025-01-24")}, Outcome: Revoke}))
	// Posted 01-24, signed for 01-26 (the make-up Sunday): + 15 = 02-10 (Monday).
	must(t)(f.svc.RecordService(f.ctx, staff, c.ID, ServeInput{Step: Step{On: date("2025-01-26")}, Doc: ServedDecision, Method: ServePost}))
	d, _ := f.svc.Detail(f.ctx, staff, c.ID)
	found := false
	for _, v := range d.Deadlines {
		if strings.Contains(v.Basis, "行政诉讼法》第四十五条") {
			found = true
			eq(t, "period to sue", v.Due, "2025-02-10")
		}
	}
	if !found {
		t.Error("the case page does not show the period to sue")
	}
}

// Art. 62: the approved extension (here 20 days, not 30) runs from the end of the original period as
// the law ends it; the original period ends in the 2025 Spring Festival and rolls over.
func TestExtensionRunsFromRolledEndAcrossSpringFestival(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_fy")
	c := f.register(staff, "2024-11-28", 0, "行政处罚")
	c = must(t)(f.svc.Accept(f.ctx, staff, c.ID, AcceptInput{Step: Step{On: date("2024-12-02")}, Procedure: Ordinary}))
	// 12-02 + 60 = 2025-01-31, inside the holiday 01-28..02-04 → Wed 02-05.
	eq(t, "decision due", c.Due.Decision, "2025-02-05")
	c = must(t)(f.svc.Extend(f.ctx, staff, c.ID, ExtendInput{Step: Step{On: date("2025-01-20"), Note: "需要鉴定"}, Days: 20, Approver: "李主任"}))
	// 02-05 + 20 = 02-25 (Tuesday); acceptance + 80 days would have given 02-20.
	eq(t, "decision due after extension", c.Due.Decision, "2025-02-25")
	if c.Extension != 20 {
		t.Errorf("approved length %d, want 20", c.Extension)
	}
	ds := f.docsOf(c.ID, DocExtensionNotice)
	if len(ds) != 1 || !strings.Contains(ds[0].Body, "延长二十日") || !strings.Contains(ds[0].Body, "2025年2月25日") {
		t.Errorf("延期通知书 must print the approved length and the new date:\n%v", ds)
	}
	must(t)(f.svc.RecordHearing(f.ctx, staff, c.ID, HearingInput{Kind: HearingViews, Mode: "phone", HeldOn: "2025-01-10", Record: "听取了双方意见"}))
	c = must(t)(f.svc.Decide(f.ctx, staff, c.ID, DecideInput{Step: Step{On: date("2025-02-24")}, Outcome: Uphold}))
	if c.DecisionDue.String() != "2025-02-25" {
		t.Errorf("frozen due %s", c.DecisionDue)
	}
}

// A simplified case converted to the ordinary procedure (Art. 55) has the ordinary 60 days from
// acceptance, and its extension runs from their rolled end: here across the 2025 National Day.
func TestConvertedCaseExtensionAcrossNationalDay(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_fy")
	f.at("2025-12-31")
	c := f.register(staff, "2025-08-01", 500, "行政处罚")
	c = must(t)(f.svc.Accept(f.ctx, staff, c.ID, AcceptInput{Step: Step{On: date("2025-08-04")}, Procedure: Simplified, SimplifiedGround: 3}))
	// 08-04 + 30 = 09-03 (Wednesday).
	eq(t, "simplified due", c.Due.Decision, "2025-09-03")
	c = must(t)(f.svc.Convert(f.ctx, staff, c.ID, ConvertInput{Step: Step{On: date("2025-08-20"), Note: "案情复杂"}, Approver: "李主任"}))
	// 08-04 + 60 = 10-03, inside the holiday 10-01..08 → Thu 10-09.
	eq(t, "ordinary due", c.Due.Decision, "2025-10-09")
	c = must(t)(f.svc.Extend(f.ctx, staff, c.ID, ExtendInput{Step: Step{On: date("2025-09-30"), Note: "需要鉴定"}, Days: 30, Approver: "李主任"}))
	// 10-09 + 30 = 11-08, a Saturday → Mon 11-10 (acceptance + 90 = 11-02, a Sunday, would give 11-03).
	eq(t, "due after extension", c.Due.Decision, "2025-11-10")
}

// docsOf lists the drafted documents of a kind.
func (f *fixture) docsOf(caseID, kind string) []Document {
	f.t.Helper()
	all, err := f.svc.docs.List(f.ctx, f.svc.db, caseID)
	if err != nil {
		f.t.Fatal(err)
	}
	var out []Document
	for _, d := range all {
		if d.Kind == kind {
			out = append(out, d)
		}
	}
	return out
}

// Arts. 20–21 and 民事诉讼法第八十五条 on hand-counted dates.
func TestApplicationPeriod(t *testing.T) {
	cal := calendar.Default()
	mk := func(channel Channel, act, learned, received string) *Case {
		c := &Case{Channel: channel, ReceivedOn: date(received), LearnedOn: date(learned)}
		if act != "" {
			c.ActDate = date(act)
		}
		return c
	}
	cases := []struct {
		name        string
		c           *Case
		f           ApplicationFacts
		due         string
		inTime      bool
		barred      bool
		ruleMention string
	}{
		// 2024-12-01 + 60 = 2025-01-30, inside the Spring Festival holiday 01-28..02-04 → Wed 02-05.
		{"last day after the holiday", mk(ChannelInPerson, "2024-11-28", "2024-12-01", "2025-02-05"), ApplicationFacts{}, "2025-02-05", true, false, "第二十条第一款"},
		{"one day late", mk(ChannelInPerson, "2024-11-28", "2024-12-01", "2025-02-06"), ApplicationFacts{}, "2025-02-05", false, false, "第二十条第一款"},
		// Posted on the last day, received two days later: in time (期满前交邮的，不算过期).
		{"posted on the last day", mk(ChannelPost, "2024-11-28", "2024-12-01", "2025-02-07"), ApplicationFacts{PostedOn: date("2025-02-05")}, "2025-02-05", true, false, "第八十五条第四款"},
		// A flood 07-20..07-29 (10 days lost): 07-01 + 60 + 10 = 09-09 (Tuesday); without it 08-30 (Sat) → 09-01.
		{"obstacle", mk(ChannelInPerson, "2025-06-30", "2025-07-01", "2025-09-09"), ApplicationFacts{ObstacleFrom: date("2025-07-20"), ObstacleTo: date("2025-07-29"), ObstacleReason: "洪灾"}, "2025-09-09", true, false, "第二十条第二款"},
		{"no obstacle", mk(ChannelInPerson, "2025-06-30", "2025-07-01", "2025-09-02"), ApplicationFacts{}, "2025-09-01", false, false, "第二十条第一款"},
		// Art. 20 para 3: knew the act 2024-09-20, learned of the right 2025-08-15 (+60 = 10-14), but the cap is
		// 2025-09-20, a Saturday → Mon 09-22.
		{"not told, capped at one year", mk(ChannelInPerson, "2024-09-19", "2024-09-20", "2025-09-22"), ApplicationFacts{NotTold: true, RightsKnownOn: date("2025-08-15")}, "2025-09-22", true, false, "第二十条第三款"},
		{"not told, past the cap", mk(ChannelInPerson, "2024-09-19", "2024-09-20", "2025-09-23"), ApplicationFacts{NotTold: true, RightsKnownOn: date("2025-08-15")}, "2025-09-22", false, false, "最长不得超过一年"},
		// Learned of the right 2024-11-10: + 60 = 2025-01-09 (Thursday), before the cap.
		{"not told, learned early", mk(ChannelInPerson, "2024-09-19", "2024-09-20", "2025-01-09"), ApplicationFacts{NotTold: true, RightsKnownOn: date("2024-11-10")}, "2025-01-09", true, false, "第二十条第三款"},
		// Art. 21: act of 2020-02-29, five years end 2025-02-28 (民法典第二百零二条: no 29 February); learned 02-20,
		// applied 03-03, inside the 60 days but barred.
		{"barred after five years", mk(ChannelInPerson, "2020-02-29", "2025-02-20", "2025-03-03"), ApplicationFacts{}, "2025-04-21", false, true, "第二十一条"},
		{"immovable: twenty years", mk(ChannelInPerson, "2020-02-29", "2025-02-20", "2025-03-03"), ApplicationFacts{Immovable: true}, "2025-04-21", true, false, "二十年"},
	}
	for _, tc := range cases {
		got := ApplicationPeriod(tc.c, tc.f, cal)
		if got.Due.String() != tc.due || got.InTime != tc.inTime || got.Barred != tc.barred {
			t.Errorf("%s: due %s in time %v barred %v, want %s %v %v", tc.name, got.Due, got.InTime, got.Barred, tc.due, tc.inTime, tc.barred)
		}
		if !strings.Contains(strings.Join(got.Rules, "\n"), tc.ruleMention) {
			t.Errorf("%s: the rules applied do not name %q: %v", tc.name, tc.ruleMention, got.Rules)
		}
	}
	if got := AddYears(date("2024-02-29"), 1); got.String() != "2025-02-28" {
		t.Errorf("AddYears(2024-02-29, 1) = %s", got)
	}
}

// The facts are recorded on the case and the case page shows the rule applied; never a refusal.
func TestRecordApplicationFacts(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_fy")
	c := f.register(staff, "2024-03-05", 0, "行政处罚") // knew the act 2024-01-03: 60 days end 03-03 (Sun) → 03-04
	late, due, err := f.svc.LateApplication(f.ctx, c)
	if err != nil || !late || due.String() != "2024-03-04" {
		t.Fatalf("late %v due %s err %v", late, due, err)
	}
	if _, err := f.svc.RecordApplicationFacts(f.ctx, staff, c.ID, ApplicationFactsInput{Step: Step{On: date("2024-03-05")}, ObstacleFrom: "2024-02-01"}); !errors.Is(err, fault.Invalid) {
		t.Errorf("an obstacle without its end and reason must be refused, got %v", err)
	}
	if _, err := f.svc.RecordApplicationFacts(f.ctx, staff, c.ID, ApplicationFactsInput{Step: Step{On: date("2024-03-05")}, PostedOn: "2024-03-01"}); !errors.Is(err, fault.Invalid) {
		t.Errorf("a postmark on an application handed in must be refused, got %v", err)
	}
	// Hospitalised 02-20..02-21: two days not counted → 03-03 + 2 = 03-05 (Tuesday).
	c = must(t)(f.svc.RecordApplicationFacts(f.ctx, staff, c.ID, ApplicationFactsInput{Step: Step{On: date("2024-03-05")},
		ObstacleFrom: "2024-02-20", ObstacleTo: "2024-02-21", ObstacleReason: "住院治疗"}))
	if c.State != StateReceived {
		t.Errorf("recording the facts never refuses the application: state %s", c.State)
	}
	late, due, _ = f.svc.LateApplication(f.ctx, c)
	if late || due.String() != "2024-03-05" {
		t.Errorf("with the obstacle: late %v due %s, want in time by 2024-03-05", late, due)
	}
}

// Art. 69 limits 驳回复议请求 to non-performance claims; Art. 71 decisions are for 行政协议; Art. 72
// compensation is decided with the main decision.
func TestDecisionTypesTheLawAllows(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_fy")
	accepted := func(actType string) *Case {
		c := f.register(staff, "2025-03-03", 0, actType)
		c = must(t)(f.svc.Accept(f.ctx, staff, c.ID, AcceptInput{Step: Step{On: date("2025-03-04")}, Procedure: Ordinary}))
		return must(t)(f.svc.RecordHearing(f.ctx, staff, c.ID, HearingInput{Kind: HearingViews, Mode: "online", HeldOn: "2025-03-20", Record: "听取意见"}))
	}
	on := Step{On: date("2025-04-01")}
	for _, act := range []string{"行政处罚", "行政强制", "行政许可"} {
		c := accepted(act)
		_, err := f.svc.Decide(f.ctx, staff, c.ID, DecideInput{Step: on, Outcome: DismissRequest})
		if !errors.Is(err, fault.Invalid) || !strings.Contains(fault.Message(err), "第六十九条") {
			t.Errorf("%s: 驳回复议请求 must be refused with its reason, got %v", act, err)
		}
	}
	c := accepted(ActTypeNonPerformance)
	c = must(t)(f.svc.Decide(f.ctx, staff, c.ID, DecideInput{Step: on, Outcome: DismissRequest}))
	if c.Outcome != DismissRequest {
		t.Error(c.Outcome)
	}
	if _, err := f.svc.Decide(f.ctx, staff, accepted("行政处罚").ID, DecideInput{Step: on, Outcome: AgreementLiability}); !errors.Is(err, fault.Invalid) {
		t.Errorf("Art. 71 outside a 行政协议 case must be refused, got %v", err)
	}
	c = must(t)(f.svc.Decide(f.ctx, staff, accepted("行政协议").ID, DecideInput{Step: on, Outcome: AgreementLiability, PerformanceDue: "2025-05-30"}))
	if !c.Outcome.DirectCorrection() || !c.Outcome.NeedsPerformance() || c.Outcome.Article() != "第七十一条第一款" {
		t.Errorf("Art. 71 decision: %s %v %v", c.Outcome, c.Outcome.DirectCorrection(), c.Outcome.NeedsPerformance())
	}
	// Art. 72.
	bad := []DecideInput{
		{Step: on, Outcome: Uphold, CompensationClaimed: true},                                     // a claim must be decided
		{Step: on, Outcome: Uphold, CompensationClaimed: true, Compensation: CompensationAward},    // award only with a corrective decision
		{Step: on, Outcome: Revoke, Compensation: CompensationAward},                               // no claim, no award
		{Step: on, Outcome: DeclareUnlawful, Compensation: CompensationReturn},                     // para 2 only with revoke/vary
		{Step: on, Outcome: Revoke, CompensationClaimed: true, Compensation: CompensationReturn},   // a claim is decided under para 1
		{Step: on, Outcome: Revoke, CompensationClaimed: true, Compensation: Compensation("much")}, // unknown
	}
	for i, in := range bad {
		if _, err := f.svc.Decide(f.ctx, staff, accepted("行政处罚").ID, in); !errors.Is(err, fault.Invalid) {
			t.Errorf("bad compensation %d accepted: %v", i, err)
		}
	}
	c = must(t)(f.svc.Decide(f.ctx, staff, accepted("行政处罚").ID, DecideInput{Step: on, Outcome: Uphold, CompensationClaimed: true, Compensation: CompensationDismiss}))
	ds := f.docsOf(c.ID, DocDecision)
	if c.Compensation != CompensationDismiss || len(ds) != 1 || !strings.Contains(ds[0].Body, "驳回申请人的行政赔偿请求（《中华人民共和国行政复议法》第七十二条第一款）") {
		t.Errorf("驳回行政赔偿请求 with the decision: %s %v", c.Compensation, ds)
	}
	c = must(t)(f.svc.Decide(f.ctx, staff, accepted("行政处罚").ID, DecideInput{Step: on, Outcome: Revoke, Compensation: CompensationReturn}))
	if got, _ := f.svc.Get(f.ctx, staff, c.ID); got.Compensation != CompensationReturn {
		t.Errorf("stored compensation %q", got.Compensation)
	}
}

// Art. 49: no ordinary-procedure decision before the parties' views are heard, unless the reason on
// the party's side for a written review is recorded.
func TestDecisionNeedsViewsHeard(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_fy")
	c := f.register(staff, "2025-03-03", 0, "行政处罚")
	c = must(t)(f.svc.Accept(f.ctx, staff, c.ID, AcceptInput{Step: Step{On: date("2025-03-04")}, Procedure: Ordinary}))
	on := Step{On: date("2025-04-01")}
	if _, err := f.svc.Decide(f.ctx, staff, c.ID, DecideInput{Step: on, Outcome: Uphold}); !errors.Is(err, fault.Invalid) || !strings.Contains(fault.Message(err), "第四十九条") {
		t.Fatalf("a decision with no views heard must be refused under Art. 49, got %v", err)
	}
	// Written submissions are not hearing the views, and a hearing after the decision date does not count.
	must(t)(f.svc.RecordHearing(f.ctx, staff, c.ID, HearingInput{Kind: HearingViews, Mode: "written", HeldOn: "2025-03-20"}))
	must(t)(f.svc.RecordHearing(f.ctx, staff, c.ID, HearingInput{Kind: HearingViews, Mode: "inperson", HeldOn: "2025-04-02"}))
	if _, err := f.svc.Decide(f.ctx, staff, c.ID, DecideInput{Step: on, Outcome: Uphold}); !errors.Is(err, fault.Invalid) {
		t.Errorf("written views or a later meeting do not satisfy Art. 49, got %v", err)
	}
	c = must(t)(f.svc.Decide(f.ctx, staff, c.ID, DecideInput{Step: on, Outcome: Uphold, WrittenReview: "申请人电话、短信均无法联系，因申请人原因不能听取意见"}))
	if got, _ := f.svc.Get(f.ctx, staff, c.ID); !strings.Contains(got.WrittenReview, "因申请人原因") {
		t.Errorf("the reason for the written review is not recorded: %q", got.WrittenReview)
	}
	// The simplified procedure may be heard in writing (Art. 54 para 2): no such block.
	s := f.register(staff, "2025-03-03", 200, "行政处罚")
	s = must(t)(f.svc.Accept(f.ctx, staff, s.ID, AcceptInput{Step: Step{On: date("2025-03-04")}, Procedure: Simplified, SimplifiedGround: 3}))
	must(t)(f.svc.Decide(f.ctx, staff, s.ID, DecideInput{Step: Step{On: date("2025-03-20")}, Outcome: Uphold}))
}

// Art. 31 para 2: the 补正 period extended for a proper reason, across the 2025 Spring Festival.
func TestAmendmentPeriodExtended(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_fy")
	c := f.register(staff, "2025-01-17", 0, "行政处罚")
	c = must(t)(f.svc.RequestAmendment(f.ctx, staff, c.ID, Step{On: date("2025-01-20")}, "身份证明"))
	c = must(t)(f.svc.RecordService(f.ctx, staff, c.ID, ServeInput{Step: Step{On: date("2025-01-20")}, Doc: ServedAmendNotice, Method: ServeDirect}))
	// 01-21 1, 22 2, 23 3, 24 4, 01-26 (Sun, make-up) 5, 01-27 6, holiday 01-28..02-04, 02-05 7, 06 8, 07 9, 02-08 (Sat, make-up) 10.
	eq(t, "amend due", c.Due.Amend, "2025-02-08")
	if _, err := f.svc.ExtendAmendment(f.ctx, staff, c.ID, ExtendAmendmentInput{Step: Step{On: date("2025-02-07")}, Days: 5}); !errors.Is(err, fault.Invalid) {
		t.Errorf("an extension without its reason must be refused, got %v", err)
	}
	c = must(t)(f.svc.ExtendAmendment(f.ctx, staff, c.ID, ExtendAmendmentInput{Step: Step{On: date("2025-02-07"), Note: "申请人春节返乡，材料在原单位"}, Days: 5}))
	// + 5 WD: 02-10, 11, 12, 13, 14.
	eq(t, "amend due after extension", c.Due.Amend, "2025-02-14")
	if _, err := f.svc.AmendmentLapsed(f.ctx, staff, c.ID, Step{On: date("2025-02-14")}); !errors.Is(err, fault.Invalid) {
		t.Errorf("not lapsed within the extended period, got %v", err)
	}
	must(t)(f.svc.AmendmentLapsed(f.ctx, staff, c.ID, Step{On: date("2025-02-17")}))
}

// The 不予受理决定书 tells the applicant the remedy that fits: Art. 34 where reconsideration comes first,
// otherwise the lawsuit against the original act remains (行政诉讼法第四十四条第一款).
func TestRejectionRemedy(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_fy")
	plain := f.register(staff, "2025-03-03", 0, "行政处罚")
	must(t)(f.svc.Reject(f.ctx, staff, plain.ID, RejectInput{Step: Step{On: date("2025-03-05")}, Ground: "超过法定申请期限且无正当理由"}))
	first := f.register(staff, "2025-03-04", 0, "行政确认")
	must(t)(f.svc.Reject(f.ctx, staff, first.ID, RejectInput{Step: Step{On: date("2025-03-05")}, Ground: "超过法定申请期限且无正当理由", Prerequisite: true}))
	p := f.docsOf(plain.ID, DocRejection)
	q := f.docsOf(first.ID, DocRejection)
	if len(p) != 1 || !strings.Contains(p[0].Body, "就原行政行为依法向人民法院提起行政诉讼") || strings.Contains(p[0].Body, "第三十四条") {
		t.Errorf("not 复议前置: the applicant may sue the original act:\n%v", p)
	}
	if len(q) != 1 || !strings.Contains(q[0].Body, "第三十四条的规定，自收到本决定书之日起十五日内") || strings.Contains(q[0].Body, "就原行政行为") || strings.Contains(q[0].Body, prerequisiteMark) {
		t.Errorf("复议前置: Art. 34:\n%v", q)
	}
}
