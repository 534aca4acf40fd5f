package web_test

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/web"
)

// Behind a TLS proxy the audit must name the client, not the proxy, and cookies must be Secure;
// but only a trusted proxy is believed, else anyone could write X-Forwarded-For.
func TestTrustedProxies(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t)
	o := org.New(d)
	o.Load(ctx)
	a := auth.New(d, o, auth.DefaultSettings())
	if _, err := demo.Load(ctx, d, o, a, "county", nil); err != nil {
		t.Fatal(err)
	}
	cal := calendar.Default()
	app := web.New(web.Deps{DB: d, Auth: a, Org: o, Calendar: func() *calendar.Calendar { return cal },
		Log: slog.New(slog.NewTextHandler(io.Discard, nil)), TrustedProxies: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}})

	for _, tc := range []struct {
		name, peer, xff, proto string
		wantIP                 string
		wantSecure             bool
	}{
		{"trusted proxy, https", "10.0.0.5:4431", "6.6.6.6, 203.0.113.7, 10.0.0.9", "https", "203.0.113.7", true},
		{"trusted proxy, two headers", "10.1.2.3:4431", "6.6.6.6", "http", "6.6.6.6", false},
		{"trusted proxy, garbage hop", "10.1.2.3:4431", "203.0.113.9, not-an-ip, 10.0.0.2", "https", "10.0.0.2", true},
		{"untrusted peer lies", "198.51.100.1:5555", "1.2.3.4", "https", "198.51.100.1", false},
		{"no proxy headers", "10.0.0.5:4431", "", "", "10.0.0.5", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			do := func(method, path string, body url.Values, cookies []*http.Cookie) *httptest.ResponseRecorder {
				var r *http.Request
				if body != nil {
					r = httptest.NewRequest(method, path, strings.NewReader(body.Encode()))
					r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
				} else {
					r = httptest.NewRequest(method, path, nil)
				}
				r.RemoteAddr = tc.peer
				if tc.xff != "" {
					r.Header.Set("X-Forwarded-For", tc.xff)
				}
				if tc.proto != "" {
					r.Header.Set("X-Forwarded-Proto", tc.proto)
				}
				for _, c := range cookies {
					r.AddCookie(c)
				}
				w := httptest.NewRecorder()
				app.ServeHTTP(w, r)
				return w
			}
			w := do("GET", "/login", nil, nil)
			cookies := w.Result().Cookies()
			if len(cookies) == 0 || cookies[0].Secure != tc.wantSecure {
				t.Fatalf("csrf cookie %+v, want Secure=%v", cookies, tc.wantSecure)
			}
			m := csrfRe.FindStringSubmatch(w.Body.String())
			if m == nil {
				t.Fatal("no csrf token")
			}
			if w := do("POST", "/login", url.Values{"csrf": {m[1]}, "username": {"qs_fy"}, "password": {"wrong"}}, cookies); w.Code != http.StatusUnprocessableEntity {
				t.Fatalf("login: %d", w.Code)
			}
			var ip string
			if err := d.QueryRowContext(ctx, `SELECT ip FROM audit_log WHERE action = 'login_failed' ORDER BY seq DESC LIMIT 1`).Scan(&ip); err != nil {
				t.Fatal(err)
			}
			if ip != tc.wantIP {
				t.Fatalf("audit ip %q, want %q", ip, tc.wantIP)
			}
		})
	}
}
