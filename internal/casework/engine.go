package casework

import (
	"context"
	"slices"
	"strings"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
)

// Facts are what the engine reads of a record: identity, owning organ, state and version.
type Facts struct {
	ID      string
	OrganID string
	State   string
	Version int
}

// Kind describes one record type to the engine. A module declares it once.
type Kind[R any] struct {
	OwnerType string // key of case_events, attachments and the audit object type: "reconsider_case"
	Table     string // table whose row is locked
	Noun      string // the record in messages: 案件, 审查事项, 文件
	Audit     string // audit action prefix: "reconsider"

	// Load reads the record inside the transaction within the principal's data scope (the
	// module's SQL scope filter); a record outside it is fault.NotFound.
	Load func(ctx context.Context, tx *db.Tx, p *auth.Principal, id string) (R, error)
	// Save writes the changed record back, version bumped by the module's UPDATE.
	Save  func(ctx context.Context, tx *db.Tx, r R) error
	Facts func(r R) Facts
	// StateLabel names a state in Chinese for guard messages.
	StateLabel func(state string) string

	// Optional hooks, each inside the same transaction.
	Recompute   func(ctx context.Context, tx *db.Tx, r R) error                               // deadlines, before Save
	AuditFields func(r R) map[string]any                                                      // facts whose before/after the audit keeps
	After       func(ctx context.Context, tx *db.Tx, p *auth.Principal, r R, ev *Event) error // documents, index, notifications
}

// Transition is one step of a record.
type Transition[R any] struct {
	Action string
	Step   *Step    // parsed in place, so Apply reads st.On; nil for steps without a date
	From   []string // states the step applies to; empty = any
	// Allow decides who may act on this record (editable by the office, the respondent, …).
	Allow func(p *auth.Principal, r R) error
	// Apply changes the record; it may rename the event (ev.Action, ev.Note) or attach a reference.
	Apply func(tx *db.Tx, r R, ev *Event) error
}

// Run performs a transition in one transaction: lock, scoped load, Allow, version and state guards, Apply, recompute,
// save, event, hooks and audit. Nothing is written when any of them fails.
func (k *Kind[R]) Run(ctx context.Context, d *db.DB, today calendar.Date, p *auth.Principal, id string, t Transition[R]) (R, error) {
	var zero R
	if t.Step != nil {
		if err := t.Step.Prepare(today); err != nil {
			return zero, err
		}
	}
	var out R
	err := d.Tx(ctx, func(tx *db.Tx) error {
		var err error
		out, err = k.RunTx(ctx, tx, today, p, id, t)
		return err
	})
	if err != nil {
		return zero, err
	}
	return out, nil
}

// RunTx is Run inside a transaction the caller holds: a step of one record that moves another
// (an amending document marks the amended one, a campaign's decisions end documents). The
// caller's transaction rolls back everything when it fails.
func (k *Kind[R]) RunTx(ctx context.Context, tx *db.Tx, today calendar.Date, p *auth.Principal, id string, t Transition[R]) (R, error) {
	var zero R
	if t.Step != nil {
		if err := t.Step.Prepare(today); err != nil {
			return zero, err
		}
	}
	var out R
	err := func() error {
		if err := tx.LockRow(ctx, k.Table, id); err != nil {
			return k.notFound(err)
		}
		r, err := k.Load(ctx, tx, p, id)
		if err != nil {
			return err
		}
		// Who may act comes first: a refused user learns nothing of the record's state.
		if t.Allow != nil {
			if err := t.Allow(p, r); err != nil {
				return err
			}
		}
		f := k.Facts(r)
		if t.Step != nil && t.Step.Version != 0 && t.Step.Version != f.Version {
			return fault.Conflictf("该%s已被他人更新，请刷新后重试", k.Noun)
		}
		if len(t.From) > 0 && !slices.Contains(t.From, f.State) {
			return k.StateError(f.State, t.From...)
		}
		var before map[string]any
		if k.AuditFields != nil {
			before = k.AuditFields(r)
		}
		ev := &Event{OwnerType: k.OwnerType, OwnerID: f.ID, OrganID: f.OrganID, Action: t.Action, FromState: f.State}
		if p != nil {
			ev.ActorID, ev.ActorName = p.UserID, p.Name
		}
		if t.Step != nil {
			ev.On, ev.Note = t.Step.On, t.Step.Note
		} else {
			ev.On = today
		}
		if err := t.Apply(tx, r, ev); err != nil {
			return err
		}
		if k.Recompute != nil {
			if err := k.Recompute(ctx, tx, r); err != nil {
				return err
			}
		}
		if err := k.Save(ctx, tx, r); err != nil {
			return err
		}
		after := k.Facts(r)
		ev.ToState = after.State
		if err := InsertEvent(ctx, tx, ev); err != nil {
			return err
		}
		if k.After != nil {
			if err := k.After(ctx, tx, p, r, ev); err != nil {
				return err
			}
		}
		detail := map[string]any{"from": ev.FromState, "to": ev.ToState, "on": ev.On.String(), "note": ev.Note}
		if k.AuditFields != nil {
			detail["changes"] = audit.Changes(before, k.AuditFields(r))
		}
		out = r
		return audit.Record(ctx, tx, audit.Entry{Action: k.Audit + "." + ev.Action, ObjectType: k.OwnerType, ObjectID: f.ID, Detail: detail})
	}()
	if err != nil {
		return zero, err
	}
	return out, nil
}

func (k *Kind[R]) notFound(err error) error {
	if err == db.ErrNotFound {
		return fault.NotFoundf("%s不存在或您无权查看", k.Noun)
	}
	return err
}

// StateError is the conflict answered when a step does not apply to the record's state.
func (k *Kind[R]) StateError(state string, want ...string) error {
	label := k.StateLabel
	if label == nil {
		label = func(s string) string { return s }
	}
	names := make([]string, len(want))
	for i, s := range want {
		names[i] = label(s)
	}
	return fault.Conflictf("该%s当前为“%s”，此操作只适用于“%s”状态", k.Noun, label(state), strings.Join(names, "、"))
}

// InState is the guard for steps whose allowed states depend on the record: nil when state is
// one of want, else the same conflict as Transition.From gives.
func (k *Kind[R]) InState(state string, want ...string) error {
	if slices.Contains(want, state) {
		return nil
	}
	return k.StateError(state, want...)
}

// Forbidden is the refusal of Allow, with the reason in Chinese.
func Forbidden(format string, a ...any) error { return fault.Forbiddenf(format, a...) }
