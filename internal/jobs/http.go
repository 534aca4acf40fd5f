package jobs

import (
	"embed"
	"net/http"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

var pages = web.ParseTemplates(templateFS, "templates/*.html")

// Register adds the read-only job page for the system administrator (no case content is shown).
func (s *Scheduler) Register(app *web.App) {
	app.GET("/admin/jobs", auth.PermUserAdmin, func(w http.ResponseWriter, r *http.Request) error {
		list, err := s.Status(r.Context())
		if err != nil {
			return err
		}
		return app.Render(w, r, pages, "jobs", http.StatusOK, "定时任务", map[string]any{"Jobs": list}, nil)
	})
	app.Menu(web.MenuItem{Group: "管理", Title: "定时任务", URL: "/admin/jobs", Perm: auth.PermUserAdmin, Order: 960})
}

// When formats a stored instant for the page ("—" when never).
func (st State) When(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return web.LocalTime(db.Timestamp(t))
}
