// Package docgen writes the official documents (DOCX laid out per GB/T 9704-2012
// 《党政机关公文格式》) and the XLSX ledgers of every fazhi module.
package docgen

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fazhi/fazhi/internal/calendar"
)

// BlockKind is the layout of one body paragraph.
type BlockKind int

const (
	Para     BlockKind = iota // 正文段落：首行缩进二字，两端对齐
	Heading1                  // 一级标题「一、」：黑体
	Heading2                  // 二级标题「（一）」：楷体
	Heading3                  // 三级标题「1.」：仿宋
	Heading4                  // 四级标题「（1）」：仿宋
	Plain                     // 顶格，不缩进（如「申请人：张三」一类的当事人信息）
	Right                     // 右对齐
)

// There is no Quote kind on purpose: GB/T 9704 has no block quotation, legal
// texts quote statutes inline (《……》第X条规定：“……”).

func (k BlockKind) String() string {
	switch k {
	case Para:
		return "Para"
	case Heading1:
		return "Heading1"
	case Heading2:
		return "Heading2"
	case Heading3:
		return "Heading3"
	case Heading4:
		return "Heading4"
	case Plain:
		return "Plain"
	case Right:
		return "Right"
	}
	return fmt.Sprintf("BlockKind(%d)", int(k))
}

// Block is one paragraph of the body. A "\n" inside Text is a line break
// within the paragraph.
type Block struct {
	Kind BlockKind
	Text string
}

// Document is one official document. Layout follows GB/T 9704-2012; the zero
// value of every optional field leaves that element out.
type Document struct {
	Header      string        // 发文机关标志（版头），如「某某县人民政府文件」；空则不印红头
	Number      string        // 发文字号，如「某政复〔2024〕12号」；有版头时居中，无版头时在标题下右对齐
	Title       string        // 标题；"\n" 处换行，便于排成梯形或菱形
	Recipient   string        // 主送，如「申请人张三：」，单独一行顶格
	Body        []Block       // 正文
	Attachments []string      // 附件说明，每项一个附件名称
	Signer      string        // 发文机关署名（落款）
	Date        calendar.Date // 成文日期；也用作文档属性中的创建时间
	CopyTo      []string      // 抄送机关
	Printer     string        // 印发机关（版记）
	PrintDate   calendar.Date // 印发日期
	Draft       bool          // 草稿：页眉处标「草稿」
}

// NumberText formats a 发文字号: NumberText("某政复", 2024, 12) = "某政复〔2024〕12号".
// The year goes in 六角括号 and the sequence has no 第 and no leading zeros
// (GB/T 9704 7.2.3). A seq ≤ 0 leaves a full-width blank to be filled in when
// the number is assigned: "某政复〔2024〕　号".
func NumberText(prefix string, year, seq int) string {
	if seq <= 0 {
		return fmt.Sprintf("%s〔%d〕　号", prefix, year)
	}
	return fmt.Sprintf("%s〔%d〕%d号", prefix, year, seq)
}

// Paragraphs splits editable plain text into body blocks. Every non-blank
// line is one paragraph (blank lines only separate); leading and trailing
// spaces, including the full-width 　 people type as indentation, are
// removed. A line's numbering decides its kind:
//
//	一、 十二、          Heading1
//	（一） (一)          Heading2
//	1. 1． 12．          Heading3 (not "1.5万元": a digit after the point is a decimal)
//	（1） (1)            Heading4
//	anything else        Para
func Paragraphs(text string) []Block {
	var blocks []Block
	for line := range strings.Lines(text) {
		line = strings.TrimFunc(line, unicode.IsSpace)
		if line == "" {
			continue
		}
		blocks = append(blocks, Block{Kind: classify(line), Text: line})
	}
	return blocks
}

const chineseNumerals = "一二三四五六七八九十百零〇"

func isChineseNumeral(r rune) bool { return strings.ContainsRune(chineseNumerals, r) }

func isDigit(r rune) bool { return r >= '0' && r <= '9' || r >= '０' && r <= '９' }

// spanOf returns how many leading bytes of s satisfy f.
func spanOf(s string, f func(rune) bool) int {
	n := 0
	for _, r := range s {
		if !f(r) {
			break
		}
		n += utf8.RuneLen(r)
	}
	return n
}

func classify(line string) BlockKind {
	if n := spanOf(line, isChineseNumeral); n > 0 && strings.HasPrefix(line[n:], "、") {
		return Heading1
	}
	if rest, ok := cutOpenParen(line); ok {
		if n := spanOf(rest, isChineseNumeral); n > 0 && isCloseParen(rest[n:]) {
			return Heading2
		}
		if n := spanOf(rest, isDigit); n > 0 && isCloseParen(rest[n:]) {
			return Heading4
		}
	}
	if n := spanOf(line, isDigit); n > 0 {
		rest := line[n:]
		for _, dot := range []string{".", "．"} {
			if after, ok := strings.CutPrefix(rest, dot); ok {
				if r, _ := utf8.DecodeRuneInString(after); after == "" || !isDigit(r) {
					return Heading3
				}
			}
		}
	}
	return Para
}

func cutOpenParen(s string) (string, bool) {
	if rest, ok := strings.CutPrefix(s, "（"); ok {
		return rest, true
	}
	return strings.CutPrefix(s, "(")
}

func isCloseParen(s string) bool { return strings.HasPrefix(s, "）") || strings.HasPrefix(s, ")") }
