package docgen

import (
	"bytes"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/xuri/excelize/v2"
)

type caseNo string

func (c caseNo) String() string { return "案号" + string(c) }

func TestXLSXRoundTrip(t *testing.T) {
	day := calendar.MustDate("2024-01-26")
	noon := time.Date(2024, 1, 26, 6, 30, 0, 0, time.UTC) // 14:30 in Beijing
	midnight := time.Date(2024, 1, 25, 16, 0, 0, 0, time.UTC)
	sheet := Sheet{
		Name:   "行政复议案件台账",
		Title:  "2024年行政复议案件台账",
		Header: []string{"序号", "申请人", "身份证号", "收案日期", "期限届满", "受理时间", "已结", "罚款（元）", "备注", "案号"},
		Rows: [][]any{
			{1, " 张三 ", "110101198005060012", day, &day, noon, true, 25.5, nil, caseNo("12")},
			{2, "李四&王五<>", "011", midnight, (*calendar.Date)(nil), time.Time{}, false, int64(3000), "多行\n备注", caseNo("13")},
		},
	}
	data, err := XLSX(sheet, Sheet{Header: []string{"甲"}})
	if err != nil {
		t.Fatal(err)
	}
	header, rows, err := ReadTable(bytes.NewReader(data), "台账.XLSX")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(header, sheet.Header) {
		t.Errorf("header %q", header)
	}
	want := [][]string{
		{"1", "张三", "110101198005060012", "2024-01-26", "2024-01-26", "2024-01-26 14:30", "是", "25.5", "", "案号12"},
		{"2", "李四&王五<>", "011", "2024-01-26", "", "", "否", "3000", "多行\n备注", "案号13"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows\n%q\nwant\n%q", rows, want)
	}

	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !reflect.DeepEqual(got, []string{"行政复议案件台账", "表2"}) {
		t.Errorf("sheets %q", got)
	}
	name := "行政复议案件台账"
	merged, err := f.GetMergeCells(name)
	if err != nil || len(merged) != 1 || merged[0].GetStartAxis() != "A1" || merged[0].GetEndAxis() != "J1" {
		t.Errorf("title merge %v %v", merged, err)
	}
	panes, err := f.GetPanes(name)
	if err != nil || !panes.Freeze || panes.YSplit != 2 || panes.TopLeftCell != "A3" {
		t.Errorf("header row must be frozen: %+v %v", panes, err)
	}
	styleID, err := f.GetCellStyle(name, "B2")
	if err != nil {
		t.Fatal(err)
	}
	style, err := f.GetStyle(styleID)
	if err != nil || style.Font == nil || !style.Font.Bold {
		t.Errorf("header cell not bold: %+v %v", style, err)
	}
	for cell, wantText := range map[string]bool{"C3": true, "D3": true, "F3": true, "A3": false, "H3": false} {
		typ, err := f.GetCellType(name, cell)
		isText := typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString
		if err != nil || isText != wantText {
			t.Errorf("%s type %v, text %v (dates and ID numbers are text, numbers are numbers)", cell, typ, wantText)
		}
	}
	layout, err := f.GetPageLayout(name)
	if err != nil || layout.Orientation == nil || *layout.Orientation != "landscape" || layout.FitToWidth == nil || *layout.FitToWidth != 1 {
		t.Errorf("a wide ledger prints landscape, one page wide: %+v %v", layout, err)
	}
	titles := ""
	for _, dn := range f.GetDefinedName() {
		if dn.Name == "_xlnm.Print_Titles" && dn.Scope == name {
			titles = dn.RefersTo
		}
	}
	if titles != "'行政复议案件台账'!$1:$2" {
		t.Errorf("print titles %q, want the title and header rows", titles)
	}
	wide, _ := f.GetColWidth(name, "C") // 18 digits
	narrow, _ := f.GetColWidth(name, "A")
	if wide <= narrow || narrow < 8 {
		t.Errorf("auto widths C=%v A=%v", wide, narrow)
	}
}

func TestXLSXNamesAndWidths(t *testing.T) {
	data, err := XLSX(
		Sheet{Name: "案件/台账", Header: []string{"a", "b"}, Widths: []float64{30, 0}},
		Sheet{Name: "案件/台账"},
		Sheet{Name: strings.Repeat("长", 40)},
	)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := []string{"案件_台账", "案件_台账(2)", strings.Repeat("长", 31)}
	if got := f.GetSheetList(); !reflect.DeepEqual(got, want) {
		t.Errorf("sheets %q, want %q", got, want)
	}
	if w, _ := f.GetColWidth("案件_台账", "A"); w != 30 {
		t.Errorf("explicit width %v, want 30", w)
	}
	if w, _ := f.GetColWidth("案件_台账", "B"); w != 8 {
		t.Errorf("auto width of a short column %v, want the minimum 8", w)
	}
	if _, err := XLSX(); err == nil || err.Error() != "没有要导出的工作表" {
		t.Errorf("no sheets must be an error: %v", err)
	}
}

func TestReadTableCSV(t *testing.T) {
	csv := "\xEF\xBB\xBF姓名, 年龄 ,住址\r\n 张三 ,30,\"某某县，幸福路\"\r\n\r\n,,\r\n李四\r\n"
	header, rows, err := ReadTable(strings.NewReader(csv), "名单.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(header, []string{"姓名", "年龄", "住址"}) {
		t.Errorf("header %q (BOM must be dropped)", header)
	}
	want := [][]string{{"张三", "30", "某某县，幸福路"}, {"李四", "", ""}}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("rows %q, want %q", rows, want)
	}

	// A title row above the header is skipped.
	header, rows, err = ReadTable(strings.NewReader("2024年台账,,\n\n序号,姓名\n1,王五\n"), "a.csv")
	if err != nil || !reflect.DeepEqual(header, []string{"序号", "姓名"}) || len(rows) != 1 {
		t.Errorf("title row: %q %q %v", header, rows, err)
	}
	// A single-column table keeps its header.
	header, rows, err = ReadTable(strings.NewReader("姓名\n张三\n"), "a.csv")
	if err != nil || !reflect.DeepEqual(header, []string{"姓名"}) || len(rows) != 1 {
		t.Errorf("single column: %q %q %v", header, rows, err)
	}
}

func TestReadTableErrors(t *testing.T) {
	tests := []struct {
		name, file, content, want string
	}{
		{"extension", "名单.txt", "a,b", "不支持的文件类型 .txt"},
		{"no extension", "名单", "a,b", "无扩展名"},
		{"old excel", "名单.xls", "x", "另存为 .xlsx"},
		{"gbk csv", "名单.csv", "\xd0\xd5\xc3\xfb,\xc4\xea\xc1\xe4\n", "不是 UTF-8 编码"},
		{"empty", "名单.csv", "\xEF\xBB\xBF\n\n", "没有数据"},
		{"empty header cell", "名单.csv", "姓名,,年龄\n张三,1,2\n", "表头第 2 列为空"},
		{"duplicate header", "名单.csv", "姓名,姓名\n", "表头「姓名」重复"},
		{"cell outside header", "名单.csv", "姓名,年龄\n张三,30,多余\n", "第 2 行第 3 列"},
		{"bad quote", "名单.csv", "a,b\n\"x\"y\"z,1\n\"unterminated\n", "第 2 行格式错误"},
		{"broken xlsx", "名单.xlsx", "PK not really", "无法读取 Excel 文件"},
	}
	for _, tt := range tests {
		_, _, err := ReadTable(strings.NewReader(tt.content), tt.file)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s: error %v, want one containing %q", tt.name, err, tt.want)
		}
	}
}
