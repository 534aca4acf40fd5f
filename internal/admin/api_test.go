package admin

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/org"
)

func TestDepartmentAPI(t *testing.T) {
	e := newEnv(t)
	admin := e.systemToken("sys_admin", auth.RoleSysAdmin, "990000-GOV", auth.ScopeAll)
	county := e.systemToken("sys_qs", auth.RoleSysAdmin, "990121-GOV", auth.ScopeBelow)
	reader := e.systemToken("sys_fy", auth.RoleReconsider, "990121-GOV", auth.ScopeOrgan)

	cases := []struct {
		name, token, body string
		status            int
		field             string // the field the problem names
	}{
		{"新建", admin, `{"organ_code":"990121-SFJ","name":"行政复议与应诉科"}`, 201, ""},
		{"重名", admin, `{"organ_code":"990121-SFJ","name":"行政复议与应诉科"}`, 409, ""},
		{"另一机关可同名", admin, `{"organ_code":"990122-SFJ","name":"行政复议与应诉科"}`, 201, ""},
		{"未知机关", admin, `{"organ_code":"NOPE","name":"办公室"}`, 422, "organ_code"},
		{"缺机关", admin, `{"name":"办公室"}`, 422, "organ_code"},
		{"缺名称", admin, `{"organ_code":"990121-SFJ","name":"  "}`, 422, "name"},
		{"不是 JSON", admin, `{"organ_code":`, 422, ""},
		{"多余字段", admin, `{"organ_code":"990121-SFJ","name":"x","extra":1}`, 422, ""},
		{"县管理员管不到邻县", county, `{"organ_code":"990122-SFJ","name":"法制科"}`, 422, "organ_code"},
		{"县管理员本县", county, `{"organ_code":"990121-SFJ","name":"法制科"}`, 201, ""},
		{"业务角色无权", reader, `{"organ_code":"990121-SFJ","name":"综合科"}`, 403, ""},
		// An API call without a token is unauthenticated, whatever its method.
		{"匿名", "", `{"organ_code":"990121-SFJ","name":"综合科"}`, 401, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := e.api("POST", "/api/v1/departments", c.token, c.body)
			wantStatus(t, w, c.status)
			if c.status == 201 {
				var got departmentJSON
				if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil || got.ID == "" || got.OrganCode == "" || got.Name == "" {
					t.Errorf("响应 %s：%v", w.Body.String(), err)
				}
				return
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type %q", ct)
			}
			var prob struct {
				Status int               `json:"status"`
				Detail string            `json:"detail"`
				Errors map[string]string `json:"errors"`
			}
			if err := json.Unmarshal(w.Body.Bytes(), &prob); err != nil || prob.Status != c.status || prob.Detail == "" {
				t.Errorf("问题详情 %s：%v", w.Body.String(), err)
			}
			if c.field != "" && prob.Errors[c.field] == "" {
				t.Errorf("问题详情没有指出字段 %s：%s", c.field, w.Body.String())
			}
			if !isChinese(prob.Detail) {
				t.Errorf("错误信息不是中文：%q", prob.Detail)
			}
		})
	}

	t.Run("列出", func(t *testing.T) {
		w := e.api("GET", "/api/v1/departments?organ=990121-SFJ", reader, "")
		wantStatus(t, w, 200)
		var got []departmentJSON
		if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 || got[0].OrganCode != "990121-SFJ" {
			t.Errorf("科室 %+v", got)
		}
		names := map[string]bool{}
		for _, d := range got {
			names[d.Name] = true
		}
		if !names["行政复议与应诉科"] || !names["法制科"] {
			t.Errorf("科室 %+v", got)
		}
		w = e.api("GET", "/api/v1/departments?organ=990121-GAJ", reader, "")
		wantStatus(t, w, 200)
		if w.Body.String() != "[]\n" {
			t.Errorf("没有科室的机关应返回空数组：%q", w.Body.String())
		}
		wantStatus(t, e.api("GET", "/api/v1/departments?organ=NOPE", reader, ""), 404)
		wantStatus(t, e.api("GET", "/api/v1/departments", reader, ""), 422)
		wantStatus(t, e.api("GET", "/api/v1/departments?organ=990121-SFJ", "", ""), 401)
	})
}

func isChinese(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

func TestMeAndOrgansAPI(t *testing.T) {
	e := newEnv(t)
	tok := e.systemToken("sys_fy", auth.RoleReconsider, "990121-GOV", auth.ScopeOrgan)
	w := e.api("GET", "/api/v1/me", tok, "")
	wantStatus(t, w, 200)
	var me meJSON
	if err := json.Unmarshal(w.Body.Bytes(), &me); err != nil {
		t.Fatal(err)
	}
	if me.Username != "sys_fy" || me.OrganCode != "990121-GOV" || len(me.Roles) != 1 || me.Roles[0] != "reconsider" || me.RoleLabels[0] != "复议工作人员" {
		t.Errorf("me %+v", me)
	}

	// A browser session reaches the API too (GET needs no CSRF token).
	c := e.login("auditor")
	w = c.get("/api/v1/me")
	wantStatus(t, w, 200)
	if err := json.Unmarshal(w.Body.Bytes(), &me); err != nil || me.Username != "auditor" || me.Roles[0] != "auditadmin" {
		t.Errorf("me %+v %v", me, err)
	}

	w = e.api("GET", "/api/v1/organs", tok, "")
	wantStatus(t, w, 200)
	var got []org.ListEntry
	if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	want := e.org.List()
	if len(got) != len(want) || len(want) == 0 {
		t.Fatalf("机关 %d 个，应为 %d 个", len(got), len(want))
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("第 %d 个机关 %+v，应为 %+v", i, got[i], want[i])
		}
	}
	wantStatus(t, e.api("GET", "/api/v1/organs", "", ""), http.StatusUnauthorized)
	wantStatus(t, e.api("GET", "/api/v1/organs", "fz_forged", ""), http.StatusUnauthorized)
}

func TestAPIDescribed(t *testing.T) {
	e := newEnv(t)
	reg := api.NewRegistry()
	e.mod.DescribeAPI(reg)
	api.Register(e.app, reg)
	if err := reg.Check(e.app.Routes()); err != nil {
		t.Errorf("接口描述与路由不符：\n%v", err)
	}
	w := e.api("GET", "/api/v1/openapi.json", "", "")
	wantStatus(t, w, 200)
	var doc struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	// Paths are relative to servers[0], /api/v1.
	for path, methods := range map[string][]string{"/departments": {"get", "post"}, "/me": {"get"}, "/organs": {"get"}} {
		for _, m := range methods {
			if doc.Paths[path][m] == nil {
				t.Errorf("openapi.json 缺少 %s %s", m, path)
			}
		}
	}
}
