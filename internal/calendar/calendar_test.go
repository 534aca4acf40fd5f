package calendar

import (
	"slices"
	"testing"
)

var def = Default()

func TestEveryNoticeDate(t *testing.T) {
	for year, ss := range handOff {
		for _, s := range ss {
			if def.IsWorkday(MustDate(s)) {
				t.Errorf("%d notice: %s is a rest day, IsWorkday = true", year, s)
			}
		}
	}
	for year, ss := range handWork {
		for _, s := range ss {
			if !def.IsWorkday(MustDate(s)) {
				t.Errorf("%d notice: %s is a make-up working day, IsWorkday = false", year, s)
			}
		}
	}
}

func TestOrdinaryDaysAroundHolidays(t *testing.T) {
	// Days next to the blocks that no notice mentions: Mon–Fri work, Sat/Sun rest.
	tests := []struct {
		date string
		want bool
	}{
		{"2022-01-28", true},  // 五, before 春节 make-up weekend
		{"2022-02-07", true},  // 一, after 春节
		{"2022-04-01", true},  // 五
		{"2022-04-06", true},  // 三, after 清明
		{"2022-04-29", true},  // 五, before 劳动节
		{"2022-05-05", true},  // 四, after 劳动节
		{"2022-05-08", false}, // 日, the day after make-up 05-07 is an ordinary Sunday
		{"2022-10-10", true},  // 一
		{"2022-12-30", true},  // 五, before 2023 元旦 (which starts 2022-12-31)
		{"2023-01-03", true},  // 二, after 元旦
		{"2023-01-20", true},  // 五, 除夕 is not a holiday under the 2013 rules
		{"2023-01-30", true},  // 一
		{"2023-04-04", true},  // 二, 清明 2023 is one day
		{"2023-04-06", true},  // 四
		{"2023-06-21", true},  // 三
		{"2023-06-26", true},  // 一
		{"2023-09-28", true},  // 四
		{"2023-10-09", true},  // 一
		{"2023-12-29", true},  // 五, before 2024 元旦 (which starts 2023-12-30)
		{"2024-01-02", true},  // 二
		{"2024-02-03", false}, // 六, ordinary Saturday before make-up Sunday 02-04
		{"2024-02-05", true},  // 一
		{"2024-02-09", true},  // 五, 除夕 2024 only "encouraged" as leave
		{"2024-02-19", true},  // 一
		{"2024-04-03", true},  // 三
		{"2024-04-08", true},  // 一
		{"2024-05-06", true},  // 一
		{"2024-05-12", false}, // 日
		{"2024-06-07", true},  // 五
		{"2024-06-11", true},  // 二
		{"2024-09-13", true},  // 五
		{"2024-09-18", true},  // 三
		{"2024-09-28", false}, // 六, ordinary Saturday before make-up Sunday 09-29
		{"2024-09-30", true},  // 一
		{"2024-10-08", true},  // 二
		{"2024-10-13", false}, // 日
		{"2024-12-31", true},  // 二
		{"2025-01-02", true},  // 四, 元旦 2025 is one day
		{"2025-01-25", false}, // 六
		{"2025-01-27", true},  // 一, day before 除夕
		{"2025-02-05", true},  // 三
		{"2025-02-09", false}, // 日
		{"2025-04-03", true},  // 四
		{"2025-04-28", true},  // 一
		{"2025-05-06", true},  // 二
		{"2025-06-03", true},  // 二
		{"2025-09-27", false}, // 六, before make-up Sunday 09-28
		{"2025-09-30", true},  // 二
		{"2025-10-09", true},  // 四
		{"2025-10-12", false}, // 日
		{"2025-12-31", true},  // 三
		{"2026-01-05", true},  // 一
		{"2026-02-13", true},  // 五
		{"2026-02-24", true},  // 二
		{"2026-02-27", true},  // 五
		{"2026-03-01", false}, // 日, after make-up Saturday 02-28
		{"2026-04-03", true},  // 五
		{"2026-04-07", true},  // 二
		{"2026-05-06", true},  // 三
		{"2026-05-10", false}, // 日
		{"2026-06-18", true},  // 四
		{"2026-06-22", true},  // 一
		{"2026-09-19", false}, // 六
		{"2026-09-24", true},  // 四
		{"2026-09-28", true},  // 一
		{"2026-10-08", true},  // 四
		{"2026-10-11", false}, // 日
		// Years without a notice: plain Monday–Friday.
		{"2021-10-01", true},  // 五 (a real holiday, but 2021 is not loaded)
		{"2021-12-31", true},  // 五
		{"2027-01-01", true},  // 五 (元旦 2027 not yet published)
		{"2027-01-02", false}, // 六
		{"2027-02-08", true},  // 一
	}
	for _, tt := range tests {
		if got := def.IsWorkday(MustDate(tt.date)); got != tt.want {
			t.Errorf("IsWorkday(%s) = %v, want %v", tt.date, got, tt.want)
		}
	}
}

func TestWorkingDaysPerYear(t *testing.T) {
	// weekdays in the year − weekday rest days + make-up days (hand count from the notices)
	tests := []struct{ year, want int }{
		{2022, 249}, // 260 − 18 (1+5+2+3+1+1+5) + 7
		{2023, 249}, // 260 − 18 (1+5+1+3+2+6) + 7
		{2024, 251}, // 262 − 19 (1+5+2+3+1+2+5) + 8
		{2025, 248}, // 261 − 18 (1+6+1+3+1+6) + 5
		{2026, 248}, // 261 − 19 (2+6+1+3+1+1+5) + 6
		{2027, 261}, // no notice: weekdays only
	}
	for _, tt := range tests {
		first := Date{tt.year, 1, 1}
		if got := def.WorkingDaysBetween(first.AddDays(-1), Date{tt.year, 12, 31}); got != tt.want {
			t.Errorf("%d has %d working days, want %d", tt.year, got, tt.want)
		}
	}
}

func TestAddWorkingDays(t *testing.T) {
	tests := []struct {
		from string
		n    int
		want string
	}{
		// 02-09 五 (1); 02-10..17 春节; 02-18 日 make-up (2); 02-19 (3), 02-20 (4), 02-21 (5)
		{"2024-02-08", 5, "2024-02-21"},
		// 09-28 六 rest; 09-29 日 make-up
		{"2024-09-27", 1, "2024-09-29"},
		// 09-29 (1), 09-30 一 (2)
		{"2024-09-27", 2, "2024-09-30"},
		// … 09-30 (2); 10-01..07 国庆; 10-08 二 (3)
		{"2024-09-27", 3, "2024-10-08"},
		// 10-09..11 (4–6); 10-12 六 make-up (7)
		{"2024-09-27", 7, "2024-10-12"},
		// counting from inside a holiday: 02-13..17 off; 02-18 日 make-up
		{"2024-02-12", 1, "2024-02-18"},
		// 09-27 六 rest; 09-28 日 make-up
		{"2025-09-26", 1, "2025-09-28"},
		// 09-28 (1), 09-29 (2), 09-30 (3); 10-01..08 off; 10-09 (4), 10-10 (5)
		{"2025-09-26", 5, "2025-10-10"},
		// … 10-11 六 make-up (6)
		{"2025-09-26", 6, "2025-10-11"},
		// 2026-01-01..03 元旦; 01-04 日 make-up
		{"2025-12-31", 1, "2026-01-04"},
		{"2025-12-31", 2, "2026-01-05"},
		// 2025-01-01 元旦 (one day); 01-02 四
		{"2024-12-31", 1, "2025-01-02"},
		// 01-25 六 rest; 01-26 日 make-up (1); 01-27 (2); 01-28..02-04 春节; 02-05 (3), 02-06 (4), 02-07 (5)
		{"2025-01-24", 5, "2025-02-07"},
		// … 02-08 六 make-up (6)
		{"2025-01-24", 6, "2025-02-08"},
		// 2022-12-31..2023-01-02 元旦 (stored in the 2023 notice); 01-03 二
		{"2022-12-30", 1, "2023-01-03"},
		// 2023-12-30..2024-01-01 元旦 (stored in the 2024 notice); 01-02 二
		{"2023-12-29", 1, "2024-01-02"},
		// 02-14 六 make-up (1); 02-15..23 春节; 02-24 二 (2)
		{"2026-02-13", 1, "2026-02-14"},
		{"2026-02-13", 2, "2026-02-24"},
		// 09-29..10-06 off; 10-07 六 (1), 10-08 日 (2), 10-09 一 (3)
		{"2023-09-28", 1, "2023-10-07"},
		{"2023-09-28", 3, "2023-10-09"},
		// 2022 春节: 01-29 六, 01-30 日 make-up (1, 2); 01-31..02-06 off; 02-07 (3)
		{"2022-01-28", 3, "2022-02-07"},
		// into an unknown year: 2027-01-01 五 counts as a working day
		{"2026-12-31", 1, "2027-01-01"},
		// n = 0 is the day itself
		{"2024-10-03", 0, "2024-10-03"},
		// backwards: 02-17..10 off; 02-09 五
		{"2024-02-18", -1, "2024-02-09"},
		// backwards: 10-07..01 off; 09-30 一 (−1); 09-29 日 make-up (−2)
		{"2024-10-08", -2, "2024-09-29"},
	}
	for _, tt := range tests {
		got := def.AddWorkingDays(MustDate(tt.from), tt.n)
		if got.String() != tt.want {
			t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tt.from, tt.n, got, tt.want)
		}
	}
}

func TestAddCalendarDays(t *testing.T) {
	tests := []struct {
		from string
		n    int
		want string
	}{
		// 09-03 + 30 = 10-03 (国庆) → first working day after the block: 10-08
		{"2024-09-03", 30, "2024-10-08"},
		// 08-04 + 60: 27 days to 08-31, 30 to 09-30, 3 more = 10-03 → 10-08
		{"2024-08-04", 60, "2024-10-08"},
		// 09-01 + 30 = 10-01 → 10-08
		{"2024-09-01", 30, "2024-10-08"},
		// 08-29 + 30 = 09-28, a make-up Sunday: a working day, no roll
		{"2025-08-29", 30, "2025-09-28"},
		// 2025-12-05 + 30 = 2026-01-04, a make-up Sunday: no roll
		{"2025-12-05", 30, "2026-01-04"},
		// 2025-12-02 + 30 = 2026-01-01 (元旦 01-01..03) → 01-04 make-up Sunday
		{"2025-12-02", 30, "2026-01-04"},
		// 01-11 + 30 = 02-10 (春节 02-10..17) → 02-18 make-up Sunday
		{"2024-01-11", 30, "2024-02-18"},
		// 08-15 + 30 = 09-14, make-up Saturday: no roll
		{"2024-08-15", 30, "2024-09-14"},
		// 03-01 + 15 = 03-16 六 (ordinary weekend) → 03-18 一
		{"2024-03-01", 15, "2024-03-18"},
		// 2023-12-01 + 30 = 12-31 (2024 元旦 block 12-30..01-01) → 2024-01-02
		{"2023-12-01", 30, "2024-01-02"},
		// 2022-12-16 + 15 = 12-31 (2023 元旦 block) → 2023-01-03
		{"2022-12-16", 15, "2023-01-03"},
		// 2025-01-13 + 15 = 01-28 (除夕, 春节 01-28..02-04) → 02-05 三
		{"2025-01-13", 15, "2025-02-05"},
		// 04-01 + 5 = 04-06 (清明 04-04..06) → 04-07 make-up Sunday
		{"2024-04-01", 5, "2024-04-07"},
		// 04-10 + 30 = 05-10, an ordinary Friday
		{"2024-04-10", 30, "2024-05-10"},
		// unknown year: 2026-12-02 + 30 = 2027-01-01 五, plain rules → no roll
		{"2026-12-02", 30, "2027-01-01"},
	}
	for _, tt := range tests {
		got := def.AddCalendarDays(MustDate(tt.from), tt.n)
		if got.String() != tt.want {
			t.Errorf("AddCalendarDays(%s, %d) = %s, want %s", tt.from, tt.n, got, tt.want)
		}
	}
}

func TestNextWorkday(t *testing.T) {
	tests := []struct{ d, want string }{
		{"2024-10-01", "2024-10-08"}, // 国庆 block
		{"2024-10-08", "2024-10-08"}, // already a working day
		{"2024-09-28", "2024-09-29"}, // 六 → make-up Sunday
		{"2022-12-31", "2023-01-03"}, // 2023 元旦 block seen from 2022
		{"2027-01-02", "2027-01-04"}, // unknown year: 六 → 一
	}
	for _, tt := range tests {
		if got := def.NextWorkday(MustDate(tt.d)); got.String() != tt.want {
			t.Errorf("NextWorkday(%s) = %s, want %s", tt.d, got, tt.want)
		}
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	tests := []struct {
		from, to string
		want     int
	}{
		{"2024-02-08", "2024-02-21", 5},  // see AddWorkingDays
		{"2024-02-21", "2024-02-08", -5}, // reversed
		{"2024-09-27", "2024-10-08", 3},  // 09-29, 09-30, 10-08
		{"2024-10-01", "2024-10-07", 0},  // inside 国庆
		{"2024-10-03", "2024-10-03", 0},
		{"2024-09-27", "2024-09-28", 0}, // (五, 六]
		{"2024-09-28", "2024-09-27", 0}, // antisymmetric
	}
	for _, tt := range tests {
		if got := def.WorkingDaysBetween(MustDate(tt.from), MustDate(tt.to)); got != tt.want {
			t.Errorf("WorkingDaysBetween(%s, %s) = %d, want %d", tt.from, tt.to, got, tt.want)
		}
	}
}

// Every start day of 2022–2026 and n up to 15: AddWorkingDays lands on a working day n working days on,
// WorkingDaysBetween gives n back, and
// counting n back returns to the last working day on or before the start.
func TestAddWorkingDaysInverse(t *testing.T) {
	for d := MustDate("2021-12-01"); d.Before(MustDate("2027-01-01")); d = d.AddDays(1) {
		for n := 1; n <= 15; n++ {
			end := def.AddWorkingDays(d, n)
			if !def.IsWorkday(end) {
				t.Fatalf("AddWorkingDays(%s, %d) = %s, not a working day", d, n, end)
			}
			if got := def.WorkingDaysBetween(d, end); got != n {
				t.Fatalf("WorkingDaysBetween(%s, %s) = %d, want %d", d, end, got, n)
			}
			// n back from end is the last working day on or before d
			want := d
			if !def.IsWorkday(d) {
				want = def.AddWorkingDays(d, -1)
			}
			if back := def.AddWorkingDays(end, -n); back != want {
				t.Fatalf("AddWorkingDays(%s, %d) = %s, want %s", end, -n, back, want)
			}
		}
	}
}

func TestNewReplacesAndCopies(t *testing.T) {
	ns := Builtin()
	// A corrected 2025 notice that adds 12-31 (三) as a rest day and drops every make-up day.
	fix := YearNotice{Year: 2025, Off: append(ns[3].Off[:len(ns[3].Off):len(ns[3].Off)], MustDate("2025-12-31")), Source: "更正"}
	c := New(append(ns, fix))
	if c.IsWorkday(MustDate("2025-12-31")) {
		t.Error("later notice for 2025 did not take effect")
	}
	if !c.IsWorkday(MustDate("2025-09-26")) || c.IsWorkday(MustDate("2025-09-28")) {
		t.Error("replaced 2025 notice still in effect (09-28 make-up day)")
	}
	got := c.Notices()
	if len(got) != 5 || got[3].Source != "更正" {
		t.Fatalf("Notices = %+v", got)
	}
	got[3].Off[0] = MustDate("2025-03-03")
	if !c.IsWorkday(MustDate("2025-03-03")) || c.Notices()[3].Off[0] != MustDate("2025-01-01") {
		t.Error("Notices shares memory with the calendar")
	}
	fix.Off[0] = MustDate("2025-03-04")
	if c.Notices()[3].Off[0] != MustDate("2025-01-01") {
		t.Error("New keeps the caller's slice")
	}
}

func TestKnownAndUnknownYears(t *testing.T) {
	for y, want := range map[int]bool{2021: false, 2022: true, 2024: true, 2026: true, 2027: false} {
		if def.Known(y) != want {
			t.Errorf("Known(%d) = %v", y, !want)
		}
	}
	if got := def.UnknownYears(MustDate("2027-03-01"), MustDate("2025-01-01")); !slices.Equal(got, []int{2027}) {
		t.Errorf("UnknownYears = %v, want [2027]", got)
	}
	if got := def.UnknownYears(MustDate("2024-01-01"), MustDate("2026-12-31")); got != nil {
		t.Errorf("UnknownYears = %v, want none", got)
	}
	// An Off date in the year before the notice applies even though that year has no notice.
	c := New([]YearNotice{{Year: 2027, Off: []Date{MustDate("2026-12-31")}}})
	if c.IsWorkday(MustDate("2026-12-31")) || c.Known(2026) || !c.Known(2027) {
		t.Error("2027 notice's 2026-12-31 rest day not applied")
	}
	// The zero Calendar and New(nil) use plain Monday–Friday rules.
	var zero Calendar
	for _, c := range []*Calendar{&zero, New(nil)} {
		if !c.IsWorkday(MustDate("2024-10-01")) || c.IsWorkday(MustDate("2024-09-29")) {
			t.Error("empty calendar is not plain Monday–Friday")
		}
	}
}

func TestDiff(t *testing.T) {
	var without []YearNotice
	for _, n := range Builtin() {
		if n.Year != 2025 {
			without = append(without, n)
		}
	}
	old := New(without)
	// Loading the 2025 notice changes its weekday rest days and its make-up days, in date order.
	want := dates([]string{
		"2025-01-01",                                           // 三
		"2025-01-26",                                           // 日 make-up
		"2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31", // 二–五
		"2025-02-03", "2025-02-04", // 一, 二
		"2025-02-08",                             // 六 make-up
		"2025-04-04",                             // 五
		"2025-04-27",                             // 日 make-up
		"2025-05-01", "2025-05-02", "2025-05-05", // 四, 五, 一
		"2025-06-02",                                                                       // 一
		"2025-09-28",                                                                       // 日 make-up
		"2025-10-01", "2025-10-02", "2025-10-03", "2025-10-06", "2025-10-07", "2025-10-08", // 三–五, 一–三
		"2025-10-11", // 六 make-up
	})
	if got := def.Diff(old, MustDate("2024-12-01"), MustDate("2026-01-31")); !slices.Equal(got, want) {
		t.Errorf("Diff =\n%v\nwant\n%v", got, want)
	}
	if got := def.Diff(def, MustDate("2022-01-01"), MustDate("2026-12-31")); got != nil {
		t.Errorf("Diff with itself = %v", got)
	}
	// nil old = plain rules; a narrow window
	if got := def.Diff(nil, MustDate("2024-09-28"), MustDate("2024-10-02")); !slices.Equal(got, dates([]string{"2024-09-29", "2024-10-01", "2024-10-02"})) {
		t.Errorf("Diff(nil) = %v", got)
	}
}

// With 2027 not loaded, 2027-01-01 counted as a plain working day and nothing said so.
func TestEstimated(t *testing.T) {
	c := Default()
	if got := c.Through(); got != MustDate("2026-12-31") {
		t.Errorf("Through = %s", got)
	}
	for _, tt := range []struct {
		d    string
		want bool
	}{{"2026-12-31", false}, {"2027-01-01", true}, {"2026-01-01", false}, {"2030-06-01", true}} {
		if got := c.Estimated(MustDate(tt.d)); got != tt.want {
			t.Errorf("Estimated(%s) = %v", tt.d, got)
		}
	}
	if c.Estimated(Date{}) {
		t.Error("the zero date is estimated")
	}
	if _, missing := c.MissingNextYear(MustDate("2026-10-31")); missing {
		t.Error("October already warns")
	}
	if y, missing := c.MissingNextYear(MustDate("2026-11-01")); !missing || y != 2027 {
		t.Errorf("November: %d %v", y, missing)
	}
	if _, missing := c.MissingNextYear(MustDate("2025-12-01")); missing {
		t.Error("2026 is loaded, yet December 2025 warns")
	}
	with := New(append(Builtin(), YearNotice{Year: 2027}))
	if with.Estimated(MustDate("2027-01-01")) {
		t.Error("a loaded 2027 is still estimated")
	}
	if _, missing := with.MissingNextYear(MustDate("2026-12-05")); missing {
		t.Error("a loaded 2027 is still missing")
	}
}
