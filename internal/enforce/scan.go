package enforce

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strings"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
)

// Scan re-checks the records whose publication, withdrawal or decision period may have run out
// since the last scan (a missing publication becomes a warning only once the period ends), and
// brings the officer warnings (certificates expiring, training short of the target) up to date.
// Only warnings that change are written.
func (m *Module) Scan(ctx context.Context) (int, error) {
	var n, k int
	err := m.d.DB.Tx(ctx, func(tx *db.Tx) error {
		var err error
		if n, err = m.scanRecords(ctx, tx); err != nil {
			return err
		}
		k, err = m.scanOfficers(ctx, tx)
		return err
	})
	return n + k, err
}

// scanStateName is the row of enforce_scan_state that holds the day of the last record scan.
const scanStateName = "records"

// A record's warnings change without a write only when one of its deadlines passes: Check
// compares today with the publication deadline (publish_due), 3 working days after revocation,
// and 90 days after 立案. Every write re-checks the record as of that day, so a record whose
// deadlines all lie outside [last scan, today) reads the same now as when it was last checked.
// The first scan, one after the clock went back and one after a calendar change (redate) look at
// every record still waiting on a deadline.

// withdrawSpan and decisionSpan bound how many calendar days before a deadline the revocation or
// 立案 lies: 3 working days never span 60 calendar days, 90 days plus a rest-day roll-over never
// 150 (margins far beyond any holiday; the exact deadline is then computed in Go).
const (
	withdrawSpan = 60
	decisionSpan = 150
)

// scanRecords re-checks the records that can have changed and returns how many it examined.
func (m *Module) scanRecords(ctx context.Context, tx *db.Tx) (int, error) {
	today := m.today()
	last, err := lastScan(ctx, tx)
	if err != nil {
		return 0, err
	}
	full := last.IsZero() || today.Before(last)
	if !full && !last.Before(today) {
		return 0, nil // already scanned today
	}
	var recs []*Record
	if full {
		recs, err = db.List(ctx, tx, scanRecord, `SELECT `+recordCols+` FROM enforce_records WHERE (published_on = '' AND publish_due <> '' AND publish_due < ?)
			UNION ALL SELECT `+recordCols+` FROM enforce_records WHERE withdrawn_on = '' AND revoked_on <> '' AND published_on <> ''
			UNION ALL SELECT `+recordCols+` FROM enforce_records WHERE decided_on = '' AND category = 'penalty' AND filed_on <> ''`, today.String())
		recs = uniqueRecords(recs)
	} else {
		recs, err = m.dueSince(ctx, tx, last, today)
	}
	if err != nil {
		return 0, err
	}
	if len(recs) > 0 {
		c, err := m.newChecker(ctx, tx)
		if err != nil {
			return 0, err
		}
		if err := m.refreshWarnings(ctx, tx, c, recs); err != nil {
			return 0, err
		}
	}
	return len(recs), tx.Exec(ctx, `INSERT INTO enforce_scan_state (name, scanned_on) VALUES (?, ?)
		ON CONFLICT (name) DO UPDATE SET scanned_on = excluded.scanned_on`, scanStateName, today.String())
}

func uniqueRecords(recs []*Record) []*Record {
	seen := make(map[string]bool, len(recs))
	out := recs[:0]
	for _, r := range recs {
		if !seen[r.ID] {
			seen[r.ID] = true
			out = append(out, r)
		}
	}
	return out
}

func lastScan(ctx context.Context, q db.Querier) (calendar.Date, error) {
	var s string
	err := q.QueryRowContext(ctx, `SELECT scanned_on FROM enforce_scan_state WHERE name = ?`, scanStateName).Scan(&s)
	if errors.Is(err, sql.ErrNoRows) {
		return calendar.Date{}, nil
	}
	return dateOf(s), err
}

// dueSince lists the records one of whose deadlines fell in [last, today), each once, through
// the partial indexes of migration 0046.
func (m *Module) dueSince(ctx context.Context, tx *db.Tx, last, today calendar.Date) ([]*Record, error) {
	cal := m.d.Calendar.Current()
	from, to := last.String(), today.String()
	recs, err := db.List(ctx, tx, scanRecord, `SELECT `+recordCols+` FROM enforce_records WHERE published_on = '' AND publish_due >= ? AND publish_due < ?`, from, to)
	if err != nil {
		return nil, err
	}
	seen := make(map[string]bool, len(recs))
	for _, r := range recs {
		seen[r.ID] = true
	}
	within := func(due calendar.Date) bool { return !due.Before(last) && due.Before(today) }
	more, err := db.List(ctx, tx, scanRecord, `SELECT `+recordCols+` FROM enforce_records WHERE withdrawn_on = '' AND revoked_on <> '' AND revoked_on >= ? AND revoked_on < ?`,
		last.AddDays(-withdrawSpan).String(), to)
	if err != nil {
		return nil, err
	}
	for _, r := range more {
		if !seen[r.ID] && !r.PublishedOn.IsZero() && within(cal.AddWorkingDays(r.RevokedOn, 3)) {
			seen[r.ID] = true
			recs = append(recs, r)
		}
	}
	more, err = db.List(ctx, tx, scanRecord, `SELECT `+recordCols+` FROM enforce_records WHERE decided_on = '' AND category = 'penalty' AND filed_on >= ? AND filed_on < ?`,
		last.AddDays(-decisionSpan).String(), to)
	if err != nil {
		return nil, err
	}
	for _, r := range more {
		if !seen[r.ID] && within(cal.AddCalendarDays(r.FiledOn, 90)) {
			seen[r.ID] = true
			recs = append(recs, r)
		}
	}
	return recs, nil
}

// refreshWarnings re-checks records and writes only what changed: the warnings of a record whose
// violations differ from those on file, and a publication deadline that moved.
func (m *Module) refreshWarnings(ctx context.Context, tx *db.Tx, c *checker, recs []*Record) error {
	stored, err := storedWarnings(ctx, tx, recs)
	if err != nil {
		return err
	}
	now := db.Now()
	var changed []string
	var warn [][]any
	for _, r := range recs {
		old := r.PublishDue
		vs, err := c.check(ctx, tx, r)
		if err != nil {
			return err
		}
		if r.PublishDue != old {
			if err := tx.Exec(ctx, `UPDATE enforce_records SET publish_due = ? WHERE id = ?`, r.PublishDue.String(), r.ID); err != nil {
				return err
			}
		}
		keys := make([]string, len(vs))
		for i, v := range vs {
			keys[i] = warningKey(v.Kind, v.Message, v.Basis, v.Due.String())
		}
		slices.Sort(keys)
		if slices.Equal(keys, stored[r.ID]) {
			continue
		}
		changed = append(changed, r.ID)
		for _, v := range vs {
			warn = append(warn, []any{db.NewID(), r.OrganID, r.BodyID, r.ID, "", v.Kind, v.Message, v.Basis, v.Due.String(), now})
		}
	}
	if err := deleteWarnings(ctx, tx, changed); err != nil {
		return err
	}
	return insertMany(ctx, tx, `INSERT INTO enforce_warnings (id, organ_id, body_id, record_id, officer_id, kind, message, basis, due_on, created_at)`, 10, warn)
}

func warningKey(parts ...string) string { return strings.Join(parts, "\x00") }

// storedWarnings reads the warnings on file for records, as sorted keys per record id.
func storedWarnings(ctx context.Context, tx *db.Tx, recs []*Record) (map[string][]string, error) {
	out := make(map[string][]string, len(recs))
	per := maxParams(tx.Dialect())
	for start := 0; start < len(recs); start += per {
		part := recs[start:min(start+per, len(recs))]
		args := make([]any, len(part))
		for i, r := range part {
			args[i] = r.ID
		}
		rows, err := tx.QueryContext(ctx, `SELECT record_id, kind, message, basis, due_on FROM enforce_warnings WHERE record_id IN (`+
			strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ")+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, kind, msg, basis, due string
			if err := rows.Scan(&id, &kind, &msg, &basis, &due); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = append(out[id], warningKey(kind, msg, basis, due))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	for _, ks := range out {
		slices.Sort(ks)
	}
	return out, nil
}

// redate recomputes the publication deadlines of unpublished records under a new calendar, and
// makes the next scan a full one (the withdrawal and 90-day deadlines move with the calendar too).
func (m *Module) redate(ctx context.Context, tx *db.Tx, cal *calendar.Calendar) ([]calendar.Moved, error) {
	if err := tx.Exec(ctx, `DELETE FROM enforce_scan_state WHERE name = ?`, scanStateName); err != nil {
		return nil, err
	}
	recs, err := db.List(ctx, tx, scanRecord, `SELECT `+recordCols+` FROM enforce_records WHERE decided_on <> '' AND published_on = ''`)
	if err != nil || len(recs) == 0 {
		return nil, err
	}
	c, err := m.newChecker(ctx, tx)
	if err != nil {
		return nil, err
	}
	c.cal = newDayMemo(cal)
	var moved []calendar.Moved
	old := make(map[string]calendar.Date, len(recs))
	for _, r := range recs {
		old[r.ID] = r.PublishDue
	}
	if _, err := m.writeRecords(ctx, tx, c, recs, "redate"); err != nil {
		return nil, err
	}
	for _, r := range recs {
		if r.PublishDue != old[r.ID] {
			moved = append(moved, calendar.Moved{What: "执法记录 " + r.CaseNo + " 公示期限", URL: "/enforce/records/" + r.ID, Old: old[r.ID], New: r.PublishDue})
		}
	}
	return moved, nil
}
