// Package ratelimit counts events per key in fixed windows stored in the database, so a limit
// holds across restarts and across several app instances sharing one database. It is the
// platform piece for login throttling and any other public endpoint that needs one.
package ratelimit

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/fazhi/fazhi/internal/db"
)

// Rule allows Max events per Window (Window at most a day: older rows are pruned).
type Rule struct {
	Max    int
	Window time.Duration
}

// Result is the outcome of one Hit.
type Result struct {
	Allowed    bool
	Count      int           // events in the current window, this one included
	RetryAfter time.Duration // until the window ends (when not allowed)
}

// First reports the first refused event of a window (log it once, not on every refusal).
func (r Result) First(rule Rule) bool { return !r.Allowed && r.Count == rule.Max+1 }

// Limiter counts events in the rate_limits table.
type Limiter struct {
	db    *db.DB
	now   func() time.Time
	calls atomic.Uint64
}

// New returns a limiter on d.
func New(d *db.DB) *Limiter { return &Limiter{db: d, now: time.Now} }

// SetClock replaces the clock (tests).
func (l *Limiter) SetClock(now func() time.Time) { l.now = now }

const maxWindow = 24 * time.Hour

// pruneEvery: one call in this many also deletes the rows of windows long past.
const pruneEvery = 256

// Hit counts one event for key and reports whether it is within rule. A zero rule allows all.
// The count is one upsert, atomic on both engines, so parallel requests cannot slip past it.
func (l *Limiter) Hit(ctx context.Context, key string, rule Rule) (Result, error) {
	if rule.Max <= 0 || rule.Window <= 0 {
		return Result{Allowed: true}, nil
	}
	now := l.now()
	start := now.Truncate(rule.Window)
	var n int
	err := l.db.Tx(ctx, func(tx *db.Tx) error {
		if l.calls.Add(1)%pruneEvery == 0 {
			if err := tx.Exec(ctx, `DELETE FROM rate_limits WHERE window_start < ?`, db.Timestamp(now.Add(-maxWindow))); err != nil {
				return err
			}
		}
		return tx.QueryRowContext(ctx, `INSERT INTO rate_limits (key, window_start, count) VALUES (?, ?, 1)
			ON CONFLICT (key) DO UPDATE SET
			  count = CASE WHEN rate_limits.window_start = excluded.window_start THEN rate_limits.count + 1 ELSE 1 END,
			  window_start = excluded.window_start
			RETURNING count`, key, db.Timestamp(start)).Scan(&n)
	})
	if err != nil {
		return Result{}, err
	}
	res := Result{Allowed: n <= rule.Max, Count: n}
	if !res.Allowed {
		res.RetryAfter = start.Add(rule.Window).Sub(now)
	}
	return res, nil
}

// Reset forgets the count of key (e.g. after an administrator unlocks an account).
func (l *Limiter) Reset(ctx context.Context, key string) error {
	return l.db.Tx(ctx, func(tx *db.Tx) error { return tx.Exec(ctx, `DELETE FROM rate_limits WHERE key = ?`, key) })
}

// Peek reports the count of key in the current window without counting an event: for limits on
// failures only (a lookup checks Peek first and calls Hit when it fails).
func (l *Limiter) Peek(ctx context.Context, key string, rule Rule) (Result, error) {
	if rule.Max <= 0 || rule.Window <= 0 {
		return Result{Allowed: true}, nil
	}
	now := l.now()
	start := now.Truncate(rule.Window)
	var n int
	err := l.db.QueryRowContext(ctx, `SELECT count FROM rate_limits WHERE key = ? AND window_start = ?`, key, db.Timestamp(start)).Scan(&n)
	if err := db.Found(err, ""); err != nil && err != db.ErrNotFound {
		return Result{}, err
	}
	res := Result{Allowed: n < rule.Max, Count: n}
	if !res.Allowed {
		res.RetryAfter = start.Add(rule.Window).Sub(now)
	}
	return res, nil
}
