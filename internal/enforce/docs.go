package enforce

import (
	"context"
	"fmt"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/officialdoc"
	"github.com/fazhi/fazhi/internal/org"
)

// The supervision documents live in the platform room internal/officialdoc: a matter's
// 监督意见书 and 监督决定书 are drafted by the step that calls for them, edited while drafts and
// frozen when issued. The issuer is the 司法局 of the body's government (the government's
// 行政执法监督机构, 行政执法监督条例 Art. 6), the government itself where it has none.

// Document kinds.
const (
	DocOpinion  = "supervision_opinion"  // 行政执法监督意见书
	DocDecision = "supervision_decision" // 行政执法监督决定书
)

// matterDocs are the documents each step drafts.
var matterDocs = map[string]string{"opinion": DocOpinion, "decision": DocDecision}

// docLabels start the lines laid flush left.
var docLabels = []string{"被监督单位", "地址", "法定代表人", "主要负责人", "联系电话", "整改期限依据"}

func (m *Module) documentRoom() *officialdoc.Room[*Matter] {
	return &officialdoc.Room[*Matter]{
		DB: m.d.DB, Org: m.d.Org, OwnerType: m.matterKind.OwnerType, Module: "enforce", Object: "enforce_document",
		Noun: "执法监督文书", Label: "行政执法监督", OwnerNoun: "监督事项", FlushLeft: docLabels, Today: func() calendar.Date { return m.today() },
		Kinds: []officialdoc.Kind[*Matter]{
			{Kind: DocOpinion, Name: "行政执法监督意见书", Code: "执监意", Compose: m.composeOpinion},
			{Kind: DocDecision, Name: "行政执法监督决定书", Code: "执监决", Compose: m.composeDecision},
		},
		Owner: func(x *Matter) officialdoc.Owner {
			return officialdoc.Owner{ID: x.ID, OrganID: m.supervisor(x.OrganID).ID, State: x.State, URL: "/enforce/matters/" + x.ID,
				Ref: x.Title, Summary: LabelOf(MatterSources, x.Source)}
		},
		Visible: func(ctx context.Context, q db.Querier, p *auth.Principal, id string, draft bool) (*Matter, error) {
			if !p.Can(PermView) {
				return nil, fault.Forbiddenf("您没有查看执法监督文书的权限")
			}
			if draft && !p.Can(PermSupervise) { // the supervised body sees what was issued to it
				return nil, fault.NotFoundf("执法监督文书不存在或您无权查看")
			}
			return m.Matter(ctx, q, p, id)
		},
		Editable: func(p *auth.Principal, x *Matter) error {
			if !p.Can(PermSupervise) {
				return fault.Forbiddenf("您没有制作执法监督文书的权限")
			}
			return nil
		},
	}
}

// supervisor is the organ that supervises the bodies of organ id: its government's 司法局.
func (m *Module) supervisor(organID string) org.Organ {
	o, _ := m.d.Org.Organ(organID)
	g, ok := m.d.Org.GovernmentOf(o)
	if !ok {
		return o
	}
	for _, c := range m.d.Org.Children(g.ID) {
		if c.Kind == org.KindJustice {
			return c
		}
	}
	return g
}

// draftDocument creates the draft a step calls for (the matters' Kind.After).
func (m *Module) draftDocument(ctx context.Context, tx *db.Tx, p *auth.Principal, x *Matter, ev *casework.Event) error {
	kind, ok := matterDocs[ev.Action]
	if !ok {
		return nil
	}
	ds, err := m.docs.Draft(ctx, tx, p, x, ev.On, kind)
	if err != nil {
		return err
	}
	ev.RefID = ds[0].ID
	return nil
}

// addressee is the supervised body with its organ's address and head (org.Organ.Profile); what
// the profile lacks is left as a 【请…】 mark, so the draft cannot be issued without it.
func (m *Module) addressee(ctx context.Context, q db.Querier, x *Matter) (*Body, []string, error) {
	b, err := scanBody(q.QueryRowContext(ctx, `SELECT `+bodyCols+` FROM enforce_bodies WHERE id = ?`, x.BodyID))
	if err != nil {
		return nil, nil, err
	}
	o, _ := m.d.Org.Organ(b.OrganID)
	or := func(v, mark string) string {
		if strings.TrimSpace(v) == "" {
			return "【" + mark + "】"
		}
		return v
	}
	head := or(o.LegalRep, "请填写法定代表人或主要负责人")
	if o.LegalRep != "" && o.LegalRepTitle != "" {
		head += "（" + o.LegalRepTitle + "）"
	}
	lines := []string{"被监督单位：" + b.Name, "地址：" + or(o.Address, "请填写被监督单位地址") + postcode(o.Postcode), "法定代表人：" + head}
	return b, lines, nil
}

func postcode(p string) string {
	if p == "" {
		return ""
	}
	return "（邮编 " + p + "）"
}

// period is the rectification sentence and its basis: n days counted from receipt (the day of
// issue here), a last day on a rest day moved to the next workday.
func period(what string, days int, due calendar.Date) []string {
	return []string{
		fmt.Sprintf("请你单位自收到本%s之日起%d日内（%s前）完成整改，并将整改情况书面报告本机关。逾期未整改或者整改不到位的，本机关将依法作出处理。", what, days, chineseDate(due)),
		"整改期限依据：" + SettingRectifyDays.Basis,
	}
}

func chineseDate(d calendar.Date) string {
	if d.IsZero() {
		return "【请填写整改期限】"
	}
	return fmt.Sprintf("%d年%d月%d日", d.Year, d.Month, d.Day)
}

func (m *Module) composeOpinion(ctx context.Context, tx *db.Tx, x *Matter, on calendar.Date) (officialdoc.Text, error) {
	b, lines, err := m.addressee(ctx, tx, x)
	if err != nil {
		return officialdoc.Text{}, err
	}
	lines = append(lines,
		fmt.Sprintf("本机关依照《行政执法监督条例》的规定，对你单位“%s”（%s）进行了监督。经调查，发现以下问题：", x.Title, LabelOf(MatterSources, x.Source)),
		orMark(x.stepNote, "请写明发现的问题、事实和依据"),
		"针对上述问题，本机关提出以下监督意见：【请写明监督意见】")
	lines = append(lines, period("意见书", x.rectifyDays, x.RectifyDue)...)
	return officialdoc.Text{Recipient: b.Name + "：", Body: strings.Join(lines, "\n")}, nil
}

func (m *Module) composeDecision(ctx context.Context, tx *db.Tx, x *Matter, on calendar.Date) (officialdoc.Text, error) {
	_, lines, err := m.addressee(ctx, tx, x)
	if err != nil {
		return officialdoc.Text{}, err
	}
	intro := fmt.Sprintf("本机关依照《行政执法监督条例》的规定，对你单位“%s”（%s）进行了监督。", x.Title, LabelOf(MatterSources, x.Source))
	if !x.OpinionOn.IsZero() {
		intro += fmt.Sprintf("本机关于%s制发行政执法监督意见书，你单位未按期完成整改或者整改不到位。", chineseDate(x.OpinionOn))
	}
	lines = append(lines, intro+"经查：", orMark(x.stepNote, "请写明查明的事实和依据"),
		"本机关决定：【请写明监督决定，如责令限期改正、责令重新作出行政执法决定、撤销或者变更行政执法决定、确认违法等，并写明依据】")
	lines = append(lines, period("决定书", x.rectifyDays, x.RectifyDue)...)
	return officialdoc.Text{Recipient: "", Body: strings.Join(lines, "\n")}, nil
}

func orMark(s, mark string) string {
	if strings.TrimSpace(s) == "" {
		return "【" + mark + "】"
	}
	return strings.TrimSpace(s)
}

// Aliases of the platform types for the module's callers.
type (
	Document      = officialdoc.Document
	DocumentInput = officialdoc.Input
)

// MatterDocuments lists a matter's documents (drafts only for supervisors).
func (m *Module) MatterDocuments(ctx context.Context, p *auth.Principal, x *Matter) ([]Document, error) {
	ds, err := m.docs.List(ctx, m.d.DB, x.ID)
	if err != nil || p.Can(PermSupervise) {
		return ds, err
	}
	var out []Document
	for _, d := range ds {
		if d.Issued() {
			out = append(out, d)
		}
	}
	return out, nil
}

// SaveDocument saves a draft's title, recipient and text.
func (m *Module) SaveDocument(ctx context.Context, p *auth.Principal, id string, in DocumentInput) (*Document, error) {
	return m.docs.Save(ctx, p, id, in)
}

// IssueDocument numbers and freezes a draft.
func (m *Module) IssueDocument(ctx context.Context, p *auth.Principal, id string) (*Document, error) {
	return m.docs.Issue(ctx, p, id, m.blobs())
}

// DocumentDOCX is a document's file: a draft marked 草稿, or the frozen file.
func (m *Module) DocumentDOCX(ctx context.Context, p *auth.Principal, id string) (string, []byte, error) {
	return m.docs.DOCX(ctx, p, id, m.blobs())
}

func (m *Module) blobs() officialdoc.Blobs {
	if m.d.Files == nil {
		return nil
	}
	return officialdoc.FileBlobs(m.d.Files)
}
