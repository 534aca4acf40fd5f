package enforce

import (
	"slices"
	"testing"

	"github.com/fazhi/fazhi/internal/calendar"
)

func kinds(vs []Violation) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Kind)
	}
	return out
}

func d(s string) calendar.Date {
	if s == "" {
		return calendar.Date{}
	}
	return calendar.MustDate(s)
}

// certs for the rule tests: A and B valid 2024–2027; S suspended 2025-06-01 to 2025-06-30;
// X expired 2025-03-31; C cancelled from 2025-05-01.
func testCerts(no string) *Certificate {
	valid := []Span{{Kind: "valid", From: d("2024-01-01"), To: d("2027-12-31")}}
	switch no {
	case "A", "B":
		return &Certificate{Number: no, Spans: valid}
	case "S":
		return &Certificate{Number: no, Spans: append(slices.Clone(valid), Span{Kind: "suspended", From: d("2025-06-01"), To: d("2025-06-30")})}
	case "X":
		return &Certificate{Number: no, Spans: []Span{{Kind: "valid", From: d("2021-04-01"), To: d("2025-03-31")}}}
	case "C":
		return &Certificate{Number: no, Spans: valid, EndedOn: d("2025-05-01")}
	}
	return nil
}

func TestPublishDeadlinesCrossHolidaysAndMakeUpDays(t *testing.T) {
	cal := calendar.Default()
	// 2025 National Day: 10-01..10-08 off; Sunday 09-28 and Saturday 10-11 are make-up workdays.
	// Decision Friday 09-26; 7 WD: 09-28(1) 09-29(2) 09-30(3) 10-09(4) 10-10(5) 10-11(6) 10-13(7).
	pen := &Record{Category: CatPenalty, DecidedOn: d("2025-09-26")}
	if got := PublishDue(cal, DefaultPeriods, "", pen); got != d("2025-10-13") {
		t.Fatalf("penalty due %s, want 2025-10-13", got)
	}
	// Spring Festival 2025: 01-28..02-04 off; Sunday 01-26 and Saturday 02-08 make-up days.
	// Inspection decided Friday 01-24, 20 WD → 02-27 (counted by hand).
	insp := &Record{Category: CatInspection, DecidedOn: d("2025-01-24")}
	if got := PublishDue(cal, DefaultPeriods, "", insp); got != d("2025-02-27") {
		t.Fatalf("inspection due %s, want 2025-02-27", got)
	}
	// A 市场监管 body publishes penalties within 20 WD (sector rule).
	if got := PublishDue(cal, DefaultPeriods, "市场监管", &Record{Category: CatPenalty, DecidedOn: d("2025-01-24")}); got != d("2025-02-27") {
		t.Fatalf("sector due %s", got)
	}
	// A province setting 5 WD: 09-28, 09-29, 09-30, 10-09, 10-10.
	if got := PublishDue(cal, Periods{Decision: 5, Other: 20}, "", pen); got != d("2025-10-10") {
		t.Fatalf("5 WD due %s", got)
	}

	base := func() *Record {
		return &Record{Category: CatPenalty, DecidedOn: d("2025-09-26"), Officers: []string{"A", "B"}, FullRecord: true}
	}
	cases := []struct {
		name  string
		edit  func(r *Record)
		today string
		want  []string
	}{
		{"published on the last day", func(r *Record) { r.PublishedOn = d("2025-10-13") }, "2025-12-31", nil},
		{"published the day after", func(r *Record) { r.PublishedOn = d("2025-10-14") }, "2025-12-31", []string{WarnPublishLate}},
		{"unpublished, period running", func(r *Record) {}, "2025-10-13", nil},
		{"unpublished, period over", func(r *Record) {}, "2025-10-14", []string{WarnPublishMissing}},
		// Revoked Tuesday 09-30: 3 WD are 10-09, 10-10 and the make-up Saturday 10-11.
		{"withdrawn in time", func(r *Record) {
			r.PublishedOn, r.RevokedOn, r.WithdrawnOn = d("2025-09-29"), d("2025-09-30"), d("2025-10-11")
		}, "2025-12-31", nil},
		{"withdrawn late", func(r *Record) {
			r.PublishedOn, r.RevokedOn, r.WithdrawnOn = d("2025-09-29"), d("2025-09-30"), d("2025-10-13")
		}, "2025-12-31", []string{WarnWithdrawLate}},
		{"not withdrawn", func(r *Record) { r.PublishedOn, r.RevokedOn = d("2025-09-29"), d("2025-09-30") }, "2025-10-13", []string{WarnWithdrawLate}},
		{"major, reviewed same day", func(r *Record) { r.PublishedOn, r.Major, r.ReviewedOn = d("2025-09-29"), true, d("2025-09-26") }, "2025-12-31", nil},
		{"major, reviewed after", func(r *Record) { r.PublishedOn, r.Major, r.ReviewedOn = d("2025-09-29"), true, d("2025-09-27") }, "2025-12-31", []string{WarnReviewMissing}},
		{"major, not reviewed", func(r *Record) { r.PublishedOn, r.Major = d("2025-09-29"), true }, "2025-12-31", []string{WarnReviewMissing}},
		{"no full record", func(r *Record) { r.PublishedOn, r.FullRecord = d("2025-09-29"), false }, "2025-12-31", []string{WarnRecordMissing}},
		{"one officer", func(r *Record) { r.PublishedOn, r.Officers = d("2025-09-29"), []string{"A"} }, "2025-12-31", []string{WarnTooFewOfficers}},
		{"licence by one officer", func(r *Record) { r.Category, r.PublishedOn, r.Officers = CatLicense, d("2025-09-29"), []string{"A"} }, "2025-12-31", nil},
		{"unknown certificate", func(r *Record) { r.PublishedOn, r.Officers = d("2025-09-29"), []string{"A", "Z"} }, "2025-12-31", []string{WarnCertInvalid}},
		{"expired certificate", func(r *Record) { r.PublishedOn, r.Officers = d("2025-09-29"), []string{"A", "X"} }, "2025-12-31", []string{WarnCertInvalid}},
		{"cancelled certificate", func(r *Record) { r.PublishedOn, r.Officers = d("2025-09-29"), []string{"C", "B"} }, "2025-12-31", []string{WarnCertInvalid}},
		{"suspended on the day", func(r *Record) {
			r.DecidedOn, r.PublishedOn, r.Officers = d("2025-06-15"), d("2025-06-16"), []string{"A", "S"}
		}, "2025-12-31", []string{WarnCertInvalid}},
		{"suspension lifted", func(r *Record) { r.PublishedOn, r.Officers = d("2025-09-29"), []string{"A", "S"} }, "2025-12-31", nil},
		// Filed 07-07: day 90 is Sunday 10-05 inside the holiday, rolled to Thursday 10-09.
		{"decided on the rolled 90th day", func(r *Record) {
			r.FiledOn, r.DecidedOn, r.PublishedOn = d("2025-07-07"), d("2025-10-09"), d("2025-10-09")
		}, "2025-12-31", nil},
		{"decided after 90 days", func(r *Record) {
			r.FiledOn, r.DecidedOn, r.PublishedOn = d("2025-07-07"), d("2025-10-10"), d("2025-10-10")
		}, "2025-12-31", []string{WarnDecisionLate}},
		{"everything wrong", func(r *Record) {
			r.FiledOn, r.Major, r.FullRecord, r.Officers = d("2025-06-01"), true, false, []string{"X"}
		}, "2025-12-31", []string{WarnPublishMissing, WarnReviewMissing, WarnRecordMissing, WarnTooFewOfficers, WarnCertInvalid, WarnDecisionLate}},
	}
	for _, c := range cases {
		r := base()
		c.edit(r)
		got := kinds(Check(cal, DefaultPeriods, "", r, testCerts, d(c.today)))
		if !slices.Equal(got, c.want) {
			t.Errorf("%s: warnings %v, want %v", c.name, got, c.want)
		}
	}
}

func TestPublicationClass(t *testing.T) {
	due := d("2025-10-13")
	r := &Record{DecidedOn: d("2025-09-26")}
	if Publication(r, due, d("2025-10-13")) != PubNotDue || Publication(r, due, d("2025-10-14")) != PubMissing {
		t.Fatal("unpublished classification")
	}
	r.PublishedOn = d("2025-10-13")
	if Publication(r, due, d("2026-01-01")) != PubOnTime {
		t.Fatal("on time")
	}
	r.PublishedOn = d("2025-10-14")
	if Publication(r, due, d("2026-01-01")) != PubLate {
		t.Fatal("late")
	}
}

func TestSheetGrades(t *testing.T) {
	s := DefaultSheet
	for _, c := range []struct {
		ded   map[string]int
		veto  []string
		score int
		grade string
	}{
		{nil, nil, 100, "excellent"},
		{map[string]int{"事实清楚、证据确凿": 11}, nil, 89, "good"},
		{map[string]int{"事实清楚、证据确凿": 25, "适用依据正确、裁量适当": 15}, nil, 60, "pass"},
		{map[string]int{"事实清楚、证据确凿": 25, "适用依据正确、裁量适当": 16}, nil, 59, "fail"},
		{nil, []string{"程序合法（告知、听证、法制审核）"}, 100, "fail"},
	} {
		score, grade, err := s.Grade(c.ded, c.veto)
		if err != nil || score != c.score || grade != c.grade {
			t.Errorf("%v %v: %d %s %v, want %d %s", c.ded, c.veto, score, grade, err, c.score, c.grade)
		}
	}
	// A non-veto item marked as vetoed is refused (it used to be ignored silently).
	if _, _, err := s.Grade(nil, []string{"文书规范、送达合法"}); err == nil {
		t.Fatal("a non-veto item accepted as vetoed")
	}
	if _, _, err := s.Grade(map[string]int{"事实清楚、证据确凿": 26}, nil); err == nil {
		t.Fatal("deduction above the item's points accepted")
	}
}
