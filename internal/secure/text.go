package secure

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// TextError names the field whose text holds a forbidden character; it wraps ErrInvalid.
type TextError struct {
	Field string
	Rune  rune
	Msg   string
}

func (e *TextError) Error() string { return e.Msg }
func (e *TextError) Unwrap() error { return ErrInvalid }

// CleanText is the one normalisation of text typed by people (forms, JSON, file names): NFC,
// zero-width characters and the BOM removed, and control characters and bidi overrides refused,
// because they hide or reorder what a reader sees (a name that displays differently from what
// is stored, a file name "…gpj.exe" shown as "…exe.jpg"). Tab, line feed and carriage return
// stay: multi-line fields need them. label names the field in the Chinese message.
func CleanText(label, s string) (string, error) {
	if !utf8.ValidString(s) {
		return "", &TextError{Field: label, Rune: utf8.RuneError, Msg: fmt.Sprintf("“%s”含有无效的字符编码，请重新输入", label)}
	}
	dirty := false
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f):
			return "", &TextError{Field: label, Rune: r, Msg: fmt.Sprintf("“%s”含有不可见的控制字符（U+%04X），请删除后重新输入", label, r)}
		case isBidiControl(r):
			return "", &TextError{Field: label, Rune: r, Msg: fmt.Sprintf("“%s”含有改变文字显示方向的控制字符（U+%04X），请删除后重新输入", label, r)}
		case isInvisible(r):
			dirty = true
		case r >= 0x80:
			dirty = true // may need NFC
		}
	}
	if !dirty {
		return s, nil
	}
	s = strings.Map(func(r rune) rune {
		if isInvisible(r) {
			return -1
		}
		return r
	}, s)
	return norm.NFC.String(s), nil
}

// isBidiControl: the embeddings and overrides U+202A–U+202E and the isolates U+2066–U+2069.
func isBidiControl(r rune) bool {
	return r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069
}

// isInvisible: zero-width space, non-joiner and joiner, word joiner, BOM — dropped silently
// (they come in by copy and paste far more often than by malice).
func isInvisible(r rune) bool {
	return r >= 0x200b && r <= 0x200d || r == 0x2060 || r == 0xfeff
}
