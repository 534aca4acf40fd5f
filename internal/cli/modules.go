package cli

import (
	"context"
	"io/fs"

	"github.com/fazhi/fazhi/internal/admin"
	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/disclosure"
	"github.com/fazhi/fazhi/internal/enforce"
	"github.com/fazhi/fazhi/internal/files"
	"github.com/fazhi/fazhi/internal/jobs"
	"github.com/fazhi/fazhi/internal/lawlib"
	"github.com/fazhi/fazhi/internal/litigation"
	"github.com/fazhi/fazhi/internal/module"
	"github.com/fazhi/fazhi/internal/normdoc"
	"github.com/fazhi/fazhi/internal/overview"
	"github.com/fazhi/fazhi/internal/reconsider"
	"github.com/fazhi/fazhi/internal/review"
	"github.com/fazhi/fazhi/internal/search"
)

// moduleList is the one list of domain modules: adding a module is one line here. The order is
// the order of building (a module may use one listed before it), of the demo seeders and of the menu.
func moduleList() []module.Spec {
	return []module.Spec{
		reconsider.Spec,
		review.Spec,
		normdoc.Spec, // after review
		litigation.Spec,
		disclosure.Spec,
		enforce.Spec,
	}
}

// modules holds what the CLI commands call directly.
type modules struct {
	reconsider *reconsider.Service
	review     *review.Service
	normdoc    *normdoc.Service
	search     *search.Index
	laws       *lawlib.Library
}

// registerModules plugs the platform rooms and every listed module into the shell: routes, API
// operations, menu entries, workbench todos, calendar re-dating; then the OpenAPI document.
func registerModules(e *Env) {
	e.Files = files.New(e.DB, files.NewDiskStore(e.Cfg.FilesDir()), e.Cfg.MaxUpload)
	e.API = api.NewRegistry()
	e.wireNotify()

	e.mods.search = search.NewIndex(e.DB)
	e.mods.laws = lawlib.New(e.DB, e.mods.search)

	am := admin.New(admin.Deps{DB: e.DB, Org: e.Org, Auth: e.Auth, Calendar: e.Calendar, LawLoad: e.mods.laws.LoadProgress})
	am.Register(e.Web)
	am.DescribeAPI(e.API)

	search.NewModule(e.mods.search).Register(e.Web)
	lawlib.NewModule(e.mods.laws).Register(e.Web)
	e.wireLawLoad()

	deps := module.Deps{DB: e.DB, Org: e.Org, Auth: e.Auth, Calendar: e.Calendar, Cipher: e.Cipher, Files: e.Files,
		Search: e.mods.search, Notify: e.kit.notify, Log: e.Log}
	for _, spec := range e.specs {
		m := spec.New(deps, e.module)
		e.modules = append(e.modules, m)
		m.Register(e.Web, e.API)
		if r, ok := m.(module.Redating); ok {
			e.Calendar.OnChange(r.Redate)
		}
	}
	e.mods.reconsider = service[*reconsider.Module](e, "reconsider").Service()
	e.mods.review = service[*review.Module](e, "review").Service()
	e.mods.normdoc = service[*normdoc.Module](e, "normdoc").Service()

	e.wireOverview()
	e.wireScheduler()
	api.Register(e.Web, e.API) // last: the OpenAPI document lists every API route registered above
}

// service returns the listed module of that name for the CLI commands that call it.
func service[M module.Module](e *Env, name string) M {
	m, _ := e.module(name).(M)
	return m
}

func moduleMigrations(specs []module.Spec) []fs.FS {
	var out []fs.FS
	for _, s := range specs {
		if s.Migrations != nil {
			out = append(out, s.Migrations)
		}
	}
	return out
}

// module returns a module built earlier in the list, nil when absent.
func (e *Env) module(name string) module.Module {
	for _, m := range e.modules {
		if m.Name() == name {
			return m
		}
	}
	return nil
}

// Modules lists the modules built from the module list.
func (e *Env) Modules() []module.Module { return append([]module.Module(nil), e.modules...) }

// jobs lists every periodic job: the modules' scans and the message centre's reminders and pruning.
func (e *Env) jobs() []jobs.Job {
	var out []jobs.Job
	for _, m := range e.modules {
		if s, ok := m.(module.Scheduled); ok {
			out = append(out, s.Jobs()...)
		}
	}
	return append(out, e.kit.notify.Jobs(e.Cfg.MessageDays)...)
}

// seeders lists each module's demo data, in list order.
func (e *Env) seeders() []demo.Seeder {
	var out []demo.Seeder
	for _, m := range e.modules {
		if s, ok := m.(module.Seeding); ok {
			out = append(out, s.Seeder())
		}
	}
	return out
}

// LoadDemo loads the demo deployment into an empty database.
func (e *Env) LoadDemo(ctx context.Context, scale string) (demo.Summary, error) {
	return demo.Load(ctx, e.DB, e.Org, e.Auth, scale, e.seeders())
}

// wireOverview gives the leader's overview the modules that report figures (module.Reporting).
func (e *Env) wireOverview() {
	var reps []overview.Reporter
	for _, m := range e.modules {
		if r, ok := m.(module.Reporting); ok {
			reps = append(reps, overview.Reporter{Name: m.Name(), Label: overview.Label(m.Name()), Figures: r.Figures})
		}
	}
	overview.New(e.Org, reps).Register(e.Web)
}
