package cli

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/config"
	"github.com/fazhi/fazhi/internal/db"
)

func cmdBackup(ctx context.Context, args []string, out, errOut io.Writer) error {
	cfg := config.Default()
	flags := newFlags("backup", errOut)
	cfg.DataFlags(flags)
	dir := flags.String("out", "", "备份目录（默认 --data 下的 backups/时间戳）")
	if err := parse(flags, args); err != nil {
		return err
	}
	if *dir == "" {
		*dir = filepath.Join(cfg.Data, "backups", time.Now().Format("20060102-150405"))
	}
	e, err := Open(ctx, withQuietLog(cfg), errOut)
	if err != nil {
		return err
	}
	defer e.Close()
	// Database first: attachments are immutable and content-addressed, so every file the
	// snapshot refers to already exists when we copy the folder afterwards.
	dsn, err := pgDumpDSN(cfg.DB)
	if err != nil {
		return err
	}
	dbFile, err := e.DB.Backup(ctx, *dir, dsn)
	if err != nil {
		return err
	}
	n, err := copyTree(cfg.FilesDir(), filepath.Join(*dir, "files"))
	if err != nil {
		return fmt.Errorf("复制附件失败：%w", err)
	}
	if _, err := copyTree(filepath.Dir(cfg.KeyFile()), filepath.Join(*dir, "keys")); err != nil {
		return fmt.Errorf("复制密钥失败：%w", err)
	}
	if _, err := copyTree(filepath.Dir(cfg.CheckpointFile()), filepath.Join(*dir, "audit")); err != nil {
		return fmt.Errorf("复制审计检查点失败：%w", err)
	}
	audit.Log(audit.WithActor(ctx, audit.Actor{Username: "cli"}), e.DB, audit.Entry{Action: "backup", ObjectType: "system", Detail: map[string]any{"dir": *dir}})
	fmt.Fprintf(out, "备份完成：%s（数据库 %s，附件 %d 个）\n", *dir, filepath.Base(dbFile), n)
	return nil
}

func copyTree(src, dst string) (int, error) {
	n := 0
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if os.IsNotExist(err) {
			return nil
		}
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		if d.IsDir() {
			return os.MkdirAll(target, 0o750)
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		outF, err := os.OpenFile(target, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o600)
		if err != nil {
			return err
		}
		if _, err := io.Copy(outF, in); err != nil {
			outF.Close()
			return err
		}
		n++
		return outF.Close()
	})
	return n, err
}

// pgDumpDSN rewrites the pgx connection string for pg_dump: libpq refuses the search_path
// parameter, so it travels as options=-csearch_path=… (appended to any options already there).
func pgDumpDSN(dsn string) (string, error) {
	if !db.IsPostgres(dsn) {
		return dsn, nil
	}
	u, err := url.Parse(dsn)
	if err != nil {
		return "", fmt.Errorf("--db 连接串无法解析：%w", err)
	}
	q := u.Query()
	sp, ok := q["search_path"]
	if !ok {
		return dsn, nil
	}
	q.Del("search_path")
	opts := strings.TrimSpace(q.Get("options"))
	for _, v := range sp {
		// libpq splits options on spaces; a backslash keeps one inside the value.
		o := "-csearch_path=" + strings.ReplaceAll(strings.ReplaceAll(v, `\`, `\\`), " ", `\ `)
		opts = strings.TrimSpace(opts + " " + o)
	}
	q.Set("options", opts)
	u.RawQuery = q.Encode()
	return u.String(), nil
}
