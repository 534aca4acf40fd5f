package enforce

import "github.com/fazhi/fazhi/internal/auth"

// Permissions of 行政执法监督. The 司法局's supervision staff act in the reviewer role (审查员, the
// 司法局's legal-affairs staff); a body's legal officer is the department liaison.
var (
	PermView = auth.Declare(auth.PermDef{Perm: "enforce.view", Label: "查看执法主体、人员、执法记录与预警", CaseContent: true,
		Roles: []auth.Role{auth.RoleReviewer, auth.RoleLiaison, auth.RoleLeader}})
	PermRecord = auth.Declare(auth.PermDef{Perm: "enforce.record", Label: "录入、导入和推送执法记录", CaseContent: true,
		Roles: []auth.Role{auth.RoleReviewer, auth.RoleLiaison}})
	PermManage = auth.Declare(auth.PermDef{Perm: "enforce.manage", Label: "管理执法主体、执法人员和执法证", CaseContent: true,
		Roles: []auth.Role{auth.RoleReviewer}})
	PermSupervise = auth.Declare(auth.PermDef{Perm: "enforce.supervise", Label: "案卷评查、执法监督与双随机抽取", CaseContent: true,
		Roles: []auth.Role{auth.RoleReviewer}})
)

// Permissions lists the module's permissions (module.Permissioned).
func (m *Module) Permissions() []auth.PermDef { return auth.DeclaredBy("enforce.") }
