package api

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/web"
)

// --- a structural OpenAPI 3.1 checker ---

var (
	httpMethods    = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}
	pathItemFields = []string{"parameters", "summary", "description", "servers", "$ref"}
	paramIn        = []string{"query", "header", "path", "cookie"}
	statusKey      = regexp.MustCompile(`^([1-5][0-9][0-9]|[1-5]XX|default)$`)
	templateParam  = regexp.MustCompile(`\{([^}]+)\}`)
)

// pointer resolves a local JSON pointer (#/a/b) in doc.
func pointer(doc map[string]any, ref string) (any, bool) {
	if !strings.HasPrefix(ref, "#/") {
		return nil, false
	}
	var cur any = doc
	for _, part := range strings.Split(ref[2:], "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return nil, false
		}
		if cur, ok = m[part]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// validateOpenAPI checks the fields OpenAPI 3.1 requires and the references between them.
func validateOpenAPI(doc map[string]any) []string {
	var errs []string
	add := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	deref := func(v any) map[string]any {
		m, _ := v.(map[string]any)
		if ref, ok := m["$ref"].(string); ok {
			t, _ := pointer(doc, ref)
			m, _ = t.(map[string]any)
		}
		return m
	}

	if v, _ := doc["openapi"].(string); !strings.HasPrefix(v, "3.1.") {
		add("openapi: want 3.1.x, got %v", doc["openapi"])
	}
	info, _ := doc["info"].(map[string]any)
	if s, _ := info["title"].(string); s == "" {
		add("info.title missing")
	}
	if s, _ := info["version"].(string); s == "" {
		add("info.version missing")
	}
	components, _ := doc["components"].(map[string]any)
	schemes, _ := components["securitySchemes"].(map[string]any)
	for name, s := range schemes {
		sm, _ := s.(map[string]any)
		if t, _ := sm["type"].(string); !slices.Contains([]string{"apiKey", "http", "mutualTLS", "oauth2", "openIdConnect"}, t) {
			add("securityScheme %s: bad type %v", name, sm["type"])
		}
	}
	checkSecurity := func(where string, v any) {
		if v == nil {
			return
		}
		list, ok := v.([]any)
		if !ok {
			add("%s: security is not a list", where)
			return
		}
		for _, req := range list {
			rm, _ := req.(map[string]any)
			for name := range rm {
				if _, ok := schemes[name]; !ok {
					add("%s: security scheme %q not defined", where, name)
				}
			}
		}
	}
	checkSecurity("document", doc["security"])

	paths, ok := doc["paths"].(map[string]any)
	if !ok {
		add("paths missing")
	}
	ids := map[string]string{}
	for p, itemV := range paths {
		if !strings.HasPrefix(p, "/") {
			add("path %q does not start with /", p)
		}
		item, _ := itemV.(map[string]any)
		inTemplate := map[string]bool{}
		for _, m := range templateParam.FindAllStringSubmatch(p, -1) {
			inTemplate[m[1]] = true
		}
		pathLevel, _ := item["parameters"].([]any)
		for key, opV := range item {
			if slices.Contains(pathItemFields, key) {
				continue
			}
			where := strings.ToUpper(key) + " " + p
			if !slices.Contains(httpMethods, key) {
				add("%s: unknown path item field", where)
				continue
			}
			op, _ := opV.(map[string]any)
			responses, _ := op["responses"].(map[string]any)
			if len(responses) == 0 {
				add("%s: no responses", where)
			}
			for code, rv := range responses {
				if !statusKey.MatchString(code) {
					add("%s: bad response key %q", where, code)
				}
				r := deref(rv)
				if d, ok := r["description"].(string); !ok || d == "" {
					add("%s: response %s without description", where, code)
				}
			}
			if id, _ := op["operationId"].(string); id != "" {
				if other, dup := ids[id]; dup {
					add("%s: operationId %q also used by %s", where, id, other)
				}
				ids[id] = where
			}
			declared := map[string]bool{}
			params, _ := op["parameters"].([]any)
			seen := map[string]bool{}
			for _, pv := range append(slices.Clone(pathLevel), params...) {
				prm := deref(pv)
				name, _ := prm["name"].(string)
				in, _ := prm["in"].(string)
				if name == "" || !slices.Contains(paramIn, in) {
					add("%s: parameter %v without name or valid in", where, prm)
					continue
				}
				if seen[in+" "+name] && !slices.Contains(pathLevel, pv) {
					add("%s: parameter %s %s declared twice", where, in, name)
				}
				seen[in+" "+name] = true
				if prm["schema"] == nil && prm["content"] == nil {
					add("%s: parameter %s has neither schema nor content", where, name)
				}
				if in == "path" {
					declared[name] = true
					if req, _ := prm["required"].(bool); !req {
						add("%s: path parameter %s not required", where, name)
					}
					if !inTemplate[name] {
						add("%s: path parameter %s not in the path", where, name)
					}
				}
			}
			for name := range inTemplate {
				if !declared[name] {
					add("%s: path parameter {%s} not declared", where, name)
				}
			}
			if rb, ok := op["requestBody"]; ok {
				if c, _ := deref(rb)["content"].(map[string]any); len(c) == 0 {
					add("%s: requestBody without content", where)
				}
			}
			checkSecurity(where, op["security"])
		}
	}

	var walk func(at string, v any)
	walk = func(at string, v any) {
		switch t := v.(type) {
		case map[string]any:
			if ref, ok := t["$ref"].(string); ok {
				if _, found := pointer(doc, ref); !found {
					add("%s: $ref %q does not resolve", at, ref)
				}
			}
			for k, c := range t {
				walk(at+"/"+k, c)
			}
		case []any:
			for i, c := range t {
				walk(fmt.Sprintf("%s/%d", at, i), c)
			}
		}
	}
	walk("#", doc)
	sort.Strings(errs)
	return errs
}

const minimalDoc = `{
  "openapi": "3.1.0",
  "info": {"title": "t", "version": "1"},
  "security": [{"bearer": []}],
  "paths": {
    "/cases/{id}": {
      "get": {
        "operationId": "a",
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "string"}}],
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Case"}}}},
                      "404": {"$ref": "#/components/responses/NotFound"}}
      }
    }
  },
  "components": {
    "schemas": {"Case": {"type": "object"}},
    "responses": {"NotFound": {"description": "none"}},
    "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}
  }
}`

// TestValidatorCatches proves the checker finds each kind of defect it is meant to.
func TestValidatorCatches(t *testing.T) {
	get := func(d map[string]any) map[string]any {
		return d["paths"].(map[string]any)["/cases/{id}"].(map[string]any)["get"].(map[string]any)
	}
	tests := []struct {
		name   string
		mutate func(d map[string]any)
		want   string
	}{
		{"valid", func(map[string]any) {}, ""},
		{"old version", func(d map[string]any) { d["openapi"] = "3.0.3" }, "openapi: want 3.1.x"},
		{"no title", func(d map[string]any) { delete(d["info"].(map[string]any), "title") }, "info.title missing"},
		{"no version", func(d map[string]any) { d["info"].(map[string]any)["version"] = "" }, "info.version missing"},
		{"no paths", func(d map[string]any) { delete(d, "paths") }, "paths missing"},
		{"no responses", func(d map[string]any) { delete(get(d), "responses") }, "GET /cases/{id}: no responses"},
		{"response without description", func(d map[string]any) {
			get(d)["responses"].(map[string]any)["500"] = map[string]any{}
		}, "response 500 without description"},
		{"dangling schema ref", func(d map[string]any) {
			delete(d["components"].(map[string]any)["schemas"].(map[string]any), "Case")
		}, `$ref "#/components/schemas/Case" does not resolve`},
		{"dangling response ref", func(d map[string]any) {
			delete(d["components"].(map[string]any)["responses"].(map[string]any), "NotFound")
		}, `$ref "#/components/responses/NotFound" does not resolve`},
		{"undeclared path param", func(d map[string]any) { delete(get(d), "parameters") }, "path parameter {id} not declared"},
		{"optional path param", func(d map[string]any) {
			get(d)["parameters"].([]any)[0].(map[string]any)["required"] = false
		}, "path parameter id not required"},
		{"extra path param", func(d map[string]any) {
			get(d)["parameters"] = append(get(d)["parameters"].([]any), map[string]any{"name": "x", "in": "path", "required": true, "schema": map[string]any{}})
		}, "path parameter x not in the path"},
		{"unknown scheme", func(d map[string]any) { d["security"] = []any{map[string]any{"basic": []any{}}} }, `security scheme "basic" not defined`},
		{"bad status", func(d map[string]any) {
			get(d)["responses"].(map[string]any)["ok"] = map[string]any{"description": "x"}
		}, `bad response key "ok"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d map[string]any
			if err := json.Unmarshal([]byte(minimalDoc), &d); err != nil {
				t.Fatal(err)
			}
			tt.mutate(d)
			errs := validateOpenAPI(d)
			if tt.want == "" {
				if len(errs) != 0 {
					t.Fatalf("valid document reported: %v", errs)
				}
				return
			}
			if !slices.ContainsFunc(errs, func(e string) bool { return strings.Contains(e, tt.want) }) {
				t.Fatalf("want an error containing %q, got %v", tt.want, errs)
			}
		})
	}
}

// --- the document of a real app ---

type thing struct {
	ID    string `json:"id"`
	Title string `json:"title" doc:"标题"`
}

type createThing struct {
	Title string `json:"title" required:"true"`
	Note  string `json:"note"` // optional in the request
}

type thingQuery struct {
	PageQuery
	Q     string `query:"q" doc:"关键词"`
	State string `query:"state,required" enum:"open,closed"`
}

type uploadForm struct {
	Label string `json:"label"`
	File  File   `json:"file"`
}

func ok(w http.ResponseWriter, r *http.Request) error {
	return web.WriteJSON(w, http.StatusOK, map[string]string{})
}

func testApp(t *testing.T) (*web.App, *Registry) {
	t.Helper()
	app := web.New(web.Deps{Log: slog.New(slog.DiscardHandler), Version: "test-1"})
	reg := NewRegistry()
	Route(app, reg, Op{Method: "GET", Path: "/things", Summary: "列出事项", Tag: "示例", Perm: auth.PermLogin,
		Query: thingQuery{}, Response: List[thing]{}}, ok)
	Route(app, reg, Op{Method: "POST", Path: "/things", Summary: "登记事项", Perm: permThingEdit,
		Request: createThing{}, Response: thing{}, Status: http.StatusCreated}, ok)
	Route(app, reg, Op{Method: "GET", Path: "/things/{id}", Summary: "事项详情", Perm: auth.PermLogin,
		PathParams: map[string]string{"id": "事项 ID"}, Response: &thing{}}, ok)
	Route(app, reg, Op{Method: "DELETE", Path: "/things/{id}", Summary: "删除事项", Perm: permThingEdit}, ok)
	Route(app, reg, Op{Method: "POST", Path: "/things/{id}/files", Summary: "上传附件", Perm: permThingEdit,
		Request: uploadForm{}, RequestType: "multipart/form-data", Response: []thing{}}, ok)
	Route(app, reg, Op{Method: "GET", Path: "/things/{id}/files/{file}", Summary: "下载附件", Perm: auth.PermLogin,
		ResponseType: "application/octet-stream"}, ok)
	Route(app, reg, Op{Method: "GET", Path: "/public/progress", Summary: "查询办理进度", Perm: auth.PermPublic, Response: thing{}}, ok)
	app.APIRoute("GET", "/raw/{rest...}", auth.PermLogin, ok) // declared nowhere: must still appear
	app.GET("/things", auth.PermLogin, ok)                    // a page, not API
	Register(app, reg)
	return app, reg
}

func fetchDoc(t *testing.T, app *web.App) (map[string]any, *httptest.ResponseRecorder) {
	t.Helper()
	rec := httptest.NewRecorder()
	app.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/api/v1/openapi.json", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET openapi.json without credentials: %d %s", rec.Code, rec.Body.String())
	}
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("openapi.json is not JSON: %v", err)
	}
	return doc, rec
}

func TestDocumentCoversEveryAPIRoute(t *testing.T) {
	app, _ := testApp(t)
	doc, rec := fetchDoc(t, app)
	if ct := rec.Header().Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type %q", ct)
	}
	if errs := validateOpenAPI(doc); len(errs) > 0 {
		t.Fatalf("document invalid:\n%s", strings.Join(errs, "\n"))
	}
	var routes, documented []string
	for _, rt := range app.Routes() {
		if rt.API {
			p := strings.TrimPrefix(rt.Path, "/api/v1")
			p = strings.ReplaceAll(p, "...}", "}")
			routes = append(routes, rt.Method+" "+p)
		}
	}
	for p, item := range doc["paths"].(map[string]any) {
		for m := range item.(map[string]any) {
			documented = append(documented, strings.ToUpper(m)+" "+p)
		}
	}
	sort.Strings(routes)
	sort.Strings(documented)
	if !slices.Equal(routes, documented) || len(routes) != 9 {
		t.Fatalf("routes %v\ndocumented %v", routes, documented)
	}
	// Served from memory afterwards: the same bytes.
	_, again := fetchDoc(t, app)
	if again.Body.String() != rec.Body.String() {
		t.Fatal("second request returned another document")
	}
}

func TestDocumentDetails(t *testing.T) {
	app, _ := testApp(t)
	doc, _ := fetchDoc(t, app)
	at := func(path ...string) any {
		var cur any = doc
		for _, p := range path {
			m, ok := cur.(map[string]any)
			if !ok {
				return nil
			}
			cur = m[p]
		}
		return cur
	}
	js := func(v any) string { b, _ := json.Marshal(v); return string(b) }
	tests := []struct {
		name string
		got  any
		want string
	}{
		{"version", at("info", "version"), `"test-1"`},
		{"server", at("servers"), `[{"description":"本系统","url":"/api/v1"}]`},
		{"bearer scheme", at("components", "securitySchemes", "bearer", "scheme"), `"bearer"`},
		{"global security", at("security"), `[{"bearer":[]},{"session":[]}]`},
		{"problem schema", at("components", "schemas", "Problem", "required"), `["type","title","status","detail"]`},
		{"problem media type", at("components", "responses", "Unprocessable", "content", "application/problem+json", "schema"), `{"$ref":"#/components/schemas/Problem"}`},
		{"public op has no security", at("paths", "/public/progress", "get", "security"), `[]`},
		{"public op has no 401", at("paths", "/public/progress", "get", "responses", "401"), `null`},
		{"private op 401", at("paths", "/things", "get", "responses", "401"), `{"$ref":"#/components/responses/Unauthorized"}`},
		{"openapi.json is public", at("paths", "/openapi.json", "get", "x-fazhi-perm"), `"public"`},
		{"perm", at("paths", "/things", "post", "x-fazhi-perm"), `"reconsider.edit"`},
		{"created status", at("paths", "/things", "post", "responses", "201", "content", "application/json", "schema"), `{"$ref":"#/components/schemas/thing"}`},
		{"request body", at("paths", "/things", "post", "requestBody", "content", "application/json", "schema"), `{"$ref":"#/components/schemas/createThing"}`},
		{"request requires only required:true", at("components", "schemas", "createThing", "required"), `["title"]`},
		{"response requires every field", at("components", "schemas", "thing", "required"), `["id","title"]`},
		{"post 422", at("paths", "/things", "post", "responses", "422"), `{"$ref":"#/components/responses/Unprocessable"}`},
		{"no content", at("paths", "/things/{id}", "delete", "responses", "204"), `{"description":"成功，无返回内容"}`},
		{"nullable response", at("paths", "/things/{id}", "get", "responses", "200", "content", "application/json", "schema"),
			`{"anyOf":[{"$ref":"#/components/schemas/thing"},{"type":"null"}]}`},
		{"path param", at("paths", "/things/{id}", "get", "parameters"), `[{"description":"事项 ID","in":"path","name":"id","required":true,"schema":{"type":"string"}}]`},
		{"404 with path param", at("paths", "/things/{id}", "get", "responses", "404"), `{"$ref":"#/components/responses/NotFound"}`},
		{"list envelope", at("paths", "/things", "get", "responses", "200", "content", "application/json", "schema"), `{"$ref":"#/components/schemas/List_thing"}`},
		{"list items", at("components", "schemas", "List_thing", "properties", "items"), `{"items":{"$ref":"#/components/schemas/thing"},"type":"array"}`},
		{"query params", at("paths", "/things", "get", "parameters"), `[` +
			`{"description":"页码，从 1 开始，默认 1","in":"query","name":"page","required":false,"schema":{"format":"int64","type":"integer"}},` +
			`{"description":"每页条数，默认 20，最多 100","in":"query","name":"per_page","required":false,"schema":{"format":"int64","type":"integer"}},` +
			`{"description":"关键词","in":"query","name":"q","required":false,"schema":{"type":"string"}},` +
			`{"in":"query","name":"state","required":true,"schema":{"enum":["open","closed"],"type":"string"}}]`},
		{"multipart", at("paths", "/things/{id}/files", "post", "requestBody", "content", "multipart/form-data", "schema"), `{"$ref":"#/components/schemas/uploadForm"}`},
		{"file field", at("components", "schemas", "uploadForm", "properties", "file", "contentMediaType"), `"application/octet-stream"`},
		{"binary download", at("paths", "/things/{id}/files/{file}", "get", "responses", "200", "content"), `{"application/octet-stream":{}}`},
		{"undescribed route", at("paths", "/raw/{rest}", "get", "summary"), `"（未描述）"`},
		{"tag", at("paths", "/things", "get", "tags"), `["示例"]`},
		{"default tag", at("paths", "/things", "post", "tags"), `["things"]`},
		{"operationId", at("paths", "/things/{id}/files/{file}", "get", "operationId"), `"get_things_id_files_file"`},
	}
	for _, tt := range tests {
		if got := js(tt.got); got != tt.want {
			t.Errorf("%s:\n got %s\nwant %s", tt.name, got, tt.want)
		}
	}
	params := at("paths", "/raw/{rest}", "get", "parameters").([]any)
	if len(params) != 1 || params[0].(map[string]any)["name"] != "rest" {
		t.Errorf("undescribed route params %v", params)
	}
}

func TestCheck(t *testing.T) {
	app, reg := testApp(t)
	err := reg.Check(app.Routes())
	if err == nil || err.Error() != "接口未描述：GET /raw/{rest}" {
		t.Fatalf("Check = %v", err)
	}
	reg.Op(Op{Method: "GET", Path: "/ghost", Summary: "无路由", Perm: auth.PermLogin})
	app.APIRoute("PUT", "/things/{id}", auth.PermLogin, ok)
	reg.Op(Op{Method: "PUT", Path: "/things/{id}", Summary: "修改", Perm: permThingEdit})
	err = reg.Check(app.Routes())
	want := "接口未描述：GET /raw/{rest}\n接口权限不一致：PUT /things/{id} 路由为 login，描述为 reconsider.edit\n接口已描述但未注册路由：GET /ghost"
	if err == nil || err.Error() != want {
		t.Fatalf("Check =\n%v\nwant\n%s", err, want)
	}
}

func TestOpRejectsBadDeclarations(t *testing.T) {
	tests := []struct {
		name string
		op   Op
	}{
		{"method", Op{Method: "FETCH", Path: "/a", Summary: "甲", Perm: auth.PermLogin}},
		{"prefix", Op{Method: "GET", Path: "/api/v1/a", Summary: "甲", Perm: auth.PermLogin}},
		{"relative", Op{Method: "GET", Path: "a", Summary: "甲", Perm: auth.PermLogin}},
		{"summary", Op{Method: "GET", Path: "/a", Perm: auth.PermLogin}},
		{"perm", Op{Method: "GET", Path: "/a", Summary: "甲"}},
		{"chan", Op{Method: "GET", Path: "/a", Summary: "甲", Perm: auth.PermLogin, Response: struct{ C chan int }{}}},
		{"struct key", Op{Method: "GET", Path: "/a", Summary: "甲", Perm: auth.PermLogin, Response: map[thing]int{}}},
		{"query not struct", Op{Method: "GET", Path: "/a", Summary: "甲", Perm: auth.PermLogin, Query: "q"}},
		{"request type", Op{Method: "POST", Path: "/a", Summary: "甲", Perm: auth.PermLogin, RequestType: "text/xml"}},
		{"duplicate", Op{Method: "get", Path: "/dup", Summary: "甲", Perm: auth.PermLogin}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reg := NewRegistry()
			reg.Op(Op{Method: "GET", Path: "/dup", Summary: "先", Perm: auth.PermLogin})
			defer func() {
				if recover() == nil {
					t.Fatalf("Op(%+v) accepted", tt.op)
				}
			}()
			reg.Op(tt.op)
		})
	}
}

func TestAPIPath(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"/api/v1/reconsider/cases/{id}", "/reconsider/cases/{id}", true},
		{"/api/v1/files/{path...}", "/files/{path}", true},
		{"/api/v1/{$}", "/", true},
		{"/api/v10/x", "", false},
		{"/reconsider", "", false},
	}
	for _, tt := range tests {
		got, ok := apiPath(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("apiPath(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

// permThingEdit is a module permission of the test's imaginary module.
const permThingEdit auth.Perm = "reconsider.edit"
