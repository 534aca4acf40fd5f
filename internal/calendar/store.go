package calendar

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/db"
)

// Moved is one deadline that a calendar change re-dated.
type Moved struct {
	What     string // 案件 2024-复-12 决定期限
	URL      string
	Old, New Date
}

// Redater recomputes the open deadlines of a module under a new calendar, inside tx, and reports what moved.
type Redater func(ctx context.Context, tx *db.Tx, cal *Calendar) ([]Moved, error)

// Store keeps the calendar in force: the built-in notices overlaid with those an administrator added.
type Store struct {
	db       *db.DB
	cur      atomic.Pointer[Calendar]
	mu       sync.Mutex
	redaters []Redater
}

// NewStore returns a store holding the built-in calendar until Load.
func NewStore(d *db.DB) *Store {
	s := &Store{db: d}
	s.cur.Store(Default())
	return s
}

// Current is the calendar in force.
func (s *Store) Current() *Calendar { return s.cur.Load() }

// OnChange registers a module's re-dating of open deadlines.
func (s *Store) OnChange(r Redater) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.redaters = append(s.redaters, r)
}

// Load reads the stored notices.
func (s *Store) Load(ctx context.Context) error {
	cal, err := s.load(ctx, s.db)
	if err != nil {
		return err
	}
	s.cur.Store(cal)
	return nil
}

func (s *Store) load(ctx context.Context, q db.Querier) (*Calendar, error) {
	rows, err := q.QueryContext(ctx, `SELECT notice, source FROM calendar_years ORDER BY year`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	notices := Builtin()
	for rows.Next() {
		var text, source string
		if err := rows.Scan(&text, &source); err != nil {
			return nil, err
		}
		ns, err := ParseNotices(strings.NewReader(text))
		if err != nil {
			return nil, fmt.Errorf("已保存的节假日安排无法解析：%w", err)
		}
		for i := range ns {
			ns[i].Source = source
		}
		notices = append(notices, ns...)
	}
	return New(notices), rows.Err()
}

// Save stores notices (replacing those of the same years), re-dates open deadlines in the same
// transaction and returns what moved.
func (s *Store) Save(ctx context.Context, notices []YearNotice) ([]Moved, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var moved []Moved
	var next *Calendar
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		for _, n := range notices {
			if err := tx.Exec(ctx, `DELETE FROM calendar_years WHERE year = ?`, n.Year); err != nil {
				return err
			}
			if err := tx.Exec(ctx, `INSERT INTO calendar_years (year, notice, source, updated_at, updated_by) VALUES (?, ?, ?, ?, ?)`,
				n.Year, FormatNotice(n), n.Source, db.Now(), audit.ActorFrom(ctx).Username); err != nil {
				return err
			}
			if err := audit.Record(ctx, tx, audit.Entry{Action: "calendar_import", ObjectType: "calendar_year", ObjectID: fmt.Sprint(n.Year), Detail: map[string]any{"notice": FormatNotice(n), "source": n.Source}}); err != nil {
				return err
			}
		}
		var err error
		next, err = s.load(ctx, tx)
		if err != nil {
			return err
		}
		for _, r := range s.redaters {
			m, err := r(ctx, tx, next)
			if err != nil {
				return err
			}
			moved = append(moved, m...)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.cur.Store(next)
	return moved, nil
}
