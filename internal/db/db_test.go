package db_test

import (
	"context"
	"errors"
	"os"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
)

func TestRebind(t *testing.T) {
	pg := &db.DB{Dialect: db.Postgres}
	got := pg.Rebind(`SELECT a FROM t WHERE b = ? AND c = '?' AND d IN (?, ?)`)
	want := `SELECT a FROM t WHERE b = $1 AND c = '?' AND d IN ($2, $3)`
	if got != want {
		t.Fatalf("got %s", got)
	}
	lite := &db.DB{Dialect: db.SQLite}
	if q := `x = ?`; lite.Rebind(q) != q {
		t.Fatal("SQLite keeps ? placeholders")
	}
}

// Both engines carry the same migration numbers and end with the same tables and columns.
func TestMigrationParity(t *testing.T) {
	lite, err := db.Migrations(db.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := db.Migrations(db.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) != len(pg) {
		t.Fatalf("sqlite has %d migrations, postgres %d", len(lite), len(pg))
	}
	for i := range lite {
		if lite[i].Version != pg[i].Version || lite[i].Name != pg[i].Name {
			t.Errorf("migration %d: sqlite %04d_%s, postgres %04d_%s", i, lite[i].Version, lite[i].Name, pg[i].Version, pg[i].Name)
		}
	}
	if os.Getenv(dbtest.EnvPostgres) == "" {
		t.Log("column parity across engines needs FAZHI_TEST_POSTGRES; checked in CI")
		return
	}
	ctx := context.Background()
	a, err := db.Open(ctx, "", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if _, err := a.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	b := dbtest.Open(t)
	ca, err := a.Columns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cb, err := b.Columns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	strip := func(m map[string][]string) map[string][]string {
		out := map[string][]string{}
		for table, cols := range m {
			if isEngineSpecific(table) {
				continue
			}
			c := append([]string(nil), cols...)
			sort.Strings(c)
			out[table] = c
		}
		return out
	}
	sa, sb := strip(ca), strip(cb)
	if !reflect.DeepEqual(sa, sb) {
		for table, cols := range sa {
			if !reflect.DeepEqual(cols, sb[table]) {
				t.Errorf("table %s: sqlite %v, postgres %v", table, cols, sb[table])
			}
		}
		for table := range sb {
			if _, ok := sa[table]; !ok {
				t.Errorf("table %s only on postgres", table)
			}
		}
	}
}

// isEngineSpecific names the full-text tables that exist on one engine only (FTS5 shadow tables).
func isEngineSpecific(table string) bool {
	return strings.Contains(table, "_fts")
}

func TestMigrateIsIdempotent(t *testing.T) {
	d := dbtest.Open(t)
	applied, err := d.Migrate(context.Background())
	if err != nil || len(applied) != 0 {
		t.Fatalf("second run applied %v, %v", applied, err)
	}
}

func TestNextNumberIsUniqueUnderConcurrency(t *testing.T) {
	d := dbtest.Open(t)
	ctx := context.Background()
	const n = 30
	var mu sync.Mutex
	seen := map[int]bool{}
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := d.Tx(ctx, func(tx *db.Tx) error {
				v, err := db.NextNumber(ctx, tx, "organ", "case", 2026)
				if err != nil {
					return err
				}
				mu.Lock()
				defer mu.Unlock()
				if seen[v] {
					t.Errorf("number %d given twice", v)
				}
				seen[v] = true
				return nil
			})
			if err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if len(seen) != n || !seen[1] || !seen[n] {
		t.Fatalf("numbers %v", seen)
	}
}

func TestTxRollsBackAndRunsHooksOnlyOnCommit(t *testing.T) {
	d := dbtest.Open(t)
	ctx := context.Background()
	ran := false
	err := d.Tx(ctx, func(tx *db.Tx) error {
		tx.AfterCommit(func() { ran = true })
		if err := tx.Exec(ctx, `INSERT INTO settings (organ_id, key, value) VALUES ('', 'k', 'v')`); err != nil {
			return err
		}
		return db.ErrConflict
	})
	if !errors.Is(err, db.ErrConflict) || ran {
		t.Fatalf("err %v ran %v, want db.ErrConflict back and no hook run", err, ran)
	}
	var n int
	d.QueryRowContext(ctx, `SELECT COUNT(*) FROM settings`).Scan(&n)
	if n != 0 {
		t.Fatal("rolled-back insert is visible")
	}
	err = d.Tx(ctx, func(tx *db.Tx) error {
		tx.AfterCommit(func() { ran = true })
		return tx.Exec(ctx, `INSERT INTO settings (organ_id, key, value) VALUES ('', 'k', 'v')`)
	})
	if err != nil || !ran {
		t.Fatalf("commit: %v ran %v", err, ran)
	}
	err = d.Tx(ctx, func(tx *db.Tx) error {
		return tx.Exec(ctx, `INSERT INTO settings (organ_id, key, value) VALUES ('', 'k', 'v')`)
	})
	if !errors.Is(err, db.ErrConflict) {
		t.Fatalf("duplicate key: %v", err)
	}
}

func TestNewIDIsSortableAndUnique(t *testing.T) {
	prev := ""
	seen := map[string]bool{}
	for i := 0; i < 10000; i++ {
		id := db.NewID()
		if len(id) != 26 || seen[id] || id <= prev {
			t.Fatalf("id %q after %q", id, prev)
		}
		seen[id] = true
		prev = id
	}
}

func TestList(t *testing.T) {
	d := dbtest.Open(t)
	ctx := context.Background()
	if err := d.Tx(ctx, func(tx *db.Tx) error {
		return tx.Exec(ctx, `INSERT INTO divisions (code, name, level) VALUES ('990121', '青山县', 'county'), ('990122', '绿水县', 'county')`)
	}); err != nil {
		t.Fatal(err)
	}
	names, err := db.List(ctx, d, func(s db.Scanner) (string, error) {
		var n string
		return n, s.Scan(&n)
	}, `SELECT name FROM divisions WHERE level = ? ORDER BY code`, "county")
	if err != nil || len(names) != 2 || names[0] != "青山县" || names[1] != "绿水县" {
		t.Fatalf("List = %v, %v", names, err)
	}
	if _, err := db.List(ctx, d, func(s db.Scanner) (int, error) { var n int; return n, s.Scan(&n) }, `SELECT name FROM divisions`); err == nil {
		t.Error("a scan error must be returned")
	}
}
