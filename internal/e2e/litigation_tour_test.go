package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestLitigationTour drives the 行政应诉 exchange in headless Chromium with the three demo accounts
// of the county: the court's liaison registers a case with its three uploads, the agency's liaison
// signs for it, drafts the answer, the 司法局 reviews it, the agency submits it with its 答辩状 and
// the court's liaison signs for the submission. With FAZHI_SCREENSHOTS=1 it saves
// docs/screenshots/litigation-case.png (the case page with the exchange thread) and litigation-list.png.
func TestLitigationTour(t *testing.T) {
	tr := startTour(t)
	ctx, b, p := tr.ctx, tr.b, tr.p
	text, run, wait, open := tr.text, tr.run, tr.wait, tr.open
	login := func(username string) {
		t.Helper()
		// One browser, three people: each signs in afresh with no cookie of the last.
		if err := b.call(ctx, p.session, "Network.clearBrowserCookies", nil, nil); err != nil {
			t.Fatal(err)
		}
		open("/login")
		run("登录 "+username, `(() => { const f = document.querySelector('form[action="/login"]');
			f.querySelector('input[name=username]').value = `+jsString(username)+`;
			f.querySelector('input[name=password]').value = `+jsString(demoPassword)+`;
			f.querySelector('button').click(); return true; })()`)
		wait("登录 "+username, `location.pathname !== "/login"`)
	}
	// submit fills a case-page form (field → value), attaches files (field → name) as a person
	// choosing them would, accepts its confirmation and submits it.
	submit := func(action string, fields, files map[string]string) {
		t.Helper()
		var js strings.Builder
		js.WriteString(`(() => { window.confirm = () => true; const f = document.querySelector('form[action$="` + action + `"]'); if (!f) return false;
			const d = f.closest('details'); if (d) d.open = true;`)
		for k, v := range fields {
			fmt.Fprintf(&js, `f.querySelector('[name=%s]').value = %s;`, k, jsString(v))
		}
		for k, name := range files {
			fmt.Fprintf(&js, `{ const dt = new DataTransfer(); dt.items.add(new File(["%%PDF-1.4 " + %s], %s, {type: "application/pdf"})); f.querySelector('input[name=%s]').files = dt.files; }`,
				jsString(name), jsString(name), k)
		}
		js.WriteString(`f.requestSubmit(f.querySelector('button.primary, button')); return true; })()`)
		run("提交 "+action, js.String())
	}
	var caseURL string
	atCase := func(what, want string) {
		t.Helper()
		wait(what, `location.pathname === `+jsString(caseURL)+` && document.body.innerText.includes(`+jsString(want)+`)`)
	}

	// 1. The court's liaison registers the case with the 起诉状副本, 应诉通知书 and 举证通知书.
	docket := fmt.Sprintf("（%d）豫0182行初%d号", time.Now().Year(), 90000+time.Now().Nanosecond()%9999)
	login("qs_fyll")
	open("/litigation/cases/new")
	run("选择被告", `(() => { const s = document.querySelector('select[name=defendant_id]');
		const o = [...s.options].find(o => o.text.includes("公安局")); if (!o) return false; s.value = o.value; return true; })()`)
	run("选择行为类别", `(() => { const s = document.querySelector('select[name=act_type]'); s.value = "行政处罚"; return s.value === "行政处罚"; })()`)
	submit(`/litigation/cases`, map[string]string{"docket": docket, "plaintiff_name": "张三", "act": "青公（治）行罚决字〔2026〕15号行政处罚决定"},
		map[string]string{"file_complaint": "起诉状副本.pdf", "file_notice": "应诉通知书.pdf", "file_evidence_notice": "举证通知书.pdf"})
	wait("登记", `/^\/litigation\/cases\/[0-9A-Z]{20,}$/.test(location.pathname)`)
	if err := p.eval(ctx, `location.pathname`, &caseURL); err != nil {
		t.Fatal(err)
	}
	atCase("登记后", "收案待签收")

	// 2. The agency's liaison signs: the service, the answer clock starts; the answer packet is drafted.
	login("qs_gaj")
	open(caseURL)
	submit("/sign", nil, nil)
	atCase("签收", "答辩期间")
	if body := text(); !strings.Contains(body, "行政答辩状") || !strings.Contains(body, "提交答辩状及证据、依据") {
		t.Fatalf("签收后没有答辩期限或答辩状草稿：\n%s", body)
	}
	submit("/draft", map[string]string{"facts": "原告违法事实清楚，证据确凿，处罚程序合法。"}, nil)
	atCase("报送初稿", "初稿报司法局")

	// 3. The 司法局 reviews the draft.
	login("qs_fy")
	open(caseURL)
	submit("/review", map[string]string{"comments": "补充作出处罚所依据的法律条款。"}, nil)
	atCase("审核", "补充作出处罚所依据的法律条款")

	// 4. The agency submits the 答辩状 and the evidence list to the court.
	login("qs_gaj")
	open(caseURL)
	submit("/answer", nil, map[string]string{"file_answer": "答辩状.pdf", "file_evidence_list": "证据目录.pdf"})
	atCase("提交答辩", "已答辩")

	// 5. The court's liaison signs for the submission: nothing in the thread waits any more.
	login("qs_fyll")
	open(caseURL)
	submit("/court_sign", nil, nil)
	wait("法院签收", `location.pathname === `+jsString(caseURL)+` && !document.body.innerText.includes("待签收") && document.body.innerText.includes("答辩状.pdf")`)
	run("滚动到送达往来", `(() => { const h = [...document.querySelectorAll('h2')].find(h => h.textContent.includes("送达往来")); if (!h) return false; h.scrollIntoView(); window.scrollBy(0, -80); return true; })()`)
	saveScreenshot(t, ctx, p, "litigation-case.png")
	open("/litigation/cases")
	wait("案件清单", `document.body.innerText.includes(`+jsString(docket)+`)`)
	saveScreenshot(t, ctx, p, "litigation-list.png")
}
