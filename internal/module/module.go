// Package module is the contract between the platform and a line of work (行政复议, 合法性审查, …).
// A module is its model, rules, flow, SQL, templates and documents in one folder; it plugs in by
// being listed once in cli (cli/modules.go). The platform finds what else a module offers through
// the optional interfaces below: the role table and the route × role test read the permissions
// it declares, the calendar re-dates its deadlines, the demo loads its seeder, the scheduler runs
// its jobs (stats and import commands are still wired in cli/domain.go).
package module

import (
	"context"
	"flag"
	"io"
	"io/fs"
	"log/slog"

	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/files"
	"github.com/fazhi/fazhi/internal/jobs"
	"github.com/fazhi/fazhi/internal/notify"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/search"
	"github.com/fazhi/fazhi/internal/secure"
	"github.com/fazhi/fazhi/internal/stats"
	"github.com/fazhi/fazhi/internal/web"
)

// Deps are the platform services a module is built from. Other modules it calls are passed to
// its constructor explicitly by cli (a module never reaches into another's tables).
type Deps struct {
	DB       *db.DB
	Org      *org.Service
	Auth     *auth.Service
	Calendar *calendar.Store
	Cipher   *secure.FieldCipher
	Files    *files.Service
	Search   *search.Index   // the full-text index (规范性文件, 法规库)
	Notify   *notify.Service // the message centre: modules post inside their transactions
	Log      *slog.Logger
}

// Today is the legal date now, in Asia/Shanghai.
func (d Deps) Today() calendar.Date { return calendar.Today() }

// Module is one line of work.
type Module interface {
	// Name is the module's folder and URL prefix: "reconsider", "review", "normdoc".
	Name() string
	// Register adds the module's pages, API operations, menu entries and workbench todos.
	Register(app *web.App, reg *api.Registry)
}

// Permissioned modules declare their permissions (auth.Declare) and list them here, so the
// role table, the 三员 check and the route × role test cover them.
type Permissioned interface {
	Permissions() []auth.PermDef
}

// Redating modules recompute their open deadlines after a calendar change.
type Redating interface {
	Redate(ctx context.Context, tx *db.Tx, cal *calendar.Calendar) ([]calendar.Moved, error)
}

// Seeding modules add demo records to the demo county (and the province at scale).
type Seeding interface {
	Seeder() demo.Seeder
}

// Job is a periodic scan (deemed acceptance, expiry, reminders, escalation), run by the one
// scheduler (package jobs) that claims each run so several app instances never run it twice.
type Job = jobs.Job

// Scheduled modules declare periodic jobs.
type Scheduled interface {
	Jobs() []Job
}

// Command is a module's command-line verb: `fazhi stats NAME …`, `fazhi import NAME FILE …`.
type Command struct {
	Verb    string   // "stats" or "import"
	Name    string   // "reconsideration"
	Aliases []string // "reconsider"
	Usage   string   // after the verb: "reconsideration FILE --organ CODE"
	// Flags declares the command's flags on fs and returns what runs once they are parsed and the
	// database is open, on the module built from the same Spec.
	Flags func(fs *flag.FlagSet) Runner
}

// Runner runs a command with the built module and the positional arguments.
type Runner func(ctx context.Context, m Module, args []string, out io.Writer) error

// MigrationsIn is the migrations folder of a module's embedded files (//go:embed migrations/*.sql).
func MigrationsIn(f fs.FS) fs.FS {
	sub, err := fs.Sub(f, "migrations")
	if err != nil {
		panic(err) // a constant path: only a typo gets here
	}
	return sub
}

// Spec is how cli lists a module: one line per module in cli/modules.go.
type Spec struct {
	Name string
	// Migrations holds the module's own NNNN_name.sql files (numbers are global across the
	// platform and every module); nil when its tables live in the platform migrations.
	Migrations fs.FS
	// New builds the module. built returns a module listed earlier (e.g. normdoc asks for review).
	New func(d Deps, built func(name string) Module) Module
	// Commands are the module's command-line verbs (declared here, not on the built module, so
	// the command line can parse their flags before the database is open).
	Commands []Command
}

// Reporting modules give their year's figures for an organ (and the organs below it within the
// module's own rule): the seam the annual report (年度报告) reads.
type Reporting interface {
	Figures(ctx context.Context, organ org.Organ, year int) ([]stats.Figure, error)
}
