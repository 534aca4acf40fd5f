// Package api holds the conventions of /api/v1 and builds its OpenAPI 3.1 description.
//
// Conventions (DESIGN §6): JSON bodies with snake_case field names; bearer tokens (API tokens of
// system accounts) or the browser session plus X-CSRF-Token; the same permission per route as the
// pages; errors as application/problem+json {type, title, status, detail, errors{field: 说明}}
// rendered by the web shell from the error a handler returns; lists as List[T] {total, page,
// per_page, items}; dates as "YYYY-MM-DD", instants as RFC 3339 UTC text.
//
// A module declares each operation next to its route, best in one call:
//
//	api.Route(app, reg, api.Op{Method: "POST", Path: "/reconsider/cases", Summary: "登记复议申请",
//		Perm: reconsider.PermEdit, Request: RegisterInput{}, Response: Case{}}, m.apiRegister)
//
// GET /api/v1/openapi.json (public) describes every route registered with app.APIRoute; a route
// without an Op still appears, marked 未描述, and Registry.Check reports it.
package api

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/web"
)

// Prefix is where app.APIRoute mounts API routes.
const Prefix = "/api/v1"

// Op describes one API operation.
type Op struct {
	Method      string    // GET, POST, PUT, PATCH, DELETE
	Path        string    // as given to app.APIRoute, without /api/v1: "/reconsider/cases/{id}"
	Summary     string    // 中文摘要, one line
	Description string    // 中文说明 (optional)
	Tag         string    // group, e.g. "行政复议"; default: the first path segment
	Perm        auth.Perm // the route's permission, shown as x-fazhi-perm
	ID          string    // operationId; default derived from method and path

	PathParams map[string]string // {name} → 中文说明 (optional; every {name} is declared anyway)
	Query      any               // struct whose fields are query parameters: `query:"name,required" doc:"说明"`
	Request    any               // value of the body type; nil = no body. Its fields are optional unless tagged required:"true"
	// RequestType is the body's media type: "" = application/json; "multipart/form-data" for
	// uploads (Request then describes the form fields, with api.File for files).
	RequestType  string
	Response     any    // value of the success body type; nil = no JSON body
	ResponseType string // media type of a non-JSON success body, e.g. "application/octet-stream"
	Status       int    // success status: default 200, or 204 when there is no body
}

func (op Op) key() string { return strings.ToUpper(op.Method) + " " + op.Path }

// Registry collects the operations every module declares.
type Registry struct {
	mu    sync.Mutex
	ops   map[string]Op
	order []string

	once sync.Once
	doc  []byte
	err  error
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{ops: map[string]Op{}} }

var methods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// Op declares an operation. It panics on a malformed or duplicate declaration, or on a type
// JSON cannot carry: these are programming errors and must stop the server at start-up.
func (r *Registry) Op(op Op) {
	op.Method = strings.ToUpper(op.Method)
	switch {
	case !slices.Contains(methods, op.Method):
		panic("api: unsupported method in " + op.key())
	case !strings.HasPrefix(op.Path, "/") || strings.HasPrefix(op.Path, Prefix+"/"):
		panic("api: path must start with / and omit " + Prefix + ": " + op.key())
	case strings.TrimSpace(op.Summary) == "":
		panic("api: operation without summary: " + op.key())
	case op.Perm == "":
		panic("api: operation without permission: " + op.key())
	case op.RequestType != "" && op.RequestType != "application/json" && op.RequestType != "multipart/form-data" && op.RequestType != "application/x-www-form-urlencoded":
		panic("api: unsupported request type in " + op.key())
	}
	g := newGenerator() // fail now rather than when the document is first requested
	g.describeRequest(op.Request)
	g.describe(op.Response)
	queryParams(g, op.Query)

	r.mu.Lock()
	defer r.mu.Unlock()
	if _, dup := r.ops[op.key()]; dup {
		panic("api: operation declared twice: " + op.key())
	}
	r.ops[op.key()] = op
	r.order = append(r.order, op.key())
}

// Ops lists the declared operations in declaration order.
func (r *Registry) Ops() []Op {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make([]Op, 0, len(r.order))
	for _, k := range r.order {
		out = append(out, r.ops[k])
	}
	return out
}

func (r *Registry) lookup(method, path string) (Op, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	op, ok := r.ops[method+" "+path]
	return op, ok
}

// Route declares op and registers its handler with app.APIRoute in one call.
func Route(app *web.App, reg *Registry, op Op, h web.HandlerFunc) {
	reg.Op(op)
	app.APIRoute(strings.ToUpper(op.Method), op.Path, op.Perm, h)
}

// Endpoint is one API operation with its handler: a module lists its endpoints once and mounts
// them with Mount, which registers the routes and their OpenAPI description together.
type Endpoint struct {
	Op      Op
	Handler web.HandlerFunc
}

// Mount registers every endpoint on app and describes it in reg.
func Mount(app *web.App, reg *Registry, eps []Endpoint) {
	for _, e := range eps {
		Route(app, reg, e.Op, e.Handler)
	}
}

// Register serves GET /api/v1/openapi.json (public). The document is built on the first request,
// after every module has registered its routes, and then served from memory.
// It also installs the idempotency keys of every API POST (Idempotency).
func Register(app *web.App, reg *Registry) {
	Idempotency(app)
	op := Op{Method: http.MethodGet, Path: "/openapi.json", Summary: "接口说明（OpenAPI 3.1）", Tag: "平台",
		Description: "本文档：所有 /api/v1 接口、参数、返回结构、所需权限与错误格式。", Perm: auth.PermPublic,
		Response: Schema{}, ResponseType: "application/json"}
	Route(app, reg, op, func(w http.ResponseWriter, r *http.Request) error {
		b, err := reg.JSON(app.Routes(), app.Version)
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Cache-Control", "no-cache")
		_, err = w.Write(b)
		return err
	})
}

// JSON is the encoded document for routes, built once.
func (r *Registry) JSON(routes []web.Route, version string) ([]byte, error) {
	r.once.Do(func() {
		r.doc, r.err = encodeDocument(r.Document(routes, version))
	})
	return r.doc, r.err
}

// Check reports API routes without a declared operation, declared operations without a route,
// and permissions that differ between the two. Modules' tests (or the cli's) call it with the real app.
func (r *Registry) Check(routes []web.Route) error {
	var problems []string
	routed := map[string]bool{}
	for _, rt := range routes {
		if !rt.API {
			continue
		}
		p, ok := apiPath(rt.Path)
		if !ok {
			continue
		}
		k := strings.ToUpper(rt.Method) + " " + p
		routed[k] = true
		op, ok := r.lookup(strings.ToUpper(rt.Method), p)
		switch {
		case !ok:
			problems = append(problems, "接口未描述："+k)
		case op.Perm != rt.Perm:
			problems = append(problems, fmt.Sprintf("接口权限不一致：%s 路由为 %s，描述为 %s", k, rt.Perm, op.Perm))
		}
	}
	for _, op := range r.Ops() {
		if !routed[op.key()] {
			problems = append(problems, "接口已描述但未注册路由："+op.key())
		}
	}
	if len(problems) > 0 {
		return fmt.Errorf("%s", strings.Join(problems, "\n"))
	}
	return nil
}

// apiPath turns a registered pattern path into the document's path: /api/v1 removed,
// {name...} → {name}, {$} dropped.
func apiPath(p string) (string, bool) {
	rest, ok := strings.CutPrefix(p, Prefix)
	if !ok || rest == "" || rest[0] != '/' {
		return "", false
	}
	rest = strings.ReplaceAll(rest, "{$}", "")
	rest = strings.ReplaceAll(rest, "...}", "}")
	if rest == "" {
		rest = "/"
	}
	return rest, true
}

// List is the envelope of every list response.
type List[T any] struct {
	Total   int `json:"total" doc:"符合条件的总数"`
	Page    int `json:"page" doc:"页码，从 1 开始"`
	PerPage int `json:"per_page" doc:"每页条数"`
	Items   []T `json:"items"`
}

// NewList builds a list envelope; items is never null in the JSON.
func NewList[T any](items []T, total, page, perPage int) List[T] {
	if items == nil {
		items = []T{}
	}
	return List[T]{Total: total, Page: page, PerPage: perPage, Items: items}
}

// PageQuery are the paging parameters of list operations (embed it in an Op's Query struct).
type PageQuery struct {
	Page    int `query:"page" doc:"页码，从 1 开始，默认 1"`
	PerPage int `query:"per_page" doc:"每页条数，默认 20，最多 100"`
}
