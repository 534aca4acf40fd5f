package enforce

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/benchcpu"
	"github.com/fazhi/fazhi/internal/db"
)

// benchRows is the size of one benchmarked ledger.
const benchRows = 20000

// BenchmarkImport is `fazhi import enforcement` on a generated ledger (parse, checks, warnings,
// write); each iteration imports fresh 案号 so every row is an INSERT. It reports rows/s.
func BenchmarkImport(b *testing.B) {
	f := newBenchFixture(b)
	eachLedger(b, func(ledger string) {
		if _, err := f.m.Import(f.ctx, f.organ("990121-GOV"), "bench.csv", strings.NewReader(ledger)); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkImportFloor is the floor of the same run: the very rows the import writes (the same
// ledger parsed and checked beforehand, untimed) written by the bare multi-row INSERTs into the
// same two tables in one transaction — what any import of this ledger must at least do.
func BenchmarkImportFloor(b *testing.B) {
	f := newBenchFixture(b)
	ctx := context.Background()
	var cpu time.Duration
	var wall time.Duration
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		recs, warns := f.importRows(b, bulkLedgerFrom(i*benchRows, benchRows))
		b.StartTimer()
		c, w := benchcpu.Process(), time.Now()
		if err := f.m.d.DB.Tx(ctx, func(tx *db.Tx) error {
			if err := insertMany(ctx, tx, `INSERT INTO enforce_records (`+recordCols+`, source, created_at, updated_at)`, 22, recs); err != nil {
				return err
			}
			return insertMany(ctx, tx, `INSERT INTO enforce_warnings (id, organ_id, body_id, record_id, officer_id, kind, message, basis, due_on, created_at)`, 10, warns)
		}); err != nil {
			b.Fatal(err)
		}
		cpu, wall = cpu+benchcpu.Process()-c, wall+time.Since(w)
	}
	rows := float64(b.N * benchRows)
	b.ReportMetric(rows/wall.Seconds(), "rows/s")
	b.ReportMetric(rows/cpu.Seconds(), "rows/cpu-s")
}

// BenchmarkImportParse is the other part of the import, in the same run: the same ledgers read,
// checked cell by cell and against the rules, and turned into rows — nothing written.
func BenchmarkImportParse(b *testing.B) {
	f := newBenchFixture(b)
	eachLedger(b, func(ledger string) { f.importRows(b, ledger) })
}

// importRows is what Import writes for a ledger: the record rows and their warnings' rows.
func (f *benchFixture) importRows(b *testing.B, ledger string) (recs, warns [][]any) {
	res, err := f.m.ledgerSpec().Parse(strings.NewReader(ledger), "bench.csv")
	if err != nil {
		b.Fatal(err)
	}
	if err := f.m.checkAll(f.ctx, f.m.d.DB, f.organ("990121-GOV"), res.Rows); err != nil || !res.OK() {
		b.Fatal(err, res.Errors)
	}
	c, err := f.m.newChecker(f.ctx, f.m.d.DB)
	if err != nil {
		b.Fatal(err)
	}
	now := db.Now()
	for _, row := range res.Rows {
		r := rowRecord(row)
		vs, err := c.check(f.ctx, f.m.d.DB, r)
		if err != nil {
			b.Fatal(err)
		}
		r.ID = db.NewID()
		recs = append(recs, append(r.row(), "import", now, now))
		for _, v := range vs {
			warns = append(warns, []any{db.NewID(), r.OrganID, r.BodyID, r.ID, "", v.Kind, v.Message, v.Basis, v.Due.String(), now})
		}
	}
	return recs, warns
}

type benchFixture struct {
	*fixture
	gaj *Body
}

// newBenchFixture is the county with 青山县公安局 and two certified officers (G1, G2).
func newBenchFixture(b *testing.B) *benchFixture {
	b.Helper()
	f := newFixture(b)
	p := f.login("qs_sc")
	gaj := f.body(p, "990121-GAJ", "青山县公安局", "")
	f.certified(p, gaj, "张伟", "G1", "2024-01-01", "2027-12-31")
	f.certified(p, gaj, "刘洋", "G2", "2024-01-01", "2027-12-31")
	return &benchFixture{fixture: f, gaj: gaj}
}

// bulkLedgerFrom is n rows like bulkLedger's, numbered from first+1; every tenth row is a
// penalty decided late or published late so warnings are written too.
func bulkLedgerFrom(first, n int) string {
	var b strings.Builder
	b.Grow(n * 170)
	b.WriteString(ledgerHead)
	for i := first + 1; i <= first+n; i++ {
		decided := fmt.Sprintf("2025-%02d-%02d", 1+i%12, 1+i%28)
		if i%10 == 0 {
			fmt.Fprintf(&b, "青山县公安局,行政处罚,公罚〔2025〕%d号,对象%d,自然人,%s,%s,G1,200,否,,,,否\n", i, i, decided, decided)
			continue
		}
		fmt.Fprintf(&b, "青山县公安局,行政检查,公查〔2025〕%d号,对象%d,法人,,%s,G1、G2,,否,,%s,,是\n", i, i, decided, decided)
	}
	return b.String()
}

// eachLedger runs op on b.N fresh ledgers (generated before the clock starts) and reports the
// rows per second and per CPU-second.
func eachLedger(b *testing.B, op func(ledger string)) {
	ledgers := make([]string, b.N)
	for i := range ledgers {
		ledgers[i] = bulkLedgerFrom(i*benchRows, benchRows)
	}
	b.ResetTimer()
	cpu := benchcpu.Process()
	for _, l := range ledgers {
		op(l)
	}
	reportRates(b, cpu)
}

func reportRates(b *testing.B, cpuStart time.Duration) {
	rows := float64(b.N * benchRows)
	b.ReportMetric(rows/b.Elapsed().Seconds(), "rows/s")
	if cpu := benchcpu.Process() - cpuStart; cpu > 0 {
		b.ReportMetric(rows/cpu.Seconds(), "rows/cpu-s")
	}
}
