package stats_test

import (
	"context"
	"testing"

	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/stats"
)

func TestTouchAndMemo(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t)
	touch := func(module string, ids ...string) {
		t.Helper()
		if err := d.Tx(ctx, func(tx *db.Tx) error { return stats.Touch(ctx, tx, module, ids...) }); err != nil {
			t.Fatal(err)
		}
	}
	touch("m", "a", "b", "a") // one count per organ per transaction
	touch("m", "a")
	touch("other", "b")
	v, err := stats.Versions(ctx, d, "m", []string{"a", "b", "c"})
	if err != nil {
		t.Fatal(err)
	}
	if v["a"] != 2 || v["b"] != 1 || v["c"] != 0 {
		t.Errorf("versions %v, want a=2 b=1 c=0", v)
	}
	m := stats.NewMemo[string](2)
	m.Put("a|2025", 2, "x")
	if got, ok := m.Get("a|2025", 2); !ok || got != "x" {
		t.Errorf("same version: %q %v", got, ok)
	}
	if _, ok := m.Get("a|2025", 3); ok {
		t.Error("a newer version must miss")
	}
	m.Put("b|2025", 1, "y")
	m.Put("c|2025", 0, "z") // past the limit: starts again
	if _, ok := m.Get("a|2025", 2); ok {
		t.Error("entries past the limit are dropped")
	}
	if got, ok := m.Get("c|2025", 0); !ok || got != "z" {
		t.Errorf("newest entry: %q %v", got, ok)
	}
}
