package normdoc

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/fazhi/fazhi/internal/lawlib"
)

// Article is one unit of a document's text: an article (第三条), a numbered part (三、) or a paragraph.
type Article struct {
	Label string // 第三条 / 三、 / 第3段 / 序言
	Num   int
	Text  string // the text without its label
}

var (
	articleRe = regexp.MustCompile(`^第([一二三四五六七八九十百千零〇两0-9０-９]+)条(?:之[一二三四五六七八九十]+)?[\s　]*`)
	partRe    = regexp.MustCompile(`^([一二三四五六七八九十百]+)、`)
	headingRe = regexp.MustCompile(`^第[一二三四五六七八九十百零〇]+[章节编][\s　]`)
)

// SplitArticles splits a text at lines starting with 第…条; a text without such articles is split at
// 一、二、… headings, and failing that into paragraphs. Chapter and section headings (第一章 总则) are
// kept out of the articles; text before the first article is the preamble (序言).
func SplitArticles(text string) []Article {
	lines := cleanLines(text)
	if arts := splitBy(lines, articleRe, func(m []string, line string) (string, int) {
		n, _ := lawlib.ChineseNumber(m[1])
		return strings.TrimSpace(strings.TrimRight(line[:len(m[0])], " \u3000")), n
	}); countNumbered(arts) >= 2 {
		return arts
	}
	if arts := splitBy(lines, partRe, func(m []string, _ string) (string, int) {
		n, _ := lawlib.ChineseNumber(m[1])
		return m[0], n
	}); countNumbered(arts) >= 2 {
		return arts
	}
	var out []Article
	for i, l := range lines {
		out = append(out, Article{Label: "第" + itoa(i+1) + "段", Num: i + 1, Text: l})
	}
	return out
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

func cleanLines(text string) []string {
	var out []string
	for _, l := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		l = strings.TrimFunc(l, func(r rune) bool { return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' })
		if l != "" {
			out = append(out, l)
		}
	}
	return out
}

func countNumbered(arts []Article) int {
	n := 0
	for _, a := range arts {
		if a.Num > 0 {
			n++
		}
	}
	return n
}

func splitBy(lines []string, re *regexp.Regexp, label func(m []string, line string) (string, int)) []Article {
	var out []Article
	var cur *Article
	for _, l := range lines {
		if headingRe.MatchString(l) {
			continue
		}
		if m := re.FindStringSubmatch(l); m != nil {
			lab, n := label(m, l)
			out = append(out, Article{Label: lab, Num: n, Text: strings.TrimSpace(l[len(m[0]):])})
			cur = &out[len(out)-1]
			continue
		}
		if cur == nil {
			out = append(out, Article{Label: "序言", Text: l})
			cur = &out[len(out)-1]
			continue
		}
		cur.Text += "\n" + l
	}
	return out
}

// Op is the kind of a change.
type Op string

const (
	OpSame    Op = "same"
	OpChanged Op = "changed"
	OpAdded   Op = "added"
	OpDeleted Op = "deleted"
)

// Label is the Chinese name.
func (o Op) Label() string {
	return map[Op]string{OpSame: "未修改", OpChanged: "修改", OpAdded: "新增", OpDeleted: "删除"}[o]
}

// Segment is a run of characters of a changed article: kept, inserted or deleted.
type Segment struct {
	Op   string // "=", "+", "-"
	Text string
}

// ArticleChange is one article of the comparison.
type ArticleChange struct {
	Op       Op
	Old, New *Article
	Segments []Segment // for changed articles
}

// DiffSummary counts the changes.
type DiffSummary struct {
	Same, Changed, Added, Deleted int
}

// DiffArticles compares two texts article by article. Unchanged articles are matched by their text
// (so renumbering alone is no change); between matches, old and new articles are paired in order
// when similar enough to be the same article amended, otherwise reported as deleted and added.
func DiffArticles(oldText, newText string) ([]ArticleChange, DiffSummary) {
	a, b := SplitArticles(oldText), SplitArticles(newText)
	pairs := lcsPairs(len(a), len(b), func(i, j int) bool { return a[i].Text == b[j].Text })
	var out []ArticleChange
	var sum DiffSummary
	i, j := 0, 0
	flush := func(ie, je int) {
		for i < ie || j < je {
			switch {
			case i < ie && j < je && similar(a[i].Text, b[j].Text):
				out = append(out, ArticleChange{Op: OpChanged, Old: &a[i], New: &b[j], Segments: charDiff(a[i].Text, b[j].Text)})
				sum.Changed++
				i++
				j++
			case i < ie && (j >= je || !anySimilar(a[i].Text, b[j:je])):
				out = append(out, ArticleChange{Op: OpDeleted, Old: &a[i]})
				sum.Deleted++
				i++
			default:
				out = append(out, ArticleChange{Op: OpAdded, New: &b[j]})
				sum.Added++
				j++
			}
		}
	}
	for _, p := range pairs {
		flush(p[0], p[1])
		out = append(out, ArticleChange{Op: OpSame, Old: &a[i], New: &b[j]})
		sum.Same++
		i, j = i+1, j+1
	}
	flush(len(a), len(b))
	return out, sum
}

func anySimilar(s string, arts []Article) bool {
	for _, x := range arts {
		if similar(s, x.Text) {
			return true
		}
	}
	return false
}

// similar: the two texts share at least 40% of their character bigrams (Dice coefficient).
func similar(x, y string) bool {
	bx, by := bigrams(x), bigrams(y)
	if len(bx) == 0 || len(by) == 0 {
		return false
	}
	common := 0
	for k, n := range bx {
		common += min(n, by[k])
	}
	total := 0
	for _, n := range bx {
		total += n
	}
	for _, n := range by {
		total += n
	}
	return 2*common*10 >= 4*total
}

func bigrams(s string) map[string]int {
	rs := []rune(s)
	out := map[string]int{}
	for i := 0; i+1 < len(rs); i++ {
		out[string(rs[i:i+2])]++
	}
	return out
}

// lcsPairs returns the index pairs of a longest common subsequence under eq.
func lcsPairs(n, m int, eq func(i, j int) bool) [][2]int {
	dp := make([][]int, n+1)
	for i := range dp {
		dp[i] = make([]int, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if eq(i, j) {
				dp[i][j] = dp[i+1][j+1] + 1
			} else {
				dp[i][j] = max(dp[i+1][j], dp[i][j+1])
			}
		}
	}
	var out [][2]int
	for i, j := 0, 0; i < n && j < m; {
		switch {
		case eq(i, j):
			out = append(out, [2]int{i, j})
			i++
			j++
		case dp[i+1][j] >= dp[i][j+1]:
			i++
		default:
			j++
		}
	}
	return out
}

// maxCharDiff bounds the character diff of one article (runes × runes cells).
const maxCharDiff = 1_000_000

// charDiff is a character-level diff of two article texts, merged into runs.
func charDiff(x, y string) []Segment {
	a, b := []rune(x), []rune(y)
	if len(a)*len(b) > maxCharDiff {
		return []Segment{{"-", x}, {"+", y}}
	}
	pairs := lcsPairs(len(a), len(b), func(i, j int) bool { return a[i] == b[j] })
	var out []Segment
	push := func(op string, rs []rune) {
		if len(rs) == 0 {
			return
		}
		if n := len(out); n > 0 && out[n-1].Op == op {
			out[n-1].Text += string(rs)
			return
		}
		out = append(out, Segment{op, string(rs)})
	}
	i, j := 0, 0
	for _, p := range pairs {
		push("-", a[i:p[0]])
		push("+", b[j:p[1]])
		push("=", a[p[0]:p[0]+1])
		i, j = p[0]+1, p[1]+1
	}
	push("-", a[i:])
	push("+", b[j:])
	return out
}
