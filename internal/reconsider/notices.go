package reconsider

import (
	"context"
	"regexp"

	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/notify"
)

// notifyStep posts the message a step owes someone, inside the step's transaction: the copy of the
// application sent to the respondent tells its liaisons that the reply period runs.
func (s *Service) notifyStep(ctx context.Context, tx *db.Tx, c *Case, action string) error {
	if s.notify == nil {
		return nil
	}
	if err := s.notifyApplicant(ctx, tx, c, action); err != nil {
		return err
	}
	if action != "send_copy" || c.RespondentID == "" {
		return nil
	}
	due := c.ReplyDue(s.cal())
	body := "申请人" + c.ApplicantName + "不服本单位" + actName(c) + "申请行政复议（案号：" + c.Number + "），" + copyName(c) + "和答复通知书已发送。请自收到之日起" +
		map[bool]string{true: "五日", false: "十日"}[c.Procedure == Simplified] + "内提出书面答复，并提交作出行政行为的证据、依据和其他有关材料"
	if !due.IsZero() {
		body += "（按发送之日估算，" + due.Chinese() + "前）"
	}
	_, err := s.notify.PostRole(ctx, tx, c.RespondentID, auth.RoleLiaison, notify.Message{OrganID: c.RespondentID, Kind: "reconsider.copy_sent",
		Title: "行政复议答复通知：" + c.Number, Body: body + "。", URL: "/reconsider/cases/" + c.ID})
	return err
}

// applicantEvents: the steps the applicant is told of by SMS (issue 11 item 10) — accepted, asked to
// amend, and decided or otherwise closed by a decision of the organ.
var applicantEvents = map[string]string{
	"accept": "reconsider.accepted", "deem_accept": "reconsider.accepted", "request_amendment": "reconsider.amend",
	"decide": "reconsider.decided", "mediate": "reconsider.decided", "terminate": "reconsider.decided", "reject": "reconsider.decided",
}

// mobile is a mainland mobile number: only those can receive an SMS.
var mobile = regexp.MustCompile(`^1[3-9][0-9]{9}$`)

// notifyApplicant records the SMS (and e-mail, when given) a step owes the applicant in the notify outbox, in the step's
// transaction (sent afterwards by the outbox job; a dead gateway never undoes the step). The text
// carries the receipt number and the public progress page, never the query code: that is shown once
// on the receipt and stored only as a hash (public_receipt.go), nor the applicant's name or ID number,
// since a phone may be read by others.
func (s *Service) notifyApplicant(ctx context.Context, tx *db.Tx, c *Case, action string) error {
	kind := applicantEvents[action]
	if kind == "" {
		return nil
	}
	var phoneEnc, emailEnc string
	if err := tx.QueryRowContext(ctx, `SELECT phone_enc, email_enc FROM reconsider_cases WHERE id = ?`, c.ID).Scan(&phoneEnc, &emailEnc); err != nil {
		return err
	}
	phone, err := s.cipher.Decrypt(phoneEnc)
	if err != nil {
		return err
	}
	body := applicantText(c, action, s.notify.Link(progressPath))
	phone = strings.NewReplacer(" ", "", "-", "").Replace(strings.TrimPrefix(strings.TrimSpace(phone), "+86"))
	if mobile.MatchString(phone) { // a landline cannot take an SMS: the notices go by post
		if err := s.notify.Notify(ctx, tx, notify.Notice{Channel: notify.ChannelSMS, To: phone, Kind: kind, Ref: "收件 " + c.ReceiptNo, Body: body}); err != nil {
			return err
		}
	}
	if emailEnc == "" {
		return nil
	}
	email, err := s.cipher.Decrypt(emailEnc)
	if err != nil {
		return err
	}
	return s.notify.Notify(ctx, tx, notify.Notice{Channel: notify.ChannelEmail, To: email, Kind: kind, Ref: "收件 " + c.ReceiptNo,
		Subject: "行政复议申请进度通知（收件编号" + c.ReceiptNo + "）", Body: body})
}

// progressPath is the public progress page.
const progressPath = "/public/reconsider/progress"

// applicantText is the SMS for an event: who writes, what happened, the receipt number and where to read more.
func applicantText(c *Case, action, link string) string {
	var what string
	switch applicantEvents[action] {
	case "reconsider.accepted":
		what = "已于" + c.AcceptedOn.Chinese() + "受理，案号" + c.Number + "。受理通知书将另行送达"
		if c.Deemed { // 第三十条第三款: not refused within five working days, so accepted by law
			what = "审查期限已于" + c.AcceptedOn.Chinese() + "届满，依法自该日起视为受理（行政复议法第三十条第三款），案号" + c.Number
		}
	case "reconsider.amend":
		what = "材料不齐全或者表述不清楚，需要补正。补正通知书将另行送达，请自收到之日起十日内补正；无正当理由逾期不补正的，视为放弃行政复议申请"
	default:
		what = "已于" + c.ClosedOn.Chinese() + "作出" + closedName(action) + "，文书将另行送达"
	}
	where := "“行政复议进度查询”页面（" + link + "）"
	if !strings.HasPrefix(link, "http") { // no FAZHI_SMTP_APP_URL: a bare path means nothing on a phone
		where = "复议机关网站的“行政复议进度查询”页面"
	}
	return "您于" + c.ReceivedOn.Chinese() + "提交的行政复议申请（收件编号" + c.ReceiptNo + "）" + what +
		"。凭收件编号和查询码可在" + where + "查看进度、下载文书。"
}

// closedName names the closing document for the SMS.
func closedName(action string) string {
	return map[string]string{"reject": "不予受理决定", "mediate": "行政复议调解书", "decide": "行政复议决定", "terminate": "终止行政复议决定"}[action]
}
