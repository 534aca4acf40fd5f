package review

import (
	"strings"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/web"
)

// nextStep says on the request page what is expected next, by whom and by when; nil once
// nothing more is expected (withdrawn, or concluded and answered).
func nextStep(d *Detail, reviewOrgan string, today calendar.Date) *web.NextStep {
	r := d.Request
	var n web.NextStep
	switch r.State {
	case StateSubmitted:
		n = web.NextStep{What: "审查送审材料：齐全则受理，不齐则退回补充", Who: reviewOrgan, Due: r.Due.Check, Basis: r.CheckRule().Basis}
	case StateReturned:
		what := "补充材料后重新报送"
		if len(r.Missing) > 0 {
			what += "（缺：" + strings.Join(r.Missing, "；") + "）"
		}
		n = web.NextStep{What: what, Who: r.SubmitterOrgan}
	case StateInReview:
		rule := r.ReviewRule()
		n = web.NextStep{Who: reviewOrgan, Due: r.Due.Review, Basis: rule.Basis}
		switch {
		case r.ReviewerID == "":
			n.What = "指定审查员" + map[bool]string{true: "和法律顾问（双重审核）", false: ""}[r.Dual]
		case r.Dual && r.AdvisorID == "":
			n.What = "指定法律顾问（双重审核）"
		case !d.AllIn:
			var waiting []string
			for _, role := range []Role{RoleReviewer, RoleAdvisor} {
				if in, ok := d.Status[role]; ok && !in {
					waiting = append(waiting, role.Label())
				}
			}
			n.What = "提交审查意见"
			if len(waiting) > 0 {
				n.What = strings.Join(waiting, "、") + "提交审查意见"
			}
		default:
			n.What = "出具审核意见书"
		}
	case StateConcluded:
		if r.Due.Feedback.IsZero() {
			return nil
		}
		n = web.NextStep{What: "逐条反馈审核意见的采纳情况", Who: r.SubmitterOrgan, Due: r.Due.Feedback, Basis: r.FeedbackRule().Basis}
	default:
		return nil
	}
	n.Late = !n.Due.IsZero() && n.Due.Before(today)
	return &n
}
