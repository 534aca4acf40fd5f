package ledger

import (
	"bytes"
	"testing"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// FuzzParseDate: any text either is refused with a message or gives a real date that reads back
// the same from its YYYY-MM-DD form. Seeds: testdata/fuzz/FuzzParseDate.
func FuzzParseDate(f *testing.F) {
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate(s)
		if err != nil {
			if err.Error() == "" {
				t.Fatal("empty message")
			}
			return
		}
		if d.IsZero() {
			t.Fatalf("%q: zero date without error", s)
		}
		again, err := ParseDate(d.String())
		if err != nil || again != d {
			t.Fatalf("%q → %s does not read back: %v %v", s, d, again, err)
		}
	})
}

// FuzzParseCSV: any bytes as a .csv give a result or a refusal with a message, never a panic;
// every problem names a real row and reads as Chinese text. Seeds: testdata/fuzz/FuzzParseCSV.
func FuzzParseCSV(f *testing.F) {
	s := testSpec()
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := s.Parse(bytes.NewReader(data), "fuzz.csv")
		if err != nil {
			if err.Error() == "" || !utf8.ValidString(err.Error()) {
				t.Fatalf("bad refusal %q", err)
			}
			return
		}
		if res.ErrorCount < len(res.Errors) {
			t.Fatalf("count %d < listed %d", res.ErrorCount, len(res.Errors))
		}
		last := 0
		for _, r := range res.Rows {
			if r.Line <= last {
				t.Fatalf("rows out of order: %d after %d", r.Line, last)
			}
			last = r.Line
		}
		for _, e := range res.Errors {
			if e.Row < 0 || e.Message == "" {
				t.Fatalf("bad problem %+v", e)
			}
		}
	})
}

// FuzzParseXLSX: any bytes as an .xlsx (a workbook, a truncated one, a zip of something else) give
// a result or a refusal with a Chinese message, never a panic. Seeds: a valid workbook built here,
// its truncations, and testdata/fuzz/FuzzParseXLSX.
func FuzzParseXLSX(f *testing.F) {
	wb := excelize.NewFile()
	wb.SetSheetRow("Sheet1", "A1", &[]any{"收件日期", "申请人", "申请人类型", "受理日期", "结案日期"})
	wb.SetSheetRow("Sheet1", "A2", &[]any{45296, "张三", "自然人", "2024-01-08", "2024年3月1日"})
	wb.SetSheetRow("Sheet1", "A3", &[]any{"2024/1/9", "某公司", "法人", "", ""})
	var buf bytes.Buffer
	if err := wb.Write(&buf); err != nil {
		f.Fatal(err)
	}
	good := buf.Bytes()
	f.Add(good)
	for _, n := range []int{30, len(good) / 3, len(good) / 2, len(good) - 22} {
		f.Add(good[:n])
	}
	s := testSpec()
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := s.Parse(bytes.NewReader(data), "fuzz.xlsx")
		if err != nil {
			if err.Error() == "" || !utf8.ValidString(err.Error()) {
				t.Fatalf("bad refusal %q", err)
			}
			return
		}
		for _, e := range res.Errors {
			if e.Row < 0 || e.Message == "" {
				t.Fatalf("bad problem %+v", e)
			}
		}
	})
}
