package enforce

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/ledger"
	"github.com/fazhi/fazhi/internal/org"
)

// The enforcement ledger exported from an agency's own system (issue 15 item 3). Headers exactly:
// 执法主体, 类别, 案号或文号, 对象, 对象类型, 立案日期, 决定日期, 执法人员, 金额, 重大, 法制审核日期,
// 公示日期, 撤回公示日期, 全过程记录. All rows or none are written.

// LedgerHeaders are the template's columns in order.
var LedgerHeaders = []string{"执法主体", "类别", "案号或文号", "对象", "对象类型", "立案日期", "决定日期", "执法人员", "金额", "重大",
	"法制审核日期", "公示日期", "撤回公示日期", "全过程记录"}

// MaxImportRows is the row limit of one enforcement ledger (agencies export a year at once).
const MaxImportRows = 200000

// SubjectTypes are the values of 对象类型.
var SubjectTypes = []ledger.Choice{{Value: "自然人", Label: "自然人", Aliases: []string{"公民", "个人"}},
	{Value: "法人", Label: "法人", Aliases: []string{"企业", "单位", "法人单位"}},
	{Value: "其他组织", Label: "其他组织", Aliases: []string{"非法人组织", "个体工商户"}}}

func categoryChoices() []ledger.Choice {
	short := map[string][]string{CatPenalty: {"处罚"}, CatLicense: {"许可"}, CatCoercion: {"强制", "行政强制措施"}, CatInspection: {"检查"}, CatOther: {"其它"}}
	var out []ledger.Choice
	for _, c := range RecordCategories {
		out = append(out, ledger.Choice{Value: c.Value, Label: c.Label, Aliases: short[c.Value]})
	}
	return out
}

// ledgerSpec is the ledger for the area of organ (bodies are matched by name in its area).
func (m *Module) ledgerSpec() *ledger.Spec {
	s := &ledger.Spec{Module: "enforce", Title: "行政执法记录", MaxRows: MaxImportRows,
		Columns: []ledger.Column{
			{Key: "body", Header: "执法主体", Required: true, Kind: ledger.Text, MaxLen: 100, Example: "青山县市场监督管理局"},
			{Key: "category", Header: "类别", Required: true, Kind: ledger.Enum, Choices: categoryChoices(), Noun: "执法类别"},
			{Key: "case_no", Header: "案号或文号", Synonyms: []string{"案号", "文号", "决定书文号"}, Required: true, Kind: ledger.Text, MaxLen: 100},
			{Key: "subject", Header: "对象", Synonyms: []string{"当事人", "行政相对人"}, Required: true, Kind: ledger.Text, MaxLen: 200},
			{Key: "subject_type", Header: "对象类型", Required: true, Kind: ledger.Enum, Choices: SubjectTypes, Noun: "对象类型"},
			{Key: "filed", Header: "立案日期", Kind: ledger.Date},
			{Key: "decided", Header: "决定日期", Kind: ledger.Date},
			{Key: "officers", Header: "执法人员", Kind: ledger.List, MaxLen: 500, Help: "执法证号，多个用“、”分隔"},
			{Key: "amount", Header: "金额", Synonyms: []string{"金额(元)", "罚没金额"}, Kind: ledger.Decimal},
			{Key: "major", Header: "重大", Kind: ledger.Bool},
			{Key: "reviewed", Header: "法制审核日期", Kind: ledger.Date},
			{Key: "published", Header: "公示日期", Kind: ledger.Date},
			{Key: "withdrawn", Header: "撤回公示日期", Kind: ledger.Date},
			{Key: "full_record", Header: "全过程记录", Kind: ledger.Bool},
		},
	}
	s.CheckRow = func(r *ledger.Row) { m.checkRow(r) }
	return s
}

// checkRow is the row's own consistency: dates in order, none in the future, amounts sane.
func (m *Module) checkRow(r *ledger.Row) {
	today := m.today()
	for _, k := range []string{"filed", "decided", "reviewed", "published", "withdrawn"} {
		if r.Has(k) && r.Date(k).After(today) {
			r.Fail(k, "日期不能晚于今天")
		}
	}
	if r.Has("filed") && r.Has("decided") && r.Date("decided").Before(r.Date("filed")) {
		r.Fail("decided", "决定日期早于立案日期")
	}
	if r.Has("published") && r.Has("decided") && r.Date("published").Before(r.Date("decided")) {
		r.Fail("published", "公示日期早于决定日期")
	}
	if r.Has("withdrawn") && r.Cells["published"] == "" {
		r.Fail("withdrawn", "填写了撤回公示日期，但没有公示日期")
	}
	if r.Has("withdrawn") && r.Has("published") && r.Date("withdrawn").Before(r.Date("published")) {
		r.Fail("withdrawn", "撤回公示日期早于公示日期")
	}
	if r.Has("amount") {
		if _, err := parseCents(r.Decimal("amount")); err != nil {
			r.Fail("amount", err.Error())
		}
	}
	if r.Has("category") && r.Enum("category") == CatPenalty && r.Cells["decided"] == "" && r.Cells["filed"] == "" {
		r.Fail("decided", "行政处罚应填写立案日期或决定日期")
	}
	for _, no := range r.List("officers") {
		if len([]rune(no)) > 40 {
			r.Failf("officers", "执法证号「%s」过长", no)
			break
		}
	}
}

// parseCents reads a non-negative amount in yuan with at most two decimals.
func parseCents(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, nil
	}
	f, ok := new(big.Rat).SetString(s)
	if !ok {
		return 0, errors.New("金额应为数字（元）")
	}
	if f.Sign() < 0 {
		return 0, errors.New("金额不能为负数")
	}
	c := new(big.Rat).Mul(f, big.NewRat(100, 1))
	if !c.IsInt() {
		return 0, errors.New("金额最多保留两位小数")
	}
	if c.Num().BitLen() > 50 {
		return 0, errors.New("金额过大")
	}
	return c.Num().Int64(), nil
}

// checkAll resolves bodies by name in the organ's area and refuses a 案号 twice in one ledger.
func (m *Module) checkAll(ctx context.Context, q db.Querier, o org.Organ, rows []*ledger.Row) error {
	bodies, err := m.bodiesIn(ctx, q, o)
	if err != nil {
		return err
	}
	seen := make(map[string]int, len(rows))
	for _, r := range rows {
		b := bodies[r.Text("body")]
		if b == nil {
			if r.Has("body") {
				r.Failf("body", "在%s及其下级中找不到执法主体「%s」（请先登记执法主体，名称须一致）", m.Area(o).Name, r.Text("body"))
			}
			continue
		}
		r.Data = b
		if !r.Has("case_no") {
			continue
		}
		key := b.ID + "\x00" + r.Text("case_no")
		if line, dup := seen[key]; dup {
			r.Failf("case_no", "与第%d行的案号或文号重复", line)
			continue
		}
		seen[key] = r.Line
	}
	return nil
}

// rowRecord turns a checked row into a record.
func rowRecord(r *ledger.Row) *Record {
	b := r.Data.(*Body)
	cents, _ := parseCents(r.Decimal("amount"))
	return &Record{OrganID: b.OrganID, BodyID: b.ID, Category: r.Enum("category"), CaseNo: r.Text("case_no"), Subject: r.Text("subject"),
		SubjectType: r.Enum("subject_type"), FiledOn: r.Date("filed"), DecidedOn: r.Date("decided"), Officers: r.List("officers"),
		AmountCents: cents, Major: r.Bool("major"), ReviewedOn: r.Date("reviewed"), PublishedOn: r.Date("published"),
		WithdrawnOn: r.Date("withdrawn"), FullRecord: r.Bool("full_record")}
}

// ImportResult is a finished import.
type ImportResult struct {
	Organ   string
	Rows    int
	Created int
	Ignored []string
}

// LedgerError is a ledger with problems: every bad cell, nothing written.
type LedgerError struct {
	Errors []ledger.CellError
	Count  int
}

func (e *LedgerError) Error() string {
	return fmt.Sprintf("台账有 %d 处问题，未导入任何记录", e.Count)
}

// Unwrap makes a bad ledger a fault.Invalid (422).
func (e *LedgerError) Unwrap() error { return fault.Invalid }

// Import reads, checks and writes a ledger for organ o in one transaction.
func (m *Module) Import(ctx context.Context, o org.Organ, filename string, r io.Reader) (*ImportResult, error) {
	s := m.ledgerSpec()
	res, err := s.Parse(r, filepath.Base(filename))
	if err != nil {
		return nil, err
	}
	// Bodies and duplicates are checked even when cells failed: every problem is named at once.
	if err := m.checkAll(ctx, m.d.DB, o, res.Rows); err != nil {
		return nil, err
	}
	if !res.OK() {
		slices.SortStableFunc(res.Errors, func(a, b ledger.CellError) int { return a.Row - b.Row })
		return nil, &LedgerError{Errors: res.Errors, Count: res.ErrorCount}
	}
	if len(res.Rows) == 0 {
		return nil, &LedgerError{Errors: []ledger.CellError{{Message: "台账中没有数据行"}}, Count: 1}
	}
	recs := make([]*Record, len(res.Rows))
	for i, row := range res.Rows {
		recs[i] = rowRecord(row)
	}
	out := &ImportResult{Organ: o.Name, Rows: len(recs), Ignored: res.Ignored}
	err = m.d.DB.Tx(ctx, func(tx *db.Tx) error {
		c, err := m.newChecker(ctx, tx)
		if err != nil {
			return err
		}
		if out.Created, err = m.writeRecords(ctx, tx, c, recs, "import"); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "enforce.ledger_import", ObjectType: "organ", ObjectID: o.ID,
			Detail: map[string]any{"file": filepath.Base(filename), "rows": len(recs), "created": out.Created}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// CLIImport is `fazhi import enforcement FILE --organ CODE`: on a bad ledger it prints every
// problem, writes nothing and fails (non-zero exit).
func CLIImport(ctx context.Context, m *Module, organ string, files []string, out io.Writer) error {
	if len(files) != 1 {
		return errors.New("用法：fazhi import enforcement FILE --organ CODE")
	}
	if organ == "" {
		return errors.New("请用 --organ 指定机关代码（可用 fazhi org list 查看）")
	}
	o, ok := m.d.Org.ByCode(organ)
	if !ok {
		return fmt.Errorf("找不到机关代码 %s（可用 fazhi org list 查看）", organ)
	}
	f, err := os.Open(files[0])
	if err != nil {
		return fmt.Errorf("无法打开台账文件：%w", err)
	}
	defer f.Close()
	res, err := m.Import(ctx, o, files[0], f)
	var le *LedgerError
	if errors.As(err, &le) {
		for _, e := range le.Errors {
			fmt.Fprintln(out, e.String())
		}
		if le.Count > len(le.Errors) {
			fmt.Fprintf(out, "……另有 %d 处问题未列出\n", le.Count-len(le.Errors))
		}
		return err
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "已为%s导入 %s 条执法记录（新增 %s 条，更新 %s 条）\n", res.Organ, strconv.Itoa(res.Rows), strconv.Itoa(res.Created), strconv.Itoa(res.Rows-res.Created))
	if len(res.Ignored) > 0 {
		fmt.Fprintf(out, "以下列不是台账列，未导入：%s\n", strings.Join(res.Ignored, "、"))
	}
	return nil
}
