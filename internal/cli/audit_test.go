package cli

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/config"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/demo"
)

// `fazhi audit verify` exits 0 on an intact log and non-zero, naming the first bad entry,
// after an entry was edited, deleted or two were swapped.
func TestAuditVerifyCommand(t *testing.T) {
	auth.SetTestingCost()
	for _, tc := range []struct {
		name   string
		tamper []string
		want   string
	}{
		{"edited", []string{`UPDATE audit_log SET ip = '10.9.9.9' WHERE seq = 7`}, "第 7 条的内容与其哈希不符"},
		{"deleted", []string{`DELETE FROM audit_log WHERE seq = 7`}, "第 8 条之前缺少第 7 条"},
		{"reordered", []string{`UPDATE audit_log SET seq = -1 WHERE seq = 7`, `UPDATE audit_log SET seq = 7 WHERE seq = 8`, `UPDATE audit_log SET seq = 8 WHERE seq = -1`}, "第 7 条的前序哈希"},
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
			if _, err := demo.Load(ctx, e.DB, e.Org, e.Auth, "county", nil); err != nil {
				t.Fatal(err)
			}
			args := []string{"audit", "verify", "--data", cfg.Data, "--db=" + cfg.DB}
			var out, errOut bytes.Buffer
			if code := Main(ctx, args, &out, &errOut); code != 0 || !strings.Contains(out.String(), "校验通过") {
				t.Fatalf("intact log: exit %d, %s%s", code, out.String(), errOut.String())
			}
			err = e.DB.Tx(ctx, func(tx *db.Tx) error {
				for _, q := range tc.tamper {
					if err := tx.Exec(ctx, q); err != nil {
						return err
					}
				}
				return nil
			})
			e.Close()
			if err != nil {
				t.Fatal(err)
			}
			out.Reset()
			errOut.Reset()
			if code := Main(ctx, args, &out, &errOut); code == 0 || !strings.Contains(errOut.String(), tc.want) {
				t.Fatalf("after tampering: exit %d, stderr %q, want it to name %q", code, errOut.String(), tc.want)
			}
		})
	}
}
