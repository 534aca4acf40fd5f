package e2e

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestFirstStart is a newcomer's first `fazhi serve` on an empty data directory: the law library
// shipped in the binary loads in the background, so the public law search finds a known title
// within a minute of the start (the time is logged for docs/benchmarks.md). On the way it checks,
// and with FAZHI_SCREENSHOTS=1 saves, the admin page's progress bar, a case handler's workbench
// (next year's holiday notice is missing from November) and the leader's overview.
func TestFirstStart(t *testing.T) {
	requireE2E(t)
	t.Setenv("FAZHI_LAWS", "yes") // the other tests' servers skip the load
	bin := binary(t)
	data := t.TempDir()
	started := time.Now()
	srv := startServer(t, bin, data, "")
	ready := time.Since(started)

	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	b := startBrowser(t, chromiumPath(t))
	p, err := b.newPage(ctx)
	if err != nil {
		t.Fatalf("无法打开浏览器标签页：%v\n%s", err, b.stderr.String())
	}
	fdLogin(t, ctx, p, srv, "admin")
	// The bar while the load runs (it may already be done on a fast machine).
	fdOpen(t, ctx, p, srv, "/admin/laws")
	p.waitFor(ctx, `!!document.querySelector("progress") && document.querySelector("progress").value > 0`)
	var bar string
	p.eval(ctx, `(document.querySelector(".lawload") || {}).innerText || ""`, &bar)
	if !strings.Contains(bar, "正在载入") && !strings.Contains(bar, "已载入") {
		t.Errorf("管理页没有法规库载入进度：%q\n服务器输出：\n%s", bar, srv.out.String())
	}
	saveScreenshot(t, ctx, p, "admin-laws-progress.png")

	// Poll the public search for a title every clerk looks up first.
	const title = "中华人民共和国行政复议法"
	client := &http.Client{Timeout: 10 * time.Second}
	var found time.Duration
	for found == 0 {
		resp, err := client.Get(srv.Base + "/public/search?q=" + url.QueryEscape("行政复议法"))
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			text := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(string(body)) // hits highlight the terms
			if resp.StatusCode == http.StatusOK && strings.Contains(text, title+"</a>") {
				found = time.Since(started)
				break
			}
		}
		if time.Since(started) > 3*time.Minute {
			t.Fatalf("3 分钟内法规检索仍查不到 %s\n服务器输出：\n%s", title, srv.out.String())
		}
		time.Sleep(250 * time.Millisecond)
	}
	// The one-minute goal is timed on a quiet machine in docs/benchmarks.md; here, on a loaded CI
	// machine, only the three-minute bound above fails the test (a wall-clock goal is no unit test).
	t.Logf("首次启动：服务就绪（含载入演示县）%.1f 秒，法规检索查到《%s》%.1f 秒", ready.Seconds(), title, found.Seconds())
	fdLogin(t, ctx, p, srv, "qs_fy")
	fdOpen(t, ctx, p, srv, "/workbench")
	var text string
	p.eval(ctx, `document.body.innerText`, &text)
	if !strings.Contains(text, "工作台") {
		t.Errorf("工作台未显示：\n%s", text)
	}
	saveScreenshot(t, ctx, p, "workbench-next-year.png")
	// The deadlines past the loaded calendar, when the demo's dates reach them (November–December).
	var est bool
	p.eval(ctx, `(() => { const e = document.querySelector(".est"); if (!e) return false; e.closest("tr").scrollIntoView({block: "center"}); return true; })()`, &est)
	if est {
		time.Sleep(200 * time.Millisecond)
		saveScreenshot(t, ctx, p, "workbench-estimated.png")
	}

	fdLogin(t, ctx, p, srv, "qs_ld")
	fdOpen(t, ctx, p, srv, "/overview")
	p.eval(ctx, `document.body.innerText`, &text)
	for _, want := range []string{"领导概览", "按业务", "按机关", "主要指标", "行政复议"} {
		if !strings.Contains(text, want) {
			t.Errorf("领导概览缺少 %q：\n%s", want, text)
		}
	}
	saveScreenshot(t, ctx, p, "leader-overview.png")
}

// fdLogin signs in through the real form as username (the session cookie replaces any earlier one).
func fdLogin(t *testing.T, ctx context.Context, p *page, srv *server, username string) {
	t.Helper()
	if err := p.navigate(ctx, srv.Base+"/login"); err != nil {
		t.Fatal(err)
	}
	if err := p.waitFor(ctx, `document.readyState === "complete" && !!document.querySelector('form[action="/login"] input[name=csrf]')`); err != nil {
		t.Fatal(err)
	}
	fill := `(() => { const f = document.querySelector('form[action="/login"]');
		f.querySelector('input[name=username]').value = ` + jsString(username) + `;
		f.querySelector('input[name=password]').value = ` + jsString(demoPassword) + `;
		f.querySelector('button').click(); return true; })()`
	if err := p.eval(ctx, fill, nil); err != nil {
		t.Fatal(err)
	}
	if err := p.waitFor(ctx, `location.pathname !== "/login" && document.readyState === "complete"`); err != nil {
		t.Fatalf("%s 登录失败：%v\n%s", username, err, srv.out.String())
	}
}

// fdOpen navigates to path and waits until that page has loaded (Page.navigate returns before).
func fdOpen(t *testing.T, ctx context.Context, p *page, srv *server, path string) {
	t.Helper()
	if err := p.navigate(ctx, srv.Base+path); err != nil {
		t.Fatal(err)
	}
	if err := p.waitFor(ctx, `location.pathname === `+jsString(path)+` && document.readyState === "complete"`); err != nil {
		t.Fatalf("打开 %s：%v", path, err)
	}
}
