package auth

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/org"
)

// Two-person rule for case content: a security administrator alone could give an ordinary
// account a business role with scope 全部, reset its password and sign in as it. So a role
// change that adds or widens a business role waits in pending_grants until a second
// administrator (the system administrator) confirms it, and one administrator may not both reset
// an account's password and grant it case access within Settings.GrantWindow.
// CreateUser and SetMemberships stay direct: the CLI and demo loading act as the installer.

// IsBusiness reports a role that reaches case content: every role but the three administrators
// and the public.
func (r Role) IsBusiness() bool { return r.Valid() && !r.IsAdmin() && r != RolePublic }

// TouchesCaseContent reports whether going from before to after adds a business role in an
// organ, or widens its scope. Removing or narrowing never does.
func TouchesCaseContent(before, after []Membership) bool {
	for _, m := range after {
		if !m.Role.IsBusiness() {
			continue
		}
		scope := m.Scope
		if scope == "" {
			scope = DefaultScope(m.Role)
		}
		covered := false
		for _, b := range before {
			if b.OrganID == m.OrganID && b.Role == m.Role && b.Scope.rank() >= scope.rank() {
				covered = true
			}
		}
		if !covered {
			return true
		}
	}
	return false
}

// Grant is a requested role change waiting for (or decided by) a second administrator.
type Grant struct {
	ID            string
	UserID        string
	Username      string
	UserName      string
	OrganID       string // the account's home organ
	Memberships   []Membership
	Before        []Membership // the account's roles now
	RequestedBy   string
	RequestedName string
	RequestedAt   string
	Status        string // pending, confirmed, refused, superseded
	DecidedBy     string
	DecidedName   string
	DecidedAt     string
}

// Grant statuses.
const (
	GrantPending    = "pending"
	GrantConfirmed  = "confirmed"
	GrantRefused    = "refused"
	GrantSuperseded = "superseded"
)

// RequestMemberships is the security administrator's change of an account's roles (actorID is
// the administrator). A change that touches case content is stored for confirmation and pending
// is true; any other change (removing, narrowing, administrator roles) applies at once. Either
// way an earlier pending request for the account is superseded.
func (s *Service) RequestMemberships(ctx context.Context, tx *db.Tx, actorID, actorName, userID string, ms []Membership) (pending bool, err error) {
	if actorID == userID {
		return false, &FieldError{"roles", "不能修改本人的角色，请由另一名安全管理员办理"}
	}
	if err := s.checkMemberships(ctx, tx, ms); err != nil {
		return false, err
	}
	before, err := s.memberships(ctx, tx, userID)
	if err != nil {
		return false, err
	}
	if err := tx.Exec(ctx, `UPDATE pending_grants SET status = ?, decided_at = ? WHERE user_id = ? AND status = ?`, GrantSuperseded, db.Now(), userID, GrantPending); err != nil {
		return false, err
	}
	if !TouchesCaseContent(before, ms) {
		return false, s.SetMemberships(ctx, tx, userID, ms)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'reset_password' AND object_type = 'user' AND object_id = ? AND user_id = ? AND at >= ?`,
		userID, actorID, s.windowStart()).Scan(&n); err != nil {
		return false, err
	}
	if n > 0 {
		return false, &FieldError{"roles", fmt.Sprintf("您在%s内重置过该账户的密码，不能再为其授予业务角色（同一管理员不得既重置密码又授予案件权限），请由另一名安全管理员办理", windowLabel(s.set.GrantWindow))}
	}
	raw, err := json.Marshal(ms)
	if err != nil {
		return false, err
	}
	id := db.NewID()
	if err := tx.Exec(ctx, `INSERT INTO pending_grants (id, user_id, memberships, requested_by, requested_name, requested_at, status) VALUES (?, ?, ?, ?, ?, ?, ?)`,
		id, userID, string(raw), actorID, actorName, db.Now(), GrantPending); err != nil {
		return false, err
	}
	return true, audit.Record(ctx, tx, audit.Entry{Action: "grant_request", ObjectType: "user", ObjectID: userID,
		Detail: map[string]any{"grant_id": id, "before": describe(before), "after": describe(ms)}})
}

// DecideGrant confirms (the roles take effect now) or refuses a pending request. The requester
// can never confirm their own request, nor can the account holder.
func (s *Service) DecideGrant(ctx context.Context, grantID, deciderID, deciderName string, confirm bool) error {
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		g, err := s.grant(ctx, tx, grantID)
		if err != nil {
			return err
		}
		if g.Status != GrantPending {
			return fault.Conflictf("该授权申请已处理或已被新的申请取代")
		}
		if confirm && deciderID == g.RequestedBy {
			return fault.Forbiddenf("不能确认本人提出的授权申请，须由另一名管理员确认")
		}
		if deciderID == g.UserID {
			return fault.Forbiddenf("不能处理为本人账户提出的授权申请")
		}
		status, action := GrantRefused, "grant_refuse"
		if confirm {
			status, action = GrantConfirmed, "grant_confirm"
		}
		if err := tx.ExecOne(ctx, `UPDATE pending_grants SET status = ?, decided_by = ?, decided_name = ?, decided_at = ? WHERE id = ? AND status = ?`,
			status, deciderID, deciderName, db.Now(), grantID, GrantPending); err != nil {
			if errors.Is(err, db.ErrConflict) {
				return fault.Conflictf("该授权申请已处理或已被新的申请取代")
			}
			return err
		}
		if err := audit.Record(ctx, tx, audit.Entry{Action: action, ObjectType: "user", ObjectID: g.UserID,
			Detail: map[string]any{"grant_id": g.ID, "requested_by": g.RequestedName, "after": describe(g.Memberships)}}); err != nil {
			return err
		}
		if !confirm {
			return nil
		}
		return s.SetMemberships(ctx, tx, g.UserID, g.Memberships)
	})
}

// ResetPasswordAs is the security administrator's reset (actorID is the administrator). It is
// refused when the same administrator requested case access for the account within the window.
func (s *Service) ResetPasswordAs(ctx context.Context, actorID, userID, new string) error {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM pending_grants WHERE user_id = ? AND requested_by = ? AND requested_at >= ? AND status IN (?, ?)`,
		userID, actorID, s.windowStart(), GrantPending, GrantConfirmed).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return &FieldError{"password", fmt.Sprintf("您在%s内为该账户申请过业务角色，不能再重置其密码（同一管理员不得既授予案件权限又重置密码），请由另一名安全管理员办理", windowLabel(s.set.GrantWindow))}
	}
	return s.ResetPassword(ctx, userID, new)
}

func (s *Service) windowStart() string { return db.Timestamp(s.now().Add(-s.set.GrantWindow)) }

func windowLabel(d time.Duration) string {
	if d%time.Hour == 0 {
		return fmt.Sprintf("%d小时", int(d/time.Hour))
	}
	return fmt.Sprintf("%d分钟", int(d/time.Minute))
}

const sqlGrantCols = `g.id, g.user_id, u.username, u.name, u.organ_id, g.memberships, g.requested_by, g.requested_name, g.requested_at, g.status, g.decided_by, g.decided_name, g.decided_at`

func scanGrant(sc interface{ Scan(...any) error }) (Grant, error) {
	var g Grant
	var raw string
	if err := sc.Scan(&g.ID, &g.UserID, &g.Username, &g.UserName, &g.OrganID, &raw, &g.RequestedBy, &g.RequestedName, &g.RequestedAt, &g.Status, &g.DecidedBy, &g.DecidedName, &g.DecidedAt); err != nil {
		return g, err
	}
	return g, json.Unmarshal([]byte(raw), &g.Memberships)
}

func (s *Service) grant(ctx context.Context, q db.Querier, id string) (Grant, error) {
	g, err := scanGrant(q.QueryRowContext(ctx, `SELECT `+sqlGrantCols+` FROM pending_grants g JOIN users u ON u.id = g.user_id WHERE g.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return g, fault.NotFoundf("授权申请不存在")
	}
	return g, err
}

// GrantByID returns one request with the account's current roles.
func (s *Service) GrantByID(ctx context.Context, id string) (Grant, error) {
	g, err := s.grant(ctx, s.db, id)
	if err != nil {
		return g, err
	}
	g.Before, err = s.memberships(ctx, s.db, g.UserID)
	return g, err
}

// PendingGrants lists the requests waiting for confirmation for accounts of the organs under
// organPath (userID "" for all of them, else one account's), oldest first.
func (s *Service) PendingGrants(ctx context.Context, organPath, userID string) ([]Grant, error) {
	within, wargs := org.WithinSQL("u.organ_id", organPath)
	rows, err := s.db.QueryContext(ctx, `SELECT `+sqlGrantCols+` FROM pending_grants g JOIN users u ON u.id = g.user_id
		WHERE g.status = ? AND `+within+` AND (? = '' OR g.user_id = ?) ORDER BY g.requested_at, g.id`,
		append(append([]any{GrantPending}, wargs...), userID, userID)...)
	if err != nil {
		return nil, err
	}
	var out []Grant
	for rows.Next() {
		g, err := scanGrant(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Before, err = s.memberships(ctx, s.db, out[i].UserID); err != nil {
			return nil, err
		}
	}
	return out, nil
}
