package enforce

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

// bulkLedger is n generated rows for 青山县公安局; bad lists the rows (1-based data rows) whose
// 决定日期 is broken.
func bulkLedger(n int, bad map[int]bool) string {
	var b strings.Builder
	b.Grow(n * 160)
	b.WriteString(ledgerHead)
	for i := 1; i <= n; i++ {
		decided := fmt.Sprintf("2025-%02d-%02d", 1+i%12, 1+i%28)
		published := decided
		if bad[i] {
			decided = "2025-13-01"
		}
		fmt.Fprintf(&b, "青山县公安局,行政检查,公查〔2025〕%d号,对象%d,法人,,%s,G1、G2,,否,,%s,,是\n", i, i, decided, published)
	}
	return b.String()
}

func TestImport100000Rows(t *testing.T) {
	if testing.Short() {
		t.Skip("100,000-row import")
	}
	f := newFixture(t)
	p := f.login("qs_sc")
	gaj := f.body(p, "990121-GAJ", "青山县公安局", "")
	f.certified(p, gaj, "张伟", "G1", "2024-01-01", "2027-12-31")
	f.certified(p, gaj, "刘洋", "G2", "2024-01-01", "2027-12-31")
	const n = 100000
	bad := map[int]bool{7: true, 50001: true, 99999: true}
	_, err := f.m.Import(f.ctx, f.organ("990121-GOV"), "big.csv", strings.NewReader(bulkLedger(n, bad)))
	var le *LedgerError
	if !errors.As(err, &le) || le.Count != 3 {
		t.Fatalf("%v", err)
	}
	for i, row := range []int{8, 50002, 100000} { // data row i is line i+1
		if e := le.Errors[i]; e.Row != row || e.Column != "决定日期" {
			t.Fatalf("error %d: %+v", i, e)
		}
	}
	var count int
	f.m.d.DB.QueryRowContext(f.ctx, `SELECT COUNT(*) FROM enforce_records`).Scan(&count)
	if count != 0 {
		t.Fatalf("%d records written from a bad ledger", count)
	}
	start := time.Now()
	res, err := f.m.Import(f.ctx, f.organ("990121-GOV"), "big.csv", strings.NewReader(bulkLedger(n, nil)))
	if err != nil {
		t.Fatal(err)
	}
	took := time.Since(start)
	t.Logf("imported %d rows in %v: %.0f rows/s", res.Rows, took, float64(res.Rows)/took.Seconds())
	f.m.d.DB.QueryRowContext(f.ctx, `SELECT COUNT(*) FROM enforce_records`).Scan(&count)
	if count != n || res.Created != n {
		t.Fatalf("%d records, %+v", count, res)
	}
}
