package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/config"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/demo"
)

// The modules' command-line verbs come from their Specs: `fazhi import reconsideration` and
// `fazhi stats reconsideration|normdoc`, flags before or after the file.
func TestModuleCommands(t *testing.T) {
	auth.SetTestingCost()
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
	e.Close()
	data := []string{"--data", cfg.Data, "--db=" + cfg.DB}
	run := func(args ...string) (int, string, string) {
		var out, errOut bytes.Buffer
		code := Main(ctx, args, &out, &errOut)
		return code, out.String(), errOut.String()
	}
	ledger := filepath.Join("..", "reconsider", "testdata", "ledger_stats.csv")
	if code, out, errOut := run(append([]string{"import", "reconsideration", ledger, "--organ", "990121-GOV"}, data...)...); code != 0 || !strings.Contains(out, "已为青山县人民政府导入 25 条记录") {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut := run(append(append([]string{"stats", "reconsider"}, data...), "--organ", "990121-GOV", "--year", "2025", "--format", "json")...)
	if code != 0 {
		t.Fatalf("stats: exit %d %s", code, errOut)
	}
	var st map[string]any
	if err := json.Unmarshal([]byte(out), &st); err != nil || st["concluded"] == nil || st["comprehensive_correction_rate"] == nil {
		t.Fatalf("stats JSON %v: %s", err, out)
	}
	if code, out, errOut := run(append([]string{"stats", "normdoc", "--organ", "990121-GOV", "--year", "2025", "--format", "json"}, data...)...); code != 0 || !strings.HasPrefix(strings.TrimSpace(out), "{") {
		t.Fatalf("stats normdoc: exit %d %s%s", code, out, errOut)
	}
	if code, _, errOut := run("stats", "nosuch"); code != 2 || !strings.Contains(errOut, "reconsideration、normdoc") {
		t.Errorf("unknown stats: exit %d %s", code, errOut)
	}
	if code, _, errOut := run("import"); code != 2 || !strings.Contains(errOut, "laws DIR") {
		t.Errorf("import without a kind: exit %d %s", code, errOut)
	}
}
