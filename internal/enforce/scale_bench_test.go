package enforce

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/benchcpu"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
)

// Province-year scale: 2 million records over five years is 400,000 in a year
// (FAZHI_BENCH_RECORDS overrides), spread over 20 bodies in both demo counties, 5,000 officers
// with certificates; one record in ten a penalty decided but never published (a standing
// warning the scan re-checks), every hundredth with an amount far from its body's others.
// Reported beside a floor measured in the same run: one indexed COUNT over the same year's rows
// (the least any year statistics must read).

func scaleRecords() int {
	if n, err := strconv.Atoi(os.Getenv("FAZHI_BENCH_RECORDS")); err == nil && n > 0 {
		return n
	}
	return 400000
}

func newScaleFixture(b *testing.B) *fixture {
	b.Helper()
	f := newFixture(b)
	ctx := context.Background()
	now := db.Now()
	var bodies []*Body
	for _, o := range f.org.All() {
		if strings.HasSuffix(o.Code, "-GAJ") || strings.HasSuffix(o.Code, "-SJJ") || strings.HasSuffix(o.Code, "-CGJ") ||
			strings.HasSuffix(o.Code, "-JTJ") || strings.HasSuffix(o.Code, "-NYJ") || strings.HasSuffix(o.Code, "-ZJJ") ||
			strings.HasSuffix(o.Code, "-WJJ") || strings.HasSuffix(o.Code, "-YJJ") || strings.HasSuffix(o.Code, "-SHJ") || strings.HasSuffix(o.Code, "-ZRJ") {
			bodies = append(bodies, &Body{ID: db.NewID(), OrganID: o.ID, Name: o.Name, Kind: KindStatutory, Categories: []string{"penalty"}})
		}
	}
	if len(bodies) < 2 {
		b.Fatalf("only %d bodies", len(bodies))
	}
	var offRows, certRows, spanRows, recRows [][]any
	const officers = 5000
	nums := make([]string, officers)
	for i := range officers {
		bd := bodies[i%len(bodies)]
		oid, cid := db.NewID(), db.NewID()
		nums[i] = fmt.Sprintf("P%06d", i)
		offRows = append(offRows, []any{oid, bd.ID, bd.OrganID, "执法员", "执法岗", 0, now})
		c := &Certificate{ID: cid, OfficerID: oid, OrganID: bd.OrganID, Number: nums[i], State: CertIssued, AppliedOn: d("2024-01-02"),
			TrainingHours: 60, ExamScore: 90, ExamPassed: true, IssuedOn: d("2024-01-10"), ValidTo: d("2027-12-31"), Version: 1}
		if i%50 == 0 {
			c.ValidTo = d("2026-01-15") // expiring within 30 days of 2025-12-31
		}
		certRows = append(certRows, []any{c.ID, c.OfficerID, c.OrganID, c.Number, c.State, c.AppliedOn.String(), c.TrainingHours, c.ExamScore, 1,
			c.IssuedOn.String(), c.ValidTo.String(), "", 1, now})
		spanRows = append(spanRows, []any{db.NewID(), cid, "valid", c.IssuedOn.String(), c.ValidTo.String(), now})
	}
	n := scaleRecords()
	for i := range n {
		bd := bodies[i%len(bodies)]
		day := fmt.Sprintf("2025-%02d-%02d", 1+i%12, 1+i%28)
		r := &Record{ID: db.NewID(), OrganID: bd.OrganID, BodyID: bd.ID, Category: CatInspection, CaseNo: "R" + strconv.Itoa(i), Subject: "对象",
			SubjectType: "法人", DecidedOn: d(day), PublishedOn: d(day), PublishDue: d(day), Officers: []string{nums[i%officers], nums[(i+1)%officers]}, FullRecord: true}
		if i%10 == 0 {
			r.Category, r.FiledOn, r.PublishedOn, r.PublishDue, r.AmountCents = CatPenalty, d(day), calendar.Date{}, d(day).AddDays(9), 20000+int64(i%7)*100
			if i%100 == 0 {
				r.AmountCents = 5000000
			}
		}
		recRows = append(recRows, append(r.row(), "bench", now, now))
	}
	if err := f.m.d.DB.Tx(ctx, func(tx *db.Tx) error {
		for _, bd := range bodies {
			if err := insertBody(ctx, tx, bd); err != nil {
				return err
			}
		}
		if err := insertMany(ctx, tx, `INSERT INTO enforce_officers (`+officerCols+`, created_at)`, 7, offRows); err != nil {
			return err
		}
		if err := insertMany(ctx, tx, `INSERT INTO enforce_certificates (`+certCols+`, created_at)`, 14, certRows); err != nil {
			return err
		}
		if err := insertMany(ctx, tx, `INSERT INTO enforce_cert_spans (id, cert_id, kind, from_on, to_on, created_at)`, 6, spanRows); err != nil {
			return err
		}
		return insertMany(ctx, tx, `INSERT INTO enforce_records (`+recordCols+`, source, created_at, updated_at)`, 22, recRows)
	}); err != nil {
		b.Fatal(err)
	}
	return f
}

// benchApp names the benchmark's PostgreSQL connections (put application_name=fazhi-bench-enf
// in FAZHI_TEST_POSTGRES) so the server backends' CPU can be read beside the process's.
const benchApp = "fazhi-bench-enf"

// runScale times op and the floor alternately in the same loop and reports both per op; before
// is run ahead of each op, untimed.
func runScale(b *testing.B, f *fixture, before, op func() error) {
	area := f.m.Area(f.organ("990000-SFT"))
	like := db.EscapeLike(area.Path) + "%"
	floor := func() error {
		var n int
		return f.m.d.DB.QueryRowContext(f.ctx, `SELECT COUNT(*) FROM enforce_records WHERE decided_on >= '2025-01-01' AND decided_on <= '2025-12-31'
			AND organ_id IN (SELECT id FROM organs WHERE path LIKE ?)`, like).Scan(&n)
	}
	if err := op(); err != nil { // warm: the first scan writes the standing warnings
		b.Fatal(err)
	}
	srv := benchcpu.NewServer(f.m.d.DB, benchApp)
	srv.Refresh(f.ctx)
	var opCPU, opSrv, opWall, flCPU, flSrv, flWall time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if before != nil {
			b.StopTimer()
			if err := before(); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
		c, s, w := benchcpu.Process(), srv.Now(), time.Now()
		if err := op(); err != nil {
			b.Fatal(err)
		}
		opCPU, opSrv, opWall = opCPU+benchcpu.Process()-c, opSrv+srv.Now()-s, opWall+time.Since(w)
		c, s, w = benchcpu.Process(), srv.Now(), time.Now()
		if err := floor(); err != nil {
			b.Fatal(err)
		}
		flCPU, flSrv, flWall = flCPU+benchcpu.Process()-c, flSrv+srv.Now()-s, flWall+time.Since(w)
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(b.N) }
	b.ReportMetric(ms(opWall), "wall-ms/op")
	b.ReportMetric(ms(opCPU), "cpu-ms/op")
	b.ReportMetric(ms(opSrv), "srv-cpu-ms/op")
	b.ReportMetric(ms(flWall), "floor-wall-ms/op")
	b.ReportMetric(ms(flCPU), "floor-cpu-ms/op")
	b.ReportMetric(ms(flSrv), "floor-srv-cpu-ms/op")
	b.ReportMetric(float64(scaleRecords()), "records")
}

// BenchmarkProvinceStats is `fazhi stats enforcement` for the province's 司法厅 over a year.
func BenchmarkProvinceStats(b *testing.B) {
	f := newScaleFixture(b)
	sft := f.organ("990000-SFT")
	runScale(b, f, nil, func() error {
		st, err := f.m.StatsFor(f.ctx, sft, 2025)
		if err == nil && st.Records[CatPenalty] != (scaleRecords()+9)/10 {
			err = fmt.Errorf("penalties %d", st.Records[CatPenalty])
		}
		return err
	})
}

// BenchmarkWarningsScan is the scheduled scan as it runs day after day over the same data: the
// clock moves on a day before each scan (from 2025-12-20), so the scan examines the penalties
// whose publication deadline fell that day; the 36,000 standing warnings stay as they are.
func BenchmarkWarningsScan(b *testing.B) {
	f := newScaleFixture(b)
	day := d("2025-12-20")
	f.m.SetToday(day)
	runScale(b, f, func() error {
		day = day.AddDays(1)
		f.m.SetToday(day)
		return nil
	}, func() error {
		_, err := f.m.Scan(f.ctx)
		return err
	})
}

// BenchmarkWarningsScanFull is the scan with no previous scan day (the first one, and the one
// after a calendar change): every unpublished penalty past its deadline is re-checked, and only
// warnings that changed are written (none, after the warm-up).
func BenchmarkWarningsScanFull(b *testing.B) {
	f := newScaleFixture(b)
	runScale(b, f, func() error {
		return f.m.d.DB.Tx(f.ctx, func(tx *db.Tx) error {
			return tx.Exec(f.ctx, `DELETE FROM enforce_scan_state WHERE name = ?`, scanStateName)
		})
	}, func() error {
		_, err := f.m.Scan(f.ctx)
		return err
	})
}

// BenchmarkMonitor is the 履职 monitoring page's computation for the province over a year.
func BenchmarkMonitor(b *testing.B) {
	f := newScaleFixture(b)
	p := &auth.Principal{Scope: auth.ScopeAll, OrganID: f.organ("990000-SFT").ID}
	runScale(b, f, nil, func() error {
		_, err := f.m.MonitorFor(f.ctx, p, 2025)
		return err
	})
}
