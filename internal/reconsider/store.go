package reconsider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/stats"
)

// caseCols lists the columns scanCase reads, in order.
const caseCols = `id, organ_id, receipt_no, number, channel, received_on, state, proc, applicant_kind, applicant_name,
	id_number_masked, phone_masked, address, agent, respondent_id, respondent, act_type, field, act_title, act_date, learned_on,
	amount, requests, facts, handler_id, handler_name, duplicate_of, accept_start, amend_notice_on, amend_items, accepted_on, deemed,
	copy_sent_on, reply_on, reply_late, extension_days, closed_on, outcome, close_reason, settled, corrected, decision_due,
	performance_due, performed_on, due_accept, due_amend, due_copy, due_reply, due_decision, due_performance, next_due, next_rule,
	imported, version, created_at, updated_at, copy_served_on, amend_served_on, amend_extra_days, decision_served_on, compensation, written_review, email_masked`

type dateField struct {
	s string
	d *calendar.Date
}

func scanCase(sc interface{ Scan(...any) error }) (*Case, error) {
	c := &Case{}
	var dates [19]string
	var served [3]string
	var deemed, late, settled, corrected, imported int
	err := sc.Scan(&c.ID, &c.OrganID, &c.ReceiptNo, &c.Number, &c.Channel, &dates[0], &c.State, &c.Procedure, &c.ApplicantKind, &c.ApplicantName,
		&c.IDNumberMasked, &c.Phone, &c.Address, &c.Agent, &c.RespondentID, &c.Respondent, &c.ActType, &c.Field, &c.ActTitle, &dates[1], &dates[2],
		&c.Amount, &c.Requests, &c.Facts, &c.HandlerID, &c.HandlerName, &c.DuplicateOf, &dates[3], &dates[4], &c.AmendItems, &dates[5], &deemed,
		&dates[6], &dates[7], &late, &c.Extension, &dates[8], &c.Outcome, &c.CloseReason, &settled, &corrected, &dates[9],
		&dates[10], &dates[11], &dates[12], &dates[13], &dates[14], &dates[15], &dates[16], &dates[17], &dates[18], &c.Due.NextRule,
		&imported, &c.Version, &c.CreatedAt, &c.UpdatedAt, &served[0], &served[1], &c.AmendExtraDays, &served[2], &c.Compensation, &c.WrittenReview, &c.Email)
	if err != nil {
		return nil, err
	}
	for i, t := range []*calendar.Date{&c.CopyServedOn, &c.AmendServedOn, &c.DecisionServedOn} {
		if served[i] != "" {
			if *t, err = calendar.ParseDate(served[i]); err != nil {
				return nil, fmt.Errorf("案件 %s 的送达日期损坏：%w", c.ID, err)
			}
		}
	}
	targets := []*calendar.Date{&c.ReceivedOn, &c.ActDate, &c.LearnedOn, &c.AcceptStart, &c.AmendNoticeOn, &c.AcceptedOn, &c.CopySentOn, &c.ReplyOn,
		&c.ClosedOn, &c.DecisionDue, &c.PerformanceDue, &c.PerformedOn, &c.Due.Accept, &c.Due.Amend, &c.Due.Copy, &c.Due.Reply, &c.Due.Decision, &c.Due.Performance, &c.Due.Next}
	for i, t := range targets {
		if dates[i] != "" {
			if *t, err = calendar.ParseDate(dates[i]); err != nil {
				return nil, fmt.Errorf("案件 %s 的日期字段损坏：%w", c.ID, err)
			}
		}
	}
	c.Deemed, c.ReplyLate, c.Settled, c.Corrected, c.Imported = deemed == 1, late == 1, settled == 1, corrected == 1, imported == 1
	return c, nil
}

// insertCase writes a new case with its sensitive fields already encrypted.
func insertCase(ctx context.Context, tx *db.Tx, c *Case, sec sensitive) (err error) {
	if err := stats.Touch(ctx, tx, statsModule, c.OrganID); err != nil {
		return err
	}
	defer func() {
		if err == nil {
			err = indexNames(ctx, tx, []string{c.ID})
		}
	}()
	return tx.Exec(ctx, `INSERT INTO reconsider_cases (id, organ_id, receipt_no, number, query_code_hash, channel, received_on, state, proc, applicant_kind, applicant_name,
		id_number_enc, id_number_masked, applicant_blind, phone_enc, phone_masked, address, agent, respondent_id, respondent, act_type, field, act_title, act_date, learned_on,
		amount, requests, facts, handler_id, handler_name, duplicate_of, accept_start, imported, version, created_at, updated_at, email_enc, email_masked)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.OrganID, c.ReceiptNo, c.Number, sec.queryCodeHash, string(c.Channel), c.ReceivedOn.String(), string(c.State), string(c.Procedure), string(c.ApplicantKind), c.ApplicantName,
		sec.idEnc, c.IDNumberMasked, sec.blind, sec.phoneEnc, c.Phone, c.Address, c.Agent, c.RespondentID, c.Respondent, c.ActType, c.Field, c.ActTitle, c.ActDate.String(), c.LearnedOn.String(),
		c.Amount, c.Requests, c.Facts, c.HandlerID, c.HandlerName, c.DuplicateOf, c.AcceptStart.String(), db.BoolInt(c.Imported), c.Version, c.CreatedAt, c.UpdatedAt, sec.emailEnc, c.Email)
}

// updateCase writes the mutable facts and the recomputed deadlines, guarded by the version the
// transition read (optimistic lock: two clerks cannot both move the same case).
func updateCase(ctx context.Context, tx *db.Tx, c *Case) error {
	err := tx.ExecOne(ctx, `UPDATE reconsider_cases SET number = ?, state = ?, proc = ?, respondent_id = ?, respondent = ?, act_type = ?, field = ?,
		handler_id = ?, handler_name = ?, accept_start = ?, amend_notice_on = ?, amend_items = ?, accepted_on = ?, deemed = ?, copy_sent_on = ?, reply_on = ?,
		reply_late = ?, extension_days = ?, closed_on = ?, outcome = ?, close_reason = ?, settled = ?, corrected = ?, decision_due = ?, performance_due = ?,
		performed_on = ?, due_accept = ?, due_amend = ?, due_copy = ?, due_reply = ?, due_decision = ?, due_performance = ?, next_due = ?, next_rule = ?,
		copy_served_on = ?, amend_served_on = ?, amend_extra_days = ?, decision_served_on = ?, compensation = ?, written_review = ?,
		version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
		c.Number, string(c.State), string(c.Procedure), c.RespondentID, c.Respondent, c.ActType, c.Field,
		c.HandlerID, c.HandlerName, c.AcceptStart.String(), c.AmendNoticeOn.String(), c.AmendItems, c.AcceptedOn.String(), db.BoolInt(c.Deemed), c.CopySentOn.String(), c.ReplyOn.String(),
		db.BoolInt(c.ReplyLate), c.Extension, c.ClosedOn.String(), string(c.Outcome), c.CloseReason, db.BoolInt(c.Settled), db.BoolInt(c.Corrected), c.DecisionDue.String(), c.PerformanceDue.String(),
		c.PerformedOn.String(), c.Due.Accept.String(), c.Due.Amend.String(), c.Due.Copy.String(), c.Due.Reply.String(), c.Due.Decision.String(), c.Due.Performance.String(), c.Due.Next.String(), c.Due.NextRule,
		c.CopyServedOn.String(), c.AmendServedOn.String(), c.AmendExtraDays, c.DecisionServedOn.String(), string(c.Compensation), c.WrittenReview,
		db.Now(), c.ID, c.Version)
	if errors.Is(err, db.ErrConflict) {
		return fault.Conflictf("该案件已被他人更新，请刷新后重试")
	}
	if err == nil {
		err = stats.Touch(ctx, tx, statsModule, c.OrganID)
	}
	if err == nil {
		c.Version++
	}
	return err
}

// getCase reads one case by id (no scope check: callers check).
func getCase(ctx context.Context, q db.Querier, id string) (*Case, error) {
	c, err := scanCase(q.QueryRowContext(ctx, `SELECT `+caseCols+` FROM reconsider_cases WHERE id = ?`, id))
	if err != nil {
		return nil, db.Found(err, "复议案件")
	}
	return c, nil
}

// event starts a case_events row of c.
func event(c *Case, on calendar.Date, action string) *casework.Event {
	return &casework.Event{OwnerType: ownerType, OwnerID: c.ID, OrganID: c.OrganID, On: on, Action: action, FromState: string(c.State), ToState: string(c.State)}
}

func listEvents(ctx context.Context, q db.Querier, caseID string) ([]casework.Event, error) {
	return casework.Events(ctx, q, ownerType, caseID, casework.ByEntry)
}

// insertEventRows writes events with multi-row INSERTs (imports, the demo generator).
func insertEventRows(ctx context.Context, tx *db.Tx, evs []casework.Event) error {
	const per = 500 // 500 × 14 values stays under SQLite's and PostgreSQL's parameter limits
	for start := 0; start < len(evs); start += per {
		end := min(start+per, len(evs))
		args := make([]any, 0, (end-start)*casework.EventColumns)
		for _, e := range evs[start:end] {
			args = append(args, casework.EventRows(e)...)
		}
		if err := tx.Exec(ctx, casework.EventInsertPrefix+bulkPlaceholders(end-start, casework.EventColumns), args...); err != nil {
			return err
		}
	}
	return nil
}

// Suspension is one 中止 period.
type Suspension struct {
	ID     string
	From   calendar.Date
	To     calendar.Date
	Ground int
	Reason string
}

func listPauses(ctx context.Context, q db.Querier, caseID string) ([]Suspension, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, from_on, to_on, ground, reason FROM reconsider_pauses WHERE case_id = ? ORDER BY from_on`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Suspension
	for rows.Next() {
		var s Suspension
		var from, to string
		if err := rows.Scan(&s.ID, &from, &to, &s.Ground, &s.Reason); err != nil {
			return nil, err
		}
		s.From, _ = calendar.ParseDate(from)
		if to != "" {
			s.To, _ = calendar.ParseDate(to)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

func toPauses(ss []Suspension) []calendar.Pause {
	out := make([]calendar.Pause, len(ss))
	for i, s := range ss {
		out[i] = calendar.Pause{From: s.From, To: s.To}
	}
	return out
}

// Filter selects cases for the office's list.
type Filter struct {
	State                    State
	Open                     bool // only open states
	Respondent               string
	Field                    string
	ActType                  string
	HandlerID                string
	DueWithin                int // working… calendar days from today; 0 = no filter
	Overdue                  bool
	Query                    string // receipt number, case number or applicant name
	ReceivedFrom, ReceivedTo calendar.Date
	Limit, Offset            int
	CountUpTo                int // stop counting past this many (pages); 0 counts every match (API), < 0 not at all

	nameScope     string // " AND …" on reconsider_names.organ_id: the data scope's organs (List sets it)
	nameScopeArgs []any
}

// where builds the WHERE clause of a filter (the scope fragment is added by the caller).
func (f Filter) where(today calendar.Date) (string, []any) {
	var conds []string
	var args []any
	add := func(c string, a ...any) { conds = append(conds, c); args = append(args, a...) }
	if f.State != "" {
		add("state = ?", string(f.State))
	} else if f.Open {
		add("state IN ('received', 'amending', 'in_review', 'suspended')")
	}
	if f.Respondent != "" {
		add("respondent = ?", f.Respondent)
	}
	if f.Field != "" {
		add("field = ?", f.Field)
	}
	if f.ActType != "" {
		add("act_type = ?", f.ActType)
	}
	if f.HandlerID != "" {
		add("handler_id = ?", f.HandlerID)
	}
	if f.DueWithin > 0 {
		add("next_due <> '' AND next_due >= ? AND next_due <= ?", today.String(), today.AddDays(f.DueWithin).String())
	}
	if f.Overdue {
		add("next_due > '' AND next_due < ?", today.String()) // > '': a range the due index serves
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + db.EscapeLike(q) + "%"
		if chars := nameChars(q); len(chars) > 0 {
			// A name: the cases holding each typed character (reconsider_names), then the whole text.
			for _, grams := range chars[:min(len(chars), 3)] {
				in := "gram = ?"
				if len(grams) > 1 {
					in = "gram IN (?, ?)"
				}
				var args []any
				for _, g := range grams {
					args = append(args, g)
				}
				add("id IN (SELECT case_id FROM reconsider_names WHERE "+in+f.nameScope+")", append(args, f.nameScopeArgs...)...)
			}
			add(`applicant_name LIKE ? ESCAPE '\'`, like)
		} else {
			add(`(receipt_no LIKE ? ESCAPE '\' OR number LIKE ? ESCAPE '\' OR applicant_name LIKE ? ESCAPE '\')`, like, like, like)
		}
	}
	if !f.ReceivedFrom.IsZero() {
		add("received_on >= ?", f.ReceivedFrom.String())
	}
	if !f.ReceivedTo.IsZero() {
		add("received_on <= ?", f.ReceivedTo.String())
	}
	if len(conds) == 0 {
		return "1 = 1", nil
	}
	return strings.Join(conds, " AND "), args
}

// queryCases reads the cases of a SELECT of caseCols.
func queryCases(ctx context.Context, q db.Querier, query string, args ...any) ([]*Case, error) {
	return db.List(ctx, q, scanCase, query, args...)
}
