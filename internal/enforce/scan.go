package enforce

import (
	"context"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
)

// Scan re-checks the records whose publication or withdrawal period may have run out since they
// were written (a missing publication becomes a warning only once the period ends), and rebuilds
// the officer warnings (certificates expiring, training short of the target).
func (m *Module) Scan(ctx context.Context) (int, error) {
	n, err := m.scanRecords(ctx)
	if err != nil {
		return n, err
	}
	var k int
	err = m.d.DB.Tx(ctx, func(tx *db.Tx) error {
		var err error
		k, err = m.scanOfficers(ctx, tx)
		return err
	})
	return n + k, err
}

func (m *Module) scanRecords(ctx context.Context) (int, error) {
	today := m.today().String()
	var n int
	err := m.d.DB.Tx(ctx, func(tx *db.Tx) error {
		recs, err := db.List(ctx, tx, scanRecord, `SELECT `+recordCols+` FROM enforce_records
			WHERE (published_on = '' AND publish_due <> '' AND publish_due < ?) OR (revoked_on <> '' AND withdrawn_on = '')
			   OR (category = 'penalty' AND filed_on <> '' AND decided_on = '')`, today)
		if err != nil || len(recs) == 0 {
			return err
		}
		c, err := m.newChecker(ctx, tx)
		if err != nil {
			return err
		}
		n = len(recs)
		_, err = m.writeRecords(ctx, tx, c, recs, "scan")
		return err
	})
	return n, err
}

// redate recomputes the publication deadlines of unpublished records under a new calendar.
func (m *Module) redate(ctx context.Context, tx *db.Tx, cal *calendar.Calendar) ([]calendar.Moved, error) {
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
