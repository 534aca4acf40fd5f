package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/secure"
)

const (
	sessionCookie = "fazhi_session"
	csrfCookie    = "fazhi_csrf" // anonymous forms (public application, login): double-submit token
	csrfField     = "csrf"
	csrfHeader    = "X-CSRF-Token"
)

type ctxKey int

const (
	anonCSRFKey ctxKey = 1
	deadlineKey ctxKey = 2 // the route's timeout, for the log line of a request that exceeded it
)

func (a *App) wrap(rt Route) http.Handler {
	limit := a.timeout(rt)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Every request has a deadline: the drivers stop the query at it (SQLite interrupts,
		// PostgreSQL gets a cancel request) and renderError answers 503. The session lookup has
		// one, and the handler gets a fresh one after the CSRF check, which reads a form body:
		// a slow client's upload is not the server's work.
		ctx := context.WithValue(r.Context(), deadlineKey, limit)
		r = r.WithContext(ctx)
		authCtx, cancelAuth := context.WithTimeout(ctx, limit)
		p, err := a.principal(r.WithContext(authCtx), rt.API)
		cancelAuth()
		if err != nil && !errors.Is(err, auth.ErrNoSession) {
			a.renderError(w, r, err)
			return
		}
		ip := clientIP(r)
		if p != nil {
			ctx = auth.WithPrincipal(ctx, p)
			ctx = audit.WithActor(ctx, audit.Actor{UserID: p.UserID, Username: p.Username, OrganID: p.OrganID, IP: ip})
		} else {
			ctx = audit.WithActor(ctx, audit.Actor{IP: ip})
		}
		if !rt.API {
			ctx = withAnonCSRF(ctx, w, r)
		}
		r = r.WithContext(ctx)

		if rt.API && p == nil && rt.Perm != auth.PermPublic {
			a.renderError(w, r, auth.ErrNoSession) // an API call without a valid token is 401, whatever its method
			return
		}
		if unsafe(r.Method) && !(p != nil && p.ViaToken) {
			if err := readForm(r); err != nil {
				a.renderError(w, r, err)
				return
			}
			if !a.csrfOK(r, p) {
				a.renderError(w, r, Errorf(http.StatusForbidden, "页面已过期或请求来源不明（CSRF 校验失败），请刷新页面后重试"))
				return
			}
		}
		if rt.Perm != auth.PermPublic {
			if p == nil {
				if rt.API || r.Method != http.MethodGet {
					a.renderError(w, r, auth.ErrNoSession)
				} else {
					http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
				}
				return
			}
			if p.MustChange && !rt.API && r.URL.Path != "/password" && r.URL.Path != "/logout" {
				http.Redirect(w, r, "/password", http.StatusSeeOther)
				return
			}
			if !p.Can(rt.Perm) {
				ctx, cancel := context.WithTimeout(ctx, limit)
				defer cancel()
				audit.Log(ctx, a.DB, audit.Entry{Action: "denied", ObjectType: "route", ObjectID: rt.Method + " " + rt.Path, Detail: map[string]any{"perm": rt.Perm, "url": r.URL.Path}})
				a.renderError(w, r, Errorf(http.StatusForbidden, "您没有访问此功能的权限"))
				return
			}
		}
		if err := cleanForm(r); err != nil {
			a.renderError(w, r, err)
			return
		}
		ctx, cancel := context.WithTimeout(ctx, limit)
		defer cancel()
		r = r.WithContext(ctx)
		h := rt.Handler
		if rt.API && rt.Method == http.MethodPost && a.apiPost != nil {
			h = a.apiPost(rt, h)
		}
		if err := h(w, r); err != nil {
			a.renderError(w, r, err)
		}
	})
}

func (a *App) principal(r *http.Request, api bool) (*auth.Principal, error) {
	if h := r.Header.Get("Authorization"); api && strings.HasPrefix(h, "Bearer ") {
		return a.Auth.AuthenticateBearer(r.Context(), strings.TrimPrefix(h, "Bearer "))
	}
	c, err := r.Cookie(sessionCookie)
	if err != nil {
		return nil, auth.ErrNoSession
	}
	return a.Auth.Authenticate(r.Context(), c.Value)
}

func unsafe(m string) bool {
	return m != http.MethodGet && m != http.MethodHead && m != http.MethodOptions
}

func (a *App) csrfOK(r *http.Request, p *auth.Principal) bool {
	sent := r.Header.Get(csrfHeader)
	if sent == "" {
		sent = r.FormValue(csrfField) // parses multipart too
	}
	if sent == "" {
		return false
	}
	want := ""
	if p != nil {
		want = p.CSRF
	} else if c, err := r.Cookie(csrfCookie); err == nil {
		want = c.Value
	}
	return want != "" && subtle.ConstantTimeCompare([]byte(sent), []byte(want)) == 1
}

func withAnonCSRF(ctx context.Context, w http.ResponseWriter, r *http.Request) context.Context {
	tok := ""
	if c, err := r.Cookie(csrfCookie); err == nil && len(c.Value) >= 20 {
		tok = c.Value
	} else {
		tok = secure.RandomToken(24)
		http.SetCookie(w, &http.Cookie{Name: csrfCookie, Value: tok, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: IsHTTPS(r)})
	}
	return context.WithValue(ctx, anonCSRFKey, tok)
}

// CSRFToken is the token forms must send back.
func CSRFToken(r *http.Request) string {
	if p := auth.From(r.Context()); p != nil && !p.ViaToken {
		return p.CSRF
	}
	s, _ := r.Context().Value(anonCSRFKey).(string)
	return s
}

func setSessionCookie(w http.ResponseWriter, r *http.Request, token string) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode, Secure: IsHTTPS(r)})
}

func clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// ClientIP is the client's address: the one function the audit actor, the request log, the
// login lockout and the rate limiters use. Behind a trusted proxy realClient has already put the
// forwarded address into RemoteAddr, so this stays a plain read.
func ClientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func clientIP(r *http.Request) string { return ClientIP(r) }

type httpsKey struct{}

// IsHTTPS reports whether the client reached us over TLS, directly or through a trusted proxy
// (X-Forwarded-Proto: https); cookies are Secure then.
func IsHTTPS(r *http.Request) bool {
	v, _ := r.Context().Value(httpsKey{}).(bool)
	return r.TLS != nil || v
}

// realClient believes X-Forwarded-For and X-Forwarded-Proto only from trusted proxies. The client
// is the right-most address not a trusted proxy: entries further left were written by the client
// itself and prove nothing.
func (a *App) realClient(next http.Handler) http.Handler {
	if len(a.TrustedProxies) == 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if ip, https, ok := forwarded(r, a.TrustedProxies); ok {
			r2 := r.Clone(context.WithValue(r.Context(), httpsKey{}, https))
			r2.RemoteAddr = net.JoinHostPort(ip, "0")
			r = r2
		}
		next.ServeHTTP(w, r)
	})
}

// forwarded resolves the client behind trusted proxies; ok is false when the peer is not one.
func forwarded(r *http.Request, trusted []netip.Prefix) (ip string, https, ok bool) {
	peer, err := netip.ParseAddr(ClientIP(r))
	if err != nil || !isTrusted(peer.Unmap(), trusted) {
		return "", false, false
	}
	client := peer.Unmap()
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // garbage: keep the last address a trusted hop vouched for
		}
		client = a.Unmap()
		if !isTrusted(client, trusted) {
			break
		}
	}
	protos := r.Header.Values("X-Forwarded-Proto")
	https = len(protos) > 0 && strings.EqualFold(strings.TrimSpace(protos[len(protos)-1]), "https")
	return client.String(), https, true
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

func (a *App) secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'")
		next.ServeHTTP(w, r)
	})
}

type statusWriter struct {
	http.ResponseWriter
	status int
	n      int
}

func (s *statusWriter) WriteHeader(c int) { s.status = c; s.ResponseWriter.WriteHeader(c) }
func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = 200
	}
	n, err := s.ResponseWriter.Write(b)
	s.n += n
	return n, err
}

func (a *App) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				a.Log.Error("panic", "err", fmt.Sprint(v), "path", r.URL.Path)
				if sw.status == 0 {
					http.Error(sw, "服务器内部错误", http.StatusInternalServerError)
				}
			}
			if a.Log != nil && !strings.HasPrefix(r.URL.Path, "/static/") {
				a.Log.LogAttrs(r.Context(), slog.LevelInfo, "request", slog.String("method", r.Method), slog.String("path", r.URL.Path),
					slog.Int("status", sw.status), slog.Int("bytes", sw.n), slog.Duration("dur", time.Since(start)), slog.String("ip", clientIP(r)))
			}
		}()
		next.ServeHTTP(sw, r)
	})
}
