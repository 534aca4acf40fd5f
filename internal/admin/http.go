// Package admin is the administration of the platform, split along 三员分立: the system
// administrator (accounts, organs, calendar, API tokens), the security administrator (roles,
// unlocks, password resets) and the audit administrator (the audit log, alone). None of these
// pages shows case content.
package admin

import (
	"context"
	"embed"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/lawlib"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

var pages = web.ParseTemplates(templateFS, "templates/*.html")

// Deps are the platform services the administration pages use.
type Deps struct {
	DB       *db.DB
	Org      *org.Service
	Auth     *auth.Service
	Calendar *calendar.Store
	// LawLoad reads the progress of loading the law library shipped in the binary (nil: no library).
	LawLoad func(ctx context.Context) (lawlib.Progress, error)
}

// Module serves the administration pages and the small organisation API.
type Module struct {
	Deps
	app *web.App
}

// New returns the module; call Register to plug it into the shell.
func New(d Deps) *Module { return &Module{Deps: d} }

// Register adds the routes and the 管理 menu entries to app.
func (m *Module) Register(app *web.App) {
	m.app = app

	// 系统管理员: accounts.
	app.GET("/admin/users", auth.PermUserAdmin, m.userList)
	app.GET("/admin/users/new", auth.PermUserAdmin, m.userNew)
	app.POST("/admin/users", auth.PermUserAdmin, m.userCreate)
	app.GET("/admin/users/{id}", auth.PermUserAdmin, m.userEdit)
	app.POST("/admin/users/{id}", auth.PermUserAdmin, m.userUpdate)
	app.POST("/admin/users/{id}/disable", auth.PermUserAdmin, m.userDisable)
	app.POST("/admin/users/{id}/enable", auth.PermUserAdmin, m.userEnable)
	// 系统管理员: the second administrator's confirmation of grants that reach case content.
	app.GET("/admin/grants", auth.PermUserAdmin, m.grantList)
	app.POST("/admin/grants/{id}/confirm", auth.PermUserAdmin, m.grantConfirm)
	app.POST("/admin/grants/{id}/refuse", auth.PermUserAdmin, m.grantRefuse)

	// 安全管理员: roles, lockouts, password resets.
	app.GET("/admin/roles", auth.PermRoleAdmin, m.roleList)
	app.GET("/admin/users/{id}/roles", auth.PermRoleAdmin, m.securityPage)
	app.POST("/admin/users/{id}/roles", auth.PermRoleAdmin, m.rolesSave)
	app.POST("/admin/users/{id}/reset", auth.PermRoleAdmin, m.passwordReset)
	app.POST("/admin/users/{id}/unlock", auth.PermRoleAdmin, m.unlock)

	// 系统管理员: organs, calendar, API tokens.
	app.GET("/admin/organs", auth.PermUserAdmin, m.organPage)
	app.POST("/admin/organs", auth.PermUserAdmin, m.organCreate)
	app.POST("/admin/organs/divisions", auth.PermUserAdmin, m.divisionCreate)
	app.POST("/admin/organs/departments", auth.PermUserAdmin, m.departmentCreate)
	app.GET("/admin/organs/{id}/profile", auth.PermUserAdmin, m.profilePage)
	app.POST("/admin/organs/{id}/profile", auth.PermUserAdmin, m.profileSave)
	app.GET("/admin/calendar", auth.PermCalendarAdmin, m.calendarPage)
	app.POST("/admin/calendar", auth.PermCalendarAdmin, m.calendarPost)
	app.GET("/admin/calendar/due", auth.PermCalendarAdmin, m.calendarDue)
	app.GET("/admin/laws", auth.PermUserAdmin, m.lawPage)
	app.GET("/admin/tokens", auth.PermTokenAdmin, m.tokenPage)
	app.POST("/admin/tokens", auth.PermTokenAdmin, m.tokenIssue)
	app.POST("/admin/tokens/{id}/revoke", auth.PermTokenAdmin, m.tokenRevoke)

	// 审计管理员: the log.
	app.GET("/admin/audit", auth.PermAuditRead, m.auditPage)
	app.LongPOST("/admin/audit/verify", auth.PermAuditRead, m.auditVerify)
	app.LongGET("/admin/audit/export", auth.PermAuditRead, m.auditExport)

	// JSON API (described for /api/v1/openapi.json by DescribeAPI).
	for _, s := range m.apiSpecs() {
		app.APIRoute(s.op.Method, s.op.Path, s.op.Perm, s.h)
	}

	app.Menu(
		web.MenuItem{Group: "管理", Title: "账户管理", URL: "/admin/users", Perm: auth.PermUserAdmin, Order: 900},
		web.MenuItem{Group: "管理", Title: "授权确认", URL: "/admin/grants", Perm: auth.PermUserAdmin, Order: 905},
		web.MenuItem{Group: "管理", Title: "机关与科室", URL: "/admin/organs", Perm: auth.PermUserAdmin, Order: 910},
		web.MenuItem{Group: "管理", Title: "节假日与期限", URL: "/admin/calendar", Perm: auth.PermCalendarAdmin, Order: 920},
		web.MenuItem{Group: "管理", Title: "法规库", URL: "/admin/laws", Perm: auth.PermUserAdmin, Order: 925},
		web.MenuItem{Group: "管理", Title: "API 令牌", URL: "/admin/tokens", Perm: auth.PermTokenAdmin, Order: 930},
		web.MenuItem{Group: "管理", Title: "角色与账户安全", URL: "/admin/roles", Perm: auth.PermRoleAdmin, Order: 940},
		web.MenuItem{Group: "管理", Title: "审计日志", URL: "/admin/audit", Perm: auth.PermAuditRead, Order: 950},
	)
}

func (m *Module) render(w http.ResponseWriter, r *http.Request, page string, status int, title string, data any, fe *web.FormError) error {
	return m.app.Render(w, r, pages, page, status, title, data, fe)
}

// redirect answers a successful POST with a flash message on the next page.
// redirect answers a form with 303 and a flash message.
var redirect = web.SeeOther

// managed lists the organs the principal administers, in tree order: the whole deployment for
// scope all, its organ and those below for scope below, its organ alone for scope organ.
func (m *Module) managed(p *auth.Principal) []org.Organ {
	switch p.Scope {
	case auth.ScopeAll:
		return m.Org.All()
	case auth.ScopeBelow:
		return m.Org.Subtree(p.OrganID)
	case auth.ScopeOrgan:
		if o, ok := m.Org.Organ(p.OrganID); ok {
			return []org.Organ{o}
		}
	}
	return nil
}

// manages reports whether organID lies inside the principal's administration.
func (m *Module) manages(p *auth.Principal, organID string) bool {
	o, ok := m.Org.Organ(organID)
	if !ok {
		return false
	}
	switch p.Scope {
	case auth.ScopeAll:
		return true
	case auth.ScopeBelow:
		return strings.HasPrefix(o.Path, p.OrganPath)
	case auth.ScopeOrgan:
		return o.ID == p.OrganID
	}
	return false
}

// rootPath is the path prefix covering every organ the principal manages.
func rootPath(p *auth.Principal) string {
	if p.Scope == auth.ScopeAll {
		return "/"
	}
	return p.OrganPath
}

// organOption is an organ in a select, indented by its depth below the first managed organ.
type organOption struct {
	ID, Code, Name, Label string
	Depth                 int
}

func organOptions(organs []org.Organ) []organOption {
	out := make([]organOption, 0, len(organs))
	base := -1
	for _, o := range organs {
		d := strings.Count(o.Path, "/") - 2
		if base < 0 || d < base {
			base = d
		}
		out = append(out, organOption{ID: o.ID, Code: o.Code, Name: o.Name, Depth: d})
	}
	for i := range out {
		out[i].Depth -= base
		out[i].Label = strings.Repeat("　", out[i].Depth) + out[i].Name
	}
	return out
}

func (m *Module) organName(id string) string {
	if o, ok := m.Org.Organ(id); ok {
		return o.Name
	}
	return ""
}

func tooLong(s string, n int) bool { return utf8.RuneCountInString(s) > n }

// weekdayZh names a weekday as in 周一.
var weekdayZh = [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

func weekday(d calendar.Date) string { return weekdayZh[d.Weekday()] }
