package review

import (
	"context"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/web"
)

// List returns one page of the requests p may see, and the total.
func (s *Service) List(ctx context.Context, p *auth.Principal, f Filter) ([]*Request, int, error) {
	frag, args := scope(p)
	where, wargs := f.where(s.Today())
	args = append(args, wargs...)
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM review_requests r WHERE `+frag+` AND `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 20
	}
	order := `r.submitted_on DESC, r.receipt_no DESC`
	if f.Open || f.Overdue {
		order = `CASE WHEN r.next_due = '' THEN 1 ELSE 0 END, r.next_due, r.submitted_on`
	}
	out, err := s.query(ctx, `SELECT `+requestCols+` FROM review_requests r WHERE `+frag+` AND `+where+` ORDER BY `+order+` LIMIT ? OFFSET ?`, append(args, f.Limit, f.Offset)...)
	return out, total, err
}

// query reads requests of the pool with their display names.
func (s *Service) query(ctx context.Context, q string, args ...any) ([]*Request, error) {
	out, err := queryRequests(ctx, s.db, q, args...)
	for _, r := range out {
		s.fill(r)
	}
	return out, err
}

// Todos lists the workbench items of p: the assigned reviewer's or advisor's own opinion, the
// 司法局's checks and conclusions, the department's supplements and answers.
func (s *Service) Todos(ctx context.Context, p *auth.Principal) ([]web.Todo, error) {
	var out []web.Todo
	mine := map[string]bool{}
	if p.Can(PermOpinion) {
		rs, err := s.query(ctx, `SELECT `+requestCols+` FROM review_requests r JOIN review_assessments a ON a.review_id = r.id
			WHERE r.state = 'in_review' AND a.author_id = ? AND a.submitted_at = '' ORDER BY r.due_review`, p.UserID)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			mine[r.ID] = true
			out = append(out, web.Todo{Module: "合法性审查", Title: "提出审查意见：" + r.Title, Detail: r.Kind.Label() + " · " + r.SubmitterOrgan + " · " + RoleOf(p, r).Label(),
				URL: "/review/requests/" + r.ID, Due: r.Due.Review, Basis: r.Kind.Basis()})
		}
	}
	if p.Can(PermEdit) {
		frag, args := p.ScopeSQL("r.organ_id", "r.reviewer_id")
		rs, err := s.query(ctx, `SELECT `+requestCols+` FROM review_requests r WHERE `+frag+` AND r.state IN ('submitted', 'in_review') ORDER BY r.next_due LIMIT 300`, args...)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if mine[r.ID] {
				continue
			}
			t := web.Todo{Module: "合法性审查", Detail: r.Kind.Label() + " · " + r.SubmitterOrgan, URL: "/review/requests/" + r.ID}
			switch {
			case r.State == StateSubmitted:
				t.Title, t.Due, t.Basis = "审查送审材料："+r.Title, r.Due.Check, r.CheckRule().Basis
			case r.ReviewerID == "":
				t.Title, t.Due, t.Basis = "指定审查人员："+r.Title, r.Due.Review, r.Kind.Basis()
			default:
				t.Title, t.Due, t.Basis = "出具审核意见书："+r.Title, r.Due.Review, r.Kind.Basis()
			}
			out = append(out, t)
		}
	}
	if p.Can(PermSubmit) {
		rs, err := s.query(ctx, `SELECT `+requestCols+` FROM review_requests r WHERE r.submitter_organ_id = ?
			AND (r.state = 'returned' OR (r.state = 'concluded' AND r.opinion_count > 0 AND r.feedback_on = '')) ORDER BY r.next_due`, p.OrganID)
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			if r.State == StateReturned {
				out = append(out, web.Todo{Module: "合法性审查", Title: "补充送审材料：" + r.Title, Detail: "缺少：" + joinMax(r.Missing, 3), URL: "/review/requests/" + r.ID})
				continue
			}
			out = append(out, web.Todo{Module: "合法性审查", Title: "反馈审查意见采纳情况：" + r.Title, Detail: r.OpinionNumber, URL: "/review/requests/" + r.ID,
				Due: r.Due.Feedback, Basis: r.FeedbackRule().Basis})
		}
	}
	return out, nil
}

func joinMax(items []string, n int) string {
	out := ""
	for i, it := range items {
		if i == n {
			return out + "等"
		}
		if i > 0 {
			out += "、"
		}
		out += it
	}
	return out
}
