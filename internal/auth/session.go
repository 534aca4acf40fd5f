package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/ratelimit"
	"github.com/fazhi/fazhi/internal/secure"
)

// LockedError says until when an account is locked.
type LockedError struct{ Until string }

func (e *LockedError) Error() string {
	return fmt.Sprintf("连续登录失败次数过多，账户已锁定至 %s，请稍后再试或联系安全管理员", e.Until)
}
func (e *LockedError) Unwrap() error { return ErrLocked }

// RateLimitedError refuses a login attempt over the per-address or per-name limit.
type RateLimitedError struct{ Retry time.Duration }

func (e *RateLimitedError) Error() string {
	return fmt.Sprintf("登录尝试过于频繁，请 %d 秒后再试", max(1, int(e.Retry.Round(time.Second)/time.Second)))
}
func (e *RateLimitedError) Unwrap() error { return ErrRateLimited }

// ErrRateLimited is wrapped by RateLimitedError.
var ErrRateLimited = errors.New("登录尝试过于频繁")

// ThrottleLogin counts a sign-in attempt against the client address and the user name (held in
// the database, so the limits survive restarts and bind every instance) and refuses it with a
// RateLimitedError over Settings.LoginPerIP or LoginPerUser. The login form calls it before
// Login; it is separate so the CLI and tests that sign in many times are not throttled. The
// first refusal of a window is audited.
func (s *Service) ThrottleLogin(ctx context.Context, ip, username string) error {
	ctx = audit.WithActor(ctx, audit.Actor{Username: username, IP: ip})
	keys := []struct {
		key  string
		rule ratelimit.Rule
	}{{"login:user:" + strings.ToLower(username), s.set.LoginPerUser}}
	if ip != "" {
		keys = append(keys, struct {
			key  string
			rule ratelimit.Rule
		}{"login:ip:" + ip, s.set.LoginPerIP})
	}
	for _, k := range keys {
		r, err := s.limits.Hit(ctx, k.key, k.rule)
		if err != nil {
			return err
		}
		if !r.Allowed {
			if r.First(k.rule) {
				audit.Log(ctx, s.db, audit.Entry{Action: "login_throttled", ObjectType: "login", ObjectID: k.key})
			}
			return &RateLimitedError{Retry: r.RetryAfter}
		}
	}
	return nil
}

// Login checks the password and opens a new session (the old one, if any, is dropped: rotation).
// It returns the session token for the cookie.
//
// Until the password is right, an unknown, locked or disabled account answers exactly like a
// wrong password (ErrBadCredentials), so the form reveals nothing about accounts. Every attempt
// waits for a hash slot (ErrBusy, ErrGaveUp); the form throttles first (ThrottleLogin).
func (s *Service) Login(ctx context.Context, username, password, ip, userAgent, oldToken string) (string, error) {
	now := s.now()
	var id, hash, lockedUntil, homeOrgan string
	var disabled, system int
	err := s.db.QueryRowContext(ctx, `SELECT id, password_hash, locked_until, disabled, system_account, organ_id FROM users WHERE username = ?`, username).
		Scan(&id, &hash, &lockedUntil, &disabled, &system, &homeOrgan)
	actx := audit.WithActor(ctx, audit.Actor{UserID: id, Username: username, OrganID: homeOrgan, IP: ip})
	if errors.Is(err, sql.ErrNoRows) {
		// Same cost as a real check: timing does not reveal unknown names.
		if _, err := VerifyPasswordContext(ctx, dummyHash(), password); err != nil {
			return "", err
		}
		audit.Log(actx, s.db, audit.Entry{Action: "login_failed", ObjectType: "user", Detail: map[string]any{"reason": "unknown user"}})
		return "", ErrBadCredentials
	} else if err != nil {
		return "", err
	}
	var lockedTill time.Time
	if t, err := db.ParseTimestamp(lockedUntil); err == nil && now.Before(t) {
		lockedTill = t
	}
	ok, err := VerifyPasswordContext(ctx, hash, password)
	if errors.Is(err, ErrBusy) || errors.Is(err, ErrGaveUp) {
		return "", err
	}
	if err != nil {
		ok = false // an unreadable stored hash matches nothing
	}
	switch {
	case ok && (disabled == 1 || system == 1):
		audit.Log(actx, s.db, audit.Entry{Action: "login_failed", ObjectType: "user", ObjectID: id, Detail: map[string]any{"reason": "disabled"}})
		return "", ErrDisabled
	case ok && !lockedTill.IsZero():
		audit.Log(actx, s.db, audit.Entry{Action: "login_failed", ObjectType: "user", ObjectID: id, Detail: map[string]any{"reason": "locked"}})
		return "", &LockedError{Until: lockedTill.In(shanghai()).Format("15:04")}
	case !ok && (disabled == 1 || system == 1 || !lockedTill.IsZero()):
		reason := "bad password, locked"
		if disabled == 1 || system == 1 {
			reason = "bad password, disabled"
		}
		audit.Log(actx, s.db, audit.Entry{Action: "login_failed", ObjectType: "user", ObjectID: id, Detail: map[string]any{"reason": reason}})
		return "", ErrBadCredentials
	case !ok:
		if err := s.countFailure(actx, id, now); err != nil {
			return "", err
		}
		return "", ErrBadCredentials
	}
	ms, err := s.memberships(ctx, s.db, id)
	if err != nil {
		return "", err
	}
	organ := homeOrgan
	if len(ms) > 0 && !slices.ContainsFunc(ms, func(m Membership) bool { return m.OrganID == homeOrgan }) {
		organ = ms[0].OrganID
	}
	token := secure.RandomToken(32)
	err = s.db.Tx(actx, func(tx *db.Tx) error {
		if oldToken != "" {
			if err := tx.Exec(actx, `DELETE FROM sessions WHERE id_hash = ?`, hashToken(oldToken)); err != nil {
				return err
			}
		}
		if err := tx.Exec(actx, `UPDATE users SET failed_logins = 0, locked_until = '' WHERE id = ?`, id); err != nil {
			return err
		}
		ts := db.Timestamp(now)
		if err := tx.Exec(actx, `INSERT INTO sessions (id_hash, user_id, organ_id, csrf, created_at, last_seen_at, ip, user_agent) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			hashToken(token), id, organ, secure.RandomToken(24), ts, ts, ip, truncate(userAgent, 200)); err != nil {
			return err
		}
		return audit.Record(actx, tx, audit.Entry{Action: "login", ObjectType: "user", ObjectID: id})
	})
	if err != nil {
		return "", err
	}
	if NeedsRehash(hash) {
		if nh, err := HashPasswordContext(ctx, password); err == nil {
			s.db.Tx(ctx, func(tx *db.Tx) error { return tx.Exec(ctx, `UPDATE users SET password_hash = ? WHERE id = ?`, nh, id) })
		}
	}
	return token, nil
}

// countFailure adds one failed login in SQL (parallel guesses each count: no read-modify-write)
// and locks the account when the returned count reaches the limit. The answer stays
// ErrBadCredentials even then: the lock shows only to someone who knows the password.
func (s *Service) countFailure(ctx context.Context, id string, now time.Time) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		var failed int
		if err := tx.QueryRowContext(ctx, `UPDATE users SET failed_logins = failed_logins + 1 WHERE id = ? RETURNING failed_logins`, id).Scan(&failed); err != nil {
			return err
		}
		detail := map[string]any{"reason": "bad password", "failures": failed}
		if failed >= s.set.MaxFailures {
			until := db.Timestamp(now.Add(s.set.LockoutDuration))
			if err := tx.Exec(ctx, `UPDATE users SET failed_logins = 0, locked_until = ? WHERE id = ?`, until, id); err != nil {
				return err
			}
			detail["locked_until"] = until
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "login_failed", ObjectType: "user", ObjectID: id, Detail: detail})
	})
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}

// Authenticate resolves a session token to a principal, enforcing the idle timeout.
func (s *Service) Authenticate(ctx context.Context, token string) (*Principal, error) {
	if token == "" {
		return nil, ErrNoSession
	}
	h := hashToken(token)
	var userID, organID, csrf, created, lastSeen string
	err := s.db.QueryRowContext(ctx, `SELECT user_id, organ_id, csrf, created_at, last_seen_at FROM sessions WHERE id_hash = ?`, h).
		Scan(&userID, &organID, &csrf, &created, &lastSeen)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNoSession
	} else if err != nil {
		return nil, err
	}
	now := s.now()
	seen, _ := db.ParseTimestamp(lastSeen)
	born, _ := db.ParseTimestamp(created)
	if now.Sub(seen) > s.set.IdleTimeout || now.Sub(born) > s.set.MaxSessionAge {
		s.db.Tx(ctx, func(tx *db.Tx) error { return tx.Exec(ctx, `DELETE FROM sessions WHERE id_hash = ?`, h) })
		return nil, ErrNoSession
	}
	p, err := s.principal(ctx, userID, organID)
	if err != nil {
		return nil, err
	}
	p.SessionHash, p.CSRF = h, csrf
	// Touch at most every minute or so, once per session however many of its requests arrive
	// together, and off the request's path: the sessions a office opened together all come due in
	// the same second, and fifty synced commits queued on the one writer held their requests for a
	// second (docs/benchmarks.md, 省级规模).
	if every := s.set.IdleTimeout / 30; now.Sub(seen) > every && s.touch.claim(h, now, every) {
		s.touch.queue(h, now, s.flushTouches)
	}
	return p, nil
}

func (s *Service) principal(ctx context.Context, userID, organID string) (*Principal, error) {
	u, err := s.User(ctx, userID)
	if err != nil {
		return nil, ErrNoSession
	}
	if u.Disabled {
		return nil, ErrDisabled
	}
	p := &Principal{UserID: u.ID, Username: u.Username, Name: u.Name, Title: u.Title, HomeOrganID: u.OrganID, DepartmentID: u.DepartmentID, Memberships: u.Memberships, MustChange: u.MustChange}
	o, ok := s.org.Organ(organID)
	if !ok {
		o, _ = s.org.Organ(u.OrganID)
	}
	p.actFor(o.ID, o.Path)
	p.Wide = p.Scope == ScopeBelow && s.org.SubtreeSize(o.ID) > WideScope
	return p, nil
}

// WideScope is how many organs a data scope may span before its lists are read in their own
// order (Principal.Wide): a county with its departments and townships is ≈ 20.
const WideScope = 60

// Logout ends the session.
func (s *Service) Logout(ctx context.Context, p *Principal) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.Exec(ctx, `DELETE FROM sessions WHERE id_hash = ?`, p.SessionHash); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "logout", ObjectType: "user", ObjectID: p.UserID})
	})
}

// SwitchOrgan makes the session act for another organ in which the user holds a role.
func (s *Service) SwitchOrgan(ctx context.Context, p *Principal, organID string) error {
	if !slices.Contains(p.OrganIDs(), organID) {
		return fmt.Errorf("%w：您在该机关没有角色", db.ErrForbidden)
	}
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.ExecOne(ctx, `UPDATE sessions SET organ_id = ? WHERE id_hash = ?`, organID, p.SessionHash); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "switch_organ", ObjectType: "organ", ObjectID: organID})
	})
}

// ChangePassword lets a user set a new password after proving the old one.
func (s *Service) ChangePassword(ctx context.Context, userID, old, new string) error {
	var hash, username string
	if err := s.db.QueryRowContext(ctx, `SELECT password_hash, username FROM users WHERE id = ?`, userID).Scan(&hash, &username); err != nil {
		return err
	}
	if ok, _ := VerifyPassword(hash, old); !ok {
		return &FieldError{"old", "原密码不正确"}
	}
	return s.setPassword(ctx, userID, username, new, false, "change_password")
}

// ResetPassword is the security administrator's reset: the user must change it at next login.
func (s *Service) ResetPassword(ctx context.Context, userID, new string) error {
	var username string
	if err := s.db.QueryRowContext(ctx, `SELECT username FROM users WHERE id = ?`, userID).Scan(&username); err != nil {
		return fmt.Errorf("用户%w", db.ErrNotFound)
	}
	return s.setPassword(ctx, userID, username, new, true, "reset_password")
}

func (s *Service) setPassword(ctx context.Context, userID, username, password string, mustChange bool, action string) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		var prev []string
		rows, err := tx.QueryContext(ctx, `SELECT hash FROM password_history WHERE user_id = ? ORDER BY created_at DESC`, userID)
		if err != nil {
			return err
		}
		for rows.Next() {
			var h string
			rows.Scan(&h)
			prev = append(prev, h)
		}
		rows.Close()
		if len(prev) > s.set.Policy.History {
			prev = prev[:s.set.Policy.History]
		}
		if err := s.set.Policy.Check(password, username, prev); err != nil {
			return &FieldError{"password", err.Error()}
		}
		hash, err := HashPassword(password)
		if err != nil {
			return err
		}
		now := db.Now()
		if err := tx.ExecOne(ctx, `UPDATE users SET password_hash = ?, password_changed_at = ?, must_change = ?, failed_logins = 0, locked_until = '', updated_at = ? WHERE id = ?`, hash, now, db.BoolInt(mustChange), now, userID); err != nil {
			return err
		}
		if err := tx.Exec(ctx, `INSERT INTO password_history (user_id, hash, created_at) VALUES (?, ?, ?)`, userID, hash, now); err != nil {
			return err
		}
		// A new password ends every other session of the account.
		if err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: action, ObjectType: "user", ObjectID: userID})
	})
}

// SetLocked locks (until unlocked) or unlocks an account; disabled accounts cannot sign in at all.
func (s *Service) SetLocked(ctx context.Context, userID string, locked bool) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		action := "unlock"
		if locked {
			action = "lock"
		}
		if err := tx.ExecOne(ctx, `UPDATE users SET disabled = ?, failed_logins = 0, locked_until = '', updated_at = ? WHERE id = ?`, db.BoolInt(locked), db.Now(), userID); err != nil {
			return fmt.Errorf("用户%w", db.ErrNotFound)
		}
		if locked {
			if err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{Action: action, ObjectType: "user", ObjectID: userID})
	})
}

// IssueToken creates an API bearer token for a system account; the token is shown once.
func (s *Service) IssueToken(ctx context.Context, userID, name string) (string, error) {
	tok := "fz_" + secure.RandomToken(32)
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		id := db.NewID()
		if err := tx.Exec(ctx, `INSERT INTO api_tokens (id, token_hash, user_id, name, created_at) VALUES (?, ?, ?, ?, ?)`, id, hashToken(tok), userID, name, db.Now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "issue_token", ObjectType: "api_token", ObjectID: id, Detail: map[string]any{"user_id": userID, "name": name}})
	})
	return tok, err
}

// AuthenticateBearer resolves an API token.
func (s *Service) AuthenticateBearer(ctx context.Context, tok string) (*Principal, error) {
	var userID, revoked string
	err := s.db.QueryRowContext(ctx, `SELECT user_id, revoked_at FROM api_tokens WHERE token_hash = ?`, hashToken(tok)).Scan(&userID, &revoked)
	if err != nil || revoked != "" {
		return nil, ErrNoSession
	}
	var home string
	if err := s.db.QueryRowContext(ctx, `SELECT organ_id FROM users WHERE id = ?`, userID).Scan(&home); err != nil {
		return nil, ErrNoSession
	}
	// Like Login: act for the home organ if the account holds a role there, else its first organ.
	ms, err := s.memberships(ctx, s.db, userID)
	if err != nil {
		return nil, err
	}
	if len(ms) > 0 && !slices.ContainsFunc(ms, func(m Membership) bool { return m.OrganID == home }) {
		home = ms[0].OrganID
	}
	p, err := s.principal(ctx, userID, home)
	if err != nil {
		return nil, err
	}
	p.ViaToken = true
	return p, nil
}

// touches remembers when this process last wrote a session's last_seen_at, and the touches
// waiting to be written together.
type touches struct {
	mu      sync.Mutex
	last    map[string]time.Time
	pending map[string]time.Time
}

// touchDelay gathers the touches of this long into one transaction.
const touchDelay = 500 * time.Millisecond

// queue adds a touch; the first of a batch schedules flush.
func (t *touches) queue(h string, at time.Time, flush func(map[string]time.Time)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.pending == nil {
		t.pending = map[string]time.Time{}
		time.AfterFunc(touchDelay, func() {
			t.mu.Lock()
			batch := t.pending
			t.pending = nil
			t.mu.Unlock()
			flush(batch)
		})
	}
	t.pending[h] = at
}

// flushTouches writes a batch of last_seen_at in one transaction. A failed write only makes a
// session look idle a minute early.
func (s *Service) flushTouches(batch map[string]time.Time) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		for h, at := range batch {
			if err := tx.Exec(ctx, `UPDATE sessions SET last_seen_at = ? WHERE id_hash = ? AND last_seen_at < ?`, db.Timestamp(at), h, db.Timestamp(at)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		slog.Warn("写入会话最近活动时间失败", "err", err, "sessions", len(batch))
	}
}

// claim reports whether the caller should write session h's last_seen_at now: not if this
// process did within every (another request of the same session got there first).
func (t *touches) claim(h string, now time.Time, every time.Duration) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.last == nil {
		t.last = map[string]time.Time{}
	}
	if prev, ok := t.last[h]; ok && now.Sub(prev) < every {
		return false
	}
	if len(t.last) >= 100000 { // sessions come and go: forget the ones not touched lately
		for k, v := range t.last {
			if now.Sub(v) >= every {
				delete(t.last, k)
			}
		}
	}
	t.last[h] = now
	return true
}
