package reconsider

import "github.com/fazhi/fazhi/internal/web"

// registerCaseRoutes: the office's case list, the case page and its actions.
func (m *Module) registerCaseRoutes(app *web.App) {}

// registerPublicRoutes: the applicant's online application and progress pages.
func (m *Module) registerPublicRoutes(app *web.App) {}

// registerAPIRoutes: /api/v1/reconsider/…
func (m *Module) registerAPIRoutes(app *web.App) {}
