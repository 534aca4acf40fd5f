package calendar

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

// handOff and handWork are written out from the per-holiday bullets of legal-rules.md §10 (not from the
// machine-readable summary that Builtin parses), so they check both the data and the parser.
var handOff = map[int][]string{
	2022: {
		// 元旦 01-01(六)–01-03(一), 3天
		"2022-01-01", "2022-01-02", "2022-01-03",
		// 春节 01-31(一)–02-06(日), 7天
		"2022-01-31", "2022-02-01", "2022-02-02", "2022-02-03", "2022-02-04", "2022-02-05", "2022-02-06",
		// 清明 04-03(日)–04-05(二), 3天
		"2022-04-03", "2022-04-04", "2022-04-05",
		// 劳动节 04-30(六)–05-04(三), 5天
		"2022-04-30", "2022-05-01", "2022-05-02", "2022-05-03", "2022-05-04",
		// 端午 06-03(五)–06-05(日), 3天
		"2022-06-03", "2022-06-04", "2022-06-05",
		// 中秋 09-10(六)–09-12(一), 3天
		"2022-09-10", "2022-09-11", "2022-09-12",
		// 国庆 10-01(六)–10-07(五), 7天
		"2022-10-01", "2022-10-02", "2022-10-03", "2022-10-04", "2022-10-05", "2022-10-06", "2022-10-07",
	},
	2023: {
		// 元旦 2022-12-31(六)–01-02(一), 3天: starts in the previous year
		"2022-12-31", "2023-01-01", "2023-01-02",
		// 春节 01-21(六)–01-27(五), 7天
		"2023-01-21", "2023-01-22", "2023-01-23", "2023-01-24", "2023-01-25", "2023-01-26", "2023-01-27",
		// 清明 04-05(三), 1天
		"2023-04-05",
		// 劳动节 04-29(六)–05-03(三), 5天
		"2023-04-29", "2023-04-30", "2023-05-01", "2023-05-02", "2023-05-03",
		// 端午 06-22(四)–06-24(六), 3天
		"2023-06-22", "2023-06-23", "2023-06-24",
		// 中秋+国庆 09-29(五)–10-06(五), 8天
		"2023-09-29", "2023-09-30", "2023-10-01", "2023-10-02", "2023-10-03", "2023-10-04", "2023-10-05", "2023-10-06",
	},
	2024: {
		// 元旦 2023-12-30(六)–01-01(一), 3天: starts in the previous year
		"2023-12-30", "2023-12-31", "2024-01-01",
		// 春节 02-10(六)–02-17(六), 8天
		"2024-02-10", "2024-02-11", "2024-02-12", "2024-02-13", "2024-02-14", "2024-02-15", "2024-02-16", "2024-02-17",
		// 清明 04-04(四)–04-06(六), 3天
		"2024-04-04", "2024-04-05", "2024-04-06",
		// 劳动节 05-01(三)–05-05(日), 5天
		"2024-05-01", "2024-05-02", "2024-05-03", "2024-05-04", "2024-05-05",
		// 端午 06-08(六)–06-10(一), 3天
		"2024-06-08", "2024-06-09", "2024-06-10",
		// 中秋 09-15(日)–09-17(二), 3天
		"2024-09-15", "2024-09-16", "2024-09-17",
		// 国庆 10-01(二)–10-07(一), 7天
		"2024-10-01", "2024-10-02", "2024-10-03", "2024-10-04", "2024-10-05", "2024-10-06", "2024-10-07",
	},
	2025: {
		// 元旦 01-01(三), 1天
		"2025-01-01",
		// 春节 01-28(二, 除夕)–02-04(二), 8天
		"2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31", "2025-02-01", "2025-02-02", "2025-02-03", "2025-02-04",
		// 清明 04-04(五)–04-06(日), 3天
		"2025-04-04", "2025-04-05", "2025-04-06",
		// 劳动节 05-01(四)–05-05(一), 5天
		"2025-05-01", "2025-05-02", "2025-05-03", "2025-05-04", "2025-05-05",
		// 端午 05-31(六)–06-02(一), 3天
		"2025-05-31", "2025-06-01", "2025-06-02",
		// 国庆+中秋 10-01(三)–10-08(三), 8天
		"2025-10-01", "2025-10-02", "2025-10-03", "2025-10-04", "2025-10-05", "2025-10-06", "2025-10-07", "2025-10-08",
	},
	2026: {
		// 元旦 01-01(四)–01-03(六), 3天
		"2026-01-01", "2026-01-02", "2026-01-03",
		// 春节 02-15(日)–02-23(一), 9天
		"2026-02-15", "2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19", "2026-02-20", "2026-02-21", "2026-02-22", "2026-02-23",
		// 清明 04-04(六)–04-06(一), 3天
		"2026-04-04", "2026-04-05", "2026-04-06",
		// 劳动节 05-01(五)–05-05(二), 5天
		"2026-05-01", "2026-05-02", "2026-05-03", "2026-05-04", "2026-05-05",
		// 端午 06-19(五)–06-21(日), 3天
		"2026-06-19", "2026-06-20", "2026-06-21",
		// 中秋 09-25(五)–09-27(日), 3天
		"2026-09-25", "2026-09-26", "2026-09-27",
		// 国庆 10-01(四)–10-07(三), 7天
		"2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04", "2026-10-05", "2026-10-06", "2026-10-07",
	},
}

// 调休上班 days; every one is a Saturday (六) or Sunday (日).
var handWork = map[int][]string{
	2022: {"2022-01-29" /*六*/, "2022-01-30" /*日*/, "2022-04-02" /*六*/, "2022-04-24" /*日*/, "2022-05-07" /*六*/, "2022-10-08" /*六*/, "2022-10-09" /*日*/},
	2023: {"2023-01-28" /*六*/, "2023-01-29" /*日*/, "2023-04-23" /*日*/, "2023-05-06" /*六*/, "2023-06-25" /*日*/, "2023-10-07" /*六*/, "2023-10-08" /*日*/},
	2024: {"2024-02-04" /*日*/, "2024-02-18" /*日*/, "2024-04-07" /*日*/, "2024-04-28" /*日*/, "2024-05-11" /*六*/, "2024-09-14" /*六*/, "2024-09-29" /*日*/, "2024-10-12" /*六*/},
	2025: {"2025-01-26" /*日*/, "2025-02-08" /*六*/, "2025-04-27" /*日*/, "2025-09-28" /*日*/, "2025-10-11" /*六*/},
	2026: {"2026-01-04" /*日*/, "2026-02-14" /*六*/, "2026-02-28" /*六*/, "2026-05-09" /*六*/, "2026-09-20" /*日*/, "2026-10-10" /*六*/},
}

func dates(ss []string) []Date {
	out := make([]Date, len(ss))
	for i, s := range ss {
		out[i] = MustDate(s)
	}
	return out
}

func TestBuiltinMatchesNotices(t *testing.T) {
	ns := Builtin()
	var years []int
	for _, n := range ns {
		years = append(years, n.Year)
		if !slices.Equal(n.Off, dates(handOff[n.Year])) {
			t.Errorf("%d Off = %v, want %v", n.Year, n.Off, handOff[n.Year])
		}
		if !slices.Equal(n.Work, dates(handWork[n.Year])) {
			t.Errorf("%d Work = %v, want %v", n.Year, n.Work, handWork[n.Year])
		}
		if n.Source == "" {
			t.Errorf("%d has no Source", n.Year)
		}
	}
	if want := []int{2022, 2023, 2024, 2025, 2026}; !slices.Equal(years, want) {
		t.Errorf("Builtin years = %v, want %v", years, want)
	}
	// Builtin hands out fresh slices: changing one must not change the next call.
	ns[0].Off[0] = Date{}
	if Builtin()[0].Off[0].IsZero() {
		t.Error("Builtin shares its slices between calls")
	}
}

func TestParseNoticesOK(t *testing.T) {
	in := "\ufeff# 2027年（虚构，仅测试）\n\n" +
		"2027 off: 01-01..01-03, 2026-12-31..2027-01-02, 04-05\n" +
		"  2027 work ： 01-09，01-10  \n" + // full-width colon/comma, spaces
		"2027 source： 测试通知：附件\n" +
		"2028 off:\n2028 work:\n"
	ns, err := ParseNotices(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != 2 || ns[0].Year != 2027 || ns[1].Year != 2028 {
		t.Fatalf("got %+v", ns)
	}
	// overlapping ranges merge: 2026-12-31, 2027-01-01..03, 2027-04-05
	if want := dates([]string{"2026-12-31", "2027-01-01", "2027-01-02", "2027-01-03", "2027-04-05"}); !slices.Equal(ns[0].Off, want) {
		t.Errorf("Off = %v, want %v", ns[0].Off, want)
	}
	// 2027-01-09 is a Saturday, 01-10 a Sunday
	if want := dates([]string{"2027-01-09", "2027-01-10"}); !slices.Equal(ns[0].Work, want) {
		t.Errorf("Work = %v, want %v", ns[0].Work, want)
	}
	if ns[0].Source != "测试通知：附件" {
		t.Errorf("Source = %q", ns[0].Source)
	}
	if len(ns[1].Off) != 0 || len(ns[1].Work) != 0 {
		t.Errorf("2028 should be empty: %+v", ns[1])
	}
}

func TestParseNoticesErrors(t *testing.T) {
	tests := []struct {
		name, in string
		line     int
		msg      string // substring of the message
	}{
		{"no colon", "2027 off 01-01", 1, "缺少冒号"},
		{"bad head", "\n\n2027: 01-01", 3, "行首"},
		{"bad year", "abcd off: 01-01", 1, "年份无效"},
		{"unknown kind", "# x\n2027 of: 01-01", 2, "未知的类别"},
		{"bad date", "2027 off: 01-01\n2027 work: 01-0x", 2, "无效"},
		{"short date", "2027 off: 1-1\n2027 work:", 1, "格式有误"},
		{"impossible date", "2027 off: 02-30\n2027 work:", 1, "无效"},
		{"reversed range", "2027 off: 01-05..01-03\n2027 work:", 1, "终点早于起点"},
		{"range too long", "2027 off: 01-01..03-01\n2027 work:", 1, "疑为笔误"},
		{"empty item", "2027 off: 01-01, , 01-03\n2027 work:", 1, "空的日期项"},
		{"far year", "2027 off: 2029-01-01\n2027 work:", 1, "相邻年份"},
		{"off and work", "2027 off: 01-01..01-03\n2027 work: 01-02", 2, "第1行"},
		{"work on weekday", "2027 off:\n\n2027 work: 01-04", 3, "周一"}, // 2027-01-04 is a Monday
		{"duplicate off line", "2027 off: 01-01\n2027 work:\n2027 off: 01-02", 3, "已见于第1行"},
		{"duplicate work line", "2027 off: 01-01\n2027 work:\n# c\n2027 work:", 4, "已见于第2行"},
		{"missing work line", "2026 off: 01-01\n2026 work:\n2027 off: 01-01", 3, "缺少 work"},
		{"missing off line", "\n2027 work: 01-09", 2, "缺少 off"},
		{"missing off, source first", "2027 source: x\n2027 work: 01-09", 1, "缺少 off"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseNotices(strings.NewReader(tt.in))
			var pe *ParseError
			if !errors.As(err, &pe) {
				t.Fatalf("err = %v, want *ParseError", err)
			}
			if pe.Line != tt.line {
				t.Errorf("line = %d, want %d (%v)", pe.Line, tt.line, err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %q, want it to contain %q", err, tt.msg)
			}
			if want := "第"; !strings.HasPrefix(err.Error(), want) {
				t.Errorf("err = %q, want it to start with 第N行", err)
			}
		})
	}
}

func TestFormatNotice(t *testing.T) {
	var n2023 YearNotice
	for _, n := range Builtin() {
		if n.Year == 2023 {
			n2023 = n
		}
	}
	want := "2023 off: 2022-12-31..2023-01-02, 01-21..01-27, 04-05, 04-29..05-03, 06-22..06-24, 09-29..10-06\n" +
		"2023 work: 01-28..01-29, 04-23, 05-06, 06-25, 10-07..10-08\n"
	if got := FormatNotice(n2023); got != want {
		t.Errorf("FormatNotice(2023) =\n%s want\n%s", got, want)
	}
	// unsorted, duplicated input; an empty work line
	n := YearNotice{Year: 2027, Off: dates([]string{"2027-01-03", "2027-01-01", "2027-01-02", "2027-01-02", "2027-02-10"})}
	if got, want := FormatNotice(n), "2027 off: 01-01..01-03, 02-10\n2027 work:\n"; got != want {
		t.Errorf("FormatNotice = %q, want %q", got, want)
	}
}

func TestFormatParseRoundTrip(t *testing.T) {
	var all strings.Builder
	for _, n := range Builtin() {
		all.WriteString(FormatNotice(n))
		got, err := ParseNotices(strings.NewReader(FormatNotice(n)))
		if err != nil {
			t.Fatalf("%d: %v", n.Year, err)
		}
		if len(got) != 1 || got[0].Year != n.Year || !slices.Equal(got[0].Off, n.Off) || !slices.Equal(got[0].Work, n.Work) {
			t.Errorf("%d round trip = %+v, want %+v", n.Year, got, n)
		}
	}
	got, err := ParseNotices(strings.NewReader(all.String()))
	if err != nil {
		t.Fatal(err)
	}
	want := Builtin()
	if len(got) != len(want) {
		t.Fatalf("all years: got %d notices, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i].Year != want[i].Year || !slices.Equal(got[i].Off, want[i].Off) || !slices.Equal(got[i].Work, want[i].Work) {
			t.Errorf("all years: notice %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

func TestBuiltinWorkDaysAreWeekends(t *testing.T) {
	for _, n := range Builtin() {
		for _, d := range n.Work {
			if wd := d.Weekday(); wd != time.Saturday && wd != time.Sunday {
				t.Errorf("%d: make-up day %s is a %v", n.Year, d, wd)
			}
		}
	}
}
