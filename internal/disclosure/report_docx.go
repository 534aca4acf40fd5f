package disclosure

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The annual report as DOCX. docgen lays out running text only, so the tables of the 2021 format
// are written here: A4, the GB/T 9704 text block (156 × 225 mm), 方正小标宋 title, 黑体 section
// headings, 仿宋 text, tables with every border, merged header cells as in the format. The output is
// deterministic (fixed zip times), so a published report downloads byte-identical.

const (
	wns       = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	textTwips = 8844 // 156 mm
)

type docx struct{ b strings.Builder }

func esc(s string) string {
	var b bytes.Buffer
	xml.EscapeText(&b, []byte(s))
	return b.String()
}

func font(name string, halfPt int, bold bool) string {
	s := fmt.Sprintf(`<w:rPr><w:rFonts w:ascii="%[1]s" w:eastAsia="%[1]s" w:hAnsi="%[1]s" w:cs="%[1]s"/>`, name)
	if bold {
		s += `<w:b/>`
	}
	return s + fmt.Sprintf(`<w:sz w:val="%d"/><w:szCs w:val="%d"/></w:rPr>`, halfPt, halfPt)
}

// para writes one paragraph; jc is left, center or right; indent is the first-line indent in chars.
func (d *docx) para(text, fontName string, halfPt int, jc string, indent int, bold bool) {
	d.b.WriteString(`<w:p><w:pPr><w:spacing w:line="560" w:lineRule="exact"/>`)
	if indent > 0 {
		fmt.Fprintf(&d.b, `<w:ind w:firstLineChars="%d" w:firstLine="%d"/>`, indent*100, indent*halfPt*10)
	}
	fmt.Fprintf(&d.b, `<w:jc w:val="%s"/></w:pPr>`, map[string]string{"left": "both", "center": "center", "right": "right"}[jc])
	if text != "" {
		fmt.Fprintf(&d.b, `<w:r>%s<w:t xml:space="preserve">%s</w:t></w:r>`, font(fontName, halfPt, bold), esc(text))
	}
	d.b.WriteString(`</w:p>`)
}

// cell is one table cell: span columns, vmerge "restart" / "continue" / "".
type cell struct {
	text   string
	span   int
	vmerge string
	left   int // left indent in chars (row labels)
	bold   bool
}

func (d *docx) table(widths []int, halfPt int, rows [][]cell) {
	total := 0
	for _, w := range widths {
		total += w
	}
	fmt.Fprintf(&d.b, `<w:tbl><w:tblPr><w:tblW w:w="%d" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>`, total)
	for _, side := range []string{"top", "left", "bottom", "right", "insideH", "insideV"} {
		fmt.Fprintf(&d.b, `<w:%s w:val="single" w:sz="4" w:space="0" w:color="000000"/>`, side)
	}
	d.b.WriteString(`</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/></w:tblCellMar></w:tblPr><w:tblGrid>`)
	for _, w := range widths {
		fmt.Fprintf(&d.b, `<w:gridCol w:w="%d"/>`, w)
	}
	d.b.WriteString(`</w:tblGrid>`)
	for _, row := range rows {
		d.b.WriteString(`<w:tr><w:trPr><w:cantSplit/></w:trPr>`)
		col := 0
		for _, c := range row {
			span := max(c.span, 1)
			w := 0
			for i := col; i < col+span && i < len(widths); i++ {
				w += widths[i]
			}
			col += span
			fmt.Fprintf(&d.b, `<w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/>`, w)
			if span > 1 {
				fmt.Fprintf(&d.b, `<w:gridSpan w:val="%d"/>`, span)
			}
			switch c.vmerge {
			case "restart":
				d.b.WriteString(`<w:vMerge w:val="restart"/>`)
			case "continue":
				d.b.WriteString(`<w:vMerge/>`)
			}
			d.b.WriteString(`<w:vAlign w:val="center"/></w:tcPr><w:p><w:pPr><w:spacing w:line="280" w:lineRule="exact"/>`)
			if c.left > 0 {
				fmt.Fprintf(&d.b, `<w:ind w:left="%d"/><w:jc w:val="left"/>`, c.left*halfPt*10)
			} else if c.left < 0 {
				d.b.WriteString(`<w:jc w:val="left"/>`)
			} else {
				d.b.WriteString(`<w:jc w:val="center"/>`)
			}
			d.b.WriteString(`</w:pPr>`)
			if c.text != "" && c.vmerge != "continue" {
				fmt.Fprintf(&d.b, `<w:r>%s<w:t xml:space="preserve">%s</w:t></w:r>`, font("宋体", halfPt, c.bold), esc(c.text))
			}
			d.b.WriteString(`</w:p></w:tc>`)
		}
		d.b.WriteString(`</w:tr>`)
	}
	d.b.WriteString(`</w:tbl>`)
	d.para("", "仿宋_GB2312", 32, "left", 0, false)
}

func num(n int) cell { return cell{text: strconv.Itoa(n)} }

func wan(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// table2Rows is 二 in the format's four blocks.
func table2Rows(t Table2) [][]cell {
	head := func(s string) []cell { return []cell{{text: s, span: 4, bold: true}} }
	two := func(a, b string) []cell { return []cell{{text: a}, {text: b, span: 3}} }
	return [][]cell{
		head("第二十条第（一）项"),
		{{text: "信息内容"}, {text: "本年制发件数"}, {text: "本年废止件数"}, {text: "现行有效件数"}},
		{{text: "规章"}, num(t.Rules.Made), num(t.Rules.Repealed), num(t.Rules.InForce)},
		{{text: "行政规范性文件"}, num(t.Normative.Made), num(t.Normative.Repealed), num(t.Normative.InForce)},
		head("第二十条第（五）项"),
		two("信息内容", "本年处理决定数量"),
		two("行政许可", strconv.Itoa(t.Licensing)),
		head("第二十条第（六）项"),
		two("信息内容", "本年处理决定数量"),
		two("行政处罚", strconv.Itoa(t.Penalty)),
		two("行政强制", strconv.Itoa(t.Enforcement)),
		head("第二十条第（八）项"),
		two("信息内容", "本年收费金额（单位：万元）"),
		two("行政事业性收费", wan(t.Fees)),
	}
}

// Table3Note is the header note of table 三.
const Table3Note = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"

func table3Rows(t *Table3) [][]cell {
	rows := [][]cell{
		{{text: Table3Note, vmerge: "restart"}, {text: "申请人情况", span: 7}},
		{{vmerge: "continue"}, {text: "自然人", vmerge: "restart"}, {text: "法人或其他组织", span: 5}, {text: "总计", vmerge: "restart"}},
		{{vmerge: "continue"}, {vmerge: "continue"}, {text: "商业企业"}, {text: "科研机构"}, {text: "社会公益组织"}, {text: "法律服务机构"}, {text: "其他"}, {vmerge: "continue"}},
	}
	for _, r := range Table3Rows(t) {
		label := cell{text: r.Label, left: max(r.Indent, 0)}
		if r.Indent <= 0 {
			label.left = -1
		}
		if r.Indent < 0 {
			rows = append(rows, []cell{label, {span: 7}})
			continue
		}
		row := []cell{label}
		for _, n := range r.Cells.Columns() {
			row = append(row, num(n))
		}
		rows = append(rows, row)
	}
	return rows
}

// Table4Results are the five columns of each block of table 四.
var Table4Results = []string{"结果维持", "结果纠正", "其他结果", "尚未审结", "总计"}

func table4Rows(t Table4) [][]cell {
	var heads, nums []cell
	for _, b := range []Block{t.Reconsideration, t.LitigationDirect, t.LitigationAfterReconsideration} {
		for i, n := range []int{b.Upheld, b.Corrected, b.Other, b.Pending, b.Total} {
			heads = append(heads, cell{text: Table4Results[i]})
			nums = append(nums, num(n))
		}
	}
	return [][]cell{
		{{text: "行政复议", span: 5, vmerge: "restart"}, {text: "行政诉讼", span: 10}},
		{{span: 5, vmerge: "continue"}, {text: "未经复议直接起诉", span: 5}, {text: "复议后起诉", span: 5}},
		heads, nums,
	}
}

// paragraphs writes a text a paragraph a line.
func (d *docx) paragraphs(text string) {
	for _, line := range strings.Split(text, "\n") {
		if line = strings.TrimSpace(line); line != "" {
			d.para(line, "仿宋_GB2312", 32, "left", 2, false)
		}
	}
}

// ReportDOCX lays out the report.
func ReportDOCX(v *ReportView) ([]byte, error) {
	d := &docx{}
	d.b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n")
	fmt.Fprintf(&d.b, `<w:document xmlns:w="%s"><w:body>`, wns)
	d.para(v.Organ, "方正小标宋简体", 44, "center", 0, false)
	d.para(fmt.Sprintf("%d年政府信息公开工作年度报告", v.Year), "方正小标宋简体", 44, "center", 0, false)
	if v.IndexNo != "" {
		d.para("索引号："+v.IndexNo, "仿宋_GB2312", 24, "right", 0, false)
	}
	d.para("", "仿宋_GB2312", 32, "left", 0, false)
	d.para(ReportSections[0], "黑体", 32, "left", 2, false)
	d.paragraphs(v.Overview)
	d.para(ReportSections[1], "黑体", 32, "left", 2, false)
	d.table([]int{2844, 2000, 2000, 2000}, 21, table2Rows(v.Figures.Table2))
	d.para(ReportSections[2], "黑体", 32, "left", 2, false)
	w := []int{3244}
	for range 7 {
		w = append(w, 800)
	}
	d.table(w, 18, table3Rows(&v.Figures.Table3))
	d.para(ReportSections[3], "黑体", 32, "left", 2, false)
	w4 := make([]int, 15)
	for i := range w4 {
		w4[i] = 589
	}
	d.table(w4, 18, table4Rows(v.Figures.Table4))
	d.para(ReportSections[4], "黑体", 32, "left", 2, false)
	d.paragraphs(v.Problems)
	d.para(ReportSections[5], "黑体", 32, "left", 2, false)
	d.paragraphs(v.FeeLine)
	d.paragraphs(v.Other)
	// GB/T 9704 page: A4, top 37 mm, bottom 35 mm, left 28 mm, right 26 mm
	d.b.WriteString(`<w:sectPr><w:pgSz w:w="11906" w:h="16838"/><w:pgMar w:top="2098" w:right="1474" w:bottom="1984" w:left="1588" w:header="851" w:footer="992" w:gutter="0"/></w:sectPr></w:body></w:document>`)

	parts := []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/><Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties" Target="docProps/core.xml"/></Relationships>`},
		{"docProps/core.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
			`<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>` +
			esc(fmt.Sprintf("%s%d年政府信息公开工作年度报告", v.Organ, v.Year)) + `</dc:title><dc:creator>` + esc(v.Organ) + `</dc:creator></cp:coreProperties>`},
		{"word/document.xml", d.b.String()},
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil {
			return nil, fmt.Errorf("生成年度报告文件失败：%w", err)
		}
		if _, err := w.Write([]byte(p.body)); err != nil {
			return nil, fmt.Errorf("生成年度报告文件失败：%w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("生成年度报告文件失败：%w", err)
	}
	return buf.Bytes(), nil
}
