package search

import (
	"html"
	"sort"
	"strings"
	"unicode"
)

// sepMark stands for a separator that matters in a skeleton (see skeleton).
const sepMark = rune(0x1F)

// skeleton is a text reduced to what the tokenizer sees: folded letters, digits and CJK characters, with
// sepMark wherever a separator changes the tokens (between two words, or punctuation between two CJK
// characters). A separator between CJK and Latin, whitespace between CJK characters and zero-width
// characters vanish, exactly as they do not change the tokens. pos maps each entry to a rune index of
// the source.
func skeleton(rs []rune) (skel []rune, pos []int) {
	skel = make([]rune, 0, len(rs))
	pos = make([]int, 0, len(rs))
	var (
		prevClass        runeClass // class of the last significant rune, classSep when none yet
		sawSep, sawSpace bool
		sepAt            int
	)
	prevClass = classSep
	for i, r := range rs {
		f := fold(r)
		c := classify(f)
		switch c {
		case classIgnore:
			continue
		case classSep, classSpace:
			if !sawSep && !sawSpace {
				sepAt = i
			}
			if c == classSep {
				sawSep = true
			} else {
				sawSpace = true
			}
			continue
		}
		if prevClass == c && ((c == classWord && (sawSep || sawSpace)) || (c == classCJK && sawSep)) {
			skel = append(skel, sepMark)
			pos = append(pos, sepAt)
		}
		skel = append(skel, f)
		pos = append(pos, i)
		prevClass, sawSep, sawSpace = c, false, false
	}
	return skel, pos
}

func isWordRune(r rune) bool { return r != sepMark && classify(r) == classWord }

// matches returns the source rune intervals [start, end) where the term's skeleton occurs; a term that
// starts or ends with a Latin/digit character only matches on word boundaries, as the index does.
func matches(skel []rune, pos []int, term []rune) [][2]int {
	var out [][2]int
	n := len(term)
	if n == 0 {
		return nil
	}
	wordStart, wordEnd := isWordRune(term[0]), isWordRune(term[n-1])
	for i := 0; i+n <= len(skel); i++ {
		if skel[i] != term[0] {
			continue
		}
		j := 1
		for j < n && skel[i+j] == term[j] {
			j++
		}
		if j < n {
			continue
		}
		if wordStart && i > 0 && isWordRune(skel[i-1]) {
			continue
		}
		if wordEnd && i+n < len(skel) && isWordRune(skel[i+n]) {
			continue
		}
		out = append(out, [2]int{pos[i], pos[i+n-1] + 1})
		i += n - 1
	}
	return out
}

// Highlight returns an HTML snippet of at most maxRunes characters of text (ellipses not counted; 0 or
// less means the whole text) around the first match of q's positive terms, each match wrapped in
// <mark>…</mark>. Everything else is HTML-escaped, runs of whitespace become one space, and "…" marks
// a cut at either end. Without a match the snippet is the start of the text.
func Highlight(text string, q Query, maxRunes int) string {
	rs := []rune(text)
	skel, pos := skeleton(rs)
	var marks [][2]int
	for _, t := range q.Terms {
		if t.Negate {
			continue
		}
		ts, _ := skeleton([]rune(t.Text))
		marks = append(marks, matches(skel, pos, ts)...)
	}
	marks = merge(marks)

	start, end := 0, len(rs)
	if maxRunes > 0 && len(rs) > maxRunes {
		if len(marks) > 0 {
			m := marks[0]
			lead := (maxRunes - (m[1] - m[0])) / 3
			start = max(m[0]-max(lead, 0), 0)
		}
		start = min(start, len(rs)-maxRunes)
		end = start + maxRunes
	}

	var b strings.Builder
	b.Grow((end - start) * 3)
	if start > 0 {
		b.WriteString("…")
	}
	var plain []rune
	flush := func() {
		if len(plain) > 0 {
			b.WriteString(html.EscapeString(string(plain)))
			plain = plain[:0]
		}
	}
	k := 0 // next mark to consider
	inMark := false
	lastSpace := true // no leading space in the snippet
	for i := start; i < end; i++ {
		for k < len(marks) && marks[k][1] <= i {
			k++
		}
		want := k < len(marks) && marks[k][0] <= i
		if want != inMark {
			flush()
			if want {
				b.WriteString("<mark>")
			} else {
				b.WriteString("</mark>")
			}
			inMark = want
		}
		r := rs[i]
		if unicode.IsSpace(r) {
			if !lastSpace {
				plain = append(plain, ' ')
			}
			lastSpace = true
			continue
		}
		if classify(fold(r)) == classIgnore {
			continue
		}
		lastSpace = false
		plain = append(plain, r)
	}
	flush()
	if inMark {
		b.WriteString("</mark>")
	}
	s := strings.TrimRight(b.String(), " ")
	if end < len(rs) {
		s += "…"
	}
	return s
}

// merge sorts intervals and joins overlapping or touching ones.
func merge(iv [][2]int) [][2]int {
	if len(iv) < 2 {
		return iv
	}
	sort.Slice(iv, func(i, j int) bool { return iv[i][0] < iv[j][0] })
	out := iv[:1]
	for _, m := range iv[1:] {
		last := &out[len(out)-1]
		if m[0] <= last[1] {
			last[1] = max(last[1], m[1])
			continue
		}
		out = append(out, m)
	}
	return out
}
