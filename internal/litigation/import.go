package litigation

import (
	"cmp"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/ledger"
	"github.com/fazhi/fazhi/internal/org"
)

// The 应诉台账 columns (issue item 8), in template order; files may order them freely.
const (
	colDocket     = "案号"
	colCourt      = "法院"
	colInstance   = "审级"
	colPlaintiff  = "原告"
	colPKind      = "原告类型"
	colDefendant  = "被告"
	colCo         = "共同被告"
	colActType    = "行政行为类别"
	colField      = "领域"
	colReconsider = "经过复议"
	colReceived   = "收到起诉状日期"
	colAnswered   = "答辩日期"
	colHearings   = "开庭日期"
	colLeader     = "负责人出庭"
	colLeaderName = "出庭负责人"
	colClosed     = "结案日期"
	colOutcome    = "结案方式"
	colEffective  = "生效日期"
	colAppeal     = "上诉"
)

// LedgerHeaders are the columns of the import template.
var LedgerHeaders = []string{colDocket, colCourt, colInstance, colPlaintiff, colPKind, colDefendant, colCo, colActType, colField,
	colReconsider, colReceived, colAnswered, colHearings, colLeader, colLeaderName, colClosed, colOutcome, colEffective, colAppeal}

func outcomeLabelList() string {
	var out []string
	for _, o := range Outcomes {
		out = append(out, o.Label())
	}
	return strings.Join(out, "、")
}

// LedgerSpec is the 行政应诉台账 as the platform ledger reads it. Cells whose meaning depends on other
// cells are read as text and checked by checkRow, so each message says which rule failed.
func (m *Module) LedgerSpec() *ledger.Spec {
	choices := func(values []string) []ledger.Choice {
		out := make([]ledger.Choice, len(values))
		for i, v := range values {
			out[i] = ledger.Choice{Value: v, Label: v}
		}
		return out
	}
	text := func(h string, max int) ledger.Column {
		return ledger.Column{Key: h, Header: h, Kind: ledger.Text, MaxLen: max}
	}
	instMsg := "应为 一审、二审、再审 之一"
	kindMsg := "应为 自然人、法人或其他组织 之一"
	seen := map[string]int{} // 案号 → first line
	return &ledger.Spec{Module: "litigation", Title: "行政应诉台账",
		Columns: []ledger.Column{
			{Key: colDocket, Header: colDocket, Required: true, Kind: ledger.Text, MaxLen: 40, Example: "（2024）豫0182行初12号"},
			{Key: colCourt, Header: colCourt, Required: true, Kind: ledger.Text, MaxLen: 60},
			{Key: colInstance, Header: colInstance, Required: true, Kind: ledger.Enum, Invalid: instMsg, Empty: instMsg, Choices: []ledger.Choice{
				{Value: string(First), Label: "一审", Aliases: []string{"一审程序"}}, {Value: string(Second), Label: "二审"}, {Value: string(Retrial), Label: "再审"}}},
			{Key: colPlaintiff, Header: colPlaintiff, Required: true, Kind: ledger.Text, MaxLen: 200},
			{Key: colPKind, Header: colPKind, Required: true, Kind: ledger.Enum, Invalid: kindMsg, Empty: kindMsg, Choices: []ledger.Choice{
				{Value: string(Natural), Label: "自然人", Aliases: []string{"公民", "个人"}},
				{Value: string(Organisation), Label: "法人或其他组织", Aliases: []string{"法人", "其他组织", "单位", "企业"}}}},
			{Key: colDefendant, Header: colDefendant, Required: true, Kind: ledger.Text, MaxLen: 100},
			{Key: colCo, Header: colCo, Kind: ledger.List, MaxLen: 300},
			{Key: colActType, Header: colActType, Required: true, Kind: ledger.Enum, Noun: "类别", Choices: choices(ActTypes),
				Empty: "不能为空，可填：" + strings.Join(ActTypes, "、")},
			{Key: colField, Header: colField, Kind: ledger.Enum, Noun: "领域", Choices: choices(Fields)},
			{Key: colReconsider, Header: colReconsider, Kind: ledger.Bool},
			{Key: colReceived, Header: colReceived, Required: true, Kind: ledger.Date},
			text(colAnswered, 20), text(colHearings, 200), text(colLeader, 10), text(colLeaderName, 100),
			text(colClosed, 20), text(colOutcome, 20), text(colEffective, 20), text(colAppeal, 10),
		},
		CheckRow: func(r *ledger.Row) {
			checkRow(r, m.Today())
			// A 案号 twice in one file: checked here, because the whole-ledger check runs only on a clean
			// ledger and every bad cell is to be named at once. Keyed by line, so a second parse of the
			// same rows (the commit) finds no false duplicates.
			if lr := r.Data.(*ledgerRow); lr.docket.Number != 0 {
				key := lr.docket.String()
				if first, ok := seen[key]; ok && first != r.Line {
					r.Fail(colDocket, fmt.Sprintf("案号 %s 与第%d行重复", key, first))
				} else if !ok {
					seen[key] = r.Line
				}
			}
		},
		CheckAll: m.checkLedger,
		Commit:   m.commitLedger,
	}
}

// ledgerRow is one checked row.
type ledgerRow struct {
	line        int
	docket      Docket
	court       string
	instance    Instance
	plaintiffs  []string
	kind        PlaintiffKind
	defendant   string
	defendantID string
	co          []string
	coIDs       []string
	actType     string
	field       string
	reconsider  bool
	received    calendar.Date
	answered    calendar.Date
	hearings    []calendar.Date
	leader      bool
	leaderName  string
	closed      calendar.Date
	outcome     Outcome
	effective   calendar.Date
	appealed    bool
}

var yesNo = map[string]bool{"是": true, "否": false, "Y": true, "N": false}

// checkRow checks one row across its cells and builds its ledgerRow (r.Data).
func checkRow(r *ledger.Row, today calendar.Date) {
	row := &ledgerRow{line: r.Line}
	r.Data = row
	bad := r.Fail
	cell := func(name string) string { return strings.TrimSpace(r.Cells[name]) }
	date := func(name string, allowFuture bool) calendar.Date {
		v := cell(name)
		if v == "" {
			return calendar.Date{}
		}
		d, err := ledger.ParseDate(v)
		if err != nil {
			bad(name, err.Error())
			return calendar.Date{}
		}
		if !allowFuture && d.After(today) {
			bad(name, fmt.Sprintf("日期不能晚于今天（%s）", today))
			return calendar.Date{}
		}
		return d
	}
	notBefore := func(name string, d, earliest calendar.Date, what string) {
		if !d.IsZero() && !earliest.IsZero() && d.Before(earliest) {
			bad(name, fmt.Sprintf("不能早于%s（%s）", what, earliest))
		}
	}
	boolCell := func(name string) (bool, bool) {
		v := cell(name)
		if v == "" {
			return false, false
		}
		b, ok := yesNo[strings.ToUpper(v)]
		if !ok {
			bad(name, "应为 是 或 否")
		}
		return b, ok
	}

	row.court = r.Text(colCourt)
	row.instance = Instance(r.Enum(colInstance))
	if v := cell(colDocket); v != "" {
		d, err := ParseDocket(v)
		switch {
		case err != nil:
			bad(colDocket, err.Error())
		case row.instance != "" && d.Instance() != row.instance:
			bad(colDocket, fmt.Sprintf("案号类型「%s」属于%s，与审级「%s」不一致", d.Kind, d.Instance().Label(), row.instance.Label()))
		default:
			row.docket = d
		}
	}
	for _, p := range strings.FieldsFunc(r.Text(colPlaintiff), func(c rune) bool { return c == '、' || c == '，' || c == ',' || c == '；' || c == ';' }) {
		if p = strings.TrimSpace(p); p != "" {
			row.plaintiffs = append(row.plaintiffs, p)
		}
	}
	row.kind = PlaintiffKind(r.Enum(colPKind))
	row.defendant = r.Text(colDefendant)
	for _, c := range r.List(colCo) {
		if c == row.defendant {
			bad(colCo, "共同被告「"+c+"」与被告相同")
			continue
		}
		row.co = append(row.co, c)
	}
	row.actType = r.Enum(colActType)
	row.field = cmp.Or(r.Enum(colField), "其他")
	row.reconsider = r.Bool(colReconsider)

	if r.Has(colReceived) {
		row.received = r.Date(colReceived)
		if row.received.After(today) {
			bad(colReceived, fmt.Sprintf("日期不能晚于今天（%s）", today))
			row.received = calendar.Date{}
		} else if row.docket.Year != 0 && row.received.Year < row.docket.Year {
			bad(colReceived, fmt.Sprintf("收到起诉状日期不能早于案号年度（%d年）", row.docket.Year))
		}
	}
	row.answered = date(colAnswered, false)
	notBefore(colAnswered, row.answered, row.received, "收到起诉状日期")

	// 开庭日期: one or more dates; scheduled hearings may lie ahead.
	if v := cell(colHearings); v != "" {
		seen := map[calendar.Date]bool{}
		for _, part := range strings.FieldsFunc(v, func(c rune) bool { return c == '、' || c == '，' || c == ',' || c == '；' || c == ';' || c == '\n' }) {
			part = strings.TrimSpace(part)
			if part == "" {
				continue
			}
			d, err := ledger.ParseDate(part)
			if err != nil {
				bad(colHearings, "「"+part+"」："+err.Error()+"（多个日期用、分隔）")
				continue
			}
			if !row.received.IsZero() && d.Before(row.received) {
				bad(colHearings, fmt.Sprintf("开庭日期 %s 早于收到起诉状日期（%s）", d, row.received))
				continue
			}
			if seen[d] {
				bad(colHearings, fmt.Sprintf("开庭日期 %s 重复", d))
				continue
			}
			seen[d] = true
			row.hearings = append(row.hearings, d)
		}
		sort.Slice(row.hearings, func(i, j int) bool { return row.hearings[i].Before(row.hearings[j]) })
	}

	// 负责人出庭 and 出庭负责人.
	leader, leaderSet := boolCell(colLeader)
	row.leader = leader
	row.leaderName = cell(colLeaderName)
	switch {
	case leader && row.leaderName == "":
		bad(colLeaderName, "负责人出庭为是的，须填写出庭负责人")
	case leaderSet && !leader && row.leaderName != "":
		bad(colLeaderName, "负责人出庭为否的，不应填写出庭负责人")
	case !leaderSet && row.leaderName != "":
		bad(colLeader, "填写了出庭负责人的，负责人出庭应为是")
	}
	if leader && cell(colHearings) != "" && len(row.hearings) > 0 && row.hearings[0].After(today) {
		bad(colLeader, "负责人出庭为是的，须有已开庭的开庭日期（不晚于今天）")
	} else if leader && cell(colHearings) == "" {
		bad(colLeader, "负责人出庭为是的，须填写开庭日期")
	}

	// 结案日期 and 结案方式: both or neither.
	row.closed = date(colClosed, false)
	notBefore(colClosed, row.closed, row.received, "收到起诉状日期")
	if n := len(row.hearings); n > 0 && !row.closed.IsZero() && row.hearings[n-1].After(row.closed) {
		bad(colHearings, fmt.Sprintf("开庭日期 %s 晚于结案日期（%s）", row.hearings[n-1], row.closed))
	}
	if v := cell(colOutcome); v != "" {
		o, ok := ParseOutcome(v)
		if !ok {
			bad(colOutcome, "「"+v+"」不是可用的结案方式，可填："+outcomeLabelList())
		}
		row.outcome = o
	}
	if cell(colClosed) != "" && cell(colOutcome) == "" {
		bad(colOutcome, "填写了结案日期的，须填写结案方式")
	}
	if cell(colClosed) == "" && cell(colOutcome) != "" {
		bad(colClosed, "填写了结案方式的，须填写结案日期")
	}
	// 生效日期 and 上诉.
	row.effective = date(colEffective, false)
	if cell(colEffective) != "" && cell(colClosed) == "" {
		bad(colEffective, "未结案的案件不应填写生效日期")
	}
	notBefore(colEffective, row.effective, row.closed, "结案日期")
	appealed, appealSet := boolCell(colAppeal)
	row.appealed = appealed
	if appealSet && cell(colClosed) == "" {
		bad(colAppeal, "未结案的案件不应填写上诉")
	}
	if appealed && row.outcome != "" && !row.outcome.Appealable() {
		bad(colAppeal, "结案方式为「"+row.outcome.Label()+"」的不能上诉")
	}
	if appealed && row.instance == Second {
		bad(colAppeal, "二审裁判为终审，不能上诉（可申请再审）")
	}
}

// ImportOrgan resolves the organ a ledger is imported for: a 司法局 stands for its government.
func (m *Module) ImportOrgan(organID string) (org.Organ, error) {
	o, ok := m.d.Org.Organ(organID)
	if !ok {
		return org.Organ{}, fmt.Errorf("机关%w", db.ErrNotFound)
	}
	if o.Kind == org.KindJustice || o.Kind == org.KindOffice {
		if gov, ok := m.d.Org.GovernmentOf(o); ok {
			return gov, nil
		}
	}
	if o.Kind == org.KindCourt {
		return org.Organ{}, fmt.Errorf("%s 是人民法院，不能作为应诉台账的被告机关导入", o.Name)
	}
	return o, nil
}

// organIndex maps a defendant's name to an organ below the importing organ: the exact name, else the
// one organ whose name ends with it (公安局 → 青山县公安局). "" when none or ambiguous.
func (m *Module) organIndex(root org.Organ) func(name string) string {
	local := m.d.Org.Subtree(root.ID)
	return func(name string) string {
		if name == "" {
			return ""
		}
		for _, o := range local {
			if o.Name == name || (o.ShortName != "" && o.ShortName == name) {
				return o.ID
			}
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

// checkLedger is the whole-ledger check: 案号 unique in the file and not imported before; defendants
// found in the org tree are stored under their full name.
func (m *Module) checkLedger(ctx context.Context, q db.Querier, organID string, rows []*ledger.Row) error {
	root, err := m.ImportOrgan(organID)
	if err != nil {
		return err
	}
	find := m.organIndex(root)
	for _, r := range rows {
		lr := r.Data.(*ledgerRow)
		if id := find(lr.defendant); id != "" {
			o, _ := m.d.Org.Organ(id)
			lr.defendantID, lr.defendant = o.ID, o.Name
		}
		lr.coIDs = make([]string, len(lr.co))
		for i, c := range lr.co {
			if id := find(c); id != "" {
				o, _ := m.d.Org.Organ(id)
				lr.coIDs[i], lr.co[i] = o.ID, o.Name
			}
		}
		if lr.docket.Number == 0 {
			continue
		}
		key := lr.docket.String()
		exists, err := docketExists(ctx, q, key)
		if err != nil {
			return err
		}
		if exists {
			r.Fail(colDocket, "案号 "+key+" 已经登记，同一案件不能重复导入")
		}
	}
	return nil
}

// commitLedger writes the checked rows in the import's one transaction.
func (m *Module) commitLedger(ctx context.Context, tx *db.Tx, j *ledger.Job, rows []*ledger.Row, progress func(int)) (string, error) {
	root, err := m.ImportOrgan(j.OrganID)
	if err != nil {
		return "", err
	}
	gov := root
	if g, ok := m.d.Org.GovernmentOf(root); ok {
		gov = g
	}
	cal := m.cal()
	now := db.Now()
	lrs := make([]*ledgerRow, len(rows))
	for i, r := range rows {
		lrs[i] = r.Data.(*ledgerRow)
	}
	// First instances before appeals, so an appeal can join its first instance's matter.
	sort.SliceStable(lrs, func(i, j int) bool { return instanceOrder(lrs[i].instance) < instanceOrder(lrs[j].instance) })
	matters := map[string]string{} // plaintiff + defendant → matter of an appealed first instance
	byState := map[State]int{}
	for i, lr := range lrs {
		c := m.ledgerCase(lr, root, gov, cal, now)
		key := strings.Join(lr.plaintiffs, "、") + "\x00" + lr.defendant
		switch {
		case lr.instance == First && lr.appealed:
			matters[key] = c.ID
		case lr.instance != First:
			if mid, ok := matters[key]; ok {
				c.MatterID = mid
			}
		}
		if err := insertCase(ctx, tx, c); err != nil {
			return "", err
		}
		byState[c.State]++
		if (i+1)%100 == 0 {
			progress(i + 1)
		}
	}
	progress(len(lrs))
	if err := audit.Record(ctx, tx, audit.Entry{Action: "litigation.import", ObjectType: "organ", ObjectID: root.ID,
		Detail: map[string]any{"file": j.Filename, "rows": len(lrs)}}); err != nil {
		return "", err
	}
	var parts []string
	for _, st := range States {
		if n := byState[st]; n > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", st.Label(), n))
		}
	}
	return fmt.Sprintf("已为%s导入 %d 件应诉案件：%s", root.Name, len(lrs), strings.Join(parts, "，")), nil
}

func instanceOrder(i Instance) int {
	return map[Instance]int{First: 0, Second: 1, Retrial: 2}[i]
}

// ledgerCase builds the case of one ledger row: its state follows from the filled cells.
func (m *Module) ledgerCase(lr *ledgerRow, root, gov org.Organ, cal *calendar.Calendar, now string) *Case {
	id := db.NewID()
	c := &Case{ID: id, MatterID: id, OrganID: cmp.Or(lr.defendantID, root.ID), GovID: gov.ID, CourtName: lr.court,
		Instance: lr.instance, Docket: lr.docket.String(), DocketYear: lr.docket.Year, CourtCode: lr.docket.Court, DocketKind: lr.docket.Kind, DocketNo: lr.docket.Number,
		Defendant: lr.defendant, Plaintiff: strings.Join(lr.plaintiffs, "、"), PlaintiffK: lr.kind, ActType: lr.actType, Field: lr.field,
		Reconsidered: lr.reconsider, ReceivedOn: lr.received, DraftDays: RuleDraft.Length, AnsweredOn: lr.answered,
		Outcome: lr.outcome, ClosedOn: lr.closed, Appealed: lr.appealed, AppealDecided: lr.closed != calendar.Date{}, EffectiveOn: lr.effective,
		Imported: true, Version: 1, CreatedAt: now}
	if o, ok := m.d.Org.Organ(c.OrganID); ok {
		if g, ok := m.d.Org.GovernmentOf(o); ok {
			c.GovID = g.ID
		}
	}
	if court, ok := m.courtByName(lr.court); ok {
		c.CourtID = court.ID
	}
	for _, p := range lr.plaintiffs {
		c.Parties = append(c.Parties, Party{Role: RolePlaintiff, Name: p, Kind: lr.kind})
	}
	c.Parties = append(c.Parties, Party{Role: RoleDefendant, Name: c.Defendant, OrganID: lr.defendantID})
	for i, co := range lr.co {
		c.Parties = append(c.Parties, Party{Role: RoleCoDefendant, Name: co, OrganID: lr.coIDs[i]})
	}
	today := m.Today()
	for i, d := range lr.hearings {
		h := Hearing{HeldOn: d, Held: !d.After(today)}
		if lr.leader && i == 0 {
			h.Appeared, h.LeaderName = true, lr.leaderName
		}
		c.Hearings = append(c.Hearings, h)
	}
	c.Recompute(cal)
	switch {
	case lr.closed.IsZero() && len(lr.hearings) > 0 && !lr.hearings[0].After(today):
		c.State = StateHearing
	case lr.closed.IsZero() && !lr.answered.IsZero():
		c.State = StateAnswered
	case lr.closed.IsZero():
		c.State = StateAssigned
	case lr.appealed:
		c.State = StateAppealed
	case !lr.effective.IsZero() || !lr.outcome.Appealable() || lr.instance == Second:
		c.State = StateEffective
	default:
		c.State = StateDecided
	}
	return c
}

// courtByName finds a court organ of the tree by its exact name.
func (m *Module) courtByName(name string) (org.Organ, bool) {
	for _, o := range m.d.Org.All() {
		if o.Kind == org.KindCourt && o.Name == name {
			return o, true
		}
	}
	return org.Organ{}, false
}

// LedgerError carries every problem of a refused ledger; nothing was imported.
type LedgerError struct{ Errors []ledger.CellError }

func (e *LedgerError) Error() string {
	if len(e.Errors) == 1 {
		return "台账有误，未导入任何记录：" + e.Errors[0].String()
	}
	return fmt.Sprintf("台账有 %d 处错误，未导入任何记录", len(e.Errors))
}

// Import reads, checks and (only when no cell is wrong) writes a ledger for the organ: all or nothing.
func (m *Module) Import(ctx context.Context, organID, filename string, r io.Reader) (string, error) {
	root, err := m.ImportOrgan(organID)
	if err != nil {
		return "", err
	}
	j, err := ledger.Import(ctx, m.d.DB, m.LedgerSpec(), root.ID, "", filepath.Base(filename), r)
	if errors.Is(err, fault.Invalid) {
		return "", &LedgerError{Errors: []ledger.CellError{{Message: fault.Message(err)}}}
	}
	if err != nil {
		return "", err
	}
	if j.ErrorCount > 0 || len(j.Errors) > 0 {
		return "", &LedgerError{Errors: j.Errors}
	}
	if j.State != ledger.StateDone {
		return "", errors.New(cmp.Or(j.Message, "导入失败，未导入任何记录"))
	}
	msg := j.Message
	if len(j.Ignored) > 0 {
		msg += "\n以下列不是台账列，未导入：" + strings.Join(j.Ignored, "、")
	}
	return msg, nil
}

// ImportArgs are the options of `fazhi import litigation FILE --organ CODE`.
type ImportArgs struct{ Organ string }

// Flags registers the options on the command's flag set.
func (a *ImportArgs) Flags(fs *flag.FlagSet) {
	fs.StringVar(&a.Organ, "organ", "", "被告机关或其人民政府的机关代码（司法局按其所属人民政府导入），见 fazhi org list")
}

// CLIImport imports one ledger file. On a bad ledger it prints every problem, imports nothing and
// returns an error (the command exits non-zero).
func CLIImport(ctx context.Context, m *Module, a ImportArgs, files []string, out io.Writer) error {
	if len(files) != 1 {
		return errors.New("用法：fazhi import litigation FILE --organ CODE")
	}
	if a.Organ == "" {
		return errors.New("请用 --organ 指定机关代码（可用 fazhi org list 查看）")
	}
	o, ok := m.d.Org.ByCode(a.Organ)
	if !ok {
		return fmt.Errorf("找不到机关代码 %s（可用 fazhi org list 查看）", a.Organ)
	}
	f, err := os.Open(files[0])
	if err != nil {
		return fmt.Errorf("无法打开台账文件：%w", err)
	}
	defer f.Close()
	msg, err := m.Import(ctx, o.ID, files[0], f)
	var le *LedgerError
	if errors.As(err, &le) {
		for _, e := range le.Errors {
			fmt.Fprintln(out, e.String())
		}
		return err
	}
	if err != nil {
		return err
	}
	fmt.Fprintln(out, msg)
	return nil
}
