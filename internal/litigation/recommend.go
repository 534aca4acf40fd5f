package litigation

import (
	"context"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
)

// Recommendation is a 司法建议 or 检察建议 received by an organ, with its reply clock.
type Recommendation struct {
	ID         string        `json:"id"`
	Kind       RecKind       `json:"kind"`
	Number     string        `json:"number"`
	OrganID    string        `json:"organ_id"`
	CaseID     string        `json:"case_id,omitempty"`
	Issuer     string        `json:"issuer"`
	Urgent     bool          `json:"urgent"`
	StatedDays int           `json:"stated_days"`
	ReceivedOn calendar.Date `json:"received_on"`
	ReplyDue   calendar.Date `json:"reply_due"`
	RepliedOn  calendar.Date `json:"replied_on"`
}

// RecommendationInput records a recommendation as received (numbered as the issuer numbered it,
// e.g. 青法建〔2025〕3号).
type RecommendationInput struct {
	Kind       RecKind `json:"kind" required:"true"`
	Number     string  `json:"number" required:"true"`
	OrganID    string  `json:"organ_id" required:"true"`
	CaseID     string  `json:"case_id"`
	Issuer     string  `json:"issuer" required:"true"`
	Urgent     bool    `json:"urgent"`
	StatedDays int     `json:"stated_days"`
	ReceivedOn string  `json:"received_on" required:"true"`
}

// AddRecommendation records a recommendation for an organ in p's scope (司法局 staff).
func (m *Module) AddRecommendation(ctx context.Context, p *auth.Principal, in RecommendationInput) (*Recommendation, error) {
	if !p.Can(PermEdit) {
		return nil, fault.Forbiddenf("只有司法局应诉工作人员可以登记司法建议、检察建议")
	}
	if in.Kind != Judicial && in.Kind != Procuratorial {
		return nil, fault.Field("kind", "类型应为 judicial（司法建议）或 procuratorial（检察建议）")
	}
	if strings.TrimSpace(in.Number) == "" || strings.TrimSpace(in.Issuer) == "" {
		return nil, fault.Field("number", "请填写建议书文号和发出机关")
	}
	if in.Urgent && in.Kind != Procuratorial {
		return nil, fault.Field("urgent", "只有检察建议有紧急情形的十五日回复期限")
	}
	if in.StatedDays < 0 || in.StatedDays > 365 || (in.StatedDays > 0 && in.Kind != Judicial) {
		return nil, fault.Field("stated_days", "建议书载明的回复期限（日）只适用于司法建议，且在1至365之间")
	}
	on, err := calendar.ParseDate(strings.TrimSpace(in.ReceivedOn))
	if err != nil {
		return nil, fault.Field("received_on", calendar.FormatHint)
	}
	if on.After(m.Today()) {
		return nil, fault.Field("received_on", "日期不能晚于今天")
	}
	o, ok := m.d.Org.Organ(in.OrganID)
	if !ok || !p.Covers(o.ID, o.Path, "") {
		if gov, ok2 := m.d.Org.GovernmentOf(o); !ok || !ok2 || gov.ID != p.OrganID {
			return nil, fault.Field("organ_id", "只能为本机关及所属部门登记")
		}
	}
	gov, _ := m.d.Org.GovernmentOf(o)
	r := &Recommendation{ID: db.NewID(), Kind: in.Kind, Number: strings.TrimSpace(in.Number), OrganID: o.ID, CaseID: in.CaseID, Issuer: strings.TrimSpace(in.Issuer),
		Urgent: in.Urgent, StatedDays: in.StatedDays, ReceivedOn: on}
	r.ReplyDue = RecommendationDue(m.cal(), r.Kind, r.Urgent, r.StatedDays, on)
	err = m.d.DB.Tx(ctx, func(tx *db.Tx) error {
		if r.CaseID != "" {
			if _, err := getCase(ctx, tx, p, r.CaseID); err != nil {
				return err
			}
		}
		if err := tx.Exec(ctx, `INSERT INTO litigation_recommendations (id, kind, number, organ_id, gov_id, case_id, issuer, urgent, stated_days, received_on, reply_due, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, r.ID, string(r.Kind), r.Number, r.OrganID, gov.ID, r.CaseID, r.Issuer, db.BoolInt(r.Urgent), r.StatedDays,
			on.String(), r.ReplyDue.String(), db.Now()); err != nil {
			return err
		}
		return auditRecord(ctx, tx, "litigation.recommendation", r.ID, map[string]any{"number": r.Number, "kind": string(r.Kind)})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// ReplyRecommendation records the written reply (date of the 回复函).
func (m *Module) ReplyRecommendation(ctx context.Context, p *auth.Principal, id string, st casework.Step) error {
	if err := st.Prepare(m.Today()); err != nil {
		return err
	}
	return m.d.DB.Tx(ctx, func(tx *db.Tx) error {
		f, a := p.ScopeSQL("organ_id", "")
		g, b := p.ScopeSQL("gov_id", "")
		var received, replied string
		err := tx.QueryRowContext(ctx, `SELECT received_on, replied_on FROM litigation_recommendations WHERE id = ? AND (`+f+` OR `+g+`)`,
			append(append([]any{id}, a...), b...)...).Scan(&received, &replied)
		if err != nil {
			return db.Found(err, "建议书")
		}
		if replied != "" {
			return fault.Conflictf("该建议书已于 %s 回复", replied)
		}
		if err := casework.NotBefore(st.On, parseDate(received), "收到建议书之日"); err != nil {
			return err
		}
		if err := tx.ExecOne(ctx, `UPDATE litigation_recommendations SET replied_on = ?, reply_note = ?, version = version + 1 WHERE id = ?`, st.On.String(), st.Note, id); err != nil {
			return err
		}
		return auditRecord(ctx, tx, "litigation.reply", id, map[string]any{"on": st.On.String()})
	})
}
