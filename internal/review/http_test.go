package review

import (
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/docgen"
	"github.com/fazhi/fazhi/internal/files"
	"github.com/fazhi/fazhi/internal/notify"
	"github.com/fazhi/fazhi/internal/web"
	"github.com/fazhi/fazhi/internal/webtest"
)

func (f *fixture) app() *web.App {
	cal := calendar.Default()
	app := web.New(web.Deps{DB: f.db, Auth: f.auth, Org: f.org, Calendar: func() *calendar.Calendar { return cal }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	NewModule(f.svc).Register(app, api.NewRegistry())
	return app
}

// client signs a demo account in.
func (f *fixture) client(app *web.App, username string) *webtest.Client {
	return webtest.Login(f.t, app, f.auth, username)
}

func TestPagesThroughTheRouter(t *testing.T) {
	f := newFixture(t)
	app := f.app()
	liaison, staff, advisor := f.client(app, "qs_gaj"), f.client(app, "qs_sc"), f.client(app, "qs_gw")

	if w := liaison.Get("/review/requests/new?kind=decision"); w.Code != 200 || !strings.Contains(w.Body, "风险评估报告") {
		t.Fatalf("new form %d", w.Code)
	}
	w := liaison.Post("/review/requests", url.Values{"kind": {"normdoc"}, "title": {""}, "on": {"2025-03-03"}})
	if w.Code != 422 || !strings.Contains(w.Body, "请填写送审事项名称") {
		t.Fatalf("an empty title shows the message beside the field: %d", w.Code)
	}
	form := url.Values{"kind": {"normdoc"}, "title": {"青山县公安局户籍管理规定"}, "on": {"2025-03-03"}, "draft": {"第一条 …\n第二条 …"}}
	for _, it := range KindNormdoc.Checklist() {
		if it.Code != "prelim" {
			form.Add("provided", it.Code)
		}
	}
	w = liaison.Post("/review/requests", form)
	if w.Code != 303 || !strings.HasPrefix(w.Header().Get("Location"), "/review/requests/") {
		t.Fatalf("submit %d %s", w.Code, w.Header().Get("Location"))
	}
	id := strings.TrimPrefix(strings.SplitN(w.Header().Get("Location"), "?", 2)[0], "/review/requests/")
	if w := staff.Get("/review/requests/" + id); w.Code != 200 || !strings.Contains(w.Body, "起草单位法制机构合法性初审意见") || !strings.Contains(w.Body, "审查送审材料") {
		t.Fatalf("detail for staff %d", w.Code)
	}
	if w := advisor.Get("/review/requests/" + id); w.Code != 404 {
		t.Errorf("an unassigned advisor gets %d, want 404", w.Code)
	}
	w = staff.Post("/review/requests/"+id+"/check", url.Values{"on": {"2025-03-04"}})
	if w.Code != 303 || !strings.Contains(w.Header().Get("Location"), "flash=") {
		t.Fatalf("check %d %s", w.Code, w.Body)
	}
	r, _ := f.svc.Get(f.ctx, f.login("qs_sc"), id)
	if r.State != StateReturned {
		t.Fatalf("state %s", r.State)
	}
	if w := liaison.Get("/review/requests/" + id); w.Code != 200 || !strings.Contains(w.Body, "补充材料后重新报送") {
		t.Errorf("the department sees the supplement form: %d", w.Code)
	}
	if w := liaison.Post("/review/requests/"+id+"/resubmit", url.Values{"on": {"2025-03-05"}, "provided": {"prelim"}}); w.Code != 303 {
		t.Fatalf("resubmit %d", w.Code)
	}
	staffP := f.login("qs_sc")
	if w := staff.Post("/review/requests/"+id+"/check", url.Values{"on": {"2025-03-05"}, "reviewer_id": {staffP.UserID}}); w.Code != 303 {
		t.Fatalf("accept %d", w.Code)
	}
	if w := staff.Post("/review/requests/"+id+"/opinions", url.Values{"content": {"第二条表述不清"}}); w.Code != 303 {
		t.Fatalf("opinion %d", w.Code)
	}
	if w := staff.Post("/review/requests/"+id+"/assessment", url.Values{"on": {"2025-03-12"}, "suggestion": {"disagree"}}); w.Code != 422 || !strings.Contains(w.Body, "请写明理由") {
		t.Errorf("assessment without reasons: %d", w.Code)
	}
	if w := staff.Post("/review/requests/"+id+"/assessment", url.Values{"on": {"2025-03-12"}, "suggestion": {"agree_amended"}}); w.Code != 303 {
		t.Fatalf("assessment %d", w.Code)
	}
	if w := staff.Post("/review/requests/"+id+"/conclude", url.Values{"on": {"2025-03-13"}, "conclusion": {"agree_amended"}}); w.Code != 303 {
		t.Fatalf("conclude %d", w.Code)
	}
	w = liaison.Get("/review/requests/" + id + "/opinion.docx")
	if w.Code != 200 || !strings.Contains(w.Header().Get("Content-Type"), "wordprocessingml") || !strings.Contains(w.Header().Get("Content-Disposition"), "filename*=UTF-8''") {
		t.Errorf("docx %d %s", w.Code, w.Header().Get("Content-Type"))
	}
	if w := liaison.Get("/review/requests/" + id); w.Code != 200 || !strings.Contains(w.Body, "反馈审查意见采纳情况") {
		t.Errorf("answer form %d", w.Code)
	}
	for _, tc := range []struct {
		c    *webtest.Client
		path string
		want int
	}{{staff, "/review/requests", 200}, {staff, "/review/settings", 200}, {liaison, "/review/settings", 403}, {advisor, "/review/requests", 200}, {staff, "/api/v1/review/requests/" + id, 200}} {
		if w := tc.c.Get(tc.path); w.Code != tc.want {
			t.Errorf("GET %s: %d, want %d", tc.path, w.Code, tc.want)
		}
	}
	// The addresses before the /review/requests/{id} scheme answer 301 with the new one.
	for old, want := range map[string]string{
		"/review":                         "/review/requests",
		"/review?state=open&page=2":       "/review/requests?state=open&page=2",
		"/review/new?kind=decision":       "/review/requests/new?kind=decision",
		"/review/" + id:                   "/review/requests/" + id,
		"/review/" + id + "/opinion.docx": "/review/requests/" + id + "/opinion.docx",
	} {
		if w := staff.Get(old); w.Code != http.StatusMovedPermanently || w.Header().Get("Location") != want {
			t.Errorf("GET %s: %d → %q, want 301 → %s", old, w.Code, w.Header().Get("Location"), want)
		}
	}
	// Below the new address, a path no page takes is not sent round again.
	if w := staff.Get("/review/requests/" + id + "/nothing"); w.Code != http.StatusNotFound {
		t.Errorf("an unknown page below /review/requests: %d", w.Code)
	}
	if w := staff.Post("/review/settings", url.Values{keyMax(KindNormdoc): {"99"}}); w.Code != 422 || !strings.Contains(w.Body, "应为 1 至 60") {
		t.Errorf("settings validation %d", w.Code)
	}
	if w := staff.Post("/review/settings", url.Values{keyMax(KindNormdoc): {"12"}}); w.Code != 303 {
		t.Errorf("settings save %d", w.Code)
	}
	_ = PermRead
}

// Materials are uploaded as files: a DOCX draft gives the request its text, every file is kept under
// its checklist item and downloadable within the request's scope, a bad file is named beside its
// item and nothing is filed, and a resubmission adds the missing item's file.
func TestMaterialsAsFiles(t *testing.T) {
	f := newFixture(t)
	f.svc.UseFiles(files.New(f.db, files.NewDiskStore(t.TempDir()), 10<<20))
	f.svc.UseNotify(notify.New(f.db, slog.New(slog.NewTextHandler(io.Discard, nil)), nil))
	app := f.app()
	liaison, staff, other := f.client(app, "qs_gaj"), f.client(app, "qs_sc"), f.client(app, "ls_sc")
	draft, err := (docgen.Document{Title: "青山县户籍管理规定", Body: []docgen.Block{{Kind: docgen.Plain, Text: "第一条　为了规范户籍管理，制定本规定。"}}}).DOCX()
	if err != nil {
		t.Fatal(err)
	}
	form := url.Values{"kind": {"normdoc"}, "title": {"青山县户籍管理规定"}, "on": {"2025-03-03"}}
	for _, it := range KindNormdoc.Checklist() {
		if it.Code != "prelim" && it.Code != "draft" {
			form.Add("provided", it.Code)
		}
	}
	if w := liaison.Get("/review/requests/new"); !strings.Contains(w.Body, `name="file_draft"`) || !strings.Contains(w.Body, `enctype="multipart/form-data"`) {
		t.Fatal("the form has no file input per material")
	}
	before := f.count(`SELECT COUNT(*) FROM review_requests`)
	w := liaison.UploadFiles("/review/requests", form, "file_draft", map[string][]byte{"送审稿.docx": []byte("PK\x03\x04 not really a docx")})
	if w.Code != 422 || !strings.Contains(w.Body, "送审稿.docx") || f.count(`SELECT COUNT(*) FROM review_requests`) != before {
		t.Fatalf("a broken DOCX: %d (requests %d → %d)", w.Code, before, f.count(`SELECT COUNT(*) FROM review_requests`))
	}
	w = liaison.UploadFiles("/review/requests", form, "file_draft", map[string][]byte{"送审稿.docx": draft})
	if w.Code != 303 {
		t.Fatalf("submit with the draft as a file: %d %s", w.Code, w.Body)
	}
	id := strings.TrimPrefix(strings.SplitN(w.Header().Get("Location"), "?", 2)[0], "/review/requests/")
	r, _ := f.svc.Get(f.ctx, f.login("qs_sc"), id)
	if !strings.Contains(r.Draft, "第一条　为了规范户籍管理") {
		t.Errorf("draft text from the DOCX: %q", r.Draft)
	}
	d, err := f.svc.Detail(f.ctx, f.login("qs_sc"), id)
	if err != nil || len(d.Files) != 1 || d.Files[0].Label != "文件送审稿" || !slices.ContainsFunc(d.Materials, func(m Material) bool { return m.Code == "draft" && m.Provided }) {
		t.Fatalf("files %+v %v", d.Files, err)
	}
	page := staff.Get("/review/requests/" + id)
	if !strings.Contains(page.Body, `class="next-step`) || !strings.Contains(page.Body, "审查送审材料：齐全则受理") || !strings.Contains(page.Body, "由青山县司法局办理") {
		t.Error("the page does not say what comes next")
	}
	link := "/review/requests/" + id + "/files/" + d.Files[0].ID
	if !strings.Contains(page.Body, link) {
		t.Fatal("the request page does not link the file")
	}
	if got := staff.Get(link); got.Code != 200 || got.Body != string(draft) {
		t.Errorf("download: %d", got.Code)
	}
	if got := other.Get(link); got.Code != 404 {
		t.Errorf("another county's reviewer downloads: %d", got.Code)
	}
	if got := staff.Get("/review/requests/" + id + "/files/nope"); got.Code != 404 {
		t.Errorf("a missing file: %d", got.Code)
	}

	// Returned for the missing 初审意见; the department uploads it with the resubmission.
	if w := staff.Post("/review/requests/"+id+"/check", url.Values{"on": {"2025-03-04"}}); w.Code != 303 {
		t.Fatalf("check %d", w.Code)
	}
	if page := liaison.Get("/review/requests/" + id); !strings.Contains(page.Body, "补充材料后重新报送（缺：起草单位法制机构合法性初审意见") {
		t.Error("the department is not told what to supply")
	}
	w = liaison.UploadFiles("/review/requests/"+id+"/resubmit", url.Values{"on": {"2025-03-05"}}, "file_prelim", map[string][]byte{"初审意见.pdf": []byte("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n")})
	if w.Code != 303 {
		t.Fatalf("resubmit with a file: %d %s", w.Code, w.Body)
	}
	d, _ = f.svc.Detail(f.ctx, f.login("qs_sc"), id)
	if len(d.Files) != 2 || d.Request.State != StateSubmitted || len(d.Missing) != 0 {
		t.Errorf("after resubmission: %d files, state %s, missing %v", len(d.Files), d.Request.State, d.Missing)
	}
	// The reviewers heard of both arrivals; the other county's did not.
	reviewer := f.login("qs_sc")
	if n := f.count(`SELECT COUNT(*) FROM messages WHERE user_id = ? AND kind = 'review.materials' AND url = ?`, reviewer.UserID, "/review/requests/"+id); n != 2 {
		t.Errorf("messages to the reviewer: %d", n)
	}
	if n := f.count(`SELECT COUNT(*) FROM messages WHERE user_id = ? AND kind = 'review.materials'`, f.login("ls_sc").UserID); n != 0 {
		t.Errorf("messages to another county's reviewer: %d", n)
	}
}

func (f *fixture) count(query string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRowContext(f.ctx, query, args...).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}

// The next step follows the request through review: assignment, each missing opinion, the
// 审核意见书, then the department's answers; late when its deadline has passed.
func TestNextStep(t *testing.T) {
	due := calendar.MustDate("2025-03-20")
	base := Request{State: StateInReview, Dual: true, SubmitterOrgan: "青山县公安局", Due: Deadlines{Review: due}}
	cases := []struct {
		name   string
		mod    func(r *Request, d *Detail)
		what   string
		who    string
		late   bool
		absent bool
	}{
		{"unassigned", func(r *Request, d *Detail) {}, "指定审查员和法律顾问（双重审核）", "青山县司法局", false, false},
		{"no advisor", func(r *Request, d *Detail) { r.ReviewerID = "u1" }, "指定法律顾问（双重审核）", "青山县司法局", false, false},
		{"advisor pending", func(r *Request, d *Detail) {
			r.ReviewerID, r.AdvisorID = "u1", "u2"
			d.Status = map[Role]bool{RoleReviewer: true, RoleAdvisor: false}
		}, "法律顾问提交审查意见", "青山县司法局", false, false},
		{"all in, late", func(r *Request, d *Detail) {
			r.ReviewerID, r.AdvisorID = "u1", "u2"
			d.Status, d.AllIn = map[Role]bool{RoleReviewer: true, RoleAdvisor: true}, true
			r.Due.Review = calendar.MustDate("2025-03-10")
		}, "出具审核意见书", "青山县司法局", true, false},
		{"answers due", func(r *Request, d *Detail) { r.State, r.Due = StateConcluded, Deadlines{Feedback: due} }, "逐条反馈审核意见的采纳情况", "青山县公安局", false, false},
		{"answered", func(r *Request, d *Detail) { r.State, r.Due = StateConcluded, Deadlines{} }, "", "", false, true},
		{"withdrawn", func(r *Request, d *Detail) { r.State = StateWithdrawn }, "", "", false, true},
	}
	for _, c := range cases {
		r := base
		d := &Detail{Request: &r}
		c.mod(&r, d)
		n := nextStep(d, "青山县司法局", calendar.MustDate("2025-03-12"))
		if c.absent {
			if n != nil {
				t.Errorf("%s: %+v", c.name, n)
			}
			continue
		}
		if n == nil || n.What != c.what || n.Who != c.who || n.Late != c.late {
			t.Errorf("%s: %+v", c.name, n)
		}
	}
}
