package docgen

import (
	"archive/zip"
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Font names of GB/T 9704. They are written as is; fontTable.xml names the
// usual substitutes (方正小标宋简体→宋体, 仿宋_GB2312→仿宋, 楷体_GB2312→楷体) for
// machines without the GB2312-era fonts.
const (
	fontTitle   = "方正小标宋简体"
	fontBody    = "仿宋_GB2312"
	fontHei     = "黑体"
	fontKai     = "楷体_GB2312"
	fontSong    = "宋体"
	colorRed    = "FF0000"
	nsW         = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
	nsR         = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
	xmlDecl     = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n"
	relsPackage = "http://schemas.openxmlformats.org/package/2006/relationships"
	relsOffice  = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
)

// zipTime is the fixed modification time of every part: same input, same bytes.
var zipTime = time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC)

// DOCX renders the document. The output is deterministic.
func (d Document) DOCX() ([]byte, error) {
	if strings.TrimSpace(d.Title) == "" {
		return nil, errors.New("公文标题不能为空")
	}
	if err := d.checkText(); err != nil {
		return nil, err
	}
	parts := []struct{ name, body string }{
		{"[Content_Types].xml", contentTypesXML(d.Draft)},
		{"_rels/.rels", packageRelsXML()},
		{"docProps/core.xml", d.coreXML()},
		{"docProps/app.xml", appXML()},
		{"word/_rels/document.xml.rels", documentRelsXML(d.Draft)},
		{"word/document.xml", d.documentXML()},
		{"word/styles.xml", stylesXML()},
		{"word/settings.xml", settingsXML()},
		{"word/fontTable.xml", fontTableXML()},
		{"word/footer1.xml", footerXML(true)},
		{"word/footer2.xml", footerXML(false)},
	}
	if d.Draft {
		parts = append(parts,
			struct{ name, body string }{"word/header1.xml", draftHeaderXML(true)},
			struct{ name, body string }{"word/header2.xml", draftHeaderXML(false)})
	}
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, p := range parts {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: p.name, Method: zip.Deflate, Modified: zipTime})
		if err != nil {
			return nil, fmt.Errorf("生成公文文件失败：%w", err)
		}
		if _, err := w.Write([]byte(p.body)); err != nil {
			return nil, fmt.Errorf("生成公文文件失败：%w", err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("生成公文文件失败：%w", err)
	}
	return buf.Bytes(), nil
}

func (d Document) checkText() error {
	fields := []struct{ name, s string }{
		{"版头", d.Header}, {"发文字号", d.Number}, {"标题", d.Title}, {"主送", d.Recipient},
		{"落款", d.Signer}, {"印发机关", d.Printer},
	}
	for _, b := range d.Body {
		fields = append(fields, struct{ name, s string }{"正文", b.Text})
	}
	for _, a := range d.Attachments {
		fields = append(fields, struct{ name, s string }{"附件", a})
	}
	for _, c := range d.CopyTo {
		fields = append(fields, struct{ name, s string }{"抄送", c})
	}
	for _, f := range fields {
		if !utf8.ValidString(f.s) {
			return fmt.Errorf("%s含有无效的字符编码", f.name)
		}
	}
	return nil
}

// ---- run and paragraph properties, written in schema order ----

type rp struct {
	font  string // all four font slots; "" inherits
	bold  bool
	color string
	sz    int // half-points; 0 inherits
}

func (r rp) write(b *strings.Builder) {
	if r == (rp{}) {
		return
	}
	b.WriteString("<w:rPr>")
	if r.font != "" {
		fmt.Fprintf(b, `<w:rFonts w:ascii="%[1]s" w:eastAsia="%[1]s" w:hAnsi="%[1]s" w:cs="%[1]s"/>`, r.font)
	}
	if r.bold {
		b.WriteString("<w:b/><w:bCs/>")
	}
	if r.color != "" {
		fmt.Fprintf(b, `<w:color w:val="%s"/>`, r.color)
	}
	if r.sz != 0 {
		fmt.Fprintf(b, `<w:sz w:val="%d"/><w:szCs w:val="%d"/>`, r.sz, r.sz)
	}
	b.WriteString("</w:rPr>")
}

// ind holds twips; the *C fields (hundredths of a grid character, as Word
// prefers them) are written only when set.
type ind struct {
	left, right, firstLine, hanging     int
	leftC, rightC, firstLineC, hangingC int
}

// indChars builds an indent measured in grid characters of 3号.
func indChars(left, right, firstLine, hanging float64) ind {
	c := func(n float64) int { return int(n*100 + 0.5) }
	return ind{
		left: charTwips(left), right: charTwips(right), firstLine: charTwips(firstLine), hanging: charTwips(hanging),
		leftC: c(left), rightC: c(right), firstLineC: c(firstLine), hangingC: c(hanging),
	}
}

func (n ind) write(b *strings.Builder) {
	if n == (ind{}) {
		return
	}
	b.WriteString("<w:ind")
	attr := func(name string, v int) {
		if v != 0 {
			fmt.Fprintf(b, ` w:%s="%d"`, name, v)
		}
	}
	attr("leftChars", n.leftC)
	attr("left", n.left)
	attr("rightChars", n.rightC)
	attr("right", n.right)
	attr("firstLineChars", n.firstLineC)
	attr("firstLine", n.firstLine)
	attr("hangingChars", n.hangingC)
	attr("hanging", n.hanging)
	b.WriteString("/>")
}

type pp struct {
	style    string
	keepNext bool
	border   string // inner XML of w:pBdr
	tabs     string // inner XML of w:tabs
	spacing  string // attributes of w:spacing
	ind      ind
	jc       string
	rp       rp // paragraph mark
}

func (p pp) write(b *strings.Builder) {
	var in strings.Builder
	if p.style != "" {
		fmt.Fprintf(&in, `<w:pStyle w:val="%s"/>`, p.style)
	}
	if p.keepNext {
		in.WriteString("<w:keepNext/>")
	}
	if p.border != "" {
		fmt.Fprintf(&in, "<w:pBdr>%s</w:pBdr>", p.border)
	}
	if p.tabs != "" {
		fmt.Fprintf(&in, "<w:tabs>%s</w:tabs>", p.tabs)
	}
	if p.spacing != "" {
		fmt.Fprintf(&in, "<w:spacing %s/>", p.spacing)
	}
	p.ind.write(&in)
	if p.jc != "" {
		fmt.Fprintf(&in, `<w:jc w:val="%s"/>`, p.jc)
	}
	p.rp.write(&in)
	if in.Len() > 0 {
		b.WriteString("<w:pPr>")
		b.WriteString(in.String())
		b.WriteString("</w:pPr>")
	}
}

type run struct {
	rp   rp
	text string
}

// writeText writes s as w:t elements, turning "\n" into w:br and "\t" into
// w:tab; xml.EscapeText escapes & < > ' " and replaces characters XML forbids.
func writeText(b *strings.Builder, s string) {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			b.WriteString("<w:br/>")
		}
		for j, seg := range strings.Split(line, "\t") {
			if j > 0 {
				b.WriteString("<w:tab/>")
			}
			if seg == "" {
				continue
			}
			b.WriteString(`<w:t xml:space="preserve">`)
			_ = xml.EscapeText(b, []byte(seg)) // a strings.Builder never fails
			b.WriteString("</w:t>")
		}
	}
}

func writePara(b *strings.Builder, p pp, runs ...run) {
	b.WriteString("<w:p>")
	p.write(b)
	for _, r := range runs {
		if r.text == "" {
			continue
		}
		b.WriteString("<w:r>")
		r.rp.write(b)
		writeText(b, r.text)
		b.WriteString("</w:r>")
	}
	b.WriteString("</w:p>\n")
}

func blankLines(b *strings.Builder, n int) {
	for range n {
		writePara(b, pp{})
	}
}

// width measures s in characters of its own size: CJK and full-width forms
// count 1, ASCII and half-width forms ½.
func width(s string) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case r < 0x2000, r >= 0xFF61 && r <= 0xFFDC:
			w += 0.5
		default:
			w++
		}
	}
	return w
}

// ---- document.xml ----

func (d Document) documentXML() string {
	var b strings.Builder
	b.WriteString(xmlDecl)
	fmt.Fprintf(&b, `<w:document xmlns:w="%s" xmlns:r="%s"><w:body>`+"\n", nsW, nsR)

	if d.Header != "" {
		// 版头 §7.2: organ mark 35 mm below the text top, 空二行, 发文字号 centred,
		// red rule 4 mm under it, 空二行, title.
		sz := bannerHalfPt(d.Header)
		writePara(&b, pp{style: "GwBanner", spacing: fmt.Sprintf(`w:before="%d"`, bannerBefore(sz))}, run{rp: rp{sz: sz}, text: d.Header})
		blankLines(&b, 2)
		// w:space is counted from the bottom of the line box, which sits some
		// 2.5 mm under the glyphs of a 3号 line: 6 pt more puts the rule ≈ 4 mm down.
		rule := fmt.Sprintf(`<w:bottom w:val="single" w:sz="12" w:space="6" w:color="%s"/>`, colorRed)
		writePara(&b, pp{border: rule, jc: "center"}, run{text: d.Number})
		blankLines(&b, 2)
		writePara(&b, pp{style: "GwTitle"}, run{text: d.Title})
	} else {
		writePara(&b, pp{style: "GwTitle"}, run{text: d.Title})
		if d.Number != "" {
			writePara(&b, pp{jc: "right"}, run{text: d.Number})
		}
	}
	blankLines(&b, 1) // 标题下空一行 §7.3.2
	if d.Recipient != "" {
		writePara(&b, pp{}, run{text: d.Recipient})
	}
	// GB/T 9704 §7.3.5.4: the 落款 never stands on a page without body text, so the last
	// paragraph travels with it when no 附件 line comes between.
	signed := (d.Signer != "" || !d.Date.IsZero()) && len(d.Attachments) == 0
	for i, blk := range d.Body {
		writeBlock(&b, blk, signed && i == len(d.Body)-1)
	}
	d.writeAttachments(&b)
	d.writeSignature(&b)
	d.writeRecord(&b)
	b.WriteString(sectPrXML(d.Draft))
	b.WriteString("</w:body></w:document>\n")
	return b.String()
}

// bannerHalfPt shrinks the organ mark from 初号 until it fits one line.
func bannerHalfPt(s string) int {
	pt := min(bannerMaxPt, int(float64(textW)/20/max(width(s), 1)))
	return 2 * pt
}

// bannerBefore is the space above the organ mark: 35 mm to the top of the
// glyphs, less the leading a single-spaced CJK line carries above them
// (about a fifth of the size).
func bannerBefore(halfPt int) int { return mmTwips(35) - halfPt*10/5 }

func writeBlock(b *strings.Builder, blk Block, keepNext bool) {
	switch blk.Kind {
	case Heading1, Heading2:
		// Only the heading sentence takes 黑体/楷体; text run on after its 。 is 正文.
		style := "Heading1"
		if blk.Kind == Heading2 {
			style = "Heading2"
		}
		head, rest := blk.Text, ""
		if !standalone(blk.Text) {
			i := strings.Index(blk.Text, "。") + len("。")
			head, rest = blk.Text[:i], blk.Text[i:]
		}
		writePara(b, pp{style: style, keepNext: rest == "" || keepNext}, run{text: head}, run{rp: rp{font: fontBody}, text: rest})
	case Heading3:
		writePara(b, pp{style: "Heading3", keepNext: standalone(blk.Text) || keepNext}, run{text: blk.Text})
	case Heading4:
		writePara(b, pp{style: "Heading4", keepNext: standalone(blk.Text) || keepNext}, run{text: blk.Text})
	case Plain:
		writePara(b, pp{keepNext: keepNext}, run{text: blk.Text})
	case Right:
		writePara(b, pp{jc: "right", keepNext: keepNext}, run{text: blk.Text})
	default:
		writePara(b, pp{style: "GwPara", keepNext: keepNext}, run{text: blk.Text})
	}
}

// standalone reports a heading line with no running text after its first 。.
func standalone(s string) bool {
	i := strings.Index(s, "。")
	return i < 0 || i+len("。") == len(s)
}

// writeAttachments follows §7.3.4: 正文下空一行左空二字「附件：」; several
// attachments are numbered 1．2．; a wrapped name aligns with its first character.
func (d Document) writeAttachments(b *strings.Builder) {
	var names []string
	for _, a := range d.Attachments {
		a = strings.TrimRight(strings.TrimSpace(a), "。；;，,.")
		if a != "" {
			names = append(names, a)
		}
	}
	if len(names) == 0 {
		return
	}
	blankLines(b, 1)
	const label = "附件："
	for i, name := range names {
		num := ""
		if len(names) > 1 {
			num = strconv.Itoa(i+1) + "．"
		}
		nameAt := 2 + width(label) + width(num)
		prefix, hang := num, width(num)
		if i == 0 {
			prefix, hang = label+num, width(label)+width(num)
		}
		writePara(b, pp{ind: indChars(nameAt, 0, 0, hang)}, run{text: prefix + name})
	}
}

// writeSignature lays 落款 for a sealed document (§7.3.5.1): the date 右空四字,
// the organ centred over the date, two lines above left for the seal.
func (d Document) writeSignature(b *strings.Builder) {
	date := d.Date.Chinese()
	if d.Signer == "" && date == "" {
		return
	}
	// The seal space, the organ and the date stay on one page: a date alone on the last page is invalid.
	for range 2 {
		writePara(b, pp{keepNext: true})
	}
	if d.Signer != "" {
		right := 2.0
		if date != "" {
			right = max(0, 4+(width(date)-width(d.Signer))/2)
		}
		writePara(b, pp{jc: "right", ind: indChars(0, right, 0, 0), keepNext: date != ""}, run{text: d.Signer})
	}
	if date != "" {
		writePara(b, pp{jc: "right", ind: indChars(0, 4, 0, 0)}, run{text: date})
	}
}

// writeRecord lays the 版记 (§7.4) as a table floated to the bottom of the last
// page: thick rules above and below, thin rules between, 4号 text 左右各空一字.
func (d Document) writeRecord(b *strings.Builder) {
	var copies []string
	for _, c := range d.CopyTo {
		if c = strings.TrimSpace(c); c != "" {
			copies = append(copies, c)
		}
	}
	printDate := d.PrintDate.Chinese()
	if len(copies) == 0 && d.Printer == "" && printDate == "" {
		return
	}
	// Anchored to the margin so the rules are exactly 版心 wide on odd and
	// even (mirrored) pages. LibreOffice 7.4 floats only tables ≥ 4.7 mm
	// narrower than the text, so there the 版记 stays in the flow after 落款.
	tblW := textW
	fmt.Fprintf(b, `<w:tbl><w:tblPr>`+
		`<w:tblpPr w:leftFromText="0" w:rightFromText="0" w:topFromText="0" w:bottomFromText="0" w:vertAnchor="margin" w:horzAnchor="margin" w:tblpXSpec="center" w:tblpYSpec="bottom"/>`+
		`<w:tblOverlap w:val="never"/><w:tblW w:w="%d" w:type="dxa"/>`+
		`<w:tblBorders><w:top w:val="single" w:sz="8" w:space="0" w:color="000000"/><w:left w:val="nil"/>`+
		`<w:bottom w:val="single" w:sz="8" w:space="0" w:color="000000"/><w:right w:val="nil"/>`+
		`<w:insideH w:val="single" w:sz="6" w:space="0" w:color="000000"/><w:insideV w:val="nil"/></w:tblBorders>`+
		`<w:tblLayout w:type="fixed"/>`+
		`<w:tblCellMar><w:left w:w="0" w:type="dxa"/><w:right w:w="0" w:type="dxa"/></w:tblCellMar>`+
		`<w:tblLook w:val="0000" w:firstRow="0" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" w:noHBand="0" w:noVBand="0"/>`+
		"</w:tblPr><w:tblGrid><w:gridCol w:w=\"%d\"/></w:tblGrid>\n", tblW, tblW)
	row := func(p pp, text string) {
		fmt.Fprintf(b, `<w:tr><w:tc><w:tcPr><w:tcW w:w="%d" w:type="dxa"/></w:tcPr>`, tblW)
		p.style = "GwNote"
		b.WriteString(strings.TrimSuffix(paraString(p, run{text: text}), "\n"))
		b.WriteString("</w:tc></w:tr>\n")
	}
	if len(copies) > 0 {
		// 回行时与冒号后的首字对齐; the list ends with 。
		label := "抄送："
		row(pp{ind: ind{left: noteCharTwips * (1 + int(width(label))), right: noteCharTwips, hanging: noteCharTwips * int(width(label))}},
			label+strings.Join(copies, "，")+"。")
	}
	if d.Printer != "" || printDate != "" {
		text := d.Printer
		if printDate != "" {
			text += "\t" + printDate + "印发"
		}
		tabs := fmt.Sprintf(`<w:tab w:val="right" w:pos="%d"/>`, tblW-noteCharTwips)
		row(pp{tabs: tabs, ind: ind{left: noteCharTwips, right: noteCharTwips}}, text)
	}
	b.WriteString("</w:tbl>\n")
	// A body must not end with a table; this hairline paragraph anchors it.
	writePara(b, pp{spacing: `w:line="20" w:lineRule="exact"`, rp: rp{sz: 2}})
}

func paraString(p pp, runs ...run) string {
	var b strings.Builder
	writePara(&b, p, runs...)
	return b.String()
}

func sectPrXML(draft bool) string {
	var b strings.Builder
	b.WriteString("<w:sectPr>")
	if draft {
		b.WriteString(`<w:headerReference w:type="default" r:id="rIdHeader1"/><w:headerReference w:type="even" r:id="rIdHeader2"/>`)
	}
	b.WriteString(`<w:footerReference w:type="default" r:id="rIdFooter1"/><w:footerReference w:type="even" r:id="rIdFooter2"/>`)
	fmt.Fprintf(&b, `<w:pgSz w:w="%d" w:h="%d"/>`, pageW, pageH)
	fmt.Fprintf(&b, `<w:pgMar w:top="%d" w:right="%d" w:bottom="%d" w:left="%d" w:header="%d" w:footer="%d" w:gutter="0"/>`,
		marginTop, marginRight, marginBottom, marginLeft, headerDistance, footerDistance)
	b.WriteString(`<w:pgNumType w:fmt="decimal" w:start="1"/><w:cols w:space="425"/>`)
	fmt.Fprintf(&b, `<w:docGrid w:type="linesAndChars" w:linePitch="%d" w:charSpace="%d"/>`, linePitch, charSpace)
	b.WriteString("</w:sectPr>")
	return b.String()
}

// ---- footers and headers ----

// footerXML writes the page number "— 1 —" in 4号 半角宋体 (§7.5): odd pages
// right-aligned 空一字, even pages left-aligned 空一字.
func footerXML(odd bool) string {
	p := pp{style: "Footer", ind: ind{left: noteCharTwips}, jc: "left"}
	if odd {
		p = pp{style: "Footer", ind: ind{right: noteCharTwips}, jc: "right"}
	}
	var b strings.Builder
	b.WriteString(xmlDecl)
	fmt.Fprintf(&b, `<w:ftr xmlns:w="%s" xmlns:r="%s">`, nsW, nsR)
	b.WriteString("<w:p>")
	p.write(&b)
	b.WriteString(`<w:r><w:t xml:space="preserve">— </w:t></w:r>`)
	b.WriteString(`<w:r><w:fldChar w:fldCharType="begin"/></w:r>`)
	b.WriteString(`<w:r><w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>`)
	b.WriteString(`<w:r><w:fldChar w:fldCharType="separate"/></w:r>`)
	b.WriteString(`<w:r><w:t>1</w:t></w:r>`)
	b.WriteString(`<w:r><w:fldChar w:fldCharType="end"/></w:r>`)
	b.WriteString(`<w:r><w:t xml:space="preserve"> —</w:t></w:r>`)
	b.WriteString("</w:p></w:ftr>\n")
	return b.String()
}

func draftHeaderXML(odd bool) string {
	jc := "left"
	if odd {
		jc = "right"
	}
	var b strings.Builder
	b.WriteString(xmlDecl)
	fmt.Fprintf(&b, `<w:hdr xmlns:w="%s" xmlns:r="%s">`, nsW, nsR)
	writePara(&b, pp{style: "Header", jc: jc}, run{rp: rp{font: fontHei, bold: true, color: "808080", sz: bodyHalfPt}, text: "草稿"})
	b.WriteString("</w:hdr>\n")
	return b.String()
}

// ---- package parts ----

func contentTypesXML(draft bool) string {
	const main = "application/vnd.openxmlformats-officedocument.wordprocessingml."
	var b strings.Builder
	b.WriteString(xmlDecl)
	b.WriteString(`<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">`)
	b.WriteString(`<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>`)
	b.WriteString(`<Default Extension="xml" ContentType="application/xml"/>`)
	o := func(part, ct string) { fmt.Fprintf(&b, `<Override PartName="%s" ContentType="%s"/>`, part, ct) }
	o("/word/document.xml", main+"document.main+xml")
	o("/word/styles.xml", main+"styles+xml")
	o("/word/settings.xml", main+"settings+xml")
	o("/word/fontTable.xml", main+"fontTable+xml")
	o("/word/footer1.xml", main+"footer+xml")
	o("/word/footer2.xml", main+"footer+xml")
	if draft {
		o("/word/header1.xml", main+"header+xml")
		o("/word/header2.xml", main+"header+xml")
	}
	o("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml")
	o("/docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml")
	b.WriteString("</Types>\n")
	return b.String()
}

func packageRelsXML() string {
	return xmlDecl + `<Relationships xmlns="` + relsPackage + `">` +
		`<Relationship Id="rId1" Type="` + relsOffice + `/officeDocument" Target="word/document.xml"/>` +
		`<Relationship Id="rId2" Type="` + relsPackage + `/metadata/core-properties" Target="docProps/core.xml"/>` +
		`<Relationship Id="rId3" Type="` + relsOffice + `/extended-properties" Target="docProps/app.xml"/>` +
		"</Relationships>\n"
}

func documentRelsXML(draft bool) string {
	var b strings.Builder
	b.WriteString(xmlDecl)
	b.WriteString(`<Relationships xmlns="` + relsPackage + `">`)
	r := func(id, typ, target string) {
		fmt.Fprintf(&b, `<Relationship Id="%s" Type="%s/%s" Target="%s"/>`, id, relsOffice, typ, target)
	}
	r("rIdStyles", "styles", "styles.xml")
	r("rIdSettings", "settings", "settings.xml")
	r("rIdFontTable", "fontTable", "fontTable.xml")
	r("rIdFooter1", "footer", "footer1.xml")
	r("rIdFooter2", "footer", "footer2.xml")
	if draft {
		r("rIdHeader1", "header", "header1.xml")
		r("rIdHeader2", "header", "header2.xml")
	}
	b.WriteString("</Relationships>\n")
	return b.String()
}

// coreXML takes its timestamps from the 成文日期 (midnight, Beijing time), never
// from the clock, so the bytes depend on the input only.
func (d Document) coreXML() string {
	var b strings.Builder
	b.WriteString(xmlDecl)
	b.WriteString(`<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`)
	b.WriteString("<dc:title>")
	_ = xml.EscapeText(&b, []byte(strings.ReplaceAll(d.Title, "\n", "")))
	b.WriteString("</dc:title>")
	if d.Signer != "" {
		b.WriteString("<dc:creator>")
		_ = xml.EscapeText(&b, []byte(d.Signer))
		b.WriteString("</dc:creator>")
	}
	b.WriteString("<dc:language>zh-CN</dc:language>")
	if !d.Date.IsZero() {
		beijing := time.FixedZone("CST", 8*3600)
		ts := time.Date(d.Date.Year, d.Date.Month, d.Date.Day, 0, 0, 0, 0, beijing).UTC().Format("2006-01-02T15:04:05Z")
		fmt.Fprintf(&b, `<dcterms:created xsi:type="dcterms:W3CDTF">%s</dcterms:created>`, ts)
		fmt.Fprintf(&b, `<dcterms:modified xsi:type="dcterms:W3CDTF">%s</dcterms:modified>`, ts)
	}
	b.WriteString("</cp:coreProperties>\n")
	return b.String()
}

func appXML() string {
	return xmlDecl + `<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">` +
		`<Application>fazhi</Application><DocSecurity>0</DocSecurity></Properties>` + "\n"
}

func settingsXML() string {
	return xmlDecl + `<w:settings xmlns:w="` + nsW + `">` +
		`<w:zoom w:percent="100"/>` +
		`<w:mirrorMargins/>` + // 订口 28 mm on the inside when printed on both sides
		fmt.Sprintf(`<w:defaultTabStop w:val="%d"/>`, charTwips(2)) +
		`<w:evenAndOddHeaders/>` +
		fmt.Sprintf(`<w:drawingGridVerticalSpacing w:val="%d"/>`, linePitch) +
		`<w:characterSpacingControl w:val="doNotCompress"/>` + // keep 28 full-width characters a line
		`<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat>` +
		`<w:themeFontLang w:val="en-US" w:eastAsia="zh-CN"/>` +
		`<w:decimalSymbol w:val="."/><w:listSeparator w:val=","/>` +
		"</w:settings>\n"
}

func fontTableXML() string {
	var b strings.Builder
	b.WriteString(xmlDecl)
	b.WriteString(`<w:fonts xmlns:w="` + nsW + `">`)
	f := func(name, alt, family, pitch string) {
		fmt.Fprintf(&b, `<w:font w:name="%s">`, name)
		if alt != "" {
			fmt.Fprintf(&b, `<w:altName w:val="%s"/>`, alt)
		}
		fmt.Fprintf(&b, `<w:charset w:val="86"/><w:family w:val="%s"/><w:pitch w:val="%s"/></w:font>`, family, pitch)
	}
	f(fontTitle, fontSong, "script", "fixed")
	f(fontBody, "仿宋", "modern", "fixed")
	f(fontKai, "楷体", "modern", "fixed")
	f(fontHei, "SimHei", "modern", "fixed")
	f(fontSong, "SimSun", "auto", "variable")
	b.WriteString("</w:fonts>\n")
	return b.String()
}

func stylesXML() string {
	fonts := func(name string) string {
		return fmt.Sprintf(`<w:rFonts w:ascii="%[1]s" w:eastAsia="%[1]s" w:hAnsi="%[1]s" w:cs="%[1]s"/>`, name)
	}
	size := func(halfPt int) string { return fmt.Sprintf(`<w:sz w:val="%d"/><w:szCs w:val="%d"/>`, halfPt, halfPt) }
	exact := fmt.Sprintf(`<w:spacing w:line="%d" w:lineRule="exact"/>`, linePitch)
	var indent strings.Builder
	indChars(0, 0, 2, 0).write(&indent)

	var b strings.Builder
	b.WriteString(xmlDecl)
	b.WriteString(`<w:styles xmlns:w="` + nsW + `">` + "\n")
	b.WriteString(`<w:docDefaults><w:rPrDefault><w:rPr>` + fonts(fontBody) + `<w:kern w:val="2"/>` + size(bodyHalfPt) +
		`<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>` +
		`<w:pPrDefault><w:pPr><w:widowControl w:val="0"/><w:jc w:val="both"/></w:pPr></w:pPrDefault></w:docDefaults>` + "\n")
	style := func(typ, id, name, basedOn, next, extra, pPr, rPr string) {
		fmt.Fprintf(&b, `<w:style w:type="%s"`, typ)
		if id == "Normal" || id == "DefaultParagraphFont" || id == "TableNormal" {
			b.WriteString(` w:default="1"`)
		}
		fmt.Fprintf(&b, ` w:styleId="%s"><w:name w:val="%s"/>`, id, name)
		if basedOn != "" {
			fmt.Fprintf(&b, `<w:basedOn w:val="%s"/>`, basedOn)
		}
		if next != "" {
			fmt.Fprintf(&b, `<w:next w:val="%s"/>`, next)
		}
		b.WriteString(extra)
		if pPr != "" {
			b.WriteString("<w:pPr>" + pPr + "</w:pPr>")
		}
		if rPr != "" {
			b.WriteString("<w:rPr>" + rPr + "</w:rPr>")
		}
		b.WriteString("</w:style>\n")
	}
	const q = "<w:qFormat/>"
	// No auto space between CJK and digits: it would break the 28-character line.
	// Normal does not snap to the grid and is condensed instead (see charCondense).
	style("paragraph", "Normal", "Normal", "", "", q,
		`<w:widowControl w:val="0"/><w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/><w:snapToGrid w:val="0"/>`+exact+`<w:jc w:val="both"/>`,
		fmt.Sprintf(`<w:spacing w:val="%d"/>`, charCondense)+size(bodyHalfPt))
	style("character", "DefaultParagraphFont", "Default Paragraph Font", "", "", `<w:uiPriority w:val="1"/><w:semiHidden/><w:unhideWhenUsed/>`, "", "")
	b.WriteString(`<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/><w:uiPriority w:val="99"/><w:semiHidden/><w:unhideWhenUsed/>` +
		`<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/><w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/></w:tblCellMar></w:tblPr></w:style>` + "\n")
	style("paragraph", "GwPara", "公文正文", "Normal", "GwPara", q, indent.String(), "")
	// No keepNext in the heading styles: 公文 headings often carry their
	// paragraph («一、……。正文»), and a chain of them would empty half a page.
	// writeBlock keeps a heading line that stands alone with what follows.
	style("paragraph", "Heading1", "heading 1", "GwPara", "GwPara", q, `<w:outlineLvl w:val="0"/>`, fonts(fontHei))
	style("paragraph", "Heading2", "heading 2", "GwPara", "GwPara", q, `<w:outlineLvl w:val="1"/>`, fonts(fontKai))
	style("paragraph", "Heading3", "heading 3", "GwPara", "GwPara", q, `<w:outlineLvl w:val="2"/>`, "")
	style("paragraph", "Heading4", "heading 4", "GwPara", "GwPara", q, `<w:outlineLvl w:val="3"/>`, "")
	style("paragraph", "GwTitle", "公文标题", "Normal", "Normal", q,
		exact+`<w:jc w:val="center"/>`, fonts(fontTitle)+size(titleHalfPt))
	style("paragraph", "GwBanner", "发文机关标志", "Normal", "Normal", "",
		fmt.Sprintf(`<w:spacing w:before="%d" w:line="240" w:lineRule="auto"/><w:jc w:val="center"/>`, mmTwips(35)),
		fonts(fontTitle)+`<w:color w:val="`+colorRed+`"/>`+size(2*bannerMaxPt))
	style("paragraph", "GwNote", "版记", "Normal", "Normal", "",
		exact+`<w:jc w:val="left"/>`, size(noteHalfPt))
	style("paragraph", "Header", "header", "Normal", "", "",
		`<w:spacing w:line="240" w:lineRule="auto"/><w:jc w:val="center"/>`, size(noteHalfPt))
	style("paragraph", "Footer", "footer", "Normal", "", "",
		`<w:spacing w:line="240" w:lineRule="auto"/><w:jc w:val="left"/>`, fonts(fontSong)+size(noteHalfPt))
	b.WriteString("</w:styles>\n")
	return b.String()
}
