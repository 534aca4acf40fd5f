package reconsider

import (
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/web"
)

// nextStep says at the top of the case page what is expected next, by whom and by when; nil once
// nothing more is expected. A draft left unissued comes first: the step it belongs to is not
// done until the document is served.
func nextStep(c *Case, docs []Document, office string, today calendar.Date) *web.NextStep {
	var n web.NextStep
	for _, d := range docs {
		if !d.Issued() {
			n = web.NextStep{What: d.KindName() + "尚未印发：核对草稿后印发并送达", Who: office}
			return &n
		}
	}
	switch c.State {
	case StateReceived:
		n = web.NextStep{What: "受理审查：决定受理、通知补正或者不予受理", Who: office, Due: c.Due.Accept, Basis: RuleAccept.Basis}
	case StateAmending:
		n = web.NextStep{What: "等待申请人补正材料", Who: "申请人" + c.ApplicantName, Due: c.Due.Amend, Basis: RuleAmend.Basis}
		if c.AmendProvisional() {
			n.What += "（补正通知书送达日期尚未登记，期限自通知之日预估）"
		}
	case StateInReview:
		switch {
		case c.CopySentOn.IsZero():
			n = web.NextStep{What: "向被申请人发送" + copyName(c) + "和答复通知书", Who: office, Due: c.Due.Copy, Basis: c.copyRule().Basis}
		case c.ReplyOn.IsZero():
			n = web.NextStep{What: "答复通知书已送达，等待被申请人答复", Who: c.Respondent, Due: c.Due.Reply, Basis: c.replyRule().Basis}
			if c.ReplyProvisional() {
				n.What = "答复通知书已发送，等待被申请人答复（收到副本的日期尚未登记，期限自发送之日预估）"
			}
		default:
			n = web.NextStep{What: "审理并作出行政复议决定", Who: office, Due: c.Due.Decision, Basis: c.DecisionRule().Basis}
		}
	case StateSuspended:
		n = web.NextStep{What: "中止原因消除后恢复审理（中止期间不计入审理期限）", Who: office}
	case StateConcluded:
		switch {
		case c.Outcome != "" && c.DecisionServedOn.IsZero():
			n = web.NextStep{What: "登记决定书送达申请人的日期", Who: office}
		case !c.Due.Performance.IsZero():
			n = web.NextStep{What: "履行行政复议决定", Who: c.Respondent, Due: c.Due.Performance}
		default:
			return nil
		}
	default:
		return nil
	}
	n.Late = !n.Due.IsZero() && n.Due.Before(today)
	return &n
}

func copyName(c *Case) string {
	if c.Channel == ChannelPhone {
		return "行政复议申请笔录复印件"
	}
	return "行政复议申请书副本"
}
