package e2e

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/calendar"
)

// TestDisclosureTour drives one 政府信息公开 request in headless Chromium from the public page to
// the applicant's download: an applicant with no account applies to the county's 自然资源和规划局
// and keeps the receipt number and query code (a refresh neither shows the code again nor
// submits again); the bureau's liaison (qs_zrj) sends the one-time 补正 notice; the applicant
// enters the 补正 on the progress page; the liaison extends the period with the approver named,
// answers 部分公开 with its legal basis and the redaction note, issues the drafted 部分公开告知书
// and attaches the released file; the applicant, on a phone-sized window, reads the reply and
// downloads the file with the query code. Each page's state, deadlines and articles are checked
// against the fazhi calendar. On the same server and browser the liaison then walks every other
// path on the request page's forms (disclosure_paths_test.go). With FAZHI_SCREENSHOTS=1 it saves docs/screenshots/
// disclosure-public-apply.png, disclosure-request.png and disclosure-progress-phone.png.
func TestDisclosureTour(t *testing.T) {
	tr := startTour(t)
	// The one server and browser also walk every staff path (disclosure_paths_test.go): more than tourkit's three minutes.
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	tr.ctx = ctx
	dt := &discTour{tour: tr}
	b, p := tr.b, tr.p
	text, run, wait, open := tr.text, tr.run, tr.wait, tr.open
	has, signOut, login, submit := dt.has, dt.signOut, dt.login, dt.submit

	cal := calendar.Default()
	today := calendar.InShanghai(time.Now())
	amendNoticeDue := cal.AddWorkingDays(today, 7) // 第三十条
	amendDue := cal.AddWorkingDays(today, 15)      // the organ's default 补正 period
	replyDue := cal.AddWorkingDays(today, 20)      // 第三十三条第二款, from the day the 补正 is received (today)
	extendedDue := cal.AddWorkingDays(replyDue, 10)
	// shown is a deadline as the request page prints it: 预估 after it when it lies past the loaded holiday notices.
	shown := func(d calendar.Date) string {
		if cal.Estimated(d) {
			return d.String() + "预估"
		}
		return d.String()
	}
	applicant := "陈" + string([]rune("建国立新海燕志强")[time.Now().Nanosecond()%4*2:][:2])
	const (
		description = "本村2026年度集体土地征收补偿安置方案"
		amendItems  = "请写明所在村（社区）名称及地块位置"
		amendText   = "青山镇柳树村，村东3号地块"
		basis       = "《政府信息公开条例》第三十七条（区分处理，部分公开）"
		redaction   = "方案附表中被征收户的身份证号码、银行账号属于个人隐私，已作区分处理后删除"
		released    = "柳树村3号地块征收补偿安置方案（区分处理后）：补偿标准每亩4.2万元。\n"
		fileName    = "补偿安置方案.txt"
	)

	// 1. The applicant applies on the public page, no login.
	signOut()
	open("/public/disclosure/apply")
	has("申请页面", "申请政府信息公开", "第三十一条", "20个工作日")
	run("选择受理机关", `(() => { const s = document.querySelector('select[name=organ_id]');
		const o = [...s.options].find(o => o.text === "青山县自然资源和规划局"); if (!o) return false; s.value = o.value; return true; })()`)
	run("填写申请表", `(() => { const f = document.querySelector('form[action="/public/disclosure/apply"]'); const set = (n, v) => { f.querySelector('[name=' + n + ']').value = v; };
		set("applicant_type", "natural_person"); set("applicant_name", `+jsString(applicant)+`); set("id_number", "11010519491231002X");
		set("phone", "13900139001"); set("address", "青山县青山镇柳树村"); set("description", `+jsString(description)+`);
		set("purpose", "了解本户补偿标准"); set("form", "electronic"); set("delivery", "online"); return true; })()`)
	saveScreenshot(t, ctx, p, "disclosure-public-apply.png")
	run("提交申请", `(() => { const f = document.querySelector('form[action="/public/disclosure/apply"]'); f.requestSubmit(f.querySelector('button')); return true; })()`)
	wait("回执", `location.pathname === "/public/disclosure/receipt" && !!document.querySelector("dl.facts")`)
	has("回执", "政府信息公开申请已提交", "收件编号", "查询码", "查询码只在本页显示一次", "20个工作日", "第三十三条", "7个工作日内一次性告知补正（第三十条）")
	var receipt struct {
		No   string `json:"no"`
		Code string `json:"code"`
	}
	if err := p.eval(ctx, `(() => { const dd = [...document.querySelectorAll("dl.facts dd")].map(d => d.innerText.trim()); return {no: dd[0] || "", code: dd[1] || ""}; })()`, &receipt); err != nil || receipt.No == "" || receipt.Code == "" {
		t.Fatalf("回执没有收件编号或查询码（%v）：%+v\n%s", err, receipt, text())
	}
	// A refresh reloads the receipt by GET: the code is gone and nothing is submitted again (checked on the staff list below).
	if err := b.call(ctx, p.session, "Page.reload", map[string]any{"ignoreCache": true}, nil); err != nil {
		t.Fatal(err)
	}
	wait("刷新回执", `document.body.innerText.includes("查询码已经显示过")`)
	if body := text(); strings.Contains(body, receipt.Code) || !strings.Contains(body, receipt.No) {
		t.Fatalf("刷新后的回执：\n%s", body)
	}

	// 2. The bureau's liaison finds it once on the list and sends the one-time 补正 notice.
	login("qs_zrj")
	open("/disclosure/requests")
	var rows int
	if err := p.eval(ctx, `[...document.querySelectorAll("tbody tr")].filter(tr => tr.innerText.includes(`+jsString(applicant)+`)).length`, &rows); err != nil || rows != 1 {
		t.Fatalf("申请清单中 %s 的申请有 %d 件，应为 1 件（刷新回执不应重复提交）：%v\n%s", applicant, rows, err, text())
	}
	var reqURL string
	if err := p.eval(ctx, `(() => { const a = [...document.querySelectorAll('a[href^="/disclosure/requests/"]')].find(a => a.closest("tr") && a.closest("tr").innerText.includes(`+jsString(receipt.No)+`)); return a ? a.getAttribute("href") : ""; })()`, &reqURL); err != nil || reqURL == "" {
		t.Fatalf("清单中找不到收件编号 %s 的链接：%v\n%s", receipt.No, err, text())
	}
	open(reqURL)
	has("申请页面（新收）", receipt.No, "审查中", "青山县自然资源和规划局", applicant, "（自然人）", "互联网渠道", "双方确认之日（第三十一条第（三）项）", description, "了解本户补偿标准",
		"答复期限起算", "补正告知期限\n"+shown(amendNoticeDue)+"（一次性告知补正（《政府信息公开条例》第三十条））",
		"答复期限\n"+shown(replyDue)+"（答复申请（《政府信息公开条例》第三十三条第二款），延期最长20个工作日）")
	at := func(what string, wants ...string) {
		t.Helper()
		wait(what, `location.pathname === `+jsString(reqURL)+` && document.body.innerText.includes(`+jsString(wants[0])+`)`)
		has(what, wants...)
	}
	submit("/amend", map[string]string{"items": amendItems})
	at("发出补正告知", "已发出补正告知", "补正中", "申请人补正期限\n"+shown(amendDue)+"（逾期不补正视为放弃，第三十条）", "政府信息公开申请补正告知书")
	if body := text(); strings.Contains(body, "答复期限\n") {
		t.Errorf("补正期间不应显示答复期限（答复期限自收到补正之日起算）：\n%s", body)
	}

	// 3. The applicant enters the 补正 on the progress page with the query code.
	signOut()
	open("/public/disclosure/progress")
	lookup := func(what string) {
		t.Helper()
		submit("/public/disclosure/progress", map[string]string{"receipt_no": receipt.No, "code": receipt.Code})
		wait(what, `!!document.querySelector("dl.facts")`)
	}
	lookup("查询进度（补正中）")
	has("查询进度（补正中）", "青山县自然资源和规划局", "补正中", "提交补正（补正事项："+amendItems+"；期限至 "+amendDue.String()+"）")
	submit("/public/disclosure/progress/amend", map[string]string{"text": amendText})
	wait("提交补正", `location.pathname === "/public/disclosure/progress" && document.body.innerText.includes("补正已提交")`)
	has("提交补正", "答复期限自今日重新起算")

	// 4. The liaison extends with the approver named, answers 部分公开, issues the notice and attaches the file.
	login("qs_zrj")
	open(reqURL)
	has("收到补正后", "审查中", "答复期限起算\n"+today.String()+"（收到补正之日，第三十条）", "答复期限\n"+shown(replyDue)+"（答复申请", "申请人在线补正")
	submit("/extend", map[string]string{"days": "10", "approver": "县自然资源和规划局办公室主任 刘建华"})
	at("延期答复", "已延期答复", "答复期限\n"+shown(extendedDue)+"（答复申请（《政府信息公开条例》第三十三条第二款），延期最长20个工作日；已延期10个工作日，批准人县自然资源和规划局办公室主任 刘建华）",
		"政府信息公开申请延期答复告知书")
	submit("/reply", map[string]string{"type": "partial", "basis": basis, "text": redaction})
	at("答复", "已答复", "部分公开，"+today.String()+"，按期", basis, redaction, "政府信息部分公开告知书",
		"一次性告知补正（审查中 → 补正中）：补正期限15个工作日，至"+amendDue.String(), "收到补正（补正中 → 审查中）：申请人在线补正", "答复（审查中 → 已答复）：部分公开；"+basis)
	var docURL string
	if err := p.eval(ctx, `(() => { const a = [...document.querySelectorAll('a[href^="/disclosure/documents/"]')].find(a => a.innerText.includes("部分公开告知书")); return a ? a.getAttribute("href") : ""; })()`, &docURL); err != nil || docURL == "" {
		t.Fatalf("申请页面没有部分公开告知书的链接：%v\n%s", err, text())
	}
	open(docURL)
	has("部分公开告知书（草稿）", "政府信息部分公开告知书", "草稿", receipt.No, redaction, "第三十七条", "六十日内", "青山县人民政府")
	submit("/issue", nil)
	wait("印发", `document.body.innerText.includes("已印发，文号")`)
	open(reqURL)
	run("选择公开的文件", `(() => { const f = document.querySelector('form[action$="/files"]'); if (!f) return false;
		f.querySelector('[name=label]').value = "公开的政府信息（区分处理后）";
		const dt = new DataTransfer(); dt.items.add(new File([`+jsString(strings.TrimSuffix(released, "\n"))+` + "\n"], `+jsString(fileName)+`, {type: "text/plain"}));
		f.querySelector('input[type=file]').files = dt.files; f.requestSubmit(f.querySelector('button')); return true; })()`)
	at("上传公开的信息", "已上传公开的信息", "公开的政府信息（区分处理后）："+fileName, "已印发")
	run("滚动到期限", `(() => { const h = [...document.querySelectorAll("h2")].find(h => h.textContent === "期限"); if (!h) return false; h.scrollIntoView(); window.scrollBy(0, -120); return true; })()`)
	saveScreenshot(t, ctx, p, "disclosure-request.png")

	// 5. The applicant, on a phone, reads the reply and downloads the released file with the query code.
	signOut()
	if err := b.call(ctx, p.session, "Emulation.setDeviceMetricsOverride", map[string]any{"width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": true}, nil); err != nil {
		t.Fatal(err)
	}
	open("/public/disclosure/progress")
	lookup("查询进度（已答复）")
	has("查询进度（已答复）", "已答复", "部分公开（"+today.String()+"）", basis, redaction,
		"答复文书和公开的信息", "政府信息部分公开告知书", "公开的政府信息（区分处理后）："+fileName, "先自收到答复之日起60日内申请行政复议",
		today.String()+" 收到补正：申请人在线补正", today.String()+" 答复：部分公开；"+basis)
	var fits bool
	if err := p.eval(ctx, `document.documentElement.scrollWidth <= window.innerWidth + 1`, &fits); err != nil || !fits {
		var w int
		p.eval(ctx, `document.documentElement.scrollWidth`, &w)
		t.Errorf("手机宽度（390）下进度页横向溢出：页面宽 %d", w)
	}
	var got struct {
		Status int    `json:"status"`
		Disp   string `json:"disp"`
		Body   string `json:"body"`
	}
	if err := p.evalAsync(ctx, `(async () => { const f = [...document.querySelectorAll('form[action="/public/disclosure/progress/download"]')].find(f => f.innerText.includes(`+jsString(fileName)+`));
		if (!f) return {status: 0, disp: "", body: ""};
		const r = await fetch(f.action, {method: "POST", body: new URLSearchParams(new FormData(f))});
		return {status: r.status, disp: r.headers.get("Content-Disposition") || "", body: await r.text()}; })()`, &got); err != nil {
		t.Fatal(err)
	}
	if got.Status != 200 || got.Body != released || !strings.Contains(got.Disp, "attachment") {
		t.Errorf("申请人下载公开的文件：HTTP %d，%q，正文 %q", got.Status, got.Disp, got.Body)
	}
	var docStatus int
	if err := p.evalAsync(ctx, `(async () => { const f = [...document.querySelectorAll('form[action="/public/disclosure/progress/download"]')].find(f => f.querySelector('[name=document]'));
		if (!f) return 0; const r = await fetch(f.action, {method: "POST", body: new URLSearchParams(new FormData(f))});
		const b = new Uint8Array(await r.arrayBuffer()); return b[0] === 0x50 && b[1] === 0x4b ? r.status : -r.status; })()`, &docStatus); err != nil || docStatus != 200 {
		t.Errorf("申请人下载部分公开告知书（DOCX）：%d %v", docStatus, err)
	}
	run("滚动到办理情况", `(() => { const d = document.querySelector("dl.facts"); if (!d) return false; d.scrollIntoView(); window.scrollBy(0, -16); return true; })()`)
	savePhoneScreenshot(t, ctx, p, "disclosure-progress-phone.png", 390, 844)

	// 6. Every other path, by staff on the request page's forms.
	if err := b.call(ctx, p.session, "Emulation.setDeviceMetricsOverride", map[string]any{"width": 1366, "height": 768, "deviceScaleFactor": 1, "mobile": false}, nil); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	dt.staffPaths()
	t.Logf("工作人员办理各路径用时 %s", time.Since(start).Round(time.Millisecond))
}

// discTour is a tour with the steps of the disclosure pages.
type discTour struct{ *tour }

// has fails the test for every wanted text the page lacks.
func (d *discTour) has(what string, wants ...string) {
	d.t.Helper()
	body := d.text()
	missing := false
	for _, w := range wants {
		if !strings.Contains(body, w) {
			d.t.Errorf("%s：页面缺少 %q", what, w)
			missing = true
		}
	}
	if missing {
		d.t.Fatalf("%s 的页面文字：\n%s", what, body)
	}
}

func (d *discTour) signOut() {
	d.t.Helper()
	if err := d.b.call(d.ctx, d.p.session, "Network.clearBrowserCookies", nil, nil); err != nil {
		d.t.Fatal(err)
	}
}

func (d *discTour) login(username string) {
	d.t.Helper()
	d.signOut()
	d.open("/login")
	d.run("登录 "+username, `(() => { const f = document.querySelector('form[action="/login"]');
		f.querySelector('input[name=username]').value = `+jsString(username)+`;
		f.querySelector('input[name=password]').value = `+jsString(demoPassword)+`;
		f.querySelector('button').click(); return true; })()`)
	d.wait("登录 "+username, `location.pathname !== "/login"`)
}

// submit fills the form whose action ends with action (name → value; a select takes the option
// value), opens its <details>, accepts any confirmation and submits it.
func (d *discTour) submit(action string, fields map[string]string) {
	d.t.Helper()
	var js strings.Builder
	js.WriteString(`(() => { window.confirm = () => true; const f = document.querySelector('form[action$="` + action + `"]'); if (!f) return false;
		const d = f.closest('details'); if (d) d.open = true;`)
	for k, v := range fields {
		fmt.Fprintf(&js, `{ const el = f.querySelector('[name=%s]'); if (!el) return false; el.value = %s; if (el.value !== %s) return false; }`, k, jsString(v), jsString(v))
	}
	js.WriteString(`f.requestSubmit(f.querySelector('button')); return true; })()`)
	d.run("提交 "+action, js.String())
}

// savePhoneScreenshot is saveScreenshot for a phone-sized viewport.
func savePhoneScreenshot(t *testing.T, ctx context.Context, p *page, file string, width, height int) {
	t.Helper()
	img, err := p.screenshot(ctx)
	if err != nil {
		t.Fatalf("截图 %s 失败：%v", file, err)
	}
	cfg, err := png.DecodeConfig(bytes.NewReader(img))
	if err != nil {
		t.Fatalf("截图 %s 不是 PNG：%v", file, err)
	}
	if cfg.Width != width || cfg.Height != height {
		t.Errorf("截图 %s 为 %d×%d，应为 %d×%d", file, cfg.Width, cfg.Height, width, height)
	}
	if os.Getenv(envScreenshots) != "1" {
		return
	}
	dest := filepath.Join(moduleRoot(t), "docs", "screenshots", file)
	if err := os.WriteFile(dest, img, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("已保存截图 %s", dest)
}
