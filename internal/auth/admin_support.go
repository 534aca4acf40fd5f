package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/secure"
)

// Profile is what a system administrator may change on an existing account.
type Profile struct {
	Name         string
	DepartmentID string // a department of the account's own organ, "" for none
	Phone        string
	Title        string
}

// UpdateProfile changes an account's name, department, phone and title inside tx.
func (s *Service) UpdateProfile(ctx context.Context, tx *db.Tx, userID string, p Profile) error {
	p.Name, p.Phone, p.Title = strings.TrimSpace(p.Name), strings.TrimSpace(p.Phone), strings.TrimSpace(p.Title)
	if p.Name == "" {
		return &FieldError{"name", "请填写姓名"}
	}
	if p.Phone != "" {
		if err := secure.ValidateMobile(p.Phone); err != nil {
			return &FieldError{"phone", err.Error()}
		}
	}
	var organ, name, dept, phone, title string
	err := tx.QueryRowContext(ctx, `SELECT organ_id, name, COALESCE(department_id, ''), phone, title FROM users WHERE id = ?`, userID).
		Scan(&organ, &name, &dept, &phone, &title)
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("用户%w", db.ErrNotFound)
	} else if err != nil {
		return err
	}
	var deptArg any
	if p.DepartmentID != "" {
		var deptOrgan string
		if err := tx.QueryRowContext(ctx, `SELECT organ_id FROM departments WHERE id = ?`, p.DepartmentID).Scan(&deptOrgan); err != nil || deptOrgan != organ {
			return &FieldError{"department", "科室不存在或不属于该账户所在机关"}
		}
		deptArg = p.DepartmentID
	}
	before := map[string]any{"name": name, "department_id": dept, "phone": phone, "title": title}
	after := map[string]any{"name": p.Name, "department_id": p.DepartmentID, "phone": p.Phone, "title": p.Title}
	changes := audit.Changes(before, after)
	if len(changes) == 0 {
		return nil
	}
	if err := tx.ExecOne(ctx, `UPDATE users SET name = ?, department_id = ?, phone = ?, title = ?, updated_at = ? WHERE id = ?`,
		p.Name, deptArg, p.Phone, p.Title, db.Now(), userID); err != nil {
		return err
	}
	return audit.Record(ctx, tx, audit.Entry{Action: "update", ObjectType: "user", ObjectID: userID, Detail: changes})
}

// ClearLockout lifts the lock that repeated failed logins put on an account (the security
// administrator's 解锁); it does not enable a disabled account.
func (s *Service) ClearLockout(ctx context.Context, userID string) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		err := tx.ExecOne(ctx, `UPDATE users SET failed_logins = 0, locked_until = '', updated_at = ? WHERE id = ?`, db.Now(), userID)
		if errors.Is(err, db.ErrConflict) {
			return fmt.Errorf("用户%w", db.ErrNotFound)
		} else if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "clear_lockout", ObjectType: "user", ObjectID: userID})
	})
}

// Token is an API token as administrators see it; the token itself is never stored.
type Token struct {
	ID         string
	UserID     string
	Name       string
	CreatedAt  string
	LastUsedAt string
	RevokedAt  string
}

const sqlTokenCols = `t.id, t.user_id, t.name, t.created_at, t.last_used_at, t.revoked_at`

// Tokens lists the API tokens of the accounts of the organs under organPath, newest first.
func (s *Service) Tokens(ctx context.Context, organPath string) ([]Token, error) {
	within, args := org.WithinSQL("u.organ_id", organPath)
	rows, err := s.db.QueryContext(ctx, `SELECT `+sqlTokenCols+` FROM api_tokens t JOIN users u ON u.id = t.user_id
		WHERE `+within+` ORDER BY t.created_at DESC, t.id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Token
	for rows.Next() {
		var t Token
		if err := rows.Scan(&t.ID, &t.UserID, &t.Name, &t.CreatedAt, &t.LastUsedAt, &t.RevokedAt); err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// TokenByID returns one API token.
func (s *Service) TokenByID(ctx context.Context, id string) (Token, error) {
	var t Token
	err := s.db.QueryRowContext(ctx, `SELECT `+sqlTokenCols+` FROM api_tokens t WHERE t.id = ?`, id).
		Scan(&t.ID, &t.UserID, &t.Name, &t.CreatedAt, &t.LastUsedAt, &t.RevokedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return t, fmt.Errorf("API 令牌%w", db.ErrNotFound)
	}
	return t, err
}

// RevokeToken ends an API token for good; AuthenticateBearer refuses it from then on.
func (s *Service) RevokeToken(ctx context.Context, id string) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		err := tx.ExecOne(ctx, `UPDATE api_tokens SET revoked_at = ? WHERE id = ? AND revoked_at = ''`, db.Now(), id)
		if errors.Is(err, db.ErrConflict) {
			return fmt.Errorf("API 令牌不存在或已吊销：%w", db.ErrNotFound)
		} else if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "revoke_token", ObjectType: "api_token", ObjectID: id})
	})
}
