package disclosure

import (
	"slices"
	"testing"

	"github.com/fazhi/fazhi/internal/org"
)

// TestListWideScopeSameRows: a wide scope (auth.Principal.Wide: the page's ids are found by walking
// the list's order index and testing each row's organ) lists exactly the rows, in exactly the
// order, of the indexed form, for every filter of the list page — and both equal the plain query
// over every visible request; a capped count says "more" past its cap.
func TestListWideScopeSameRows(t *testing.T) {
	f := newFixture(t) // clock: 2026-03-31
	var organs []org.Organ
	gov, _ := f.org.ByCode("990121-GOV")
	for _, o := range f.org.All() {
		if o.ID == gov.ID || o.ParentID == gov.ID {
			organs = append(organs, o)
		}
	}
	if _, err := f.svc.SeedBulk(f.ctx, organs, 3, 12, func() string { return "王五" }); err != nil {
		t.Fatal(err)
	}
	narrow := f.login("qs_ld")
	if narrow.Wide {
		t.Fatal("the demo county is not wide")
	}
	wide := *narrow
	wide.Wide = true
	ids := func(rs []*Request) []string {
		var out []string
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return out
	}
	zrj, _ := f.org.ByCode(organCode)
	// plain is the list as a query over every visible request would give it.
	plain := func(lf ListFilter) []string {
		where, args := f.svc.visibleSQL(narrow)
		q := `SELECT id FROM disclosure_requests WHERE ` + where
		if lf.State != "" {
			q, args = q+` AND state = ?`, append(args, lf.State)
		}
		if lf.Organ != "" {
			q, args = q+` AND organ_id = ?`, append(args, lf.Organ)
		}
		if lf.ReplyType != "" {
			q, args = q+` AND reply_type = ?`, append(args, lf.ReplyType)
		}
		if lf.ApplicantType != "" {
			q, args = q+` AND applicant_type = ?`, append(args, lf.ApplicantType)
		}
		if lf.Overdue {
			q, args = q+` AND next_due > '' AND next_due < ?`, append(args, f.svc.Today().String())
		}
		rows, err := f.db.QueryContext(f.ctx, q+` ORDER BY received_on DESC, receipt_no DESC`, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var id string
			rows.Scan(&id)
			out = append(out, id)
		}
		limit := lf.Limit
		if limit == 0 {
			limit = pageSize
		}
		return out[min(lf.Offset, len(out)):min(lf.Offset+limit, len(out))]
	}
	for _, lf := range []ListFilter{
		{},
		{Offset: 40},
		{Offset: 20 * 20},
		{State: string(StateReplied), Offset: 20},
		{Organ: zrj.ID},
		{ReplyType: "disclose", ApplicantType: string(Business)},
		{Overdue: true},
		{Limit: 500},
	} {
		a, na, err := f.svc.List(f.ctx, narrow, lf)
		if err != nil {
			t.Fatal(err)
		}
		b, nb, err := f.svc.List(f.ctx, &wide, lf)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(a), ids(b)) || na != nb {
			t.Errorf("filter %+v: indexed %d rows (count %v), wide %d rows (count %v)", lf, len(a), na, len(b), nb)
		}
		if want := plain(lf); !slices.Equal(ids(a), want) {
			t.Errorf("filter %+v: %d rows, the plain query %d", lf, len(a), len(want))
		}
		if len(a) == 0 {
			t.Errorf("filter %+v lists nothing: the comparison proves nothing", lf)
		}
	}
	_, all, err := f.svc.List(f.ctx, narrow, ListFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	_, capped, err := f.svc.List(f.ctx, &wide, ListFilter{Limit: 1, CountUpTo: 10})
	if err != nil {
		t.Fatal(err)
	}
	if all.More || all.N < 500 || !capped.More || capped.N != 10 || capped.String() != "10+" {
		t.Errorf("exact count %v, capped at 10: %v", all, capped)
	}
	_, exact, err := f.svc.List(f.ctx, narrow, ListFilter{Limit: 1, CountUpTo: all.N})
	if err != nil || exact.More || exact.N != all.N {
		t.Errorf("count capped at exactly the total: %v %v", exact, err)
	}
}
