// Package web is the shell every module plugs into: routing with a permission per route,
// sessions and CSRF, the layout, error pages, the workbench and the static assets.
package web

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/netip"
	"sort"
	"strings"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/org"
)

// HandlerFunc handles a request and returns an error to the one renderer.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Route is one registered endpoint with the permission it requires.
type Route struct {
	Method  string
	Path    string // net/http pattern path, e.g. /reconsider/{id}
	Perm    auth.Perm
	Handler HandlerFunc
	API     bool // JSON errors, bearer tokens accepted, no CSRF for bearer calls
	// Timeout, when set, replaces Deps.RequestTimeout for this route: a long export or import
	// declares its own (e.g. 2*time.Minute). Everything else keeps the platform's deadline.
	Timeout time.Duration
}

// MenuItem is one navigation entry.
type MenuItem struct {
	Group string // 业务 / 统计 / 管理
	Title string
	URL   string
	Perm  auth.Perm
	Order int
}

// Todo is one item on a user's workbench, with the deadline that makes it urgent.
type Todo struct {
	Module string
	Title  string
	Detail string
	URL    string
	Due    calendar.Date
	Basis  string // 《中华人民共和国行政复议法》第三十条
}

// TodoSource lists the todos a module has for the principal.
type TodoSource func(ctx context.Context, p *auth.Principal) ([]Todo, error)

// Deps are the platform services the shell and the modules share.
type Deps struct {
	DB       *db.DB
	Auth     *auth.Service
	Org      *org.Service
	Calendar func() *calendar.Calendar
	Log      *slog.Logger
	Version  string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For/-Proto are believed (config.ParseProxies).
	TrustedProxies []netip.Prefix
	// RequestTimeout is every request's deadline (0 = DefaultRequestTimeout); Route.Timeout overrides it.
	RequestTimeout time.Duration
}

// DefaultRequestTimeout bounds a page or API call when Deps.RequestTimeout is not set.
const DefaultRequestTimeout = 10 * time.Second

// App is the HTTP application.
type App struct {
	Deps
	mux     *http.ServeMux
	routes  []Route
	menu    []MenuItem
	todos   []TodoSource
	inbox   string       // URL of the message centre; "" when none is wired
	unread  UnreadSource // counts a signed-in user's unread messages for the header badge
	handler http.Handler
	apiPost func(Route, HandlerFunc) HandlerFunc // wraps every POST under /api/v1 (api's idempotency keys)
}

// WrapAPIPosts makes every API POST route, registered before or after, run through wrap, which
// sees the principal and the parsed form (package api keeps the idempotency keys this way).
func (a *App) WrapAPIPosts(wrap func(Route, HandlerFunc) HandlerFunc) { a.apiPost = wrap }

// UnreadSource counts the principal's unread messages; it runs once per signed-in page render,
// so it must be one cheap indexed query.
type UnreadSource func(ctx context.Context, p *auth.Principal) (int, error)

// New creates the shell with its own routes (login, workbench, static files).
func New(d Deps) *App {
	a := &App{Deps: d, mux: http.NewServeMux()}
	a.registerShell()
	return a
}

// Handle registers a route.
func (a *App) Handle(rt Route) {
	if rt.Perm == "" {
		panic("web: route without permission: " + rt.Method + " " + rt.Path)
	}
	a.routes = append(a.routes, rt)
	a.mux.Handle(rt.Method+" "+rt.Path, a.wrap(rt))
}

// GET, POST are shorthands for HTML routes.
func (a *App) GET(path string, perm auth.Perm, h HandlerFunc) {
	a.Handle(Route{Method: http.MethodGet, Path: path, Perm: perm, Handler: h})
}
func (a *App) POST(path string, perm auth.Perm, h HandlerFunc) {
	a.Handle(Route{Method: http.MethodPost, Path: path, Perm: perm, Handler: h})
}

// LongRequestTimeout is the deadline of exports and whole-log checks, which read everything in scope.
const LongRequestTimeout = 2 * time.Minute

// LongGET and LongPOST are GET and POST with LongRequestTimeout.
func (a *App) LongGET(path string, perm auth.Perm, h HandlerFunc) {
	a.Handle(Route{Method: http.MethodGet, Path: path, Perm: perm, Handler: h, Timeout: LongRequestTimeout})
}
func (a *App) LongPOST(path string, perm auth.Perm, h HandlerFunc) {
	a.Handle(Route{Method: http.MethodPost, Path: path, Perm: perm, Handler: h, Timeout: LongRequestTimeout})
}

// APIRoute registers a JSON route under /api/v1.
func (a *App) APIRoute(method, path string, perm auth.Perm, h HandlerFunc) {
	a.Handle(Route{Method: method, Path: "/api/v1" + path, Perm: perm, Handler: h, API: true})
}

// Menu adds navigation entries.
func (a *App) Menu(items ...MenuItem) { a.menu = append(a.menu, items...) }

// Todos adds a workbench source.
func (a *App) Todos(src TodoSource) { a.todos = append(a.todos, src) }

// Inbox wires the message centre: the header links to url and shows count's result as a badge.
func (a *App) Inbox(url string, count UnreadSource) { a.inbox, a.unread = url, count }

// timeout is rt's deadline.
func (a *App) timeout(rt Route) time.Duration {
	switch {
	case rt.Timeout > 0:
		return rt.Timeout
	case a.RequestTimeout > 0:
		return a.RequestTimeout
	}
	return DefaultRequestTimeout
}

// LongestTimeout is the largest deadline of any route, so the server's write timeout can exceed it.
func (a *App) LongestTimeout() time.Duration {
	d := a.timeout(Route{})
	for _, rt := range a.routes {
		d = max(d, a.timeout(rt))
	}
	return d
}

// Routes lists every registered route (the permission test walks them all).
func (a *App) Routes() []Route { return append([]Route(nil), a.routes...) }

// MenuFor returns the navigation the principal may see.
func (a *App) MenuFor(p *auth.Principal) []MenuItem {
	var out []MenuItem
	for _, m := range a.menu {
		if p.Can(m.Perm) {
			out = append(out, m)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Order < out[j].Order })
	return out
}

// ServeHTTP runs the middleware chain.
func (a *App) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if a.handler == nil {
		a.handler = a.realClient(a.logRequests(a.secureHeaders(a.mux)))
	}
	a.handler.ServeHTTP(w, r)
}

// Status maps an error to an HTTP status.
func Status(err error) int {
	var se *StatusError
	switch {
	case errors.As(err, &se):
		return se.Code
	case errors.Is(err, db.ErrNotFound):
		return http.StatusNotFound
	case errors.Is(err, db.ErrForbidden):
		return http.StatusForbidden
	case errors.Is(err, db.ErrConflict):
		return http.StatusConflict
	case errors.Is(err, auth.ErrNoSession):
		return http.StatusUnauthorized
	case FormFrom(err, nil) != nil, errors.Is(err, ErrInvalid), errors.Is(err, db.ErrInvalid):
		return http.StatusUnprocessableEntity
	case db.IsTimeout(err):
		return http.StatusServiceUnavailable // as http.TimeoutHandler; 504 is a proxy's word
	}
	return http.StatusInternalServerError
}

// StatusError carries an explicit status and a Chinese message.
type StatusError struct {
	Code int
	Msg  string
}

func (e *StatusError) Error() string { return e.Msg }

// Errorf returns a StatusError.
func Errorf(code int, msg string) error { return &StatusError{Code: code, Msg: msg} }

// ErrInvalid marks a bad input that is not tied to one form field.
var ErrInvalid = errors.New("输入有误")

func isAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }
