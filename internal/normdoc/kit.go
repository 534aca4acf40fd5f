package normdoc

import (
	"context"
	"flag"
	"io"
	"time"

	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/module"
	"github.com/fazhi/fazhi/internal/review"
	"github.com/fazhi/fazhi/internal/web"
)

// Spec lists 规范性文件 in cli's module list, after review (registration starts from an approved review).
var Spec = module.Spec{Name: "normdoc",
	New: func(d module.Deps, built func(string) module.Module) module.Module {
		rv := built("review").(*review.Module).Service()
		var ix Indexer
		if d.Search != nil {
			ix = SearchIndex(d.Search)
		}
		return NewModule(New(d.DB, d.Org, d.Auth, rv, d.Calendar.Current, ix))
	},
	Commands: []module.Command{
		{Verb: "stats", Name: "normdoc", Usage: "normdoc --organ CODE --year YYYY [--format json]",
			Flags: func(fs *flag.FlagSet) module.Runner {
				var a StatsArgs
				a.Flags(fs)
				return func(ctx context.Context, m module.Module, _ []string, out io.Writer) error {
					return CLIStats(ctx, m.(*Module).svc, a, out)
				}
			}},
	},
}

// Name is the module's folder.
func (m *Module) Name() string { return "normdoc" }

// Register adds the module's pages, API operations, menu entries and workbench todos.
func (m *Module) Register(app *web.App, reg *api.Registry) {
	m.registerPages(app)
	api.Mount(app, reg, m.apiSpecs())
}

// Redate recomputes the open filing deadlines after a calendar change (module.Redating).
func (m *Module) Redate(ctx context.Context, tx *db.Tx, cal *calendar.Calendar) ([]calendar.Moved, error) {
	return m.svc.Redate(ctx, tx, cal)
}

// Seeder is the demo register (module.Seeding); it reads review's demo year, so it runs after it.
func (m *Module) Seeder() demo.Seeder { return Seeder(m.svc) }

// Jobs are the periodic scans (module.Scheduled).
func (m *Module) Jobs() []module.Job {
	return []module.Job{{Name: "normdoc.expire", Label: "规范性文件有效期届满标为失效", Every: 10 * time.Minute, Run: m.svc.ExpireDue}}
}
