package normdoc

import (
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/docgen"
	"github.com/fazhi/fazhi/internal/review"
	"github.com/fazhi/fazhi/internal/web"
	"github.com/fazhi/fazhi/internal/webtest"
)

func (f *fixture) app() (*web.App, *api.Registry) {
	cal := calendar.Default()
	app := web.New(web.Deps{DB: f.db, Auth: f.auth, Org: f.org, Calendar: func() *calendar.Calendar { return cal }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	reg := api.NewRegistry()
	rm, nm := review.NewModule(f.rv), NewModule(f.svc)
	rm.Register(app, reg)
	nm.Register(app, reg)
	api.Register(app, reg)
	return app, reg
}

// client signs a demo account in; "" is an anonymous visitor.
func (f *fixture) client(app *web.App, username string) *webtest.Client {
	if username == "" {
		return webtest.Anonymous(f.t, app)
	}
	return webtest.Login(f.t, app, f.auth, username)
}

func idFrom(t *testing.T, h http.Header, prefix string) string {
	t.Helper()
	loc := strings.SplitN(h.Get("Location"), "?", 2)[0]
	if !strings.HasPrefix(loc, prefix) {
		t.Fatalf("redirect %q, want %s…", h.Get("Location"), prefix)
	}
	return strings.TrimPrefix(loc, prefix)
}

func TestPagesThroughTheRouter(t *testing.T) {
	f := newFixture(t)
	app, reg := f.app()
	staff, anon, leader := f.client(app, "qs_sc"), f.client(app, ""), f.client(app, "qs_ld")
	rid := f.approved("青山县城区停车管理办法", "990121-GOV", "2025-08-20", "")

	docx, err := docgen.Document{Title: "青山县城区停车管理办法", Body: docgen.Paragraphs(textV1)}.DOCX()
	if err != nil {
		t.Fatal(err)
	}
	if w := staff.Upload("/normdoc/docs", url.Values{"review_id": {rid}, "on": {"2025-08-25"}}, "办法.doc", []byte("x")); w.Code != 422 || !strings.Contains(w.Body, "只支持 .docx") {
		t.Fatalf("a .doc upload is refused beside the field: %d", w.Code)
	}
	w := staff.Upload("/normdoc/docs", url.Values{"review_id": {rid}, "on": {"2025-08-25"}, "topics": {"城市管理"}}, "办法.docx", docx)
	if w.Code != 303 {
		t.Fatalf("register %d", w.Code)
	}
	id := idFrom(t, w.Header(), "/normdoc/docs/")
	d, _ := f.svc.Get(f.ctx, f.login("qs_sc"), id)
	if d.Number != "青政规〔2025〕1号" {
		t.Fatalf("number %s", d.Number)
	}
	if _, v, _ := f.svc.Version(f.ctx, f.login("qs_sc"), id, 1); !strings.Contains(v.Body, "第三条 违反本办法规定停放机动车的") {
		t.Errorf("the uploaded text is the body: %q", v.Body)
	}
	if w := staff.Get("/normdoc/docs/" + id); w.Code != 200 || !strings.Contains(w.Body, "统一印发、公布") {
		t.Fatalf("detail %d", w.Code)
	}
	if w := staff.Post("/normdoc/docs/"+id+"/publish", url.Values{"on": {"2025-09-01"}}); w.Code != 422 || !strings.Contains(w.Body, "请填写公布载体") {
		t.Errorf("publish without channel: %d", w.Code)
	}
	// A service's field error re-renders the form beside the field, with what the user typed.
	if w := staff.Post("/normdoc/docs/"+id+"/publish", url.Values{"on": {"2025-09-01"}, "channel": {"县政府公报第九期"}, "effective_on": {"2025-08-01"}}); w.Code != 422 ||
		!strings.Contains(w.Body, "施行日期不能早于公布日期") || !strings.Contains(w.Body, "县政府公报第九期") {
		t.Errorf("publish before effect: %d", w.Code)
	}
	if w := staff.Post("/normdoc/docs/"+id+"/end", url.Values{"on": {"2025-09-01"}, "status": {"repealed"}, "basis": {"x"}}); w.Code != 409 || !strings.Contains(w.Body, "已登记待公布") {
		t.Errorf("a state refusal is a conflict: %d", w.Code)
	}
	if w := staff.Post("/normdoc/docs/no-such-document/publish", url.Values{"on": {"2025-09-01"}, "channel": {"x"}}); w.Code != 404 {
		t.Errorf("an unknown document: %d", w.Code)
	}
	if w := staff.Post("/normdoc/docs/"+id+"/publish", url.Values{"on": {"2025-09-01"}, "channel": {"政府网站"}, "effective_on": {"2025-10-01"}}); w.Code != 303 {
		t.Fatalf("publish %d", w.Code)
	}
	if w := staff.Post("/normdoc/docs/"+id+"/revise", url.Values{"on": {"2025-09-02"}, "note": {"勘误"}, "body": {textV2}}); w.Code != 303 {
		t.Fatalf("revise %d", w.Code)
	}
	for _, tc := range []struct {
		c    *webtest.Client
		path string
		want int
		text string
	}{
		{anon, "/public/normdocs", 200, "青山县城区停车管理办法"},
		{anon, "/public/normdocs?status=in_force&year=2025&organ=" + f.organ("990121-GOV").ID, 200, "青政规〔2025〕1号"},
		{anon, "/public/normdocs?status=repealed", 200, "没有符合条件的文件"},
		{anon, "/public/normdocs/" + id, 200, "示范市人民政府：逾期未报送"},
		{anon, "/public/normdocs/" + id + "/diff?from=1&to=2", 200, "和工业园区"},
		{anon, "/public/normdocs/" + id + "/versions/1", 200, "违反本办法规定停放机动车的"},
		{anon, "/normdoc/docs/" + id, 303, ""},
		{staff, "/normdoc/docs", 200, "青政规〔2025〕1号"},
		{staff, "/normdoc/docs?overdue=1", 200, "青政规〔2025〕1号"},
		{staff, "/normdoc/docs/" + id + "/diff", 200, "新增 1 条，删除 0 条"},
		{staff, "/normdoc/docs/new", 200, "登记审核通过的规范性文件"},
		{staff, "/normdoc/docs/new?legacy=1", 200, "原文号"},
		{staff, "/normdoc/settings", 200, "报送备案期限"},
		{staff, "/normdoc/stats?year=2025", 200, "备案率"},
		{leader, "/normdoc/stats?year=2025", 200, "青山县人民政府"},
		{staff, "/normdoc/cleanups", 200, "开始一项清理"},
		{leader, "/normdoc/docs/new", 403, ""},
		{anon, "/api/v1/public/normdocs", 200, `"total":1`},
		{staff, "/api/v1/normdoc/docs/" + id, 200, `"filings"`},
		{staff, "/api/v1/normdoc/stats?year=2025", 200, `"filing_rate":0.00`},
	} {
		w := tc.c.Get(tc.path)
		if w.Code != tc.want || !strings.Contains(w.Body, tc.text) {
			t.Errorf("GET %s: %d, want %d with %q", tc.path, w.Code, tc.want, tc.text)
		}
	}
	w = staff.Get("/normdoc/stats.xlsx?year=2025")
	if w.Code != 200 || !strings.Contains(w.Header().Get("Content-Type"), "spreadsheetml") {
		t.Errorf("stats xlsx %d", w.Code)
	}
	w = staff.Get("/normdoc/docs?format=xlsx")
	if w.Code != 200 || !strings.Contains(w.Header().Get("Content-Type"), "spreadsheetml") {
		t.Errorf("register xlsx %d", w.Code)
	}

	// A cleanup through the pages.
	w = staff.Post("/normdoc/cleanups", url.Values{"on": {"2025-11-01"}, "organ_id": {f.organ("990121-GOV").ID}, "title": {"专项清理"}, "topic": {"城市管理"}})
	if w.Code != 303 {
		t.Fatalf("open cleanup %d", w.Code)
	}
	cid := idFrom(t, w.Header(), "/normdoc/cleanups/")
	if w := staff.Get("/normdoc/cleanups/" + cid); w.Code != 200 || !strings.Contains(w.Body, "保存为机关决定") {
		t.Errorf("open cleanup page %d", w.Code)
	}
	cd, _ := f.svc.Cleanup(f.ctx, f.login("qs_sc"), cid)
	item := cd.Items[0].ID
	if w := staff.Post("/normdoc/cleanups/"+cid+"/items", url.Values{"item_id": {item}, "decision_" + item: {"repeal"}, "stage": {"decide"}, "on": {"2025-11-02"}}); w.Code != 422 || !strings.Contains(w.Body, "应写明理由") {
		t.Errorf("a decision without reason: %d", w.Code)
	}
	if w := staff.Post("/normdoc/cleanups/"+cid+"/items", url.Values{"item_id": {item}, "decision_" + item: {"keep"}, "stage": {"decide"}, "on": {"2025-11-02"}}); w.Code != 303 {
		t.Errorf("decide %d", w.Code)
	}
	if w := staff.Post("/normdoc/cleanups/"+cid+"/close", url.Values{"on": {"2025-11-03"}, "decided_by": {"县政府常务会议"}}); w.Code != 303 {
		t.Errorf("close %d", w.Code)
	}
	if w := staff.Get("/normdoc/cleanups/" + cid); w.Code != 200 || !strings.Contains(w.Body, "继续有效 1 件") {
		t.Errorf("closed cleanup page %d", w.Code)
	}
	for _, p := range []string{"/normdoc/cleanups/" + cid + "/result.docx", "/normdoc/cleanups/" + cid + "/result.xlsx"} {
		if w := staff.Get(p); w.Code != 200 {
			t.Errorf("GET %s: %d", p, w.Code)
		}
	}
	// The addresses before the /normdoc/{records}/{id} scheme answer 301 with the new one.
	for old, want := range map[string]string{
		"/normdocs":                         "/normdoc/docs",
		"/normdocs?overdue=1":               "/normdoc/docs?overdue=1",
		"/normdocs/" + id:                   "/normdoc/docs/" + id,
		"/normdocs/" + id + "/diff":         "/normdoc/docs/" + id + "/diff",
		"/normdocs/" + id + "/versions/1":   "/normdoc/docs/" + id + "/versions/1",
		"/normdocs/new?legacy=1":            "/normdoc/docs/new?legacy=1",
		"/normdocs/stats?year=2025":         "/normdoc/stats?year=2025",
		"/normdocs/stats.xlsx?year=2025":    "/normdoc/stats.xlsx?year=2025",
		"/normdocs/settings":                "/normdoc/settings",
		"/cleanups":                         "/normdoc/cleanups",
		"/cleanups/" + cid:                  "/normdoc/cleanups/" + cid,
		"/cleanups/" + cid + "/result.docx": "/normdoc/cleanups/" + cid + "/result.docx",
	} {
		if w := staff.Get(old); w.Code != http.StatusMovedPermanently || w.Header().Get("Location") != want {
			t.Errorf("GET %s: %d → %q, want 301 → %s", old, w.Code, w.Header().Get("Location"), want)
		}
	}
	if w := anon.Get("/normdocs/" + id); w.Code != 303 || !strings.HasPrefix(w.Header().Get("Location"), "/login") {
		t.Errorf("an old address still needs a login: %d %s", w.Code, w.Header().Get("Location"))
	}
	if err := reg.Check(app.Routes()); err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			if strings.Contains(line, "/review/") || strings.Contains(line, "/normdoc") {
				t.Errorf("API description: %s", line)
			}
		}
	}
	if w := anon.Get("/api/v1/openapi.json"); w.Code != 200 || !strings.Contains(w.Body, "/review/requests/{id}/conclude") || !strings.Contains(w.Body, "/public/normdocs") {
		t.Errorf("openapi %d", w.Code)
	}
}

// The registration form lists the approved reviews waiting to be registered (issue 11: it answered
// 500 as soon as one was waiting, comparing a string with a nil *review.Request in the template).
func TestNewFormWithReviewsWaiting(t *testing.T) {
	f := newFixture(t)
	app, _ := f.app()
	staff := f.client(app, "qs_sc")
	rid := f.approved("青山县城区停车管理办法", "990121-GOV", "2025-08-20", "")
	w := staff.Get("/normdoc/docs/new")
	if w.Code != 200 || !strings.Contains(w.Body, "青山县城区停车管理办法") || strings.Contains(w.Body, `value="`+rid+`" selected`) {
		t.Fatalf("new form with a review waiting: %d %s", w.Code, w.Body[:min(len(w.Body), 300)])
	}
	if w := staff.Get("/normdoc/docs/new?review_id=" + rid); w.Code != 200 || !strings.Contains(w.Body, `value="`+rid+`" selected`) {
		t.Fatalf("new form with the review chosen: %d", w.Code)
	}
}
