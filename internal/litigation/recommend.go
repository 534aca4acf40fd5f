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
	GovID      string        `json:"-"`
	CaseID     string        `json:"case_id,omitempty"`
	Issuer     string        `json:"issuer"`
	Urgent     bool          `json:"urgent"`
	StatedDays int           `json:"stated_days"`
	ReceivedOn calendar.Date `json:"received_on"`
	ReplyDue   calendar.Date `json:"reply_due"`
	RepliedOn  calendar.Date `json:"replied_on"`
	ReplyNote  string        `json:"reply_note,omitempty"`
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
	r.GovID = gov.ID
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
		if _, err := m.recDocs.Draft(ctx, tx, p, r, on, DocRecReply); err != nil {
			return err
		}
		return auditRecord(ctx, tx, "litigation.recommendation", r.ID, map[string]any{"number": r.Number, "kind": string(r.Kind)})
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// ReplyRecommendation records the written reply (date of the 回复函, sent on paper).
func (m *Module) ReplyRecommendation(ctx context.Context, p *auth.Principal, id string, st casework.Step) error {
	if err := st.Prepare(m.Today()); err != nil {
		return err
	}
	return m.reply(ctx, p, id, st, "")
}

func (m *Module) reply(ctx context.Context, p *auth.Principal, id string, st casework.Step, docID string) error {
	return m.d.DB.Tx(ctx, func(tx *db.Tx) error {
		f, a := recScope(p)
		var received, replied string
		err := tx.QueryRowContext(ctx, `SELECT received_on, replied_on FROM litigation_recommendations WHERE id = ? AND `+f,
			append([]any{id}, a...)...).Scan(&received, &replied)
		if err != nil {
			return db.Found(err, "建议书")
		}
		if replied != "" {
			return fault.Conflictf("该建议书已于 %s 回复", replied)
		}
		if err := casework.NotBefore(st.On, parseDate(received), "收到建议书之日"); err != nil {
			return err
		}
		if err := tx.ExecOne(ctx, `UPDATE litigation_recommendations SET replied_on = ?, reply_note = ?, reply_document_id = ?, version = version + 1 WHERE id = ?`, st.On.String(), st.Note, docID, id); err != nil {
			return err
		}
		return auditRecord(ctx, tx, "litigation.reply", id, map[string]any{"on": st.On.String(), "document_id": docID})
	})
}

func recURL(id string) string { return "/litigation/recommendations/" + id }

// recScope limits recommendations to p's scope: the organ addressed or the government whose 司法局 keeps them.
func recScope(p *auth.Principal) (string, []any) {
	f, a := p.ScopeSQL("organ_id", "")
	g, b := p.ScopeSQL("gov_id", "")
	return "(" + f + " OR " + g + ")", append(a, b...)
}

// getRecommendation reads a recommendation in p's scope (nil p: no scope).
func getRecommendation(ctx context.Context, q db.Querier, p *auth.Principal, id string) (*Recommendation, error) {
	where, args := "id = ?", []any{id}
	if p != nil {
		if p.Has(auth.RoleCourtLiaison) {
			return nil, fault.NotFoundf("建议书不存在或您无权查看")
		}
		f, a := recScope(p)
		where += " AND " + f
		args = append(args, a...)
	}
	rs, err := queryRecs(ctx, q, where, args...)
	if err != nil {
		return nil, err
	}
	if len(rs) == 0 {
		return nil, fault.NotFoundf("建议书不存在或您无权查看")
	}
	return &rs[0], nil
}

// RecFilter selects recommendations for the list page.
type RecFilter struct {
	Kind    string // judicial, procuratorial
	Replied string // "1" replied, "0" not yet
	Overdue bool   // reply due passed without a reply, or replied after the due date
}

// Recommendations lists the recommendations in p's scope, soonest reply due first.
func (m *Module) Recommendations(ctx context.Context, p *auth.Principal, f RecFilter) ([]Recommendation, error) {
	if p.Has(auth.RoleCourtLiaison) {
		return nil, nil
	}
	where, args := recScope(p)
	if f.Kind != "" {
		where += " AND kind = ?"
		args = append(args, f.Kind)
	}
	switch f.Replied {
	case "1":
		where += " AND replied_on <> ''"
	case "0":
		where += " AND replied_on = ''"
	}
	if f.Overdue {
		where += " AND ((replied_on = '' AND reply_due < ?) OR (replied_on <> '' AND replied_on > reply_due))"
		args = append(args, m.Today().String())
	}
	return queryRecs(ctx, m.d.DB, where, args...)
}

// Overdue reports a reply past its due date, or none by then.
func (r Recommendation) Overdue(today calendar.Date) bool {
	if r.RepliedOn.IsZero() {
		return r.ReplyDue.Before(today)
	}
	return r.RepliedOn.After(r.ReplyDue)
}

// Basis is the article of the reply period.
func (r Recommendation) Basis() string { return recRule(r) }

// ReplyInput is the reply as sent: its date and the issued 回复函.
type ReplyInput struct {
	casework.Step
	DocumentID string `json:"document_id" required:"true"`
}

// ReplyWith records the reply by an issued 回复函 of this recommendation (its date may not precede
// the letter's issue date).
func (m *Module) ReplyWith(ctx context.Context, p *auth.Principal, id string, in ReplyInput) error {
	if err := in.Prepare(m.Today()); err != nil {
		return err
	}
	r, err := getRecommendation(ctx, m.d.DB, p, id)
	if err != nil {
		return err
	}
	if err := m.allowReply(p, r); err != nil {
		return err
	}
	if strings.TrimSpace(in.DocumentID) == "" {
		return fault.Field("document_id", "请选择已印发的回复函")
	}
	d, err := m.recDocs.Get(ctx, m.d.DB, in.DocumentID, false)
	if err != nil || d.OwnerID != r.ID || !d.Issued() {
		return fault.Field("document_id", "请选择本建议书已印发的回复函")
	}
	if in.On.Before(d.IssuedOn) {
		return fault.Field("on", "回复日期不能早于回复函印发日期 "+d.IssuedOn.String())
	}
	if in.Note == "" {
		in.Note = d.Title + " " + d.Number
	}
	return m.reply(ctx, p, id, in.Step, d.ID)
}
