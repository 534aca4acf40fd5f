package review

import (
	"context"
	"errors"
	"fmt"
	"github.com/fazhi/fazhi/internal/files"
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
	Files []MaterialFile `json:"-"` // uploaded on the form
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
		uploaded := slices.ContainsFunc(in.Files, func(f MaterialFile) bool { return f.Code == it.Code })
		mats = append(mats, Material{Code: it.Code, Name: it.Name, Required: it.Required, Provided: uploaded || slices.Contains(in.Provided, it.Code)})
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
		if err := s.attach(ctx, tx, r, mats, in.Files); err != nil {
			return err
		}
		if err := s.materialsArrived(ctx, tx, r, false); err != nil {
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

// attach records the uploaded files as the request's attachments, each labelled with the name of
// its checklist item; a file for an item not on the checklist is refused.
func (s *Service) attach(ctx context.Context, tx *db.Tx, r *Request, mats []Material, uploads []MaterialFile) error {
	if len(uploads) == 0 {
		return nil
	}
	if s.files == nil {
		return fault.Field("files", "附件功能未启用，请联系系统管理员")
	}
	for _, u := range uploads {
		i := slices.IndexFunc(mats, func(m Material) bool { return m.Code == u.Code })
		if i < 0 {
			return fault.Field("file_"+u.Code, "该审查事项类别没有这项材料")
		}
		if _, err := s.files.Attach(ctx, tx, files.Owner{Type: ownerType, ID: r.ID, OrganID: r.OrganID}, u.Upload, mats[i].Name); err != nil {
			return err
		}
	}
	return nil
}

// ResubmitInput is the department's supplement after a return.
type ResubmitInput struct {
	Step
	Provided []string       `json:"provided"`
	Draft    string         `json:"draft"` // replaces the draft when not empty
	Files    []MaterialFile `json:"-"`     // uploaded on the form
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
		if err := s.attach(ctx, tx, r, ms, in.Files); err != nil {
			return err
		}
		for _, m := range ms {
			uploaded := slices.ContainsFunc(in.Files, func(f MaterialFile) bool { return f.Code == m.Code })
			if !m.Provided && (uploaded || slices.Contains(in.Provided, m.Code)) {
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
		return s.materialsArrived(ctx, tx, r, true)
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
