// Package lawlib reads the reference library of national laws: one Markdown file per version, the
// folder is the category, the version date is in the file name (行政复议法(2023-09-01).md).
//
// File layout (LawRefBook/Laws): optional YAML front matter (only the _index.md folder pages have it),
// "# 标题" (民法典 parts carry a second "# 合同编"), the adoption and amendment history, the marker
// "<!-- INFO END -->", then the body. In the body, structure comes from headings (## 第一编 / 第一分编 /
// 第一章 / ### 第一节, or unnumbered ones such as ## 一、一般规定 in judicial interpretations) and each
// article starts a line: "第三十条 正文" (also 第一百二十条之一, optionally **bold**). References such as
// "依照本法第三十条" never start a line, so they never split an article.
package lawlib

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"
)

// Law is one version of one law as found in the library.
type Law struct {
	Title    string // first "# " heading, e.g. 中华人民共和国行政复议法
	Subtitle string // a second "# " heading before the body (民法典 parts: 合同编), else ""
	Category string // folder relative to the library root, slash-separated (行政法规, 部门规章/公安部)
	Version  string // YYYY-MM-DD from the file name, "" when the name carries no date
	Path     string // path relative to the library root, slash-separated
	Info     string // adoption and amendment history above <!-- INFO END -->, one line per event
	Preamble string // body text before the first article (序言, a decree's opening, a whole case report)
	Articles []Article
	Text     string // the full Markdown text without front matter
}

// Article is one 条. Part, Chapter and Section are normalised headings ("第五章 行政复议决定"); Part joins
// 编 and 分编 ("合同编 第一分编 通则"). Text is the article without its number, paragraphs joined by "\n".
type Article struct {
	Number  string // 第三十条, 第一百二十条之一
	Seq     int    // 30, 120
	Sub     int    // 0, or 1 for 之一
	Part    string
	Chapter string
	Section string
	Text    string
}

// IsIndex reports a folder page (_index.md): front matter only, no law.
func (l Law) IsIndex() bool { return path.Base(l.Path) == "_index.md" }

// Key is the name its versions share: the title, plus the subtitle for the parts of a code (民法典).
func (l Law) Key() string {
	if l.Subtitle != "" {
		return l.Title + " " + l.Subtitle
	}
	return l.Title
}

// ArticleBySeq finds 第seq条 (sub > 0: 之sub).
func (l Law) ArticleBySeq(seq, sub int) (Article, bool) {
	for _, a := range l.Articles {
		if a.Seq == seq && a.Sub == sub {
			return a, true
		}
	}
	return Article{}, false
}

const infoEnd = "<!-- INFO END -->"

const numerals = `零〇一二两三四五六七八九十百千万0-9０-９`

var (
	articleRe = regexp.MustCompile(`^(?:\*\*)?(第([` + numerals + `]+)条(?:之([一二三四五六七八九十]+))?)(?:\*\*)?(?:[ \t\x{3000}]+|$)`)
	structRe  = regexp.MustCompile(`^(第[` + numerals + `]+(分编|编|章|节))\s*(.*)$`)
	versionRe = regexp.MustCompile(`[(（](\d{4}-\d{2}-\d{2})[)）]$`)
)

// ParseFile reads and parses root/relPath; relPath is slash- or OS-separated.
func ParseFile(root, relPath string) (Law, error) {
	src, err := os.ReadFile(filepath.Join(root, filepath.FromSlash(relPath)))
	if err != nil {
		return Law{}, fmt.Errorf("读取法规文件 %s 失败：%w", relPath, err)
	}
	return Parse(relPath, src)
}

// Parse parses the Markdown src of the file at relPath (used for title fallback, category and version).
func Parse(relPath string, src []byte) (Law, error) {
	rel := filepath.ToSlash(relPath)
	if !utf8.Valid(src) {
		return Law{}, fmt.Errorf("法规文件 %s 不是有效的 UTF-8 文本", rel)
	}
	src = bytes.TrimPrefix(src, []byte("\ufeff"))
	text := strings.ReplaceAll(string(src), "\r\n", "\n")
	text = strings.TrimSpace(stripFrontMatter(text))

	law := Law{Path: rel, Text: text}
	if dir := path.Dir(rel); dir != "." {
		law.Category = dir
	}
	base := strings.TrimSuffix(path.Base(rel), ".md")
	if m := versionRe.FindStringSubmatch(base); m != nil {
		if _, err := time.Parse(time.DateOnly, m[1]); err == nil {
			law.Version = m[1]
		}
		base = strings.TrimSpace(base[:len(base)-len(m[0])])
	}

	lines := strings.Split(text, "\n")
	// Head: leading "# " headings, then the history up to the marker (if the file has one).
	i := 0
	for ; i < len(lines); i++ {
		t := cleanLine(lines[i])
		if t == "" {
			continue
		}
		if !strings.HasPrefix(t, "# ") {
			break
		}
		h := normalizeHeading(t[2:])
		if law.Title == "" {
			law.Title = h
		} else if law.Subtitle == "" {
			law.Subtitle = h
		}
	}
	if end := slices.IndexFunc(lines, func(s string) bool { return strings.TrimSpace(s) == infoEnd }); end >= 0 {
		var info []string
		for _, l := range lines[i:max(end, i)] {
			if t := cleanLine(l); t != "" && !strings.HasPrefix(t, "# ") {
				info = append(info, t)
			}
		}
		law.Info = strings.Join(info, "\n")
		i = max(end+1, i)
	}
	if law.Title == "" {
		law.Title = base
		if law.IsIndex() {
			law.Title = path.Base(law.Category)
			if law.Category == "" {
				law.Title = ""
			}
		}
	}
	parseBody(&law, lines[i:])
	return law, nil
}

// parseBody splits the body into preamble and articles, tracking the headings above each article.
func parseBody(law *Law, lines []string) {
	var (
		part, subpart, chapter, section string
		partLevel                       = 1 // heading level of the current 编; a subtitle counts as level 1
		cur                             *Article
		paras, preamble                 []string
	)
	if law.Subtitle != "" {
		part = law.Subtitle
	}
	finish := func() {
		if cur != nil {
			cur.Text = strings.Join(paras, "\n")
			law.Articles = append(law.Articles, *cur)
			cur, paras = nil, paras[:0]
		}
	}
	for _, raw := range lines {
		t := cleanLine(raw)
		if t == "" || (strings.HasPrefix(t, "<!--") && strings.HasSuffix(t, "-->")) {
			continue
		}
		if level := headingLevel(t); level > 0 {
			finish()
			h := normalizeHeading(t[level:])
			kind := ""
			if m := structRe.FindStringSubmatch(h); m != nil {
				kind = m[2]
			}
			switch {
			case kind == "编":
				part, subpart, chapter, section, partLevel = h, "", "", "", level
			case kind == "分编":
				subpart, chapter, section = h, "", ""
			case kind == "章":
				chapter, section = h, ""
			case kind == "节":
				section = h
			case level <= partLevel && part != "":
				// An unnumbered heading at 编 level (刑法's closing 附则) leaves the 编.
				part, subpart, chapter, section = "", "", h, ""
			case level <= 2:
				chapter, section = h, ""
			default:
				section = h
			}
			if len(law.Articles) == 0 && kind == "" {
				preamble = append(preamble, h) // 序言, 基本案情: part of the lead text
			}
			continue
		}
		if m := articleRe.FindStringSubmatch(t); m != nil {
			seq, ok := ChineseNumber(m[2])
			if ok {
				finish()
				sub := 0
				if m[3] != "" {
					sub, _ = ChineseNumber(m[3])
				}
				cur = &Article{
					Number: m[1], Seq: seq, Sub: sub,
					Part:    joinNonEmpty(part, subpart),
					Chapter: chapter, Section: section,
				}
				if rest := strings.TrimSpace(t[len(m[0]):]); rest != "" {
					paras = append(paras, rest)
				}
				continue
			}
		}
		switch {
		case cur != nil:
			paras = append(paras, t)
		case len(law.Articles) == 0:
			preamble = append(preamble, t)
		}
		// Text after a heading that follows the articles (rare appendices) stays only in Law.Text.
	}
	finish()
	law.Preamble = strings.Join(preamble, "\n")
}

// stripFrontMatter removes a leading "---" … "---" block.
func stripFrontMatter(s string) string {
	if !strings.HasPrefix(s, "---\n") {
		return s
	}
	rest := s[4:]
	for off := 0; off < len(rest); {
		nl := strings.IndexByte(rest[off:], '\n')
		line := rest[off:]
		if nl >= 0 {
			line = rest[off : off+nl]
		}
		if strings.TrimSpace(line) == "---" {
			if nl < 0 {
				return ""
			}
			return rest[off+nl+1:]
		}
		if nl < 0 {
			break
		}
		off += nl + 1
	}
	return s // unterminated: not front matter
}

// cleanLine trims spaces, the ideographic space and zero-width characters the corpus scatters around.
func cleanLine(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' || r == '\u200c' || r == '\u200d'
	})
}

// headingLevel returns the number of leading '#' of a Markdown heading, or 0.
func headingLevel(t string) int {
	n := 0
	for n < len(t) && t[n] == '#' {
		n++
	}
	if n == 0 || n > 6 || (n < len(t) && t[n] != ' ' && t[n] != '\t') {
		return 0
	}
	return n
}

// normalizeHeading drops bold markers and the spaces typesetters put between Chinese characters
// (第一章  总  则 → 第一章 总则), keeping one space after a 第…章/节/编 prefix.
func normalizeHeading(h string) string {
	h = strings.ReplaceAll(h, "**", "")
	fields := strings.Fields(h)
	var b strings.Builder
	for i, f := range fields {
		if i > 0 {
			last, _ := utf8.DecodeLastRuneInString(fields[i-1])
			first, _ := utf8.DecodeRuneInString(f)
			if !(unicode.Is(unicode.Han, last) && unicode.Is(unicode.Han, first)) {
				b.WriteByte(' ')
			}
		}
		b.WriteString(f)
	}
	h = b.String()
	if m := structRe.FindStringSubmatch(h); m != nil && m[3] != "" {
		h = m[1] + " " + m[3]
	}
	return h
}

func joinNonEmpty(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	}
	return a + " " + b
}

// Walk parses every .md file under root (folder pages _index.md included), ordered by path. Files are
// parsed concurrently; per-file errors are joined and the laws that parsed are still returned.
func Walk(root string) ([]Law, error) {
	var rels []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(d.Name(), ".md") {
			return nil
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rels = append(rels, filepath.ToSlash(rel))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("遍历法规库 %s 失败：%w", root, err)
	}
	slices.Sort(rels)
	return parseAll(rels, func(rel string) (Law, error) { return ParseFile(root, rel) })
}

// parseAll parses the files rels with parse, concurrently, in the order given; per-file errors are
// joined and the laws that parsed are still returned.
func parseAll(rels []string, parse func(rel string) (Law, error)) ([]Law, error) {
	laws := make([]Law, len(rels))
	errs := make([]error, len(rels))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), max(len(rels), 1)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for k := range jobs {
				laws[k], errs[k] = parse(rels[k])
			}
		}()
	}
	for k := range rels {
		jobs <- k
	}
	close(jobs)
	wg.Wait()

	out := laws[:0]
	for k := range laws {
		if errs[k] == nil {
			out = append(out, laws[k])
		}
	}
	return out, errors.Join(errs...)
}

// GroupVersions groups laws by Key (the title, with the subtitle for code parts), each group ordered by
// version ascending (undated first, then by path). Folder pages are left out.
func GroupVersions(laws []Law) map[string][]Law {
	g := map[string][]Law{}
	for _, l := range laws {
		if l.IsIndex() {
			continue
		}
		g[l.Key()] = append(g[l.Key()], l)
	}
	for _, vs := range g {
		slices.SortStableFunc(vs, func(a, b Law) int {
			if c := strings.Compare(a.Version, b.Version); c != 0 {
				return c
			}
			return strings.Compare(a.Path, b.Path)
		})
	}
	return g
}
