package cli

import (
	"context"
	"io/fs"
	"time"

	"github.com/fazhi/fazhi/internal/admin"
	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/files"
	"github.com/fazhi/fazhi/internal/jobs"
	"github.com/fazhi/fazhi/internal/lawlib"
	"github.com/fazhi/fazhi/internal/module"
	"github.com/fazhi/fazhi/internal/normdoc"
	"github.com/fazhi/fazhi/internal/reconsider"
	"github.com/fazhi/fazhi/internal/review"
	"github.com/fazhi/fazhi/internal/search"
)

// modules holds the wired domain modules, for the CLI commands that call them.
type modules struct {
	reconsider *reconsider.Service
	review     *review.Service
	normdoc    *normdoc.Service
	search     *search.Index
	laws       *lawlib.Library
}

// registerModules plugs every module into the shell: routes, menu entries, workbench todos,
// calendar re-dating. One block per module, in menu order.
func registerModules(e *Env) {
	e.Files = files.New(e.DB, files.NewDiskStore(e.Cfg.FilesDir()), e.Cfg.MaxUpload)
	e.API = api.NewRegistry()

	am := admin.New(admin.Deps{DB: e.DB, Org: e.Org, Auth: e.Auth, Calendar: e.Calendar})
	am.Register(e.Web)
	am.DescribeAPI(e.API)

	e.mods.reconsider = reconsider.New(e.DB, e.Org, e.Auth, e.Calendar.Current, e.Cipher)
	e.Calendar.OnChange(e.mods.reconsider.Redate)
	rm := reconsider.NewModule(e.mods.reconsider, e.Files)
	rm.Register(e.Web)
	rm.DescribeAPI(e.API)

	e.mods.search = search.NewIndex(e.DB)
	e.mods.laws = lawlib.New(e.DB, e.mods.search)
	e.mods.review = review.New(e.DB, e.Org, e.Auth, e.Calendar.Current)
	e.Calendar.OnChange(e.mods.review.Redate)
	rv := review.NewModule(e.mods.review)
	rv.Register(e.Web)
	rv.DescribeAPI(e.API)
	e.mods.normdoc = normdoc.New(e.DB, e.Org, e.Auth, e.mods.review, e.Calendar.Current, normdoc.SearchIndex(e.mods.search))
	e.Calendar.OnChange(e.mods.normdoc.Redate)
	nd := normdoc.NewModule(e.mods.normdoc)
	nd.Register(e.Web)
	nd.DescribeAPI(e.API)
	search.NewModule(e.mods.search).Register(e.Web)
	lawlib.NewModule(e.mods.laws).Register(e.Web)

	deps := module.Deps{DB: e.DB, Org: e.Org, Auth: e.Auth, Calendar: e.Calendar, Cipher: e.Cipher, Files: e.Files, Log: e.Log}
	for _, spec := range e.specs {
		m := spec.New(deps, e.module)
		e.modules = append(e.modules, m)
		m.Register(e.Web, e.API)
		if r, ok := m.(module.Redating); ok {
			e.Calendar.OnChange(r.Redate)
		}
	}

	api.Register(e.Web, e.API) // last: the OpenAPI document lists every API route registered above
}

// moduleList is the one list of domain modules on the kit: adding a module is one line here.
func moduleList() []module.Spec {
	return []module.Spec{}
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

// moduleJobs lists the periodic jobs the modules on the kit declare.
func (e *Env) moduleJobs() []module.Job {
	var out []module.Job
	for _, m := range e.modules {
		if s, ok := m.(module.Scheduled); ok {
			out = append(out, s.Jobs()...)
		}
	}
	return out
}

// seeders lists each module's demo data, in dependency order.
func (e *Env) seeders() []demo.Seeder {
	out := []demo.Seeder{reconsider.Seeder(e.mods.reconsider), review.Seeder(e.mods.review), normdoc.Seeder(e.mods.normdoc)}
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

// jobs lists the periodic scans the modules and the platform declare; `serve` runs them through
// one scheduler shared by every instance on the database.
func (e *Env) jobs() []jobs.Job {
	return append([]jobs.Job{
		{Name: "reconsider.deem-accepted", Label: "复议申请审查期限届满视为受理", Every: 10 * time.Minute, Run: e.mods.reconsider.DeemAccepted},
		{Name: "normdoc.expire", Label: "规范性文件有效期届满标为失效", Every: 10 * time.Minute, Run: e.mods.normdoc.ExpireDue},
	}, append(e.moduleJobs(), e.kit.notify.Jobs(e.Cfg.MessageDays)...)...)
}
