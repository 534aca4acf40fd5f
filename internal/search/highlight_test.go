package search

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func mustQuery(t testing.TB, s string) Query {
	t.Helper()
	q, err := ParseQuery(s)
	if err != nil {
		t.Fatalf("ParseQuery(%q): %v", s, err)
	}
	return q
}

func TestHighlight(t *testing.T) {
	long := strings.Repeat("前文", 50) + "行政复议机关应当在五日内进行审查。" + strings.Repeat("后文", 50)
	tests := []struct {
		name, text, query string
		max               int
		want              string
	}{
		{"whole text", "行政复议机关收到申请", "复议", 0, "行政<mark>复议</mark>机关收到申请"},
		{"escaping", `<script>alert("复议")</script> & 'x'`, "复议", 0,
			`&lt;script&gt;alert(&#34;<mark>复议</mark>&#34;)&lt;/script&gt; &amp; &#39;x&#39;`},
		{"markup in the query is text", "a<b>c 复议", "<b>", 0, "a&lt;<mark>b</mark>&gt;c 复议"},
		{"every occurrence", "复议，复议", "复议", 0, "<mark>复议</mark>，<mark>复议</mark>"},
		{"several terms, overlaps merged", "政府信息公开", "政府信息 信息公开", 0, "<mark>政府信息公开</mark>"},
		{"negated term not marked", "复议与听证", "复议 -听证", 0, "<mark>复议</mark>与听证"},
		{"full-width text, ASCII query", "标准ＧＢ／Ｔ　９７０４", "gb/t", 0, "标准<mark>ＧＢ／Ｔ</mark> ９７０４"},
		{"letters and digits form one word", "ＧＢ／Ｔ９７０４", "gb/t", 0, "ＧＢ／Ｔ９７０４"},
		{"spaces between CJK", "第一章 总 则", "总则", 0, "第一章 <mark>总 则</mark>"},
		{"punctuation between CJK is not skipped", "信息，公开", "信息公开", 0, "信息，公开"},
		{"Latin word boundary", "gbt gb", "gb", 0, "gbt <mark>gb</mark>"},
		{"whitespace collapsed", "复议\n\n  决定", "决定", 0, "复议 <mark>决定</mark>"},
		{"cut at both ends", long, "五日内", 20, "…"},
		{"no match: start of text", "行政复议机关收到申请后", "听证", 4, "行政复议…"},
		{"short text not cut", "复议", "复议", 10, "<mark>复议</mark>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Highlight(tt.text, mustQuery(t, tt.query), tt.max)
			if tt.name == "cut at both ends" {
				if !strings.HasPrefix(got, "…") || !strings.HasSuffix(got, tt.want) || !strings.Contains(got, "<mark>五日内</mark>") {
					t.Errorf("Highlight = %q", got)
				}
				plain := strings.NewReplacer("<mark>", "", "</mark>", "", "…", "").Replace(got)
				if n := utf8.RuneCountInString(plain); n != tt.max {
					t.Errorf("snippet has %d characters, want %d: %q", n, tt.max, got)
				}
				return
			}
			if got != tt.want {
				t.Errorf("Highlight = %q\nwant        %q", got, tt.want)
			}
		})
	}
}

// The mark must not be cut open: a match crossing the window end is closed.
func TestHighlightClosesMark(t *testing.T) {
	text := strings.Repeat("甲", 10) + "政府信息公开" + strings.Repeat("乙", 10)
	got := Highlight(text, mustQuery(t, "政府信息公开"), 3)
	if strings.Count(got, "<mark>") != strings.Count(got, "</mark>") {
		t.Errorf("unbalanced marks: %q", got)
	}
}

func BenchmarkHighlight(b *testing.B) {
	text := strings.Repeat("行政复议机关收到行政复议申请后，应当在五日内进行审查。", 2000) + "政府信息公开"
	q := mustQuery(b, "政府信息公开 审查")
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		_ = Highlight(text, q, 120)
	}
}
