package admin

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/web"
)

// yearView is one year of the calendar in force.
type yearView struct {
	Year                 int
	Source               string
	Off, Work            string // the ranges as in the notice text
	OffDays, WorkDays    int
	Stored               bool // saved by an administrator (else built in)
	UpdatedAt, UpdatedBy string
}

// dayCell is one day of a month grid; Day 0 is an empty cell before the 1st or after the last day.
type dayCell struct {
	Day   int
	Class string // wd working day, we weekend, ho holiday, mk make-up working day
	Title string
}

type monthGrid struct {
	Month int
	Weeks [][]dayCell // Monday first
}

// dayKind classifies d under cal; off holds the notices' rest days.
func dayKind(cal *calendar.Calendar, off map[calendar.Date]bool, d calendar.Date) (class, label string) {
	weekend := d.Weekday() == time.Saturday || d.Weekday() == time.Sunday
	switch {
	case cal.IsWorkday(d) && weekend:
		return "mk", "调休上班"
	case cal.IsWorkday(d):
		return "wd", "工作日"
	case off[d]:
		return "ho", "法定节假日"
	}
	return "we", "休息日"
}

func offSet(cal *calendar.Calendar) map[calendar.Date]bool {
	off := map[calendar.Date]bool{}
	for _, n := range cal.Notices() {
		for _, d := range n.Off {
			off[d] = true
		}
	}
	return off
}

// yearGrid lays out the twelve months of year, working days and rest days told apart.
func yearGrid(cal *calendar.Calendar, year int) []monthGrid {
	off := offSet(cal)
	var out []monthGrid
	for month := 1; month <= 12; month++ {
		g := monthGrid{Month: month}
		first := calendar.Date{Year: year, Month: time.Month(month), Day: 1}
		week := make([]dayCell, (int(first.Weekday())+6)%7) // blanks before the 1st, Monday first
		for d := first; d.Month == first.Month; d = d.AddDays(1) {
			class, label := dayKind(cal, off, d)
			week = append(week, dayCell{Day: d.Day, Class: class, Title: fmt.Sprintf("%s %s %s", d, weekday(d), label)})
			if len(week) == 7 {
				g.Weeks = append(g.Weeks, week)
				week = nil
			}
		}
		if len(week) > 0 {
			for len(week) < 7 {
				week = append(week, dayCell{})
			}
			g.Weeks = append(g.Weeks, week)
		}
		out = append(out, g)
	}
	return out
}

// noticeLines splits FormatNotice into its off and work ranges.
func noticeLines(n calendar.YearNotice) (off, work string) {
	for _, line := range strings.Split(calendar.FormatNotice(n), "\n") {
		head, body, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		if strings.HasSuffix(head, "off") {
			off = strings.TrimSpace(body)
		} else {
			work = strings.TrimSpace(body)
		}
	}
	return off, work
}

// noticeText is a year's notice in the editable text format, with its source line.
func noticeText(n calendar.YearNotice) string {
	s := calendar.FormatNotice(n)
	if n.Source != "" {
		s += fmt.Sprintf("%d source: %s\n", n.Year, n.Source)
	}
	return s
}

func (m *Module) calendarData(r *http.Request, cal *calendar.Calendar, year int) (map[string]any, error) {
	stored, err := storedYears(r.Context(), m.DB)
	if err != nil {
		return nil, err
	}
	var years []yearView
	text := ""
	for _, n := range cal.Notices() {
		off, work := noticeLines(n)
		y := yearView{Year: n.Year, Source: n.Source, Off: off, Work: work, OffDays: len(n.Off), WorkDays: len(n.Work)}
		if s, ok := stored[n.Year]; ok {
			y.Stored, y.UpdatedAt, y.UpdatedBy = true, s.UpdatedAt, s.UpdatedBy
		}
		years = append(years, y)
		if n.Year == year {
			text = noticeText(n)
		}
	}
	if text == "" {
		text = fmt.Sprintf("# 按国务院办公厅通知填写，MM-DD 为本年日期，\"..\" 表示起止（含首尾）\n%d off: \n%d work: \n%d source: \n", year, year, year)
	}
	missing, _ := cal.MissingNextYear(calendar.Today())
	if cal.Known(missing) {
		missing = 0
	}
	return map[string]any{"Years": years, "Year": year, "Known": cal.Known(year), "Grid": yearGrid(cal, year), "Missing": missing,
		"PrevYear": year - 1, "NextYear": year + 1, "Text": text}, nil
}

func (m *Module) calendarPage(w http.ResponseWriter, r *http.Request) error {
	cal := m.Calendar.Current()
	year := calendar.Today().Year
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 1900 && y <= 2999 {
		year = y
	}
	data, err := m.calendarData(r, cal, year)
	if err != nil {
		return err
	}
	return m.render(w, r, "calendar", http.StatusOK, "节假日与期限", data, nil)
}

// lineView is one line of a pasted notice with its error, if any.
type lineView struct {
	N    int
	Text string
	Err  string
}

// maxNoticeText bounds the pasted text: a year's notice is a few hundred bytes.
const maxNoticeText = 64 << 10

// parseAll reads a pasted notice and reports the errors of every bad line, not only the first:
// after an error it empties the body of that line (keeping "2027 off:" so the year stays
// complete), or drops the line when its head is bad, and reads again.
func parseAll(text string) ([]calendar.YearNotice, map[int]string, error) {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	errs := map[int]string{}
	tries := map[int]int{}
	for range 200 {
		ns, err := calendar.ParseNotices(strings.NewReader(strings.Join(lines, "\n")))
		if err == nil {
			if len(errs) > 0 {
				return nil, errs, nil
			}
			return ns, nil, nil
		}
		var pe *calendar.ParseError
		if !errors.As(err, &pe) || pe.Line < 1 || pe.Line > len(lines) {
			if len(errs) > 0 {
				return nil, errs, nil
			}
			return nil, nil, err
		}
		i := pe.Line - 1
		if _, seen := errs[pe.Line]; !seen {
			errs[pe.Line] = pe.Msg
		}
		tries[pe.Line]++
		head, _, hasColon := strings.Cut(strings.ReplaceAll(lines[i], "：", ":"), ":")
		f := strings.Fields(head)
		switch {
		case tries[pe.Line] == 1 && hasColon && len(f) == 2 && (f[1] == "off" || f[1] == "work"):
			lines[i] = head + ":"
		case tries[pe.Line] <= 2:
			lines[i] = ""
		default:
			return nil, errs, nil
		}
	}
	return nil, errs, nil
}

// change is a date whose working-day status a new notice changes.
type change struct {
	Date     calendar.Date
	Weekday  string
	Old, New string
}

func (m *Module) calendarPost(w http.ResponseWriter, r *http.Request) error {
	text := r.PostFormValue("notice")
	save := r.PostFormValue("op") == "save"
	cur := m.Calendar.Current()
	fe := &web.FormError{}
	var notices []calendar.YearNotice
	var lineErrs map[int]string
	if strings.TrimSpace(text) == "" {
		fe.Add("notice", "请粘贴节假日安排文本")
	} else if len(text) > maxNoticeText {
		fe.Add("notice", "文本过长（超过64KB），请只粘贴需要修改的年份")
	} else {
		var err error
		notices, lineErrs, err = parseAll(text)
		if err != nil {
			fe.Add("notice", err.Error())
		} else if len(lineErrs) > 0 {
			fe.Add("notice", fmt.Sprintf("共有%d行有误，请按行号修改后再预览", len(lineErrs)))
		}
	}
	year := calendar.Today().Year
	if len(notices) > 0 {
		year = notices[0].Year
	}
	if fe.Err() != nil {
		data, err := m.calendarData(r, cur, year)
		if err != nil {
			return err
		}
		data["Text"] = text
		data["Lines"] = numbered(text, lineErrs)
		fe.Values = r.PostForm
		return m.render(w, r, "calendar", http.StatusUnprocessableEntity, "节假日与期限", data, fe)
	}
	if save {
		moved, err := m.Calendar.Save(r.Context(), notices)
		if err != nil {
			return err
		}
		data, err := m.calendarData(r, m.Calendar.Current(), year)
		if err != nil {
			return err
		}
		var saved []string
		for _, n := range notices {
			saved = append(saved, strconv.Itoa(n.Year))
		}
		data["Saved"] = strings.Join(saved, "、")
		data["Moved"] = moved
		return m.render(w, r, "calendar", http.StatusOK, "节假日与期限", data, nil)
	}
	// Preview: the calendar as it would be, and the dates whose status changes.
	next := calendar.New(append(cur.Notices(), notices...))
	data, err := m.calendarData(r, next, year)
	if err != nil {
		return err
	}
	var replaced []string
	for _, n := range notices {
		if cur.Known(n.Year) {
			replaced = append(replaced, strconv.Itoa(n.Year))
		}
	}
	first := calendar.Date{Year: notices[0].Year - 1, Month: time.December, Day: 1}
	last := calendar.Date{Year: notices[len(notices)-1].Year + 1, Month: time.January, Day: 31}
	oldOff, newOff := offSet(cur), offSet(next)
	var changes []change
	for _, d := range next.Diff(cur, first, last) {
		_, o := dayKind(cur, oldOff, d)
		_, n := dayKind(next, newOff, d)
		changes = append(changes, change{Date: d, Weekday: weekday(d), Old: o, New: n})
	}
	var parsed []yearView
	for _, n := range notices {
		off, work := noticeLines(n)
		parsed = append(parsed, yearView{Year: n.Year, Source: n.Source, Off: off, Work: work, OffDays: len(n.Off), WorkDays: len(n.Work)})
	}
	data["Text"] = text
	data["Preview"] = parsed
	data["Changes"] = changes
	data["Replaced"] = strings.Join(replaced, "、")
	return m.render(w, r, "calendar", http.StatusOK, "节假日与期限", data, nil)
}

func numbered(text string, errs map[int]string) []lineView {
	var out []lineView
	for i, l := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		out = append(out, lineView{N: i + 1, Text: l, Err: errs[i+1]})
	}
	for len(out) > 0 && strings.TrimSpace(out[len(out)-1].Text) == "" && out[len(out)-1].Err == "" {
		out = out[:len(out)-1]
	}
	return out
}

// skipped is a rest day passed over while counting, or the day a rolled end lands on.
type skipped struct {
	Date    calendar.Date
	Weekday string
	Kind    string
}

// dueResult explains a computed due date.
type dueResult struct {
	Start, Due, End     calendar.Date
	StartWeekday        string
	DueWeekday          string
	EndWeekday          string
	N                   int
	Working, Rolled     bool
	Skipped             []skipped
	MakeUp              []skipped
	SkippedAll          int // rest days passed over; Skipped shows at most maxListed of them
	Unknown             []int
	Basis, BasisEndRule string
}

const (
	basisWorking = "《中华人民共和国行政复议法》第八十八条第二款：本法关于行政复议期间有关“三日”、“五日”、“七日”、“十日”的规定是指工作日，不含法定休假日。"
	basisRolled  = "《中华人民共和国民事诉讼法》第八十五条（依《中华人民共和国行政复议法》第八十八条第一款适用）：期间开始的时和日，不计算在期间内。期间届满的最后一日是法定休假日的，以法定休假日后的第一日为期间届满的日期。"
)

// maxListed bounds the rest days listed under a result.
const maxListed = 60

// maxDueDays bounds the calculator (about ten years).
const maxDueDays = 3660

func (m *Module) calendarDue(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	fe := &web.FormError{Values: q}
	if q.Get("from") == "" && q.Get("n") == "" {
		fe.Values.Set("unit", "working")
		return m.render(w, r, "due", http.StatusOK, "期限计算", nil, fe)
	}
	start, err := calendar.ParseDate(strings.TrimSpace(q.Get("from")))
	if err != nil {
		fe.Add("from", "起算日应为有效日期，如 2024-01-26")
	}
	n, err := strconv.Atoi(strings.TrimSpace(q.Get("n")))
	if err != nil || n < 1 || n > maxDueDays {
		fe.Add("n", fmt.Sprintf("天数应为1至%d的整数", maxDueDays))
	}
	unit := q.Get("unit")
	if unit != "working" && unit != "calendar" {
		fe.Add("unit", "请选择工作日或自然日")
	}
	if fe.Err() != nil {
		return m.render(w, r, "due", http.StatusUnprocessableEntity, "期限计算", nil, fe)
	}
	cal := m.Calendar.Current()
	off := offSet(cal)
	res := dueResult{Start: start, N: n, Working: unit == "working"}
	if res.Working {
		res.Due = cal.AddWorkingDays(start, n)
		res.Basis = basisWorking
		for d := start.AddDays(1); !d.After(res.Due); d = d.AddDays(1) {
			class, label := dayKind(cal, off, d)
			switch class {
			case "ho", "we":
				res.Skipped = append(res.Skipped, skipped{d, weekday(d), label})
			case "mk":
				res.MakeUp = append(res.MakeUp, skipped{d, weekday(d), label})
			}
		}
	} else {
		res.End = start.AddDays(n)
		res.Due = cal.AddCalendarDays(start, n)
		res.Basis = basisRolled
		res.Rolled = res.Due != res.End
		for d := res.End; d.Before(res.Due); d = d.AddDays(1) {
			_, label := dayKind(cal, off, d)
			res.Skipped = append(res.Skipped, skipped{d, weekday(d), label})
		}
	}
	res.SkippedAll = len(res.Skipped)
	if len(res.Skipped) > maxListed {
		res.Skipped = res.Skipped[:maxListed]
	}
	if len(res.MakeUp) > maxListed {
		res.MakeUp = res.MakeUp[:maxListed]
	}
	res.StartWeekday, res.DueWeekday, res.EndWeekday = weekday(res.Start), weekday(res.Due), weekday(res.End)
	res.Unknown = cal.UnknownYears(start, res.Due)
	slices.Sort(res.Unknown)
	return m.render(w, r, "due", http.StatusOK, "期限计算", res, fe)
}
