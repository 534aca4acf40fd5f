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
	// Wide marks a ScopeBelow over more than WideScope organs (a city, a province): see ScopeWalkSQL.
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

// ScopeWalkSQL is ScopeSQL for a query that walks an index in its ORDER BY and stops at a page:
// for a wide scope the organ becomes an expression the organ index cannot drive, so the database
// tests each row's organ as it walks instead of reading and sorting every organ's rows. Only where
// the list has such an index; elsewhere ScopeSQL.
func (p *Principal) ScopeWalkSQL(organCol, ownerCol string) (string, []any) {
	if p.Scope == ScopeBelow && p.Wide {
		return org.WithinSQL(organCol+" || ''", p.OrganPath)
	}
	return p.ScopeSQL(organCol, ownerCol)
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
