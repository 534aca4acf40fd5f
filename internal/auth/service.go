package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/ratelimit"
	"github.com/fazhi/fazhi/internal/secure"
)

// Errors shown to the person signing in. One message for unknown user and wrong password,
// so the form does not reveal which accounts exist.
var (
	ErrBadCredentials = errors.New("用户名或密码错误")
	ErrLocked         = errors.New("账户已锁定")
	ErrDisabled       = errors.New("账户已停用，请联系系统管理员")
	ErrNoSession      = errors.New("未登录或会话已过期，请重新登录")
)

// Settings are the security policy values (config flags).
type Settings struct {
	IdleTimeout     time.Duration // 30 min
	MaxSessionAge   time.Duration // 12 h
	MaxFailures     int           // 5
	LockoutDuration time.Duration // 15 min
	Policy          PasswordPolicy
	LoginPerIP      ratelimit.Rule // attempts per client address (an office NAT shares one)
	LoginPerUser    ratelimit.Rule // attempts per user name, known or not
	// GrantWindow: one administrator may not both reset an account's password and grant it a
	// business role within this window (24 h).
	GrantWindow time.Duration
}

// DefaultSettings per the foundation issue.
func DefaultSettings() Settings {
	return Settings{IdleTimeout: 30 * time.Minute, MaxSessionAge: 12 * time.Hour, MaxFailures: 5, LockoutDuration: 15 * time.Minute, Policy: DefaultPasswordPolicy(),
		LoginPerIP:   ratelimit.Rule{Max: 60, Window: time.Minute},
		LoginPerUser: ratelimit.Rule{Max: 10, Window: time.Minute},
		GrantWindow:  24 * time.Hour}
}

// Service owns users, memberships, sessions and API tokens.
type Service struct {
	db     *db.DB
	org    *org.Service
	set    Settings
	now    func() time.Time
	limits *ratelimit.Limiter
	touch  touches
}

// New returns the account service.
func New(d *db.DB, o *org.Service, s Settings) *Service {
	return &Service{db: d, org: o, set: s, now: time.Now, limits: ratelimit.New(d)}
}

// Settings returns the policy in force.
func (s *Service) Settings() Settings { return s.set }

// SetClock replaces the clock (tests of idle timeout and lockout).
func (s *Service) SetClock(now func() time.Time) { s.now = now; s.limits.SetClock(now) }

func hashToken(tok string) string { return secure.SM3Hex([]byte("fazhi-token"), []byte(tok)) }

// User is an account as administrators see it.
type User struct {
	ID            string
	Username      string
	Name          string
	OrganID       string
	DepartmentID  string
	Phone         string
	Title         string
	Disabled      bool
	LockedUntil   string
	FailedLogins  int
	MustChange    bool
	SystemAccount bool
	CreatedAt     string
	Memberships   []Membership
}

// NewUser is the input to CreateUser.
type NewUser struct {
	Username      string
	Name          string
	OrganID       string
	DepartmentID  string
	Phone         string
	Title         string
	Password      string
	PasswordHash  string // already hashed (bulk demo data): skips the policy check
	MustChange    bool
	SystemAccount bool
	Memberships   []Membership
}

// FieldError names the form field a message belongs to.
type FieldError struct {
	Field string
	Msg   string
}

func (e *FieldError) Error() string { return e.Msg }

// CreateUser adds an account inside tx.
func (s *Service) CreateUser(ctx context.Context, tx *db.Tx, in NewUser) (string, error) {
	in.Username = strings.TrimSpace(in.Username)
	in.Name = strings.TrimSpace(in.Name)
	switch {
	case !validUsername(in.Username):
		return "", &FieldError{"username", "用户名为3至32位字母、数字、下划线或点"}
	case in.Name == "":
		return "", &FieldError{"name", "请填写姓名"}
	}
	if !organExists(ctx, tx, in.OrganID) {
		return "", &FieldError{"organ", "所属机关不存在"}
	}
	hash := in.PasswordHash
	if hash == "" {
		if err := s.set.Policy.Check(in.Password, in.Username, nil); err != nil {
			return "", &FieldError{"password", err.Error()}
		}
		var err error
		if hash, err = HashPassword(in.Password); err != nil {
			return "", err
		}
	}
	if in.Phone != "" {
		if err := secure.ValidateMobile(in.Phone); err != nil {
			return "", &FieldError{"phone", err.Error()}
		}
	}
	id := db.NewID()
	now := db.Now()
	var dept any
	if in.DepartmentID != "" {
		dept = in.DepartmentID
	}
	err := tx.Exec(ctx, `INSERT INTO users (id, username, name, organ_id, department_id, phone, title, password_hash, password_changed_at, must_change, system_account, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, id, in.Username, in.Name, in.OrganID, dept, in.Phone, in.Title, hash, now, db.BoolInt(in.MustChange), db.BoolInt(in.SystemAccount), now, now)
	if db.IsUnique(err) {
		return "", &FieldError{"username", "用户名 " + in.Username + " 已被使用"}
	} else if err != nil {
		return "", err
	}
	if err := tx.Exec(ctx, `INSERT INTO password_history (user_id, hash, created_at) VALUES (?, ?, ?)`, id, hash, now); err != nil {
		return "", err
	}
	if err := audit.Record(ctx, tx, audit.Entry{Action: "create", ObjectType: "user", ObjectID: id, Detail: map[string]any{"username": in.Username, "name": in.Name, "organ_id": in.OrganID}}); err != nil {
		return "", err
	}
	if len(in.Memberships) > 0 {
		if err := s.SetMemberships(ctx, tx, id, in.Memberships); err != nil {
			return "", err
		}
	}
	return id, nil
}

// organExists reads inside tx: the organ may have been created earlier in the same transaction.
func organExists(ctx context.Context, tx *db.Tx, id string) bool {
	var n int
	return tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM organs WHERE id = ?`, id).Scan(&n) == nil && n == 1
}

func validUsername(u string) bool {
	if len(u) < 3 || len(u) > 32 {
		return false
	}
	for _, r := range u {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}

// SetMemberships replaces a user's roles at once, enforcing 三员分立 and valid scopes. It is the
// installer's path (CLI, demo) and the last step of a confirmed grant; administrators' changes go
// through RequestMemberships.
func (s *Service) SetMemberships(ctx context.Context, tx *db.Tx, userID string, ms []Membership) error {
	if err := s.checkMemberships(ctx, tx, ms); err != nil {
		return err
	}
	before, err := s.memberships(ctx, tx, userID)
	if err != nil {
		return err
	}
	if err := tx.Exec(ctx, `DELETE FROM memberships WHERE user_id = ?`, userID); err != nil {
		return err
	}
	for _, m := range ms {
		if err := tx.Exec(ctx, `INSERT INTO memberships (id, user_id, organ_id, role, scope) VALUES (?, ?, ?, ?, ?)`, db.NewID(), userID, m.OrganID, string(m.Role), string(m.Scope)); err != nil {
			if db.IsUnique(err) {
				return &FieldError{"roles", "同一机关的同一角色只能设置一次"}
			}
			return err
		}
	}
	return audit.Record(ctx, tx, audit.Entry{Action: "set_roles", ObjectType: "user", ObjectID: userID,
		Detail: audit.Change{Before: describe(before), After: describe(ms)}})
}

// checkMemberships validates a role list in place (default scopes filled in).
func (s *Service) checkMemberships(ctx context.Context, tx *db.Tx, ms []Membership) error {
	var roles []Role
	seen := map[Role]bool{}
	for i := range ms {
		m := &ms[i]
		if !organExists(ctx, tx, m.OrganID) {
			return &FieldError{"roles", "角色所属机关不存在"}
		}
		if m.Scope == "" {
			m.Scope = DefaultScope(m.Role)
		}
		if !m.Scope.Valid() {
			return &FieldError{"roles", fmt.Sprintf("数据范围无效：%q", m.Scope)}
		}
		if !seen[m.Role] {
			seen[m.Role] = true
			roles = append(roles, m.Role)
		}
		for _, o := range ms[:i] {
			if o.OrganID == m.OrganID && o.Role == m.Role {
				return &FieldError{"roles", "同一机关的同一角色只能设置一次"}
			}
		}
	}
	if err := CheckCombination(roles); err != nil {
		return &FieldError{"roles", err.Error()}
	}
	return nil
}

func describe(ms []Membership) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.OrganID+":"+string(m.Role)+":"+string(m.Scope))
	}
	return out
}

func (s *Service) memberships(ctx context.Context, q db.Querier, userID string) ([]Membership, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, organ_id, role, scope FROM memberships WHERE user_id = ? ORDER BY organ_id, role`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Membership
	for rows.Next() {
		var m Membership
		if err := rows.Scan(&m.ID, &m.OrganID, &m.Role, &m.Scope); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

const sqlUserCols = `id, username, name, organ_id, COALESCE(department_id, ''), phone, title, disabled, locked_until, failed_logins, must_change, system_account, created_at`

func scanUser(sc interface{ Scan(...any) error }) (User, error) {
	var u User
	var disabled, must, system int
	err := sc.Scan(&u.ID, &u.Username, &u.Name, &u.OrganID, &u.DepartmentID, &u.Phone, &u.Title, &disabled, &u.LockedUntil, &u.FailedLogins, &must, &system, &u.CreatedAt)
	u.Disabled, u.MustChange, u.SystemAccount = disabled == 1, must == 1, system == 1
	return u, err
}

// User returns one account with its memberships.
func (s *Service) User(ctx context.Context, id string) (User, error) {
	u, err := scanUser(s.db.QueryRowContext(ctx, `SELECT `+sqlUserCols+` FROM users WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return u, fmt.Errorf("用户%w", db.ErrNotFound)
	} else if err != nil {
		return u, err
	}
	u.Memberships, err = s.memberships(ctx, s.db, id)
	return u, err
}

// UserByName returns the account with username.
func (s *Service) UserByName(ctx context.Context, username string) (User, error) {
	var id string
	err := s.db.QueryRowContext(ctx, `SELECT id FROM users WHERE username = ?`, username).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, fmt.Errorf("用户 %s %w", username, db.ErrNotFound)
	} else if err != nil {
		return User{}, err
	}
	return s.User(ctx, id)
}

// Users lists accounts of the organs under organPath (administrators manage their subtree).
func (s *Service) Users(ctx context.Context, organPath string) ([]User, error) {
	within, args := org.WithinSQL("organ_id", organPath)
	rows, err := s.db.QueryContext(ctx, `SELECT `+sqlUserCols+` FROM users WHERE `+within+` ORDER BY organ_id, username`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	all, err := s.allMemberships(ctx, organPath)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Memberships = all[out[i].ID]
	}
	return out, nil
}

func (s *Service) allMemberships(ctx context.Context, organPath string) (map[string][]Membership, error) {
	within, args := org.WithinSQL("u.organ_id", organPath)
	rows, err := s.db.QueryContext(ctx, `SELECT m.user_id, m.id, m.organ_id, m.role, m.scope FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE `+within+` ORDER BY m.organ_id, m.role`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]Membership{}
	for rows.Next() {
		var uid string
		var m Membership
		if err := rows.Scan(&uid, &m.ID, &m.OrganID, &m.Role, &m.Scope); err != nil {
			return nil, err
		}
		out[uid] = append(out[uid], m)
	}
	return out, rows.Err()
}

// UsersWithRole lists the accounts holding role in organID (e.g. a respondent's liaisons).
func (s *Service) UsersWithRole(ctx context.Context, organID string, role Role) ([]User, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+sqlUserCols+` FROM users WHERE disabled = 0 AND id IN (SELECT user_id FROM memberships WHERE organ_id = ? AND role = ?) ORDER BY username`, organID, string(role))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
