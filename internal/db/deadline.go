package db

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// ErrTimeout is a statement or transaction cut by the request's deadline. The web edge shows it as
// 503 with advice to narrow the filter; it is never retried and a transaction it cut rolled back.
var ErrTimeout = errors.New("请求处理超时，已停止")

// IsTimeout reports whether err comes from a deadline: the context's own error, PostgreSQL's
// query_canceled (57014: our cancel request or statement_timeout) or SQLite's interrupt.
// Client disconnects (context.Canceled) count too: the work was stopped the same way.
func IsTimeout(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, ErrTimeout) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return true
	}
	var se *sqlite.Error
	if errors.As(err, &se) {
		return se.Code()&0xff == sqlite3.SQLITE_INTERRUPT
	}
	return pgCode(err) == "57014"
}

// timeoutErr wraps a deadline error as ErrTimeout, keeping the driver's text for the log.
func timeoutErr(err error) error {
	if errors.Is(err, ErrTimeout) {
		return err
	}
	return fmt.Errorf("%w: %w", ErrTimeout, err)
}

// setStatementTimeout bounds every statement of a PostgreSQL transaction on the server by the time
// left on ctx, so the server stops even if the client's cancel request never arrives (client
// killed, proxy in between). SQLite needs nothing: its driver interrupts on ctx.
func (tx *Tx) setStatementTimeout(ctx context.Context) error {
	dl, ok := ctx.Deadline()
	if !ok || tx.db.Dialect != Postgres {
		return nil
	}
	ms := time.Until(dl).Milliseconds()
	if ms < 1 {
		return context.DeadlineExceeded
	}
	// SET takes no parameters; ms is a number we formatted.
	_, err := tx.tx.ExecContext(ctx, `SET LOCAL statement_timeout = `+strconv.FormatInt(ms, 10))
	return err
}

// Count is a row count that stops at a cap: counting a huge list costs more than the list page,
// and "1,000+" is all the reader needs.
type Count struct {
	N    int  // exact when !More, else the cap
	More bool // more than N rows match
}

// String prints 37, 1,234 or 1,000+.
func (c Count) String() string {
	s := Thousands(c.N)
	if c.More {
		s += "+"
	}
	return s
}

// Thousands prints n with comma separators (1,000), as Chinese official tables do.
func Thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// CountUpTo counts the rows of query (a SELECT without LIMIT, e.g. `SELECT 1 FROM cases WHERE …`)
// but reads at most limit+1 of them: past limit it returns Count{N: limit, More: true}.
func CountUpTo(ctx context.Context, q Querier, query string, args []any, limit int) (Count, error) {
	if limit < 1 {
		return Count{}, fmt.Errorf("db.CountUpTo: limit %d < 1", limit)
	}
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM (`+query+` LIMIT ?) capped`, append(args[:len(args):len(args)], limit+1)...).Scan(&n)
	if err != nil {
		return Count{}, err
	}
	if n > limit {
		return Count{N: limit, More: true}, nil
	}
	return Count{N: n}, nil
}
