package normdoc

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/review"
	"github.com/fazhi/fazhi/internal/search"
)

func seedEnv(t *testing.T, scale string, bulk int) (*Service, *db.DB, *org.Service, *fakeIndex) {
	s, d, o, ix := seedEnvWith(t, scale, bulk, nil)
	return s, d, o, ix
}

// seedEnvWith runs the seeders; a non-nil real index replaces the recording one.
func seedEnvWith(t *testing.T, scale string, bulk int, real func(*db.DB) Indexer) (*Service, *db.DB, *org.Service, *fakeIndex) {
	t.Helper()
	ctx := context.Background()
	d := dbtest.Open(t)
	o := org.New(d)
	if err := o.Load(ctx); err != nil {
		t.Fatal(err)
	}
	a := auth.New(d, o, auth.DefaultSettings())
	cal := calendar.Default()
	rv := review.New(d, o, a, func() *calendar.Calendar { return cal })
	ix := &fakeIndex{docs: map[string]IndexDoc{}}
	s := New(d, o, a, rv, func() *calendar.Calendar { return cal }, ix)
	if real != nil {
		s.SetIndexer(real(d))
	}
	now := func() time.Time { return time.Date(2026, 11, 20, 9, 0, 0, 0, calendar.Shanghai()) }
	rv.SetClock(now)
	s.SetClock(now)
	seeders := []demo.Seeder{review.Seeder(rv), Seeder(s)}
	if bulk > 0 { // the bulk alone, over the county-scale tree (the province tree takes minutes to build)
		seeders = []demo.Seeder{func(ctx context.Context, w *demo.World) (string, error) {
			n, err := s.seedBulk(ctx, w, bulk, 0)
			return "", errorIf(n != bulk, err)
		}}
	}
	if _, err := demo.Load(ctx, d, o, a, scale, seeders); err != nil {
		t.Fatal(err)
	}
	return s, d, o, ix
}

func errorIf(bad bool, err error) error {
	if err == nil && bad {
		return context.Canceled
	}
	return err
}

func TestSeederCounty(t *testing.T) {
	s, d, o, ix := seedEnv(t, "county", 0)
	ctx := context.Background()
	count := func(q string, args ...any) int {
		t.Helper()
		var n int
		if err := d.QueryRowContext(ctx, q, args...).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for _, tc := range []struct {
		what string
		q    string
		min  int
	}{
		{"documents", `SELECT COUNT(*) FROM normdocs`, 80},
		{"this year's documents from reviews", `SELECT COUNT(*) FROM normdocs WHERE review_id <> ''`, 10},
		{"in force", `SELECT COUNT(*) FROM normdocs WHERE status = 'in_force'`, 20},
		{"expired", `SELECT COUNT(*) FROM normdocs WHERE status = 'expired'`, 1},
		{"amended", `SELECT COUNT(*) FROM normdocs WHERE status = 'amended'`, 1},
		{"filings sent", `SELECT COUNT(*) FROM normdoc_filings WHERE sent_on <> ''`, 5},
		{"closed cleanups", `SELECT COUNT(*) FROM normdoc_cleanups WHERE state = 'closed'`, 2},
		{"evaluation warnings", `SELECT COUNT(*) FROM normdocs WHERE status = 'in_force' AND warn_on <> '' AND warn_on <= '2026-11-20' AND evaluation = ''`, 1},
	} {
		if n := count(tc.q); n < tc.min {
			t.Errorf("%s: %d, want at least %d", tc.what, n, tc.min)
		}
	}
	var published int
	d.QueryRowContext(ctx, `SELECT COUNT(*) FROM normdocs WHERE published_on <> ''`).Scan(&published)
	if len(ix.docs) != published {
		t.Errorf("indexed %d of %d published documents", len(ix.docs), published)
	}
	gov, _ := o.ByCode("990121-GOV")
	st, err := s.Stats(ctx, gov, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if st.Published == 0 || st.FilingDue == 0 || st.InForce == 0 || st.Reviews["normdoc"].Concluded == 0 || st.Cleanup.Kept+st.Cleanup.Repealed == 0 {
		t.Errorf("stats %+v", st)
	}
	todos, err := s.Todos(ctx, mustCast(t, s, d, o).Reviewer)
	if err != nil || len(todos) == 0 {
		t.Errorf("workbench %d %v", len(todos), err)
	}
	docs, _, _ := s.PublicList(ctx, Filter{Query: "修改"})
	if len(docs) == 0 || !strings.Contains(docs[0].Title, "关于修改") {
		t.Errorf("the amending decision is public: %d", len(docs))
	}
}

func mustCast(t *testing.T, s *Service, d *db.DB, o *org.Service) *demo.Players {
	t.Helper()
	gov, _ := o.ByCode("990121-GOV")
	just, _ := o.ByCode("990121-SFJ")
	var id string
	if err := d.QueryRowContext(context.Background(), `SELECT user_id FROM memberships WHERE organ_id = ? AND role = 'reviewer'`, just.ID).Scan(&id); err != nil {
		t.Fatal(err)
	}
	p, err := demo.Principal(context.Background(), d, o, id, just.ID)
	if err != nil {
		t.Fatal(err)
	}
	return &demo.Players{County: &demo.County{Government: gov, Justice: just}, Reviewer: p}
}

func TestSeedBulk(t *testing.T) {
	const n = 1200
	s, d, _, ix := seedEnv(t, "county", n)
	ctx := context.Background()
	var total, numbers, expired, filings, events int
	d.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT number), SUM(CASE WHEN status = 'expired' THEN 1 ELSE 0 END) FROM normdocs`).Scan(&total, &numbers, &expired)
	d.QueryRowContext(ctx, `SELECT COUNT(*) FROM normdoc_filings`).Scan(&filings)
	d.QueryRowContext(ctx, `SELECT COUNT(*) FROM case_events WHERE owner_type = 'normdoc'`).Scan(&events)
	if total != n || numbers != n || expired == 0 || filings == 0 || events < n || len(ix.docs) != n {
		t.Errorf("total %d numbers %d expired %d filings %d events %d indexed %d", total, numbers, expired, filings, events, len(ix.docs))
	}
	// The counters continue after the generated numbers: a new registration gets a fresh number.
	var organ string
	var year, seq int
	d.QueryRowContext(ctx, `SELECT organ_id, number_year, MAX(number_seq) FROM normdocs GROUP BY organ_id, number_year ORDER BY MAX(number_seq) DESC LIMIT 1`).Scan(&organ, &year, &seq)
	var v int
	d.QueryRowContext(ctx, `SELECT value FROM counters WHERE organ_id = ? AND kind = 'normdoc' AND year = ?`, organ, year).Scan(&v)
	if v != seq {
		t.Errorf("counter %d, max sequence %d", v, seq)
	}
	if _, v, err := s.Version(ctx, nil, firstID(t, d), 0); err != nil || !strings.Contains(v.Body, "第一条") {
		t.Errorf("generated text %q %v", v.Body, err)
	}
}

func firstID(t *testing.T, d *db.DB) string {
	var id string
	if err := d.QueryRowContext(context.Background(), `SELECT id FROM normdocs ORDER BY id LIMIT 1`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

func TestSeedBulkWithSearchIndex(t *testing.T) {
	const n = 300
	s, d, _, _ := seedEnvWith(t, "county", n, func(d *db.DB) Indexer { return SearchIndex(search.NewIndex(d)) })
	_ = s
	ix := search.NewIndex(d)
	_, total, err := ix.Search(context.Background(), "本办法", search.Options{Kind: search.KindNormdoc, Limit: 5})
	if err != nil || total != n {
		t.Errorf("indexed %d of %d: %v", total, n, err)
	}
}
