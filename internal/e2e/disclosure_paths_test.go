package e2e

import (
	"strings"
)

// The staff paths of a 政府信息公开 request, each walked on the real forms of the request page by the
// county 自然资源和规划局's liaison (qs_zrj): direct answer, 补正 answered, 补正 lapsed, extension,
// third-party consultation, fee notice and payment, fee lapsed, and every reply type of the reply
// form. The requests are registered on the staff form with receipt dates the test sets, so every
// deadline the page shows is checked against a date counted by hand on the 2026 notice:
// 中秋 09-25..09-27 and 国庆 10-01..10-07 off, 09-20 (Sunday) and 10-10 (Saturday) make-up workdays.

// The working days after Friday 2026-09-18, counted by hand:
//
//	09-20(补班) 1, 09-21..09-24 2–5, 09-28..09-30 6–8, 10-08 9, 10-09 10, 10-10(补班) 11,
//	10-12..10-16 12–16, 10-19..10-23 17–21, 10-26..10-30 22–26, 11-02..11-06 27–31,
//	11-09..11-13 32–36, 11-16..11-19 37–40.
const (
	pathReceived    = "2026-09-18" // Friday before 中秋 and 国庆
	pathAmendNotice = "2026-09-29" // 7 WD (第三十条): working day 7
	pathReplyDue    = "2026-10-22" // 20 WD (第三十三条第二款): working day 20
	replyRule       = "（答复申请（《政府信息公开条例》第三十三条第二款），延期最长20个工作日"
)

// register registers a request received in person on the staff form and returns its page's path.
func (d *discTour) register(name, received, description string) string {
	d.t.Helper()
	d.open("/disclosure/requests/new")
	d.run("选择受理机关", `(() => { const s = document.querySelector('form[action="/disclosure/requests/new"] select[name=organ_id]');
		const o = [...s.options].find(o => o.text === "青山县自然资源和规划局"); if (!o) return false; s.value = o.value; return true; })()`)
	d.submit("/disclosure/requests/new", map[string]string{"applicant_type": "natural_person", "applicant_name": name, "id_number": "11010519491231002X",
		"phone": "13900139002", "address": "青山县青山镇", "description": description, "form": "paper", "delivery": "pickup",
		"channel": "in_person", "received_on": received})
	d.wait("登记 "+name, `/^\/disclosure\/requests\/[^/]+$/.test(location.pathname) && location.pathname !== "/disclosure/requests/new" && document.body.innerText.includes("已登记，收件编号")`)
	var path string
	d.p.eval(d.ctx, `location.pathname`, &path)
	d.has("登记 "+name, name+"（自然人）", "当面提交", received+"（申请人提交政府信息公开申请之日（第三十一条第（一）项））", "审查中")
	return path
}

// step submits a form of the request page and waits for the flash (or the message) want.
func (d *discTour) step(action string, fields map[string]string, want string, more ...string) {
	d.t.Helper()
	d.run("标记旧页面", `(() => { window.fazhiStale = true; return true; })()`)
	d.submit(action, fields)
	d.wait(action+" → "+want, `!window.fazhiStale && document.body.innerText.includes(`+jsString(want)+`)`)
	d.has(action, append([]string{want}, more...)...)
}

// staffPaths walks every staff path; the browser is signed in as qs_zrj at a desktop size.
func (d *discTour) staffPaths() {
	t := d.t
	d.login("qs_zrj")

	// Direct answer on the last day: 20 WD across 中秋, 国庆 and both make-up days.
	d.register("直接答复甲", pathReceived, "2025年度本局政府信息公开工作年度报告")
	d.has("直接答复：期限", "补正告知期限\n"+pathAmendNotice+"（一次性告知补正（《政府信息公开条例》第三十条））", "答复期限\n"+pathReplyDue+replyRule+"）")
	d.step("/reply", map[string]string{"on": pathReplyDue, "type": "disclose", "basis": "《政府信息公开条例》第三十六条第（二）项（予以公开）", "text": "见附件"},
		"已答复", "予以公开，"+pathReplyDue+"，按期", "政府信息予以公开告知书", "答复（审查中 → 已答复）")

	// A late answer the day after shows 逾期.
	d.register("逾期答复乙", pathReceived, "2025年度本局行政处罚决定目录")
	d.step("/reply", map[string]string{"on": "2026-10-23", "type": "disclose", "text": "见附件"}, "已答复", "予以公开，2026-10-23，\n逾期")

	// 补正 on the 7th working day (15 WD default period → 10-26); received 10-09, the clock restarts:
	// 20 WD from 10-09 is 11-05 (10-10 补班 1, 10-12..16 2–6, 10-19..23 7–11, 10-26..30 12–16, 11-02..05 17–20).
	d.register("补正答复丙", pathReceived, "村里的那个文件")
	d.step("/amend", map[string]string{"on": pathAmendNotice, "items": "请写明文件名称或文号"}, "已发出补正告知",
		"补正中", "申请人补正期限\n2026-10-26（逾期不补正视为放弃，第三十条）", "政府信息公开申请补正告知书")
	if strings.Contains(d.text(), "答复期限\n") {
		t.Errorf("补正中不应显示答复期限：\n%s", d.text())
	}
	d.step("/amended", map[string]string{"on": "2026-10-09", "text": "青山镇2026年土地整治项目实施方案"}, "已收到补正，答复期限重新起算",
		"审查中", "答复期限起算\n2026-10-09（收到补正之日，第三十条）", "答复期限\n2026-11-05"+replyRule+"）")
	if strings.Contains(d.text(), "补正告知期限") {
		t.Errorf("补正后不应再显示补正告知期限：\n%s", d.text())
	}
	d.step("/reply", map[string]string{"on": "2026-11-05", "type": "unable_unclear", "text": ""}, "已答复",
		"无法提供-补正后申请内容仍不明确，2026-11-05，按期", "政府信息无法提供告知书")

	// 补正 lapsed: a 5 WD period from 09-21 ends 09-29 (09-22..24, 09-28, 09-29); today is long after
	// it, so the liaison closes the request as deemed abandoned.
	d.register("补正逾期丁", pathReceived, "有关材料")
	d.step("/amend", map[string]string{"on": "2026-09-21", "items": "请写明所需信息的名称", "days": "5"}, "已发出补正告知",
		"申请人补正期限\n2026-09-29（逾期不补正视为放弃，第三十条）")
	d.step("/abandon", nil, "已答复", "其他处理-申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
		"政府信息公开申请不再处理告知书", "申请人无正当理由逾期不补正，视为放弃申请")
	// A staff-entered 补正 after the period needs the applicant's reason: checked on a fresh request.
	late := d.register("补正逾期戊", pathReceived, "有关材料")
	d.step("/amend", map[string]string{"on": "2026-09-21", "items": "请写明所需信息的名称", "days": "5"}, "已发出补正告知")
	d.step("/amended", map[string]string{"on": "2026-10-08", "text": "补正内容"}, "补正期限已于2026-09-29届满")
	d.open(late)
	d.has("逾期未补正", "补正中")

	// Extension of 20 WD on 10-20 (approved): 10-22 + 20 WD = 11-19. A 21-day extension is refused.
	d.register("延期答复己", pathReceived, "青山县2026年度建设用地供应计划")
	d.step("/extend", map[string]string{"on": "2026-10-20", "days": "21", "approver": "办公室主任 刘建华"}, "延长的期限应为1至20个工作日（第三十三条第二款）")
	d.step("/extend", map[string]string{"on": "2026-10-20", "days": "20", "approver": "办公室主任 刘建华"}, "已延期答复",
		"答复期限\n2026-11-19"+replyRule+"；已延期20个工作日，批准人办公室主任 刘建华）", "政府信息公开申请延期答复告知书")
	d.step("/reply", map[string]string{"on": "2026-11-19", "type": "partial", "text": "涉及个人隐私的部分已删除"}, "已答复", "部分公开，2026-11-19，按期")

	// Third-party consultation (第三十二条) sent 09-21: its 15 WD run to 10-19; while it is open the
	// answer period leaves out 09-22..10-19 (15 WD): 10-22 + 15 WD = 11-12. The opinion on 09-30
	// ends the stretch: 6 WD left out (09-22..24, 09-28..30), 10-22 + 6 WD = 10-30.
	d.register("征求意见庚", pathReceived, "某公司建设项目规划许可申请材料")
	d.step("/consult", map[string]string{"on": "2026-09-21", "kind": "third_party", "party": "青山县宏达置业有限公司"}, "已发出征求意见函，所需时间不计入答复期限",
		"征求意见中", "征求意见期限\n2026-10-19（征求意见（《政府信息公开条例》第三十二条、第三十四条），15个工作日，所需时间不计入答复期限）",
		"答复期限\n2026-11-12"+replyRule+"；不计入期限15个工作日）", "征求意见中：所需时间不计入答复期限（第三十三条第三款）",
		"征求第三方意见\n青山县宏达置业有限公司，2026-09-21 发函，等待意见", "政府信息公开征求第三方意见函")
	d.step("/consulted", map[string]string{"on": "2026-09-30", "opinion": "不同意公开，涉及商业秘密"}, "审查中",
		"答复期限\n2026-10-30"+replyRule+"；不计入期限6个工作日）", "青山县宏达置业有限公司，2026-09-21 发函，2026-09-30 不同意公开，涉及商业秘密")
	d.step("/reply", map[string]string{"on": "2026-10-30", "type": "withhold_third_party", "text": "第三方不同意公开，公开会损害其商业秘密"}, "已答复",
		"不予公开-保护第三方合法权益，2026-10-30，按期", "政府信息不予公开告知书")

	// Fee by volume (国办函〔2020〕109号): 50 pages = 20 × 10 元 = 200 元, computed. Notice 09-24, pay
	// within 20 WD → 10-29 (09-28 1 … 10-29 20); waiting stops the clock (the organ's default), so
	// unpaid the answer period leaves out 09-25..10-29 (20 WD): 10-22 + 20 WD = 11-19; paid on 10-09
	// it leaves out 5 WD (09-28..30, 10-08, 10-09): 10-22 + 5 WD = 10-29.
	d.register("收费辛", pathReceived, "本县2020年至2025年全部建设用地审批材料")
	d.step("/fee", map[string]string{"on": "2026-09-24", "mode": "volume", "pages": "50"}, "已发出收费通知：信息处理费200元",
		"待缴费", "信息处理费\n200元，缴费期限至2026-10-29；等待缴费期间答复期限暂停（本机关设置）",
		"答复期限\n2026-11-19"+replyRule+"；不计入期限20个工作日）", "等待缴费：本机关设置为等待缴费期间答复期限暂停", "政府信息公开信息处理费收费通知书")
	d.step("/fee_paid", map[string]string{"on": "2026-10-09"}, "审查中",
		"200元，缴费期限至2026-10-29，2026-10-09已缴", "答复期限\n2026-10-29"+replyRule+"；不计入期限5个工作日）")
	d.step("/reply", map[string]string{"on": "2026-10-29", "type": "disclose", "text": "见附件"}, "已答复", "予以公开，2026-10-29，按期")

	// Fee lapsed: 30 pages are free, 31 cost 10 元; unpaid after 10-29 the request is closed.
	d.register("逾期未缴费壬", pathReceived, "本县2025年全部建设用地审批材料")
	d.step("/fee", map[string]string{"on": "2026-09-24", "mode": "volume", "pages": "30"}, "30页未超过30页，按国办函〔2020〕109号不收费")
	d.step("/fee", map[string]string{"on": "2026-09-24", "mode": "volume", "pages": "31"}, "已发出收费通知：信息处理费10元")
	d.step("/fee_lapsed", nil, "已答复", "其他处理-申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "政府信息公开申请不再处理告知书")

	// Every reply type of the reply form, one request each, received 10-09 (Friday before the
	// make-up Saturday) and answered 10-12; "补正后申请内容仍不明确" after a 补正 on 10-10.
	var types [][2]string
	if err := d.p.eval(d.ctx, `[...document.querySelector('form[action$="/reply"] select[name=type]').options].map(o => [o.value, o.text])`, &types); err != nil {
		t.Fatal(err)
	}
	docTitle := map[string]string{"disclose": "政府信息予以公开告知书", "partial": "政府信息部分公开告知书", "withhold_query": "政府信息公开申请答复告知书",
		"unable_not_held": "政府信息无法提供告知书", "unable_create": "政府信息无法提供告知书", "unable_unclear": "政府信息无法提供告知书", "other": "政府信息公开申请处理结果告知书"}
	seen := map[string]bool{}
	for _, ty := range types {
		code, title := ty[0], ty[1]
		seen[code] = true
		want, ok := docTitle[code]
		switch {
		case ok:
		case strings.HasPrefix(code, "withhold_"):
			want = "政府信息不予公开告知书"
		case strings.HasPrefix(code, "no_action_"):
			want = "政府信息公开申请不予处理告知书"
		default:
			t.Fatalf("答复类型 %s（%s）没有预期的告知书", code, title)
		}
		d.register("答复类型"+code, "2026-10-09", "答复类型 "+title+" 的申请")
		if code == "unable_unclear" {
			d.step("/amend", map[string]string{"on": "2026-10-09", "items": "请写明所需信息"}, "已发出补正告知")
			d.step("/amended", map[string]string{"on": "2026-10-10", "text": "还是那个文件"}, "已收到补正")
		}
		d.step("/reply", map[string]string{"on": "2026-10-12", "type": code, "text": "答复说明：" + title}, "已答复", title+"，2026-10-12，按期", want)
	}
	for _, code := range []string{"disclose", "partial", "withhold_state_secret", "withhold_law", "withhold_security", "withhold_third_party", "withhold_internal",
		"withhold_process", "withhold_enforcement_file", "withhold_query", "unable_not_held", "unable_create", "unable_unclear", "no_action_petition",
		"no_action_repeat", "no_action_publication", "no_action_mass", "no_action_confirm", "other"} {
		if !seen[code] {
			t.Errorf("答复表单缺少答复类型 %s", code)
		}
	}
	if len(types) != 19 {
		t.Errorf("答复表单有 %d 种答复类型，应为 19 种（另两种由“视为放弃”“逾期未缴费”办理）：%v", len(types), types)
	}
}
