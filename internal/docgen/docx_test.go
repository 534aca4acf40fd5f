package docgen

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/calendar"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// unzipParts returns every part of a DOCX by name, in archive order.
func unzipParts(t *testing.T, data []byte) (map[string]string, []string) {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatalf("not a zip: %v", err)
	}
	parts := map[string]string{}
	var order []string
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		parts[f.Name] = string(b)
		order = append(order, f.Name)
	}
	return parts, order
}

func docxParts(t *testing.T, d Document) map[string]string {
	t.Helper()
	data, err := d.DOCX()
	if err != nil {
		t.Fatalf("DOCX: %v", err)
	}
	parts, _ := unzipParts(t, data)
	return parts
}

func TestGolden(t *testing.T) {
	decision := docxParts(t, sampleDecision())
	notice := docxParts(t, sampleNotice())
	tests := []struct{ golden, got string }{
		{"decision_document.xml.golden", decision["word/document.xml"]},
		{"notice_document.xml.golden", notice["word/document.xml"]},
		{"styles.xml.golden", decision["word/styles.xml"]},
		{"footer_odd.xml.golden", decision["word/footer1.xml"]},
		{"footer_even.xml.golden", decision["word/footer2.xml"]},
		{"draft_header_odd.xml.golden", notice["word/header1.xml"]},
	}
	for _, tt := range tests {
		path := filepath.Join("testdata", tt.golden)
		if tt.got == "" {
			t.Errorf("%s: part missing", tt.golden)
			continue
		}
		if *update {
			if err := os.WriteFile(path, []byte(tt.got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test -update to create it)", err)
		}
		if tt.got != string(want) {
			t.Errorf("%s differs from the output; rerun with -update if the change is intended\n%s", tt.golden, firstDiff(string(want), tt.got))
		}
	}
}

func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(wl), len(gl)) {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ":\nwant " + w + "\ngot  " + g
		}
	}
	return ""
}

func TestDeterministicPackage(t *testing.T) {
	a, err := sampleNotice().DOCX()
	if err != nil {
		t.Fatal(err)
	}
	b, err := sampleNotice().DOCX()
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a, b) {
		t.Error("two renderings of the same document differ")
	}
	zr, err := zip.NewReader(bytes.NewReader(a), int64(len(a)))
	if err != nil {
		t.Fatal(err)
	}
	if zr.File[0].Name != "[Content_Types].xml" {
		t.Errorf("first part %q, want [Content_Types].xml", zr.File[0].Name)
	}
	for _, f := range zr.File {
		if !f.Modified.Equal(zipTime) {
			t.Errorf("%s modified %v, want the fixed %v", f.Name, f.Modified, zipTime)
		}
	}
	parts, _ := unzipParts(t, a)
	for _, name := range []string{"_rels/.rels", "docProps/core.xml", "docProps/app.xml", "word/_rels/document.xml.rels",
		"word/document.xml", "word/styles.xml", "word/settings.xml", "word/fontTable.xml",
		"word/footer1.xml", "word/footer2.xml", "word/header1.xml", "word/header2.xml"} {
		body, ok := parts[name]
		if !ok {
			t.Errorf("part %s missing", name)
			continue
		}
		if err := xml.Unmarshal([]byte(body), new(node)); err != nil {
			t.Errorf("%s is not well-formed XML: %v", name, err)
		}
		if name != "_rels/.rels" && name != "word/_rels/document.xml.rels" && !strings.HasPrefix(name, "docProps") &&
			!strings.Contains(parts["[Content_Types].xml"], `PartName="/`+name+`"`) {
			t.Errorf("%s has no content type override", name)
		}
	}
}

// node is a generic XML element for inspecting the generated parts.
type node struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Nodes   []node     `xml:",any"`
	Text    string     `xml:",chardata"`
}

func parse(t *testing.T, s string) node {
	t.Helper()
	var n node
	if err := xml.Unmarshal([]byte(s), &n); err != nil {
		t.Fatalf("parse: %v", err)
	}
	return n
}

func (n node) attr(local string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == local {
			return a.Value
		}
	}
	return ""
}

// child returns the first child element with the local name, or a zero node.
func (n node) child(local string) node {
	for _, c := range n.Nodes {
		if c.XMLName.Local == local {
			return c
		}
	}
	return node{}
}

func (n node) path(locals ...string) node {
	for _, l := range locals {
		n = n.child(l)
	}
	return n
}

// all collects the descendants with the local name, depth first.
func (n node) all(local string) []node {
	var out []node
	for _, c := range n.Nodes {
		if c.XMLName.Local == local {
			out = append(out, c)
		}
		out = append(out, c.all(local)...)
	}
	return out
}

// text joins the w:t of a paragraph, with w:br as "\n" and w:tab as "\t".
func (n node) text() string {
	var b strings.Builder
	var walk func(node)
	walk = func(n node) {
		for _, c := range n.Nodes {
			switch c.XMLName.Local {
			case "t":
				b.WriteString(c.Text)
			case "br":
				b.WriteString("\n")
			case "tab":
				if n.XMLName.Local == "r" {
					b.WriteString("\t")
				}
			default:
				walk(c)
			}
		}
	}
	walk(n)
	return b.String()
}

// paraWith returns the first paragraph whose text is s.
func paraWith(t *testing.T, doc node, s string) node {
	t.Helper()
	for _, p := range doc.all("p") {
		if p.text() == s {
			return p
		}
	}
	t.Fatalf("no paragraph %q", s)
	return node{}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	if err != nil {
		t.Fatalf("not a number: %q", s)
	}
	return n
}

func TestPageGeometry(t *testing.T) {
	doc := parse(t, docxParts(t, sampleDecision())["word/document.xml"])
	sect := doc.path("body", "sectPr")
	pgSz, pgMar, grid := sect.child("pgSz"), sect.child("pgMar"), sect.child("docGrid")
	want := map[string][2]string{
		"page width":    {pgSz.attr("w"), "11906"},
		"page height":   {pgSz.attr("h"), "16838"},
		"top 37 mm":     {pgMar.attr("top"), "2098"},
		"bottom 35 mm":  {pgMar.attr("bottom"), "1984"},
		"left 28 mm":    {pgMar.attr("left"), "1587"},
		"right 26 mm":   {pgMar.attr("right"), "1474"},
		"grid type":     {grid.attr("type"), "linesAndChars"},
		"line pitch":    {grid.attr("linePitch"), "579"},
		"char space":    {grid.attr("charSpace"), "-842"},
		"gutter":        {pgMar.attr("gutter"), "0"},
		"even footer":   {sect.all("footerReference")[1].attr("type"), "even"},
		"default foot.": {sect.all("footerReference")[0].attr("type"), "default"},
	}
	for name, v := range want {
		if v[0] != v[1] {
			t.Errorf("%s = %q, want %q", name, v[0], v[1])
		}
	}
	// The derived numbers must really give 22 × 28 on 156 × 225 mm.
	textW := 11906 - atoi(t, pgMar.attr("left")) - atoi(t, pgMar.attr("right"))
	textH := 16838 - atoi(t, pgMar.attr("top")) - atoi(t, pgMar.attr("bottom"))
	if pitch := atoi(t, grid.attr("linePitch")); 22*pitch > textH || 23*pitch <= textH {
		t.Errorf("line pitch %d does not give 22 lines in %d twips", pitch, textH)
	}
	charPt := 16 + float64(atoi(t, grid.attr("charSpace")))/4096
	if w := 28 * charPt * 20; w > float64(textW) || w+charPt*20 <= float64(textW) {
		t.Errorf("char pitch %.3f pt does not give 28 characters in %d twips", charPt, textW)
	}
	if textW != 8845 || textH != 12756 {
		t.Errorf("text area %d × %d twips, want 156 × 225 mm = 8845 × 12756", textW, textH)
	}
	// The condense that replaces the grid for renderers must also fit 28.
	if w := 28 * (320 + charCondense); w > textW || charCondense > -5 {
		t.Errorf("condense %d twips: 28 characters take %d of %d", charCondense, w, textW)
	}
	settings := docxParts(t, sampleDecision())["word/settings.xml"]
	for _, s := range []string{"<w:evenAndOddHeaders/>", "<w:mirrorMargins/>", `w:val="doNotCompress"`} {
		if !strings.Contains(settings, s) {
			t.Errorf("settings.xml lacks %s", s)
		}
	}
}

// styleProps resolves a style's font and size through basedOn and the defaults.
func styleProps(t *testing.T, styles node, id string) (font, size, color string) {
	t.Helper()
	byID := map[string]node{}
	for _, s := range styles.all("style") {
		byID[s.attr("styleId")] = s
	}
	defaults := styles.path("docDefaults", "rPrDefault", "rPr")
	font, size = defaults.child("rFonts").attr("eastAsia"), defaults.child("sz").attr("val")
	var chain []node
	for cur := id; cur != ""; {
		s, ok := byID[cur]
		if !ok {
			t.Fatalf("style %q missing", cur)
		}
		chain = append([]node{s}, chain...)
		cur = s.child("basedOn").attr("val")
	}
	for _, s := range chain {
		rpr := s.child("rPr")
		if f := rpr.child("rFonts").attr("eastAsia"); f != "" {
			font = f
		}
		if v := rpr.child("sz").attr("val"); v != "" {
			size = v
		}
		if c := rpr.child("color").attr("val"); c != "" {
			color = c
		}
	}
	return font, size, color
}

func TestFontsAndSizes(t *testing.T) {
	parts := docxParts(t, sampleNotice())
	styles := parse(t, parts["word/styles.xml"])
	tests := []struct{ style, font, size, color string }{
		{"Normal", "仿宋_GB2312", "32", ""},
		{"GwPara", "仿宋_GB2312", "32", ""},
		{"GwTitle", "方正小标宋简体", "44", ""},
		{"Heading1", "黑体", "32", ""},
		{"Heading2", "楷体_GB2312", "32", ""},
		{"Heading3", "仿宋_GB2312", "32", ""},
		{"Heading4", "仿宋_GB2312", "32", ""},
		{"GwBanner", "方正小标宋简体", "84", "FF0000"},
		{"GwNote", "仿宋_GB2312", "28", ""},
		{"Footer", "宋体", "28", ""},
	}
	for _, tt := range tests {
		font, size, color := styleProps(t, styles, tt.style)
		if font != tt.font || size != tt.size || color != tt.color {
			t.Errorf("%s: font %q size %s color %q, want %q %s %q", tt.style, font, size, color, tt.font, tt.size, tt.color)
		}
	}
	// Body paragraphs are indented two characters and justified.
	para := styles.all("style")
	for _, s := range para {
		if s.attr("styleId") == "GwPara" {
			if got := s.path("pPr", "ind").attr("firstLineChars"); got != "200" {
				t.Errorf("GwPara firstLineChars = %q, want 200", got)
			}
		}
		if s.attr("styleId") == "Normal" && s.path("pPr", "jc").attr("val") != "both" {
			t.Error("Normal is not justified")
		}
	}

	doc := parse(t, parts["word/document.xml"])
	if got := paraWith(t, doc, sampleNotice().Title).path("pPr", "pStyle").attr("val"); got != "GwTitle" {
		t.Errorf("title style %q", got)
	}
	banner := paraWith(t, doc, "某某县人民政府文件")
	if banner.path("pPr", "pStyle").attr("val") != "GwBanner" || banner.path("r", "rPr", "sz").attr("val") != "84" {
		t.Errorf("banner paragraph: %+v", banner)
	}
	number := paraWith(t, doc, "某政发〔2024〕3号")
	rule := number.path("pPr", "pBdr", "bottom")
	if rule.attr("color") != "FF0000" || rule.attr("val") != "single" || number.path("pPr", "jc").attr("val") != "center" {
		t.Errorf("发文字号 under a red header must be centred over a red rule: %+v", number)
	}
	// A heading that runs on into text keeps only its sentence in 黑体/楷体.
	h := paraWith(t, doc, "一、提高思想认识。各单位要充分认识行政复议化解行政争议的主渠道作用。")
	runs := h.all("r")
	if len(runs) != 2 || runs[0].text() != "一、提高思想认识。" || runs[1].path("rPr", "rFonts").attr("eastAsia") != "仿宋_GB2312" {
		t.Errorf("run-on heading runs: %+v", runs)
	}
	if h.path("pPr", "keepNext").XMLName.Local != "" {
		t.Error("a heading carrying its paragraph must not keep with the next")
	}
	if paraWith(t, doc, "二、规范办案程序").path("pPr", "keepNext").XMLName.Local == "" {
		t.Error("a standalone heading should keep with the next paragraph")
	}
}

func TestPlainDecisionLayout(t *testing.T) {
	doc := parse(t, docxParts(t, sampleDecision())["word/document.xml"])
	paras := doc.all("p")
	if got := paras[0].text(); got != "某某县人民政府\n行政复议决定书" {
		t.Errorf("first paragraph %q, want the two-line title", got)
	}
	if got := paras[1]; got.text() != "某政复〔2024〕12号" || got.path("pPr", "jc").attr("val") != "right" {
		t.Errorf("without a header the 文号 follows the title right-aligned: %q", got.text())
	}
	if len(doc.all("pBdr")) != 0 {
		t.Error("no red rule without a header")
	}
	signer, date := paraWith(t, doc, "某某县人民政府"), paraWith(t, doc, "2024年1月26日")
	// 2024年1月26日 is 6.5 characters wide, the signer 7: centred over the date.
	if got := signer.path("pPr", "ind").attr("rightChars"); got != "375" {
		t.Errorf("signer rightChars %q, want 375", got)
	}
	if got := date.path("pPr", "ind").attr("rightChars"); got != "400" || date.path("pPr", "jc").attr("val") != "right" {
		t.Errorf("date must be right-aligned 右空四字, got rightChars %q", got)
	}
	if len(doc.all("tbl")) != 0 {
		t.Error("no 版记 table without 抄送 or 印发")
	}
}

func TestRecordAndAttachments(t *testing.T) {
	d := sampleNotice()
	doc := parse(t, docxParts(t, d)["word/document.xml"])
	paraWith(t, doc, "附件：1．行政复议案件办理流程图")
	second := paraWith(t, doc, "2．某某县行政复议案件办理工作联系人名单（请各单位于规定时间内填报并加盖公章后报送县司法局）")
	// Name starts 2 + 3 + 1.5 characters in; the number hangs before it.
	if ind := second.path("pPr", "ind"); ind.attr("leftChars") != "650" || ind.attr("hangingChars") != "150" {
		t.Errorf("second attachment indent %+v", ind.Attrs)
	}
	tbl := doc.all("tbl")
	if len(tbl) != 1 {
		t.Fatalf("want one 版记 table, got %d", len(tbl))
	}
	pos := tbl[0].path("tblPr", "tblpPr")
	if pos.attr("tblpYSpec") != "bottom" || pos.attr("vertAnchor") != "margin" {
		t.Errorf("版记 must sit at the bottom of the text area: %+v", pos.Attrs)
	}
	rows := tbl[0].all("tr")
	if len(rows) != 2 {
		t.Fatalf("want 抄送 and 印发 rows, got %d", len(rows))
	}
	if got := rows[0].text(); got != "抄送：县委办公室，县人大常委会办公室，县政协办公室，县法院，县检察院，市司法局行政复议与应诉科。" {
		t.Errorf("抄送 row %q", got)
	}
	if got := rows[1].text(); got != "某某县人民政府办公室\t2024年2月5日印发" {
		t.Errorf("印发 row %q", got)
	}
	borders := tbl[0].path("tblPr", "tblBorders")
	if borders.child("top").attr("sz") != "8" || borders.child("bottom").attr("sz") != "8" || borders.child("insideH").attr("sz") != "6" {
		t.Errorf("版记 rules: thick 0.35 mm outside, thin 0.25 mm between: %+v", borders)
	}

	one := Document{Title: "通知", Attachments: []string{"名单。", "  "}}
	doc = parse(t, docxParts(t, one)["word/document.xml"])
	paraWith(t, doc, "附件：名单") // a single attachment has no number and no final punctuation
}

func TestEscaping(t *testing.T) {
	tricky := `他说：“A&B<C>” 'x' "y" ]]> &amp;`
	d := Document{
		Title:     "关于<测试>&“引号”的决定",
		Recipient: "申请人张三：",
		Body:      []Block{{Para, tricky}, {Plain, "第一行\n第二行\t制表"}, {Para, "坏字符\x00\x01"}},
		Signer:    "某某&司法局",
		Date:      calendar.MustDate("2024-01-26"),
	}
	parts := docxParts(t, d)
	raw := parts["word/document.xml"]
	if !strings.Contains(raw, "A&amp;B&lt;C&gt;") || strings.Contains(raw, "A&B") {
		t.Error("& < > are not escaped")
	}
	doc := parse(t, raw)
	paraWith(t, doc, tricky)
	paraWith(t, doc, "关于<测试>&“引号”的决定")
	paraWith(t, doc, "第一行\n第二行\t制表")
	paraWith(t, doc, "坏字符\uFFFD\uFFFD")
	core := parse(t, parts["docProps/core.xml"])
	if got := core.child("title").Text; got != "关于<测试>&“引号”的决定" {
		t.Errorf("core title %q", got)
	}
	if got := core.child("created").Text; got != "2024-01-25T16:00:00Z" {
		t.Errorf("created %q, want midnight Beijing time of the 成文日期", got)
	}
}

func TestDraftHeaderOnlyForDrafts(t *testing.T) {
	draft := docxParts(t, Document{Title: "草稿", Draft: true})
	final := docxParts(t, Document{Title: "正式"})
	if !strings.Contains(draft["word/header1.xml"], "草稿") || !strings.Contains(draft["word/document.xml"], `w:type="even" r:id="rIdHeader2"`) {
		t.Error("draft has no 草稿 header")
	}
	if _, ok := final["word/header1.xml"]; ok || strings.Contains(final["word/document.xml"], "headerReference") ||
		strings.Contains(final["word/_rels/document.xml.rels"], "header") {
		t.Error("a final document must not carry the draft header")
	}
}

func TestFooterPageNumbers(t *testing.T) {
	parts := docxParts(t, sampleDecision())
	for _, tt := range []struct {
		part, jc, side string
	}{{"word/footer1.xml", "right", "right"}, {"word/footer2.xml", "left", "left"}} {
		p := parse(t, parts[tt.part]).child("p")
		if got := p.path("pPr", "jc").attr("val"); got != tt.jc {
			t.Errorf("%s aligned %q, want %q", tt.part, got, tt.jc)
		}
		if got := p.path("pPr", "ind").attr(tt.side); got != "280" {
			t.Errorf("%s %s indent %q, want one 4号 character (280)", tt.part, tt.side, got)
		}
		if got := p.text(); got != "— 1 —" {
			t.Errorf("%s text %q", tt.part, got)
		}
		if !strings.Contains(parts[tt.part], "> PAGE </w:instrText>") {
			t.Errorf("%s has no PAGE field", tt.part)
		}
	}
}

func TestDOCXErrors(t *testing.T) {
	if _, err := (Document{}).DOCX(); err == nil || !strings.Contains(err.Error(), "标题") {
		t.Errorf("empty title: %v", err)
	}
	if _, err := (Document{Title: "x", Body: []Block{{Para, "\xff"}}}).DOCX(); err == nil || !strings.Contains(err.Error(), "正文") {
		t.Errorf("invalid UTF-8: %v", err)
	}
}

func TestBannerShrinksToOneLine(t *testing.T) {
	if got := bannerHalfPt("某某县人民政府文件"); got != 84 {
		t.Errorf("short banner %d half-points, want 初号 84", got)
	}
	long := "某某县人民政府办公室某某县司法局某某县财政局文件" // 24 characters
	got := bannerHalfPt(long)
	if float64(got)/2*24*20 > float64(textW) || got >= 84 {
		t.Errorf("long banner %d half-points does not fit one line", got)
	}
}

func TestBlockKinds(t *testing.T) {
	body := []Block{{Para, "正文"}, {Heading1, "一、一级"}, {Heading2, "（一）二级"}, {Heading3, "1.三级"},
		{Heading4, "（1）四级"}, {Plain, "顶格"}, {Right, "右对齐"}, {BlockKind(42), "未知按正文"}}
	doc := parse(t, docxParts(t, Document{Title: "标题", Body: body})["word/document.xml"])
	tests := []struct{ text, style, jc string }{
		{"正文", "GwPara", ""}, {"一、一级", "Heading1", ""}, {"（一）二级", "Heading2", ""}, {"1.三级", "Heading3", ""},
		{"（1）四级", "Heading4", ""}, {"顶格", "", ""}, {"右对齐", "", "right"}, {"未知按正文", "GwPara", ""},
	}
	for _, tt := range tests {
		p := paraWith(t, doc, tt.text)
		if got := p.path("pPr", "pStyle").attr("val"); got != tt.style {
			t.Errorf("%s: style %q, want %q", tt.text, got, tt.style)
		}
		if got := p.path("pPr", "jc").attr("val"); got != tt.jc {
			t.Errorf("%s: jc %q, want %q", tt.text, got, tt.jc)
		}
	}
}
