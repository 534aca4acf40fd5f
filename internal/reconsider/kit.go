package reconsider

import (
	"context"
	"flag"
	"io"
	"time"

	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/module"
	"github.com/fazhi/fazhi/internal/web"
)

// Spec lists 行政复议 in cli's module list.
var Spec = module.Spec{Name: "reconsider",
	New: func(d module.Deps, _ func(string) module.Module) module.Module {
		svc := New(d.DB, d.Org, d.Auth, d.Calendar.Current, d.Cipher)
		svc.SetNotify(d.Notify)
		if d.Notify != nil {
			d.Notify.Remind(svc.Reminders)
		}
		return NewModule(svc, d.Files)
	},
	Commands: []module.Command{
		{Verb: "stats", Name: "reconsideration", Aliases: []string{"reconsider"}, Usage: "reconsideration --organ CODE --year YYYY [--format json]",
			Flags: func(fs *flag.FlagSet) module.Runner {
				var a StatsArgs
				a.Flags(fs)
				return func(ctx context.Context, m module.Module, _ []string, out io.Writer) error {
					return CLIStats(ctx, m.(*Module).svc, a, out)
				}
			}},
		{Verb: "import", Name: "reconsideration", Aliases: []string{"reconsider"}, Usage: "reconsideration FILE --organ CODE（复议台账）",
			Flags: func(fs *flag.FlagSet) module.Runner {
				var a ImportArgs
				a.Flags(fs)
				return func(ctx context.Context, m module.Module, files []string, out io.Writer) error {
					return CLIImport(audit.WithActor(ctx, audit.Actor{Username: "cli"}), m.(*Module).svc, a, files, out)
				}
			}},
	},
}

// Name is the module's folder and URL prefix.
func (m *Module) Name() string { return "reconsider" }

// Register adds the module's pages, API operations, menu entries and workbench todos.
func (m *Module) Register(app *web.App, reg *api.Registry) {
	m.registerPages(app)
	api.Mount(app, reg, m.apiSpecs())
}

// Redate recomputes open cases' deadlines after a calendar change (module.Redating).
func (m *Module) Redate(ctx context.Context, tx *db.Tx, cal *calendar.Calendar) ([]calendar.Moved, error) {
	return m.svc.Redate(ctx, tx, cal)
}

// Seeder is the demo county's year of cases (module.Seeding).
func (m *Module) Seeder() demo.Seeder { return Seeder(m.svc) }

// Jobs are the periodic scans (module.Scheduled).
func (m *Module) Jobs() []module.Job {
	return []module.Job{{Name: "reconsider.deem-accepted", Label: "复议申请审查期限届满视为受理", Every: 10 * time.Minute, Run: m.svc.DeemAccepted}}
}
