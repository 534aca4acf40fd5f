package cli_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/demotest"
	"github.com/fazhi/fazhi/internal/module/sample"
	"github.com/fazhi/fazhi/internal/web"
	"github.com/fazhi/fazhi/internal/webtest"
)

// caseContent are the permission prefixes of case content, which no administrator may hold (三员分立).
var caseContent = []string{"reconsider.", "review.", "normdoc.", "stats."}

// knownPerms are checked even when no route uses them yet.
var knownPerms = []auth.Perm{auth.PermPublic, auth.PermLogin, auth.PermWorkbench, auth.PermUserAdmin, auth.PermRoleAdmin,
	auth.PermCalendarAdmin, auth.PermAuditRead, auth.PermTokenAdmin, auth.PermStatsRead}

// pathParam matches {name}, {name...} and {$} in a route pattern.
var pathParam = regexp.MustCompile(`\{[^}]*\}`)

// concrete fills a route pattern's parameters with a dummy id: a 404 behind the gate still counts as let through.
func concrete(pattern string) string {
	return pathParam.ReplaceAllStringFunc(pattern, func(p string) string {
		if p == "{$}" {
			return ""
		}
		return "00000000000000000000000000"
	})
}

// formExtras are the fields a route needs so that a permitted call is not refused by the handler itself.
func formExtras(rt web.Route, p *auth.Principal) url.Values {
	if rt.Method == http.MethodPost && rt.Path == "/organ" {
		return url.Values{"organ": {p.OrganID}} // switching to an organ one holds no role in is refused with 403
	}
	return url.Values{}
}

// TestRoutePermissions is the route × role table: every registered route is requested as every role
// (one demo account per role; bearer tokens of a system account holding the role for API routes) and
// as an anonymous visitor, and must be let through or refused exactly as auth.Grants says.
func TestRoutePermissions(t *testing.T) {
	ctx := context.Background()
	// The demo county with every module's data, and the sample module: a module added by one Spec
	// is checked like the others.
	e := demotest.Env(t, sample.Spec)
	routes := e.Web.Routes()
	if len(routes) == 0 {
		t.Fatal("没有注册任何路由")
	}

	t.Run("every route has a permission", func(t *testing.T) {
		for _, rt := range routes {
			if rt.Perm == "" {
				t.Errorf("%s %s 没有设置权限", rt.Method, rt.Path)
			}
		}
	})

	t.Run("administrators never hold case content", func(t *testing.T) {
		perms := append([]auth.Perm(nil), knownPerms...)
		for _, rt := range routes {
			perms = append(perms, rt.Perm)
		}
		declaredContent := map[auth.Perm]bool{}
		for _, d := range auth.Declared() {
			perms = append(perms, d.Perm)
			declaredContent[d.Perm] = d.CaseContent
		}
		if !declaredContent[sample.PermClose] {
			t.Fatal("the sample module's declared permissions are missing from auth.Declared")
		}
		for _, role := range auth.Roles {
			if !role.IsAdmin() {
				continue
			}
			for _, perm := range perms {
				if declaredContent[perm] && auth.Grants(role, perm) {
					t.Errorf("%s（%s）拥有业务权限 %s", role, role.Label(), perm)
				}
				for _, prefix := range caseContent {
					if strings.HasPrefix(string(perm), prefix) && auth.Grants(role, perm) {
						t.Errorf("%s（%s）拥有业务权限 %s", role, role.Label(), perm)
					}
				}
			}
		}
	})

	// One demo account per role, and a system account holding the role for the API.
	type actor struct {
		role     auth.Role
		username string // demo account (pages)
		token    string // system account's bearer token (API)
		sysName  string
	}
	var actors []actor
	sysCtx := audit.WithActor(ctx, audit.Actor{Username: "test"})
	for _, role := range auth.Roles {
		if role == auth.RolePublic {
			continue // the public is the anonymous visitor below
		}
		a := actor{role: role, sysName: "perm_" + string(role)}
		var organID string
		err := e.DB.QueryRowContext(ctx, `SELECT u.username, m.organ_id FROM users u JOIN memberships m ON m.user_id = u.id
			WHERE m.role = ? AND u.system_account = 0 AND u.disabled = 0 ORDER BY u.username LIMIT 1`, string(role)).Scan(&a.username, &organID)
		if err != nil {
			t.Fatalf("演示数据中没有%s账户：%v", role.Label(), err)
		}
		var id string
		err = e.DB.Tx(sysCtx, func(tx *db.Tx) error {
			var err error
			id, err = e.Auth.CreateUser(sysCtx, tx, auth.NewUser{Username: a.sysName, Name: "权限测试" + role.Label(), OrganID: organID,
				Password: demo.Password, SystemAccount: true, Memberships: []auth.Membership{{OrganID: organID, Role: role}}})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if a.token, err = e.Auth.IssueToken(sysCtx, id, "权限测试"); err != nil {
			t.Fatal(err)
		}
		actors = append(actors, a)
	}

	denials := func(user string, rt web.Route) int {
		var n int
		e.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'denied' AND username = ? AND object_id = ?`, user, rt.Method+" "+rt.Path).Scan(&n)
		return n
	}

	for _, rt := range routes {
		path := concrete(rt.Path)
		for _, a := range actors {
			t.Run(rt.Method+" "+rt.Path+" as "+string(a.role), func(t *testing.T) {
				t.Parallel()
				user := a.username
				var c *webtest.Client
				if rt.API {
					user = a.sysName
					c = webtest.Bearer(t, e.Web, a.token)
				} else {
					// A fresh session per request: a logout or a password change must not spill over.
					c = webtest.Login(t, e.Web, e.Auth, a.username)
				}
				before := denials(user, rt)
				w := send(c, rt, path, formExtras(rt, c.Principal))
				allowed := auth.Grants(a.role, rt.Perm)
				switch {
				case allowed && (w.Code == http.StatusUnauthorized || w.Code == http.StatusForbidden):
					t.Errorf("%s 应可访问（权限 %s），实得 %d：%s", a.role.Label(), rt.Perm, w.Code, excerpt(w.Body))
				case allowed && w.Code == http.StatusSeeOther && strings.HasPrefix(w.Header().Get("Location"), "/login?next="):
					t.Errorf("%s 应可访问（权限 %s），却被转到登录页", a.role.Label(), rt.Perm)
				case !allowed && w.Code != http.StatusForbidden:
					t.Errorf("%s 不应可访问（权限 %s），实得 %d", a.role.Label(), rt.Perm, w.Code)
				case !allowed && denials(user, rt) != before+1:
					t.Errorf("%s 被拒绝，但权限关口没有记下审计（应由路由权限拒绝，而非处理函数）", a.role.Label())
				}
			})
		}
		t.Run(rt.Method+" "+rt.Path+" as anonymous", func(t *testing.T) {
			t.Parallel()
			// A valid double-submit token, so the request reaches the permission gate.
			w := send(webtest.Anonymous(t, e.Web), rt, path, url.Values{})
			loc := w.Header().Get("Location")
			switch {
			case rt.Perm == auth.PermPublic:
				if w.Code == http.StatusUnauthorized || w.Code == http.StatusForbidden || (w.Code == http.StatusSeeOther && strings.HasPrefix(loc, "/login")) {
					t.Errorf("公开功能对匿名访问者返回 %d %s：%s", w.Code, loc, excerpt(w.Body))
				}
			case rt.API || rt.Method != http.MethodGet:
				if w.Code != http.StatusUnauthorized {
					t.Errorf("匿名访问需登录的功能（权限 %s）：%d，应为 401", rt.Perm, w.Code)
				}
			default:
				if w.Code != http.StatusSeeOther || !strings.HasPrefix(loc, "/login?next=") {
					t.Errorf("匿名访问需登录的页面（权限 %s）：%d %s，应转到登录页", rt.Perm, w.Code, loc)
				}
			}
		})
	}
}

// send requests rt at path as c: GET, a form (pages) or a JSON body (API), with c's credentials
// and CSRF token.
func send(c *webtest.Client, rt web.Route, path string, form url.Values) webtest.Response {
	switch {
	case rt.Method == http.MethodGet:
		return c.Get(path)
	case rt.API:
		return c.JSON(rt.Method, path, map[string]any{})
	case rt.Method == http.MethodPost:
		return c.Post(path, form)
	}
	panic("no page route answers " + rt.Method)
}

func excerpt(s string) string {
	if i := strings.Index(s, "<main>"); i >= 0 {
		s = s[i:]
	}
	if len(s) > 300 {
		s = s[:300]
	}
	return s
}
