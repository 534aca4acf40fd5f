package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/config"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/demo"
)

// `fazhi audit verify` exits 0 on an intact log and non-zero, naming what is wrong, after an
// entry was edited, deleted or two were swapped, after the tail was cut and the head rewritten,
// the chain recomputed without the key, the log emptied, or the checkpoint file forged or removed.
func TestAuditVerifyCommand(t *testing.T) {
	auth.SetTestingCost()
	exec := func(qs ...string) func(t *testing.T, e *Env) {
		return func(t *testing.T, e *Env) {
			ctx := context.Background()
			err := e.DB.Tx(ctx, func(tx *db.Tx) error {
				for _, q := range qs {
					if err := tx.Exec(ctx, q); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
		}
	}
	for _, tc := range []struct {
		name   string
		tamper func(t *testing.T, e *Env)
		want   string
	}{
		{"edited", exec(`UPDATE audit_log SET ip = '10.9.9.9' WHERE seq = 7`), "第 7 条的内容与其带密钥哈希不符"},
		{"deleted", exec(`DELETE FROM audit_log WHERE seq = 7`), "第 8 条之前缺少第 7 条"},
		{"reordered", exec(`UPDATE audit_log SET seq = -1 WHERE seq = 7`, `UPDATE audit_log SET seq = 7 WHERE seq = 8`, `UPDATE audit_log SET seq = 8 WHERE seq = -1`), "第 7 条的前序哈希"},
		{"tail cut, head rewritten", func(t *testing.T, e *Env) {
			last := rows(t, e)[9]
			exec(`DELETE FROM audit_log WHERE seq > 10`)(t, e)
			exec(`UPDATE audit_head SET seq = 10, hash = '`+last.Hash+`'`)(t, e)
		}, "但日志只到第 10 条"},
		{"edited and recomputed without the key", func(t *testing.T, e *Env) {
			recompute(t, e, 7, nil, false)
		}, "第 7 条的内容与其带密钥哈希不符"},
		{"recomputed with a guessed key", func(t *testing.T, e *Env) {
			recompute(t, e, 7, []byte("0123456789abcdef"), false)
		}, "第 7 条的内容与其带密钥哈希不符"},
		{"whole chain recomputed unkeyed, head reset", func(t *testing.T, e *Env) {
			recompute(t, e, 1, nil, true)
		}, "签名检查点不符"},
		{"emptied after genesis", exec(`DELETE FROM audit_log`, `UPDATE audit_head SET seq = 0, hash = '', keyed_from = 0, key_id = ''`), "但日志只到第 0 条"},
		{"forged checkpoint", func(t *testing.T, e *Env) {
			b, err := os.ReadFile(e.Cfg.CheckpointFile())
			if err != nil {
				t.Fatal(err)
			}
			lines := strings.Split(strings.TrimSpace(string(b)), "\n")
			cp, err := audit.ParseCheckpoint([]byte(lines[len(lines)-1]))
			if err != nil {
				t.Fatal(err)
			}
			cp.Seq -= 3 // claim a shorter chain, keep the old signature
			cp.Hash = rows(t, e)[cp.Seq-1].Hash
			lines[len(lines)-1] = string(cp.Line())
			if err := os.WriteFile(e.Cfg.CheckpointFile(), []byte(strings.Join(lines, "\n")+"\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, "签名无效"},
		{"checkpoint file removed", func(t *testing.T, e *Env) {
			if err := os.Remove(e.Cfg.CheckpointFile()); err != nil {
				t.Fatal(err)
			}
		}, "没有签名检查点"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			cfg := config.Default()
			cfg.Data = t.TempDir()
			cfg.DB = dbtest.PostgresDSN(t)
			e, err := Open(ctx, cfg, io.Discard)
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			if _, err := demo.Load(ctx, e.DB, e.Org, e.Auth, "county", nil); err != nil {
				t.Fatal(err)
			}
			base := []string{"--data", cfg.Data, "--db=" + cfg.DB}
			var out, errOut bytes.Buffer
			if code := Main(ctx, append([]string{"audit", "checkpoint"}, base...), &out, &errOut); code != 0 || !strings.Contains(out.String(), "已写入审计检查点") {
				t.Fatalf("checkpoint: exit %d, %s%s", code, out.String(), errOut.String())
			}
			out.Reset()
			args := append([]string{"audit", "verify"}, base...)
			if code := Main(ctx, args, &out, &errOut); code != 0 || !strings.Contains(out.String(), "校验通过") || !strings.Contains(out.String(), "签名检查点一致") {
				t.Fatalf("intact log: exit %d, %s%s", code, out.String(), errOut.String())
			}
			tc.tamper(t, e)
			out.Reset()
			errOut.Reset()
			if code := Main(ctx, args, &out, &errOut); code == 0 || !strings.Contains(errOut.String(), tc.want) {
				t.Fatalf("after tampering: exit %d, stdout %q, stderr %q, want it to name %q", code, out.String(), errOut.String(), tc.want)
			}
		})
	}
}

func rows(t *testing.T, e *Env) []audit.Row {
	t.Helper()
	rs, err := e.DB.QueryContext(context.Background(), `SELECT seq, at, user_id, username, organ_id, ip, action, object_type, object_id, detail, prev_hash, hash FROM audit_log ORDER BY seq`)
	if err != nil {
		t.Fatal(err)
	}
	defer rs.Close()
	var out []audit.Row
	for rs.Next() {
		var r audit.Row
		if err := rs.Scan(&r.Seq, &r.At, &r.UserID, &r.Username, &r.OrganID, &r.IP, &r.Action, &r.ObjectType, &r.ObjectID, &r.Detail, &r.PrevHash, &r.Hash); err != nil {
			t.Fatal(err)
		}
		out = append(out, r)
	}
	return out
}

// recompute is the attacker with database access but not the key: it edits entry from and
// rehashes the chain from there on with key (nil: plain SM3), then rewrites the head.
func recompute(t *testing.T, e *Env, from int64, key []byte, resetKeyed bool) {
	t.Helper()
	ctx := context.Background()
	all := rows(t, e)
	err := e.DB.Tx(ctx, func(tx *db.Tx) error {
		prev := ""
		for _, r := range all {
			if r.Seq >= from {
				if r.Seq == from {
					r.Detail = `{"forged":true}`
				}
				r.PrevHash = prev
				r.Hash = r.HashWith(key)
				if err := tx.Exec(ctx, `UPDATE audit_log SET detail = ?, prev_hash = ?, hash = ? WHERE seq = ?`, r.Detail, r.PrevHash, r.Hash, r.Seq); err != nil {
					return err
				}
			}
			prev = r.Hash
		}
		q := `UPDATE audit_head SET seq = ?, hash = ?`
		if resetKeyed {
			q += `, keyed_from = 0, key_id = ''`
		}
		return tx.Exec(ctx, q, all[len(all)-1].Seq, prev)
	})
	if err != nil {
		t.Fatal(err)
	}
}
