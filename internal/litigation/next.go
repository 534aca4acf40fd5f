package litigation

import (
	"context"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/web"
)

const (
	basisService = lawALL + "第六十七条第一款（签收之时即为送达，答辩期限自次日起算）"
	basisLeader  = lawALL + "第三条第三款（被诉行政机关负责人应当出庭应诉）"
	basisPerform = lawALL + "第九十四条"
	// basisEscalate is fazhi's rule, not the law's: an unsigned delivery is pressed after one working day.
	basisEscalate = "fazhi 默认：送达文书1个工作日内未签收的，提示司法局督促签收"
)

// justiceName is the 司法局 guiding the case (the government's justice bureau), else the government.
func (m *Module) justiceName(govID string) string {
	for _, o := range m.d.Org.Children(govID) {
		if o.Kind == org.KindJustice {
			return o.Name
		}
	}
	g, _ := m.d.Org.Organ(govID)
	return g.Name
}

// nextStep says at the top of the case page what is expected next, by whom and by when; nil
// once nothing more is expected.
func (m *Module) nextStep(c *Case, cp *casePage, today calendar.Date) *web.NextStep {
	var n web.NextStep
	unsigned := map[string]bool{}
	for _, d := range cp.Deliveries {
		if d.SignedAt == "" {
			unsigned[d.Direction] = true
		}
	}
	switch {
	case c.State == StateRegistered:
		n = web.NextStep{What: "签收起诉状副本、应诉通知书和举证通知书", Who: c.Defendant, Basis: basisService}
	case c.State == StateAssigned && cp.DraftOn == "":
		n = web.NextStep{What: "答辩状初稿报司法局审核", Who: c.Defendant, Due: c.DraftDue, Basis: RuleDraft.Basis}
	case c.State == StateAssigned && cp.ReviewedOn == "":
		n = web.NextStep{What: "审核答辩状初稿，提出意见", Who: m.justiceName(c.GovID), Due: c.AnswerDue, Basis: RuleAnswer.Basis}
	case c.State == StateAssigned:
		n = web.NextStep{What: "向法院提交答辩状、证据和所依据的规范性文件", Who: c.Defendant, Due: c.AnswerDue, Basis: RuleAnswer.Basis}
	case unsigned["to_court"]:
		n = web.NextStep{What: "签收被告提交的答辩材料", Who: c.CourtName}
	case c.State.Open() && len(cp.Pending) > 0:
		n = web.NextStep{What: "记录出庭情况（负责人出庭，或不能出庭的理由和委托的工作人员）", Who: c.Defendant, Basis: basisLeader}
	case c.State.Open():
		next := calendar.Date{}
		for _, h := range c.Hearings {
			if !h.Held && (next.IsZero() || h.HeldOn.Before(next)) {
				next = h.HeldOn
			}
		}
		if !next.IsZero() {
			n = web.NextStep{What: "出庭应诉（开庭日期 " + next.String() + "）", Who: c.Defendant, Due: next, Basis: basisLeader}
		} else {
			n = web.NextStep{What: "通知开庭或作出裁判", Who: c.CourtName}
		}
	case c.State == StateDecided && c.DecisionServedOn.IsZero():
		n = web.NextStep{What: "签收裁判文书（签收之时起算上诉期限）", Who: c.Defendant, Basis: AppealRule(c.Outcome).Basis}
	case c.State == StateDecided && !c.AppealDecided:
		n = web.NextStep{What: "决定是否上诉（须经批准）", Who: c.Defendant, Due: c.AppealDue, Basis: AppealRule(c.Outcome).Basis}
	case c.State == StateDecided && !c.Appealed:
		n = web.NextStep{What: "上诉期限（至 " + c.AppealDue.String() + "）届满、双方均未上诉的，记录裁判生效", Who: c.CourtName, Basis: lawALL + "第八十五条"}
	case c.State == StateEffective && c.Outcome.NeedsPerformance() && c.PerformedOn.IsZero():
		n = web.NextStep{What: "履行生效的" + decisionDocKind(c.Outcome), Who: c.Defendant, Basis: basisPerform}
	default:
		return nil
	}
	n.Late = !n.Due.IsZero() && n.Due.Before(today)
	return &n
}

// caseRecommendations lists the 司法建议/检察建议 linked to a case.
func (m *Module) caseRecommendations(ctx context.Context, caseID string) ([]Recommendation, error) {
	return m.queryRecs(ctx, `case_id = ?`, caseID)
}

func (m *Module) queryRecs(ctx context.Context, where string, args ...any) ([]Recommendation, error) {
	return queryRecs(ctx, m.d.DB, where, args...)
}

func queryRecs(ctx context.Context, q db.Querier, where string, args ...any) ([]Recommendation, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, kind, number, organ_id, gov_id, case_id, issuer, urgent, stated_days, received_on, reply_due, replied_on, reply_note
		FROM litigation_recommendations WHERE `+where+` ORDER BY reply_due, id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Recommendation
	for rows.Next() {
		var r Recommendation
		var kind, recv, due, replied string
		var urgent int
		if err := rows.Scan(&r.ID, &kind, &r.Number, &r.OrganID, &r.GovID, &r.CaseID, &r.Issuer, &urgent, &r.StatedDays, &recv, &due, &replied, &r.ReplyNote); err != nil {
			return nil, err
		}
		r.Kind, r.Urgent, r.ReceivedOn, r.ReplyDue, r.RepliedOn = RecKind(kind), urgent == 1, parseDate(recv), parseDate(due), parseDate(replied)
		out = append(out, r)
	}
	return out, rows.Err()
}

// recRule names the reply period of a recommendation with its basis.
func recRule(r Recommendation) string {
	switch {
	case r.Kind == Procuratorial && r.Urgent:
		return RuleProcuratorialUrgent.Basis
	case r.Kind == Procuratorial:
		return RuleProcuratorial.Basis
	}
	return RuleJudicial.Basis
}

// Todos are the workbench items (web.TodoSource): for the defendant organ, signing for deliveries,
// the answer, hearings within 7 days, the appeal decision and recommendation replies; for the
// 司法局, drafts to review and deliveries unsigned after 1 working day; for the court, the
// defendant's submissions to sign for.
func (m *Module) Todos(ctx context.Context, p *auth.Principal) ([]web.Todo, error) {
	if !p.Can(PermAnswer) && !p.Can(PermEdit) && !p.Can(PermCourt) {
		return nil, nil
	}
	today, cal := m.Today(), m.cal()
	// Only the cases with something to show, each kind found through its own index (migration
	// 0024): in the answer period, awaiting the decision on appeal, with an unsigned delivery, or
	// with a hearing up to 7 days ahead not yet recorded. These last weeks, not the years an
	// effective judgment stays open, so the workbench reads a few rows, not every open case.
	// The scope is a test of each of those rows, so that no planner reads p's organ's cases instead.
	where, args := scopeOf(p, "", scopeRow)
	found, err := queryCases(ctx, m.d.DB, `id IN (
			SELECT id FROM litigation_cases WHERE state = 'assigned'
			UNION SELECT id FROM litigation_cases WHERE state = 'decided' AND appeal_decided = 0
			UNION SELECT case_id FROM litigation_deliveries WHERE signed_at = ''
			UNION SELECT case_id FROM litigation_hearings WHERE held = 0 AND held_on <= ?) AND `+where,
		append([]any{today.AddDays(7).String()}, args...), Filter{Limit: 10000})
	if err != nil {
		return nil, err
	}
	var cases []*Case
	for _, c := range found {
		if c.State.Open() || c.State == StateDecided || c.State == StateEffective {
			cases = append(cases, c)
		}
	}
	if len(cases) == 0 {
		return nil, nil
	}
	ids := make([]any, 0, len(cases))
	for _, c := range cases {
		ids = append(ids, c.ID)
	}
	in := "(" + placeholders(len(ids)) + ")"
	// Those of them in which p's organ is a defendant or co-defendant.
	mine := map[string]bool{}
	rows, err := m.d.DB.QueryContext(ctx, `SELECT case_id FROM litigation_parties WHERE organ_id = ? AND role IN ('defendant', 'codefendant') AND case_id IN `+in,
		append([]any{p.OrganID}, ids...)...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		mine[id] = true
	}
	rows.Close()
	// Earliest unsigned delivery per case and direction.
	unsigned := map[string]string{}
	rows, err = m.d.DB.QueryContext(ctx, `SELECT case_id, direction, MIN(sent_at) FROM litigation_deliveries WHERE signed_at = '' AND case_id IN `+in+` GROUP BY case_id, direction`, ids...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id, dir, at string
		if err := rows.Scan(&id, &dir, &at); err != nil {
			rows.Close()
			return nil, err
		}
		unsigned[id+"/"+dir] = at
	}
	rows.Close()
	drafts := map[string]bool{}
	rows, err = m.d.DB.QueryContext(ctx, `SELECT id FROM litigation_cases WHERE draft_on <> '' AND reviewed_on = '' AND id IN `+in, ids...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		drafts[id] = true
	}
	rows.Close()
	hearings := map[string]calendar.Date{}
	rows, err = m.d.DB.QueryContext(ctx, `SELECT case_id, MIN(held_on) FROM litigation_hearings WHERE held = 0 AND held_on <= ? AND case_id IN `+in+` GROUP BY case_id`,
		append([]any{today.AddDays(7).String()}, ids...)...)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id, on string
		if err := rows.Scan(&id, &on); err != nil {
			rows.Close()
			return nil, err
		}
		hearings[id] = parseDate(on)
	}
	rows.Close()

	var out []web.Todo
	add := func(c *Case, title string, due calendar.Date, basis string) {
		out = append(out, web.Todo{Module: "行政应诉", Title: title + "：" + c.Docket, Detail: c.Plaintiff + " 诉 " + c.Defendant + " · " + c.CourtName,
			URL: caseURL(c.ID), Due: due, Basis: basis})
	}
	for _, c := range cases {
		def := p.Can(PermAnswer) && (mine[c.ID] || c.OrganID == p.OrganID)
		justice := p.Can(PermEdit) && c.GovID == p.OrganID
		court := p.Can(PermCourt) && p.Has(auth.RoleCourtLiaison) && c.CourtID == p.OrganID
		if at := unsigned[c.ID+"/to_defendant"]; at != "" {
			sent := calendar.InShanghai(mustTime(at))
			escalate := cal.AddWorkingDays(sent, 1)
			what := "签收送达文书"
			if c.State == StateDecided {
				what = "签收裁判文书"
			}
			if def {
				add(c, what, escalate, basisService)
			}
			if justice && !def && escalate.Before(today) {
				add(c, "督促被告签收（送达后超过1个工作日未签收）", escalate, basisEscalate)
			}
		}
		if court && unsigned[c.ID+"/to_court"] != "" {
			add(c, "签收被告提交的答辩材料", calendar.Date{}, "")
		}
		if c.State == StateAssigned {
			if def {
				add(c, "提交答辩状及证据、依据", c.AnswerDue, RuleAnswer.Basis)
			}
			if justice && drafts[c.ID] {
				add(c, "审核答辩状初稿", c.AnswerDue, RuleAnswer.Basis)
			}
		}
		if on, ok := hearings[c.ID]; ok && def && c.State.Open() {
			title := "出庭应诉（" + on.String() + "开庭）"
			if !on.After(today) {
				title = "记录出庭情况（" + on.String() + "开庭）"
			}
			add(c, title, on, basisLeader)
		}
		if def && c.State == StateDecided && !c.AppealDecided && !c.AppealDue.IsZero() {
			add(c, "决定是否上诉", c.AppealDue, AppealRule(c.Outcome).Basis)
		}
	}
	// Recommendations: the receiving organ replies; the 司法局 sees its government's.
	if p.Can(PermAnswer) || p.Can(PermEdit) {
		recs, err := m.queryRecs(ctx, `replied_on = '' AND (organ_id = ? OR gov_id = ?)`, p.OrganID, p.OrganID)
		if err != nil {
			return nil, err
		}
		for _, r := range recs {
			url := "/litigation/cases"
			if r.CaseID != "" {
				url = caseURL(r.CaseID)
			}
			o, _ := m.d.Org.Organ(r.OrganID)
			out = append(out, web.Todo{Module: "行政应诉", Title: "回复" + r.Kind.Label() + "：" + r.Number, Detail: r.Issuer + " → " + o.Name,
				URL: url, Due: r.ReplyDue, Basis: recRule(r)})
		}
	}
	return out, nil
}

func mustTime(ts string) time.Time {
	t, _ := db.ParseTimestamp(ts)
	return t
}
