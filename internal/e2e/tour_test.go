package e2e

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestBrowserTour opens the main pages of 行政复议 as a county clerk and the public application form
// as a citizen, in headless Chromium, and checks each renders its heading and no error page.
// With FAZHI_SCREENSHOTS=1 it saves them for docs/screenshots/.
func TestBrowserTour(t *testing.T) {
	requireE2E(t)
	chrome := chromiumPath(t)
	bin := binary(t)
	data, dsn := demoData(t)
	srv := startServer(t, bin, data, dsn)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	b := startBrowser(t, chrome)
	p, err := b.newPage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	text := func() string {
		var s string
		p.eval(ctx, `document.body ? document.body.innerText : ""`, &s)
		return s
	}
	visit := func(path, want, shot string) {
		t.Helper()
		if err := p.navigate(ctx, srv.Base+path); err != nil {
			t.Fatal(err)
		}
		if err := p.waitFor(ctx, `document.readyState === "complete"`); err != nil {
			t.Fatal(err)
		}
		body := text()
		if !strings.Contains(body, want) || strings.Contains(body, "出错了") || strings.Contains(body, "服务器内部错误") {
			t.Fatalf("%s: want %q on the page, got:\n%s", path, want, body)
		}
		if shot != "" {
			saveScreenshot(t, ctx, p, shot)
		}
	}

	visit("/public/reconsider/apply", "行政复议申请", "public-apply.png")
	// The public database of normative documents: search, filter, open a document.
	visit("/public/search?q="+url.QueryEscape("管理办法")+"&kind=normdoc", "管理办法", "public-search.png")
	var doc string
	if err := p.eval(ctx, `(() => { const a = document.querySelector('a[href^="/public/normdocs/"]'); return a ? a.getAttribute("href") : ""; })()`, &doc); err != nil || doc == "" {
		t.Fatalf("no document among the search hits: %v\n%s", err, text())
	}
	visit(doc, "文号", "public-normdoc.png")
	visit("/public/normdocs?status="+url.QueryEscape("有效"), "规范性文件", "")
	visit("/login", "工作人员登录", "")
	fill := `(() => { const f = document.querySelector('form[action="/login"]');
		f.querySelector('input[name=username]').value = "qs_fy";
		f.querySelector('input[name=password]').value = ` + jsString(demoPassword) + `;
		f.querySelector('button').click(); return true; })()`
	if err := p.eval(ctx, fill, nil); err != nil {
		t.Fatal(err)
	}
	if err := p.waitFor(ctx, `location.pathname === "/workbench" && document.readyState === "complete"`); err != nil {
		t.Fatalf("login: %v\n%s", err, text())
	}
	if body := text(); !strings.Contains(body, "行政复议") {
		t.Fatalf("the demo county's workbench lists 复议 todos:\n%s", body)
	}
	visit("/reconsider/cases", "复议案件", "reconsider-cases.png")
	var href string
	if err := p.eval(ctx, `(document.querySelector('a[href^="/reconsider/cases/01"], table a[href^="/reconsider/cases/"]') || {}).getAttribute ? document.querySelector('table a[href^="/reconsider/cases/"]').getAttribute("href") : ""`, &href); err != nil || href == "" {
		t.Fatalf("no case link on the list: %v\n%s", err, text())
	}
	visit(href, "期限", "reconsider-case.png")
	visit("/reconsider/stats", "统计", "reconsider-stats.png")
	_ = srv
}
