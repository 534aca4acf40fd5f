package enforce

import (
	"testing"
)

// TestStatsActYear hand-counts the edges of the year: a penalty filed in the year and not yet
// decided counts as a record of the year (by its filing) but neither for publication nor for
// 法制审核; one filed in the year and decided the next counts in the next year only.
func TestStatsActYear(t *testing.T) {
	f := newFixture(t)
	p := f.login("qs_sc")
	gaj := f.body(p, "990121-GAJ", "青山县公安局", "")
	f.certified(p, gaj, "张伟", "G1", "2024-01-01", "2027-12-31")
	f.certified(p, gaj, "刘洋", "G2", "2024-01-01", "2027-12-31")
	f.m.SetToday(d("2026-03-31"))
	rec := func(no, filed, decided, published string, major bool, reviewed string) *Record {
		return &Record{OrganID: gaj.OrganID, BodyID: gaj.ID, Category: CatPenalty, CaseNo: no, Officers: []string{"G1", "G2"}, FullRecord: true,
			FiledOn: dateOf(filed), DecidedOn: dateOf(decided), PublishedOn: dateOf(published), Major: major, ReviewedOn: dateOf(reviewed)}
	}
	if _, err := f.m.SaveRecords(f.ctx, []*Record{
		rec("A", "2025-03-01", "2025-03-10", "2025-03-11", true, "2025-03-09"), // 2025: on time, reviewed
		rec("B", "2025-11-01", "", "", true, ""),                               // 2025 by filing: undecided, past 90 days
		rec("C", "2025-12-20", "2026-01-05", "", true, ""),                     // 2026: decided, never published
		rec("D", "2024-12-01", "", "", false, ""),                              // 2024 by filing
		rec("E", "2024-12-01", "2025-01-06", "2025-02-20", false, ""),          // 2025: late
	}, "test"); err != nil {
		t.Fatal(err)
	}
	type fig struct{ records, decided, required, onTime, late, miss, major, reviewed int }
	for year, want := range map[int]fig{2024: {1, 0, 0, 0, 0, 0, 0, 0}, 2025: {3, 2, 2, 1, 1, 0, 1, 1}, 2026: {1, 1, 1, 0, 0, 1, 1, 0}} {
		st, err := f.m.StatsFor(f.ctx, f.organ("990121-SFJ"), year)
		if err != nil {
			t.Fatal(err)
		}
		got := fig{st.Records[CatPenalty], st.Decided, st.PublicityRequired, st.PublicityOnTime, st.PublicityLate, st.PublicityMiss, st.LegalReviewRequired, st.LegalReviewed}
		if got != want || st.ActsInYear != want.records || st.FullRecord != want.records {
			t.Errorf("%d: %+v (acts %d, full %d), want %+v", year, got, st.ActsInYear, st.FullRecord, want)
		}
	}
}
