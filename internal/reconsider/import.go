package reconsider

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
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
	colExtDays    = "延期天数" // the approved length (Art. 62: up to 30 days, not always 30)
	colSuspended  = "中止日期" // one date per 中止, several separated by 、；; or line breaks
	colResumed    = "恢复日期" // the matching resumptions, in the same order
)

// LedgerHeaders are the columns of the import template.
var LedgerHeaders = []string{colReceived, colApplicant, colKind, colRespondent, colActType, colField, colReview,
	colAccepted, colProcedure, colClosed, colOutcome, colTermReason, colExtended, colExtDays, colSuspended, colResumed}

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
	// A withdrawal after the respondent changed its act without a formal 和解 is an indirect correction too.
	{"被申请人改变行为后撤回", 1, false, true},
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

// ImportError is one problem of a ledger: the platform's cell error (row, column, message).
type ImportError = ledger.CellError

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
		text(colExtDays), text(colSuspended), text(colResumed),
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
	extDays      int              // approved extension in days, 0 = none
	pauses       []calendar.Pause // 中止 … 恢复 (a zero To: still suspended)
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
			return errors.New(e.Message)
		}
		r.Fail("", e.Message)
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
			var labels []string
			for _, o := range Outcomes {
				labels = append(labels, o.Label())
			}
			switch {
			case outcomeText == "驳回": // two different decisions of the law: never guess which
				bad(colOutcome, "「驳回」含义不明：申请人认为被申请人不履行法定职责、被申请人没有相应职责或者已经履行的，填“驳回复议请求”（第六十九条）；受理后发现不符合受理条件的，填“驳回申请”（第三十三条）。可填："+strings.Join(labels, "、"))
			case !ok:
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

	// 延期 and 延期天数: only an accepted case under the ordinary procedure (Art. 62; Art. 55 for the simplified one).
	// 延期 = 是 without a length keeps its old meaning, the full 30 days.
	ext := cell(colExtended)
	days := 0
	if v := cell(colExtDays); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > RuleDecision.MaxExtension {
			bad(colExtDays, "应为 1 至 30 之间的整数（第六十二条第一款：延长期限最多不得超过三十日）")
		} else {
			days = n
		}
	}
	switch ext {
	case "", "否":
		if ext == "否" && cell(colExtDays) != "" {
			bad(colExtDays, "延期为“否”的，不应填写延期天数")
			days = 0
		}
	case "是":
		if days == 0 && cell(colExtDays) == "" {
			days = RuleDecision.MaxExtension
		}
	default:
		bad(colExtended, "应为 是 或 否")
	}
	if days > 0 {
		col := colExtDays
		if ext != "" {
			col = colExtended
		}
		switch {
		case !accepted:
			bad(col, "只有已受理的案件才能延期")
		case row.proc == Simplified:
			bad(col, "简易程序案件不能延长审理期限（第六十二条第二款）")
		default:
			row.extDays = days
		}
	}

	// 中止日期 / 恢复日期: several pairs, in order (Art. 39; the decision period does not run while suspended).
	row.pauses = checkPauses(r, row, today)
}

// splitDates reads the dates of a cell holding several, separated by 、；; , or line breaks.
func splitDates(v string) []string {
	return strings.FieldsFunc(v, func(r rune) bool {
		return r == '、' || r == '；' || r == ';' || r == ',' || r == '，' || r == '\n' || r == ' '
	})
}

// checkPauses pairs the 中止 and 恢复 dates of a row and checks their order.
func checkPauses(r *ledger.Row, row *ledgerRow, today calendar.Date) []calendar.Pause {
	from, to := splitDates(r.Cells[colSuspended]), splitDates(r.Cells[colResumed])
	if len(from) == 0 && len(to) == 0 {
		return nil
	}
	if row.review != "受理" {
		r.Fail(colSuspended, "只有已受理的案件才能中止")
		return nil
	}
	if len(to) > len(from) || len(to) < len(from)-1 {
		r.Fail(colResumed, fmt.Sprintf("中止日期 %d 个、恢复日期 %d 个，无法配对：每次中止应有恢复日期，只有最后一次中止可以尚未恢复", len(from), len(to)))
		return nil
	}
	parse := func(col, v string) (calendar.Date, bool) {
		d, err := ledger.ParseDate(v)
		if err != nil {
			r.Fail(col, "「"+v+"」："+err.Error())
			return calendar.Date{}, false
		}
		if d.After(today) {
			r.Fail(col, fmt.Sprintf("日期不能晚于今天（%s）", today))
			return calendar.Date{}, false
		}
		return d, true
	}
	var out []calendar.Pause
	prev := row.accepted
	for i, v := range from {
		f, ok := parse(colSuspended, v)
		if !ok {
			return nil
		}
		p := calendar.Pause{From: f}
		if i < len(to) {
			if p.To, ok = parse(colResumed, to[i]); !ok {
				return nil
			}
		}
		switch {
		case !prev.IsZero() && f.Before(prev):
			r.Fail(colSuspended, fmt.Sprintf("第%d次中止日期 %s 早于受理日期或上一次恢复日期（%s）", i+1, f, prev))
			return nil
		case !p.To.IsZero() && p.To.Before(f):
			r.Fail(colResumed, fmt.Sprintf("第%d次恢复日期 %s 早于中止日期 %s", i+1, p.To, f))
			return nil
		case !row.closed.IsZero() && f.After(row.closed):
			r.Fail(colSuspended, fmt.Sprintf("第%d次中止日期 %s 晚于结案日期 %s", i+1, f, row.closed))
			return nil
		case !row.closed.IsZero() && !p.To.IsZero() && p.To.After(row.closed):
			r.Fail(colResumed, fmt.Sprintf("第%d次恢复日期 %s 晚于结案日期 %s", i+1, p.To, row.closed))
			return nil
		}
		if p.To.IsZero() && !row.closed.IsZero() {
			if row.outcome != Terminate && row.outcome != Mediation {
				r.Fail(colResumed, "中止期间不能作出复议决定：已以决定结案的，请填写最后一次中止的恢复日期")
				return nil
			}
			p.To = row.closed // mediated or terminated while suspended: the suspension ends that day
		}
		out = append(out, p)
		prev = p.To
	}
	return out
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
		return []ImportError{{Message: "检查重复导入失败：" + err.Error()}}
	}
	defer res.Close()
	seen := map[string]string{}
	for res.Next() {
		var on, name, resp, act, no string
		if err := res.Scan(&on, &name, &resp, &act, &no); err != nil {
			return []ImportError{{Message: "检查重复导入失败：" + err.Error()}}
		}
		seen[on+"\x00"+name+"\x00"+resp+"\x00"+act] = no
	}
	var errs []ImportError
	for _, r := range rows {
		if no, ok := seen[r.received.String()+"\x00"+r.applicant+"\x00"+r.respondent+"\x00"+r.actType]; ok {
			errs = append(errs, ImportError{Row: r.line, Message: "与已导入的案件（收件编号 " + no + "）重复，同一台账不能重复导入"})
		}
	}
	return errs
}

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
		return ImportResult{}, &LedgerError{Errors: []ImportError{{Message: fault.Message(err)}}}
	}
	if err != nil {
		return ImportResult{}, err
	}
	if err := spec.Check(ctx, s.db, gov.ID, res); err != nil {
		return ImportResult{}, err
	}
	if !res.OK() {
		return ImportResult{}, &LedgerError{Errors: res.Errors}
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
		return "", &ledger.Problems{Errors: errs}
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

// LedgerErrors returns the problems of a failed import, or nil for other errors.
func LedgerErrors(err error) []ImportError {
	var le *LedgerError
	if errors.As(err, &le) {
		return le.Errors
	}
	return nil
}
