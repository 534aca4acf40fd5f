// Package jobs runs the periodic scans modules declare (deemed acceptance, expiry, reminders).
// One Scheduler per process; several processes on one database run each due job once, because
// a run starts only after its row in job_runs has been claimed with one atomic UPDATE.
package jobs

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"time"

	"github.com/fazhi/fazhi/internal/db"
)

// Job is one periodic scan a module declares.
type Job struct {
	Name  string        // stable key, stored in job_runs: "reconsider.deem-accepted"
	Label string        // Chinese, for the log and the admin page: 复议申请视为受理
	Every time.Duration // interval between the starts of two runs
	// Lease is how long a claim lasts: a run that outlives it (or whose instance died) may be
	// taken over by another instance. Zero means DefaultLease.
	Lease time.Duration
	// Run does the work and reports how many records it touched.
	Run func(ctx context.Context) (n int, err error)
}

// DefaultLease bounds how long a crashed instance keeps a job from running elsewhere.
const DefaultLease = 30 * time.Minute

func (j Job) lease() time.Duration {
	if j.Lease > 0 {
		return j.Lease
	}
	return DefaultLease
}

// Scheduler claims and runs the declared jobs.
type Scheduler struct {
	db    *db.DB
	log   *slog.Logger
	jobs  []Job
	owner string
	// Now is the clock (tests move it); Poll caps the sleep between two passes.
	Now  func() time.Time
	Poll time.Duration
}

// New returns a scheduler for jobs; call Run to start it.
func New(d *db.DB, log *slog.Logger, jobs ...Job) *Scheduler {
	for _, j := range jobs {
		if j.Name == "" || j.Every <= 0 || j.Run == nil {
			panic(fmt.Sprintf("jobs: incomplete job %q", j.Name))
		}
	}
	host, _ := os.Hostname()
	return &Scheduler{db: d, log: log, jobs: jobs, owner: fmt.Sprintf("%s/%d/%s", host, os.Getpid(), db.NewID()), Now: time.Now, Poll: time.Minute}
}

// Jobs lists the declared jobs.
func (s *Scheduler) Jobs() []Job { return append([]Job(nil), s.jobs...) }

// Owner names this instance in job_runs.owner.
func (s *Scheduler) Owner() string { return s.owner }

// Run registers the jobs and runs each when due until ctx is cancelled. A job first runs
// right after start (as the scans did before), then every Every.
func (s *Scheduler) Run(ctx context.Context) {
	for {
		next, err := s.RunDue(ctx)
		if err != nil && ctx.Err() == nil {
			s.log.Error("定时任务调度失败", "err", err)
		}
		wait := s.Poll
		if d := next.Sub(s.Now()); err == nil && !next.IsZero() && d < wait {
			wait = max(d, time.Second)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
	}
}

// RunDue is one pass: it registers missing jobs, claims and runs those due, and returns the
// earliest instant another job falls due (zero when unknown).
func (s *Scheduler) RunDue(ctx context.Context) (next time.Time, err error) {
	if err := s.register(ctx); err != nil {
		return next, err
	}
	rows, err := s.states(ctx)
	if err != nil {
		return next, err
	}
	for _, j := range s.jobs {
		if ctx.Err() != nil {
			return next, ctx.Err()
		}
		st := rows[j.Name]
		now := s.Now()
		if st.NextRun.After(now) || st.LeaseUntil.After(now) {
			next = earliest(next, st.NextRun, st.LeaseUntil)
			continue
		}
		ok, err := s.claim(ctx, j, now)
		if err != nil {
			return next, err
		}
		if !ok {
			continue // another instance got it
		}
		s.run(ctx, j, now)
		next = earliest(next, now.Add(j.Every))
	}
	return next, nil
}

func earliest(cur time.Time, ts ...time.Time) time.Time {
	for _, t := range ts {
		if !t.IsZero() && (cur.IsZero() || t.Before(cur)) {
			cur = t
		}
	}
	return cur
}

// run executes a claimed job and records the outcome; a panic is recorded as the job's error.
func (s *Scheduler) run(ctx context.Context, j Job, start time.Time) {
	began := time.Now()
	n, err := func() (n int, err error) {
		defer func() {
			if p := recover(); p != nil {
				err = fmt.Errorf("panic: %v\n%s", p, debug.Stack())
			}
		}()
		return j.Run(ctx)
	}()
	took := time.Since(began)
	switch {
	case err != nil:
		s.log.Error("定时任务失败", "job", j.Name, "label", j.Label, "err", err, "took", took)
	case n > 0:
		s.log.Info("定时任务完成", "job", j.Name, "label", j.Label, "count", n, "took", took)
	}
	// Record even when ctx was cancelled mid-run: the lease is released for the next instance.
	rec, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if ferr := s.finish(rec, j, start, s.Now(), took, n, err); ferr != nil {
		s.log.Error("记录定时任务结果失败", "job", j.Name, "err", ferr)
	}
}

// Interval is Every in Chinese, for the admin page.
func (j Job) Interval() string {
	switch d := j.Every; {
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("每%d天", d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("每%d小时", d/time.Hour)
	case d%time.Minute == 0:
		return fmt.Sprintf("每%d分钟", d/time.Minute)
	}
	return "每" + j.Every.String()
}
