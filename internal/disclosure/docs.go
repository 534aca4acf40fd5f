package disclosure

import (
	"context"
	"fmt"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/officialdoc"
	"github.com/fazhi/fazhi/internal/org"
)

// The documents of a request live in the platform room internal/officialdoc: the step that calls
// for one drafts it (Kind.After), staff edit it, issuing freezes it as a GB/T 9704 DOCX. Where only
// the clerk can write (the reasons of a refusal, where published information is found) the text
// carries a 【请…】 mark and cannot be issued until it is filled in.

// Document kinds.
const (
	DocReplyDisclose = "reply_disclose"   // 政府信息予以公开告知书
	DocReplyPartial  = "reply_partial"    // 政府信息部分公开告知书
	DocReplyWithhold = "reply_withhold"   // 政府信息不予公开告知书
	DocReplyUnable   = "reply_unable"     // 政府信息无法提供告知书
	DocReplyNoAction = "reply_no_action"  // 政府信息公开申请不予处理告知书
	DocReplyOther    = "reply_other"      // 政府信息公开申请处理结果告知书（视为放弃、逾期未缴费、其他）
	DocAmendNotice   = "amend_notice"     // 补正告知书
	DocExtension     = "extension_notice" // 延期答复告知书
	DocConsultLetter = "consult_letter"   // 征求意见函（第三方：第三十二条；其他机关：第三十四条）
	DocFeeNotice     = "fee_notice"       // 收费通知书
)

// OwnerType is the request's type in case_events, attachments and official_documents.
const OwnerType = "disclosure_request"

// replyDoc is the 答复告知书 kind of each group of table 三.
var replyDoc = map[string]string{GroupDisclose.Key: DocReplyDisclose, GroupPartial.Key: DocReplyPartial, GroupWithhold.Key: DocReplyWithhold,
	GroupUnable.Key: DocReplyUnable, GroupNoAction.Key: DocReplyNoAction, GroupOther.Key: DocReplyOther}

// docsFor is what a step drafts.
func docsFor(action string, r *Request) []string {
	switch action {
	case "reply", "abandon", "fee_lapsed":
		return []string{replyDoc[r.Reply().Group.Key]}
	case "amend":
		return []string{DocAmendNotice}
	case "extend":
		return []string{DocExtension}
	case "consult":
		return []string{DocConsultLetter}
	case "fee":
		return []string{DocFeeNotice}
	}
	return nil
}

func (s *Service) documentRoom() *officialdoc.Room[*Request] {
	return &officialdoc.Room[*Request]{
		DB: s.db, Org: s.org, OwnerType: OwnerType, Module: "disclosure", Object: "disclosure_document",
		Noun: "政府信息公开文书", Label: "依申请公开", OwnerNoun: "申请", Kinds: s.documentKinds(), FlushLeft: []string{"申请人", "收件编号"}, Today: s.Today,
		Owner: func(r *Request) officialdoc.Owner {
			return officialdoc.Owner{ID: r.ID, OrganID: r.OrganID, State: string(r.State), URL: "/disclosure/requests/" + r.ID,
				Ref: r.ReceiptNo, Summary: r.ApplicantName + " 申请 " + trim(r.Description, 20)}
		},
		Visible: func(ctx context.Context, q db.Querier, p *auth.Principal, id string, draft bool) (*Request, error) {
			if !p.Can(PermView) {
				return nil, fault.Forbiddenf("您没有查看政府信息公开文书的权限")
			}
			return s.getRequest(ctx, q, p, id)
		},
		Editable: func(p *auth.Principal, r *Request) error {
			if !p.Can(PermEdit) {
				return fault.Forbiddenf("您没有制作政府信息公开文书的权限")
			}
			if o, _ := s.org.Organ(r.OrganID); !s.covers(p, o) {
				return fault.Forbiddenf("该申请不属于您的办理范围")
			}
			return nil
		},
	}
}

// draftDocuments is the requests' Kind.After: the documents the step calls for, in its transaction.
func (s *Service) draftDocuments(ctx context.Context, tx *db.Tx, p *auth.Principal, r *Request, ev *casework.Event) error {
	kinds := docsFor(ev.Action, r)
	if len(kinds) == 0 {
		return nil
	}
	_, err := s.docs.Draft(ctx, tx, p, r, ev.On, kinds...)
	return err
}

// Documents lists a request's documents (the caller has checked p may see the request).
func (s *Service) Documents(ctx context.Context, id string) ([]officialdoc.Document, error) {
	return s.docs.List(ctx, s.db, id)
}

// Room is the documents' room (pages, tests).
func (s *Service) Room() *officialdoc.Room[*Request] { return s.docs }

// writer holds what every text of one request needs.
type writer struct {
	r     *Request
	organ org.Organ
	gov   org.Organ // the government the organ belongs to
	on    calendar.Date
	s     *Service
}

func (s *Service) documentKinds() []officialdoc.Kind[*Request] {
	kind := func(k, name, code string, text func(w *writer) officialdoc.Text) officialdoc.Kind[*Request] {
		return officialdoc.Kind[*Request]{Kind: k, Name: name, Code: code,
			Compose: func(ctx context.Context, tx *db.Tx, r *Request, on calendar.Date) (officialdoc.Text, error) {
				o, _ := s.org.Organ(r.OrganID)
				gov, _ := s.org.GovernmentOf(o)
				t := text(&writer{r: r, organ: o, gov: gov, on: on, s: s})
				if t.Recipient == "" {
					t.Recipient = r.ApplicantName + "："
				}
				return t, nil
			}}
	}
	reply := func(w *writer) officialdoc.Text { return w.reply() }
	return []officialdoc.Kind[*Request]{
		kind(DocReplyDisclose, "政府信息公开申请答复告知书", "公开告", reply),
		kind(DocReplyPartial, "政府信息部分公开告知书", "部公告", reply),
		kind(DocReplyWithhold, "政府信息不予公开告知书", "不公告", reply),
		kind(DocReplyUnable, "政府信息无法提供告知书", "无法告", reply),
		kind(DocReplyNoAction, "政府信息公开申请不予处理告知书", "不处告", reply),
		kind(DocReplyOther, "政府信息公开申请处理结果告知书", "处理告", reply),
		kind(DocAmendNotice, "政府信息公开申请补正告知书", "公补告", func(w *writer) officialdoc.Text { return officialdoc.Text{Body: w.amend()} }),
		kind(DocExtension, "政府信息公开申请延期答复告知书", "公延告", func(w *writer) officialdoc.Text { return officialdoc.Text{Body: w.extension()} }),
		kind(DocConsultLetter, "政府信息公开征求意见函", "公征函", func(w *writer) officialdoc.Text { return w.consult() }),
		kind(DocFeeNotice, "政府信息公开信息处理费收费通知书", "公费通", func(w *writer) officialdoc.Text { return officialdoc.Text{Body: w.fee()} }),
	}
}

func cn(d calendar.Date) string {
	if d.IsZero() {
		return "【请填写日期】"
	}
	return fmt.Sprintf("%d年%d月%d日", d.Year, d.Month, d.Day)
}

// opening is the first paragraph of every notice to the applicant.
func (w *writer) opening() string {
	r := w.r
	s := fmt.Sprintf("本机关于%s收到你%s提出的政府信息公开申请（收件编号：%s），申请获取“%s”。", cn(r.ReceivedOn),
		map[bool]string{true: "单位", false: ""}[r.ApplicantType.Organisation()], r.ReceiptNo, strings.TrimRight(r.Description, "。"))
	if !r.AmendReceivedOn.IsZero() {
		s += fmt.Sprintf("你%s对申请作了补正。", cn(r.AmendReceivedOn))
	}
	return s
}

// reconsiderationOrgan is who decides a 复议 over the organ's reply (行政复议法第二十四条第一款):
// for a department or office, its own government (第（一）项); for a government, the one above
// (第（二）项).
func (w *writer) reconsiderationOrgan() string {
	if w.organ.Kind == org.KindGovernment {
		if up, ok := w.s.org.Parent(w.organ); ok {
			if g, ok := w.s.org.GovernmentOf(up); ok {
				return g.Name
			}
		}
		return "【请填写行政复议机关】"
	}
	if w.gov.Name != "" {
		return w.gov.Name
	}
	return "【请填写行政复议机关】"
}

// remedies state the applicant's remedies with their periods (行政复议法第二十条, 行政诉讼法第四十六条).
// A refusal to disclose must go to 复议 first, and the notice must say so (行政复议法第二十三条第一款
// 第（四）项、第二款); the suit then runs 15 days from the 复议决定 (行政诉讼法第四十五条). A 部分公开
// refuses a part: that part takes the same route.
func (w *writer) remedies() string {
	either := "可以自收到本告知书之日起六十日内向" + w.reconsiderationOrgan() +
		"申请行政复议（《中华人民共和国行政复议法》第二十条），或者自收到本告知书之日起六个月内向有管辖权的人民法院提起行政诉讼（《中华人民共和国行政诉讼法》第四十六条）。"
	first := "应当先自收到本告知书之日起六十日内向" + w.reconsiderationOrgan() +
		"申请行政复议（《中华人民共和国行政复议法》第二十条、第二十三条第一款第（四）项）；对行政复议决定不服的，可以自收到行政复议决定书之日起十五日内向有管辖权的人民法院提起行政诉讼（《中华人民共和国行政诉讼法》第四十五条）。"
	switch {
	case w.r.Reply().Group == GroupWithhold:
		return "如对本答复不服，" + first
	case w.r.ReplyType == "partial":
		return "如对本答复中不予公开的部分不服，" + first + "如对本答复的其他内容不服，" + either
	}
	return "如对本答复不服，" + either
}

// contact is the organ's address and phone from its profile (nothing when not recorded).
func (w *writer) contact() string {
	p := w.organ.Profile
	var parts []string
	if p.Address != "" {
		a := "联系地址：" + p.Address
		if p.Postcode != "" {
			a += "（邮政编码：" + p.Postcode + "）"
		}
		parts = append(parts, a)
	}
	if p.Phone != "" {
		parts = append(parts, "联系电话："+p.Phone)
	}
	if len(parts) == 0 {
		return ""
	}
	return "\n" + strings.Join(parts, "；") + "。"
}

func orMark(text, mark string) string {
	if t := strings.TrimSpace(text); t != "" {
		return t
	}
	return "【请" + mark + "】"
}

// reply is the 答复告知书 of the request's reply type, with its legal basis and the remedies.
func (w *writer) reply() officialdoc.Text {
	r, def := w.r, w.r.Reply()
	basis := "根据" + r.ReplyBasis
	var body, title string
	switch def.Type {
	case "disclose":
		title = "政府信息予以公开告知书"
		if strings.Contains(r.ReplyBasis, "第（一）项") {
			title = "政府信息已主动公开告知书"
			body = "经审查，你申请获取的政府信息已经主动公开。" + basis + "的规定，现告知获取该政府信息的方式和途径：" + orMark(r.ReplyText, "填写该信息的公开载体、网址或查阅地点") + "。"
		} else {
			body = "经审查，你申请获取的政府信息属于公开范围。" + basis + "的规定，本机关予以公开，按你选择的" + pairLabel(Forms, r.Form) + "形式、以" +
				pairLabel(Deliveries, r.Delivery) + "方式提供（见附件）。"
			if t := strings.TrimSpace(r.ReplyText); t != "" {
				body += "\n" + t
			}
		}
	case "partial":
		title = "政府信息部分公开告知书"
		body = "经审查，你申请获取的政府信息中含有不应当公开的内容，但能够作区分处理。" + basis + "的规定，本机关向你提供可以公开的信息内容（见附件），对不予公开的内容说明如下：\n" +
			orMark(r.ReplyText, "写明不予公开部分的内容和理由")
	case "withhold_state_secret", "withhold_law", "withhold_security", "withhold_third_party", "withhold_internal",
		"withhold_process", "withhold_enforcement_file":
		title = "政府信息不予公开告知书"
		body = "经审查，你申请获取的政府信息" + def.Label + "。" + basis + "的规定，本机关决定不予公开。理由如下：\n" + orMark(r.ReplyText, "写明不予公开的理由")
	case "withhold_query":
		title = "政府信息公开申请答复告知书"
		body = "经审查，你申请获取的信息属于工商、不动产登记资料等有关法律、行政法规对信息的获取有特别规定的查询事项。" + basis +
			"的规定，请按照有关法律、行政法规的规定办理：" + orMark(r.ReplyText, "写明查询机关和办理途径")
	case "unable_not_held":
		title = "政府信息无法提供告知书"
		if strings.Contains(r.ReplyBasis, "第（五）项") {
			body = "经审查，你申请获取的政府信息不属于本机关负责公开。" + basis + "的规定，告知你负责公开该政府信息的行政机关及其联系方式：" + orMark(r.ReplyText, "填写负责公开的机关名称和联系方式") + "。"
		} else {
			body = "经检索，本机关没有你申请获取的政府信息。" + basis + "的规定，告知你该政府信息不存在。"
			if t := strings.TrimSpace(r.ReplyText); t != "" {
				body += "\n" + t
			}
		}
	case "unable_create":
		title = "政府信息无法提供告知书"
		body = "经审查，本机关没有现成的你所申请的信息，需要对现有政府信息进行加工、分析或者另行制作。" + basis + "的规定，本机关不予提供。"
	case "unable_unclear":
		title = "政府信息无法提供告知书"
		body = fmt.Sprintf("本机关于%s告知你补正申请，你补正后的申请内容仍不明确，本机关无法确定你所申请的政府信息。%s的规定，本机关无法提供。", cn(r.AmendNoticeOn), basis)
	case "no_action_petition", "no_action_repeat", "no_action_publication", "no_action_mass", "no_action_confirm":
		title = "政府信息公开申请不予处理告知书"
		why := map[ReplyType]string{"no_action_petition": "系以政府信息公开申请的形式进行信访、投诉、举报等活动",
			"no_action_repeat": "系就本机关已经答复的同一政府信息重复申请", "no_action_publication": "系要求提供公开出版物",
			"no_action_mass": "申请公开政府信息的数量、频次明显超过合理范围，且未能说明理由或者理由不合理", "no_action_confirm": "系要求行政机关确认或者重新出具已获取的信息"}[def.Type]
		body = "经审查，你的申请" + why + "。" + basis + "的规定，本机关不予处理。"
		if def.Type == "no_action_petition" {
			body += "你可以通过信访、投诉、举报等渠道反映有关事项。"
		}
		if t := strings.TrimSpace(r.ReplyText); t != "" {
			body += "\n" + t
		}
	case "other_no_amendment":
		title = "政府信息公开申请不再处理告知书"
		body = fmt.Sprintf("本机关于%s告知你补正申请，补正期限至%s。你无正当理由逾期未补正，%s的规定，视为放弃申请，本机关不再处理你的政府信息公开申请。",
			cn(r.AmendNoticeOn), cn(r.AmendDue), basis)
	case "other_no_fee":
		title = "政府信息公开申请不再处理告知书"
		body = fmt.Sprintf("本机关于%s向你发出信息处理费收费通知，缴费期限至%s。你逾期未按收费通知的要求缴纳费用，%s的规定，本机关不再处理你的政府信息公开申请。",
			cn(r.FeeNoticeOn), cn(r.FeeDue), basis)
	default:
		title = "政府信息公开申请处理结果告知书"
		body = "经审查，现将你的申请的处理结果告知如下：" + orMark(r.ReplyText, "写明处理结果及其依据") + "（" + r.ReplyBasis + "）"
	}
	return officialdoc.Text{Title: title, Body: w.opening() + "\n" + body + "\n" + w.remedies() + w.contact()}
}

func (w *writer) amend() string {
	r := w.r
	return w.opening() + "\n" +
		"经审查，你的申请内容不明确。根据《政府信息公开条例》第三十条的规定，现一次性告知你需要补正的事项：\n" + r.AmendItems + "\n" +
		fmt.Sprintf("请于%s前补正（可凭收件编号和查询码在网上提交补正，也可以书面提交）。答复期限自本机关收到补正的申请之日起计算；无正当理由逾期不补正的，视为放弃申请，本机关不再处理该政府信息公开申请。", cn(r.AmendDue)) +
		w.contact()
}

func (w *writer) extension() string {
	r := w.r
	due, _ := r.ReplyDue(w.s.cal())
	return w.opening() + "\n" +
		fmt.Sprintf("因情况复杂，本机关不能在规定期限内作出答复。根据《政府信息公开条例》第三十三条第二款的规定，经本机关政府信息公开工作机构负责人同意，答复期限延长%d个工作日，本机关将于%s前作出答复。", r.ExtensionDays, cn(due)) +
		w.contact()
}

// consult is the letter to the party of the latest consultation.
func (w *writer) consult() officialdoc.Text {
	r := w.r
	var c Consultation
	if n := len(r.Consultations); n > 0 {
		c = r.Consultations[n-1]
	}
	due := w.s.cal().AddWorkingDays(c.SentOn, RuleThirdParty.Length)
	head := fmt.Sprintf("本机关于%s收到政府信息公开申请（收件编号：%s），申请人申请获取“%s”。", cn(r.ReceivedOn), r.ReceiptNo, strings.TrimRight(r.Description, "。"))
	var body string
	if c.Kind == "organ" {
		body = "该政府信息涉及贵机关。根据《政府信息公开条例》第三十四条的规定，现征求贵机关意见，请于收到本函之日起15个工作日内（" + cn(due) +
			"前）书面提出意见；逾期未提出意见的，视为同意公开。"
	} else {
		body = "经审查，公开该政府信息可能损害贵方的合法权益。根据《政府信息公开条例》第三十二条的规定，现书面征求贵方意见，请于收到本函之日起15个工作日内（" + cn(due) +
			"前）书面提出是否同意公开的意见及理由；逾期未提出意见的，由本机关依照《政府信息公开条例》的规定决定是否公开。第三方不同意公开且有合理理由的，本机关不予公开；本机关认为不公开可能对公共利益造成重大影响的，可以决定予以公开，并将决定公开的政府信息内容和理由书面告知贵方。"
	}
	return officialdoc.Text{Title: map[bool]string{true: "政府信息公开征求意见函", false: "政府信息公开征求第三方意见函"}[c.Kind == "organ"],
		Recipient: orMark(c.Party, "填写被征求意见的第三方或机关") + "：", Body: head + "\n" + body + w.contact()}
}

func (w *writer) fee() string {
	r := w.r
	how := fmt.Sprintf("按件计收：你本月向本机关提出的第%d件政府信息公开申请", r.FeeQuantity)
	if r.FeeMode == FeeByVolume {
		how = fmt.Sprintf("按量计收：本次提供的信息共%d页", r.FeeQuantity)
	}
	return w.opening() + "\n" +
		fmt.Sprintf("你申请公开政府信息的数量、频次明显超过合理范围。根据《政府信息公开条例》第四十二条和《国务院办公厅关于印发〈政府信息公开信息处理费管理办法〉的通知》（国办函〔2020〕109号）的规定，本机关依法收取信息处理费。计收方式为%s，应缴信息处理费%d元。", how, r.FeeAmount) + "\n" +
		fmt.Sprintf("请于%s前缴纳。缴费方式：%s。逾期未缴纳的，本机关不再处理你的政府信息公开申请。", cn(r.FeeDue), "【请填写缴费方式和账户】") +
		w.contact()
}
