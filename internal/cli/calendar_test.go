package cli

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The official notices of 2022–2026 exactly as listed in legal-rules.md §10, written out day by day
// so this test has its own oracle and does not trust the calendar package it checks.
var officialOff = `
2022-01-01 2022-01-02 2022-01-03 2022-01-31 2022-02-01 2022-02-02 2022-02-03 2022-02-04 2022-02-05 2022-02-06
2022-04-03 2022-04-04 2022-04-05 2022-04-30 2022-05-01 2022-05-02 2022-05-03 2022-05-04 2022-06-03 2022-06-04 2022-06-05
2022-09-10 2022-09-11 2022-09-12 2022-10-01 2022-10-02 2022-10-03 2022-10-04 2022-10-05 2022-10-06 2022-10-07
2022-12-31 2023-01-01 2023-01-02 2023-01-21 2023-01-22 2023-01-23 2023-01-24 2023-01-25 2023-01-26 2023-01-27
2023-04-05 2023-04-29 2023-04-30 2023-05-01 2023-05-02 2023-05-03 2023-06-22 2023-06-23 2023-06-24
2023-09-29 2023-09-30 2023-10-01 2023-10-02 2023-10-03 2023-10-04 2023-10-05 2023-10-06
2023-12-30 2023-12-31 2024-01-01 2024-02-10 2024-02-11 2024-02-12 2024-02-13 2024-02-14 2024-02-15 2024-02-16 2024-02-17
2024-04-04 2024-04-05 2024-04-06 2024-05-01 2024-05-02 2024-05-03 2024-05-04 2024-05-05 2024-06-08 2024-06-09 2024-06-10
2024-09-15 2024-09-16 2024-09-17 2024-10-01 2024-10-02 2024-10-03 2024-10-04 2024-10-05 2024-10-06 2024-10-07
2025-01-01 2025-01-28 2025-01-29 2025-01-30 2025-01-31 2025-02-01 2025-02-02 2025-02-03 2025-02-04
2025-04-04 2025-04-05 2025-04-06 2025-05-01 2025-05-02 2025-05-03 2025-05-04 2025-05-05 2025-05-31 2025-06-01 2025-06-02
2025-10-01 2025-10-02 2025-10-03 2025-10-04 2025-10-05 2025-10-06 2025-10-07 2025-10-08
2026-01-01 2026-01-02 2026-01-03 2026-02-15 2026-02-16 2026-02-17 2026-02-18 2026-02-19 2026-02-20 2026-02-21 2026-02-22 2026-02-23
2026-04-04 2026-04-05 2026-04-06 2026-05-01 2026-05-02 2026-05-03 2026-05-04 2026-05-05 2026-06-19 2026-06-20 2026-06-21
2026-09-25 2026-09-26 2026-09-27 2026-10-01 2026-10-02 2026-10-03 2026-10-04 2026-10-05 2026-10-06 2026-10-07`

var officialWork = `
2022-01-29 2022-01-30 2022-04-02 2022-04-24 2022-05-07 2022-10-08 2022-10-09
2023-01-28 2023-01-29 2023-04-23 2023-05-06 2023-06-25 2023-10-07 2023-10-08
2024-02-04 2024-02-18 2024-04-07 2024-04-28 2024-05-11 2024-09-14 2024-09-29 2024-10-12
2025-01-26 2025-02-08 2025-04-27 2025-09-28 2025-10-11
2026-01-04 2026-02-14 2026-02-28 2026-05-09 2026-09-20 2026-10-10`

type oracle struct{ off, work map[string]bool }

func newOracle() oracle {
	o := oracle{off: map[string]bool{}, work: map[string]bool{}}
	for _, d := range strings.Fields(officialOff) {
		o.off[d] = true
	}
	for _, d := range strings.Fields(officialWork) {
		o.work[d] = true
	}
	return o
}

func (o oracle) isWork(t time.Time) bool {
	d := t.Format(time.DateOnly)
	if o.work[d] {
		return true
	}
	wd := t.Weekday()
	return wd != time.Saturday && wd != time.Sunday && !o.off[d]
}

func (o oracle) addWorking(from time.Time, n int) time.Time {
	for n > 0 {
		from = from.AddDate(0, 0, 1)
		if o.isWork(from) {
			n--
		}
	}
	return from
}

func (o oracle) addCalendar(from time.Time, n int) time.Time {
	d := from.AddDate(0, 0, n)
	for !o.isWork(d) {
		d = d.AddDate(0, 0, 1)
	}
	return d
}

func runDue(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	args = append([]string{"calendar", "due", "--data", filepath.Join(t.TempDir(), "none")}, args...)
	if code := Main(context.Background(), args, &out, &errOut); code != 0 {
		t.Fatalf("fazhi %v exited %d: %s", args, code, errOut.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	return lines[len(lines)-1]
}

// TestCalendarDueEveryOfficialDay asks `fazhi calendar due` about every rest day and every make-up
// working day of 2022–2026: a one-day and a three-day working period starting the day before,
// and a ten-day calendar period ending on that day (rolled to the next working day when it rests).
func TestCalendarDueEveryOfficialDay(t *testing.T) {
	o := newOracle()
	days := append(strings.Fields(officialOff), strings.Fields(officialWork)...)
	if len(days) != 184 {
		t.Fatalf("only %d official days listed", len(days))
	}
	for _, s := range days {
		d, _ := time.Parse(time.DateOnly, s)
		before := d.AddDate(0, 0, -1).Format(time.DateOnly)
		for _, tc := range []struct {
			args []string
			want time.Time
		}{
			{[]string{"--from", before, "--working-days", "1"}, o.addWorking(d.AddDate(0, 0, -1), 1)},
			{[]string{"--from", before, "--working-days", "3"}, o.addWorking(d.AddDate(0, 0, -1), 3)},
			{[]string{"--from", d.AddDate(0, 0, -10).Format(time.DateOnly), "--calendar-days", "10"}, o.addCalendar(d.AddDate(0, 0, -10), 10)},
		} {
			if got := runDue(t, tc.args...); got != tc.want.Format(time.DateOnly) {
				t.Errorf("calendar due %v = %s, want %s", tc.args, got, tc.want.Format(time.DateOnly))
			}
		}
	}
}

// Hand-counted cases that cross holidays and make-up Sundays.
func TestCalendarDueByHand(t *testing.T) {
	for _, tc := range []struct{ from, kind, n, want string }{
		{"2024-09-27", "--working-days", "1", "2024-09-29"},   // Sunday 09-29 is a make-up working day
		{"2024-09-27", "--working-days", "5", "2024-10-10"},   // 09-29, 09-30, then 10-08, 10-09, 10-10
		{"2024-09-03", "--calendar-days", "30", "2024-10-08"}, // 10-03 is in the National Day holiday
		{"2025-01-24", "--working-days", "5", "2025-02-07"},   // 01-26 (Sun) and 01-27, then 02-05 … 02-07
		{"2026-01-01", "--working-days", "1", "2026-01-04"},   // Sunday 01-04 is a make-up working day
		{"2026-02-13", "--working-days", "2", "2026-02-24"},   // Sat 02-14 works, then the Spring Festival to 02-23
		{"2022-12-30", "--calendar-days", "1", "2023-01-03"},  // 12-31 … 01-02 rest
	} {
		if got := runDue(t, "--from", tc.from, tc.kind, tc.n); got != tc.want {
			t.Errorf("due from %s %s %s = %s, want %s", tc.from, tc.kind, tc.n, got, tc.want)
		}
	}
}

func TestCalendarDueUsage(t *testing.T) {
	for _, args := range [][]string{
		{"calendar", "due", "--from", "2024-13-01", "--working-days", "5"},
		{"calendar", "due", "--from", "2024-01-01"},
		{"calendar", "due", "--from", "2024-01-01", "--working-days", "5", "--calendar-days", "5"},
	} {
		var out, errOut bytes.Buffer
		if code := Main(context.Background(), args, &out, &errOut); code != 2 {
			t.Errorf("%v: exit %d, want 2 (%s)", args, code, errOut.String())
		}
	}
}
