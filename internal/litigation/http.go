package litigation

import (
	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/web"
)

// Register adds the module's pages, API operations, menu entries and workbench todos.
func (m *Module) Register(app *web.App, reg *api.Registry) {
}
