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
// 司法局, the answer, the 司法局's review, the appeal decision, signing for a delivery, hearings and the reply
// to a 司法建议/检察建议. The cases are found through the workbench's indexes (migration 0024), the
// recommendations through litigation_recommendations_due (0025); the
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
			UNION SELECT case_id FROM litigation_deliveries WHERE signed_at = '' AND direction = 'to_defendant'
			UNION SELECT case_id FROM litigation_hearings WHERE held = 0 AND held_on >= ? AND held_on <= ?)`,
		[]any{from.String(), horizon.String()}, Filter{Limit: 10000})
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
		// Hearings not yet recorded, from the window's start to its horizon (litigation_hearings_unheld).
		hearings := map[string][]Hearing{}
		if err := m.eachRow(ctx, `SELECT id, case_id, held_on, mandatory FROM litigation_hearings WHERE held = 0 AND held_on >= ? AND held_on <= ? AND case_id IN `+inIDs+` ORDER BY held_on, id`,
			append([]any{from.String(), horizon.String()}, ids...), func(v []string) {
				hearings[v[1]] = append(hearings[v[1]], Hearing{ID: v[0], CaseID: v[1], HeldOn: parseDate(v[2]), Mandatory: v[3] == "1"})
			}); err != nil {
			return nil, err
		}
		for _, c := range cases {
			var def []organRole
			seen := map[organRole]bool{}
			for _, o := range append([]string{c.OrganID}, defendants[c.ID]...) {
				for _, r := range answerRoles {
					if x := (organRole{o, r}); o != "" && !seen[x] {
						seen[x] = true
						def = append(def, x)
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
			if c.State.Open() {
				// As on the hearing calendar: the defendants and their government's 司法局.
				to := def
				if !seen[justice[0]] {
					to = append(to[:len(to):len(to)], justice...)
				}
				for _, h := range hearings[c.ID] {
					out = append(out, hearingReminders(h, today, name, body, url, to)...)
				}
			}
		}
	}

	// Replies to recommendations: the receiving organ replies, its government's 司法局 follows them
	// (both see the workbench todo). Read through litigation_recommendations_due (migration 0025).
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

// hearingReminders announces a hearing not yet recorded: ahead of it, once, with the 负责人出庭
// decision still to take (nothing is recorded before the day, RecordAppearance); after it, once, that
// its record is missing. The ref carries the hearing and its date, so a moved hearing is announced again.
func hearingReminders(h Hearing, today calendar.Date, name, body, url string, to []organRole) []notify.Reminder {
	kind, title := "litigation.hearing", fmt.Sprintf("%s：%s 开庭", name, h.HeldOn)
	switch {
	case h.HeldOn.Before(today):
		kind, title = "litigation.hearing-unrecorded", fmt.Sprintf("%s：%s 开庭情况未登记", name, h.HeldOn)
		body += "。请登记负责人出庭情况，或不能出庭的理由和委托出庭的工作人员"
	case h.Mandatory:
		title += "，法院通知负责人出庭"
		body += "。人民法院通知负责人出庭，请确定出庭的负责人；有第八条规定的正当理由不能出庭的，应当提交加盖机关印章或者由主要负责人签字认可的证明材料，并委托相应的工作人员出庭（" + lawLeader + "第四条、第八条、第九条）"
	case !h.Appeared:
		title += "，负责人出庭待定"
		body += "。请确定是否由负责人出庭；负责人不能出庭的，应当委托相应的工作人员出庭，不得仅委托律师（" + lawALL + "第三条第三款）"
	}
	var out []notify.Reminder
	for _, r := range to {
		out = append(out, notify.Reminder{Ref: kind + ":" + h.CaseID + ":hearing:" + h.ID + ":" + h.HeldOn.String() + ":" + r.organ + ":" + string(r.role),
			OrganID: r.organ, Role: r.role, Kind: kind, Title: title, Body: body, URL: url})
	}
	return out
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
