package review

import "github.com/fazhi/fazhi/internal/auth"

// Permissions of 合法性审查, declared once; the role table and the route × role test read them.
var (
	PermRead = auth.Declare(auth.PermDef{Perm: "review.read", Label: "查看合法性审查事项", CaseContent: true,
		Roles: []auth.Role{auth.RoleReviewer, auth.RoleLiaison, auth.RoleAdvisor, auth.RoleLeader}})
	// PermEdit is the 司法局 side: completeness, assignment, conclusion.
	PermEdit = auth.Declare(auth.PermDef{Perm: "review.edit", Label: "办理合法性审查", CaseContent: true,
		Roles: []auth.Role{auth.RoleReviewer}})
	// PermSubmit: a department submits drafts and answers opinions.
	PermSubmit = auth.Declare(auth.PermDef{Perm: "review.submit", Label: "报送合法性审查", CaseContent: true,
		Roles: []auth.Role{auth.RoleLiaison}})
	// PermOpinion: an opinion on an assigned review (reviewer or advisor).
	PermOpinion = auth.Declare(auth.PermDef{Perm: "review.opinion", Label: "提出审查意见", CaseContent: true,
		Roles: []auth.Role{auth.RoleReviewer, auth.RoleAdvisor}})
)

// Permissions lists the module's permissions (module.Permissioned).
func (m *Module) Permissions() []auth.PermDef {
	return auth.DeclaredBy("review.")
}
