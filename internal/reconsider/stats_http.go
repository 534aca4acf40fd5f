package reconsider

import "github.com/fazhi/fazhi/internal/web"

// registerStatsRoutes: statistics tables, charts and XLSX export.
func (m *Module) registerStatsRoutes(app *web.App) {}
