package officialdoc

import (
	"context"
	"fmt"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
)

const cols = `id, owner_type, owner_id, organ_id, kind, number, title, recipient, body, status, issued_on, issued_at, issued_by, sha256, created_by, created_at, updated_at`

func (r *Room[R]) scan(sc interface{ Scan(...any) error }) (*Document, error) {
	var d Document
	var issued string
	if err := sc.Scan(&d.ID, &d.OwnerType, &d.OwnerID, &d.OrganID, &d.Kind, &d.Number, &d.Title, &d.Recipient, &d.Body, &d.Status,
		&issued, &d.IssuedAt, &d.IssuedBy, &d.SHA256, &d.CreatedBy, &d.CreatedAt, &d.UpdatedAt); err != nil {
		return nil, err
	}
	if issued != "" {
		d.IssuedOn, _ = calendar.ParseDate(issued)
	}
	k, _ := r.KindOf(d.Kind)
	d.name = k.Name
	return &d, nil
}

// List returns the documents of a record, oldest first. The caller has checked p may see the
// record; a respondent who may see issued documents only filters with Document.Issued.
func (r *Room[R]) List(ctx context.Context, q db.Querier, ownerID string) ([]Document, error) {
	return r.query(ctx, q, `SELECT `+cols+` FROM official_documents WHERE owner_type = ? AND owner_id = ? ORDER BY created_at, id`, r.OwnerType, ownerID)
}

// query reads the documents a SELECT of cols returns.
func (r *Room[R]) query(ctx context.Context, q db.Querier, query string, args ...any) ([]Document, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		d, err := r.scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *d)
	}
	return out, rows.Err()
}

// Get reads a document of the room by id, without any permission check (callers: the room's
// own checked methods, tests, and a module that has checked the owner). With lock, inside a
// transaction, the row stays locked until it ends (PostgreSQL; SQLite has one writer).
func (r *Room[R]) Get(ctx context.Context, q db.Querier, id string, lock bool) (*Document, error) {
	query := `SELECT ` + cols + ` FROM official_documents WHERE id = ? AND owner_type = ?`
	if tx, ok := q.(*db.Tx); ok && lock && tx.Dialect() == db.Postgres {
		query += ` FOR UPDATE`
	}
	d, err := r.scan(q.QueryRowContext(ctx, query, id, r.OwnerType))
	if err != nil {
		return nil, db.Found(err, r.noun())
	}
	return d, nil
}

// Draft composes and stores new drafts of kinds for rec, in the transaction of the step that calls
// for them (a casework Kind.After); on is the step's legal date. p is who took the step (nil or
// an empty UserID: the system).
func (r *Room[R]) Draft(ctx context.Context, tx *db.Tx, p *auth.Principal, rec R, on calendar.Date, kinds ...string) ([]Document, error) {
	r.check()
	own := r.Owner(rec)
	by := ""
	if p != nil {
		by = p.UserID
	}
	var out []Document
	for _, kind := range kinds {
		k, ok := r.KindOf(kind)
		if !ok || k.Compose == nil {
			return nil, fmt.Errorf("officialdoc: %s has no document kind %q", r.OwnerType, kind)
		}
		t, err := k.Compose(ctx, tx, rec, on)
		if err != nil {
			return nil, err
		}
		if t.Title == "" {
			t.Title = k.Name
		}
		now := db.Now()
		d := Document{ID: db.NewID(), OwnerType: r.OwnerType, OwnerID: own.ID, OrganID: own.OrganID, Kind: k.Kind, Title: t.Title,
			Recipient: t.Recipient, Body: t.Body, Status: Draft, CreatedBy: by, CreatedAt: now, UpdatedAt: now, name: k.Name}
		if err := tx.Exec(ctx, `INSERT INTO official_documents (`+cols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			d.ID, d.OwnerType, d.OwnerID, d.OrganID, d.Kind, "", d.Title, d.Recipient, d.Body, d.Status, "", "", "", "", d.CreatedBy, d.CreatedAt, d.UpdatedAt); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, nil
}
