package db

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// Backup writes a consistent copy of the database into dir while the server keeps running.
// SQLite: VACUUM INTO reads one snapshot under WAL, so writers are not blocked.
// PostgreSQL: pg_dump (custom format), which also reads one snapshot.
func (db *DB) Backup(ctx context.Context, dir, dsn string) (string, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return "", err
	}
	if db.Dialect == SQLite {
		dest := filepath.Join(dir, "fazhi.db")
		if _, err := os.Stat(dest); err == nil {
			return "", fmt.Errorf("备份目标 %s 已存在", dest)
		}
		if _, err := db.write.ExecContext(ctx, `VACUUM INTO '`+strings.ReplaceAll(dest, "'", "''")+`'`); err != nil {
			return "", fmt.Errorf("备份数据库失败：%w", err)
		}
		return dest, os.Chmod(dest, 0o600) // personal data: readable by the service account only
	}
	dest := filepath.Join(dir, "fazhi.pgdump")
	cmd := exec.CommandContext(ctx, "pg_dump", "--format=custom", "--no-owner", "--file="+dest, "--dbname="+dsn)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("pg_dump 失败（需要安装与服务器版本一致的 PostgreSQL 客户端）：%v：%s", err, out)
	}
	return dest, nil
}
