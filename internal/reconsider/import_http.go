package reconsider

import "github.com/fazhi/fazhi/internal/web"

// registerImportRoutes: ledger import with template download and progress.
func (m *Module) registerImportRoutes(app *web.App) {}
