package notify

import (
	"context"
	"fmt"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/jobs"
)

// Reminder is one approaching deadline someone should hear about. A module's source decides
// which deadlines are close (e.g. within 3 working days by its calendar) and who hears.
type Reminder struct {
	// Ref identifies the deadline: the same Ref is posted once, however often the job runs.
	// Put the due date in it ("reconsider.decision:<case id>:2025-03-14") so a moved deadline
	// reminds again.
	Ref     string
	UserID  string    // one recipient (e.g. the handler), or
	OrganID string    // with Role: every active user holding Role in OrganID
	Role    auth.Role //
	Kind    string
	Title   string
	Body    string
	URL     string
}

// ReminderSource lists the reminders due now; the job skips those already posted.
type ReminderSource func(ctx context.Context) ([]Reminder, error)

// Remind declares a module's reminder source, run by the job RemindJob returns.
func (s *Service) Remind(src ReminderSource) { s.sources = append(s.sources, src) }

// RemindEvery is how often the reminder job looks for approaching deadlines.
const RemindEvery = time.Hour

// RemindJob posts every declared source's new reminders.
func (s *Service) RemindJob() jobs.Job {
	return jobs.Job{Name: "notify.remind", Label: "期限临近提醒", Every: RemindEvery, Run: s.RunReminders}
}

// RunReminders asks each source and posts the reminders not posted before, remindBatch to a
// transaction (each reminder's mark and its messages commit together), and reports how many
// messages were posted. One synced commit per reminder would make a first run over a province's
// deadlines thousands of commits queued on the one writer.
func (s *Service) RunReminders(ctx context.Context) (int, error) {
	posted := 0
	for _, src := range s.sources {
		list, err := src(ctx)
		if err != nil {
			return posted, err
		}
		for start := 0; start < len(list); start += remindBatch {
			n, err := s.remindAll(ctx, list[start:min(start+remindBatch, len(list))])
			if err != nil {
				return posted, err
			}
			posted += n
		}
	}
	return posted, nil
}

// remindBatch is how many reminders share a transaction.
const remindBatch = 200

// remindAll posts the reminders of batch not posted before, in one transaction.
func (s *Service) remindAll(ctx context.Context, batch []Reminder) (int, error) {
	n := 0
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		n = 0
		for _, r := range batch {
			k, err := s.remindIn(ctx, tx, r)
			if err != nil {
				return fmt.Errorf("提醒 %s：%w", r.Ref, err)
			}
			n += k
		}
		return nil
	})
	return n, err
}

// remindIn posts r inside tx unless it was posted before.
func (s *Service) remindIn(ctx context.Context, tx *db.Tx, r Reminder) (int, error) {
	if r.Ref == "" {
		return 0, fmt.Errorf("%w：提醒缺少 Ref", db.ErrInvalid)
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO notify_sent (ref, created_at) VALUES (?, ?) ON CONFLICT (ref) DO NOTHING`, r.Ref, db.Now())
	if err != nil {
		return 0, err
	}
	if k, err := res.RowsAffected(); err != nil || k == 0 {
		return 0, err // already reminded
	}
	m := Message{UserID: r.UserID, OrganID: r.OrganID, Kind: r.Kind, Title: r.Title, Body: r.Body, URL: r.URL}
	if r.UserID != "" {
		return 1, s.Post(ctx, tx, m)
	}
	return s.PostRole(ctx, tx, r.OrganID, r.Role, m)
}
