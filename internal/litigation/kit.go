package litigation

import (
	"context"
	"embed"
	"flag"
	"io"
	"time"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/module"
	"github.com/fazhi/fazhi/internal/officialdoc"
	"github.com/fazhi/fazhi/internal/reconsider"
	"github.com/fazhi/fazhi/internal/settings"
	"github.com/fazhi/fazhi/internal/web"
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// Migrations are the module's own tables (numbers 0020–0029).
var Migrations = module.MigrationsIn(migrationFS)

// Spec lists 行政应诉 in cli's module list.
var Spec = module.Spec{Name: "litigation", Migrations: Migrations,
	New: func(d module.Deps, built func(string) module.Module) module.Module {
		m := New(d)
		if d.Notify != nil {
			d.Notify.Remind(m.Reminders)
		}
		// The reconsideration case page lists its lawsuits: reconsider cannot import this module.
		if built != nil {
			if rc, ok := built("reconsider").(*reconsider.Module); ok && rc != nil {
				rc.SetLawsuits(m.Lawsuits)
			}
		}
		return m
	},
	Commands: []module.Command{
		{Verb: "stats", Name: "litigation", Usage: "litigation --organ CODE --year YYYY [--instance first|second|retrial|all] [--format json]",
			Flags: func(fs *flag.FlagSet) module.Runner {
				var a StatsArgs
				a.Flags(fs)
				return func(ctx context.Context, m module.Module, _ []string, out io.Writer) error {
					return CLIStats(ctx, m.(*Module), a, out)
				}
			}},
		{Verb: "import", Name: "litigation", Usage: "litigation FILE --organ CODE（应诉台账）",
			Flags: func(fs *flag.FlagSet) module.Runner {
				var a ImportArgs
				a.Flags(fs)
				return func(ctx context.Context, m module.Module, files []string, out io.Writer) error {
					return CLIImport(audit.WithActor(ctx, audit.Actor{Username: "cli"}), m.(*Module), a, files, out)
				}
			}},
	},
}

// Module is 行政应诉.
type Module struct {
	d        module.Deps
	settings *settings.Store
	kind     casework.Kind[*Case]
	now      func() time.Time
	cal      func() *calendar.Calendar
	app      *web.App
	docs     *officialdoc.Room[*Case]
	recDocs  *officialdoc.Room[*Recommendation]
	blobs    officialdoc.Blobs
}

// New builds the module on the platform services.
func New(d module.Deps) *Module {
	m := &Module{d: d, now: time.Now, settings: settings.New(d.DB, d.Org)}
	def := calendar.Default()
	m.cal = func() *calendar.Calendar { return def }
	if d.Calendar != nil {
		m.cal = d.Calendar.Current
	}
	m.initKind()
	m.initDocs()
	return m
}

// SetClock replaces the clock (tests).
func (m *Module) SetClock(now func() time.Time) { m.now = now }

// SetCalendar replaces the calendar source (tests).
func (m *Module) SetCalendar(cal func() *calendar.Calendar) { m.cal = cal }

// Today is the legal date now.
func (m *Module) Today() calendar.Date { return calendar.InShanghai(m.now()) }

// Name is the module's folder and URL prefix.
func (m *Module) Name() string { return "litigation" }

// Redate recomputes the open cases' deadlines after a holiday-calendar change (module.Redating):
// the answer and draft milestones of cases in their answer period and the appeal period of
// decisions served and not yet decided on.
func (m *Module) Redate(ctx context.Context, tx *db.Tx, cal *calendar.Calendar) ([]calendar.Moved, error) {
	return casework.Redate(ctx, tx, cal, casework.Redating[*Case]{
		Open: func(ctx context.Context, tx *db.Tx) ([]*Case, error) {
			return queryCases(ctx, tx, `(state = 'assigned' OR (state = 'decided' AND appeal_decided = 0 AND decision_served_on <> ''))`, nil, Filter{Limit: 10000})
		},
		Deadlines: func(c *Case) []casework.Deadline {
			if c.State == StateDecided {
				return []casework.Deadline{{What: AppealRule(c.Outcome).Name + "期限", On: c.AppealDue}}
			}
			return []casework.Deadline{{What: RuleDraft.Name, On: c.DraftDue}, {What: "答辩期限", On: c.AnswerDue}}
		},
		Recompute: func(ctx context.Context, tx *db.Tx, c *Case, cal *calendar.Calendar) error {
			c.Recompute(cal)
			return nil
		},
		Save: func(ctx context.Context, tx *db.Tx, c *Case) error {
			// Only the running period is written: a concluded step keeps the deadline it was judged by.
			if c.State == StateDecided {
				return tx.ExecOne(ctx, `UPDATE litigation_cases SET appeal_due = ?, version = version + 1 WHERE id = ?`, dateText(c.AppealDue), c.ID)
			}
			return tx.ExecOne(ctx, `UPDATE litigation_cases SET answer_due = ?, draft_due = ?, version = version + 1 WHERE id = ?`, dateText(c.AnswerDue), dateText(c.DraftDue), c.ID)
		},
		Name: func(c *Case) (string, string) { return "行政应诉 " + c.Docket, caseURL(c.ID) },
	})
}
