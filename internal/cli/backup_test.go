package cli

import (
	"bytes"
	"context"
	"database/sql"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/config"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
)

// pg_dump rejects search_path in the connection string; it must arrive as options=-csearch_path=….
func TestPgDumpDSN(t *testing.T) {
	for in, want := range map[string]map[string]string{
		"postgres://u@h:5432/d?sslmode=disable&search_path=t_abc":           {"sslmode": "disable", "options": "-csearch_path=t_abc"},
		"postgres://u@h/d?search_path=a,b&options=-cstatement_timeout%3D5s": {"options": "-cstatement_timeout=5s -csearch_path=a,b"},
		"postgresql://u@h/d?search_path=my%20schema":                        {"options": `-csearch_path=my\ schema`},
		"postgres://u@h/d?sslmode=require":                                  {"sslmode": "require", "options": ""},
	} {
		got, err := pgDumpDSN(in)
		if err != nil {
			t.Fatal(err)
		}
		u, err := url.Parse(got)
		if err != nil {
			t.Fatal(err)
		}
		q := u.Query()
		if q.Has("search_path") {
			t.Errorf("%s → %s still carries search_path", in, got)
		}
		for k, v := range want {
			if q.Get(k) != v {
				t.Errorf("%s → %s: %s = %q, want %q", in, got, k, q.Get(k), v)
			}
		}
	}
	if got, _ := pgDumpDSN(""); got != "" {
		t.Errorf("SQLite DSN changed: %q", got)
	}
}

// The real thing: `fazhi backup` with the test's search_path DSN (PostgreSQL), or SQLite; the
// backup holds the database, the keys and the audit checkpoints.
func TestBackupCommand(t *testing.T) {
	cfg := config.Default()
	cfg.Data = t.TempDir()
	ctx := context.Background()
	if base := os.Getenv(dbtest.EnvPostgres); base != "" {
		if _, err := exec.LookPath("pg_dump"); err != nil {
			t.Skip("pg_dump 未安装")
		}
		cfg.DB = privateDatabase(t, base)
	}
	e, err := Open(ctx, cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	e.Close()
	dir := filepath.Join(t.TempDir(), "b")
	var out, errOut bytes.Buffer
	if code := Main(ctx, []string{"backup", "--data", cfg.Data, "--db=" + cfg.DB, "--out", dir}, &out, &errOut); code != 0 {
		t.Fatalf("backup: exit %d: %s%s", code, out.String(), errOut.String())
	}
	for _, f := range []string{"keys/field.key", "keys/audit.key", "keys/audit-sign.key", "audit/checkpoints.log"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("backup lacks %s: %v", f, err)
		}
	}
	if !strings.Contains(out.String(), "备份完成") {
		t.Fatal(out.String())
	}
}

// privateDatabase creates a database of its own (pg_dump dumps a whole database, and other tests
// drop their schemas meanwhile) and returns a DSN to it that carries search_path, as deployments do.
func privateDatabase(t *testing.T, base string) string {
	t.Helper()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := "t_backup_" + strings.ToLower(db.NewID())
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatalf("PostgreSQL 不可用：%v", err)
	}
	t.Cleanup(func() {
		if c, err := sql.Open("pgx", base); err == nil {
			c.Exec(`DROP DATABASE ` + name + ` WITH (FORCE)`)
			c.Close()
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u.Path = "/" + name
	q := u.Query()
	q.Set("search_path", "public")
	u.RawQuery = q.Encode()
	return u.String()
}
