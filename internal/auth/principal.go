package auth

import (
	"context"
	"slices"
	"strings"

	"github.com/fazhi/fazhi/internal/org"
)

// Membership is one role a user holds in one organ.
type Membership struct {
	ID      string
	OrganID string
	Role    Role
	Scope   Scope
}

// Principal is the signed-in user as seen by one request, acting for one organ.
type Principal struct {
	UserID       string
	Username     string
	Name         string
	Title        string
	HomeOrganID  string // the organ the account belongs to
	DepartmentID string
	OrganID      string // the organ the user currently acts for (organ switcher)
	OrganPath    string
	Roles        []Role // roles held in OrganID
	Scope        Scope  // widest scope of those roles
	// Wide marks a ScopeBelow over more than WideScope organs (a city, a province): scoped lists
	// then walk their ORDER BY index and test each row's organ, instead of reading and sorting
	// every row of every organ to show twenty.
	Wide        bool
	Memberships []Membership
	SessionHash string
	CSRF        string
	MustChange  bool
	ViaToken    bool
}

// Can reports whether the principal holds perm in its current organ.
func (p *Principal) Can(perm Perm) bool {
	if perm == PermPublic {
		return true
	}
	if p == nil {
		return false
	}
	for _, r := range p.Roles {
		if Grants(r, perm) {
			return true
		}
	}
	return false
}

// Has reports whether the principal holds role in its current organ.
func (p *Principal) Has(r Role) bool { return p != nil && slices.Contains(p.Roles, r) }

// OrganIDs lists the organs the user may act for (for the organ switcher).
func (p *Principal) OrganIDs() []string {
	var out []string
	for _, m := range p.Memberships {
		if !slices.Contains(out, m.OrganID) {
			out = append(out, m.OrganID)
		}
	}
	return out
}

// actFor narrows the principal to one organ's roles.
func (p *Principal) actFor(organID, organPath string) {
	p.OrganID, p.OrganPath, p.Roles, p.Scope = organID, organPath, nil, ""
	for _, m := range p.Memberships {
		if m.OrganID == organID {
			p.Roles = append(p.Roles, m.Role)
			if p.Scope == "" {
				p.Scope = m.Scope
			} else {
				p.Scope = Wider(p.Scope, m.Scope)
			}
		}
	}
}

// ScopeSQL returns a WHERE fragment that limits rows to what the principal may see.
// organCol names the record's organ column, ownerCol the column holding the responsible user's id.
func (p *Principal) ScopeSQL(organCol, ownerCol string) (string, []any) {
	switch p.Scope {
	case ScopeAll:
		return "1 = 1", nil
	case ScopeBelow:
		if p.Wide {
			organCol += " || ''" // an expression: the organ index cannot drive the query
		}
		return org.WithinSQL(organCol, p.OrganPath)
	case ScopeOrgan:
		return organCol + " = ?", []any{p.OrganID}
	case ScopeSelf:
		if ownerCol == "" {
			return "1 = 0", nil
		}
		return ownerCol + " = ?", []any{p.UserID}
	}
	return "1 = 0", nil
}

// Counting is p for a count of its scope: the organ index serves a count (it reads each organ's
// rows, stopping at the cap), where a wide scope's page walks the order index instead.
func (p *Principal) Counting() *Principal {
	q := *p
	q.Wide = false
	return &q
}

// Covers is the Go twin of ScopeSQL for a record already loaded: whether p's data scope reaches
// a record of the organ with organPath (from the org tree) or handled by ownerID.
func (p *Principal) Covers(organID, organPath, ownerID string) bool {
	if p == nil {
		return false
	}
	switch p.Scope {
	case ScopeAll:
		return true
	case ScopeBelow:
		return organPath != "" && strings.HasPrefix(organPath, p.OrganPath)
	case ScopeOrgan:
		return organID == p.OrganID
	case ScopeSelf:
		return ownerID != "" && ownerID == p.UserID
	}
	return false
}

type principalKey struct{}

// WithPrincipal attaches p to ctx.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// From returns the principal of ctx, nil for anonymous requests.
func From(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}
