// Package notify is the in-app message centre: modules post messages to users inside their own
// transaction (a rolled-back step posts nothing), users read them at /messages with an unread
// badge in the header, and a Sender delivers a copy outside (SMTP gateway) after commit.
package notify

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/jobs"
	"github.com/fazhi/fazhi/internal/secure"
)

// Message is one notice to one user.
type Message struct {
	ID        string
	UserID    string
	OrganID   string // the organ the message is about (may be "")
	Kind      string // module.event, e.g. reconsider.decision-due; for filtering and senders
	Title     string
	Body      string
	URL       string // a path inside the application, e.g. /reconsider/01H…
	CreatedAt time.Time
	ReadAt    time.Time // zero while unread
}

// Unread reports whether the user has not read the message yet.
func (m Message) Unread() bool { return m.ReadAt.IsZero() }

// Service posts, lists and delivers messages.
type Service struct {
	db      *db.DB
	log     *slog.Logger
	sender  Sender
	queue   chan Message
	sources []ReminderSource

	gateways map[string]Gateway // outside channels of the outbox (outbox.go)
	cipher   *secure.FieldCipher
	// BaseURL prefixes the links in outside notices ("" = path only).
	BaseURL string
	// Now is the outbox's clock (tests move it); nil is time.Now.
	Now func() time.Time
}

// New returns the message centre. sender may be nil (no outside delivery). One goroutine delivers
// queued copies for the life of the process, so a slow mail gateway never holds up a request.
func New(d *db.DB, log *slog.Logger, sender Sender) *Service {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Service{db: d, log: log, sender: sender}
	if sender != nil {
		s.queue = make(chan Message, 1024)
		go s.deliver()
	}
	return s
}

const sqlInsert = `INSERT INTO messages (id, user_id, organ_id, kind, title, body, url, created_at, read_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, '')`

// Post adds m to its user's messages inside the caller's transaction; the outside copy is
// queued only after that transaction commits.
func (s *Service) Post(ctx context.Context, tx *db.Tx, m Message) error {
	if m.UserID == "" || strings.TrimSpace(m.Title) == "" {
		return fmt.Errorf("%w：消息缺少接收人或标题", db.ErrInvalid)
	}
	if m.URL != "" && !safeURL(m.URL) {
		return fmt.Errorf("%w：消息链接只能是本系统内的路径：%q", db.ErrInvalid, m.URL)
	}
	m.ID = db.NewID()
	now := time.Now()
	m.CreatedAt = now
	if err := tx.Exec(ctx, sqlInsert, m.ID, m.UserID, m.OrganID, m.Kind, m.Title, m.Body, m.URL, db.Timestamp(now)); err != nil {
		return err
	}
	if s.queue != nil {
		tx.AfterCommit(func() {
			select {
			case s.queue <- m:
			default:
				s.log.Warn("外发通知队列已满，本条只在站内显示", "user", m.UserID, "kind", m.Kind)
			}
		})
	}
	return nil
}

// sqlRoleHolders: memberships_organ (organ_id, role) index; disabled and system accounts read no messages.
const sqlRoleHolders = `SELECT DISTINCT m.user_id FROM memberships m JOIN users u ON u.id = m.user_id
WHERE m.organ_id = ? AND m.role = ? AND u.disabled = 0 AND u.system_account = 0 ORDER BY m.user_id`

// PostRole posts m to every active user holding role in organID, and reports how many got it.
func (s *Service) PostRole(ctx context.Context, tx *db.Tx, organID string, role auth.Role, m Message) (int, error) {
	rows, err := tx.QueryContext(ctx, sqlRoleHolders, organID, string(role))
	if err != nil {
		return 0, err
	}
	var users []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		users = append(users, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if m.OrganID == "" {
		m.OrganID = organID
	}
	for _, u := range users {
		m.UserID = u
		if err := s.Post(ctx, tx, m); err != nil {
			return 0, err
		}
	}
	return len(users), nil
}

// Unread counts a user's unread messages: one COUNT on the (user_id, read_at) index.
func (s *Service) Unread(ctx context.Context, userID string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM messages WHERE user_id = ? AND read_at = ''`, userID).Scan(&n)
	return n, err
}

// UnreadFor is Unread for the web shell's header badge.
func (s *Service) UnreadFor(ctx context.Context, p *auth.Principal) (int, error) {
	return s.Unread(ctx, p.UserID)
}

const sqlCols = `id, user_id, organ_id, kind, title, body, url, created_at, read_at`

// List returns a user's messages, newest first, and the total; unreadOnly narrows to unread ones.
func (s *Service) List(ctx context.Context, userID string, unreadOnly bool, limit, offset int) ([]Message, int, error) {
	where := `user_id = ?`
	if unreadOnly {
		where += ` AND read_at = ''`
	}
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM messages WHERE `+where, userID).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT `+sqlCols+` FROM messages WHERE `+where+` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, userID, limit, offset)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		m, err := scan(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, m)
	}
	return out, total, rows.Err()
}

func scan(r interface{ Scan(...any) error }) (Message, error) {
	var m Message
	var created, read string
	if err := r.Scan(&m.ID, &m.UserID, &m.OrganID, &m.Kind, &m.Title, &m.Body, &m.URL, &created, &read); err != nil {
		return m, err
	}
	m.CreatedAt, _ = db.ParseTimestamp(created)
	m.ReadAt, _ = db.ParseTimestamp(read)
	return m, nil
}

// MarkRead marks one of the user's own messages read and returns it. Another user's message is
// not found: the message centre never tells whether an id exists.
// Reading a notice changes no record of the work, so it is not audited.
func (s *Service) MarkRead(ctx context.Context, userID, id string) (Message, error) {
	var m Message
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		var err error
		m, err = scan(tx.QueryRowContext(ctx, `SELECT `+sqlCols+` FROM messages WHERE id = ? AND user_id = ?`, id, userID))
		if err != nil {
			return db.Found(err, "消息")
		}
		if !m.Unread() {
			return nil
		}
		now := time.Now()
		m.ReadAt = now
		return tx.Exec(ctx, `UPDATE messages SET read_at = ? WHERE id = ? AND user_id = ? AND read_at = ''`, db.Timestamp(now), id, userID)
	})
	return m, err
}

// MarkAllRead marks every unread message of the user read and reports how many.
func (s *Service) MarkAllRead(ctx context.Context, userID string) (int, error) {
	var n int64
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE messages SET read_at = ? WHERE user_id = ? AND read_at = ''`, db.Now(), userID)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return int(n), err
}

// Prune deletes messages (read or not) and reminder marks created before cutoff.
func (s *Service) Prune(ctx context.Context, cutoff time.Time) (int, error) {
	var n int64
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM messages WHERE created_at < ?`, db.Timestamp(cutoff))
		if err != nil {
			return err
		}
		if n, err = res.RowsAffected(); err != nil {
			return err
		}
		return tx.Exec(ctx, `DELETE FROM notify_sent WHERE created_at < ?`, db.Timestamp(cutoff))
	})
	return int(n), err
}

// Jobs are the message centre's periodic jobs: pruning messages older than pruneDays (none when
// pruneDays <= 0), sending the outbox's notices and, once a module has declared a reminder source, the deadline reminders.
func (s *Service) Jobs(pruneDays int) []jobs.Job {
	var out []jobs.Job
	if len(s.sources) > 0 {
		out = append(out, s.RemindJob())
	}
	out = append(out, s.OutboxJob())
	if pruneDays > 0 {
		out = append(out, jobs.Job{Name: "notify.prune", Label: fmt.Sprintf("清理 %d 天前的站内消息", pruneDays), Every: 24 * time.Hour,
			Run: func(ctx context.Context) (int, error) {
				return s.Prune(ctx, time.Now().AddDate(0, 0, -pruneDays))
			}})
	}
	return out
}

// safeURL accepts only paths inside the application, so a message never links elsewhere.
func safeURL(u string) bool {
	return strings.HasPrefix(u, "/") && !strings.HasPrefix(u, "//") && !strings.HasPrefix(u, "/\\")
}
