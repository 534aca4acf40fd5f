package review

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/web"
)

type client struct {
	t     *testing.T
	app   *web.App
	token string
	csrf  string
}

func (f *fixture) app() *web.App {
	cal := calendar.Default()
	app := web.New(web.Deps{DB: f.db, Auth: f.auth, Org: f.org, Calendar: func() *calendar.Calendar { return cal }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	NewModule(f.svc).Register(app, api.NewRegistry())
	return app
}

func (f *fixture) client(app *web.App, username string) *client {
	tok, err := f.auth.Login(f.ctx, username, demo.Password, "127.0.0.1", "test", "")
	if err != nil {
		f.t.Fatal(err)
	}
	p, err := f.auth.Authenticate(f.ctx, tok)
	if err != nil {
		f.t.Fatal(err)
	}
	return &client{t: f.t, app: app, token: tok, csrf: p.CSRF}
}

func (c *client) do(method, path string, form url.Values) (int, string, http.Header) {
	c.t.Helper()
	var body io.Reader
	if form != nil {
		form.Set("csrf", c.csrf)
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	req.AddCookie(&http.Cookie{Name: "fazhi_session", Value: c.token})
	rec := httptest.NewRecorder()
	c.app.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String(), rec.Header()
}

func TestPagesThroughTheRouter(t *testing.T) {
	f := newFixture(t)
	app := f.app()
	liaison, staff, advisor := f.client(app, "qs_gaj"), f.client(app, "qs_sc"), f.client(app, "qs_gw")

	if code, body, _ := liaison.do("GET", "/review/requests/new?kind=decision", nil); code != 200 || !strings.Contains(body, "风险评估报告") {
		t.Fatalf("new form %d", code)
	}
	code, body, _ := liaison.do("POST", "/review/requests", url.Values{"kind": {"normdoc"}, "title": {""}, "on": {"2025-03-03"}})
	if code != 422 || !strings.Contains(body, "请填写送审事项名称") {
		t.Fatalf("an empty title shows the message beside the field: %d", code)
	}
	form := url.Values{"kind": {"normdoc"}, "title": {"青山县公安局户籍管理规定"}, "on": {"2025-03-03"}, "draft": {"第一条 …\n第二条 …"}}
	for _, it := range KindNormdoc.Checklist() {
		if it.Code != "prelim" {
			form.Add("provided", it.Code)
		}
	}
	code, _, h := liaison.do("POST", "/review/requests", form)
	if code != 303 || !strings.HasPrefix(h.Get("Location"), "/review/requests/") {
		t.Fatalf("submit %d %s", code, h.Get("Location"))
	}
	id := strings.TrimPrefix(strings.SplitN(h.Get("Location"), "?", 2)[0], "/review/requests/")
	if code, body, _ := staff.do("GET", "/review/requests/"+id, nil); code != 200 || !strings.Contains(body, "起草单位法制机构合法性初审意见") || !strings.Contains(body, "审查送审材料") {
		t.Fatalf("detail for staff %d", code)
	}
	if code, _, _ := advisor.do("GET", "/review/requests/"+id, nil); code != 404 {
		t.Errorf("an unassigned advisor gets %d, want 404", code)
	}
	code, body, h = staff.do("POST", "/review/requests/"+id+"/check", url.Values{"on": {"2025-03-04"}})
	if code != 303 || !strings.Contains(h.Get("Location"), "flash=") {
		t.Fatalf("check %d %s", code, body)
	}
	r, _ := f.svc.Get(f.ctx, f.login("qs_sc"), id)
	if r.State != StateReturned {
		t.Fatalf("state %s", r.State)
	}
	if code, body, _ := liaison.do("GET", "/review/requests/"+id, nil); code != 200 || !strings.Contains(body, "补充材料后重新报送") {
		t.Errorf("the department sees the supplement form: %d", code)
	}
	if code, _, _ := liaison.do("POST", "/review/requests/"+id+"/resubmit", url.Values{"on": {"2025-03-05"}, "provided": {"prelim"}}); code != 303 {
		t.Fatalf("resubmit %d", code)
	}
	staffP := f.login("qs_sc")
	if code, _, _ := staff.do("POST", "/review/requests/"+id+"/check", url.Values{"on": {"2025-03-05"}, "reviewer_id": {staffP.UserID}}); code != 303 {
		t.Fatalf("accept %d", code)
	}
	if code, _, _ := staff.do("POST", "/review/requests/"+id+"/opinions", url.Values{"content": {"第二条表述不清"}}); code != 303 {
		t.Fatalf("opinion %d", code)
	}
	if code, body, _ := staff.do("POST", "/review/requests/"+id+"/assessment", url.Values{"on": {"2025-03-12"}, "suggestion": {"disagree"}}); code != 422 || !strings.Contains(body, "请写明理由") {
		t.Errorf("assessment without reasons: %d", code)
	}
	if code, _, _ := staff.do("POST", "/review/requests/"+id+"/assessment", url.Values{"on": {"2025-03-12"}, "suggestion": {"agree_amended"}}); code != 303 {
		t.Fatalf("assessment %d", code)
	}
	if code, _, _ := staff.do("POST", "/review/requests/"+id+"/conclude", url.Values{"on": {"2025-03-13"}, "conclusion": {"agree_amended"}}); code != 303 {
		t.Fatalf("conclude %d", code)
	}
	code, _, h = liaison.do("GET", "/review/requests/"+id+"/opinion.docx", nil)
	if code != 200 || !strings.Contains(h.Get("Content-Type"), "wordprocessingml") || !strings.Contains(h.Get("Content-Disposition"), "filename*=UTF-8''") {
		t.Errorf("docx %d %s", code, h.Get("Content-Type"))
	}
	if code, body, _ := liaison.do("GET", "/review/requests/"+id, nil); code != 200 || !strings.Contains(body, "反馈审查意见采纳情况") {
		t.Errorf("answer form %d", code)
	}
	for _, tc := range []struct {
		c    *client
		path string
		want int
	}{{staff, "/review/requests", 200}, {staff, "/review/settings", 200}, {liaison, "/review/settings", 403}, {advisor, "/review/requests", 200}, {staff, "/api/v1/review/requests/" + id, 200}} {
		if code, _, _ := tc.c.do("GET", tc.path, nil); code != tc.want {
			t.Errorf("GET %s: %d, want %d", tc.path, code, tc.want)
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
		if code, _, h := staff.do("GET", old, nil); code != http.StatusMovedPermanently || h.Get("Location") != want {
			t.Errorf("GET %s: %d → %q, want 301 → %s", old, code, h.Get("Location"), want)
		}
	}
	// Below the new address, a path no page takes is not sent round again.
	if code, _, _ := staff.do("GET", "/review/requests/"+id+"/nothing", nil); code != http.StatusNotFound {
		t.Errorf("an unknown page below /review/requests: %d", code)
	}
	if code, body, _ := staff.do("POST", "/review/settings", url.Values{keyMax(KindNormdoc): {"99"}}); code != 422 || !strings.Contains(body, "应为 1 至 60") {
		t.Errorf("settings validation %d", code)
	}
	if code, _, _ := staff.do("POST", "/review/settings", url.Values{keyMax(KindNormdoc): {"12"}}); code != 303 {
		t.Errorf("settings save %d", code)
	}
	_ = PermRead
}
