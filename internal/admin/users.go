package admin

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/web"
)

const pageSize = 50

// userView is an account as the list and detail pages show it.
type userView struct {
	auth.User
	OrganName   string
	DeptName    string
	Roles       []string
	Status      string
	StatusClass string // green, yellow, red
	Locked      bool
}

func (m *Module) view(u auth.User, depts map[string][]org.Department, now time.Time) userView {
	v := userView{User: u, OrganName: m.organName(u.OrganID)}
	for _, d := range depts[u.OrganID] {
		if d.ID == u.DepartmentID {
			v.DeptName = d.Name
		}
	}
	for _, ms := range u.Memberships {
		v.Roles = append(v.Roles, fmt.Sprintf("%s（%s·%s）", ms.Role.Label(), m.organName(ms.OrganID), ms.Scope.Label()))
	}
	if t, err := db.ParseTimestamp(u.LockedUntil); err == nil && now.Before(t) {
		v.Locked = true
	}
	switch {
	case u.Disabled:
		v.Status, v.StatusClass = "已停用", "red"
	case v.Locked:
		v.Status, v.StatusClass = "锁定至 "+web.LocalTime(u.LockedUntil), "yellow"
	default:
		v.Status, v.StatusClass = "正常", "green"
	}
	return v
}

// users lists the accounts under root (a managed organ) that the principal manages.
func (m *Module) users(r *http.Request, p *auth.Principal, root *org.Organ) ([]auth.User, error) {
	path := rootPath(p)
	if root != nil {
		path = root.Path
	}
	all, err := m.Auth.Users(r.Context(), path)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, u := range all {
		if m.manages(p, u.OrganID) {
			out = append(out, u)
		}
	}
	return out, nil
}

// userList is the system administrator's account list.
func (m *Module) userList(w http.ResponseWriter, r *http.Request) error {
	return m.accountList(w, r, "users")
}

// roleList is the same list for the security administrator, with role and lock actions.
func (m *Module) roleList(w http.ResponseWriter, r *http.Request) error {
	return m.accountList(w, r, "roles")
}

func (m *Module) accountList(w http.ResponseWriter, r *http.Request, mode string) error {
	p := auth.From(r.Context())
	q := r.URL.Query()
	var root *org.Organ
	if id := q.Get("organ"); id != "" {
		o, ok := m.Org.Organ(id)
		if !ok || !m.manages(p, id) {
			return web.NotFound("机关")
		}
		root = &o
	}
	users, err := m.users(r, p, root)
	if err != nil {
		return err
	}
	depts, err := departments(r.Context(), m.DB)
	if err != nil {
		return err
	}
	text := strings.TrimSpace(q.Get("q"))
	status := q.Get("status")
	role := auth.Role(q.Get("role"))
	now := time.Now()
	var rows []userView
	for _, u := range users {
		v := m.view(u, depts, now)
		if text != "" && !strings.Contains(u.Username, text) && !strings.Contains(u.Name, text) {
			continue
		}
		if role != "" && !slices.ContainsFunc(u.Memberships, func(ms auth.Membership) bool { return ms.Role == role }) {
			continue
		}
		switch status {
		case "disabled":
			if !u.Disabled {
				continue
			}
		case "locked":
			if !v.Locked {
				continue
			}
		case "system":
			if !u.SystemAccount {
				continue
			}
		case "norole":
			if len(u.Memberships) > 0 {
				continue
			}
		}
		rows = append(rows, v)
	}
	page, limit, offset := web.Paging(q, pageSize)
	total := len(rows)
	if offset > total {
		offset = total
	}
	end := min(offset+limit, total)
	title := "账户管理"
	var load *lawView
	if mode == "roles" {
		title = "角色与账户安全"
	} else if load, err = m.lawLoad(r); err != nil {
		return err
	}
	return m.render(w, r, "users", http.StatusOK, title, map[string]any{
		"Mode": mode, "Load": load, "Rows": rows[offset:end], "Total": total, "Organs": organOptions(m.managed(p)),
		"Organ": q.Get("organ"), "Q": text, "Status": status, "Role": string(role), "Roles": roleOptions(), "Pager": pager(r.URL, page, end < total),
	}, nil)
}

// pagerView links to the neighbouring pages, keeping the filters.
type pagerView struct {
	Page             int
	PrevURL, NextURL string
}

func pager(u *url.URL, page int, more bool) pagerView {
	link := func(n int) string {
		q := u.Query()
		q.Set("page", strconv.Itoa(n))
		return u.Path + "?" + q.Encode()
	}
	pv := pagerView{Page: page}
	if page > 1 {
		pv.PrevURL = link(page - 1)
	}
	if more {
		pv.NextURL = link(page + 1)
	}
	return pv
}

// deptGroup is the departments of one organ, for an optgroup.
type deptGroup struct {
	Organ string
	Depts []org.Department
}

func (m *Module) deptGroups(r *http.Request, organs []org.Organ) ([]deptGroup, error) {
	depts, err := departments(r.Context(), m.DB)
	if err != nil {
		return nil, err
	}
	var out []deptGroup
	for _, o := range organs {
		if ds := depts[o.ID]; len(ds) > 0 {
			out = append(out, deptGroup{Organ: o.Name, Depts: ds})
		}
	}
	return out, nil
}

func (m *Module) userNew(w http.ResponseWriter, r *http.Request) error {
	return m.renderNew(w, r, http.StatusOK, nil)
}

func (m *Module) renderNew(w http.ResponseWriter, r *http.Request, status int, fe *web.FormError) error {
	organs := m.managed(auth.From(r.Context()))
	groups, err := m.deptGroups(r, organs)
	if err != nil {
		return err
	}
	return m.render(w, r, "user_new", status, "新建账户", map[string]any{"Organs": organOptions(organs), "Depts": groups}, fe)
}

// departmentOf checks that deptID ("" allowed) is a department of organID.
func (m *Module) departmentOf(r *http.Request, organID, deptID string) bool {
	if deptID == "" {
		return true
	}
	ds, err := m.Org.Departments(r.Context(), organID)
	if err != nil {
		return false
	}
	for _, d := range ds {
		if d.ID == deptID {
			return true
		}
	}
	return false
}

func (m *Module) userCreate(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	r.ParseForm()
	fe := &web.FormError{Values: r.PostForm}
	in := auth.NewUser{
		Username:      strings.TrimSpace(r.PostForm.Get("username")),
		Name:          strings.TrimSpace(r.PostForm.Get("name")),
		OrganID:       r.PostForm.Get("organ"),
		DepartmentID:  r.PostForm.Get("department"),
		Phone:         strings.TrimSpace(r.PostForm.Get("phone")),
		Title:         strings.TrimSpace(r.PostForm.Get("title")),
		Password:      r.PostForm.Get("password"),
		MustChange:    r.PostForm.Get("must_change") != "",
		SystemAccount: r.PostForm.Get("system") != "",
	}
	if in.Username == "" {
		fe.Add("username", "请填写用户名")
	}
	if in.Name == "" {
		fe.Add("name", "请填写姓名")
	} else if tooLong(in.Name, 40) {
		fe.Add("name", "姓名不能超过40个字")
	}
	if tooLong(in.Title, 40) {
		fe.Add("title", "职务不能超过40个字")
	}
	if in.OrganID == "" {
		fe.Add("organ", "请选择所属机关")
	} else if !m.manages(p, in.OrganID) {
		fe.Add("organ", "所属机关不存在或不在您的管理范围内")
	} else if !m.departmentOf(r, in.OrganID, in.DepartmentID) {
		fe.Add("department", "所选科室不属于所选机关")
	}
	if in.Password == "" {
		fe.Add("password", "请设置初始密码")
	} else if in.Password != r.PostForm.Get("confirm") {
		fe.Add("confirm", "两次输入的密码不一致")
	}
	var id string
	if fe.Err() == nil {
		err := m.DB.Tx(r.Context(), func(tx *db.Tx) error {
			var err error
			id, err = m.Auth.CreateUser(r.Context(), tx, in)
			return err
		})
		var afe *auth.FieldError
		if errors.As(err, &afe) {
			fe.Add(afe.Field, afe.Msg)
		} else if err != nil {
			return err
		}
	}
	if fe.Err() != nil {
		fe.Values.Del("password")
		fe.Values.Del("confirm")
		return m.renderNew(w, r, http.StatusUnprocessableEntity, fe)
	}
	return redirect(w, r, "/admin/users/"+id, "已创建账户 "+in.Username+"，请由安全管理员为其设置角色")
}

// target loads the account of the {id} path value, refusing accounts outside the principal's organs.
func (m *Module) target(r *http.Request) (auth.User, error) {
	u, err := m.Auth.User(r.Context(), r.PathValue("id"))
	if errors.Is(err, db.ErrNotFound) || (err == nil && !m.manages(auth.From(r.Context()), u.OrganID)) {
		return u, web.NotFound("账户")
	}
	return u, err
}

func (m *Module) userEdit(w http.ResponseWriter, r *http.Request) error {
	u, err := m.target(r)
	if err != nil {
		return err
	}
	fe := &web.FormError{Values: url.Values{"name": {u.Name}, "department": {u.DepartmentID}, "phone": {u.Phone}, "title": {u.Title}}}
	return m.renderEdit(w, r, u, http.StatusOK, fe)
}

func (m *Module) renderEdit(w http.ResponseWriter, r *http.Request, u auth.User, status int, fe *web.FormError) error {
	depts, err := departments(r.Context(), m.DB)
	if err != nil {
		return err
	}
	p := auth.From(r.Context())
	return m.render(w, r, "user_edit", status, "账户 "+u.Username, map[string]any{
		"U": m.view(u, depts, time.Now()), "Depts": depts[u.OrganID], "Self": u.ID == p.UserID,
	}, fe)
}

func (m *Module) userUpdate(w http.ResponseWriter, r *http.Request) error {
	u, err := m.target(r)
	if err != nil {
		return err
	}
	r.ParseForm()
	fe := &web.FormError{Values: r.PostForm}
	in := auth.Profile{Name: r.PostForm.Get("name"), DepartmentID: r.PostForm.Get("department"), Phone: r.PostForm.Get("phone"), Title: r.PostForm.Get("title")}
	if tooLong(strings.TrimSpace(in.Name), 40) {
		fe.Add("name", "姓名不能超过40个字")
	}
	if tooLong(strings.TrimSpace(in.Title), 40) {
		fe.Add("title", "职务不能超过40个字")
	}
	if fe.Err() == nil {
		err := m.DB.Tx(r.Context(), func(tx *db.Tx) error { return m.Auth.UpdateProfile(r.Context(), tx, u.ID, in) })
		var afe *auth.FieldError
		if errors.As(err, &afe) {
			fe.Add(afe.Field, afe.Msg)
		} else if err != nil {
			return err
		}
	}
	if fe.Err() != nil {
		return m.renderEdit(w, r, u, http.StatusUnprocessableEntity, fe)
	}
	return redirect(w, r, "/admin/users/"+u.ID, "已保存")
}

func (m *Module) userDisable(w http.ResponseWriter, r *http.Request) error {
	return m.setDisabled(w, r, true)
}

func (m *Module) userEnable(w http.ResponseWriter, r *http.Request) error {
	return m.setDisabled(w, r, false)
}

func (m *Module) setDisabled(w http.ResponseWriter, r *http.Request, disabled bool) error {
	u, err := m.target(r)
	if err != nil {
		return err
	}
	if disabled && u.ID == auth.From(r.Context()).UserID {
		return web.Errorf(http.StatusUnprocessableEntity, "不能停用本人的账户")
	}
	if disabled {
		if ok, err := m.confirmed(w, r, "停用账户 "+u.Username+"（"+u.Name+"）后，该账户不能登录，现有会话立即结束。确定停用？", "停用账户", "/admin/users/"+u.ID); !ok {
			return err
		}
	}
	if err := m.Auth.SetLocked(r.Context(), u.ID, disabled); err != nil {
		return err
	}
	msg := "已启用账户 " + u.Username
	if disabled {
		msg = "已停用账户 " + u.Username + "，其登录会话已全部结束"
	}
	return redirect(w, r, "/admin/users/"+u.ID, msg)
}
