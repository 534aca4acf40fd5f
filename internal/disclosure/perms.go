package disclosure

import (
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/org"
)

// Permissions of 依申请公开. Each organ's 政府信息公开 staff are its liaisons (部门联络员); leaders read.
var (
	PermView = auth.Declare(auth.PermDef{Perm: "disclosure.view", Label: "查看政府信息公开申请", CaseContent: true,
		Roles: []auth.Role{auth.RoleLiaison, auth.RoleLeader}})
	PermEdit = auth.Declare(auth.PermDef{Perm: "disclosure.edit", Label: "办理政府信息公开申请（登记、补正、延期、征求意见、收费、答复）", CaseContent: true,
		Roles: []auth.Role{auth.RoleLiaison}})
	PermImport = auth.Declare(auth.PermDef{Perm: "disclosure.import", Label: "导入依申请公开台账", CaseContent: true,
		Roles: []auth.Role{auth.RoleLiaison}})
)

// Permissions lists the module's permissions (module.Permissioned).
func (m *Module) Permissions() []auth.PermDef { return auth.DeclaredBy("disclosure.") }

// The government's own requests. 条例第三条第二款 makes the 办公厅（室） of a government at county level
// and above the 政府信息公开工作主管部门, and 第四条 has each organ designate a 政府信息公开工作机构 for
// its daily work; for a government that is, in practice, its office. So staff acting for a
// government's 政府办公室 handle the requests addressed to the government itself, and prepare its
// annual report (第四十九条第二款), besides those of the office.

// officeGovernment is the government whose requests p handles through its office, if p acts for one.
func (s *Service) officeGovernment(p *auth.Principal) (org.Organ, bool) {
	if p == nil {
		return org.Organ{}, false
	}
	o, ok := s.org.Organ(p.OrganID)
	if !ok || o.Kind != org.KindOffice {
		return org.Organ{}, false
	}
	g, ok := s.org.Parent(o)
	return g, ok && g.Kind == org.KindGovernment
}

// visibleSQL is p's data scope over requests: its own, widened by the government its office serves.
// With walk, the fragment of a query that walks the list's order index (auth.ScopeWalkSQL).
func (s *Service) visibleSQL(p *auth.Principal, walk ...bool) (string, []any) {
	where, args := p.ScopeSQL("organ_id", "")
	if len(walk) > 0 && walk[0] {
		where, args = p.ScopeWalkSQL("organ_id", "")
	}
	if g, ok := s.officeGovernment(p); ok {
		return "(" + where + " OR organ_id = ?)", append(args, g.ID)
	}
	return where, args
}

// covers is visibleSQL for an organ already loaded.
func (s *Service) covers(p *auth.Principal, o org.Organ) bool {
	if p.Covers(o.ID, o.Path, "") {
		return true
	}
	g, ok := s.officeGovernment(p)
	return ok && g.ID == o.ID
}
