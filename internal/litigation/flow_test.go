package litigation

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/fault"
)

func (f *fixture) at(day string) {
	dd := d(day)
	f.m.SetClock(func() time.Time { return time.Date(dd.Year, dd.Month, dd.Day, 10, 0, 0, 0, calendar.Shanghai()) })
}

func courtDocsFor() []Doc {
	var out []Doc
	for _, k := range courtDocs {
		out = append(out, Doc{Kind: k, Filename: k + ".pdf", Data: []byte("%PDF-1.4 " + k)})
	}
	return out
}

func isForbidden(err error) bool { return errors.Is(err, fault.Forbidden) }

// The exchange, driven by the three accounts: court liaison, agency liaison, 司法局 staff.
func TestExchange(t *testing.T) {
	f := newFixture(t)
	court, agency, justice := f.login("qs_fyll"), f.login("qs_gaj"), f.login("qs_fy")
	otherCourt, otherAgency := f.login("ls_fyll"), f.login("ls_gaj")
	gaj := f.organ("990121-GAJ")
	in := RegisterInput{Docket: "（2026）豫0182行初7号", Plaintiffs: []PlaintiffInput{{Name: "张三", Kind: Natural, IDNo: "11010519491231002X"}},
		DefendantID: gaj.ID, ActType: "行政处罚", Field: "公安", ReconsiderResult: ReconsiderUpheld}

	// The court must upload the three documents; a bad ID is named.
	if _, err := f.m.RegisterCase(f.ctx, court, in, courtDocsFor()[:2]); err == nil || !strings.Contains(fault.Message(err), "举证通知书") {
		t.Fatalf("missing 举证通知书: %v", err)
	}
	bad := in
	bad.Plaintiffs = []PlaintiffInput{{Name: "张三", Kind: Natural, IDNo: "110105194912310021"}}
	if _, err := f.m.RegisterCase(f.ctx, court, bad, courtDocsFor()); err == nil || !strings.Contains(fault.Message(err), "公民身份号码") {
		t.Fatalf("bad ID: %v", err)
	}
	if _, err := f.m.RegisterCase(f.ctx, agency, in, courtDocsFor()); !isForbidden(err) {
		t.Fatalf("agency registering: %v", err)
	}
	c, err := f.m.RegisterCase(f.ctx, court, in, courtDocsFor())
	if err != nil {
		t.Fatal(err)
	}
	if c.State != StateRegistered || !c.ReceivedOn.IsZero() {
		t.Fatalf("registered: %s %s", c.State, c.ReceivedOn)
	}
	// 复议维持 (Art. 26): the government joined as co-defendant.
	gov := f.organ("990121-GOV")
	co := false
	for _, p := range c.Parties {
		if p.Role == RoleCoDefendant && p.OrganID == gov.ID {
			co = true
		}
		if p.Role == RolePlaintiff && p.IDNo != "110105********002X" {
			t.Errorf("plaintiff id shown as %q", p.IDNo)
		}
	}
	if !co {
		t.Errorf("government not a co-defendant: %+v", c.Parties)
	}

	// Another county's court liaison and agency see nothing and sign nothing.
	for _, p := range []any{otherCourt, otherAgency} {
		_ = p
	}
	if _, err := f.m.Case(f.ctx, otherCourt, c.ID); err == nil {
		t.Error("another county's court liaison sees the case")
	}
	if _, err := f.m.Sign(f.ctx, otherAgency, c.ID, SignInput{}); err == nil {
		t.Error("another county's agency signed")
	}
	if _, err := f.m.Sign(f.ctx, f.login("qs_sjj"), c.ID, SignInput{}); err == nil {
		t.Error("a department that is no party signed")
	}
	list, err := listCases(f.ctx, f.db, otherCourt, Filter{}, f.m.Today())
	if err != nil || len(list) != 0 {
		t.Errorf("other court lists %d cases (%v)", len(list), err)
	}

	// 签收 on 2026-03-31 is the service: answer due +15 = 04-15 (Wed), draft day 10 = 04-10 (Fri).
	c, err = f.m.Sign(f.ctx, agency, c.ID, SignInput{})
	if err != nil {
		t.Fatal(err)
	}
	if c.State != StateAssigned || c.ReceivedOn != d("2026-03-31") || c.AnswerDue != d("2026-04-15") || c.DraftDue != d("2026-04-10") {
		t.Fatalf("signed: %s %s %s %s", c.State, c.ReceivedOn, c.AnswerDue, c.DraftDue)
	}
	if _, err := f.m.Sign(f.ctx, agency, c.ID, SignInput{}); err == nil {
		t.Error("signed twice")
	}
	if _, err := f.m.SubmitDraft(f.ctx, agency, c.ID, DraftInput{Facts: "原告违法事实清楚，证据确凿。"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Review(f.ctx, agency, c.ID, ReviewInput{Comments: "x"}); !isForbidden(err) {
		t.Errorf("agency reviewing its own draft: %v", err)
	}
	if _, err := f.m.Review(f.ctx, justice, c.ID, ReviewInput{Comments: "补充法律依据。"}); err != nil {
		t.Fatal(err)
	}
	f.at("2026-04-08")
	c, err = f.m.SubmitAnswer(f.ctx, agency, c.ID, AnswerInput{}, []Doc{{Kind: "答辩状", Filename: "答辩状.pdf", Data: []byte("%PDF-1.4 答辩")}, {Kind: "证据目录", Filename: "证据目录.pdf", Data: []byte("%PDF-1.4 证据")}})
	if err != nil {
		t.Fatal(err)
	}
	if c.State != StateAnswered || c.AnsweredOn != d("2026-04-08") {
		t.Fatalf("answered: %s %s", c.State, c.AnsweredOn)
	}
	if _, err := f.m.CourtSign(f.ctx, otherCourt, c.ID, SignInput{}); err == nil {
		t.Error("another court signed the submission")
	}
	if _, err := f.m.CourtSign(f.ctx, court, c.ID, SignInput{}); err != nil {
		t.Fatal(err)
	}
	ds, err := f.m.Deliveries(f.ctx, f.db, c.ID)
	if err != nil || len(ds) != 5 {
		t.Fatalf("deliveries: %d %v", len(ds), err)
	}
	for _, x := range ds {
		if x.SignedAt == "" || len(x.SHA256) != 64 {
			t.Errorf("delivery %s: signed %q hash %q", x.Kind, x.SignedAt, x.SHA256)
		}
	}

	// Hearing: the notice must come at least 3 days before.
	if _, err := f.m.ScheduleHearing(f.ctx, court, c.ID, HearingInput{HeldOn: "2026-04-10", Mandatory: true}); err == nil {
		t.Error("hearing 2 days after the notice accepted")
	}
	c, err = f.m.ScheduleHearing(f.ctx, court, c.ID, HearingInput{HeldOn: "2026-04-13", Mandatory: true})
	if err != nil {
		t.Fatal(err)
	}
	hid := c.Hearings[0].ID
	f.at("2026-04-13")
	if _, err := f.m.RecordAppearance(f.ctx, agency, c.ID, AppearanceInput{HearingID: hid, Absence: "意外事件", Delegates: []Delegate{{Name: "王律师", Lawyer: true}}}); err == nil ||
		!strings.Contains(fault.Message(err), "不得仅委托律师") {
		t.Errorf("lawyers only: %v", err)
	}
	c, err = f.m.RecordAppearance(f.ctx, agency, c.ID, AppearanceInput{HearingID: hid, Appeared: true, LeaderName: "李局长", LeaderTitle: "副职负责人",
		Delegates: []Delegate{{Name: "赵科长"}}})
	if err != nil {
		t.Fatal(err)
	}
	if c.State != StateHearing || !c.Hearings[0].Appeared {
		t.Fatalf("appearance: %+v", c.Hearings)
	}

	// Judgment 撤销 dated 04-13; the agency's 签收 on 04-14 serves it: appeal due +15 = 04-29 (Wed).
	c, err = f.m.Decide(f.ctx, court, c.ID, DecisionInput{Outcome: Revoke}, []Doc{{Kind: "判决书", Filename: "判决书.pdf", Data: []byte("%PDF-1.4 判决")}})
	if err != nil {
		t.Fatal(err)
	}
	f.at("2026-04-14")
	c, err = f.m.Sign(f.ctx, agency, c.ID, SignInput{})
	if err != nil {
		t.Fatal(err)
	}
	if c.State != StateDecided || c.DecisionServedOn != d("2026-04-14") || c.AppealDue != d("2026-04-29") {
		t.Fatalf("decision: %s %s %s", c.State, c.DecisionServedOn, c.AppealDue)
	}
	if _, err := f.m.DecideAppeal(f.ctx, agency, c.ID, AppealInput{Appeal: true}); err == nil {
		t.Error("appeal without approver")
	}
	c, err = f.m.DecideAppeal(f.ctx, agency, c.ID, AppealInput{Appeal: true, Approver: "局长 周某"})
	if err != nil || c.State != StateAppealed {
		t.Fatalf("appeal: %v %s", err, c.State)
	}
	evs, err := casework.Events(f.ctx, f.db, ownerType, c.ID, casework.Order(0))
	if err != nil || len(evs) != 11 {
		t.Errorf("events: %d %v", len(evs), err)
	}

	// Statistics of 2026 for the county see the case: received, concluded, lost, heard with a leader.
	st, err := f.m.StatsForYear(f.ctx, gov.ID, 2026, "")
	if err != nil {
		t.Fatal(err)
	}
	if st.Received != 1 || st.Concluded != 1 || st.Lost != 1 || st.Heard != 1 || st.LeaderAppeared != 1 {
		t.Errorf("stats: %+v", st)
	}
}

func TestRecommendations(t *testing.T) {
	f := newFixture(t)
	justice := f.login("qs_fy")
	gaj := f.organ("990121-GAJ")
	r, err := f.m.AddRecommendation(f.ctx, justice, RecommendationInput{Kind: Procuratorial, Number: "青检行公建〔2025〕2号", OrganID: gaj.ID, Issuer: "青山县人民检察院", ReceivedOn: "2024-12-01"})
	if err != nil {
		t.Fatal(err)
	}
	if r.ReplyDue != d("2025-02-05") {
		t.Errorf("reply due %s", r.ReplyDue)
	}
	r2, err := f.m.AddRecommendation(f.ctx, justice, RecommendationInput{Kind: Procuratorial, Number: "青检行公建〔2025〕5号", OrganID: gaj.ID, Issuer: "青山县人民检察院", Urgent: true, ReceivedOn: "2025-04-20"})
	if err != nil || r2.ReplyDue != d("2025-05-06") {
		t.Fatalf("urgent: %v %s", err, r2.ReplyDue)
	}
	r3, err := f.m.AddRecommendation(f.ctx, justice, RecommendationInput{Kind: Judicial, Number: "青法建〔2025〕3号", OrganID: gaj.ID, Issuer: "青山县人民法院", ReceivedOn: "2025-07-31"})
	if err != nil || r3.ReplyDue != d("2025-09-30") {
		t.Fatalf("judicial: %v %s", err, r3.ReplyDue)
	}
	if _, err := f.m.AddRecommendation(f.ctx, f.login("ls_fy"), RecommendationInput{Kind: Judicial, Number: "x", OrganID: gaj.ID, Issuer: "x", ReceivedOn: "2025-07-31"}); err == nil {
		t.Error("another county registered a recommendation for this one")
	}
	// 2025: r2 replied on time (05-06), r3 replied late (10-09); r (received 2024) is not in 2025.
	if err := f.m.ReplyRecommendation(f.ctx, justice, r2.ID, casework.Step{OnText: "2025-05-06"}); err != nil {
		t.Fatal(err)
	}
	if err := f.m.ReplyRecommendation(f.ctx, justice, r3.ID, casework.Step{OnText: "2025-10-09"}); err != nil {
		t.Fatal(err)
	}
	if err := f.m.ReplyRecommendation(f.ctx, justice, r3.ID, casework.Step{OnText: "2025-10-10"}); err == nil {
		t.Error("replied twice")
	}
	st, err := f.m.StatsForYear(f.ctx, f.organ("990121-GOV").ID, 2025, "")
	if err != nil {
		t.Fatal(err)
	}
	p, j := st.ProcuratorialRecommendations, st.JudicialRecommendations
	if p.Received != 1 || p.Replied != 1 || p.RepliedOnTime != 1 || p.ReplyRate != 100 {
		t.Errorf("procuratorial: %+v", p)
	}
	if j.Received != 1 || j.Replied != 1 || j.RepliedOnTime != 0 || j.ReplyRate != 0 {
		t.Errorf("judicial: %+v", j)
	}
}
