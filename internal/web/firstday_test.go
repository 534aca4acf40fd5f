package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/web"
)

// yearShell is the shell with one todo due on 2027-01-04 and a calendar that ends with 2026
// (or 2027 when with2027).
func yearShell(t *testing.T, with2027 bool) *shell {
	ctx := context.Background()
	d := dbtest.Open(t)
	o := org.New(d)
	o.Load(ctx)
	a := auth.New(d, o, auth.DefaultSettings())
	if _, err := demo.Load(ctx, d, o, a, "county", nil); err != nil {
		t.Fatal(err)
	}
	notices := calendar.Builtin()
	if with2027 {
		notices = append(notices, calendar.YearNotice{Year: 2027, Off: []calendar.Date{calendar.MustDate("2027-01-01")}})
	}
	cal := calendar.New(notices)
	app := web.New(web.Deps{DB: d, Auth: a, Org: o, Calendar: func() *calendar.Calendar { return cal }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	app.Todos(func(ctx context.Context, p *auth.Principal) ([]web.Todo, error) {
		if !p.Can(auth.PermWorkbench) {
			return nil, nil
		}
		return []web.Todo{{Module: "行政复议", Title: "作出复议决定：测试案件", URL: "/x", Due: calendar.MustDate("2027-01-04"), Basis: "第六十二条"}}, nil
	})
	s := &shell{t: t, auth: a, now: time.Now()}
	s.srv = httptest.NewServer(app)
	t.Cleanup(s.srv.Close)
	return s
}

// With 2027 not loaded the workbench counted 2027-01-01 as a working day and said nothing: from
// November it warns case handlers and calendar administrators, and marks deadlines past the
// loaded calendar 预估 with the reason as a tooltip.
func TestNextYearBanner(t *testing.T) {
	defer web.SetToday(calendar.MustDate("2026-11-20"))()
	s := yearShell(t, false)

	c := s.client()
	s.login(c, "qs_fy", demo.Password)
	code, body := s.get(c, "/workbench")
	if code != http.StatusOK {
		t.Fatalf("workbench: %d", code)
	}
	for _, want := range []string{"尚未录入 2027 年国务院节假日安排", "请提醒系统管理员", `<span class="est" title="2027年的国务院节假日安排尚未录入，此期限暂按周一至周五为工作日推算；录入后自动重新计算。">预估</span>`} {
		if !strings.Contains(body, want) {
			t.Errorf("case handler's workbench lacks %q", want)
		}
	}
	adm := s.client()
	s.login(adm, "admin", demo.Password)
	if _, body := s.get(adm, "/workbench"); !strings.Contains(body, `<a href="/admin/calendar?year=2027">录入 2027 年节假日安排</a>`) {
		t.Errorf("calendar administrator's workbench has no link to load 2027:\n%s", body)
	}
	aud := s.client()
	s.login(aud, "auditor", demo.Password)
	if _, body := s.get(aud, "/workbench"); strings.Contains(body, `class="notice"`) {
		t.Error("the audit administrator is warned about the calendar")
	}

	// October: too early to warn; the deadline past the calendar is still marked.
	web.SetToday(calendar.MustDate("2026-10-15"))
	if _, body := s.get(c, "/workbench"); strings.Contains(body, `class="notice"`) || !strings.Contains(body, ">预估</span>") {
		t.Errorf("October: banner shown or 预估 missing:\n%s", body)
	}
}

func TestNextYearLoaded(t *testing.T) {
	defer web.SetToday(calendar.MustDate("2026-12-05"))()
	s := yearShell(t, true)
	c := s.client()
	s.login(c, "qs_fy", demo.Password)
	if _, body := s.get(c, "/workbench"); strings.Contains(body, `class="notice"`) || strings.Contains(body, "预估") {
		t.Errorf("2027 loaded, yet the workbench warns")
	}
}

// The browser asked for /favicon.ico and got a 404; the icon is embedded and linked from every page.
func TestFavicon(t *testing.T) {
	s := newShell(t)
	c := s.client()
	for _, path := range []string{"/favicon.ico", "/static/favicon.svg"} {
		resp, err := c.Get(s.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "image/svg+xml") || !strings.Contains(string(b), "<svg") {
			t.Errorf("%s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
	if _, body := s.get(c, "/login"); !strings.Contains(body, `<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">`) {
		t.Error("the login page does not link the icon")
	}
}
