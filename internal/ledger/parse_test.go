package ledger

import (
	"bytes"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
)

func TestHeaderSynonymsAndOrder(t *testing.T) {
	s := testSpec()
	// Shuffled order, a synonym, full-width parentheses, spaces, a required star, a title row
	// above the header, an unknown column and an empty row.
	res, err := s.Parse(csvOf(
		"2024年复议案件台账,,,",
		"申请人类型, 申 请 人 ,*收到日期,罚款金额（元）,受理时间,经办人",
		"",
		"公民,张三,2024-01-05,\"1,200.50\",2024/1/8,王五",
	), "a.csv")
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() {
		t.Fatalf("problems: %v", errStrings(res.Errors))
	}
	if !slices.Equal(res.Ignored, []string{"经办人"}) {
		t.Errorf("ignored %v", res.Ignored)
	}
	r := res.Rows[0]
	if r.Line != 4 || r.Text("applicant") != "张三" || r.Enum("kind") != "natural" || r.Date("received") != calendar.MustDate("2024-01-05") ||
		r.Date("accepted") != calendar.MustDate("2024-01-08") || r.Decimal("amount") != "1200.5" {
		t.Errorf("row %+v", r.Values)
	}
	if r.Has("closed") {
		t.Error("absent optional column has a value")
	}

	// A missing required column names it and the expected headers; a repeated column is refused.
	res, _ = s.Parse(csvOf("申请人,收件日期,收到日期", "张三,2024-01-05,2024-01-05"), "b.csv")
	got := strings.Join(errStrings(res.Errors), "\n")
	if !strings.Contains(got, "缺少必需的列「申请人类型」（表头应包括：收件日期、申请人、申请人类型") || !strings.Contains(got, "与「收件日期」重复") {
		t.Errorf("header problems: %s", got)
	}
	res, _ = s.Parse(csvOf("甲,乙", "1,2"), "c.csv")
	if res.OK() || !strings.HasPrefix(res.Errors[0].Message, "未找到表头") {
		t.Errorf("no header: %v", errStrings(res.Errors))
	}
}

func TestParseDateForms(t *testing.T) {
	want := calendar.MustDate("2024-01-05")
	for _, s := range []string{"2024-01-05", "2024-1-5", "2024/1/5", "2024/01/05", "2024.1.5", "2024年1月5日", "2024 年 1 月 5 日",
		"20240105", "２０２４－０１－０５", "2024-01-05 00:00:00", "2024/1/5 0:00", "2024-01-05T00:00:00",
		"45296", "45296.75"} {
		got, err := ParseDate(s)
		if err != nil || got != want {
			t.Errorf("ParseDate(%q) = %v, %v", s, got, err)
		}
	}
	for s, msg := range map[string]string{
		"2024-02-30": "日期不存在：2024-02-30", "2023-02-29": "日期不存在：2023-02-29", "2024/4/31": "日期不存在：2024/4/31",
		"2024-13-01": ErrDateFormat.Error(), "2024年0月5日": ErrDateFormat.Error(), "20241301": ErrDateFormat.Error(), "1/5/2024": ErrDateFormat.Error(),
		"明天": ErrDateFormat.Error(), "2024-01": ErrDateFormat.Error(), "12": ErrDateFormat.Error(), "99999": ErrDateFormat.Error(),
	} {
		if _, err := ParseDate(s); err == nil || err.Error() != msg {
			t.Errorf("ParseDate(%q): %v, want %s", s, err, msg)
		}
	}
	if d, _ := ParseDate("2024-02-29"); d != calendar.MustDate("2024-02-29") {
		t.Error("leap day")
	}
}

// TestExcelDateCells: dates typed into Excel arrive as serial numbers with a date format; each
// rendering excelize gives them must read back as the date.
func TestExcelDateCells(t *testing.T) {
	f := excelize.NewFile()
	sh := "Sheet1"
	f.SetSheetRow(sh, "A1", &[]any{"收件日期", "申请人", "申请人类型", "受理日期", "结案日期"})
	builtin14, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	builtin22, _ := f.NewStyle(&excelize.Style{NumFmt: 22})
	custom := "yyyy年m月d日"
	chinese, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &custom})
	slash := "yyyy/m/d"
	slashed, _ := f.NewStyle(&excelize.Style{CustomNumFmt: &slash})
	day := time.Date(2024, 1, 5, 0, 0, 0, 0, time.UTC)
	for i, style := range []int{0, builtin14, builtin22, chinese, slashed} {
		row := i + 2
		f.SetSheetRow(sh, "A"+strconv.Itoa(row), &[]any{45296, "张三", "自然人", day, "2024年3月1日"})
		if style != 0 {
			f.SetCellStyle(sh, "A"+strconv.Itoa(row), "A"+strconv.Itoa(row), style)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	res, err := testSpec().Parse(&buf, "dates.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	if !res.OK() {
		t.Fatalf("problems: %v", errStrings(res.Errors))
	}
	for _, r := range res.Rows {
		t.Logf("row %d: 收件日期 %q 受理日期 %q", r.Line, r.Cells["received"], r.Cells["accepted"])
		if r.Date("received") != calendar.MustDate("2024-01-05") || r.Date("accepted") != calendar.MustDate("2024-01-05") || r.Date("closed") != calendar.MustDate("2024-03-01") {
			t.Errorf("row %d: %v (cells %v)", r.Line, r.Values, r.Cells)
		}
	}
}

func TestEnumSpellingsAndMessages(t *testing.T) {
	s := testSpec()
	res, err := s.Parse(csvOf(
		"收件日期,申请人,申请人类型,领域,延期,件数,备注",
		"2024-01-05,甲,个人,公安、市场监督管理,是,3,一；二;三",
		"2024-01-05,乙,企业,其他,否,4.0,",
		"2024-01-05,丙,单 位,,Y,,",
		"2024-01-05,丁,外国人,公安，交通,也许,三件,",
		"2024-01-05,,,,,,",
	), "e.csv")
	if err != nil {
		t.Fatal(err)
	}
	r := res.Rows
	if r[0].Enum("kind") != "natural" || !slices.Equal(r[0].List("fields"), []string{"police", "market"}) || !r[0].Bool("extended") ||
		r[0].Int("count") != 3 || !slices.Equal(r[0].List("tags"), []string{"一", "二", "三"}) {
		t.Errorf("row 2: %v", r[0].Values)
	}
	if r[1].Enum("kind") != "organisation" || r[1].Bool("extended") || !r[1].Has("extended") || r[1].Int("count") != 4 {
		t.Errorf("row 3: %v", r[1].Values)
	}
	if r[2].Enum("kind") != "organisation" || !r[2].Bool("extended") {
		t.Errorf("row 4: %v", r[2].Values)
	}
	want := []string{
		"第5行「申请人类型」：「外国人」不是可用的值，可填：自然人、法人或其他组织",
		"第5行「延期」：应为 是 或 否",
		"第5行「件数」：应为整数",
		"第5行「领域」：「交通」不是可用的值，可填：公安、市场监管、其他（多项用、分隔）",
		"第6行「申请人」：不能为空",
		"第6行「申请人类型」：不能为空",
	}
	got := errStrings(res.Errors)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestRowCheckAndCellNames(t *testing.T) {
	res, _ := testSpec().Parse(csvOf(
		"收件日期,申请人,申请人类型,受理日期,结案日期,罚款金额(元)",
		"2024-01-05,甲,自然人,2024-02-01,2024-01-20,12元",
		"2024-02-30,乙,自然人,2024/1/8,,abc",
		"2024-01-05,这是一个超过二十个字的很长很长很长的申请人名称,自然人,,,",
	), "r.csv")
	want := []string{
		"第2行「结案日期」：结案日期早于受理日期",
		"第3行「收件日期」：日期不存在：2024-02-30",
		"第3行「罚款金额(元)」：应为数字",
		"第4行「申请人」：不能超过20字",
	}
	if got := errStrings(res.Errors); !slices.Equal(got, want) {
		t.Errorf("problems:\n%s", strings.Join(got, "\n"))
	}
	if res.Rows[0].Decimal("amount") != "12" {
		t.Errorf("12元 → %q", res.Rows[0].Decimal("amount"))
	}
}

func TestCSVEncodings(t *testing.T) {
	text := "收件日期,申请人,申请人类型\n2024-01-05,张三,法人\n2024年2月1日,某某贸易有限公司,其他组织\n"
	gbk, err := simplifiedchinese.GBK.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"utf8": text, "bom": "\xEF\xBB\xBF" + text, "gbk": gbk, "crlf": strings.ReplaceAll(text, "\n", "\r\n")} {
		res, err := testSpec().Parse(strings.NewReader(body), name+".csv")
		if err != nil || !res.OK() {
			t.Fatalf("%s: %v %v", name, err, errStrings(res.Errors))
		}
		if len(res.Rows) != 2 || res.Rows[1].Text("applicant") != "某某贸易有限公司" || res.Rows[0].Enum("kind") != "organisation" || res.Rows[1].Line != 3 {
			t.Errorf("%s: %v", name, res.Rows[1].Values)
		}
	}
}

func TestTemplateImportsCleanly(t *testing.T) {
	s := testSpec()
	body, err := s.Template()
	if err != nil {
		t.Fatal(err)
	}
	res, err := s.Parse(bytes.NewReader(body), "模板.xlsx")
	if err != nil || !res.OK() || len(res.Rows) != 1 {
		t.Fatalf("template: %v %v", err, errStrings(res.Errors))
	}
	if r := res.Rows[0]; r.Decimal("amount") != "1200.5" || !slices.Equal(r.List("fields"), []string{"police", "market"}) {
		t.Errorf("example row %v", r.Values)
	}
	f, err := excelize.OpenReader(bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	help, _ := f.GetRows("填写说明")
	if len(help) != len(s.Columns)+1 || !strings.Contains(help[3][2], "可填：自然人、法人或其他组织") {
		t.Errorf("help sheet %v", help)
	}
}

func TestReports(t *testing.T) {
	errs := []CellError{{Message: "缺少必需的列「申请人」"}, {Row: 3, Column: "受理日期", Message: "日期格式应为 年-月-日，例如 2026-01-05"}}
	csvBody := string(ReportCSV(errs))
	if !strings.HasPrefix(csvBody, "\xEF\xBB\xBF行号,列,错误\n（文件）,,缺少必需的列「申请人」\n3,受理日期,日期格式应为 年-月-日，例如 2026-01-05\n") {
		t.Errorf("csv %q", csvBody)
	}
	x, err := ReportXLSX("测试台账", errs)
	if err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(bytes.NewReader(x))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, _ := f.GetRows(f.GetSheetList()[0])
	last := rows[len(rows)-1]
	if !slices.Equal(last, []string{"3", "受理日期", "日期格式应为 年-月-日，例如 2026-01-05"}) {
		t.Errorf("xlsx rows %v", rows)
	}
}
