package review

import (
	"context"

	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/module"
	"github.com/fazhi/fazhi/internal/web"
)

// Spec lists 合法性审查 in cli's module list.
var Spec = module.Spec{Name: "review", New: func(d module.Deps, _ func(string) module.Module) module.Module {
	s := New(d.DB, d.Org, d.Auth, d.Calendar.Current)
	s.UseFiles(d.Files)
	s.UseNotify(d.Notify)
	return NewModule(s)
}}

// Name is the module's folder and URL prefix.
func (m *Module) Name() string { return "review" }

// Register adds the module's pages, API operations, menu entry and workbench todos.
func (m *Module) Register(app *web.App, reg *api.Registry) {
	m.registerPages(app)
	api.Mount(app, reg, m.apiSpecs())
}

// Redate recomputes open requests' deadlines after a calendar change (module.Redating).
func (m *Module) Redate(ctx context.Context, tx *db.Tx, cal *calendar.Calendar) ([]calendar.Moved, error) {
	return m.svc.Redate(ctx, tx, cal)
}

// Seeder is the demo county's year of reviews (module.Seeding).
func (m *Module) Seeder() demo.Seeder { return Seeder(m.svc) }
