package litigation

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/benchcpu"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/module"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/secure"
	"github.com/fazhi/fazhi/internal/web"
	"github.com/fazhi/fazhi/internal/webtest"
)

// The benchmark data is generated here, not by a province seeder: the demo province of two counties
// gets FAZHI_BENCH_CASES (default 30,000) 一审 cases received over 2021–2025 with a defendant and a
// plaintiff each, hearings for 70 % of them and 300 recommendations — a province's five years of
// 行政应诉 concentrated in two counties (so a county-year here holds ≈ 3,000 cases, fifty times a real
// county's). See docs/benchmarks.md, 行政应诉.

const benchApp = "fazhi-bench-lit"

type benchEnv struct {
	ctx      context.Context
	d        *db.DB
	m        *Module
	org      *org.Service
	auth     *auth.Service
	app      *web.App
	county   org.Organ // 青山县人民政府
	province org.Organ
	caseID   string
	srv      *benchcpu.Server
}

func openBench(b *testing.B) *benchEnv {
	b.Helper()
	ctx := context.Background()
	dsn := dbtest.PostgresDSN(b)
	if dsn != "" {
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		dsn += sep + "application_name=" + benchApp
	}
	d, err := db.Open(ctx, dsn, b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(ctx); err != nil {
		b.Fatal(err)
	}
	if _, err := d.Migrate(ctx, Migrations); err != nil {
		b.Fatal(err)
	}
	o := org.New(d)
	if err := o.Load(ctx); err != nil {
		b.Fatal(err)
	}
	a := auth.New(d, o, auth.DefaultSettings())
	if _, err := demo.Load(ctx, d, o, a, "county", nil); err != nil {
		b.Fatal(err)
	}
	cipher, _ := secure.NewFieldCipher(make([]byte, 16))
	m := New(module.Deps{DB: d, Org: o, Auth: a, Cipher: cipher})
	m.SetClock(func() time.Time { return time.Date(2026, 3, 31, 10, 0, 0, 0, calendar.Shanghai()) })
	e := &benchEnv{ctx: ctx, d: d, m: m, org: o, auth: a, srv: benchcpu.NewServer(d, benchApp)}
	e.county, _ = o.ByCode("990121-GOV")
	e.province = e.county
	for e.province.ParentID != "" { // the top of the county's tree: the demo province
		e.province, _ = o.Organ(e.province.ParentID)
	}
	n := 30000
	if s := os.Getenv("FAZHI_BENCH_CASES"); s != "" {
		fmt.Sscan(s, &n)
	}
	start := time.Now()
	if err := e.generate(n); err != nil {
		b.Fatal(err)
	}
	if d.Dialect == db.Postgres {
		d.Tx(ctx, func(tx *db.Tx) error { return tx.Exec(ctx, `ANALYZE`) })
	}
	b.Logf("generated %d cases in %s (%s)", n, time.Since(start).Round(time.Millisecond), d.Dialect)
	cal := calendar.Default()
	e.app = web.New(web.Deps{DB: d, Auth: a, Org: o, Calendar: func() *calendar.Calendar { return cal }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	m.Register(e.app, api.NewRegistry())
	return e
}

// generate writes n cases over 2021-01-01 … 2025-12-31 with multi-row INSERTs.
func (e *benchEnv) generate(n int) error {
	ctx, cal := e.ctx, calendar.Default()
	rng := rand.New(rand.NewSource(13))
	type county struct {
		gov, court org.Organ
		defs       []org.Organ
	}
	var counties []county
	for _, code := range []string{"990121-GOV", "990122-GOV"} {
		gov, _ := e.org.ByCode(code)
		c := county{gov: gov}
		for _, o := range e.org.All() {
			if o.Kind == org.KindCourt && o.DivisionCode == gov.DivisionCode {
				c.court = o
			} else if g, ok := e.org.GovernmentOf(o); ok && g.ID == gov.ID && o.Kind != org.KindCourt && o.Kind != org.KindJustice && o.Kind != org.KindOffice {
				c.defs = append(c.defs, o)
			}
		}
		counties = append(counties, c)
	}
	outcomes := []Outcome{DismissClaim, DismissClaim, DismissClaim, DismissClaim, Revoke, DeclareUnlawful, DismissSuit, DismissSuit, Withdrawn, Withdrawn, WithdrawnAfterChange, OrderPerformance, Mediation}
	base := calendar.MustDate("2021-01-01")
	numbers := map[string]int{}
	var cases []*Case
	var partyArgs, hearingArgs []any
	flush := func(tx *db.Tx) error {
		for len(cases) > 0 {
			k := min(len(cases), 300)
			var args []any
			for _, c := range cases[:k] {
				args = append(args, caseArgs(c)...)
			}
			rows := strings.TrimSuffix(strings.Repeat("("+placeholders(caseColCount)+"), ", k), ", ")
			if err := tx.Exec(ctx, `INSERT INTO litigation_cases (`+caseCols+`) VALUES `+rows, args...); err != nil {
				return err
			}
			cases = cases[k:]
		}
		for _, set := range []struct {
			head string
			cols int
			args *[]any
		}{{`INSERT INTO litigation_parties (id, case_id, role, seq, name, kind, id_enc, id_masked, organ_id) VALUES `, 9, &partyArgs},
			{`INSERT INTO litigation_hearings (id, case_id, held_on, notice_on, mandatory, held, appeared, leader_name, leader_title, absence, delegates, created_at) VALUES `, 12, &hearingArgs}} {
			for len(*set.args) > 0 {
				k := min(len(*set.args)/set.cols, 1000)
				rows := strings.TrimSuffix(strings.Repeat("("+placeholders(set.cols)+"), ", k), ", ")
				if err := tx.Exec(ctx, set.head+rows, (*set.args)[:k*set.cols]...); err != nil {
					return err
				}
				*set.args = (*set.args)[k*set.cols:]
			}
		}
		return nil
	}
	now := db.Now()
	return e.d.Tx(ctx, func(tx *db.Tx) error {
		for i := 0; i < n; i++ {
			ct := counties[i%len(counties)]
			def := ct.defs[rng.Intn(len(ct.defs))]
			recv := base.AddDays(rng.Intn(5 * 365))
			key := fmt.Sprint(ct.court.ID, recv.Year)
			numbers[key]++
			dk := Docket{Year: recv.Year, Court: "豫" + ct.gov.DivisionCode[2:6], Kind: "行初", Number: numbers[key]}
			c := &Case{ID: db.NewID(), OrganID: def.ID, GovID: ct.gov.ID, CourtID: ct.court.ID, CourtName: ct.court.Name, Instance: First,
				Docket: dk.String(), DocketYear: dk.Year, CourtCode: dk.Court, DocketKind: dk.Kind, DocketNo: dk.Number, Defendant: def.Name,
				Plaintiff: fmt.Sprintf("原告%d", i), PlaintiffK: Natural, ActType: ActTypes[rng.Intn(len(ActTypes))], Field: Fields[rng.Intn(len(Fields))],
				State: StateAssigned, ReceivedOn: recv, DraftDays: 10, Version: 1, CreatedAt: now}
			c.MatterID = c.ID
			c.Recompute(cal)
			if rng.Intn(10) < 9 {
				c.AnsweredOn, c.State = recv.AddDays(8+rng.Intn(9)), StateAnswered
			}
			heard := rng.Intn(10) < 7
			closed := recv.AddDays(60 + rng.Intn(200))
			if closed.Before(calendar.MustDate("2026-03-01")) {
				c.Outcome, c.ClosedOn, c.State, c.EffectiveOn, c.AppealDecided = outcomes[rng.Intn(len(outcomes))], closed, StateEffective, closed.AddDays(20), true
			}
			cases = append(cases, c)
			partyArgs = append(partyArgs, db.NewID(), c.ID, RolePlaintiff, 0, c.Plaintiff, string(Natural), "", "", "",
				db.NewID(), c.ID, RoleDefendant, 1, def.Name, "", "", "", def.ID)
			if heard {
				held := recv.AddDays(30 + rng.Intn(30))
				hearingArgs = append(hearingArgs, db.NewID(), c.ID, held.String(), held.AddDays(-7).String(), db.BoolInt(rng.Intn(3) == 0), 1,
					db.BoolInt(rng.Intn(10) < 6), "某局长", LeaderTitles[0], "", "张科员", now)
			}
			if e.caseID == "" && ct.gov.ID == e.county.ID && heard {
				e.caseID = c.ID
			}
			if len(cases) == 3000 {
				if err := flush(tx); err != nil {
					return err
				}
			}
		}
		if err := flush(tx); err != nil {
			return err
		}
		for i := 0; i < 300; i++ {
			ct := counties[i%len(counties)]
			def := ct.defs[rng.Intn(len(ct.defs))]
			recv := base.AddDays(rng.Intn(5 * 365))
			kind := []RecKind{Judicial, Procuratorial}[i%2]
			due := RecommendationDue(cal, kind, false, 0, recv)
			if err := tx.Exec(ctx, `INSERT INTO litigation_recommendations (id, kind, number, organ_id, gov_id, issuer, received_on, reply_due, replied_on, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, db.NewID(), string(kind), fmt.Sprintf("建〔%d〕%d号", recv.Year, i), def.ID, ct.gov.ID, ct.court.Name,
				recv.String(), due.String(), recv.AddDays(20+rng.Intn(60)).String(), now); err != nil {
				return err
			}
		}
		return nil
	})
}

// measure runs op b.N times with the floor after each (the same loop, so the same load), and reports
// CPU per operation of the process and of the PostgreSQL backends, for both.
func (e *benchEnv) measure(b *testing.B, op, floor func() error) {
	e.srv.Refresh(e.ctx)
	var cpu, srv, fcpu, fsrv time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c0, s0 := benchcpu.Process(), e.srv.Now()
		if err := op(); err != nil {
			b.Fatal(err)
		}
		c1, s1 := benchcpu.Process(), e.srv.Now()
		if err := floor(); err != nil {
			b.Fatal(err)
		}
		c2, s2 := benchcpu.Process(), e.srv.Now()
		cpu, srv, fcpu, fsrv = cpu+c1-c0, srv+s1-s0, fcpu+c2-c1, fsrv+s2-s1
		if i == 0 { // the pool may have opened a connection on the first call
			e.srv.Refresh(e.ctx)
		}
	}
	b.StopTimer()
	per := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(b.N) }
	b.ReportMetric(per(cpu), "cpu-ms/op")
	b.ReportMetric(per(fcpu), "floor-cpu-ms/op")
	if e.d.Dialect == db.Postgres {
		b.ReportMetric(per(srv), "srv-cpu-ms/op")
		b.ReportMetric(per(fsrv), "floor-srv-cpu-ms/op")
	}
	if la, err := os.ReadFile("/proc/loadavg"); err == nil {
		var l float64
		fmt.Sscan(string(la), &l)
		b.ReportMetric(l, "load")
	}
}

// BenchmarkLitigation: the list page, the case page and the county-year and province-year statistics,
// each beside a floor measured in the same loop: one indexed read of a case by its 案号 (SELECT … WHERE
// docket = ?), the cheapest request the module makes to its engine.
func BenchmarkLitigation(b *testing.B) {
	e := openBench(b)
	var docket string
	if err := e.d.QueryRowContext(e.ctx, `SELECT docket FROM litigation_cases WHERE id = ?`, e.caseID).Scan(&docket); err != nil {
		b.Fatal(err)
	}
	floor := func() error {
		var id string
		return e.d.QueryRowContext(e.ctx, `SELECT id FROM litigation_cases WHERE docket = ?`, docket).Scan(&id)
	}
	justice := webtest.Login(b, e.app, e.auth, "qs_fy")
	page := func(path, want string) func() error {
		return func() error {
			w := justice.Get(path)
			if w.Code != 200 || !strings.Contains(w.Body, want) {
				return fmt.Errorf("%s: %d", path, w.Code)
			}
			return nil
		}
	}
	b.Run("ListPage", func(b *testing.B) { e.measure(b, page("/litigation/cases", "行政应诉案件"), floor) })
	b.Run("ListPageFiltered", func(b *testing.B) {
		e.measure(b, page("/litigation/cases?field="+"%E5%85%AC%E5%AE%89"+"&lost=1", "行政应诉案件"), floor)
	})
	// The city's leader (two counties, the demo's largest scope): the indexed scope and, as a city or
	// province of the real size would be, the wide one (auth.Principal.Wide) that walks the order index.
	leader := e.principal(b, "shi_ld")
	wide := *leader
	wide.Wide = true
	for name, p := range map[string]*auth.Principal{"ListCity": leader, "ListCityWide": &wide} {
		b.Run(name, func(b *testing.B) {
			e.measure(b, func() error {
				cs, _, err := e.listFirstPage(p)
				if err == nil && len(cs) != pageSize {
					err = fmt.Errorf("%d rows", len(cs))
				}
				return err
			}, floor)
		})
	}
	staff := e.principal(b, "qs_fy")
	b.Run("Workbench", func(b *testing.B) {
		e.measure(b, func() error { _, err := e.m.Todos(e.ctx, staff); return err }, floor)
	})
	b.Run("CasePage", func(b *testing.B) { e.measure(b, page(caseURL(e.caseID), docket), floor) })
	b.Run("StatsCountyYear", func(b *testing.B) {
		e.measure(b, func() error {
			st, err := e.m.StatsForYear(e.ctx, e.county.ID, 2025, "")
			if err == nil && st.Received == 0 {
				err = fmt.Errorf("no cases")
			}
			return err
		}, floor)
	})
	b.Run("StatsProvinceYear", func(b *testing.B) {
		e.measure(b, func() error {
			st, err := e.m.StatsForYear(e.ctx, e.province.ID, 2025, "")
			if err == nil && st.Received == 0 {
				err = fmt.Errorf("no cases")
			}
			return err
		}, floor)
	})
	b.Run("StatsPage", func(b *testing.B) { e.measure(b, page("/litigation/stats?year=2025", "同比"), floor) })
}

func (e *benchEnv) principal(b *testing.B, username string) *auth.Principal {
	tok, err := e.auth.Login(e.ctx, username, demo.Password, "127.0.0.1", "bench", "")
	if err != nil {
		b.Fatal(err)
	}
	p, err := e.auth.Authenticate(e.ctx, tok)
	if err != nil {
		b.Fatal(err)
	}
	return p
}

// listFirstPage is the list page's query: the first 20 cases and the count.
func (e *benchEnv) listFirstPage(p *auth.Principal) ([]*Case, db.Count, error) {
	return listPaged(e.ctx, e.d, p, Filter{Limit: pageSize}, e.m.Today(), listCountCap)
}
