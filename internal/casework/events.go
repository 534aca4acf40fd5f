package casework

import (
	"context"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
)

// Event is one step in a record's history, kept in case_events under the record's owner type
// (the same key attachments use).
type Event struct {
	ID        string
	OwnerType string
	OwnerID   string
	OrganID   string
	At        string // instant, UTC
	On        calendar.Date
	ActorID   string
	ActorName string
	Action    string
	FromState string
	ToState   string
	Note      string
	Detail    string // module-defined text (JSON or a short remark)
	RefID     string // a document or record the step produced or refers to
}

const eventCols = `id, owner_type, owner_id, organ_id, at, on_date, actor_id, actor_name, action, from_state, to_state, note, detail, ref_id`

// InsertEvent appends ev inside tx; ID and At are filled when empty.
func InsertEvent(ctx context.Context, tx *db.Tx, ev *Event) error {
	if ev.ID == "" {
		ev.ID = db.NewID()
	}
	if ev.At == "" {
		ev.At = db.Now()
	}
	return tx.Exec(ctx, `INSERT INTO case_events (`+eventCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		ev.ID, ev.OwnerType, ev.OwnerID, ev.OrganID, ev.At, ev.On.String(), ev.ActorID, ev.ActorName, ev.Action, ev.FromState, ev.ToState, ev.Note, ev.Detail, ev.RefID)
}

// EventRows are the column values of one event for a bulk insert (seeders, imports):
// append them after the placeholders of EventInsertPrefix.
func EventRows(ev Event) []any {
	if ev.ID == "" {
		ev.ID = db.NewID()
	}
	if ev.At == "" {
		ev.At = db.Now()
	}
	return []any{ev.ID, ev.OwnerType, ev.OwnerID, ev.OrganID, ev.At, ev.On.String(), ev.ActorID, ev.ActorName, ev.Action, ev.FromState, ev.ToState, ev.Note, ev.Detail, ev.RefID}
}

// EventInsertPrefix starts a multi-row INSERT of events; EventColumns values per row.
const (
	EventInsertPrefix = `INSERT INTO case_events (` + eventCols + `) VALUES `
	EventColumns      = 14
)

// Order of a timeline.
type Order int

const (
	ByEntry     Order = iota // as the steps were entered
	ByLegalDate              // by the legal date, then as entered (registers with back-dated history)
)

// Events lists a record's history.
func Events(ctx context.Context, q db.Querier, ownerType, ownerID string, order Order) ([]Event, error) {
	by := `at, id`
	if order == ByLegalDate {
		by = `on_date, at, id`
	}
	rows, err := q.QueryContext(ctx, `SELECT `+eventCols+` FROM case_events WHERE owner_type = ? AND owner_id = ? ORDER BY `+by, ownerType, ownerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Event
	for rows.Next() {
		var ev Event
		var on string
		if err := rows.Scan(&ev.ID, &ev.OwnerType, &ev.OwnerID, &ev.OrganID, &ev.At, &on, &ev.ActorID, &ev.ActorName, &ev.Action, &ev.FromState, &ev.ToState, &ev.Note, &ev.Detail, &ev.RefID); err != nil {
			return nil, err
		}
		ev.On, _ = calendar.ParseDate(on)
		out = append(out, ev)
	}
	return out, rows.Err()
}

// LastNote returns the note of the latest event of action on a record ("" when none).
func LastNote(ctx context.Context, q db.Querier, ownerType, ownerID, action string) (string, error) {
	var note string
	err := q.QueryRowContext(ctx, `SELECT note FROM case_events WHERE owner_type = ? AND owner_id = ? AND action = ? ORDER BY at DESC, id DESC LIMIT 1`, ownerType, ownerID, action).Scan(&note)
	if err := db.Found(err, ""); err != nil && err != db.ErrNotFound {
		return "", err
	}
	return note, nil
}
