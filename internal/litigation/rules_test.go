package litigation

import (
	"testing"

	"github.com/fazhi/fazhi/internal/calendar"
)

var d = calendar.MustDate

// Every expected date below was counted by hand on the State Council notices (legal-rules.md §10).
func TestAnswerDue(t *testing.T) {
	cal := calendar.Default()
	for _, c := range []struct{ received, due, draft, why string }{
		// +15 = 2025-01-28 除夕, 春节 1-28..2-04 → 2-05 (Wed).
		{"2025-01-13", "2025-02-05", "2025-01-23", "spring festival"},
		// +15 = 2025-10-01, 国庆 10-01..10-08 → 10-09; day 10 = 09-26 (Fri).
		{"2025-09-16", "2025-10-09", "2025-09-26", "national day"},
		// +15 = 2025-09-28, a Sunday that is a 调休 working day: no roll. Day 10 = 09-23 (Tue).
		{"2025-09-13", "2025-09-28", "2025-09-23", "make-up workday"},
		// +15 = 2026-01-04, Sunday and 调休 working day. Day 10 = 2025-12-30 (Tue).
		{"2025-12-20", "2026-01-04", "2025-12-30", "make-up workday 2026"},
		// +15 = 2025-01-04 Saturday → Monday 01-06; day 10 = 2024-12-30 (Mon).
		{"2024-12-20", "2025-01-06", "2024-12-30", "weekend"},
		// Day 10 = 2025-02-01 (Sat, 春节) → back to 01-27 (Mon); +15 = 02-06 (Thu).
		{"2025-01-22", "2025-02-06", "2025-01-27", "milestone moves back over the holiday"},
	} {
		got := AnswerDue(cal, d(c.received))
		if got != d(c.due) {
			t.Errorf("%s: answer due for %s = %s, want %s", c.why, c.received, got, c.due)
		}
		if dr := DraftDue(cal, d(c.received), 10); dr != d(c.draft) {
			t.Errorf("%s: draft due for %s = %s, want %s", c.why, c.received, dr, c.draft)
		}
	}
}

func TestAppealDue(t *testing.T) {
	cal := calendar.Default()
	for _, c := range []struct {
		o           Outcome
		served, due string
		why         string
	}{
		// Judgment 15 days: +15 = 2024-02-11 in 春节 (02-10..02-17) → 02-18, a 调休 Sunday.
		{Revoke, "2024-01-27", "2024-02-18", "judgment over spring festival to a make-up Sunday"},
		{DismissClaim, "2025-03-03", "2025-03-18", "plain judgment"},
		// Ruling 10 days: +10 = 2024-10-01 → 国庆 to 10-07 → 10-08.
		{DismissSuit, "2024-09-21", "2024-10-08", "ruling over national day"},
		{Withdrawn, "2024-09-21", "", "准予撤诉 is not appealable"},
		{Mediation, "2024-09-21", "", "调解书 is not appealable"},
	} {
		got := AppealDue(cal, c.o, d(c.served))
		want := calendar.Date{}
		if c.due != "" {
			want = d(c.due)
		}
		if got != want {
			t.Errorf("%s: appeal due = %s, want %s", c.why, got, want)
		}
	}
}

func TestRecommendationDue(t *testing.T) {
	cal := calendar.Default()
	for _, c := range []struct {
		kind          RecKind
		urgent        bool
		days          int
		received, due string
		why           string
	}{
		{Procuratorial, false, 0, "2024-12-10", "2025-02-10", "two months, a Monday"},
		// 2025-02-01 is a Saturday inside 春节 → 02-05.
		{Procuratorial, false, 0, "2024-12-01", "2025-02-05", "two months ending in spring festival"},
		// No 31 February: the month's last day (民法典第二百零二条), 2025-02-28 Friday.
		{Procuratorial, false, 0, "2024-12-31", "2025-02-28", "month end"},
		// Urgent: +15 = 2025-05-05, 劳动节 05-01..05-05 → 05-06.
		{Procuratorial, true, 0, "2025-04-20", "2025-05-06", "urgent over labour day"},
		{Judicial, false, 0, "2025-07-31", "2025-09-30", "judicial default two months"},
		// Stated 30 days: +30 = 2025-10-04 → 国庆 → 10-09.
		{Judicial, false, 30, "2025-09-04", "2025-10-09", "stated period"},
	} {
		if got := RecommendationDue(cal, c.kind, c.urgent, c.days, d(c.received)); got != d(c.due) {
			t.Errorf("%s: due = %s, want %s", c.why, got, c.due)
		}
	}
}

func TestHearingNotice(t *testing.T) {
	if HearingNoticeLate(d("2025-03-07"), d("2025-03-10")) {
		t.Error("notice 3 days before is on time")
	}
	if !HearingNoticeLate(d("2025-03-08"), d("2025-03-10")) {
		t.Error("notice 2 days before is late")
	}
}

func TestParseDocket(t *testing.T) {
	for _, c := range []struct {
		in   string
		want Docket
		inst Instance
	}{
		{"（2024）豫0182行初12号", Docket{2024, "豫0182", "行初", 12}, First},
		{"(2023)豫01行终345号", Docket{2023, "豫01", "行终", 345}, Second},
		{"〔2022〕豫行再7号", Docket{2022, "豫", "行再", 7}, Retrial},
		{"（２０２４）最高法行申1号", Docket{2024, "最高法", "行申", 1}, Retrial},
	} {
		got, err := ParseDocket(c.in)
		if err != nil || got != c.want || got.Instance() != c.inst {
			t.Errorf("ParseDocket(%q) = %+v, %v; want %+v", c.in, got, err, c.want)
		}
	}
	if s := (Docket{2024, "豫0182", "行初", 12}).String(); s != "（2024）豫0182行初12号" {
		t.Errorf("String = %s", s)
	}
	for _, bad := range []string{"2024豫0182行初12号", "（2024）豫0182民初12号", "（2024）豫0182行初号", "（2024）豫0182行初0号", "（1900）豫0182行初1号", ""} {
		if _, err := ParseDocket(bad); err == nil {
			t.Errorf("ParseDocket(%q) accepted", bad)
		}
	}
}

func TestDefendantsArt26(t *testing.T) {
	def, co, err := Defendants(ReconsiderUpheld, "青山县公安局", "青山县人民政府")
	if err != nil || def != "青山县公安局" || len(co) != 1 || co[0] != "青山县人民政府" {
		t.Errorf("upheld: %s %v %v", def, co, err)
	}
	def, co, err = Defendants(ReconsiderChanged, "青山县公安局", "青山县人民政府")
	if err != nil || def != "青山县人民政府" || len(co) != 0 {
		t.Errorf("changed: %s %v %v", def, co, err)
	}
	if _, _, err := Defendants(ReconsiderUpheld, "青山县公安局", ""); err == nil {
		t.Error("upheld without the reconsideration organ accepted")
	}
}
