package litigation

import (
	"time"

	"github.com/fazhi/fazhi/internal/calendar"
)

const (
	lawALL    = "《中华人民共和国行政诉讼法》"
	lawInterp = "《最高人民法院关于适用〈中华人民共和国行政诉讼法〉的解释》"
	lawLeader = "《最高人民法院关于行政机关负责人出庭应诉若干问题的规定》"
	lawPublic = "《最高人民法院、最高人民检察院关于检察公益诉讼案件适用法律若干问题的解释》"
	lawJudRec = "《最高人民法院关于综合治理类司法建议工作若干问题的规定》"
)

// The periods of a case, declared once with their basis (legal-rules-2 §(a).2). 行政诉讼法 has no
// 工作日: via its Art. 101 every period is counted per 民事诉讼法 Art. 85 — calendar days, the start
// day not counted, a period ending on a rest day ends on the next working day.
var (
	RuleAnswer = calendar.Rule{Code: "litigation.answer", Name: "提交答辩状及证据、依据", Length: 15, Unit: calendar.CalendarDays,
		Basis: lawALL + "第六十七条第一款", StartEvent: "收到起诉状副本之日"}
	// RuleDraft is the organ's internal milestone (fazhi default, legal-rules-2 a.6.1): the agency's draft
	// reaches the 司法局 by day 10; its length is the organ setting, this is the default.
	RuleDraft = calendar.Rule{Code: "litigation.draft", Name: "答辩状初稿报司法局（内部节点）", Length: 10, Unit: calendar.CalendarDays,
		Basis: "本机关应诉工作规定（默认第10日，可设置）", StartEvent: "收到起诉状副本之日"}
	RuleEvidenceDelay = calendar.Rule{Code: "litigation.evidence_delay", Name: "申请延期提供证据", Length: 15, Unit: calendar.CalendarDays,
		Basis: lawALL + "第三十六条第一款；" + lawInterp + "第三十四条", StartEvent: "收到起诉状副本之日"}
	RuleHearingNotice = calendar.Rule{Code: "litigation.hearing_notice", Name: "出庭通知书送达（开庭三日前）", Length: 3, Unit: calendar.CalendarDays,
		Basis: lawLeader + "第五条第二款", StartEvent: "开庭之日前"}
	RuleAppealJudgment = calendar.Rule{Code: "litigation.appeal_judgment", Name: "对判决提起上诉", Length: 15, Unit: calendar.CalendarDays,
		Basis: lawALL + "第八十五条", StartEvent: "判决书送达之日"}
	RuleAppealRuling = calendar.Rule{Code: "litigation.appeal_ruling", Name: "对裁定提起上诉", Length: 10, Unit: calendar.CalendarDays,
		Basis: lawALL + "第八十五条", StartEvent: "裁定书送达之日"}
	RuleRetrial = calendar.Rule{Code: "litigation.retrial", Name: "申请再审", Length: 6, Unit: calendar.CalendarDays,
		Basis: lawInterp + "第一百一十条", StartEvent: "判决、裁定发生法律效力之日"}
)

// MonthRule is a period counted in months (民法典第二百零二条: the period ends on the corresponding
// day of the last month, or on that month's last day when it has none; then 民事诉讼法第八十五条
// rolls a rest-day end to the next working day).
type MonthRule struct {
	Code, Name, Basis, StartEvent string
	Months                        int
}

var (
	RuleProcuratorial = MonthRule{Code: "litigation.procuratorial", Name: "检察建议书面回复", Months: 2,
		Basis: lawPublic + "第二十一条", StartEvent: "收到检察建议书之日"}
	RuleProcuratorialUrgent = calendar.Rule{Code: "litigation.procuratorial_urgent", Name: "检察建议书面回复（紧急）", Length: 15, Unit: calendar.CalendarDays,
		Basis: lawPublic + "第二十一条", StartEvent: "收到检察建议书之日"}
	RuleJudicial = MonthRule{Code: "litigation.judicial", Name: "司法建议书面回复", Months: 2,
		Basis: lawJudRec + "第八条（建议书另定期限的，从其规定）", StartEvent: "收到司法建议书之日"}
)

// Rules lists every day-counted period of the module, for the UI and docs.
var Rules = []calendar.Rule{RuleAnswer, RuleDraft, RuleEvidenceDelay, RuleHearingNotice, RuleAppealJudgment, RuleAppealRuling, RuleRetrial, RuleProcuratorialUrgent}

// AddMonths is start + n months by 民法典第二百零二条 (the corresponding day, or the month's last day),
// not yet rolled.
func AddMonths(start calendar.Date, n int) calendar.Date {
	first := time.Date(start.Year, start.Month, 1, 0, 0, 0, 0, time.UTC).AddDate(0, n, 0)
	last := first.AddDate(0, 1, -1).Day()
	return calendar.Date{Year: first.Year(), Month: first.Month(), Day: min(start.Day, last)}
}

// DueMonths is the due date of a month period started on start.
func DueMonths(cal *calendar.Calendar, r MonthRule, start calendar.Date) calendar.Date {
	return cal.NextWorkday(AddMonths(start, r.Months))
}

// AnswerDue is the last day to file the answer: receipt + 15 days, rolled off rest days (Art. 67).
func AnswerDue(cal *calendar.Calendar, received calendar.Date) calendar.Date {
	due, _, _ := cal.Due(RuleAnswer, received, nil, 0)
	return due
}

// DraftDue is the internal milestone: receipt + days (default 10). A milestone on a rest day moves back
// to the working day before it — the draft is wanted before the weekend, not after (fazhi default) —
// and it is never later than the answer itself.
func DraftDue(cal *calendar.Calendar, received calendar.Date, days int) calendar.Date {
	if days <= 0 || days > RuleAnswer.Length {
		days = RuleDraft.Length
	}
	d := received.AddDays(days)
	for !cal.IsWorkday(d) && d.After(received.AddDays(1)) {
		d = d.AddDays(-1)
	}
	if due := AnswerDue(cal, received); d.After(due) {
		return due
	}
	return d
}

// AppealRule is the appeal period for a decision: 15 days for a judgment, 10 for a ruling (Art. 85).
func AppealRule(o Outcome) calendar.Rule {
	if o.Judgment() {
		return RuleAppealJudgment
	}
	return RuleAppealRuling
}

// AppealDue is the last day to appeal a decision served on served; zero for decisions without appeal.
func AppealDue(cal *calendar.Calendar, o Outcome, served calendar.Date) calendar.Date {
	if !o.Appealable() || served.IsZero() {
		return calendar.Date{}
	}
	due, _, _ := cal.Due(AppealRule(o), served, nil, 0)
	return due
}

// HearingNoticeLate reports a 出庭通知书 served fewer than 3 days before the hearing (Art. 5 para 2:
// "开庭三日前送达", read as notice day + 3 ≤ hearing day).
func HearingNoticeLate(notice, hearing calendar.Date) bool {
	if notice.IsZero() || hearing.IsZero() {
		return false
	}
	return notice.AddDays(RuleHearingNotice.Length).After(hearing)
}

// RecommendationDue is the reply deadline of a recommendation received on received: for 检察建议 two
// months (15 days when urgent); for 司法建议 the period stated in the document (days), else two months.
func RecommendationDue(cal *calendar.Calendar, kind RecKind, urgent bool, statedDays int, received calendar.Date) calendar.Date {
	switch {
	case kind == Procuratorial && urgent:
		due, _, _ := cal.Due(RuleProcuratorialUrgent, received, nil, 0)
		return due
	case kind == Procuratorial:
		return DueMonths(cal, RuleProcuratorial, received)
	case statedDays > 0:
		return cal.AddCalendarDays(received, statedDays)
	}
	return DueMonths(cal, RuleJudicial, received)
}

// RecKind is a 司法建议 or a 检察建议.
type RecKind string

const (
	Judicial      RecKind = "judicial"      // 司法建议
	Procuratorial RecKind = "procuratorial" // 检察建议
)

// Label is the Chinese name.
func (k RecKind) Label() string {
	return map[RecKind]string{Judicial: "司法建议", Procuratorial: "检察建议"}[k]
}

// Deadlines of a case: each live due date with its rule.
type Deadline struct {
	Code, Name, Basis string
	On                calendar.Date
}

// Recompute derives the case's stored deadlines from its facts and the calendar. Pure: the same facts
// always give the same dates, so a calendar change can re-date them.
func (c *Case) Recompute(cal *calendar.Calendar) {
	c.AnswerDue, c.DraftDue, c.AppealDue = calendar.Date{}, calendar.Date{}, calendar.Date{}
	if !c.ReceivedOn.IsZero() {
		c.AnswerDue = AnswerDue(cal, c.ReceivedOn)
		c.DraftDue = DraftDue(cal, c.ReceivedOn, c.DraftDays)
	}
	if c.Outcome != "" && !c.DecisionServedOn.IsZero() {
		c.AppealDue = AppealDue(cal, c.Outcome, c.DecisionServedOn)
	}
}

// LiveDeadlines lists the deadlines still running for the case, with their articles.
func (c *Case) LiveDeadlines() []Deadline {
	var out []Deadline
	if c.AnsweredOn.IsZero() && !c.AnswerDue.IsZero() && c.State.Open() {
		if c.State == StateAssigned || c.State == StateRegistered {
			out = append(out, Deadline{RuleDraft.Code, RuleDraft.Name, RuleDraft.Basis, c.DraftDue})
		}
		out = append(out, Deadline{RuleAnswer.Code, RuleAnswer.Name, RuleAnswer.Basis, c.AnswerDue})
	}
	if c.State == StateDecided && !c.AppealDue.IsZero() && !c.AppealDecided {
		r := AppealRule(c.Outcome)
		out = append(out, Deadline{r.Code, r.Name, r.Basis, c.AppealDue})
	}
	return out
}
