package enforce

import (
	"context"
	"fmt"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/notify"
)

// Messages to an evaluated or supervised body: its legal officers (the liaisons of the body's
// organ, who report the rectification) learn in the message centre that results came back or a
// 监督意见书/决定书 set a rectification period. Posted in the step's transaction.

// notifyBody posts m to the liaisons of the body's organ; nothing when the message centre is off.
func (m *Module) notifyBody(ctx context.Context, tx *db.Tx, organID string, msg notify.Message) error {
	if m.d.Notify == nil {
		return nil
	}
	_, err := m.d.Notify.PostRole(ctx, tx, organID, auth.RoleLiaison, msg)
	return err
}

// evaluationSent tells the body that a file's evaluation result was sent back.
func (m *Module) evaluationSent(ctx context.Context, tx *db.Tx, e *Evaluation) error {
	body := fmt.Sprintf("%s 的案卷 %s 评查得分 %d 分，等次%s。", e.BodyName, e.CaseNo, e.Score, e.GradeLabel())
	if e.State == EvalRectify {
		body += fmt.Sprintf("请于 %s 前完成整改并报送整改情况。", e.RectifyDue)
	} else {
		body += "无需整改。"
	}
	return m.notifyBody(ctx, tx, e.OrganID, notify.Message{OrganID: e.OrganID, Kind: "enforce.evaluation_sent",
		Title: "案卷评查结果反馈：" + e.CaseNo, Body: body, URL: "/enforce/evaluations/" + e.ID})
}

// rectificationOrdered tells the body that a 监督意见书 or 决定书 was issued with a period.
func (m *Module) rectificationOrdered(ctx context.Context, tx *db.Tx, x *Matter, action string) error {
	doc, on := "行政执法监督意见书", x.OpinionOn
	if action == "decision" {
		doc, on = "行政执法监督决定书", x.DecisionOn
	}
	return m.notifyBody(ctx, tx, x.OrganID, notify.Message{OrganID: x.OrganID, Kind: "enforce.rectify_" + action,
		Title: doc + "：" + x.Title,
		Body:  fmt.Sprintf("%s 制发%s，整改期限 %d 日，请于 %s 前整改并报送整改报告。", on, doc, x.rectifyDays, x.RectifyDue),
		URL:   "/enforce/matters/" + x.ID})
}
