package search

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestTokenString(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"only punctuation", "，。、；：“”《》——……", ""},
		{"one CJK char", "法", "法"},
		{"two CJK chars", "复议", "复议 议"},
		{"bigrams plus trailing unigram", "政府信息公开", "政府 府信 信息 息公 公开 开"},
		{"punctuation ends a run", "申请，受理。", "申请 请 受理 理"},
		{"single chars between punctuation", "（一）", "一"},
		{"space between CJK joins", "第一章 总 则", "第一 一章 章总 总则 则"},
		{"ideographic space between CJK joins", "总\u3000则", "总则 则"},
		{"line break ends a run", "行政\n复议", "行政 政 复议 议"},
		{"zero-width space ignored", "行\u200b政", "行政 政"},
		{"Latin lowercased", "WTO Rules", "wto rules"},
		{"full-width letters and digits", "ＡＢＣ１２３", "abc123"},
		{"full-width punctuation separates", "ＧＢ／Ｔ　９７０４—2012", "gb t 9704 2012"},
		{"script change", "依照本法第3条规定", "依照 照本 本法 法第 第 3 条规 规定 定"},
		{"year", "2019年度报告", "2019 年度 度报 报告 告"},
		{"ideographic zero", "二〇二三年", "二〇 〇二 二三 三年 年"},
		{"kana", "カタカナ", "カタ タカ カナ ナ"},
		{"markdown markup dropped", "## 第一章 **总则**", "第一 一章 章 总则 则"},
		{"html dropped", "<b>信息</b>", "b 信息 息 b"},
		{"accented Latin", "Café", "café"},
		{"long word truncated", strings.Repeat("a", 70), strings.Repeat("a", maxWordRunes)},
		{"kangxi radical is not CJK", "⼀", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := TokenString(tt.in); got != tt.want {
				t.Errorf("TokenString(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got, want := Tokens(tt.in), strings.Fields(tt.want); !slices.Equal(got, want) {
				t.Errorf("Tokens(%q) = %q, want %q", tt.in, got, want)
			}
		})
	}
}

// Every token must survive SQLite's unicode61 and PostgreSQL's parser as one word: letters and digits only.
func TestTokensAreSingleWords(t *testing.T) {
	text := "《中华人民共和国行政复议法》第三十条：ＧＢ/T 9704-2012，PM2.5；电子邮件 a@b.cn、网址 https://x.gov.cn/a?b=1&c=2 ①②Ⅲ ½ — O'Neil"
	for _, tok := range Tokens(text) {
		for _, r := range tok {
			if c := classify(r); c != classCJK && c != classWord {
				t.Errorf("token %q contains %q (class %d)", tok, r, c)
			}
		}
	}
}

func corpusDir(tb testing.TB) string {
	tb.Helper()
	dir := corpusDirOrEmpty()
	if dir == "" {
		tb.Skip("../shared/corpus/laws 不存在，跳过语料测试")
	}
	return dir
}

func BenchmarkTokenString(b *testing.B) {
	// The largest text in the library (~300 KB).
	src, err := os.ReadFile(filepath.Join(corpusDir(b), "司法解释", "人民检察院刑事诉讼规则(2019-12-02).md"))
	if err != nil {
		b.Fatal(err)
	}
	text := string(src)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		_ = TokenString(text)
	}
}

func BenchmarkTokens(b *testing.B) {
	src, err := os.ReadFile(filepath.Join(corpusDir(b), "司法解释", "人民检察院刑事诉讼规则(2019-12-02).md"))
	if err != nil {
		b.Fatal(err)
	}
	text := string(src)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		_ = Tokens(text)
	}
}
