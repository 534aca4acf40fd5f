package reconsider

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
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
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/secure"
	"github.com/fazhi/fazhi/internal/web"
)

// seedWorld is a demo deployment loaded with the reconsideration seeder under a fixed clock.
type seedWorld struct {
	d    *db.DB
	org  *org.Service
	auth *auth.Service
	svc  *Service
	note string
	took time.Duration
}

func loadSeedWorld(tb testing.TB, scale string, now time.Time, opt seedOptions) *seedWorld {
	tb.Helper()
	return loadSeedWorldInto(tb, dbtest.Open(tb), scale, now, opt)
}

// loadSeedWorldInto loads the demo into d, or reuses d when it already holds cases.
func loadSeedWorldInto(tb testing.TB, d *db.DB, scale string, now time.Time, opt seedOptions) *seedWorld {
	tb.Helper()
	ctx := context.Background()
	o := org.New(d)
	if err := o.Load(ctx); err != nil {
		tb.Fatal(err)
	}
	a := auth.New(d, o, auth.DefaultSettings())
	cipher, err := secure.NewFieldCipher(make([]byte, 16))
	if err != nil {
		tb.Fatal(err)
	}
	cal := calendar.Default()
	svc := New(d, o, a, func() *calendar.Calendar { return cal }, cipher)
	if !now.IsZero() {
		svc.SetClock(func() time.Time { return now })
	}
	w := &seedWorld{d: d, org: o, auth: a, svc: svc}
	if n := w.count(tb, `SELECT COUNT(*) FROM reconsider_cases`); n > 0 {
		w.note = fmt.Sprintf("reused %d cases", n)
		return w
	}
	start := time.Now()
	seeder := func(ctx context.Context, dw *demo.World) (string, error) { return svc.seed(ctx, dw, opt) }
	sum, err := demo.Load(ctx, d, o, a, scale, []demo.Seeder{seeder})
	if err != nil {
		tb.Fatal(err)
	}
	w.took = time.Since(start)
	if len(sum.Notes) > 0 {
		w.note = sum.Notes[0]
	}
	return w
}

func (w *seedWorld) count(tb testing.TB, q string, args ...any) int {
	tb.Helper()
	var n int
	if err := w.d.QueryRowContext(context.Background(), q, args...).Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// seedClock is the fixed "today" of the seeder tests.
var seedClock = time.Date(2026, 11, 25, 10, 0, 0, 0, calendar.Shanghai())

// caseFacts reads every comparable fact of every case, by receipt number: the ids, keys and
// timestamps differ between two loads, the facts must not.
func (w *seedWorld) caseFacts(tb testing.TB) map[string]string {
	tb.Helper()
	ctx := context.Background()
	rows, err := w.d.QueryContext(ctx, `SELECT receipt_no, number, channel, received_on, state, proc, applicant_kind, applicant_name,
		id_number_masked, phone_masked, respondent, act_type, field, act_title, act_date, learned_on, amount, handler_name, accept_start,
		amend_notice_on, amend_items, accepted_on, deemed, copy_sent_on, reply_on, reply_late, extension_days, closed_on, outcome,
		close_reason, settled, corrected, decision_due, performance_due, performed_on, due_accept, due_amend, due_copy, due_reply,
		due_decision, due_performance, next_due, next_rule, version,
		(SELECT COUNT(*) FROM reconsider_pauses p WHERE p.case_id = c.id), (SELECT COUNT(*) FROM reconsider_sessions s WHERE s.case_id = c.id)
		FROM reconsider_cases c`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	out := map[string]string{}
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			tb.Fatal(err)
		}
		var parts []string
		for i, v := range vals {
			if b, ok := v.([]byte); ok {
				v = string(b)
			}
			parts = append(parts, cols[i]+"="+fmt.Sprint(v))
		}
		out[fmt.Sprint(vals[0])] = strings.Join(parts, " ")
	}
	evs, err := w.d.QueryContext(ctx, `SELECT c.receipt_no, e.action, e.on_date, e.from_state, e.to_state, e.note, e.actor_name
		FROM case_events e JOIN reconsider_cases c ON c.id = e.owner_id AND e.owner_type = 'reconsider_case' ORDER BY c.receipt_no, e.at, e.id`)
	if err != nil {
		tb.Fatal(err)
	}
	defer evs.Close()
	for evs.Next() {
		var no, action, on, from, to, note, actor string
		if err := evs.Scan(&no, &action, &on, &from, &to, &note, &actor); err != nil {
			tb.Fatal(err)
		}
		out[no] += fmt.Sprintf("\n  %s@%s %s>%s %q %s", action, on, from, to, note, actor)
	}
	return out
}

// TestSeedCounty loads the county demo through the service, checks the mixes the workbench and the
// statistics rely on, and checks that the bulk writer of the province scale stores exactly the same
// facts for the same plans.
func TestSeedCounty(t *testing.T) {
	svcWorld := loadSeedWorld(t, "county", seedClock, seedOptions{casesPerYear: 160})
	t.Logf("%s（%s）", svcWorld.note, svcWorld.took)
	total := svcWorld.count(t, `SELECT COUNT(*) FROM reconsider_cases`)
	if total < 500 || total > 700 {
		t.Fatalf("%d cases, want a few hundred per county", total)
	}
	ctx := context.Background()
	for _, code := range []string{"990121-GOV", "990122-GOV"} {
		o, _ := svcWorld.org.ByCode(code)
		if n := svcWorld.count(t, `SELECT COUNT(*) FROM reconsider_cases WHERE organ_id = ?`, o.ID); n < 250 {
			t.Errorf("%s: %d cases", code, n)
		}
	}
	share := func(where string) float64 {
		return float64(svcWorld.count(t, `SELECT COUNT(*) FROM reconsider_cases WHERE `+where)) / float64(total)
	}
	// 驳回复议请求 answers only a claim of non-performance (Art. 69): never a penalty, a coercive measure or a licence.
	if n := svcWorld.count(t, `SELECT COUNT(*) FROM reconsider_cases WHERE outcome = 'dismiss_request' AND act_type <> ?`, ActTypeNonPerformance); n != 0 {
		t.Errorf("%d demo cases dismiss the request of a claim that is not about non-performance", n)
	}
	concluded := svcWorld.count(t, `SELECT COUNT(*) FROM reconsider_cases WHERE state = 'concluded'`)
	outcome := func(o Outcome) float64 {
		return float64(svcWorld.count(t, `SELECT COUNT(*) FROM reconsider_cases WHERE state = 'concluded' AND outcome = ?`, string(o))) / float64(concluded)
	}
	for _, c := range []struct {
		name   string
		got    float64
		lo, hi float64
	}{
		{"accepted", share(`accepted_on <> ''`), 0.60, 0.80},
		{"not accepted", share(`state = 'not_accepted'`), 0.08, 0.20},
		{"simplified", share(`proc = 'simplified'`), 0.02, 0.08},
		{"extended", share(`extension_days > 0`), 0.03, 0.12},
		{"late reply", share(`reply_late = 1`), 0.05, 0.15},
		{"uphold", outcome(Uphold), 0.52, 0.72},
		{"revoke", outcome(Revoke), 0.05, 0.16},
		{"declare unlawful", outcome(DeclareUnlawful), 0.02, 0.10},
		{"terminate", outcome(Terminate), 0.04, 0.13},
		{"mediation", outcome(Mediation), 0.01, 0.08},
	} {
		if c.got < c.lo || c.got > c.hi {
			t.Errorf("%s share %.3f outside [%.2f, %.2f]", c.name, c.got, c.lo, c.hi)
		}
	}
	for _, where := range []string{`state = 'suspended'`, `state = 'received'`, `state = 'amending'`, `state = 'other'`, `settled = 1 AND corrected = 1`,
		`EXISTS (SELECT 1 FROM reconsider_pauses p WHERE p.case_id = reconsider_cases.id AND p.to_on <> '')`} {
		if svcWorld.count(t, `SELECT COUNT(*) FROM reconsider_cases WHERE `+where) == 0 {
			t.Errorf("no case with %s", where)
		}
	}
	// The workbench of 青山县's clerk shows all three colours.
	tok, err := svcWorld.auth.Login(ctx, "qs_fy", demo.Password, "127.0.0.1", "test", "")
	if err != nil {
		t.Fatal(err)
	}
	p, err := svcWorld.auth.Authenticate(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	todos, err := svcWorld.svc.Todos(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	colours := map[web.Urgency]int{}
	today := calendar.InShanghai(seedClock)
	for _, td := range todos {
		colours[web.UrgencyOf(calendar.Default(), today, td.Due)]++
	}
	if colours[web.Red] == 0 || colours[web.Yellow] == 0 || colours[web.Green] == 0 {
		t.Errorf("workbench colours %v", colours)
	}
	st, err := svcWorld.svc.StatsForYear(ctx, p.OrganID, false, 2025)
	if err != nil {
		t.Fatal(err)
	}
	if st.Concluded == 0 || st.DirectCorrectionRate <= 0 || st.OnTimeRate < 80 || st.CarriedOver+st.Accepted != st.Concluded+st.Pending {
		t.Errorf("2025 statistics %+v", st.StatsFigures)
	}

	// Same plans, written in bulk: the same facts, event for event.
	bulkWorld := loadSeedWorld(t, "county", seedClock, seedOptions{casesPerYear: 160, bulk: true})
	t.Logf("bulk: %s（%s）", bulkWorld.note, bulkWorld.took)
	a, b := svcWorld.caseFacts(t), bulkWorld.caseFacts(t)
	if len(a) != len(b) {
		t.Fatalf("service wrote %d cases, bulk %d", len(a), len(b))
	}
	diffs := 0
	for no, fa := range a {
		if fb := b[no]; fa != fb && diffs < 5 {
			diffs++
			t.Errorf("case %s differs:\nservice: %s\nbulk:    %s", no, fa, fb)
		}
	}
	var ca, cb []string
	for _, w := range []*seedWorld{svcWorld, bulkWorld} {
		rows, err := w.d.QueryContext(ctx, `SELECT o.code, c.kind, c.year, c.value FROM counters c JOIN organs o ON o.id = c.organ_id WHERE c.kind LIKE 'reconsider.%' ORDER BY o.code, c.kind, c.year`)
		if err != nil {
			t.Fatal(err)
		}
		var list []string
		for rows.Next() {
			var code, kind string
			var year, value int
			rows.Scan(&code, &kind, &year, &value)
			list = append(list, fmt.Sprintf("%s %s %d=%d", code, kind, year, value))
		}
		rows.Close()
		if w == svcWorld {
			ca = list
		} else {
			cb = list
		}
	}
	if !slices.Equal(ca, cb) || len(ca) == 0 {
		t.Errorf("counters differ:\n%v\n%v", ca, cb)
	}
}

// --- benchmarks ---

// benchEnv is the province-scale dataset the benchmarks share.
type benchEnv struct {
	*seedWorld
	staff              *auth.Principal
	staffToken         string
	county, city, prov org.Organ
	caseIDs            []string
	year               int
	handler            http.Handler // the real router when the case pages exist
}

func benchScale() float64 {
	if v := os.Getenv("FAZHI_BENCH_SCALE"); v != "" {
		if f, err := strconv.ParseFloat(v, 64); err == nil && f > 0 {
			return f
		}
	}
	return 1
}

func newBenchEnv(b *testing.B) *benchEnv {
	ctx := context.Background()
	scale := benchScale()
	years := 5
	if v, err := strconv.Atoi(os.Getenv("FAZHI_BENCH_YEARS")); err == nil && v > 0 {
		years = v // the history a year's statistics must not depend on (issue 12: 5 and 10)
	}
	opt := seedOptions{casesPerYear: 200 * scale, years: years, bulk: true}
	var w *seedWorld
	if keep := os.Getenv("FAZHI_BENCH_DB"); keep != "" {
		// A kept dataset (a SQLite data directory or a postgres:// DSN): built on first use, then reused.
		dsn, dir := "", keep
		if db.IsPostgres(keep) {
			dsn, dir = keep, ""
		}
		d, err := db.Open(ctx, benchcpu.WithApp(dsn, benchApp), dir)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { d.Close() })
		if _, err := d.Migrate(ctx); err != nil {
			b.Fatal(err)
		}
		w = loadSeedWorldInto(b, d, "province", time.Time{}, opt)
	} else {
		w = loadSeedWorld(b, "province", time.Time{}, opt)
	}
	b.Logf("dataset (%s, FAZHI_BENCH_SCALE=%g, %d years): %s; load %s", w.d.Dialect, scale, years, w.note, w.took)
	if err := w.d.Analyze(ctx); err != nil { // a kept PostgreSQL data set on a server without autovacuum
		b.Fatal(err)
	}
	env := &benchEnv{seedWorld: w, year: w.svc.Today().Year}
	login := func(user string) (*auth.Principal, string) {
		tok, err := w.auth.Login(ctx, user, demo.Password, "127.0.0.1", "bench", "")
		if err != nil {
			b.Fatal(err)
		}
		p, err := w.auth.Authenticate(ctx, tok)
		if err != nil {
			b.Fatal(err)
		}
		return p, tok
	}
	env.staff, env.staffToken = login("qs_fy")
	env.county, _ = w.org.ByCode("990121-GOV")
	env.city, _ = w.org.ByCode("990100-GOV")
	env.prov, _ = w.org.ByCode("990000-GOV")
	rows, err := w.d.QueryContext(ctx, `SELECT id FROM reconsider_cases WHERE organ_id = ? ORDER BY receipt_no`, env.county.ID)
	if err != nil {
		b.Fatal(err)
	}
	for rows.Next() {
		var id string
		rows.Scan(&id)
		env.caseIDs = append(env.caseIDs, id)
	}
	rows.Close()
	if len(env.caseIDs) == 0 {
		b.Fatal("no cases in 青山县")
	}
	app := web.New(web.Deps{DB: w.d, Auth: w.auth, Org: w.org, Calendar: w.svc.Calendar, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Version: "bench"})
	NewModule(w.svc, nil).Register(app, api.NewRegistry())
	for _, rt := range app.Routes() {
		if rt.Method == http.MethodGet && rt.Path == "/reconsider/cases/{id}" {
			env.handler = app
		}
	}
	return env
}

// BenchmarkReconsider measures the pages of 行政复议 on a province-scale dataset (100 counties × 5
// years ≈ 100,000 cases; FAZHI_BENCH_SCALE=0.1 for a tenth), built once for all sub-benchmarks.
// Engine: SQLite, or PostgreSQL when FAZHI_TEST_POSTGRES is set. Results: docs/benchmarks.md.
func BenchmarkReconsider(b *testing.B) {
	env := newBenchEnv(b)
	ctx := context.Background()
	b.Run("Todos", func(b *testing.B) {
		for b.Loop() {
			if _, err := env.svc.Todos(ctx, env.staff); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ListOpenFiltered", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := env.svc.List(ctx, env.staff, Filter{Open: true, Field: "公安", Limit: 20}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ListSearchPage3", func(b *testing.B) {
		from := calendar.Date{Year: env.year - 1, Month: 1, Day: 1}
		for b.Loop() {
			if _, _, err := env.svc.List(ctx, env.staff, Filter{Query: "王", ReceivedFrom: from, ActType: "行政处罚", Limit: 20, Offset: 40}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Detail", func(b *testing.B) {
		i := 0
		for b.Loop() {
			if _, err := env.svc.Detail(ctx, env.staff, env.caseIDs[i%len(env.caseIDs)]); err != nil {
				b.Fatal(err)
			}
			i += 7
		}
	})
	b.Run("StatsCountyYear", func(b *testing.B) {
		for b.Loop() {
			if _, err := env.svc.StatsForYear(ctx, env.county.ID, false, env.year-1); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("StatsProvinceYear", func(b *testing.B) {
		for b.Loop() {
			st, err := env.svc.StatsForYear(ctx, env.prov.ID, true, env.year-1)
			if err != nil || st.Received == 0 {
				b.Fatal(err, st.Received)
			}
		}
	})
	for _, pg := range env.pages() {
		b.Run("Page/"+pg.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				if err := pg.get(i); err != nil {
					b.Fatal(err)
				}
				i += 13
			}
		})
	}
	b.Run("Concurrent32", func(b *testing.B) { benchConcurrent(b, env, 0) })
	b.Run("Users32", func(b *testing.B) { benchConcurrent(b, env, time.Second) })
}

// benchPage is one page-like request: through the HTTP router (session cookie, middleware, template)
// when the case pages are registered, else through the service calls the page makes.
type benchPage struct {
	name string
	get  func(i int) error
}

func (env *benchEnv) pages() []benchPage {
	ctx := context.Background()
	if env.handler != nil {
		get := func(path string) error {
			req := httptest.NewRequest(http.MethodGet, path, nil)
			req.AddCookie(&http.Cookie{Name: "fazhi_session", Value: env.staffToken})
			rec := httptest.NewRecorder()
			env.handler.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				return fmt.Errorf("GET %s: %d", path, rec.Code)
			}
			return nil
		}
		return []benchPage{
			{"workbench", func(int) error { return get("/workbench") }},
			{"cases", func(int) error { return get("/reconsider/cases?state=in_review") }},
			{"case", func(i int) error { return get("/reconsider/cases/" + env.caseIDs[i%len(env.caseIDs)]) }},
			{"stats", func(int) error { return get("/reconsider/stats?year=" + strconv.Itoa(env.year-1)) }},
		}
	}
	return []benchPage{
		{"todos", func(int) error { _, err := env.svc.Todos(ctx, env.staff); return err }},
		{"list", func(int) error {
			_, _, err := env.svc.List(ctx, env.staff, Filter{State: StateInReview, Limit: 20})
			return err
		}},
		{"detail", func(i int) error {
			_, err := env.svc.Detail(ctx, env.staff, env.caseIDs[i%len(env.caseIDs)])
			return err
		}},
		{"stats", func(int) error { _, err := env.svc.StatsForYear(ctx, env.county.ID, false, env.year-1); return err }},
	}
}

// benchConcurrent runs the pages from 32 goroutines (benchcpu.Users: think = 0 saturates, think > 0
// is people's pace).
func benchConcurrent(b *testing.B, env *benchEnv, think time.Duration) {
	pages := env.pages()
	benchcpu.Users(b, think, func(i int) error { return pages[i%len(pages)].get(i * 13) })
	if env.handler != nil {
		b.ReportMetric(1, "via-http")
	}
}
