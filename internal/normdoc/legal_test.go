package normdoc

import (
	"errors"
	"testing"

	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/fault"
)

// A document entered as historical says so about its 备案 and can have it recorded (issue 9, item 8).
func TestLegacyFilingState(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_sc")
	// Published Fri 2024-09-27: 30 days = 10-27, a Sunday → Mon 10-28 (the National Day holiday lies inside).
	a := f.legacy("990121-GOV", "青政规〔2024〕9号", "青山县城区停车管理办法", "2024-09-27", "2024-10-08", "", textV1)
	d := mustDetail(t, f, staff, a.ID)
	if len(d.Filings) != 0 || a.FilingStateText(0) != "历史文件，备案情况未录入" {
		t.Fatalf("legacy filing state %q, %d filings", a.FilingStateText(0), len(d.Filings))
	}
	a = must(t)(f.svc.LegacyFilings(f.ctx, staff, a.ID, casework.Step{On: date("2025-06-01")}))
	d = mustDetail(t, f, staff, a.ID)
	if len(d.Filings) == 0 || a.FilingStateText(len(d.Filings)) != "" {
		t.Fatalf("no filings opened: %d", len(d.Filings))
	}
	for _, fl := range d.Filings {
		if fl.Round != 1 || fl.DueOn.String() != "2024-10-28" {
			t.Errorf("legacy filing %+v", fl)
		}
	}
	must(t)(f.svc.RecordFiling(f.ctx, staff, a.ID, d.Filings[0].ID, FilingInput{Step: casework.Step{On: date("2024-10-15")}, Stage: "sent"}))
	if _, err := f.svc.LegacyFilings(f.ctx, staff, a.ID, casework.Step{On: date("2025-06-01")}); !errors.Is(err, fault.Conflict) {
		t.Errorf("the filings of a document are opened once, got %v", err)
	}
}

// 继续有效 cannot be evaluated twice before re-publication, and the re-publication must come before the
// old period ends.
func TestRenewalMustPrecedeExpiry(t *testing.T) {
	f := newFixture(t)
	staff := f.login("qs_sc")
	a := f.legacy("990121-GOV", "青政规〔2021〕1号", "青山县农村宅基地管理办法", "2021-01-05", "2021-02-01", "", textV1)
	a = must(t)(f.svc.Evaluate(f.ctx, staff, a.ID, EvaluateInput{Step: casework.Step{On: date("2025-12-01")}, Evaluation: EvalContinue}))
	if _, err := f.svc.Evaluate(f.ctx, staff, a.ID, EvaluateInput{Step: casework.Step{On: date("2025-12-02")}, Evaluation: EvalContinue}); !errors.Is(err, fault.Conflict) {
		t.Errorf("a second 继续有效 before re-publication must be refused, got %v", err)
	}
	if _, err := f.svc.ReviseText(f.ctx, staff, a.ID, ReviseInput{Step: casework.Step{On: date("2025-12-02"), Note: "勘误"}, Body: textV1 + "\n第五条 附则。"}); !errors.Is(err, fault.Conflict) {
		t.Errorf("revising while the renewal waits must be refused, got %v", err)
	}
	f.setClock("2026-02-02")
	if _, err := f.svc.PublishRenewal(f.ctx, staff, a.ID, RenewalInput{Step: casework.Step{On: date("2026-02-01")}, Channel: "政府网站"}); !errors.Is(err, fault.Invalid) {
		t.Errorf("re-publication after the period ended (2026-01-31) must be refused, got %v", err)
	}
	if n, err := f.svc.ExpireDue(f.ctx); err != nil || n != 1 {
		t.Errorf("not re-published: the document expires, got %d %v", n, err)
	}
}
