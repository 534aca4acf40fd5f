package review

import (
	"context"
	"fmt"
	"github.com/fazhi/fazhi/internal/files"
	"github.com/fazhi/fazhi/internal/notify"
	"strings"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/settings"
)

// Service is the module's business layer, callable from pages, API, normdoc and the demo alike.
type Service struct {
	db       *db.DB
	org      *org.Service
	auth     *auth.Service
	cal      func() *calendar.Calendar
	settings *settings.Store
	now      func() time.Time
	kind     *casework.Kind[*Request]
	files    *files.Service  // materials uploaded as files; nil: text only
	notify   *notify.Service // tells the 司法局's reviewers when materials arrive; nil: no messages
}

// UseNotify lets the module post to the message centre.
func (s *Service) UseNotify(n *notify.Service) { s.notify = n }

// materialsArrived tells the reviewers that materials came in (a submission, or the supplement
// after a return: then the assigned reviewer if there is one), in the step's transaction.
func (s *Service) materialsArrived(ctx context.Context, tx *db.Tx, r *Request, resubmitted bool) error {
	if s.notify == nil {
		return nil
	}
	m := notify.Message{OrganID: r.OrganID, Kind: "review.materials", URL: "/review/requests/" + r.ID,
		Title: "收到送审材料：" + r.Title, Body: r.SubmitterOrgan + " 报送，收件号 " + r.ReceiptNo + "，请审查材料是否齐全。"}
	if resubmitted {
		m.Title, m.Body = "补充材料已报送："+r.Title, r.SubmitterOrgan+" 已补充材料并重新报送（收件号 "+r.ReceiptNo+"），请重新审查材料。"
		if r.ReviewerID != "" {
			m.UserID = r.ReviewerID
			return s.notify.Post(ctx, tx, m)
		}
	}
	_, err := s.notify.PostRole(ctx, tx, r.OrganID, auth.RoleReviewer, m)
	return err
}

// UseFiles lets departments upload their materials as files (kept as the request's attachments).
func (s *Service) UseFiles(f *files.Service) { s.files = f }

// ownerType keys the requests' events, attachments and audit entries.
const ownerType = "review_request"

// New returns the service.
func New(d *db.DB, o *org.Service, a *auth.Service, cal func() *calendar.Calendar) *Service {
	s := &Service{db: d, org: o, auth: a, cal: cal, settings: settings.New(d, o), now: time.Now}
	s.kind = &casework.Kind[*Request]{
		OwnerType: ownerType, Table: "review_requests", Noun: "审查事项", Audit: "review",
		Load: func(ctx context.Context, tx *db.Tx, p *auth.Principal, id string) (*Request, error) {
			return s.getScoped(ctx, tx, p, id)
		},
		Save: func(ctx context.Context, tx *db.Tx, r *Request) error { return updateRequest(ctx, tx, r) },
		Facts: func(r *Request) casework.Facts {
			return casework.Facts{ID: r.ID, OrganID: r.OrganID, State: string(r.State), Version: r.Version}
		},
		StateLabel: func(st string) string { return State(st).Label() },
		Recompute: func(ctx context.Context, tx *db.Tx, r *Request) error {
			r.Due = ComputeDeadlines(r, s.cal())
			return nil
		},
	}
	return s
}

// SetClock replaces the clock (tests).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Today is the legal date now.
func (s *Service) Today() calendar.Date { return calendar.InShanghai(s.now()) }

// Calendar in force.
func (s *Service) Calendar() *calendar.Calendar { return s.cal() }

// Settings gives the organ settings.
func (s *Service) Settings() *settings.Store { return s.settings }

// DB is the database (for the demo seeder of the normdoc module).
func (s *Service) DB() *db.DB { return s.db }

// scope limits requests to what p may see, by permission: the 司法局 side (review.edit) and
// read-only staff such as leaders see their organ scope; an advisor without review.edit sees only
// the requests assigned to them; a department (review.submit) sees its own submissions.
func scope(p *auth.Principal) (string, []any) {
	if p == nil || !p.Can(PermRead) {
		return "1 = 0", nil
	}
	var parts []string
	var args []any
	staff := p.Can(PermEdit) || (!p.Can(PermSubmit) && !p.Can(PermOpinion))
	if staff {
		f, a := p.ScopeSQL("r.organ_id", "r.reviewer_id")
		parts, args = append(parts, f), append(args, a...)
	}
	if p.Can(PermOpinion) && !p.Can(PermEdit) {
		parts, args = append(parts, "r.advisor_id = ?"), append(args, p.UserID)
	}
	if p.Can(PermSubmit) {
		parts, args = append(parts, "r.submitter_organ_id = ?"), append(args, p.OrganID)
	}
	if len(parts) == 0 {
		return "1 = 0", nil
	}
	return "(" + strings.Join(parts, " OR ") + ")", args
}

// Get returns a request p may see.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id string) (*Request, error) {
	return s.getScoped(ctx, s.db, p, id)
}

func (s *Service) getScoped(ctx context.Context, q db.Querier, p *auth.Principal, id string) (*Request, error) {
	frag, args := scope(p)
	r, err := scanRequest(q.QueryRowContext(ctx, `SELECT `+requestCols+` FROM review_requests r WHERE r.id = ? AND `+frag, append([]any{id}, args...)...))
	if err := db.Found(err, "审查事项"); err != nil {
		return nil, err
	}
	s.fill(r)
	return r, nil
}

func (s *Service) fill(r *Request) {
	if o, ok := s.org.Organ(r.SubmitterOrganID); ok {
		r.SubmitterOrgan = o.Name
	}
}

// editable: the 司法局 side acts only on requests of its organ scope.
func (s *Service) editable(p *auth.Principal, r *Request) bool {
	if !p.Can(PermEdit) {
		return false
	}
	o, ok := s.org.Organ(r.OrganID)
	return ok && p.Covers(o.ID, o.Path, r.ReviewerID)
}

// submitter: the department that submitted the request acts on the department side.
func submitter(p *auth.Principal, r *Request) bool {
	return p.Can(PermSubmit) && r.SubmitterOrganID == p.OrganID
}

// RoleOf reports which reviewer role p holds on r ("" when none).
func RoleOf(p *auth.Principal, r *Request) Role {
	if p == nil || !p.Can(PermOpinion) {
		return ""
	}
	switch p.UserID {
	case r.ReviewerID:
		return RoleReviewer
	case r.AdvisorID:
		if r.AdvisorID != "" {
			return RoleAdvisor
		}
	}
	return ""
}

// Detail is everything the request page shows, already filtered for the viewer.
type Detail struct {
	Request     *Request
	Materials   []Material
	Missing     []string
	Assessments []Assessment // visible ones
	Status      map[Role]bool
	AllIn       bool
	Opinions    []Opinion // visible ones
	Events      []Event
	Deadlines   []DeadlineView
	Files       []files.Attachment // the materials uploaded, labelled with the checklist item's name
	CanEdit     bool
	CanSubmit   bool // department side
	MyRole      Role
	MineIn      bool // the viewer's own assessment is submitted
	Unanswered  int
}

// DeadlineView is a live deadline with its basis.
type DeadlineView struct {
	Name   string
	Due    calendar.Date
	Period string
	Basis  string
	Start  string
}

// Detail loads the request page for p.
func (s *Service) Detail(ctx context.Context, p *auth.Principal, id string) (*Detail, error) {
	r, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, err
	}
	d := &Detail{Request: r, CanEdit: s.editable(p, r), CanSubmit: submitter(p, r), MyRole: RoleOf(p, r)}
	if d.Materials, err = listMaterials(ctx, s.db, id); err != nil {
		return nil, err
	}
	d.Missing = MissingMaterials(d.Materials)
	if s.files != nil {
		if d.Files, err = s.files.List(ctx, s.db, ownerType, id); err != nil {
			return nil, err
		}
	}
	if d.Status, err = assessmentStatus(ctx, s.db, id); err != nil {
		return nil, err
	}
	d.AllIn = len(d.Status) > 0
	for _, in := range d.Status {
		d.AllIn = d.AllIn && in
	}
	d.MineIn = d.MyRole != "" && d.Status[d.MyRole]
	// A department sees opinions only once the 审核意见书 is out; staff under the blind rule.
	deptOnly := !d.CanEdit && d.MyRole == "" && p.Can(PermSubmit)
	if !deptOnly || r.State == StateConcluded {
		if d.Opinions, err = listOpinions(ctx, s.db, id, p.UserID, deptOnly); err != nil {
			return nil, err
		}
		if !deptOnly {
			if d.Assessments, err = listAssessments(ctx, s.db, id, p.UserID); err != nil {
				return nil, err
			}
		}
	}
	for _, o := range d.Opinions {
		if o.FinalNo > 0 && o.Answer == "" {
			d.Unanswered++
		}
	}
	evs, err := casework.Events(ctx, s.db, ownerType, id, casework.ByEntry)
	if err != nil {
		return nil, err
	}
	for _, ev := range evs {
		d.Events = append(d.Events, Event{ev})
	}
	d.Deadlines = deadlineViews(r)
	return d, nil
}

func deadlineViews(r *Request) []DeadlineView {
	var out []DeadlineView
	add := func(due calendar.Date, rule calendar.Rule, period string) {
		if !due.IsZero() {
			out = append(out, DeadlineView{Name: rule.Name, Due: due, Period: period, Basis: rule.Basis, Start: rule.StartEvent})
		}
	}
	add(r.Due.Check, r.CheckRule(), r.CheckRule().Period())
	p := periodText(r.MinDays, r.MaxDays)
	if r.Extension > 0 {
		p += fmt.Sprintf("，经批准延长%d个工作日", r.Extension)
	}
	add(r.Due.Review, r.ReviewRule(), p)
	add(r.Due.Feedback, r.FeedbackRule(), r.FeedbackRule().Period())
	return out
}

// asStaff allows the 司法局 side on requests of its scope.
func (s *Service) asStaff(p *auth.Principal, r *Request) error {
	if !s.editable(p, r) {
		return casework.Forbidden("只有本机关的审查员可以办理该审查事项")
	}
	return nil
}

// asSubmitter allows the department that submitted the request.
func asSubmitter(p *auth.Principal, r *Request) error {
	if !submitter(p, r) {
		return casework.Forbidden("只有报送单位的联络员可以办理此事项")
	}
	return nil
}

// Redate recomputes the deadlines of open requests under a new calendar (calendar.Redater).
func (s *Service) Redate(ctx context.Context, tx *db.Tx, cal *calendar.Calendar) ([]calendar.Moved, error) {
	return casework.Redate(ctx, tx, cal, casework.Redating[*Request]{
		Open: func(ctx context.Context, tx *db.Tx) ([]*Request, error) {
			return queryRequests(ctx, tx, `SELECT `+requestCols+` FROM review_requests r WHERE r.state IN ('submitted', 'in_review') OR (r.state = 'concluded' AND r.feedback_on = '' AND r.opinion_count > 0)`)
		},
		Deadlines: func(r *Request) []casework.Deadline {
			return []casework.Deadline{{What: "材料审查期限", On: r.Due.Check}, {What: "审查期限", On: r.Due.Review}, {What: "反馈期限", On: r.Due.Feedback}}
		},
		Recompute: func(ctx context.Context, tx *db.Tx, r *Request, cal *calendar.Calendar) error {
			r.Due = ComputeDeadlines(r, cal)
			return nil
		},
		Save: func(ctx context.Context, tx *db.Tx, r *Request) error { return updateRequest(ctx, tx, r) },
		Name: func(r *Request) (string, string) { return "合法性审查 " + r.ReceiptNo, "/review/requests/" + r.ID },
	})
}

// ApprovedNormdoc returns an approved normative-document review, read inside tx, that normdoc may
// register: concluded 同意 or 修改后同意 and, when there were opinions, answered by the department.
func (s *Service) ApprovedNormdoc(ctx context.Context, tx *db.Tx, p *auth.Principal, id string) (*Request, error) {
	r, err := s.getScoped(ctx, tx, p, id)
	if err != nil {
		return nil, err
	}
	switch {
	case r.Kind != KindNormdoc:
		return nil, fault.Conflictf("该审查事项不是行政规范性文件，不能登记")
	case r.State != StateConcluded || !r.Conclusion.Approved():
		return nil, fault.Conflictf("只有审核结论为“同意”或“修改后同意”的文件才能登记")
	case r.OpinionCount > 0 && r.FeedbackOn.IsZero():
		return nil, fault.Conflictf("起草单位尚未反馈审核意见的采纳情况，暂不能登记")
	}
	return r, nil
}

// ApprovedNormdocs lists recent approved normative-document reviews p may see (for the register form).
func (s *Service) ApprovedNormdocs(ctx context.Context, p *auth.Principal, limit int) ([]*Request, error) {
	frag, args := scope(p)
	return s.query(ctx, `SELECT `+requestCols+` FROM review_requests r WHERE `+frag+` AND r.kind = 'normdoc' AND r.state = 'concluded'
		AND r.conclusion IN ('agree', 'agree_amended') AND (r.opinion_count = 0 OR r.feedback_on <> '') ORDER BY r.concluded_on DESC LIMIT ?`, append(args, limit)...)
}
