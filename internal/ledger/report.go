package ledger

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"

	"github.com/fazhi/fazhi/internal/docgen"
)

var reportHeader = []string{"行号", "列", "错误"}

// ReportXLSX is the list of problems as a workbook the user can fix the ledger against.
func ReportXLSX(title string, errs []CellError) ([]byte, error) {
	rows := make([][]any, len(errs))
	for i, e := range errs {
		rows[i] = []any{rowText(e.Row), e.Column, e.Message}
	}
	return docgen.XLSX(docgen.Sheet{Name: "错误清单", Title: title + "导入错误清单", Header: reportHeader, Rows: rows, Widths: []float64{8, 20, 80}})
}

// ReportCSV is the same list as CSV in UTF-8 with a BOM, so Excel opens it with the right encoding.
func ReportCSV(errs []CellError) []byte {
	var b bytes.Buffer
	b.WriteString("\xEF\xBB\xBF")
	w := csv.NewWriter(&b)
	w.Write(reportHeader)
	for _, e := range errs {
		w.Write([]string{rowText(e.Row), e.Column, e.Message})
	}
	w.Flush()
	return b.Bytes()
}

func rowText(n int) string {
	if n == 0 {
		return "（文件）"
	}
	return strconv.Itoa(n)
}

// Template is the import template: the headers with an example row, and a sheet saying what
// each column takes.
func (s *Spec) Template() ([]byte, error) {
	example := make([]any, len(s.Columns))
	help := make([][]any, len(s.Columns))
	for i, c := range s.Columns {
		example[i] = c.Example
		need := "选填"
		if c.Required {
			need = "必填"
		}
		help[i] = []any{c.Header, need, c.describe()}
	}
	return docgen.XLSX(
		docgen.Sheet{Name: s.Title, Header: s.Headers(), Rows: [][]any{example}},
		docgen.Sheet{Name: "填写说明", Header: []string{"列", "是否必填", "填写要求"}, Rows: help, Widths: []float64{18, 10, 90}},
	)
}

// describe says what a column takes, for the template and the upload page.
func (c *Column) describe() string {
	var parts []string
	if c.Help != "" {
		parts = append(parts, c.Help)
	}
	switch c.Kind {
	case Date:
		parts = append(parts, "日期，如 2024-01-05（也可写 2024/1/5、2024.1.5、2024年1月5日、20240105）")
	case Int:
		parts = append(parts, "整数")
	case Decimal:
		parts = append(parts, "数字")
	case Bool:
		parts = append(parts, "是 或 否")
	case Enum:
		parts = append(parts, "可填："+c.labels())
	case List:
		if len(c.Choices) > 0 {
			parts = append(parts, "可填："+c.labels()+"；多项用、分隔")
		} else {
			parts = append(parts, "多项用、分隔")
		}
	}
	if len(c.Synonyms) > 0 {
		parts = append(parts, "表头也可写作："+strings.Join(c.Synonyms, "、"))
	}
	return strings.Join(parts, "；")
}
