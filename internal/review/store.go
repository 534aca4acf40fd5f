package review

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
)

const requestCols = `r.id, r.organ_id, r.submitter_organ_id, r.submitter_id, r.submitter_name, r.contact, r.issuer_id, r.kind, r.receipt_no, r.number,
	r.title, r.summary, r.draft, r.urgent, r.urgent_reason, r.state, r.submitted_on, r.received_on, r.returned_on, r.missing, r.return_count,
	r.accepted_on, r.reviewer_id, r.reviewer_name, r.advisor_id, r.advisor_name, r.dual, r.min_days, r.max_days, r.check_days, r.feedback_days,
	r.extension_days, r.concluded_on, r.conclusion, r.conclusion_text, r.opinion_count, r.review_due, r.feedback_on, r.due_check, r.due_review,
	r.due_feedback, r.next_due, r.next_rule, r.version, r.created_at, r.updated_at`

func scanRequest(sc interface{ Scan(...any) error }) (*Request, error) {
	r := &Request{}
	var d [12]string
	var urgent, dual int
	var missing string
	err := sc.Scan(&r.ID, &r.OrganID, &r.SubmitterOrganID, &r.SubmitterID, &r.SubmitterName, &r.Contact, &r.IssuerID, &r.Kind, &r.ReceiptNo, &r.OpinionNumber,
		&r.Title, &r.Summary, &r.Draft, &urgent, &r.UrgentReason, &r.State, &d[0], &d[1], &d[2], &missing, &r.ReturnCount,
		&d[3], &r.ReviewerID, &r.ReviewerName, &r.AdvisorID, &r.AdvisorName, &dual, &r.MinDays, &r.MaxDays, &r.CheckDays, &r.FeedbackDays,
		&r.Extension, &d[4], &r.Conclusion, &r.ConclusionText, &r.OpinionCount, &d[5], &d[6], &d[7], &d[8],
		&d[9], &d[10], &r.Due.NextRule, &r.Version, &r.CreatedAt, &r.UpdatedAt)
	if err != nil {
		return nil, err
	}
	targets := []*calendar.Date{&r.SubmittedOn, &r.ReceivedOn, &r.ReturnedOn, &r.AcceptedOn, &r.ConcludedOn, &r.ReviewDue, &r.FeedbackOn,
		&r.Due.Check, &r.Due.Review, &r.Due.Feedback, &r.Due.Next}
	for i, t := range targets {
		if d[i] != "" {
			if *t, err = calendar.ParseDate(d[i]); err != nil {
				return nil, fmt.Errorf("审查事项 %s 的日期字段损坏：%w", r.ID, err)
			}
		}
	}
	r.Urgent, r.Dual = urgent == 1, dual == 1
	if missing != "" {
		r.Missing = strings.Split(missing, "\n")
	}
	return r, nil
}

func insertRequest(ctx context.Context, tx *db.Tx, r *Request) error {
	return tx.Exec(ctx, `INSERT INTO review_requests (id, organ_id, submitter_organ_id, submitter_id, submitter_name, contact, issuer_id, kind, receipt_no,
		title, summary, draft, urgent, urgent_reason, state, submitted_on, received_on, check_days, due_check, next_due, next_rule, version, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.ID, r.OrganID, r.SubmitterOrganID, r.SubmitterID, r.SubmitterName, r.Contact, r.IssuerID, string(r.Kind), r.ReceiptNo,
		r.Title, r.Summary, r.Draft, db.BoolInt(r.Urgent), r.UrgentReason, string(r.State), r.SubmittedOn.String(), r.ReceivedOn.String(), r.CheckDays, r.Due.Check.String(), r.Due.Next.String(), r.Due.NextRule, r.Version, r.CreatedAt, r.UpdatedAt)
}

// updateRequest writes the mutable facts, guarded by the version the transition read.
func updateRequest(ctx context.Context, tx *db.Tx, r *Request) error {
	err := tx.ExecOne(ctx, `UPDATE review_requests SET number = ?, title = ?, summary = ?, draft = ?, urgent = ?, urgent_reason = ?, state = ?,
		received_on = ?, returned_on = ?, missing = ?, return_count = ?, accepted_on = ?, reviewer_id = ?, reviewer_name = ?, advisor_id = ?, advisor_name = ?,
		dual = ?, min_days = ?, max_days = ?, check_days = ?, feedback_days = ?, extension_days = ?, concluded_on = ?, conclusion = ?, conclusion_text = ?,
		opinion_count = ?, review_due = ?, feedback_on = ?, due_check = ?, due_review = ?, due_feedback = ?, next_due = ?, next_rule = ?,
		version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
		r.OpinionNumber, r.Title, r.Summary, r.Draft, db.BoolInt(r.Urgent), r.UrgentReason, string(r.State),
		r.ReceivedOn.String(), r.ReturnedOn.String(), strings.Join(r.Missing, "\n"), r.ReturnCount, r.AcceptedOn.String(), r.ReviewerID, r.ReviewerName, r.AdvisorID, r.AdvisorName,
		db.BoolInt(r.Dual), r.MinDays, r.MaxDays, r.CheckDays, r.FeedbackDays, r.Extension, r.ConcludedOn.String(), string(r.Conclusion), r.ConclusionText,
		r.OpinionCount, r.ReviewDue.String(), r.FeedbackOn.String(), r.Due.Check.String(), r.Due.Review.String(), r.Due.Feedback.String(), r.Due.Next.String(), r.Due.NextRule,
		db.Now(), r.ID, r.Version)
	if errors.Is(err, db.ErrConflict) {
		return fault.Conflictf("该审查事项已被他人更新，请刷新后重试")
	}
	if err == nil {
		r.Version++
	}
	return err
}

// queryRequests reads the requests a query selects (columns requestCols).
func queryRequests(ctx context.Context, q db.Querier, query string, args ...any) ([]*Request, error) {
	return db.List(ctx, q, scanRequest, query, args...)
}

func insertMaterials(ctx context.Context, tx *db.Tx, reviewID string, ms []Material) error {
	for i, m := range ms {
		if err := tx.Exec(ctx, `INSERT INTO review_materials (id, review_id, code, name, required, provided, note, sort) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			db.NewID(), reviewID, m.Code, m.Name, db.BoolInt(m.Required), db.BoolInt(m.Provided), m.Note, i); err != nil {
			return err
		}
	}
	return nil
}

func updateMaterial(ctx context.Context, tx *db.Tx, reviewID string, m Material) error {
	return tx.Exec(ctx, `UPDATE review_materials SET provided = ?, note = ? WHERE review_id = ? AND code = ?`, db.BoolInt(m.Provided), m.Note, reviewID, m.Code)
}

func listMaterials(ctx context.Context, q db.Querier, reviewID string) ([]Material, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, code, name, required, provided, note FROM review_materials WHERE review_id = ? ORDER BY sort`, reviewID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Material
	for rows.Next() {
		var m Material
		var req, prov int
		if err := rows.Scan(&m.ID, &m.Code, &m.Name, &req, &prov, &m.Note); err != nil {
			return nil, err
		}
		m.Required, m.Provided = req == 1, prov == 1
		out = append(out, m)
	}
	return out, rows.Err()
}

// MissingMaterials lists the required materials not provided, by name.
func MissingMaterials(ms []Material) []string {
	var out []string
	for _, m := range ms {
		if m.Required && !m.Provided {
			out = append(out, m.Name)
		}
	}
	return out
}

// blindSQL is the 双重审核 rule, in SQL so that no page, export or API can leak an opinion: a row of
// table alias t (review_assessments or review_opinions) is visible to viewer ? only when the viewer
// wrote it, or when every required assessment of the review has been submitted. A department
// (answering side) additionally sees only the numbered opinions of a concluded review; the caller
// adds that condition.
const blindSQL = `(t.author_id = ? OR NOT EXISTS (SELECT 1 FROM review_assessments a2 WHERE a2.review_id = t.review_id AND a2.submitted_at = ''))`

func listAssessments(ctx context.Context, q db.Querier, reviewID, viewerID string) ([]Assessment, error) {
	rows, err := q.QueryContext(ctx, `SELECT t.role, t.author_id, t.author_name, t.suggestion, t.summary, t.submitted_at, t.submitted_on
		FROM review_assessments t WHERE t.review_id = ? AND `+blindSQL+` ORDER BY t.role DESC`, reviewID, viewerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Assessment
	for rows.Next() {
		var a Assessment
		var on string
		if err := rows.Scan(&a.Role, &a.AuthorID, &a.AuthorName, &a.Suggestion, &a.Summary, &a.SubmittedAt, &on); err != nil {
			return nil, err
		}
		a.SubmittedOn, _ = calendar.ParseDate(on)
		out = append(out, a)
	}
	return out, rows.Err()
}

// assessmentStatus reports, for every required role, whether its assessment is in (no content: safe for everyone).
func assessmentStatus(ctx context.Context, q db.Querier, reviewID string) (map[Role]bool, error) {
	rows, err := q.QueryContext(ctx, `SELECT role, submitted_at FROM review_assessments WHERE review_id = ?`, reviewID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[Role]bool{}
	for rows.Next() {
		var role Role
		var at string
		if err := rows.Scan(&role, &at); err != nil {
			return nil, err
		}
		out[role] = at != ""
	}
	return out, rows.Err()
}

const opinionCols = `t.id, t.review_id, t.role, t.author_id, t.author_name, t.seq, t.content, t.basis, t.final_no, t.answer, t.answer_reason, t.answered_on, t.answered_by`

func scanOpinion(sc interface{ Scan(...any) error }) (Opinion, error) {
	var o Opinion
	var on string
	err := sc.Scan(&o.ID, &o.ReviewID, &o.Role, &o.AuthorID, &o.AuthorName, &o.Seq, &o.Content, &o.Basis, &o.FinalNo, &o.Answer, &o.AnswerReason, &on, &o.AnsweredBy)
	if err == nil && on != "" {
		o.AnsweredOn, _ = calendar.ParseDate(on)
	}
	return o, err
}

// listOpinions returns the opinions viewerID may see under the 双重审核 rule; finalOnly limits them
// to the numbered opinions of the 审核意见书 (what a department sees).
func listOpinions(ctx context.Context, q db.Querier, reviewID, viewerID string, finalOnly bool) ([]Opinion, error) {
	cond := blindSQL
	if finalOnly {
		cond += ` AND t.final_no > 0`
	}
	rows, err := q.QueryContext(ctx, `SELECT `+opinionCols+` FROM review_opinions t WHERE t.review_id = ? AND `+cond+`
		ORDER BY CASE WHEN t.final_no > 0 THEN 0 ELSE 1 END, t.final_no, t.role DESC, t.seq`, reviewID, viewerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Opinion
	for rows.Next() {
		o, err := scanOpinion(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// allOpinions reads every opinion of a review, for the conclusion step only (all assessments are in then).
func allOpinions(ctx context.Context, q db.Querier, reviewID string) ([]Opinion, error) {
	return db.List(ctx, q, scanOpinion, `SELECT `+opinionCols+` FROM review_opinions t WHERE t.review_id = ? ORDER BY t.role DESC, t.seq`, reviewID)
}

// Filter selects requests for a list.
type Filter struct {
	Kind          Kind
	State         State
	Open          bool
	Overdue       bool
	Query         string
	Year          int
	Limit, Offset int
}

func (f Filter) where(today calendar.Date) (string, []any) {
	var conds []string
	var args []any
	add := func(c string, a ...any) { conds = append(conds, c); args = append(args, a...) }
	if f.Kind != "" {
		add("r.kind = ?", string(f.Kind))
	}
	if f.State != "" {
		add("r.state = ?", string(f.State))
	} else if f.Open {
		add("r.state IN ('submitted', 'returned', 'in_review')")
	}
	if f.Overdue {
		add("r.next_due <> '' AND r.next_due < ?", today.String())
	}
	if f.Year > 0 {
		add("r.submitted_on >= ? AND r.submitted_on <= ?", fmt.Sprintf("%04d-01-01", f.Year), fmt.Sprintf("%04d-12-31", f.Year))
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + db.EscapeLike(q) + "%"
		add(`(r.title LIKE ? ESCAPE '\' OR r.receipt_no LIKE ? ESCAPE '\' OR r.number LIKE ? ESCAPE '\')`, like, like, like)
	}
	if len(conds) == 0 {
		return "1 = 1", nil
	}
	return strings.Join(conds, " AND "), args
}
