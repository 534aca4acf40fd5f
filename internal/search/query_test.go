package search

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestParseQuery(t *testing.T) {
	tests := []struct {
		in   string
		want []Term
	}{
		{"复议", []Term{{Text: "复议"}}},
		{"  复议  听证 ", []Term{{Text: "复议"}, {Text: "听证"}}},
		{"复议 -听证", []Term{{Text: "复议"}, {Text: "听证", Negate: true}}},
		{"复议　－听证", []Term{{Text: "复议"}, {Text: "听证", Negate: true}}},
		{`"行政 复议"`, []Term{{Text: "行政 复议", Phrase: true}}},
		{`“信息 公开” -"不予 公开"`, []Term{{Text: "信息 公开", Phrase: true}, {Text: "不予 公开", Phrase: true, Negate: true}}},
		{`"信息公开”`, []Term{{Text: "信息公开", Phrase: true}}},
		{`申请"依法 公开"`, []Term{{Text: "申请"}, {Text: "依法 公开", Phrase: true}}},
		{"ＧＢ／Ｔ　９７０４", []Term{{Text: "GB/T"}, {Text: "9704"}}},
		{"复议 - ，，", []Term{{Text: "复议"}}},
		{"--听证 复议", []Term{{Text: "-听证", Negate: true}, {Text: "复议"}}},
		{"covid-19", []Term{{Text: "covid-19"}}},
		{strings.Repeat("法", MaxQueryRunes), []Term{{Text: strings.Repeat("法", MaxQueryRunes)}}},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			q, err := ParseQuery(tt.in)
			if err != nil {
				t.Fatalf("ParseQuery(%q): %v", tt.in, err)
			}
			if !reflect.DeepEqual(q.Terms, tt.want) {
				t.Errorf("ParseQuery(%q) = %+v, want %+v", tt.in, q.Terms, tt.want)
			}
		})
	}
}

func TestParseQueryErrors(t *testing.T) {
	tests := []struct {
		in   string
		want error
	}{
		{"", ErrEmptyQuery},
		{" \u3000\t", ErrEmptyQuery},
		{strings.Repeat("法", MaxQueryRunes+1), ErrQueryTooLong},
		{`"行政 复议`, ErrUnbalancedQuote},
		{`“行政 复议`, ErrUnbalancedQuote},
		{`行政”复议`, ErrUnbalancedQuote},
		{`复议 "听证" "`, ErrUnbalancedQuote},
		{"，。！", ErrNoSearchable},
		{`""`, ErrNoSearchable},
		{"-听证", ErrOnlyExclusions},
		{`-"不予 公开" -听证`, ErrOnlyExclusions},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			q, err := ParseQuery(tt.in)
			if !errors.Is(err, tt.want) {
				t.Fatalf("ParseQuery(%q) = %+v, %v; want error %v", tt.in, q, err, tt.want)
			}
			// Messages reach the public page as they are: they must be Chinese.
			if !strings.ContainsFunc(err.Error(), func(r rune) bool { return classify(r) == classCJK }) {
				t.Errorf("error %q is not Chinese", err)
			}
		})
	}
}

func TestQueryRender(t *testing.T) {
	tests := []struct {
		in, fts5, tsquery string
	}{
		{"复议", `"复议"`, `'复议'`},
		{"政府信息公开", `"政府 府信 信息 息公 公开"`, `'政府' <-> '府信' <-> '信息' <-> '息公' <-> '公开'`},
		{`"行政 复议"`, `"行政 政复 复议"`, `'行政' <-> '政复' <-> '复议'`},
		{"行政 复议", `"行政" AND "复议"`, `'行政' & '复议'`},
		{"复议 -听证", `"复议" NOT "听证"`, `'复议' & !'听证'`},
		{`复议 -"不予 受理" 决定`, `"复议" AND "决定" NOT "不予 予受 受理"`, `'复议' & !('不予' <-> '予受' <-> '受理') & '决定'`},
		{"ＧＢ／Ｔ　９７０４", `"gb t" AND "9704"`, `'gb' <-> 't' & '9704'`},
		{"复议　－听证", `"复议" NOT "听证"`, `'复议' & !'听证'`},
		{"Ｗｔｏ规则", `"wto 规则"`, `'wto' <-> '规则'`},
		{"法", `"法"*`, `'法':*`},
		{"2019年", `"2019 年"*`, `'2019' <-> '年':*`},
		{"第3条", `"第 3 条"*`, `'第' <-> '3' <-> '条':*`},
		{"法第3条", `"法第 第 3 条"*`, `'法第' <-> '第' <-> '3' <-> '条':*`},
		{"-法 复议", `"复议" NOT "法"*`, `!'法':* & '复议'`},
		{"AND OR NOT", `"and" AND "or" AND "not"`, `'and' & 'or' & 'not'`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			q, err := ParseQuery(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if got := q.FTS5(); got != tt.fts5 {
				t.Errorf("FTS5() = %s, want %s", got, tt.fts5)
			}
			if got := q.TSQuery(); got != tt.tsquery {
				t.Errorf("TSQuery() = %s, want %s", got, tt.tsquery)
			}
		})
	}
}

func TestQuoting(t *testing.T) {
	// Tokens never contain quotes today; the escaping guards a future tokenizer change.
	q := Query{Terms: []Term{{Text: "x"}}}
	if got := q.FTS5(); got != `"x"` {
		t.Errorf("FTS5() = %s", got)
	}
	if got := tsQuote(`o'ne\`); got != `'o''ne\\'` {
		t.Errorf("tsQuote = %s", got)
	}
	if got := (Query{}).FTS5(); got != "" {
		t.Errorf("empty FTS5() = %q", got)
	}
}

// indexMatch evaluates q against a token stream the way FTS5 and tsvector do: each term is a run of
// consecutive tokens, the last one a prefix when asked.
func indexMatch(doc []string, q Query) bool {
	for _, t := range q.Terms {
		toks, prefix := t.tokens()
		found := false
		for i := 0; i+len(toks) <= len(doc) && !found; i++ {
			found = true
			for k, tok := range toks {
				d := doc[i+k]
				if d != tok && !(prefix && k == len(toks)-1 && strings.HasPrefix(d, tok)) {
					found = false
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

// substringMatch is what a user expects: the term occurs in the text (ignoring width, case and the
// separators that do not split words).
func substringMatch(text string, q Query) bool {
	skel, pos := skeleton([]rune(text))
	for _, t := range q.Terms {
		ts, _ := skeleton([]rune(t.Text))
		if (len(matches(skel, pos, ts)) > 0) == t.Negate {
			return false
		}
	}
	return true
}

// TestIndexEqualsSubstring checks the core promise: searching the token index finds exactly the texts
// that contain the query, for every substring of the sample texts (one to five characters, across
// script changes, one-character terms included).
func TestIndexEqualsSubstring(t *testing.T) {
	texts := []string{
		"第三十条 行政复议机关收到行政复议申请后，应当在五日内进行审查。",
		"依照本法第3条规定，于2019年度报告中公开。",
		"ＧＢ／Ｔ 9704-2012 党政机关公文格式",
		"第一章 总 则",
		"政府信息公开申请\n申请人",
		"X射线检查，罚款10万元以下",
		"法",
		"二〇二三年五月",
	}
	if dir := corpusDirOrEmpty(); dir != "" {
		src, err := os.ReadFile(filepath.Join(dir, "行政法规", "政府信息公开条例(2019-04-03).md"))
		if err == nil {
			texts = append(texts, string(src[:min(len(src), 3000)]))
		}
	}
	docs := make([][]string, len(texts))
	for i, s := range texts {
		docs[i] = Tokens(s)
	}
	checked := 0
	seen := map[string]bool{}
	for _, s := range texts[:8] {
		rs := []rune(s)
		for i := range rs {
			for n := 1; n <= 5 && i+n <= len(rs); n++ {
				sub := strings.TrimSpace(string(rs[i : i+n]))
				q, err := ParseQuery(`"` + sub + `"`)
				if err != nil || seen[sub] {
					continue
				}
				seen[sub] = true
				for d, text := range texts {
					want := substringMatch(text, q)
					if got := indexMatch(docs[d], q); got != want {
						t.Errorf("query %q in %.30q: index %v, substring %v (tokens of query %s)", sub, text, got, want, q.FTS5())
					}
					if got := q.Matches("", text); got != want {
						t.Errorf("query %q in %.30q: Matches %v, substring %v", sub, text, got, want)
					}
					checked++
				}
			}
		}
	}
	if checked < 1000 {
		t.Fatalf("only %d checks ran", checked)
	}
}

// corpusDirOrEmpty finds the law library the way CI lays it out: shared/ beside the repository.
func corpusDirOrEmpty() string {
	for _, p := range []string{"../../../shared", "../../../../shared"} {
		dir := filepath.Join(p, "corpus", "laws")
		if st, err := os.Stat(dir); err == nil && st.IsDir() {
			return dir
		}
	}
	return ""
}

func TestTSQueryLoose(t *testing.T) {
	tests := []struct{ in, want string }{
		{"政府信息公开 申请", `'政府' & '府信' & '信息' & '息公' & '公开' & '申请'`},
		{`复议 -"不予 受理" 法`, `'复议' & '法':*`},
		{"2019年", `'2019' & '年':*`},
	}
	for _, tt := range tests {
		if got := mustQuery(t, tt.in).TSQueryLoose(); got != tt.want {
			t.Errorf("TSQueryLoose(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestMatches(t *testing.T) {
	tests := []struct {
		q, title, text string
		want           bool
	}{
		{"复议 五日", "行政复议法", "应当在五日内审查", true}, // one term in the title, one in the text
		{"人民法院", "", "人民代表大会 民法典 法院", false}, // every bigram, not adjacent
		{`"总则"`, "", "第一章 总 则", true},        // spaces between CJK are skipped
		{"复议 -听证", "", "复议和听证", false},       // exclusion
		{"gb", "", "gbt 9704", false},        // Latin word boundary
		{"ＧＢ", "", "标准 GB/T", true},          // width and case folded
		{"信息公开", "", "信息，公开", false},         // punctuation is not skipped
	}
	for _, tt := range tests {
		if got := mustQuery(t, tt.q).Matches(tt.title, tt.text); got != tt.want {
			t.Errorf("Matches(%q, %q, %q) = %v", tt.q, tt.title, tt.text, got)
		}
	}
}
