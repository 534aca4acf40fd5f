package admin

import (
	"errors"
	"net/http"
	"strings"

	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/web"
)

// apiSpec is one API operation: its description and its handler.
type apiSpec struct {
	op api.Op
	h  web.HandlerFunc
}

// apiSpecs is the one list of the module's API operations, for the routes and their description.
func (m *Module) apiSpecs() []apiSpec {
	const tag = "机关与账户"
	return []apiSpec{
		{api.Op{Method: http.MethodPost, Path: "/departments", Tag: tag, Perm: auth.PermUserAdmin, Summary: "新建科室",
			Description: "在本人管理范围内的机关下新建内设科室。机关代码不存在或不在管理范围内、名称为空时返回 422；该机关已有同名科室时返回 409。",
			Request:     departmentInput{}, Response: departmentJSON{}, Status: http.StatusCreated}, m.apiDepartmentCreate},
		{api.Op{Method: http.MethodGet, Path: "/departments", Tag: tag, Perm: auth.PermLogin, Summary: "查询机关的科室",
			Description: "列出一个机关的全部内设科室，按名称排序；机关不存在时返回 404。", Query: departmentQuery{}, Response: []departmentJSON{}}, m.apiDepartments},
		{api.Op{Method: http.MethodGet, Path: "/me", Tag: tag, Perm: auth.PermLogin, Summary: "当前账户",
			Description: "令牌或会话所属账户的用户名、姓名、当前机关、在该机关的角色和数据范围。", Response: meJSON{}}, m.apiMe},
		{api.Op{Method: http.MethodGet, Path: "/organs", Tag: tag, Perm: auth.PermLogin, Summary: "机关列表",
			Description: "全部机关，按机关树顺序；与 fazhi org list --format json 的输出相同。", Response: []org.ListEntry{}}, m.apiOrgans},
	}
}

// DescribeAPI declares the module's API operations in reg, for /api/v1/openapi.json.
func (m *Module) DescribeAPI(reg *api.Registry) {
	for _, s := range m.apiSpecs() {
		reg.Op(s.op)
	}
}

// departmentInput is the body of POST /api/v1/departments.
type departmentInput struct {
	OrganCode string `json:"organ_code" doc:"机关代码，如 990121-SFJ"`
	Name      string `json:"name" doc:"科室名称，同一机关内不得重复"`
}

type departmentQuery struct {
	Organ string `query:"organ,required" doc:"机关代码"`
}

// departmentJSON is a department as the API shows it.
type departmentJSON struct {
	ID        string `json:"id" doc:"科室 ID"`
	OrganCode string `json:"organ_code" doc:"所属机关代码"`
	Name      string `json:"name" doc:"科室名称"`
}

// apiDepartmentCreate: POST /api/v1/departments {"organ_code","name"} → 201.
// Unknown organ or bad name 422, existing name 409.
func (m *Module) apiDepartmentCreate(w http.ResponseWriter, r *http.Request) error {
	var in departmentInput
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
	Username   string   `json:"username" doc:"用户名"`
	Name       string   `json:"name" doc:"姓名"`
	OrganCode  string   `json:"organ_code" doc:"当前机关代码"`
	OrganName  string   `json:"organ_name" doc:"当前机关名称"`
	Roles      []string `json:"roles" doc:"在当前机关的角色代码，如 sysadmin、reconsider"`
	RoleLabels []string `json:"role_labels" doc:"角色中文名称，与 roles 一一对应"`
	Scope      string   `json:"scope" doc:"数据范围：all、below、organ、self"`
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
