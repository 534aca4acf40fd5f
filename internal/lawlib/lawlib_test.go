package lawlib

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// corpusDir finds the law library the way CI lays it out: shared/ beside the repository.
func corpusDir(tb testing.TB) string {
	tb.Helper()
	for _, p := range []string{"../../../shared", "../../../../shared"} {
		dir := filepath.Join(p, "corpus", "laws")
		if st, err := os.Stat(dir); err == nil && st.IsDir() {
			return dir
		}
	}
	tb.Skip("../shared/corpus/laws 不存在，跳过语料测试")
	return ""
}

func TestParse(t *testing.T) {
	src := "\ufeff---\ntitle: x\n---\n# 某某条例\n\n2020年1月1日 国务院令第1号公布\r\n\n<!-- INFO END -->\n\n" +
		"为了规范某某工作，制定本条例。\n\n" +
		"## 第一章  总  则\n\n" +
		"\u200b\n第一条 总的规定。依照本条例第三十条的规定处理。\n\n" +
		"第三人参加的，另行规定。\n\n" +
		"（一）第一项；\n\n" +
		"**第二条** 加粗的条。\n\n" +
		"## 第二章 **程序**\n\n### 第一节 申请\n\n" +
		"　第三条　全角空格。\n\n" +
		"第三条之一 插入的条。\n\n" +
		"第四条\n\n条号单独成行。\n\n" +
		"第五条的规定不是条的开始\n"
	law, err := Parse("行政法规/某某条例(2020-01-01).md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct{ name, got, want string }{
		{"Title", law.Title, "某某条例"},
		{"Category", law.Category, "行政法规"},
		{"Version", law.Version, "2020-01-01"},
		{"Path", law.Path, "行政法规/某某条例(2020-01-01).md"},
		{"Info", law.Info, "2020年1月1日 国务院令第1号公布"},
		{"Preamble", law.Preamble, "为了规范某某工作，制定本条例。"},
	}
	for _, c := range checks {
		if c.got != c.want {
			t.Errorf("%s = %q, want %q", c.name, c.got, c.want)
		}
	}
	if !strings.HasPrefix(law.Text, "# 某某条例\n") || strings.Contains(law.Text, "\r") {
		t.Errorf("Text keeps front matter or lost the heading: %.40q", law.Text)
	}
	want := []Article{
		{Number: "第一条", Seq: 1, Chapter: "第一章 总则", Text: "总的规定。依照本条例第三十条的规定处理。\n第三人参加的，另行规定。\n（一）第一项；"},
		{Number: "第二条", Seq: 2, Chapter: "第一章 总则", Text: "加粗的条。"},
		{Number: "第三条", Seq: 3, Chapter: "第二章 程序", Section: "第一节 申请", Text: "全角空格。"},
		{Number: "第三条之一", Seq: 3, Sub: 1, Chapter: "第二章 程序", Section: "第一节 申请", Text: "插入的条。"},
		{Number: "第四条", Seq: 4, Chapter: "第二章 程序", Section: "第一节 申请", Text: "条号单独成行。\n第五条的规定不是条的开始"},
	}
	if !slices.Equal(law.Articles, want) {
		t.Errorf("Articles:\n%+v\nwant\n%+v", law.Articles, want)
	}
	if a, ok := law.ArticleBySeq(3, 1); !ok || a.Number != "第三条之一" {
		t.Errorf("ArticleBySeq(3, 1) = %+v, %v", a, ok)
	}
	if _, ok := law.ArticleBySeq(9, 0); ok {
		t.Error("ArticleBySeq(9, 0) found an article")
	}
}

func TestParseFallbacks(t *testing.T) {
	tests := []struct {
		path, src                          string
		title, category, version, preamble string
		articles                           int
	}{
		{"刑法/刑法.md", "第一条 没有标题。\n", "刑法", "刑法", "", "", 1},
		{"a(2020-02-30).md", "# A\n", "A", "", "", "", 0},           // impossible date: no version
		{"b（2021-03-01）.md", "# B\n", "B", "", "2021-03-01", "", 0}, // full-width brackets
		{"x/_index.md", "---\nbookCollapseSection: true\n---", "x", "x", "", "", 0},
		{"c.md", "# C\n\n正文没有信息块。\n\n第一条 有条。\n", "C", "", "", "正文没有信息块。", 1},
		{"d.md", "# D\n\n<!-- INFO END -->\n\n## 基本案情\n\n案情。\n", "D", "", "", "基本案情\n案情。", 0},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			law, err := Parse(tt.path, []byte(tt.src))
			if err != nil {
				t.Fatal(err)
			}
			if law.Title != tt.title || law.Category != tt.category || law.Version != tt.version ||
				law.Preamble != tt.preamble || len(law.Articles) != tt.articles {
				t.Errorf("got title=%q category=%q version=%q preamble=%q articles=%d", law.Title, law.Category,
					law.Version, law.Preamble, len(law.Articles))
			}
		})
	}
}

func TestParseInvalidUTF8(t *testing.T) {
	if _, err := Parse("bad.md", []byte("# \xff\xfe")); err == nil || !strings.Contains(err.Error(), "UTF-8") {
		t.Errorf("err = %v, want a UTF-8 error", err)
	}
}

func TestParseRealFiles(t *testing.T) {
	root := corpusDir(t)
	tests := []struct {
		path, title, version string
		articles             int
		seq                  int // an article to look at
		chapter, contains    string
	}{
		{"诉讼与非诉讼程序法/行政复议法(2023-09-01).md", "中华人民共和国行政复议法", "2023-09-01", 90, 30, "第三章 行政复议受理", "五日"},
		{"诉讼与非诉讼程序法/行政复议法(2017-09-01).md", "中华人民共和国行政复议法", "2017-09-01", 43, 17, "第四章 行政复议受理", "五日"},
		{"行政法规/政府信息公开条例(2019-04-03).md", "中华人民共和国政府信息公开条例", "2019-04-03", 56, 33, "第四章 依申请公开", "20个工作日"},
		{"宪法/宪法.md", "中华人民共和国宪法", "", 143, 62, "第三章 国家机构", "全国人民代表大会"},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			law, err := ParseFile(root, tt.path)
			if err != nil {
				t.Fatal(err)
			}
			if law.Title != tt.title || law.Version != tt.version || len(law.Articles) != tt.articles {
				t.Fatalf("title=%q version=%q articles=%d", law.Title, law.Version, len(law.Articles))
			}
			for i, a := range law.Articles {
				if a.Seq != i+1 || a.Sub != 0 {
					t.Fatalf("article %d is %s (seq %d)", i+1, a.Number, a.Seq)
				}
			}
			a, ok := law.ArticleBySeq(tt.seq, 0)
			if !ok || a.Chapter != tt.chapter || !strings.Contains(a.Text, tt.contains) {
				t.Errorf("article %d = %+v", tt.seq, a)
			}
		})
	}

	// 行政复议法第三十条: its references to itself must not have split anything.
	law, _ := ParseFile(root, "诉讼与非诉讼程序法/行政复议法(2023-09-01).md")
	if a := law.Articles[29]; a.Number != "第三十条" || !strings.HasPrefix(a.Text, "行政复议机关收到行政复议申请后，应当在五日内进行审查") {
		t.Errorf("第三十条 = %+v", a)
	}
	if !strings.Contains(law.Info, "2023年9月1日") {
		t.Errorf("Info = %q", law.Info)
	}

	// 宪法: preamble under ## 序言, articles grouped in 节.
	law, _ = ParseFile(root, "宪法/宪法.md")
	if !strings.HasPrefix(law.Preamble, "序言\n中国是世界上历史最悠久的国家之一") {
		t.Errorf("宪法 Preamble = %.40q", law.Preamble)
	}
	if a, _ := law.ArticleBySeq(85, 0); a.Section != "第三节 国务院" {
		t.Errorf("宪法第八十五条 Section = %q", a.Section)
	}

	// 民法典 part: a second title, 编 and 分编 carried on each article.
	law, _ = ParseFile(root, "民法典/合同编.md")
	a, _ := law.ArticleBySeq(463, 0)
	if law.Subtitle != "合同编" || law.Key() != "中华人民共和国民法典 合同编" ||
		a.Part != "合同编 第一分编 通则" || a.Chapter != "第一章 一般规定" {
		t.Errorf("合同编: subtitle=%q key=%q first=%+v", law.Subtitle, law.Key(), a)
	}

	// 刑法: 编, 之一 articles, and the closing 附则 outside 第二编.
	law, _ = ParseFile(root, "刑法/刑法.md")
	a, ok := law.ArticleBySeq(120, 1)
	if !ok || a.Number != "第一百二十条之一" || a.Part != "第二编 分则" {
		t.Errorf("刑法第一百二十条之一 = %+v", a)
	}
	last := law.Articles[len(law.Articles)-1]
	if last.Seq != 452 || last.Part != "" || last.Chapter != "附则" {
		t.Errorf("刑法 last article = %+v", last)
	}
}

func TestWalkCorpus(t *testing.T) {
	root := corpusDir(t)
	laws, err := Walk(root)
	if err != nil {
		t.Fatalf("Walk: %v", err)
	}
	if len(laws) != 1584 {
		t.Fatalf("Walk found %d files, want 1584", len(laws))
	}
	if !slices.IsSortedFunc(laws, func(a, b Law) int { return strings.Compare(a.Path, b.Path) }) {
		t.Error("Walk order is not by path")
	}
	articles, index := 0, 0
	for _, l := range laws {
		if l.IsIndex() {
			index++
			continue
		}
		if l.Title == "" || strings.HasPrefix(l.Title, "#") {
			t.Errorf("%s: title %q", l.Path, l.Title)
		}
		if len(l.Articles) == 0 && l.Preamble == "" {
			t.Errorf("%s: neither articles nor text", l.Path)
		}
		// Article numbers never go back: a split at a reference would break this.
		prev := Article{}
		for _, a := range l.Articles {
			if a.Seq < prev.Seq || (a.Seq == prev.Seq && a.Sub <= prev.Sub) {
				t.Errorf("%s: %s after %s", l.Path, a.Number, prev.Number)
				break
			}
			if strings.TrimSpace(a.Text) == "" {
				t.Errorf("%s: %s has no text", l.Path, a.Number)
			}
			prev = a
		}
		articles += len(l.Articles)
	}
	if index != 20 || articles < 60000 {
		t.Errorf("index pages %d (want 20), articles %d (want > 60000)", index, articles)
	}

	g := GroupVersions(laws)
	vs := g["中华人民共和国行政复议法"]
	if len(vs) != 2 || vs[0].Version != "2017-09-01" || vs[1].Version != "2023-09-01" {
		t.Errorf("行政复议法 versions: %d", len(vs))
	}
	if len(g["中华人民共和国民法典 合同编"]) != 1 {
		t.Errorf("民法典 parts were grouped together")
	}
}

func TestWalkErrors(t *testing.T) {
	if _, err := Walk(filepath.Join(t.TempDir(), "none")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Walk of a missing folder: %v, want fs.ErrNotExist", err)
	}
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "行政法"), 0o755)
	os.WriteFile(filepath.Join(dir, "行政法", "甲法(2020-01-01).md"), []byte("# 甲法\n\n第一条 甲。\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "行政法", "乙法.md"), []byte("# \xff"), 0o644)
	os.WriteFile(filepath.Join(dir, "readme.txt"), []byte("x"), 0o644)
	laws, err := Walk(dir)
	if err == nil || !strings.Contains(err.Error(), "乙法.md") {
		t.Errorf("err = %v, want one naming 乙法.md", err)
	}
	if len(laws) != 1 || laws[0].Path != "行政法/甲法(2020-01-01).md" || laws[0].Category != "行政法" {
		t.Errorf("laws = %+v", laws)
	}
}

func TestGroupVersions(t *testing.T) {
	laws := []Law{
		{Title: "甲法", Version: "2023-01-01", Path: "b/甲法(2023-01-01).md"},
		{Title: "甲法", Version: "2017-01-01", Path: "a/甲法(2017-01-01).md"},
		{Title: "甲法", Version: "", Path: "a/甲法.md"},
		{Title: "甲法", Version: "2023-01-01", Path: "a/甲法(2023-01-01).md"},
		{Title: "乙法", Version: "2000-01-01", Path: "乙法(2000-01-01).md"},
		{Title: "民法典", Subtitle: "总则", Path: "民法典/总则.md"},
		{Title: "民法典", Subtitle: "物权编", Path: "民法典/物权编.md"},
		{Title: "x", Path: "x/_index.md"},
	}
	g := GroupVersions(laws)
	var paths []string
	for _, l := range g["甲法"] {
		paths = append(paths, l.Path)
	}
	want := []string{"a/甲法.md", "a/甲法(2017-01-01).md", "a/甲法(2023-01-01).md", "b/甲法(2023-01-01).md"}
	if !slices.Equal(paths, want) {
		t.Errorf("甲法 = %q, want %q", paths, want)
	}
	if len(g) != 4 || len(g["民法典 总则"]) != 1 || len(g["民法典 物权编"]) != 1 || len(g["x"]) != 0 {
		t.Errorf("groups: %v", len(g))
	}
}

func BenchmarkWalk(b *testing.B) {
	root := corpusDir(b)
	for b.Loop() {
		if _, err := Walk(root); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseLargest(b *testing.B) {
	root := corpusDir(b)
	src, err := os.ReadFile(filepath.Join(root, "司法解释", "人民检察院刑事诉讼规则(2019-12-02).md"))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		if _, err := Parse("司法解释/人民检察院刑事诉讼规则(2019-12-02).md", src); err != nil {
			b.Fatal(err)
		}
	}
}
