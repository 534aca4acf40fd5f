package admin

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/web"
	"github.com/fazhi/fazhi/internal/webtest"
)

func TestMain(m *testing.M) {
	auth.SetTestingCost()
	os.Exit(m.Run())
}

// env is the shell with this module registered, on a fresh database holding the demo county.
type env struct {
	t    *testing.T
	app  *web.App
	db   *db.DB
	org  *org.Service
	auth *auth.Service
	cal  *calendar.Store
	mod  *Module
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	d := dbtest.Open(t)
	o := org.New(d)
	if err := o.Load(ctx); err != nil {
		t.Fatal(err)
	}
	a := auth.New(d, o, auth.DefaultSettings())
	cal := calendar.NewStore(d)
	if err := cal.Load(ctx); err != nil {
		t.Fatal(err)
	}
	app := web.New(web.Deps{DB: d, Auth: a, Org: o, Calendar: cal.Current, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Version: "test"})
	mod := New(Deps{DB: d, Org: o, Auth: a, Calendar: cal})
	mod.Register(app)
	if _, err := demo.Load(ctx, d, o, a, "county", nil); err != nil {
		t.Fatal(err)
	}
	return &env{t: t, app: app, db: d, org: o, auth: a, cal: cal, mod: mod}
}

// client is a signed-in browser (the shared webtest client) and its account.
type client struct {
	*webtest.Client
	username, uid string
}

func (e *env) login(username string) *client {
	e.t.Helper()
	return e.loginWith(username, demo.Password)
}

func (e *env) loginWith(username, password string) *client {
	e.t.Helper()
	c := webtest.LoginWith(e.t, e.app, e.auth, username, password)
	return &client{Client: c, username: username, uid: c.Principal.UserID}
}

// do is get (GET without a form) or post (POST, with the CSRF token added to the form).
func (c *client) do(method, path string, form url.Values) *httptest.ResponseRecorder {
	switch {
	case method == http.MethodGet && form == nil:
		return c.get(path)
	case method == http.MethodPost:
		return c.post(path, form)
	}
	panic("admin tests send GET or POST, not " + method)
}

func (c *client) get(path string) *httptest.ResponseRecorder { return c.Get(path).ResponseRecorder }

func (c *client) post(path string, form url.Values) *httptest.ResponseRecorder {
	return c.Post(path, form).ResponseRecorder
}

// confirmed is the form of an irreversible action the user has confirmed (app.js or the
// confirmation page add it).
var confirmed = url.Values{"confirmed": {"1"}}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// api calls a JSON route with a bearer token ("": none) and a raw body ("": none).
func (e *env) api(method, path, token, body string) *httptest.ResponseRecorder {
	e.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	r := httptest.NewRequest(method, path, rd)
	if body != "" {
		r.Header.Set("Content-Type", "application/json")
	}
	return webtest.Bearer(e.t, e.app, token).Do(r).ResponseRecorder
}

// systemToken creates a system account of organ code holding role there with scope, and issues it a token.
func (e *env) systemToken(username string, role auth.Role, organCode string, scope auth.Scope) string {
	e.t.Helper()
	ctx := context.Background()
	o, ok := e.org.ByCode(organCode)
	if !ok {
		e.t.Fatalf("机关 %s 不存在", organCode)
	}
	var id string
	err := e.db.Tx(ctx, func(tx *db.Tx) error {
		var err error
		id, err = e.auth.CreateUser(ctx, tx, auth.NewUser{Username: username, Name: "对接系统", OrganID: o.ID, Password: demo.Password, SystemAccount: true,
			Memberships: []auth.Membership{{OrganID: o.ID, Role: role, Scope: scope}}})
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	tok, err := e.auth.IssueToken(ctx, id, "测试")
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

func (e *env) user(username string) auth.User {
	e.t.Helper()
	u, err := e.auth.UserByName(context.Background(), username)
	if err != nil {
		e.t.Fatal(err)
	}
	return u
}

func (e *env) count(query string, args ...any) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRowContext(context.Background(), query, args...).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func wantStatus(t *testing.T, w *httptest.ResponseRecorder, status int) {
	t.Helper()
	if w.Code != status {
		t.Fatalf("状态码 %d，应为 %d；响应：%s", w.Code, status, truncate(w.Body.String(), 600))
	}
}

func wantBody(t *testing.T, w *httptest.ResponseRecorder, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(w.Body.String(), p) {
			t.Errorf("响应中没有 %q", p)
		}
	}
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

func hasText(w *httptest.ResponseRecorder, s string) bool {
	return strings.Contains(w.Body.String(), s)
}
