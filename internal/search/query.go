package search

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

// MaxQueryRunes bounds a user query; longer input is refused rather than cut.
const MaxQueryRunes = 100

// Query errors; the texts are shown to the public as they are.
var (
	ErrEmptyQuery      = errors.New("请输入检索词")
	ErrQueryTooLong    = fmt.Errorf("检索词不能超过%d个字", MaxQueryRunes)
	ErrUnbalancedQuote = errors.New("检索词中的引号不成对")
	ErrNoSearchable    = errors.New("检索词中没有可检索的文字")
	ErrOnlyExclusions  = errors.New("请至少输入一个不带减号的检索词")
)

// Query is a parsed user query: all positive terms must occur, no negated term may occur.
type Query struct {
	Terms []Term
}

// Term is one word or quoted phrase of a query. Text is the user's text (width-folded, without quotes
// or the leading minus). Phrase records that it was quoted; matching is the same either way (a term is
// always a run of consecutive tokens), but a quoted term may contain spaces.
type Term struct {
	Text   string
	Phrase bool
	Negate bool
}

// ParseQuery parses user input: whitespace separates terms, "…" or “…” keep a phrase, a leading - or －
// excludes a term. Terms without any searchable character (pure punctuation) are dropped.
func ParseQuery(q string) (Query, error) {
	q = strings.TrimSpace(foldString(q))
	if q == "" {
		return Query{}, ErrEmptyQuery
	}
	if utf8.RuneCountInString(q) > MaxQueryRunes {
		return Query{}, ErrQueryTooLong
	}
	var terms []Term
	rs := []rune(q)
	for i := 0; i < len(rs); {
		if unicode.IsSpace(rs[i]) {
			i++
			continue
		}
		var t Term
		if rs[i] == '-' && i+1 < len(rs) && !unicode.IsSpace(rs[i+1]) {
			t.Negate = true
			i++
		}
		if isOpenQuote(rs[i]) {
			end := -1
			for j := i + 1; j < len(rs); j++ {
				if isCloseQuote(rs[j]) {
					end = j
					break
				}
			}
			if end < 0 {
				return Query{}, ErrUnbalancedQuote
			}
			t.Text = strings.TrimSpace(string(rs[i+1 : end]))
			t.Phrase = true
			i = end + 1
		} else {
			j := i
			for j < len(rs) && !unicode.IsSpace(rs[j]) && !isOpenQuote(rs[j]) {
				if rs[j] == '”' {
					return Query{}, ErrUnbalancedQuote
				}
				j++
			}
			t.Text = string(rs[i:j])
			i = j
		}
		if toks, _ := t.tokens(); len(toks) > 0 {
			terms = append(terms, t)
		}
	}
	if len(terms) == 0 {
		return Query{}, ErrNoSearchable
	}
	pos := false
	for _, t := range terms {
		pos = pos || !t.Negate
	}
	if !pos {
		return Query{}, ErrOnlyExclusions
	}
	return Query{Terms: terms}, nil
}

// Either opening quote may be closed by either closing quote: input methods mix them freely.
func isOpenQuote(r rune) bool  { return r == '"' || r == '“' }
func isCloseQuote(r rune) bool { return r == '"' || r == '”' }

func foldString(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			r -= 0xFEE0
		case r == 0x3000:
			r = ' '
		}
		b.WriteRune(r)
	}
	return b.String()
}

// tokens is the consecutive token sequence a term must match; prefix means the last token is a prefix.
// The trailing unigram of the last CJK run is dropped because the indexed run may continue.
func (t Term) tokens() (toks []string, prefix bool) {
	b, last := appendTokens(nil, t.Text)
	toks = strings.Fields(string(b))
	switch {
	case last == 1:
		prefix = true
	case last > 1:
		toks = toks[:len(toks)-1]
	}
	return toks, prefix
}

// FTS5 renders the query as an SQLite FTS5 MATCH expression over TokenString columns, e.g.
// `"政府 府信 信息 息公 公开" AND "复议" NOT "听证"`. Tokens are always quoted, so FTS5 keywords and
// column names in user input stay plain words.
func (q Query) FTS5() string {
	var pos, neg []string
	for _, t := range q.Terms {
		toks, prefix := t.tokens()
		if len(toks) == 0 {
			continue
		}
		p := `"` + strings.ReplaceAll(strings.Join(toks, " "), `"`, `""`) + `"`
		if prefix {
			p += "*"
		}
		if t.Negate {
			neg = append(neg, p)
		} else {
			pos = append(pos, p)
		}
	}
	if len(pos) == 0 {
		return ""
	}
	s := strings.Join(pos, " AND ")
	for _, n := range neg {
		s += " NOT " + n
	}
	return s
}

// TSQuery renders the query for PostgreSQL's to_tsquery('simple', …): <-> joins consecutive tokens,
// & joins terms, ! excludes, :* marks a prefix. Every token is single-quoted.
func (q Query) TSQuery() string {
	var parts []string
	for _, t := range q.Terms {
		toks, prefix := t.tokens()
		if len(toks) == 0 {
			continue
		}
		quoted := make([]string, len(toks))
		for i, tok := range toks {
			quoted[i] = tsQuote(tok)
		}
		if prefix {
			quoted[len(quoted)-1] += ":*"
		}
		p := strings.Join(quoted, " <-> ")
		if t.Negate {
			if len(quoted) > 1 {
				p = "(" + p + ")"
			}
			p = "!" + p
		}
		parts = append(parts, p)
	}
	return strings.Join(parts, " & ")
}

// TSQueryLoose renders only the positive terms, each as an AND of its tokens instead of a phrase:
// a superset of TSQuery's matches that a GIN index answers without reading a row (positions and
// exclusions need the row's vector). The caller verifies candidates with Matches.
func (q Query) TSQueryLoose() string {
	var parts []string
	for _, t := range q.Terms {
		if t.Negate {
			continue
		}
		toks, prefix := t.tokens()
		quoted := make([]string, len(toks))
		for i, tok := range toks {
			quoted[i] = tsQuote(tok)
		}
		if prefix && len(quoted) > 0 {
			quoted[len(quoted)-1] += ":*"
		}
		parts = append(parts, quoted...)
	}
	return strings.Join(parts, " & ")
}

// Matches reports whether a passage (its title and text) satisfies q the way the index does: every
// positive term occurs in the title or the text, no excluded term in either.
func (q Query) Matches(title, text string) bool {
	var skels [2][]rune
	var poss [2][]int
	for _, t := range q.Terms {
		found := false
		if fast, ok := t.plainCJK(); ok {
			found = strings.Contains(title, fast) || strings.Contains(text, fast)
		}
		if !found { // also "总 则" for 总则: the skeleton skips what the tokenizer skips
			ts, _ := skeleton([]rune(t.Text))
			for i, s := range [2]string{title, text} {
				if skels[i] == nil {
					skels[i], poss[i] = skeleton([]rune(s))
				}
				if len(matches(skels[i], poss[i], ts)) > 0 {
					found = true
					break
				}
			}
		}
		if found == t.Negate {
			return false
		}
	}
	return true
}

// plainCJK returns the term when it is a plain run of CJK characters (no spaces, letters or
// punctuation): found as a substring, it matches as the index does (the converse needs skeletons).
func (t Term) plainCJK() (string, bool) {
	for _, r := range t.Text {
		if classify(fold(r)) != classCJK {
			return "", false
		}
	}
	return t.Text, t.Text != ""
}

// tsQuote quotes a lexeme for to_tsquery: inside '…' a quote is doubled and a backslash escaped.
func tsQuote(tok string) string {
	tok = strings.ReplaceAll(tok, `\`, `\\`)
	return "'" + strings.ReplaceAll(tok, "'", "''") + "'"
}
