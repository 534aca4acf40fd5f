package demo

import (
	"context"
	"testing"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/org"
)

// TestCast: the seeders' people of a county, each acting for the organ of its role, the same on every load.
func TestCast(t *testing.T) {
	ctx := context.Background()
	var names [2][]string
	for run := range names {
		d := dbtest.Open(t)
		o := org.New(d)
		if err := o.Load(ctx); err != nil {
			t.Fatal(err)
		}
		var w *World
		if _, err := Load(ctx, d, o, auth.New(d, o, auth.DefaultSettings()), "county", []Seeder{func(_ context.Context, x *World) (string, error) { w = x; return "", nil }}); err != nil {
			t.Fatal(err)
		}
		if len(w.Counties) < RecordCounties {
			t.Fatalf("%d counties", len(w.Counties))
		}
		c := w.Counties[0]
		p, err := Cast(ctx, d, o, c)
		if err != nil {
			t.Fatal(err)
		}
		if p.Reviewer.OrganID != c.Justice.ID || !p.Reviewer.Has(auth.RoleReviewer) || p.Advisor == nil || len(p.Liaisons) == 0 || p.County != c {
			t.Errorf("cast %+v", p)
		}
		names[run] = append(names[run], p.Reviewer.Username, p.Advisor.Username)
		for _, l := range p.Liaisons {
			if !l.Has(auth.RoleLiaison) {
				t.Errorf("%s is no liaison: %v", l.Username, l.Roles)
			}
			names[run] = append(names[run], l.Username)
		}
	}
	if len(names[0]) != len(names[1]) {
		t.Fatalf("casts differ: %v %v", names[0], names[1])
	}
	for i := range names[0] {
		if names[0][i] != names[1][i] {
			t.Errorf("cast differs at %d: %s, %s", i, names[0][i], names[1][i])
		}
	}
}
