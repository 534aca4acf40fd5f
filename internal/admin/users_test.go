package admin

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/demo"
)

func TestCreateUserRejectsBadInput(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin")
	justice, _ := e.org.ByCode("990121-SFJ")
	valid := url.Values{"username": {"qs_new"}, "name": {"新同事"}, "organ": {justice.ID}, "phone": {"13912345678"}, "title": {"科员"},
		"password": {"Xin@mima2026"}, "confirm": {"Xin@mima2026"}, "must_change": {"1"}}
	with := func(kv ...string) url.Values {
		v := cloneValues(valid)
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	cases := []struct {
		name     string
		form     url.Values
		messages []string // shown beside the fields
		kept     []string // input the form keeps
	}{
		{"空表单各项", with("username", "", "name", "", "organ", "", "password", "", "confirm", ""),
			[]string{"请填写用户名", "请填写姓名", "请选择所属机关", "请设置初始密码"}, []string{`value="13912345678"`, `value="科员"`}},
		{"密码不一致", with("confirm", "Other@mima2026"), []string{"两次输入的密码不一致"}, []string{`value="qs_new"`, `value="新同事"`}},
		{"用户名格式", with("username", "张三"), []string{"用户名为3至32位字母、数字、下划线或点"}, []string{`value="张三"`}},
		{"用户名已被使用", with("username", "qs_fy"), []string{"用户名 qs_fy 已被使用"}, []string{`value="qs_fy"`}},
		{"弱密码", with("password", "abc", "confirm", "abc"), []string{"密码"}, []string{`value="qs_new"`}},
		{"手机号码", with("phone", "12345"), []string{"手机号码应为11位数字"}, []string{`value="12345"`}},
		{"管理范围外的机关", with("organ", "nosuchorgan"), []string{"所属机关不存在或不在您的管理范围内"}, []string{`value="新同事"`}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			users := e.count(`SELECT COUNT(*) FROM users`)
			entries := e.count(`SELECT COUNT(*) FROM audit_log`)
			w := admin.post("/admin/users", c.form)
			wantStatus(t, w, http.StatusUnprocessableEntity)
			wantBody(t, w, c.messages...)
			wantBody(t, w, c.kept...)
			if pw := c.form.Get("password"); pw != "" && hasText(w, pw) {
				t.Errorf("密码 %q 被回显在页面中", pw)
			}
			if n := e.count(`SELECT COUNT(*) FROM users`); n != users {
				t.Errorf("账户数 %d → %d：出错的表单不应写入任何数据", users, n)
			}
			if n := e.count(`SELECT COUNT(*) FROM audit_log`); n != entries {
				t.Errorf("审计条数 %d → %d：出错的表单不应写入任何数据", entries, n)
			}
		})
	}

	t.Run("正确的表单", func(t *testing.T) {
		w := admin.post("/admin/users", valid)
		wantStatus(t, w, http.StatusSeeOther)
		u := e.user("qs_new")
		if u.OrganID != justice.ID || u.Name != "新同事" || !u.MustChange || len(u.Memberships) != 0 {
			t.Errorf("新账户 %+v", u)
		}
		if loc := w.Header().Get("Location"); !strings.HasPrefix(loc, "/admin/users/"+u.ID) {
			t.Errorf("跳转到 %s", loc)
		}
		if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'create' AND object_type = 'user' AND object_id = ? AND username = 'admin'`, u.ID); n != 1 {
			t.Errorf("新建账户的审计记录 %d 条", n)
		}
	})
}

func TestUserPagesByRole(t *testing.T) {
	e := newEnv(t)
	target := e.user("qs_ld")
	cases := []struct {
		user, method, path string
		want               int
	}{
		{"admin", "GET", "/admin/users", 200},
		{"admin", "GET", "/admin/users/new", 200},
		{"admin", "GET", "/admin/users/" + target.ID, 200},
		{"admin", "GET", "/admin/roles", 403},
		{"admin", "GET", "/admin/users/" + target.ID + "/roles", 403},
		{"admin", "POST", "/admin/users/" + target.ID + "/unlock", 403},
		{"admin", "POST", "/admin/users/" + target.ID + "/reset", 403},
		{"security", "GET", "/admin/roles", 200},
		{"security", "GET", "/admin/users/" + target.ID + "/roles", 200},
		{"security", "GET", "/admin/users", 403},
		{"security", "POST", "/admin/users/" + target.ID + "/disable", 403},
		{"auditor", "GET", "/admin/users", 403},
		{"auditor", "GET", "/admin/roles", 403},
		{"qs_fy", "GET", "/admin/users", 403},
		{"qs_admin", "GET", "/admin/users/" + target.ID, 200},          // the county's own administrator
		{"qs_admin", "GET", "/admin/users/" + e.user("ls_ld").ID, 404}, // another county: outside its organs
		{"admin", "GET", "/admin/users/nosuchuser", 404},
	}
	for _, c := range cases {
		t.Run(c.user+" "+c.method+" "+c.path, func(t *testing.T) {
			cl := e.login(c.user)
			w := cl.do(c.method, c.path, map[bool]url.Values{true: {}}[c.method == "POST"])
			wantStatus(t, w, c.want)
		})
	}
}

func TestUserListFiltersAndScope(t *testing.T) {
	e := newEnv(t)
	justice, _ := e.org.ByCode("990121-SFJ")
	cases := []struct {
		user, query string
		has, hasNot []string
	}{
		{"admin", "", []string{"qs_fy", "ls_fy", "auditor"}, nil},
		{"admin", "?organ=" + justice.ID, []string{"qs_fy", "qs_sc"}, []string{"ls_fy", "qs_gaj"}},
		{"admin", "?q=qs_g", []string{"qs_gaj", "qs_gw"}, []string{"qs_fy"}},
		{"qs_admin", "", []string{"qs_fy", "qs_gaj"}, []string{"ls_fy", "auditor"}},
		{"admin", "?role=liaison", []string{"qs_gaj", "ls_gaj"}, []string{"qs_fy", "admin"}},
		{"admin", "?role=reconsider&organ=" + justice.ID, []string{"qs_fy", "qs_fy2"}, []string{"ls_fy", "qs_sc"}},
	}
	for _, c := range cases {
		t.Run(c.user+c.query, func(t *testing.T) {
			w := e.login(c.user).get("/admin/users" + c.query)
			wantStatus(t, w, 200)
			for _, u := range c.has {
				if !listed(w.Body.String(), u) {
					t.Errorf("列表中应有 %s", u)
				}
			}
			for _, u := range c.hasNot {
				if listed(w.Body.String(), u) {
					t.Errorf("列表中不应有 %s", u)
				}
			}
		})
	}
}

func TestUpdateProfileAndDisable(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin")
	target := e.user("qs_ld")

	w := admin.post("/admin/users/"+target.ID, url.Values{"name": {""}, "phone": {"123"}, "title": {"县长"}})
	wantStatus(t, w, http.StatusUnprocessableEntity)
	wantBody(t, w, "请填写姓名", `value="县长"`)
	if u := e.user("qs_ld"); u.Title != target.Title {
		t.Errorf("出错的表单改了职务：%q", u.Title)
	}
	w = admin.post("/admin/users/"+target.ID, url.Values{"name": {"李县长"}, "phone": {"13912345678"}, "title": {"县长"}})
	wantStatus(t, w, http.StatusSeeOther)
	if u := e.user("qs_ld"); u.Name != "李县长" || u.Title != "县长" || u.Phone != "13912345678" {
		t.Errorf("资料未保存：%+v", u)
	}

	// Disabling ends the sessions and refuses logins; enabling lets the user back in.
	victim := e.login("qs_ld")
	// Without script the first POST asks; nothing changes until the confirmed one.
	w = admin.post("/admin/users/"+target.ID+"/disable", nil)
	wantStatus(t, w, http.StatusOK)
	wantBody(t, w, "请确认", "停用账户 qs_ld", `name="confirmed" value="1"`)
	if e.user("qs_ld").Disabled {
		t.Fatal("停用未经确认即生效")
	}
	wantStatus(t, admin.post("/admin/users/"+target.ID+"/disable", confirmed), http.StatusSeeOther)
	if w := victim.get("/workbench"); w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login") {
		t.Errorf("停用后原会话仍可用：%d %s", w.Code, w.Header().Get("Location"))
	}
	if _, err := e.auth.Login(context.Background(), "qs_ld", demo.Password, "", "", ""); !errors.Is(err, auth.ErrDisabled) {
		t.Errorf("停用后登录：%v", err)
	}
	wantStatus(t, admin.post("/admin/users/"+target.ID+"/enable", nil), http.StatusSeeOther)
	e.login("qs_ld")

	// An administrator cannot disable its own account.
	w = admin.post("/admin/users/"+admin.uid+"/disable", confirmed)
	wantStatus(t, w, http.StatusUnprocessableEntity)
	if e.user("admin").Disabled {
		t.Error("系统管理员停用了本人账户")
	}
}

func roleForm(rows ...[3]string) url.Values {
	v := url.Values{"rows": {strconv.Itoa(len(rows))}}
	for i, r := range rows {
		k := strconv.Itoa(i)
		v.Set("organ_"+k, r[0])
		v.Set("role_"+k, r[1])
		v.Set("scope_"+k, r[2])
	}
	return v
}

// listed reports whether the account list shows username in its first column.
func listed(body, username string) bool {
	return strings.Contains(body, "<td>"+username+"</td>") || strings.Contains(body, "<td>"+username+" <span")
}

func TestSetRolesEnforcesSeparation(t *testing.T) {
	e := newEnv(t)
	sec := e.login("security")
	target := e.user("qs_fy")
	before := target.Memberships
	gov := before[0].OrganID
	justice, _ := e.org.ByCode("990121-SFJ")
	cases := []struct {
		name string
		form url.Values
		msg  string
	}{
		{"管理员兼业务角色", roleForm([3]string{gov, "reconsider", "organ"}, [3]string{justice.ID, "sysadmin", ""}), "三员分立：系统管理员不得与其他角色由同一账户兼任"},
		{"审计管理员兼复议", roleForm([3]string{gov, "reconsider", ""}, [3]string{gov, "auditadmin", ""}), "三员分立：审计管理员不得与其他角色由同一账户兼任"},
		{"两个管理员角色", roleForm([3]string{gov, "secadmin", ""}, [3]string{gov, "auditadmin", ""}), "三员分立"},
		{"缺少机关", roleForm([3]string{"", "leader", ""}), "第1行的机关不存在或不在您的管理范围内"},
		{"无效角色", roleForm([3]string{gov, "public", ""}), "第1行角色无效"},
		{"重复角色", roleForm([3]string{gov, "leader", ""}, [3]string{gov, "leader", "organ"}), "同一机关的同一角色只能设置一次"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := sec.post("/admin/users/"+target.ID+"/roles", c.form)
			wantStatus(t, w, http.StatusUnprocessableEntity)
			wantBody(t, w, c.msg)
			if got := e.user("qs_fy").Memberships; len(got) != len(before) || got[0].Role != before[0].Role {
				t.Errorf("被拒绝的角色设置改变了角色：%+v", got)
			}
		})
	}

	t.Run("本人角色", func(t *testing.T) {
		w := sec.post("/admin/users/"+sec.uid+"/roles", roleForm([3]string{gov, "secadmin", ""}))
		wantStatus(t, w, http.StatusUnprocessableEntity)
		wantBody(t, w, "不能修改本人的角色")
	})

	t.Run("county security cannot grant scope all", func(t *testing.T) {
		// The demo has no county security administrator: make one acting for the county.
		tok := e.login("security")
		w := tok.post("/admin/users/"+e.user("qs_admin").ID+"/roles", roleForm([3]string{gov, "secadmin", "below"}))
		wantStatus(t, w, http.StatusSeeOther)
		cs := e.login("qs_admin")
		w = cs.post("/admin/users/"+target.ID+"/roles", roleForm([3]string{gov, "leader", "all"}))
		wantStatus(t, w, http.StatusUnprocessableEntity)
		wantBody(t, w, "不能授予超出您本人管理范围")
	})

	t.Run("valid change", func(t *testing.T) {
		w := sec.post("/admin/users/"+target.ID+"/roles", roleForm([3]string{gov, "reconsider", "organ"}, [3]string{justice.ID, "reviewer", ""}, [3]string{"", "", ""}))
		wantStatus(t, w, http.StatusSeeOther)
		// A business role waits for the system administrator's confirmation.
		if got := e.user("qs_fy").Memberships; len(got) != len(before) {
			t.Fatalf("授权申请未经确认就生效了：%+v", got)
		}
		confirmPending(t, e, target.ID)
		got := e.user("qs_fy").Memberships
		if len(got) != 2 {
			t.Fatalf("角色 %+v", got)
		}
		roles := map[auth.Role]auth.Scope{}
		for _, m := range got {
			roles[m.Role] = m.Scope
		}
		if roles[auth.RoleReconsider] != auth.ScopeOrgan || roles[auth.RoleReviewer] != auth.DefaultScope(auth.RoleReviewer) {
			t.Errorf("角色 %+v", got)
		}
		if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'grant_request' AND object_id = ? AND username = 'security'`, target.ID); n != 1 {
			t.Errorf("授权申请的审计记录 %d 条", n)
		}
		if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action IN ('grant_confirm', 'set_roles') AND object_id = ? AND username = 'admin'`, target.ID); n != 2 {
			t.Errorf("确认授权的审计记录 %d 条", n)
		}
	})
}

func TestLockoutAndUnlock(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	max := e.auth.Settings().MaxFailures
	for i := 0; i < max; i++ {
		e.auth.Login(ctx, "qs_sc", "wrong-password", "", "", "")
	}
	if _, err := e.auth.Login(ctx, "qs_sc", demo.Password, "", "", ""); !errors.Is(err, auth.ErrLocked) {
		t.Fatalf("连续失败后登录：%v，应已锁定", err)
	}
	target := e.user("qs_sc")
	sec := e.login("security")
	w := sec.get("/admin/roles?status=locked")
	wantStatus(t, w, 200)
	wantBody(t, w, "qs_sc", "锁定至")
	if listed(w.Body.String(), "qs_fy") {
		t.Error("未锁定的账户出现在“登录锁定”筛选中")
	}
	wantBody(t, sec.get("/admin/users/"+target.ID+"/roles"), "解除登录锁定")

	// The system administrator may not unlock; the security administrator may.
	wantStatus(t, e.login("admin").post("/admin/users/"+target.ID+"/unlock", nil), http.StatusForbidden)
	if _, err := e.auth.Login(ctx, "qs_sc", demo.Password, "", "", ""); !errors.Is(err, auth.ErrLocked) {
		t.Fatalf("系统管理员的解锁请求不应生效：%v", err)
	}
	wantStatus(t, sec.post("/admin/users/"+target.ID+"/unlock", nil), http.StatusSeeOther)
	if _, err := e.auth.Login(ctx, "qs_sc", demo.Password, "", "", ""); err != nil {
		t.Fatalf("解锁后登录：%v", err)
	}
	if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'clear_lockout' AND object_id = ? AND username = 'security'`, target.ID); n != 1 {
		t.Errorf("解锁的审计记录 %d 条", n)
	}
}

func TestResetPasswordForcesChange(t *testing.T) {
	e := newEnv(t)
	sec := e.login("security")
	target := e.user("qs_ld")
	old := e.login("qs_ld")

	cases := []struct {
		name       string
		form       url.Values
		field, msg string
	}{
		{"不一致", url.Values{"password": {"Chong@zhi2026"}, "confirm": {"Chong@zhi2027"}}, "confirm", "两次输入的新密码不一致"},
		{"空", url.Values{}, "password", "请输入新密码"},
		{"弱密码", url.Values{"password": {"qs_ld12345678"}, "confirm": {"qs_ld12345678"}}, "password", "密码"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := sec.post("/admin/users/"+target.ID+"/reset", c.form)
			wantStatus(t, w, http.StatusUnprocessableEntity)
			wantBody(t, w, c.msg)
			if e.user("qs_ld").MustChange {
				t.Error("被拒绝的重置改变了账户")
			}
		})
	}
	t.Run("本人", func(t *testing.T) {
		w := sec.post("/admin/users/"+sec.uid+"/reset", url.Values{"password": {"Chong@zhi2026"}, "confirm": {"Chong@zhi2026"}})
		wantStatus(t, w, http.StatusUnprocessableEntity)
		wantBody(t, w, "本人的密码请通过")
	})

	w := sec.post("/admin/users/"+target.ID+"/reset", url.Values{"password": {"Chong@zhi2026"}, "confirm": {"Chong@zhi2026"}})
	wantStatus(t, w, http.StatusSeeOther)
	if w := old.get("/workbench"); w.Code != http.StatusSeeOther || !strings.HasPrefix(w.Header().Get("Location"), "/login") {
		t.Errorf("重置后原会话仍可用：%d", w.Code)
	}
	fresh := e.loginWith("qs_ld", "Chong@zhi2026")
	w = fresh.get("/workbench")
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/password" {
		t.Errorf("重置后登录访问工作台：%d %s，应转到 /password", w.Code, w.Header().Get("Location"))
	}
}
