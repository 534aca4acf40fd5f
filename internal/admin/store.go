package admin

import (
	"context"
	"strings"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/org"
)

const (
	sqlAllDepartments = `SELECT id, organ_id, name FROM departments ORDER BY organ_id, name`
	sqlCalendarYears  = `SELECT year, source, updated_at, updated_by FROM calendar_years ORDER BY year`
	sqlAuditCols      = `SELECT seq, at, user_id, username, organ_id, ip, action, object_type, object_id, detail, prev_hash, hash FROM audit_log`
)

// departments returns every department by organ id (one query for a whole list page).
func departments(ctx context.Context, q db.Querier) (map[string][]org.Department, error) {
	rows, err := q.QueryContext(ctx, sqlAllDepartments)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]org.Department{}
	for rows.Next() {
		var d org.Department
		if err := rows.Scan(&d.ID, &d.OrganID, &d.Name); err != nil {
			return nil, err
		}
		out[d.OrganID] = append(out[d.OrganID], d)
	}
	return out, rows.Err()
}

// storedYear is a calendar year an administrator saved (built-in years have none).
type storedYear struct {
	Year                         int
	Source, UpdatedAt, UpdatedBy string
}

func storedYears(ctx context.Context, q db.Querier) (map[int]storedYear, error) {
	rows, err := q.QueryContext(ctx, sqlCalendarYears)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int]storedYear{}
	for rows.Next() {
		var y storedYear
		if err := rows.Scan(&y.Year, &y.Source, &y.UpdatedAt, &y.UpdatedBy); err != nil {
			return nil, err
		}
		out[y.Year] = y
	}
	return out, rows.Err()
}

// auditFilter selects audit entries; From/To are UTC timestamps (To exclusive), the rest exact matches.
type auditFilter struct {
	From, To   string
	Username   string
	Action     string
	ObjectType string
	ObjectID   string
}

// auditRows lists the entries matching f that the principal may see, newest first.
// Rows come from the audit_log_at index when a date range is given, else in seq order.
func auditRows(ctx context.Context, q db.Querier, p *auth.Principal, f auditFilter, limit, offset int) ([]audit.Row, error) {
	scope, args := p.ScopeSQL("organ_id", "user_id")
	where := []string{scope}
	add := func(cond string, v string) {
		if v != "" {
			where = append(where, cond)
			args = append(args, v)
		}
	}
	add("at >= ?", f.From)
	add("at < ?", f.To)
	add("username = ?", f.Username)
	add("action = ?", f.Action)
	add("object_type = ?", f.ObjectType)
	add("object_id = ?", f.ObjectID)
	query := sqlAuditCols + " WHERE " + strings.Join(where, " AND ") + " ORDER BY seq DESC LIMIT ? OFFSET ?"
	args = append(args, limit, offset)
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []audit.Row
	for rows.Next() {
		var r audit.Row
		if err := rows.Scan(&r.Seq, &r.At, &r.UserID, &r.Username, &r.OrganID, &r.IP, &r.Action, &r.ObjectType, &r.ObjectID, &r.Detail, &r.PrevHash, &r.Hash); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
