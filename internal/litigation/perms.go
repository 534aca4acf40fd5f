package litigation

import "github.com/fazhi/fazhi/internal/auth"

// Permissions of 行政应诉, declared once; the role table and the route × role test read them.
// Which cases each role sees is the data scope in SQL (scopeSQL): the defendant organs, the
// government whose 司法局 guides the case, and the court that hears it.
var (
	PermView = auth.Declare(auth.PermDef{Perm: "litigation.view", Label: "查看应诉案件", CaseContent: true,
		Roles: []auth.Role{auth.RoleReconsider, auth.RoleLiaison, auth.RoleLeader, auth.RoleCourtLiaison}})
	// PermEdit is the 司法局's 应诉 staff: register paper-served cases, review answers, record hearings,
	// decisions and recommendations.
	PermEdit = auth.Declare(auth.PermDef{Perm: "litigation.edit", Label: "办理应诉案件（司法局）", CaseContent: true,
		Roles: []auth.Role{auth.RoleReconsider}})
	// PermAnswer is the defendant agency's liaison: sign for deliveries, draft and submit the answer,
	// report who appears, decide on appeal.
	PermAnswer = auth.Declare(auth.PermDef{Perm: "litigation.answer", Label: "被告机关应诉（签收、答辩、出庭）", CaseContent: true,
		Roles: []auth.Role{auth.RoleLiaison, auth.RoleReconsider}})
	// PermCourt is the court's liaison: register a case with its documents, sign for submissions,
	// send hearing notices and decisions.
	PermCourt = auth.Declare(auth.PermDef{Perm: "litigation.court", Label: "法院送达与签收", CaseContent: true,
		Roles: []auth.Role{auth.RoleCourtLiaison}})
	// PermRegister registers a new case: the court liaison with the court's documents, or the
	// 司法局's staff for a paper-served case.
	PermRegister = auth.Declare(auth.PermDef{Perm: "litigation.register", Label: "登记应诉案件（法院或司法局）", CaseContent: true,
		Roles: []auth.Role{auth.RoleCourtLiaison, auth.RoleReconsider}})
	PermImport = auth.Declare(auth.PermDef{Perm: "litigation.import", Label: "导入应诉台账", CaseContent: true,
		Roles: []auth.Role{auth.RoleReconsider}})
	PermStats = auth.Declare(auth.PermDef{Perm: "litigation.stats", Label: "应诉统计", CaseContent: true,
		Roles: []auth.Role{auth.RoleReconsider, auth.RoleLeader}})
)

// Permissions lists the module's permissions (module.Permissioned).
func (m *Module) Permissions() []auth.PermDef { return auth.DeclaredBy("litigation.") }
