package notify

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/smtp"
	"strings"
	"time"

	"github.com/fazhi/fazhi/internal/db"
)

// Recipient is the account a message goes to, as an outside sender needs it.
type Recipient struct {
	UserID   string
	Username string
	Name     string
	Phone    string
}

// Sender delivers a copy of a message outside the application (intranet SMS or mail gateway).
// It runs after the posting transaction committed, off the request path.
type Sender interface {
	Send(ctx context.Context, to Recipient, m Message) error
}

// LogSender only logs each message: the default when no gateway is configured.
type LogSender struct{ Log *slog.Logger }

// Send logs the message at debug level.
func (l LogSender) Send(_ context.Context, to Recipient, m Message) error {
	l.Log.Debug("站内消息", "user", to.Username, "kind", m.Kind, "title", m.Title)
	return nil
}

func (s *Service) deliver() {
	for m := range s.queue {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		to, err := s.recipient(ctx, m.UserID)
		if err == nil {
			err = s.sender.Send(ctx, to, m)
		}
		cancel()
		if err != nil {
			// The message stays in the centre; only the outside copy is lost.
			s.log.Warn("外发通知失败", "user", m.UserID, "kind", m.Kind, "err", err)
		}
	}
}

func (s *Service) recipient(ctx context.Context, userID string) (Recipient, error) {
	r := Recipient{UserID: userID}
	err := s.db.QueryRowContext(ctx, `SELECT username, name, phone FROM users WHERE id = ?`, userID).Scan(&r.Username, &r.Name, &r.Phone)
	return r, db.Found(err, "用户")
}

// SMTP is the mail gateway settings (FAZHI_SMTP_*).
type SMTP struct {
	Addr     string // host:port
	From     string // sender address
	Username string // AUTH PLAIN user ("" = no authentication)
	Password string
	Domain   string // a user's mailbox is username@Domain
	AppURL   string // base URL for links in the mail ("" = path only)
}

// SMTPSender mails each message to username@Domain through one SMTP server (net/smtp: STARTTLS
// when the server offers it; PLAIN authentication only over TLS or to localhost).
type SMTPSender struct{ Cfg SMTP }

// Send mails m to the recipient's mailbox.
func (s SMTPSender) Send(ctx context.Context, to Recipient, m Message) error {
	if to.Username == "" || s.Cfg.Domain == "" {
		return fmt.Errorf("收件人 %s 没有邮箱地址", to.UserID)
	}
	return s.mail(ctx, to.Username+"@"+s.Cfg.Domain, to.Name, m)
}

// mail sends m to one mailbox.
func (s SMTPSender) mail(ctx context.Context, rcpt, name string, m Message) error {
	host, _, err := net.SplitHostPort(s.Cfg.Addr)
	if err != nil {
		return fmt.Errorf("SMTP 地址应为 主机:端口：%w", err)
	}
	var a smtp.Auth
	if s.Cfg.Username != "" {
		a = smtp.PlainAuth("", s.Cfg.Username, s.Cfg.Password, host)
	}
	msg := s.compose(rcpt, name, m)
	done := make(chan error, 1)
	go func() { done <- smtp.SendMail(s.Cfg.Addr, a, s.Cfg.From, []string{rcpt}, msg) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// compose builds a UTF-8 mail: encoded-word headers, base64 body (Chinese text through any relay).
func (s SMTPSender) compose(rcpt, name string, m Message) []byte {
	var b bytes.Buffer
	hdr := func(k, v string) { fmt.Fprintf(&b, "%s: %s\r\n", k, v) }
	hdr("From", s.Cfg.From)
	if name != "" {
		hdr("To", mime.BEncoding.Encode("UTF-8", name)+" <"+rcpt+">")
	} else {
		hdr("To", "<"+rcpt+">")
	}
	hdr("Subject", mime.BEncoding.Encode("UTF-8", m.Title))
	hdr("Date", m.CreatedAt.Format(time.RFC1123Z))
	hdr("Message-ID", "<"+m.ID+"@fazhi>")
	hdr("MIME-Version", "1.0")
	hdr("Content-Type", "text/plain; charset=UTF-8")
	hdr("Content-Transfer-Encoding", "base64")
	b.WriteString("\r\n")
	text := m.Body
	if m.URL != "" {
		text += "\n\n" + strings.TrimSuffix(s.Cfg.AppURL, "/") + m.URL
	}
	text = strings.ReplaceAll(strings.TrimSpace(text), "\n", "\r\n") + "\r\n"
	enc := base64.StdEncoding.EncodeToString([]byte(text))
	for len(enc) > 76 {
		b.WriteString(enc[:76] + "\r\n")
		enc = enc[76:]
	}
	b.WriteString(enc + "\r\n")
	return b.Bytes()
}
