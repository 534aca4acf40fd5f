package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/lawlib"
)

// TestA11yUnlinkedPublicPages runs axe-core over the public pages no demo page links to, so the
// crawl of TestA11yPublicPages never reaches them: a law of the library (one law imported from the
// bundle, as the other tours start without it), a 规范性文件's version comparison, a published
// 政府信息公开年度报告 and a 双随机 draw. Their records are found in the demo data before the server starts.
func TestA11yUnlinkedPublicPages(t *testing.T) {
	requireE2E(t)
	axe, err := os.ReadFile(filepath.Join("testdata", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	var paths []string
	tr := startTour(t, func(bin, data, dsn string) { paths = unlinkedPublicPaths(t, bin, data, dsn) })
	ctx, p, srv := tr.ctx, tr.p, tr.srv
	// The demo publishes no 年度报告: the office fills in the overview and publishes last year's.
	fdLogin(t, ctx, p, srv, "qs_zwgk")
	tr.open("/disclosure/reports")
	tr.run("填写总体情况", `(() => { const f = document.querySelector('form[method=post][action="/disclosure/reports"]'); f.elements.overview.value = "本年度政务公开工作稳步推进。";
		f.querySelector("button.primary, button[type=submit], button").click(); return true; })()`)
	tr.wait("保存年度报告", `location.pathname === "/disclosure/reports" && !!document.querySelector('form[action="/disclosure/reports/publish"]')`)
	tr.run("发布年度报告", `(() => { window.confirm = () => true; document.querySelector('form[action="/disclosure/reports/publish"]').requestSubmit(); return true; })()`)
	tr.wait("发布后", `document.body.innerText.includes("索引号")`)
	tr.open("/public/disclosure/reports")
	var report string
	p.eval(ctx, `(document.querySelector('a[href^="/public/disclosure/reports/"]:not([href$="docx"])') || {pathname: ""}).pathname`, &report)
	if report == "" {
		t.Fatalf("公开的年度报告列表没有报告：\n%s", tr.text())
	}
	paths = append(paths, report)
	for _, path := range paths {
		fdOpenURL(t, ctx, p, srv, path)
		var body string
		p.eval(ctx, `document.body.innerText`, &body)
		if strings.Contains(body, "出错了") || strings.Contains(body, "不存在") {
			t.Errorf("%s 不是正常页面：\n%s", path, body)
			continue
		}
		vs, _ := axeCheck(t, ctx, p, string(axe))
		for _, v := range vs {
			t.Errorf("%s：无障碍问题 %s（%s）%s\n  %s", path, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n  "))
		}
	}
	t.Logf("axe-core 检查了 %d 个无链接可达的公开页面：%v", len(paths), paths)
}

// unlinkedPublicPaths imports one law from the bundle by command and finds in the demo data a
// 规范性文件 with two versions and a draw: the public addresses no demo page links to.
func unlinkedPublicPaths(t *testing.T, bin, data, dsn string) []string {
	var paths []string
	// One law from the bundle, imported by command.
	files, names, err := lawlib.BundleFiles()
	if err != nil {
		t.Fatal(err)
	}
	lawDir := t.TempDir()
	for _, n := range names {
		if strings.Contains(n, "行政复议法(") {
			dst := filepath.Join(lawDir, filepath.FromSlash(n))
			os.MkdirAll(filepath.Dir(dst), 0o755)
			if err := os.WriteFile(dst, files[n], 0o644); err != nil {
				t.Fatal(err)
			}
			break
		}
	}
	runCLI(t, bin, append([]string{"import", "laws"}, append(dataArgs(data, dsn), lawDir)...)...)

	ctx := context.Background()
	d, err := db.Open(ctx, dsn, data)
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []struct{ what, sql, path string }{
		{"法规", `SELECT id FROM laws ORDER BY id LIMIT 1`, "/public/laws/%s"},
		{"有两个版本的规范性文件", `SELECT v.doc_id FROM normdoc_versions v JOIN normdocs n ON n.id = v.doc_id GROUP BY v.doc_id HAVING COUNT(*) >= 2 ORDER BY v.doc_id LIMIT 1`, "/public/normdocs/%s/diff"},
		{"双随机抽取", `SELECT id FROM enforce_draws ORDER BY drawn_at, id LIMIT 1`, "/public/enforce/draws/%s"},
	} {
		var id string
		if err := d.QueryRowContext(ctx, q.sql).Scan(&id); err != nil {
			t.Errorf("演示数据中找不到%s：%v", q.what, err)
			continue
		}
		paths = append(paths, strings.Replace(q.path, "%s", id, 1))
	}
	d.Close()

	return paths
}
