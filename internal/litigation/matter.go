package litigation

import (
	"context"
	"sort"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
)

// LinkInput names the earlier instance of the same matter by its 案号.
type LinkInput struct {
	casework.Step
	Docket string `json:"docket" required:"true"`
}

// LinkMatter joins a 二审 (or 再审) case to the earlier instance of the same matter: from then on
// both share its matter_id and each lists the other. The earlier instance must be one p may see,
// of a lower level (一审 for a 二审; 一审 or 二审 for a 再审), and share a defendant organ.
func (m *Module) LinkMatter(ctx context.Context, p *auth.Principal, id string, in LinkInput) (*Case, error) {
	return m.kind.Run(ctx, m.d.DB, m.Today(), p, id, casework.Transition[*Case]{
		Action: "link", Step: &in.Step,
		Allow: func(p *auth.Principal, c *Case) error {
			if m.defendantSide(p, c) || m.allowCourt(p, c) == nil {
				return nil
			}
			return fault.Forbiddenf("只有被告机关、指导应诉的司法局或受理本案的法院联络员可以关联前审级案件")
		},
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			if c.Instance == First {
				return fault.Field("docket", "一审案件没有前审级")
			}
			if c.MatterID != c.ID {
				return fault.Conflictf("本案已关联前审级案件")
			}
			dk, err := ParseDocket(strings.TrimSpace(in.Docket))
			if err != nil {
				return fault.Field("docket", err.Error())
			}
			var prevID string
			if err := tx.QueryRowContext(ctx, `SELECT id FROM litigation_cases WHERE docket = ?`, dk.String()).Scan(&prevID); err != nil {
				return fault.Field("docket", "未找到案号为 "+dk.String()+" 的案件，或您无权查看")
			}
			prev, err := getCase(ctx, tx, p, prevID)
			if err != nil {
				return fault.Field("docket", "未找到案号为 "+dk.String()+" 的案件，或您无权查看")
			}
			switch {
			case prev.ID == c.ID:
				return fault.Field("docket", "不能关联本案自身")
			case c.Instance == Second && prev.Instance != First:
				return fault.Field("docket", "二审案件应关联一审案件（案号类型为行初）")
			case c.Instance == Retrial && prev.Instance == Retrial:
				return fault.Field("docket", "再审案件应关联一审或二审案件")
			}
			shared := false
			for _, a := range c.Parties {
				for _, b := range prev.Parties {
					if a.OrganID != "" && a.OrganID == b.OrganID && a.Role != RolePlaintiff && b.Role != RolePlaintiff {
						shared = true
					}
				}
			}
			if !shared && prev.OrganID != c.OrganID {
				return fault.Field("docket", prev.Docket+" 的被告与本案不同，不是同一案件")
			}
			// Instances already joined to this one follow it into the matter.
			if err := tx.Exec(ctx, `UPDATE litigation_cases SET matter_id = ? WHERE matter_id = ? AND id <> ?`, prev.MatterID, c.ID, c.ID); err != nil {
				return err
			}
			c.MatterID = prev.MatterID
			ev.Note = "关联" + prev.Instance.Label() + "案件 " + prev.Docket
			return nil
		},
	})
}

// matterCases lists the other instances of c's matter that p may see, 一审 first.
func (m *Module) matterCases(ctx context.Context, p *auth.Principal, c *Case) ([]*Case, error) {
	where, args := scopeSQL(p, "")
	cs, err := queryCases(ctx, m.d.DB, `matter_id = ? AND id <> ? AND `+where, append([]any{c.MatterID, c.ID}, args...), Filter{Limit: 20})
	if err != nil {
		return nil, err
	}
	byInstance(cs)
	return cs, nil
}

// byInstance orders the instances of a matter 一审, 二审, 再审, keeping the order within each.
func byInstance(cs []*Case) {
	order := map[Instance]int{First: 0, Second: 1, Retrial: 2}
	sort.SliceStable(cs, func(i, j int) bool { return order[cs[i].Instance] < order[cs[j].Instance] })
}
