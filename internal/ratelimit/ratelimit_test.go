package ratelimit

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/dbtest"
)

func TestWindowCountsAndResets(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t)
	l := New(d)
	now := time.Date(2025, 3, 1, 9, 0, 10, 0, time.UTC)
	l.SetClock(func() time.Time { return now })
	rule := Rule{Max: 3, Window: time.Minute}
	for i := 1; i <= 3; i++ {
		if r, err := l.Hit(ctx, "k", rule); err != nil || !r.Allowed || r.Count != i {
			t.Fatalf("第 %d 次：%+v %v", i, r, err)
		}
	}
	r, err := l.Hit(ctx, "k", rule)
	if err != nil || r.Allowed || !r.First(rule) || r.RetryAfter != 50*time.Second {
		t.Fatalf("第 4 次应被拒绝并在 50 秒后可重试：%+v %v", r, err)
	}
	if r, _ := l.Hit(ctx, "other", rule); !r.Allowed {
		t.Fatal("另一个键不受影响")
	}
	now = now.Add(time.Minute)
	if r, _ := l.Hit(ctx, "k", rule); !r.Allowed || r.Count != 1 {
		t.Fatalf("新窗口应重新计数：%+v", r)
	}
	// A second limiter on the same database (another instance, or after a restart) sees the same count.
	l2 := New(d)
	l2.SetClock(func() time.Time { return now })
	if r, _ := l2.Hit(ctx, "k", rule); r.Count != 2 {
		t.Fatalf("计数应保存在数据库中：%+v", r)
	}
	if err := l.Reset(ctx, "k"); err != nil {
		t.Fatal(err)
	}
	if r, _ := l.Hit(ctx, "k", rule); r.Count != 1 {
		t.Fatalf("Reset 后应重新计数：%+v", r)
	}
}

// Parallel hits never let more than Max through.
func TestParallelHitsAreCountedOnce(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t)
	l := New(d)
	rule := Rule{Max: 10, Window: time.Hour}
	var allowed atomic.Int32
	var wg sync.WaitGroup
	for i := 0; i < 40; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := l.Hit(ctx, "p", rule)
			if err != nil {
				t.Error(err)
				return
			}
			if r.Allowed {
				allowed.Add(1)
			}
		}()
	}
	wg.Wait()
	if allowed.Load() != 10 {
		t.Fatalf("放行 %d 次，应为 10 次", allowed.Load())
	}
	var n int
	if err := d.QueryRowContext(ctx, `SELECT count FROM rate_limits WHERE key = ?`, "p").Scan(&n); err != nil || n != 40 {
		t.Fatalf("计数 %d %v，应为 40", n, err)
	}
}

// Peek reads the count without counting: a failures-only limit blocks after Max failures.
func TestPeek(t *testing.T) {
	l := New(dbtest.Open(t))
	ctx := context.Background()
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	l.SetClock(func() time.Time { return now })
	rule := Rule{Max: 3, Window: 10 * time.Minute}
	for i := 0; i < 3; i++ {
		if r, err := l.Peek(ctx, "k", rule); err != nil || !r.Allowed || r.Count != i {
			t.Fatalf("peek before failure %d: %+v %v", i+1, r, err)
		}
		l.Hit(ctx, "k", rule)
	}
	if r, _ := l.Peek(ctx, "k", rule); r.Allowed || r.Count != 3 || r.RetryAfter != 10*time.Minute {
		t.Fatalf("after three failures: %+v", r)
	}
	if r, _ := l.Peek(ctx, "other", rule); !r.Allowed {
		t.Fatalf("another key is not affected: %+v", r)
	}
	now = now.Add(10 * time.Minute)
	if r, _ := l.Peek(ctx, "k", rule); !r.Allowed || r.Count != 0 {
		t.Fatalf("next window: %+v", r)
	}
}
