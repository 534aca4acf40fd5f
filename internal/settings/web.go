package settings

import (
	"embed"
	"html/template"
	"net/http"
	"net/url"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

var pages = web.ParseTemplates(templateFS, "templates/*.html")

// Screen is a module's organ-settings page: its definitions and the texts around them.
type Screen struct {
	Path    string // "/review/settings": GET shows the page, POST saves it
	Perm    auth.Perm
	Title   string        // 合法性审查期限设置
	Hint    string        // what a change affects
	SeeAlso template.HTML // an optional link to a related page
	Saved   string        // the flash after saving
	Defs    func() []Def
}

type screenData struct {
	*Page
	Path, Title, Hint string
	SeeAlso           template.HTML
}

// Mount registers the settings page of sc: values of the user's government with their source
// (own, inherited, deployment-wide, default), saved all or nothing.
func (s *Store) Mount(app *web.App, sc Screen) {
	render := func(w http.ResponseWriter, r *http.Request, status int, fe *web.FormError) error {
		pg, err := s.Page(r.Context(), auth.From(r.Context()), sc.Defs())
		if err != nil {
			return err
		}
		return app.Render(w, r, pages, "settings", status, sc.Title, screenData{pg, sc.Path, sc.Title, sc.Hint, sc.SeeAlso}, fe)
	}
	app.GET(sc.Path, sc.Perm, func(w http.ResponseWriter, r *http.Request) error { return render(w, r, http.StatusOK, nil) })
	app.POST(sc.Path, sc.Perm, func(w http.ResponseWriter, r *http.Request) error {
		if err := r.ParseForm(); err != nil {
			return err
		}
		err := s.SaveForm(r.Context(), auth.From(r.Context()), sc.Defs(), r.PostForm)
		if fe := web.FormFrom(err, r.PostForm); fe != nil {
			return render(w, r, http.StatusUnprocessableEntity, fe)
		}
		if err != nil {
			return err
		}
		http.Redirect(w, r, sc.Path+"?flash="+url.QueryEscape(sc.Saved), http.StatusSeeOther)
		return nil
	})
}
