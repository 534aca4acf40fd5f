package litigation

import (
	"context"
	"fmt"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/notify"
)

// remindWorkdays: a deadline this many working days away or nearer is announced once to whoever
// the workbench todo addresses; one passed in the last overdueWindow days is announced once more.
const (
	remindWorkdays = 3
	overdueWindow  = 30
)

// answerRoles hold PermAnswer: the defendant organ's liaison, and for a government sued, its 司法局 staff.
var answerRoles = []auth.Role{auth.RoleLiaison, auth.RoleReconsider}

// Reminders is the module's source for the message centre's hourly reminder job: the draft to the
// 司法局, the answer, the 司法局's review, the appeal decision, signing for a delivery and the reply
// to a 司法建议/检察建议. The cases are found through the workbench's indexes (migration 0024); the
// ref carries the case, the deadline and its date, so a moved deadline is announced again.
func (m *Module) Reminders(ctx context.Context) ([]notify.Reminder, error) {
	cal, today := m.cal(), m.Today()
	from, horizon := today.AddDays(-overdueWindow), cal.AddWorkingDays(today, remindWorkdays)
	in := func(due calendar.Date) bool { return !due.IsZero() && !due.Before(from) && !due.After(horizon) }
	var out []notify.Reminder
	// post announces one deadline to role in each organ; overdueToo adds recipients once it passed.
	post := func(ref, what string, due calendar.Date, name, body, url string, to []organRole, overdueToo []organRole) {
		kind, title := "litigation.due", fmt.Sprintf("%s：%s 期限 %s", name, what, due)
		if due.Before(today) {
			kind, title = "litigation.overdue", fmt.Sprintf("%s：%s 已于 %s 到期", name, what, due)
			to = append(to, overdueToo...)
		}
		for _, r := range to {
			out = append(out, notify.Reminder{Ref: kind + ":" + ref + ":" + due.String() + ":" + r.organ + ":" + string(r.role),
				OrganID: r.organ, Role: r.role, Kind: kind, Title: title, Body: body, URL: url})
		}
	}

	found, err := queryCases(ctx, m.d.DB, `id IN (
			SELECT id FROM litigation_cases WHERE state = 'assigned'
			UNION SELECT id FROM litigation_cases WHERE state = 'decided' AND appeal_decided = 0
			UNION SELECT case_id FROM litigation_deliveries WHERE signed_at = '' AND direction = 'to_defendant')`, nil, Filter{Limit: 10000})
	if err != nil {
		return nil, err
	}
	var cases []*Case
	for _, c := range found {
		if c.State.Open() || c.State == StateDecided || c.State == StateEffective {
			cases = append(cases, c)
		}
	}
	if len(cases) > 0 {
		ids := make([]any, 0, len(cases))
		for _, c := range cases {
			ids = append(ids, c.ID)
		}
		inIDs := "(" + placeholders(len(ids)) + ")"
		defendants := map[string][]string{}
		if err := m.eachRow(ctx, `SELECT case_id, organ_id FROM litigation_parties WHERE role IN ('defendant', 'codefendant') AND organ_id <> '' AND case_id IN `+inIDs+` ORDER BY case_id, seq`,
			ids, func(v []string) { defendants[v[0]] = append(defendants[v[0]], v[1]) }); err != nil {
			return nil, err
		}
		unsigned := map[string]string{}
		if err := m.eachRow(ctx, `SELECT case_id, MIN(sent_at) FROM litigation_deliveries WHERE signed_at = '' AND direction = 'to_defendant' AND case_id IN `+inIDs+` GROUP BY case_id`,
			ids, func(v []string) { unsigned[v[0]] = v[1] }); err != nil {
			return nil, err
		}
		drafted, review := map[string]bool{}, map[string]bool{}
		if err := m.eachRow(ctx, `SELECT id, reviewed_on FROM litigation_cases WHERE draft_on <> '' AND id IN `+inIDs, ids,
			func(v []string) { drafted[v[0]], review[v[0]] = true, v[1] == "" }); err != nil {
			return nil, err
		}
		for _, c := range cases {
			var def []organRole
			seen := map[string]bool{}
			for _, o := range append([]string{c.OrganID}, defendants[c.ID]...) {
				if o != "" && !seen[o] {
					seen[o] = true
					for _, r := range answerRoles {
						def = append(def, organRole{o, r})
					}
				}
			}
			justice := []organRole{{c.GovID, auth.RoleReconsider}}
			name, body, url := "行政应诉 "+c.Docket, c.Plaintiff+" 诉 "+c.Defendant+" · "+c.CourtName, caseURL(c.ID)
			if at := unsigned[c.ID]; at != "" {
				// fazhi's rule (basisEscalate): sign within one working day; late, the 司法局 presses too.
				escalate := cal.AddWorkingDays(calendar.InShanghai(mustTime(at)), 1)
				if in(escalate) {
					post(c.ID+":sign", "签收送达文书", escalate, name, body, url, def, justice)
				}
			}
			switch {
			case c.State == StateAssigned:
				if !drafted[c.ID] && in(c.DraftDue) {
					post(c.ID+":draft", "答辩状初稿报司法局审核", c.DraftDue, name, body, url, def, nil)
				}
				if in(c.AnswerDue) {
					post(c.ID+":answer", "提交答辩状及证据、依据", c.AnswerDue, name, body, url, def, nil)
					if review[c.ID] {
						post(c.ID+":review", "审核答辩状初稿", c.AnswerDue, name, body, url, justice, nil)
					}
				}
			case c.State == StateDecided && !c.AppealDecided && in(c.AppealDue):
				post(c.ID+":appeal", "决定是否上诉", c.AppealDue, name, body, url, def, nil)
			}
		}
	}

	// Replies to recommendations: the receiving organ replies, its government's 司法局 follows them
	// (both see the workbench todo). Few rows: the table holds recommendations, not cases.
	recs, err := m.queryRecs(ctx, `replied_on = '' AND reply_due >= ? AND reply_due <= ?`, from.String(), horizon.String())
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		url := "/litigation/cases"
		if r.CaseID != "" {
			url = caseURL(r.CaseID)
		}
		o, _ := m.d.Org.Organ(r.OrganID)
		var to []organRole
		for _, role := range answerRoles {
			to = append(to, organRole{r.OrganID, role})
		}
		if r.GovID != r.OrganID {
			to = append(to, organRole{r.GovID, auth.RoleReconsider})
		}
		post(r.ID+":reply", "回复"+r.Kind.Label(), r.ReplyDue, r.Kind.Label()+" "+r.Number, r.Issuer+" → "+o.Name, url, to, nil)
	}
	return out, nil
}

// organRole is a reminder's recipients: every active holder of role in organ.
type organRole struct {
	organ string
	role  auth.Role
}

// eachRow runs q and hands each row's string columns to fn.
func (m *Module) eachRow(ctx context.Context, q string, args []any, fn func([]string)) error {
	rows, err := m.d.DB.QueryContext(ctx, q, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	for rows.Next() {
		v := make([]string, len(cols))
		ptrs := make([]any, len(cols))
		for i := range v {
			ptrs[i] = &v[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return err
		}
		fn(v)
	}
	return rows.Err()
}
