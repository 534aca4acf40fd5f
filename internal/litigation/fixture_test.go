package litigation

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/module"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/secure"
)

type fixture struct {
	t    *testing.T
	ctx  context.Context
	db   *db.DB
	m    *Module
	org  *org.Service
	auth *auth.Service
}

// newFixture is the demo province (two counties) with the module's tables, the clock at 2026-03-31.
func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	d := dbtest.Open(t)
	if _, err := d.Migrate(ctx, Migrations); err != nil {
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
	cipher, err := secure.NewFieldCipher(make([]byte, 16))
	if err != nil {
		t.Fatal(err)
	}
	m := New(module.Deps{DB: d, Org: o, Auth: a, Cipher: cipher})
	m.SetClock(func() time.Time { return time.Date(2026, 3, 31, 10, 0, 0, 0, calendar.Shanghai()) })
	return &fixture{t: t, ctx: ctx, db: d, m: m, org: o, auth: a}
}

func (f *fixture) organ(code string) org.Organ {
	f.t.Helper()
	o, ok := f.org.ByCode(code)
	if !ok {
		f.t.Fatalf("organ %s missing", code)
	}
	return o
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

func (f *fixture) importFile(code, name string) (string, error) {
	f.t.Helper()
	path := filepath.Join("testdata", name)
	data, err := os.ReadFile(path)
	if err != nil {
		f.t.Fatal(err)
	}
	return f.m.Import(f.ctx, f.organ(code).ID, path, bytes.NewReader(data))
}

func (f *fixture) count(q string, args ...any) int {
	f.t.Helper()
	var n int
	if err := f.db.QueryRowContext(f.ctx, q, args...).Scan(&n); err != nil {
		f.t.Fatal(err)
	}
	return n
}
