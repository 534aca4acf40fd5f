package auth

import (
	"context"
	"testing"
	"time"
)

// HashPeak is the largest number of hashes that ran at once since the gate was set.
func HashPeak() int64 { return gate.Load().peak.Load() }

// HashRunning is the number of hashes running now.
func HashRunning() int64 { return gate.Load().running.Load() }

// UseHashCost sets the argon2 memory (KiB) and passes for one test; 0 keeps the default.
func UseHashCost(t testing.TB, memKiB, passes uint32) {
	old := currentParams()
	p := defaultParams
	if memKiB == 0 && passes == 0 {
		p = cheapParams
	}
	if memKiB > 0 {
		p.memory = memKiB
	}
	if passes > 0 {
		p.time = passes
	}
	setHashParams(p)
	t.Cleanup(func() { setHashParams(old) })
}

// UseHashLimit sets the gate for one test.
func UseHashLimit(t testing.TB, n int, wait time.Duration) {
	SetHashLimit(n, wait)
	t.Cleanup(func() { SetHashLimit(0, 0) })
}

// HoldHashSlot takes a hash slot until the returned func is called.
func HoldHashSlot(t testing.TB) func() {
	release, err := acquireHash(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return release
}
