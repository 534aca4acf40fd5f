// Package benchcpu measures what a benchmark's requests cost in CPU time, which a shared, loaded
// machine inflates far less than wall-clock time: this process's (getrusage) and, on PostgreSQL on
// the same machine, the server backends serving its connections (/proc/PID/schedstat of the
// connections that carry one application_name).
package benchcpu

import (
	"context"
	"fmt"
	"os"
	"strings"
	"syscall"
	"time"

	"github.com/fazhi/fazhi/internal/db"
)

// Process is the user and system CPU time this process has used so far.
func Process() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// WithApp names a PostgreSQL DSN's connections app, so Server can find their backends; other
// DSNs are returned unchanged.
func WithApp(dsn, app string) string {
	if !db.IsPostgres(dsn) {
		return dsn
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "application_name=" + app
}

// Server reads the CPU time of the PostgreSQL backends named app (0 on SQLite).
type Server struct {
	d    *db.DB
	app  string
	pids []int
}

// NewServer watches the backends of d's connections named app; call Refresh once they are open.
func NewServer(d *db.DB, app string) *Server { return &Server{d: d, app: app} }

// Refresh finds the backends again (the pool may have opened more).
func (s *Server) Refresh(ctx context.Context) {
	s.pids = s.pids[:0]
	if s.d.Dialect != db.Postgres {
		return
	}
	rows, err := s.d.QueryContext(ctx, `SELECT pid FROM pg_stat_activity WHERE application_name = ?`, s.app)
	if err != nil {
		return
	}
	defer rows.Close()
	for rows.Next() {
		var pid int
		if rows.Scan(&pid) == nil {
			s.pids = append(s.pids, pid)
		}
	}
}

// Now is the CPU time the watched backends have used so far.
func (s *Server) Now() time.Duration {
	var sum time.Duration
	for _, pid := range s.pids {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/schedstat", pid))
		if err != nil {
			continue
		}
		var ns int64
		fmt.Sscan(string(b), &ns)
		sum += time.Duration(ns)
	}
	return sum
}
