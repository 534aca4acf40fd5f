package jobs

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
)

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// clock is a settable time shared by the schedulers of a test.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

func newClock() *clock { return &clock{t: time.Now().UTC().Truncate(time.Second)} }

// second opens another handle on the same database, as a second app instance would.
func second(t *testing.T, d *db.DB, dsn string) *db.DB {
	t.Helper()
	target := dsn
	if target == "" {
		target = d.Path()
	}
	d2, err := db.Open(context.Background(), target, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d2.Close() })
	return d2
}

func state(t *testing.T, s *Scheduler, name string) State {
	t.Helper()
	m, err := s.states(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return m[name]
}

func TestTwoInstancesRunADueJobOnce(t *testing.T) {
	d, dsn := dbtest.OpenDSN(t)
	d2 := second(t, d, dsn)
	c := newClock()
	var runs atomic.Int32
	job := Job{Name: "test.once", Label: "测试", Every: 10 * time.Minute, Run: func(ctx context.Context) (int, error) {
		runs.Add(1)
		time.Sleep(50 * time.Millisecond) // overlap the other instance's attempt
		return 1, nil
	}}
	var scheds []*Scheduler
	for _, h := range []*db.DB{d, d2, d, d2} {
		s := New(h, quiet, job)
		s.Now = c.now
		scheds = append(scheds, s)
	}
	for round := range 3 {
		var wg sync.WaitGroup
		for _, s := range scheds {
			wg.Go(func() {
				if _, err := s.RunDue(context.Background()); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if got := runs.Load(); got != int32(round+1) {
			t.Fatalf("第 %d 轮：任务运行了 %d 次，应为 %d 次（%s）", round+1, got, round+1, dbtest.Engine())
		}
		st := state(t, scheds[0], job.Name)
		if st.Runs != int64(round+1) || st.LastCount != 1 || st.Owner != "" || !st.LeaseUntil.IsZero() {
			t.Fatalf("记录不对：%+v", st)
		}
		// Not yet due a second later; due again after the interval.
		c.set(c.now().Add(time.Second))
		for _, s := range scheds {
			s.RunDue(context.Background())
		}
		if got := runs.Load(); got != int32(round+1) {
			t.Fatalf("未到期的任务又运行了：%d", got)
		}
		c.set(c.now().Add(job.Every))
	}
}

func TestFailingJobRecordsErrorAndRunsNextInterval(t *testing.T) {
	d := dbtest.Open(t)
	c := newClock()
	start := c.now()
	fail := true
	calls := 0
	s := New(d, quiet, Job{Name: "test.fail", Label: "失败", Every: time.Hour, Run: func(ctx context.Context) (int, error) {
		calls++
		if fail {
			return 0, errors.New("数据库连接中断")
		}
		return 3, nil
	}})
	s.Now = c.now
	ctx := context.Background()
	next, err := s.RunDue(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !next.Equal(start.Add(time.Hour)) {
		t.Errorf("下次运行 %v，应为 %v", next, start.Add(time.Hour))
	}
	st := state(t, s, "test.fail")
	if st.LastError != "数据库连接中断" || st.Failures != 1 || st.Runs != 1 || !st.NextRun.Equal(start.Add(time.Hour)) || st.Owner != "" {
		t.Fatalf("失败未如实记录：%+v", st)
	}
	c.set(start.Add(59 * time.Minute))
	s.RunDue(ctx)
	if calls != 1 {
		t.Fatalf("间隔未到就重试了：%d 次", calls)
	}
	fail = false
	c.set(start.Add(time.Hour))
	s.RunDue(ctx)
	st = state(t, s, "test.fail")
	if calls != 2 || st.LastError != "" || st.LastCount != 3 || st.Failures != 1 || st.Runs != 2 {
		t.Fatalf("下一个间隔应重新运行并清除错误：calls=%d %+v", calls, st)
	}

	// A panic is a failure too, and releases the lease.
	s.jobs[0].Run = func(ctx context.Context) (int, error) { panic("越界") }
	c.set(start.Add(2 * time.Hour))
	s.RunDue(ctx)
	st = state(t, s, "test.fail")
	if st.Failures != 2 || st.Owner != "" || len(st.LastError) < 5 {
		t.Fatalf("panic 未记为失败：%+v", st)
	}
	list, err := s.Status(ctx)
	if err != nil || len(list) != 1 || list[0].Running || list[0].State.Runs != 3 {
		t.Fatalf("Status: %+v %v", list, err)
	}
}

func TestLeaseExpires(t *testing.T) {
	d, dsn := dbtest.OpenDSN(t)
	c := newClock()
	start := c.now()
	var runs atomic.Int32
	job := Job{Name: "test.lease", Label: "租约", Every: 10 * time.Minute, Lease: 5 * time.Minute, Run: func(ctx context.Context) (int, error) {
		runs.Add(1)
		return 0, nil
	}}
	crashed := New(d, quiet, job)
	crashed.Now = c.now
	other := New(second(t, d, dsn), quiet, job)
	other.Now = c.now
	ctx := context.Background()
	if err := crashed.register(ctx); err != nil {
		t.Fatal(err)
	}
	// The first instance claims the run and dies before finishing it.
	if ok, err := crashed.claim(ctx, job, start); err != nil || !ok {
		t.Fatalf("领取失败：%v %v", ok, err)
	}
	c.set(start.Add(5*time.Minute - time.Second))
	other.RunDue(ctx)
	if runs.Load() != 0 {
		t.Fatal("租约未过期，另一实例不应运行")
	}
	list, _ := other.Status(ctx)
	if !list[0].Running || list[0].State.Owner != crashed.Owner() {
		t.Fatalf("应显示运行中：%+v", list[0])
	}
	c.set(start.Add(5*time.Minute + time.Second))
	other.RunDue(ctx)
	if runs.Load() != 1 {
		t.Fatal("租约过期后另一实例应接手运行")
	}
	// The stale instance's late result does not overwrite the run that replaced it.
	if err := crashed.finish(ctx, job, start, c.now(), time.Second, 99, errors.New("迟到")); err != nil {
		t.Fatal(err)
	}
	if st := state(t, other, job.Name); st.LastError != "" || st.LastCount != 0 || st.Runs != 1 {
		t.Fatalf("过期实例覆盖了结果：%+v", st)
	}
}

func TestRunStopsOnCancel(t *testing.T) {
	d := dbtest.Open(t)
	ran := make(chan struct{}, 10)
	s := New(d, quiet, Job{Name: "test.loop", Label: "循环", Every: time.Hour, Run: func(ctx context.Context) (int, error) {
		ran <- struct{}{}
		return 0, nil
	}})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { s.Run(ctx); close(done) }()
	select {
	case <-ran:
	case <-time.After(10 * time.Second):
		t.Fatal("启动后任务没有立即运行")
	}
	cancel()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("取消后调度器没有停止")
	}
}

func TestInterval(t *testing.T) {
	for d, want := range map[time.Duration]string{10 * time.Minute: "每10分钟", 24 * time.Hour: "每1天", 2 * time.Hour: "每2小时", 90 * time.Second: "每1m30s"} {
		if got := (Job{Every: d}).Interval(); got != want {
			t.Errorf("%v: %s, want %s", d, got, want)
		}
	}
}
