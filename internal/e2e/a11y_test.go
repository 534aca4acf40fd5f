package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/demotest"
)

// axeViolation is one serious or critical axe-core finding on a page.
type axeViolation struct {
	ID     string   `json:"id"`
	Impact string   `json:"impact"`
	Help   string   `json:"help"`
	Nodes  []string `json:"nodes"`
}

// TestA11yPublicPages runs axe-core (vendored in testdata, never in the binary) over every public
// HTML page the router serves (each GET route with auth.PermPublic; a route with {id} is visited
// at a link found on the others) and fails on any serious or critical violation (GB/T 37668 asks
// for what WCAG 2 A/AA asks).
func TestA11yPublicPages(t *testing.T) {
	requireE2E(t)
	var patterns []string
	for _, rt := range demotest.Env(t).Web.Routes() {
		if rt.Method == http.MethodGet && rt.Perm == auth.PermPublic && !rt.API {
			patterns = append(patterns, rt.Path)
		}
	}
	axe, err := os.ReadFile(filepath.Join("testdata", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatal(err)
	}
	chrome := chromiumPath(t)
	bin := binary(t)
	data, dsn := demoData(t)
	srv := startServer(t, bin, data, dsn)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	b := startBrowser(t, chrome)
	p, err := b.newPage(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// Start pages: every route without a parameter, and the searches with hits.
	queue := []string{"/public/search?q=" + url.QueryEscape("管理办法"), "/public/search?q=" + url.QueryEscape("行政复议") + "&kind=law",
		"/public/normdocs?status=" + url.QueryEscape("有效")}
	todo := map[string]*regexp.Regexp{} // parametrised routes still without a visited sample
	for _, pat := range patterns {
		if strings.Contains(strings.ReplaceAll(pat, "{$}", ""), "{") {
			todo[pat] = routeRegexp(pat)
		} else {
			queue = append(queue, strings.ReplaceAll(pat, "{$}", ""))
		}
	}
	client := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	seen := map[string]bool{}
	checked := 0
	for len(queue) > 0 {
		path := queue[0]
		queue = queue[1:]
		if seen[path] {
			continue
		}
		seen[path] = true
		if !isHTML(t, client, srv.Base+path) { // downloads, JSON, scripts
			continue
		}
		fdOpenURL(t, ctx, p, srv, path)
		vs, links := axeCheck(t, ctx, p, string(axe))
		checked++
		for _, v := range vs {
			t.Errorf("%s：无障碍问题 %s（%s）%s\n  %s", path, v.ID, v.Impact, v.Help, strings.Join(v.Nodes, "\n  "))
		}
		// A link to a parametrised route not yet seen gives that route its sample.
		for _, l := range links {
			for pat, re := range todo {
				if re.MatchString(strings.SplitN(l, "?", 2)[0]) {
					delete(todo, pat)
					queue = append(queue, l)
				}
			}
		}
	}
	var missing []string
	for pat := range todo {
		missing = append(missing, pat)
	}
	slices.Sort(missing)
	t.Logf("axe-core 检查了 %d 个公开页面；没有链接可达、未检查的带参数路由：%v", checked, missing)
	if checked < 8 {
		t.Errorf("只检查了 %d 个公开页面", checked)
	}
}

// routeRegexp matches the paths of a net/http pattern: {name} is one segment, {name...} the rest.
func routeRegexp(pat string) *regexp.Regexp {
	pat = strings.ReplaceAll(pat, "{$}", "")
	var b strings.Builder
	b.WriteString("^")
	for _, part := range regexp.MustCompile(`\{[^}]+\}|[^{]+`).FindAllString(pat, -1) {
		switch {
		case strings.HasSuffix(part, "...}"):
			b.WriteString(".+")
		case strings.HasPrefix(part, "{"):
			b.WriteString("[^/]+")
		default:
			b.WriteString(regexp.QuoteMeta(part))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

func isHTML(t *testing.T, c *http.Client, u string) bool {
	t.Helper()
	resp, err := c.Get(u)
	if err != nil {
		t.Fatalf("GET %s：%v", u, err)
	}
	resp.Body.Close()
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		return false // the target is visited in its own right
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	return mt == "text/html"
}

// fdOpenURL navigates to a path with a query and waits for the document.
func fdOpenURL(t *testing.T, ctx context.Context, p *page, srv *server, path string) {
	t.Helper()
	if err := p.navigate(ctx, srv.Base+path); err != nil {
		t.Fatal(err)
	}
	want := strings.SplitN(path, "?", 2)[0]
	if err := p.waitFor(ctx, `location.pathname === `+jsString(want)+` && document.readyState === "complete"`); err != nil {
		t.Fatalf("打开 %s：%v", path, err)
	}
}

// axeCheck injects axe-core, runs it with its default rules (WCAG 2 A/AA and best practice) and
// returns the serious and critical violations and the page's same-site links.
func axeCheck(t *testing.T, ctx context.Context, p *page, axe string) ([]axeViolation, []string) {
	t.Helper()
	if err := p.eval(ctx, axe+";true", nil); err != nil {
		t.Fatalf("载入 axe-core：%v", err)
	}
	var out struct {
		Violations []axeViolation `json:"violations"`
		Links      []string       `json:"links"`
	}
	run := `axe.run(document, {resultTypes: ["violations"]}).then(r => ({
		violations: r.violations.filter(v => v.impact === "serious" || v.impact === "critical").map(v => ({id: v.id, impact: v.impact, help: v.help,
			nodes: v.nodes.slice(0, 5).map(n => n.target.join(" ") + "：" + (n.failureSummary || "").replace(/\s+/g, " "))})),
		links: [...document.querySelectorAll("a[href]")].filter(a => a.origin === location.origin).map(a => a.pathname + a.search)}))`
	if err := p.evalAsync(ctx, run, &out); err != nil {
		t.Fatalf("运行 axe-core：%v", err)
	}
	return out.Violations, out.Links
}

// evalAsync is eval for an expression whose value is a promise.
func (p *page) evalAsync(ctx context.Context, expr string, out any) error {
	var res struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text      string `json:"text"`
			Exception struct {
				Description string `json:"description"`
			} `json:"exception"`
		} `json:"exceptionDetails"`
	}
	if err := p.b.call(ctx, p.session, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true, "awaitPromise": true}, &res); err != nil {
		return err
	}
	if res.ExceptionDetails != nil {
		return fmt.Errorf("脚本出错：%s %s", res.ExceptionDetails.Text, res.ExceptionDetails.Exception.Description)
	}
	return json.Unmarshal(res.Result.Value, out)
}

// TestA11yKeyboardApply fills and submits the public 行政复议 application form with the keyboard
// only: Tab moves through every required field in order and on to the submit button, values are
// typed (selects by arrow key, dates by digits), and Enter on the button posts the application.
func TestA11yKeyboardApply(t *testing.T) {
	requireE2E(t)
	chrome := chromiumPath(t)
	bin := binary(t)
	data, dsn := demoData(t)
	srv := startServer(t, bin, data, dsn)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	b := startBrowser(t, chrome)
	p, err := b.newPage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fdOpen(t, ctx, p, srv, "/public/reconsider/apply")

	learned := time.Now().In(time.FixedZone("CST", 8*3600)).AddDate(0, 0, -10).Format("20060102")
	values := map[string]string{"applicant_name": "键盘用户", "id_number": "11010519491231002X", "phone": "13800138000",
		"respondent": "青山县公安局", "act_title": "青公（治）决字〔2026〕88号", "learned_on": learned,
		"requests": "撤销行政处罚决定", "facts": "事实不清，证据不足。"}
	required := []string{"organ_id", "applicant_name", "id_number", "phone", "respondent", "act_type", "act_title", "learned_on", "requests", "facts"}
	var order []string
	done := map[string]bool{}
	reached := false
	for i := 0; i < 150 && !reached; i++ {
		p.key(ctx, "Tab", 9, "")
		var f struct {
			Tag    string `json:"tag"`
			Name   string `json:"name"`
			Type   string `json:"type"`
			InForm bool   `json:"inForm"`
			Value  string `json:"value"`
		}
		if err := p.eval(ctx, `(() => { const e = document.activeElement || document.body;
			return {tag: e.tagName, name: e.name || "", type: e.type || "", value: e.value || "",
				inForm: !!e.closest('form[action="/public/reconsider/apply"]')}; })()`, &f); err != nil {
			t.Fatal(err)
		}
		if !f.InForm {
			continue
		}
		if f.Tag == "BUTTON" && f.Type == "submit" {
			reached = true
			break
		}
		if done[f.Name] {
			continue // the next segment of a date field
		}
		done[f.Name] = true
		order = append(order, f.Name)
		switch {
		case f.Tag == "SELECT" && f.Value == "":
			p.key(ctx, "ArrowDown", 40, "") // the first real choice
		case f.Type == "date" && values[f.Name] != "":
			// The segments come in the browser locale's order (年/月/日 in zh-CN, 月/日/年 in en-US). Month
			// and day advance by themselves after two digits; the year takes up to six, so → follows it.
			var parts []string
			if err := p.eval(ctx, `new Intl.DateTimeFormat(navigator.language, {year: "numeric", month: "2-digit", day: "2-digit"})
				.formatToParts(new Date()).map(x => x.type).filter(x => x === "year" || x === "month" || x === "day")`, &parts); err != nil {
				t.Fatal(err)
			}
			v := values[f.Name]
			seg := map[string]string{"year": v[:4], "month": v[4:6], "day": v[6:]}
			for i, part := range parts {
				for _, c := range seg[part] {
					p.key(ctx, string(c), int(c), string(c))
				}
				if part == "year" && i < len(parts)-1 {
					p.key(ctx, "ArrowRight", 39, "")
				}
			}
			var got string
			p.eval(ctx, `document.activeElement.value`, &got)
			if want := v[:4] + "-" + v[4:6] + "-" + v[6:]; got != want {
				t.Errorf("键入日期 %s（顺序 %v）得到 %q", want, parts, got)
			}
		case values[f.Name] != "":
			if err := b.call(ctx, p.session, "Input.insertText", map[string]any{"text": values[f.Name]}, nil); err != nil {
				t.Fatal(err)
			}
		}
	}
	if !reached {
		t.Fatalf("按 Tab 150 次未到达“提交申请”按钮；经过的栏目：%v", order)
	}
	last := -1
	for _, name := range required {
		i := slices.Index(order, name)
		if i < 0 {
			t.Errorf("按 Tab 未经过必填栏目 %s；经过的栏目：%v", name, order)
		}
		if i < last {
			t.Errorf("栏目 %s 的焦点顺序与页面顺序不符：%v", name, order)
		}
		last = max(last, i)
	}
	var form map[string]string
	p.eval(ctx, `Object.fromEntries([...new FormData(document.querySelector('form[action="/public/reconsider/apply"]'))].filter(([k, v]) => typeof v === "string" && k !== "csrf"))`, &form)
	p.key(ctx, "Enter", 13, "\r")
	wctx, wcancel := context.WithTimeout(ctx, 20*time.Second)
	defer wcancel()
	if err := p.waitFor(wctx, `document.readyState === "complete" && !document.querySelector('form[action="/public/reconsider/apply"]') && document.body.innerText.includes("查询码")`); err != nil {
		var text string
		p.eval(ctx, `document.body.innerText`, &text)
		t.Fatalf("按 Enter 提交后没有得到收件回执：%v\n键入的表单：%v\n页面：\n%s", err, form, text)
	}
}

// key presses and releases one key (text for a printable one).
func (p *page) key(ctx context.Context, key string, code int, text string) {
	down := map[string]any{"type": "rawKeyDown", "key": key, "windowsVirtualKeyCode": code}
	if text != "" {
		down = map[string]any{"type": "keyDown", "key": key, "windowsVirtualKeyCode": code, "text": text}
	}
	if len(key) > 1 {
		down["code"] = key
	}
	if err := p.b.call(ctx, p.session, "Input.dispatchKeyEvent", down, nil); err != nil {
		p.b.t.Fatal(err)
	}
	if err := p.b.call(ctx, p.session, "Input.dispatchKeyEvent", map[string]any{"type": "keyUp", "key": key, "windowsVirtualKeyCode": code}, nil); err != nil {
		p.b.t.Fatal(err)
	}
}
