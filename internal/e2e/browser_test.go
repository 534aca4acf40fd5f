package e2e

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const demoPassword = "Fazhi@2026demo"

// TestBrowserLoginWorkbench signs in through the real login form in headless Chromium and
// checks the rendered workbench; with FAZHI_SCREENSHOTS=1 it saves both pages for docs/.
func TestBrowserLoginWorkbench(t *testing.T) {
	requireE2E(t)
	chrome := chromiumPath(t)
	bin := binary(t)
	data, dsn := demoData(t)
	srv := startServer(t, bin, data, dsn)
	const username = "qs_fy"
	name := demoUserName(t, runCLI(t, bin, append([]string{"user", "list"}, dataArgs(data, dsn)...)...), username)

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	b := startBrowser(t, chrome)
	p, err := b.newPage(ctx)
	if err != nil {
		t.Fatalf("无法打开浏览器标签页：%v\n%s", err, b.stderr.String())
	}

	if err := p.navigate(ctx, srv.Base+"/login"); err != nil {
		t.Fatal(err)
	}
	if err := p.waitFor(ctx, `location.pathname === "/login" && document.readyState === "complete" && !!document.querySelector('form[action="/login"] input[name=csrf]')`); err != nil {
		t.Fatal(err)
	}
	var loginText string
	if err := p.eval(ctx, `document.body.innerText`, &loginText); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"工作人员登录", "用户名", "密码"} {
		if !strings.Contains(loginText, want) {
			t.Errorf("登录页缺少 %q；页面文字：\n%s", want, loginText)
		}
	}
	saveScreenshot(t, ctx, p, "login.png")

	// Type into the form and submit it as a person would: the CSRF cookie and field travel as in real use.
	fill := `(() => { const f = document.querySelector('form[action="/login"]');
		f.querySelector('input[name=username]').value = ` + jsString(username) + `;
		f.querySelector('input[name=password]').value = ` + jsString(demoPassword) + `;
		f.querySelector('button').click(); return true; })()`
	if err := p.eval(ctx, fill, nil); err != nil {
		t.Fatalf("填写登录表单失败：%v", err)
	}
	if err := p.waitFor(ctx, `location.pathname !== "/login" && document.readyState === "complete"`); err != nil {
		var text string
		p.eval(ctx, `document.body ? document.body.innerText : ""`, &text)
		t.Fatalf("登录后没有离开登录页：%v\n页面文字：\n%s\n服务器输出：\n%s", err, text, srv.out.String())
	}
	var state struct {
		Path   string `json:"path"`
		Status int    `json:"status"`
		H1     string `json:"h1"`
		User   string `json:"user"`
		Text   string `json:"text"`
		HTML   string `json:"html"`
	}
	if err := p.eval(ctx, `({path: location.pathname, status: performance.getEntriesByType("navigation")[0].responseStatus,
		h1: (document.querySelector("main h1") || {}).textContent || "", user: (document.querySelector("header .user") || {}).textContent || "",
		text: document.body.innerText, html: document.documentElement.outerHTML})`, &state); err != nil {
		t.Fatal(err)
	}
	if state.Path != "/workbench" || state.Status != 200 {
		t.Fatalf("登录后到达 %s（HTTP %d），应为 /workbench（HTTP 200）；页面文字：\n%s\n服务器输出：\n%s", state.Path, state.Status, state.Text, srv.out.String())
	}
	// The page's own heading, not just the menu link, must say 工作台; the header names the user.
	if !strings.HasPrefix(strings.TrimSpace(state.H1), "工作台") {
		t.Errorf("工作台页面的标题为 %q，应以“工作台”开头；页面文字：\n%s", state.H1, state.Text)
	}
	if strings.TrimSpace(state.User) != name {
		t.Errorf("页头显示的用户为 %q，应为 %q", state.User, name)
	}
	for _, want := range []string{"工作台", name} {
		if !strings.Contains(state.HTML, want) || !strings.Contains(state.Text, want) {
			t.Errorf("工作台页面缺少 %q；页面文字：\n%s", want, state.Text)
		}
	}
	if strings.Contains(state.Text, "工作人员登录") {
		t.Errorf("工作台页面仍显示登录表单：\n%s", state.Text)
	}
	saveScreenshot(t, ctx, p, "workbench.png")
}

// demoUserName reads a user's display name from `fazhi user list` (用户名 姓名 机关 角色 状态).
func demoUserName(t *testing.T, list, username string) string {
	t.Helper()
	for _, line := range strings.Split(list, "\n") {
		f := strings.Fields(line)
		if len(f) >= 2 && f[0] == username {
			return f[1]
		}
	}
	t.Fatalf("fazhi user list 中没有演示账户 %s：\n%s", username, list)
	return ""
}

// jsString quotes s as a JavaScript string literal (ASCII inputs only in these tests).
func jsString(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// saveScreenshot always checks that a 1366×768 PNG can be taken; it writes docs/screenshots/<file>
// only when FAZHI_SCREENSHOTS=1, so ordinary runs leave the tree alone.
func saveScreenshot(t *testing.T, ctx context.Context, p *page, file string) {
	t.Helper()
	img, err := p.screenshot(ctx)
	if err != nil {
		t.Fatalf("截图 %s 失败：%v", file, err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(img))
	if err != nil {
		t.Fatalf("截图 %s 不是 PNG：%v", file, err)
	}
	if cfg.Width != 1366 || cfg.Height != 768 {
		t.Errorf("截图 %s 为 %d×%d，应为 1366×768", file, cfg.Width, cfg.Height)
	}
	if os.Getenv(envScreenshots) != "1" {
		return
	}
	dest := filepath.Join(moduleRoot(t), "docs", "screenshots", file)
	if err := os.MkdirAll(filepath.Dir(dest), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(dest, img, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("已保存截图 %s", dest)
}
