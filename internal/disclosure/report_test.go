package disclosure

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/web"
	"github.com/xuri/excelize/v2"
)

// docxTexts returns the text runs of word/document.xml, checking the XML is well formed.
func docxTexts(t *testing.T, data []byte) []string {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(rc)
		rc.Close()
		dec := xml.NewDecoder(bytes.NewReader(body))
		inText := false
		for {
			tok, err := dec.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s is not well-formed XML: %v", f.Name, err)
			}
			switch x := tok.(type) {
			case xml.StartElement:
				inText = x.Name.Local == "t"
			case xml.EndElement:
				inText = false
			case xml.CharData:
				if inText && f.Name == "word/document.xml" {
					texts = append(texts, string(x))
				}
			}
		}
	}
	return texts
}

// table3Keys are the JSON keys of the rows of table 三 with cells, in the order of the format.
func table3Keys() []string {
	out := []string{"new", "carried_over"}
	for _, r := range Replies {
		out = append(out, string(r.Type))
	}
	return append(out, "total", "carried_forward")
}

var columnKeys = []string{"natural_person", "business", "research", "public_interest", "legal_service", "other_org", "total"}

// TestAnnualReportGolden: the report of an imported, hand-counted ledger. The DOCX holds the six
// section headings and every row and column label of table 三 exactly as legal-rules.md §3.1;
// every XLSX cell equals the JSON figures; an override of 上年结转 is audited and, when the records
// do not add up to it, stops the export; publication freezes it with a 索引号 and carries 四 into
// next year's 二.
func TestAnnualReportGolden(t *testing.T) {
	f := newFixture(t)
	var out bytes.Buffer
	if err := CLIImport(f.ctx, f.svc, ImportArgs{Organ: organCode}, []string{filepath.Join("testdata", "ledger_2025.csv")}, &out); err != nil {
		t.Fatalf("import: %v\n%s", err, out.String())
	}
	p := f.login("qs_zrj")
	o, _ := f.org.ByCode(organCode)
	_, cli := f.stats(2025)
	_, v, err := f.svc.VerifiedReport(f.ctx, p, o.ID, 2025)
	if err != nil {
		t.Fatal(err)
	}
	if v.Figures.Table3 != cli.Table3 || v.Figures.Table4 != cli.Table4 {
		t.Fatalf("report tables differ from fazhi stats disclosure")
	}
	if !strings.Contains(v.OfferedIntro, "共收到政府信息公开申请"+strconv.Itoa(cli.Received)+"件") {
		t.Errorf("offered text: %s", v.OfferedIntro)
	}

	// DOCX: headings and labels, exactly
	data, err := ReportDOCX(v)
	if err != nil {
		t.Fatal(err)
	}
	if os.Getenv("FAZHI_RENDER") == "1" { // for docs/screenshots: soffice --convert-to png
		os.WriteFile(filepath.Join(os.TempDir(), "disclosure-annual-report.docx"), data, 0o644)
	}
	texts := docxTexts(t, data)
	has := map[string]bool{}
	for _, s := range texts {
		has[s] = true
	}
	want := append([]string{}, ReportSections...)
	want = append(want, Table3Note, "申请人情况", "自然人", "法人或其他组织", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计",
		"一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "三、本年度办理结果", "（一）予以公开", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）",
		"（三）不予公开", "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益", "5.属于三类内部事务信息",
		"6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项", "（四）无法提供", "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作",
		"3.补正后申请内容仍不明确", "（五）不予处理", "1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
		"5.要求行政机关确认或重新出具已获取信息", "（六）其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
		"2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他", "（七）总计", "四、结转下年度继续办理",
		"行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉", "结果维持", "结果纠正", "其他结果", "尚未审结",
		"第二十条第（一）项", "本年制发件数", "本年废止件数", "现行有效件数", "规章", "行政规范性文件", "第二十条第（五）项", "本年处理决定数量", "行政许可",
		"第二十条第（六）项", "行政处罚", "行政强制", "第二十条第（八）项", "本年收费金额（单位：万元）", "行政事业性收费")
	for _, w := range want {
		if !has[w] {
			t.Errorf("DOCX lacks %q", w)
		}
	}
	// the sections come in order
	last := -1
	for _, h := range ReportSections {
		for i, s := range texts {
			if s == h {
				if i < last {
					t.Errorf("%s out of order", h)
				}
				last = i
			}
		}
	}

	// XLSX: every cell equals the JSON figures
	var js map[string]map[string]any
	b, _ := json.Marshal(v.Figures)
	json.Unmarshal(b, &js)
	xb, err := ReportXLSX(v)
	if err != nil {
		t.Fatal(err)
	}
	x, err := excelize.OpenReader(bytes.NewReader(xb))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows("表三")
	var body [][]string
	for _, r := range rows[3:] {
		if len(r) > 1 && r[1] != "" {
			body = append(body, r)
		}
	}
	keys := table3Keys()
	if len(body) != len(keys) {
		t.Fatalf("表三 has %d rows with cells, want %d", len(body), len(keys))
	}
	nonzero := 0
	for i, k := range keys {
		row := js["table3"][k].(map[string]any)
		for c, col := range columnKeys {
			got, _ := strconv.Atoi(body[i][c+1])
			if float64(got) != row[col].(float64) {
				t.Errorf("表三 %s %s: %d ≠ %v", k, col, got, row[col])
			}
			nonzero += got
		}
	}
	if nonzero == 0 {
		t.Error("the hand-counted ledger gave an empty table 三")
	}
	r4, _ := x.GetRows("表四")
	for bi, blk := range []string{"reconsideration", "litigation_direct", "litigation_after_reconsideration"} {
		for i, res := range []string{"upheld", "corrected", "other", "pending", "total"} {
			got, _ := strconv.Atoi(r4[3][bi*5+i])
			if float64(got) != js["table4"][blk].(map[string]any)[res].(float64) {
				t.Errorf("表四 %s %s: %d", blk, res, got)
			}
		}
	}

	// texts and hand cells; a bad number is a field message, nothing written
	if _, err := f.svc.SaveReport(f.ctx, p, o.ID, 2025, ReportInput{Overview: "x", Manual: Manual{Licensing: -1}}); web.Status(err) != http.StatusUnprocessableEntity {
		t.Errorf("negative count: %v", err)
	}
	must(f.svc.SaveReport(f.ctx, p, o.ID, 2025, ReportInput{Overview: v.OfferedIntro, Problems: "申请答复说理不够充分。", Manual: Manual{Licensing: 1203, Penalty: 88, Fees: 12.5}}))

	// the override: audited; the records no longer add up, so export and publication stop
	one := Cells{NaturalPerson: cli.Table3.CarriedOver.NaturalPerson + 1}
	if _, err := f.svc.OverrideCarried(f.ctx, p, o.ID, 2025, &one, ""); web.Status(err) != http.StatusUnprocessableEntity {
		t.Errorf("override without reason: %v", err)
	}
	must(f.svc.OverrideCarried(f.ctx, p, o.ID, 2025, &one, "2024年纸质台账1件未录入"))
	if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'disclosure.report_override'`); n != 1 {
		t.Errorf("%d override audit entries", n)
	}
	if _, _, err := f.svc.VerifiedReport(f.ctx, p, o.ID, 2025); web.Status(err) != http.StatusConflict || !strings.Contains(err.Error(), "勾稽关系一") {
		t.Errorf("export with a broken check: %v", err)
	}
	if _, err := f.svc.PublishReport(f.ctx, p, o.ID, 2025); web.Status(err) != http.StatusConflict {
		t.Errorf("publish with a broken check: %v", err)
	}
	must(f.svc.OverrideCarried(f.ctx, p, o.ID, 2025, nil, ""))

	// another department's liaison cannot see it
	if _, _, err := f.svc.AnnualReport(f.ctx, f.login("qs_gaj"), o.ID, 2025); web.Status(err) != http.StatusNotFound {
		t.Errorf("other department: %v", err)
	}

	// publication: 索引号, frozen, no more edits; next year's 二 is this year's 四
	rep := must(f.svc.PublishReport(f.ctx, p, o.ID, 2025))
	if rep.IndexNo != organCode+"/2026-00001" {
		t.Errorf("index %q", rep.IndexNo)
	}
	if _, err := f.svc.SaveReport(f.ctx, p, o.ID, 2025, ReportInput{Overview: "改"}); web.Status(err) != http.StatusConflict {
		t.Errorf("edit after publication: %v", err)
	}
	pub := must(f.svc.Published(f.ctx, rep.ID))
	if pub.View.Figures.Table2.Licensing != 1203 || pub.View.Figures.Table3 != cli.Table3 || pub.View.IndexNo != rep.IndexNo {
		t.Errorf("published view: %+v", pub.View.Figures.Table2)
	}
	_, next, err := f.svc.AnnualReport(f.ctx, p, o.ID, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if next.Figures.Table3.CarriedOver != cli.Table3.CarriedForward || next.CheckErr != "" {
		t.Errorf("2026 上年结转 %v, 2025 结转 %v (%s)", next.Figures.Table3.CarriedOver, cli.Table3.CarriedForward, next.CheckErr)
	}
}

// TestCharts: the monthly counts add up to 本年新收; a chart escapes its labels and scales to the largest bar.
func TestCharts(t *testing.T) {
	f := newFixture(t)
	var out bytes.Buffer
	if err := CLIImport(f.ctx, f.svc, ImportArgs{Organ: organCode}, []string{filepath.Join("testdata", "ledger_2025.csv")}, &out); err != nil {
		t.Fatal(err)
	}
	o, _ := f.org.ByCode(organCode)
	_, st := f.stats(2025)
	months := must(f.svc.Monthly(f.ctx, Scope{Organ: o}, 2025))
	sum := 0
	for _, n := range months {
		sum += n
	}
	if sum != st.Received || st.Received == 0 {
		t.Errorf("months %v sum %d, received %d", months, sum, st.Received)
	}
	svg := string(barChart("图<1>", []bar{{Label: "a<b", Value: 4}, {Label: "c", Value: 2}}))
	if strings.Contains(svg, "a<b") || !strings.Contains(svg, "a&lt;b") || !strings.Contains(svg, `width="460"`) || !strings.Contains(svg, `width="230"`) {
		t.Errorf("chart: %s", svg)
	}
	if !strings.Contains(string(barChart("空", []bar{{Label: "x"}})), "本年无数据") {
		t.Error("empty chart")
	}
}

// TestSeedBulk: the province plan (24 a year for five years) writes every row, every reply type,
// numbers receipts on from the counters, and each year's tables hold their four checks.
func TestSeedBulk(t *testing.T) {
	f := newFixture(t)
	o, _ := f.org.ByCode(organCode)
	n := must(f.svc.SeedBulk(f.ctx, []org.Organ{o}, 5, 24, func() string { return "王五" }))
	if n != 120 || f.count(`SELECT COUNT(*) FROM disclosure_requests WHERE organ_id = ?`, o.ID) != 120 ||
		f.count(`SELECT COUNT(*) FROM case_events WHERE owner_type = 'disclosure_request' AND action = 'register'`) != 120 {
		t.Fatalf("%d planned", n)
	}
	if got := f.count(`SELECT COUNT(DISTINCT reply_type) FROM disclosure_requests WHERE reply_type <> ''`); got != len(Replies) {
		t.Errorf("%d reply types", got)
	}
	today := f.svc.Today()
	for y := today.Year - 5; y <= today.Year; y++ {
		if _, err := f.svc.Verified(f.ctx, Scope{Organ: o}, y); err != nil {
			t.Errorf("%d: %v", y, err)
		}
	}
	p := f.login("qs_zrj")
	r := f.register(p, today.String(), ChannelInPerson)
	if f.count(`SELECT COUNT(*) FROM disclosure_requests WHERE receipt_no = ?`, r.ReceiptNo) != 1 || !strings.Contains(r.ReceiptNo, "〔"+strconv.Itoa(today.Year)+"〕") {
		t.Errorf("receipt after the seed: %s", r.ReceiptNo)
	}
	// the list pages through all 121, newest first, and counts them (capped: "100+")
	first, count, err := f.svc.List(f.ctx, p, ListFilter{})
	if err != nil {
		t.Fatal(err)
	}
	last, _, err := f.svc.List(f.ctx, p, ListFilter{Offset: 120, CountUpTo: -1})
	if err != nil {
		t.Fatal(err)
	}
	_, capped, err := f.svc.List(f.ctx, p, ListFilter{CountUpTo: 100})
	if err != nil {
		t.Fatal(err)
	}
	if len(first) != pageSize || len(last) != 1 || first[0].ID != r.ID || last[0].ReceivedOn.After(first[pageSize-1].ReceivedOn) || count.N != 121 || count.More || capped.String() != "100+" {
		t.Errorf("pages: %d, %d; count %v, capped %v", len(first), len(last), count, capped)
	}
}

// TestReportTodo: in the first half of the year last year's unpublished report is on the workbench,
// due 31 January for a department and 31 March for the government (prepared by its office).
func TestReportTodo(t *testing.T) {
	f := newFixture(t) // clock: 2026-03-31
	rt := must(f.svc.reportTodo(f.ctx, f.login("qs_zrj")))
	if rt == nil || rt.Due.String() != "2026-01-31" || !strings.Contains(rt.URL, "year=2025") || !strings.Contains(rt.Basis, "第四十九条第一款") {
		t.Fatalf("department: %+v", rt)
	}
	p := f.login("qs_zrj")
	o, _ := f.org.ByCode(organCode)
	must(f.svc.SaveReport(f.ctx, p, o.ID, 2025, ReportInput{Overview: "无申请。"}))
	must(f.svc.PublishReport(f.ctx, p, o.ID, 2025))
	if rt := must(f.svc.reportTodo(f.ctx, p)); rt != nil {
		t.Errorf("published, still a todo: %+v", rt)
	}
}
