package officialdoc

import (
	"context"
	"fmt"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/web"
)

// StaleAfter is how long a draft may wait before the workbench reminds its editors: a 受理通知书
// drafted and forgotten is a notice never served.
const StaleAfter = 24 * time.Hour

// staleLimit bounds the reminders listed per room (the oldest first).
const staleLimit = 50

// StaleDrafts lists the drafts of the room older than StaleAfter that p may edit (the room's edit
// permission, p's data scope over the issuing organ), oldest first.
func (r *Room[R]) StaleDrafts(ctx context.Context, p *auth.Principal, edit auth.Perm, now time.Time) ([]Document, error) {
	if p == nil || !p.Can(edit) {
		return nil, nil
	}
	scope, args := p.ScopeSQL("organ_id", "created_by")
	q := `SELECT ` + cols + ` FROM official_documents WHERE status = ? AND owner_type = ? AND created_at < ? AND ` + scope +
		` ORDER BY created_at, id LIMIT ` + fmt.Sprint(staleLimit)
	return r.query(ctx, r.DB, q, append([]any{Draft, r.OwnerType, db.Timestamp(now.Add(-StaleAfter))}, args...)...)
}

// staleTodos is the room's workbench source: one line per forgotten draft.
func (r *Room[R]) staleTodos(base string, edit auth.Perm) web.TodoSource {
	return func(ctx context.Context, p *auth.Principal) ([]web.Todo, error) {
		now := time.Now()
		docs, err := r.StaleDrafts(ctx, p, edit, now)
		if err != nil {
			return nil, err
		}
		out := make([]web.Todo, 0, len(docs))
		for _, d := range docs {
			made, _ := db.ParseTimestamp(d.CreatedAt)
			days := int(now.Sub(made) / (24 * time.Hour))
			out = append(out, web.Todo{Module: r.label(), Title: "印发" + d.Title,
				Detail: fmt.Sprintf("草稿起草于%s，已 %d 天未印发", calendar.InShanghai(made).Chinese(), days), URL: base + "/" + d.ID})
		}
		return out, nil
	}
}

// label is the workbench's module column: Label, else Noun.
func (r *Room[R]) label() string {
	if r.Label != "" {
		return r.Label
	}
	return r.noun()
}
