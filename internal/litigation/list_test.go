package litigation

import (
	"slices"
	"testing"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/web"
)

// listWorld is the demo province with 600 generated cases over both counties (the benchmark's
// generator), three registered by the court and not yet signed for (one with a co-defendant), one
// signed (in its answer period) and an unrecorded hearing in 5 days.
func listWorld(t *testing.T) (*fixture, *Case) {
	f := newFixture(t)
	e := &benchEnv{ctx: f.ctx, d: f.db, m: f.m, org: f.org, auth: f.auth, county: f.organ("990121-GOV")}
	if err := e.generate(600); err != nil {
		t.Fatal(err)
	}
	court, gaj, sjj := f.login("qs_fyll"), f.organ("990121-GAJ"), f.organ("990121-SJJ")
	var last *Case
	for i, co := range [][]string{nil, {sjj.ID}, nil} {
		c, err := f.m.RegisterCase(f.ctx, court, RegisterInput{Docket: "（2026）豫0182行初" + string(rune('7'+i)) + "01号", Plaintiffs: []PlaintiffInput{{Name: "张三", Kind: Natural}},
			DefendantID: gaj.ID, CoDefendantIDs: co, ActType: "行政处罚", Field: "公安"}, courtDocsFor())
		if err != nil {
			t.Fatal(err)
		}
		last = c
	}
	if _, err := f.m.Sign(f.ctx, f.login("qs_gaj"), last.ID, SignInput{}); err != nil {
		t.Fatal(err)
	}
	if err := f.db.Tx(f.ctx, func(tx *db.Tx) error {
		var id string
		if err := tx.QueryRowContext(f.ctx, `SELECT id FROM litigation_cases WHERE state = 'answered' ORDER BY docket LIMIT 1`).Scan(&id); err != nil {
			return err
		}
		return insertHearing(f.ctx, tx, &Hearing{CaseID: id, HeldOn: f.m.Today().AddDays(5), NoticeOn: f.m.Today()})
	}); err != nil {
		t.Fatal(err)
	}
	return f, last
}

// TestListWideScopeSameRows: a wide scope (auth.Principal.Wide: the list walks its order index and
// tests each row's scope) lists exactly the rows, in exactly the order, and counts as many as the
// indexed form, for every filter of the list page; the order is the one stated (not yet signed for
// first, then by receipt, newest first); and a capped count says "more" past its cap.
func TestListWideScopeSameRows(t *testing.T) {
	f, signed := listWorld(t)
	narrow := f.login("shi_ld")
	if narrow.Wide {
		t.Fatal("the demo city is not wide")
	}
	wide := *narrow
	wide.Wide = true
	ids := func(cs []*Case) []string {
		var out []string
		for _, c := range cs {
			out = append(out, c.ID)
		}
		return out
	}
	today := f.m.Today()
	for _, fl := range []Filter{
		{Limit: 20},
		{Limit: 20, Offset: 40},
		{Limit: 500},
		{State: string(StateEffective), Limit: 20, Offset: 20},
		{Instance: string(First), Field: "公安", Limit: 20},
		{ActType: "行政许可", Limit: 20},
		{Defendant: "市场监督", Limit: 20},
		{Court: "绿水县", Limit: 20},
		{Lost: true, Limit: 20},
		{HearingWithin: 7, Limit: 20},
		{AnswerWithin: 30, Limit: 20},
	} {
		a, na, err := listPaged(f.ctx, f.db, narrow, fl, today, listCountCap)
		if err != nil {
			t.Fatal(err)
		}
		b, nb, err := listPaged(f.ctx, f.db, &wide, fl, today, listCountCap)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(a), ids(b)) || na != nb {
			t.Errorf("filter %+v: indexed %d rows (count %v), wide %d rows (count %v)", fl, len(a), na, len(b), nb)
		}
		if len(a) == 0 {
			t.Errorf("filter %+v lists nothing: the comparison proves nothing", fl)
		}
		// The order stated, checked row by row.
		for i := 1; i < len(a); i++ {
			x, y := a[i-1], a[i]
			kx, ky := !x.ReceivedOn.IsZero(), !y.ReceivedOn.IsZero()
			ok := (!kx && ky) || (kx == ky && (y.ReceivedOn.Before(x.ReceivedOn) || y.ReceivedOn == x.ReceivedOn &&
				(y.CreatedAt < x.CreatedAt || y.CreatedAt == x.CreatedAt && y.Docket < x.Docket)))
			if !ok {
				t.Fatalf("filter %+v: %s (%s) listed before %s (%s)", fl, x.Docket, x.ReceivedOn, y.Docket, y.ReceivedOn)
			}
		}
	}
	// The two unsigned ones first; the answer filter finds the one signed today first, then
	// the generated cases never answered (overdue).
	first, _, _ := listPaged(f.ctx, f.db, narrow, Filter{Limit: 2}, today, -1)
	for _, c := range first {
		if !c.ReceivedOn.IsZero() || c.State != StateRegistered {
			t.Errorf("unsigned cases do not come first: %s %s", c.Docket, c.State)
		}
	}
	if cs, _, _ := listPaged(f.ctx, f.db, &wide, Filter{AnswerWithin: 30, Limit: 20}, today, -1); len(cs) < 2 || cs[0].ID != signed.ID || cs[1].State != StateAssigned {
		for _, c := range cs {
			t.Logf("%s %s %s %s", c.ID, c.Docket, c.State, c.ReceivedOn)
		}
		t.Errorf("answer within 30 days: %d cases, want %s first", len(cs), signed.ID)
	}
	_, all, err := listPaged(f.ctx, f.db, narrow, Filter{Limit: 1}, today, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, capped, err := listPaged(f.ctx, f.db, &wide, Filter{Limit: 1}, today, 10)
	if err != nil {
		t.Fatal(err)
	}
	if all.More || all.N != 603 || !capped.More || capped.N != 10 || capped.String() != "10+" {
		t.Errorf("exact count %v, capped at 10: %v", all, capped)
	}
	// A co-defendant's liaison sees the case it is a co-defendant in, both ways, and its workbench
	// (whose scope is a test of each row) asks it to sign for it.
	sjj := f.login("qs_sjj")
	sjjWide := *sjj
	sjjWide.Wide = true
	a, _, _ := listPaged(f.ctx, f.db, sjj, Filter{Limit: 500}, today, -1)
	b, _, _ := listPaged(f.ctx, f.db, &sjjWide, Filter{Limit: 500}, today, -1)
	if len(a) == 0 || !slices.Equal(ids(a), ids(b)) || a[0].Docket != "（2026）豫0182行初801号" {
		t.Errorf("co-defendant's list: %d / %d rows", len(a), len(b))
	}
	todos, err := f.m.Todos(f.ctx, sjj)
	if err != nil || len(todos) != 1 || todos[0].URL != caseURL(a[0].ID) {
		t.Errorf("co-defendant's workbench: %+v %v", todos, err)
	}
	// A county's staff sees its own county only, both ways.
	staff := f.login("qs_fy")
	_, n, _ := listPaged(f.ctx, f.db, staff, Filter{}, today, 0)
	if n.N < 250 || n.N > 350 {
		t.Errorf("county staff count %v", n)
	}
}

// TestTodosReadOnlyWhatTheyShow: the workbench finds a case awaiting the decision on appeal however
// many effective cases (open for years) the organ has — the earlier read of the first 1,000 open
// cases lost it behind 1,100 newer effective ones.
func TestTodosReadOnlyWhatTheyShow(t *testing.T) {
	f := newFixture(t)
	gaj, gov, court := f.organ("990121-GAJ"), f.organ("990121-GOV"), f.organ("990121-FY")
	cal := calendar.Default()
	mk := func(i int, recv string) *Case {
		dk := Docket{Year: 2025, Court: "豫0182", Kind: "行初", Number: i + 1}
		c := &Case{ID: db.NewID(), OrganID: gaj.ID, GovID: gov.ID, CourtID: court.ID, CourtName: court.Name, Instance: First, Docket: dk.String(),
			DocketYear: dk.Year, CourtCode: dk.Court, DocketKind: dk.Kind, DocketNo: dk.Number, Defendant: gaj.Name, Plaintiff: "原告", PlaintiffK: Natural,
			ActType: "行政处罚", Field: "公安", State: StateEffective, ReceivedOn: calendar.MustDate(recv), DraftDays: 10, Version: 1, CreatedAt: db.Now(),
			Outcome: DismissClaim, ClosedOn: calendar.MustDate("2026-02-01"), EffectiveOn: calendar.MustDate("2026-02-20"), AppealDecided: true}
		c.MatterID = c.ID
		c.Recompute(cal)
		return c
	}
	old := mk(0, "2025-01-06")
	old.State, old.AppealDecided, old.EffectiveOn = StateDecided, false, calendar.Date{}
	old.DecisionServedOn, old.AppealDue = calendar.MustDate("2026-03-25"), calendar.MustDate("2026-04-09")
	if err := f.db.Tx(f.ctx, func(tx *db.Tx) error {
		cs := []*Case{old}
		for i := 1; i <= 1100; i++ {
			cs = append(cs, mk(i, "2025-12-01"))
		}
		for _, c := range cs {
			c.Parties = []Party{{Role: RoleDefendant, Name: gaj.Name, OrganID: gaj.ID}}
			if err := insertCase(f.ctx, tx, c); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	var got []web.Todo
	for _, td := range mustTodos(t, f) {
		if td.URL == caseURL(old.ID) {
			got = append(got, td)
		}
	}
	if len(got) != 1 || got[0].Due != old.AppealDue {
		t.Errorf("appeal decision todo of the old case: %+v", got)
	}
}

func mustTodos(t *testing.T, f *fixture) []web.Todo {
	t.Helper()
	ts, err := f.m.Todos(f.ctx, f.login("qs_gaj"))
	if err != nil {
		t.Fatal(err)
	}
	if len(ts) > 5 {
		t.Errorf("%d todos: the effective cases show none", len(ts))
	}
	return ts
}
