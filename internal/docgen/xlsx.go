package docgen

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/xuri/excelize/v2"
)

// Sheet is one worksheet of an XLSX export.
type Sheet struct {
	Name   string    // 工作表名；非法字符换成 _，截到 31 字，空则为「表1」「表2」…
	Title  string    // 表头上方合并居中的标题行；空则不加
	Header []string  // 列名，加粗并冻结
	Rows   [][]any   // 单元格值，见 XLSX 的说明
	Widths []float64 // 列宽（字符）；缺省或 ≤0 的列按内容估算
}

// XLSX writes the sheets as one workbook. Cell values: calendar.Date (and
// *calendar.Date) and time.Time become text YYYY-MM-DD (a time.Time with a
// clock time in Beijing becomes YYYY-MM-DD HH:MM), so that no spreadsheet
// turns them into serial numbers; integers and floats stay numbers; bool is
// 是/否; nil is empty; a fmt.Stringer is its String(); anything else is
// formatted with %v. Strings stay text even when they look like numbers
// (身份证号、案号 keep their digits).
func XLSX(sheets ...Sheet) ([]byte, error) {
	if len(sheets) == 0 {
		return nil, errors.New("没有要导出的工作表")
	}
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetDefaultFont("宋体"); err != nil {
		return nil, xlsxErr(err)
	}
	used := map[string]bool{}
	for i, s := range sheets {
		name := sheetName(s.Name, i, used)
		if i == 0 {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				return nil, xlsxErr(err)
			}
		} else if _, err := f.NewSheet(name); err != nil {
			return nil, xlsxErr(err)
		}
		if err := writeSheet(f, name, s); err != nil {
			return nil, err
		}
	}
	f.SetActiveSheet(0)
	buf, err := f.WriteToBuffer()
	if err != nil {
		return nil, xlsxErr(err)
	}
	return buf.Bytes(), nil
}

func xlsxErr(err error) error { return fmt.Errorf("生成 Excel 文件失败：%w", err) }

func sheetName(name string, i int, used map[string]bool) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) || unicode.IsControl(r) {
			return '_'
		}
		return r
	}, strings.TrimSpace(name))
	name = strings.Trim(name, "'")
	if name == "" {
		name = "表" + strconv.Itoa(i+1)
	}
	base := truncRunes(name, 31)
	name = base
	for n := 2; used[strings.ToLower(name)]; n++ {
		suffix := "(" + strconv.Itoa(n) + ")"
		name = truncRunes(base, 31-utf8.RuneCountInString(suffix)) + suffix
	}
	used[strings.ToLower(name)] = true
	return name
}

func truncRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

func writeSheet(f *excelize.File, name string, s Sheet) error {
	cols := len(s.Header)
	for _, r := range s.Rows {
		cols = max(cols, len(r))
	}
	cols = max(cols, 1)
	thin := []excelize.Border{
		{Type: "left", Color: "000000", Style: 1}, {Type: "right", Color: "000000", Style: 1},
		{Type: "top", Color: "000000", Style: 1}, {Type: "bottom", Color: "000000", Style: 1},
	}
	titleStyle, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Size: 16, Family: "宋体"},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"},
	})
	if err != nil {
		return xlsxErr(err)
	}
	headStyle, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Size: 11, Family: "宋体"},
		Fill:      excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"D9D9D9"}},
		Border:    thin,
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
	})
	if err != nil {
		return xlsxErr(err)
	}
	cellStyle, err := f.NewStyle(&excelize.Style{
		Border:    thin,
		Alignment: &excelize.Alignment{Vertical: "center", WrapText: true},
	})
	if err != nil {
		return xlsxErr(err)
	}

	rows := make([][]any, len(s.Rows))
	for i, r := range s.Rows {
		rows[i] = make([]any, len(r))
		for j, v := range r {
			rows[i][j] = cellValue(v)
		}
	}

	widths := make([]float64, cols)
	total := 0.0
	for c := range cols {
		w := 0.0
		if c < len(s.Widths) {
			w = s.Widths[c]
		}
		if w <= 0 {
			w = autoWidth(s.Header, rows, c)
		}
		widths[c] = min(w, 255)
		total += widths[c]
	}
	// Page setup goes first: the stream writer copies the sheet settings when created.
	if err := pageSetup(f, name, total); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return xlsxErr(err)
	}
	for c, w := range widths {
		if err := sw.SetColWidth(c+1, c+1, w); err != nil {
			return xlsxErr(err)
		}
	}
	rowNo := 1
	if s.Title != "" {
		rowNo++
	}
	headerRow := 0
	if len(s.Header) > 0 {
		headerRow = rowNo
		rowNo++
	}
	if headerRow > 0 {
		if err := sw.SetPanes(&excelize.Panes{
			Freeze: true, YSplit: headerRow, TopLeftCell: cellName(0, headerRow+1), ActivePane: "bottomLeft",
			Selection: []excelize.Selection{{SQRef: cellName(0, headerRow+1), ActiveCell: cellName(0, headerRow+1), Pane: "bottomLeft"}},
		}); err != nil {
			return xlsxErr(err)
		}
	}
	r := 1
	if s.Title != "" {
		if err := sw.SetRow(cellName(0, r), []any{excelize.Cell{StyleID: titleStyle, Value: s.Title}}, excelize.RowOpts{Height: 30}); err != nil {
			return xlsxErr(err)
		}
		if cols > 1 {
			if err := sw.MergeCell(cellName(0, r), cellName(cols-1, r)); err != nil {
				return xlsxErr(err)
			}
		}
		r++
	}
	if len(s.Header) > 0 {
		vals := make([]any, cols)
		for c := range cols {
			h := ""
			if c < len(s.Header) {
				h = s.Header[c]
			}
			vals[c] = excelize.Cell{StyleID: headStyle, Value: h}
		}
		if err := sw.SetRow(cellName(0, r), vals, excelize.RowOpts{Height: 22}); err != nil {
			return xlsxErr(err)
		}
		r++
	}
	for _, row := range rows {
		vals := make([]any, cols)
		for c := range cols {
			var v any = ""
			if c < len(row) {
				v = row[c]
			}
			vals[c] = excelize.Cell{StyleID: cellStyle, Value: v}
		}
		if err := sw.SetRow(cellName(0, r), vals); err != nil {
			return xlsxErr(err)
		}
		r++
	}
	if err := sw.Flush(); err != nil {
		return xlsxErr(err)
	}
	if headerRow == 0 {
		return nil
	}
	// Title and header rows repeat on every printed page.
	ref := fmt.Sprintf("'%s'!$1:$%d", strings.ReplaceAll(name, "'", "''"), headerRow)
	if err := f.SetDefinedName(&excelize.DefinedName{Name: "_xlnm.Print_Titles", RefersTo: ref, Scope: name}); err != nil {
		return xlsxErr(err)
	}
	return nil
}

// pageSetup makes a ledger print on A4, one page wide; landscape when the
// columns are wider than portrait holds (about 95 units).
func pageSetup(f *excelize.File, name string, totalWidth float64) error {
	a4, fit, tall := 9, 1, 0
	orient := "portrait"
	if totalWidth > 95 {
		orient = "landscape"
	}
	if err := f.SetPageLayout(name, &excelize.PageLayoutOptions{Size: &a4, Orientation: &orient, FitToWidth: &fit, FitToHeight: &tall}); err != nil {
		return xlsxErr(err)
	}
	yes := true
	if err := f.SetSheetProps(name, &excelize.SheetPropsOptions{FitToPage: &yes}); err != nil {
		return xlsxErr(err)
	}
	return nil
}

func cellName(col, row int) string {
	name, _ := excelize.CoordinatesToCellName(col+1, row) // col, row ≥ 1 here
	return name
}

// cellValue turns a Go value into what the sheet should hold.
func cellValue(v any) any {
	switch x := v.(type) {
	case nil:
		return ""
	case calendar.Date:
		return x.String()
	case *calendar.Date:
		if x == nil {
			return ""
		}
		return x.String()
	case time.Time:
		if x.IsZero() {
			return ""
		}
		t := x.In(calendar.Shanghai())
		if t.Hour() == 0 && t.Minute() == 0 && t.Second() == 0 {
			return t.Format(time.DateOnly)
		}
		return t.Format("2006-01-02 15:04")
	case *time.Time:
		if x == nil {
			return ""
		}
		return cellValue(*x)
	case bool:
		if x {
			return "是"
		}
		return "否"
	case string:
		return x
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64:
		return x
	case float32:
		if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
			return ""
		}
		return x
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return ""
		}
		return x
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

// autoWidth estimates a column width in Excel units, where a CJK character
// takes about two.
func autoWidth(header []string, rows [][]any, c int) float64 {
	w := 0.0
	measure := func(s string) {
		for line := range strings.SplitSeq(s, "\n") {
			w = max(w, 2*width(line))
		}
	}
	if c < len(header) {
		measure(header[c])
	}
	for _, r := range rows {
		if c < len(r) {
			measure(fmt.Sprint(r[c]))
		}
	}
	return min(max(w+2, 8), 60)
}

// MaxImportBytes bounds what ReadTable reads.
const MaxImportBytes = 32 << 20

// ReadTable reads an uploaded table for import: the first worksheet of an
// .xlsx file or a UTF-8 .csv file (a leading BOM is skipped). Cells are
// trimmed, wholly empty rows dropped, every row padded to the header's width.
// Leading empty rows are skipped, and so is a title row, recognised as a row
// with a single filled cell above a row with more (what XLSX writes for
// Sheet.Title). Errors are in Chinese, fit to show to the uploader.
func ReadTable(r io.Reader, filename string) (header []string, rows [][]string, err error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxImportBytes+1))
	if err != nil {
		return nil, nil, fmt.Errorf("读取文件失败：%w", err)
	}
	if len(data) > MaxImportBytes {
		return nil, nil, fmt.Errorf("文件超过 %d MB，请拆分后再导入", MaxImportBytes>>20)
	}
	var raw [][]string
	switch ext := strings.ToLower(filepath.Ext(filename)); ext {
	case ".xlsx":
		raw, err = readXLSX(data)
	case ".csv":
		raw, err = readCSV(data)
	case ".xls":
		return nil, nil, errors.New("不支持旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 后再导入")
	default:
		if ext == "" {
			ext = "（无扩展名）"
		}
		return nil, nil, fmt.Errorf("不支持的文件类型 %s，请上传 .xlsx 或 .csv 文件", ext)
	}
	if err != nil {
		return nil, nil, err
	}
	return tableOf(raw)
}

func readXLSX(data []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, errors.New("无法读取 Excel 文件，文件可能已损坏或不是 .xlsx 格式")
	}
	defer f.Close()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, errors.New("Excel 文件中没有工作表")
	}
	rows, err := f.GetRows(sheets[0])
	if err != nil {
		return nil, fmt.Errorf("读取工作表「%s」失败：%w", sheets[0], err)
	}
	return rows, nil
}

func readCSV(data []byte) ([][]string, error) {
	data = bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(data) {
		return nil, errors.New("CSV 文件不是 UTF-8 编码，请在 Excel 中另存为「CSV UTF-8（逗号分隔）」后再导入")
	}
	cr := csv.NewReader(bufio.NewReader(bytes.NewReader(data)))
	cr.FieldsPerRecord = -1
	var rows [][]string
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				return nil, fmt.Errorf("CSV 文件第 %d 行格式错误", pe.StartLine)
			}
			return nil, fmt.Errorf("读取 CSV 文件失败：%w", err)
		}
		rows = append(rows, rec)
	}
}

func filled(row []string) int {
	n := 0
	for _, c := range row {
		if c != "" {
			n++
		}
	}
	return n
}

// tableOf trims the cells and splits off the header. Row numbers in errors
// are those of the file (1-based).
func tableOf(raw [][]string) ([]string, [][]string, error) {
	for _, row := range raw {
		for j := range row {
			row[j] = strings.TrimSpace(row[j])
		}
	}
	start := 0
	for start < len(raw) && filled(raw[start]) == 0 {
		start++
	}
	if start < len(raw) && filled(raw[start]) == 1 {
		next := start + 1
		for next < len(raw) && filled(raw[next]) == 0 {
			next++
		}
		if next < len(raw) && filled(raw[next]) > 1 {
			start = next
		}
	}
	if start >= len(raw) {
		return nil, nil, errors.New("文件中没有数据")
	}
	header := raw[start]
	for len(header) > 0 && header[len(header)-1] == "" {
		header = header[:len(header)-1]
	}
	seen := map[string]int{}
	for j, h := range header {
		if h == "" {
			return nil, nil, fmt.Errorf("表头第 %d 列为空", j+1)
		}
		if k, dup := seen[h]; dup {
			return nil, nil, fmt.Errorf("表头「%s」重复（第 %d 列和第 %d 列）", h, k+1, j+1)
		}
		seen[h] = j
	}
	var rows [][]string
	for i := start + 1; i < len(raw); i++ {
		row := raw[i]
		if filled(row) == 0 {
			continue
		}
		for j := len(header); j < len(row); j++ {
			if row[j] != "" {
				return nil, nil, fmt.Errorf("第 %d 行第 %d 列有内容，但该列没有表头", i+1, j+1)
			}
		}
		out := make([]string, len(header))
		copy(out, row)
		rows = append(rows, out)
	}
	return header, rows, nil
}
