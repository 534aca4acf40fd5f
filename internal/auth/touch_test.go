package auth

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Requests of one session that arrive together write its last_seen_at once, not once each.
func TestTouchOncePerSession(t *testing.T) {
	var tc touches
	now := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	var wins atomic.Int32
	var wg sync.WaitGroup
	for range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if tc.claim("s1", now, time.Minute) {
				wins.Add(1)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d of 50 simultaneous requests would write, want 1", wins.Load())
	}
	if !tc.claim("s2", now, time.Minute) {
		t.Error("another session is not held back")
	}
	if tc.claim("s1", now.Add(59*time.Second), time.Minute) {
		t.Error("written again within the interval")
	}
	if !tc.claim("s1", now.Add(time.Minute), time.Minute) {
		t.Error("not written again after the interval")
	}
}

// Touches queued together are written in one batch, after the request that queued them returned.
func TestTouchesWrittenTogether(t *testing.T) {
	var tc touches
	got := make(chan map[string]time.Time, 2)
	now := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	for _, h := range []string{"a", "b", "c"} {
		tc.queue(h, now, func(batch map[string]time.Time) { got <- batch })
	}
	select {
	case batch := <-got:
		if len(batch) != 3 {
			t.Errorf("batch %v, want the three sessions", batch)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the touches were never written")
	}
	select {
	case extra := <-got:
		t.Errorf("a second batch %v", extra)
	case <-time.After(2 * touchDelay):
	}
}
