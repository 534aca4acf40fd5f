package auth

import (
	"fmt"
	"slices"
)

// Role is what a user does in an organ. A user may hold several roles in several organs.
type Role string

const (
	RoleSysAdmin     Role = "sysadmin"     // 系统管理员: accounts, organs, calendar, system settings
	RoleSecAdmin     Role = "secadmin"     // 安全管理员: roles, unlocks, password resets, security policy
	RoleAuditAdmin   Role = "auditadmin"   // 审计管理员: reads and exports the audit log only
	RoleReconsider   Role = "reconsider"   // 复议工作人员
	RoleReviewer     Role = "reviewer"     // 审查员 (合法性审查, 规范性文件)
	RoleLiaison      Role = "liaison"      // 部门联络员: a department's answers, submissions, replies
	RoleAdvisor      Role = "advisor"      // 法律顾问: only what is assigned to them
	RoleLeader       Role = "leader"       // 领导: read-only dashboards and statistics
	RoleCourtLiaison Role = "courtliaison" // 法院联络员
	RolePublic       Role = "public"       // 公众: the public pages, no account needed
)

// Roles lists every role in display order.
var Roles = []Role{RoleSysAdmin, RoleSecAdmin, RoleAuditAdmin, RoleReconsider, RoleReviewer, RoleLiaison, RoleAdvisor, RoleLeader, RoleCourtLiaison, RolePublic}

// Label is the Chinese name.
func (r Role) Label() string {
	return map[Role]string{
		RoleSysAdmin: "系统管理员", RoleSecAdmin: "安全管理员", RoleAuditAdmin: "审计管理员",
		RoleReconsider: "复议工作人员", RoleReviewer: "审查员", RoleLiaison: "部门联络员", RoleAdvisor: "法律顾问",
		RoleLeader: "领导", RoleCourtLiaison: "法院联络员", RolePublic: "公众",
	}[r]
}

// Valid reports a known role.
func (r Role) Valid() bool { return r.Label() != "" }

// IsAdmin reports the three separated administrator roles (三员).
func (r Role) IsAdmin() bool { return r == RoleSysAdmin || r == RoleSecAdmin || r == RoleAuditAdmin }

// Scope is how far a role sees in the org tree.
type Scope string

const (
	ScopeAll   Scope = "all"   // every organ of the deployment
	ScopeBelow Scope = "below" // own organ and every organ below it
	ScopeOrgan Scope = "organ" // own organ only
	ScopeSelf  Scope = "self"  // only records assigned to or created by the user
)

// Label is the Chinese name.
func (s Scope) Label() string {
	return map[Scope]string{ScopeAll: "全部", ScopeBelow: "本机关及下级", ScopeOrgan: "本机关", ScopeSelf: "本人"}[s]
}

// Valid reports a known scope.
func (s Scope) Valid() bool { return s.Label() != "" }

func (s Scope) rank() int {
	return map[Scope]int{ScopeSelf: 1, ScopeOrgan: 2, ScopeBelow: 3, ScopeAll: 4}[s]
}

// Wider returns the wider of two scopes.
func Wider(a, b Scope) Scope {
	if a.rank() >= b.rank() {
		return a
	}
	return b
}

// Perm is one permission a route or API call requires.
type Perm string

const (
	PermPublic        Perm = "public"         // anyone, no login
	PermLogin         Perm = "login"          // any signed-in user
	PermWorkbench     Perm = "workbench"      // the 工作台 with todos (case-handling roles)
	PermUserAdmin     Perm = "user.admin"     // create/disable accounts, organs, departments
	PermRoleAdmin     Perm = "role.admin"     // assign roles, unlock, reset passwords
	PermCalendarAdmin Perm = "calendar.admin" // holiday notices
	PermAuditRead     Perm = "audit.read"     // view and export the audit log
	PermTokenAdmin    Perm = "token.admin"    // API tokens for system accounts
	PermStatsRead     Perm = "stats.read"     // statistics and dashboards
)

// grants is the table of the platform's own permissions. Each module declares its permissions
// beside its code (auth.Declare); Grants reads both. Administrators never get case content.
var grants = map[Role][]Perm{
	RoleSysAdmin:     {PermLogin, PermUserAdmin, PermCalendarAdmin, PermTokenAdmin},
	RoleSecAdmin:     {PermLogin, PermRoleAdmin},
	RoleAuditAdmin:   {PermLogin, PermAuditRead},
	RoleReconsider:   {PermLogin, PermWorkbench, PermStatsRead},
	RoleReviewer:     {PermLogin, PermWorkbench, PermStatsRead},
	RoleLiaison:      {PermLogin, PermWorkbench},
	RoleAdvisor:      {PermLogin, PermWorkbench},
	RoleLeader:       {PermLogin, PermWorkbench, PermStatsRead},
	RoleCourtLiaison: {PermLogin, PermWorkbench},
	RolePublic:       {PermPublic},
}

// Grants reports whether role has perm.
func Grants(role Role, perm Perm) bool {
	if perm == PermPublic {
		return true
	}
	return slices.Contains(grants[role], perm) || declaredGrants(role, perm)
}

// DefaultScope is the scope a role gets unless an administrator sets another.
func DefaultScope(r Role) Scope {
	switch r {
	case RoleReconsider, RoleReviewer, RoleLeader:
		return ScopeBelow
	case RoleAdvisor:
		return ScopeSelf
	case RoleSysAdmin, RoleSecAdmin, RoleAuditAdmin:
		return ScopeBelow
	}
	return ScopeOrgan
}

// CheckCombination enforces 三员分立: an administrator role is never combined with any other role
// on one account, so no account both administers the system and reads case content or the log.
func CheckCombination(roles []Role) error {
	var admin []Role
	for _, r := range roles {
		if !r.Valid() || r == RolePublic {
			return fmt.Errorf("角色无效：%q", r)
		}
		if r.IsAdmin() {
			admin = append(admin, r)
		}
	}
	if len(admin) > 0 && len(roles) > 1 {
		return fmt.Errorf("三员分立：%s不得与其他角色由同一账户兼任", admin[0].Label())
	}
	return nil
}
