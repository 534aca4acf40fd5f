package litigation

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/officialdoc"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/web"
)

// The defendant's documents live in the platform room internal/officialdoc: drafts written from
// the case when a step calls for them, editable by the defendant side (its liaison, the 司法局),
// issued with a 文号 of the defendant organ and frozen as DOCX (GB/T 9704). The court liaison
// never sees them: what the court receives is what the agency submits through the exchange.

// Document kinds.
const (
	DocAnswer       = "answer"        // 行政答辩状
	DocEvidence     = "evidence_list" // 证据目录
	DocIdentity     = "identity"      // 法定代表人（负责人）身份证明
	DocMandate      = "mandate"       // 授权委托书
	DocAbsence      = "absence"       // 行政机关负责人不能出庭情况说明
	DocRecReply     = "rec_reply"     // 司法建议/检察建议回复函
	recOwnerType    = "litigation_recommendation"
	docsBase        = "/litigation/documents"
	recDocsBase     = "/litigation/reply-documents"
	placeholderRep  = "【请填写法定代表人或主要负责人姓名】"
	placeholderAddr = "【请填写住所地】"
)

// answerDocs are drafted when the complaint copy is served (签收, or a paper service entered):
// the packet the agency files within the 15 days of 行政诉讼法第六十七条.
var answerDocs = []string{DocAnswer, DocEvidence, DocIdentity, DocMandate}

// caseFlushLeft starts the lines laid flush left (当事人, 委托人 …).
var caseFlushLeft = []string{"答辩人", "被答辩人", "法定代表人", "主要负责人", "委托人", "受委托人", "案号", "原告", "被告", "开庭日期"}

func (m *Module) initDocs() {
	m.docs = &officialdoc.Room[*Case]{
		DB: m.d.DB, Org: m.d.Org, OwnerType: ownerType, Module: "litigation", Object: "litigation_document",
		Noun: "应诉文书", Label: "行政应诉", OwnerNoun: "应诉案件", Kinds: m.caseDocKinds(), FlushLeft: caseFlushLeft, Today: m.Today,
		Owner: func(c *Case) officialdoc.Owner {
			return officialdoc.Owner{ID: c.ID, OrganID: c.OrganID, Number: c.Docket, State: string(c.State), URL: caseURL(c.ID), Ref: c.Docket,
				Summary: c.Plaintiff + " 诉 " + c.Defendant}
		},
		Visible: func(ctx context.Context, q db.Querier, p *auth.Principal, id string, _ bool) (*Case, error) {
			if p.Has(auth.RoleCourtLiaison) {
				return nil, fault.NotFoundf("应诉文书不存在或您无权查看")
			}
			return getCase(ctx, q, p, id)
		},
		Editable: func(p *auth.Principal, c *Case) error {
			if !m.defendantSide(p, c) || !(p.Can(PermAnswer) || p.Can(PermEdit)) {
				return fault.Forbiddenf("只有被告机关或指导应诉的司法局可以修改、印发应诉文书")
			}
			return nil
		},
		Prefix: m.docPrefix,
	}
	m.recDocs = &officialdoc.Room[*Recommendation]{
		DB: m.d.DB, Org: m.d.Org, OwnerType: recOwnerType, Module: "litigation", Object: "litigation_document",
		Noun: "回复函", Label: "行政应诉", OwnerNoun: "建议书", Kinds: m.recDocKinds(), Today: m.Today,
		Owner: func(r *Recommendation) officialdoc.Owner {
			state := "open"
			if !r.RepliedOn.IsZero() {
				state = "replied"
			}
			return officialdoc.Owner{ID: r.ID, OrganID: r.OrganID, State: state, URL: recURL(r.ID), Ref: r.Number, Summary: r.Issuer + " " + r.Kind.Label()}
		},
		Visible: func(ctx context.Context, q db.Querier, p *auth.Principal, id string, _ bool) (*Recommendation, error) {
			if p.Has(auth.RoleCourtLiaison) {
				return nil, fault.NotFoundf("回复函不存在或您无权查看")
			}
			return getRecommendation(ctx, q, p, id)
		},
		Editable: func(p *auth.Principal, r *Recommendation) error { return m.allowReply(p, r) },
		Prefix:   m.docPrefix,
	}
}

// docPrefix is the 机关代字 the defendant's documents are numbered with. Most defendants are
// county departments, and most have no 代字 entered in fazhi. A 文号 without one (应答〔2026〕1号)
// names no organ, and the answer must not wait for an administrator (15 days, 行政诉讼法第六十七条),
// so the platform does what county departments do and normdoc.NumberPrefix does for their
// normative documents: the first character of the government's 代字 (else of the place) and the
// first of the organ's own name (its short name when set): 青山县公安局 → 青公应答〔2026〕1号. When
// that is some other organ's of the same government (公安局 and 公路局 are both 青公), guessing
// would give two organs the same 文号: the draft then shows 【请设置发文机关代字】 and issuing
// is refused until an administrator enters the organ's 代字 (机构管理).
func (m *Module) docPrefix(o org.Organ) (string, error) {
	p := m.d.Org.DocPrefix(o)
	if other, clash := m.d.Org.DocPrefixClash(o); clash {
		return "", fault.Conflictf("%s没有设置发文机关代字，按名称推得的「%s」与%s相同，请系统管理员在机构管理中填写本机关的发文机关代字后再印发", o.Name, p, other.Name)
	}
	return p, nil
}

// allowReply: the organ the recommendation is addressed to (its liaison), or the 司法局 of its government.
func (m *Module) allowReply(p *auth.Principal, r *Recommendation) error {
	if (p.Can(PermAnswer) && p.OrganID == r.OrganID) || (p.Can(PermEdit) && p.OrganID == r.GovID) {
		return nil
	}
	return fault.Forbiddenf("只有建议书的收件机关或其人民政府的司法局可以办理回复")
}

// registerDocuments adds the document pages of both rooms.
func (m *Module) registerDocuments(app *web.App) {
	var blobs officialdoc.Blobs
	if m.d.Files != nil {
		blobs = officialdoc.FileBlobs(m.d.Files)
	}
	m.blobs = blobs
	m.docs.Register(app, docsBase, PermView, PermAnswer, blobs)
	m.recDocs.Register(app, recDocsBase, PermView, PermAnswer, blobs)
}

// docWriter holds what the texts of one case need.
type docWriter struct {
	c     *Case
	organ org.Organ
}

func (w docWriter) rep() (name, title string) {
	name, title = w.organ.LegalRep, w.organ.LegalRepTitle
	if name == "" {
		name = placeholderRep
	}
	if title == "" {
		title = "【请填写职务】"
	}
	return name, title
}

func (w docWriter) address() string {
	if w.organ.Address == "" {
		return placeholderAddr
	}
	return w.organ.Address
}

func (w docWriter) act() string {
	if strings.TrimSpace(w.c.Act) == "" {
		return "【请填写被诉行政行为】"
	}
	return w.c.Act
}

// caseLine is how the documents name the case, 案号 first as courts write it:
// （2026）豫0182行初7号原告张三诉青山县公安局行政处罚一案.
func (w docWriter) caseLine() string {
	return fmt.Sprintf("%s原告%s诉%s%s一案", w.c.Docket, w.c.Plaintiff, w.c.Defendant, w.c.ActType)
}

func (w docWriter) partyLines(label string) []string {
	name, title := w.rep()
	lines := []string{label + "：" + w.c.Defendant + "，住所地" + w.address() + "。"}
	if w.organ.Postcode != "" || w.organ.Phone != "" {
		var s []string
		if w.organ.Postcode != "" {
			s = append(s, "邮政编码"+w.organ.Postcode)
		}
		if w.organ.Phone != "" {
			s = append(s, "联系电话"+w.organ.Phone)
		}
		lines[0] = strings.TrimSuffix(lines[0], "。") + "，" + strings.Join(s, "，") + "。"
	}
	return append(lines, "法定代表人："+name+"，"+title+"。")
}

func (m *Module) caseWriter(c *Case) docWriter {
	o, _ := m.d.Org.Organ(c.OrganID)
	return docWriter{c: c, organ: o}
}

func (m *Module) caseDocKinds() []officialdoc.Kind[*Case] {
	kind := func(k, name, code string, text func(ctx context.Context, tx *db.Tx, w docWriter, on calendar.Date) (string, string, error)) officialdoc.Kind[*Case] {
		return officialdoc.Kind[*Case]{Kind: k, Name: name, Code: code,
			Compose: func(ctx context.Context, tx *db.Tx, c *Case, on calendar.Date) (officialdoc.Text, error) {
				recipient, body, err := text(ctx, tx, m.caseWriter(c), on)
				return officialdoc.Text{Recipient: recipient, Body: body}, err
			}}
	}
	return []officialdoc.Kind[*Case]{
		kind(DocAnswer, "行政答辩状", "应答", func(_ context.Context, _ *db.Tx, w docWriter, _ calendar.Date) (string, string, error) {
			return w.c.CourtName + "：", w.answer(), nil
		}),
		kind(DocEvidence, "证据目录", "应证", func(_ context.Context, _ *db.Tx, w docWriter, _ calendar.Date) (string, string, error) {
			return w.c.CourtName + "：", w.evidenceList(), nil
		}),
		kind(DocIdentity, "法定代表人身份证明", "应身", func(_ context.Context, _ *db.Tx, w docWriter, _ calendar.Date) (string, string, error) {
			return w.c.CourtName + "：", w.identity(), nil
		}),
		kind(DocMandate, "授权委托书", "应委", func(_ context.Context, _ *db.Tx, w docWriter, _ calendar.Date) (string, string, error) {
			return w.c.CourtName + "：", w.mandate(), nil
		}),
		kind(DocAbsence, "行政机关负责人不能出庭情况说明", "应说", func(ctx context.Context, tx *db.Tx, w docWriter, _ calendar.Date) (string, string, error) {
			h, err := lastAbsence(ctx, tx, w.c.ID)
			return w.c.CourtName + "：", w.absence(h), err
		}),
	}
}

func (w docWriter) answer() string {
	c := w.c
	lines := w.partyLines("答辩人")
	lines = append(lines, "被答辩人（原告）："+c.Plaintiff+"。")
	lines = append(lines,
		fmt.Sprintf("答辩人因%s，收到贵院送达的起诉状副本及应诉通知书，现依照《中华人民共和国行政诉讼法》第六十七条第一款的规定，提交答辩状，答辩意见如下：", w.caseLine()),
		fmt.Sprintf("一、被诉行政行为认定事实清楚，证据确实充分。答辩人于%s作出%s。【请写明作出被诉行政行为所认定的事实和主要证据】", "【请填写作出日期】", w.act()),
		"二、被诉行政行为程序合法。【请写明立案、调查、告知、听取陈述申辩（听证）、决定、送达等程序】",
		"三、被诉行政行为适用法律、法规正确。【请写明所依据的法律、法规、规章和规范性文件及其条款】",
		"四、原告的诉讼请求和理由不能成立。【请针对原告的诉讼请求和理由逐项答辩】",
		"综上，答辩人作出的被诉行政行为认定事实清楚，证据确实充分，适用法律、法规正确，符合法定程序，请求人民法院依法判决驳回原告的诉讼请求。")
	if c.ReconsiderResult == ReconsiderUpheld {
		lines = append(lines, "本案经行政复议，复议机关维持原行政行为，复议机关为共同被告（《中华人民共和国行政诉讼法》第二十六条第二款），复议决定的合法性由复议机关另行答辩。")
	}
	lines = append(lines, "附件：证据目录及证据材料；作出被诉行政行为所依据的规范性文件；法定代表人身份证明；授权委托书")
	return strings.Join(lines, "\n")
}

func (w docWriter) evidenceList() string {
	c := w.c
	lines := []string{
		"案号：" + c.Docket,
		"原告：" + c.Plaintiff,
		"被告：" + c.Defendant,
		fmt.Sprintf("答辩人%s就%s，依照《中华人民共和国行政诉讼法》第三十四条第一款、第六十七条第一款的规定，向贵院提交作出被诉行政行为的证据和所依据的规范性文件，目录如下：", c.Defendant, w.caseLine()),
		"一、证明被诉行政行为认定事实的证据：【请逐项列明证据名称、来源、证明对象和页码】",
		"二、证明被诉行政行为程序合法的证据：【请逐项列明证据名称、来源、证明对象和页码】",
		"三、作出被诉行政行为所依据的规范性文件：【请列明文件名称、文号和条款】",
		"证据均为复印件的，已注明出处并由答辩人加盖印章；原件庭审时备查。",
	}
	return strings.Join(lines, "\n")
}

func (w docWriter) identity() string {
	name, title := w.rep()
	return strings.Join([]string{
		fmt.Sprintf("%s在我单位任%s职务，是我单位的法定代表人（主要负责人）。", name, title),
		"特此证明。",
		"案号：" + w.c.Docket,
		"依据：《最高人民法院关于行政机关负责人出庭应诉若干问题的规定》第六条第一款（身份证明载明负责人的姓名、职务等基本信息，并加盖行政机关印章）。",
		"附件：法定代表人（主要负责人）身份证复印件",
	}, "\n")
}

func (w docWriter) mandate() string {
	lines := w.partyLines("委托人")
	lines = append(lines,
		"受委托人：【请填写受委托的本机关工作人员姓名、工作单位及职务】",
		"受委托人：【请填写第二名受委托人，或删去本行】",
		fmt.Sprintf("现委托上列受委托人在%s中，作为我单位的诉讼代理人。", w.caseLine()),
		"代理权限：【请写明一般代理，或特别授权的具体事项】",
		"行政机关负责人不能出庭的，应当委托行政机关相应的工作人员出庭，不得仅委托律师出庭（《最高人民法院关于适用〈中华人民共和国行政诉讼法〉的解释》第一百二十八条第一款）。")
	return strings.Join(lines, "\n")
}

func (w docWriter) absence(h Hearing) string {
	delegates := h.Delegates
	if delegates == "" {
		delegates = "【请填写委托出庭的工作人员】"
	}
	return strings.Join([]string{
		fmt.Sprintf("贵院审理的%s定于%s开庭审理。本机关负责人因%s，不能出庭应诉（《最高人民法院关于行政机关负责人出庭应诉若干问题的规定》第八条）。",
			w.caseLine(), h.HeldOn.Chinese(), h.Absence),
		"具体情况如下：【请写明不能出庭的具体事由】",
		fmt.Sprintf("本机关已委托相应的工作人员%s出庭应诉（《中华人民共和国行政诉讼法》第三条第三款）。", delegates),
		"现依照上述规定第九条第一款提交相关证明材料，本说明加盖本机关印章或者由本机关主要负责人签字认可。",
		"附件：【请列明证明材料】",
	}, "\n")
}

// lastAbsence is the latest hearing held without a 负责人 for which a reason was given.
func lastAbsence(ctx context.Context, q db.Querier, caseID string) (Hearing, error) {
	var h Hearing
	var held string
	err := q.QueryRowContext(ctx, `SELECT id, held_on, absence, delegates FROM litigation_hearings
		WHERE case_id = ? AND held = 1 AND appeared = 0 AND absence <> '' ORDER BY held_on DESC, created_at DESC`, caseID).Scan(&h.ID, &held, &h.Absence, &h.Delegates)
	if errors.Is(err, sql.ErrNoRows) {
		return h, fmt.Errorf("本案没有记录不能出庭理由的开庭")
	}
	h.HeldOn = parseDate(held)
	return h, err
}

func (m *Module) recDocKinds() []officialdoc.Kind[*Recommendation] {
	return []officialdoc.Kind[*Recommendation]{{Kind: DocRecReply, Name: "回复函", Code: "建复",
		Compose: func(ctx context.Context, tx *db.Tx, r *Recommendation, on calendar.Date) (officialdoc.Text, error) {
			return m.recReplyText(ctx, tx, r)
		}}}
}

func (m *Module) recReplyText(ctx context.Context, tx *db.Tx, r *Recommendation) (officialdoc.Text, error) {
	rule := RuleJudicial.Basis
	if r.Kind == Procuratorial {
		rule = RuleProcuratorial.Basis
	}
	var about string
	if r.CaseID != "" {
		c, err := getCase(ctx, tx, nil, r.CaseID)
		if err != nil {
			return officialdoc.Text{}, err
		}
		about = "（涉及" + c.Docket + "案）"
	}
	body := strings.Join([]string{
		fmt.Sprintf("贵%s《%s》%s于%s收悉。本机关高度重视，认真研究，现将有关情况回复如下：", issuerNoun(r), r.Number, about, r.ReceivedOn.Chinese()),
		"一、关于建议指出的问题。【请写明对建议所指出问题的调查核实情况】",
		"二、已经采取和拟采取的整改措施。【请写明整改措施、责任单位和完成时限】",
		"三、建章立制、举一反三的情况。【请写明】",
		fmt.Sprintf("本回复在%s前作出（%s）。", r.ReplyDue.Chinese(), rule),
		"特此函复。",
	}, "\n")
	return officialdoc.Text{Title: "关于" + r.Number + r.Kind.Label() + "的回复函", Recipient: r.Issuer + "：", Body: body}, nil
}

// issuerNoun is 院 for a court, else the issuer's kind by its name (检察院 is a 院 too).
func issuerNoun(r *Recommendation) string {
	if strings.HasSuffix(r.Issuer, "院") {
		return "院"
	}
	return "单位"
}

// DraftCaseDocs drafts the documents of kinds for c within tx (the steps that call for them).
func (m *Module) draftCaseDocs(ctx context.Context, tx *db.Tx, p *auth.Principal, c *Case, on calendar.Date, kinds ...string) error {
	_, err := m.docs.Draft(ctx, tx, p, c, on, kinds...)
	return err
}

// CaseDocuments lists a case's documents for p (none for the court's liaison).
func (m *Module) CaseDocuments(ctx context.Context, p *auth.Principal, c *Case) ([]officialdoc.Document, error) {
	if p.Has(auth.RoleCourtLiaison) {
		return nil, nil
	}
	return m.docs.List(ctx, m.d.DB, c.ID)
}

// Documents is the case documents room (tests, other modules).
func (m *Module) Documents() *officialdoc.Room[*Case] { return m.docs }

// ReplyDocuments is the recommendation reply room.
func (m *Module) ReplyDocuments() *officialdoc.Room[*Recommendation] { return m.recDocs }
