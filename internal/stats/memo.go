package stats

import (
	"context"
	"slices"
	"strings"
	"sync"

	"github.com/fazhi/fazhi/internal/db"
)

// Touch counts a change to module's records of the organs inside tx. Every write of a record a
// module's statistics read must call it, so that figures cached per organ (Memo) are recomputed.
func Touch(ctx context.Context, tx *db.Tx, module string, organIDs ...string) error {
	slices.Sort(organIDs)
	for _, id := range slices.Compact(organIDs) {
		if err := tx.Exec(ctx, `INSERT INTO change_counters (module, organ_id, n) VALUES (?, ?, 1)
			ON CONFLICT (module, organ_id) DO UPDATE SET n = change_counters.n + 1`, module, id); err != nil {
			return err
		}
	}
	return nil
}

// Versions reads the change counts of module's records of organIDs (0 for an organ never touched).
func Versions(ctx context.Context, q db.Querier, module string, organIDs []string) (map[string]int64, error) {
	out := make(map[string]int64, len(organIDs))
	for start := 0; start < len(organIDs); start += 500 {
		part := organIDs[start:min(start+500, len(organIDs))]
		args := []any{module}
		for _, id := range part {
			args = append(args, id)
		}
		rows, err := q.QueryContext(ctx, `SELECT organ_id, n FROM change_counters WHERE module = ? AND organ_id IN (`+
			strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ")+`)`, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id string
			var n int64
			if err := rows.Scan(&id, &n); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = n
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Memo keeps a value per key (an organ and a period) with the organ's change count it was
// computed at; a lookup with any other count misses. The value must be read, never modified.
type Memo[T any] struct {
	mu      sync.Mutex
	entries map[string]memoEntry[T]
	limit   int
}

type memoEntry[T any] struct {
	version int64
	value   T
}

// NewMemo keeps at most limit entries (past it, it starts again empty).
func NewMemo[T any](limit int) *Memo[T] {
	return &Memo[T]{entries: map[string]memoEntry[T]{}, limit: limit}
}

// Get returns the value of key computed at version.
func (m *Memo[T]) Get(key string, version int64) (T, bool) {
	m.mu.Lock()
	defer m.mu.Unlock()
	e, ok := m.entries[key]
	if !ok || e.version != version {
		var zero T
		return zero, false
	}
	return e.value, true
}

// Put stores the value of key computed at version: read the version before computing, so a
// change made meanwhile moves the count past the stored one and the next Get misses.
func (m *Memo[T]) Put(key string, version int64, v T) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if len(m.entries) >= m.limit {
		clear(m.entries)
	}
	m.entries[key] = memoEntry[T]{version: version, value: v}
}
