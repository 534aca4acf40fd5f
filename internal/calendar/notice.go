package calendar

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// YearNotice is one year's State Council holiday notice: Off = rest days (holiday blocks, may include
// weekends), Work = 调休 make-up working days (weekend days that are working days).
// An Off date may lie in the neighbouring year (2023's 元旦 starts 2022-12-31); it is stored under the
// notice's year but applies to its own date.
type YearNotice struct {
	Year   int
	Off    []Date
	Work   []Date
	Source string
}

// builtinText is the machine-readable summary of legal-rules.md §10, verbatim.
const builtinText = `
2022 off: 2022-01-01..01-03, 01-31..02-06, 04-03..04-05, 04-30..05-04, 06-03..06-05, 09-10..09-12, 10-01..10-07
2022 work: 01-29, 01-30, 04-02, 04-24, 05-07, 10-08, 10-09
2023 off: 2022-12-31..2023-01-02, 01-21..01-27, 04-05, 04-29..05-03, 06-22..06-24, 09-29..10-06
2023 work: 01-28, 01-29, 04-23, 05-06, 06-25, 10-07, 10-08
2024 off: 2023-12-30..2024-01-01, 02-10..02-17, 04-04..04-06, 05-01..05-05, 06-08..06-10, 09-15..09-17, 10-01..10-07
2024 work: 02-04, 02-18, 04-07, 04-28, 05-11, 09-14, 09-29, 10-12
2025 off: 01-01, 01-28..02-04, 04-04..04-06, 05-01..05-05, 05-31..06-02, 10-01..10-08
2025 work: 01-26, 02-08, 04-27, 09-28, 10-11
2026 off: 01-01..01-03, 02-15..02-23, 04-04..04-06, 05-01..05-05, 06-19..06-21, 09-25..09-27, 10-01..10-07
2026 work: 01-04, 02-14, 02-28, 05-09, 09-20, 10-10
`

var builtinSources = map[int]string{
	2022: "国务院办公厅关于2022年部分节假日安排的通知（国办发明电〔2021〕11号）",
	2023: "国务院办公厅关于2023年部分节假日安排的通知（2022年12月8日）",
	2024: "国务院办公厅关于2024年部分节假日安排的通知（国办发明电〔2023〕7号）",
	2025: "国务院办公厅关于2025年部分节假日安排的通知（国办发明电〔2024〕12号）",
	2026: "国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日，文号待核实）",
}

// Builtin returns the notices for 2022–2026. Each call returns fresh slices.
func Builtin() []YearNotice {
	ns := builtinNotices()
	out := make([]YearNotice, len(ns))
	for i, n := range ns {
		n.Off, n.Work = slices.Clone(n.Off), slices.Clone(n.Work)
		out[i] = n
	}
	return out
}

// builtinNotices parses the shipped text once; Builtin hands out copies.
var builtinNotices = sync.OnceValue(func() []YearNotice {
	ns, err := ParseNotices(strings.NewReader(builtinText))
	if err != nil {
		panic("calendar: 内置节假日数据有误：" + err.Error())
	}
	for i := range ns {
		ns[i].Source = builtinSources[ns[i].Year]
	}
	return ns
})

// ParseError reports a bad line of a notice text; Line is 1-based.
type ParseError struct {
	Line int
	Msg  string
}

func (e *ParseError) Error() string { return fmt.Sprintf("第%d行：%s", e.Line, e.Msg) }

// maxRange bounds one "a..b" range; a holiday block is never near this long, so longer means a typo.
const maxRange = 31

// ParseNotices reads notices in the text format of legal-rules.md §10:
//
//	2027 off: 01-01..01-03, 2026-12-31..2027-01-02, 04-05
//	2027 work: 01-04
//	2027 source: 国办发明电〔2026〕1号   (optional)
//
// MM-DD means the line's year; YYYY-MM-DD may name the previous or next year; ".." gives an inclusive
// range. Blank lines and lines starting with # are ignored. Each year needs exactly one off and one work
// line (either may be empty); overlapping ranges on a line are merged. Work days must be Saturdays or
// Sundays, and no date may be both off and work. Notices come back sorted by year with sorted dates.
func ParseNotices(r io.Reader) ([]YearNotice, error) {
	type acc struct {
		n                 YearNotice
		offLine, workLine int
		srcLine           int
		seen              map[Date]int // date -> line, to catch duplicates and off/work clashes
	}
	years := map[int]*acc{}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	lineNo := 0
	for sc.Scan() {
		lineNo++
		line := strings.TrimSpace(sc.Text())
		if lineNo == 1 {
			line = strings.TrimPrefix(line, "\ufeff")
		}
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		perr := func(format string, a ...any) error {
			return &ParseError{Line: lineNo, Msg: fmt.Sprintf(format, a...)}
		}
		i := strings.IndexAny(line, ":：") // full-width colon too, the source text keeps its own
		if i < 0 {
			return nil, perr("缺少冒号，应为“2027 off: 01-01..01-03”的形式")
		}
		_, w := utf8.DecodeRuneInString(line[i:])
		head, body := line[:i], line[i+w:]
		f := strings.Fields(head)
		if len(f) != 2 {
			return nil, perr("行首应为“年份 off”、“年份 work”或“年份 source”，实为%q", strings.TrimSpace(head))
		}
		year, err := strconv.Atoi(f[0])
		if err != nil || year < 1900 || year > 2999 {
			return nil, perr("年份无效：%q", f[0])
		}
		a := years[year]
		if a == nil {
			a = &acc{n: YearNotice{Year: year}, seen: map[Date]int{}}
			years[year] = a
		}
		kind := strings.ToLower(f[1])
		body = strings.TrimSpace(body)
		switch kind {
		case "source":
			if a.srcLine != 0 {
				return nil, perr("%d年的 source 行重复（已见于第%d行）", year, a.srcLine)
			}
			a.srcLine = lineNo
			a.n.Source = body
			continue
		case "off":
			if a.offLine != 0 {
				return nil, perr("%d年的 off 行重复（已见于第%d行）", year, a.offLine)
			}
			a.offLine = lineNo
		case "work":
			if a.workLine != 0 {
				return nil, perr("%d年的 work 行重复（已见于第%d行）", year, a.workLine)
			}
			a.workLine = lineNo
		default:
			return nil, perr("未知的类别%q，应为 off（放假）、work（调休上班）或 source（来源）", f[1])
		}
		if body == "" {
			continue
		}
		body = strings.ReplaceAll(body, "，", ",")
		for _, item := range strings.Split(body, ",") {
			item = strings.TrimSpace(item)
			if item == "" {
				return nil, perr("存在空的日期项（多余的逗号）")
			}
			dates, err := parseItem(year, item)
			if err != nil {
				return nil, perr("%s", err.Error())
			}
			for _, d := range dates {
				if prev, dup := a.seen[d]; dup {
					if prev == lineNo {
						continue // overlapping ranges on one line are harmless
					}
					return nil, perr("日期 %s 已出现在第%d行（同一日期不能既放假又上班）", d, prev)
				}
				a.seen[d] = lineNo
				if kind == "work" {
					if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
						return nil, perr("调休上班日 %s 是%s，应为周六或周日", d, weekdayZh[wd])
					}
					a.n.Work = append(a.n.Work, d)
				} else {
					a.n.Off = append(a.n.Off, d)
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		if errors.Is(err, bufio.ErrTooLong) {
			return nil, &ParseError{Line: lineNo + 1, Msg: "行过长"}
		}
		return nil, fmt.Errorf("读取节假日安排失败：%w", err)
	}
	accs := make([]*acc, 0, len(years))
	for _, a := range years {
		accs = append(accs, a)
	}
	slices.SortFunc(accs, func(x, y *acc) int { return cmp(x.n.Year, y.n.Year) })
	out := make([]YearNotice, 0, len(years))
	for _, a := range accs {
		switch {
		case a.offLine == 0:
			return nil, &ParseError{Line: slices.Min(nonZero(a.workLine, a.srcLine)), Msg: fmt.Sprintf("%d年缺少 off（放假）行", a.n.Year)}
		case a.workLine == 0:
			return nil, &ParseError{Line: a.offLine, Msg: fmt.Sprintf("%d年缺少 work（调休上班）行；没有调休时写“%d work:”", a.n.Year, a.n.Year)}
		}
		slices.SortFunc(a.n.Off, Date.Compare)
		slices.SortFunc(a.n.Work, Date.Compare)
		out = append(out, a.n)
	}
	return out, nil
}

func nonZero(xs ...int) []int {
	var out []int
	for _, x := range xs {
		if x != 0 {
			out = append(out, x)
		}
	}
	return out
}

var weekdayZh = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// parseItem reads "MM-DD", "YYYY-MM-DD" or a range of two of them joined by "..".
func parseItem(year int, item string) ([]Date, error) {
	lo, hi, isRange := strings.Cut(item, "..")
	a, err := parseNoticeDate(year, strings.TrimSpace(lo))
	if err != nil {
		return nil, err
	}
	if !isRange {
		return []Date{a}, nil
	}
	b, err := parseNoticeDate(year, strings.TrimSpace(hi))
	if err != nil {
		return nil, err
	}
	if b.Before(a) {
		return nil, fmt.Errorf("日期范围 %s 的终点早于起点", item)
	}
	if n := a.DaysUntil(b) + 1; n > maxRange {
		return nil, fmt.Errorf("日期范围 %s 长达%d天，超过%d天，疑为笔误", item, n, maxRange)
	}
	var out []Date
	for d := a; !d.After(b); d = d.AddDays(1) {
		out = append(out, d)
	}
	return out, nil
}

func parseNoticeDate(year int, s string) (Date, error) {
	full := s
	switch len(s) {
	case 5: // MM-DD of the line's year
		full = fmt.Sprintf("%04d-%s", year, s)
	case 10:
	default:
		return Date{}, fmt.Errorf("日期%q格式有误，应为 月-日（例如 01-05）或 年-月-日（例如 2026-12-31）", s)
	}
	d, err := ParseDate(full)
	if err != nil {
		return Date{}, fmt.Errorf("日期%q无效", s)
	}
	if d.Year < year-1 || d.Year > year+1 {
		return Date{}, fmt.Errorf("日期 %s 不在%d年及相邻年份内", d, year)
	}
	return d, nil
}

// FormatNotice writes n in the ParseNotices format: an off line and a work line, consecutive dates
// collapsed into ranges, each line ending in a newline. Source is not written.
func FormatNotice(n YearNotice) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d off:%s\n", n.Year, formatDates(n.Year, n.Off))
	fmt.Fprintf(&b, "%d work:%s\n", n.Year, formatDates(n.Year, n.Work))
	return b.String()
}

func formatDates(year int, ds []Date) string {
	ds = slices.Clone(ds)
	slices.SortFunc(ds, Date.Compare)
	ds = slices.Compact(ds)
	short := func(d Date) string {
		if d.Year == year {
			return d.String()[5:]
		}
		return d.String()
	}
	var parts []string
	for i := 0; i < len(ds); {
		j := i
		for j+1 < len(ds) && ds[j].AddDays(1) == ds[j+1] && ds[i].DaysUntil(ds[j+1]) < maxRange {
			j++
		}
		switch {
		case i == j:
			parts = append(parts, short(ds[i]))
		case ds[i].Year == year && ds[j].Year == year:
			parts = append(parts, short(ds[i])+".."+short(ds[j]))
		default: // a block crossing the year boundary is clearer with both years written
			parts = append(parts, ds[i].String()+".."+ds[j].String())
		}
		i = j + 1
	}
	if len(parts) == 0 {
		return ""
	}
	return " " + strings.Join(parts, ", ")
}
