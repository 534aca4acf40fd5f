package search

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxWordRunes caps a Latin/digit token; PostgreSQL drops words over 2047 bytes and such runs are noise.
// Query and index are cut the same way, so matching stays consistent.
const maxWordRunes = 64

// Tokens returns the index tokens of text (see the package comment for the rules).
func Tokens(text string) []string {
	s := TokenString(text)
	if s == "" {
		return nil
	}
	return strings.Split(s, " ") // tokens are separated by exactly one space
}

// TokenString is strings.Join(Tokens(text), " "), built without the intermediate slice.
func TokenString(text string) string {
	b, _ := appendTokens(make([]byte, 0, len(text)+len(text)/2), text)
	return string(b)
}

// runeClass sorts a (folded) rune for tokenizing.
type runeClass uint8

const (
	classSep    runeClass = iota // punctuation, symbols, controls: ends any run
	classSpace                   // horizontal whitespace: ends a word run, not a CJK run
	classIgnore                  // zero-width and format characters: skipped as if absent
	classCJK
	classWord
)

// fold maps full-width ASCII and the ideographic space to ASCII and lowercases.
func fold(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		r -= 0xFEE0
	case r == 0x3000:
		return ' '
	}
	if r < utf8.RuneSelf {
		if 'A' <= r && r <= 'Z' {
			r += 'a' - 'A'
		}
		return r
	}
	return unicode.ToLower(r)
}

// classify expects a folded rune. Line breaks are separators: a CJK run never joins two lines.
func classify(r rune) runeClass {
	if r < utf8.RuneSelf {
		switch {
		case 'a' <= r && r <= 'z', '0' <= r && r <= '9':
			return classWord
		case r == ' ', r == '\t':
			return classSpace
		}
		return classSep
	}
	if r >= 0x4E00 && r <= 0x9FFF { // common ideographs, the hot path
		return classCJK
	}
	if isCJK(r) {
		return classCJK
	}
	switch {
	case unicode.IsLetter(r), unicode.IsDigit(r):
		return classWord
	case unicode.Is(unicode.Zs, r):
		return classSpace
	case unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Mn, r) || r == 0xFFFD:
		return classIgnore
	}
	return classSep
}

// isCJK: ideographs (incl. 〇 and 々), kana and Hangul letters. Radicals and other symbols are excluded
// because FTS5's unicode61 would treat them as separators inside our tokens.
func isCJK(r rune) bool {
	if !(unicode.IsLetter(r) || unicode.Is(unicode.Nl, r)) {
		return false
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		r == 0x30FC // ー prolonged sound mark (script Common)
}

// appendTokens writes the space-separated tokens of text to dst. lastRun is the length of the CJK run
// that ends the text (0 when the text ends with a word or has no tokens); queries need it.
func appendTokens(dst []byte, text string) (out []byte, lastRun int) {
	var (
		prev    rune // last character of the open CJK run
		runLen  int  // length of the open CJK run
		inWord  bool
		wordLen int
	)
	sep := func() {
		if len(dst) > 0 {
			dst = append(dst, ' ')
		}
	}
	flushCJK := func() {
		if runLen > 0 {
			sep()
			dst = utf8.AppendRune(dst, prev)
			lastRun = runLen
			runLen = 0
		}
	}
	for _, r := range text {
		r = fold(r)
		switch classify(r) {
		case classIgnore:
		case classSpace:
			inWord = false
		case classSep:
			inWord = false
			flushCJK()
		case classCJK:
			inWord = false
			if runLen > 0 {
				sep()
				dst = utf8.AppendRune(dst, prev)
				dst = utf8.AppendRune(dst, r)
			}
			prev = r
			runLen++
		case classWord:
			flushCJK()
			if !inWord {
				sep()
				inWord = true
				wordLen = 0
			}
			if wordLen < maxWordRunes {
				dst = utf8.AppendRune(dst, r)
				wordLen++
			}
			lastRun = 0
		}
	}
	if runLen > 0 {
		flushCJK()
	}
	return dst, lastRun
}
