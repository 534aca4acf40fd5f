package reconsider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/officialdoc"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/settings"
)

// The texts of the documents, generated from the facts of the case. Where only the clerk
// can write (findings, reasons, a respondent's address) the text carries a 【请…】 mark;
// a document with a mark left cannot be issued.

// Settings an organ may keep for its documents. Read through internal/settings: a value set on an
// organ applies to it and every organ below unless one sets its own, then the deployment-wide one.
var (
	SettingContactPhone = settings.Def{Key: "reconsider.contact_phone", Name: "行政复议机构联系电话", Kind: settings.Text, Max: 100,
		Basis: "印在受理通知书、答复通知书等文书的联系方式中"}
	SettingContactAddress = settings.Def{Key: "reconsider.contact_address", Name: "行政复议机构地址", Kind: settings.Text, Max: 200,
		Basis: "印在文书的联系方式中，供当事人提交材料、来访"}
)

// SettingDefs lists the module's settings (for a settings page).
func SettingDefs() []settings.Def { return []settings.Def{SettingContactPhone, SettingContactAddress} }

// writer holds what every text of one case needs.
type writer struct {
	c              *Case
	organ          org.Organ
	respondent     org.Organ // zero unless the respondent is an organ of the tree
	on             calendar.Date
	phone, address string
	gender, birth  string // of a natural-person applicant, from the ID number
	creditCode     string
	reply          string // the respondent's 答复
	thirdParties   []string
}

// documentKinds declares the case documents: title, 文号 code (青政 + 复受 → 青政复受〔2026〕3号;
// the 决定书 carries the case number) and the text, written from the case when a step drafts it.
func (s *Service) documentKinds() []officialdoc.Kind[*Case] {
	type textFn func(ctx context.Context, tx *db.Tx, w *writer) (recipient, body string, err error)
	kind := func(k, name, code string, text textFn) officialdoc.Kind[*Case] {
		return officialdoc.Kind[*Case]{Kind: k, Name: name, Code: code, CaseNumber: code == "",
			Compose: func(ctx context.Context, tx *db.Tx, c *Case, on calendar.Date) (officialdoc.Text, error) {
				w, err := s.newWriter(ctx, tx, c, on)
				if err != nil {
					return officialdoc.Text{}, err
				}
				recipient, body, err := text(ctx, tx, w)
				return officialdoc.Text{Recipient: recipient, Body: body}, err
			}}
	}
	return []officialdoc.Kind[*Case]{
		kind(DocAcceptNotice, "行政复议受理通知书", "复受", func(_ context.Context, _ *db.Tx, w *writer) (string, string, error) {
			return w.c.ApplicantName + "：", w.acceptNotice(), nil
		}),
		kind(DocReplyNotice, "行政复议答复通知书", "复答", func(_ context.Context, _ *db.Tx, w *writer) (string, string, error) {
			return w.c.Respondent + "：", w.replyNotice(), nil
		}),
		kind(DocAmendNotice, "行政复议补正通知书", "复补", func(_ context.Context, _ *db.Tx, w *writer) (string, string, error) {
			return w.c.ApplicantName + "：", w.amendNotice(), nil
		}),
		kind(DocRejection, "行政复议不予受理决定书", "复不受", func(_ context.Context, _ *db.Tx, w *writer) (string, string, error) {
			return "", w.rejection(), nil
		}),
		kind(DocHearingNotice, "行政复议听证通知书", "复听", func(ctx context.Context, tx *db.Tx, w *writer) (string, string, error) {
			x, err := latestHearing(ctx, tx, w.c.ID)
			return w.bothParties(), w.hearingNotice(x), err
		}),
		kind(DocSuspendNotice, "行政复议中止通知书", "复中", func(ctx context.Context, tx *db.Tx, w *writer) (string, string, error) {
			pz, err := latestPause(ctx, tx, w.c.ID)
			return w.bothParties(), w.suspendNotice(pz), err
		}),
		kind(DocResumeNotice, "行政复议恢复审理通知书", "复恢", func(ctx context.Context, tx *db.Tx, w *writer) (string, string, error) {
			pz, err := latestPause(ctx, tx, w.c.ID)
			return w.bothParties(), w.resumeNotice(pz), err
		}),
		kind(DocTermination, "行政复议终止决定书", "复终", func(_ context.Context, _ *db.Tx, w *writer) (string, string, error) {
			return "", w.termination(), nil
		}),
		kind(DocExtensionNotice, "行政复议延期通知书", "复延", func(ctx context.Context, tx *db.Tx, w *writer) (string, string, error) {
			note, err := latestNote(ctx, tx, w.c.ID, "extend")
			return w.bothParties(), w.extensionNotice(note), err
		}),
		kind(DocDecision, "行政复议决定书", "", func(_ context.Context, _ *db.Tx, w *writer) (string, string, error) {
			return "", w.decision(), nil
		}),
		kind(DocMediation, "行政复议调解书", "复调", func(ctx context.Context, tx *db.Tx, w *writer) (string, string, error) {
			note, err := latestNote(ctx, tx, w.c.ID, "mediate")
			agreement, _, _ := strings.Cut(note, "\n（备注：") // the clerk's remark is not part of the agreement
			return "", w.mediation(agreement), err
		}),
		kind(DocOpinion, "行政复议意见书", "复意", func(ctx context.Context, tx *db.Tx, w *writer) (string, string, error) {
			op, err := latestOpinion(ctx, tx, w.c.ID)
			return op.Recipient + "：", w.opinion(op), err
		}),
	}
}

func (s *Service) newWriter(ctx context.Context, tx *db.Tx, c *Case, on calendar.Date) (*writer, error) {
	w := &writer{c: c, on: on}
	w.organ, _ = s.org.Organ(c.OrganID)
	if c.RespondentID != "" {
		w.respondent, _ = s.org.Organ(c.RespondentID)
	}
	var err error
	if w.phone, err = s.settings.Text(ctx, tx, c.OrganID, SettingContactPhone); err != nil {
		return nil, err
	}
	if w.address, err = s.settings.Text(ctx, tx, c.OrganID, SettingContactAddress); err != nil {
		return nil, err
	}
	if w.phone == "" { // no office contact set: the organ's own, from its profile
		w.phone = w.organ.Phone
	}
	if w.address == "" {
		w.address = w.organ.Address
	}
	var idEnc string
	if err := tx.QueryRowContext(ctx, `SELECT reply_text, id_number_enc FROM reconsider_cases WHERE id = ?`, c.ID).Scan(&w.reply, &idEnc); err != nil {
		return nil, err
	}
	if idNo, err := s.cipher.Decrypt(idEnc); err == nil {
		if c.ApplicantKind == Natural && len(idNo) == 18 {
			w.birth = fmt.Sprintf("%s年%s月%s日", idNo[6:10], strings.TrimLeft(idNo[10:12], "0"), strings.TrimLeft(idNo[12:14], "0"))
			w.gender = "女"
			if (idNo[16]-'0')%2 == 1 {
				w.gender = "男"
			}
		} else if c.ApplicantKind != Natural {
			w.creditCode = idNo
		}
	} // an unreadable number only leaves those facts to the clerk
	parties, err := listParties(ctx, tx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, x := range parties {
		if x.Role == "third_party" {
			w.thirdParties = append(w.thirdParties, x.Name)
		}
	}
	return w, nil
}

func latestHearing(ctx context.Context, q db.Querier, caseID string) (Hearing, error) {
	var x Hearing
	var notice, held string
	err := q.QueryRowContext(ctx, `SELECT id, kind, mode, notice_on, held_on, place, panel, record FROM reconsider_sessions WHERE case_id = ? ORDER BY created_at DESC, id DESC LIMIT 1`, caseID).
		Scan(&x.ID, &x.Kind, &x.Mode, &notice, &held, &x.Place, &x.Panel, &x.Record)
	x.NoticeOn, _ = calendar.ParseDate(notice)
	x.HeldOn, _ = calendar.ParseDate(held)
	return x, err
}

func latestPause(ctx context.Context, q db.Querier, caseID string) (Suspension, error) {
	ps, err := listPauses(ctx, q, caseID)
	if err != nil || len(ps) == 0 {
		return Suspension{}, errors.Join(err, errors.New("未找到中止记录"))
	}
	return ps[len(ps)-1], nil
}

func latestNote(ctx context.Context, q db.Querier, caseID, action string) (string, error) {
	return casework.LastNote(ctx, q, ownerType, caseID, action)
}

func latestOpinion(ctx context.Context, q db.Querier, caseID string) (Opinion, error) {
	ops, err := listOpinions(ctx, q, "case_id = ? AND document_id = ''", caseID)
	if err != nil || len(ops) == 0 {
		return Opinion{}, errors.Join(err, errors.New("未找到意见书记录"))
	}
	return ops[len(ops)-1], nil
}

// ---- wording helpers ----

const (
	phFindings = "【请填写本机关查明的事实及认定事实的证据】"
	phReasons  = "【请填写本机关认为的理由（行政行为的合法性、适当性）】"
)

func lines(ls ...string) string {
	var out []string
	for _, l := range ls {
		if l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// trimEnd drops the closing punctuation of a clerk's phrase so it can be embedded.
func trimEnd(s string) string { return strings.TrimRight(strings.TrimSpace(s), "。；;，,.") }

// cnNum writes 1–99 in Chinese numerals (条、款、项).
func cnNum(n int) string {
	digits := []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n <= 0 || n > 99:
		return fmt.Sprint(n)
	case n < 10:
		return digits[n]
	case n == 10:
		return "十"
	case n < 20:
		return "十" + digits[n%10]
	case n%10 == 0:
		return digits[n/10] + "十"
	}
	return digits[n/10] + "十" + digits[n%10]
}

func (w *writer) you() string {
	if w.c.ApplicantKind == Natural {
		return "你"
	}
	return "你单位"
}

func (w *writer) bothParties() string {
	return "申请人" + w.c.ApplicantName + "、被申请人" + w.c.Respondent + "："
}

// actNouns name an act of each type after its 文号, when the applicant wrote only the number.
var actNouns = map[string]string{"行政处罚": "行政处罚决定", "行政强制": "行政强制决定", "行政许可": "行政许可决定", "行政确认": "行政确认决定",
	"行政征收征用": "征收征用决定", "行政补偿": "行政补偿决定", "行政赔偿": "行政赔偿决定", "行政协议": "行政协议行为", "政府信息公开": "政府信息公开答复",
	"举报投诉处理": "举报投诉处理决定", "工伤认定": "工伤认定决定"}

// actName is the contested act as a document names it: the applicant's words, with the act's kind
// after a bare 文号 (青公（城）行罚决字〔2026〕001号 → ……001号行政处罚决定).
func actName(c *Case) string {
	t := strings.TrimSpace(c.ActTitle)
	if !strings.HasSuffix(t, "号") {
		return t
	}
	if n := actNouns[c.ActType]; n != "" {
		return t + n
	}
	return t + "行政行为"
}

// act names the contested act: 于2024年1月2日作出的青公（治）决字〔2024〕15号行政处罚决定.
func (w *writer) act() string {
	s := "作出的" + actName(w.c)
	if !w.c.ActDate.IsZero() {
		s = "于" + w.c.ActDate.Chinese() + s
	}
	return s
}

// caseName: 申请人张三不服被申请人青山县公安局作出的……一案（案号：青政复〔2024〕1号）.
func (w *writer) caseName() string {
	s := "申请人" + w.c.ApplicantName + "不服被申请人" + w.c.Respondent + "作出的" + actName(w.c) + "一案"
	if w.c.Number != "" {
		s += "（案号：" + w.c.Number + "）"
	}
	return s
}

func (w *writer) contact() string {
	who := w.c.HandlerName
	if who == "" {
		who = "【请填写联系人】"
	}
	phone := w.phone
	if phone == "" {
		phone = "【请填写联系电话】"
	}
	s := "联系人：" + who + "；联系电话：" + phone
	if w.address != "" {
		s += "；地址：" + w.address
	}
	return s + "。"
}

func (w *writer) procedureArticle() (reply, copyName string) {
	copyName = "行政复议申请书副本"
	if w.c.Channel == ChannelPhone {
		copyName = "行政复议申请笔录复印件"
	}
	if w.c.Procedure == Simplified {
		return "第五十四条", copyName
	}
	return "第四十八条", copyName
}

// parties writes the 当事人 lines of a 决定书 or 调解书.
func (w *writer) parties(full bool) string {
	c := w.c
	var ls []string
	switch c.ApplicantKind {
	case Natural:
		s := "申请人：" + c.ApplicantName
		if w.gender != "" {
			s += "，" + w.gender + "，" + w.birth + "出生"
		}
		if c.Address != "" {
			s += "，住" + c.Address
		} else if full {
			s += "，住【请填写住址】"
		}
		ls = append(ls, s+"。")
	default:
		s := "申请人：" + c.ApplicantName
		if w.creditCode != "" {
			s += "，统一社会信用代码" + w.creditCode
		}
		if c.Address != "" {
			s += "，住所地" + c.Address
		} else if full {
			s += "，住所地【请填写住所地】"
		}
		ls = append(ls, s+"。")
		if full {
			ls = append(ls, "法定代表人：【请填写法定代表人的姓名、职务】。")
		}
	}
	if c.Agent != "" {
		ls = append(ls, "委托代理人："+trimEnd(c.Agent)+"。")
	}
	if full {
		ls = append(ls, w.respondentLines()...)
	} else {
		ls = append(ls, "被申请人："+c.Respondent+"。")
	}
	for _, t := range w.thirdParties {
		ls = append(ls, "第三人："+t+"。")
	}
	return lines(ls...)
}

// respondentLines: 被申请人 and its legal representative, from the organ's profile when the respondent
// is an organ of the tree and the profile says; otherwise blanks for the clerk.
func (w *writer) respondentLines() []string {
	addr, rep := "【请填写住所地】", "【请填写法定代表人的姓名、职务】"
	if w.respondent.Address != "" {
		addr = w.respondent.Address
	}
	if w.respondent.LegalRep != "" {
		rep = w.respondent.LegalRep
		if w.respondent.LegalRepTitle != "" {
			rep += "，" + w.respondent.LegalRepTitle
		} else {
			rep += "，【请填写职务】"
		}
	}
	return []string{"被申请人：" + w.c.Respondent + "，住所地" + addr + "。", "法定代表人：" + rep + "。"}
}

// applied: the opening clause of a 决定书 after the parties (the caller ends the sentence).
func (w *writer) applied() string {
	return "申请人不服被申请人" + w.act() + "，于" + w.c.ReceivedOn.Chinese() + "向本机关申请行政复议"
}

func (w *writer) remedy() string {
	who := "申请人"
	if len(w.thirdParties) > 0 {
		who = "申请人、第三人"
	}
	return who + "如不服本决定，可以自收到本决定书之日起十五日内依法向人民法院提起行政诉讼。"
}
