package ledger

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
)

// MaxErrors is how many problems a result lists; ErrorCount still counts them all.
const MaxErrors = 5000

// CellError is one problem: a cell (row and column), a row (no column) or the file (row 0).
type CellError struct {
	Row     int    `json:"row"`
	Column  string `json:"column,omitempty"`
	Message string `json:"message"`
}

// String is the sentence shown to users: 第3行「受理日期」：日期格式应为 YYYY-MM-DD.
func (e CellError) String() string {
	switch {
	case e.Row == 0 && e.Column == "":
		return e.Message
	case e.Row == 0:
		return "「" + e.Column + "」：" + e.Message
	case e.Column == "":
		return fmt.Sprintf("第%d行：%s", e.Row, e.Message)
	}
	return fmt.Sprintf("第%d行「%s」：%s", e.Row, e.Column, e.Message)
}

// Row is one data row: its number in the file, its cells by column key and the parsed values.
type Row struct {
	Line   int
	Cells  map[string]string // the text of each column present in the file, trimmed
	Values map[string]any    // parsed values of the filled, valid cells
	Data   any               // the module's own form of the row, if CheckRow builds one
	spec   *Spec
	res    *Result
}

// Has reports whether the cell of key is filled and valid.
func (r *Row) Has(key string) bool { _, ok := r.Values[key]; return ok }

// Text returns a Text cell ("" when empty).
func (r *Row) Text(key string) string { s, _ := r.Values[key].(string); return s }

// Enum returns the Value of an Enum cell's choice ("" when empty).
func (r *Row) Enum(key string) string { return r.Text(key) }

// Decimal returns a Decimal cell as a plain number text ("" when empty).
func (r *Row) Decimal(key string) string { return r.Text(key) }

// Date returns a Date cell (zero when empty).
func (r *Row) Date(key string) calendar.Date { d, _ := r.Values[key].(calendar.Date); return d }

// Int returns an Int cell (0 when empty).
func (r *Row) Int(key string) int64 { n, _ := r.Values[key].(int64); return n }

// Bool returns a Bool cell (false when empty).
func (r *Row) Bool(key string) bool { b, _ := r.Values[key].(bool); return b }

// List returns a List cell's items.
func (r *Row) List(key string) []string { l, _ := r.Values[key].([]string); return l }

// Fail records a problem of the cell of key (or of the whole row when key is ""), and drops the
// cell's value so later checks see it as absent.
func (r *Row) Fail(key, msg string) {
	col := ""
	if c := r.spec.column(key); c != nil {
		col = c.Header
	} else if key != "" {
		col = key
	}
	delete(r.Values, key)
	r.res.add(CellError{Row: r.Line, Column: col, Message: msg})
}

// Failf is Fail with a format.
func (r *Row) Failf(key, format string, a ...any) { r.Fail(key, fmt.Sprintf(format, a...)) }

// Result is a parsed ledger: the rows, every problem found and the file's columns that are not
// ledger columns. Nothing is imported unless ErrorCount is zero.
type Result struct {
	Rows       []*Row
	Errors     []CellError // at most MaxErrors
	ErrorCount int
	Ignored    []string
}

func (res *Result) add(e CellError) {
	res.ErrorCount++
	if len(res.Errors) < MaxErrors {
		res.Errors = append(res.Errors, e)
	}
}

// OK reports whether the ledger has no problem.
func (res *Result) OK() bool { return res.ErrorCount == 0 }

// Parse reads a ledger file and parses every cell, without the module's checks (see Check).
// A file that cannot be read at all (format, limits) gives an error with a Chinese message;
// every problem of the ledger itself is in the result.
func (s *Spec) Parse(r io.Reader, filename string) (*Result, error) {
	m := s.matcher()
	isHeader := func(cells []string) bool {
		for _, c := range cells {
			if _, ok := m.find(c); ok {
				return true
			}
		}
		return false
	}
	t, err := readTable(r, filename, isHeader, s.MaxRows)
	if errors.Is(err, errNoHeader) {
		return &Result{ErrorCount: 1, Errors: []CellError{{Message: "未找到表头：第一行应为列名，包括" + strings.Join(s.Headers(), "、")}}}, nil
	}
	if err != nil {
		return nil, err
	}
	return s.parseTable(t), nil
}

// parseTable maps the header to columns and parses every row.
func (s *Spec) parseTable(t *table) *Result {
	res := &Result{}
	m := s.matcher()
	pos := map[string]int{} // column key → index in the file
	for i, h := range t.header {
		if h == "" {
			continue
		}
		ci, ok := m.find(h)
		if !ok {
			res.Ignored = append(res.Ignored, h)
			continue
		}
		key := s.Columns[ci].Key
		if _, dup := pos[key]; dup {
			res.add(CellError{Row: t.headerLine, Column: h, Message: "与「" + s.Columns[ci].Header + "」重复，同一列只能出现一次"})
			continue
		}
		pos[key] = i
	}
	for _, c := range s.Columns {
		if _, ok := pos[c.Key]; c.Required && !ok {
			res.add(CellError{Message: "缺少必需的列「" + c.Header + "」（表头应包括：" + strings.Join(s.Headers(), "、") + "）"})
		}
	}
	if !res.OK() {
		return res
	}
	if len(t.rows) == 0 {
		res.add(CellError{Message: "台账中没有数据行"})
		return res
	}
	for _, tr := range t.rows {
		cells := make(map[string]string, len(pos))
		for key, i := range pos {
			if i < len(tr.cells) {
				cells[key] = tr.cells[i]
			} else {
				cells[key] = ""
			}
		}
		res.Rows = append(res.Rows, s.parseRow(res, tr.line, cells))
	}
	return res
}

// parseRow parses the cells of one row and runs CheckRow.
func (s *Spec) parseRow(res *Result, line int, cells map[string]string) *Row {
	r := &Row{Line: line, Cells: cells, Values: make(map[string]any, len(cells)), spec: s, res: res}
	first := len(res.Errors)
	for i := range s.Columns {
		c := &s.Columns[i]
		v, present := cells[c.Key]
		if v == "" {
			if c.Required && present {
				r.Fail(c.Key, cmp.Or(c.Empty, "不能为空"))
			}
			continue
		}
		val, err := c.parse(v)
		if err != nil {
			r.Fail(c.Key, cmp.Or(c.Invalid, err.Error()))
			continue
		}
		r.Values[c.Key] = val
	}
	if s.CheckRow != nil {
		s.CheckRow(r)
	}
	// A row's problems read left to right, whichever check found them; row-wide ones last.
	order := map[string]int{"": len(s.Columns)}
	for i, c := range s.Columns {
		order[c.Header] = i
	}
	slices.SortStableFunc(res.Errors[first:], func(a, b CellError) int { return cmp.Compare(order[a.Column], order[b.Column]) })
	return r
}

// Check runs the whole-ledger check (CheckAll) when every row is good so far.
func (s *Spec) Check(ctx context.Context, q db.Querier, organID string, res *Result) error {
	if !res.OK() || s.CheckAll == nil {
		return nil
	}
	return s.CheckAll(ctx, q, organID, res.Rows)
}

// rowsFromCells rebuilds the rows of a stored job (the cells kept at upload) and parses them again.
func (s *Spec) rowsFromCells(stored []storedRow) *Result {
	res := &Result{}
	for _, sr := range stored {
		res.Rows = append(res.Rows, s.parseRow(res, sr.Line, sr.Cells))
	}
	return res
}

// fileError turns a file-level failure into the problem list.
func fileError(err error) []CellError {
	return []CellError{{Message: fault.Message(err)}}
}
