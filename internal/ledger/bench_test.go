package ledger

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

// maxRowsXLSX is a workbook at the row limit: every row distinct, as a real ledger.
func maxRowsXLSX(b testing.TB) []byte {
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		b.Fatal(err)
	}
	sw.SetRow("A1", []any{"收件日期", "申请人", "申请人类型", "受理日期", "结案日期", "罚款金额(元)", "件数", "延期", "领域", "备注"})
	for i := 2; i <= MaxRows+1; i++ {
		sw.SetRow(fmt.Sprintf("A%d", i), []any{"2024-01-05", fmt.Sprintf("申请人%05d", i), "公民", "2024/1/8", "2024年3月1日", "1,200.50", i, "否", "公安、市场监管", "第" + fmt.Sprint(i) + "号"})
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	f.Write(&buf)
	return buf.Bytes()
}

// BenchmarkParseMaxRowsXLSX: a ledger at the row limit, read and parsed (not stored).
func BenchmarkParseMaxRowsXLSX(b *testing.B) {
	body := maxRowsXLSX(b)
	s := testSpec()
	b.ResetTimer()
	for range b.N {
		var res *Result
		var err error
		growth, took := heapPeak(func() { res, err = s.Parse(bytes.NewReader(body), "max.xlsx") })
		if err != nil || !res.OK() || len(res.Rows) != MaxRows {
			b.Fatalf("%v %v", err, strings.Join(errStrings(res.Errors[:min(3, len(res.Errors))]), "；"))
		}
		b.ReportMetric(float64(growth)/(1<<20), "MB-heap-growth")
		b.Logf("%d rows, %d KB on disk: %v, heap growth %.0f MB", MaxRows, len(body)>>10, took, float64(growth)/(1<<20))
	}
}
