package reconsider

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/benchcpu"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/stats"
)

// benchApp names the benchmark's PostgreSQL connections, whose backends' CPU is read.
const benchApp = "fazhi-bench-recon"

// BenchmarkReconsiderScale (issue 12) requests the same four pages as a county's leader, a city's
// and the province's (each government and everything below it), reporting the CPU per request of this
// process and, on PostgreSQL, of the server, each beside a floor measured in the same run: the
// hand-written SQL that reads the page's rows (the first 20 rows of the list in its order; for the
// statistics, one COUNT over the same year's rows), with the scope filter the product uses for
// each user (for the city's and the province's, an organ test on each row of the order index). The growth ratio is the province's figure over
// the county's. Results: docs/benchmarks.md, 省级规模.
func BenchmarkReconsiderScale(b *testing.B) {
	env := newBenchEnv(b)
	if env.handler == nil {
		b.Skip("the case pages are not registered")
	}
	ctx := context.Background()
	srv := benchcpu.NewServer(env.d, benchApp)
	year := strconv.Itoa(env.year - 1)
	users := []struct {
		name  string
		organ org.Organ
		token string
	}{
		{"county", env.county, env.leaderToken(b, "qs_ld", env.county)},
		{"city", env.city, env.leaderToken(b, "shi_ld", env.city)},
		{"province", env.prov, env.leaderToken(b, "bench_sheng_ld", env.prov)},
	}
	today := env.svc.Today().String()
	yearFrom, yearTo := year+"-01-01", year+"-12-31"
	statsFloor := `SELECT COUNT(*) FROM reconsider_cases WHERE {scope} AND received_on >= '` + yearFrom + `' AND received_on <= '` + yearTo + `'`
	pages := []struct {
		name, path string
		floor      string // SQL whose {scope} is the user's organ filter, written as the product writes it
		before     func() // run before each request; its cost is measured with the request's
	}{
		{"list", "/reconsider/cases", `SELECT id, receipt_no, applicant_name, state FROM reconsider_cases
			WHERE {scope} ORDER BY received_on DESC, receipt_no DESC LIMIT 20`, nil},
		{"search", "/reconsider/cases?q=" + "王", `SELECT id, receipt_no, applicant_name, state FROM reconsider_cases
			WHERE {scope} AND applicant_name LIKE '%王%' ORDER BY received_on DESC, receipt_no DESC LIMIT 20`, nil},
		{"overdue", "/reconsider/cases?overdue=1", `SELECT id, receipt_no, applicant_name, state FROM reconsider_cases
			WHERE {scope} AND next_due > '' AND next_due < '` + today + `' ORDER BY next_due, received_on, receipt_no LIMIT 20`, nil},
		{"stats", "/reconsider/stats?sub=1&year=" + year, statsFloor, nil},
		// A case of 青山县 changed before each request: that county's figures are read again, the
		// others come from the memo (the steady state of a province where someone always writes).
		{"stats-after-write", "/reconsider/stats?sub=1&year=" + year, statsFloor, func() {
			if err := env.d.Tx(ctx, func(tx *db.Tx) error { return stats.Touch(ctx, tx, statsModule, env.county.ID) }); err != nil {
				b.Fatal(err)
			}
		}},
		// Nothing kept: every organ's figures read (the first request after a restart).
		{"stats-cold", "/reconsider/stats?sub=1&year=" + year, statsFloor, func() {
			env.svc.statsMemo, env.svc.statsTotals = stats.NewMemo[[]statsRow](20000), stats.NewMemo[Stats](500)
		}},
	}
	measure := func(b *testing.B, do func() error) {
		if err := do(); err != nil { // warm-up, not measured: connections, statements, memo
			b.Fatal(err)
		}
		srv.Refresh(ctx)
		c0, s0 := benchcpu.Process(), srv.Now()
		for b.Loop() {
			if err := do(); err != nil {
				b.Fatal(err)
			}
		}
		n := float64(b.N)
		b.ReportMetric(float64(benchcpu.Process()-c0)/n/float64(time.Millisecond), "cpu-ms/op")
		if env.d.Dialect == db.Postgres {
			b.ReportMetric(float64(srv.Now()-s0)/n/float64(time.Millisecond), "srv-cpu-ms/op")
		}
	}
	for _, pg := range pages {
		for _, u := range users {
			b.Run(pg.name+"/"+u.name, func(b *testing.B) {
				measure(b, func() error {
					if pg.before != nil {
						pg.before()
					}
					req := httptest.NewRequest(http.MethodGet, pg.path, nil)
					req.AddCookie(&http.Cookie{Name: "fazhi_session", Value: u.token})
					rec := httptest.NewRecorder()
					env.handler.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK {
						return fmt.Errorf("GET %s as %s: %d", pg.path, u.name, rec.Code)
					}
					return nil
				})
			})
			if pg.before != nil {
				continue // the floor is the plain page's
			}
			b.Run(pg.name+"/"+u.name+"/floor", func(b *testing.B) {
				measure(b, func() error {
					col := "organ_id"
					if u.name != "county" && pg.name != "stats" {
						col += " || ''" // as auth.Principal.Wide: walk the order index
					}
					frag, args := org.WithinSQL(col, u.organ.Path)
					rows, err := env.d.QueryContext(ctx, strings.ReplaceAll(pg.floor, "{scope}", frag), args...)
					if err != nil {
						return err
					}
					defer rows.Close()
					for rows.Next() {
					}
					return rows.Err()
				})
			})
		}
	}
}

// leaderToken logs in the leader username of organ (scope: the organ and everything below it),
// creating the account first when the demo has none (the province's).
func (env *benchEnv) leaderToken(b *testing.B, username string, organ org.Organ) string {
	ctx := context.Background()
	var n int
	if err := env.d.QueryRowContext(ctx, `SELECT COUNT(*) FROM users WHERE username = ?`, username).Scan(&n); err != nil {
		b.Fatal(err)
	}
	if n == 0 {
		hash, err := auth.HashPassword(demo.Password)
		if err != nil {
			b.Fatal(err)
		}
		if err := env.d.Tx(ctx, func(tx *db.Tx) error {
			_, err := env.auth.CreateUser(ctx, tx, auth.NewUser{Username: username, Name: "省领导", OrganID: organ.ID, Title: "副省长", PasswordHash: hash,
				Memberships: []auth.Membership{{OrganID: organ.ID, Role: auth.RoleLeader, Scope: auth.ScopeBelow}}})
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
	tok, err := env.auth.Login(ctx, username, demo.Password, "127.0.0.1", "bench", "")
	if err != nil {
		b.Fatal(err)
	}
	return tok
}
