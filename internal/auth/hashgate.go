package auth

import (
	"context"
	"errors"
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Every argon2id hash allocates its whole memory cost (64 MiB) at once, so unbounded parallel
// logins run the server out of memory. The gate admits a fixed number of hashes at a time; the
// others queue with their request's context and give up after a wait.

var (
	// ErrBusy: no hash slot came free within the wait.
	ErrBusy = errors.New("当前登录人数过多，系统繁忙，请稍后再试")
	// ErrGaveUp: the request ended (the client left) while it waited for a slot.
	ErrGaveUp = errors.New("登录请求已取消，请重新登录")
)

// DefaultHashWait is how long a login queues for a hash slot before ErrBusy.
const DefaultHashWait = 10 * time.Second

type hashGate struct {
	slots   chan struct{}
	wait    time.Duration
	running atomic.Int64
	peak    atomic.Int64
}

var gate atomic.Pointer[hashGate]

func init() { SetHashLimit(0, 0) }

// SetHashLimit sets how many password hashes may run at once (n <= 0: AutoHashSlots) and how
// long a caller waits for one (wait <= 0: DefaultHashWait). Hashes already running finish on the
// old gate.
func SetHashLimit(n int, wait time.Duration) {
	if n <= 0 {
		n = AutoHashSlots()
	}
	if wait <= 0 {
		wait = DefaultHashWait
	}
	gate.Store(&hashGate{slots: make(chan struct{}, n), wait: wait})
}

// HashSlots is the current number of hash slots.
func HashSlots() int { return cap(gate.Load().slots) }

// AutoHashSlots is min(GOMAXPROCS, budget / memory of one hash), at least 1, where the budget
// is half the memory the process may use (GOMEMLIMIT, else the cgroup limit, else physical RAM).
func AutoHashSlots() int {
	per := int64(defaultParams.memory) * 1024 // the production cost, even while tests lower it
	n := runtime.GOMAXPROCS(0)
	if budget := memoryLimit() / 2; budget > 0 && per > 0 {
		n = min(n, int(budget/per))
	}
	return max(n, 1)
}

func memoryLimit() int64 {
	if l := debug.SetMemoryLimit(-1); l > 0 && l < math.MaxInt64 {
		return l
	}
	for _, f := range []string{"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"} {
		if b, err := os.ReadFile(f); err == nil {
			if n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64); err == nil && n > 0 && n < 1<<50 {
				return n
			}
		}
	}
	if b, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if f := strings.Fields(line); len(f) >= 2 && f[0] == "MemTotal:" {
				if kb, err := strconv.ParseInt(f[1], 10, 64); err == nil {
					return kb * 1024
				}
			}
		}
	}
	return 0
}

// acquire takes a slot, waiting at most the gate's wait and no longer than ctx lives.
func acquireHash(ctx context.Context) (release func(), err error) {
	g := gate.Load()
	select {
	case g.slots <- struct{}{}:
	default:
		t := time.NewTimer(g.wait)
		defer t.Stop()
		select {
		case g.slots <- struct{}{}:
		case <-ctx.Done():
			return nil, ErrGaveUp
		case <-t.C:
			return nil, ErrBusy
		}
	}
	n := g.running.Add(1)
	for p := g.peak.Load(); n > p && !g.peak.CompareAndSwap(p, n); p = g.peak.Load() {
	}
	var once sync.Once // a second release must not free someone else's slot
	return func() { once.Do(func() { g.running.Add(-1); <-g.slots }) }, nil
}
