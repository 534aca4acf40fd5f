package disclosure

import "github.com/fazhi/fazhi/internal/auth"

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
