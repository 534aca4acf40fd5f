package disclosure_test

import (
	"context"
	"fmt"
	"github.com/fazhi/fazhi/internal/benchcpu"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/cli"
	"github.com/fazhi/fazhi/internal/demotest"
	"github.com/fazhi/fazhi/internal/disclosure"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/webtest"
)

// BenchmarkDisclosure measures the list page, the request page and the annual tables of the whole
// province for a year over ≈ 60,000 requests received in five years (the province demo's volume),
// written by the demo's plan into the demo county (both counties' governments, offices and
// departments). FAZHI_BENCH_SCALE=0.1 builds a tenth. Each result carries cpu-ms/op (this process,
// getrusage) beside a floor: the bare SQL the operation cannot avoid.
func BenchmarkDisclosure(b *testing.B) {
	e := demotest.Env(b)
	svc := disclosureService(b, e)
	scale := 1.0
	if v, err := strconv.ParseFloat(os.Getenv("FAZHI_BENCH_SCALE"), 64); err == nil && v > 0 {
		scale = v
	}
	// the county governments (those with departments) and their offices and departments
	var organs []org.Organ
	govs := map[string]bool{}
	for _, o := range e.Org.All() {
		if o.Kind == org.KindDepartment {
			govs[o.ParentID] = true
		}
	}
	for _, o := range e.Org.All() {
		if govs[o.ID] || (govs[o.ParentID] && (o.Kind == org.KindDepartment || o.Kind == org.KindOffice || o.Kind == org.KindJustice)) {
			organs = append(organs, o)
		}
	}
	perYear := max(1, int(60000*scale)/(5*len(organs)))
	start := time.Now()
	n, err := svc.SeedBulk(context.Background(), organs, 5, perYear, func() string { return "王芳" })
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%d requests for %d organs in %s", n, len(organs), time.Since(start).Round(time.Millisecond))
	ctx := context.Background()
	if err := e.DB.Analyze(ctx); err != nil { // after a bulk load, as the demo loader does (PostgreSQL: statistics, visibility map)
		b.Fatal(err)
	}
	zrj, _ := e.Org.ByCode("990121-ZRJ")
	var province org.Organ
	for _, o := range e.Org.All() {
		if o.ParentID == "" && o.Kind == org.KindGovernment {
			province = o
		}
	}
	year := svc.Today().Year - 1
	var id string
	e.DB.QueryRowContext(ctx, `SELECT id FROM disclosure_requests WHERE organ_id = ? ORDER BY received_on DESC LIMIT 1`, zrj.ID).Scan(&id)
	staff := webtest.Login(b, e.Web, e.Auth, "qs_zrj")
	leader := webtest.Login(b, e.Web, e.Auth, "qs_ld")

	page := func(c *webtest.Client, path string) func(b *testing.B) {
		return func(b *testing.B) {
			measure(b, func() {
				if w := c.Get(path); w.Code != 200 {
					b.Fatalf("%s: %d", path, w.Code)
				}
			})
		}
	}
	b.Run("Page/list", page(staff, "/disclosure/requests"))
	b.Run("Page/list-county", page(leader, "/disclosure/requests?state=registered"))
	b.Run("Page/request", page(staff, "/disclosure/requests/"+id))
	b.Run("Floor/list", func(b *testing.B) {
		measure(b, func() {
			rows, err := e.DB.QueryContext(ctx, `SELECT id FROM disclosure_requests WHERE organ_id = ? ORDER BY received_on DESC LIMIT 500`, zrj.ID)
			if err != nil {
				b.Fatal(err)
			}
			for rows.Next() {
			}
			rows.Close()
		})
	})
	// 32 users of the four pages at people's pace: a random pause of 0–2 s (mean 1 s) before each
	// page; p50 and p99 over all requests (the 行政复议 Users32 run, repeated for this module).
	b.Run("Users32", func(b *testing.B) {
		pages := []struct {
			c    *webtest.Client
			path string
		}{{staff, "/disclosure/requests"}, {leader, "/disclosure/requests?state=registered"}, {staff, "/disclosure/requests/" + id}, {staff, "/disclosure/stats"}}
		benchcpu.Users(b, time.Second, func(i int) error {
			pg := pages[i%len(pages)]
			if w := pg.c.Get(pg.path); w.Code != 200 {
				return fmt.Errorf("%s: %d", pg.path, w.Code)
			}
			return nil
		})
	})
	b.Run("AnnualTablesProvince", func(b *testing.B) {
		measure(b, func() {
			if _, err := svc.Verified(ctx, disclosure.Scope{Organ: province, Subordinates: true}, year); err != nil {
				b.Fatal(err)
			}
		})
	})
	b.Run("Floor/annual", func(b *testing.B) {
		// the two years' rows the tables are counted from, fetched and discarded
		measure(b, func() {
			for _, y := range []int{year, year - 1} {
				rows, err := e.DB.QueryContext(ctx, `SELECT received_on, applicant_type, reply_type, replied_on, on_time, reconsideration, litigation FROM disclosure_requests
					WHERE organ_id IN (SELECT id FROM organs WHERE path LIKE ?) AND received_on <= ? AND (replied_on = '' OR replied_on >= ?)`,
					province.Path+"%", strconv.Itoa(y)+"-12-31", strconv.Itoa(y)+"-01-01")
				if err != nil {
					b.Fatal(err)
				}
				for rows.Next() {
				}
				rows.Close()
			}
		})
	})
}

func disclosureService(tb testing.TB, e *cli.Env) *disclosure.Service {
	for _, m := range e.Modules() {
		if d, ok := m.(*disclosure.Module); ok {
			return d.Service()
		}
	}
	tb.Fatal("disclosure module not listed")
	return nil
}

// measure runs f b.N times and reports this process's CPU per operation.
func measure(b *testing.B, f func()) {
	b.Helper()
	f() // warm
	b.ResetTimer()
	c0 := benchcpu.Process()
	for b.Loop() {
		f()
	}
	b.ReportMetric(float64(benchcpu.Process()-c0)/float64(b.N)/1e6, "cpu-ms/op")
}
