package web

import (
	"errors"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"unicode"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
)

func (a *App) registerShell() {
	if a.Calendar != nil {
		cal := a.Calendar
		calendarNow.Store(&cal)
	}
	static, _ := fs.Sub(staticFS, "static")
	fileServer := http.StripPrefix("/static/", http.FileServer(http.FS(static)))
	a.mux.Handle("GET /static/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "public, max-age=3600")
		fileServer.ServeHTTP(w, r)
	}))
	// Browsers ask for /favicon.ico on pages without the link (files, JSON): the same embedded icon.
	a.mux.HandleFunc("GET /favicon.ico", func(w http.ResponseWriter, r *http.Request) {
		b, _ := fs.ReadFile(static, "favicon.svg")
		w.Header().Set("Content-Type", "image/svg+xml")
		w.Header().Set("Cache-Control", "public, max-age=86400")
		w.Write(b)
	})
	a.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := a.DB.QueryRowContext(r.Context(), `SELECT 1`).Scan(new(int)); err != nil {
			http.Error(w, "数据库不可用", http.StatusServiceUnavailable)
			return
		}
		w.Write([]byte("ok"))
	})
	a.mux.Handle("/", a.wrap(Route{Method: "", Path: "/", Perm: auth.PermPublic, Handler: func(w http.ResponseWriter, r *http.Request) error {
		return NotFound("页面")
	}}))
	a.GET("/{$}", auth.PermPublic, a.home)
	a.GET("/login", auth.PermPublic, a.loginForm)
	a.POST("/login", auth.PermPublic, a.login)
	a.POST("/logout", auth.PermLogin, a.logout)
	a.GET("/workbench", auth.PermLogin, a.workbench)
	a.POST("/organ", auth.PermLogin, a.switchOrgan)
	a.GET("/password", auth.PermLogin, a.passwordForm)
	a.POST("/password", auth.PermLogin, a.changePassword)
}

func (a *App) home(w http.ResponseWriter, r *http.Request) error {
	if auth.From(r.Context()) != nil {
		http.Redirect(w, r, "/workbench", http.StatusSeeOther)
		return nil
	}
	return a.Shell(w, r, "home", http.StatusOK, "法治政府建设工作平台", nil, nil)
}

func (a *App) loginForm(w http.ResponseWriter, r *http.Request) error {
	return a.Shell(w, r, "login", http.StatusOK, "登录", map[string]string{"Next": safeNext(r.URL.Query().Get("next"))}, nil)
}

// safeNext accepts only a path on this site for the redirect after login: one leading "/", no
// "//" or "/\" (browsers read both as another host), no backslash at all, no control or
// invisible characters (browsers drop tabs and newlines: "/\t/evil.com" becomes "//evil.com"),
// no scheme or host. Anything else goes to the workbench.
func safeNext(n string) string {
	const home = "/workbench"
	if n == "" || len(n) > 2048 || n[0] != '/' || strings.ContainsRune(n, '\\') {
		return home
	}
	for _, r := range n {
		if r < 0x21 || r == 0x7f || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || unicode.IsSpace(r) {
			return home
		}
	}
	u, err := url.Parse(n)
	if err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return home
	}
	// The decoded path must still be a plain local path (%2F%2F, %09 …).
	if !strings.HasPrefix(u.Path, "/") || strings.Contains(u.Path, "//") || strings.ContainsRune(u.Path, '\\') {
		return home
	}
	for _, r := range u.Path {
		if r < 0x20 || r == 0x7f || unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			return home
		}
	}
	return n
}

func (a *App) login(w http.ResponseWriter, r *http.Request) error {
	username := strings.TrimSpace(r.FormValue("username"))
	password := r.FormValue("password")
	next := safeNext(r.FormValue("next"))
	fe := &FormError{Values: r.PostForm}
	if username == "" {
		fe.Add("username", "请输入用户名")
	}
	if password == "" {
		fe.Add("password", "请输入密码")
	}
	if fe.Err() == nil {
		old := ""
		if c, err := r.Cookie(sessionCookie); err == nil {
			old = c.Value
		}
		err := a.Auth.ThrottleLogin(r.Context(), clientIP(r), username)
		var token string
		if err == nil {
			token, err = a.Auth.Login(r.Context(), username, password, clientIP(r), r.UserAgent(), old)
		}
		if err == nil {
			setSessionCookie(w, r, token)
			http.Redirect(w, r, next, http.StatusSeeOther)
			return nil
		}
		status := http.StatusUnprocessableEntity
		switch {
		case errors.Is(err, auth.ErrRateLimited):
			status = http.StatusTooManyRequests
		case errors.Is(err, auth.ErrBusy), errors.Is(err, auth.ErrGaveUp):
			status = http.StatusServiceUnavailable
			w.Header().Set("Retry-After", "5")
		case errors.Is(err, auth.ErrBadCredentials), errors.Is(err, auth.ErrLocked), errors.Is(err, auth.ErrDisabled):
		default:
			return err
		}
		var rl *auth.RateLimitedError
		if errors.As(err, &rl) {
			w.Header().Set("Retry-After", strconv.Itoa(max(1, int(rl.Retry.Seconds()+0.999))))
		}
		fe.Msg = err.Error()
		fe.Values.Del("password")
		return a.Shell(w, r, "login", status, "登录", map[string]string{"Next": next}, fe)
	}
	fe.Values.Del("password")
	return a.Shell(w, r, "login", http.StatusUnprocessableEntity, "登录", map[string]string{"Next": next}, fe)
}

func (a *App) logout(w http.ResponseWriter, r *http.Request) error {
	if err := a.Auth.Logout(r.Context(), auth.From(r.Context())); err != nil {
		return err
	}
	clearSessionCookie(w)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
	return nil
}

func (a *App) switchOrgan(w http.ResponseWriter, r *http.Request) error {
	if err := a.Auth.SwitchOrgan(r.Context(), auth.From(r.Context()), r.FormValue("organ")); err != nil {
		return err
	}
	http.Redirect(w, r, "/workbench", http.StatusSeeOther)
	return nil
}

func (a *App) passwordForm(w http.ResponseWriter, r *http.Request) error {
	return a.Shell(w, r, "password", http.StatusOK, "修改密码", nil, nil)
}

func (a *App) changePassword(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	fe := &FormError{}
	if r.FormValue("password") != r.FormValue("confirm") {
		fe.Add("confirm", "两次输入的新密码不一致")
	}
	if fe.Err() == nil {
		err := a.Auth.ChangePassword(r.Context(), p.UserID, r.FormValue("old"), r.FormValue("password"))
		var afe *auth.FieldError
		if errors.As(err, &afe) {
			fe.Add(afe.Field, afe.Msg)
		} else if err != nil {
			return err
		} else {
			clearSessionCookie(w)
			http.Redirect(w, r, "/login?flash="+urlQuery("密码已修改，请用新密码登录"), http.StatusSeeOther)
			return nil
		}
	}
	return a.Shell(w, r, "password", http.StatusUnprocessableEntity, "修改密码", nil, fe)
}

// Urgency of a deadline on the workbench.
type Urgency string

const (
	Green  Urgency = "green"
	Yellow Urgency = "yellow" // ≤ 3 working days left
	Red    Urgency = "red"    // overdue
)

// UrgencyOf classifies a due date seen on today.
func UrgencyOf(cal *calendar.Calendar, today, due calendar.Date) Urgency {
	if due.IsZero() {
		return Green
	}
	if due.Before(today) {
		return Red
	}
	if cal.WorkingDaysLeft(today, due) <= 3 {
		return Yellow
	}
	return Green
}

// today is the legal date the workbench counts from (tests move it).
var today = calendar.Today

// calendarNow is the calendar the template function "estimate" reads: the one of the App built last
// (one per process; a template function cannot reach the App that renders it).
var calendarNow atomic.Pointer[func() *calendar.Calendar]

// estimateTag is the template function "estimate": a 预估 mark with its reason as the tooltip when
// d lies past the loaded calendar, else nothing. A module's page writes {{.Due}}{{estimate .Due}}.
func estimateTag(d calendar.Date) template.HTML {
	var cal *calendar.Calendar
	if f := calendarNow.Load(); f != nil {
		cal = (*f)()
	} else {
		cal = calendar.Default()
	}
	if !cal.Estimated(d) {
		return ""
	}
	return template.HTML(`<span class="est" title="` + template.HTMLEscapeString(calendar.EstimateNote(d.Year)) + `">预估</span>`)
}

// WorkbenchItem is a todo with its urgency.
type WorkbenchItem struct {
	Todo
	Urgency   Urgency
	DaysLeft  int
	Estimated bool // Due lies past the loaded calendar (calendar.Estimated)
}

// CollectTodos gathers every module's todos for p, sorted by due date (undated last).
func (a *App) CollectTodos(r *http.Request, p *auth.Principal) ([]WorkbenchItem, error) {
	cal := a.Calendar()
	on := today()
	var items []WorkbenchItem
	for _, src := range a.todos {
		ts, err := src(r.Context(), p)
		if err != nil {
			return nil, err
		}
		for _, t := range ts {
			it := WorkbenchItem{Todo: t, Urgency: UrgencyOf(cal, on, t.Due), Estimated: cal.Estimated(t.Due)}
			if !t.Due.IsZero() && it.Urgency != Red { // overdue items show no count, and may be years old
				it.DaysLeft = cal.WorkingDaysLeft(on, t.Due)
			}
			items = append(items, it)
		}
	}
	sort.SliceStable(items, func(i, j int) bool {
		di, dj := items[i].Due, items[j].Due
		if di.IsZero() != dj.IsZero() {
			return dj.IsZero()
		}
		return di.Before(dj)
	})
	return items, nil
}

// yearBanner warns, from November, that next year's holiday notice is missing: deadlines reaching
// into January are estimates. Calendar administrators get the link to load it, case handlers the
// explanation.
type yearBanner struct {
	Year  int
	Admin bool
}

func nextYearBanner(cal *calendar.Calendar, p *auth.Principal, on calendar.Date) *yearBanner {
	y, missing := cal.MissingNextYear(on)
	if !missing {
		return nil
	}
	if p.Can(auth.PermCalendarAdmin) {
		return &yearBanner{Year: y, Admin: true}
	}
	if p.Can(auth.PermWorkbench) {
		return &yearBanner{Year: y}
	}
	return nil
}

func (a *App) workbench(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	items, err := a.CollectTodos(r, p)
	if err != nil {
		return err
	}
	counts := map[string]int{}
	estimated := 0
	for _, it := range items {
		counts[string(it.Urgency)]++
		if it.Estimated {
			estimated++
		}
	}
	on := today()
	return a.Shell(w, r, "workbench", http.StatusOK, "工作台", map[string]any{"Items": items, "Counts": counts, "Today": on,
		"Banner": nextYearBanner(a.Calendar(), p, on), "Estimated": estimated}, nil)
}

// NotFound reports a missing record with a Chinese message.
func NotFound(what string) error {
	return &StatusError{Code: http.StatusNotFound, Msg: what + "不存在或您无权查看"}
}
