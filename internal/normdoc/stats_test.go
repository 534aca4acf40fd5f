package normdoc

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/module"
	"github.com/fazhi/fazhi/internal/review"
	"github.com/fazhi/fazhi/internal/stats"
)

// The annual report reads the module through module.Reporting.
var _ module.Reporting = (*Module)(nil)

// TestFiguresAgree: over the seeded demo year, the Figures carry exactly the numbers of Stats (and
// of review.Counts for the review figures), every rate with its counts, every figure with formula,
// source and link; the page's rows are taken from them.
func TestFiguresAgree(t *testing.T) {
	s, _, o, _ := seedEnv(t, "county", 0)
	ctx := context.Background()
	gov, _ := o.ByCode("990121-GOV")
	just, _ := o.ByCode("990121-SFJ")
	for _, year := range []int{2025, 2026} {
		st, err := s.Stats(ctx, gov, year)
		if err != nil {
			t.Fatal(err)
		}
		own, err := NewModule(s).Figures(ctx, just, year) // a 司法局 stands for its government
		if err != nil {
			t.Fatal(err)
		}
		want := map[string]int{"normdoc_published": st.Published, "normdoc_filing_due": st.FilingDue, "normdoc_filed_on_time": st.FiledOnTime,
			"normdoc_cleanup_kept": st.Cleanup.Kept, "normdoc_cleanup_amended": st.Cleanup.Amended, "normdoc_cleanup_repealed": st.Cleanup.Repealed,
			"normdoc_cleanup_expired": st.Cleanup.Expired, "normdoc_in_force": st.InForce}
		if len(own) != len(want)+1 {
			t.Errorf("%d: %d figures", year, len(own))
		}
		for _, f := range own {
			if f.Formula == "" || f.Source == "" || f.Link == "" || !strings.HasPrefix(f.Key, "normdoc_") {
				t.Errorf("%d %s: formula %q source %q link %q", year, f.Key, f.Formula, f.Source, f.Link)
			}
			if f.Key == "normdoc_filing_rate" {
				if !f.IsRate || f.Value != float64(st.FilingRate) || f.Numerator != st.FiledOnTime || f.Denominator != st.FilingDue || (year == 2026 && f.Denominator == 0) {
					t.Errorf("%d filing rate %v (%d/%d), stats %v (%d/%d)", year, f.Value, f.Numerator, f.Denominator, st.FilingRate, st.FiledOnTime, st.FilingDue)
				}
				continue
			}
			if n, ok := want[f.Key]; !ok || f.IsRate || f.Value != float64(n) {
				t.Errorf("%d %s = %v, want %d", year, f.Key, f.Value, n)
			}
		}
		if st.Published == 0 {
			t.Errorf("%d: nothing published in the demo", year)
		}
		if p, _ := stats.Find(own, "normdoc_published"); !strings.HasPrefix(p.Link, "/public/normdocs?") || !strings.Contains(p.Link, "organ="+gov.ID) {
			t.Errorf("published link %q", p.Link)
		}

		// The page shows the review figures per kind and then the rest, all from the Figures.
		all := st.Figures()
		if len(all) != len(own)+len(review.Kinds)*len(ReviewColumns)+2 {
			t.Errorf("%d: %d figures on the page", year, len(all))
		}
		for _, r := range st.ReviewRows() {
			var kc *review.KindCounts
			for _, k := range review.Kinds {
				if k.Label() == r.Label {
					kc = st.Reviews[string(k)]
				}
			}
			got := []int{}
			for _, c := range r.Cells {
				got = append(got, int(c.Value))
			}
			wantRow := []int{kc.Submitted, kc.Concluded, kc.ByConclusion["agree"], kc.ByConclusion["agree_amended"], kc.ByConclusion["disagree"], kc.ByConclusion["defer"], kc.OnTime}
			if !slices.Equal(got, wantRow) {
				t.Errorf("%d %s: %v, want %v", year, r.Label, got, wantRow)
			}
		}
		rows := st.FigureRows()
		if len(rows) != 2+len(own) || rows[0].Value != float64(st.OpinionsGiven) || rows[1].Value != float64(st.OpinionsAdopted) || rows[2].List == "" || rows[3].List != "" {
			t.Errorf("%d: figure rows %+v", year, rows[:4])
		}
	}
}
