// Package calendar knows China's official working days and computes legal periods.
//
// Rules (legal-rules.md §2, §10 and "Decisions fazhi takes" 1–4): a working day is Monday–Friday not
// declared a rest day by that year's State Council notice, plus the notice's 调休 make-up weekend days;
// the event day is never counted; a calendar-day period ending on a rest day ends on the next working
// day (民事诉讼法第八十五条). Years without a notice (built in: 2022–2026) use plain Monday–Friday rules;
// Calendar.UnknownYears tells when a result relies on that. No files, network or database here.
package calendar

import (
	"fmt"
	"os"
	"sync"
	"time"
)

// Date is a calendar date in Asia/Shanghai, the unit of every legal deadline.
// The zero Date means "no date".
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// FormatHint is how a form tells a user the date format (in Chinese: users read no "YYYY-MM-DD").
const FormatHint = "日期格式应为 年-月-日，例如 2026-01-05"

// ParseDate reads YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return Date{}, fmt.Errorf("%s：%q", FormatHint, s)
	}
	return DateOf(t), nil
}

// MustDate is ParseDate for constants and tests.
func MustDate(s string) Date {
	d, err := ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// DateOf returns the date of t (taken as is; convert to Shanghai first with Today/InShanghai).
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return Date{y, m, d}
}

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil { // no tzdata on the host: China has had no DST since 1991
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

// Shanghai is the time zone of every legal date.
func Shanghai() *time.Location { return shanghai }

// InShanghai returns the legal date of an instant.
func InShanghai(t time.Time) Date { return DateOf(t.In(shanghai)) }

// Today is the legal date now — or, for browser tours only, the date in FAZHI_TEST_TODAY
// (YYYY-MM-DD), so a tour can see the November banner of next year's holidays on any day. Only
// calendar.Today's callers (the workbench banner, the calendar admin page, the leader's overview,
// law status) follow it; case deadlines keep the services' own clocks. Never set it in production.
func Today() Date {
	if d, ok := testToday(); ok {
		return d
	}
	return InShanghai(time.Now())
}

// TestToday is the date FAZHI_TEST_TODAY fixes, when set (serve warns about it at start).
func TestToday() (Date, bool) { return testToday() }

var testToday = sync.OnceValues(func() (Date, bool) {
	s := os.Getenv("FAZHI_TEST_TODAY")
	if s == "" {
		return Date{}, false
	}
	d, err := ParseDate(s)
	return d, err == nil
})

func (d Date) time() time.Time { return time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, time.UTC) }

// IsZero reports whether d is unset.
func (d Date) IsZero() bool { return d == Date{} }

// String formats as YYYY-MM-DD ("" for the zero date).
func (d Date) String() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
}

// Chinese formats as 2024年1月26日, the form used in official documents.
func (d Date) Chinese() string {
	if d.IsZero() {
		return ""
	}
	return fmt.Sprintf("%d年%d月%d日", d.Year, d.Month, d.Day)
}

// AddDays moves n calendar days.
func (d Date) AddDays(n int) Date { return DateOf(d.time().AddDate(0, 0, n)) }

// Weekday of d.
func (d Date) Weekday() time.Weekday { return d.time().Weekday() }

// Before, After and Compare order dates.
func (d Date) Before(o Date) bool { return d.Compare(o) < 0 }
func (d Date) After(o Date) bool  { return d.Compare(o) > 0 }
func (d Date) Compare(o Date) int {
	switch {
	case d.Year != o.Year:
		return cmp(d.Year, o.Year)
	case d.Month != o.Month:
		return cmp(int(d.Month), int(o.Month))
	default:
		return cmp(d.Day, o.Day)
	}
}

// DaysUntil is the number of calendar days from d to o (negative when o is earlier).
func (d Date) DaysUntil(o Date) int { return int(o.time().Sub(d.time()).Hours() / 24) }

func cmp(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// MarshalText writes YYYY-MM-DD ("" for the zero date), so JSON and forms carry plain dates.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText reads YYYY-MM-DD; "" is the zero date.
func (d *Date) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*d = Date{}
		return nil
	}
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}
