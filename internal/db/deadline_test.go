package db_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
)

// slowQuery runs far longer than any deadline: a recursive CTE on SQLite (CPU in the engine,
// stopped only by sqlite3_interrupt), pg_sleep on PostgreSQL (stopped only on the server).
func slowQuery(d *db.DB, marker string) string {
	if d.Dialect == db.Postgres {
		return `SELECT 1 /* ` + marker + ` */ FROM (SELECT pg_sleep(60)) s`
	}
	return `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 9000000000) SELECT COUNT(*) /* ` + marker + ` */ FROM c`
}

func within(t *testing.T, start time.Time, limit time.Duration) {
	t.Helper()
	if el := time.Since(start); el > limit {
		t.Fatalf("returned after %v, want within %v", el, limit)
	}
}

func TestDeadlineStopsRead(t *testing.T) {
	d := dbtest.Open(t)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	var n int
	err := d.QueryRowContext(ctx, slowQuery(d, "probe-read")).Scan(&n)
	within(t, start, 1500*time.Millisecond)
	if !db.IsTimeout(err) {
		t.Fatalf("want a timeout, got %v", err)
	}
	// The pool is still good for the next request.
	if err := d.QueryRowContext(context.Background(), `SELECT 1`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("after a timeout: %d, %v", n, err)
	}
}

func TestDeadlineRollsBackTx(t *testing.T) {
	d := dbtest.Open(t)
	bg := context.Background()
	if err := d.Tx(bg, func(tx *db.Tx) error { return tx.Exec(bg, `CREATE TABLE probe (id TEXT PRIMARY KEY)`) }); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(bg, 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	calls := 0
	err := d.Tx(ctx, func(tx *db.Tx) error {
		calls++
		if err := tx.Exec(ctx, `INSERT INTO probe (id) VALUES ('half')`); err != nil {
			return err
		}
		var n int
		return tx.QueryRowContext(ctx, slowQuery(d, "probe-tx")).Scan(&n)
	})
	within(t, start, 1500*time.Millisecond)
	if !errors.Is(err, db.ErrTimeout) {
		t.Fatalf("want db.ErrTimeout, got %v", err)
	}
	if calls != 1 {
		t.Errorf("a timeout was retried: %d calls", calls)
	}
	var n int
	if err := d.QueryRowContext(bg, `SELECT COUNT(*) FROM probe`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("half-written row left behind: %d, %v", n, err)
	}
	// The writer is free again.
	if err := d.Tx(bg, func(tx *db.Tx) error { return tx.Exec(bg, `INSERT INTO probe (id) VALUES ('whole')`) }); err != nil {
		t.Fatal(err)
	}
}

// A commit after the deadline is the timeout, not a 500 and not a retry.
func TestDeadlineAtCommit(t *testing.T) {
	d := dbtest.Open(t)
	bg := context.Background()
	if err := d.Tx(bg, func(tx *db.Tx) error { return tx.Exec(bg, `CREATE TABLE probe (id TEXT PRIMARY KEY)`) }); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(bg, 200*time.Millisecond)
	defer cancel()
	err := d.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.Exec(ctx, `INSERT INTO probe (id) VALUES ('late')`); err != nil {
			return err
		}
		<-ctx.Done() // fn is slow in Go, not in SQL
		return nil
	})
	if !errors.Is(err, db.ErrTimeout) {
		t.Fatalf("want db.ErrTimeout, got %v", err)
	}
	var n int
	if err := d.QueryRowContext(bg, `SELECT COUNT(*) FROM probe`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("row committed after the deadline: %d, %v", n, err)
	}
}

// On PostgreSQL the deadline must stop the query on the server, not only the client's wait: the
// driver sends a cancel request, and a write transaction carries the time left as statement_timeout
// (which alone stops a statement whose client no longer watches it).
func TestDeadlinePostgresStopsServer(t *testing.T) {
	d := dbtest.Open(t)
	if d.Dialect != db.Postgres {
		t.Skip("PostgreSQL only (FAZHI_TEST_POSTGRES)")
	}
	bg := context.Background()
	marker := "probe-" + strings.ToLower(db.NewID())
	ctx, cancel := context.WithTimeout(bg, 300*time.Millisecond)
	defer cancel()
	var n int
	if err := d.QueryRowContext(ctx, slowQuery(d, marker)).Scan(&n); !db.IsTimeout(err) {
		t.Fatalf("want a timeout, got %v", err)
	}
	running := func() int {
		var k int
		if err := d.QueryRowContext(bg, `SELECT COUNT(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE ?`, "%"+marker+" */%").Scan(&k); err != nil {
			t.Fatal(err)
		}
		return k
	}
	deadline := time.Now().Add(2 * time.Second)
	for running() > 0 {
		if time.Now().After(deadline) {
			t.Fatal("the server is still running the cancelled query")
		}
		time.Sleep(50 * time.Millisecond)
	}

	// statement_timeout alone stops the server: the statement runs without the context, as if
	// the client had died and no cancel request could come.
	ctx1, cancel1 := context.WithTimeout(bg, 300*time.Millisecond)
	defer cancel1()
	start := time.Now()
	err := d.Tx(ctx1, func(tx *db.Tx) error { return tx.QueryRowContext(bg, slowQuery(d, marker)).Scan(&n) })
	within(t, start, 1500*time.Millisecond)
	if !errors.Is(err, db.ErrTimeout) {
		t.Fatalf("statement_timeout: want db.ErrTimeout, got %v", err)
	}

	ctx2, cancel2 := context.WithTimeout(bg, 5*time.Second)
	defer cancel2()
	var st string
	if err := d.Tx(ctx2, func(tx *db.Tx) error { return tx.QueryRowContext(ctx2, `SHOW statement_timeout`).Scan(&st) }); err != nil {
		t.Fatal(err)
	}
	var ms int
	if _, err := fmt.Sscanf(st, "%dms", &ms); err != nil || ms < 4000 || ms > 5000 {
		if _, err2 := fmt.Sscanf(st, "%ds", &ms); err2 != nil || ms != 5 {
			t.Fatalf("statement_timeout in a transaction with 5 s left: %q", st)
		}
	}
	if err := d.Tx(bg, func(tx *db.Tx) error { return tx.QueryRowContext(bg, `SHOW statement_timeout`).Scan(&st) }); err != nil || st != "0" {
		t.Fatalf("without a deadline the server default stays: %q, %v", st, err)
	}
}

func TestCountUpTo(t *testing.T) {
	d := dbtest.Open(t)
	bg := context.Background()
	if err := d.Tx(bg, func(tx *db.Tx) error {
		if err := tx.Exec(bg, `CREATE TABLE probe (id TEXT PRIMARY KEY, year INTEGER NOT NULL)`); err != nil {
			return err
		}
		for i := range 25 {
			if err := tx.Exec(bg, `INSERT INTO probe (id, year) VALUES (?, ?)`, fmt.Sprint(i), 2024+i%2); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		where string
		args  []any
		limit int
		want  string
	}{
		{"", nil, 10, "10+"}, {"", nil, 25, "25"}, {"", nil, 24, "24+"}, {"", nil, 1000, "25"},
		{" WHERE year = ?", []any{2024}, 100, "13"}, {" WHERE year = ?", []any{2024}, 5, "5+"}, {" WHERE year = ?", []any{1999}, 5, "0"},
	} {
		got, err := db.CountUpTo(bg, d, `SELECT 1 FROM probe`+c.where+` ORDER BY id`, c.args, c.limit)
		if err != nil || got.String() != c.want {
			t.Errorf("%q %v limit %d: got %v (%+v), %v; want %s", c.where, c.args, c.limit, got, got, err, c.want)
		}
	}
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -1000: "-1,000"} {
		if got := db.Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %s, want %s", n, got, want)
		}
	}
	if s := (db.Count{N: 1000, More: true}).String(); s != "1,000+" {
		t.Errorf("capped count prints %s", s)
	}
}
