package litigation

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/files"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/secure"
)

const ownerType = "litigation_case"

func (m *Module) initKind() {
	m.kind = casework.Kind[*Case]{
		OwnerType: ownerType, Table: "litigation_cases", Noun: "应诉案件", Audit: "litigation",
		Load: func(ctx context.Context, tx *db.Tx, p *auth.Principal, id string) (*Case, error) {
			return getCase(ctx, tx, p, id)
		},
		Save: saveCase,
		Facts: func(c *Case) casework.Facts {
			return casework.Facts{ID: c.ID, OrganID: c.OrganID, State: string(c.State), Version: c.Version}
		},
		StateLabel: func(s string) string { return State(s).Label() },
		Recompute: func(ctx context.Context, tx *db.Tx, c *Case) error {
			c.Recompute(m.cal())
			return nil
		},
	}
}

// Doc is an uploaded document of a delivery.
type Doc struct {
	Kind     string // 起诉状副本, 应诉通知书, 答辩状 …
	Filename string
	Data     []byte
	Staged   *files.Upload // already checked and stored (form uploads through files.StageForm)
}

// PlaintiffInput is one plaintiff as registered.
type PlaintiffInput struct {
	Name string        `json:"name" required:"true"`
	Kind PlaintiffKind `json:"kind" required:"true"`
	IDNo string        `json:"id_no"`
}

// RegisterInput is a new case: from the court (with its documents, service on 签收) or entered by
// the 司法局 for a paper service (with the date the copy was received).
type RegisterInput struct {
	Docket           string           `json:"docket" required:"true"`
	Court            string           `json:"court"`
	Plaintiffs       []PlaintiffInput `json:"plaintiffs" required:"true"`
	DefendantID      string           `json:"defendant_id" required:"true"`
	CoDefendantIDs   []string         `json:"codefendant_ids"`
	ThirdParties     []string         `json:"third_parties"`
	Act              string           `json:"act"`
	ActType          string           `json:"act_type" required:"true"`
	Field            string           `json:"field"`
	Cause            string           `json:"cause"`
	ReconsiderResult ReconsiderResult `json:"reconsider_result"`
	ReconsiderCaseID string           `json:"reconsider_case_id"`
	ReceivedOn       string           `json:"received_on"` // paper service only
}

// courtDocs are the documents the court must upload to register a case (行诉法 Art. 67; 举证通知书).
var courtDocs = []string{"起诉状副本", "应诉通知书", "举证通知书"}

// RegisterCase records a new case. A court liaison registers for its own court and uploads the three
// documents, which go to the defendant organs as one delivery each, to be signed for; 司法局 staff
// register a paper-served case with its receipt date, which starts the answer clock at once.
func (m *Module) RegisterCase(ctx context.Context, p *auth.Principal, in RegisterInput, docs []Doc) (*Case, error) {
	court := p.Has(auth.RoleCourtLiaison) && p.Can(PermCourt)
	if !court && !p.Can(PermEdit) {
		return nil, fault.Forbiddenf("只有法院联络员或司法局应诉工作人员可以登记应诉案件")
	}
	dk, err := ParseDocket(in.Docket)
	if err != nil {
		return nil, fault.Field("docket", err.Error())
	}
	c := &Case{ID: db.NewID(), Instance: dk.Instance(), Docket: dk.String(), DocketYear: dk.Year, CourtCode: dk.Court, DocketKind: dk.Kind, DocketNo: dk.Number,
		Act: strings.TrimSpace(in.Act), Cause: strings.TrimSpace(in.Cause), ActType: in.ActType, Field: in.Field, DraftDays: RuleDraft.Length,
		ReconsiderResult: in.ReconsiderResult, ReconsiderCaseID: strings.TrimSpace(in.ReconsiderCaseID), Version: 1, CreatedAt: db.Timestamp(m.now())}
	c.MatterID = c.ID
	c.Reconsidered = in.ReconsiderResult != "" || c.ReconsiderCaseID != ""
	if !contains(ActTypes, c.ActType) {
		return nil, fault.Field("act_type", "行政行为类别应为："+strings.Join(ActTypes, "、"))
	}
	if c.Field == "" {
		c.Field = "其他"
	} else if !contains(Fields, c.Field) {
		return nil, fault.Field("field", "领域应为："+strings.Join(Fields, "、"))
	}
	if court {
		o, _ := m.d.Org.Organ(p.OrganID)
		c.CourtID, c.CourtName = o.ID, o.Name
	} else {
		c.CourtName = strings.TrimSpace(in.Court)
		if c.CourtName == "" {
			return nil, fault.Field("court", "请填写受理法院")
		}
		if o, ok := m.courtByName(c.CourtName); ok {
			c.CourtID = o.ID
		}
	}
	// Plaintiffs: IDs per GB 11643 / GB 32100, as for 行政复议 applicants.
	if len(in.Plaintiffs) == 0 {
		return nil, fault.Field("plaintiffs", "请填写原告")
	}
	var names []string
	type enc struct{ e, mk string }
	var ids []enc
	for i, pl := range in.Plaintiffs {
		pl.Name = strings.TrimSpace(pl.Name)
		if pl.Name == "" {
			return nil, fault.Field("plaintiffs", fmt.Sprintf("第%d个原告的姓名或名称不能为空", i+1))
		}
		if pl.Kind != Natural && pl.Kind != Organisation {
			return nil, fault.Field("plaintiffs", fmt.Sprintf("原告「%s」的类型应为自然人或法人或其他组织", pl.Name))
		}
		var e enc
		if no := secure.NormalizeCode(pl.IDNo); no != "" {
			check, what := secure.ValidateIDNumber, "公民身份号码"
			if pl.Kind == Organisation {
				check, what = secure.ValidateUSCC, "统一社会信用代码"
			}
			if err := check(no); err != nil {
				return nil, fault.Field("plaintiffs", fmt.Sprintf("原告「%s」的%s有误：%s", pl.Name, what, fault.Message(err)))
			}
			if m.d.Cipher != nil {
				if e.e, err = m.d.Cipher.Encrypt(no); err != nil {
					return nil, err
				}
			}
			e.mk = secure.MaskIDNumber(no)
		}
		ids = append(ids, e)
		names = append(names, pl.Name)
		c.Parties = append(c.Parties, Party{Role: RolePlaintiff, Name: pl.Name, Kind: pl.Kind})
		if i == 0 {
			c.PlaintiffK = pl.Kind
		}
	}
	c.Plaintiff = strings.Join(names, "、")
	// Defendants (Art. 26).
	def, ok := m.d.Org.Organ(in.DefendantID)
	if !ok || def.Kind == org.KindCourt {
		return nil, fault.Field("defendant_id", "被告应为本系统中的行政机关")
	}
	gov, ok := m.d.Org.GovernmentOf(def)
	if !ok {
		return nil, fault.Field("defendant_id", def.Name+" 不属于任何人民政府")
	}
	co := map[string]bool{}
	for _, id := range in.CoDefendantIDs {
		if id == def.ID {
			return nil, fault.Field("codefendant_ids", "共同被告不能与被告相同")
		}
		co[id] = true
	}
	switch c.ReconsiderResult {
	case ReconsiderUpheld: // 维持: the agency and the 复议机关 are co-defendants
		if def.ID == gov.ID {
			return nil, fault.Field("defendant_id", "复议维持的，被告应为作出原行政行为的机关，复议机关为共同被告（行政诉讼法第二十六条第二款）")
		}
		co[gov.ID] = true
	case ReconsiderChanged: // 改变: the 复议机关 alone
		if def.ID != gov.ID || len(co) > 0 {
			return nil, fault.Field("defendant_id", "复议机关改变原行政行为的，复议机关是被告（行政诉讼法第二十六条第二款）")
		}
	case ReconsiderNone:
	default:
		return nil, fault.Field("reconsider_result", "复议结果应为 upheld（维持）、changed（改变）或留空")
	}
	if c.ReconsiderCaseID != "" {
		if err := m.checkReconsiderLink(ctx, c.ReconsiderCaseID, def, gov, co); err != nil {
			return nil, err
		}
	}
	c.OrganID, c.GovID, c.Defendant = def.ID, gov.ID, def.Name
	c.Parties = append(c.Parties, Party{Role: RoleDefendant, Name: def.Name, OrganID: def.ID})
	var recipients []string
	recipients = append(recipients, def.Name)
	for id := range co {
		o, ok := m.d.Org.Organ(id)
		if !ok || o.Kind == org.KindCourt {
			return nil, fault.Field("codefendant_ids", "共同被告应为本系统中的行政机关")
		}
		c.Parties = append(c.Parties, Party{Role: RoleCoDefendant, Name: o.Name, OrganID: o.ID})
		recipients = append(recipients, o.Name)
	}
	for _, t := range in.ThirdParties {
		if t = strings.TrimSpace(t); t != "" {
			c.Parties = append(c.Parties, Party{Role: RoleThird, Name: t})
		}
	}
	// Service: on the platform at 签收; on paper at the date entered.
	c.State = StateRegistered
	if court {
		have := map[string]bool{}
		for _, d := range docs {
			have[d.Kind] = true
		}
		for _, k := range courtDocs {
			if !have[k] {
				return nil, fault.Field("files", "请上传"+k)
			}
		}
	} else {
		rd, err := casework.ParseOptionalDate("received_on", in.ReceivedOn)
		if err != nil {
			return nil, err
		}
		if rd.IsZero() {
			return nil, fault.Field("received_on", "纸质送达的，请填写收到起诉状副本的日期")
		}
		if rd.After(m.Today()) {
			return nil, fault.Field("received_on", "日期不能晚于今天")
		}
		c.ReceivedOn, c.State = rd, StateAssigned
	}
	if n, err := m.settings.Int(ctx, m.d.DB, def.ID, settingDraftDays); err == nil {
		c.DraftDays = n
	}
	c.Recompute(m.cal())
	staged, err := m.stage(ctx, docs)
	if err != nil {
		return nil, err
	}
	err = m.d.DB.Tx(ctx, func(tx *db.Tx) error {
		if exists, err := docketExists(ctx, tx, c.Docket); err != nil {
			return err
		} else if exists {
			return fault.Field("docket", "案号 "+c.Docket+" 已经登记")
		}
		if err := tx.Exec(ctx, `INSERT INTO litigation_cases (`+caseCols+`) VALUES (`+placeholders(caseColCount)+`)`, caseArgs(c)...); err != nil {
			return err
		}
		pi := 0
		for i, pt := range c.Parties {
			e := enc{}
			if pt.Role == RolePlaintiff {
				e = ids[pi]
				pi++
			}
			if err := insertParty(ctx, tx, c.ID, i, pt, e.e, e.mk); err != nil {
				return err
			}
		}
		for _, s := range staged {
			if err := m.deliver(ctx, tx, p, c, s, "to_defendant", strings.Join(recipients, "、")); err != nil {
				return err
			}
		}
		if c.State == StateAssigned { // paper service: the answer period already runs
			if err := m.draftCaseDocs(ctx, tx, p, c, c.ReceivedOn, answerDocs...); err != nil {
				return err
			}
		}
		ev := &casework.Event{OwnerType: ownerType, OwnerID: c.ID, OrganID: c.OrganID, Action: "register", ToState: string(c.State), On: m.Today(),
			ActorID: p.UserID, ActorName: p.Name}
		if err := casework.InsertEvent(ctx, tx, ev); err != nil {
			return err
		}
		return auditRecord(ctx, tx, "litigation.register", c.ID, map[string]any{"docket": c.Docket, "court": c.CourtName})
	})
	if err != nil {
		return nil, err
	}
	return m.Case(ctx, p, c.ID)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

type stagedDoc struct {
	kind string
	up   files.Upload
}

// stage checks and stores the documents' blobs before the transaction (SQLite has one writer).
func (m *Module) stage(ctx context.Context, docs []Doc) ([]stagedDoc, error) {
	var out []stagedDoc
	for _, d := range docs {
		if d.Staged != nil {
			out = append(out, stagedDoc{kind: d.Kind, up: *d.Staged})
			continue
		}
		if m.d.Files == nil {
			// No file store (unit tests): keep the hash so the delivery is still immutable.
			sum := sha256.Sum256(d.Data)
			out = append(out, stagedDoc{kind: d.Kind, up: files.Upload{SHA256: hex.EncodeToString(sum[:]), Filename: d.Filename, Size: int64(len(d.Data))}})
			continue
		}
		up, err := m.d.Files.Stage(ctx, d.Filename, bytes.NewReader(d.Data))
		if err != nil {
			return nil, err
		}
		out = append(out, stagedDoc{kind: d.Kind, up: up})
	}
	return out, nil
}

// deliver records one immutable delivery of a document with its content hash.
func (m *Module) deliver(ctx context.Context, tx *db.Tx, p *auth.Principal, c *Case, s stagedDoc, direction, recipients string) error {
	attID := ""
	if m.d.Files != nil {
		a, err := m.d.Files.Attach(ctx, tx, files.Owner{Type: ownerType, ID: c.ID, OrganID: c.OrganID}, s.up, s.kind)
		if err != nil {
			return err
		}
		attID = a.ID
	}
	organ, _ := m.d.Org.Organ(p.OrganID)
	return tx.Exec(ctx, `INSERT INTO litigation_deliveries (id, case_id, kind, direction, attachment_id, filename, sha256, sender_id, sender_name, sender_organ, recipients, sent_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, db.NewID(), c.ID, s.kind, direction, attID, s.up.Filename, s.up.SHA256, p.UserID, p.Name, organ.Name, recipients, db.Timestamp(m.now()))
}

// Delivery is one document sent between the court and the defendant side.
type Delivery struct {
	ID           string `json:"id"`
	Kind         string `json:"kind"`
	Direction    string `json:"direction"`
	AttachmentID string `json:"attachment_id"`
	Filename     string `json:"filename"`
	SHA256       string `json:"sha256"`
	SenderName   string `json:"sender"`
	SenderOrgan  string `json:"sender_organ"`
	Recipients   string `json:"recipients"`
	SentAt       string `json:"sent_at"`
	SignedAt     string `json:"signed_at"`
	SignerName   string `json:"signer"`
}

// Deliveries lists a case's exchange thread, oldest first (the caller has loaded the case in scope).
func (m *Module) Deliveries(ctx context.Context, q db.Querier, caseID string) ([]Delivery, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, kind, direction, attachment_id, filename, sha256, sender_name, sender_organ, recipients, sent_at, signed_at, signer_name
		FROM litigation_deliveries WHERE case_id = ? ORDER BY sent_at, id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Delivery
	for rows.Next() {
		var d Delivery
		if err := rows.Scan(&d.ID, &d.Kind, &d.Direction, &d.AttachmentID, &d.Filename, &d.SHA256, &d.SenderName, &d.SenderOrgan, &d.Recipients, &d.SentAt, &d.SignedAt, &d.SignerName); err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, rows.Err()
}

// Case reads a case in p's scope.
func (m *Module) Case(ctx context.Context, p *auth.Principal, id string) (*Case, error) {
	return getCase(ctx, m.d.DB, p, id)
}

// defendantSide reports whether p acts for a defendant or co-defendant organ of c, or for the
// government whose 司法局 guides it.
func (m *Module) defendantSide(p *auth.Principal, c *Case) bool {
	if p.OrganID == c.GovID && p.Can(PermEdit) {
		return true
	}
	for _, pt := range c.Parties {
		if (pt.Role == RoleDefendant || pt.Role == RoleCoDefendant) && pt.OrganID != "" && pt.OrganID == p.OrganID {
			return true
		}
	}
	return false
}

func (m *Module) allowDefendant(p *auth.Principal, c *Case) error {
	if !m.defendantSide(p, c) {
		return fault.Forbiddenf("只有被告机关或指导应诉的司法局可以办理此步骤")
	}
	return nil
}

func (m *Module) allowCourt(p *auth.Principal, c *Case) error {
	if !p.Has(auth.RoleCourtLiaison) || c.CourtID == "" || p.OrganID != c.CourtID {
		return fault.Forbiddenf("只有受理本案的法院联络员可以办理此步骤")
	}
	return nil
}

func (m *Module) allowJustice(p *auth.Principal, c *Case) error {
	if !p.Can(PermEdit) || p.OrganID != c.GovID {
		return fault.Forbiddenf("只有指导本案应诉的司法局工作人员可以办理此步骤")
	}
	return nil
}

// signDeliveries marks the unsigned deliveries of one direction signed by p; it returns how many.
func signDeliveries(ctx context.Context, tx *db.Tx, p *auth.Principal, caseID, direction, at string) (int, error) {
	res, err := tx.ExecContext(ctx, `UPDATE litigation_deliveries SET signed_at = ?, signed_by = ?, signer_name = ? WHERE case_id = ? AND direction = ? AND signed_at = ''`,
		at, p.UserID, p.Name, caseID, direction)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// SignInput is a 签收.
type SignInput struct{ casework.Step }

// Sign is the defendant's 签收 of the court's documents: that instant is the service, the answer clock
// starts the next day (行政诉讼法第六十七条; 民事诉讼法第九十条第二款 for electronic service).
func (m *Module) Sign(ctx context.Context, p *auth.Principal, id string, in SignInput) (*Case, error) {
	in.OnText, in.On = "", m.Today() // service is the signing instant, never back-dated
	return m.kind.Run(ctx, m.d.DB, m.Today(), p, id, casework.Transition[*Case]{
		Action: "sign", Step: &in.Step, From: []string{string(StateRegistered), string(StateAssigned), string(StateAnswered), string(StateHearing), string(StateDecided)},
		Allow: m.allowDefendant,
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			n, err := signDeliveries(ctx, tx, p, c.ID, "to_defendant", db.Timestamp(m.now()))
			if err != nil {
				return err
			}
			if n == 0 {
				return fault.Conflictf("没有待签收的送达文书")
			}
			if c.State == StateRegistered {
				c.State, c.ReceivedOn, c.ServedAt = StateAssigned, in.On, db.Timestamp(m.now())
				// Served: the answer packet is drafted for the 15 days of Art. 67.
				if err := m.draftCaseDocs(ctx, tx, p, c, in.On, answerDocs...); err != nil {
					return err
				}
			}
			if c.State == StateDecided && c.DecisionServedOn.IsZero() {
				c.DecisionServedOn = in.On // the judgment or ruling served: the appeal clock starts
			}
			return nil
		},
	})
}

// DraftInput is the agency's draft answer sent to the 司法局 for review.
type DraftInput struct {
	casework.Step
	Facts string `json:"facts" required:"true"`
}

// SubmitDraft records the agency's draft (internal milestone, default day 10).
func (m *Module) SubmitDraft(ctx context.Context, p *auth.Principal, id string, in DraftInput) (*Case, error) {
	return m.kind.Run(ctx, m.d.DB, m.Today(), p, id, casework.Transition[*Case]{
		Action: "draft", Step: &in.Step, From: []string{string(StateAssigned)}, Allow: m.allowDefendant,
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			if strings.TrimSpace(in.Facts) == "" {
				return fault.Field("facts", "请填写答辩事实与理由")
			}
			ev.Note = strings.TrimSpace(in.Facts)
			return tx.Exec(ctx, `UPDATE litigation_cases SET draft_on = ? WHERE id = ?`, in.On.String(), c.ID)
		},
	})
}

// ReviewInput is the 司法局's comments on the draft.
type ReviewInput struct {
	casework.Step
	Comments string `json:"comments" required:"true"`
}

// Review returns the 司法局's comments on the draft answer.
func (m *Module) Review(ctx context.Context, p *auth.Principal, id string, in ReviewInput) (*Case, error) {
	return m.kind.Run(ctx, m.d.DB, m.Today(), p, id, casework.Transition[*Case]{
		Action: "review", Step: &in.Step, From: []string{string(StateAssigned)}, Allow: m.allowJustice,
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			if strings.TrimSpace(in.Comments) == "" {
				return fault.Field("comments", "请填写审核意见")
			}
			ev.Note = strings.TrimSpace(in.Comments)
			return tx.Exec(ctx, `UPDATE litigation_cases SET reviewed_on = ?, review_note = ? WHERE id = ?`, in.On.String(), ev.Note, c.ID)
		},
	})
}

// AnswerInput is the answer filed with the court: uploads, and issued documents of the case.
type AnswerInput struct {
	casework.Step
	DocumentIDs []string `json:"document_ids"` // issued 答辩状, 证据目录 … of this case, sent as their frozen DOCX
}

// deliveryKinds names the case documents in the exchange.
var deliveryKinds = map[string]string{DocAnswer: "答辩状", DocEvidence: "证据目录", DocIdentity: "法定代表人身份证明", DocMandate: "授权委托书", DocAbsence: "不能出庭情况说明"}

// issuedDocs reads the frozen files of issued case documents as deliveries (the download is audited).
func (m *Module) issuedDocs(ctx context.Context, p *auth.Principal, caseID string, ids []string) ([]Doc, error) {
	var out []Doc
	for _, id := range ids {
		if strings.TrimSpace(id) == "" {
			continue
		}
		d, err := m.docs.Get(ctx, m.d.DB, id, false)
		if err != nil || d.OwnerID != caseID || !d.Issued() {
			return nil, fault.Field("document_ids", "只能提交本案已印发的应诉文书")
		}
		name, data, err := m.docs.DOCX(ctx, p, id, m.blobs)
		if err != nil {
			return nil, err
		}
		out = append(out, Doc{Kind: deliveryKinds[d.Kind], Filename: name, Data: data})
	}
	return out, nil
}

// SubmitAnswer files the 答辩状 and 证据目录 with the court (uploaded documents or issued case
// documents, one delivery each).
func (m *Module) SubmitAnswer(ctx context.Context, p *auth.Principal, id string, in AnswerInput, docs []Doc) (*Case, error) {
	issued, err := m.issuedDocs(ctx, p, id, in.DocumentIDs)
	if err != nil {
		return nil, err
	}
	docs = append(issued, docs...)
	have := map[string]bool{}
	for _, d := range docs {
		have[d.Kind] = true
	}
	if !have["答辩状"] {
		return nil, fault.Field("files", "请上传答辩状或选择已印发的答辩状（证据目录、规范性文件依据一并提交）")
	}
	staged, err := m.stage(ctx, docs)
	if err != nil {
		return nil, err
	}
	in.OnText, in.On = "", m.Today()
	return m.kind.Run(ctx, m.d.DB, m.Today(), p, id, casework.Transition[*Case]{
		Action: "answer", Step: &in.Step, From: []string{string(StateAssigned)}, Allow: m.allowDefendant,
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			c.AnsweredOn, c.State = in.On, StateAnswered
			if c.AnsweredOn.After(c.AnswerDue) {
				ev.Note = fmt.Sprintf("逾期提交答辩（期限 %s，行政诉讼法第六十七条；逾期不提供证据的视为没有相应证据，第三十四条第二款）", c.AnswerDue)
			}
			for _, s := range staged {
				if err := m.deliver(ctx, tx, p, c, s, "to_court", c.CourtName); err != nil {
					return err
				}
			}
			return nil
		},
	})
}

// CourtSign is the court liaison's 签收 of the defendant's submissions.
func (m *Module) CourtSign(ctx context.Context, p *auth.Principal, id string, in SignInput) (*Case, error) {
	in.OnText, in.On = "", m.Today()
	return m.kind.Run(ctx, m.d.DB, m.Today(), p, id, casework.Transition[*Case]{
		Action: "court_sign", Step: &in.Step, Allow: m.allowCourt,
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			n, err := signDeliveries(ctx, tx, p, c.ID, "to_court", db.Timestamp(m.now()))
			if err != nil {
				return err
			}
			if n == 0 {
				return fault.Conflictf("没有待签收的提交材料")
			}
			return nil
		},
	})
}

// auditRecord writes an audit entry for a case.
func auditRecord(ctx context.Context, tx *db.Tx, action, id string, detail map[string]any) error {
	return audit.Record(ctx, tx, audit.Entry{Action: action, ObjectType: ownerType, ObjectID: id, Detail: detail})
}

// checkReconsiderLink: a lawsuit names the fazhi reconsideration case it follows only when that case
// was decided by the defendant's government (the 复议机关) about an act of a defendant — or the suit is
// against the 复议机关 itself (复议改变, or its silence); otherwise the case page of an unrelated
// reconsideration would list this lawsuit.
func (m *Module) checkReconsiderLink(ctx context.Context, id string, def, gov org.Organ, co map[string]bool) error {
	var organID, respondentID, receipt string
	err := m.d.DB.QueryRowContext(ctx, `SELECT organ_id, respondent_id, receipt_no FROM reconsider_cases WHERE id = ?`, id).Scan(&organID, &respondentID, &receipt)
	if errors.Is(err, sql.ErrNoRows) {
		return fault.Field("reconsider_case_id", "关联的行政复议案件不存在，请核对后重新选择")
	}
	if err != nil {
		return err
	}
	if organID != gov.ID {
		o, _ := m.d.Org.Organ(organID)
		return fault.Field("reconsider_case_id", fmt.Sprintf("关联的行政复议案件（收件 %s）由%s办理，不是被告所属的%s", receipt, o.Name, gov.Name))
	}
	if def.ID != gov.ID && respondentID != def.ID && !co[respondentID] {
		o, _ := m.d.Org.Organ(respondentID)
		return fault.Field("reconsider_case_id", fmt.Sprintf("关联的行政复议案件（收件 %s）的被申请人是%s，不是本案被告或共同被告", receipt, o.Name))
	}
	return nil
}
