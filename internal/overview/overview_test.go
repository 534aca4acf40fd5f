package overview

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/stats"
	"github.com/fazhi/fazhi/internal/web"
)

func TestMain(m *testing.M) {
	auth.SetTestingCost()
	os.Exit(m.Run())
}

type env struct {
	t    *testing.T
	app  *web.App
	auth *auth.Service
	org  *org.Service
}

// newEnv is the demo county with a fake module: its todos lie in organs of the county (as a
// handler sees them, within the principal's scope) and it reports one count and one rate a year.
func newEnv(t *testing.T) *env {
	ctx := context.Background()
	d := dbtest.Open(t)
	o := org.New(d)
	o.Load(ctx)
	a := auth.New(d, o, auth.DefaultSettings())
	if _, err := demo.Load(ctx, d, o, a, "county", nil); err != nil {
		t.Fatal(err)
	}
	app := web.New(web.Deps{DB: d, Auth: a, Org: o, Calendar: calendar.Default, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	var gov, gaj org.Organ
	for _, x := range o.All() {
		switch x.Name {
		case "青山县人民政府":
			gov = x
		case "青山县公安局":
			gaj = x
		}
	}
	type item struct {
		organ org.Organ
		due   string
	}
	items := []item{{gov, "2026-11-30"}, {gov, "2026-12-09"}, {gov, "2026-12-30"}, {gaj, "2026-12-01"}, {gaj, "2026-12-11"}}
	app.Todos(func(ctx context.Context, p *auth.Principal) ([]web.Todo, error) {
		if !p.Has(auth.RoleReconsider) {
			return nil, nil // like a module: only handlers have todos
		}
		var out []web.Todo
		for _, it := range items {
			if p.Covers(it.organ.ID, it.organ.Path, "") {
				out = append(out, web.Todo{Module: "行政复议", Title: "案件", URL: "/x", Due: calendar.MustDate(it.due)})
			}
		}
		return out, nil
	})
	figures := func(ctx context.Context, organ org.Organ, year int) ([]stats.Figure, error) {
		n := map[int]int{2026: 12, 2025: 9}[year]
		return []stats.Figure{stats.Count("received", "收到复议申请", n, "", "", ""),
			stats.RateOf("corrected", "综合纠错率", n/3, n, "", "", "")}, nil
	}
	New(o, []Reporter{{Name: "reconsider", Label: "行政复议", Figures: figures}}).Register(app)
	return &env{t: t, app: app, auth: a, org: o}
}

func (e *env) get(user, path string) (int, string) {
	e.t.Helper()
	tok, err := e.auth.Login(context.Background(), user, demo.Password, "127.0.0.1", "test", "")
	if err != nil {
		e.t.Fatal(err)
	}
	r := httptest.NewRequest("GET", path, nil)
	r.AddCookie(&http.Cookie{Name: "fazhi_session", Value: tok})
	w := httptest.NewRecorder()
	e.app.ServeHTTP(w, r)
	return w.Code, w.Body.String()
}

// location is a GET's status and redirect target.
func (e *env) location(user, path string) (int, string) {
	e.t.Helper()
	tok, err := e.auth.Login(context.Background(), user, demo.Password, "127.0.0.1", "test", "")
	if err != nil {
		e.t.Fatal(err)
	}
	r := httptest.NewRequest("GET", path, nil)
	r.AddCookie(&http.Cookie{Name: "fazhi_session", Value: tok})
	w := httptest.NewRecorder()
	e.app.ServeHTTP(w, r)
	return w.Code, w.Header().Get("Location")
}

// A leader had no page of his own: the workbench lists a handler's work and a leader holds none.
func TestLeaderOverview(t *testing.T) {
	old := today
	today = func() calendar.Date { return calendar.MustDate("2026-12-08") } // a Tuesday
	defer func() { today = old }()
	e := newEnv(t)
	code, body := e.get("qs_ld", "/overview")
	if code != http.StatusOK {
		t.Fatalf("/overview: %d", code)
	}
	norm := strings.Join(strings.Fields(body), " ")
	for _, want := range []string{
		`<td>行政复议</td><td class="num over">2</td><td class="num">2</td>`,                           // by module: 11-30, 12-01 overdue; 12-09, 12-11 within 5 working days (12-30 not)
		`<td>青山县人民政府</td><td class="num over">1</td><td class="num">1</td>`,                        // the government's own
		`<td>青山县公安局</td><td class="num over">1</td><td class="num">1</td>`,                         // a department below it
		`<td class="num">12</td><td class="num">9</td><td class="num">&#43;3</td>`,                 // this year's count beside last year's
		`<td class="num">33.33%（4/12）</td><td class="num">33.33%（3/9）</td><td class="num">持平</td>`, // rates
		"2026 年主要指标", "与 2025 年同期比较", "个机关没有已逾期或一周内到期的事项",
	} {
		if !strings.Contains(norm, want) {
			t.Errorf("overview lacks %s\n%s", want, norm[strings.Index(norm, "主要指标"):])
		}
	}
	if code, _ := e.get("qs_fyll", "/overview"); code != http.StatusForbidden {
		t.Errorf("court liaison on /overview: %d", code)
	}
	if code, _ := e.get("admin", "/overview"); code != http.StatusForbidden {
		t.Errorf("system administrator on /overview: %d", code)
	}
}

// /court was the court liaison's placeholder: it now leads to the 行政应诉 case list.
func TestCourtArea(t *testing.T) {
	e := newEnv(t)
	code, loc := e.location("qs_fyll", "/court")
	if code != http.StatusSeeOther || loc != "/litigation/cases" {
		t.Fatalf("/court: %d → %q", code, loc)
	}
	if code, _ := e.get("qs_sc", "/court"); code != http.StatusForbidden {
		t.Errorf("reviewer on /court: %d", code)
	}
}
