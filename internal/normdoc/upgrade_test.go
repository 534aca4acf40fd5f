package normdoc

import (
	"context"
	"testing"

	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
)

// Migration 0018 rebuilds normdoc_filings with a round: the filings of a deployment upgraded from
// before it are kept, as round 1, and a second round of the same body can be added.
func TestUpgradeKeepsFilings(t *testing.T) {
	ctx := context.Background()
	d, err := db.Open(ctx, dbtest.PostgresDSN(t), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.MigrateTo(ctx, 17); err != nil {
		t.Fatal(err)
	}
	err = d.Tx(ctx, func(tx *db.Tx) error {
		for _, q := range []string{
			`INSERT INTO divisions (code, name, level) VALUES ('990121', '青山县', 'county')`,
			`INSERT INTO organs (id, code, name, kind, division_code, level, path, created_at) VALUES ('o1', '990121-GOV', '青山县人民政府', 'government', '990121', 'county', '/o1/', '2026-01-01T00:00:00.000000Z')`,
			`INSERT INTO normdocs (id, organ_id, organ_name, reg_organ_id, title, status, created_at, updated_at) VALUES ('d1', 'o1', '青山县人民政府', 'o1', '办法', 'in_force', 'x', 'x')`,
			`INSERT INTO normdoc_filings (id, doc_id, body_kind, body_name, days, due_on, sent_on, created_at) VALUES ('f1', 'd1', 'gov', '示范市人民政府', 30, '2025-01-31', '2025-01-20', 'x')`,
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
	if _, err := d.MigrateTo(ctx, 0); err != nil {
		t.Fatal(err)
	}
	fs, err := listFilings(ctx, d, "d1")
	if err != nil || len(fs) != 1 || fs[0].Round != 1 || fs[0].SentOn.String() != "2025-01-20" || fs[0].DueOn.String() != "2025-01-31" {
		t.Fatalf("filings after the upgrade %+v %v", fs, err)
	}
	err = d.Tx(ctx, func(tx *db.Tx) error {
		return insertFiling(ctx, tx, Filing{ID: "f2", DocID: "d1", Round: 2, BodyKind: "gov", BodyName: "示范市人民政府", Days: 30, DueOn: fs[0].DueOn})
	})
	if err != nil {
		t.Errorf("a second round with the same body: %v", err)
	}
}
