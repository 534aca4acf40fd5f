package cli

import (
	"context"
	"io"
	"testing"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/config"
	"github.com/fazhi/fazhi/internal/dbtest"
)

// Every API route the product registers is described in /api/v1/openapi.json.
func TestEveryAPIRouteIsDescribed(t *testing.T) {
	auth.SetTestingCost()
	cfg := config.Default()
	cfg.Data = t.TempDir()
	cfg.DB = dbtest.PostgresDSN(t)
	e, err := Open(context.Background(), cfg, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	if err := e.API.Check(e.Web.Routes()); err != nil {
		t.Fatal(err)
	}
}
