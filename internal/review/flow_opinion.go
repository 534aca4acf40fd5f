package review

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
)

// draftTx runs a change to the caller's own draft opinion: no event (the timeline must not reveal
// the drafting of one reviewer to the other), an audit entry, the same scope and lock rules.
func (s *Service) draftTx(ctx context.Context, p *auth.Principal, id, action string, fn func(tx *db.Tx, r *Request, role Role) error) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		r, err := s.lockScoped(ctx, tx, p, id)
		if err != nil {
			return err
		}
		role := RoleOf(p, r)
		if role == "" {
			return fault.Forbiddenf("只有被指定的审查员或法律顾问可以提出审查意见")
		}
		if err := s.kind.InState(string(r.State), string(StateInReview)); err != nil {
			return err
		}
		status, err := assessmentStatus(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		if status[role] {
			return fault.Conflictf("您的审查意见已提交，不能再修改")
		}
		if err := fn(tx, r, role); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "review." + action, ObjectType: ownerType, ObjectID: r.ID, Detail: map[string]any{"role": role}})
	})
}

// OpinionInput is one point of a reviewer's opinion.
type OpinionInput struct {
	Content string `json:"content" required:"true"`
	Basis   string `json:"basis"` // the law and article relied on, e.g. 《中华人民共和国行政处罚法》第十六条
}

// AddOpinion adds a point to the caller's own (not yet submitted) opinion.
func (s *Service) AddOpinion(ctx context.Context, p *auth.Principal, id string, in OpinionInput) (Opinion, error) {
	in.Content, in.Basis = strings.TrimSpace(in.Content), strings.TrimSpace(in.Basis)
	if in.Content == "" {
		return Opinion{}, fault.Field("content", "请填写审查意见内容")
	}
	if utf8.RuneCountInString(in.Content) > 5000 {
		return Opinion{}, fault.Field("content", "单条意见不能超过5000字")
	}
	var o Opinion
	err := s.draftTx(ctx, p, id, "opinion_add", func(tx *db.Tx, r *Request, role Role) error {
		var seq int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) + 1 FROM review_opinions WHERE review_id = ? AND role = ?`, r.ID, string(role)).Scan(&seq); err != nil {
			return err
		}
		o = Opinion{ID: db.NewID(), ReviewID: r.ID, Role: role, AuthorID: p.UserID, AuthorName: p.Name, Seq: seq, Content: in.Content, Basis: in.Basis}
		return tx.Exec(ctx, `INSERT INTO review_opinions (id, review_id, role, author_id, author_name, seq, content, basis, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			o.ID, o.ReviewID, string(role), o.AuthorID, o.AuthorName, o.Seq, o.Content, o.Basis, db.Now())
	})
	return o, err
}

// DeleteOpinion removes a point of the caller's own draft opinion and renumbers the rest.
func (s *Service) DeleteOpinion(ctx context.Context, p *auth.Principal, id, opinionID string) error {
	return s.draftTx(ctx, p, id, "opinion_delete", func(tx *db.Tx, r *Request, role Role) error {
		var seq int
		err := tx.QueryRowContext(ctx, `SELECT seq FROM review_opinions WHERE id = ? AND review_id = ? AND role = ?`, opinionID, r.ID, string(role)).Scan(&seq)
		if err := db.Found(err, "审查意见"); err != nil {
			return err
		}
		if err := tx.Exec(ctx, `DELETE FROM review_opinions WHERE id = ?`, opinionID); err != nil {
			return err
		}
		return tx.Exec(ctx, `UPDATE review_opinions SET seq = seq - 1 WHERE review_id = ? AND role = ? AND seq > ?`, r.ID, string(role), seq)
	})
}

// AssessInput submits the caller's opinion with a suggested conclusion.
type AssessInput struct {
	Step
	Suggestion Conclusion `json:"suggestion" required:"true"`
	Summary    string     `json:"summary"`
}

// SubmitAssessment hands in the caller's independent opinion; it is frozen from then on and becomes
// visible to the other reviewer only when theirs is in too.
func (s *Service) SubmitAssessment(ctx context.Context, p *auth.Principal, id string, in AssessInput) (*Request, error) {
	if !in.Suggestion.Valid() {
		return nil, fault.Field("suggestion", "请选择建议的审查结论")
	}
	in.Summary = strings.TrimSpace(in.Summary)
	var role Role
	allow := func(p *auth.Principal, r *Request) error {
		if role = RoleOf(p, r); role == "" {
			return casework.Forbidden("只有被指定的审查员或法律顾问可以提交审查意见")
		}
		return nil
	}
	in.Note = ""
	return s.step(ctx, p, id, &in.Step, casework.Transition[*Request]{Action: "assessment", From: from(StateInReview), Allow: allow, Apply: func(tx *db.Tx, r *Request, _ *casework.Event) error {
		if err := casework.NotBefore(in.On, r.AcceptedOn, "受理日期"); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM review_opinions WHERE review_id = ? AND role = ?`, r.ID, string(role)).Scan(&n); err != nil {
			return err
		}
		if in.Suggestion == AgreeAmended && n == 0 {
			return fault.Field("suggestion", "建议“修改后同意”的，请先逐条提出修改意见")
		}
		if (in.Suggestion == Disagree || in.Suggestion == Defer) && in.Summary == "" {
			return fault.Field("summary", "建议不同意或暂缓的，请写明理由")
		}
		err := tx.ExecOne(ctx, `UPDATE review_assessments SET suggestion = ?, summary = ?, submitted_at = ?, submitted_on = ? WHERE review_id = ? AND role = ? AND author_id = ? AND submitted_at = ''`,
			string(in.Suggestion), in.Summary, db.Now(), in.On.String(), r.ID, string(role), p.UserID)
		if errors.Is(err, db.ErrConflict) {
			return fault.Conflictf("您的审查意见已提交")
		}
		return err
	}})
}

// ExtendInput is an approved extension of the review period.
type ExtendInput struct {
	Step
	Days     int    `json:"days" required:"true"`
	Approver string `json:"approver" required:"true"`
}

// Extend adds working days to the review period, with approval, before it runs out.
func (s *Service) Extend(ctx context.Context, p *auth.Principal, id string, in ExtendInput) (*Request, error) {
	if strings.TrimSpace(in.Approver) == "" {
		return nil, fault.Field("approver", "延长审查期限须经负责人批准，请填写批准人")
	}
	if strings.TrimSpace(in.Note) == "" {
		return nil, fault.Field("note", "请写明延长理由")
	}
	in.Note = fmt.Sprintf("延长%d个工作日；批准人：%s；理由：%s", in.Days, strings.TrimSpace(in.Approver), strings.TrimSpace(in.Note))
	return s.step(ctx, p, id, &in.Step, casework.Transition[*Request]{Action: "extend", From: from(StateInReview), Allow: s.asStaff, Apply: func(tx *db.Tx, r *Request, _ *casework.Event) error {
		def := settingDef(extensionKey(r.Kind))
		limit, err := s.settings.Int(ctx, tx, r.OrganID, def)
		if err != nil {
			return err
		}
		if in.Days >= 1 && limit == 0 {
			return fault.Field("days", fmt.Sprintf("%s审核期限不得延长（%s；本机关设置可延长0个工作日）", r.Kind.Label(), def.Basis))
		}
		if in.Days < 1 || r.Extension+in.Days > limit {
			return fault.Field("days", fmt.Sprintf("审查期限累计最多延长%d个工作日（已延长%d个；依据：%s）", limit, r.Extension, def.Basis))
		}
		if !r.Due.Review.IsZero() && in.On.After(r.Due.Review) {
			return fault.Field("on", fmt.Sprintf("审查期限已于 %s 届满，不能再延长", r.Due.Review))
		}
		r.Extension += in.Days
		return nil
	}})
}

// ConcludeInput is the conclusion of a review and the content of its 审核意见书.
type ConcludeInput struct {
	Step
	Conclusion   Conclusion `json:"conclusion" required:"true"`
	Text         string     `json:"text"`    // overall opinion; the reasons of 不同意 or 暂缓
	Exclude      []string   `json:"exclude"` // opinion ids left out of the 审核意见书 (duplicates)
	Urgent       bool       `json:"urgent"`  // concluded before the minimum period because of urgency
	UrgentReason string     `json:"urgent_reason"`
}

// Conclude issues the 审核意见书: numbers the opinions, gives the document number, stops the clock.
func (s *Service) Conclude(ctx context.Context, p *auth.Principal, id string, in ConcludeInput) (*Request, error) {
	if !in.Conclusion.Valid() {
		return nil, fault.Field("conclusion", "请选择审查结论")
	}
	in.Text, in.UrgentReason = strings.TrimSpace(in.Text), strings.TrimSpace(in.UrgentReason)
	if (in.Conclusion == Disagree || in.Conclusion == Defer) && in.Text == "" {
		return nil, fault.Field("text", "结论为不同意或暂缓的，应写明理由")
	}
	if in.Urgent && in.UrgentReason == "" {
		return nil, fault.Field("urgent_reason", "请说明紧急情况")
	}
	if in.Note == "" {
		in.Note = in.Conclusion.Label()
	}
	return s.step(ctx, p, id, &in.Step, casework.Transition[*Request]{Action: "conclude", From: from(StateInReview), Allow: s.asStaff, Apply: func(tx *db.Tx, r *Request, _ *casework.Event) error {
		if err := casework.NotBefore(in.On, r.AcceptedOn, "受理日期"); err != nil {
			return err
		}
		status, err := assessmentStatus(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		if !status[RoleReviewer] {
			return fault.Conflictf("审查员尚未提交审查意见，不能出具审核意见书")
		}
		if r.Dual && !status[RoleAdvisor] {
			return fault.Conflictf("双重审核事项须待法律顾问提交意见后方可出具审核意见书")
		}
		if earliest := s.cal().AddWorkingDays(r.AcceptedOn, r.MinDays); r.MinDays > 0 && in.On.Before(earliest) {
			if !(in.Urgent || r.Urgent) {
				return fault.Field("on", fmt.Sprintf("审查时间一般不少于%d个工作日（最早 %s）；确属紧急的，请勾选紧急情况并说明理由", r.MinDays, earliest))
			}
			if in.Urgent {
				r.Urgent, r.UrgentReason = true, in.UrgentReason
			}
		}
		ops, err := allOpinions(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		n := 0
		for _, o := range ops {
			if slices.Contains(in.Exclude, o.ID) {
				continue
			}
			n++
			if err := tx.Exec(ctx, `UPDATE review_opinions SET final_no = ? WHERE id = ?`, n, o.ID); err != nil {
				return err
			}
		}
		if in.Conclusion == AgreeAmended && n == 0 {
			return fault.Field("conclusion", "“修改后同意”须附具体修改意见")
		}
		o, _ := s.org.Organ(r.OrganID)
		seq, err := db.NextNumber(ctx, tx, r.OrganID, "review.opinion", in.On.Year)
		if err != nil {
			return err
		}
		r.OpinionNumber = fmt.Sprintf("%s审〔%d〕%d号", prefixOf(o), in.On.Year, seq)
		r.ReviewDue = r.Due.Review
		r.State, r.ConcludedOn, r.Conclusion, r.ConclusionText, r.OpinionCount = StateConcluded, in.On, in.Conclusion, in.Text, n
		return nil
	}})
}

// AnswerItem is the department's answer to one numbered opinion.
type AnswerItem struct {
	OpinionID string `json:"opinion_id" required:"true"`
	Answer    Answer `json:"answer"`
	Reason    string `json:"reason"`
}

// AnswerInput carries answers to some or all numbered opinions.
type AnswerInput struct {
	Step
	Answers []AnswerItem `json:"answers" required:"true"`
}

// Answer records how the department handled the numbered opinions. An answer is final once given; the
// feedback is complete when every numbered opinion is answered.
func (s *Service) Answer(ctx context.Context, p *auth.Principal, id string, in AnswerInput) (*Request, error) {
	fe := &fault.Fields{}
	for i, a := range in.Answers {
		in.Answers[i].Reason = strings.TrimSpace(a.Reason)
		if a.Answer == "" {
			continue
		}
		if !a.Answer.Valid() {
			fe.Add("answer_"+a.OpinionID, "请选择采纳、部分采纳或不采纳")
		} else if a.Answer != Adopted && in.Answers[i].Reason == "" {
			fe.Add("reason_"+a.OpinionID, "部分采纳或不采纳的，应说明理由")
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	return s.step(ctx, p, id, &in.Step, casework.Transition[*Request]{Action: "answer", From: from(StateConcluded), Allow: asSubmitter, Apply: func(tx *db.Tx, r *Request, _ *casework.Event) error {
		if r.OpinionCount == 0 || !r.FeedbackOn.IsZero() {
			return fault.Conflictf("该事项没有待反馈的审查意见")
		}
		if err := casework.NotBefore(in.On, r.ConcludedOn, "审核意见书日期"); err != nil {
			return err
		}
		given := 0
		for _, a := range in.Answers {
			if a.Answer == "" {
				continue
			}
			err := tx.ExecOne(ctx, `UPDATE review_opinions SET answer = ?, answer_reason = ?, answered_on = ?, answered_by = ? WHERE id = ? AND review_id = ? AND final_no > 0 AND answer = ''`,
				string(a.Answer), a.Reason, in.On.String(), p.Name, a.OpinionID, r.ID)
			if errors.Is(err, db.ErrConflict) {
				return fault.Field("answer_"+a.OpinionID, "该意见不存在或已反馈")
			}
			if err != nil {
				return err
			}
			given++
		}
		if given == 0 {
			return fault.Invalidf("请至少对一条意见作出反馈")
		}
		var left int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM review_opinions WHERE review_id = ? AND final_no > 0 AND answer = ''`, r.ID).Scan(&left); err != nil {
			return err
		}
		if left == 0 {
			r.FeedbackOn = in.On
		}
		return nil
	}})
}

// Withdraw ends a request before its conclusion, at the department's wish.
func (s *Service) Withdraw(ctx context.Context, p *auth.Principal, id string, st Step) (*Request, error) {
	allow := func(p *auth.Principal, r *Request) error {
		if submitter(p, r) || s.editable(p, r) {
			return nil
		}
		return casework.Forbidden("无权撤回该事项")
	}
	return s.step(ctx, p, id, &st, casework.Transition[*Request]{Action: "withdraw", From: from(StateSubmitted, StateReturned, StateInReview), Allow: allow,
		Apply: func(tx *db.Tx, r *Request, _ *casework.Event) error {
			r.State = StateWithdrawn
			return nil
		}})
}
