package reconsider

import (
	"context"
	"fmt"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/notify"
	"github.com/fazhi/fazhi/internal/officialdoc"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/secure"
	"github.com/fazhi/fazhi/internal/settings"
	"github.com/fazhi/fazhi/internal/stats"
)

// Service is the module's business layer: every rule of a case lives here, callable from
// the web pages, the API, the CLI import and the demo generator alike.
type Service struct {
	db     *db.DB
	org    *org.Service
	auth   *auth.Service
	cal    func() *calendar.Calendar
	cipher *secure.FieldCipher
	now    func() time.Time
	cases  *casework.Kind[*Case]

	docs     *officialdoc.Room[*Case] // the case documents (docs.go)
	settings *settings.Store
	notify   *notify.Service // the message centre; nil posts nothing (tests, CLI)

	statsMemo   *stats.Memo[[]statsRow] // per organ and period (stats.go)
	statsTotals *stats.Memo[Stats]      // per set of organs and period; read-only once stored
}

// SetNotify wires the platform message centre.
func (s *Service) SetNotify(n *notify.Service) { s.notify = n }

// New returns the service.
func New(d *db.DB, o *org.Service, a *auth.Service, cal func() *calendar.Calendar, cipher *secure.FieldCipher) *Service {
	s := &Service{db: d, org: o, auth: a, cal: cal, cipher: cipher, now: time.Now, settings: settings.New(d, o), statsMemo: stats.NewMemo[[]statsRow](20000), statsTotals: stats.NewMemo[Stats](500)}
	s.docs = s.documentRoom()
	s.cases = &casework.Kind[*Case]{
		OwnerType: ownerType, Table: "reconsider_cases", Noun: "案件", Audit: "reconsider",
		Load: func(ctx context.Context, tx *db.Tx, p *auth.Principal, id string) (*Case, error) {
			return s.getScoped(ctx, tx, p, id)
		},
		Save: updateCase,
		Facts: func(c *Case) casework.Facts {
			return casework.Facts{ID: c.ID, OrganID: c.OrganID, State: string(c.State), Version: c.Version}
		},
		StateLabel:  func(st string) string { return State(st).Label() },
		Recompute:   func(ctx context.Context, tx *db.Tx, c *Case) error { return s.recompute(ctx, tx, c, s.cal()) },
		AuditFields: (*Case).auditFields,
		After: func(ctx context.Context, tx *db.Tx, p *auth.Principal, c *Case, ev *casework.Event) error {
			if err := s.draftDocuments(ctx, tx, p, c, ev.Action, ev.On); err != nil {
				return err
			}
			return s.notifyStep(ctx, tx, c, ev.Action)
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

// scope returns the SQL fragment limiting cases to what p may see: the organs of its data
// scope, plus, for a department liaison, the cases in which its organ is the respondent.
func scope(p *auth.Principal) (string, []any) { return scopeOf(p, false) }

// scopeOf is scope, with walk for a query that walks an order index (auth.Principal.ScopeWalkSQL).
func scopeOf(p *auth.Principal, walk bool) (string, []any) {
	frag, args := p.ScopeSQL("organ_id", "handler_id")
	if walk {
		frag, args = p.ScopeWalkSQL("organ_id", "handler_id")
	}
	if p.Has(auth.RoleLiaison) {
		frag = "(" + frag + " OR respondent_id = ?)"
		args = append(args, p.OrganID)
	}
	if !p.Can(PermRead) && !p.Can(PermReply) {
		return "1 = 0", nil
	}
	if !p.Can(PermRead) { // a liaison sees only its own organ's cases
		return "respondent_id = ?", []any{p.OrganID}
	}
	return frag, args
}

// Get returns a case p may see.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id string) (*Case, error) {
	return s.getScoped(ctx, s.db, p, id)
}

// getScoped reads a case within p's scope; only a missing row is not-found, so a failed read
// (a serialization conflict the transaction retries) stays what it is.
func (s *Service) getScoped(ctx context.Context, q db.Querier, p *auth.Principal, id string) (*Case, error) {
	frag, args := scope(p)
	c, err := scanCase(q.QueryRowContext(ctx, `SELECT `+caseCols+` FROM reconsider_cases WHERE id = ? AND `+frag, append([]any{id}, args...)...))
	if err != nil {
		return nil, db.Found(err, "复议案件")
	}
	return c, nil
}

// Detail is everything the case page shows.
type Detail struct {
	Case      *Case
	Events    []casework.Event
	Pauses    []Suspension
	Hearings  []Hearing
	Parties   []Party
	Documents []Document
	Opinions  []Opinion
	Services  []ServiceRecord
	Deadlines []DeadlineView
	CanEdit   bool
	CanReply  bool

	receipts map[string][]officialdoc.Party // 送达回证 parties by issued document (docs.go)
}

// DeadlineView is a live deadline with its legal basis, as shown on the case page. Provisional: the
// period runs from a receipt not yet recorded, so the date is estimated from the day of sending.
type DeadlineView struct {
	Name        string
	Due         calendar.Date
	Period      string
	Basis       string
	Start       string
	Provisional bool
}

// ProvisionalNote is shown beside a deadline counted from a receipt not yet recorded.
const ProvisionalNote = "待送达，按发出日估算"

// Detail loads the case page.
func (s *Service) Detail(ctx context.Context, p *auth.Principal, id string) (*Detail, error) {
	c, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, err
	}
	d := &Detail{Case: c}
	if d.Events, err = listEvents(ctx, s.db, id); err != nil {
		return nil, err
	}
	if d.Pauses, err = listPauses(ctx, s.db, id); err != nil {
		return nil, err
	}
	if d.Hearings, err = listHearings(ctx, s.db, id); err != nil {
		return nil, err
	}
	if d.Parties, err = listParties(ctx, s.db, id); err != nil {
		return nil, err
	}
	if d.Documents, err = s.docs.List(ctx, s.db, id); err != nil {
		return nil, err
	}
	if d.Opinions, err = listOpinions(ctx, s.db, "case_id = ?", id); err != nil {
		return nil, err
	}
	if d.receipts, err = s.receiptParties(ctx, c, d.Documents); err != nil {
		return nil, err
	}
	if d.Services, err = listServices(ctx, s.db, id); err != nil {
		return nil, err
	}
	d.Deadlines = deadlineViews(c, s.cal())
	d.CanEdit = p.Can(PermEdit) && s.editable(p, c)
	d.CanReply = p.Can(PermReply) && c.RespondentID == p.OrganID
	return d, nil
}

// editable: staff act only on cases of their own organ scope, not on cases they see as liaison.
func (s *Service) editable(p *auth.Principal, c *Case) bool {
	o, ok := s.org.Organ(c.OrganID)
	return ok && p.Covers(o.ID, o.Path, c.HandlerID)
}

func deadlineViews(c *Case, cal *calendar.Calendar) []DeadlineView {
	var out []DeadlineView
	add := func(d calendar.Date, r calendar.Rule, provisional bool) {
		if !d.IsZero() {
			out = append(out, DeadlineView{Name: r.Name, Due: d, Period: r.Period(), Basis: r.Basis, Start: r.StartEvent, Provisional: provisional})
		}
	}
	add(c.Due.Accept, RuleAccept, false)
	if !c.Due.Amend.IsZero() {
		v := DeadlineView{Name: RuleAmend.Name, Due: c.Due.Amend, Period: RuleAmend.Period(), Basis: RuleAmend.Basis, Start: RuleAmend.StartEvent, Provisional: c.AmendProvisional()}
		if c.AmendExtraDays > 0 {
			v.Period += fmt.Sprintf("，延长%d个工作日", c.AmendExtraDays)
		}
		out = append(out, v)
	}
	add(c.Due.Copy, c.copyRule(), false)
	add(c.Due.Reply, c.replyRule(), c.ReplyProvisional())
	if !c.Due.Decision.IsZero() {
		r := c.DecisionRule()
		v := DeadlineView{Name: r.Name, Due: c.Due.Decision, Period: r.Period(), Basis: r.Basis, Start: r.StartEvent}
		if c.Extension > 0 {
			v.Period += fmt.Sprintf("，经批准延长%d日（自原期限届满之日起算）", c.Extension)
		}
		out = append(out, v)
	}
	if !c.Due.Performance.IsZero() {
		out = append(out, DeadlineView{Name: "履行复议决定", Due: c.Due.Performance, Period: "决定书确定的期限", Basis: law + "第七十七条", Start: "决定书确定"})
	}
	if !c.DecisionServedOn.IsZero() && c.Outcome.Decision() {
		// The parties' remedy on the decision runs from its receipt: “可以在收到复议决定书之日起十五日内向人民法院提起诉讼”.
		out = append(out, DeadlineView{Name: "申请人不服决定提起行政诉讼", Due: cal.AddCalendarDays(c.DecisionServedOn, 15), Period: "15日",
			Basis: "《中华人民共和国行政诉讼法》第四十五条（法律另有规定的除外）", Start: "收到复议决定书之日"})
	}
	return out
}

// mayEdit is the Allow of the office's steps: the permission, and a case of the clerk's own
// organ scope (a case seen only as the respondent's liaison is not theirs to move).
func (s *Service) mayEdit(p *auth.Principal, c *Case) error {
	if !p.Can(PermEdit) {
		return casework.Forbidden("您没有办理复议案件的权限")
	}
	if !s.editable(p, c) {
		return casework.Forbidden("该案件不属于您的办理范围")
	}
	return nil
}

// mayReply is the Allow of the reply: the respondent's liaison, or staff entering a paper reply.
func (s *Service) mayReply(p *auth.Principal, c *Case) error {
	if p.Can(PermEdit) {
		return s.mayEdit(p, c)
	}
	if !p.Can(PermReply) {
		return casework.Forbidden("您没有办理复议案件的权限")
	}
	if c.RespondentID != p.OrganID {
		return casework.Forbidden("只有被申请人的联络员可以提交答复")
	}
	return nil
}

// run performs one transition of a case through the engine. Allow defaults to the office's
// check and is asked before the state guard, as the module always did: someone who may not
// act on a case hears that (403), not which state it is in (409). A dated step may never
// precede the receipt of the application.
func (s *Service) run(ctx context.Context, p *auth.Principal, id string, t casework.Transition[*Case]) (*Case, error) {
	if t.Allow == nil {
		t.Allow = s.mayEdit
	}
	states, st, apply := t.From, t.Step, t.Apply
	t.From = nil
	t.Apply = func(tx *db.Tx, c *Case, ev *casework.Event) error {
		if len(states) > 0 {
			if err := s.cases.InState(string(c.State), states...); err != nil {
				return err
			}
		}
		if st != nil {
			if err := casework.NotBefore(st.On, c.ReceivedOn, "收件日期"); err != nil {
				return err
			}
		}
		return apply(tx, c, ev)
	}
	return s.cases.Run(ctx, s.db, s.Today(), p, id, t)
}

// from lists states for Transition.From.
func from(states ...State) []string {
	out := make([]string, len(states))
	for i, st := range states {
		out[i] = string(st)
	}
	return out
}

// recompute sets the live deadlines of c under cal, its suspensions included.
func (s *Service) recompute(ctx context.Context, tx *db.Tx, c *Case, cal *calendar.Calendar) error {
	pauses, err := listPauses(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	c.Due = ComputeDeadlines(c, toPauses(pauses), cal)
	return nil
}

// Redate recomputes the deadlines of every open case under a new calendar (calendar.Redater).
func (s *Service) Redate(ctx context.Context, tx *db.Tx, cal *calendar.Calendar) ([]calendar.Moved, error) {
	return casework.Redate(ctx, tx, cal, casework.Redating[*Case]{
		Open: func(ctx context.Context, tx *db.Tx) ([]*Case, error) {
			return queryCases(ctx, tx, `SELECT `+caseCols+` FROM reconsider_cases WHERE state IN ('received', 'amending', 'in_review', 'suspended')`)
		},
		Deadlines: func(c *Case) []casework.Deadline {
			return []casework.Deadline{{What: "受理审查期限", On: c.Due.Accept}, {What: "补正期限", On: c.Due.Amend}, {What: "发送副本期限", On: c.Due.Copy},
				{What: "答复期限", On: c.Due.Reply}, {What: "决定期限", On: c.Due.Decision}}
		},
		Recompute: s.recompute,
		Save:      updateCase,
		Name: func(c *Case) (string, string) {
			name := c.Number
			if name == "" {
				name = c.ReceiptNo
			}
			return "复议案件 " + name, "/reconsider/cases/" + c.ID
		},
	})
}

// auditFields are the facts whose before/after the audit log keeps for every transition.
func (c *Case) auditFields() map[string]any {
	return map[string]any{"state": c.State, "number": c.Number, "procedure": c.Procedure, "handler": c.HandlerName,
		"accept_start": c.AcceptStart.String(), "amend_notice_on": c.AmendNoticeOn.String(), "accepted_on": c.AcceptedOn.String(),
		"copy_sent_on": c.CopySentOn.String(), "reply_on": c.ReplyOn.String(), "extension": c.Extension, "closed_on": c.ClosedOn.String(),
		"outcome": c.Outcome, "close_reason": c.CloseReason, "performance_due": c.PerformanceDue.String(), "performed_on": c.PerformedOn.String()}
}
