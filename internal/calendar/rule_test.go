package calendar

import (
	"strings"
	"testing"
)

var (
	ruleAccept = Rule{Code: "reconsider.accept", Name: "受理审查期限", Length: 5, Unit: WorkingDays,
		Basis: "《中华人民共和国行政复议法》第三十条", StartEvent: "收到申请之日", RestartOnAmend: true}
	ruleDecide = Rule{Code: "reconsider.decide", Name: "复议决定期限", Length: 60, Unit: CalendarDays,
		Basis: "《中华人民共和国行政复议法》第六十二条第一款", StartEvent: "受理之日", Pausable: true, MaxExtension: 30}
	ruleReply = Rule{Code: "gip.reply", Name: "政府信息公开答复期限", Length: 20, Unit: WorkingDays,
		Basis: "《中华人民共和国政府信息公开条例》第三十三条", StartEvent: "收到申请之日", Pausable: true, RestartOnAmend: true, MaxExtension: 20}
)

func TestUnitAndPeriod(t *testing.T) {
	tests := []struct{ got, want string }{
		{WorkingDays.String(), "工作日"},
		{CalendarDays.String(), "日"},
		{Unit(0).String(), "Unit(0)"},
		{ruleAccept.Period(), "5个工作日"},
		{ruleDecide.Period(), "60日"},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("got %q, want %q", tt.got, tt.want)
		}
	}
}

func TestDue(t *testing.T) {
	p := func(from, to string) Pause {
		var tt Date
		if to != "" {
			tt = MustDate(to)
		}
		return Pause{MustDate(from), tt}
	}
	tests := []struct {
		name   string
		rule   Rule
		start  string
		pauses []Pause
		ext    int
		want   string // "" = ok false
	}{
		// 02-09 (1); 春节 02-10..17; 02-18 日 make-up (2); 02-19..21 (3–5)
		{"WD across 春节", ruleAccept, "2024-02-08", nil, 0, "2024-02-21"},
		// RestartOnAmend: the caller restarts from receipt of the completed materials, 09-27 五:
		// 09-29 日 make-up (1), 09-30 (2); 国庆; 10-08..10 (3–5)
		{"WD restarted after 补正", ruleAccept, "2024-09-27", nil, 0, "2024-10-10"},
		// not pausable: the pause is ignored
		{"pause ignored", ruleAccept, "2024-02-08", []Pause{p("2024-02-19", "2024-03-01")}, 0, "2024-02-21"},
		// 03-01 + 60 = 04-30 二, a working day
		{"CD plain", ruleDecide, "2024-03-01", nil, 0, "2024-04-30"},
		// 08-04 + 60 = 10-03 国庆 → 10-08
		{"CD ends in 国庆", ruleDecide, "2024-08-04", nil, 0, "2024-10-08"},
		// 08-04 + 90 = 11-02 六 → 11-04 一
		{"CD extended 30", ruleDecide, "2024-08-04", nil, 30, "2024-11-04"},
		// suspended 03-10, resumed 03-20: 03-11..20 (10 days) not counted → 04-30 + 10 = 05-10 五
		{"CD one pause", ruleDecide, "2024-03-01", []Pause{p("2024-03-10", "2024-03-20")}, 0, "2024-05-10"},
		// overlapping pauses count once: 03-11..25 (15 days) → 04-30 + 15 = 05-15 三
		{"CD overlapping pauses", ruleDecide, "2024-03-01", []Pause{p("2024-03-15", "2024-03-25"), p("2024-03-10", "2024-03-20")}, 0, "2024-05-15"},
		// 08-11..16 (6 days) → 10-03 + 6 = 10-09 三
		{"CD pause past 国庆", ruleDecide, "2024-08-04", []Pause{p("2024-08-10", "2024-08-16")}, 0, "2024-10-09"},
		// 08-11..13 (3 days) → 10-06 (国庆) → 10-08
		{"CD pause into 国庆", ruleDecide, "2024-08-04", []Pause{p("2024-08-10", "2024-08-13")}, 0, "2024-10-08"},
		// pause + extension: 03-11..20 not counted, 90 days → 05-30 + 10 = 06-09 (端午 06-08..10) → 06-11 二
		{"CD pause and extension", ruleDecide, "2024-03-01", []Pause{p("2024-03-10", "2024-03-20")}, 30, "2024-06-11"},
		// 04-30, 05-01 not counted → 05-02 (劳动节 05-01..05) → 05-06 一
		{"CD pause near the end", ruleDecide, "2024-03-01", []Pause{p("2024-04-29", "2024-05-01")}, 0, "2024-05-06"},
		// suspended and resumed the same day: nothing lost
		{"CD same-day pause", ruleDecide, "2024-03-01", []Pause{p("2024-03-10", "2024-03-10")}, 0, "2024-04-30"},
		// a pause before the start is irrelevant
		{"CD pause before start", ruleDecide, "2024-03-01", []Pause{p("2024-02-01", "2024-02-20")}, 0, "2024-04-30"},
		// suspended on the last day (04-30 counts) → period already used up
		{"CD pause on due day", ruleDecide, "2024-03-01", []Pause{p("2024-04-30", "2024-05-20")}, 0, "2024-04-30"},
		// still suspended → no due date
		{"CD open pause", ruleDecide, "2024-03-01", []Pause{p("2024-03-10", "")}, 0, ""},
		{"CD open pause after closed", ruleDecide, "2024-03-01", []Pause{p("2024-03-10", "2024-03-20"), p("2024-04-01", "")}, 0, ""},
		// an open pause begun after the period ran out does not hide the (past) due date
		{"CD open pause after due", ruleDecide, "2024-03-01", []Pause{p("2024-05-06", "")}, 0, "2024-04-30"},
		// 20 WD from 09-20 五: 09-23..27 (5), 09-29 日 (6), 09-30 (7), 10-08..11 (8–11), 10-12 六 (12),
		// 10-14..18 (17), 10-21..23 (20)
		{"WD 20 across 国庆", ruleReply, "2024-09-20", nil, 0, "2024-10-23"},
		// 10-10..14 not counted (10-10, 10-11, 10-12 make-up, 10-14 = 4 WD lost): … 10-09 (9), 10-15..18 (10–13),
		// 10-21..25 (18), 10-28 (19), 10-29 (20)
		{"WD with pause", ruleReply, "2024-09-20", []Pause{p("2024-10-09", "2024-10-14")}, 0, "2024-10-29"},
		// +20 WD: 10-24, 25 (22), 10-28..11-01 (27), 11-04..08 (32), 11-11..15 (37), 11-18..20 (40)
		{"WD extended 20", ruleReply, "2024-09-20", nil, 20, "2024-11-20"},
		// 2025-12-02 + 30 = 2026-01-01 元旦 → 01-04 make-up Sunday
		{"CD into 2026 元旦", Rule{Name: "简易程序决定期限", Length: 30, Unit: CalendarDays, Pausable: true}, "2025-12-02", nil, 0, "2026-01-04"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok, err := def.Due(tt.rule, MustDate(tt.start), tt.pauses, tt.ext)
			if err != nil {
				t.Fatal(err)
			}
			if tt.want == "" {
				if ok {
					t.Errorf("Due = %s, want no due date while suspended", got)
				}
				return
			}
			if !ok || got.String() != tt.want {
				t.Errorf("Due = %s (ok %v), want %s", got, ok, tt.want)
			}
		})
	}
}

// Without pauses or extension, Due agrees with AddWorkingDays / AddCalendarDays on every start day.
func TestDueMatchesAdd(t *testing.T) {
	for d := MustDate("2022-01-01"); d.Before(MustDate("2027-01-01")); d = d.AddDays(1) {
		for _, r := range []Rule{ruleAccept, ruleDecide, ruleReply} {
			got, ok, err := def.Due(r, d, nil, 0)
			want := def.AddWorkingDays(d, r.Length)
			if r.Unit == CalendarDays {
				want = def.AddCalendarDays(d, r.Length)
			}
			if err != nil || !ok || got != want {
				t.Fatalf("Due(%s, %s) = %s %v %v, want %s", r.Code, d, got, ok, err, want)
			}
		}
	}
}

func TestDueErrors(t *testing.T) {
	start := MustDate("2024-03-01")
	tests := []struct {
		name   string
		rule   Rule
		start  Date
		pauses []Pause
		ext    int
		msg    string
	}{
		{"extension too long", ruleDecide, start, nil, 31, "最多延长30日"},
		{"no extension allowed", ruleAccept, start, nil, 1, "不能延长"},
		{"negative extension", ruleDecide, start, nil, -1, "不能为负数"},
		{"no unit", Rule{Name: "x", Length: 5}, start, nil, 0, "单位无效"},
		{"zero length", Rule{Name: "x", Unit: WorkingDays}, start, nil, 0, "长度0无效"},
		{"zero start", ruleDecide, Date{}, nil, 0, "起算日期为空"},
		{"resumed before suspended", ruleDecide, start, []Pause{{MustDate("2024-03-10"), MustDate("2024-03-09")}}, 0, "早于中止日期"},
		{"no suspension date", ruleDecide, start, []Pause{{To: MustDate("2024-03-09")}}, 0, "中止日期为空"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, ok, err := def.Due(tt.rule, tt.start, tt.pauses, tt.ext)
			if err == nil || ok {
				t.Fatalf("ok = %v, err = %v, want an error", ok, err)
			}
			if !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %q, want it to contain %q", err, tt.msg)
			}
		})
	}
}

func TestWorkingDaysLeft(t *testing.T) {
	due := "2024-09-30" // 一, just before 国庆
	tests := []struct {
		today string
		want  int
	}{
		{"2024-09-26", 3},  // 09-27, 09-29 (make-up), 09-30
		{"2024-09-28", 2},  // 六: 09-29, 09-30
		{"2024-09-29", 1},  // 09-30
		{"2024-09-30", 0},  // due day
		{"2024-10-01", -1}, // holiday right after: already overdue
		{"2024-10-07", -1},
		{"2024-10-08", -1}, // first working day after
		{"2024-10-09", -2},
	}
	for _, tt := range tests {
		if got := def.WorkingDaysLeft(MustDate(tt.today), MustDate(due)); got != tt.want {
			t.Errorf("WorkingDaysLeft(%s, %s) = %d, want %d", tt.today, due, got, tt.want)
		}
	}
}

func BenchmarkDue(b *testing.B) {
	start := MustDate("2024-08-04")
	pauses := []Pause{{MustDate("2024-08-10"), MustDate("2024-08-16")}}
	for b.Loop() {
		if _, ok, err := def.Due(ruleDecide, start, pauses, 30); !ok || err != nil {
			b.Fatal(ok, err)
		}
		if _, ok, err := def.Due(ruleReply, start, nil, 20); !ok || err != nil {
			b.Fatal(ok, err)
		}
	}
}
