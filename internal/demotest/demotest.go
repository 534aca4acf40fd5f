// Package demotest gives a test its own copy of the demo county with every listed module's demo
// data, cloned from a template loaded once per test process.
//
// Loading the demo county runs every module's seeder through the real services (thousands of
// fsynced transactions: tens of seconds). The first caller in a test process loads it into a
// template; each test then gets a copy: the SQLite data directory copied, or on PostgreSQL a new
// database made with CREATE DATABASE … TEMPLATE (a file-level copy, under a second). The data
// directory travels with the data in both cases: keys/field.key must stay with the rows it
// encrypted, and the audit keys with the chain they keyed.
//
// A test package that uses it runs its tests through Main (or Run, from its own TestMain), which
// removes the templates after the last test:
//
//	func TestMain(m *testing.M) { demotest.Main(m) }
//
//	func TestSomething(t *testing.T) {
//		e := demotest.Env(t) // *cli.Env, closed when the test ends
//		…
//	}
//
// It imports cli (the composition root, which imports every module), so it serves cli's
// external tests (package cli_test), the end-to-end tests, and any package above cli; a
// module's own tests cannot use it (import cycle) and load what they need with demo.Load.
package demotest

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/cli"
	"github.com/fazhi/fazhi/internal/config"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/module"
)

// Scale is the demo scale of the template.
const Scale = "county"

type template struct {
	once sync.Once
	dir  string // data directory of the load
	pgDB string // PostgreSQL template database, "" on SQLite
	err  error
}

var (
	mu        sync.Mutex
	armed     bool                     // Main or Run is running the tests: the templates will be removed
	templates = map[string]*template{} // by PostgreSQL base DSN, "" for SQLite
)

// Main runs the tests and removes the templates; use it as the package's TestMain.
func Main(m *testing.M) { os.Exit(Run(m)) }

// Run is Main for a TestMain that has more to do: it runs the tests, removes the templates and
// returns the exit code.
func Run(m *testing.M) int {
	mu.Lock()
	armed = true
	mu.Unlock()
	code := m.Run()
	Drop()
	return code
}

// Drop removes the templates loaded so far (Run calls it after the last test).
func Drop() {
	mu.Lock()
	defer mu.Unlock()
	for base, tp := range templates {
		if tp.dir != "" {
			os.RemoveAll(tp.dir)
		}
		if tp.pgDB != "" {
			pgExec(base, `DROP DATABASE IF EXISTS `+tp.pgDB+` WITH (FORCE)`)
		}
		delete(templates, base)
	}
}

// Env opens the test's own copy of the demo county on the engine the tests run on (SQLite, or
// PostgreSQL when FAZHI_TEST_POSTGRES is set), with every listed module and the extra ones
// (whose migrations run on the copy; they get no demo data). It lowers the password-hashing cost
// for the process (auth.SetTestingCost), so the demo accounts' hashes are cheap to check. The
// deployment is closed and its data removed when the test ends.
func Env(t testing.TB, extra ...module.Spec) *cli.Env {
	t.Helper()
	auth.SetTestingCost()
	data, dsn := Data(t)
	cfg := config.Default()
	cfg.Data = data
	cfg.DB = dsn
	cfg.LogLevel = "error"
	e, err := cli.OpenWith(context.Background(), cfg, io.Discard, extra...)
	if err != nil {
		t.Fatalf("打开演示数据副本失败：%v", err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// Data returns a fresh data directory and DSN ("" for SQLite) holding the demo county, on the
// engine the tests run on; both vanish with the test. The hashes of the demo accounts are made
// with the cost in effect when the template is loaded (the first call in the process).
func Data(t testing.TB) (dir, dsn string) {
	t.Helper()
	return DataOn(t, os.Getenv(dbtest.EnvPostgres))
}

// DataOn is Data on SQLite when base is "", else on the PostgreSQL server of DSN base (a
// database of its own, made from the template database).
func DataOn(t testing.TB, base string) (dir, dsn string) {
	t.Helper()
	mu.Lock()
	if !armed {
		mu.Unlock()
		t.Fatal("demotest：测试包需以 demotest.Main（或在 TestMain 中调用 demotest.Run）运行，模板才会在最后删除")
	}
	tp := templates[base]
	if tp == nil {
		tp = &template{}
		templates[base] = tp
	}
	mu.Unlock()
	tp.once.Do(func() { tp.err = tp.load(base) })
	if tp.err != nil {
		t.Fatalf("载入演示数据模板失败：%v", tp.err)
	}
	dir = t.TempDir()
	if err := copyTree(tp.dir, dir); err != nil {
		t.Fatalf("复制演示数据失败：%v", err)
	}
	if base == "" {
		return dir, ""
	}
	name := "fazhi_test_" + strings.ToLower(db.NewID())
	if err := pgExec(base, `CREATE DATABASE `+name+` TEMPLATE `+tp.pgDB); err != nil {
		t.Fatalf("从模板建立 PostgreSQL 数据库失败：%v", err)
	}
	t.Cleanup(func() { pgExec(base, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`) })
	return dir, pgDSN(base, name)
}

// load opens an empty deployment, loads the demo county with every module's seeders, and closes
// it (a template database must have no connections when it is copied). The SQLite template is
// loaded in memory where possible (memDir), and again on disk if that fails (a small /dev/shm).
func (tp *template) load(base string) error {
	if base == "" {
		if dir, err := os.MkdirTemp(memDir, "fazhi-demotest-"); err == nil {
			if err := loadInto(dir, ""); err == nil {
				tp.dir = dir
				return nil
			}
			os.RemoveAll(dir)
		}
	}
	dir, err := os.MkdirTemp("", "fazhi-demotest-")
	if err != nil {
		return err
	}
	tp.dir = dir
	dsn := ""
	if base != "" {
		tp.pgDB = "fazhi_tmpl_" + strings.ToLower(db.NewID())
		if err := pgExec(base, `CREATE DATABASE `+tp.pgDB); err != nil {
			tp.pgDB = ""
			return fmt.Errorf("PostgreSQL 不可用（%s）：%w", dbtest.EnvPostgres, err)
		}
		dsn = pgDSN(base, tp.pgDB)
	}
	return loadInto(dir, dsn)
}

// loadInto loads the demo county into the empty deployment of data directory dir and DSN dsn.
func loadInto(dir, dsn string) error {
	cfg := config.Default()
	cfg.Data = dir
	cfg.DB = dsn
	cfg.LogLevel = "error"
	ctx := context.Background()
	e, err := cli.Open(ctx, cfg, io.Discard)
	if err != nil {
		return err
	}
	_, err = e.LoadDemo(ctx, Scale)
	if cerr := e.Close(); err == nil {
		err = cerr
	}
	return err
}

// memDir holds the SQLite template where there is a memory file system: the load's thousands of
// fsyncs are then free. Only the template lives there; each test's copy is on disk (t.TempDir).
const memDir = "/dev/shm"

// pgExec runs one statement on the server of base (CREATE/DROP DATABASE cannot run in a transaction).
func pgExec(base, stmt string) error {
	c, err := sql.Open("pgx", base)
	if err != nil {
		return err
	}
	defer c.Close()
	_, err = c.Exec(stmt)
	return err
}

// pgDSN is base pointed at another database of the same server (its default schema).
func pgDSN(base, database string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	u.Path = "/" + database
	q := u.Query()
	q.Del("search_path")
	u.RawQuery = q.Encode()
	return u.String()
}

// copyTree copies a data directory (database file and its WAL, keys, attachments).
func copyTree(src, dst string) error {
	return filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o750)
		}
		if strings.HasSuffix(p, "-shm") { // SQLite rebuilds the shared-memory index
			return nil
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
}
