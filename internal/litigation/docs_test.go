package litigation

import (
	"archive/zip"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/officialdoc"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/webtest"
)

func (f *fixture) caseDocs(id string) map[string]officialdoc.Document {
	f.t.Helper()
	ds, err := f.m.docs.List(f.ctx, f.db, id)
	if err != nil {
		f.t.Fatal(err)
	}
	out := map[string]officialdoc.Document{}
	for _, d := range ds {
		if _, dup := out[d.Kind]; dup {
			f.t.Errorf("document %s drafted twice", d.Kind)
		}
		out[d.Kind] = d
	}
	return out
}

// fill replaces every 【请…】 mark, as the agency's staff would.
func fill(body string) string {
	return officialdoc.Placeholder.ReplaceAllString(body, "（已填写）")
}

// The answer packet is drafted at the 签收 with the case facts; drafts are editable, an issued one
// carries the defendant's 文号 and is frozen; the court's liaison and another county see none.
func TestAnswerDocuments(t *testing.T) {
	f := newFixture(t)
	court, agency, justice := f.login("qs_fyll"), f.login("qs_gaj"), f.login("qs_fy")
	gaj := f.organ("990121-GAJ")
	c, err := f.m.RegisterCase(f.ctx, court, RegisterInput{Docket: "（2026）豫0182行初9号", Plaintiffs: []PlaintiffInput{{Name: "钱七", Kind: Natural}},
		DefendantID: gaj.ID, Act: "青公（治）行罚决字〔2026〕15号行政处罚决定", ActType: "行政处罚", Field: "公安"}, courtDocsFor())
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.caseDocs(c.ID)); n != 0 {
		t.Fatalf("%d documents before the service", n)
	}
	if c, err = f.m.Sign(f.ctx, agency, c.ID, SignInput{}); err != nil {
		t.Fatal(err)
	}
	docs := f.caseDocs(c.ID)
	if len(docs) != len(answerDocs) {
		t.Fatalf("drafted %d documents at the service, want %d", len(docs), len(answerDocs))
	}
	if gaj.LegalRep == "" || gaj.Address == "" {
		t.Fatalf("demo organ without profile: %+v", gaj.Profile)
	}
	ans := docs[DocAnswer]
	for _, want := range []string{"答辩人：" + gaj.Name, gaj.Address, "法定代表人：" + gaj.LegalRep + "，" + gaj.LegalRepTitle, "被答辩人（原告）：钱七",
		"（2026）豫0182行初9号", "青公（治）行罚决字〔2026〕15号行政处罚决定", "第六十七条第一款", "【请写明所依据的法律、法规、规章和规范性文件及其条款】"} {
		if !strings.Contains(ans.Body, want) {
			t.Errorf("答辩状 lacks %q:\n%s", want, ans.Body)
		}
	}
	if ans.Recipient != c.CourtName+"：" || ans.Title != "行政答辩状" || ans.OrganID != gaj.ID {
		t.Errorf("答辩状 head: %q %q %s", ans.Title, ans.Recipient, ans.OrganID)
	}
	if !strings.Contains(docs[DocEvidence].Body, "【请逐项列明证据名称") || !strings.Contains(docs[DocIdentity].Body, gaj.LegalRep+"在我单位任"+gaj.LegalRepTitle) ||
		!strings.Contains(docs[DocMandate].Body, "委托人："+gaj.Name) {
		t.Errorf("packet texts:\n%s\n%s\n%s", docs[DocEvidence].Body, docs[DocIdentity].Body, docs[DocMandate].Body)
	}

	// Who sees and changes them.
	if _, err := f.m.docs.View(f.ctx, court, ans.ID); !errors.Is(err, fault.NotFound) {
		t.Errorf("court liaison sees the draft answer: %v", err)
	}
	if _, err := f.m.docs.View(f.ctx, f.login("ls_gaj"), ans.ID); !errors.Is(err, fault.NotFound) {
		t.Errorf("another county's agency sees it: %v", err)
	}
	if _, err := f.m.docs.Save(f.ctx, f.login("qs_sjj"), ans.ID, officialdoc.Input{Title: "x", Body: "x"}); err == nil {
		t.Error("a department that is no party edited the answer")
	}
	// A draft with marks left is refused and uses no number.
	if _, err := f.m.docs.Issue(f.ctx, agency, ans.ID, nil); err == nil || !strings.Contains(fault.Message(err), "【请") {
		t.Fatalf("issued with blanks: %v", err)
	}
	if _, err := f.m.docs.Save(f.ctx, justice, ans.ID, officialdoc.Input{Title: ans.Title, Recipient: ans.Recipient, Body: fill(ans.Body)}); err != nil {
		t.Fatalf("司法局 edits the draft: %v", err)
	}
	issued, err := f.m.docs.Issue(f.ctx, agency, ans.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "青公应答〔2026〕1号"
	if issued.Number != want || !issued.Issued() || len(issued.SHA256) != 64 {
		t.Errorf("issued %q (want %q) %s %q", issued.Number, want, issued.Status, issued.SHA256)
	}
	if _, err := f.m.docs.Save(f.ctx, agency, ans.ID, officialdoc.Input{Title: "改", Body: "改"}); !errors.Is(err, fault.Conflict) {
		t.Errorf("issued document changed: %v", err)
	}
	name, data, err := f.m.docs.DOCX(f.ctx, agency, ans.ID, nil)
	if err != nil || !strings.HasSuffix(name, want+".docx") || len(data) < 1000 || string(data[:2]) != "PK" {
		t.Errorf("docx %q %d bytes: %v", name, len(data), err)
	}
	// The second kind numbers on its own counter.
	ev := docs[DocEvidence]
	if _, err := f.m.docs.Save(f.ctx, agency, ev.ID, officialdoc.Input{Title: ev.Title, Recipient: ev.Recipient, Body: fill(ev.Body)}); err != nil {
		t.Fatal(err)
	}
	if d, err := f.m.docs.Issue(f.ctx, agency, ev.ID, nil); err != nil || d.Number != "青公应证〔2026〕1号" {
		t.Errorf("evidence list: %v %+v", err, d)
	}
	// The issue is on the case's timeline.
	evs, err := casework.Events(f.ctx, f.db, ownerType, c.ID, casework.Order(0))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, e := range evs {
		if e.Action == "issue_document" {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d issue events", n)
	}
}

// A paper service entered by the 司法局 drafts the packet at once; a hearing without the 负责人
// drafts the 不能出庭情况说明 with the Art. 8 reason and the delegated staff; one with the 负责人 does not.
func TestAbsenceDocument(t *testing.T) {
	f := newFixture(t)
	court, agency, justice := f.login("qs_fyll"), f.login("qs_gaj"), f.login("qs_fy")
	gaj := f.organ("990121-GAJ")
	c, err := f.m.RegisterCase(f.ctx, justice, RegisterInput{Docket: "（2026）豫0182行初10号", Court: "青山县人民法院", Plaintiffs: []PlaintiffInput{{Name: "孙八", Kind: Natural}},
		DefendantID: gaj.ID, ActType: "行政强制", ReceivedOn: "2026-03-20"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	docs := f.caseDocs(c.ID)
	if len(docs) != len(answerDocs) || !strings.Contains(docs[DocAnswer].Body, "【请填写被诉行政行为】") {
		t.Fatalf("paper service drafts %d documents: %+v", len(docs), docs[DocAnswer].Body)
	}
	if c.CourtID == "" {
		t.Fatal("court not found in the tree")
	}
	f.at("2026-03-25")
	if c, err = f.m.ScheduleHearing(f.ctx, court, c.ID, HearingInput{HeldOn: "2026-03-30", Mandatory: true}); err != nil {
		t.Fatal(err)
	}
	if c, err = f.m.ScheduleHearing(f.ctx, court, c.ID, HearingInput{HeldOn: "2026-03-31"}); err != nil {
		t.Fatal(err)
	}
	f.at("2026-03-31")
	c, err = f.m.RecordAppearance(f.ctx, agency, c.ID, AppearanceInput{HearingID: c.Hearings[0].ID, Absence: "需要履行他人不能代替的公务",
		Delegates: []Delegate{{Name: "赵科长"}, {Name: "王律师", Lawyer: true}}})
	if err != nil {
		t.Fatal(err)
	}
	docs = f.caseDocs(c.ID)
	ab, ok := docs[DocAbsence]
	if !ok {
		t.Fatal("no 不能出庭情况说明 drafted")
	}
	for _, want := range []string{"2026年3月30日", "需要履行他人不能代替的公务", "赵科长、王律师（律师）", "第八条", "第九条第一款", "（2026）豫0182行初10号"} {
		if !strings.Contains(ab.Body, want) {
			t.Errorf("情况说明 lacks %q:\n%s", want, ab.Body)
		}
	}
	if _, err := f.m.RecordAppearance(f.ctx, agency, c.ID, AppearanceInput{HearingID: c.Hearings[1].ID, Appeared: true, LeaderName: "李局长", LeaderTitle: "正职负责人"}); err != nil {
		t.Fatal(err)
	}
	if n := len(f.caseDocs(c.ID)); n != len(answerDocs)+1 {
		t.Errorf("%d documents after a hearing with the 负责人", n)
	}
}

// A recommendation received drafts its 回复函; the reply is recorded with the issued letter, and the
// list filters by kind, reply and overdue.
func TestRecommendationReply(t *testing.T) {
	f := newFixture(t)
	justice, agency := f.login("qs_fy"), f.login("qs_gaj")
	gaj := f.organ("990121-GAJ")
	f.at("2026-03-02")
	r, err := f.m.AddRecommendation(f.ctx, justice, RecommendationInput{Kind: Procuratorial, Number: "青检行公建〔2026〕4号", OrganID: gaj.ID, Issuer: "青山县人民检察院", ReceivedOn: "2026-03-02"})
	if err != nil {
		t.Fatal(err)
	}
	old, err := f.m.AddRecommendation(f.ctx, justice, RecommendationInput{Kind: Judicial, Number: "青法建〔2026〕1号", OrganID: gaj.ID, Issuer: "青山县人民法院", StatedDays: 20, ReceivedOn: "2026-01-05"})
	if err != nil {
		t.Fatal(err)
	}
	ds, err := f.m.recDocs.List(f.ctx, f.db, r.ID)
	if err != nil || len(ds) != 1 || ds[0].Kind != DocRecReply {
		t.Fatalf("reply drafts: %v %+v", err, ds)
	}
	letter := ds[0]
	if letter.Recipient != "青山县人民检察院：" || !strings.Contains(letter.Body, "《青检行公建〔2026〕4号》") || !strings.Contains(letter.Body, "2026年3月2日收悉") ||
		!strings.Contains(letter.Body, "2026年5月6日前") || letter.OrganID != gaj.ID {
		t.Errorf("回复函: %q\n%s", letter.Recipient, letter.Body)
	}
	if _, err := f.m.recDocs.View(f.ctx, f.login("ls_gaj"), letter.ID); !errors.Is(err, fault.NotFound) {
		t.Errorf("another county sees the letter: %v", err)
	}
	f.at("2026-03-31")
	if err := f.m.ReplyWith(f.ctx, agency, r.ID, ReplyInput{DocumentID: letter.ID}); err == nil || !strings.Contains(fault.Message(err), "已印发") {
		t.Fatalf("reply with a draft letter: %v", err)
	}
	if _, err := f.m.recDocs.Save(f.ctx, agency, letter.ID, officialdoc.Input{Title: letter.Title, Recipient: letter.Recipient, Body: fill(letter.Body)}); err != nil {
		t.Fatal(err)
	}
	is, err := f.m.recDocs.Issue(f.ctx, agency, letter.ID, nil)
	if err != nil || !regexp.MustCompile(`建复〔2026〕1号$`).MatchString(is.Number) {
		t.Fatalf("issue letter: %v %+v", err, is)
	}
	if err := f.m.ReplyWith(f.ctx, agency, r.ID, ReplyInput{Step: casework.Step{OnText: "2026-03-30"}, DocumentID: letter.ID}); err == nil {
		t.Error("reply dated before the letter was issued")
	}
	if err := f.m.ReplyWith(f.ctx, f.login("qs_sjj"), r.ID, ReplyInput{DocumentID: letter.ID}); err == nil {
		t.Error("another department replied")
	}
	if err := f.m.ReplyWith(f.ctx, agency, r.ID, ReplyInput{DocumentID: letter.ID}); err != nil {
		t.Fatal(err)
	}
	got, err := getRecommendation(f.ctx, f.db, agency, r.ID)
	if err != nil || got.RepliedOn != d("2026-03-31") || got.Overdue(f.m.Today()) {
		t.Fatalf("replied: %v %+v", err, got)
	}
	// Two months from 03-02 end on Sat 05-02, inside the 劳动节 holiday (05-01–05-05): the letter says 05-06.
	// old: judicial, 20 days stated → due 01-25, not replied → overdue.
	count := func(fl RecFilter) []string {
		rs, err := f.m.Recommendations(f.ctx, justice, fl)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, x := range rs {
			out = append(out, x.Number)
		}
		return out
	}
	if got := count(RecFilter{Overdue: true}); len(got) != 1 || got[0] != old.Number {
		t.Errorf("overdue: %v", got)
	}
	if got := count(RecFilter{Replied: "1"}); len(got) != 1 || got[0] != r.Number {
		t.Errorf("replied: %v", got)
	}
	if got := count(RecFilter{Kind: "judicial", Replied: "0"}); len(got) != 1 || got[0] != old.Number {
		t.Errorf("judicial unreplied: %v", got)
	}
	if got := count(RecFilter{}); len(got) != 2 {
		t.Errorf("all: %v", got)
	}
	if rs, _ := f.m.Recommendations(f.ctx, f.login("ls_fy"), RecFilter{}); len(rs) != 0 {
		t.Errorf("another county lists %d", len(rs))
	}
}

// A 二审 case joined to its 一审: both list each other; a case of another defendant cannot be joined.
func TestLinkMatter(t *testing.T) {
	f := newFixture(t)
	justice := f.login("qs_fy")
	gaj, sjj := f.organ("990121-GAJ"), f.organ("990121-SJJ")
	reg := func(docket, court string, def string) *Case {
		c, err := f.m.RegisterCase(f.ctx, justice, RegisterInput{Docket: docket, Court: court, Plaintiffs: []PlaintiffInput{{Name: "周九", Kind: Natural}},
			DefendantID: def, ActType: "行政处罚", ReceivedOn: "2026-01-10"}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	first := reg("（2025）豫0182行初30号", "青山县人民法院", gaj.ID)
	other := reg("（2025）豫0182行初31号", "青山县人民法院", sjj.ID)
	second := reg("（2026）豫01行终5号", "某市中级人民法院", gaj.ID)
	if second.Instance != Second {
		t.Fatalf("instance %s", second.Instance)
	}
	if _, err := f.m.LinkMatter(f.ctx, justice, first.ID, LinkInput{Docket: other.Docket}); err == nil {
		t.Error("一审 linked to a 前审级")
	}
	if _, err := f.m.LinkMatter(f.ctx, justice, second.ID, LinkInput{Docket: other.Docket}); err == nil || !strings.Contains(fault.Message(err), "被告与本案不同") {
		t.Errorf("other defendant: %v", err)
	}
	if _, err := f.m.LinkMatter(f.ctx, f.login("ls_fy"), second.ID, LinkInput{Docket: first.Docket}); err == nil {
		t.Error("another county linked")
	}
	c, err := f.m.LinkMatter(f.ctx, justice, second.ID, LinkInput{Docket: "(2025)豫0182行初30号"})
	if err != nil {
		t.Fatal(err)
	}
	if c.MatterID != first.ID {
		t.Errorf("matter %s, want %s", c.MatterID, first.ID)
	}
	if _, err := f.m.LinkMatter(f.ctx, justice, second.ID, LinkInput{Docket: first.Docket}); err == nil {
		t.Error("linked twice")
	}
	c1, _ := f.m.Case(f.ctx, justice, first.ID)
	for _, x := range []struct{ c, want *Case }{{c1, second}, {c, first}} {
		ms, err := f.m.matterCases(f.ctx, justice, x.c)
		if err != nil || len(ms) != 1 || ms[0].ID != x.want.ID {
			t.Errorf("%s lists %d instances (%v)", x.c.Docket, len(ms), err)
		}
	}
}

// The document, recommendation and matter pages by the three accounts.
func TestDocumentPages(t *testing.T) {
	f := newFixture(t)
	app := f.app()
	court, agency, justice := webtest.Login(t, app, f.auth, "qs_fyll"), webtest.Login(t, app, f.auth, "qs_gaj"), webtest.Login(t, app, f.auth, "qs_fy")
	gaj := f.organ("990121-GAJ")
	w := justice.Post("/litigation/cases", url.Values{"docket": {"（2026）豫0182行初21号"}, "court": {"青山县人民法院"}, "plaintiff_name": {"吴十"}, "plaintiff_kind": {"natural"},
		"defendant_id": {gaj.ID}, "act_type": {"行政处罚"}, "received_on": {"2026-03-30"}})
	if w.Code != 303 {
		t.Fatalf("register %d %s", w.Code, w.Body)
	}
	page := strings.SplitN(w.Location(), "?", 2)[0]
	id := strings.TrimPrefix(page, "/litigation/cases/")
	docs := f.caseDocs(id)
	ans := docs[DocAnswer]
	if w := agency.Get(page); !strings.Contains(w.Body, "应诉文书") || !strings.Contains(w.Body, docsBase+"/"+ans.ID) {
		t.Errorf("case page lists no documents")
	}
	if w := court.Get(page); w.Code != 200 || strings.Contains(w.Body, docsBase+"/") {
		t.Errorf("court's case page shows the agency's documents: %d", w.Code)
	}
	if w := court.Get(docsBase + "/" + ans.ID); w.Code != 404 {
		t.Errorf("court opens the draft: %d", w.Code)
	}
	if w := agency.Get(docsBase + "/" + ans.ID); w.Code != 200 || !strings.Contains(w.Body, "吴十") {
		t.Fatalf("document page %d", w.Code)
	}
	if w := agency.Post(docsBase+"/"+ans.ID, url.Values{"title": {ans.Title}, "recipient": {ans.Recipient}, "body": {fill(ans.Body)}, "updated_at": {ans.UpdatedAt}}); w.Code != 303 {
		t.Fatalf("save %d %s", w.Code, w.Body)
	}
	if w := agency.Post(docsBase+"/"+ans.ID+"/issue", url.Values{}); w.Code != 303 {
		t.Fatalf("issue %d %s", w.Code, w.Body)
	}
	if d, err := f.m.docs.Get(f.ctx, f.db, ans.ID, false); err != nil || d.Number != "青公应答〔2026〕1号" {
		t.Errorf("issued as %+v (%v)", d, err)
	}
	if w := agency.Get(docsBase + "/" + ans.ID + ".docx"); w.Code != 200 || !strings.HasPrefix(w.Body, "PK") {
		t.Errorf("docx %d", w.Code)
	}

	// Recommendations: the form, the list with filters, the page with its clock and the reply.
	if w := court.Get("/litigation/recommendations"); w.Code != 403 {
		t.Errorf("court liaison on the recommendation list: %d", w.Code)
	}
	w = justice.Post("/litigation/recommendations", url.Values{"kind": {"procuratorial"}, "number": {"青检行公建〔2026〕7号"}, "issuer": {"青山县人民检察院"},
		"organ_id": {gaj.ID}, "case_docket": {"(2026)豫0182行初21号"}, "received_on": {"2026-03-31"}, "urgent": {"true"}})
	if w.Code != 303 {
		t.Fatalf("add recommendation %d %s", w.Code, w.Body)
	}
	rpage := strings.SplitN(w.Location(), "?", 2)[0]
	if w := justice.Post("/litigation/recommendations", url.Values{"kind": {"judicial"}, "number": {"x"}, "issuer": {"x"}, "organ_id": {gaj.ID},
		"case_docket": {"（2026）豫0182行初99号"}, "received_on": {"2026-03-31"}}); w.Code != 422 || !strings.Contains(w.Body, "未找到案号") {
		t.Errorf("unknown docket: %d", w.Code)
	}
	// Urgent 检察建议: 15 days from 03-31 → 04-15 (Wed).
	w = agency.Get(rpage)
	if w.Code != 200 || !strings.Contains(w.Body, "2026-04-15") || !strings.Contains(w.Body, "第二十一条") || !strings.Contains(w.Body, "行初21号") || !strings.Contains(w.Body, "请先填写并印发回复函") {
		t.Fatalf("recommendation page %d", w.Code)
	}
	if w := agency.Get("/litigation/recommendations?replied=0&kind=procuratorial"); !strings.Contains(w.Body, "青检行公建〔2026〕7号") {
		t.Error("list lacks the unreplied recommendation")
	}
	if w := agency.Get("/litigation/recommendations?replied=1"); strings.Contains(w.Body, "青检行公建〔2026〕7号") {
		t.Error("unreplied listed as replied")
	}
	if w := agency.Get(page); !strings.Contains(w.Body, rpage) {
		t.Error("case page does not link the recommendation")
	}
	rid := strings.TrimPrefix(rpage, "/litigation/recommendations/")
	letters, _ := f.m.recDocs.List(f.ctx, f.db, rid)
	l := letters[0]
	if w := agency.Post(recDocsBase+"/"+l.ID, url.Values{"title": {l.Title}, "recipient": {l.Recipient}, "body": {fill(l.Body)}, "updated_at": {l.UpdatedAt}}); w.Code != 303 {
		t.Fatalf("save letter %d", w.Code)
	}
	if w := agency.Post(recDocsBase+"/"+l.ID+"/issue", url.Values{}); w.Code != 303 {
		t.Fatalf("issue letter %d", w.Code)
	}
	if w := agency.Post(rpage+"/reply", url.Values{"document_id": {l.ID}, "on": {"2026-04-01"}}); w.Code != 422 {
		t.Errorf("future reply date: %d", w.Code)
	}
	if w := agency.Post(rpage+"/reply", url.Values{"document_id": {l.ID}, "on": {"2026-03-31"}}); w.Code != 303 {
		t.Fatalf("reply %d %s", w.Code, w.Body)
	}
	if w := agency.Get(rpage); !strings.Contains(w.Body, "建复〔2026〕1号") || strings.Contains(w.Body, "记录回复</button>") {
		t.Error("replied page")
	}

	// The 二审 joined from its page; both pages list both instances.
	w = justice.Post("/litigation/cases", url.Values{"docket": {"（2026）豫01行终8号"}, "court": {"某市中级人民法院"}, "plaintiff_name": {"吴十"}, "plaintiff_kind": {"natural"},
		"defendant_id": {gaj.ID}, "act_type": {"行政处罚"}, "received_on": {"2026-03-31"}})
	if w.Code != 303 {
		t.Fatalf("register 二审 %d", w.Code)
	}
	page2 := strings.SplitN(w.Location(), "?", 2)[0]
	if w := justice.Get(page2); !strings.Contains(w.Body, `action="`+page2+`/link"`) {
		t.Fatal("二审 page offers no link form")
	}
	if w := justice.Post(page2+"/link", url.Values{"docket": {"（2026）豫0182行初22号"}}); w.Code != 422 || !strings.Contains(w.Body, "未找到案号") {
		t.Errorf("link to a missing case: %d", w.Code)
	}
	if w := justice.Post(page2+"/link", url.Values{"docket": {"（2026）豫0182行初21号"}}); w.Code != 303 {
		t.Fatalf("link %d %s", w.Code, w.Body)
	}
	if w := agency.Get(page); !strings.Contains(w.Body, "本案各审级") || !strings.Contains(w.Body, "行终8号") {
		t.Error("一审 page lacks the 二审")
	}
	if w := agency.Get(page2); !strings.Contains(w.Body, "行初21号") || strings.Contains(w.Body, `/link"`) {
		t.Error("二审 page lacks the 一审 or still offers the link")
	}
}

// The hearing calendar lists the hearings of the week or the month in their day cells, for the
// people who may see the case only.
func TestHearingCalendar(t *testing.T) {
	f := newFixture(t)
	app := f.app()
	court, justice := f.login("qs_fyll"), f.login("qs_fy")
	gaj := f.organ("990121-GAJ")
	c, err := f.m.RegisterCase(f.ctx, justice, RegisterInput{Docket: "（2026）豫0182行初40号", Court: "青山县人民法院", Plaintiffs: []PlaintiffInput{{Name: "郑一", Kind: Natural}},
		DefendantID: gaj.ID, ActType: "行政处罚", ReceivedOn: "2026-03-20"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// Notices on 03-31: hearings on Fri 04-03 (mandatory) and Tue 04-14.
	if _, err := f.m.ScheduleHearing(f.ctx, court, c.ID, HearingInput{HeldOn: "2026-04-03", Mandatory: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.ScheduleHearing(f.ctx, court, c.ID, HearingInput{HeldOn: "2026-04-14"}); err != nil {
		t.Fatal(err)
	}
	hs, err := f.m.HearingsBetween(f.ctx, justice, d("2026-03-30"), d("2026-04-05"))
	if err != nil || len(hs) != 1 || hs[0].HeldOn != d("2026-04-03") || !hs[0].Mandatory || hs[0].Docket != c.Docket {
		t.Fatalf("week: %v %+v", err, hs)
	}
	if hs, _ := f.m.HearingsBetween(f.ctx, f.login("ls_fyll"), d("2026-03-01"), d("2026-04-30")); len(hs) != 0 {
		t.Errorf("another county's court sees %d hearings", len(hs))
	}
	from, to, _ := calRange("month", d("2026-04-14"))
	if from != d("2026-03-30") || to != d("2026-05-03") {
		t.Errorf("April grid %s–%s", from, to)
	}
	agency := webtest.Login(t, app, f.auth, "qs_gaj")
	w := agency.Get("/litigation/hearings?view=week&date=2026-04-01")
	if w.Code != 200 || !strings.Contains(w.Body, "共 1 次开庭") || !strings.Contains(w.Body, "行初40号") || !strings.Contains(w.Body, "负责人出庭") {
		t.Errorf("week page %d", w.Code)
	}
	w = agency.Get("/litigation/hearings?view=month&date=2026-04-20")
	if !strings.Contains(w.Body, "2026年4月") || !strings.Contains(w.Body, "共 2 次开庭") || !strings.Contains(w.Body, "window.print()") {
		t.Errorf("month page %d", w.Code)
	}
	if w := agency.Get("/litigation/hearings?date=2026-13-01"); w.Code != 422 {
		t.Errorf("bad date: %d", w.Code)
	}
	if w := webtest.Login(t, app, f.auth, "ls_gaj").Get("/litigation/hearings?view=month&date=2026-04-20"); strings.Contains(w.Body, "行初40号") {
		t.Error("another county's agency sees the hearing")
	}
}

// The issued 行政答辩状 of a fixed case as word/document.xml (GB/T 9704 through docgen): the
// defendant's name over the title, its 文号, the party lines flush left, the court as 主送.
func TestAnswerGolden(t *testing.T) {
	f := newFixture(t)
	court, agency := f.login("qs_fyll"), f.login("qs_gaj")
	gaj := f.organ("990121-GAJ")
	c, err := f.m.RegisterCase(f.ctx, court, RegisterInput{Docket: "（2026）豫0182行初9号", Plaintiffs: []PlaintiffInput{{Name: "钱七", Kind: Natural}},
		DefendantID: gaj.ID, Act: "青公（治）行罚决字〔2026〕15号行政处罚决定", ActType: "行政处罚", Field: "公安"}, courtDocsFor())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.Sign(f.ctx, agency, c.ID, SignInput{}); err != nil {
		t.Fatal(err)
	}
	ans := f.caseDocs(c.ID)[DocAnswer]
	if _, err := f.m.docs.Save(f.ctx, agency, ans.ID, officialdoc.Input{Title: ans.Title, Recipient: ans.Recipient, Body: fill(ans.Body)}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.docs.Issue(f.ctx, agency, ans.ID, nil); err != nil {
		t.Fatal(err)
	}
	_, data, err := f.m.docs.DOCX(f.ctx, agency, ans.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var got string
	for _, zf := range zr.File {
		if zf.Name == "word/document.xml" {
			rc, _ := zf.Open()
			b, _ := io.ReadAll(rc)
			rc.Close()
			got = string(b)
		}
	}
	path := filepath.Join("testdata", "answer.golden")
	if os.Getenv("FAZHI_UPDATE_GOLDEN") == "1" {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (FAZHI_UPDATE_GOLDEN=1 go test -run TestAnswerGolden writes it)", err)
	}
	if got != string(want) {
		t.Errorf("word/document.xml differs from %s (rewrite with FAZHI_UPDATE_GOLDEN=1 after checking the change)", path)
	}
	for _, w := range []string{`<w:pgSz w:w="11906" w:h="16838"/>`, `w:top="2098"`, gaj.Name + `</w:t><w:br/><w:t xml:space="preserve">行政答辩状`,
		"青公应答〔2026〕1号", `<w:p><w:r><w:t xml:space="preserve">答辩人：` + gaj.Name, "青山县人民法院：", "2026年3月31日"} {
		if !strings.Contains(got, w) {
			t.Errorf("document.xml lacks %s", w)
		}
	}
	if os.Getenv("FAZHI_RENDER") == "1" {
		os.WriteFile(filepath.Join(os.TempDir(), "litigation-answer.docx"), data, 0o644)
	}
}

// The issued 答辩状 goes to the court as its frozen DOCX: the delivery carries the document's hash,
// and only issued documents of this very case are accepted.
func TestAnswerWithIssuedDocument(t *testing.T) {
	f := newFixture(t)
	court, agency := f.login("qs_fyll"), f.login("qs_gaj")
	gaj := f.organ("990121-GAJ")
	reg := func(n int) *Case {
		c, err := f.m.RegisterCase(f.ctx, court, RegisterInput{Docket: fmt.Sprintf("（2026）豫0182行初%d号", n), Plaintiffs: []PlaintiffInput{{Name: "冯二", Kind: Natural}},
			DefendantID: gaj.ID, ActType: "行政处罚"}, courtDocsFor())
		if err != nil {
			t.Fatal(err)
		}
		if c, err = f.m.Sign(f.ctx, agency, c.ID, SignInput{}); err != nil {
			t.Fatal(err)
		}
		return c
	}
	c, other := reg(50), reg(51)
	ans := f.caseDocs(c.ID)[DocAnswer]
	if _, err := f.m.SubmitAnswer(f.ctx, agency, c.ID, AnswerInput{DocumentIDs: []string{ans.ID}}, nil); err == nil || !strings.Contains(fault.Message(err), "已印发") {
		t.Fatalf("draft submitted: %v", err)
	}
	if _, err := f.m.docs.Save(f.ctx, agency, ans.ID, officialdoc.Input{Title: ans.Title, Recipient: ans.Recipient, Body: fill(ans.Body)}); err != nil {
		t.Fatal(err)
	}
	issued, err := f.m.docs.Issue(f.ctx, agency, ans.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.SubmitAnswer(f.ctx, agency, other.ID, AnswerInput{DocumentIDs: []string{ans.ID}}, nil); err == nil {
		t.Error("another case's 答辩状 submitted")
	}
	c, err = f.m.SubmitAnswer(f.ctx, agency, c.ID, AnswerInput{DocumentIDs: []string{ans.ID}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.State != StateAnswered {
		t.Errorf("state %s", c.State)
	}
	ds, err := f.m.Deliveries(f.ctx, f.db, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, x := range ds {
		if x.Direction == "to_court" && x.Kind == "答辩状" && x.SHA256 == issued.SHA256 && strings.HasSuffix(x.Filename, issued.Number+".docx") {
			found = true
		}
	}
	if !found {
		t.Errorf("no delivery of the issued 答辩状 (%s): %+v", issued.SHA256, ds)
	}
}

// A defendant without its own 机关代字 numbers with the one its county derives (青山县公安局 → 青公),
// never a bare 应答〔2026〕1号; when the derived one is another organ's of the same government the
// draft shows the mark, issuing is refused without using a number, and the 代字 entered by the
// administrator numbers it.
func TestDocPrefixWithoutOwn(t *testing.T) {
	f := newFixture(t)
	gaj, sfj, gov := f.organ("990121-GAJ"), f.organ("990121-SFJ"), f.organ("990121-GOV")
	if gaj.DocPrefix != "" || sfj.DocPrefix == "" {
		t.Fatalf("demo prefixes changed: %q %q", gaj.DocPrefix, sfj.DocPrefix)
	}
	for _, c := range []struct {
		o    org.Organ
		want string
	}{{gaj, "青公"}, {f.organ("990121-SJJ"), "青市"}, {sfj, sfj.DocPrefix}, {gov, gov.DocPrefix}} {
		if got, err := f.m.docPrefix(c.o); got != c.want || err != nil {
			t.Errorf("%s: %q %v, want %q", c.o.Name, got, err, c.want)
		}
	}
	court, agency := f.login("qs_fyll"), f.login("qs_gaj")
	c, err := f.m.RegisterCase(f.ctx, court, RegisterInput{Docket: "（2026）豫0182行初31号", Plaintiffs: []PlaintiffInput{{Name: "钱七", Kind: Natural}},
		DefendantID: gaj.ID, ActType: "行政处罚", Field: "公安"}, courtDocsFor())
	if err != nil {
		t.Fatal(err)
	}
	if _, err = f.m.Sign(f.ctx, agency, c.ID, SignInput{}); err != nil {
		t.Fatal(err)
	}
	ans := f.caseDocs(c.ID)[DocAnswer]
	if _, err := f.m.docs.Save(f.ctx, agency, ans.ID, officialdoc.Input{Title: ans.Title, Recipient: ans.Recipient, Body: fill(ans.Body)}); err != nil {
		t.Fatal(err)
	}
	if v, err := f.m.docs.View(f.ctx, agency, ans.ID); err != nil || v.Layout.Number != "青公应答〔2026〕　号" || len(v.Missing) != 0 {
		t.Fatalf("draft number %+v %v", v, err)
	}
	// 青山县公路局 derives 青公 too.
	if err := f.db.Tx(f.ctx, func(tx *db.Tx) error {
		return f.org.CreateOrgan(f.ctx, tx, &org.Organ{Code: "990121-GLJ", Name: "青山县公路局", Kind: org.KindDepartment, DivisionCode: gov.DivisionCode, ParentID: gov.ID})
	}); err != nil {
		t.Fatal(err)
	}
	if err := f.org.Load(f.ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := f.m.docPrefix(gaj); !errors.Is(err, fault.Conflict) || !strings.Contains(fault.Message(err), "青山县公路局") {
		t.Errorf("shared derived prefix: %v", err)
	}
	v, err := f.m.docs.View(f.ctx, agency, ans.ID)
	if err != nil || v.Layout.Number != officialdoc.NoPrefixMark+"应答〔2026〕　号" || len(v.Missing) != 1 {
		t.Fatalf("draft with no prefix: %q %v %v", v.Layout.Number, v.Missing, err)
	}
	_, err = f.m.docs.Issue(f.ctx, agency, ans.ID, nil)
	if msg := fault.Message(err); !errors.Is(err, fault.Conflict) || !strings.Contains(msg, "请系统管理员在机构管理中填写本机关的发文机关代字") {
		t.Fatalf("issued without a prefix: %v", err)
	}
	if n := f.count(`SELECT COUNT(*) FROM counters WHERE organ_id = ? AND kind LIKE 'litigation.doc.%' AND value > 0`, gaj.ID); n != 0 {
		t.Errorf("refused issue used a number: %d counters", n)
	}
	if err := f.db.Tx(f.ctx, func(tx *db.Tx) error {
		return tx.ExecOne(f.ctx, `UPDATE organs SET doc_prefix = '青公安' WHERE id = ?`, gaj.ID)
	}); err != nil {
		t.Fatal(err)
	}
	if err := f.org.Load(f.ctx); err != nil {
		t.Fatal(err)
	}
	if d, err := f.m.docs.Issue(f.ctx, agency, ans.ID, nil); err != nil || d.Number != "青公安应答〔2026〕1号" {
		t.Errorf("issued with the entered prefix: %+v %v", d, err)
	}
}
