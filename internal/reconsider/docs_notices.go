package reconsider

import (
	"fmt"
	"strings"
)

// ---- the documents ----

func (w *writer) acceptNotice() string {
	c := w.c
	first := w.you() + "于" + c.ReceivedOn.Chinese() + "提出的行政复议申请（收件编号：" + c.ReceiptNo + "），不服被申请人" + c.Respondent + w.act() + "。"
	if c.Deemed {
		first += "本机关在法定审查期限内未作出不予受理决定，依照" + law + "第三十条第三款的规定，该申请自" + c.AcceptedOn.Chinese() + "起视为受理，案号为" + c.Number + "。"
	} else {
		first += "经审查，该申请符合" + law + "第三十条第一款规定的受理条件，本机关决定自" + c.AcceptedOn.Chinese() + "起予以受理，案号为" + c.Number + "。"
	}
	proc := "本案适用普通程序审理。本机关将自受理之日起六十日内作出行政复议决定；情况复杂，不能在规定期限内作出决定的，经行政复议机构负责人批准，可以适当延长，并书面告知" + w.you() + "，但延长期限最多不超过三十日。"
	if c.Procedure == Simplified {
		proc = "依照该法第五十三条的规定，本案适用简易程序审理，本机关将自受理之日起三十日内作出行政复议决定。"
	}
	return lines(first, proc,
		"行政复议期间，"+w.you()+"可以按照规定查阅、复制被申请人提出的书面答复、作出行政行为的证据、依据和其他有关材料。",
		w.contact())
}

func (w *writer) replyNotice() string {
	c := w.c
	art, copyName := w.procedureArticle()
	days := "十日"
	if c.Procedure == Simplified {
		days = "五日"
	}
	return lines(
		"申请人"+c.ApplicantName+"不服你单位"+w.act()+"，于"+c.ReceivedOn.Chinese()+"向本机关申请行政复议，本机关已于"+c.AcceptedOn.Chinese()+"依法受理（案号："+c.Number+"）。现将"+copyName+"发送你单位。",
		"依照"+law+art+"的规定，请你单位自收到"+copyName+"之日起"+days+"内，提出书面答复，并提交作出行政行为的证据、依据和其他有关材料。",
		"你单位不按照上述规定提出书面答复、提交作出行政行为的证据、依据和其他有关材料的，视为该行政行为没有证据、依据，本机关将依照该法第七十条的规定作出行政复议决定。行政复议期间，你单位不得自行向申请人和其他有关单位或者个人收集证据。",
		w.contact(),
		"附件："+copyName)
}

// amendItems numbers the items to supply, one a line, dropping numbering the clerk typed.
func amendItems(s string) []string {
	var out []string
	for _, it := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '；' || r == ';' }) {
		it = trimEnd(stripNumber(it))
		if it != "" {
			out = append(out, fmt.Sprintf("%d．%s。", len(out)+1, it))
		}
	}
	return out
}

// stripNumber removes a leading 1. 1、 （1） (1) 一、 from an item.
func stripNumber(s string) string {
	s = strings.TrimSpace(s)
	r := []rune(s)
	i := 0
	paren := i < len(r) && (r[i] == '（' || r[i] == '(')
	if paren {
		i++
	}
	j := i
	for j < len(r) && (r[j] >= '0' && r[j] <= '9' || r[j] >= '０' && r[j] <= '９' || strings.ContainsRune("一二三四五六七八九十", r[j])) {
		j++
	}
	if j == i || j >= len(r) {
		return s
	}
	if !paren && j+1 < len(r) && (r[j] == '.' || r[j] == '．') && r[j+1] >= '0' && r[j+1] <= '9' {
		return s // 1.5万元 is a number, not a numbering
	}
	if paren && (r[j] == '）' || r[j] == ')') || !paren && strings.ContainsRune(".．、", r[j]) {
		return strings.TrimSpace(string(r[j+1:]))
	}
	return s
}

func (w *writer) amendNotice() string {
	c := w.c
	ls := []string{w.you() + "于" + c.ReceivedOn.Chinese() + "向本机关提出的行政复议申请（收件编号：" + c.ReceiptNo + "），不服被申请人" + c.Respondent + w.act() +
		"。经审查，申请材料不齐全或者表述不清楚，无法判断该申请是否符合" + law + "第三十条第一款的规定。依照该法第三十一条的规定，请" + w.you() + "补正以下事项："}
	ls = append(ls, amendItems(c.AmendItems)...)
	ls = append(ls,
		"请"+w.you()+"自收到本通知书之日起十日内向本机关提交补正材料。有正当理由不能按期补正的，可以向本机关说明理由，申请延长补正期限；无正当理由逾期不补正的，视为"+w.you()+"放弃行政复议申请，并记录在案。",
		"本机关收到补正材料后，将依照该法第三十条的规定处理。",
		w.contact())
	return lines(ls...)
}

func (w *writer) rejection() string {
	closeReason, prerequisite := strings.CutSuffix(w.c.CloseReason, prerequisiteMark)
	ground, competent, _ := strings.Cut(closeReason, "；有管辖权的行政复议机关：")
	reason := "经审查，本机关认为：" + trimEnd(ground) + "，该申请不符合" + law + "第三十条第一款规定的受理条件。"
	if competent = trimEnd(competent); competent != "" {
		reason += "该申请不属于本机关管辖，申请人可以向" + competent + "申请行政复议。"
	}
	// The remedy depends on whether reconsideration had to come first: Art. 34 gives 15 days from receipt to
	// sue; otherwise the applicant keeps the lawsuit against the original act (行政诉讼法第四十四条第一款).
	remedy := w.remedy()
	if prerequisite {
		remedy = "本案属于法律、行政法规规定应当先向行政复议机关申请行政复议的情形。申请人如不服本决定，可以依照" + law + "第三十四条的规定，自收到本决定书之日起十五日内，依法向人民法院提起行政诉讼。"
	} else {
		remedy += "申请人对原行政行为不服的，也可以依照《中华人民共和国行政诉讼法》的规定，就原行政行为依法向人民法院提起行政诉讼。"
	}
	return lines(w.parties(false), w.applied()+"。",
		reason+"依照该法第三十条第二款的规定，本机关决定不予受理。",
		remedy)
}

func splitPanel(s string) []string {
	return strings.FieldsFunc(s, func(r rune) bool { return r == '、' || r == ',' || r == '，' || r == ' ' })
}

func (w *writer) hearingNotice(x Hearing) string {
	place := strings.TrimSpace(x.Place)
	if place == "" {
		place = "【请填写听证地点】"
	}
	if x.Mode != "" && x.Mode != "inperson" {
		place += "（听证方式：" + HearingModes[x.Mode] + "）"
	}
	panel := splitPanel(x.Panel)
	people := "主持人【请填写】，听证员【请填写】"
	if len(panel) >= 3 {
		people = "主持人" + panel[0] + "，听证员" + strings.Join(panel[1:], "、")
	}
	return lines(
		"关于"+w.caseName()+"，本机关决定组织听证。依照"+law+"第五十一条的规定，现将有关事项通知如下：",
		"1．听证时间："+x.HeldOn.Chinese()+"【请填写具体时刻，如上午9时】。",
		"2．听证地点："+place+"。",
		"3．听证人员："+people+"。",
		"4．拟听证事项：被申请人"+w.act()+"是否合法、适当。",
		"5．申请人无正当理由拒不参加听证的，视为放弃听证权利。被申请人的负责人应当参加听证；不能参加的，应当说明理由并委托相应的工作人员参加听证。",
		"6．当事人委托代理人参加听证的，应当在听证前提交授权委托书。请携带身份证明和有关证据材料准时参加。",
		w.contact())
}

func (w *writer) suspendNotice(pz Suspension) string {
	c := w.c
	ground := ""
	if pz.Ground >= 1 && pz.Ground <= len(SuspendGrounds) {
		ground = SuspendGrounds[pz.Ground-1]
	}
	cause := "因" + ground
	if r := trimEnd(pz.Reason); r != "" {
		if pz.Ground == len(SuspendGrounds) { // 其他情形: the reason is the cause
			cause = "因" + r
		} else {
			cause += "（" + r + "）"
		}
	}
	return lines(
		"本机关于"+c.AcceptedOn.Chinese()+"受理的"+w.caseName()+"，"+cause+"，依照"+law+"第三十九条第一款第"+cnNum(pz.Ground)+"项的规定，本机关决定自"+pz.From.Chinese()+"起中止行政复议。",
		"行政复议中止的原因消除后，本机关将及时恢复审理，并书面告知你们。",
		w.contact())
}

func (w *writer) resumeNotice(pz Suspension) string {
	c := w.c
	from := "【请填写中止日期】"
	if !pz.From.IsZero() {
		from = pz.From.Chinese()
	}
	return lines(
		"本机关于"+c.AcceptedOn.Chinese()+"受理的"+w.caseName()+"，自"+from+"起中止行政复议。现中止的原因已经消除，依照"+law+"第三十九条第二款的规定，本机关决定自"+w.on.Chinese()+"起恢复审理。",
		w.contact())
}

func (w *writer) extensionNotice(note string) string {
	c := w.c
	var days int
	fmt.Sscanf(note, "延长%d日", &days)
	reason := "情况复杂"
	if _, r, ok := strings.Cut(note, "理由："); ok && trimEnd(r) != "" {
		reason = trimEnd(r)
	}
	dur := "【请填写延长的日数】"
	if days > 0 {
		dur = cnNum(days) + "日"
	}
	s := "本机关于" + c.AcceptedOn.Chinese() + "受理的" + w.caseName() + "，因" + reason + "，不能在规定期限内作出行政复议决定。经行政复议机构负责人批准，依照" + law + "第六十二条第一款的规定，本机关决定将行政复议期限延长" + dur + "。"
	if !c.Due.Decision.IsZero() {
		s += "本机关将于" + c.Due.Decision.Chinese() + "前作出行政复议决定。"
	}
	return lines(s, w.contact())
}

func (w *writer) termination() string {
	c := w.c
	item := 0
	for i, g := range TerminateGrounds {
		if g == c.CloseReason {
			item = i + 1
		}
	}
	var what string
	switch item {
	case 1:
		what = "本案审理过程中，申请人向本机关提出撤回行政复议申请"
		if c.Settled {
			what = "本案审理过程中，申请人与被申请人自愿达成和解，申请人向本机关提出撤回行政复议申请"
		}
		what += "，经审查，本机关准予撤回。"
	case 0:
		what = "本案审理过程中，出现" + trimEnd(c.CloseReason) + "的情形。"
	default:
		what = "本案审理过程中，出现" + c.CloseReason + "的情形。"
	}
	basis := law + "第四十一条"
	if item > 0 {
		basis += "第" + cnNum(item) + "项"
	}
	return lines(w.parties(true), w.applied()+"，本机关依法已予受理。", what,
		"依照"+basis+"的规定，本机关决定：终止本案的行政复议。")
}

// outcomeText is the operative part of a 决定书 for each outcome.
func (w *writer) outcomeText() string {
	c := w.c
	act := "被申请人作出的" + actName(c)
	remake := ""
	if !c.PerformanceDue.IsZero() {
		remake = "，并责令被申请人于" + c.PerformanceDue.Chinese() + "前重新作出行政行为"
	}
	switch c.Outcome {
	case Uphold:
		return "维持" + act + "。"
	case Revoke:
		return "撤销" + act + remake + "。"
	case PartialRevoke:
		return "撤销" + act + "中的【请写明撤销的部分】" + remake + "。"
	case Vary:
		return "变更" + act + "为：【请写明变更后的内容】。"
	case DeclareUnlawful:
		return "确认" + act + "违法。"
	case DeclareVoid:
		return "确认" + act + "无效。"
	case OrderPerformance:
		due := "【请填写履行期限】"
		if !c.PerformanceDue.IsZero() {
			due = c.PerformanceDue.Chinese()
		}
		return "责令被申请人于" + due + "前履行【请写明应当履行的法定职责】。"
	case DismissRequest:
		return "驳回申请人的行政复议请求。"
	case DismissApplication:
		return "驳回申请人的行政复议申请。"
	case AgreementLiability:
		return "被申请人应当承担【依法订立、继续履行、采取补救措施或者赔偿损失】等责任" + remake + "。"
	case AgreementCompensation:
		return "被申请人应当依法给予申请人合理补偿【请写明补偿内容】" + remake + "。"
	}
	return "【请写明决定内容】"
}

// compensationText is the Art. 72 part decided with the main decision.
func (w *writer) compensationText() string {
	switch w.c.Compensation {
	case CompensationAward:
		return "被申请人依法给予申请人赔偿【请写明赔偿方式和数额】（" + law + "第七十二条第一款）。"
	case CompensationDismiss:
		return "驳回申请人的行政赔偿请求（" + law + "第七十二条第一款）。"
	case CompensationReturn:
		return "责令被申请人【返还财产／解除对财产的查封、扣押、冻结措施／赔偿相应的价款】（" + law + "第七十二条第二款）。"
	}
	return ""
}

// noReply reports a decision under Art. 70 (the respondent did not reply).
func (w *writer) noReply() bool { return strings.Contains(w.c.CloseReason, "第七十条") }

func (w *writer) decision() string {
	c := w.c
	proc := "本案依法适用普通程序审理"
	if c.Procedure == Simplified {
		proc = "本案依法适用简易程序审理"
	}
	said := "被申请人称：" + strings.TrimSpace(w.reply)
	if strings.TrimSpace(w.reply) == "" {
		said = "被申请人未在法定期限内提出书面答复、提交作出行政行为的证据、依据和其他有关材料。"
	}
	reasons := "本机关认为：" + phReasons
	basis := law + c.Outcome.Article()
	switch {
	case w.noReply():
		reply, _ := w.procedureArticle()
		reasons = "本机关认为：被申请人未依照" + law + reply + "的规定提出书面答复、提交作出行政行为的证据、依据和其他有关材料，视为该行政行为没有证据、依据。"
		basis = law + "第七十条"
	case c.Outcome == DismissApplication:
		reasons = "本机关认为：" + phReasons + "该行政复议申请不符合" + law + "第三十条第一款规定的受理条件。"
	}
	return lines(w.parties(true),
		w.applied()+"，本机关依法已予受理。"+proc+"，现已审理终结。",
		"申请人请求："+strings.TrimSpace(c.Requests),
		"申请人称："+strings.TrimSpace(c.Facts),
		said,
		"本机关查明："+phFindings,
		reasons,
		"依照"+basis+"的规定，本机关决定：",
		w.outcomeText(),
		w.compensationText(),
		w.remedy())
}

func (w *writer) mediation(agreement string) string {
	c := w.c
	ls := []string{w.parties(true),
		w.applied() + "，本机关依法已予受理。",
		"申请人请求：" + strings.TrimSpace(c.Requests),
		"本案审理过程中，经本机关主持调解，当事人自愿达成如下协议："}
	if strings.TrimSpace(agreement) == "" {
		agreement = "【请填写调解协议的内容】"
	}
	ls = append(ls, strings.TrimSpace(agreement))
	if !c.PerformanceDue.IsZero() {
		ls = append(ls, "被申请人应当于"+c.PerformanceDue.Chinese()+"前履行上述协议。")
	}
	ls = append(ls,
		"上述协议遵循合法、自愿的原则，不损害国家利益、社会公共利益和他人合法权益，不违反法律、法规的强制性规定。",
		"本调解书经各方当事人签字或者签章，并加盖本机关印章，即具有法律效力。",
		"申请人（签字或者签章）：",
		"被申请人（签章）：")
	return lines(ls...)
}

func (w *writer) opinion(op Opinion) string {
	return lines(
		"本机关在办理"+w.caseName()+"过程中，发现你单位的有关行政行为存在违法或者不当的问题。依照"+law+"第七十六条的规定，现提出如下意见：",
		strings.TrimSpace(op.Content),
		"请你单位自收到本意见书之日起六十日内，将纠正相关违法或者不当行政行为的情况报送本机关。",
		w.contact())
}
