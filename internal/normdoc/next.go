package normdoc

import (
	"fmt"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/web"
)

// nextStep says at the top of the document page what is expected next, by whom and by when: publish
// a registered document, file it (each filing body), await the filing review, evaluate before the
// validity ends; nil when nothing is pending.
func nextStep(d *Doc, filings []Filing, organ string, today calendar.Date) *web.NextStep {
	var n web.NextStep
	switch {
	case d.State == StateRegistered && !d.Published():
		n = web.NextStep{What: "公布文件：未经公布的规范性文件不得作为行政管理的依据", Who: organ}
	case d.State == StateInForce || d.State == StateRegistered:
		for _, f := range filings {
			if f.SentOn.IsZero() {
				n = web.NextStep{What: "向" + f.BodyName + "报送备案", Who: organ, Due: f.DueOn, Basis: fmt.Sprintf("自公布之日起%d日内；%s", f.Days, basisFiling)}
				break
			}
		}
		if n.What == "" {
			for _, f := range filings {
				if f.Result == "" {
					n = web.NextStep{What: "已报送备案，等待" + f.BodyName + "备案审查", Who: f.BodyName}
					break
				}
			}
		}
		if n.What == "" && !d.ExpiresOn.IsZero() && !d.WarnOn.IsZero() && !today.Before(d.WarnOn) && d.Evaluation == "" {
			n = web.NextStep{What: "有效期届满前评估：继续有效、修改或者到期失效", Who: organ, Due: d.ExpiresOn, Basis: basisValidity}
		}
		if n.What == "" {
			return nil
		}
	default:
		return nil
	}
	n.Late = !n.Due.IsZero() && n.Due.Before(today)
	return &n
}
