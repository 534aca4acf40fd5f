package enforce

import (
	"context"
	"io"
	"log/slog"
	"os"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/module"
	"github.com/fazhi/fazhi/internal/notify"
	"github.com/fazhi/fazhi/internal/org"
)

// RunTests runs the package's tests; pages_test.go (package enforce_test, which may import
// demotest without a cycle) sets it to demotest.Run so the demo templates are removed at the end.
var RunTests = func(m *testing.M) int { return m.Run() }

func TestMain(m *testing.M) {
	auth.SetTestingCost()
	os.Exit(RunTests(m))
}

type fixture struct {
	t    testing.TB
	ctx  context.Context
	m    *Module
	org  *org.Service
	auth *auth.Service
}

// newFixture opens a database with the demo org tree (no module seeders); today is 2025-12-31.
func newFixture(t testing.TB) *fixture {
	t.Helper()
	ctx := context.Background()
	d := dbtest.Open(t)
	if _, err := d.Migrate(ctx, Spec.Migrations); err != nil {
		t.Fatal(err)
	}
	o := org.New(d)
	if err := o.Load(ctx); err != nil {
		t.Fatal(err)
	}
	a := auth.New(d, o, auth.DefaultSettings())
	if _, err := demo.Load(ctx, d, o, a, "county", nil); err != nil {
		t.Fatal(err)
	}
	m := New(module.Deps{DB: d, Org: o, Auth: a, Calendar: calendar.NewStore(d), Notify: notify.New(d, slog.New(slog.NewTextHandler(io.Discard, nil)), nil)}, nil).(*Module)
	m.SetToday(calendar.MustDate("2025-12-31"))
	return &fixture{t: t, ctx: ctx, m: m, org: o, auth: a}
}

func (f *fixture) login(username string) *auth.Principal {
	f.t.Helper()
	tok, err := f.auth.Login(f.ctx, username, demo.Password, "127.0.0.1", "test", "")
	if err != nil {
		f.t.Fatalf("login %s: %v", username, err)
	}
	p, err := f.auth.Authenticate(f.ctx, tok)
	if err != nil {
		f.t.Fatal(err)
	}
	return p
}

func (f *fixture) organ(code string) org.Organ {
	o, ok := f.org.ByCode(code)
	if !ok {
		f.t.Fatalf("organ %s missing", code)
	}
	return o
}

// body registers a body under the organ with code.
func (f *fixture) body(p *auth.Principal, code, name, sector string) *Body {
	f.t.Helper()
	b, err := f.m.CreateBody(f.ctx, p, BodyInput{OrganID: f.organ(code).ID, Name: name, Kind: KindStatutory, Categories: []string{"penalty"}, Sector: sector})
	if err != nil {
		f.t.Fatalf("body %s: %v", name, err)
	}
	return b
}

// certified registers an officer of b with a certificate issued on from, valid to to.
func (f *fixture) certified(p *auth.Principal, b *Body, name, number, from, to string) (*Officer, *Certificate) {
	f.t.Helper()
	o, err := f.m.CreateOfficer(f.ctx, p, OfficerInput{BodyID: b.ID, Name: name})
	if err != nil {
		f.t.Fatal(err)
	}
	c, err := f.m.Apply(f.ctx, p, ApplyInput{OfficerID: o.ID, TrainingHours: 60, ExamScore: 90, ExamPassed: true})
	if err != nil {
		f.t.Fatal(err)
	}
	if c, err = f.m.Issue(f.ctx, p, c.ID, IssueInput{Step: casework.Step{OnText: from}, Number: number, ValidText: to}); err != nil {
		f.t.Fatal(err)
	}
	return o, c
}

func (f *fixture) exec(q string, args ...any) {
	f.t.Helper()
	if err := f.m.d.DB.Tx(f.ctx, func(tx *db.Tx) error { return tx.Exec(f.ctx, q, args...) }); err != nil {
		f.t.Fatal(err)
	}
}

// inbox lists who received messages linking to url, as "username: title | body", by username.
func (f *fixture) inbox(url string) []string {
	f.t.Helper()
	rows, err := f.m.d.DB.QueryContext(f.ctx, `SELECT u.username, m.title, m.body FROM messages m JOIN users u ON u.id = m.user_id WHERE m.url = ? ORDER BY u.username, m.created_at`, url)
	if err != nil {
		f.t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var who, title, body string
		if err := rows.Scan(&who, &title, &body); err != nil {
			f.t.Fatal(err)
		}
		out = append(out, who+": "+title+" | "+body)
	}
	return out
}

// recipients is who received messages linking to url, joined by spaces.
func (f *fixture) recipients(url string) string {
	f.t.Helper()
	var who []string
	for _, m := range f.inbox(url) {
		who = append(who, m[:strings.Index(m, ":")])
	}
	return strings.Join(who, " ")
}
