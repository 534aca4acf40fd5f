package reconsider

import (
	"github.com/fazhi/fazhi/internal/calendar"
)

const law = "《中华人民共和国行政复议法》"

// The statutory periods of a case, declared once with their basis (legal-rules.md §1.1).
// Art. 88 para 2 makes the 3/5/7/10-day periods working days; the 30/60-day periods are calendar days.
var (
	RuleAccept = calendar.Rule{Code: "reconsider.accept", Name: "受理审查", Length: 5, Unit: calendar.WorkingDays,
		Basis: law + "第三十条", StartEvent: "收到申请之日（补正的，收到补正材料之日）", RestartOnAmend: true}
	RuleAmendNotice = calendar.Rule{Code: "reconsider.amend_notice", Name: "发出补正通知", Length: 5, Unit: calendar.WorkingDays,
		Basis: law + "第三十一条第一款", StartEvent: "收到申请之日"}
	RuleAmend = calendar.Rule{Code: "reconsider.amend", Name: "申请人补正", Length: 10, Unit: calendar.WorkingDays,
		Basis: law + "第三十一条第二款", StartEvent: "收到补正通知之日"}
	RuleCopy = calendar.Rule{Code: "reconsider.copy", Name: "发送申请书副本", Length: 7, Unit: calendar.WorkingDays,
		Basis: law + "第四十八条", StartEvent: "受理之日"}
	RuleCopySimplified = calendar.Rule{Code: "reconsider.copy_simplified", Name: "发送申请书副本（简易程序）", Length: 3, Unit: calendar.WorkingDays,
		Basis: law + "第五十四条", StartEvent: "受理之日"}
	RuleReply = calendar.Rule{Code: "reconsider.reply", Name: "被申请人答复", Length: 10, Unit: calendar.WorkingDays,
		Basis: law + "第四十八条", StartEvent: "收到申请书副本之日"}
	RuleReplySimplified = calendar.Rule{Code: "reconsider.reply_simplified", Name: "被申请人答复（简易程序）", Length: 5, Unit: calendar.WorkingDays,
		Basis: law + "第五十四条", StartEvent: "收到申请书副本之日"}
	RuleHearingNotice = calendar.Rule{Code: "reconsider.hearing_notice", Name: "听证通知", Length: 5, Unit: calendar.WorkingDays,
		Basis: law + "第五十一条", StartEvent: "听证举行之日前"}
	RuleDecision = calendar.Rule{Code: "reconsider.decision", Name: "作出复议决定", Length: 60, Unit: calendar.CalendarDays,
		Basis: law + "第六十二条第一款", StartEvent: "受理申请之日", Pausable: true, MaxExtension: 30}
	RuleDecisionSimplified = calendar.Rule{Code: "reconsider.decision_simplified", Name: "作出复议决定（简易程序）", Length: 30, Unit: calendar.CalendarDays,
		Basis: law + "第六十二条第二款", StartEvent: "受理申请之日", Pausable: true}
	RuleOpinionReport = calendar.Rule{Code: "reconsider.opinion_report", Name: "意见书纠正情况报送", Length: 60, Unit: calendar.CalendarDays,
		Basis: law + "第七十六条", StartEvent: "收到行政复议意见书之日"}
	RuleSuspendLimit = calendar.Rule{Code: "reconsider.suspend_limit", Name: "中止满六十日应终止", Length: 60, Unit: calendar.CalendarDays,
		Basis: law + "第四十一条第五项", StartEvent: "中止之日"}
)

// Rules lists every period of the module, for the UI and docs.
var Rules = []calendar.Rule{RuleAccept, RuleAmendNotice, RuleAmend, RuleCopy, RuleCopySimplified, RuleReply, RuleReplySimplified,
	RuleHearingNotice, RuleDecision, RuleDecisionSimplified, RuleOpinionReport, RuleSuspendLimit}

// RuleByCode finds a declared rule.
func RuleByCode(code string) (calendar.Rule, bool) {
	for _, r := range Rules {
		if r.Code == code {
			return r, true
		}
	}
	return calendar.Rule{}, false
}

func (c *Case) copyRule() calendar.Rule {
	if c.Procedure == Simplified {
		return RuleCopySimplified
	}
	return RuleCopy
}

func (c *Case) replyRule() calendar.Rule {
	if c.Procedure == Simplified {
		return RuleReplySimplified
	}
	return RuleReply
}

// DecisionRule is the decision period for the case's procedure.
func (c *Case) DecisionRule() calendar.Rule {
	if c.Procedure == Simplified {
		return RuleDecisionSimplified
	}
	return RuleDecision
}

// ComputeDeadlines derives every live deadline of c from its facts, its suspensions and the calendar.
// It is pure: the same facts always give the same dates, so a calendar change can recompute them.
//
// The 补正 and the reply periods run from receipt (Art. 31 para 2: “自收到补正通知之日起十日内”; Art. 48:
// “自收到行政复议申请书副本或者行政复议申请笔录复印件之日起十日内”). Until the receipt is recorded they
// are estimated from the day the notice or copy was sent (Provisional).
func ComputeDeadlines(c *Case, pauses []calendar.Pause, cal *calendar.Calendar) Deadlines {
	var d Deadlines
	switch c.State {
	case StateReceived:
		d.Accept = cal.AddWorkingDays(c.AcceptStart, RuleAccept.Length)
	case StateAmending:
		d.Amend = c.AmendDue(cal)
	case StateInReview, StateSuspended:
		if c.CopySentOn.IsZero() {
			d.Copy = cal.AddWorkingDays(c.AcceptedOn, c.copyRule().Length)
		} else if c.ReplyOn.IsZero() {
			d.Reply = c.ReplyDue(cal)
		}
		if due, ok, err := DecisionDue(cal, c.DecisionRule(), c.AcceptedOn, pauses, c.Extension); ok && err == nil {
			d.Decision = due
		}
	case StateConcluded:
		if !c.PerformanceDue.IsZero() && c.PerformedOn.IsZero() {
			d.Performance = c.PerformanceDue
		}
	}
	for _, x := range []struct {
		date calendar.Date
		rule string
	}{{d.Accept, RuleAccept.Code}, {d.Amend, RuleAmend.Code}, {d.Copy, c.copyRule().Code}, {d.Reply, c.replyRule().Code}, {d.Decision, c.DecisionRule().Code}, {d.Performance, "reconsider.performance"}} {
		if !x.date.IsZero() && (d.Next.IsZero() || x.date.Before(d.Next)) {
			d.Next, d.NextRule = x.date, x.rule
		}
	}
	return d
}

// ReplyDue is the end of the respondent's reply period: 10 (simplified: 5) working days from its
// receipt of the copy, or, while that receipt is not recorded, estimated from the day the copy was sent.
func (c *Case) ReplyDue(cal *calendar.Calendar) calendar.Date {
	if c.CopySentOn.IsZero() {
		return calendar.Date{}
	}
	from := c.CopyServedOn
	if from.IsZero() {
		from = c.CopySentOn
	}
	return cal.AddWorkingDays(from, c.replyRule().Length)
}

// ReplyProvisional: the copy's receipt is not recorded, so the reply due date is only an estimate
// and a reply can never be found late on it.
func (c *Case) ReplyProvisional() bool { return c.CopyServedOn.IsZero() }

// AmendDue is the end of the applicant's 补正 period: 10 working days from receipt of the notice, plus
// any extension granted for a proper reason (Art. 31 para 2), estimated from the notice's date until
// its receipt is recorded.
func (c *Case) AmendDue(cal *calendar.Calendar) calendar.Date {
	if c.AmendNoticeOn.IsZero() {
		return calendar.Date{}
	}
	from := c.AmendServedOn
	if from.IsZero() {
		from = c.AmendNoticeOn
	}
	return cal.AddWorkingDays(from, RuleAmend.Length+c.AmendExtraDays)
}

// AmendProvisional: the receipt of the 补正通知 is not recorded.
func (c *Case) AmendProvisional() bool { return c.AmendServedOn.IsZero() }

// DecisionDue is the decision period of Art. 62 with its extension. The extension (“经行政复议机构的负责人
// 批准，可以适当延长……延长期限最多不得超过三十日”) runs from the end of the original period as the law ends it
// — after a rest-day end has rolled to the next working day (民事诉讼法第八十五条, via Art. 88) — not from
// acceptance + 90 days; suspended days inside the extension are not counted either.
func DecisionDue(cal *calendar.Calendar, r calendar.Rule, accepted calendar.Date, pauses []calendar.Pause, extension int) (calendar.Date, bool, error) {
	if extension > r.MaxExtension {
		return cal.Due(r, accepted, pauses, extension) // the calendar's own message
	}
	due, ok, err := cal.Due(r, accepted, pauses, 0)
	if !ok || err != nil || extension == 0 {
		return due, ok, err
	}
	ext := calendar.Rule{Code: r.Code + ".extension", Name: r.Name + "（延长）", Length: extension, Unit: calendar.CalendarDays,
		Basis: r.Basis, StartEvent: "原期限届满之日", Pausable: r.Pausable}
	return cal.Due(ext, due, pauses, 0)
}
