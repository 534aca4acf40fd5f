package reconsider

import "github.com/fazhi/fazhi/internal/auth"

// Permissions of 行政复议, declared once; the role table and the route × role test read them.
var (
	// PermView opens a case page: the office, leaders, and the respondent's liaison (the data
	// scope in SQL decides which cases each sees).
	PermView = auth.Declare(auth.PermDef{Perm: "reconsider.view", Label: "查看复议案件", CaseContent: true,
		Roles: []auth.Role{auth.RoleReconsider, auth.RoleLiaison, auth.RoleLeader}})
	PermRead = auth.Declare(auth.PermDef{Perm: "reconsider.read", Label: "复议案件列表与统计", CaseContent: true,
		Roles: []auth.Role{auth.RoleReconsider, auth.RoleLeader}})
	PermEdit = auth.Declare(auth.PermDef{Perm: "reconsider.edit", Label: "办理复议案件（收件、受理、决定）", CaseContent: true,
		Roles: []auth.Role{auth.RoleReconsider}})
	PermReply = auth.Declare(auth.PermDef{Perm: "reconsider.reply", Label: "被申请人答复", CaseContent: true,
		Roles: []auth.Role{auth.RoleLiaison}})
	PermImport = auth.Declare(auth.PermDef{Perm: "reconsider.import", Label: "导入复议台账", CaseContent: true,
		Roles: []auth.Role{auth.RoleReconsider}})
)

// Permissions lists the module's permissions (module.Permissioned).
func (m *Module) Permissions() []auth.PermDef {
	return auth.DeclaredBy("reconsider.")
}
