package ledger

import (
	"archive/zip"
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/db"
)

// testSpec is a small ledger with every kind of column.
func testSpec() *Spec {
	return &Spec{
		Module: "ledgertest",
		Title:  "测试台账",
		Columns: []Column{
			{Key: "received", Header: "收件日期", Synonyms: []string{"收到日期", "申请日期"}, Required: true, Kind: Date, Example: "2024-01-05"},
			{Key: "applicant", Header: "申请人", Synonyms: []string{"申请人姓名（名称）"}, Required: true, Kind: Text, MaxLen: 20, Example: "张三"},
			{Key: "kind", Header: "申请人类型", Required: true, Kind: Enum, Example: "自然人", Choices: []Choice{
				{Value: "natural", Label: "自然人", Aliases: []string{"公民", "个人"}},
				{Value: "organisation", Label: "法人或其他组织", Aliases: []string{"法人", "其他组织", "单位", "企业"}},
			}},
			{Key: "accepted", Header: "受理日期", Synonyms: []string{"受理时间"}, Kind: Date, Example: "2024-01-08"},
			{Key: "closed", Header: "结案日期", Kind: Date, Example: "2024-03-01"},
			{Key: "amount", Header: "罚款金额(元)", Kind: Decimal, Example: "1,200.50"},
			{Key: "count", Header: "件数", Kind: Int, Example: "1"},
			{Key: "extended", Header: "延期", Kind: Bool, Example: "否"},
			{Key: "fields", Header: "领域", Kind: List, Example: "公安、市场监管", Choices: []Choice{
				{Value: "police", Label: "公安"}, {Value: "market", Label: "市场监管", Aliases: []string{"市场监督管理"}}, {Value: "other", Label: "其他"},
			}},
			{Key: "tags", Header: "备注", Kind: List},
		},
		CheckRow: func(r *Row) {
			if r.Has("accepted") && r.Has("closed") && r.Date("closed").Before(r.Date("accepted")) {
				r.Fail("closed", "结案日期早于受理日期")
			}
		},
	}
}

// commitSpec is testSpec writing into a table of the test, with a hook to watch the commit.
func commitSpec(t *testing.T, d *db.DB, during func(ctx context.Context, n int, progress func(int)) error) *Spec {
	t.Helper()
	ctx := context.Background()
	if err := d.Tx(ctx, func(tx *db.Tx) error {
		return tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS ledgertest_rows (id TEXT PRIMARY KEY, organ_id TEXT NOT NULL, line INTEGER NOT NULL, applicant TEXT NOT NULL, kind TEXT NOT NULL, received TEXT NOT NULL)`)
	}); err != nil {
		t.Fatal(err)
	}
	s := testSpec()
	s.Commit = func(ctx context.Context, tx *db.Tx, j *Job, rows []*Row, progress func(int)) (string, error) {
		for i, r := range rows {
			if err := tx.Exec(ctx, `INSERT INTO ledgertest_rows (id, organ_id, line, applicant, kind, received) VALUES (?, ?, ?, ?, ?, ?)`,
				db.NewID(), j.OrganID, r.Line, r.Text("applicant"), r.Enum("kind"), r.Date("received").String()); err != nil {
				return "", err
			}
			if during != nil {
				if err := during(ctx, i+1, progress); err != nil {
					return "", err
				}
			} else {
				progress(i + 1)
			}
		}
		return fmt.Sprintf("已导入 %d 件", len(rows)), nil
	}
	return s
}

func countRows(t *testing.T, d *db.DB) int {
	t.Helper()
	var n int
	if err := d.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM ledgertest_rows`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func csvOf(lines ...string) io.Reader {
	return strings.NewReader(strings.Join(lines, "\n") + "\n")
}

// rawXLSX builds a minimal workbook by hand (inline strings), so a test controls every byte
// of the sheet, e.g. cells in column XFD.
func rawXLSX(t testing.TB, sheetXML func(w io.Writer)) []byte {
	t.Helper()
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	files := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
	}
	for _, f := range files {
		w, _ := z.Create(f.name)
		io.WriteString(w, f.body)
	}
	w, _ := z.Create("xl/worksheets/sheet1.xml")
	io.WriteString(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	sheetXML(w)
	io.WriteString(w, `</sheetData></worksheet>`)
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// inlineRow writes a row of inline-string cells starting at column A.
func inlineRow(w io.Writer, line int, cells ...string) {
	fmt.Fprintf(w, `<row r="%d">`, line)
	for i, c := range cells {
		fmt.Fprintf(w, `<c r="%s%d" t="inlineStr"><is><t>%s</t></is></c>`, colName(i+1), line, c)
	}
	io.WriteString(w, `</row>`)
}

func colName(n int) string {
	s := ""
	for n > 0 {
		n--
		s = string(rune('A'+n%26)) + s
		n /= 26
	}
	return s
}

func errStrings(errs []CellError) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.String())
	}
	return out
}
