package review

import (
	"context"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/module"
)

// The annual report reads the module through module.Reporting.
var _ module.Reporting = (*Module)(nil)

// TestFiguresAgree: over the seeded demo year, the Figures carry exactly the numbers of Counts,
// every figure with formula, source and link; a 司法局 stands for its government.
func TestFiguresAgree(t *testing.T) {
	s, _, o, _ := seeded(t)
	ctx := context.Background()
	gov, _ := o.ByCode("990121-GOV")
	just, _ := o.ByCode("990121-SFJ")
	c, err := s.Counts(ctx, gov.Path, 2026)
	if err != nil {
		t.Fatal(err)
	}
	figs, err := NewModule(s).Figures(ctx, just, 2026)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]int{"review_opinions_given": c.OpinionsGiven, "review_opinions_adopted": c.OpinionsAdopted}
	for _, k := range Kinds {
		kc := c.ByKind[k]
		want[KindKey(k, "submitted")], want[KindKey(k, "concluded")], want[KindKey(k, "on_time")] = kc.Submitted, kc.Concluded, kc.OnTime
		for _, con := range Conclusions {
			want[KindKey(k, string(con))] = kc.ByConclusion[string(con)]
		}
	}
	if len(figs) != len(want) {
		t.Errorf("%d figures, want %d", len(figs), len(want))
	}
	total := 0
	for _, f := range figs {
		n, ok := want[f.Key]
		if !ok || f.IsRate || f.Value != float64(n) {
			t.Errorf("%s = %v, want %d (known %v)", f.Key, f.Value, n, ok)
		}
		if f.Formula == "" || f.Source == "" || f.Link != StatsURL(gov.ID, 2026) || f.Label == "" {
			t.Errorf("%s: formula %q source %q link %q", f.Key, f.Formula, f.Source, f.Link)
		}
		if f.IsRate && f.Denominator == 0 {
			t.Errorf("%s: a rate without its base", f.Key)
		}
		total += n
	}
	if total == 0 || !strings.Contains(figs[0].Source, "115号") {
		t.Errorf("empty figures or wrong basis: %+v", figs[0])
	}
}
