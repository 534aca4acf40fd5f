package normdoc

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/org"
)

// NumberPrefix is the 文号 prefix of an organ's normative documents: its own prefix + 规 (青政规,
// 青政办规), or for a department without one, the first character of its government's prefix and of
// its own name (青山县公安局 → 青公规).
func (s *Service) NumberPrefix(o org.Organ) string {
	if o.DocPrefix != "" {
		return o.DocPrefix + "规"
	}
	name := o.Name
	lead := ""
	if gov, ok := s.org.GovernmentOf(o); ok {
		place := strings.TrimSuffix(gov.Name, "人民政府")
		name = strings.TrimPrefix(name, place)
		if r, _ := utf8.DecodeRuneInString(gov.DocPrefix); gov.DocPrefix != "" {
			lead = string(r)
		} else if r, _ := utf8.DecodeRuneInString(place); place != "" {
			lead = string(r)
		}
	}
	r, _ := utf8.DecodeRuneInString(name)
	return lead + string(r) + "规"
}

var numberRe = regexp.MustCompile(`〔(\d{4})〕(\d+)号`)

// ParseNumber reads year and sequence from a 文号 such as 青政规〔2021〕3号.
func ParseNumber(n string) (year, seq int, ok bool) {
	m := numberRe.FindStringSubmatch(n)
	if m == nil {
		return 0, 0, false
	}
	year, _ = strconv.Atoi(m[1])
	seq, _ = strconv.Atoi(m[2])
	return year, seq, true
}

// RegisterInput registers a document: from an approved review, or an existing (legacy) document with its own 文号.
type RegisterInput struct {
	casework.Step
	ReviewID   string `json:"review_id"`
	Legacy     bool   `json:"legacy"`
	OrganID    string `json:"organ_id"` // issuing organ (legacy; taken from the review otherwise)
	Title      string `json:"title"`
	Body       string `json:"body"`
	Keywords   string `json:"keywords"`
	Topics     string `json:"topics"`
	Number     string `json:"number"` // legacy only; otherwise given here
	SignedText string `json:"signed_on"`
	ValidYears int    `json:"valid_years"` // 0 = the organ setting
	AmendsID   string `json:"amends_id"`   // the document this one amends or replaces
}

// Register enters a document in the register and gives it its 文号 (统一登记、统一编号). The number
// comes from the organ's counter inside the transaction; the UNIQUE indexes on 文号 and on
// (organ, year, sequence) make a duplicate impossible even under concurrent approvals.
func (s *Service) Register(ctx context.Context, p *auth.Principal, in RegisterInput) (*Doc, error) {
	if !p.Can(PermEdit) {
		return nil, fault.Forbiddenf("您没有登记规范性文件的权限")
	}
	if err := in.Prepare(s.Today()); err != nil {
		return nil, err
	}
	in.Title, in.Body, in.Number = strings.TrimSpace(in.Title), strings.TrimSpace(in.Body), strings.TrimSpace(in.Number)
	signed, err := casework.ParseOptionalDate("signed_on", in.SignedText)
	if err != nil {
		return nil, err
	}
	if in.ValidYears < 0 || in.ValidYears > 10 {
		return nil, fault.Field("valid_years", "有效期应为1至10年")
	}
	var out *Doc
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		d := &Doc{ID: db.NewID(), State: StateRegistered, SignedOn: signed, Keywords: strings.TrimSpace(in.Keywords), Topics: strings.TrimSpace(in.Topics),
			ValidYears: in.ValidYears, CurrentVersion: 1, Version: 1, CreatedAt: db.Now(), Legacy: in.Legacy}
		d.UpdatedAt = d.CreatedAt
		if in.Legacy {
			o, ok := s.org.Organ(in.OrganID)
			if !ok || !s.inScope(p, o.ID) && !s.underGovernmentOf(p, o) {
				return fault.Field("organ_id", "请选择本级或所属的制定机关")
			}
			if in.Number == "" {
				return fault.Field("number", "历史文件请填写原文号")
			}
			d.OrganID, d.RegOrganID, d.Number = o.ID, p.OrganID, in.Number
			if y, n, ok := ParseNumber(in.Number); ok {
				d.NumberYear, d.NumberSeq = y, n
			} else {
				d.NumberYear = in.On.Year
			}
		} else {
			if in.ReviewID == "" {
				return fault.Field("review_id", "请选择审核通过的合法性审查事项（未经合法性审核的文件不得登记）")
			}
			r, err := s.review.ApprovedNormdoc(ctx, tx, p, in.ReviewID)
			if err != nil {
				return err
			}
			var taken int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM normdocs WHERE review_id = ?`, r.ID).Scan(&taken); err != nil {
				return err
			}
			if taken > 0 {
				return fault.Conflictf("该审查事项对应的文件已经登记")
			}
			if err := casework.NotBefore(in.On, r.ConcludedOn, "审核意见书日期"); err != nil {
				return err
			}
			d.ReviewID, d.DrafterOrganID, d.RegOrganID = r.ID, r.SubmitterOrganID, r.OrganID
			d.OrganID = r.IssuerID
			if d.OrganID == "" {
				d.OrganID = r.SubmitterOrganID
			}
			if in.Title == "" {
				in.Title = r.Title
			}
			if in.Body == "" {
				in.Body = r.Draft
			}
		}
		o, _ := s.org.Organ(d.OrganID)
		d.OrganName = o.Name
		fe := &fault.Fields{}
		if in.Title == "" {
			fe.Add("title", "请填写文件标题")
		} else if utf8.RuneCountInString(in.Title) > 200 {
			fe.Add("title", "标题不能超过200字")
		}
		if in.Body == "" {
			fe.Add("body", "请粘贴或上传文件全文")
		}
		if err := fe.Err(); err != nil {
			return err
		}
		d.Title, d.Provisional = in.Title, IsProvisional(in.Title)
		if in.AmendsID != "" {
			a, err := getDoc(ctx, tx, in.AmendsID)
			if err != nil && !errors.Is(err, fault.NotFound) {
				return err
			}
			if err != nil || a.State != StateInForce || !s.editable(p, a) {
				return fault.Field("amends_id", "被修改的文件应为本机关登记的现行有效文件")
			}
			d.AmendsID = a.ID
		}
		if d.ValidYears == 0 {
			key := KeyValidityYears
			if d.Provisional {
				key = KeyProvisionalYears
			}
			if d.ValidYears, err = s.settings.Int(ctx, tx, d.OrganID, settingDef(key)); err != nil {
				return err
			}
		}
		if !in.Legacy {
			if err := s.number(ctx, tx, d, o, in.On.Year); err != nil {
				return err
			}
		}
		if err := insertDoc(ctx, tx, d); err != nil {
			if errors.Is(err, db.ErrConflict) || db.IsUnique(err) {
				return fault.Field("number", "文号 "+d.Number+" 已经登记")
			}
			return err
		}
		if err := insertVersion(ctx, tx, &Version{ID: db.NewID(), DocID: d.ID, Seq: 1, Title: d.Title, Body: in.Body, Note: "登记文本", EffectiveOn: in.On, CreatedAt: db.Now(), CreatedBy: p.Name}); err != nil {
			return err
		}
		if err := casework.InsertEvent(ctx, tx, &casework.Event{OwnerType: ownerType, OwnerID: d.ID, OrganID: d.RegOrganID, On: in.On, ActorID: p.UserID, ActorName: p.Name,
			Action: "register", ToState: string(d.State), Note: d.Number}); err != nil {
			return err
		}
		out = d
		return audit.Record(ctx, tx, audit.Entry{Action: "normdoc.register", ObjectType: ownerType, ObjectID: d.ID,
			Detail: map[string]any{"number": d.Number, "title": d.Title, "review_id": d.ReviewID, "legacy": d.Legacy}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// underGovernmentOf: a register office also registers the documents of the organs of its government.
func (s *Service) underGovernmentOf(p *auth.Principal, o org.Organ) bool {
	me, ok := s.org.Organ(p.OrganID)
	if !ok {
		return false
	}
	gov, ok := s.org.GovernmentOf(me)
	return ok && strings.HasPrefix(o.Path, gov.Path) && (p.Scope == auth.ScopeAll || p.Scope == auth.ScopeBelow || p.Scope == auth.ScopeOrgan)
}

// number gives the next free 文号 of the organ and year. A sequence already taken (a legacy document
// entered with its old number) is skipped.
func (s *Service) number(ctx context.Context, tx *db.Tx, d *Doc, o org.Organ, year int) error {
	prefix := s.NumberPrefix(o)
	for range 1000 {
		n, err := db.NextNumber(ctx, tx, o.ID, "normdoc", year)
		if err != nil {
			return err
		}
		var taken int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM normdocs WHERE organ_id = ? AND number_year = ? AND number_seq = ?`, o.ID, year, n).Scan(&taken); err != nil {
			return err
		}
		if taken == 0 {
			d.Number, d.NumberYear, d.NumberSeq = fmt.Sprintf("%s〔%d〕%d号", prefix, year, n), year, n
			return nil
		}
	}
	return errors.New("文号计数器异常")
}

// PublishInput publishes a registered document (统一印发、向社会公布).
type PublishInput struct {
	casework.Step        // On = the publication date
	Channel       string `json:"channel" required:"true"` // 政府网站、政府公报 …
	EffectiveText string `json:"effective_on"`            // default: the organ's setting after publication
	SignedText    string `json:"signed_on"`
}

// Publish makes the document public and in force from its effective date, computes its validity,
// opens its 备案 with the filing bodies and indexes it for the public database.
func (s *Service) Publish(ctx context.Context, p *auth.Principal, id string, in PublishInput) (*Doc, error) {
	in.Channel = strings.TrimSpace(in.Channel)
	if in.Channel == "" {
		return nil, fault.Field("channel", "请填写公布载体（如政府网站、政府公报）；未经公布的规范性文件不得作为行政管理依据")
	}
	eff, err := casework.ParseOptionalDate("effective_on", in.EffectiveText)
	if err != nil {
		return nil, err
	}
	signed, err := casework.ParseOptionalDate("signed_on", in.SignedText)
	if err != nil {
		return nil, err
	}
	in.Note = in.Channel
	return s.run(ctx, p, id, casework.Transition[*Doc]{Action: "publish", Step: &in.Step, From: []string{string(StateRegistered)}, Apply: func(tx *db.Tx, d *Doc, ev *casework.Event) error {
		if !signed.IsZero() {
			d.SignedOn = signed
		}
		if !d.SignedOn.IsZero() && in.On.Before(d.SignedOn) {
			return fault.Field("on", "公布日期不能早于签发日期 "+d.SignedOn.String())
		}
		if eff.IsZero() {
			delay, err := s.settings.Int(ctx, tx, d.OrganID, settingDef(KeyEffectiveDelay))
			if err != nil {
				return err
			}
			eff = in.On.AddDays(delay)
		}
		if eff.Before(in.On) {
			return fault.Field("effective_on", "施行日期不能早于公布日期")
		}
		months, err := s.settings.Int(ctx, tx, d.OrganID, settingDef(KeyWarnMonths))
		if err != nil {
			return err
		}
		d.PublishedOn, d.Channel, d.EffectiveOn = in.On, in.Channel, eff
		d.ExpiresOn = ExpiryOf(eff, d.ValidYears)
		d.WarnOn = WarnOf(d.ExpiresOn, months)
		d.State, d.StateOn = StateInForce, eff
		if !d.Legacy {
			if err := s.openFilings(ctx, tx, d); err != nil {
				return err
			}
		}
		if d.AmendsID != "" {
			v, err := getVersion(ctx, tx, d.ID, d.CurrentVersion)
			if err != nil {
				return err
			}
			if _, err := s.applyAmendment(ctx, tx, p, d.AmendsID, d, v.Body); err != nil {
				return err
			}
			ev.RefID = d.AmendsID
		}
		return nil
	}})
}

// FilingBody is one body a document must be filed with.
type FilingBody struct {
	Kind    string // gov / npc
	Name    string
	OrganID string
}

// FilingBodies are the bodies a document of organ o is filed with: a government's (or its office's)
// documents go to the government above and, where the setting says so, to the same level's
// 人大常委会; a department's to its own government.
func (s *Service) FilingBodies(ctx context.Context, q db.Querier, o org.Organ) ([]FilingBody, error) {
	gov, ok := s.org.GovernmentOf(o)
	if !ok {
		return nil, nil
	}
	if o.Kind != org.KindGovernment && o.Kind != org.KindOffice {
		return []FilingBody{{Kind: "gov", Name: gov.Name, OrganID: gov.ID}}, nil
	}
	var out []FilingBody
	if parent, ok := s.org.Parent(gov); ok {
		if up, ok := s.org.GovernmentOf(parent); ok {
			out = append(out, FilingBody{Kind: "gov", Name: up.Name, OrganID: up.ID})
		}
	}
	npc, err := s.settings.Int(ctx, q, o.ID, settingDef(KeyFilingNPC))
	if err != nil {
		return nil, err
	}
	if npc == 1 && gov.Level != org.Township {
		out = append(out, FilingBody{Kind: "npc", Name: strings.TrimSuffix(gov.Name, "人民政府") + "人大常委会"})
	}
	return out, nil
}

func (s *Service) openFilings(ctx context.Context, tx *db.Tx, d *Doc) error {
	o, _ := s.org.Organ(d.OrganID)
	bodies, err := s.FilingBodies(ctx, tx, o)
	if err != nil {
		return err
	}
	days, err := s.settings.Int(ctx, tx, d.OrganID, settingDef(KeyFilingDays))
	if err != nil {
		return err
	}
	due, _, err := s.cal().Due(FilingRule(days), d.PublishedOn, nil, 0)
	if err != nil {
		return err
	}
	for _, b := range bodies {
		if err := insertFiling(ctx, tx, Filing{ID: db.NewID(), DocID: d.ID, BodyKind: b.Kind, BodyName: b.Name, BodyOrganID: b.OrganID, Days: days, DueOn: due}); err != nil {
			return err
		}
	}
	return nil
}

// applyAmendment marks document aID as 已修改 by b from b's effective date, keeps the amended text as a
// new version of a, and records the link both ways, inside b's transaction.
func (s *Service) applyAmendment(ctx context.Context, tx *db.Tx, p *auth.Principal, aID string, b *Doc, text string) (*Doc, error) {
	return s.kind.RunTx(ctx, tx, s.Today(), p, aID, casework.Transition[*Doc]{Action: "amended", Apply: func(tx *db.Tx, a *Doc, ev *casework.Event) error {
		if a.State != StateInForce {
			return fault.Field("amends_id", "被修改的文件《"+a.Title+"》已不是现行有效文件")
		}
		a.CurrentVersion++
		if err := insertVersion(ctx, tx, &Version{ID: db.NewID(), DocID: a.ID, Seq: a.CurrentVersion, Title: b.Title, Body: text, Note: "依" + b.Number + "修改",
			SourceDocID: b.ID, SourceNumber: b.Number, EffectiveOn: b.EffectiveOn, CreatedAt: db.Now(), CreatedBy: p.Name}); err != nil {
			return err
		}
		a.State, a.StateOn, a.EndedOn, a.AmendedByID, a.PendingAmend = StateAmended, b.EffectiveOn, b.EffectiveOn, b.ID, false
		b.AmendsID = a.ID
		ev.On, ev.Note, ev.RefID = b.EffectiveOn, "被"+b.Number+"《"+b.Title+"》修改", b.ID
		return nil
	}})
}

// AmendInput links an existing amendment: document id was amended by document ByID.
type AmendInput struct {
	casework.Step
	ByID string `json:"by_id" required:"true"`
	Text string `json:"text"` // the amended text of this document; default: the amending document's text
}

// MarkAmended records that a published document amended this one (for documents registered separately).
func (s *Service) MarkAmended(ctx context.Context, p *auth.Principal, id string, in AmendInput) (*Doc, error) {
	var out *Doc
	_, err := s.run(ctx, p, in.ByID, casework.Transition[*Doc]{Action: "amends", Step: &in.Step, Apply: func(tx *db.Tx, b *Doc, ev *casework.Event) error {
		if !b.Published() || b.State != StateInForce {
			return fault.Field("by_id", "修改文件应为已公布的现行有效文件")
		}
		if b.ID == id {
			return fault.Field("by_id", "文件不能修改自身")
		}
		text := strings.TrimSpace(in.Text)
		if text == "" {
			v, err := getVersion(ctx, tx, b.ID, b.CurrentVersion)
			if err != nil {
				return err
			}
			text = v.Body
		}
		a, err := getDoc(ctx, tx, id)
		if err != nil && !errors.Is(err, fault.NotFound) {
			return err
		}
		if err != nil || !s.editable(p, a) {
			return fault.NotFoundf("被修改的文件不存在或您无权查看")
		}
		if out, err = s.applyAmendment(ctx, tx, p, id, b, text); err != nil {
			return err
		}
		ev.Note, ev.RefID = "修改《"+a.Title+"》", a.ID
		return nil
	}})
	return out, err
}

// EndInput ends a document: 废止 or 宣布失效, effective on the step date.
type EndInput struct {
	casework.Step
	State State  `json:"status" required:"true"` // repealed / expired
	Basis string `json:"basis" required:"true"`  // the repealing decision, e.g. 青政发〔2026〕3号
	ByID  string `json:"by_id"`                  // the repealing document in the register, if any
}

// End repeals a document or declares it expired.
func (s *Service) End(ctx context.Context, p *auth.Principal, id string, in EndInput) (*Doc, error) {
	if in.State != StateRepealed && in.State != StateExpired {
		return nil, fault.Field("status", "请选择废止或宣布失效")
	}
	in.Basis = strings.TrimSpace(in.Basis)
	if in.Basis == "" {
		return nil, fault.Field("basis", "请写明废止或宣布失效的依据（决定文号或会议）")
	}
	in.Note = in.Basis
	action := map[State]string{StateRepealed: "repeal", StateExpired: "expire"}[in.State]
	return s.run(ctx, p, id, casework.Transition[*Doc]{Action: action, Step: &in.Step, From: []string{string(StateInForce)}, Apply: func(tx *db.Tx, d *Doc, ev *casework.Event) error {
		if err := casework.NotBefore(in.On, d.PublishedOn, "公布日期"); err != nil {
			return err
		}
		d.State, d.StateOn, d.EndedOn = in.State, in.On, in.On
		ev.RefID = in.ByID
		return nil
	}})
}

// ReviseInput is a new text of a document: corrections before publication, 勘误 after.
type ReviseInput struct {
	casework.Step
	Title string `json:"title"`
	Body  string `json:"body" required:"true"`
}

// ReviseText keeps a new version of the text. Published documents need a note (勘误说明).
func (s *Service) ReviseText(ctx context.Context, p *auth.Principal, id string, in ReviseInput) (*Doc, error) {
	in.Body, in.Title = strings.TrimSpace(in.Body), strings.TrimSpace(in.Title)
	if in.Body == "" {
		return nil, fault.Field("body", "请粘贴或上传新的全文")
	}
	return s.run(ctx, p, id, casework.Transition[*Doc]{Action: "revise", Step: &in.Step, From: []string{string(StateRegistered), string(StateInForce)},
		Apply: func(tx *db.Tx, d *Doc, ev *casework.Event) error {
			if d.Published() && ev.Note == "" {
				return fault.Field("note", "已公布文件修订文本须写明勘误说明")
			}
			cur, err := getVersion(ctx, tx, d.ID, d.CurrentVersion)
			if err != nil {
				return err
			}
			if in.Title == "" {
				in.Title = d.Title
			}
			if cur.Body == in.Body && cur.Title == in.Title {
				return fault.Field("body", "文本没有变化")
			}
			d.CurrentVersion++
			d.Title, d.Provisional = in.Title, IsProvisional(in.Title)
			return insertVersion(ctx, tx, &Version{ID: db.NewID(), DocID: d.ID, Seq: d.CurrentVersion, Title: in.Title, Body: in.Body, Note: ev.Note, EffectiveOn: in.On, CreatedAt: db.Now(), CreatedBy: p.Name})
		}})
}

// EvaluateInput is the evaluation before expiry.
type EvaluateInput struct {
	casework.Step
	Evaluation Evaluation `json:"evaluation" required:"true"`
}

// Evaluate records the evaluation of a document whose validity is running out: 继续有效 renews the
// validity from the day after expiry (the document is re-published with a new period), 需要修改 flags
// it for amendment, 到期失效 lets it lapse at expiry.
func (s *Service) Evaluate(ctx context.Context, p *auth.Principal, id string, in EvaluateInput) (*Doc, error) {
	if in.Evaluation.Label() == "" {
		return nil, fault.Field("evaluation", "请选择评估结论")
	}
	action := "evaluate"
	if in.Evaluation == EvalContinue {
		action = "renew"
	}
	return s.run(ctx, p, id, casework.Transition[*Doc]{Action: action, Step: &in.Step, From: []string{string(StateInForce)}, Apply: func(tx *db.Tx, d *Doc, ev *casework.Event) error {
		if ev.Note == "" {
			ev.Note = in.Evaluation.Label()
		} else if in.Evaluation != EvalContinue {
			ev.Note = in.Evaluation.Label() + "：" + ev.Note
		}
		d.EvaluatedOn, d.EvaluationNote = in.On, ev.Note
		switch in.Evaluation {
		case EvalContinue:
			months, err := s.settings.Int(ctx, tx, d.OrganID, settingDef(KeyWarnMonths))
			if err != nil {
				return err
			}
			d.ExpiresOn = ExpiryOf(d.ExpiresOn.AddDays(1), d.ValidYears)
			d.WarnOn = WarnOf(d.ExpiresOn, months)
			d.Evaluation, d.PendingAmend = "", false
			ev.Note += "，有效期延续至" + d.ExpiresOn.Chinese()
		case EvalAmend:
			d.Evaluation, d.PendingAmend = EvalAmend, true
		case EvalExpire:
			d.Evaluation = EvalExpire
		}
		return nil
	}})
}

// FilingInput records a step of a 备案.
type FilingInput struct {
	casework.Step
	Stage    string `json:"stage" required:"true"` // sent / received / feedback
	Result   string `json:"result"`                // feedback: ok / correct
	Feedback string `json:"feedback"`
}

// RecordFiling records the sending, the receipt or the filing body's feedback.
func (s *Service) RecordFiling(ctx context.Context, p *auth.Principal, id, filingID string, in FilingInput) (*Doc, error) {
	action := map[string]string{"sent": "filing_sent", "received": "filing_received", "feedback": "filing_feedback"}[in.Stage]
	if action == "" {
		return nil, fault.Field("stage", "请选择备案环节")
	}
	return s.run(ctx, p, id, casework.Transition[*Doc]{Action: action, Step: &in.Step, Apply: func(tx *db.Tx, d *Doc, ev *casework.Event) error {
		f, err := scanFiling(tx.QueryRowContext(ctx, `SELECT `+filingCols+` FROM normdoc_filings WHERE id = ? AND doc_id = ?`, filingID, d.ID))
		if err != nil {
			return db.Found(err, "备案记录")
		}
		switch in.Stage {
		case "sent":
			if !f.SentOn.IsZero() {
				return fault.Conflictf("已于 %s 报送", f.SentOn)
			}
			if in.On.Before(d.PublishedOn) {
				return fault.Field("on", "报送日期不能早于公布日期")
			}
			f.SentOn = in.On
			ev.Note = "报送" + f.BodyName
			if f.SentOn.After(f.DueOn) {
				ev.Note += fmt.Sprintf("（逾期，期限 %s）", f.DueOn)
			}
		case "received":
			if f.SentOn.IsZero() || !f.ReceivedOn.IsZero() {
				return fault.Conflictf("请先记录报送日期；接收日期只能记录一次")
			}
			if in.On.Before(f.SentOn) {
				return fault.Field("on", "接收日期不能早于报送日期")
			}
			f.ReceivedOn = in.On
			ev.Note = f.BodyName + "接收"
		case "feedback":
			if f.SentOn.IsZero() {
				return fault.Conflictf("尚未报送备案")
			}
			if in.Result != "ok" && in.Result != "correct" {
				return fault.Field("result", "请选择备案审查结果")
			}
			if in.On.Before(f.SentOn) {
				return fault.Field("on", "反馈日期不能早于报送日期")
			}
			f.Result, f.Feedback, f.FeedbackOn = in.Result, strings.TrimSpace(in.Feedback), in.On
			ev.Note = f.BodyName + "：" + f.ResultLabel()
			if f.Feedback != "" {
				ev.Note += "，" + f.Feedback
			}
		}
		return tx.Exec(ctx, `UPDATE normdoc_filings SET sent_on = ?, received_on = ?, result = ?, feedback = ?, feedback_on = ? WHERE id = ?`,
			f.SentOn.String(), f.ReceivedOn.String(), f.Result, f.Feedback, f.FeedbackOn.String(), f.ID)
	}})
}

// ExpireDue ends every document whose validity ran out (the day after its last day in force). Run by the scheduler.
func (s *Service) ExpireDue(ctx context.Context) (int, error) {
	today := s.Today()
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM normdocs WHERE status = 'in_force' AND expires_on <> '' AND expires_on < ?`, today.String())
	if err != nil {
		return 0, err
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	n := 0
	for _, id := range ids {
		_, err := s.kind.Run(ctx, s.db, today, nil, id, casework.Transition[*Doc]{Action: "expire_due", Apply: func(_ *db.Tx, d *Doc, ev *casework.Event) error {
			if d.State != StateInForce || d.ExpiresOn.IsZero() || !d.ExpiresOn.Before(today) {
				return errNotDue // another instance got there first, or the validity was renewed
			}
			end := d.ExpiresOn.AddDays(1)
			d.State, d.StateOn, d.EndedOn = StateExpired, end, end
			ev.On, ev.ActorName, ev.Note = end, "系统", "有效期至"+d.ExpiresOn.Chinese()+"届满"
			return nil
		}})
		switch {
		case errors.Is(err, errNotDue):
		case err != nil:
			return n, err
		default:
			n++
		}
	}
	return n, nil
}

// errNotDue skips a document whose expiry no longer applies; nothing is written.
var errNotDue = errors.New("文件不再到期")
