package enforce

import (
	"errors"
	"testing"

	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/fault"
)

// Scoring a file: the evaluator never from the evaluated body, the campaign only in its county,
// the grade by the sheet's thresholds and veto items.
func TestEvaluateFile(t *testing.T) {
	f := newFixture(t)
	p := f.login("qs_sc")
	gaj := f.body(p, "990121-GAJ", "青山县公安局", "")
	sjj := f.body(p, "990121-SJJ", "青山县市场监督管理局", "市场监管")
	own, _ := f.certified(p, gaj, "张伟", "G1", "2024-01-01", "2027-12-31")
	other, _ := f.certified(p, sjj, "李娜", "S1", "2024-01-01", "2027-12-31")
	if _, err := f.m.SaveRecords(f.ctx, []*Record{{OrganID: gaj.OrganID, BodyID: gaj.ID, Category: CatInspection, CaseNo: "公查1号", Subject: "甲",
		DecidedOn: d("2025-06-02"), Officers: []string{"G1"}, FullRecord: true}}, "test"); err != nil {
		t.Fatal(err)
	}
	var recID string
	f.m.d.DB.QueryRowContext(f.ctx, `SELECT id FROM enforce_records WHERE case_no = '公查1号'`).Scan(&recID)
	cid, err := f.m.CreateCampaign(f.ctx, p, CampaignInput{Year: 2025, Title: "2025年度案卷评查"})
	if err != nil {
		t.Fatal(err)
	}
	in := EvaluationInput{Step: casework.Step{OnText: "2025-12-01"}, RecordID: recID, EvaluatorID: own.ID, Deductions: map[string]int{"事实清楚、证据确凿": 5}}
	if _, _, err := f.m.Evaluate(f.ctx, p, cid, in); !errors.Is(err, fault.Invalid) {
		t.Fatalf("evaluator from the evaluated body accepted: %v", err)
	}
	if _, _, err := f.m.Evaluate(f.ctx, f.login("ls_sc"), cid, in); !errors.Is(err, fault.NotFound) {
		t.Fatalf("another county's campaign reached: %v", err)
	}
	in.EvaluatorID = other.ID
	if _, grade, err := f.m.Evaluate(f.ctx, p, cid, in); err != nil || grade != "excellent" { // 95
		t.Fatalf("%s %v", grade, err)
	}
	if _, _, err := f.m.Evaluate(f.ctx, p, cid, in); !errors.Is(err, fault.Conflict) {
		t.Fatalf("scored twice: %v", err)
	}
	if _, g, _ := DefaultSheet.Grade(map[string]int{}, []string{"程序合法（告知、听证、法制审核）"}); g != "fail" {
		t.Fatalf("veto item: %s", g)
	}
}
