package web

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/org"
)

//go:embed templates/*.html
var shellFS embed.FS

//go:embed static
var staticFS embed.FS

// Templates is one parsed template set per page, each sharing the layout.
type Templates struct {
	pages map[string]*template.Template
}

var base = template.Must(template.New("layout").Funcs(funcs).ParseFS(shellFS, "templates/layout.html"))

// ParseTemplates parses every page file of fsys matching glob against the shared layout.
// A page file defines "title" and "content" (and may define "head").
func ParseTemplates(fsys fs.FS, glob string) *Templates {
	names, err := fs.Glob(fsys, glob)
	if err != nil || len(names) == 0 {
		panic(fmt.Sprintf("web: no templates for %s: %v", glob, err))
	}
	t := &Templates{pages: map[string]*template.Template{}}
	for _, n := range names {
		page := template.Must(template.Must(base.Clone()).ParseFS(fsys, n))
		t.pages[strings.TrimSuffix(path.Base(n), ".html")] = page
	}
	return t
}

var shellPages = ParseTemplates(shellFS, "templates/[a-z]*.html")

// Page is what every page template receives.
type Page struct {
	Title     string
	P         *auth.Principal
	Organ     org.Organ
	Organs    []org.Organ // organ switcher choices
	Menu      []MenuItem
	CSRF      string
	Path      string
	Query     string
	Version   string
	Data      any
	Form      *FormError
	Flash     string
	RoleNames string
	Inbox     string // message centre URL, for signed-in pages when one is wired
	Unread    int    // unread messages (the header badge)
}

// Value returns the submitted value of a form field, so a form keeps the user's input.
func (p Page) Value(field string) string {
	if p.Form != nil && p.Form.Values != nil {
		return p.Form.Values.Get(field)
	}
	return ""
}

// FieldError returns the message beside a field.
func (p Page) FieldError(field string) string {
	if p.Form == nil {
		return ""
	}
	return p.Form.Fields[field]
}

// Render writes a page of t with status. It renders into a buffer first, so an error
// in the template never leaves half a page.
func (a *App) Render(w http.ResponseWriter, r *http.Request, t *Templates, name string, status int, title string, data any, form *FormError) error {
	tmpl, ok := t.pages[name]
	if !ok {
		return fmt.Errorf("web: unknown page %q", name)
	}
	pg := a.page(r, title, data, form)
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, "layout", pg); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}

func (a *App) page(r *http.Request, title string, data any, form *FormError) Page {
	p := auth.From(r.Context())
	pg := Page{Title: title, P: p, CSRF: CSRFToken(r), Path: r.URL.Path, Query: r.URL.RawQuery, Version: a.Version, Data: data, Form: form, Flash: r.URL.Query().Get("flash")}
	if p != nil {
		pg.Organ, _ = a.Org.Organ(p.OrganID)
		for _, id := range p.OrganIDs() {
			if o, ok := a.Org.Organ(id); ok {
				pg.Organs = append(pg.Organs, o)
			}
		}
		pg.Menu = a.MenuFor(p)
		var names []string
		for _, r := range p.Roles {
			names = append(names, r.Label())
		}
		pg.RoleNames = strings.Join(names, "、")
		if a.unread != nil { // anonymous pages never get here: no query
			pg.Inbox = a.inbox
			n, err := a.unread(r.Context(), p)
			if err != nil {
				a.Log.Warn("未读消息计数失败", "err", err) // a badge is not worth failing the page
			}
			pg.Unread = n
		}
	}
	return pg
}

// Shell renders one of the shell's own pages.
func (a *App) Shell(w http.ResponseWriter, r *http.Request, name string, status int, title string, data any, form *FormError) error {
	return a.Render(w, r, shellPages, name, status, title, data, form)
}

// TimeoutMessage is what a request cut by its deadline tells the user.
const TimeoutMessage = "请求处理超时，已停止（未保存任何改动）。请缩小查询范围（如选择年度或机关）后重试。"

func (a *App) renderError(w http.ResponseWriter, r *http.Request, err error) {
	status := Status(err)
	msg := err.Error()
	switch {
	case status == http.StatusInternalServerError:
		a.Log.Error("request failed", "path", r.URL.Path, "err", err)
		msg = "服务器内部错误，请稍后重试；如果问题持续，请联系系统管理员"
	case status == http.StatusServiceUnavailable && db.IsTimeout(err):
		limit, _ := r.Context().Value(deadlineKey).(time.Duration)
		if errors.Is(r.Context().Err(), context.Canceled) {
			a.Log.Info("client went away", "method", r.Method, "path", r.URL.Path, "err", err)
		} else {
			a.Log.Warn("request timed out", "method", r.Method, "path", r.URL.Path, "timeout", limit, "err", err)
		}
		msg = TimeoutMessage
		// The page itself still reads (header badge): give it a moment of its own.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(r.Context()), time.Second)
		defer cancel()
		r = r.WithContext(ctx)
	}
	fe := FormFrom(err, nil)
	if isAPI(r) {
		prob := map[string]any{"type": "about:blank", "title": http.StatusText(status), "status": status, "detail": msg}
		if fe != nil && len(fe.Fields) > 0 {
			prob["errors"] = fe.Fields
		}
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(status)
		json.NewEncoder(w).Encode(prob)
		return
	}
	if status == http.StatusUnauthorized {
		clearSessionCookie(w)
	}
	if rerr := a.Shell(w, r, "error", status, "出错了", map[string]any{"Status": status, "Message": msg}, nil); rerr != nil {
		http.Error(w, msg, status)
	}
}

// WriteJSON writes v as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) error {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, err := buf.WriteTo(w)
	return err
}

// DecodeJSON reads a JSON body (at most 1 MiB) into v, rejecting unknown fields.
func DecodeJSON(r *http.Request, v any) error {
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%w：请求体不是有效的 JSON（%v）", ErrInvalid, err)
	}
	return cleanJSON(v)
}

// Download sends a file with a correctly encoded Chinese file name (RFC 6266 / 5987).
func Download(w http.ResponseWriter, filename, contentType string, body []byte) error {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Disposition", ContentDisposition(filename))
	w.Header().Set("Cache-Control", "no-store")
	_, err := w.Write(body)
	return err
}

// ContentDisposition builds an attachment header with an ASCII fallback and the UTF-8 name.
func ContentDisposition(filename string) string {
	fallback := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, filename)
	return mime.FormatMediaType("attachment", map[string]string{"filename": fallback}) + "; filename*=UTF-8''" + pathEscape(filename)
}

func pathEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

var funcs = template.FuncMap{
	"cn":         func(d calendar.Date) string { return d.Chinese() },
	"add":        func(a, b int) int { return a + b },
	"join":       strings.Join,
	"roleLabel":  func(r auth.Role) string { return r.Label() },
	"scopeLabel": func(s auth.Scope) string { return s.Label() },
	"localtime":  LocalTime,
	"count":      countLabel,
	"estimate":   estimateTag, // shell.go: 预估 beside a deadline past the loaded calendar
}

// countLabel prints a list's total: 1,234, or 1,000+ for a db.Count that stopped at its cap.
func countLabel(v any) string {
	switch c := v.(type) {
	case db.Count:
		return c.String()
	case int:
		return db.Thousands(c)
	case int64:
		return db.Thousands(int(c))
	}
	return fmt.Sprint(v)
}
