package web

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
)

// Moved answers GET old and every GET below it with 301 to the same place under to (the rest of
// the path and the query kept), so that bookmarks and links in old messages survive a change of
// address. perm is the gate the old pages had; the new page checks its own. When to lies below
// old (/review → /review/requests), paths below to that no route took stay 404 rather than
// redirecting to themselves.
func (a *App) Moved(old, to string, perm auth.Perm) {
	inner := ""
	if strings.HasPrefix(to, old+"/") {
		inner = strings.TrimPrefix(to, old+"/")
	}
	h := func(w http.ResponseWriter, r *http.Request) error {
		rest := r.PathValue("rest")
		if inner != "" && (rest == inner || strings.HasPrefix(rest, inner+"/")) {
			return NotFound("页面")
		}
		target := to
		if rest != "" {
			segs := strings.Split(rest, "/")
			for i, s := range segs {
				segs[i] = url.PathEscape(s)
			}
			target += "/" + strings.Join(segs, "/")
		}
		if r.URL.RawQuery != "" {
			target += "?" + r.URL.RawQuery
		}
		http.Redirect(w, r, target, http.StatusMovedPermanently)
		return nil
	}
	a.GET(old, perm, h)
	a.GET(old+"/{rest...}", perm, h)
}
