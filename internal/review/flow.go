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
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/org"
)

// Step is the common input of a transition: the legal date, a note and the version the user saw.
type Step = casework.Step

// from lists the states a transition applies to.
func from(states ...State) []string {
	out := make([]string, len(states))
	for i, st := range states {
		out[i] = string(st)
	}
	return out
}

// step runs one transition of a request through the engine; no step is dated before the submission.
func (s *Service) step(ctx context.Context, p *auth.Principal, id string, st *Step, t casework.Transition[*Request]) (*Request, error) {
	t.Step = st
	apply := t.Apply
	t.Apply = func(tx *db.Tx, r *Request, ev *casework.Event) error {
		if err := casework.NotBefore(st.On, r.SubmittedOn, "报送日期"); err != nil {
			return err
		}
		return apply(tx, r, ev)
	}
	return s.kind.Run(ctx, s.db, s.Today(), p, id, t)
}

// lockScoped locks a request's row and reads it within p's scope, for the writes that are not
// transitions (the drafting of an opinion).
func (s *Service) lockScoped(ctx context.Context, tx *db.Tx, p *auth.Principal, id string) (*Request, error) {
	if err := tx.LockRow(ctx, "review_requests", id); err != nil {
		if errors.Is(err, db.ErrNotFound) {
			return nil, fault.NotFoundf("审查事项不存在或您无权查看")
		}
		return nil, err
	}
	return s.getScoped(ctx, tx, p, id)
}

// ReviewOrganFor finds the 司法局 that reviews the matters of organ o: the justice organ of o's
// government (o itself when it is one).
func (s *Service) ReviewOrganFor(o org.Organ) (org.Organ, bool) {
	if o.Kind == org.KindJustice {
		return o, true
	}
	gov, ok := s.org.GovernmentOf(o)
	if !ok {
		return org.Organ{}, false
	}
	for _, c := range s.org.Children(gov.ID) {
		if c.Kind == org.KindJustice {
			return c, true
		}
	}
	return org.Organ{}, false
}

// IssuerChoices lists the organs in whose name a department may propose to issue a document:
// itself, its government and the government's office.
func (s *Service) IssuerChoices(organID string) []org.Organ {
	o, ok := s.org.Organ(organID)
	if !ok {
		return nil
	}
	out := []org.Organ{o}
	if gov, ok := s.org.GovernmentOf(o); ok && gov.ID != o.ID {
		out = append(out, gov)
		for _, c := range s.org.Children(gov.ID) {
			if c.Kind == org.KindOffice && c.ID != o.ID {
				out = append(out, c)
			}
		}
	}
	return out
}

func prefixOf(o org.Organ) string {
	if o.DocPrefix != "" {
		return o.DocPrefix
	}
	rs := []rune(o.Name)
	if len(rs) > 0 {
		return string(rs[0])
	}
	return ""
}

// SubmitInput is a department's submission.
type SubmitInput struct {
	Kind         Kind     `json:"kind" required:"true"`
	Title        string   `json:"title" required:"true"`
	Summary      string   `json:"summary"`
	Draft        string   `json:"draft"`
	Contact      string   `json:"contact"`
	IssuerID     string   `json:"issuer_id"`
	Urgent       bool     `json:"urgent"`
	UrgentReason string   `json:"urgent_reason"`
	Provided     []string `json:"provided"` // checklist codes provided
	Step
}

// Submit files a new review request from p's department.
func (s *Service) Submit(ctx context.Context, p *auth.Principal, in SubmitInput) (*Request, error) {
	if !p.Can(PermSubmit) {
		return nil, fault.Forbiddenf("只有部门联络员可以报送审查")
	}
	fe := &fault.Fields{}
	in.Title, in.Summary, in.Draft, in.Contact, in.UrgentReason = strings.TrimSpace(in.Title), strings.TrimSpace(in.Summary), strings.TrimSpace(in.Draft), strings.TrimSpace(in.Contact), strings.TrimSpace(in.UrgentReason)
	if !in.Kind.Valid() {
		fe.Add("kind", "请选择审查事项类别")
	}
	if in.Title == "" {
		fe.Add("title", "请填写送审事项名称")
	} else if utf8.RuneCountInString(in.Title) > 200 {
		fe.Add("title", "名称不能超过200字")
	}
	if in.Urgent && in.UrgentReason == "" {
		fe.Add("urgent_reason", "紧急审查须说明理由")
	}
	me, _ := s.org.Organ(p.OrganID)
	reviewer, ok := s.ReviewOrganFor(me)
	if !ok {
		fe.Add("kind", "未找到负责本单位合法性审查的司法行政机关")
	}
	if in.Kind == KindNormdoc {
		if in.IssuerID == "" {
			in.IssuerID = p.OrganID
		}
		if !slices.ContainsFunc(s.IssuerChoices(p.OrganID), func(o org.Organ) bool { return o.ID == in.IssuerID }) {
			fe.Add("issuer_id", "拟发文机关应为本单位、本级人民政府或其办公室")
		}
	} else {
		in.IssuerID = ""
	}
	if err := in.Step.Prepare(s.Today()); err != nil {
		var f *fault.Fields
		if !errors.As(err, &f) {
			return nil, err
		}
		fe.Add("on", f.Fields["on"])
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	check, err := s.settings.Int(ctx, s.db, reviewer.ID, settingDef(KeyCheckDays))
	if err != nil {
		return nil, err
	}
	r := &Request{ID: db.NewID(), OrganID: reviewer.ID, SubmitterOrganID: p.OrganID, SubmitterOrgan: me.Name, SubmitterID: p.UserID, SubmitterName: p.Name,
		Contact: in.Contact, IssuerID: in.IssuerID, Kind: in.Kind, Title: in.Title, Summary: in.Summary, Draft: in.Draft, Urgent: in.Urgent, UrgentReason: in.UrgentReason,
		State: StateSubmitted, SubmittedOn: in.On, ReceivedOn: in.On, CheckDays: check, Version: 1, CreatedAt: db.Now()}
	r.UpdatedAt = r.CreatedAt
	var mats []Material
	for _, it := range in.Kind.Checklist() {
		mats = append(mats, Material{Code: it.Code, Name: it.Name, Required: it.Required, Provided: slices.Contains(in.Provided, it.Code)})
	}
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		n, err := db.NextNumber(ctx, tx, reviewer.ID, "review.receipt", in.On.Year)
		if err != nil {
			return err
		}
		r.ReceiptNo = fmt.Sprintf("%s审收〔%d〕%d号", prefixOf(reviewer), in.On.Year, n)
		r.Due = ComputeDeadlines(r, s.cal())
		if err := insertRequest(ctx, tx, r); err != nil {
			return err
		}
		if err := insertMaterials(ctx, tx, r.ID, mats); err != nil {
			return err
		}
		if err := casework.InsertEvent(ctx, tx, &casework.Event{OwnerType: ownerType, OwnerID: r.ID, OrganID: r.OrganID, On: in.On, ActorID: p.UserID, ActorName: p.Name,
			Action: "submit", ToState: string(r.State), Note: in.Kind.Label()}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "review.submit", ObjectType: ownerType, ObjectID: r.ID,
			Detail: map[string]any{"kind": in.Kind, "title": in.Title, "receipt_no": r.ReceiptNo}})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// ResubmitInput is the department's supplement after a return.
type ResubmitInput struct {
	Step
	Provided []string `json:"provided"`
	Draft    string   `json:"draft"` // replaces the draft when not empty
}

// Resubmit sends the completed materials back; the completeness check starts again.
func (s *Service) Resubmit(ctx context.Context, p *auth.Principal, id string, in ResubmitInput) (*Request, error) {
	return s.step(ctx, p, id, &in.Step, casework.Transition[*Request]{Action: "resubmit", From: from(StateReturned), Allow: asSubmitter, Apply: func(tx *db.Tx, r *Request, _ *casework.Event) error {
		if err := casework.NotBefore(in.On, r.ReturnedOn, "退回日期"); err != nil {
			return err
		}
		ms, err := listMaterials(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if !m.Provided && slices.Contains(in.Provided, m.Code) {
				m.Provided = true
				if err := updateMaterial(ctx, tx, r.ID, m); err != nil {
					return err
				}
			}
		}
		if d := strings.TrimSpace(in.Draft); d != "" {
			r.Draft = d
		}
		r.State, r.ReceivedOn = StateSubmitted, in.On
		return nil
	}})
}

// CheckInput is the completeness check of the 司法局, with the assignment when the materials are complete.
type CheckInput struct {
	Step
	Extra      []string `json:"extra"`       // further missing items the reviewer found (one per entry)
	ReviewerID string   `json:"reviewer_id"` // optional: assign at acceptance
	AdvisorID  string   `json:"advisor_id"`
}

// Check compares the materials with the kind's checklist. When something is missing the request goes
// back to the department (退回补充材料) with the list in Request.Missing; otherwise it is accepted and
// the review period starts (organ settings, fixed now).
func (s *Service) Check(ctx context.Context, p *auth.Principal, id string, in CheckInput) (*Request, error) {
	var extra []string
	for _, e := range in.Extra {
		for _, line := range strings.Split(e, "\n") {
			if line = strings.TrimSpace(line); line != "" {
				extra = append(extra, line)
			}
		}
	}
	return s.step(ctx, p, id, &in.Step, casework.Transition[*Request]{Action: "accept", From: from(StateSubmitted), Allow: s.asStaff, Apply: func(tx *db.Tx, r *Request, ev *casework.Event) error {
		if err := casework.NotBefore(in.On, r.ReceivedOn, "收到材料日期"); err != nil {
			return err
		}
		ms, err := listMaterials(ctx, tx, r.ID)
		if err != nil {
			return err
		}
		missing := append(MissingMaterials(ms), extra...)
		if len(missing) > 0 {
			ev.Action, ev.Note = "return", strings.Join(missing, "；")
			r.State, r.ReturnedOn, r.Missing, r.ReturnCount = StateReturned, in.On, missing, r.ReturnCount+1
			return nil
		}
		r.Missing = nil
		if err := s.accept(ctx, tx, r, in.On); err != nil {
			return err
		}
		if in.ReviewerID != "" {
			return s.assign(ctx, tx, r, in.ReviewerID, in.AdvisorID, false)
		}
		return nil
	}})
}

// accept starts the review: the period settings of the reviewing organ are fixed on the request.
func (s *Service) accept(ctx context.Context, tx *db.Tx, r *Request, on calendar.Date) error {
	get := func(key string) (int, error) { return s.settings.Int(ctx, tx, r.OrganID, settingDef(key)) }
	var err error
	if r.MinDays, err = get(keyMin(r.Kind)); err != nil {
		return err
	}
	if r.MaxDays, err = get(keyMax(r.Kind)); err != nil {
		return err
	}
	if r.MaxDays < r.MinDays {
		r.MaxDays = r.MinDays
	}
	dual, err := get(keyDual(r.Kind))
	if err != nil {
		return err
	}
	if r.FeedbackDays, err = get(KeyFeedbackDays); err != nil {
		return err
	}
	r.Dual = dual == 1
	r.State, r.AcceptedOn = StateInReview, on
	return nil
}

// AssignInput names the reviewer and, for a 双重审核, the legal advisor.
type AssignInput struct {
	Step
	ReviewerID string `json:"reviewer_id"`
	AdvisorID  string `json:"advisor_id"`
	Dual       bool   `json:"dual"` // ask for a 双重审核 although the setting does not require it
}

// Assign sets or changes the reviewers. A reviewer whose opinion is in cannot be replaced.
func (s *Service) Assign(ctx context.Context, p *auth.Principal, id string, in AssignInput) (*Request, error) {
	return s.step(ctx, p, id, &in.Step, casework.Transition[*Request]{Action: "assign", From: from(StateInReview), Allow: s.asStaff, Apply: func(tx *db.Tx, r *Request, _ *casework.Event) error {
		return s.assign(ctx, tx, r, in.ReviewerID, in.AdvisorID, in.Dual)
	}})
}

func (s *Service) assign(ctx context.Context, tx *db.Tx, r *Request, reviewerID, advisorID string, dual bool) error {
	r.Dual = r.Dual || dual || advisorID != ""
	status, err := assessmentStatus(ctx, tx, r.ID)
	if err != nil {
		return err
	}
	pick := func(field string, role auth.Role, id string) (auth.User, error) {
		users, err := s.eligible(ctx, r, role)
		if err != nil {
			return auth.User{}, err
		}
		for _, u := range users {
			if u.ID == id {
				return u, nil
			}
		}
		return auth.User{}, fault.Field(field, fmt.Sprintf("请选择本机关的%s", role.Label()))
	}
	set := func(role Role, field string, authRole auth.Role, id string, curID *string, curName *string) error {
		if id == "" || id == *curID {
			return nil
		}
		if status[role] {
			return fault.Field(field, role.Label()+"已提交审查意见，不能更换")
		}
		u, err := pick(field, authRole, id)
		if err != nil {
			return err
		}
		if err := tx.Exec(ctx, `INSERT INTO review_assessments (review_id, role, author_id, author_name) VALUES (?, ?, ?, ?)
			ON CONFLICT (review_id, role) DO UPDATE SET author_id = excluded.author_id, author_name = excluded.author_name`, r.ID, string(role), u.ID, u.Name); err != nil {
			return err
		}
		// Draft points of the replaced person stay with the role, so the work is not lost.
		if err := tx.Exec(ctx, `UPDATE review_opinions SET author_id = ?, author_name = ? WHERE review_id = ? AND role = ?`, u.ID, u.Name, r.ID, string(role)); err != nil {
			return err
		}
		*curID, *curName = u.ID, u.Name
		return nil
	}
	if reviewerID == "" && r.ReviewerID == "" {
		return fault.Field("reviewer_id", "请指定审查员")
	}
	if err := set(RoleReviewer, "reviewer_id", auth.RoleReviewer, reviewerID, &r.ReviewerID, &r.ReviewerName); err != nil {
		return err
	}
	if r.Dual {
		if advisorID == "" && r.AdvisorID == "" {
			return fault.Field("advisor_id", "该事项须经法律顾问双重审核，请指定法律顾问")
		}
		if advisorID != "" && advisorID == r.ReviewerID {
			return fault.Field("advisor_id", "双重审核须由两人分别审查")
		}
		if err := set(RoleAdvisor, "advisor_id", auth.RoleAdvisor, advisorID, &r.AdvisorID, &r.AdvisorName); err != nil {
			return err
		}
	}
	return nil
}

// eligible lists the users holding role in the reviewing organ or its government.
func (s *Service) eligible(ctx context.Context, r *Request, role auth.Role) ([]auth.User, error) {
	users, err := s.auth.UsersWithRole(ctx, r.OrganID, role)
	if err != nil {
		return nil, err
	}
	if o, ok := s.org.Organ(r.OrganID); ok {
		if gov, ok := s.org.GovernmentOf(o); ok && gov.ID != o.ID {
			more, err := s.auth.UsersWithRole(ctx, gov.ID, role)
			if err != nil {
				return nil, err
			}
			users = append(users, more...)
		}
	}
	return users, nil
}

// Candidates lists who may be assigned as reviewer and as advisor on r.
func (s *Service) Candidates(ctx context.Context, r *Request) (reviewers, advisors []auth.User, err error) {
	if reviewers, err = s.eligible(ctx, r, auth.RoleReviewer); err != nil {
		return nil, nil, err
	}
	advisors, err = s.eligible(ctx, r, auth.RoleAdvisor)
	return reviewers, advisors, err
}

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
		limit, err := s.settings.Int(ctx, tx, r.OrganID, settingDef(KeyExtension))
		if err != nil {
			return err
		}
		if in.Days < 1 || r.Extension+in.Days > limit {
			return fault.Field("days", fmt.Sprintf("审查期限累计最多延长%d个工作日（已延长%d个）", limit, r.Extension))
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
