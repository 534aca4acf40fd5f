package admin

import (
	"errors"
	"net/http"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/web"
)

// departmentJSON is a department as the API shows it.
type departmentJSON struct {
	ID        string `json:"id"`
	OrganCode string `json:"organ_code"`
	Name      string `json:"name"`
}

// apiDepartmentCreate: POST /api/v1/departments {"organ_code","name"} → 201.
// Unknown organ or bad name 422, existing name 409.
func (m *Module) apiDepartmentCreate(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		OrganCode string `json:"organ_code"`
		Name      string `json:"name"`
	}
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	p := auth.From(r.Context())
	code := strings.TrimSpace(in.OrganCode)
	o, ok := m.Org.ByCode(code)
	organID := o.ID
	if !ok {
		organID = ""
	}
	d, fe, err := m.createDepartment(r.Context(), p, organID, in.Name)
	if fe != nil {
		api := &web.FormError{}
		if msg := fe.Fields["dept_organ"]; msg != "" {
			if code == "" {
				msg = "请提供机关代码 organ_code"
			} else {
				msg = "机关代码 " + code + " 不存在或不在您的管理范围内"
			}
			api.Add("organ_code", msg)
		}
		if msg := fe.Fields["dept_name"]; msg != "" {
			api.Add("name", msg)
		}
		return api
	}
	if errors.Is(err, db.ErrConflict) {
		return web.Errorf(http.StatusConflict, "机关 "+o.Code+" 已有名为“"+d.Name+"”的科室")
	} else if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, departmentJSON{ID: d.ID, OrganCode: o.Code, Name: d.Name})
}

// apiDepartments: GET /api/v1/departments?organ=CODE → the departments of that organ.
func (m *Module) apiDepartments(w http.ResponseWriter, r *http.Request) error {
	code := strings.TrimSpace(r.URL.Query().Get("organ"))
	if code == "" {
		fe := &web.FormError{}
		fe.Add("organ", "请用 ?organ=机关代码 指定机关")
		return fe
	}
	o, ok := m.Org.ByCode(code)
	if !ok {
		return web.NotFound("机关 " + code)
	}
	ds, err := m.Org.Departments(r.Context(), o.ID)
	if err != nil {
		return err
	}
	out := make([]departmentJSON, 0, len(ds))
	for _, d := range ds {
		out = append(out, departmentJSON{ID: d.ID, OrganCode: o.Code, Name: d.Name})
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

// meJSON is the signed-in account as GET /api/v1/me shows it.
type meJSON struct {
	Username   string   `json:"username"`
	Name       string   `json:"name"`
	OrganCode  string   `json:"organ_code"`
	OrganName  string   `json:"organ_name"`
	Roles      []string `json:"roles"`
	RoleLabels []string `json:"role_labels"`
	Scope      string   `json:"scope"`
}

func (m *Module) apiMe(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	out := meJSON{Username: p.Username, Name: p.Name, Roles: []string{}, RoleLabels: []string{}, Scope: string(p.Scope)}
	if o, ok := m.Org.Organ(p.OrganID); ok {
		out.OrganCode, out.OrganName = o.Code, o.Name
	}
	for _, role := range p.Roles {
		out.Roles = append(out.Roles, string(role))
		out.RoleLabels = append(out.RoleLabels, role.Label())
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

// apiOrgans: GET /api/v1/organs → the same array as `fazhi org list --format json`.
func (m *Module) apiOrgans(w http.ResponseWriter, r *http.Request) error {
	return web.WriteJSON(w, http.StatusOK, m.Org.List())
}
