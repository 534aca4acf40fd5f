package reconsider

import (
	"context"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
)

// Document is an official document of a case: a draft until issued, then frozen.
type Document struct {
	ID        string
	Kind      string
	Number    string
	Title     string
	Recipient string
	Body      string
	Status    string
	IssuedOn  calendar.Date
	SHA256    string
	CreatedAt string
	UpdatedAt string
}

// draftDocuments creates the draft documents a transition calls for (filled in by docs work).
func (s *Service) draftDocuments(ctx context.Context, tx *db.Tx, p *auth.Principal, c *Case, action string, on calendar.Date) error {
	return nil
}

func listDocuments(ctx context.Context, q db.Querier, caseID string) ([]Document, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, kind, number, title, recipient, body, status, issued_on, sha256, created_at, updated_at FROM reconsider_documents WHERE case_id = ? ORDER BY created_at`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		var d Document
		var issued string
		if err := rows.Scan(&d.ID, &d.Kind, &d.Number, &d.Title, &d.Recipient, &d.Body, &d.Status, &issued, &d.SHA256, &d.CreatedAt, &d.UpdatedAt); err != nil {
			return nil, err
		}
		if issued != "" {
			d.IssuedOn, _ = calendar.ParseDate(issued)
		}
		out = append(out, d)
	}
	return out, rows.Err()
}
