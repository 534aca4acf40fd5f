package admin

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/web"
)

// roleRow is one line of the roles form: a role held in an organ with its data scope.
type roleRow struct {
	Index              int
	Organ, Role, Scope string
}

// blankRows are the empty lines offered for adding roles.
const blankRows = 3

// maxRows bounds the lines read from a posted roles form.
const maxRows = 60

type option struct{ Code, Label string }

func roleOptions() []option {
	var out []option
	for _, r := range auth.Roles {
		if r != auth.RolePublic {
			out = append(out, option{string(r), r.Label()})
		}
	}
	return out
}

func scopeOptions() []option {
	var out []option
	for _, s := range []auth.Scope{auth.ScopeAll, auth.ScopeBelow, auth.ScopeOrgan, auth.ScopeSelf} {
		out = append(out, option{string(s), s.Label()})
	}
	return out
}

func rowsOf(ms []auth.Membership) []roleRow {
	var out []roleRow
	for i, mb := range ms {
		out = append(out, roleRow{Index: i, Organ: mb.OrganID, Role: string(mb.Role), Scope: string(mb.Scope)})
	}
	for i := 0; i < blankRows; i++ {
		out = append(out, roleRow{Index: len(out)})
	}
	return out
}

func postedRows(v url.Values) []roleRow {
	n, _ := strconv.Atoi(v.Get("rows"))
	n = min(max(n, 0), maxRows)
	var out []roleRow
	for i := 0; i < n; i++ {
		k := strconv.Itoa(i)
		out = append(out, roleRow{Index: i, Organ: v.Get("organ_" + k), Role: v.Get("role_" + k), Scope: v.Get("scope_" + k)})
	}
	return out
}

func (m *Module) securityPage(w http.ResponseWriter, r *http.Request) error {
	u, err := m.target(r)
	if err != nil {
		return err
	}
	return m.renderSecurity(w, r, u, rowsOf(u.Memberships), http.StatusOK, nil)
}

func (m *Module) renderSecurity(w http.ResponseWriter, r *http.Request, u auth.User, rows []roleRow, status int, fe *web.FormError) error {
	p := auth.From(r.Context())
	depts, err := departments(r.Context(), m.DB)
	if err != nil {
		return err
	}
	pending, err := m.grantViews(r, u.ID)
	if err != nil {
		return err
	}
	return m.render(w, r, "user_security", status, "角色与安全 "+u.Username, map[string]any{
		"U": m.view(u, depts, time.Now()), "Rows": rows, "Pending": pending, "NRows": len(rows), "Organs": organOptions(m.managed(p)),
		"Roles": roleOptions(), "Scopes": scopeOptions(), "Self": u.ID == p.UserID,
	}, fe)
}

func (m *Module) rolesSave(w http.ResponseWriter, r *http.Request) error {
	u, err := m.target(r)
	if err != nil {
		return err
	}
	p := auth.From(r.Context())
	r.ParseForm()
	rows := postedRows(r.PostForm)
	fe := &web.FormError{Values: r.PostForm}
	if u.ID == p.UserID {
		fe.Add("roles", "不能修改本人的角色，请由另一名安全管理员办理")
	}
	var ms []auth.Membership
	var bad []string
	for i, row := range rows {
		if row.Role == "" && row.Organ == "" {
			continue
		}
		line := fmt.Sprintf("第%d行", i+1)
		role, scope := auth.Role(row.Role), auth.Scope(row.Scope)
		switch {
		case row.Role == "":
			bad = append(bad, line+"未选择角色")
		case !role.Valid() || role == auth.RolePublic:
			bad = append(bad, line+"角色无效")
		case row.Organ == "" || !m.manages(p, row.Organ):
			bad = append(bad, line+"的机关不存在或不在您的管理范围内")
		case scope != "" && !scope.Valid():
			bad = append(bad, line+"数据范围无效")
		case scope == auth.ScopeAll && p.Scope != auth.ScopeAll:
			bad = append(bad, line+"不能授予超出您本人管理范围的“全部”数据范围")
		}
		ms = append(ms, auth.Membership{OrganID: row.Organ, Role: role, Scope: scope})
	}
	if len(bad) > 0 {
		fe.Add("roles", strings.Join(bad, "；"))
	}
	var pending bool
	if fe.Err() == nil {
		err := m.DB.Tx(r.Context(), func(tx *db.Tx) error {
			var err error
			pending, err = m.Auth.RequestMemberships(r.Context(), tx, p.UserID, p.Name, u.ID, ms)
			return err
		})
		var afe *auth.FieldError
		if errors.As(err, &afe) {
			fe.Add("roles", afe.Msg)
		} else if err != nil {
			return err
		}
	}
	if fe.Err() != nil {
		return m.renderSecurity(w, r, u, rows, http.StatusUnprocessableEntity, fe)
	}
	if pending {
		return redirect(w, r, "/admin/users/"+u.ID+"/roles", "已提交 "+u.Username+" 的授权申请：授予业务角色须经系统管理员在“授权确认”中确认后生效")
	}
	return redirect(w, r, "/admin/users/"+u.ID+"/roles", "已保存 "+u.Username+" 的角色")
}

func (m *Module) passwordReset(w http.ResponseWriter, r *http.Request) error {
	u, err := m.target(r)
	if err != nil {
		return err
	}
	r.ParseForm()
	fe := &web.FormError{}
	pw := r.PostForm.Get("password")
	switch {
	case u.ID == auth.From(r.Context()).UserID:
		fe.Add("password", "本人的密码请通过“修改密码”修改")
	case u.SystemAccount:
		fe.Add("password", "系统账户不能登录，无需密码，请改用 API 令牌")
	case pw == "":
		fe.Add("password", "请输入新密码")
	case pw != r.PostForm.Get("confirm"):
		fe.Add("confirm", "两次输入的新密码不一致")
	}
	if fe.Err() == nil {
		err := m.Auth.ResetPasswordAs(r.Context(), auth.From(r.Context()).UserID, u.ID, pw)
		var afe *auth.FieldError
		if errors.As(err, &afe) {
			fe.Add(afe.Field, afe.Msg)
		} else if err != nil {
			return err
		}
	}
	if fe.Err() != nil {
		return m.renderSecurity(w, r, u, rowsOf(u.Memberships), http.StatusUnprocessableEntity, fe)
	}
	return redirect(w, r, "/admin/users/"+u.ID+"/roles", "已重置 "+u.Username+" 的密码；其下次登录时须修改密码，原有会话已结束")
}

func (m *Module) unlock(w http.ResponseWriter, r *http.Request) error {
	u, err := m.target(r)
	if err != nil {
		return err
	}
	if err := m.Auth.ClearLockout(r.Context(), u.ID); err != nil {
		return err
	}
	return redirect(w, r, "/admin/users/"+u.ID+"/roles", "已解除 "+u.Username+" 的登录锁定")
}
