package enforce

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/fault"
)

func TestOutliers(t *testing.T) {
	// Median 1000; deviations 0,0,100,100,100,100,200,200,200,9000 → MAD 100, spread 148.26;
	// with k = 3 the range is 555.22–1444.78: only 10000 is out.
	xs := []int64{1000, 1000, 900, 1100, 900, 1100, 800, 1200, 1200, 10000}
	med, spread, idx := Outliers(xs, 3, 10)
	if med != 1050 {
		t.Fatalf("median %v", med)
	}
	if len(idx) != 1 || xs[idx[0]] != 10000 || spread <= 0 {
		t.Fatalf("outliers %v (median %v spread %v)", idx, med, spread)
	}
	if _, _, idx := Outliers(xs[:9], 3, 10); idx != nil {
		t.Fatal("judged below the minimum sample")
	}
	if _, _, idx := Outliers([]int64{5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 500}, 3, 10); idx != nil {
		t.Fatal("judged with a MAD of 0")
	}
}

// Officer warnings: a certificate expiring within the organ's notice period, one past its
// validity, and (from 1 December) training hours short of the target; all rebuilt by each scan.
func TestOfficerWarnings(t *testing.T) {
	f := newFixture(t)
	p := f.login("qs_sc")
	gaj := f.body(p, "990121-GAJ", "青山县公安局", "")
	soon, _ := f.certified(p, gaj, "张伟", "G1", "2024-01-01", "2026-01-20") // 20 days after 2025-12-31
	f.certified(p, gaj, "王强", "G2", "2024-01-01", "2026-03-31")            // 90 days: no warning
	f.certified(p, gaj, "李娜", "G3", "2020-01-01", "2025-06-30")            // expired, never renewed
	if _, err := f.m.RecordTraining(f.ctx, p, soon.ID, TrainingInput{Hours: 0, Course: " "}); err == nil {
		t.Fatal("bad training accepted")
	} else {
		var fs *fault.Fields
		if !errors.As(err, &fs) || fs.Fields["hours"] == "" || fs.Fields["course"] == "" {
			t.Fatalf("fields not named: %v", err)
		}
	}
	if _, err := f.m.RecordTraining(f.ctx, f.login("ls_sc"), soon.ID, TrainingInput{Hours: 8, Course: "x"}); !errors.Is(err, fault.NotFound) {
		t.Fatalf("another county recorded training: %v", err)
	}
	o4, err := f.m.CreateOfficer(f.ctx, p, OfficerInput{BodyID: gaj.ID, Name: "赵敏"})
	if err != nil {
		t.Fatal(err)
	}
	s, err := f.m.RecordTraining(f.ctx, p, o4.ID, TrainingInput{Step: casework.Step{OnText: "2025-05-06"}, Hours: 24, Course: "行政处罚法专题"})
	if err != nil || s.Hours != 24 || s.Target != 60 || !s.Short() {
		t.Fatalf("%+v %v", s, err)
	}
	f.m.RecordTraining(f.ctx, p, o4.ID, TrainingInput{Step: casework.Step{OnText: "2024-12-06"}, Hours: 50, Course: "上年培训"}) // another year

	// 30 November: certificates only (training is checked from 1 December).
	f.m.SetToday(d("2025-11-30"))
	if _, err := f.m.Scan(f.ctx); err != nil {
		t.Fatal(err)
	}
	kinds := func() map[string][]string {
		out := map[string][]string{}
		ws, _ := f.m.Warnings(f.ctx, p, 100)
		for _, w := range ws {
			if w.RecordID == "" {
				out[w.Kind] = append(out[w.Kind], w.Message)
			}
		}
		return out
	}
	got := kinds()
	// 2025-11-30 + 30 days = 2025-12-30: G1 (2026-01-20) not yet; G3 expired.
	if len(got[WarnCertExpiring]) != 1 || !strings.Contains(got[WarnCertExpiring][0], "G3") || len(got[WarnTrainingShort]) != 0 {
		t.Fatalf("30 November: %v", got)
	}
	f.m.SetToday(d("2025-12-31"))
	if _, err := f.m.Scan(f.ctx); err != nil {
		t.Fatal(err)
	}
	got = kinds()
	if len(got[WarnCertExpiring]) != 2 || !strings.Contains(strings.Join(got[WarnCertExpiring], ";"), "G1") {
		t.Fatalf("31 December certificates: %v", got[WarnCertExpiring])
	}
	// The fixture's applications carry 60 hours today (2025-12-31): only 赵敏 (24 hours) is short.
	if len(got[WarnTrainingShort]) != 1 || !strings.Contains(got[WarnTrainingShort][0], fmt.Sprintf("赵敏 2025年培训 %d 学时，少于年度目标 60 学时", 24)) {
		t.Fatalf("training: %v", got[WarnTrainingShort])
	}
	// The workbench of the 司法局 and of the body shows them; a second scan does not double them.
	if _, err := f.m.Scan(f.ctx); err != nil {
		t.Fatal(err)
	}
	if again := kinds(); len(again[WarnCertExpiring]) != 2 || len(again[WarnTrainingShort]) != 1 {
		t.Fatalf("rescan doubled: %v", again)
	}
	for _, who := range []string{"qs_sc", "qs_gaj"} {
		todos, err := f.m.todos(f.ctx, f.login(who))
		if err != nil {
			t.Fatal(err)
		}
		var titles []string
		for _, td := range todos {
			titles = append(titles, td.Title)
		}
		all := strings.Join(titles, "；")
		if !strings.Contains(all, "执法证到期提醒 2 条") || !strings.Contains(all, "培训学时不足 1 条") {
			t.Fatalf("%s workbench: %s", who, all)
		}
	}
	if todos, _ := f.m.todos(f.ctx, f.login("qs_sjj")); len(todos) != 0 {
		t.Fatalf("another body's workbench: %v", todos)
	}
}

// The monitoring page's figures over a hand-built year.
func TestMonitor(t *testing.T) {
	f := newFixture(t)
	p := f.login("qs_sc")
	gaj := f.body(p, "990121-GAJ", "青山县公安局", "")
	sjj := f.body(p, "990121-SJJ", "青山县市场监督管理局", "市场监管")
	f.certified(p, gaj, "张伟", "G1", "2024-01-01", "2027-12-31")
	f.certified(p, gaj, "王强", "G2", "2024-01-01", "2027-12-31")
	f.certified(p, sjj, "李娜", "S1", "2024-01-01", "2027-12-31")
	var recs []*Record
	for i := range 11 {
		amount := int64(100000 + 1000*(i%5)) // 1,000–1,040 yuan
		if i == 10 {
			amount = 5000000 // 50,000 yuan
		}
		recs = append(recs, &Record{OrganID: gaj.OrganID, BodyID: gaj.ID, Category: CatPenalty, CaseNo: fmt.Sprintf("公罚%d", i), Subject: "甲",
			FiledOn: d("2025-03-01"), DecidedOn: d(fmt.Sprintf("2025-%02d-10", 3+i%2)), Officers: []string{"G1", "G2"}, AmountCents: amount, FullRecord: true})
	}
	recs = append(recs, &Record{OrganID: gaj.OrganID, BodyID: gaj.ID, Category: CatInspection, CaseNo: "公查1", Subject: "乙", DecidedOn: d("2025-07-01"), Officers: []string{"G1", "G2"}})
	if _, err := f.m.SaveRecords(f.ctx, recs, "test"); err != nil {
		t.Fatal(err)
	}
	mo, err := f.m.MonitorFor(f.ctx, p, 2025)
	if err != nil {
		t.Fatal(err)
	}
	var g *BodyMonth
	for _, b := range mo.Bodies {
		if b.Body.ID == gaj.ID {
			g = b
		}
	}
	if g.Total != 12 || g.ByCategory[CatPenalty] != 11 || g.ByMonth[2] != 6 || g.ByMonth[3] != 5 || g.ByMonth[6] != 1 {
		t.Fatalf("counts %+v", g)
	}
	if len(mo.ZeroBodies) != 1 || mo.ZeroBodies[0].ID != sjj.ID {
		t.Fatalf("zero bodies %v", mo.ZeroBodies)
	}
	if mo.IdleTotal != 1 || mo.Idle[0].Officer.Name != "李娜" {
		t.Fatalf("idle officers %d", mo.IdleTotal)
	}
	if len(mo.Outliers) != 1 || mo.Outliers[0].CaseNo != "公罚10" || mo.Outliers[0].Amount != "50000" {
		t.Fatalf("outliers %+v", mo.Outliers)
	}
	if mo2, _ := f.m.MonitorFor(f.ctx, f.login("ls_sc"), 2025); len(mo2.Outliers) != 0 || len(mo2.Bodies) != 0 {
		t.Fatal("another county sees these bodies")
	}
}

func TestRemedyRows(t *testing.T) {
	a, b, c := &Body{ID: "a", Name: "甲局"}, &Body{ID: "b", Name: "乙局"}, &Body{ID: "c", Name: "丙局"}
	rows := remedyRows([]*Body{a, b, c},
		[]RemedyGroup{{"甲局", 10, 1}, {"乙局", 2, 2}, {"不在范围的局", 9, 9}},
		[]RemedyGroup{{"甲局", 3, 1}, {"丙局", 5, 0}})
	got := map[string]RemedyRow{}
	for _, r := range rows {
		got[r.Body.ID] = r
	}
	// 甲局: 复议 10% (not high), 诉讼 1/3 = 33% with 3 concluded → high; 乙局: 100% but only 2
	// concluded → not judged; 丙局: 0 of 5.
	if len(rows) != 3 || !got["a"].High || got["b"].High || got["c"].High || rows[0].Body.ID != "a" {
		t.Fatalf("%+v", rows)
	}
	if got["a"].ReconConcluded != 10 || got["a"].Lost != 1 || got["a"].LitRate.String() != "33.33%" {
		t.Fatalf("%+v", got["a"])
	}
}
