package reconsider

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/secure"
	"github.com/fazhi/fazhi/internal/web"
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
}

// New returns the service.
func New(d *db.DB, o *org.Service, a *auth.Service, cal func() *calendar.Calendar, cipher *secure.FieldCipher) *Service {
	return &Service{db: d, org: o, auth: a, cal: cal, cipher: cipher, now: time.Now}
}

// SetClock replaces the clock (tests).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Today is the legal date now.
func (s *Service) Today() calendar.Date { return calendar.InShanghai(s.now()) }

// Calendar in force.
func (s *Service) Calendar() *calendar.Calendar { return s.cal() }

// scope returns the SQL fragment limiting cases to what p may see: the organs of its data
// scope, plus, for a department liaison, the cases in which its organ is the respondent.
func scope(p *auth.Principal) (string, []any) {
	frag, args := p.ScopeSQL("organ_id", "handler_id")
	if p.Has(auth.RoleLiaison) {
		frag = "(" + frag + " OR respondent_id = ?)"
		args = append(args, p.OrganID)
	}
	if !p.Can(auth.PermReconsiderRead) && !p.Can(auth.PermReconsiderReply) {
		return "1 = 0", nil
	}
	if !p.Can(auth.PermReconsiderRead) { // a liaison sees only its own organ's cases
		return "respondent_id = ?", []any{p.OrganID}
	}
	return frag, args
}

// Get returns a case p may see.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id string) (*Case, error) {
	return s.getScoped(ctx, s.db, p, id)
}

func (s *Service) getScoped(ctx context.Context, q db.Querier, p *auth.Principal, id string) (*Case, error) {
	frag, args := scope(p)
	c, err := scanCase(q.QueryRowContext(ctx, `SELECT `+caseCols+` FROM reconsider_cases WHERE id = ? AND `+frag, append([]any{id}, args...)...))
	if err != nil {
		return nil, web.NotFound("复议案件")
	}
	return c, nil
}

// Detail is everything the case page shows.
type Detail struct {
	Case      *Case
	Events    []Event
	Pauses    []Suspension
	Sessions  []Session
	Parties   []Party
	Documents []Document
	Opinions  []Opinion
	Deadlines []DeadlineView
	CanEdit   bool
	CanReply  bool
}

// DeadlineView is a live deadline with its legal basis, as shown on the case page.
type DeadlineView struct {
	Name   string
	Due    calendar.Date
	Period string
	Basis  string
	Start  string
}

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
	if d.Sessions, err = listSessions(ctx, s.db, id); err != nil {
		return nil, err
	}
	if d.Parties, err = listParties(ctx, s.db, id); err != nil {
		return nil, err
	}
	if d.Documents, err = listDocuments(ctx, s.db, id); err != nil {
		return nil, err
	}
	if d.Opinions, err = listOpinions(ctx, s.db, "case_id = ?", id); err != nil {
		return nil, err
	}
	d.Deadlines = deadlineViews(c)
	d.CanEdit = p.Can(auth.PermReconsiderEdit) && s.editable(p, c)
	d.CanReply = p.Can(auth.PermReconsiderReply) && c.RespondentID == p.OrganID
	return d, nil
}

// editable: staff act only on cases of their own organ scope, not on cases they see as liaison.
func (s *Service) editable(p *auth.Principal, c *Case) bool {
	o, ok := s.org.Organ(c.OrganID)
	if !ok {
		return false
	}
	switch p.Scope {
	case auth.ScopeAll:
		return true
	case auth.ScopeBelow:
		return strings.HasPrefix(o.Path, p.OrganPath)
	case auth.ScopeOrgan:
		return o.ID == p.OrganID
	case auth.ScopeSelf:
		return c.HandlerID == p.UserID
	}
	return false
}

func deadlineViews(c *Case) []DeadlineView {
	var out []DeadlineView
	add := func(d calendar.Date, r calendar.Rule) {
		if !d.IsZero() {
			out = append(out, DeadlineView{Name: r.Name, Due: d, Period: r.Period(), Basis: r.Basis, Start: r.StartEvent})
		}
	}
	add(c.Due.Accept, RuleAccept)
	add(c.Due.Amend, RuleAmend)
	add(c.Due.Copy, c.copyRule())
	add(c.Due.Reply, c.replyRule())
	add(c.Due.Decision, c.DecisionRule())
	if !c.Due.Performance.IsZero() {
		out = append(out, DeadlineView{Name: "履行复议决定", Due: c.Due.Performance, Period: "决定书确定的期限", Basis: law + "第七十七条", Start: "决定书确定"})
	}
	return out
}

// act runs one transition: lock the case, check scope, version and state, apply fn, recompute
// the deadlines, write the case, the event and the audit entry — all in one transaction.
func (s *Service) act(ctx context.Context, p *auth.Principal, id string, version int, action string, on calendar.Date, note string, perm auth.Perm,
	fn func(tx *db.Tx, c *Case) error) (*Case, error) {
	if !p.Can(perm) {
		return nil, fmt.Errorf("%w：您没有办理复议案件的权限", db.ErrForbidden)
	}
	var out *Case
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		if _, err := s.getScoped(ctx, tx, p, id); err != nil {
			return err
		}
		c, err := lockCase(ctx, tx, id)
		if err != nil {
			return err
		}
		if perm == auth.PermReconsiderEdit && !s.editable(p, c) {
			return fmt.Errorf("%w：该案件不属于您的办理范围", db.ErrForbidden)
		}
		if version != 0 && version != c.Version {
			return fmt.Errorf("%w：案件已被他人更新，请刷新后重试", db.ErrConflict)
		}
		from := c.State
		before := c.auditFields()
		if err := fn(tx, c); err != nil {
			return err
		}
		if err := s.recompute(ctx, tx, c); err != nil {
			return err
		}
		if err := updateCase(ctx, tx, c); err != nil {
			return err
		}
		ev := Event{On: on, ActorID: p.UserID, ActorName: p.Name, Action: action, FromState: from, ToState: c.State, Note: note}
		if err := insertEvent(ctx, tx, c.ID, ev); err != nil {
			return err
		}
		if err := s.draftDocuments(ctx, tx, p, c, action, on); err != nil {
			return err
		}
		out = c
		return audit.Record(ctx, tx, audit.Entry{Action: "reconsider." + action, ObjectType: "reconsider_case", ObjectID: c.ID,
			Detail: map[string]any{"on": on.String(), "note": note, "changes": audit.Changes(before, c.auditFields())}})
	})
	return out, err
}

func (s *Service) recompute(ctx context.Context, tx *db.Tx, c *Case) error {
	pauses, err := listPauses(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	c.Due = ComputeDeadlines(c, toPauses(pauses), s.cal())
	return nil
}

// Redate recomputes the deadlines of every open case under a new calendar (calendar.Redater).
func (s *Service) Redate(ctx context.Context, tx *db.Tx, cal *calendar.Calendar) ([]calendar.Moved, error) {
	rows, err := tx.QueryContext(ctx, `SELECT `+caseCols+` FROM reconsider_cases WHERE state IN ('received', 'amending', 'in_review', 'suspended')`)
	if err != nil {
		return nil, err
	}
	var open []*Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		open = append(open, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var moved []calendar.Moved
	for _, c := range open {
		pauses, err := listPauses(ctx, tx, c.ID)
		if err != nil {
			return nil, err
		}
		old := c.Due
		c.Due = ComputeDeadlines(c, toPauses(pauses), cal)
		if old == c.Due {
			continue
		}
		name := c.Number
		if name == "" {
			name = c.ReceiptNo
		}
		for _, x := range []struct {
			what     string
			old, new calendar.Date
		}{{"受理审查期限", old.Accept, c.Due.Accept}, {"补正期限", old.Amend, c.Due.Amend}, {"发送副本期限", old.Copy, c.Due.Copy}, {"答复期限", old.Reply, c.Due.Reply}, {"决定期限", old.Decision, c.Due.Decision}} {
			if x.old != x.new {
				moved = append(moved, calendar.Moved{What: "复议案件 " + name + " " + x.what, URL: "/reconsider/cases/" + c.ID, Old: x.old, New: x.new})
			}
		}
		if err := updateCase(ctx, tx, c); err != nil {
			return nil, err
		}
	}
	return moved, nil
}

// auditFields are the facts whose before/after the audit log keeps for every transition.
func (c *Case) auditFields() map[string]any {
	return map[string]any{"state": c.State, "number": c.Number, "procedure": c.Procedure, "handler": c.HandlerName,
		"accept_start": c.AcceptStart.String(), "amend_notice_on": c.AmendNoticeOn.String(), "accepted_on": c.AcceptedOn.String(),
		"copy_sent_on": c.CopySentOn.String(), "reply_on": c.ReplyOn.String(), "extension": c.Extension, "closed_on": c.ClosedOn.String(),
		"outcome": c.Outcome, "close_reason": c.CloseReason, "performance_due": c.PerformanceDue.String(), "performed_on": c.PerformedOn.String()}
}
