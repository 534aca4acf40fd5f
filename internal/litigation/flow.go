package litigation

import (
	"context"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
)

const ownerType = "litigation_case"

func (m *Module) initKind() {
	m.kind = casework.Kind[*Case]{
		OwnerType: ownerType, Table: "litigation_cases", Noun: "应诉案件", Audit: "litigation",
		Load: func(ctx context.Context, tx *db.Tx, p *auth.Principal, id string) (*Case, error) {
			return getCase(ctx, tx, p, id)
		},
		Save: saveCase,
		Facts: func(c *Case) casework.Facts {
			return casework.Facts{ID: c.ID, OrganID: c.OrganID, State: string(c.State), Version: c.Version}
		},
		StateLabel: func(s string) string { return State(s).Label() },
		Recompute: func(ctx context.Context, tx *db.Tx, c *Case) error {
			c.Recompute(m.cal())
			return nil
		},
	}
}
