package admin

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/web"
)

// organRow is one line of the organ tree.
type organRow struct {
	org.Organ
	Depth       int
	Indent      string
	KindLabel   string
	LevelLabel  string
	Departments []string
}

var levels = []org.Level{org.Province, org.City, org.County, org.Township}
var kinds = []org.Kind{org.KindGovernment, org.KindOffice, org.KindJustice, org.KindDepartment, org.KindCourt, org.KindOther}

func levelOptions() []option {
	var out []option
	for _, l := range levels {
		out = append(out, option{string(l), l.Label()})
	}
	return out
}

func kindOptions() []option {
	var out []option
	for _, k := range kinds {
		out = append(out, option{string(k), k.Label()})
	}
	return out
}

// allowedDivisions are the divisions the principal may create organs and sub-divisions in:
// those of its managed organs and every division below them (all of them for scope all).
func (m *Module) allowedDivisions(ctx context.Context, p *auth.Principal) ([]org.Division, map[string]bool, error) {
	divs, err := m.Org.Divisions(ctx)
	if err != nil {
		return nil, nil, err
	}
	ok := map[string]bool{}
	if p.Scope == auth.ScopeAll {
		for _, d := range divs {
			ok[d.Code] = true
		}
		return divs, ok, nil
	}
	for _, o := range m.managed(p) {
		ok[o.DivisionCode] = true
	}
	for changed := true; changed; { // divisions are few; a fixpoint is simpler than a tree
		changed = false
		for _, d := range divs {
			if !ok[d.Code] && ok[d.ParentCode] {
				ok[d.Code], changed = true, true
			}
		}
	}
	var out []org.Division
	for _, d := range divs {
		if ok[d.Code] {
			out = append(out, d)
		}
	}
	return out, ok, nil
}

func (m *Module) organPage(w http.ResponseWriter, r *http.Request) error {
	return m.renderOrgans(w, r, http.StatusOK, "", nil)
}

func (m *Module) renderOrgans(w http.ResponseWriter, r *http.Request, status int, open string, fe *web.FormError) error {
	p := auth.From(r.Context())
	organs := m.managed(p)
	if id := r.URL.Query().Get("organ"); id != "" {
		if !m.manages(p, id) {
			return web.NotFound("机关")
		}
		organs = m.Org.Subtree(id)
	}
	depts, err := departments(r.Context(), m.DB)
	if err != nil {
		return err
	}
	divs, _, err := m.allowedDivisions(r.Context(), p)
	if err != nil {
		return err
	}
	opts := organOptions(organs)
	rows := make([]organRow, len(organs))
	for i, o := range organs {
		rows[i] = organRow{Organ: o, Depth: opts[i].Depth, Indent: strings.Repeat("　　", opts[i].Depth), KindLabel: o.Kind.Label(), LevelLabel: o.Level.Label()}
		for _, d := range depts[o.ID] {
			rows[i].Departments = append(rows[i].Departments, d.Name)
		}
	}
	return m.render(w, r, "organs", status, "机关与科室", map[string]any{
		"Rows": rows, "Organs": organOptions(m.managed(p)), "Divisions": divs, "Levels": levelOptions(), "Kinds": kindOptions(),
		"Open": open, "All": p.Scope == auth.ScopeAll, "Focus": r.URL.Query().Get("organ"),
	}, fe)
}

func validCode(s string) bool {
	if s == "" || len(s) > 40 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func (m *Module) divisionCreate(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	r.ParseForm()
	v := r.PostForm
	fe := &web.FormError{Values: v}
	d := org.Division{Code: strings.TrimSpace(v.Get("div_code")), Name: strings.TrimSpace(v.Get("div_name")), Level: org.Level(v.Get("div_level")), ParentCode: v.Get("div_parent")}
	_, allowed, err := m.allowedDivisions(r.Context(), p)
	if err != nil {
		return err
	}
	if !isDigits(d.Code) || (len(d.Code) != 6 && len(d.Code) != 9) {
		fe.Add("div_code", "区划代码应为6位（GB/T 2260）或9位（乡级）数字")
	}
	if d.Name == "" {
		fe.Add("div_name", "请填写区划名称")
	} else if tooLong(d.Name, 40) {
		fe.Add("div_name", "区划名称不能超过40个字")
	}
	if !d.Level.Valid() {
		fe.Add("div_level", "请选择区划级别")
	}
	switch {
	case d.ParentCode == "" && p.Scope != auth.ScopeAll:
		fe.Add("div_parent", "请选择上级区划")
	case d.ParentCode != "" && !allowed[d.ParentCode]:
		fe.Add("div_parent", "上级区划不存在或不在您的管理范围内")
	}
	if fe.Err() == nil {
		err := m.DB.Tx(r.Context(), func(tx *db.Tx) error { return m.Org.CreateDivision(r.Context(), tx, d) })
		if errors.Is(err, db.ErrConflict) {
			fe.Add("div_code", "区划代码 "+d.Code+" 已存在")
		} else if err != nil {
			return err
		}
	}
	if fe.Err() != nil {
		return m.renderOrgans(w, r, http.StatusUnprocessableEntity, "division", fe)
	}
	return redirect(w, r, "/admin/organs", "已新建区划 "+d.Name)
}

func isDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

func (m *Module) organCreate(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	r.ParseForm()
	v := r.PostForm
	fe := &web.FormError{Values: v}
	o := org.Organ{Code: strings.TrimSpace(v.Get("organ_code")), Name: strings.TrimSpace(v.Get("organ_name")), ShortName: strings.TrimSpace(v.Get("organ_short")),
		Kind: org.Kind(v.Get("organ_kind")), DivisionCode: v.Get("organ_division"), ParentID: v.Get("organ_parent"), DocPrefix: strings.TrimSpace(v.Get("organ_prefix"))}
	_, allowed, err := m.allowedDivisions(r.Context(), p)
	if err != nil {
		return err
	}
	if !validCode(o.Code) {
		fe.Add("organ_code", "机关代码为1至40位字母、数字、连字符或下划线，如 990121-GAJ")
	} else if _, dup := m.Org.ByCode(o.Code); dup {
		fe.Add("organ_code", "机关代码 "+o.Code+" 已存在")
	}
	if o.Name == "" {
		fe.Add("organ_name", "请填写机关名称")
	} else if tooLong(o.Name, 60) {
		fe.Add("organ_name", "机关名称不能超过60个字")
	}
	if tooLong(o.ShortName, 20) {
		fe.Add("organ_short", "简称不能超过20个字")
	}
	if tooLong(o.DocPrefix, 20) {
		fe.Add("organ_prefix", "文号前缀不能超过20个字")
	}
	if !o.Kind.Valid() {
		fe.Add("organ_kind", "请选择机关类型")
	}
	if !allowed[o.DivisionCode] {
		fe.Add("organ_division", "请选择您管理范围内的行政区划")
	}
	switch {
	case o.ParentID == "" && p.Scope != auth.ScopeAll:
		fe.Add("organ_parent", "请选择上级机关")
	case o.ParentID != "" && !m.manages(p, o.ParentID):
		fe.Add("organ_parent", "上级机关不存在或不在您的管理范围内")
	}
	if s := strings.TrimSpace(v.Get("organ_sort")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n < 0 || n > 999999 {
			fe.Add("organ_sort", "排序应为0至999999的整数")
		}
		o.Sort = n
	}
	if fe.Err() == nil {
		err := m.DB.Tx(r.Context(), func(tx *db.Tx) error { return m.Org.CreateOrgan(r.Context(), tx, &o) })
		if errors.Is(err, db.ErrConflict) {
			fe.Add("organ_code", "机关代码 "+o.Code+" 已存在")
		} else if err != nil {
			return err
		}
	}
	if fe.Err() != nil {
		return m.renderOrgans(w, r, http.StatusUnprocessableEntity, "organ", fe)
	}
	return redirect(w, r, "/admin/organs", "已新建机关 "+o.Name)
}

// createDepartment validates and stores a department; field names are those of the web form.
func (m *Module) createDepartment(ctx context.Context, p *auth.Principal, organID, name string) (org.Department, *web.FormError, error) {
	fe := &web.FormError{}
	d := org.Department{OrganID: organID, Name: strings.TrimSpace(name)}
	if organID == "" || !m.manages(p, organID) {
		fe.Add("dept_organ", "机关不存在或不在您的管理范围内")
	}
	if d.Name == "" {
		fe.Add("dept_name", "请填写科室名称")
	} else if tooLong(d.Name, 40) {
		fe.Add("dept_name", "科室名称不能超过40个字")
	}
	if fe.Err() != nil {
		return d, fe, nil
	}
	err := m.DB.Tx(ctx, func(tx *db.Tx) error { return m.Org.CreateDepartment(ctx, tx, &d) })
	return d, nil, err
}

func (m *Module) departmentCreate(w http.ResponseWriter, r *http.Request) error {
	r.ParseForm()
	d, fe, err := m.createDepartment(r.Context(), auth.From(r.Context()), r.PostForm.Get("dept_organ"), r.PostForm.Get("dept_name"))
	if errors.Is(err, db.ErrConflict) {
		fe = &web.FormError{}
		fe.Add("dept_name", "该机关已有名为“"+d.Name+"”的科室")
	} else if err != nil {
		return err
	}
	if fe != nil {
		fe.Values = r.PostForm
		return m.renderOrgans(w, r, http.StatusUnprocessableEntity, "department", fe)
	}
	return redirect(w, r, "/admin/organs", "已新建科室 "+d.Name)
}
