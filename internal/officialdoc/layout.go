package officialdoc

import (
	"strings"

	"github.com/fazhi/fazhi/internal/docgen"
)

// layout turns a document into the GB/T 9704 layout: the organ's name over the title, the
// number under it (a blank 号 while a draft), the organ as signer, dated today while a draft.
func (r *Room[R]) layout(d *Document, own Owner, draft bool) docgen.Document {
	o := r.organ(own.OrganID)
	blocks, attach, copyTo := ParseBody(d.Body, r.FlushLeft...)
	out := docgen.Document{
		Title:       strings.TrimSpace(o.Name + "\n" + d.Title),
		Recipient:   d.Recipient,
		Body:        blocks,
		Attachments: attach,
		CopyTo:      copyTo,
		Signer:      o.Seal(), // the seal line names the seal (org.Profile)
		Date:        d.IssuedOn,
		Draft:       draft,
		Number:      d.Number,
	}
	if !d.Issued() {
		out.Date = r.Today()
		out.Number = r.numberOf(d, own, out.Date)
	}
	return out
}

// ParseBody reads the editable text: docgen.Paragraphs for the paragraphs, lines starting with one
// of flushLeft followed by ： or （ laid flush left (当事人, signature lines), and trailing
// 「附件：甲；乙」「抄送：甲，乙」 lines as attachments and copies.
func ParseBody(text string, flushLeft ...string) (blocks []docgen.Block, attach, copyTo []string) {
	blocks = docgen.Paragraphs(text)
	for len(blocks) > 0 {
		last := blocks[len(blocks)-1].Text
		if rest, ok := strings.CutPrefix(last, "附件："); ok {
			attach = append(splitList(rest, "；;"), attach...)
		} else if rest, ok := strings.CutPrefix(last, "抄送："); ok {
			copyTo = append(splitList(strings.TrimRight(rest, "。."), "，,、；;"), copyTo...)
		} else {
			break
		}
		blocks = blocks[:len(blocks)-1]
	}
	for i := range blocks {
		if blocks[i].Kind == docgen.Para && labelled(blocks[i].Text, flushLeft) {
			blocks[i].Kind = docgen.Plain
		}
	}
	return blocks, attach, copyTo
}

func labelled(line string, labels []string) bool {
	for _, l := range labels {
		if rest, ok := strings.CutPrefix(line, l); ok && (strings.HasPrefix(rest, "：") || strings.HasPrefix(rest, "（")) {
			return true
		}
	}
	return false
}

func splitList(s, seps string) []string {
	var out []string
	for _, x := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(seps, r) }) {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// Segment is a run of preview text; Missing marks a placeholder still to fill.
type Segment struct {
	Text    string
	Missing bool
}

// PreviewBlock is one paragraph of the HTML preview.
type PreviewBlock struct {
	Class    string
	Segments []Segment
}

// Preview is the layout as the page shows it.
func (v *View[R]) Preview() []PreviewBlock {
	var out []PreviewBlock
	for _, b := range v.Layout.Body {
		out = append(out, PreviewBlock{Class: strings.ToLower(b.Kind.String()), Segments: segments(b.Text)})
	}
	return out
}

// TitleLines splits the title at its line breaks.
func (v *View[R]) TitleLines() []string { return strings.Split(v.Layout.Title, "\n") }

func segments(s string) []Segment {
	var out []Segment
	for {
		loc := Placeholder.FindStringIndex(s)
		if loc == nil {
			if s != "" {
				out = append(out, Segment{Text: s})
			}
			return out
		}
		if loc[0] > 0 {
			out = append(out, Segment{Text: s[:loc[0]]})
		}
		out = append(out, Segment{Text: s[loc[0]:loc[1]], Missing: true})
		s = s[loc[1]:]
	}
}
