package cli

import (
	"context"

	"github.com/fazhi/fazhi/internal/demo"
)

// registerModules plugs every module into the shell: routes, menu entries, workbench todos,
// calendar re-dating. One line per module, in menu order.
func registerModules(e *Env) {
}

// seeders lists each module's demo data, in dependency order.
func (e *Env) seeders() []demo.Seeder {
	return nil
}

// LoadDemo loads the demo deployment into an empty database.
func (e *Env) LoadDemo(ctx context.Context, scale string) (demo.Summary, error) {
	return demo.Load(ctx, e.DB, e.Org, e.Auth, scale, e.seeders())
}
