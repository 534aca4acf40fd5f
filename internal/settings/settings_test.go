package settings_test

import (
	"context"
	"errors"
	"net/url"
	"os"
	"testing"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/settings"
)

func TestMain(m *testing.M) {
	auth.SetTestingCost()
	os.Exit(m.Run())
}

var (
	days  = settings.Def{Key: "test.days", Name: "期限", Unit: "个工作日", Default: 15, Min: 1, Max: 60}
	dual  = settings.Def{Key: "test.dual", Name: "双重审核", Kind: settings.Bool, Default: 1}
	phone = settings.Def{Key: "test.phone", Name: "联系电话", Kind: settings.Text, DefaultText: "12345", Max: 20}
)

type fixture struct {
	t     *testing.T
	ctx   context.Context
	db    *db.DB
	st    *settings.Store
	gov   org.Organ // a county government
	dept  org.Organ // one of its departments
	other org.Organ // another department of the same county
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	d := dbtest.Open(t)
	o := org.New(d)
	if err := o.Load(ctx); err != nil {
		t.Fatal(err)
	}
	a := auth.New(d, o, auth.DefaultSettings())
	var w *demo.World
	grab := func(_ context.Context, world *demo.World) (string, error) { w = world; return "", nil }
	if _, err := demo.Load(ctx, d, o, a, "county", []demo.Seeder{grab}); err != nil {
		t.Fatal(err)
	}
	c := w.Counties[0]
	return &fixture{t: t, ctx: ctx, db: d, st: settings.New(d, o), gov: c.Government, dept: c.Departments[0], other: c.Departments[1]}
}

func (f *fixture) set(organID string, def settings.Def, raw string) error {
	return f.db.Tx(f.ctx, func(tx *db.Tx) error { return f.st.Set(f.ctx, tx, organID, def, raw) })
}

func (f *fixture) mustSet(organID string, def settings.Def, raw string) {
	f.t.Helper()
	if err := f.set(organID, def, raw); err != nil {
		f.t.Fatal(err)
	}
}

func (f *fixture) expect(organID string, def settings.Def, value int, text, source string, own bool) {
	f.t.Helper()
	v, err := f.st.Value(f.ctx, f.db, organID, def)
	if err != nil {
		f.t.Fatal(err)
	}
	if v.Value != value || v.Text != text || v.Source != source || v.Own != own {
		f.t.Errorf("%s for %s = (%d, %q, %s, own %v), want (%d, %q, %s, own %v)", def.Key, organID, v.Value, v.Text, v.Source, v.Own, value, text, source, own)
	}
}

func TestInheritanceDownTheOrgTree(t *testing.T) {
	f := newFixture(t)
	// Nothing set: the declared default.
	f.expect(f.dept.ID, days, 15, "15", "默认值", false)
	f.expect(f.dept.ID, phone, 0, "12345", "默认值", false)

	// Deployment-wide value applies everywhere.
	f.mustSet("", days, "20")
	f.mustSet("", phone, "0000-1111")
	f.expect(f.dept.ID, days, 20, "20", "全局设置", false)
	f.expect(f.gov.ID, phone, 0, "0000-1111", "全局设置", false)

	// The county government's value applies to its departments.
	f.mustSet(f.gov.ID, days, "10")
	f.mustSet(f.gov.ID, phone, "0551-1234567")
	f.expect(f.gov.ID, days, 10, "10", "本机关", true)
	f.expect(f.dept.ID, days, 10, "10", f.gov.Name, false)
	f.expect(f.dept.ID, phone, 0, "0551-1234567", f.gov.Name, false)

	// A department's own value overrides the government's, for itself only.
	f.mustSet(f.dept.ID, days, "7")
	f.expect(f.dept.ID, days, 7, "7", "本机关", true)
	f.expect(f.other.ID, days, 10, "10", f.gov.Name, false)
	if n, err := f.st.Int(f.ctx, f.db, f.dept.ID, days); err != nil || n != 7 {
		t.Errorf("Int = %d, %v", n, err)
	}

	// Clearing the own value inherits again; clearing the government's falls back to deployment-wide.
	f.mustSet(f.dept.ID, days, "")
	f.expect(f.dept.ID, days, 10, "10", f.gov.Name, false)
	f.mustSet(f.gov.ID, days, "")
	f.expect(f.dept.ID, days, 20, "20", "全局设置", false)

	// A corrupt stored value is skipped, not fatal.
	if err := f.db.Tx(f.ctx, func(tx *db.Tx) error {
		return tx.Exec(f.ctx, `INSERT INTO settings (organ_id, key, value) VALUES (?, ?, ?)`, f.gov.ID, days.Key, "abc")
	}); err != nil {
		t.Fatal(err)
	}
	f.expect(f.dept.ID, days, 20, "20", "全局设置", false)

	// Bool settings are 0 or 1.
	f.expect(f.dept.ID, dual, 1, "1", "默认值", false)
	f.mustSet(f.gov.ID, dual, "0")
	f.expect(f.dept.ID, dual, 0, "0", f.gov.Name, false)
}

func TestRefusedValues(t *testing.T) {
	f := newFixture(t)
	for _, c := range []struct {
		def settings.Def
		raw string
	}{{days, "0"}, {days, "61"}, {days, "十"}, {dual, "2"}, {phone, "012345678901234567890"}} {
		err := f.set(f.gov.ID, c.def, c.raw)
		var fe *fault.Fields
		if !errors.Is(err, fault.Invalid) || !errors.As(err, &fe) || fe.Fields[c.def.Key] == "" {
			t.Errorf("%s = %q: got %v, want a field error", c.def.Key, c.raw, err)
		}
	}
	if err := f.db.Tx(f.ctx, func(tx *db.Tx) error { return f.st.Save(f.ctx, tx, f.gov.ID, days, 99, false) }); !errors.Is(err, fault.Invalid) {
		t.Errorf("Save 99: %v", err)
	}
	f.expect(f.gov.ID, days, 15, "15", "默认值", false)
}

func TestSettingsPageForm(t *testing.T) {
	f := newFixture(t)
	defs := []settings.Def{days, dual, phone}
	// A department's user keeps the settings of its government.
	p := &auth.Principal{OrganID: f.dept.ID}
	pg, err := f.st.Page(f.ctx, p, defs)
	if err != nil {
		t.Fatal(err)
	}
	if pg.Organ.ID != f.gov.ID || len(pg.Values) != 3 || pg.Values[0].Source != "默认值" {
		t.Fatalf("page %+v", pg)
	}

	// One bad field: nothing is saved, the answer names the field.
	err = f.st.SaveForm(f.ctx, p, defs, url.Values{"test.days": {"12"}, "test.dual": {"5"}})
	var fe *fault.Fields
	if !errors.As(err, &fe) || fe.Fields["test.dual"] == "" || fe.Fields["test.days"] != "" {
		t.Fatalf("want a field error on test.dual, got %v", err)
	}
	f.expect(f.gov.ID, days, 15, "15", "默认值", false)

	if err := f.st.SaveForm(f.ctx, p, defs, url.Values{"test.days": {"12"}, "test.phone": {" 0551-7654321 "}}); err != nil {
		t.Fatal(err)
	}
	f.expect(f.gov.ID, days, 12, "12", "本机关", true)
	f.expect(f.dept.ID, days, 12, "12", f.gov.Name, false)
	f.expect(f.dept.ID, phone, 0, "0551-7654321", f.gov.Name, false)

	// An empty field removes the own value.
	if err := f.st.SaveForm(f.ctx, p, defs, url.Values{"test.phone": {"0551-7654321"}}); err != nil {
		t.Fatal(err)
	}
	f.expect(f.gov.ID, days, 15, "15", "默认值", false)

	if _, err := f.st.Page(f.ctx, &auth.Principal{OrganID: "nope"}, defs); !errors.Is(err, fault.NotFound) {
		t.Errorf("unknown organ: %v", err)
	}
}
