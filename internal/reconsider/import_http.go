package reconsider

import (
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/ledger"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/web"
)

// registerImportRoutes: the ledger import pages of the ledger framework (upload, template, preview
// with every problem, commit, progress, error report), for the governments the user may import for.
func (m *Module) registerImportRoutes(app *web.App) {
	ledger.Importer{Spec: m.svc.LedgerSpec(), Base: "/reconsider/import", Title: "复议台账导入", Perm: PermImport,
		Menu: true, Done: "/reconsider/cases", Organs: m.importOrgans, Template: LedgerTemplate}.Register(app)
}

// importOrgans are the governments p may import ledgers for.
func (m *Module) importOrgans(p *auth.Principal) []org.Organ {
	var out []org.Organ
	for _, o := range m.svc.org.All() {
		if o.Kind == org.KindGovernment && m.svc.mayImport(p, o) == nil {
			out = append(out, o)
		}
	}
	return out
}
