package reconsider

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/stats"
)

// ImportResult reports an import.
type ImportResult struct {
	Organ   string        `json:"organ"`
	File    string        `json:"file"`
	Rows    int           `json:"rows"`
	ByState map[State]int `json:"by_state"`
	Ignored []string      `json:"ignored_columns,omitempty"`
}

// importBatch is how many cases go into one multi-row INSERT (and one progress step).
const importBatch = 100

// ImportLedger writes a checked ledger: one case per row with its events, deadlines, frozen decision
// due date, receipt and case numbers from the counters, all in one transaction audited once.
// progress (may be nil) is called as rows are written.
func (s *Service) ImportLedger(ctx context.Context, p *auth.Principal, l *Ledger, progress func(done, total int)) (ImportResult, error) {
	var res ImportResult
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		var err error
		res, err = s.writeLedger(ctx, tx, p, l, progress)
		return err
	})
	if err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

// writeLedger is ImportLedger inside the caller's transaction.
func (s *Service) writeLedger(ctx context.Context, tx *db.Tx, p *auth.Principal, l *Ledger, progress func(done, total int)) (ImportResult, error) {
	if err := s.mayImport(p, l.Organ); err != nil {
		return ImportResult{}, err
	}
	res := ImportResult{Organ: l.Organ.Name, File: l.File, Rows: len(l.rows), ByState: map[State]int{}, Ignored: l.Ignored}
	rows := slices.Clone(l.rows)
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].received.Before(rows[j].received) })
	cal := s.cal()
	actor := casework.Event{OwnerType: ownerType, ActorName: "台账导入"}
	if p != nil {
		actor.ActorID, actor.ActorName = p.UserID, p.Name
	}
	err := func() error {
		if errs := s.duplicates(ctx, tx, l.Organ.ID, rows); len(errs) > 0 {
			return &LedgerError{Errors: errs}
		}
		numbers, err := newNumberer(ctx, tx, l.Organ, rows)
		if err != nil {
			return err
		}
		now := db.Now()
		var cases []*Case
		var events []casework.Event
		var pauseArgs []any
		flush := func(done int) error {
			if err := insertCaseRows(ctx, tx, cases, nil); err != nil {
				return err
			}
			if err := insertEventRows(ctx, tx, events); err != nil {
				return err
			}
			if err := insertRows(ctx, tx, `INSERT INTO reconsider_pauses (id, case_id, from_on, to_on, ground, reason) VALUES `, 6, pauseArgs); err != nil {
				return err
			}
			cases, events, pauseArgs = cases[:0], events[:0], pauseArgs[:0]
			if progress != nil {
				progress(done, len(rows))
			}
			return nil
		}
		for i, r := range rows {
			c, evs := s.ledgerCase(r, l.Organ, numbers, cal, actor, now)
			if p != nil && p.Has(auth.RoleReconsider) {
				c.HandlerID, c.HandlerName = p.UserID, p.Name
			}
			res.ByState[c.State]++
			for _, pz := range r.pauses { // the ledger does not say which ground of Art. 39 applied
				pauseArgs = append(pauseArgs, db.NewID(), c.ID, pz.From.String(), pz.To.String(), len(SuspendGrounds), "台账导入，中止情形未记载")
			}
			cases = append(cases, c)
			events = append(events, evs...)
			if len(cases) == importBatch {
				if err := flush(i + 1); err != nil {
					return err
				}
			}
		}
		if err := flush(len(rows)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "reconsider.import", ObjectType: "organ", ObjectID: l.Organ.ID,
			Detail: map[string]any{"file": l.File, "rows": len(rows), "by_state": res.ByState}})
	}()
	if err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

// respondentIndex maps a ledger's 被申请人 to an organ: a name in the importing government's subtree
// first (township names repeat across counties), then a name unique in the whole tree, then, in the
// subtree, the one organ whose name ends with it (公安局 → 青山县公安局). "" when none or ambiguous.
func (s *Service) respondentIndex(gov org.Organ) func(name string) string {
	local := s.org.Subtree(gov.ID)
	global := map[string][]string{}
	for _, o := range s.org.All() {
		global[o.Name] = append(global[o.Name], o.ID)
	}
	return func(name string) string {
		for _, o := range local {
			if o.Name == name {
				return o.ID
			}
		}
		if ids := global[name]; len(ids) == 1 {
			return ids[0]
		}
		found := ""
		for _, o := range local {
			if strings.HasSuffix(o.Name, name) {
				if found != "" {
					return ""
				}
				found = o.ID
			}
		}
		return found
	}
}

// ledgerCase builds the case and its history from a checked row.
func (s *Service) ledgerCase(r ledgerRow, gov org.Organ, numbers *numberer, cal *calendar.Calendar, actor casework.Event, now string) (*Case, []casework.Event) {
	c := &Case{ID: db.NewID(), OrganID: gov.ID, Channel: ChannelInPerson, ReceivedOn: r.received, State: StateReceived, Procedure: Ordinary,
		ApplicantKind: r.kind, ApplicantName: r.applicant, Respondent: r.respondent,
		ActType: r.actType, Field: r.field, AcceptStart: r.received, Version: 1, CreatedAt: now, UpdatedAt: now, Imported: true}
	c.RespondentID = r.respondentID
	c.ReceiptNo = numbers.receipt(r.received.Year)
	note := fmt.Sprintf("台账导入（第%d行）", r.line)
	var evs []casework.Event
	ev := func(on calendar.Date, action string, from, to State, note string) {
		e := actor
		e.OwnerID, e.OrganID, e.On, e.Action, e.FromState, e.ToState, e.Note, e.At = c.ID, c.OrganID, on, action, string(from), string(to), note, now
		evs = append(evs, e)
	}
	ev(r.received, "register", "", StateReceived, note)
	switch r.review {
	case "补正":
		c.State, c.AmendNoticeOn = StateAmending, r.received
		c.AmendItems = "（台账导入，补正事项见纸质卷宗）"
		ev(r.received, "request_amendment", StateReceived, StateAmending, note)
	case "不予受理":
		c.State, c.ClosedOn, c.CloseReason = StateNotAccepted, r.closed, "台账记载：不予受理"
		ev(r.closed, "reject", StateReceived, StateNotAccepted, note)
	case "告知":
		c.State, c.ClosedOn, c.CloseReason = StateOther, r.closed, "台账记载：告知申请人向有权机关申请"
		ev(r.closed, "inform", StateReceived, StateOther, note)
	case "转送":
		c.State, c.ClosedOn, c.CloseReason = StateOther, r.closed, "台账记载：转送有关机关"
		ev(r.closed, "transfer", StateReceived, StateOther, note)
	case "受理":
		c.State, c.Procedure, c.AcceptedOn = StateInReview, r.proc, r.accepted
		c.Number = numbers.caseNumber(r.accepted.Year)
		ev(r.accepted, "accept", StateReceived, StateInReview, note+"；"+c.Procedure.Label())
		for _, pz := range r.pauses {
			ev(pz.From, "suspend", StateInReview, StateSuspended, note)
			if !pz.To.IsZero() && (r.closed.IsZero() || pz.To.Before(r.closed) || (r.outcome != Terminate && r.outcome != Mediation)) {
				ev(pz.To, "resume", StateSuspended, StateInReview, note)
			}
		}
		if r.extDays > 0 {
			c.Extension = r.extDays
			// Recorded on the last day of the original period (the latest an extension can be approved).
			on, ok, _ := cal.Due(c.DecisionRule(), r.accepted, r.pauses, 0)
			if !ok || (!r.closed.IsZero() && r.closed.Before(on)) {
				on = r.closed
			}
			if on.IsZero() {
				on = r.accepted
			}
			ev(on, "extend", c.State, c.State, fmt.Sprintf("延长%d日（台账记载）", c.Extension))
		}
		if n := len(r.pauses); n > 0 && r.pauses[n-1].To.IsZero() {
			c.State = StateSuspended
		}
		if !r.closed.IsZero() {
			c.DecisionDue, _, _ = DecisionDue(cal, c.DecisionRule(), r.accepted, r.pauses, c.Extension)
			c.State, c.ClosedOn, c.Outcome = StateConcluded, r.closed, r.outcome
			action := "decide"
			switch r.outcome {
			case Mediation:
				action, c.Corrected = "mediate", true
			case Terminate:
				action = "terminate"
				c.CloseReason = TerminateGrounds[r.ground-1]
				c.Settled, c.Corrected = r.settled, r.corrected
			}
			ev(r.closed, action, StateInReview, StateConcluded, note+"；"+r.outcome.Label())
		}
	}
	c.Due = ComputeDeadlines(c, r.pauses, cal)
	sort.SliceStable(evs, func(i, j int) bool { return evs[i].On.Before(evs[j].On) }) // the history in the order of its dates
	return c, evs
}

// numberer hands out receipt and case numbers from the organ's counters: one counter update per
// kind and year for the whole import, so numbers stay gapless and unique under concurrent intake.
type numberer struct {
	gov  org.Organ
	next map[string]int
}

func newNumberer(ctx context.Context, tx *db.Tx, gov org.Organ, rows []ledgerRow) (*numberer, error) {
	need := map[string]int{}
	for _, r := range rows {
		need[fmt.Sprintf("reconsider.receipt/%d", r.received.Year)]++
		if r.review == "受理" {
			need[fmt.Sprintf("reconsider.case/%d", r.accepted.Year)]++
		}
	}
	n := &numberer{gov: gov, next: map[string]int{}}
	for key, count := range need {
		kind, ys, _ := strings.Cut(key, "/")
		year, _ := strconv.Atoi(ys)
		first, err := reserveNumbers(ctx, tx, gov.ID, kind, year, count)
		if err != nil {
			return nil, err
		}
		n.next[key] = first
	}
	return n, nil
}

func (n *numberer) take(kind string, year int) int {
	key := fmt.Sprintf("%s/%d", kind, year)
	v := n.next[key]
	n.next[key]++
	return v
}

func (n *numberer) receipt(year int) string {
	return fmt.Sprintf("%s-%d-%05d", n.gov.DivisionCode, year, n.take("reconsider.receipt", year))
}

func (n *numberer) caseNumber(year int) string {
	return fmt.Sprintf("%s复〔%d〕%d号", n.gov.DocPrefix, year, n.take("reconsider.case", year))
}

// reserveNumbers takes count consecutive numbers from a counter and returns the first.
func reserveNumbers(ctx context.Context, tx *db.Tx, organID, kind string, year, count int) (int, error) {
	if err := tx.Exec(ctx, `INSERT INTO counters (organ_id, kind, year, value) VALUES (?, ?, ?, 0) ON CONFLICT (organ_id, kind, year) DO NOTHING`, organID, kind, year); err != nil {
		return 0, err
	}
	var last int
	if err := tx.QueryRowContext(ctx, `UPDATE counters SET value = value + ? WHERE organ_id = ? AND kind = ? AND year = ? RETURNING value`, count, organID, kind, year).Scan(&last); err != nil {
		return 0, err
	}
	return last - count + 1, nil
}

// bulkCaseCols are every stored column of a case but the reply text, for multi-row inserts.
const bulkCaseCols = `id, organ_id, receipt_no, number, query_code_hash, channel, received_on, state, proc, applicant_kind, applicant_name,
	id_number_enc, id_number_masked, applicant_blind, phone_enc, phone_masked, address, agent, respondent_id, respondent, act_type, field, act_title, act_date, learned_on,
	amount, requests, facts, handler_id, handler_name, duplicate_of, accept_start, amend_notice_on, amend_items, accepted_on, deemed,
	copy_sent_on, reply_on, reply_late, extension_days, closed_on, outcome, close_reason, settled, corrected, decision_due,
	performance_due, performed_on, due_accept, due_amend, due_copy, due_reply, due_decision, due_performance, next_due, next_rule,
	imported, version, created_at, updated_at, copy_served_on, amend_served_on, amend_extra_days, decision_served_on, compensation, written_review`

const bulkCaseColCount = 66

func bulkCaseValues(c *Case, sec sensitive) []any {
	return []any{c.ID, c.OrganID, c.ReceiptNo, c.Number, sec.queryCodeHash, string(c.Channel), c.ReceivedOn.String(), string(c.State), string(c.Procedure), string(c.ApplicantKind), c.ApplicantName,
		sec.idEnc, c.IDNumberMasked, sec.blind, sec.phoneEnc, c.Phone, c.Address, c.Agent, c.RespondentID, c.Respondent, c.ActType, c.Field, c.ActTitle, c.ActDate.String(), c.LearnedOn.String(),
		c.Amount, c.Requests, c.Facts, c.HandlerID, c.HandlerName, c.DuplicateOf, c.AcceptStart.String(), c.AmendNoticeOn.String(), c.AmendItems, c.AcceptedOn.String(), db.BoolInt(c.Deemed),
		c.CopySentOn.String(), c.ReplyOn.String(), db.BoolInt(c.ReplyLate), c.Extension, c.ClosedOn.String(), string(c.Outcome), c.CloseReason, db.BoolInt(c.Settled), db.BoolInt(c.Corrected), c.DecisionDue.String(),
		c.PerformanceDue.String(), c.PerformedOn.String(), c.Due.Accept.String(), c.Due.Amend.String(), c.Due.Copy.String(), c.Due.Reply.String(), c.Due.Decision.String(), c.Due.Performance.String(), c.Due.Next.String(), c.Due.NextRule,
		db.BoolInt(c.Imported), c.Version, c.CreatedAt, c.UpdatedAt, c.CopyServedOn.String(), c.AmendServedOn.String(), c.AmendExtraDays, c.DecisionServedOn.String(), string(c.Compensation), c.WrittenReview}
}

// bulkPlaceholders returns "(?, ?, …), (…)" for rows of n values.
func bulkPlaceholders(rows, n int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(one+", ", rows), ", ")
}

// insertCaseRows writes cases with one multi-row INSERT per 200 (secs may be nil: no personal data).
func insertCaseRows(ctx context.Context, tx *db.Tx, cases []*Case, secs []sensitive) error {
	const per = 200 // 200 × 66 values stays under SQLite's and PostgreSQL's parameter limits
	organs := make([]string, 0, len(cases))
	for _, c := range cases {
		organs = append(organs, c.OrganID)
	}
	if err := stats.Touch(ctx, tx, statsModule, organs...); err != nil {
		return err
	}
	for start := 0; start < len(cases); start += per {
		end := min(start+per, len(cases))
		args := make([]any, 0, (end-start)*bulkCaseColCount)
		for i := start; i < end; i++ {
			var sec sensitive
			if secs != nil {
				sec = secs[i]
			}
			args = append(args, bulkCaseValues(cases[i], sec)...)
		}
		if err := tx.Exec(ctx, `INSERT INTO reconsider_cases (`+bulkCaseCols+`) VALUES `+bulkPlaceholders(end-start, bulkCaseColCount), args...); err != nil {
			return err
		}
	}
	ids := make([]string, len(cases))
	for i, c := range cases {
		ids[i] = c.ID
	}
	return indexNames(ctx, tx, ids)
}

// Import reads, checks and writes a ledger file in one call (the command line's path; the web
// import keeps a ledger job, see import_http.go).
