package org_test

import (
	"context"
	"slices"
	"testing"

	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/org"
)

// TestWithinSQL checks organ_tree as CreateOrgan writes it: an organ's scope holds it and every
// organ below it, never a sibling's or a second root's, and "/" is the whole tree.
func TestWithinSQL(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t)
	s := org.New(d)
	made := map[string]org.Organ{}
	err := d.Tx(ctx, func(tx *db.Tx) error {
		for _, dv := range []org.Division{{Code: "990000", Name: "示范省", Level: org.Province}, {Code: "990100", Name: "示范市", Level: org.City, ParentCode: "990000"},
			{Code: "990121", Name: "青山县", Level: org.County, ParentCode: "990100"}, {Code: "990122", Name: "绿水县", Level: org.County, ParentCode: "990100"}} {
			if err := s.CreateDivision(ctx, tx, dv); err != nil {
				return err
			}
		}
		for _, o := range []struct{ code, div, parent string }{
			{"P", "990000", ""}, {"C", "990100", "P"}, {"Q", "990121", "C"}, {"QD", "990121", "Q"}, {"L", "990122", "C"}, {"LD", "990122", "L"}, {"COURT", "990121", ""},
		} {
			x := org.Organ{Code: o.code, Name: o.code, Kind: org.KindGovernment, DivisionCode: o.div, ParentID: made[o.parent].ID}
			if err := s.CreateOrgan(ctx, tx, &x); err != nil {
				return err
			}
			made[o.code] = x
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	within := func(path string) []string {
		frag, args := org.WithinSQL("id", path)
		rows, err := d.QueryContext(ctx, `SELECT code FROM organs WHERE `+frag+` ORDER BY code`, args...)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var out []string
		for rows.Next() {
			var c string
			rows.Scan(&c)
			out = append(out, c)
		}
		return out
	}
	for _, c := range []struct {
		path string
		want []string
	}{
		{made["Q"].Path, []string{"Q", "QD"}},
		{made["QD"].Path, []string{"QD"}},
		{made["C"].Path, []string{"C", "L", "LD", "Q", "QD"}},
		{made["P"].Path, []string{"C", "L", "LD", "P", "Q", "QD"}}, // not the court, a second root
		{"/", []string{"C", "COURT", "L", "LD", "P", "Q", "QD"}},
		{"", nil},
	} {
		if got := within(c.path); !slices.Equal(got, c.want) {
			t.Errorf("within %q: %v, want %v", c.path, got, c.want)
		}
	}
	if err := s.Load(ctx); err != nil {
		t.Fatal(err)
	}
	if n := s.SubtreeSize(made["C"].ID); n != 5 {
		t.Errorf("SubtreeSize(city) = %d, want 5", n)
	}
}

// A deployment upgraded from before organ_tree gets it filled from the organs' paths (migration 0061).
func TestOrganTreeUpgrade(t *testing.T) {
	ctx := context.Background()
	d, err := db.Open(ctx, dbtest.PostgresDSN(t), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.MigrateTo(ctx, 60); err != nil {
		t.Fatal(err)
	}
	err = d.Tx(ctx, func(tx *db.Tx) error {
		for _, q := range []string{
			`INSERT INTO divisions (code, name, level) VALUES ('990000', '示范省', 'province')`,
			`INSERT INTO organs (id, code, name, kind, division_code, level, path, created_at) VALUES ('p', 'P', '省', 'government', '990000', 'province', '/p/', '2026-01-01T00:00:00.000000Z')`,
			`INSERT INTO organs (id, code, name, kind, division_code, level, parent_id, path, created_at) VALUES ('q', 'Q', '县', 'government', '990000', 'province', 'p', '/p/q/', '2026-01-01T00:00:00.000000Z')`,
			`INSERT INTO organs (id, code, name, kind, division_code, level, path, created_at) VALUES ('r', 'R', '法院', 'court', '990000', 'province', '/r/', '2026-01-01T00:00:00.000000Z')`,
		} {
			if err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var pairs []string
	rows, err := d.QueryContext(ctx, `SELECT ancestor_id || '>' || organ_id FROM organ_tree ORDER BY ancestor_id, organ_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		rows.Scan(&s)
		pairs = append(pairs, s)
	}
	if want := []string{"p>p", "p>q", "q>q", "r>r"}; !slices.Equal(pairs, want) {
		t.Errorf("organ_tree after upgrade %v, want %v", pairs, want)
	}
}
