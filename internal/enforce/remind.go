package enforce

import (
	"context"
	"fmt"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/notify"
)

// remindWorkdays: a rectification period ending this many working days away or nearer is
// announced once; one passed in the last overdueWindow days without the body's report once more.
const (
	remindWorkdays = 3
	overdueWindow  = 30
)

// rectifying is one period under way: a matter's (意见书/决定书) or a file's sent back (案卷评查).
type rectifying struct {
	what, id, organID, title, bodyName, actorID string
	due                                         calendar.Date
}

// Reminders is the module's source for the message centre's hourly reminder job: each period
// goes to the body's liaisons (who report the rectification) and to the 司法局's staff who set it
// (the actor of the step, or, with none, the 司法局's reviewers). The ref carries the due date, so
// a period run anew by a 决定书 is announced again. Expiring certificates stay workbench warnings.
func (m *Module) Reminders(ctx context.Context) ([]notify.Reminder, error) {
	today := m.today()
	horizon := m.d.Calendar.Current().AddWorkingDays(today, remindWorkdays)
	from := today.AddDays(-overdueWindow).String()
	// The staff who set the period: the latest step that did (a 决定书 restarts it).
	actor := func(ownerType, actions, id string) string {
		return `COALESCE((SELECT ev.actor_id FROM case_events ev WHERE ev.owner_type = '` + ownerType + `' AND ev.owner_id = ` + id +
			` AND ev.action IN (` + actions + `) ORDER BY ev.at DESC LIMIT 1), '')`
	}
	var list []rectifying
	for _, q := range []struct{ what, sql string }{
		{"matter", `SELECT x.id, x.organ_id, x.title, b.name, ` + actor("enforce_matter", `'opinion', 'decision'`, "x.id") + `, x.rectify_due
			FROM enforce_matters x JOIN enforce_bodies b ON b.id = x.body_id
			WHERE x.state = '` + MatterRectify + `' AND x.rectify_due >= ? AND x.rectify_due <= ? ORDER BY x.rectify_due, x.id`},
		{"evaluation", `SELECT e.id, e.organ_id, r.case_no, b.name, ` + actor("enforce_evaluation", `'send'`, "e.id") + `, e.rectify_due
			FROM enforce_evaluations e JOIN enforce_records r ON r.id = e.record_id JOIN enforce_bodies b ON b.id = e.body_id
			WHERE e.state = '` + EvalRectify + `' AND e.rectify_due >= ? AND e.rectify_due <= ? ORDER BY e.rectify_due, e.id`},
	} {
		rows, err := m.d.DB.QueryContext(ctx, q.sql, from, horizon.String())
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			r := rectifying{what: q.what}
			var due string
			if err := rows.Scan(&r.id, &r.organID, &r.title, &r.bodyName, &r.actorID, &due); err != nil {
				rows.Close()
				return nil, err
			}
			r.due = dateOf(due)
			list = append(list, r)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	var out []notify.Reminder
	for _, r := range list {
		kind, url, name := "enforce.matter", "/enforce/matters/"+r.id, "监督事项整改："+r.title
		if r.what == "evaluation" {
			kind, url, name = "enforce.evaluation", "/enforce/evaluations/"+r.id, "案卷评查整改："+r.title
		}
		title, toBody, toStaff := fmt.Sprintf("%s 整改期限 %s", name, r.due), "请于 "+r.due.String()+" 前完成整改并报送整改报告。", "请跟进其整改报告。"
		if r.due.Before(today) {
			kind, title = kind+"_overdue", fmt.Sprintf("%s 整改期限已于 %s 届满，尚未报送整改报告", name, r.due)
			toBody, toStaff = "整改期限已过，请尽快报送整改报告。", "整改期限已过，尚未收到整改报告，请复查。"
		} else {
			kind += "_due"
		}
		ref := kind + ":" + r.id + ":" + r.due.String()
		body := notify.Reminder{Ref: ref + ":body", OrganID: r.organID, Role: auth.RoleLiaison, Kind: kind, Title: title, Body: r.bodyName + "：" + toBody, URL: url}
		staff := notify.Reminder{Ref: ref + ":staff", Kind: kind, Title: title, Body: r.bodyName + "：" + toStaff, URL: url}
		if r.actorID != "" {
			staff.UserID = r.actorID
		} else {
			staff.OrganID, staff.Role = m.supervisor(r.organID).ID, auth.RoleReviewer
		}
		out = append(out, body, staff)
	}
	return out, nil
}
