package reconsider

import (
	"context"
	"fmt"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/notify"
)

// remindWorkdays: a case's next deadline this many working days away or nearer is announced once to
// its handler (or, with none, to the organ's 复议工作人员); a deadline passed in the last
// overdueWindow days is announced once more as overdue.
const (
	remindWorkdays = 3
	overdueWindow  = 30
)

// Reminders is the module's source for the message centre's hourly reminder job. The ref carries
// the due date, so a deadline moved by an extension or a calendar change is announced again.
func (s *Service) Reminders(ctx context.Context) ([]notify.Reminder, error) {
	cal, today := s.cal(), s.Today()
	horizon := cal.AddWorkingDays(today, remindWorkdays)
	rows, err := s.db.QueryContext(ctx, `SELECT `+caseCols+` FROM reconsider_cases WHERE next_due >= ? AND next_due <= ?
		AND (state IN ('received', 'amending', 'in_review', 'suspended') OR (state = 'concluded' AND performed_on = '' AND performance_due <> ''))
		ORDER BY next_due, received_on, receipt_no`, today.AddDays(-overdueWindow).String(), horizon.String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []notify.Reminder
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, err
		}
		what, kind, due := ruleNames[c.Due.NextRule], "reconsider.due", c.Due.Next
		title := fmt.Sprintf("%s：%s 期限 %s", caseName(c), what, due)
		if due.Before(today) {
			kind, title = "reconsider.overdue", fmt.Sprintf("%s：%s 已于 %s 到期", caseName(c), what, due)
		}
		r := notify.Reminder{Ref: kind + ":" + c.ID + ":" + c.Due.NextRule + ":" + due.String(), Kind: kind, Title: title + provisionalMark(c),
			Body: c.ApplicantName + " 不服 " + c.Respondent + " " + c.ActType, URL: "/reconsider/cases/" + c.ID}
		if c.HandlerID != "" {
			r.UserID = c.HandlerID
		} else {
			r.OrganID, r.Role = c.OrganID, auth.RoleReconsider
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
