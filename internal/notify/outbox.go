package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/jobs"
	"github.com/fazhi/fazhi/internal/secure"
	"github.com/fazhi/fazhi/internal/web"
)

// Notices to people without an account (an applicant's phone or mailbox). A module records each
// one in the outbox inside its step's transaction; the notify.outbox job sends them afterwards, so a
// dead gateway never blocks or undoes the step, and retries with a growing pause. With no gateway
// configured for a channel the notice is only recorded ("held"): the admin page shows what would
// have been sent.

// Channels of an outside notice.
const (
	ChannelSMS   = "sms"
	ChannelEmail = "email"
)

// Outbox statuses.
const (
	OutPending = "pending"
	OutSent    = "sent"
	OutHeld    = "held"
	OutFailed  = "failed"
)

// MaxAttempts is how often a notice is tried before it is marked failed.
const MaxAttempts = 8

// Notice is one SMS or e-mail to an address.
type Notice struct {
	ID        string
	Channel   string // ChannelSMS or ChannelEmail
	To        string // phone number or e-mail address
	ToMasked  string
	Subject   string // e-mail only
	Body      string
	Kind      string // module.event, e.g. reconsider.accepted
	Ref       string // what it is about, e.g. the receipt number
	Status    string
	Attempts  int
	LastError string
	CreatedAt time.Time
	SentAt    time.Time
}

// Gateway sends a notice outside the application.
type Gateway interface {
	Send(ctx context.Context, n Notice) error
}

// StatusLabel is the Chinese status.
func (n Notice) StatusLabel() string {
	return map[string]string{OutPending: "待发送", OutSent: "已发送", OutHeld: "未配置网关，仅记录", OutFailed: "多次发送失败，已停止"}[n.Status]
}

// ChannelLabel is the Chinese channel name.
func (n Notice) ChannelLabel() string {
	return map[string]string{ChannelSMS: "短信", ChannelEmail: "电子邮件"}[n.Channel]
}

// When is the recording time in Beijing time.
func (n Notice) When() string { return whenText(n.CreatedAt) }

// SentWhen is the sending time in Beijing time ("" while unsent).
func (n Notice) SentWhen() string { return whenText(n.SentAt) }

func whenText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return web.LocalTime(db.Timestamp(t))
}

// SetGateways configures the outside channels (a missing channel keeps its notices held) and the
// cipher that keeps addresses encrypted at rest (nil stores them as written: tests).
func (s *Service) SetGateways(gw map[string]Gateway, cipher *secure.FieldCipher) {
	s.gateways, s.cipher = gw, cipher
}

// Link is path under the configured base URL (FAZHI_SMTP_APP_URL), or path alone when none is set.
func (s *Service) Link(path string) string {
	return strings.TrimSuffix(s.BaseURL, "/") + path
}

// Notify records n in the outbox inside the caller's transaction.
func (s *Service) Notify(ctx context.Context, tx *db.Tx, n Notice) error {
	n.To = strings.TrimSpace(n.To)
	if n.To == "" || strings.TrimSpace(n.Body) == "" {
		return fmt.Errorf("%w：通知缺少地址或内容", db.ErrInvalid)
	}
	if n.Channel != ChannelSMS && n.Channel != ChannelEmail {
		return fmt.Errorf("%w：未知的通知渠道 %q", db.ErrInvalid, n.Channel)
	}
	status := OutHeld
	if s.gateways[n.Channel] != nil {
		status = OutPending
	}
	addr := n.To
	if s.cipher != nil {
		var err error
		if addr, err = s.cipher.Encrypt(n.To); err != nil {
			return err
		}
	}
	now := db.Timestamp(s.clock())
	return tx.Exec(ctx, `INSERT INTO notify_outbox (id, channel, address_enc, address_masked, subject, body, kind, ref, status, attempts, last_error, next_at, created_at, sent_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, '', ?, ?, '')`, db.NewID(), n.Channel, addr, MaskAddress(n.Channel, n.To), n.Subject, n.Body, n.Kind, n.Ref, status, now, now)
}

// MaskAddress is how an address shows to staff: 138****5678, z***@example.com.
func MaskAddress(channel, to string) string {
	if channel == ChannelEmail {
		if user, domain, ok := strings.Cut(to, "@"); ok {
			r := []rune(user)
			return string(r[:min(1, len(r))]) + "***@" + domain
		}
	}
	return secure.MaskPhone(to)
}

func (s *Service) clock() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// retryAfter is the pause before attempt n+1: 1, 2, 4 … minutes, at most six hours.
func retryAfter(attempts int) time.Duration {
	return min(time.Minute<<min(attempts-1, 20), 6*time.Hour)
}

// DeliverOutbox sends the pending notices that are due and reports how many were sent. A failure
// is recorded on the notice and tried again later; the last failure marks it failed.
func (s *Service) DeliverOutbox(ctx context.Context) (int, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT id, channel, address_enc, subject, body, kind, ref, attempts FROM notify_outbox
		WHERE status = ? AND next_at <= ? ORDER BY next_at, id LIMIT 200`, OutPending, db.Timestamp(s.clock()))
	if err != nil {
		return 0, err
	}
	var due []Notice
	for rows.Next() {
		var n Notice
		if err := rows.Scan(&n.ID, &n.Channel, &n.To, &n.Subject, &n.Body, &n.Kind, &n.Ref, &n.Attempts); err != nil {
			rows.Close()
			return 0, err
		}
		due = append(due, n)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	sent := 0
	var errs []error
	for _, n := range due {
		if ctx.Err() != nil {
			return sent, ctx.Err()
		}
		err := s.sendOne(ctx, &n)
		n.Attempts++
		now := s.clock()
		if err == nil {
			sent++
			err = s.update(ctx, `UPDATE notify_outbox SET status = ?, attempts = ?, last_error = '', sent_at = ? WHERE id = ?`, OutSent, n.Attempts, db.Timestamp(now), n.ID)
		} else {
			s.log.Warn("外发通知失败", "id", n.ID, "channel", n.Channel, "kind", n.Kind, "attempt", n.Attempts, "err", err)
			status := OutPending
			if n.Attempts >= MaxAttempts {
				status = OutFailed
			}
			msg := []rune(err.Error())
			err = s.update(ctx, `UPDATE notify_outbox SET status = ?, attempts = ?, last_error = ?, next_at = ? WHERE id = ?`,
				status, n.Attempts, string(msg[:min(len(msg), 500)]), db.Timestamp(now.Add(retryAfter(n.Attempts))), n.ID)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return sent, errors.Join(errs...)
}

func (s *Service) update(ctx context.Context, q string, args ...any) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error { return tx.Exec(ctx, q, args...) })
}

func (s *Service) sendOne(ctx context.Context, n *Notice) error {
	gw := s.gateways[n.Channel]
	if gw == nil {
		return fmt.Errorf("渠道 %s 未配置网关", n.Channel)
	}
	if s.cipher != nil {
		to, err := s.cipher.Decrypt(n.To)
		if err != nil {
			return err
		}
		n.To = to
	}
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	return gw.Send(ctx, *n)
}

// OutboxJob sends the due notices every minute.
func (s *Service) OutboxJob() jobs.Job {
	return jobs.Job{Name: "notify.outbox", Label: "发送短信、邮件通知", Every: time.Minute, Lease: 10 * time.Minute, Run: s.DeliverOutbox}
}

// Outbox lists the recorded notices, newest first, and the total.
func (s *Service) Outbox(ctx context.Context, status string, limit, offset int) ([]Notice, int, error) {
	where, args := "1 = 1", []any{}
	if status != "" {
		where, args = "status = ?", append(args, status)
	}
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM notify_outbox WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, channel, address_masked, subject, body, kind, ref, status, attempts, last_error, created_at, sent_at
		FROM notify_outbox WHERE `+where+` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, append(args, limit, offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []Notice
	for rows.Next() {
		var n Notice
		var created, sent string
		if err := rows.Scan(&n.ID, &n.Channel, &n.ToMasked, &n.Subject, &n.Body, &n.Kind, &n.Ref, &n.Status, &n.Attempts, &n.LastError, &created, &sent); err != nil {
			return nil, 0, err
		}
		n.CreatedAt, _ = db.ParseTimestamp(created)
		n.SentAt, _ = db.ParseTimestamp(sent)
		out = append(out, n)
	}
	return out, total, rows.Err()
}

// SMSGateway posts each SMS as JSON to an intranet gateway (FAZHI_SMS_URL):
//
//	POST <URL>  Content-Type: application/json  [Authorization: Bearer <Token>]
//	{"id": "…", "to": "13800000000", "text": "…", "kind": "reconsider.accepted"}
//
// Any 2xx answer counts as accepted; anything else is retried.
type SMSGateway struct {
	URL    string
	Token  string
	Client *http.Client // nil: http.DefaultClient
}

// Send posts n to the gateway.
func (g SMSGateway) Send(ctx context.Context, n Notice) error {
	body, _ := json.Marshal(map[string]string{"id": n.ID, "to": n.To, "text": n.Body, "kind": n.Kind})
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if g.Token != "" {
		req.Header.Set("Authorization", "Bearer "+g.Token)
	}
	c := g.Client
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("短信网关答复 %s", resp.Status)
	}
	return nil
}

// MailGateway mails each e-mail notice through the SMTP gateway of the in-app copies.
type MailGateway struct{ Cfg SMTP }

// Send mails n to its address.
func (g MailGateway) Send(ctx context.Context, n Notice) error {
	if !strings.Contains(n.To, "@") {
		return fmt.Errorf("电子邮件地址不正确：%s", MaskAddress(ChannelEmail, n.To))
	}
	m := Message{ID: n.ID, Title: n.Subject, Body: n.Body, CreatedAt: time.Now()}
	return SMTPSender{Cfg: g.Cfg}.mail(ctx, n.To, "", m)
}
