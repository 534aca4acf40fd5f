package reconsider

import (
	"context"
	"slices"
	"testing"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/demo"
)

// TestListWideScopeSameRows: a wide scope (auth.Principal.Wide: the list walks its order index and
// tests each row's organ) lists exactly the rows, in exactly the order, of the indexed form, for
// every filter of the list page; and a capped count says "more" past its cap.
func TestListWideScopeSameRows(t *testing.T) {
	w := loadSeedWorld(t, "county", seedClock, seedOptions{casesPerYear: 160, bulk: true})
	ctx := context.Background()
	narrow := w.principal(t, "shi_ld")
	if narrow.Wide {
		t.Fatal("the demo city is not wide (a few dozen organs)")
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
	for _, f := range []Filter{
		{Limit: 20},
		{Limit: 20, Offset: 40},
		{Overdue: true, Limit: 20},
		{Open: true, Limit: 50},
		{Query: "王", Limit: 20},
		{State: StateConcluded, ActType: "行政处罚", Limit: 20, Offset: 20},
		{DueWithin: 30, Limit: 20},
	} {
		a, na, err := w.svc.List(ctx, narrow, f)
		if err != nil {
			t.Fatal(err)
		}
		b, nb, err := w.svc.List(ctx, &wide, f)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(a), ids(b)) || na != nb {
			t.Errorf("filter %+v: indexed %d rows (count %v), wide %d rows (count %v)", f, len(a), na, len(b), nb)
		}
		if len(a) == 0 && f.Offset == 0 {
			t.Errorf("filter %+v lists nothing: the comparison proves nothing", f)
		}
	}
	_, all, err := w.svc.List(ctx, narrow, Filter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, capped, err := w.svc.List(ctx, narrow, Filter{Limit: 1, CountUpTo: 10})
	if err != nil {
		t.Fatal(err)
	}
	if all.More || all.N < 100 || !capped.More || capped.N != 10 || capped.String() != "10+" {
		t.Errorf("exact count %v, capped at 10: %v", all, capped)
	}
	_, few, err := w.svc.List(ctx, narrow, Filter{Limit: 1, CountUpTo: all.N})
	if err != nil || few.More || few.N != all.N {
		t.Errorf("count capped at exactly the total: %v %v", few, err)
	}
}

// TestNameSearchMatchesLike: a name search through reconsider_names (filled by the bulk writer
// here, by insertCase in the flow tests) finds exactly the cases whose applicant name contains the
// text, as LIKE over every case would.
func TestNameSearchMatchesLike(t *testing.T) {
	w := loadSeedWorld(t, "county", seedClock, seedOptions{casesPerYear: 160, bulk: true})
	ctx := context.Background()
	p := w.principal(t, "shi_ld")
	var names []string
	rows, err := w.d.QueryContext(ctx, `SELECT applicant_name FROM reconsider_cases ORDER BY receipt_no LIMIT 3`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var n string
		rows.Scan(&n)
		names = append(names, n)
	}
	rows.Close()
	queries := []string{"王", "李", "有限公司"}
	for _, n := range names {
		queries = append(queries, n, string([]rune(n)[len([]rune(n))-1:]))
	}
	for _, q := range queries {
		got, n, err := w.svc.List(ctx, p, Filter{Query: q, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		rows, err := w.d.QueryContext(ctx, `SELECT id FROM reconsider_cases WHERE applicant_name LIKE ? ORDER BY received_on DESC, receipt_no DESC`, "%"+q+"%")
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id string
			rows.Scan(&id)
			want = append(want, id)
		}
		rows.Close()
		var ids []string
		for _, c := range got {
			ids = append(ids, c.ID)
		}
		if !slices.Equal(ids, want) || n.N != len(want) {
			t.Errorf("%q: name index found %d (count %v), LIKE %d", q, len(ids), n, len(want))
		}
	}
}

// TestNameSearchFoldsLikeLike: names with upper-case letters outside ASCII are indexed by SQL lower(),
// which folds them on PostgreSQL and not on SQLite; the search still finds what LIKE finds on each.
func TestNameSearchFoldsLikeLike(t *testing.T) {
	w := loadSeedWorld(t, "county", seedClock, seedOptions{casesPerYear: 20, bulk: true})
	ctx := context.Background()
	p := w.principal(t, "shi_ld")
	var id string
	if err := w.d.QueryRowContext(ctx, `SELECT id FROM reconsider_cases ORDER BY receipt_no LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	err := w.d.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.Exec(ctx, `UPDATE reconsider_cases SET applicant_name = ? WHERE id = ?`, "Ärger Éclair GmbH", id); err != nil {
			return err
		}
		if err := tx.Exec(ctx, `DELETE FROM reconsider_names WHERE case_id = ?`, id); err != nil {
			return err
		}
		return indexNames(ctx, tx, []string{id})
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"Ärger", "Éclair", "GmbH", "gmbh", "Är"} {
		got, _, err := w.svc.List(ctx, p, Filter{Query: q, Limit: 50})
		if err != nil {
			t.Fatal(err)
		}
		var like int
		if err := w.d.QueryRowContext(ctx, `SELECT COUNT(*) FROM reconsider_cases WHERE applicant_name LIKE ?`, "%"+q+"%").Scan(&like); err != nil {
			t.Fatal(err)
		}
		if len(got) != like {
			t.Errorf("%q: name index found %d, LIKE %d", q, len(got), like)
		}
		if q != "gmbh" && (len(got) != 1 || got[0].ID != id) {
			t.Errorf("%q: want the one renamed case, got %d cases", q, len(got))
		}
	}
}

// principal is a demo account of the seeded world, logged in.
func (w *seedWorld) principal(t *testing.T, username string) *auth.Principal {
	t.Helper()
	ctx := context.Background()
	tok, err := w.auth.Login(ctx, username, demo.Password, "127.0.0.1", "test", "")
	if err != nil {
		t.Fatal(err)
	}
	p, err := w.auth.Authenticate(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
