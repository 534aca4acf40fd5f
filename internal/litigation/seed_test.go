package litigation

import (
	"context"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/module"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/secure"
	"github.com/fazhi/fazhi/internal/webtest"
)

// The demo year: cases in every state, fast, and every case page renders for the three accounts.
func TestSeed(t *testing.T) {
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
	cipher, _ := secure.NewFieldCipher(make([]byte, 16))
	m := New(module.Deps{DB: d, Org: o, Auth: a, Cipher: cipher})
	m.SetClock(func() time.Time { return time.Date(2026, 3, 31, 10, 0, 0, 0, calendar.Shanghai()) })
	var took time.Duration
	seed := m.Seeder()
	if _, err := demo.Load(ctx, d, o, a, "county", []demo.Seeder{func(ctx context.Context, w *demo.World) (string, error) {
		start := time.Now()
		defer func() { took = time.Since(start) }()
		return seed(ctx, w)
	}}); err != nil {
		t.Fatal(err)
	}
	if took > 2*time.Second {
		t.Errorf("seeding took %s", took)
	}
	f := &fixture{t: t, ctx: ctx, db: d, m: m, org: o, auth: a}
	if n := f.count(`SELECT COUNT(*) FROM litigation_cases`); n != 80 {
		t.Errorf("cases %d", n)
	}
	for _, s := range []State{StateRegistered, StateAssigned, StateHearing, StateEffective, StatePerformed} {
		if f.count(`SELECT COUNT(*) FROM litigation_cases WHERE state = ?`, string(s)) == 0 {
			t.Errorf("no demo case %s", s)
		}
	}
	if f.count(`SELECT COUNT(*) FROM litigation_deliveries WHERE signed_at = ''`) == 0 || f.count(`SELECT COUNT(*) FROM litigation_hearings WHERE appeared = 1`) == 0 {
		t.Error("no unsigned delivery or no leader appearance")
	}
	st, err := m.StatsForYear(ctx, f.organ("990121-GOV").ID, 2025, "")
	if err != nil || st.Received == 0 || st.Concluded == 0 {
		t.Errorf("stats of the demo year: %+v %v", st, err)
	}
	app := f.app()
	rows, err := d.QueryContext(ctx, `SELECT id FROM litigation_cases WHERE gov_id = ?`, f.organ("990121-GOV").ID)
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		all = append(all, id)
	}
	rows.Close()
	for _, u := range []string{"qs_fyll", "qs_fy"} {
		cl := webtest.Login(t, app, a, u)
		for _, id := range all {
			if w := cl.Get("/litigation/cases/" + id); w.Code != 200 || !strings.Contains(w.Body, "办理记录") {
				t.Fatalf("%s: demo case %s: %d", u, id, w.Code)
			}
		}
		if w := cl.Get("/litigation/cases"); w.Code != 200 || !strings.Contains(w.Body, "共 40 件") {
			t.Errorf("%s: demo list %d", u, w.Code)
		}
	}
}

// The province-scale writer on one county: the years of cases land with consistent facts, unique
// 案号 and the figures the statistics read; a county's total matches what was asked for.
func TestSeedBulk(t *testing.T) {
	f := newFixture(t)
	gov := f.organ("990122-GOV")
	county := &demo.County{Government: gov}
	for _, o := range f.org.Subtree(gov.ID) {
		if o.Kind == org.KindDepartment {
			county.Departments = append(county.Departments, o)
		}
	}
	n, r, err := f.m.seedBulk(f.ctx, rand.New(rand.NewPCG(1, 2)), county, 20, 5)
	if err != nil {
		t.Fatal(err)
	}
	if n != 100 || r != 2 {
		t.Fatalf("wrote %d cases, %d recommendations", n, r)
	}
	if got := f.count(`SELECT COUNT(*) FROM litigation_cases WHERE gov_id = ?`, gov.ID); got != 100 {
		t.Errorf("%d cases stored", got)
	}
	if got := f.count(`SELECT COUNT(DISTINCT docket) FROM litigation_cases WHERE gov_id = ?`, gov.ID); got != 100 {
		t.Errorf("%d distinct 案号", got)
	}
	if got := f.count(`SELECT COUNT(*) FROM litigation_parties p JOIN litigation_cases c ON c.id = p.case_id WHERE c.gov_id = ?`, gov.ID); got != 200 {
		t.Errorf("%d parties", got)
	}
	// Concluded cases carry an outcome and a closing date after receipt; open ones neither.
	if got := f.count(`SELECT COUNT(*) FROM litigation_cases WHERE gov_id = ? AND ((outcome = '') <> (closed_on = '') OR (closed_on <> '' AND closed_on < received_on))`, gov.ID); got != 0 {
		t.Errorf("%d cases with inconsistent outcome and closing date", got)
	}
	all := 0
	for y := f.m.Today().Year - 5; y <= f.m.Today().Year; y++ {
		st, err := f.m.StatsForYear(f.ctx, gov.ID, y, "")
		if err != nil {
			t.Fatal(err)
		}
		all += st.Received
		if st.CarriedOver+st.Received != st.Concluded+st.Pending {
			t.Errorf("%d: carried %d + received %d ≠ concluded %d + pending %d", y, st.CarriedOver, st.Received, st.Concluded, st.Pending)
		}
	}
	if all != 100 {
		t.Errorf("received over the years: %d", all)
	}
}
