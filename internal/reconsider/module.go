package reconsider

import (
	"embed"

	"github.com/fazhi/fazhi/internal/files"
	"github.com/fazhi/fazhi/internal/ratelimit"
	"github.com/fazhi/fazhi/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// Module plugs 行政复议 into the web shell: pages, API, documents, statistics and import.
type Module struct {
	svc    *Service
	files  *files.Service // nil: attachments disabled
	limits *ratelimit.Limiter
	app    *web.App
	tmpl   *web.Templates
	// lawsuits lists the lawsuits over a case (set by 行政应诉; nil: none).
	lawsuits LawsuitSource
}

// NewModule wires the module.
func NewModule(svc *Service, f *files.Service) *Module {
	return &Module{svc: svc, files: f, limits: ratelimit.New(svc.db)}
}

// Service is the module's business layer (for the CLI and other modules).
func (m *Module) Service() *Service { return m.svc }

// Register adds the module's routes, menu entries and workbench todos to the app.
func (m *Module) registerPages(app *web.App) {
	m.app = app
	m.tmpl = web.ParseTemplates(templateFS, "templates/*.html")
	app.Todos(m.svc.Todos)
	m.registerCaseRoutes(app)
	m.registerPublicRoutes(app)
	m.registerDocumentRoutes(app)
	m.registerStatsRoutes(app)
	m.registerImportRoutes(app)
}
