package admin

import (
	"fmt"
	"net/http"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/web"
)

// grantView is a pending role request as the confirmation page shows it.
type grantView struct {
	auth.Grant
	OrganName     string
	Before, After []string
	Own           bool // requested by the viewer: they may not confirm it
}

func (m *Module) rolesText(ms []auth.Membership) []string {
	var out []string
	for _, mb := range ms {
		scope := mb.Scope
		if scope == "" {
			scope = auth.DefaultScope(mb.Role)
		}
		out = append(out, fmt.Sprintf("%s（%s·%s）", mb.Role.Label(), m.organName(mb.OrganID), scope.Label()))
	}
	return out
}

func (m *Module) grantViews(r *http.Request, userID string) ([]grantView, error) {
	p := auth.From(r.Context())
	gs, err := m.Auth.PendingGrants(r.Context(), rootPath(p), userID)
	if err != nil {
		return nil, err
	}
	var out []grantView
	for _, g := range gs {
		if !m.manages(p, g.OrganID) {
			continue
		}
		out = append(out, grantView{Grant: g, OrganName: m.organName(g.OrganID), Before: m.rolesText(g.Before), After: m.rolesText(g.Memberships), Own: g.RequestedBy == p.UserID})
	}
	return out, nil
}

// grantList is the system administrator's list of role requests that reach case content.
func (m *Module) grantList(w http.ResponseWriter, r *http.Request) error {
	gs, err := m.grantViews(r, "")
	if err != nil {
		return err
	}
	return m.render(w, r, "grants", http.StatusOK, "授权确认", map[string]any{"Grants": gs}, nil)
}

func (m *Module) grantConfirm(w http.ResponseWriter, r *http.Request) error {
	return m.decide(w, r, true)
}
func (m *Module) grantRefuse(w http.ResponseWriter, r *http.Request) error {
	return m.decide(w, r, false)
}

func (m *Module) decide(w http.ResponseWriter, r *http.Request, confirm bool) error {
	p := auth.From(r.Context())
	g, err := m.Auth.GrantByID(r.Context(), r.PathValue("id"))
	if err != nil || !m.manages(p, g.OrganID) {
		return web.NotFound("授权申请")
	}
	q, button := "确认后 "+g.Username+" 立即获得所申请的角色，可以查看相应案件。确定确认？", "确认授权"
	if !confirm {
		q, button = "拒绝后该申请作废，"+g.Username+" 的角色不变；如仍需授权须重新申请。确定拒绝？", "拒绝申请"
	}
	if ok, err := m.confirmed(w, r, q, button, "/admin/grants"); !ok {
		return err
	}
	if err := m.Auth.DecideGrant(r.Context(), g.ID, p.UserID, p.Name, confirm); err != nil {
		return err
	}
	msg := "已确认，" + g.Username + " 的角色已生效"
	if !confirm {
		msg = "已拒绝 " + g.Username + " 的授权申请，其角色未改变"
	}
	return redirect(w, r, "/admin/grants", msg)
}
