package e2e

import (
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

	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
)

// Loading the demo county runs every module's seeder through the real services (thousands of
// fsynced transactions: tens of seconds). It is loaded once per test process into a template, and
// each test gets its own copy: the SQLite data directory copied, or on PostgreSQL a new database
// made with CREATE DATABASE … TEMPLATE (a file-level copy, under a second).

type demoTemplate struct {
	once sync.Once
	dir  string // data directory of the load: keys/field.key must travel with the data it encrypted
	pgDB string // PostgreSQL template database, "" on SQLite
	err  error
}

var demoTemplates struct {
	sqlite, postgres demoTemplate
}

// demoData returns a fresh data directory and DSN holding the demo county, on the engine the
// tests run on (SQLite, or PostgreSQL when FAZHI_TEST_POSTGRES is set). Both vanish with the test.
func demoData(t *testing.T) (data, dsn string) {
	t.Helper()
	return demoDataOn(t, os.Getenv(dbtest.EnvPostgres))
}

// demoDataOn is demoData on SQLite when base is "", else on the PostgreSQL server of DSN base.
func demoDataOn(t *testing.T, base string) (data, dsn string) {
	t.Helper()
	bin := binary(t)
	tp := &demoTemplates.sqlite
	if base != "" {
		tp = &demoTemplates.postgres
	}
	tp.once.Do(func() { tp.err = tp.load(bin, base) })
	if tp.err != nil {
		t.Fatalf("载入演示数据模板失败：%v", tp.err)
	}
	data = t.TempDir()
	if err := copyTree(tp.dir, data); err != nil {
		t.Fatalf("复制演示数据失败：%v", err)
	}
	if base == "" {
		return data, ""
	}
	name := "fazhi_e2e_" + strings.ToLower(db.NewID())
	if err := pgExec(base, `CREATE DATABASE `+name+` TEMPLATE `+tp.pgDB); err != nil {
		t.Fatalf("从模板建立 PostgreSQL 数据库失败：%v", err)
	}
	t.Cleanup(func() { pgExec(base, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`) })
	return data, pgDSN(base, name)
}

func (tp *demoTemplate) load(bin, base string) error {
	dir, err := os.MkdirTemp("", "fazhi-e2e-demo-")
	if err != nil {
		return err
	}
	tp.dir = dir
	dsn := ""
	if base != "" {
		tp.pgDB = "fazhi_e2e_tmpl_" + strings.ToLower(db.NewID())
		if err := pgExec(base, `CREATE DATABASE `+tp.pgDB); err != nil {
			tp.pgDB = ""
			return fmt.Errorf("PostgreSQL 不可用（%s）：%w", dbtest.EnvPostgres, err)
		}
		dsn = pgDSN(base, tp.pgDB)
	}
	_, err = runCmd(bin, append([]string{"demo"}, dataArgs(dir, dsn)...)...)
	return err
}

// dropDemoTemplates removes the templates after the last test.
func dropDemoTemplates() {
	for _, tp := range []*demoTemplate{&demoTemplates.sqlite, &demoTemplates.postgres} {
		if tp.dir != "" {
			os.RemoveAll(tp.dir)
		}
		if tp.pgDB != "" {
			pgExec(os.Getenv(dbtest.EnvPostgres), `DROP DATABASE IF EXISTS `+tp.pgDB+` WITH (FORCE)`)
		}
	}
}

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

// pgDSN is base pointed at another database of the same server.
func pgDSN(base, database string) string {
	u, err := url.Parse(base)
	if err != nil {
		return base
	}
	u.Path = "/" + database
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
