package webtest

import (
	"testing"

	"github.com/fazhi/fazhi/internal/demo"
)

func TestDemoPassword(t *testing.T) {
	if DemoPassword != demo.Password {
		t.Fatalf("webtest.DemoPassword %q differs from demo.Password %q", DemoPassword, demo.Password)
	}
}
