package reconsider

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/docgen"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/ledger"
	"github.com/fazhi/fazhi/internal/org"
)

// Import of an existing 行政复议台账 (a spreadsheet kept before the platform): every row is checked
// first, and only a ledger without a single bad cell is written, in one transaction.

// The ledger's columns, in the order of the template. Files may order them freely.
const (
	colReceived   = "收件日期"
	colApplicant  = "申请人"
	colKind       = "申请人类型"
	colRespondent = "被申请人"
	colActType    = "行政行为类别"
	colField      = "领域"
	colReview     = "审查结果"
	colAccepted   = "受理日期"
	colProcedure  = "程序"
	colClosed     = "结案日期"
	colOutcome    = "结案方式"
	colTermReason = "终止原因"
	colExtended   = "延期"
)

// LedgerHeaders are the columns of the import template.
var LedgerHeaders = []string{colReceived, colApplicant, colKind, colRespondent, colActType, colField, colReview,
	colAccepted, colProcedure, colClosed, colOutcome, colTermReason, colExtended}

// ReviewResults are the values of 审查结果 and the state each leaves the case in.
var ReviewResults = []string{"受理", "不予受理", "告知", "转送", "补正"}

// TerminateReasons are the values of 终止原因: the ground of Art. 41 and, for withdrawals,
// whether they followed a settlement and a correction by the respondent (综合纠错率).
var TerminateReasons = []struct {
	Label              string
	Ground             int
	Settled, Corrected bool
}{
	{"申请人撤回", 1, false, false},
	{"和解撤回", 1, true, false},
	{"被申请人纠正后撤回", 1, true, true},
	{"申请人死亡", 2, false, false},
	{"申请人终止", 3, false, false},
	{"刑事强制措施", 4, false, false},
	{"中止满六十日", 5, false, false},
}

func terminateReason(s string) (ground int, settled, corrected, ok bool) {
	switch s {
	case "撤回", "当事人撤回", "撤回申请":
		return 1, false, false, true
	}
	for _, r := range TerminateReasons {
		if s == r.Label {
			return r.Ground, r.Settled, r.Corrected, true
		}
	}
	for i, g := range TerminateGrounds {
		if s == g {
			return i + 1, false, false, true
		}
	}
	return 0, false, false, false
}

func terminateLabels() string {
	var out []string
	for _, r := range TerminateReasons {
		out = append(out, r.Label)
	}
	return strings.Join(out, "、")
}

// ImportError is one problem of a ledger: a cell (row and column), a row, or the file (Row 0).
type ImportError struct {
	Row    int    `json:"row"`
	Column string `json:"column,omitempty"`
	Msg    string `json:"message"`
}

// String is the message shown to the user: 第5行「受理日期」：日期格式应为 YYYY-MM-DD.
func (e ImportError) String() string {
	switch {
	case e.Row == 0 && e.Column == "":
		return e.Msg
	case e.Row == 0:
		return "「" + e.Column + "」：" + e.Msg
	case e.Column == "":
		return fmt.Sprintf("第%d行：%s", e.Row, e.Msg)
	}
	return fmt.Sprintf("第%d行「%s」：%s", e.Row, e.Column, e.Msg)
}

// LedgerError carries every problem found; nothing was imported.
type LedgerError struct {
	Errors []ImportError
}

func (e *LedgerError) Error() string {
	if len(e.Errors) == 1 {
		return "台账有误，未导入任何记录：" + e.Errors[0].String()
	}
	return fmt.Sprintf("台账有 %d 处错误，未导入任何记录", len(e.Errors))
}

// LedgerSpec is the 行政复议台账 as the ledger framework reads it. Column keys are the headers.
// The cells whose meaning depends on 审查结果 are read as text and checked by checkRow, so every
// message stays the one users of this import know.
func (s *Service) LedgerSpec() *ledger.Spec {
	return &ledger.Spec{Module: "reconsider", Title: "行政复议台账", Columns: ledgerColumns(),
		CheckRow: func(r *ledger.Row) { checkRow(r, s.Today()) },
		CheckAll: s.checkLedger,
		Commit:   s.commitLedger,
	}
}

func ledgerColumns() []ledger.Column {
	choices := func(values []string) []ledger.Choice {
		out := make([]ledger.Choice, len(values))
		for i, v := range values {
			out[i] = ledger.Choice{Value: v, Label: v}
		}
		return out
	}
	kindMsg := "应为 自然人、法人、其他组织 之一"
	reviewMsg := "应为 " + strings.Join(ReviewResults, "、") + " 之一"
	text := func(h string) ledger.Column { return ledger.Column{Key: h, Header: h, Kind: ledger.Text} }
	return []ledger.Column{
		{Key: colReceived, Header: colReceived, Required: true, Kind: ledger.Date},
		{Key: colApplicant, Header: colApplicant, Required: true, Kind: ledger.Text, MaxLen: 100},
		{Key: colKind, Header: colKind, Required: true, Kind: ledger.Enum, Invalid: kindMsg, Empty: kindMsg, Choices: []ledger.Choice{
			{Value: string(Natural), Label: "自然人", Aliases: []string{"公民", "个人"}},
			{Value: string(LegalPerson), Label: "法人"},
			{Value: string(OtherOrg), Label: "其他组织"},
		}},
		{Key: colRespondent, Header: colRespondent, Required: true, Kind: ledger.Text, MaxLen: 100},
		{Key: colActType, Header: colActType, Required: true, Kind: ledger.Enum, Noun: "类别", Choices: choices(ActTypes),
			Empty: "不能为空，可填：" + strings.Join(ActTypes, "、")},
		{Key: colField, Header: colField, Kind: ledger.Enum, Noun: "领域", Choices: choices(Fields)},
		{Key: colReview, Header: colReview, Required: true, Kind: ledger.Enum, Invalid: reviewMsg, Empty: reviewMsg, Choices: choices(ReviewResults)},
		text(colAccepted), text(colProcedure), text(colClosed), text(colOutcome), text(colTermReason), text(colExtended),
	}
}

// ledgerRow is one checked row.
type ledgerRow struct {
	line         int
	received     calendar.Date
	applicant    string
	kind         ApplicantKind
	respondent   string
	respondentID string
	actType      string
	field        string
	review       string
	accepted     calendar.Date
	proc         Procedure
	closed       calendar.Date
	outcome      Outcome
	ground       int
	settled      bool
	corrected    bool
	extended     bool
}

// Ledger is a checked ledger, ready to import for one 复议机关.
type Ledger struct {
	Organ   org.Organ
	File    string
	Ignored []string // columns of the file that are not ledger columns
	rows    []ledgerRow
}

// Len is the number of rows to import.
func (l *Ledger) Len() int { return len(l.rows) }

// ImportOrgan resolves the organ a ledger is imported for: a 司法局 stands for its government.
func (s *Service) ImportOrgan(organID string) (org.Organ, error) {
	o, ok := s.org.Organ(organID)
	if !ok {
		return org.Organ{}, fmt.Errorf("机关%w", db.ErrNotFound)
	}
	gov, ok := s.org.GovernmentOf(o)
	if !ok {
		return org.Organ{}, fmt.Errorf("%s 不是行政复议机关，也不属于任何人民政府", o.Name)
	}
	return gov, nil
}

func (s *Service) mayImport(p *auth.Principal, gov org.Organ) error {
	if p == nil { // the command line runs as the operator of the server
		return nil
	}
	if !p.Can(PermImport) {
		return fmt.Errorf("%w：您没有导入复议台账的权限", db.ErrForbidden)
	}
	if !s.editable(p, &Case{OrganID: gov.ID, HandlerID: p.UserID}) {
		return fmt.Errorf("%w：您不能为%s导入台账", db.ErrForbidden, gov.Name)
	}
	return nil
}

// checkLedger is the whole-ledger check: respondents found in the org tree are stored under their
// full name (statistics group them once), and rows imported before are refused.
func (s *Service) checkLedger(ctx context.Context, q db.Querier, organID string, rows []*ledger.Row) error {
	gov, err := s.ImportOrgan(organID)
	if err != nil {
		return err
	}
	respondent := s.respondentIndex(gov)
	byLine := map[int]*ledger.Row{}
	for _, r := range rows {
		lr := r.Data.(*ledgerRow)
		if o, ok := s.org.Organ(respondent(lr.respondent)); ok {
			lr.respondentID, lr.respondent = o.ID, o.Name
		}
		byLine[r.Line] = r
	}
	for _, e := range s.duplicates(ctx, q, gov.ID, ledgerRows(rows)) {
		r, ok := byLine[e.Row]
		if !ok { // the check itself failed
			return errors.New(e.Msg)
		}
		r.Fail("", e.Msg)
	}
	return nil
}

// ledgerRows are the checked rows as checkRow built them.
func ledgerRows(rows []*ledger.Row) []ledgerRow {
	out := make([]ledgerRow, len(rows))
	for i, r := range rows {
		out[i] = *r.Data.(*ledgerRow)
	}
	return out
}

// checkRow checks one row across its cells and builds its ledgerRow (r.Data).
func checkRow(r *ledger.Row, today calendar.Date) {
	row := &ledgerRow{line: r.Line}
	r.Data = row
	bad := r.Fail
	cell := func(name string) string { return r.Cells[name] }
	date := func(name string, required bool, requiredMsg string) calendar.Date {
		v := cell(name)
		if v == "" {
			if required {
				bad(name, requiredMsg)
			}
			return calendar.Date{}
		}
		d, err := ledger.ParseDate(v)
		if err != nil {
			bad(name, err.Error())
			return calendar.Date{}
		}
		if d.After(today) {
			bad(name, fmt.Sprintf("日期不能晚于今天（%s）", today))
			return calendar.Date{}
		}
		return d
	}

	if r.Has(colReceived) { // parsed by the ledger; not later than today
		row.received = r.Date(colReceived)
		if row.received.After(today) {
			bad(colReceived, fmt.Sprintf("日期不能晚于今天（%s）", today))
			row.received = calendar.Date{}
		}
	}
	row.applicant = r.Text(colApplicant)
	row.kind = ApplicantKind(r.Enum(colKind))
	row.respondent = r.Text(colRespondent)
	row.actType = r.Enum(colActType)
	row.field = cmp.Or(r.Enum(colField), "其他")
	row.review = r.Enum(colReview)
	accepted := row.review == "受理"

	// 受理日期 and 程序: only for accepted cases.
	if accepted {
		row.accepted = date(colAccepted, true, "审查结果为受理的，须填写受理日期")
		if !row.accepted.IsZero() && !row.received.IsZero() && row.accepted.Before(row.received) {
			bad(colAccepted, fmt.Sprintf("受理日期不能早于收件日期（%s）", row.received))
		}
		switch cell(colProcedure) {
		case "", "普通", "普通程序":
			row.proc = Ordinary
		case "简易", "简易程序":
			row.proc = Simplified
		default:
			bad(colProcedure, "应为 普通、简易 之一")
		}
	} else if row.review != "" {
		if cell(colAccepted) != "" {
			bad(colAccepted, "审查结果为"+row.review+"的，不应填写受理日期")
		}
		if cell(colProcedure) != "" {
			bad(colProcedure, "未受理的案件不适用审理程序，应留空")
		}
	}

	// 结案日期 and 结案方式.
	outcomeText := cell(colOutcome)
	switch {
	case accepted:
		row.closed = date(colClosed, false, "")
		if !row.closed.IsZero() && !row.accepted.IsZero() && row.closed.Before(row.accepted) {
			bad(colClosed, fmt.Sprintf("结案日期不能早于受理日期（%s）", row.accepted))
		}
		if outcomeText != "" {
			o, ok := ParseOutcome(outcomeText)
			if !ok {
				var labels []string
				for _, o := range Outcomes {
					labels = append(labels, o.Label())
				}
				bad(colOutcome, "「"+outcomeText+"」不是可用的结案方式，可填："+strings.Join(labels, "、"))
			}
			row.outcome = o
		}
		if cell(colClosed) != "" && outcomeText == "" {
			bad(colOutcome, "填写了结案日期的，须填写结案方式")
		}
		if cell(colClosed) == "" && outcomeText != "" {
			bad(colClosed, "填写了结案方式的，须填写结案日期")
		}
	case row.review == "补正":
		if cell(colClosed) != "" {
			bad(colClosed, "补正中的申请尚未办结，不应填写结案日期")
		}
		if outcomeText != "" {
			bad(colOutcome, "结案方式只适用于已受理的案件")
		}
	case row.review != "":
		row.closed = date(colClosed, true, "审查结果为"+row.review+"的，须填写结案日期（作出处理之日）")
		if !row.closed.IsZero() && !row.received.IsZero() && row.closed.Before(row.received) {
			bad(colClosed, fmt.Sprintf("结案日期不能早于收件日期（%s）", row.received))
		}
		if outcomeText != "" {
			bad(colOutcome, "结案方式只适用于已受理的案件")
		}
	}

	// 终止原因: required for 终止, and only there.
	reason := cell(colTermReason)
	switch {
	case row.outcome == Terminate && reason == "":
		bad(colTermReason, "结案方式为终止的，须填写终止原因，可填："+terminateLabels())
	case row.outcome == Terminate:
		g, settled, corrected, ok := terminateReason(reason)
		if !ok {
			bad(colTermReason, "「"+reason+"」不是可用的终止原因，可填："+terminateLabels())
		}
		row.ground, row.settled, row.corrected = g, settled, corrected
	case reason != "":
		bad(colTermReason, "只有结案方式为终止的才填写终止原因")
	}

	// 延期: only an accepted case under the ordinary procedure (Art. 62; Art. 55 for the simplified one).
	switch v := cell(colExtended); v {
	case "", "否":
	case "是":
		switch {
		case !accepted:
			bad(colExtended, "只有已受理的案件才能延期")
		case row.proc == Simplified:
			bad(colExtended, "简易程序案件不能延长审理期限（第六十二条第二款）")
		default:
			row.extended = true
		}
	default:
		bad(colExtended, "应为 是 或 否")
	}
}

// duplicates reports rows already imported for the organ (same receipt day, applicant, respondent and act
// type): importing one ledger twice would count every case twice.
func (s *Service) duplicates(ctx context.Context, q db.Querier, organID string, rows []ledgerRow) []ImportError {
	if len(rows) == 0 {
		return nil
	}
	lo, hi := rows[0].received, rows[0].received
	for _, r := range rows {
		if r.received.Before(lo) {
			lo = r.received
		}
		if r.received.After(hi) {
			hi = r.received
		}
	}
	res, err := q.QueryContext(ctx, `SELECT received_on, applicant_name, respondent, act_type, receipt_no FROM reconsider_cases
		WHERE organ_id = ? AND imported = 1 AND received_on >= ? AND received_on <= ?`, organID, lo.String(), hi.String())
	if err != nil {
		return []ImportError{{Msg: "检查重复导入失败：" + err.Error()}}
	}
	defer res.Close()
	seen := map[string]string{}
	for res.Next() {
		var on, name, resp, act, no string
		if err := res.Scan(&on, &name, &resp, &act, &no); err != nil {
			return []ImportError{{Msg: "检查重复导入失败：" + err.Error()}}
		}
		seen[on+"\x00"+name+"\x00"+resp+"\x00"+act] = no
	}
	var errs []ImportError
	for _, r := range rows {
		if no, ok := seen[r.received.String()+"\x00"+r.applicant+"\x00"+r.respondent+"\x00"+r.actType]; ok {
			errs = append(errs, ImportError{Row: r.line, Msg: "与已导入的案件（收件编号 " + no + "）重复，同一台账不能重复导入"})
		}
	}
	return errs
}

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
		flush := func(done int) error {
			if err := insertCaseRows(ctx, tx, cases, nil); err != nil {
				return err
			}
			if err := insertEventRows(ctx, tx, events); err != nil {
				return err
			}
			cases, events = cases[:0], events[:0]
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
		if r.extended {
			c.Extension = RuleDecision.MaxExtension
			on, _, _ := cal.Due(RuleDecision, r.accepted, nil, 0)
			if !r.closed.IsZero() && r.closed.Before(on) {
				on = r.closed
			}
			ev(on, "extend", StateInReview, StateInReview, fmt.Sprintf("延长%d日（台账记载）", c.Extension))
		}
		if !r.closed.IsZero() {
			c.DecisionDue, _, _ = cal.Due(c.DecisionRule(), r.accepted, nil, c.Extension)
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
	c.Due = ComputeDeadlines(c, nil, cal)
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
	imported, version, created_at, updated_at`

const bulkCaseColCount = 60

func bulkCaseValues(c *Case, sec sensitive) []any {
	return []any{c.ID, c.OrganID, c.ReceiptNo, c.Number, sec.queryCodeHash, string(c.Channel), c.ReceivedOn.String(), string(c.State), string(c.Procedure), string(c.ApplicantKind), c.ApplicantName,
		sec.idEnc, c.IDNumberMasked, sec.blind, sec.phoneEnc, c.Phone, c.Address, c.Agent, c.RespondentID, c.Respondent, c.ActType, c.Field, c.ActTitle, c.ActDate.String(), c.LearnedOn.String(),
		c.Amount, c.Requests, c.Facts, c.HandlerID, c.HandlerName, c.DuplicateOf, c.AcceptStart.String(), c.AmendNoticeOn.String(), c.AmendItems, c.AcceptedOn.String(), db.BoolInt(c.Deemed),
		c.CopySentOn.String(), c.ReplyOn.String(), db.BoolInt(c.ReplyLate), c.Extension, c.ClosedOn.String(), string(c.Outcome), c.CloseReason, db.BoolInt(c.Settled), db.BoolInt(c.Corrected), c.DecisionDue.String(),
		c.PerformanceDue.String(), c.PerformedOn.String(), c.Due.Accept.String(), c.Due.Amend.String(), c.Due.Copy.String(), c.Due.Reply.String(), c.Due.Decision.String(), c.Due.Performance.String(), c.Due.Next.String(), c.Due.NextRule,
		db.BoolInt(c.Imported), c.Version, c.CreatedAt, c.UpdatedAt}
}

// bulkPlaceholders returns "(?, ?, …), (…)" for rows of n values.
func bulkPlaceholders(rows, n int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(one+", ", rows), ", ")
}

// insertCaseRows writes cases with one multi-row INSERT per 200 (secs may be nil: no personal data).
func insertCaseRows(ctx context.Context, tx *db.Tx, cases []*Case, secs []sensitive) error {
	const per = 200 // 200 × 60 values stays under SQLite's and PostgreSQL's parameter limits
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
	return nil
}

// Import reads, checks and writes a ledger file in one call (the command line's path; the web
// import keeps a ledger job, see import_http.go).
func (s *Service) Import(ctx context.Context, p *auth.Principal, organID, filename string, r io.Reader, progress func(done, total int)) (ImportResult, error) {
	gov, err := s.ImportOrgan(organID)
	if err != nil {
		return ImportResult{}, err
	}
	if err := s.mayImport(p, gov); err != nil {
		return ImportResult{}, err
	}
	spec := s.LedgerSpec()
	name := filepath.Base(filename)
	res, err := spec.Parse(r, name)
	if errors.Is(err, fault.Invalid) {
		return ImportResult{}, &LedgerError{Errors: []ImportError{{Msg: fault.Message(err)}}}
	}
	if err != nil {
		return ImportResult{}, err
	}
	if err := spec.Check(ctx, s.db, gov.ID, res); err != nil {
		return ImportResult{}, err
	}
	if !res.OK() {
		return ImportResult{}, &LedgerError{Errors: importErrors(res.Errors)}
	}
	return s.ImportLedger(ctx, p, &Ledger{Organ: gov, File: name, Ignored: res.Ignored, rows: ledgerRows(res.Rows)}, progress)
}

// commitLedger is the ledger job's commit: the checked rows written in the job's transaction.
func (s *Service) commitLedger(ctx context.Context, tx *db.Tx, j *ledger.Job, rows []*ledger.Row, progress func(int)) (string, error) {
	gov, err := s.ImportOrgan(j.OrganID)
	if err != nil {
		return "", err
	}
	l := &Ledger{Organ: gov, File: j.Filename, Ignored: j.Ignored, rows: ledgerRows(rows)}
	res, err := s.writeLedger(ctx, tx, auth.From(ctx), l, func(done, _ int) { progress(done) })
	if errs := LedgerErrors(err); errs != nil {
		return "", &ledger.Problems{Errors: cellErrors(errs)}
	}
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("已导入 %d 条记录：%s", res.Rows, res.byState()), nil
}

// byState says how many imported cases are in each state: 审理中 4，已审结 15.
func (r ImportResult) byState() string {
	var parts []string
	for _, st := range States {
		if n := r.ByState[st]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", st.Label(), n))
		}
	}
	return strings.Join(parts, "，")
}

func importErrors(errs []ledger.CellError) []ImportError {
	out := make([]ImportError, len(errs))
	for i, e := range errs {
		out[i] = ImportError{Row: e.Row, Column: e.Column, Msg: e.Message}
	}
	return out
}

func cellErrors(errs []ImportError) []ledger.CellError {
	out := make([]ledger.CellError, len(errs))
	for i, e := range errs {
		out[i] = ledger.CellError{Row: e.Row, Column: e.Column, Message: e.Msg}
	}
	return out
}

// LedgerErrors returns the problems of a failed import, or nil for other errors.
func LedgerErrors(err error) []ImportError {
	var le *LedgerError
	if errors.As(err, &le) {
		return le.Errors
	}
	return nil
}

// LedgerTemplate is the XLSX import template: the columns with an example row, and a sheet of allowed values.
func LedgerTemplate() ([]byte, error) {
	example := [][]any{
		{"2025-03-03", "张三", "自然人", "青山县公安局", "行政处罚", "公安", "受理", "2025-03-05", "普通", "2025-04-21", "维持", "", "否"},
		{"2025-03-10", "某某贸易有限公司", "法人", "青山县市场监督管理局", "行政处罚", "市场监管", "受理", "2025-03-11", "简易", "2025-03-31", "终止", "和解撤回", "否"},
		{"2025-03-17", "李四", "自然人", "青山县人力资源和社会保障局", "工伤认定", "人力资源社会保障", "不予受理", "", "", "2025-03-19", "", "", ""},
	}
	var outcomes []string
	for _, o := range Outcomes {
		outcomes = append(outcomes, o.Label())
	}
	help := [][]any{
		{colReceived, "必填", "YYYY-MM-DD（邮寄的为签收之日）"},
		{colApplicant, "必填", "申请人姓名或名称"},
		{colKind, "必填", "自然人、法人、其他组织"},
		{colRespondent, "必填", "作出行政行为的行政机关全称；与本系统机关名称一致的自动关联"},
		{colActType, "必填", strings.Join(ActTypes, "、")},
		{colField, "选填（空为其他）", strings.Join(Fields, "、")},
		{colReview, "必填", "受理、不予受理、告知、转送、补正（补正为尚在补正中）"},
		{colAccepted, "受理的必填", "YYYY-MM-DD，不早于收件日期"},
		{colProcedure, "受理的选填（空为普通）", "普通、简易"},
		{colClosed, "已结案的必填", "受理的为结案日期（不早于受理日期）；不予受理、告知、转送的为作出处理之日；补正中的留空"},
		{colOutcome, "已结案的必填", strings.Join(outcomes, "、")},
		{colTermReason, "终止的必填", terminateLabels()},
		{colExtended, "选填（空为否）", "是、否；只有普通程序可以延期（延长30日）"},
	}
	return docgen.XLSX(
		docgen.Sheet{Name: "复议台账", Header: LedgerHeaders, Rows: example},
		docgen.Sheet{Name: "填写说明", Header: []string{"列", "是否必填", "可填的值"}, Rows: help, Widths: []float64{16, 22, 90}},
	)
}

// ImportArgs are the options of `fazhi import reconsideration FILE --organ CODE`.
type ImportArgs struct {
	Organ string
}

// Flags registers the options on the command's flag set.
func (a *ImportArgs) Flags(fs *flag.FlagSet) {
	fs.StringVar(&a.Organ, "organ", "", "复议机关的机关代码（司法局按其所属人民政府导入），见 fazhi org list")
}

// FlagsFirst moves positional arguments after the flags, so "FILE --organ CODE" parses with the
// flag package. Every flag of the import command takes a value (--name value or --name=value).
func FlagsFirst(args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			pos = append(pos, args[i+1:]...)
			i = len(args)
		case strings.HasPrefix(a, "-") && len(a) > 1:
			flags = append(flags, a)
			if !strings.Contains(a, "=") && i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
		default:
			pos = append(pos, a)
		}
	}
	return append(flags, pos...)
}

// CLIImport imports one ledger file for the organ with the given code. On a bad ledger it prints every
// problem, imports nothing and returns an error (the command exits non-zero).
func CLIImport(ctx context.Context, svc *Service, a ImportArgs, files []string, out io.Writer) error {
	if len(files) != 1 {
		return errors.New("用法：fazhi import reconsideration FILE --organ CODE")
	}
	if a.Organ == "" {
		return errors.New("请用 --organ 指定复议机关的机关代码（可用 fazhi org list 查看）")
	}
	o, ok := svc.org.ByCode(a.Organ)
	if !ok {
		return fmt.Errorf("找不到机关代码 %s（可用 fazhi org list 查看）", a.Organ)
	}
	if audit.ActorFrom(ctx) == (audit.Actor{}) {
		ctx = audit.WithActor(ctx, audit.Actor{Username: "cli"})
	}
	f, err := os.Open(files[0])
	if err != nil {
		return fmt.Errorf("无法打开台账文件：%w", err)
	}
	defer f.Close()
	res, err := svc.Import(ctx, nil, o.ID, files[0], f, nil)
	if errs := LedgerErrors(err); errs != nil {
		for _, e := range errs {
			fmt.Fprintln(out, e.String())
		}
		return err
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "已为%s导入 %d 条记录：%s\n", res.Organ, res.Rows, res.byState())
	if len(res.Ignored) > 0 {
		fmt.Fprintf(out, "以下列不是台账列，未导入：%s\n", strings.Join(res.Ignored, "、"))
	}
	return nil
}
