package litigation

import (
	"context"
	"database/sql"
	"strconv"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
)

const caseCols = `id, matter_id, organ_id, gov_id, court_id, court_name, instance, docket, docket_year, court_code, docket_kind, docket_no,
	defendant, plaintiff, plaintiff_kind, act, act_type, field, cause, reconsidered, reconsider_result, reconsider_case_id, state,
	received_on, served_at, draft_days, answer_due, draft_due, answered_on, outcome, closed_on, decision_served_on, appeal_due,
	appealed, appeal_decided, appeal_approver, effective_on, performed_on, imported, version, created_at`

const caseColCount = 41

func dateText(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

func parseDate(s string) calendar.Date {
	if s == "" {
		return calendar.Date{}
	}
	d, _ := calendar.ParseDate(s)
	return d
}

func caseArgs(c *Case) []any {
	return []any{c.ID, c.MatterID, c.OrganID, c.GovID, c.CourtID, c.CourtName, string(c.Instance), c.Docket, c.DocketYear, c.CourtCode, c.DocketKind, c.DocketNo,
		c.Defendant, c.Plaintiff, string(c.PlaintiffK), c.Act, c.ActType, c.Field, c.Cause, db.BoolInt(c.Reconsidered), string(c.ReconsiderResult), c.ReconsiderCaseID, string(c.State),
		dateText(c.ReceivedOn), c.ServedAt, c.DraftDays, dateText(c.AnswerDue), dateText(c.DraftDue), dateText(c.AnsweredOn), string(c.Outcome), dateText(c.ClosedOn), dateText(c.DecisionServedOn), dateText(c.AppealDue),
		db.BoolInt(c.Appealed), db.BoolInt(c.AppealDecided), c.AppealApprover, dateText(c.EffectiveOn), dateText(c.PerformedOn), db.BoolInt(c.Imported), c.Version, c.CreatedAt}
}

func scanCase(sc interface{ Scan(...any) error }) (*Case, error) {
	c := &Case{}
	var inst, pk, rr, st, recv, ad, dd, ans, out, closed, served, appDue, eff, perf string
	var recon, appealed, decided, imported int
	err := sc.Scan(&c.ID, &c.MatterID, &c.OrganID, &c.GovID, &c.CourtID, &c.CourtName, &inst, &c.Docket, &c.DocketYear, &c.CourtCode, &c.DocketKind, &c.DocketNo,
		&c.Defendant, &c.Plaintiff, &pk, &c.Act, &c.ActType, &c.Field, &c.Cause, &recon, &rr, &c.ReconsiderCaseID, &st,
		&recv, &c.ServedAt, &c.DraftDays, &ad, &dd, &ans, &out, &closed, &served, &appDue,
		&appealed, &decided, &c.AppealApprover, &eff, &perf, &imported, &c.Version, &c.CreatedAt)
	if err != nil {
		return nil, err
	}
	c.Instance, c.PlaintiffK, c.ReconsiderResult, c.State, c.Outcome = Instance(inst), PlaintiffKind(pk), ReconsiderResult(rr), State(st), Outcome(out)
	c.Reconsidered, c.Appealed, c.AppealDecided, c.Imported = recon == 1, appealed == 1, decided == 1, imported == 1
	c.ReceivedOn, c.AnswerDue, c.DraftDue, c.AnsweredOn = parseDate(recv), parseDate(ad), parseDate(dd), parseDate(ans)
	c.ClosedOn, c.DecisionServedOn, c.AppealDue, c.EffectiveOn, c.PerformedOn = parseDate(closed), parseDate(served), parseDate(appDue), parseDate(eff), parseDate(perf)
	return c, nil
}

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// insertCase writes a new case with its parties and hearings.
func insertCase(ctx context.Context, tx *db.Tx, c *Case) error {
	if err := tx.Exec(ctx, `INSERT INTO litigation_cases (`+caseCols+`) VALUES (`+placeholders(caseColCount)+`)`, caseArgs(c)...); err != nil {
		return err
	}
	for i, p := range c.Parties {
		if err := insertParty(ctx, tx, c.ID, i, p, "", ""); err != nil {
			return err
		}
	}
	for i := range c.Hearings {
		h := &c.Hearings[i]
		h.CaseID = c.ID
		if err := insertHearing(ctx, tx, h); err != nil {
			return err
		}
	}
	return nil
}

func insertParty(ctx context.Context, tx *db.Tx, caseID string, seq int, p Party, idEnc, idMasked string) error {
	return tx.Exec(ctx, `INSERT INTO litigation_parties (id, case_id, role, seq, name, kind, id_enc, id_masked, organ_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		db.NewID(), caseID, p.Role, seq, p.Name, string(p.Kind), idEnc, idMasked, p.OrganID)
}

func insertHearing(ctx context.Context, tx *db.Tx, h *Hearing) error {
	if h.ID == "" {
		h.ID = db.NewID()
	}
	return tx.Exec(ctx, `INSERT INTO litigation_hearings (id, case_id, held_on, notice_on, mandatory, held, appeared, leader_name, leader_title, absence, delegates, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, h.ID, h.CaseID, dateText(h.HeldOn), dateText(h.NoticeOn), db.BoolInt(h.Mandatory), db.BoolInt(h.Held),
		db.BoolInt(h.Appeared), h.LeaderName, h.LeaderTitle, h.Absence, h.Delegates, db.Now())
}

// saveCase writes the changed case back (version bumped).
func saveCase(ctx context.Context, tx *db.Tx, c *Case) error {
	cols := strings.Split(strings.NewReplacer("\n", "", "\t", "").Replace(caseCols), ",")
	var set []string
	var args []any
	all := caseArgs(c)
	for i, col := range cols {
		col = strings.TrimSpace(col)
		switch col {
		case "id", "version", "created_at":
			continue
		}
		set = append(set, col+" = ?")
		args = append(args, all[i])
	}
	args = append(args, c.ID, c.Version)
	if err := tx.ExecOne(ctx, `UPDATE litigation_cases SET `+strings.Join(set, ", ")+`, version = version + 1 WHERE id = ? AND version = ?`, args...); err != nil {
		return err
	}
	c.Version++
	return nil
}

// scopeSQL limits cases to what p may see: the defendant organ or a co-defendant organ in p's scope,
// the government whose 司法局 guides the case, or the court that hears it. col prefixes the table.
func scopeSQL(p *auth.Principal, t string) (string, []any) { return scopeOf(p, t, scopeIndexed) }

// How a scope is written: for the indexes of the scope's organs to find the rows, or as a test of
// each row found otherwise — by walking an order index for a wide scope (auth.Principal.Wide,
// ScopeWalkSQL), or always (the workbench, whose rows come from the index of what it shows).
const (
	scopeIndexed = iota
	scopeWalk
	scopeRow
)

func scopeOf(p *auth.Principal, t string, mode int) (string, []any) {
	scope := p.ScopeSQL
	switch {
	case mode == scopeRow:
		scope = func(col, owner string) (string, []any) { return p.ScopeSQL(col+" || ''", owner) }
	case mode == scopeWalk && p.Wide:
		scope = p.ScopeWalkSQL
	case mode == scopeWalk:
		mode = scopeIndexed
	}
	var frags []string
	var args []any
	for _, col := range []string{t + "organ_id", t + "gov_id", t + "court_id"} {
		f, a := scope(col, "")
		frags = append(frags, f)
		args = append(args, a...)
	}
	f, a := scope("lp.organ_id", "")
	if mode == scopeIndexed {
		frags = append(frags, t+"id IN (SELECT lp.case_id FROM litigation_parties lp WHERE lp.organ_id <> '' AND "+f+")")
	} else { // the co-defendants of each row, looked up by its id
		outer := t
		if outer == "" {
			outer = "litigation_cases."
		}
		frags = append(frags, "EXISTS (SELECT 1 FROM litigation_parties lp WHERE lp.case_id = "+outer+"id AND lp.organ_id <> '' AND "+f+")")
	}
	args = append(args, a...)
	return "(" + strings.Join(frags, " OR ") + ")", args
}

// getCase reads a case within p's scope (nil p: the system, no scope), with parties and hearings.
func getCase(ctx context.Context, q db.Querier, p *auth.Principal, id string) (*Case, error) {
	where, args := "id = ?", []any{id}
	if p != nil {
		f, a := scopeSQL(p, "")
		where += " AND " + f
		args = append(args, a...)
	}
	c, err := scanCase(q.QueryRowContext(ctx, `SELECT `+caseCols+` FROM litigation_cases WHERE `+where, args...))
	if err != nil {
		return nil, db.Found(err, "应诉案件")
	}
	if c.Parties, err = loadParties(ctx, q, c.ID); err != nil {
		return nil, err
	}
	if c.Hearings, err = loadHearings(ctx, q, c.ID); err != nil {
		return nil, err
	}
	return c, nil
}

func loadParties(ctx context.Context, q db.Querier, caseID string) ([]Party, error) {
	rows, err := q.QueryContext(ctx, `SELECT role, name, kind, id_masked, organ_id FROM litigation_parties WHERE case_id = ? ORDER BY role, seq`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Party
	for rows.Next() {
		var p Party
		var kind string
		if err := rows.Scan(&p.Role, &p.Name, &kind, &p.IDNo, &p.OrganID); err != nil {
			return nil, err
		}
		p.Kind = PlaintiffKind(kind)
		out = append(out, p)
	}
	return out, rows.Err()
}

func loadHearings(ctx context.Context, q db.Querier, caseID string) ([]Hearing, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, case_id, held_on, notice_on, mandatory, held, appeared, leader_name, leader_title, absence, delegates
		FROM litigation_hearings WHERE case_id = ? ORDER BY held_on, id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Hearing
	for rows.Next() {
		var h Hearing
		var on, notice string
		var mand, held, app int
		if err := rows.Scan(&h.ID, &h.CaseID, &on, &notice, &mand, &held, &app, &h.LeaderName, &h.LeaderTitle, &h.Absence, &h.Delegates); err != nil {
			return nil, err
		}
		h.HeldOn, h.NoticeOn, h.Mandatory, h.Held, h.Appeared = parseDate(on), parseDate(notice), mand == 1, held == 1, app == 1
		out = append(out, h)
	}
	return out, rows.Err()
}

// Filter selects cases for the list.
type Filter struct {
	State, Instance, Field, ActType, Defendant, Court string
	Lost                                              bool
	HearingWithin, AnswerWithin                       int // days from today; 0 = no filter
	Limit, Offset                                     int
}

// listCases returns the cases p may see, in the list's order.
func listCases(ctx context.Context, q db.Querier, p *auth.Principal, f Filter, today calendar.Date) ([]*Case, error) {
	if f.Limit <= 0 {
		f.Limit = 500 // the API's list
	}
	cs, _, err := listPaged(ctx, q, p, f, today, -1)
	return cs, err
}

// listOrder: cases not yet signed for first (they wait for someone), then by the receipt of the
// complaint, newest first; created_at and the unique 案号 break ties, so pages never overlap. The
// expression is that of the order index litigation_cases_list (migration 0024).
const listOrder = `(CASE WHEN received_on = '' THEN 1 ELSE 0 END) DESC, received_on DESC, created_at DESC, docket DESC`

// listPaged is one page of the list and how many cases the filter selects, counted up to
// countUpTo (0: all of them; < 0: not counted). For a wide scope (a city's or the province's
// leader) both walk the order index and test each row's scope, stopping at the page or the cap;
// otherwise the scope's indexes find the rows. The page's ids come first, then its rows.
func listPaged(ctx context.Context, q db.Querier, p *auth.Principal, f Filter, today calendar.Date, countUpTo int) ([]*Case, db.Count, error) {
	where, args := filterSQL(p, f, today, scopeWalk)
	var total db.Count
	var err error
	switch {
	case countUpTo > 0:
		total, err = db.CountUpTo(ctx, q, `SELECT 1 FROM litigation_cases WHERE `+where, args, countUpTo)
	case countUpTo == 0:
		err = q.QueryRowContext(ctx, `SELECT COUNT(*) FROM litigation_cases WHERE `+where, args...).Scan(&total.N)
	}
	if err != nil {
		return nil, total, err
	}
	limit := f.Limit
	if limit <= 0 || limit > exportLimit {
		limit = pageSize
	}
	cs, err := scanCases(q.QueryContext(ctx, `SELECT `+caseCols+` FROM litigation_cases WHERE id IN (
		SELECT id FROM litigation_cases WHERE `+where+` ORDER BY `+listOrder+` LIMIT ? OFFSET ?) ORDER BY `+listOrder, append(args, limit, max(0, f.Offset))...))
	return cs, total, err
}

func filterSQL(p *auth.Principal, f Filter, today calendar.Date, mode int) (string, []any) {
	where, args := scopeOf(p, "", mode)
	add := func(cond string, a ...any) { where += " AND " + cond; args = append(args, a...) }
	if f.State != "" {
		add("state = ?", f.State)
	}
	if f.Instance != "" {
		add("instance = ?", f.Instance)
	}
	if f.Field != "" {
		add("field = ?", f.Field)
	}
	if f.ActType != "" {
		add("act_type = ?", f.ActType)
	}
	if f.Defendant != "" {
		like := "%" + db.EscapeLike(f.Defendant) + "%"
		add(`(defendant LIKE ? ESCAPE '\' OR id IN (SELECT case_id FROM litigation_parties WHERE role = 'codefendant' AND name LIKE ? ESCAPE '\'))`, like, like)
	}
	if f.Court != "" {
		add(`court_name LIKE ? ESCAPE '\'`, "%"+db.EscapeLike(f.Court)+"%")
	}
	if f.Lost {
		var lost []string
		for _, o := range Outcomes {
			if o.Lost() {
				lost = append(lost, "'"+string(o)+"'")
			}
		}
		add("outcome IN (" + strings.Join(lost, ", ") + ")")
	}
	if f.HearingWithin > 0 {
		add("id IN (SELECT case_id FROM litigation_hearings WHERE held = 0 AND held_on >= ? AND held_on <= ?)", today.String(), today.AddDays(f.HearingWithin).String())
	}
	if f.AnswerWithin > 0 {
		add("answered_on = '' AND answer_due <> '' AND answer_due <= ? AND state IN ('registered', 'assigned')", today.AddDays(f.AnswerWithin).String())
	}
	return where, args
}

func queryCases(ctx context.Context, q db.Querier, where string, args []any, f Filter) ([]*Case, error) {
	limit := f.Limit
	if limit <= 0 || limit > 10000 {
		limit = 500
	}
	return scanCases(q.QueryContext(ctx, `SELECT `+caseCols+` FROM litigation_cases WHERE `+where+` ORDER BY `+listOrder+` LIMIT `+strconv.Itoa(limit)+` OFFSET `+strconv.Itoa(max(0, f.Offset)), args...))
}

// scanCases reads the cases of a query.
func scanCases(rows *sql.Rows, err error) ([]*Case, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*Case
	for rows.Next() {
		c, err := scanCase(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// docketExists reports whether a 案号 is already registered.
func docketExists(ctx context.Context, q db.Querier, docket string) (bool, error) {
	var id string
	err := q.QueryRowContext(ctx, `SELECT id FROM litigation_cases WHERE docket = ?`, docket).Scan(&id)
	if err == sql.ErrNoRows {
		return false, nil
	}
	return err == nil, err
}
