package db

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
)

//go:embed migrations
var migrationFS embed.FS

// Migration is one numbered, forward-only schema step.
type Migration struct {
	Version int
	Name    string
	SQL     string
	file    string
	engine  string // "" for a portable file
}

// Migrations lists the migrations of an engine in order. Each number is one portable file
// migrations/NNNN_name.sql, or, where the engines really differ (full text), a pair
// NNNN_name.sqlite.sql and NNNN_name.postgres.sql.
//
// Modules may carry their own migrations (module.Spec.Migrations): extra are file systems with
// such files at their root. Numbers are global: a number used twice is an error.
func Migrations(d Dialect, extra ...fs.FS) ([]Migration, error) {
	platform, err := fs.Sub(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	byVersion := map[int]Migration{}
	engineFiles := map[int]int{}
	for _, src := range append([]fs.FS{platform}, extra...) {
		if err := collectMigrations(d, src, byVersion, engineFiles); err != nil {
			return nil, err
		}
	}
	for v, n := range engineFiles {
		if n != 2 {
			return nil, fmt.Errorf("迁移编号 %04d 的引擎专用文件须成对（.sqlite.sql 与 .postgres.sql）", v)
		}
	}
	ms := make([]Migration, 0, len(byVersion))
	for _, m := range byVersion {
		ms = append(ms, m)
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].Version < ms[j].Version })
	return ms, nil
}

func collectMigrations(d Dialect, src fs.FS, byVersion map[int]Migration, engineFiles map[int]int) error {
	entries, err := fs.ReadDir(src, ".")
	if err != nil {
		return err
	}
	for _, e := range entries {
		file := e.Name()
		if !strings.HasSuffix(file, ".sql") {
			continue
		}
		base := strings.TrimSuffix(file, ".sql")
		engine := ""
		for _, x := range []Dialect{SQLite, Postgres} {
			if strings.HasSuffix(base, "."+x.String()) {
				engine, base = x.String(), strings.TrimSuffix(base, "."+x.String())
			}
		}
		num, name, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || strings.Contains(name, ".") {
			return fmt.Errorf("迁移文件名应为 NNNN_name.sql 或 NNNN_name.sqlite.sql / NNNN_name.postgres.sql：%s", file)
		}
		if engine != "" {
			engineFiles[v]++
			if engine != d.String() {
				continue
			}
		}
		if prev, dup := byVersion[v]; dup {
			return fmt.Errorf("迁移编号 %04d 重复，或通用文件与引擎专用文件并存：%s 与 %s", v, prev.file, file)
		}
		body, err := fs.ReadFile(src, file)
		if err != nil {
			return err
		}
		byVersion[v] = Migration{Version: v, Name: name, SQL: string(body), file: file, engine: engine}
	}
	return nil
}

// Migrate applies every migration not yet applied, each in its own transaction.
func (db *DB) Migrate(ctx context.Context, extra ...fs.FS) (applied []int, err error) {
	return db.MigrateTo(ctx, 0, extra...)
}

// MigrateTo applies the migrations up to version max (0 = all): upgrade tests build an older
// schema, put data in it, then migrate the rest.
func (db *DB) MigrateTo(ctx context.Context, max int, extra ...fs.FS) (applied []int, err error) {
	ms, err := Migrations(db.Dialect, extra...)
	if err != nil {
		return nil, err
	}
	if _, err := db.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`); err != nil {
		return nil, fmt.Errorf("创建迁移表失败：%w", err)
	}
	for _, m := range ms {
		if max > 0 && m.Version > max {
			break
		}
		err := db.Tx(ctx, func(tx *Tx) error {
			if tx.Dialect() == Postgres {
				// Several instances may start at once: one migrates, the others wait.
				if err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(7411001)`); err != nil {
					return err
				}
			}
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM schema_migrations WHERE version = ?`, m.Version).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				return nil
			}
			if _, err := tx.tx.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("迁移 %04d_%s 失败：%w", m.Version, m.Name, err)
			}
			applied = append(applied, m.Version)
			return tx.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, m.Version, m.Name, Now())
		})
		if err != nil {
			return applied, err
		}
	}
	return applied, nil
}

// Columns lists table → column names of the live schema (for the parity test and doctor checks).
func (db *DB) Columns(ctx context.Context) (map[string][]string, error) {
	var q string
	if db.Dialect == Postgres {
		q = `SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() ORDER BY table_name, column_name`
	} else {
		q = `SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.sql NOT LIKE 'CREATE VIRTUAL TABLE%' ORDER BY m.name, p.name`
	}
	rows, err := db.QueryContext(ctx, q)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var t, c string
		if err := rows.Scan(&t, &c); err != nil {
			return nil, err
		}
		out[t] = append(out[t], c)
	}
	return out, rows.Err()
}

// NextNumber increments and returns the counter of an organ, kind and year, inside tx,
// so a human number (案号, 文号) is never handed out twice.
func NextNumber(ctx context.Context, tx *Tx, organID, kind string, year int) (int, error) {
	if err := tx.Exec(ctx, `INSERT INTO counters (organ_id, kind, year, value) VALUES (?, ?, ?, 0) ON CONFLICT (organ_id, kind, year) DO NOTHING`, organID, kind, year); err != nil {
		return 0, err
	}
	var v int
	err := tx.QueryRowContext(ctx, `UPDATE counters SET value = value + 1 WHERE organ_id = ? AND kind = ? AND year = ? RETURNING value`, organID, kind, year).Scan(&v)
	return v, err
}
