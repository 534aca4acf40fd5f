package reconsider

import "github.com/fazhi/fazhi/internal/web"

// registerDocumentRoutes: drafts, editing, issuing and downloading case documents.
func (m *Module) registerDocumentRoutes(app *web.App) {}
