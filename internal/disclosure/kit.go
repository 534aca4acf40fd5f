// Package disclosure is 依申请公开: government-information requests under the 2019 Regulation
// (国务院令第711号) — intake, the statutory clock, every reply type, fees, and the annual report's
// tables 三 and 四 (国办公开办函〔2021〕30号). Law: legal-rules-2.md §(d), legal-rules.md §3.
package disclosure

import (
	"context"
	"embed"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/files"
	"github.com/fazhi/fazhi/internal/litigation"
	"github.com/fazhi/fazhi/internal/module"
	"github.com/fazhi/fazhi/internal/normdoc"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/ratelimit"
	"github.com/fazhi/fazhi/internal/reconsider"
	"github.com/fazhi/fazhi/internal/stats"
	"github.com/fazhi/fazhi/internal/web"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Migrations are the module's own tables (0030–0039).
var Migrations = module.MigrationsIn(migrationFS)

// Spec lists 依申请公开 in cli's module list.
var Spec = module.Spec{Name: "disclosure", Migrations: Migrations,
	New: func(d module.Deps, built func(string) module.Module) module.Module {
		m := NewModule(New(d.DB, d.Org, d.Calendar.Current, d.Cipher), d.Files)
		m.auth = d.Auth
		if d.Notify != nil {
			d.Notify.Remind(m.svc.Reminders)
		}
		if nd, ok := built("normdoc").(*normdoc.Module); ok && nd != nil {
			m.svc.normdoc = nd.Service()
		}
		if rc, ok := built("reconsider").(*reconsider.Module); ok && rc != nil {
			m.svc.reconsider = reconsiderLookup(rc.Service())
			m.svc.results.Reconsideration = reconsiderResults
		}
		if lt, ok := built("litigation").(*litigation.Module); ok && lt != nil {
			m.svc.litigation = litigationLookup(d.DB)
			m.svc.results.Litigation = litigationResults
		}
		return m
	},
	Commands: []module.Command{
		{Verb: "stats", Name: "disclosure", Usage: "disclosure --organ CODE --year YYYY [--sub] [--format json]（政府信息公开年报表三、表四）",
			Flags: func(fs *flag.FlagSet) module.Runner {
				var a StatsArgs
				a.flags(fs)
				return func(ctx context.Context, m module.Module, _ []string, out io.Writer) error {
					return CLIStats(ctx, m.(*Module).svc, a, out)
				}
			}},
		{Verb: "import", Name: "disclosure", Usage: "disclosure FILE --organ CODE（依申请公开台账）",
			Flags: func(fs *flag.FlagSet) module.Runner {
				var a ImportArgs
				a.flags(fs)
				return func(ctx context.Context, m module.Module, files []string, out io.Writer) error {
					return CLIImport(audit.WithActor(ctx, audit.Actor{Username: "cli"}), m.(*Module).svc, a, files, out)
				}
			}},
	},
}

// Module plugs 依申请公开 into the shell.
type Module struct {
	svc    *Service
	files  *files.Service
	auth   *auth.Service // demo accounts of the 政务公开 office
	limits *ratelimit.Limiter
	app    *web.App
	tmpl   *web.Templates
}

// NewModule wires the module.
func NewModule(svc *Service, f *files.Service) *Module {
	return &Module{svc: svc, files: f, limits: ratelimit.New(svc.db)}
}

// Service is the business layer.
func (m *Module) Service() *Service { return m.svc }

// Name is the module's folder and URL prefix.
func (m *Module) Name() string { return "disclosure" }

// Register adds the pages, API operations, menu entries and workbench todos.
func (m *Module) Register(app *web.App, reg *api.Registry) {
	m.registerPages(app)
	m.transitions().RegisterAPI(app, reg, m.mount())
	m.registerAPI(app, reg)
}

// Redate recomputes open requests' deadlines after a calendar change (module.Redating).
func (m *Module) Redate(ctx context.Context, tx *db.Tx, cal *calendar.Calendar) ([]calendar.Moved, error) {
	return m.svc.Redate(ctx, tx, cal)
}

// Figures are the year's figures (module.Reporting).
func (m *Module) Figures(ctx context.Context, o org.Organ, year int) ([]stats.Figure, error) {
	return m.svc.Figures(ctx, o, year)
}

// Seeder is the demo year of requests and the 政务公开 office's accounts (module.Seeding).
func (m *Module) Seeder() demo.Seeder {
	return func(ctx context.Context, w *demo.World) (string, error) {
		note, err := m.svc.Seed(ctx, w)
		if err != nil || m.auth == nil {
			return note, err
		}
		n, err := m.svc.SeedOfficeStaff(ctx, m.auth, w)
		if n > 0 {
			note += fmt.Sprintf("；政府办公室政务公开账户 %d 个（qs_zwgk、ls_zwgk，办理向县人民政府提出的申请并编制其年度报告）", n)
		}
		return note, err
	}
}

// Jobs are the periodic scans (module.Scheduled).
func (m *Module) Jobs() []module.Job {
	return []module.Job{{Name: "disclosure.lapsed", Label: "补正、缴费期限届满的依申请公开申请不再处理", Every: time.Hour, Run: m.svc.CloseLapsed}}
}

// Redate recomputes the open requests' deadlines under cal.
func (s *Service) Redate(ctx context.Context, tx *db.Tx, cal *calendar.Calendar) ([]calendar.Moved, error) {
	return casework.Redate(ctx, tx, cal, casework.Redating[*Request]{
		Open: func(ctx context.Context, tx *db.Tx) ([]*Request, error) { return openRequests(ctx, tx, "") },
		Deadlines: func(r *Request) []casework.Deadline {
			return []casework.Deadline{{What: "补正告知期限", On: r.Due.AmendNotice}, {What: "答复期限", On: r.Due.Reply}}
		},
		Recompute: func(ctx context.Context, tx *db.Tx, r *Request, cal *calendar.Calendar) error {
			r.Due = ComputeDeadlines(r, cal)
			return nil
		},
		Save: func(ctx context.Context, tx *db.Tx, r *Request) error {
			if err := updateRequest(ctx, tx, r); err != nil {
				return err
			}
			r.Version++
			return nil
		},
		Name: func(r *Request) (string, string) {
			return "依申请公开 " + r.ReceiptNo, "/disclosure/requests/" + r.ID
		},
	})
}

// CloseLapsed closes the requests whose 补正 period (deemed abandoned, 第三十条) or payment period
// ran out; the closing date is the day after the period.
func (s *Service) CloseLapsed(ctx context.Context) (int, error) {
	today := s.Today()
	rs, err := openRequests(ctx, s.db, `AND ((state = 'amending' AND amend_due < ?) OR (state = 'fee' AND fee_due < ?))`, today.String(), today.String())
	if err != nil {
		return 0, err
	}
	n := 0
	for _, r := range rs {
		var err error
		if r.State == StateAmending {
			_, err = s.Abandon(ctx, nil, r.ID, &casework.Step{On: r.AmendDue.AddDays(1), Note: "补正期限届满（系统自动）"})
		} else {
			_, err = s.FeeLapsed(ctx, nil, r.ID, &casework.Step{On: r.FeeDue.AddDays(1), Note: "缴费期限届满（系统自动）"})
		}
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// reconsiderLookup finds a reconsideration case by its exact number among those p may see (the
// respondent's liaison sees the cases against its organ).
func reconsiderLookup(rs *reconsider.Service) ReconsiderLookup {
	return func(ctx context.Context, p *auth.Principal, number string) (string, error) {
		cs, _, err := rs.List(ctx, p, reconsider.Filter{Query: number, Limit: 20})
		if err != nil {
			return "", err
		}
		for _, c := range cs {
			if c.Number == number {
				return c.ID, nil
			}
		}
		return "", nil
	}
}
