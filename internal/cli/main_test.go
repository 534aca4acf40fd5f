package cli_test

import (
	"testing"

	"github.com/fazhi/fazhi/internal/demotest"
)

// The route × role test copies the demo county from a template loaded once per process.
func TestMain(m *testing.M) { demotest.Main(m) }
