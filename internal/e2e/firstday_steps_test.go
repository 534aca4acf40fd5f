package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/db"
)

// firstDayRecords finds, in a copy of the demo data before its server starts, a 复议 draft of
// qs_fy's organ (aged three days so it is stale) and an accepted case against the 青山县公安局 that
// can be decided, with that organ's id.
type firstDayRecords struct {
	DraftID, DraftTitle string
	CaseID, PoliceID    string
}

func prepareFirstDay(t *testing.T, data, dsn string) firstDayRecords {
	t.Helper()
	ctx := context.Background()
	d, err := db.Open(ctx, dsn, data)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var r firstDayRecords
	var organ string
	if err := d.QueryRowContext(ctx, `SELECT m.organ_id FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.username = 'qs_fy' AND m.role = 'reconsider'`).Scan(&organ); err != nil {
		t.Fatalf("qs_fy 的机关：%v", err)
	}
	if err := d.QueryRowContext(ctx, `SELECT id, title FROM official_documents WHERE status = 'draft' AND owner_type = 'reconsider_case' AND organ_id = ? ORDER BY created_at, id LIMIT 1`, organ).Scan(&r.DraftID, &r.DraftTitle); err != nil {
		t.Fatalf("演示数据中没有复议文书草稿：%v", err)
	}
	if err := d.Tx(ctx, func(tx *db.Tx) error {
		return tx.Exec(ctx, `UPDATE official_documents SET created_at = ? WHERE id = ?`, db.Timestamp(time.Now().Add(-72*time.Hour)), r.DraftID)
	}); err != nil {
		t.Fatal(err)
	}
	if err := d.QueryRowContext(ctx, `SELECT c.id, c.respondent_id FROM reconsider_cases c JOIN organs o ON o.id = c.respondent_id
		WHERE c.organ_id = ? AND c.state = 'in_review' AND o.name = '青山县公安局' ORDER BY c.received_on, c.id LIMIT 1`, organ).Scan(&r.CaseID, &r.PoliceID); err != nil {
		t.Fatalf("演示数据中没有审理中的、被申请人为青山县公安局的案件：%v", err)
	}
	return r
}

// TestFirstDaySteps keeps issue 11's remaining defects fixed in Chromium: a draft left unissued for
// more than a day is on the clerk's workbench; 印发 and 作出决定 ask first and cancelling leaves
// everything as it was; the organ profile the administrator fills in reaches the 决定书 draft.
func TestFirstDaySteps(t *testing.T) {
	var rec firstDayRecords
	tr := startTour(t, func(_, data, dsn string) { rec = prepareFirstDay(t, data, dsn) })
	ctx, p, srv := tr.ctx, tr.p, tr.srv

	// The stale draft on the workbench, leading to its page.
	fdLogin(t, ctx, p, srv, "qs_fy")
	tr.open("/workbench")
	href := "/reconsider/documents/" + rec.DraftID
	var line string
	p.eval(ctx, `(() => { const a = document.querySelector('a[href="`+href+`"]'); return a ? a.closest("tr, li").innerText : ""; })()`, &line)
	if !strings.Contains(line, "印发"+rec.DraftTitle) || !strings.Contains(line, "未印发") {
		t.Fatalf("工作台没有列出三天未印发的草稿 %s：%q\n%s", rec.DraftTitle, line, tr.text())
	}

	// 印发 asks; cancelling sends nothing and the draft stays a draft.
	cancelled := func(what, submit, want string) {
		t.Helper()
		tr.run(what+"：拦截确认框", `(() => { window.__asked = ""; window.__stay = 1; window.confirm = m => { window.__asked = m; return false; }; return true; })()`)
		tr.run(what+"：提交", submit)
		time.Sleep(800 * time.Millisecond)
		var st struct {
			Asked string `json:"asked"`
			Stay  int    `json:"stay"`
		}
		p.eval(ctx, `({asked: window.__asked || "", stay: window.__stay || 0})`, &st)
		if !strings.Contains(st.Asked, want) || st.Stay != 1 {
			t.Errorf("%s：应先确认（%q）且取消后不提交，得到 %+v", what, want, st)
		}
	}
	tr.open(href)
	cancelled("印发", `(() => { document.querySelector('form[action$="/issue"] button').click(); return true; })()`, "确认印发")
	tr.open(href)
	if body := tr.text(); !strings.Contains(body, "草稿") || strings.Contains(body, "已印发") {
		t.Errorf("取消印发后文书不应印发：\n%s", body)
	}

	// 作出决定 asks; cancelling leaves the case in review.
	casePath := "/reconsider/cases/" + rec.CaseID
	tr.open(casePath)
	cancelled("作出决定", `(() => { const f = document.querySelector('form[action$="/decide"]'); f.closest("details").open = true;
		f.elements.outcome.value = "uphold"; if (f.elements.written_review) f.elements.written_review.value = "申请人经两次电话联系均未接听，书面审理。";
		f.requestSubmit(); return true; })()`, "确认作出行政复议决定")
	tr.open(casePath)
	tr.run("取消后仍可作出决定", `!!document.querySelector('form[action$="/decide"]')`)

	// The administrator fills in the 公安局's profile; the 决定书 drafted afterwards carries it.
	fdLogin(t, ctx, p, srv, "admin")
	tr.open("/admin/organs/" + rec.PoliceID + "/profile")
	tr.run("填写机关信息", `(() => { const f = document.querySelector('form[action$="/profile"]'); f.elements.address.value = "青山县解放路12号";
		f.elements.legal_rep.value = "赵六"; f.elements.legal_rep_title.value = "局长"; f.querySelector("button.primary, button").click(); return true; })()`)
	tr.wait("保存机关信息", `location.pathname === "/admin/organs" && document.body.innerText.includes("已保存青山县公安局的机关资料")`)
	fdLogin(t, ctx, p, srv, "qs_fy")
	tr.open(casePath)
	tr.run("作出决定（确认）", `(() => { window.confirm = () => true; const f = document.querySelector('form[action$="/decide"]'); f.closest("details").open = true;
		f.elements.outcome.value = "uphold"; if (f.elements.written_review) f.elements.written_review.value = "申请人经两次电话联系均未接听，书面审理。";
		f.requestSubmit(); return true; })()`)
	tr.wait("决定后的案件页", `location.pathname === `+jsString(casePath)+` && document.body.innerText.includes("行政复议决定书")`)
	var dec string
	p.eval(ctx, `(() => { const a = Array.from(document.querySelectorAll('a[href^="/reconsider/documents/"]')).find(a => a.textContent.includes("决定书")); return a ? a.getAttribute("href") : ""; })()`, &dec)
	if dec == "" {
		t.Fatalf("决定后案件页没有决定书：\n%s", tr.text())
	}
	tr.open(dec)
	if body := tr.text(); !strings.Contains(body, "住所地青山县解放路12号") || !strings.Contains(body, "法定代表人：赵六，局长") {
		t.Errorf("决定书草稿没有带出被申请人的地址和法定代表人：\n%s", body)
	}
}

// TestNextYearBannerTour: from November, with next year's holiday notice not loaded, the clerk's
// workbench says so and the calendar administrator's links to the form (FAZHI_TEST_TODAY fixes the
// date the server's calendar.Today reads).
func TestNextYearBannerTour(t *testing.T) {
	t.Setenv("FAZHI_TEST_TODAY", "2026-11-16")
	tr := startTour(t)
	fdLogin(t, tr.ctx, tr.p, tr.srv, "qs_fy")
	tr.open("/workbench")
	var banner string
	tr.p.eval(tr.ctx, `(document.querySelector("p.notice") || {}).innerText || ""`, &banner)
	if !strings.Contains(banner, "尚未录入 2027 年国务院节假日安排") || !strings.Contains(banner, "预估") {
		t.Errorf("11 月起工作台应提示 2027 年节假日安排未录入：%q", banner)
	}
	fdLogin(t, tr.ctx, tr.p, tr.srv, "admin")
	tr.open("/workbench")
	tr.run("管理员的提示链接到日历录入", `!!document.querySelector('p.notice a[href="/admin/calendar?year=2027"]')`)
}
