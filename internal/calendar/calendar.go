package calendar

import (
	"fmt"
	"slices"
)

// Calendar answers "is this a working day" from a set of State Council notices
// (legal-rules.md, "Decisions fazhi takes" 1): a working day is Monday–Friday not in any notice's Off,
// or a notice's Work day. Years without a notice fall back to plain Monday–Friday; callers should warn
// (UnknownYears) because such results change once the notice is published.
// A Calendar is immutable and safe for concurrent use; build a new one when notices change.
type Calendar struct {
	notices []YearNotice // sorted by year, one per year
	known   map[int]bool
	off     map[Date]bool
	work    map[Date]bool
}

// New builds a calendar; a later notice for the same year replaces an earlier one.
// The notices are copied.
func New(notices []YearNotice) *Calendar {
	byYear := map[int]YearNotice{}
	for _, n := range notices {
		byYear[n.Year] = n
	}
	c := &Calendar{known: map[int]bool{}, off: map[Date]bool{}, work: map[Date]bool{}}
	for _, n := range byYear {
		n.Off = slices.Clone(n.Off)
		n.Work = slices.Clone(n.Work)
		c.notices = append(c.notices, n)
		c.known[n.Year] = true
		for _, d := range n.Off {
			c.off[d] = true
		}
		for _, d := range n.Work {
			c.work[d] = true
		}
	}
	slices.SortFunc(c.notices, func(x, y YearNotice) int { return cmp(x.Year, y.Year) })
	return c
}

// Default is the calendar of the built-in notices (2022–2026).
func Default() *Calendar { return New(Builtin()) }

// Notices returns copies of the notices in force, sorted by year.
func (c *Calendar) Notices() []YearNotice {
	out := make([]YearNotice, len(c.notices))
	for i, n := range c.notices {
		n.Off = slices.Clone(n.Off)
		n.Work = slices.Clone(n.Work)
		out[i] = n
	}
	return out
}

// Known reports whether a notice exists for year.
func (c *Calendar) Known(year int) bool { return c.known[year] }

// Estimated reports that d lies past the loaded calendar: its year has no notice, so a deadline
// falling on it was counted with plain Monday–Friday rules and may move when the notice is imported
// (the import re-dates open deadlines). The zero date is not estimated.
func (c *Calendar) Estimated(d Date) bool { return !d.IsZero() && !c.known[d.Year] }

// Through is the last day the loaded notices cover: 31 December of the latest year with a notice
// (zero when there is none).
func (c *Calendar) Through() Date {
	if len(c.notices) == 0 {
		return Date{}
	}
	return Date{Year: c.notices[len(c.notices)-1].Year, Month: 12, Day: 31}
}

// NoticeDueFrom is the month from which next year's notice is expected: the State Council
// publishes it between late October and mid-December.
const NoticeDueFrom = 11

// MissingNextYear reports, from November on, that next year's notice has not been loaded: deadlines
// reaching into January are then estimates.
func (c *Calendar) MissingNextYear(today Date) (int, bool) {
	if today.Month < NoticeDueFrom {
		return 0, false
	}
	return today.Year + 1, !c.known[today.Year+1]
}

// EstimateNote is the tooltip beside an estimated deadline.
func EstimateNote(year int) string {
	return fmt.Sprintf("%d年的国务院节假日安排尚未录入，此期限暂按周一至周五为工作日推算；录入后自动重新计算。", year)
}

// UnknownYears lists the years in [from.Year, to.Year] without a notice, for a "computed with plain
// Monday–Friday rules" warning beside a deadline.
func (c *Calendar) UnknownYears(from, to Date) []int {
	if to.Before(from) {
		from, to = to, from
	}
	var out []int
	for y := from.Year; y <= to.Year; y++ {
		if !c.known[y] {
			out = append(out, y)
		}
	}
	return out
}

// IsWorkday reports whether d is a working day: Monday–Friday not in Off, or in Work.
func (c *Calendar) IsWorkday(d Date) bool {
	if c.work[d] {
		return true
	}
	if c.off[d] {
		return false
	}
	wd := d.Weekday()
	return wd >= 1 && wd <= 5
}

// NextWorkday returns d itself if it is a working day, else the next working day.
func (c *Calendar) NextWorkday(d Date) Date {
	for !c.IsWorkday(d) {
		d = d.AddDays(1)
	}
	return d
}

// AddWorkingDays returns the n-th working day after from: day 1 is the first working day after from
// (the day of the event is never counted). A negative n counts back: day -1 is the last working day
// before from. n == 0 returns from.
func (c *Calendar) AddWorkingDays(from Date, n int) Date {
	step := 1
	if n < 0 {
		step, n = -1, -n
	}
	d := from
	for n > 0 {
		d = d.AddDays(step)
		if c.IsWorkday(d) {
			n--
		}
	}
	return d
}

// AddCalendarDays returns from+n, rolled to the next working day when that is a rest day
// (民事诉讼法第八十五条 via 行政复议法第八十八条; a 调休 make-up day is a working day and does not roll).
func (c *Calendar) AddCalendarDays(from Date, n int) Date {
	return c.NextWorkday(from.AddDays(n))
}

// WorkingDaysBetween counts the working days in (from, to]; when to is before from it is minus the count
// in (to, from], so WorkingDaysBetween(a, b) == -WorkingDaysBetween(b, a).
func (c *Calendar) WorkingDaysBetween(from, to Date) int {
	sign := 1
	if to.Before(from) {
		from, to, sign = to, from, -1
	}
	n := 0
	for d := from.AddDays(1); !d.After(to); d = d.AddDays(1) {
		if c.IsWorkday(d) {
			n++
		}
	}
	return sign * n
}

// Diff lists the dates in [from, to] whose working-day status differs between c and old, so deadlines
// touching them can be re-dated after a notice changes. A nil old means plain Monday–Friday rules.
func (c *Calendar) Diff(old *Calendar, from, to Date) []Date {
	if old == nil {
		old = New(nil)
	}
	var out []Date
	for d := from; !d.After(to); d = d.AddDays(1) {
		if c.IsWorkday(d) != old.IsWorkday(d) {
			out = append(out, d)
		}
	}
	return out
}
