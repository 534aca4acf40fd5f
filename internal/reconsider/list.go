package reconsider

import (
	"context"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/web"
)

// queryCountCap bounds the count of a text search, whose every candidate row is read and tested.
const queryCountCap = 200

// List returns one page of the cases p may see, and how many match (up to f.CountUpTo).
func (s *Service) List(ctx context.Context, p *auth.Principal, f Filter) ([]*Case, db.Count, error) {
	if p.Scope == auth.ScopeOrgan || p.Scope == auth.ScopeBelow { // the outer query applies the whole scope
		frag, args := p.ScopeSQL("organ_id", "")
		f.nameScope, f.nameScopeArgs = " AND "+frag, args
	}
	where, wargs := f.where(s.Today())
	// The count reads each organ's rows through the organ index, stopping at the cap, unless a
	// deadline filter lets the due index find the few matching rows directly.
	if f.Query != "" && f.CountUpTo > queryCountCap { // a name is tested row by row: count less far
		f.CountUpTo = queryCountCap
	}
	cfrag, cargs := scopeOf(p, f.Overdue || f.DueWithin > 0)
	cargs = append(cargs, wargs...)
	var total db.Count
	var err error
	switch {
	case f.CountUpTo < 0:
	case f.CountUpTo > 0:
		total, err = db.CountUpTo(ctx, s.db, `SELECT 1 FROM reconsider_cases WHERE `+cfrag+` AND `+where, cargs, f.CountUpTo)
	default:
		err = s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM reconsider_cases WHERE `+cfrag+` AND `+where, cargs...).Scan(&total.N)
	}
	frag, args := scopeOf(p, true)
	args = append(args, wargs...)
	if err != nil {
		return nil, total, err
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 20
	}
	order := `received_on DESC, receipt_no DESC`
	if f.Open || f.Overdue || f.DueWithin > 0 {
		order = `next_due, received_on, receipt_no` // receipt_no: unique, so pages never overlap
	}
	// The page's ids first: sorting narrow rows (the covering index reconsider_cases_organ_list),
	// then reading the twenty cases, costs a fraction of sorting every visible case whole.
	rows, err := s.db.QueryContext(ctx, `SELECT `+caseCols+` FROM reconsider_cases WHERE id IN (
		SELECT id FROM reconsider_cases WHERE `+frag+` AND `+where+` ORDER BY `+order+` LIMIT ? OFFSET ?) ORDER BY `+order, append(args, f.Limit, f.Offset)...)
	if err != nil {
		return nil, total, err
	}
	defer rows.Close()
	var out []*Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, total, err
		}
		out = append(out, c)
	}
	return out, total, rows.Err()
}

// ruleNames gives the workbench wording of the next deadline.
var ruleNames = map[string]string{
	RuleAccept.Code: "受理审查", RuleAmend.Code: "等待申请人补正", RuleCopy.Code: "发送申请书副本", RuleCopySimplified.Code: "发送申请书副本",
	RuleReply.Code: "等待被申请人答复", RuleReplySimplified.Code: "等待被申请人答复", RuleDecision.Code: "作出复议决定",
	RuleDecisionSimplified.Code: "作出复议决定", "reconsider.performance": "跟踪履行",
}

// Todos lists the workbench items of p: for staff the next deadline of every open case and
// every 意见书 awaiting its report; for a respondent's liaison the replies it owes.
func (s *Service) Todos(ctx context.Context, p *auth.Principal) ([]web.Todo, error) {
	var out []web.Todo
	if p.Can(PermEdit) {
		frag, args := p.ScopeSQL("organ_id", "handler_id")
		rows, err := s.db.QueryContext(ctx, `SELECT `+caseCols+` FROM reconsider_cases WHERE `+frag+` AND next_due <> '' AND (state IN ('received', 'amending', 'in_review', 'suspended') OR (state = 'concluded' AND performed_on = '' AND performance_due <> '')) ORDER BY next_due LIMIT 300`, args...)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanCase(rows)
			if err != nil {
				return nil, err
			}
			rule, _ := RuleByCode(c.Due.NextRule)
			basis := rule.Basis
			if basis == "" {
				basis = law + "第七十七条"
			}
			out = append(out, web.Todo{Module: "行政复议", Title: ruleNames[c.Due.NextRule] + provisionalMark(c) + "：" + caseName(c), Detail: c.ApplicantName + " 不服 " + c.Respondent + " " + c.ActType,
				URL: "/reconsider/cases/" + c.ID, Due: c.Due.Next, Basis: basis})
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		ofrag, oargs := p.ScopeSQL("organ_id", "")
		ops, err := listOpinions(ctx, s.db, ofrag+` AND reported_on = ''`, oargs...)
		if err != nil {
			return nil, err
		}
		for _, o := range ops {
			mark := ""
			if o.ReceivedOn.IsZero() {
				mark = "（" + ProvisionalNote + "）"
			}
			out = append(out, web.Todo{Module: "行政复议", Title: "意见书纠正情况报送" + mark + "：" + o.Recipient, URL: "/reconsider/cases/" + o.CaseID, Due: o.ReportDue, Basis: RuleOpinionReport.Basis})
		}
	}
	if p.Can(PermReply) {
		rows, err := s.db.QueryContext(ctx, `SELECT `+caseCols+` FROM reconsider_cases WHERE respondent_id = ? AND state IN ('in_review', 'suspended') AND copy_sent_on <> '' AND reply_on = '' ORDER BY due_reply`, p.OrganID)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			c, err := scanCase(rows)
			if err != nil {
				return nil, err
			}
			title := "提交书面答复"
			if c.ReplyProvisional() {
				title = "签收申请书副本并提交书面答复（" + ProvisionalNote + "）"
			}
			out = append(out, web.Todo{Module: "行政复议", Title: title + "：" + caseName(c), Detail: "申请人 " + c.ApplicantName + "，" + c.ActTitle,
				URL: "/reconsider/cases/" + c.ID, Due: c.Due.Reply, Basis: c.replyRule().Basis})
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// provisionalMark flags a next deadline counted from a receipt not yet recorded (Arts. 31, 48).
func provisionalMark(c *Case) string {
	switch {
	case c.Due.NextRule == RuleAmend.Code && c.AmendProvisional(),
		(c.Due.NextRule == RuleReply.Code || c.Due.NextRule == RuleReplySimplified.Code) && c.ReplyProvisional():
		return "（" + ProvisionalNote + "）"
	}
	return ""
}

func caseName(c *Case) string {
	if c.Number != "" {
		return c.Number
	}
	return "收件 " + c.ReceiptNo
}
