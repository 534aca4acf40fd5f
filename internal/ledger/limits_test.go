package ledger

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/fault"
)

// heapPeak runs f while sampling the heap, and returns how far the heap grew above where it
// started at its highest and how long f took.
func heapPeak(f func()) (growth uint64, took time.Duration) {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	var peak atomic.Uint64
	peak.Store(base)
	done := make(chan struct{})
	sampled := make(chan struct{})
	go func() {
		defer close(sampled)
		var s runtime.MemStats
		for {
			select {
			case <-done:
				return
			case <-time.After(2 * time.Millisecond):
			}
			runtime.ReadMemStats(&s)
			if s.HeapAlloc > peak.Load() {
				peak.Store(s.HeapAlloc)
			}
		}
	}()
	start := time.Now()
	f()
	took = time.Since(start)
	close(done)
	<-sampled
	runtime.ReadMemStats(&ms)
	if ms.HeapAlloc > peak.Load() {
		peak.Store(ms.HeapAlloc)
	}
	return peak.Load() - base, took
}

const memBudget = 100 << 20

// TestXFDBomb: a small file whose 2,000 rows each hold a cell in column XFD (the last of 16,384)
// would make a reader that pads rows allocate 16,384 cells per row. It must be refused at once,
// naming the limit, within a small memory budget.
func TestXFDBomb(t *testing.T) {
	body := rawXLSX(t, func(w io.Writer) {
		inlineRow(w, 1, "收件日期", "申请人", "申请人类型")
		for line := 2; line <= 2001; line++ {
			fmt.Fprintf(w, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>2024-01-05</t></is></c><c r="XFD%d" t="inlineStr"><is><t>x</t></is></c></row>`, line, line, line)
		}
	})
	var err error
	growth, took := heapPeak(func() { _, err = testSpec().Parse(bytes.NewReader(body), "bomb.xlsx") })
	t.Logf("XFD bomb: %d bytes on disk, refused in %v, heap growth %.1f MB", len(body), took, float64(growth)/(1<<20))
	if err == nil || !strings.Contains(err.Error(), "第2行有第16384列的数据，超过 200 列的上限") {
		t.Fatalf("XFD bomb: %v", err)
	}
	if growth > memBudget || took > 10*time.Second {
		t.Errorf("XFD bomb: heap grew %d MB in %v", growth>>20, took)
	}

	// A cell far right that only carries formatting (no value) is no data: the file imports.
	body = rawXLSX(t, func(w io.Writer) {
		inlineRow(w, 1, "收件日期", "申请人", "申请人类型")
		for line := 2; line <= 2001; line++ {
			fmt.Fprintf(w, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>2024-01-05</t></is></c><c r="B%d" t="inlineStr"><is><t>张三</t></is></c><c r="C%d" t="inlineStr"><is><t>自然人</t></is></c><c r="XFD%d" s="0"/></row>`, line, line, line, line, line)
		}
	})
	var res *Result
	growth, took = heapPeak(func() { res, err = testSpec().Parse(bytes.NewReader(body), "styled.xlsx") })
	t.Logf("empty XFD cells: %d rows parsed in %v, heap growth %.1f MB", len(res.Rows), took, float64(growth)/(1<<20))
	if err != nil || !res.OK() || len(res.Rows) != 2000 {
		t.Fatalf("styled: %v", err)
	}
	if growth > memBudget {
		t.Errorf("styled: heap grew %d MB", growth>>20)
	}
}

// TestZipBombs: the unpacked size is checked before anything is inflated, and an entry that
// inflates past the size it declares is refused by archive/zip.
func TestZipBombs(t *testing.T) {
	// Declares more than MaxUnzipped.
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	w, _ := z.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Store, UncompressedSize64: MaxUnzipped + 1, CompressedSize64: 3})
	w.Write([]byte("abc"))
	z.Close()
	_, err := testSpec().Parse(bytes.NewReader(buf.Bytes()), "declared.xlsx")
	if err == nil || !strings.Contains(err.Error(), "解压后超过 100 MB 的上限") {
		t.Errorf("declared size: %v", err)
	}

	// Declares 1 KB but inflates to 200 MB of zeros.
	var raw bytes.Buffer
	fw, _ := flate.NewWriter(&raw, flate.BestSpeed)
	zeros := make([]byte, 1<<20)
	for range 200 {
		fw.Write(zeros)
	}
	fw.Close()
	body := rawXLSX(t, func(w io.Writer) { inlineRow(w, 1, "收件日期", "申请人", "申请人类型") })
	zr, _ := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	buf.Reset()
	z = zip.NewWriter(&buf)
	for _, f := range zr.File {
		if f.Name == "xl/worksheets/sheet1.xml" {
			w, _ := z.CreateRaw(&zip.FileHeader{Name: f.Name, Method: zip.Deflate, UncompressedSize64: 1024, CompressedSize64: uint64(raw.Len())})
			w.Write(raw.Bytes())
			continue
		}
		w, _ := z.Create(f.Name)
		r, _ := f.Open()
		io.Copy(w, r)
		r.Close()
	}
	z.Close()
	growth, took := heapPeak(func() { _, err = testSpec().Parse(bytes.NewReader(buf.Bytes()), "lying.xlsx") })
	t.Logf("lying zip: %d bytes on disk, refused in %v, heap growth %.1f MB", buf.Len(), took, float64(growth)/(1<<20))
	if err == nil || !strings.Contains(err.Error(), "文件已损坏") {
		t.Errorf("lying size: %v", err)
	}
	if growth > memBudget {
		t.Errorf("lying size: heap grew %d MB", growth>>20)
	}
}

func TestLimits(t *testing.T) {
	s := testSpec()
	var b strings.Builder
	b.WriteString("收件日期,申请人,申请人类型\n")
	for range MaxRows + 1 {
		b.WriteString("2024-01-05,张三,自然人\n")
	}
	_, err := s.Parse(strings.NewReader(b.String()), "rows.csv")
	if err == nil || err.Error() != "数据超过 50000 行的上限，请拆分为几个文件分别导入" {
		t.Errorf("rows: %v", err)
	}
	_, err = s.Parse(csvOf("收件日期,申请人,申请人类型"+strings.Repeat(",", MaxColumns-2)), "cols.csv")
	if err == nil || !strings.Contains(err.Error(), "第1行有第201列的数据，超过 200 列的上限") {
		t.Errorf("columns: %v", err)
	}
	_, err = s.Parse(csvOf("收件日期,申请人,申请人类型", "2024-01-05,"+strings.Repeat("长", MaxCellChars+1)+",自然人"), "cell.csv")
	if err == nil || err.Error() != "第2行第2列的内容超过 5000 字的单元格上限" {
		t.Errorf("cell: %v", err)
	}
	_, err = s.Parse(strings.NewReader(strings.Repeat("a", MaxFileBytes+1)), "big.csv")
	if err == nil || err.Error() != "文件超过 32 MB 的上限，请拆分后再导入" {
		t.Errorf("size: %v", err)
	}
	for name, want := range map[string]string{"old.xls": "不支持旧版 Excel", "a.pdf": "只能导入 .xlsx 或 .csv 文件", "broken.xlsx": "无法读取该 Excel 文件"} {
		_, err := s.Parse(strings.NewReader("not a spreadsheet"), name)
		if err == nil || !strings.Contains(err.Error(), want) || !isInvalid(err) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func isInvalid(err error) bool { return errors.Is(err, fault.Invalid) }

// sharedStringsXLSX is a workbook whose text lives in a shared strings part of about size bytes
// made of one-letter strings, the costliest shape for excelize, which parses it into memory.
func sharedStringsXLSX(t testing.TB, size int) ([]byte, int) {
	body := rawXLSX(t, func(w io.Writer) {
		fmt.Fprint(w, `<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s"><v>2</v></c></row>`)
		fmt.Fprint(w, `<row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" t="s"><v>4</v></c><c r="C2" t="s"><v>5</v></c></row>`)
	})
	zr, _ := zip.NewReader(bytes.NewReader(body), int64(len(body)))
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for _, f := range zr.File {
		w, _ := z.Create(f.Name)
		r, _ := f.Open()
		io.Copy(w, r)
		r.Close()
	}
	head := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">` +
		`<si><t>收件日期</t></si><si><t>申请人</t></si><si><t>申请人类型</t></si><si><t>2024-01-05</t></si><si><t>张三</t></si><si><t>自然人</t></si>`
	const tiny = `<si><t>x</t></si>`
	n := (size - len(head) - len(`</sst>`)) / len(tiny)
	w, _ := z.Create("xl/sharedStrings.xml")
	io.WriteString(w, head+strings.Repeat(tiny, n)+`</sst>`)
	z.Close()
	return buf.Bytes(), n
}

// TestSharedStringsBomb: shared strings past their own limit are refused before parsing; at the
// limit the worst shape stays inside the memory budget.
func TestSharedStringsBomb(t *testing.T) {
	body, _ := sharedStringsXLSX(t, MaxSharedText+1024)
	_, err := testSpec().Parse(bytes.NewReader(body), "sst.xlsx")
	if err == nil || !strings.Contains(err.Error(), "文字内容解压后超过 8 MB 的上限") {
		t.Fatalf("over the limit: %v", err)
	}
	if testing.Short() {
		t.Skip("the at-limit measurement takes seconds")
	}
	body, n := sharedStringsXLSX(t, MaxSharedText)
	var res *Result
	growth, took := heapPeak(func() { res, err = testSpec().Parse(bytes.NewReader(body), "sst.xlsx") })
	t.Logf("shared strings at the limit: %d strings, %d bytes on disk, parsed in %v, heap growth %.1f MB", n, len(body), took, float64(growth)/(1<<20))
	if err != nil || !res.OK() || len(res.Rows) != 1 {
		t.Fatalf("at the limit: %v", err)
	}
	if growth > memBudget {
		t.Errorf("at the limit: heap grew %d MB", growth>>20)
	}
}

// TestMillionRowsBomb: the third shape of issue 10 — a million short rows (5.3 GB in the old
// reader) — is refused at the row limit while streaming, within the memory budget.
func TestMillionRowsBomb(t *testing.T) {
	body := rawXLSX(t, func(w io.Writer) {
		inlineRow(w, 1, "收件日期", "申请人", "申请人类型")
		for i := 2; i <= 1_000_000; i++ {
			fmt.Fprintf(w, `<row r="%d"><c r="A%d"><v>1</v></c></row>`, i, i)
		}
	})
	s := testSpec()
	var err error
	growth, took := heapPeak(func() { _, err = s.Parse(bytes.NewReader(body), "rows.xlsx") })
	t.Logf("%d KB file, refused in %v, heap grew %d MB", len(body)>>10, took, growth>>20)
	if err == nil || !strings.Contains(err.Error(), "行的上限") || !isInvalid(err) {
		t.Errorf("a million rows: %v", err)
	}
	if growth > memBudget {
		t.Errorf("a million rows: heap grew %d MB (budget %d MB)", growth>>20, memBudget>>20)
	}
}
