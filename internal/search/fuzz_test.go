package search

import (
	"reflect"
	"strings"
	"testing"
)

// format writes q back in the query syntax.
func format(q Query) string {
	parts := make([]string, len(q.Terms))
	for i, t := range q.Terms {
		s := t.Text
		if t.Phrase {
			s = `"` + s + `"`
		}
		if t.Negate {
			s = "-" + s
		}
		parts[i] = s
	}
	return strings.Join(parts, " ")
}

// FuzzParseQuery: public input; never panic, and an accepted query written back parses to the same terms.
func FuzzParseQuery(f *testing.F) {
	for _, s := range []string{"行政复议 期限", `"行政 复议" -撤销`, "“申请人”", `－规章`, `"unbalanced`, "-", "--a", `a"b"c`,
		"ＡＢＣ　全角", "-\"x\"", strings.Repeat("法", 101), "。，！", "a”b", "\x00\xff"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseQuery(s)
		if err != nil {
			return
		}
		_, _, _ = q.FTS5(), q.TSQuery(), q.TSQueryLoose()
		q.Matches("标题", "正文")
		again, err := ParseQuery(format(q))
		if err != nil {
			t.Fatalf("%q parsed to %+v, written back as %q which fails: %v", s, q, format(q), err)
		}
		if !reflect.DeepEqual(again.Terms, q.Terms) {
			t.Fatalf("%q: %+v → %q → %+v", s, q.Terms, format(q), again.Terms)
		}
	})
}
