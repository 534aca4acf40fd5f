package disclosure

import (
	"context"
	"fmt"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/notify"
	"github.com/fazhi/fazhi/internal/org"
)

// remindWorkdays: a deadline this many working days away or nearer is announced once to the
// handling organ's 政府信息公开 staff; one passed in the last overdueWindow days once more.
const (
	remindWorkdays = 3
	overdueWindow  = 30
)

// Reminders is the module's source for the message centre's hourly reminder job: the 补正告知
// deadline (第三十条, 7 WD) and the answer deadline (第三十三条: 20 WD, extended, with the excluded
// time added) of open requests. While the answer clock stands (补正, 征求意见, fee wait) its date is
// not yet known and nothing is announced. Found through the (state, next_due) index the workbench
// uses: a request's next_due is never later than its answer or notice deadline. The ref carries the
// request, the deadline and its date, so a moved deadline is announced again.
func (s *Service) Reminders(ctx context.Context) ([]notify.Reminder, error) {
	cal, today := s.cal(), s.Today()
	from, horizon := today.AddDays(-overdueWindow), cal.AddWorkingDays(today, remindWorkdays)
	rs, err := openRequests(ctx, s.db, `AND next_due <> '' AND next_due <= ? ORDER BY next_due, id`, horizon.String())
	if err != nil {
		return nil, err
	}
	var out []notify.Reminder
	for _, r := range rs {
		due := ComputeDeadlines(r, cal)
		to := s.handlers(r.OrganID)
		remind := func(code, what string, on calendar.Date) {
			if on.IsZero() || on.Before(from) || on.After(horizon) {
				return
			}
			kind, title := "disclosure.due", fmt.Sprintf("依申请公开 %s：%s 期限 %s", r.ReceiptNo, what, on)
			if on.Before(today) {
				kind, title = "disclosure.overdue", fmt.Sprintf("依申请公开 %s：%s 已于 %s 到期", r.ReceiptNo, what, on)
			}
			for _, organ := range to {
				out = append(out, notify.Reminder{Ref: kind + ":" + r.ID + ":" + code + ":" + on.String() + ":" + organ, OrganID: organ, Role: auth.RoleLiaison,
					Kind: kind, Title: title, Body: r.ApplicantName + "：" + trim(r.Description, 40), URL: "/disclosure/requests/" + r.ID})
			}
		}
		remind(RuleAmendNotice.Code, "补正告知", due.AmendNotice)
		if due.Paused == "" {
			remind(RuleReply.Code, "答复", due.Reply)
		}
	}
	return out, nil
}

// handlers are the organs whose liaisons handle requests to organ: the organ itself and, for a
// government, its office (条例第三条第二款, as visibleSQL lets the office's staff see them).
func (s *Service) handlers(organ string) []string {
	out := []string{organ}
	if o, ok := s.org.Organ(organ); ok && o.Kind == org.KindGovernment {
		for _, c := range s.org.Children(organ) {
			if c.Kind == org.KindOffice {
				out = append(out, c.ID)
			}
		}
	}
	return out
}
