package litigation

import (
	"context"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/reconsider"
)

// Lawsuits lists, for the reconsideration case page, every instance of the matters whose case
// names reconsideration case reconID (a 二审 joined to the 一审 comes with it), those p may open
// only: p needs PermView and the case within its data scope, as on the case page. 一审 first.
func (m *Module) Lawsuits(ctx context.Context, p *auth.Principal, reconID string) ([]reconsider.Lawsuit, error) {
	if p == nil || !p.Can(PermView) || reconID == "" {
		return nil, nil
	}
	where, args := scopeSQL(p, "")
	cs, err := queryCases(ctx, m.d.DB, `matter_id IN (SELECT matter_id FROM litigation_cases WHERE reconsider_case_id = ?) AND `+where,
		append([]any{reconID}, args...), Filter{Limit: 50})
	if err != nil {
		return nil, err
	}
	byInstance(cs)
	out := make([]reconsider.Lawsuit, 0, len(cs))
	for _, c := range cs {
		out = append(out, reconsider.Lawsuit{Docket: c.Docket, Court: c.CourtName, Instance: c.Instance.Label(), State: c.State.Label(), URL: caseURL(c.ID)})
	}
	return out, nil
}
