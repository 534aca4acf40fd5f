package litigation

import (
	"strings"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/module"
	"github.com/fazhi/fazhi/internal/reconsider"
	"github.com/fazhi/fazhi/internal/webtest"
)

// The reconsideration case page lists the lawsuits over it — both instances of the matter, 一审
// first, linked to their pages — to whoever may open them: the 司法局 sees them; the respondent's
// liaison, whose organ is no party to a suit against the 复议机关 alone (复议改变), does not; a case
// with no lawsuit shows no section. The link is wired through Spec.New, as cli builds the modules.
func TestReconsiderPageShowsLawsuits(t *testing.T) {
	f := newFixture(t)
	app := f.app()
	cal := calendar.Default()
	rm := reconsider.NewModule(reconsider.New(f.db, f.org, f.auth, func() *calendar.Calendar { return cal }, f.m.d.Cipher), nil)
	rm.Register(app, api.NewRegistry())
	now := f.m.now
	f.m = Spec.New(module.Deps{DB: f.db, Org: f.org, Auth: f.auth, Cipher: f.m.d.Cipher}, func(name string) module.Module {
		if name == "reconsider" {
			return rm
		}
		return nil
	}).(*Module)
	f.m.SetClock(func() time.Time { return now() })

	justice, gov, gaj := f.login("qs_fy"), f.organ("990121-GOV"), f.organ("990121-GAJ")
	newRecon := func(act string) string {
		rec, err := rm.Service().Register(f.ctx, justice, reconsider.Intake{OrganID: gov.ID, Channel: reconsider.ChannelInPerson, ReceivedText: "2026-01-05",
			ApplicantKind: reconsider.Natural, ApplicantName: "张三", IDNumber: "110101199003071233", Phone: "13800138000", RespondentID: gaj.ID,
			ActType: "行政处罚", Field: "公安", ActTitle: act, ActDateText: "2025-12-01", LearnedText: "2025-12-02", Requests: "撤销该处罚决定", Facts: "事实不清"})
		if err != nil {
			t.Fatalf("reconsider register: %v", err)
		}
		return rec.CaseID
	}
	withSuit, without := newRecon("青公（治）决字〔2025〕7号"), newRecon("青公（治）决字〔2025〕8号")
	first, err := f.m.RegisterCase(f.ctx, f.login("qs_fyll"), RegisterInput{Docket: "（2026）豫0182行初41号", Plaintiffs: []PlaintiffInput{{Name: "张三", Kind: Natural}},
		DefendantID: gov.ID, ActType: "行政处罚", Field: "公安", ReconsiderResult: ReconsiderChanged, ReconsiderCaseID: withSuit}, courtDocsFor())
	if err != nil {
		t.Fatal(err)
	}
	second, err := f.m.RegisterCase(f.ctx, justice, RegisterInput{Docket: "（2026）豫01行终9号", Court: "示范市中级人民法院", Plaintiffs: []PlaintiffInput{{Name: "张三", Kind: Natural}},
		DefendantID: gov.ID, ActType: "行政处罚", Field: "公安", ReceivedOn: "2026-03-20"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.LinkMatter(f.ctx, justice, second.ID, LinkInput{Docket: first.Docket}); err != nil {
		t.Fatal(err)
	}

	staff := webtest.Login(t, app, f.auth, "qs_fy")
	w := staff.Get("/reconsider/cases/" + withSuit)
	i1, i2 := strings.Index(w.Body, `<a href="/litigation/cases/`+first.ID+`">`+first.Docket), strings.Index(w.Body, `<a href="/litigation/cases/`+second.ID+`">`+second.Docket)
	if w.Code != 200 || !strings.Contains(w.Body, "<h2>行政诉讼</h2>") || i1 < 0 || i2 < i1 || !strings.Contains(w.Body, "示范市中级人民法院") {
		t.Errorf("司法局 sees no lawsuits (%d, %d %d):\n%s", w.Code, i1, i2, w.Body)
	}
	if w := staff.Get("/reconsider/cases/" + without); w.Code != 200 || strings.Contains(w.Body, "行政诉讼</h2>") || strings.Contains(w.Body, "/litigation/cases/") {
		t.Errorf("case without a lawsuit: %d", w.Code)
	}
	w = webtest.Login(t, app, f.auth, "qs_gaj").Get("/reconsider/cases/" + withSuit)
	if w.Code != 200 || strings.Contains(w.Body, "行政诉讼</h2>") || strings.Contains(w.Body, first.Docket) {
		t.Errorf("the respondent's liaison sees a lawsuit it is no party to: %d", w.Code)
	}
	// Once it is a co-defendant (复议维持), it sees it.
	if _, err := f.m.RegisterCase(f.ctx, f.login("qs_fyll"), RegisterInput{Docket: "（2026）豫0182行初42号", Plaintiffs: []PlaintiffInput{{Name: "张三", Kind: Natural}},
		DefendantID: gaj.ID, CoDefendantIDs: []string{gov.ID}, ActType: "行政处罚", Field: "公安", ReconsiderResult: ReconsiderUpheld, ReconsiderCaseID: withSuit}, courtDocsFor()); err != nil {
		t.Fatal(err)
	}
	w = webtest.Login(t, app, f.auth, "qs_gaj").Get("/reconsider/cases/" + withSuit)
	if !strings.Contains(w.Body, "（2026）豫0182行初42号") || strings.Contains(w.Body, first.Docket) {
		t.Errorf("the liaison's own lawsuit: %d", w.Code)
	}

	// A link must name a reconsideration case of the defendant's government about a defendant's act.
	for _, bad := range []struct{ id, defendant, want string }{
		{"01JUNKNOWNCASE0000000000000", gov.ID, "不存在"},
		{without, f.organ("990121-SJJ").ID, "不是本案被告或共同被告"},
	} {
		_, err := f.m.RegisterCase(f.ctx, justice, RegisterInput{Docket: "（2026）豫0182行初43号", Court: "青山县人民法院", Plaintiffs: []PlaintiffInput{{Name: "张三", Kind: Natural}},
			DefendantID: bad.defendant, ActType: "行政处罚", Field: "公安", ReceivedOn: "2026-03-20", ReconsiderCaseID: bad.id}, nil)
		if err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("link to %s against %s: %v, want a refusal saying %q", bad.id, bad.defendant, err, bad.want)
		}
	}
}
