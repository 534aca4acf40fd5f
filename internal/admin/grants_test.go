package admin

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/db"
)

// pendingGrant returns the id of the pending request for userID.
func pendingGrant(t *testing.T, e *env, userID string) string {
	t.Helper()
	var id string
	if err := e.db.QueryRowContext(t.Context(), `SELECT id FROM pending_grants WHERE user_id = ? AND status = 'pending'`, userID).Scan(&id); err != nil {
		t.Fatalf("没有待确认的授权申请：%v", err)
	}
	return id
}

// confirmPending has the system administrator confirm the pending request for userID.
func confirmPending(t *testing.T, e *env, userID string) {
	t.Helper()
	w := e.login("admin").post("/admin/grants/"+pendingGrant(t, e, userID)+"/confirm", confirmed)
	wantStatus(t, w, http.StatusSeeOther)
}

func hasRole(u auth.User, role auth.Role, scope auth.Scope) bool {
	for _, m := range u.Memberships {
		if m.Role == role && m.Scope == scope {
			return true
		}
	}
	return false
}

// Issue 10, item 3: a business role granted by the security administrator takes effect only
// when a second administrator confirms it; both steps are audited.
func TestGrantOfCaseContentNeedsSecondAdministrator(t *testing.T) {
	e := newEnv(t)
	sec := e.login("security")
	target := e.user("qs_fyll") // an ordinary account
	gov := target.OrganID

	w := sec.post("/admin/users/"+target.ID+"/roles", roleForm([3]string{gov, "reconsider", "all"}))
	wantStatus(t, w, http.StatusSeeOther)
	if !strings.Contains(w.Header().Get("Location"), "授权") && !strings.Contains(w.Header().Get("Location"), "%E6%8E%88%E6%9D%83") {
		t.Errorf("提示应说明须经确认：%s", w.Header().Get("Location"))
	}
	if hasRole(e.user("qs_fyll"), auth.RoleReconsider, auth.ScopeAll) {
		t.Fatal("业务角色未经第二名管理员确认就生效了")
	}
	wantBody(t, sec.get("/admin/users/"+target.ID+"/roles"), "待确认的授权申请")
	id := pendingGrant(t, e, target.ID)

	// The security administrator cannot reach the confirmation page (it is the system administrator's).
	wantStatus(t, sec.post("/admin/grants/"+id+"/confirm", confirmed), http.StatusForbidden)

	admin := e.login("admin")
	w = admin.get("/admin/grants")
	wantStatus(t, w, http.StatusOK)
	wantBody(t, w, "qs_fyll", "复议工作人员", "全部")
	wantStatus(t, admin.post("/admin/grants/"+id+"/confirm", confirmed), http.StatusSeeOther)
	if !hasRole(e.user("qs_fyll"), auth.RoleReconsider, auth.ScopeAll) {
		t.Fatal("确认后角色应生效")
	}
	wantStatus(t, admin.post("/admin/grants/"+id+"/confirm", confirmed), http.StatusConflict)
	for action, user := range map[string]string{"grant_request": "security", "grant_confirm": "admin", "set_roles": "admin"} {
		if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action = ? AND object_id = ? AND username = ?`, action, target.ID, user); n != 1 {
			t.Errorf("审计 %s（%s）：%d 条", action, user, n)
		}
	}

	// A refused request changes nothing.
	wantStatus(t, sec.post("/admin/users/"+target.ID+"/roles", roleForm([3]string{gov, "reconsider", "all"}, [3]string{gov, "leader", ""})), http.StatusSeeOther)
	wantStatus(t, admin.post("/admin/grants/"+pendingGrant(t, e, target.ID)+"/refuse", confirmed), http.StatusSeeOther)
	if u := e.user("qs_fyll"); len(u.Memberships) != 1 {
		t.Fatalf("拒绝后角色不应改变：%+v", u.Memberships)
	}
	if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'grant_refuse' AND object_id = ?`, target.ID); n != 1 {
		t.Errorf("拒绝的审计记录 %d 条", n)
	}

	// Removing or narrowing a role needs no confirmation.
	wantStatus(t, sec.post("/admin/users/"+target.ID+"/roles", roleForm([3]string{gov, "reconsider", "organ"})), http.StatusSeeOther)
	if !hasRole(e.user("qs_fyll"), auth.RoleReconsider, auth.ScopeOrgan) {
		t.Fatal("缩小数据范围应立即生效")
	}
}

// The same person can never confirm their own request (checked in the service: the page
// already keeps the roles apart, but a request could come from any administrator).
func TestGrantRequesterCannotConfirm(t *testing.T) {
	e := newEnv(t)
	ctx := t.Context()
	sec := e.user("security")
	target := e.user("qs_fyll")
	var pending bool
	err := e.db.Tx(ctx, func(tx *db.Tx) error {
		var err error
		pending, err = e.auth.RequestMemberships(ctx, tx, sec.ID, sec.Name, target.ID, []auth.Membership{{OrganID: target.OrganID, Role: auth.RoleLeader, Scope: auth.ScopeAll}})
		return err
	})
	if err != nil || !pending {
		t.Fatalf("申请：%v %v", pending, err)
	}
	id := pendingGrant(t, e, target.ID)
	err = e.auth.DecideGrant(ctx, id, sec.ID, sec.Name, true)
	if err == nil || !strings.Contains(err.Error(), "不能确认本人提出的授权申请") {
		t.Fatalf("本人确认本人的申请：%v", err)
	}
	if hasRole(e.user("qs_fyll"), auth.RoleLeader, auth.ScopeAll) {
		t.Fatal("本人确认不得生效")
	}
	// The page does not offer it either: a system administrator's own request is marked.
	if err := e.auth.DecideGrant(ctx, id, target.ID, target.Name, true); err == nil {
		t.Fatal("账户本人不得确认为自己提出的申请")
	}
}

// Issue 10, item 3: one administrator may not both reset an account's password and grant it
// case access within the window (default 24 h), in either order.
func TestResetAndGrantBySameAdministratorRefused(t *testing.T) {
	e := newEnv(t)
	sec := e.login("security")
	a := e.user("qs_fyll")
	w := sec.post("/admin/users/"+a.ID+"/reset", url.Values{"password": {"Reset#2026abc"}, "confirm": {"Reset#2026abc"}})
	wantStatus(t, w, http.StatusSeeOther)
	w = sec.post("/admin/users/"+a.ID+"/roles", roleForm([3]string{a.OrganID, "reconsider", "all"}))
	wantStatus(t, w, http.StatusUnprocessableEntity)
	wantBody(t, w, "24小时内重置过该账户的密码", "另一名安全管理员")
	if n := e.count(`SELECT COUNT(*) FROM pending_grants WHERE user_id = ?`, a.ID); n != 0 {
		t.Fatalf("被拒绝的授权不应留下申请：%d", n)
	}

	b := e.user("qs_fy")
	wantStatus(t, sec.post("/admin/users/"+b.ID+"/roles", roleForm([3]string{b.OrganID, "leader", "all"})), http.StatusSeeOther)
	w = sec.post("/admin/users/"+b.ID+"/reset", url.Values{"password": {"Reset#2026abc"}, "confirm": {"Reset#2026abc"}})
	wantStatus(t, w, http.StatusUnprocessableEntity)
	wantBody(t, w, "24小时内为该账户申请过业务角色")

	// After the window the same administrator may act again.
	e.auth.SetClock(func() time.Time { return time.Now().Add(25 * time.Hour) })
	sec = e.login("security")
	wantStatus(t, sec.post("/admin/users/"+b.ID+"/reset", url.Values{"password": {"Reset#2026abc"}, "confirm": {"Reset#2026abc"}}), http.StatusSeeOther)
}
