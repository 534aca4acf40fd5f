package normdoc

import (
	"bytes"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/docgen"
	"github.com/fazhi/fazhi/internal/review"
	"github.com/fazhi/fazhi/internal/web"
)

type client struct {
	t     *testing.T
	app   *web.App
	token string
	csrf  string
}

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

func (f *fixture) client(app *web.App, username string) *client {
	c := &client{t: f.t, app: app}
	if username == "" {
		return c
	}
	tok, err := f.auth.Login(f.ctx, username, demo.Password, "127.0.0.1", "test", "")
	if err != nil {
		f.t.Fatal(err)
	}
	p, err := f.auth.Authenticate(f.ctx, tok)
	if err != nil {
		f.t.Fatal(err)
	}
	c.token, c.csrf = tok, p.CSRF
	return c
}

func (c *client) send(req *http.Request) (int, string, http.Header) {
	if c.token != "" {
		req.AddCookie(&http.Cookie{Name: "fazhi_session", Value: c.token})
	}
	rec := httptest.NewRecorder()
	c.app.ServeHTTP(rec, req)
	return rec.Code, rec.Body.String(), rec.Header()
}

func (c *client) get(path string) (int, string, http.Header) {
	return c.send(httptest.NewRequest("GET", path, nil))
}

func (c *client) post(path string, form url.Values) (int, string, http.Header) {
	form.Set("csrf", c.csrf)
	req := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.send(req)
}

func (c *client) upload(path string, form url.Values, filename string, data []byte) (int, string, http.Header) {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	form.Set("csrf", c.csrf)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile("file", filename)
	fw.Write(data)
	mw.Close()
	req := httptest.NewRequest("POST", path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.send(req)
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
	if code, body, _ := staff.upload("/normdoc/docs", url.Values{"review_id": {rid}, "on": {"2025-08-25"}}, "办法.doc", []byte("x")); code != 422 || !strings.Contains(body, "只支持 .docx") {
		t.Fatalf("a .doc upload is refused beside the field: %d", code)
	}
	code, _, h := staff.upload("/normdoc/docs", url.Values{"review_id": {rid}, "on": {"2025-08-25"}, "topics": {"城市管理"}}, "办法.docx", docx)
	if code != 303 {
		t.Fatalf("register %d", code)
	}
	id := idFrom(t, h, "/normdoc/docs/")
	d, _ := f.svc.Get(f.ctx, f.login("qs_sc"), id)
	if d.Number != "青政规〔2025〕1号" {
		t.Fatalf("number %s", d.Number)
	}
	if _, v, _ := f.svc.Version(f.ctx, f.login("qs_sc"), id, 1); !strings.Contains(v.Body, "第三条 违反本办法规定停放机动车的") {
		t.Errorf("the uploaded text is the body: %q", v.Body)
	}
	if code, body, _ := staff.get("/normdoc/docs/" + id); code != 200 || !strings.Contains(body, "统一印发、公布") {
		t.Fatalf("detail %d", code)
	}
	if code, body, _ := staff.post("/normdoc/docs/"+id+"/publish", url.Values{"on": {"2025-09-01"}}); code != 422 || !strings.Contains(body, "请填写公布载体") {
		t.Errorf("publish without channel: %d", code)
	}
	// A service's field error re-renders the form beside the field, with what the user typed.
	if code, body, _ := staff.post("/normdoc/docs/"+id+"/publish", url.Values{"on": {"2025-09-01"}, "channel": {"县政府公报第九期"}, "effective_on": {"2025-08-01"}}); code != 422 ||
		!strings.Contains(body, "施行日期不能早于公布日期") || !strings.Contains(body, "县政府公报第九期") {
		t.Errorf("publish before effect: %d", code)
	}
	if code, body, _ := staff.post("/normdoc/docs/"+id+"/end", url.Values{"on": {"2025-09-01"}, "status": {"repealed"}, "basis": {"x"}}); code != 409 || !strings.Contains(body, "已登记待公布") {
		t.Errorf("a state refusal is a conflict: %d", code)
	}
	if code, _, _ := staff.post("/normdoc/docs/no-such-document/publish", url.Values{"on": {"2025-09-01"}, "channel": {"x"}}); code != 404 {
		t.Errorf("an unknown document: %d", code)
	}
	if code, _, _ := staff.post("/normdoc/docs/"+id+"/publish", url.Values{"on": {"2025-09-01"}, "channel": {"政府网站"}, "effective_on": {"2025-10-01"}}); code != 303 {
		t.Fatalf("publish %d", code)
	}
	if code, _, _ := staff.post("/normdoc/docs/"+id+"/revise", url.Values{"on": {"2025-09-02"}, "note": {"勘误"}, "body": {textV2}}); code != 303 {
		t.Fatalf("revise %d", code)
	}
	for _, tc := range []struct {
		c    *client
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
		code, body, _ := tc.c.get(tc.path)
		if code != tc.want || !strings.Contains(body, tc.text) {
			t.Errorf("GET %s: %d, want %d with %q", tc.path, code, tc.want, tc.text)
		}
	}
	code, _, h = staff.get("/normdoc/stats.xlsx?year=2025")
	if code != 200 || !strings.Contains(h.Get("Content-Type"), "spreadsheetml") {
		t.Errorf("stats xlsx %d", code)
	}
	code, _, h = staff.get("/normdoc/docs?format=xlsx")
	if code != 200 || !strings.Contains(h.Get("Content-Type"), "spreadsheetml") {
		t.Errorf("register xlsx %d", code)
	}

	// A cleanup through the pages.
	code, _, h = staff.post("/normdoc/cleanups", url.Values{"on": {"2025-11-01"}, "organ_id": {f.organ("990121-GOV").ID}, "title": {"专项清理"}, "topic": {"城市管理"}})
	if code != 303 {
		t.Fatalf("open cleanup %d", code)
	}
	cid := idFrom(t, h, "/normdoc/cleanups/")
	if code, body, _ := staff.get("/normdoc/cleanups/" + cid); code != 200 || !strings.Contains(body, "保存为机关决定") {
		t.Errorf("open cleanup page %d", code)
	}
	cd, _ := f.svc.Cleanup(f.ctx, f.login("qs_sc"), cid)
	item := cd.Items[0].ID
	if code, body, _ := staff.post("/normdoc/cleanups/"+cid+"/items", url.Values{"item_id": {item}, "decision_" + item: {"repeal"}, "stage": {"decide"}, "on": {"2025-11-02"}}); code != 422 || !strings.Contains(body, "应写明理由") {
		t.Errorf("a decision without reason: %d", code)
	}
	if code, _, _ := staff.post("/normdoc/cleanups/"+cid+"/items", url.Values{"item_id": {item}, "decision_" + item: {"keep"}, "stage": {"decide"}, "on": {"2025-11-02"}}); code != 303 {
		t.Errorf("decide %d", code)
	}
	if code, _, _ := staff.post("/normdoc/cleanups/"+cid+"/close", url.Values{"on": {"2025-11-03"}, "decided_by": {"县政府常务会议"}}); code != 303 {
		t.Errorf("close %d", code)
	}
	if code, body, _ := staff.get("/normdoc/cleanups/" + cid); code != 200 || !strings.Contains(body, "继续有效 1 件") {
		t.Errorf("closed cleanup page %d", code)
	}
	for _, p := range []string{"/normdoc/cleanups/" + cid + "/result.docx", "/normdoc/cleanups/" + cid + "/result.xlsx"} {
		if code, _, _ := staff.get(p); code != 200 {
			t.Errorf("GET %s: %d", p, code)
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
		if code, _, h := staff.get(old); code != http.StatusMovedPermanently || h.Get("Location") != want {
			t.Errorf("GET %s: %d → %q, want 301 → %s", old, code, h.Get("Location"), want)
		}
	}
	if code, _, h := anon.get("/normdocs/" + id); code != 303 || !strings.HasPrefix(h.Get("Location"), "/login") {
		t.Errorf("an old address still needs a login: %d %s", code, h.Get("Location"))
	}
	if err := reg.Check(app.Routes()); err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			if strings.Contains(line, "/review/") || strings.Contains(line, "/normdoc") {
				t.Errorf("API description: %s", line)
			}
		}
	}
	if code, body, _ := anon.get("/api/v1/openapi.json"); code != 200 || !strings.Contains(body, "/review/requests/{id}/conclude") || !strings.Contains(body, "/public/normdocs") {
		t.Errorf("openapi %d", code)
	}
}
