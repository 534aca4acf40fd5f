// Package ledger imports 台账 (ledgers kept in spreadsheets before the platform) for any module.
// A module declares its columns as data (a Spec); the package reads .xlsx or .csv within stated
// limits, matches the header, parses every cell, names every bad cell in Chinese, runs the
// module's cross-field checks, keeps the import as a job in the database and, only when not a
// single cell is wrong, calls the module's commit function inside one transaction.
//
// A module declares its ledger once and mounts the pages:
//
//	var ledgerSpec = ledger.Spec{Module: "litigation", Title: "行政应诉台账",
//		Columns: []ledger.Column{
//			{Key: "filed", Header: "立案日期", Synonyms: []string{"收案日期"}, Required: true, Kind: ledger.Date},
//			{Key: "kind", Header: "原告类型", Required: true, Kind: ledger.Enum, Choices: []ledger.Choice{
//				{Value: "natural", Label: "自然人", Aliases: []string{"公民", "个人"}}, …}},
//		},
//		CheckRow: func(r *ledger.Row) { … r.Fail("closed", "结案日期早于立案日期") },
//		Commit:   func(ctx context.Context, tx *db.Tx, j *ledger.Job, rows []*ledger.Row, progress func(int)) (string, error) { … },
//	}
//	ledger.Importer{Spec: &ledgerSpec, Base: "/litigation/import", Title: "应诉台账导入", Perm: auth.PermLitigationImport, Menu: true}.Register(app)
//
// The command line runs ledger.Import(ctx, d, &ledgerSpec, organID, "", file, r).
package ledger

import (
	"context"
	"slices"
	"strings"
	"unicode"

	"github.com/fazhi/fazhi/internal/db"
	"golang.org/x/text/width"
)

// Kind is how a column's cells are read.
type Kind int

const (
	Text    Kind = iota // string, at most MaxLen characters
	Date                // calendar.Date from the usual Chinese forms and Excel date cells
	Int                 // int64
	Decimal             // string, a plain decimal number such as 1234.5
	Bool                // bool from 是/否
	Enum                // string: the Value of one of Choices
	List                // []string, separated by 、，,;； or line breaks; each item a Choice when Choices are set
)

// Choice is one accepted value of an Enum (or List) column: the stored value, the label the
// template shows, and the other spellings users write.
type Choice struct {
	Value   string
	Label   string
	Aliases []string
}

// Column declares one column of a ledger.
type Column struct {
	Key      string   // name of the parsed value (Row.Date("accepted"))
	Header   string   // header of the template: 受理日期
	Synonyms []string // other headers accepted: 受理时间
	Required bool     // the column must be present and every cell filled
	Kind     Kind
	Choices  []Choice // Enum and List
	MaxLen   int      // Text and List: characters; 0 means MaxCellChars
	Noun     string   // what an enum value is called in its message (「税务」不是可用的领域); default 值
	Invalid  string   // replaces the message for a cell that does not parse
	Empty    string   // replaces 不能为空 for an empty cell of a required column
	Example  string   // the template's example row
	Help     string   // the template's 填写说明 (what to write); the accepted values are added for enums
}

// Spec is a module's ledger: its columns and hooks.
type Spec struct {
	Module  string // module code stored with each job: reconsider, litigation …
	Title   string // 行政复议台账; names the template and the reports
	Columns []Column
	// MaxRows raises or lowers the data-row limit for this ledger (0 = MaxRows): a bulk ledger
	// exported from an agency's own system (执法记录) is larger than a hand-kept one.
	MaxRows int

	// CheckRow adds cross-field problems of one row with r.Fail ("结案日期早于受理日期").
	// It runs for every row; a cell that failed to parse is absent (r.Has is false).
	CheckRow func(r *Row)
	// CheckAll runs once after every row, with the database at hand (duplicates, lookups);
	// it reports with r.Fail. An error it returns is a failure of the check itself.
	CheckAll func(ctx context.Context, q db.Querier, organID string, rows []*Row) error
	// Commit writes the rows inside the import's one transaction; it runs only when the ledger
	// has no problem at all. progress(n) says n rows are written. The returned text is shown
	// when the import is done (已导入 120 件案件).
	Commit func(ctx context.Context, tx *db.Tx, job *Job, rows []*Row, progress func(done int)) (string, error)
}

// column returns the column of key, or nil.
func (s *Spec) column(key string) *Column {
	for i := range s.Columns {
		if s.Columns[i].Key == key {
			return &s.Columns[i]
		}
	}
	return nil
}

// Headers are the template's headers in order.
func (s *Spec) Headers() []string {
	out := make([]string, len(s.Columns))
	for i, c := range s.Columns {
		out[i] = c.Header
	}
	return out
}

// matcher finds the column a header names.
type matcher map[string]int

func (s *Spec) matcher() matcher {
	m := matcher{}
	for i, c := range s.Columns {
		for _, h := range append([]string{c.Header}, c.Synonyms...) {
			if _, dup := m[normHeader(h)]; !dup {
				m[normHeader(h)] = i
			}
		}
	}
	return m
}

func (m matcher) find(h string) (int, bool) {
	i, ok := m[normHeader(h)]
	return i, ok
}

// normHeader folds what users vary in a header: spaces anywhere, full-width letters, digits and
// parentheses, a required-marker star, letter case.
func normHeader(s string) string {
	s = width.Fold.String(s)
	s = strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
	s = strings.Trim(s, "*")
	return strings.ToLower(s)
}

// normValue folds an enum cell the same way.
func normValue(s string) string { return normHeader(s) }

// lookup returns the choice a cell names.
func (c *Column) lookup(v string) (Choice, bool) {
	// A cell written exactly as a value, label or alias (the common case) needs no folding.
	for _, ch := range c.Choices {
		if v == ch.Value || v == ch.Label || slices.Contains(ch.Aliases, v) {
			return ch, true
		}
	}
	n := normValue(v)
	for _, ch := range c.Choices {
		if normValue(ch.Value) == n || normValue(ch.Label) == n {
			return ch, true
		}
		for _, a := range ch.Aliases {
			if normValue(a) == n {
				return ch, true
			}
		}
	}
	return Choice{}, false
}

// labels lists the accepted values for messages and the template.
func (c *Column) labels() string {
	out := make([]string, len(c.Choices))
	for i, ch := range c.Choices {
		out[i] = ch.Label
	}
	return strings.Join(out, "、")
}

// Label returns the label of an enum value, for pages and reports.
func (c *Column) Label(value string) string {
	for _, ch := range c.Choices {
		if ch.Value == value {
			return ch.Label
		}
	}
	return value
}
