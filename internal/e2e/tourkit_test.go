package e2e

import (
	"context"
	"strings"
	"testing"
	"time"
)

// tour is what every browser tour starts with: the demo server, a headless Chromium page and the
// steps they all take (read the page, run a script that must return true, wait for a state that is
// not an error page, open a path).
type tour struct {
	t   *testing.T
	ctx context.Context
	srv *server
	b   *browser
	p   *page
}

// startTour starts the server on the demo data and a browser page; the tour has three minutes.
// prepare, if given, runs on the data (with this checkout's binary) before the server starts.
func startTour(t *testing.T, prepare ...func(bin, data, dsn string)) *tour {
	t.Helper()
	requireE2E(t)
	chrome := chromiumPath(t)
	bin := binary(t)
	data, dsn := demoData(t)
	for _, f := range prepare {
		f(bin, data, dsn)
	}
	srv := startServer(t, bin, data, dsn)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancel)
	b := startBrowser(t, chrome)
	p, err := b.newPage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return &tour{t: t, ctx: ctx, srv: srv, b: b, p: p}
}

// text is the page's visible text.
func (tr *tour) text() string {
	var s string
	tr.p.eval(tr.ctx, `document.body ? document.body.innerText : ""`, &s)
	return s
}

// run evaluates js, which must return true.
func (tr *tour) run(what, js string) {
	tr.t.Helper()
	var ok bool
	if err := tr.p.eval(tr.ctx, js, &ok); err != nil || !ok {
		tr.t.Fatalf("%s：%v（脚本返回 %v）\n%s", what, err, ok, tr.text())
	}
}

// wait waits until the page has loaded and cond holds, and fails on an error page.
func (tr *tour) wait(what, cond string) {
	tr.t.Helper()
	if err := tr.p.waitFor(tr.ctx, `document.readyState === "complete" && (`+cond+`)`); err != nil {
		tr.t.Fatalf("%s：%v\n%s", what, err, tr.text())
	}
	if body := tr.text(); strings.Contains(body, "出错了") || strings.Contains(body, "服务器内部错误") {
		tr.t.Fatalf("%s：错误页\n%s", what, body)
	}
}

// open navigates to path and waits for it.
func (tr *tour) open(path string) {
	tr.t.Helper()
	if err := tr.p.navigate(tr.ctx, tr.srv.Base+path); err != nil {
		tr.t.Fatal(err)
	}
	tr.wait("打开 "+path, `location.pathname === `+jsString(strings.SplitN(path, "?", 2)[0]))
}
