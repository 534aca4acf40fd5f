// Package dbtest opens a fresh, migrated database for a test: SQLite in a temporary
// directory, or, when FAZHI_TEST_POSTGRES is set, a private schema on that PostgreSQL server.
package dbtest

import (
	"context"
	"database/sql"
	"fmt"

	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/db"
)

// EnvPostgres names the variable that switches tests to PostgreSQL.
const EnvPostgres = "FAZHI_TEST_POSTGRES"

// Open returns a migrated database that disappears with the test.
func Open(t testing.TB) *db.DB {
	t.Helper()
	d, _ := OpenDSN(t)
	return d
}

// OpenDSN is Open that also returns the DSN ("" for SQLite) and the data directory, for tests that start the binary.
func OpenDSN(t testing.TB) (*db.DB, string) {
	t.Helper()
	ctx := context.Background()
	dsn := PostgresDSN(t)
	dir := t.TempDir()
	d, err := db.Open(ctx, dsn, dir)
	if err != nil {
		t.Fatalf("打开测试数据库失败：%v", err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatalf("迁移失败：%v", err)
	}
	return d, dsn
}

// PostgresDSN creates a private schema and returns a DSN bound to it, or "" when tests run on SQLite.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		return ""
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("%s 无法解析：%v", EnvPostgres, err)
	}
	defer admin.Close()
	schema := "t_" + strings.ToLower(db.NewID())
	if _, err := admin.Exec(`CREATE SCHEMA ` + schema); err != nil {
		t.Fatalf("PostgreSQL 不可用（%s）：%v", EnvPostgres, err)
	}
	t.Cleanup(func() {
		c, err := sql.Open("pgx", base)
		if err == nil {
			c.Exec(`DROP SCHEMA ` + schema + ` CASCADE`)
			c.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Engine names the engine the tests run on, for test names and messages.
func Engine() string {
	if os.Getenv(EnvPostgres) != "" {
		return "postgres"
	}
	return "sqlite"
}

// Plan is the query plan of q on d's engine (EXPLAIN QUERY PLAN on SQLite, EXPLAIN on PostgreSQL
// with sequential scans ruled out: a test table is tiny, and the test asks whether an index could
// serve the query as it would on a real one), one line per plan row.
func Plan(t testing.TB, d *db.DB, q string, args ...any) string {
	t.Helper()
	ctx := context.Background()
	var plan []string
	err := d.Tx(ctx, func(tx *db.Tx) error {
		explain := `EXPLAIN QUERY PLAN ` + q
		if tx.Dialect() == db.Postgres {
			if err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
				return err
			}
			explain = `EXPLAIN ` + q
		}
		rows, err := tx.QueryContext(ctx, explain, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				return err
			}
			plan = append(plan, fmt.Sprint(vals...))
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatalf("EXPLAIN %s: %v", q, err)
	}
	return strings.Join(plan, "\n")
}
