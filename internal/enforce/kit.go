// Package enforce is 行政执法监督: enforcement bodies, officers and certificates, enforcement
// records checked against the 三项制度, 案卷评查, supervision matters and verifiable 双随机 draws
// (legal-rules-2 §(c)).
package enforce

import (
	"context"
	"embed"
	"flag"
	"io"
	"time"

	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/litigation"
	"github.com/fazhi/fazhi/internal/module"
	"github.com/fazhi/fazhi/internal/officialdoc"
	"github.com/fazhi/fazhi/internal/reconsider"
	"github.com/fazhi/fazhi/internal/settings"
	"github.com/fazhi/fazhi/internal/web"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Spec lists 行政执法监督 in cli's module list.
var Spec = module.Spec{Name: "enforce", Migrations: module.MigrationsIn(migrationFS), New: New,
	Commands: []module.Command{
		{Verb: "stats", Name: "enforcement", Aliases: []string{"enforce"}, Usage: "enforcement --organ CODE --year YYYY [--format json]",
			Flags: func(fs *flag.FlagSet) module.Runner {
				var a StatsArgs
				a.Flags(fs)
				return func(ctx context.Context, m module.Module, _ []string, out io.Writer) error {
					return CLIStats(ctx, m.(*Module), a, out)
				}
			}},
		{Verb: "import", Name: "enforcement", Aliases: []string{"enforce"}, Usage: "enforcement FILE --organ CODE（执法记录）",
			Flags: func(fs *flag.FlagSet) module.Runner {
				var organ string
				fs.StringVar(&organ, "organ", "", "机关代码（县级人民政府或执法部门），执法主体按名称在其下查找，见 fazhi org list")
				return func(ctx context.Context, m module.Module, files []string, out io.Writer) error {
					return CLIImport(audit.WithActor(ctx, audit.Actor{Username: "cli"}), m.(*Module), organ, files, out)
				}
			}},
		{Verb: "enforce", Name: "verify-draw", Usage: "verify-draw --draw ID | --campaign ID（复核双随机抽取结果或案卷评查的抽样）",
			Flags: func(fs *flag.FlagSet) module.Runner {
				var id, campaign string
				fs.StringVar(&id, "draw", "", "抽取编号（公开页面上的编号）")
				fs.StringVar(&campaign, "campaign", "", "案卷评查活动编号（评查活动页面上的编号）")
				return func(ctx context.Context, m module.Module, _ []string, out io.Writer) error {
					if campaign != "" {
						return CLIVerifySample(ctx, m.(*Module), campaign, out)
					}
					return CLIVerifyDraw(ctx, m.(*Module), id, out)
				}
			}},
	},
}

// Module is 行政执法监督.
type Module struct {
	d          module.Deps
	set        *settings.Store
	certKind   casework.Kind[*Certificate]
	matterKind casework.Kind[*Matter]
	evalKind   casework.Kind[*Evaluation]
	docs       *officialdoc.Room[*Matter]
	today      func() calendar.Date
	app        *web.App
	recon      *reconsider.Service // 复议纠错 by respondent (nil when not deployed)
	lit        *litigation.Module  // 诉讼败诉 by defendant
}

// New builds the module.
func New(d module.Deps, built func(string) module.Module) module.Module {
	m := &Module{d: d, set: settings.New(d.DB, d.Org), today: calendar.Today}
	if built != nil { // read only through their exported statistics
		if r, ok := built("reconsider").(*reconsider.Module); ok {
			m.recon = r.Service()
		}
		if l, ok := built("litigation").(*litigation.Module); ok {
			m.lit = l
		}
	}
	m.certKind = casework.Kind[*Certificate]{
		OwnerType: "enforce_certificate", Table: "enforce_certificates", Noun: "执法证", Audit: "enforce",
		Load: m.loadCertTx, Save: m.saveCert,
		Facts: func(c *Certificate) casework.Facts {
			return casework.Facts{ID: c.ID, OrganID: c.OrganID, State: c.State, Version: c.Version}
		},
		StateLabel: func(s string) string { return LabelOf(CertStates, s) },
	}
	m.matterKind = casework.Kind[*Matter]{
		OwnerType: "enforce_matter", Table: "enforce_matters", Noun: "监督事项", Audit: "enforce",
		Load: m.loadMatterTx, Save: m.saveMatter,
		Facts: func(x *Matter) casework.Facts {
			return casework.Facts{ID: x.ID, OrganID: x.OrganID, State: x.State, Version: x.Version}
		},
		StateLabel: func(s string) string { return LabelOf(MatterStates, s) },
		After:      m.draftDocument,
	}
	m.evalKind = casework.Kind[*Evaluation]{
		OwnerType: "enforce_evaluation", Table: "enforce_evaluations", Noun: "评查案卷", Audit: "enforce",
		Load: m.loadEvalTx, Save: m.saveEval,
		Facts: func(e *Evaluation) casework.Facts {
			return casework.Facts{ID: e.ID, OrganID: e.OrganID, State: e.State, Version: e.Version}
		},
		StateLabel: func(s string) string { return LabelOf(EvalStates, s) },
	}
	m.docs = m.documentRoom()
	if d.Notify != nil {
		d.Notify.Remind(m.Reminders)
	}
	return m
}

// Name is the module's folder and URL prefix.
func (m *Module) Name() string { return "enforce" }

// DB is the module's database (tests).
func (m *Module) DB() *db.DB { return m.d.DB }

// SetToday fixes the module's clock (tests).
func (m *Module) SetToday(d calendar.Date) { m.today = func() calendar.Date { return d } }

// Register adds the module's pages, API operations, menu entries and workbench todos.
func (m *Module) Register(app *web.App, reg *api.Registry) {
	m.registerPages(app)
	api.Mount(app, reg, append(m.apiEndpoints(), m.evaluationEndpoints()...))
}

// Seeder is the demo county's bodies, officers and a year of records (module.Seeding).
func (m *Module) Seeder() demo.Seeder { return m.seed }

// Jobs are the periodic scans (module.Scheduled).
func (m *Module) Jobs() []module.Job {
	return []module.Job{{Name: "enforce.scan", Label: "执法记录公示与执法证有效期扫描", Every: 6 * time.Hour, Run: m.Scan}}
}

// Redate recomputes publication deadlines after a calendar change (module.Redating).
func (m *Module) Redate(ctx context.Context, tx *db.Tx, cal *calendar.Calendar) ([]calendar.Moved, error) {
	return m.redate(ctx, tx, cal)
}
