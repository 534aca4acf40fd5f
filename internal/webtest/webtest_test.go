package webtest

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/demo"
)

func TestDemoPassword(t *testing.T) {
	if DemoPassword != demo.Password {
		t.Fatalf("webtest.DemoPassword %q differs from demo.Password %q", DemoPassword, demo.Password)
	}
}

// A form's own csrf value is sent as given (a forgery test); several files go in one field.
func TestFormsAndFiles(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseMultipartForm(1 << 20); err != nil && err != http.ErrNotMultipart {
			t.Fatal(err)
		}
		var names []string
		if r.MultipartForm != nil {
			for _, fh := range r.MultipartForm.File["files"] {
				names = append(names, fh.Filename)
			}
		}
		fmt.Fprintf(w, "%s|%s|%s", r.PostFormValue("csrf"), r.PostFormValue("a"), strings.Join(names, ","))
	})
	c := Anonymous(t, h)
	if got := c.Post("/", url.Values{"a": {"1"}}).Body; got != anonCSRF+"|1|" {
		t.Errorf("post: %q", got)
	}
	if got := c.Post("/", url.Values{"a": {"1"}, "csrf": {"forged"}}).Body; got != "forged|1|" {
		t.Errorf("forged: %q", got)
	}
	if got := c.UploadFiles("/", url.Values{"a": {"2"}}, "files", map[string][]byte{"b.pdf": nil, "a.pdf": nil}).Body; got != anonCSRF+"|2|a.pdf,b.pdf" {
		t.Errorf("files: %q", got)
	}
	if got := c.UploadFiles("/", url.Values{"a": {"3"}}, "files", nil).Body; got != anonCSRF+"|3|" {
		t.Errorf("no files: %q", got)
	}
}
