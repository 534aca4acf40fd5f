package litigation

import (
	"net/url"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/web"
	"github.com/fazhi/fazhi/internal/webtest"
)

func (f *fixture) todos(p *auth.Principal) map[string]web.Todo {
	f.t.Helper()
	ts, err := f.m.Todos(f.ctx, p)
	if err != nil {
		f.t.Fatal(err)
	}
	out := map[string]web.Todo{}
	for _, t := range ts {
		out[strings.SplitN(t.Title, "：", 2)[0]] = t
	}
	return out
}

// The workbench: each todo goes to whoever must act, with its due date and article.
func TestTodos(t *testing.T) {
	f := newFixture(t)
	court, agency, justice, other := f.login("qs_fyll"), f.login("qs_gaj"), f.login("qs_fy"), f.login("ls_gaj")
	gaj := f.organ("990121-GAJ")
	// Registered on Tuesday 2026-03-31: the agency must sign; unsigned after one working day
	// (Wednesday 04-01) the 司法局 is told to press it.
	c, err := f.m.RegisterCase(f.ctx, court, RegisterInput{Docket: "（2026）豫0182行初7号", Plaintiffs: []PlaintiffInput{{Name: "张三", Kind: Natural}},
		DefendantID: gaj.ID, ActType: "行政处罚"}, courtDocsFor())
	if err != nil {
		t.Fatal(err)
	}
	if td, ok := f.todos(agency)["签收送达文书"]; !ok || td.Due != d("2026-04-01") || !strings.Contains(td.Basis, "第六十七条") || td.URL != caseURL(c.ID) {
		t.Errorf("agency sign todo: %+v", td)
	}
	if _, ok := f.todos(justice)["督促被告签收（送达后超过1个工作日未签收）"]; ok {
		t.Error("escalated on the day of delivery")
	}
	if len(f.todos(other)) != 0 {
		t.Error("another county's agency has todos of this case")
	}
	f.at("2026-04-02")
	if td, ok := f.todos(justice)["督促被告签收（送达后超过1个工作日未签收）"]; !ok || td.Due != d("2026-04-01") {
		t.Errorf("escalation: %+v", f.todos(justice))
	}
	// Signed 04-02: answer due 04-17 (Fri), 第六十七条.
	if _, err := f.m.Sign(f.ctx, agency, c.ID, SignInput{}); err != nil {
		t.Fatal(err)
	}
	if td := f.todos(agency)["提交答辩状及证据、依据"]; td.Due != d("2026-04-17") || td.Basis != RuleAnswer.Basis {
		t.Errorf("answer todo: %+v", td)
	}
	if _, ok := f.todos(justice)["督促被告签收（送达后超过1个工作日未签收）"]; ok {
		t.Error("escalation stays after signing")
	}
	if _, err := f.m.SubmitDraft(f.ctx, agency, c.ID, DraftInput{Facts: "事实清楚。"}); err != nil {
		t.Fatal(err)
	}
	if td, ok := f.todos(justice)["审核答辩状初稿"]; !ok || td.Due != d("2026-04-17") {
		t.Errorf("review todo: %+v", f.todos(justice))
	}
	if _, err := f.m.SubmitAnswer(f.ctx, agency, c.ID, AnswerInput{}, []Doc{{Kind: "答辩状", Filename: "答辩状.pdf", Data: []byte("%PDF-1.4 x")}}); err != nil {
		t.Fatal(err)
	}
	if _, ok := f.todos(court)["签收被告提交的答辩材料"]; !ok {
		t.Errorf("court todo: %+v", f.todos(court))
	}
	if _, err := f.m.ScheduleHearing(f.ctx, court, c.ID, HearingInput{HeldOn: "2026-04-08", Mandatory: true}); err != nil {
		t.Fatal(err)
	}
	if td, ok := f.todos(agency)["出庭应诉（2026-04-08开庭）"]; !ok || td.Due != d("2026-04-08") || !strings.Contains(td.Basis, "第三条第三款") {
		t.Errorf("hearing todo: %+v", f.todos(agency))
	}
	f.at("2026-04-08")
	c, _ = f.m.Case(f.ctx, nil, c.ID)
	if _, err := f.m.RecordAppearance(f.ctx, agency, c.ID, AppearanceInput{HearingID: c.Hearings[0].ID, Appeared: true, LeaderName: "李局长", LeaderTitle: "正职负责人"}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Decide(f.ctx, court, c.ID, DecisionInput{Outcome: DismissSuit}, nil); err == nil || !strings.Contains(fault.Message(err), "请上传裁定书") {
		t.Errorf("decision without its document: %v", err)
	}
	if _, err := f.m.Decide(f.ctx, court, c.ID, DecisionInput{Outcome: DismissSuit}, []Doc{{Kind: "裁判文书", Filename: "裁定书.pdf", Data: []byte("%PDF-1.4 裁定")}}); err != nil {
		t.Fatal(err)
	}
	// A ruling served Thursday 04-09: 10 days → 04-19 is a Sunday → Monday 04-20 (第八十五条).
	f.at("2026-04-09")
	if _, err := f.m.Sign(f.ctx, agency, c.ID, SignInput{}); err != nil {
		t.Fatal(err)
	}
	if td := f.todos(agency)["决定是否上诉"]; td.Due != d("2026-04-20") || td.Basis != RuleAppealRuling.Basis {
		t.Errorf("appeal todo: %+v", td)
	}
	if _, err := f.m.AddRecommendation(f.ctx, justice, RecommendationInput{Kind: Procuratorial, Number: "青检行公建〔2026〕1号", OrganID: gaj.ID, CaseID: c.ID,
		Issuer: "青山县人民检察院", Urgent: true, ReceivedOn: "2026-04-09"}); err != nil {
		t.Fatal(err)
	}
	for who, p := range map[string]*auth.Principal{"agency": agency, "justice": justice} {
		if td := f.todos(p)["回复检察建议"]; td.Due != d("2026-04-24") || td.Basis != RuleProcuratorialUrgent.Basis {
			t.Errorf("%s: recommendation todo %+v", who, td)
		}
	}
}

// A holiday added on the answer's last day moves it to the next working day; concluded steps keep theirs.
func TestRedate(t *testing.T) {
	f := newFixture(t)
	court, agency := f.login("qs_fyll"), f.login("qs_gaj")
	c, err := f.m.RegisterCase(f.ctx, court, RegisterInput{Docket: "（2026）豫0182行初8号", Plaintiffs: []PlaintiffInput{{Name: "李四", Kind: Natural}},
		DefendantID: f.organ("990121-GAJ").ID, ActType: "行政许可"}, courtDocsFor())
	if err != nil {
		t.Fatal(err)
	}
	if c, err = f.m.Sign(f.ctx, agency, c.ID, SignInput{}); err != nil || c.AnswerDue != d("2026-04-15") {
		t.Fatalf("answer due %s %v", c.AnswerDue, err)
	}
	var notices []calendar.YearNotice
	for _, n := range calendar.Default().Notices() {
		if n.Year == 2026 {
			n.Off = append(n.Off, d("2026-04-15"))
		}
		notices = append(notices, n)
	}
	cal := calendar.New(notices)
	var moved []calendar.Moved
	if err := f.db.Tx(f.ctx, func(tx *db.Tx) error {
		moved, err = f.m.Redate(f.ctx, tx, cal)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if len(moved) != 1 || moved[0].Old != d("2026-04-15") || moved[0].New != d("2026-04-16") || moved[0].URL != caseURL(c.ID) {
		t.Fatalf("moved: %+v", moved)
	}
	if c, _ = f.m.Case(f.ctx, nil, c.ID); c.AnswerDue != d("2026-04-16") || c.DraftDue != d("2026-04-10") {
		t.Errorf("after redate: answer %s draft %s", c.AnswerDue, c.DraftDue)
	}
}

// The API: a court system registers a case with its documents (multipart) and pulls the answer.
func TestAPIUploads(t *testing.T) {
	f := newFixture(t)
	app := f.app()
	court, agency := webtest.Login(t, app, f.auth, "qs_fyll"), webtest.Login(t, app, f.auth, "qs_gaj")
	form := url.Values{"docket": {"（2026）豫0182行初11号"}, "plaintiff_name": {"王五"}, "plaintiff_kind": {"natural"},
		"defendant_id": {f.organ("990121-GAJ").ID}, "act_type": {"行政处罚"}}
	w := multi(t, court, "/litigation/cases/new", "/api/v1/litigation/cases", form, map[string]map[string][]byte{"file_complaint": pdf("起诉状副本"), "file_notice": pdf("应诉通知书")})
	if w.Code != 422 || !strings.Contains(w.Body, "举证通知书") {
		t.Fatalf("api register without 举证通知书: %d %s", w.Code, w.Body)
	}
	w = multi(t, court, "/litigation/cases/new", "/api/v1/litigation/cases", form, map[string]map[string][]byte{"file_complaint": pdf("起诉状副本"),
		"file_notice": pdf("应诉通知书"), "file_evidence_notice": pdf("举证通知书")})
	var cj struct {
		ID         string     `json:"id"`
		State      State      `json:"state"`
		Deliveries []Delivery `json:"deliveries"`
	}
	if w.Code != 201 {
		t.Fatalf("api register: %d %s", w.Code, w.Body)
	}
	w.JSON(t, &cj)
	if cj.State != StateRegistered || len(cj.Deliveries) != 3 || len(cj.Deliveries[0].SHA256) != 64 {
		t.Fatalf("registered: %+v", cj)
	}
	if w := agency.JSON("POST", "/api/v1/litigation/cases/"+cj.ID+"/sign", nil); w.Code != 200 {
		t.Fatalf("api sign %d %s", w.Code, w.Body)
	}
	if w := multi(t, agency, "/litigation/cases/"+cj.ID, "/api/v1/litigation/cases/"+cj.ID+"/answer", nil, map[string]map[string][]byte{"file_answer": pdf("答辩状")}); w.Code != 200 {
		t.Fatalf("api answer %d %s", w.Code, w.Body)
	}
	w = court.Get("/api/v1/litigation/cases/" + cj.ID)
	w.JSON(t, &cj)
	if cj.State != StateAnswered || len(cj.Deliveries) != 4 || cj.Deliveries[3].Kind != "答辩状" {
		t.Fatalf("answered: %+v", cj)
	}
	if w := court.Get("/api/v1/litigation/cases/" + cj.ID + "/deliveries/" + cj.Deliveries[3].ID); w.Code != 200 || !strings.HasPrefix(w.Body, "%PDF") {
		t.Errorf("api download %d", w.Code)
	}
	if w := webtest.Login(t, app, f.auth, "ls_fyll").Get("/api/v1/litigation/cases/" + cj.ID + "/deliveries/" + cj.Deliveries[3].ID); w.Code != 404 {
		t.Errorf("other county api download %d", w.Code)
	}
}
