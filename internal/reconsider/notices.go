package reconsider

import (
	"context"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/notify"
)

// notifyStep posts the message a step owes someone, inside the step's transaction: the copy of the
// application sent to the respondent tells its liaisons that the reply period runs.
func (s *Service) notifyStep(ctx context.Context, tx *db.Tx, c *Case, action string) error {
	if s.notify == nil || action != "send_copy" || c.RespondentID == "" {
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
