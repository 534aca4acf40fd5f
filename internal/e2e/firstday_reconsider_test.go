package e2e

import (
	"context"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestReconsiderFirstDay walks issue 11's 行政复议 fixes in Chromium: a citizen applies online, the
// answer is a redirect to the receipt (a refresh shows it again, the form sent again makes no second
// case), looks the case up and sees the stage bar on a phone-sized window; the clerk's case page says
// what comes next. FAZHI_SCREENSHOTS=1 saves the receipt, the phone progress page and the case page.
func TestReconsiderFirstDay(t *testing.T) {
	requireE2E(t)
	bin := binary(t)
	data, dsn := demoData(t)
	srv := startServer(t, bin, data, dsn)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	b := startBrowser(t, chromiumPath(t))
	p, err := b.newPage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	text := func() string {
		var s string
		p.eval(ctx, `document.body ? document.body.innerText : ""`, &s)
		return s
	}
	fill := func(vals map[string]string) {
		t.Helper()
		js := `(() => { const f = document.querySelector('form[action="/public/reconsider/apply"]');`
		for k, v := range vals {
			js += `f.elements[` + jsString(k) + `].value = ` + jsString(v) + `;`
		}
		js += `f.querySelector('button.primary, button[type=submit], button').click(); return true; })()`
		if err := p.eval(ctx, js, nil); err != nil {
			t.Fatal(err)
		}
	}
	apply := func() {
		t.Helper()
		if err := p.waitFor(ctx, `!!document.querySelector('form[action="/public/reconsider/apply"] select[name=organ_id] option')`); err != nil {
			t.Fatal(err)
		}
		var organ string
		p.eval(ctx, `Array.from(document.querySelectorAll('select[name=organ_id] option')).find(o => o.textContent.includes("青山县人民政府")).value`, &organ)
		fill(map[string]string{"organ_id": organ, "applicant_kind": "natural", "applicant_name": "陈一", "id_number": idNumber("11010119900307123"),
			"phone": "13800138000", "respondent": "青山县市场监督管理局", "act_type": "行政处罚", "act_title": "青市监处罚〔2026〕8号",
			"learned_on": time.Now().AddDate(0, 0, -3).Format("2006-01-02"), "requests": "撤销该行政处罚决定。", "facts": "认定事实不清。"})
		if err := p.waitFor(ctx, `location.pathname === "/public/reconsider/receipt" && document.readyState === "complete"`); err != nil {
			t.Fatalf("提交申请后未转到回执页：%v\n%s", err, text())
		}
	}
	receiptRE := regexp.MustCompile(`收件编号\s*(\S+)\s*查询码\s*(\d{6})`)

	if err := p.navigate(ctx, srv.Base+"/public/reconsider/apply"); err != nil {
		t.Fatal(err)
	}
	apply()
	m := receiptRE.FindStringSubmatch(text())
	if m == nil {
		t.Fatalf("回执页没有收件编号和查询码：\n%s", text())
	}
	receipt, code := m[1], m[2]
	saveScreenshot(t, ctx, p, "reconsider-receipt.png")
	// A refresh shows the same receipt; it sends nothing.
	p.eval(ctx, `location.reload()`, nil)
	time.Sleep(300 * time.Millisecond)
	p.waitFor(ctx, `document.readyState === "complete"`)
	if again := receiptRE.FindStringSubmatch(text()); again == nil || again[1] != receipt || again[2] != code {
		t.Fatalf("刷新回执页后收件编号或查询码变了：%v，原为 %s %s", again, receipt, code)
	}
	// The same application filled in and sent again within minutes: no second case.
	if err := p.navigate(ctx, srv.Base+"/public/reconsider/apply"); err != nil {
		t.Fatal(err)
	}
	apply()
	if body := text(); !strings.Contains(body, receipt) || !strings.Contains(body, "未重复登记") {
		t.Fatalf("再次提交同一申请应显示原收件编号 %s：\n%s", receipt, body)
	}

	// The progress page on a phone-sized window: the stage bar with the next date.
	if err := p.navigate(ctx, srv.Base+"/public/reconsider/progress"); err != nil {
		t.Fatal(err)
	}
	p.waitFor(ctx, `!!document.querySelector('form[action="/public/reconsider/progress"] input[name=code]')`)
	p.eval(ctx, `(() => { const f = document.querySelector('form[action="/public/reconsider/progress"]');
		f.elements.receipt_no.value = `+jsString(receipt)+`; f.elements.code.value = `+jsString(code)+`; f.querySelector('button').click(); return true; })()`, nil)
	if err := p.waitFor(ctx, `location.search.startsWith("?t=") && !!document.querySelector("ol.stages")`); err != nil {
		t.Fatalf("查询进度：%v\n%s", err, text())
	}
	if err := b.call(ctx, p.session, "Emulation.setDeviceMetricsOverride", map[string]any{"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": true}, nil); err != nil {
		t.Fatal(err)
	}
	var fits bool
	p.eval(ctx, `document.documentElement.scrollWidth <= window.innerWidth + 1`, &fits)
	if !fits {
		t.Error("进度页在手机宽度下出现横向滚动")
	}
	if body := text(); !strings.Contains(body, "受理") || !strings.Contains(body, "预计") {
		t.Errorf("进度条缺少阶段或预计日期：\n%s", body)
	}
	savePNG(t, ctx, p, "reconsider-progress-phone.png")
	// The public header on the phone: the menu is one scrollable line under the brand, not a tall
	// column (issue 14), and every link is still reachable.
	var hdr struct {
		Height float64 `json:"h"`
		Rows   int     `json:"rows"`
		Links  int     `json:"links"`
		Scroll bool    `json:"scroll"`
	}
	p.eval(ctx, `(() => { const h = document.querySelector("header.top"), n = h.querySelector("nav.main"); const links = Array.from(n.querySelectorAll("a"));
		return {h: h.getBoundingClientRect().height, rows: new Set(links.map(a => Math.round(a.getBoundingClientRect().top))).size, links: links.length,
			scroll: getComputedStyle(n).overflowX === "auto"}; })()`, &hdr)
	if hdr.Height > 100 || hdr.Rows != 1 || hdr.Links < 6 || !hdr.Scroll {
		t.Errorf("手机宽度下公众页头应为一行可横向滚动的菜单且不高于 100 像素：%+v", hdr)
	}
	savePNG(t, ctx, p, "public-header-phone.png")
	if err := b.call(ctx, p.session, "Emulation.setDeviceMetricsOverride", map[string]any{"width": 1366, "height": 768, "deviceScaleFactor": 1, "mobile": false}, nil); err != nil {
		t.Fatal(err)
	}

	// The clerk's case page says what is expected next.
	fdLogin(t, ctx, p, srv, "qs_fy")
	fdOpen(t, ctx, p, srv, "/reconsider/cases")
	var href string
	p.eval(ctx, `(() => { const r = Array.from(document.querySelectorAll('table a[href^="/reconsider/cases/"]')).find(a => a.textContent.includes(`+jsString(receipt)+`)); return r ? r.getAttribute("href") : ""; })()`, &href)
	if href == "" {
		t.Fatalf("案件列表里没有收件 %s：\n%s", receipt, text())
	}
	fdOpen(t, ctx, p, srv, href)
	var next string
	p.eval(ctx, `(document.querySelector(".next-step") || {}).innerText || ""`, &next)
	if !strings.Contains(next, "下一步") || !strings.Contains(next, "受理审查") {
		t.Errorf("案件页顶部没有下一步：%q", next)
	}
	saveScreenshot(t, ctx, p, "reconsider-case-next-step.png")
}

// savePNG writes a screenshot of any size (saveScreenshot insists on 1366×768) when FAZHI_SCREENSHOTS=1.
func savePNG(t *testing.T, ctx context.Context, p *page, file string) {
	t.Helper()
	img, err := p.screenshot(ctx)
	if err != nil {
		t.Fatalf("截图 %s 失败：%v", file, err)
	}
	if os.Getenv(envScreenshots) != "1" {
		return
	}
	if err := os.WriteFile(filepath.Join(moduleRoot(t), "docs", "screenshots", file), img, 0o644); err != nil {
		t.Fatal(err)
	}
}

// idNumber completes a 17-digit 身份证号 with its GB 11643 check digit.
func idNumber(first17 string) string {
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(first17[i]-'0') * w
	}
	return first17 + string("10X98765432"[sum%11])
}
