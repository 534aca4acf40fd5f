package demo

import (
	"context"
	"fmt"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/org"
)

// RecordCounties is how many counties get a full year of records from the module seeders (the
// others only bulk data at province scale).
const RecordCounties = 2

// Players are the people of one county the seeders act as: who plays which role.
type Players struct {
	County   *County
	Reviewer *auth.Principal // 审查员 of the 司法局
	Advisor  *auth.Principal // 法律顾问
	Liaisons []*auth.Principal
}

// Cast loads the principals of a demo county's reviewer, advisor and department liaisons, in the
// order the tree made them (deterministic).
func Cast(ctx context.Context, d *db.DB, o *org.Service, c *County) (*Players, error) {
	get := func(role auth.Role, i int, prefer string) (*auth.Principal, error) {
		ids := c.Staff[role]
		if len(ids) <= i {
			return nil, fmt.Errorf("演示县 %s 缺少%s", c.Government.Name, role.Label())
		}
		organID, err := membershipOrgan(ctx, d, ids[i], prefer)
		if err != nil {
			return nil, err
		}
		return Principal(ctx, d, o, ids[i], organID)
	}
	cast := &Players{County: c}
	var err error
	if cast.Reviewer, err = get(auth.RoleReviewer, 0, c.Justice.ID); err != nil {
		return nil, err
	}
	if cast.Advisor, err = get(auth.RoleAdvisor, 0, c.Justice.ID); err != nil {
		return nil, err
	}
	for i := range c.Staff[auth.RoleLiaison] {
		p, err := get(auth.RoleLiaison, i, "")
		if err != nil {
			return nil, err
		}
		cast.Liaisons = append(cast.Liaisons, p)
	}
	if len(cast.Liaisons) == 0 {
		return nil, fmt.Errorf("演示县 %s 没有部门联络员", c.Government.Name)
	}
	return cast, nil
}

// Principal builds the principal of a demo account acting for organID, without a session:
// seeders run the real service methods as the people of the demo county.
func Principal(ctx context.Context, q db.Querier, o *org.Service, userID, organID string) (*auth.Principal, error) {
	rows, err := q.QueryContext(ctx, `SELECT u.username, u.name, m.role, m.scope FROM users u JOIN memberships m ON m.user_id = u.id WHERE u.id = ? AND m.organ_id = ?`, userID, organID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	organ, _ := o.Organ(organID)
	p := &auth.Principal{UserID: userID, HomeOrganID: organID, OrganID: organID, OrganPath: organ.Path}
	for rows.Next() {
		var role auth.Role
		var scope auth.Scope
		if err := rows.Scan(&p.Username, &p.Name, &role, &scope); err != nil {
			return nil, err
		}
		p.Roles = append(p.Roles, role)
		if p.Scope == "" {
			p.Scope = scope
		} else {
			p.Scope = auth.Wider(p.Scope, scope)
		}
	}
	if len(p.Roles) == 0 {
		return nil, fmt.Errorf("演示账户 %s 在 %s 没有角色", userID, organ.Name)
	}
	return p, rows.Err()
}

// membershipOrgan finds the organ a demo account acts for: prefer when it has a membership
// there, else its first membership.
func membershipOrgan(ctx context.Context, q db.Querier, userID string, prefer string) (string, error) {
	var organID string
	err := q.QueryRowContext(ctx, `SELECT organ_id FROM memberships WHERE user_id = ? ORDER BY CASE WHEN organ_id = ? THEN 0 ELSE 1 END, organ_id LIMIT 1`, userID, prefer).Scan(&organID)
	return organID, err
}
