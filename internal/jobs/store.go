package jobs

import (
	"context"
	"time"

	"github.com/fazhi/fazhi/internal/db"
)

// State is a job's row in job_runs.
type State struct {
	Name       string
	NextRun    time.Time
	LeaseUntil time.Time // zero when nobody holds it
	Owner      string
	LastStart  time.Time
	LastEnd    time.Time
	LastTook   time.Duration
	LastCount  int
	LastError  string
	Runs       int64
	Failures   int64
}

const sqlRegister = `INSERT INTO job_runs (name, next_run) VALUES (?, ?) ON CONFLICT (name) DO NOTHING`

func (s *Scheduler) register(ctx context.Context) error {
	now := db.Timestamp(s.Now())
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		for _, j := range s.jobs {
			if err := tx.Exec(ctx, sqlRegister, j.Name, now); err != nil {
				return err
			}
		}
		return nil
	})
}

// claimSQL is the one place the engines differ: PostgreSQL picks the row with FOR UPDATE SKIP LOCKED,
// so an instance never waits behind another's claim; SQLite has one writer, so the plain UPDATE is atomic.
// On both, the WHERE clause is evaluated under the row lock: of two racing instances one updates one row,
// the other none.
func claimSQL(d db.Dialect) string {
	const set = `UPDATE job_runs SET owner = ?, lease_until = ?, last_start = ? WHERE `
	const due = `name = ? AND next_run <= ? AND lease_until <= ?`
	if d == db.Postgres {
		return set + `name IN (SELECT name FROM job_runs WHERE ` + due + ` FOR UPDATE SKIP LOCKED)`
	}
	return set + due
}

// claim takes job j's due run at now for this instance; false when it is not due or already taken.
func (s *Scheduler) claim(ctx context.Context, j Job, now time.Time) (bool, error) {
	ts := db.Timestamp(now)
	var n int64
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, claimSQL(s.db.Dialect), s.owner, db.Timestamp(now.Add(j.lease())), ts, j.Name, ts, ts)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n == 1, err
}

// finish records a run and schedules the next one Every after this one started, failed or not.
// The owner check keeps an instance whose lease ran out from overwriting the run that replaced it.
func (s *Scheduler) finish(ctx context.Context, j Job, start, end time.Time, took time.Duration, n int, runErr error) error {
	msg, failed := "", 0
	if runErr != nil {
		msg, failed = runErr.Error(), 1
		if len(msg) > 2000 {
			msg = msg[:2000]
		}
	}
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE job_runs SET next_run = ?, lease_until = '', owner = '', last_end = ?, last_ms = ?,
			last_count = ?, last_error = ?, runs = runs + 1, failures = failures + ? WHERE name = ? AND owner = ?`,
			db.Timestamp(start.Add(j.Every)), db.Timestamp(end), took.Milliseconds(), n, msg, failed, j.Name, s.owner)
		if err != nil {
			return err
		}
		if k, _ := res.RowsAffected(); k == 0 {
			s.log.Warn("定时任务租约已过期，结果未记录", "job", j.Name)
		}
		return nil
	})
}

const sqlStates = `SELECT name, next_run, lease_until, owner, last_start, last_end, last_ms, last_count, last_error, runs, failures FROM job_runs`

func (s *Scheduler) states(ctx context.Context) (map[string]State, error) {
	rows, err := s.db.QueryContext(ctx, sqlStates)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]State{}
	for rows.Next() {
		var st State
		var next, lease, start, end string
		var ms int64
		if err := rows.Scan(&st.Name, &next, &lease, &st.Owner, &start, &end, &ms, &st.LastCount, &st.LastError, &st.Runs, &st.Failures); err != nil {
			return nil, err
		}
		st.NextRun, _ = db.ParseTimestamp(next)
		st.LeaseUntil, _ = db.ParseTimestamp(lease)
		st.LastStart, _ = db.ParseTimestamp(start)
		st.LastEnd, _ = db.ParseTimestamp(end)
		st.LastTook = time.Duration(ms) * time.Millisecond
		out[st.Name] = st
	}
	return out, rows.Err()
}

// Status lists the declared jobs with their stored state, in declaration order.
func (s *Scheduler) Status(ctx context.Context) ([]Status, error) {
	rows, err := s.states(ctx)
	if err != nil {
		return nil, err
	}
	now := s.Now()
	out := make([]Status, 0, len(s.jobs))
	for _, j := range s.jobs {
		st := rows[j.Name]
		out = append(out, Status{Job: j, State: st, Running: st.LeaseUntil.After(now)})
	}
	return out, nil
}

// Status is a job with its last run, for the admin page.
type Status struct {
	Job     Job
	State   State
	Running bool // a lease is held now
}
