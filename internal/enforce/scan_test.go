package enforce

import (
	"fmt"
	"math/rand"
	"slices"
	"testing"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
)

// TestIncrementalScan walks about ten weeks over the New Year and Spring Festival holidays with
// records written, published, revoked, withdrawn and decided between scans, and a calendar change
// on the way. After every scan the warnings on file must be exactly those a full recomputation
// of every record gives as of that day; the scan must examine only the records one of whose
// deadlines fell since the previous scan, and a record whose warnings did not change keeps its
// warning rows.
func TestIncrementalScan(t *testing.T) {
	f := newFixture(t)
	p := f.login("qs_sc")
	gaj := f.body(p, "990121-GAJ", "青山县公安局", "")
	sjj := f.body(p, "990121-SJJ", "青山县市场监督管理局", "市场监管")
	f.certified(p, gaj, "张伟", "G1", "2024-01-01", "2027-12-31")
	f.certified(p, gaj, "刘洋", "G2", "2024-01-01", "2026-01-10") // lapses during the walk
	f.m.d.Calendar.OnChange(f.m.Redate)

	rng := rand.New(rand.NewSource(15))
	bodies := []*Body{gaj, sjj}
	cats := []string{CatPenalty, CatLicense, CatInspection, CatCoercion}
	var all []*Record // as last written
	// Records published before the calendar change keep the deadline they were judged by until
	// they are written again (redate moves open deadlines only; no scan looks at them).
	settled := map[string]bool{}
	seq := 0
	newRecord := func(today calendar.Date) *Record {
		seq++
		b := bodies[rng.Intn(2)]
		r := &Record{OrganID: b.OrganID, BodyID: b.ID, Category: cats[rng.Intn(len(cats))], CaseNo: fmt.Sprintf("S%03d", seq),
			Officers: []string{"G1", "G2"}, FullRecord: rng.Intn(5) > 0, Subject: "对象", SubjectType: "法人"}
		if r.Category == CatPenalty {
			r.FiledOn = today.AddDays(-rng.Intn(120))
			if rng.Intn(3) == 0 {
				return r // 立案, not yet decided: the 90-day period runs
			}
			r.DecidedOn = r.FiledOn.AddDays(rng.Intn(r.FiledOn.DaysUntil(today) + 1))
		} else {
			r.DecidedOn = today.AddDays(-rng.Intn(30))
		}
		if rng.Intn(3) == 0 {
			r.PublishedOn = r.DecidedOn.AddDays(rng.Intn(r.DecidedOn.DaysUntil(today) + 1))
		}
		return r
	}
	// change moves a record on: published, revoked, withdrawn or decided (dates up to today).
	change := func(r *Record, today calendar.Date) bool {
		between := func(from calendar.Date) calendar.Date { return from.AddDays(rng.Intn(from.DaysUntil(today) + 1)) }
		switch {
		case r.DecidedOn.IsZero():
			r.DecidedOn = between(r.FiledOn)
		case r.PublishedOn.IsZero():
			r.PublishedOn = between(r.DecidedOn)
		case r.RevokedOn.IsZero():
			r.RevokedOn = between(r.PublishedOn)
		case r.WithdrawnOn.IsZero():
			r.WithdrawnOn = between(r.RevokedOn)
		default:
			return false
		}
		return true
	}
	save := func(recs ...*Record) {
		t.Helper()
		cp := make([]*Record, len(recs))
		for i, r := range recs {
			c := *r
			cp[i] = &c
		}
		if _, err := f.m.SaveRecords(f.ctx, cp, "test"); err != nil {
			t.Fatal(err)
		}
		for i, r := range recs {
			r.ID = cp[i].ID
			delete(settled, r.ID)
		}
	}
	load := func() []*Record {
		t.Helper()
		recs, err := db.List(f.ctx, f.m.d.DB, scanRecord, `SELECT `+recordCols+` FROM enforce_records ORDER BY id`)
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}
	// snapshot is the warnings on file per record: sorted keys and the row ids.
	type onFile struct{ keys, ids []string }
	snapshot := func() map[string]*onFile {
		t.Helper()
		out := map[string]*onFile{}
		rows, err := f.m.d.DB.QueryContext(f.ctx, `SELECT id, record_id, kind, message, basis, due_on FROM enforce_warnings WHERE record_id <> ''`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		for rows.Next() {
			var id, rec, kind, msg, basis, due string
			if err := rows.Scan(&id, &rec, &kind, &msg, &basis, &due); err != nil {
				t.Fatal(err)
			}
			w := out[rec]
			if w == nil {
				w = &onFile{}
				out[rec] = w
			}
			w.keys, w.ids = append(w.keys, warningKey(kind, msg, basis, due)), append(w.ids, id)
		}
		for _, w := range out {
			slices.Sort(w.keys)
			slices.Sort(w.ids)
		}
		return out
	}
	// pendingIn counts the records one of whose deadlines lies in [last, today).
	pendingIn := func(last, today calendar.Date) int {
		cal := f.m.d.Calendar.Current()
		in := func(due calendar.Date) bool { return !due.IsZero() && !due.Before(last) && due.Before(today) }
		n := 0
		for _, r := range load() {
			switch {
			case r.PublishedOn.IsZero() && in(r.PublishDue),
				!r.RevokedOn.IsZero() && !r.PublishedOn.IsZero() && r.WithdrawnOn.IsZero() && in(cal.AddWorkingDays(r.RevokedOn, 3)),
				r.Category == CatPenalty && r.DecidedOn.IsZero() && !r.FiledOn.IsZero() && in(cal.AddCalendarDays(r.FiledOn, 90)):
				n++
			}
		}
		return n
	}
	scan := func() int {
		t.Helper()
		var n int
		if err := f.m.d.DB.Tx(f.ctx, func(tx *db.Tx) error {
			var err error
			n, err = f.m.scanRecords(f.ctx, tx)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// verify compares the warnings on file with a full recomputation of every record.
	verify := func(day calendar.Date) map[string]*onFile {
		t.Helper()
		c, err := f.m.newChecker(f.ctx, f.m.d.DB)
		if err != nil {
			t.Fatal(err)
		}
		got := snapshot()
		kinds := 0
		for _, r := range load() {
			if settled[r.ID] {
				continue
			}
			stored := r.PublishDue
			vs, err := c.check(f.ctx, f.m.d.DB, r)
			if err != nil {
				t.Fatal(err)
			}
			if r.PublishDue != stored {
				t.Errorf("%s: %s publish_due %s on file, %s recomputed", day, r.CaseNo, stored, r.PublishDue)
			}
			var want []string
			for _, v := range vs {
				want = append(want, warningKey(v.Kind, v.Message, v.Basis, v.Due.String()))
				if v.Kind == WarnPublishMissing || v.Kind == WarnWithdrawLate || v.Kind == WarnDecisionLate {
					kinds++
				}
			}
			slices.Sort(want)
			var have []string
			if w := got[r.ID]; w != nil {
				have = w.keys
			}
			if !slices.Equal(want, have) {
				t.Errorf("%s: %s warnings on file\n%q\nrecomputed\n%q", day, r.CaseNo, have, want)
			}
		}
		if kinds == 0 {
			t.Errorf("%s: no deadline warnings at all: the walk tests nothing", day)
		}
		return got
	}

	today := d("2025-12-10")
	f.m.SetToday(today)
	var first []*Record
	for range 40 {
		first = append(first, newRecord(today))
	}
	save(first...)
	all = append(all, first...)
	scan() // the first scan is a full one
	verify(today)

	last := today
	examined, full, changed := 0, 0, false
	for today.Before(d("2026-02-28")) {
		today = today.AddDays(1 + rng.Intn(4))
		f.m.SetToday(today)
		// Writes of the day: a few new records, a few moved on.
		var w []*Record
		for range rng.Intn(4) {
			r := newRecord(today)
			all = append(all, r)
			w = append(w, r)
		}
		for range rng.Intn(4) {
			if r := all[rng.Intn(len(all))]; !slices.Contains(w, r) && change(r, today) {
				w = append(w, r)
			}
		}
		if len(w) > 0 {
			save(w...)
		}
		wantN := pendingIn(last, today)
		mid := snapshot()
		if !changed && !today.Before(d("2026-01-20")) {
			changed = true
			// A calendar change: Monday 2026-01-26 becomes a rest day. The next scan is a full one.
			var n2026 calendar.YearNotice
			for _, n := range calendar.Builtin() {
				if n.Year == 2026 {
					n2026 = n
				}
			}
			n2026.Off = append(n2026.Off, d("2026-01-26"))
			if _, err := f.m.d.Calendar.Save(f.ctx, []calendar.YearNotice{n2026}); err != nil {
				t.Fatal(err)
			}
			mid, wantN = snapshot(), -1
			for _, r := range load() {
				if !r.PublishedOn.IsZero() {
					settled[r.ID] = true
				}
			}
		}
		n := scan()
		full += n
		if wantN >= 0 && n != wantN {
			t.Errorf("%s: examined %d records, %d had a deadline since %s", today, n, wantN, last)
		}
		if wantN >= 0 {
			examined += n
		}
		after := verify(today)
		// Standing warnings are not rewritten.
		for id, w := range mid {
			if a := after[id]; a != nil && slices.Equal(a.keys, w.keys) && !slices.Equal(a.ids, w.ids) {
				t.Errorf("%s: unchanged warnings of %s rewritten", today, id)
			}
		}
		if again := scan(); again != 0 {
			t.Errorf("%s: a second scan the same day examined %d records", today, again)
		}
		last = today
	}
	if !changed || full <= examined {
		t.Error("no full scan after the calendar change")
	}
	if examined == 0 || examined >= len(all) {
		t.Errorf("incremental scans examined %d records in all (%d records)", examined, len(all))
	}
	t.Logf("%d records, %d examined by the incremental scans, %d by all scans", len(all), examined, full)
}
