package benchcpu

import (
	"math/rand/v2"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Users runs get from 32 goroutines and reports the latency percentiles (p50-ms, p99-ms) and this
// process's CPU per request (cpu-ms/op). With think = 0 every goroutine fires its next request at
// once (saturation: latency is queueing on the cores); with think > 0 each is a user who waits a
// random 0…2×think before each page, as people do. get(i) serves request number i.
func Users(b *testing.B, think time.Duration, get func(i int) error) {
	var mu sync.Mutex
	var lat []time.Duration
	var seq atomic.Int64
	b.SetParallelism((32 + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0)) // GOMAXPROCS × parallelism ≥ 32 goroutines
	c0 := Process()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		r := rand.New(rand.NewPCG(uint64(seq.Add(1000)), 7))
		for pb.Next() {
			if think > 0 {
				time.Sleep(time.Duration(r.Int64N(int64(2 * think))))
			}
			i := int(seq.Add(1))
			start := time.Now()
			if err := get(i); err != nil {
				b.Error(err)
				return
			}
			mine = append(mine, time.Since(start))
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	b.StopTimer()
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	pct := func(p float64) float64 {
		return float64(lat[min(len(lat)-1, int(p*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(Process()-c0)/float64(len(lat))/1e6, "cpu-ms/op")
}
