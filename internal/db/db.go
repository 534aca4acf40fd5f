// Package db opens the database (embedded SQLite or PostgreSQL), runs migrations and
// wraps transactions. SQL elsewhere is written once with ? placeholders; db rebinds it.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/fazhi/fazhi/internal/fault"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/stdlib" // also registers "pgx" for dbtest and the tools
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Dialect names the engine behind a DB.
type Dialect int

const (
	SQLite Dialect = iota
	Postgres
)

func (d Dialect) String() string {
	if d == Postgres {
		return "postgres"
	}
	return "sqlite"
}

// Sentinel errors every store returns, wrapped with %w.
// They are the platform's domain errors (package fault), named here for the stores.
var (
	ErrNotFound  = fault.NotFound
	ErrConflict  = fault.Conflict
	ErrForbidden = fault.Forbidden
	ErrInvalid   = fault.Invalid // bad input found below the handler; shown as 422
)

// DB is the application's database handle.
type DB struct {
	Dialect Dialect
	read    *sql.DB
	write   *sql.DB // SQLite: one connection, so writers queue in Go instead of failing on busy
	rebound sync.Map
	path    string
}

// Querier is what stores need for reads; both *DB and *Tx satisfy it.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// IsPostgres reports whether dsn selects PostgreSQL.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open connects to dsn, or to SQLite file fazhi.db under dataDir when dsn is empty.
func Open(ctx context.Context, dsn, dataDir string) (*DB, error) {
	if IsPostgres(dsn) {
		return openPostgres(ctx, dsn)
	}
	path := dsn
	if path == "" {
		if err := os.MkdirAll(dataDir, 0o750); err != nil {
			return nil, fmt.Errorf("创建数据目录 %s 失败：%w", dataDir, err)
		}
		path = filepath.Join(dataDir, "fazhi.db")
	}
	return openSQLite(ctx, path)
}

func openPostgres(ctx context.Context, dsn string) (*DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		return nil, err
	}
	// On a cancelled context pgx by default drops the connection (sending a cancel request as it
	// closes), so every timeout costs the pool a reconnect. Asking the server to cancel first keeps
	// the connection; it is dropped only if the server has not answered a second later.
	// TestDeadlinePostgresStopsServer checks the server really stops.
	cfg.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: c, DeadlineDelay: time.Second}
	}
	pool := stdlib.OpenDB(*cfg)
	pool.SetMaxOpenConns(32)
	pool.SetMaxIdleConns(16)
	pool.SetConnMaxIdleTime(5 * time.Minute)
	if err := pool.PingContext(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("无法连接 PostgreSQL：%w", err)
	}
	return &DB{Dialect: Postgres, read: pool, write: pool}, nil
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	// synchronous=FULL: an acknowledged write (and its audit entry) survives power loss.
	base := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=foreign_keys(1)&_time_format=sqlite"
	write, err := sql.Open("sqlite", base+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetConnMaxLifetime(0)
	if err := write.PingContext(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("无法打开数据库 %s：%w", path, err)
	}
	// Readers map the file (up to 1 GiB of address space each): search reads many pages, and mmap
	// spares a pread and a copy per page (≈ 20 % of a search page's CPU, docs/benchmarks.md 检索).
	read, err := sql.Open("sqlite", base+"&_pragma=query_only(1)&_pragma=mmap_size(1073741824)")
	if err != nil {
		write.Close()
		return nil, err
	}
	n := max(4, 2*runtime.NumCPU())
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	return &DB{Dialect: SQLite, read: read, write: write, path: path}, nil
}

// Close releases all connections.
func (db *DB) Close() error {
	err := db.read.Close()
	if db.write != db.read {
		err = errors.Join(err, db.write.Close())
	}
	return err
}

// Path is the SQLite file ("" on PostgreSQL).
func (db *DB) Path() string { return db.path }

// Rebind turns ? placeholders into $n for PostgreSQL. Quoted ? are left alone.
func (db *DB) Rebind(q string) string {
	if db.Dialect != Postgres {
		return q
	}
	if v, ok := db.rebound.Load(q); ok {
		return v.(string)
	}
	var b strings.Builder
	n := 0
	inQuote := false
	for _, r := range q {
		switch {
		case r == '\'':
			inQuote = !inQuote
			b.WriteRune(r)
		case r == '?' && !inQuote:
			n++
			fmt.Fprintf(&b, "$%d", n)
		default:
			b.WriteRune(r)
		}
	}
	s := b.String()
	db.rebound.Store(q, s)
	return s
}

// QueryContext runs a read query outside a transaction.
func (db *DB) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return db.read.QueryContext(ctx, db.Rebind(q), args...)
}

// QueryRowContext runs a single-row read query outside a transaction.
func (db *DB) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return db.read.QueryRowContext(ctx, db.Rebind(q), args...)
}

// Analyze refreshes the planner's statistics and visibility map after a bulk load. PostgreSQL
// without them (autovacuum off, or not yet round) estimates a county's share of the cases as a
// sixth of them and scans the whole table (VACUUM cannot run in a transaction). SQLite: nothing;
// its query shapes do not rely on sqlite_stat1.
func (db *DB) Analyze(ctx context.Context) error {
	if db.Dialect != Postgres {
		return nil
	}
	_, err := db.write.ExecContext(ctx, `VACUUM ANALYZE`)
	return err
}

// PlannerStats refreshes only the planner's statistics (ANALYZE, no VACUUM) after a bulk write that
// must not wait for a vacuum of the whole database: ANALYZE samples, so it takes seconds at any size.
// SQLite: nothing, as for Analyze.
func (db *DB) PlannerStats(ctx context.Context) error {
	if db.Dialect != Postgres {
		return nil
	}
	_, err := db.write.ExecContext(ctx, `ANALYZE`)
	return err
}

// Tx is a write transaction with after-commit hooks.
type Tx struct {
	tx     *sql.Tx
	db     *DB
	after  []func()
	onceBy map[string]bool
}

// Dialect of the underlying database.
func (tx *Tx) Dialect() Dialect { return tx.db.Dialect }

// ExecContext runs a statement in the transaction.
func (tx *Tx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return tx.tx.ExecContext(ctx, tx.db.Rebind(q), args...)
}

// QueryContext runs a query in the transaction.
func (tx *Tx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return tx.tx.QueryContext(ctx, tx.db.Rebind(q), args...)
}

// QueryRowContext runs a single-row query in the transaction.
func (tx *Tx) QueryRowContext(ctx context.Context, q string, args ...any) *sql.Row {
	return tx.tx.QueryRowContext(ctx, tx.db.Rebind(q), args...)
}

// PrepareContext prepares a statement reused inside the transaction (bulk writes send one
// multi-row INSERT many times); the caller closes it.
func (tx *Tx) PrepareContext(ctx context.Context, q string) (*sql.Stmt, error) {
	return tx.tx.PrepareContext(ctx, tx.db.Rebind(q))
}

// Exec is ExecContext that only reports the error.
func (tx *Tx) Exec(ctx context.Context, q string, args ...any) error {
	_, err := tx.ExecContext(ctx, q, args...)
	return err
}

// ExecOne runs an UPDATE/DELETE that must touch exactly one row; otherwise ErrConflict.
func (tx *Tx) ExecOne(ctx context.Context, q string, args ...any) error {
	res, err := tx.ExecContext(ctx, q, args...)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n != 1 {
		return ErrConflict
	}
	return nil
}

// LockRow takes the row lock of table's row id until the transaction ends, so a read-modify-write
// of that record is serialised. PostgreSQL locks the row; SQLite has one writer connection, so
// every write transaction already holds the database. A missing row is ErrNotFound.
func (tx *Tx) LockRow(ctx context.Context, table, id string) error {
	q := `SELECT id FROM ` + table + ` WHERE id = ?`
	if tx.Dialect() == Postgres {
		q += ` FOR UPDATE`
	}
	var got string
	return Found(tx.QueryRowContext(ctx, q, id).Scan(&got), "")
}

// Found maps sql.ErrNoRows to ErrNotFound (naming what was missing, e.g. "复议案件") and passes every
// other error through unchanged, so a retryable conflict stays retryable instead of becoming a 404.
func Found(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		if what == "" {
			return ErrNotFound
		}
		return fault.NotFoundf("%s不存在或您无权查看", what)
	}
	return err
}

// AfterCommit queues f to run once the transaction has committed (never on rollback).
func (tx *Tx) AfterCommit(f func()) { tx.after = append(tx.after, f) }

// AfterCommitOnce is AfterCommit that queues f only for the first call with key
// (e.g. one cache reload for a transaction that creates two thousand organs).
func (tx *Tx) AfterCommitOnce(key string, f func()) {
	if tx.onceBy[key] {
		return
	}
	if tx.onceBy == nil {
		tx.onceBy = map[string]bool{}
	}
	tx.onceBy[key] = true
	tx.AfterCommit(f)
}

// Tx runs fn in a write transaction: commit when fn returns nil, roll back otherwise.
// Nothing fn wrote is visible if it fails: no half-written records. A transaction cut by ctx's
// deadline (on PostgreSQL each statement is also bounded on the server by the time left) rolls
// back and returns ErrTimeout, never retried.
func (db *DB) Tx(ctx context.Context, fn func(*Tx) error) error {
	for attempt := 0; ; attempt++ {
		err := db.tryTx(ctx, fn)
		if err == nil || !db.retryable(err) || attempt >= 4 || ctx.Err() != nil {
			return classify(db.Dialect, err)
		}
		select {
		case <-time.After(time.Duration(10<<attempt) * time.Millisecond):
		case <-ctx.Done():
			return timeoutErr(ctx.Err())
		}
	}
}

func (db *DB) tryTx(ctx context.Context, fn func(*Tx) error) (err error) {
	sqlTx, err := db.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	tx := &Tx{tx: sqlTx, db: db}
	defer func() {
		if p := recover(); p != nil {
			sqlTx.Rollback()
			panic(p)
		}
	}()
	if err := tx.setStatementTimeout(ctx); err != nil {
		sqlTx.Rollback()
		return err
	}
	if err := fn(tx); err != nil {
		sqlTx.Rollback()
		if ctx.Err() != nil && errors.Is(err, sql.ErrTxDone) { // database/sql rolled back on the deadline
			return timeoutErr(err)
		}
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		if ctx.Err() != nil { // database/sql may already have rolled back: ErrTxDone means the deadline
			return timeoutErr(err)
		}
		return err
	}
	for _, f := range tx.after {
		f()
	}
	return nil
}

// retryable: SQLite busy/locked and PostgreSQL serialization failures or deadlocks.
// A timeout is not: the deadline is spent.
func (db *DB) retryable(err error) bool {
	if IsTimeout(err) {
		return false
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		c := se.Code() & 0xff
		return c == sqlite3.SQLITE_BUSY || c == sqlite3.SQLITE_LOCKED
	}
	code := pgCode(err)
	return code == "40001" || code == "40P01"
}

// IsUnique reports a unique-constraint violation.
func IsUnique(err error) bool {
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return pgCode(err) == "23505"
}

func classify(_ Dialect, err error) error {
	if err == nil || errors.Is(err, ErrConflict) {
		return err
	}
	if IsTimeout(err) {
		return timeoutErr(err)
	}
	if IsUnique(err) {
		return fmt.Errorf("%w: %v", ErrConflict, err)
	}
	return err
}

// Now is the current instant in the storage format.
func Now() string { return Timestamp(time.Now()) }

// Timestamp formats an instant for storage: UTC, fixed width, sorts as text on both engines.
func Timestamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

// ParseTimestamp reads a stored instant.
func ParseTimestamp(s string) (time.Time, error) { return time.Parse("2006-01-02T15:04:05.000000Z", s) }

// BoolInt stores a boolean portably: INTEGER 0/1 on both engines.
func BoolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// EscapeLike escapes a user's text for LIKE … ESCAPE '\'.
func EscapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}
