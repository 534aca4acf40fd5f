package normdoc

import "github.com/fazhi/fazhi/internal/auth"

// Permissions of 规范性文件, declared once; the role table and the route × role test read them.
var (
	PermRead = auth.Declare(auth.PermDef{Perm: "normdoc.read", Label: "查看规范性文件登记簿", CaseContent: true,
		Roles: []auth.Role{auth.RoleReviewer, auth.RoleLiaison, auth.RoleLeader}})
	PermEdit = auth.Declare(auth.PermDef{Perm: "normdoc.edit", Label: "管理规范性文件（登记、公布、备案、清理）", CaseContent: true,
		Roles: []auth.Role{auth.RoleReviewer}})
)

// Permissions lists the module's permissions (module.Permissioned).
func (m *Module) Permissions() []auth.PermDef {
	return auth.DeclaredBy("normdoc.")
}
