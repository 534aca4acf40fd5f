// Package webtest drives the real router in HTTP tests: a signed-in browser (session cookie and
// CSRF token), an anonymous visitor (double-submit token), an API client (bearer token), with
// forms, uploads, JSON and redirects followed on request. Every module's tests use it instead of
// a client of their own.
package webtest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/auth"
)

// DemoPassword is the password of every demo account (demo.Password; repeated here so that this
// package does not pull in the demo loader).
const DemoPassword = "Fazhi@2026demo"

const anonCSRF = "webtest-anonymous-csrf-token-0123456789"

// Client is one browser or API client against h.
type Client struct {
	t       testing.TB
	h       http.Handler
	session string // fazhi_session cookie
	csrf    string // session CSRF token, or the anonymous double-submit token
	bearer  string
	// Principal is the signed-in user's principal (nil for anonymous and API clients).
	Principal *auth.Principal
}

// Login signs username in with the demo password through the auth service (the login page
// itself is tested in web); each call opens a fresh session.
func Login(t testing.TB, h http.Handler, a *auth.Service, username string) *Client {
	t.Helper()
	return LoginWith(t, h, a, username, DemoPassword)
}

// LoginWith is Login with another password.
func LoginWith(t testing.TB, h http.Handler, a *auth.Service, username, password string) *Client {
	t.Helper()
	ctx := context.Background()
	tok, err := a.Login(ctx, username, password, "192.0.2.10", "webtest", "")
	if err != nil {
		t.Fatalf("登录 %s 失败：%v", username, err)
	}
	p, err := a.Authenticate(ctx, tok)
	if err != nil {
		t.Fatal(err)
	}
	return &Client{t: t, h: h, session: tok, csrf: p.CSRF, Principal: p}
}

// Anonymous is a visitor without an account (public pages and forms).
func Anonymous(t testing.TB, h http.Handler) *Client {
	return &Client{t: t, h: h, csrf: anonCSRF}
}

// Bearer is an API client with a token of a system account.
func Bearer(t testing.TB, h http.Handler, token string) *Client {
	return &Client{t: t, h: h, bearer: token}
}

// Response is a finished request.
type Response struct {
	*httptest.ResponseRecorder
	Body string
}

// Location is the redirect target without its query.
func (r Response) Location() string {
	loc, _, _ := strings.Cut(r.Header().Get("Location"), "?")
	return loc
}

// JSON decodes the body into v.
func (r Response) JSON(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(r.Body), v); err != nil {
		t.Fatalf("响应不是 JSON（%d）：%v\n%s", r.Code, err, r.Body)
	}
}

// Do sends req with the client's credentials.
func (c *Client) Do(req *http.Request) Response {
	c.t.Helper()
	if c.session != "" {
		req.AddCookie(&http.Cookie{Name: "fazhi_session", Value: c.session})
	}
	if c.session == "" && c.bearer == "" && c.csrf != "" {
		req.AddCookie(&http.Cookie{Name: "fazhi_csrf", Value: c.csrf})
	}
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	} else if c.csrf != "" && req.Method != http.MethodGet && req.Header.Get("Content-Type") == "application/json" {
		req.Header.Set("X-CSRF-Token", c.csrf)
	}
	w := httptest.NewRecorder()
	c.h.ServeHTTP(w, req)
	return Response{ResponseRecorder: w, Body: w.Body.String()}
}

// Get requests path.
func (c *Client) Get(path string) Response {
	c.t.Helper()
	return c.Do(httptest.NewRequest(http.MethodGet, path, nil))
}

// Post sends a form with the CSRF token added (a form that carries its own csrf value keeps it,
// to test a forged one).
func (c *Client) Post(path string, form url.Values) Response {
	c.t.Helper()
	vals := url.Values{}
	for k, vs := range form {
		vals[k] = append([]string(nil), vs...)
	}
	if c.bearer == "" && vals.Get("csrf") == "" {
		vals.Set("csrf", c.csrf)
	}
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(vals.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.Do(req)
}

// Upload sends a multipart form with one file in field "file".
func (c *Client) Upload(path string, form url.Values, filename string, data []byte) Response {
	c.t.Helper()
	return c.UploadFiles(path, form, "file", map[string][]byte{filename: data})
}

// UploadFiles sends a multipart form with files (name → content, in name order) in field
// (several files, or none, in one field). A form that carries its own csrf value keeps it.
func (c *Client) UploadFiles(path string, form url.Values, field string, files map[string][]byte) Response {
	c.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if c.bearer == "" && form.Get("csrf") == "" {
		mw.WriteField("csrf", c.csrf)
	}
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fw, err := mw.CreateFormFile(field, name)
		if err != nil {
			c.t.Fatal(err)
		}
		fw.Write(files[name])
	}
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Do(req)
}

// JSON sends v as a JSON body (nil: an empty body).
func (c *Client) JSON(method, path string, v any) Response {
	c.t.Helper()
	var body io.Reader = http.NoBody
	if v != nil {
		b, err := json.Marshal(v)
		if err != nil {
			c.t.Fatal(err)
		}
		body = bytes.NewReader(b)
	}
	req := httptest.NewRequest(method, path, body)
	req.Header.Set("Content-Type", "application/json")
	return c.Do(req)
}

// Follow sends a form and follows redirects (GET, as a browser does after 303) up to five times.
func (c *Client) Follow(path string, form url.Values) Response {
	c.t.Helper()
	res := c.Post(path, form)
	for i := 0; i < 5 && res.Code >= 300 && res.Code < 400; i++ {
		res = c.Get(res.Header().Get("Location"))
	}
	return res
}
