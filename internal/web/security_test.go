package web_test

import (
	"bytes"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/web"
)

// Issue 10, item 4: the redirect after login goes only to a path of this site.
func TestLoginNextOnlySameSite(t *testing.T) {
	s := newShell(t)
	c := s.client()
	nextRe := regexp.MustCompile(`name="next" value="([^"]*)"`)
	for next, want := range map[string]string{
		"/reconsider?page=2":  "/reconsider?page=2",
		"/admin/users/x#top":  "/admin/users/x#top",
		"/\t/evil.com":        "/workbench",
		"/\n/evil.com":        "/workbench",
		"/\r\n/evil.com":      "/workbench",
		"//evil.com":          "/workbench",
		"/\\evil.com":         "/workbench",
		"/%2F/evil.com":       "/workbench",
		"/%09/evil.com":       "/workbench",
		"/./%2fevil.com":      "/workbench",
		"https://evil.com/":   "/workbench",
		"javascript:alert(1)": "/workbench",
		"evil.com":            "/workbench",
		"/\u202e/moc.live":    "/workbench",
		" /workbench":         "/workbench",
	} {
		_, body := s.get(c, "/login?next="+url.QueryEscape(next))
		m := nextRe.FindStringSubmatch(body)
		if m == nil || html.UnescapeString(m[1]) != want {
			t.Errorf("GET /login?next=%q: form keeps %q, want %q", next, m, want)
		}
		if strings.ContainsRune(next, '\u202e') {
			continue // posted, the whole form is refused (TestFormTextCleaned)
		}
		s.now = s.now.Add(time.Minute) // stay under the per-user login limit
		tok := s.token(c, "/login")
		code, loc := s.post(c, "/login", url.Values{"csrf": {tok}, "username": {"qs_fy"}, "password": {demo.Password}, "next": {next}})
		if code != http.StatusSeeOther || loc != want {
			t.Errorf("POST /login next=%q: %d Location %q, want %q", next, code, loc, want)
		}
	}
}

// Issue 10, item 1: too many attempts for one name are refused with 429 before any hashing.
func TestLoginRateLimited(t *testing.T) {
	s := newShell(t)
	c := s.client()
	limit := auth.DefaultSettings().LoginPerUser.Max
	for i := 0; i < limit; i++ {
		if code, _ := s.login(c, "nobody_here", "Wrong#Guess123"); code != http.StatusUnprocessableEntity {
			t.Fatalf("attempt %d: %d", i+1, code)
		}
	}
	code, body := s.login(c, "nobody_here", "Wrong#Guess123")
	if code != http.StatusTooManyRequests || !strings.Contains(body, "登录尝试过于频繁") {
		t.Fatalf("attempt %d: %d, want 429 with a Chinese message", limit+1, code)
	}
	s.now = s.now.Add(time.Minute)
	if code, _ := s.login(c, "nobody_here", "Wrong#Guess123"); code != http.StatusUnprocessableEntity {
		t.Fatalf("the next window allows again: %d", code)
	}
}

// echoShell is the shell with a public test route that answers the posted values as the
// handler sees them.
func echoShell(t *testing.T) *shell {
	s := newShell(t)
	app := s.srv.Config.Handler.(*web.App)
	app.POST("/test/echo", auth.PermPublic, func(w http.ResponseWriter, r *http.Request) error {
		var b strings.Builder
		for _, k := range []string{"name", "note", "password"} {
			b.WriteString(k + "=" + r.PostForm.Get(k) + "\n")
		}
		if r.MultipartForm != nil {
			for _, fh := range r.MultipartForm.File["file"] {
				b.WriteString("file=" + fh.Filename + "\n")
			}
		}
		w.Write([]byte(b.String()))
		return nil
	})
	return s
}

func (s *shell) postRaw(c *http.Client, path, contentType string, body io.Reader) (int, string) {
	s.t.Helper()
	resp, err := c.Post(s.srv.URL+path, contentType, body)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Issue 10, item 5: posted text is normalised once, centrally, before handlers read it.
func TestFormTextCleaned(t *testing.T) {
	s := echoShell(t)
	c := s.client()
	tok := s.token(c, "/login")
	code, body := s.post(c, "/test/echo", url.Values{"csrf": {tok}, "name": {"\ufeff张\u200b三\u2060"}, "note": {"第一行\r\n\t第二行 Cafe\u0301"}, "password": {"pass\u200bword"}})
	if code != 200 || !strings.Contains(body, "name=张三\n") || !strings.Contains(body, "note=第一行\r\n\t第二行 Café\n") || !strings.Contains(body, "password=pass\u200bword\n") {
		t.Fatalf("cleaned form: %d %q", code, body)
	}
	for _, bad := range []string{"abc\u202egpj.exe", "a\x00b", "x\u2066y", "a\x1bb"} {
		code, body := s.post(c, "/test/echo", url.Values{"csrf": {tok}, "name": {bad}})
		if code != http.StatusUnprocessableEntity || !strings.Contains(body, "“name”") {
			t.Errorf("name %q: %d, want 422 naming the field: %.300s", bad, code, body)
		}
	}
}

func multipartBody(t *testing.T, csrf, filename string) (string, *bytes.Buffer) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	w.WriteField("csrf", csrf)
	w.WriteField("name", "张三")
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="file"; filename="`+filename+`"`)
	h.Set("Content-Type", "application/pdf")
	p, err := w.CreatePart(h)
	if err != nil {
		t.Fatal(err)
	}
	p.Write([]byte("%PDF-1.4"))
	w.Close()
	return w.FormDataContentType(), &b
}

// Issue 10, item 5: a NUL in an upload's file name was answered "CSRF 校验失败" (403), because
// Go drops the whole multipart form, token included; now it is a clear 422. Bidi overrides in
// file names are refused, zero-width characters removed.
func TestUploadFileNames(t *testing.T) {
	s := echoShell(t)
	c := s.client()
	tok := s.token(c, "/login")
	ct, body := multipartBody(t, tok, "合同\x00.pdf")
	code, resp := s.postRaw(c, "/test/echo", ct, body)
	if code != http.StatusUnprocessableEntity || strings.Contains(resp, "CSRF") || !strings.Contains(resp, "文件名") {
		t.Fatalf("NUL in a file name: %d %.400s", code, resp)
	}
	ct, body = multipartBody(t, tok, "合同\u202efdp.exe")
	if code, resp := s.postRaw(c, "/test/echo", ct, body); code != http.StatusUnprocessableEntity || !strings.Contains(resp, "文件名") {
		t.Fatalf("bidi override in a file name: %d %.400s", code, resp)
	}
	ct, body = multipartBody(t, tok, "合\u200b同.pdf")
	if code, resp := s.postRaw(c, "/test/echo", ct, body); code != 200 || !strings.Contains(resp, "file=合同.pdf\n") || !strings.Contains(resp, "name=张三\n") {
		t.Fatalf("clean upload: %d %q", code, resp)
	}
	ct, body = multipartBody(t, "wrong-token", "a.pdf")
	if code, _ := s.postRaw(c, "/test/echo", ct, body); code != http.StatusForbidden {
		t.Fatalf("a wrong token is still a CSRF failure: %d", code)
	}
}

// Issue 10, item 5: DecodeJSON cleans every string it decodes.
func TestDecodeJSONCleansStrings(t *testing.T) {
	type item struct {
		Title string `json:"title"`
	}
	var in struct {
		Name     string         `json:"name"`
		Password string         `json:"password"`
		Items    []item         `json:"items"`
		Extra    map[string]any `json:"extra"`
		Ptr      *string        `json:"ptr"`
	}
	r, _ := http.NewRequest("POST", "/", strings.NewReader(`{"name":"\ufeff张\u200b三","password":"a\u200bb","items":[{"title":"标\u200d题"}],"extra":{"k":"v\u2060"},"ptr":"p\u200bq"}`))
	if err := web.DecodeJSON(r, &in); err != nil {
		t.Fatal(err)
	}
	if in.Name != "张三" || in.Password != "a\u200bb" || in.Items[0].Title != "标题" || in.Extra["k"] != "v" || *in.Ptr != "pq" {
		t.Fatalf("cleaned JSON: %+v %q", in, *in.Ptr)
	}
	r, _ = http.NewRequest("POST", "/", strings.NewReader(`{"items":[{"title":"abc\u202e"}]}`))
	err := web.DecodeJSON(r, &in)
	if err == nil || web.Status(err) != http.StatusUnprocessableEntity || !strings.Contains(err.Error(), "“title”") {
		t.Fatalf("bidi override in JSON: %v", err)
	}
}
