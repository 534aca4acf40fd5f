package e2e

import (
	"os"
	"testing"

	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/demotest"
)

// The demo county is loaded once per test process into a template (internal/demotest), and each
// test gets its own copy: the SQLite data directory copied, or on PostgreSQL a new database made
// with CREATE DATABASE … TEMPLATE. The template is loaded in-process by the same code as
// `fazhi demo` (cli.Open, then LoadDemo with every module's seeders); the binary then serves it.

// demoData returns a fresh data directory and DSN holding the demo county, on the engine the
// tests run on (SQLite, or PostgreSQL when FAZHI_TEST_POSTGRES is set). Both vanish with the test.
func demoData(t *testing.T) (data, dsn string) {
	t.Helper()
	return demoDataOn(t, os.Getenv(dbtest.EnvPostgres))
}

// demoDataOn is demoData on SQLite when base is "", else on the PostgreSQL server of DSN base.
func demoDataOn(t *testing.T, base string) (data, dsn string) {
	t.Helper()
	return demotest.DataOn(t, base)
}
