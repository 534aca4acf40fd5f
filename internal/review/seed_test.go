package review

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
)

// seeded is the demo county with a year of review requests up to 2026-11-20.
func seeded(t *testing.T) (*Service, *db.DB, *org.Service, demo.Summary) {
	t.Helper()
	ctx := context.Background()
	d := dbtest.Open(t)
	o := org.New(d)
	if err := o.Load(ctx); err != nil {
		t.Fatal(err)
	}
	a := auth.New(d, o, auth.DefaultSettings())
	cal := calendar.Default()
	s := New(d, o, a, func() *calendar.Calendar { return cal })
	s.SetClock(func() time.Time { return time.Date(2026, 11, 20, 9, 0, 0, 0, calendar.Shanghai()) })
	sum, err := demo.Load(ctx, d, o, a, "county", []demo.Seeder{Seeder(s)})
	if err != nil {
		t.Fatal(err)
	}
	return s, d, o, sum
}

func TestSeederYear(t *testing.T) {
	ctx := context.Background()
	s, d, o, sum := seeded(t)
	if len(sum.Notes) != 1 {
		t.Fatalf("notes %v", sum.Notes)
	}
	var total, concluded, returned, dual, answered, open int
	err := d.QueryRowContext(ctx, `SELECT COUNT(*), SUM(CASE WHEN state = 'concluded' THEN 1 ELSE 0 END), SUM(CASE WHEN return_count > 0 THEN 1 ELSE 0 END),
		SUM(dual), SUM(CASE WHEN feedback_on <> '' THEN 1 ELSE 0 END), SUM(CASE WHEN state IN ('submitted', 'returned', 'in_review') THEN 1 ELSE 0 END) FROM review_requests`).
		Scan(&total, &concluded, &returned, &dual, &answered, &open)
	if err != nil {
		t.Fatal(err)
	}
	if total != 2*67 || concluded < total*3/4 || returned == 0 || dual == 0 || answered == 0 || open == 0 {
		t.Errorf("total %d concluded %d returned %d dual %d answered %d open %d", total, concluded, returned, dual, answered, open)
	}
	gov, _ := o.ByCode("990121-GOV")
	c, err := s.Counts(ctx, gov.Path, 2026)
	if err != nil || c.OpinionsGiven == 0 || c.OpinionsAdopted == 0 || c.ByKind[KindContract].Concluded == 0 {
		t.Errorf("counts %+v %v", c, err)
	}
}

// Each demo department sends what it really would: no land contract from the 公安局.
func TestSeederMattersFitTheDepartment(t *testing.T) {
	_, d, _, _ := seeded(t)
	rows, err := d.QueryContext(context.Background(), `SELECT r.title, r.kind, o.name FROM review_requests r JOIN organs o ON o.id = r.submitter_organ_id`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var title, kind, organ string
		if err := rows.Scan(&title, &kind, &organ); err != nil {
			t.Fatal(err)
		}
		n++
		if strings.HasSuffix(organ, "公安局") && (strings.Contains(title, "土地") || strings.Contains(title, "耕地") || strings.Contains(title, "供热")) {
			t.Errorf("%s submits %q", organ, title)
		}
		if strings.HasSuffix(organ, "人力资源和社会保障局") && strings.Contains(title, "占用耕地") {
			t.Errorf("%s submits %q", organ, title)
		}
	}
	if n == 0 {
		t.Fatal("no requests")
	}
}
