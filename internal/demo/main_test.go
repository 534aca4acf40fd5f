package demo

import (
	"os"
	"testing"

	"github.com/fazhi/fazhi/internal/auth"
)

// The demo accounts' password is hashed once per load; at the production cost that is most of a
// small test's time, and what is checked here is the cast, not the hash.
func TestMain(m *testing.M) {
	auth.SetTestingCost()
	os.Exit(m.Run())
}
