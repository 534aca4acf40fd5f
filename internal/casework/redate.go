package casework

import (
	"context"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
)

// Deadline is one named due date of a record (受理审查期限, 答复期限, 报送备案期限 …).
type Deadline struct {
	What string
	On   calendar.Date
}

// Redating tells Redate how to re-date one module's open records.
type Redating[R any] struct {
	// Open lists the records whose deadlines still run, inside tx.
	Open func(ctx context.Context, tx *db.Tx) ([]R, error)
	// Deadlines lists the record's stored deadlines, in a fixed order.
	Deadlines func(r R) []Deadline
	// Recompute sets the record's deadlines under cal.
	Recompute func(ctx context.Context, tx *db.Tx, r R, cal *calendar.Calendar) error
	// Save writes a record whose deadlines moved.
	Save func(ctx context.Context, tx *db.Tx, r R) error
	// Name and URL of the record in the report ("复议案件 青政复〔2026〕3号", "/reconsider/cases/…").
	Name func(r R) (name, url string)
}

// Redate recomputes every open record's deadlines under cal inside tx (a calendar.Redater) and
// reports each deadline that moved.
func Redate[R any](ctx context.Context, tx *db.Tx, cal *calendar.Calendar, rd Redating[R]) ([]calendar.Moved, error) {
	open, err := rd.Open(ctx, tx)
	if err != nil {
		return nil, err
	}
	var moved []calendar.Moved
	for _, r := range open {
		old := rd.Deadlines(r)
		if err := rd.Recompute(ctx, tx, r, cal); err != nil {
			return nil, err
		}
		now := rd.Deadlines(r)
		name, url := rd.Name(r)
		changed := false
		for i := range now {
			if i < len(old) && old[i].On != now[i].On {
				changed = true
				moved = append(moved, calendar.Moved{What: name + " " + now[i].What, URL: url, Old: old[i].On, New: now[i].On})
			}
		}
		if !changed {
			continue
		}
		if err := rd.Save(ctx, tx, r); err != nil {
			return nil, err
		}
	}
	return moved, nil
}
