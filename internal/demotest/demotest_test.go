package demotest_test

import (
	"context"
	"os"
	"testing"

	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/demotest"
	"github.com/fazhi/fazhi/internal/module/sample"
)

func TestMain(m *testing.M) { demotest.Main(m) }

// Two copies hold the whole demo county (every module's seeders ran) and do not share writes;
// an extra module's migrations run on the copy it is opened with.
func TestEnvCopiesAreSeededAndPrivate(t *testing.T) {
	ctx := context.Background()
	a := demotest.Env(t)
	b := demotest.Env(t, sample.Spec)
	if a.Cfg.Data == b.Cfg.Data {
		t.Fatal("two copies share a data directory")
	}
	for _, table := range []string{"organs", "users", "reconsider_cases", "review_requests", "normdocs", "audit_log"} {
		var n int
		if err := a.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil || n == 0 {
			t.Errorf("%s: %d rows (%v); the demo county with every seeder should fill it", table, n, err)
		}
	}
	justice, ok := a.Org.ByCode("990121-SFJ")
	if !ok {
		t.Fatal("the demo county's justice bureau is missing")
	}

	// A write in one copy is not seen in the other.
	if err := a.DB.Tx(ctx, func(tx *db.Tx) error {
		_, err := tx.ExecContext(ctx, `UPDATE organs SET name = 'renamed' WHERE id = ?`, justice.ID)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var name string
	if err := b.DB.QueryRowContext(ctx, `SELECT name FROM organs WHERE id = ?`, justice.ID).Scan(&name); err != nil || name != justice.Name {
		t.Errorf("the other copy sees %q (%v), want %q", name, err, justice.Name)
	}

	// Only the copy opened with the sample module has its table.
	var n int
	if err := b.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM sample_items`).Scan(&n); err != nil {
		t.Errorf("the extra module's table is missing from its copy: %v", err)
	}
	if err := a.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM sample_items`).Scan(&n); err == nil {
		t.Error("a copy opened without the sample module has its table")
	}

	// The keys travel with the data they encrypted and keyed.
	for _, f := range []string{a.Cfg.KeyFile(), a.Cfg.AuditKeyFile(), b.Cfg.KeyFile()} {
		if _, err := os.Stat(f); err != nil {
			t.Error(err)
		}
	}
}
