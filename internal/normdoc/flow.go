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
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/web"
)

// Step is the common input of a transition.
type Step struct {
	On      calendar.Date `json:"-"`
	OnText  string        `json:"on"`
	Note    string        `json:"note"`
	Version int           `json:"version"`
}

func fieldErr(field, msg string) error {
	fe := &web.FormError{}
	fe.Add(field, msg)
	return fe
}

func (s *Service) prepare(st *Step) error {
	if st.On.IsZero() {
		if t := strings.TrimSpace(st.OnText); t == "" {
			st.On = s.Today()
		} else {
			d, err := calendar.ParseDate(t)
			if err != nil {
				return fieldErr("on", "日期格式应为 YYYY-MM-DD")
			}
			st.On = d
		}
	}
	if st.On.After(s.Today()) {
		return fieldErr("on", "日期不能晚于今天")
	}
	st.Note = strings.TrimSpace(st.Note)
	return nil
}

func parseOptDate(field, v string) (calendar.Date, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return calendar.Date{}, nil
	}
	d, err := calendar.ParseDate(v)
	if err != nil {
		return d, fieldErr(field, "日期格式应为 YYYY-MM-DD")
	}
	return d, nil
}

func statusErr(d *Doc, want ...Status) error {
	var names []string
	for _, s := range want {
		names = append(names, s.Label())
	}
	return web.Errorf(409, fmt.Sprintf("文件当前为“%s”，此操作只适用于“%s”的文件", d.Status.Label(), strings.Join(names, "、")))
}

// step prepares st in place (the closure reads the parsed date from the caller's input) and runs act.
func (s *Service) step(ctx context.Context, p *auth.Principal, id string, st *Step, action string, fn func(tx *db.Tx, d *Doc, ev *Event) error) (*Doc, error) {
	if err := s.prepare(st); err != nil {
		return nil, err
	}
	return s.act(ctx, p, id, st.Version, action, st.On, st.Note, fn)
}

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
	Step
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
	if !p.Can(auth.PermNormdocEdit) {
		return nil, fmt.Errorf("%w：您没有登记规范性文件的权限", db.ErrForbidden)
	}
	if err := s.prepare(&in.Step); err != nil {
		return nil, err
	}
	in.Title, in.Body, in.Number = strings.TrimSpace(in.Title), strings.TrimSpace(in.Body), strings.TrimSpace(in.Number)
	signed, err := parseOptDate("signed_on", in.SignedText)
	if err != nil {
		return nil, err
	}
	if in.ValidYears < 0 || in.ValidYears > 10 {
		return nil, fieldErr("valid_years", "有效期应为1至10年")
	}
	var out *Doc
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		d := &Doc{ID: db.NewID(), Status: StatusRegistered, SignedOn: signed, Keywords: strings.TrimSpace(in.Keywords), Topics: strings.TrimSpace(in.Topics),
			ValidYears: in.ValidYears, CurrentVersion: 1, Version: 1, CreatedAt: db.Now(), Legacy: in.Legacy}
		d.UpdatedAt = d.CreatedAt
		if in.Legacy {
			o, ok := s.org.Organ(in.OrganID)
			if !ok || !s.inScope(p, o.ID) && !s.underGovernmentOf(p, o) {
				return fieldErr("organ_id", "请选择本级或所属的制定机关")
			}
			if in.Number == "" {
				return fieldErr("number", "历史文件请填写原文号")
			}
			d.OrganID, d.RegOrganID, d.Number = o.ID, p.OrganID, in.Number
			if y, n, ok := ParseNumber(in.Number); ok {
				d.NumberYear, d.NumberSeq = y, n
			} else {
				d.NumberYear = in.On.Year
			}
		} else {
			if in.ReviewID == "" {
				return fieldErr("review_id", "请选择审核通过的合法性审查事项（未经合法性审核的文件不得登记）")
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
				return web.Errorf(409, "该审查事项对应的文件已经登记")
			}
			if in.On.Before(r.ConcludedOn) {
				return fieldErr("on", "登记日期不能早于审核意见书日期 "+r.ConcludedOn.String())
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
		fe := &web.FormError{}
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
			if err != nil || a.Status != StatusInForce || !s.editable(p, a) {
				return fieldErr("amends_id", "被修改的文件应为本机关登记的现行有效文件")
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
				return fieldErr("number", "文号 "+d.Number+" 已经登记")
			}
			return err
		}
		if err := insertVersion(ctx, tx, &Version{ID: db.NewID(), DocID: d.ID, Seq: 1, Title: d.Title, Body: in.Body, Note: "登记文本", EffectiveOn: in.On, CreatedAt: db.Now(), CreatedBy: p.Name}); err != nil {
			return err
		}
		if err := insertEvent(ctx, tx, d.ID, Event{On: in.On, ActorID: p.UserID, ActorName: p.Name, Action: "register", ToStatus: d.Status, Note: d.Number}); err != nil {
			return err
		}
		out = d
		return audit.Record(ctx, tx, audit.Entry{Action: "normdoc.register", ObjectType: "normdoc", ObjectID: d.ID,
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
	Step                 // On = the publication date
	Channel       string `json:"channel"`      // 政府网站、政府公报 …
	EffectiveText string `json:"effective_on"` // default: the organ's setting after publication
	SignedText    string `json:"signed_on"`
}

// Publish makes the document public and in force from its effective date, computes its validity,
// opens its 备案 with the filing bodies and indexes it for the public database.
func (s *Service) Publish(ctx context.Context, p *auth.Principal, id string, in PublishInput) (*Doc, error) {
	in.Channel = strings.TrimSpace(in.Channel)
	if in.Channel == "" {
		return nil, fieldErr("channel", "请填写公布载体（如政府网站、政府公报）；未经公布的规范性文件不得作为行政管理依据")
	}
	eff, err := parseOptDate("effective_on", in.EffectiveText)
	if err != nil {
		return nil, err
	}
	signed, err := parseOptDate("signed_on", in.SignedText)
	if err != nil {
		return nil, err
	}
	in.Note = in.Channel
	return s.step(ctx, p, id, &in.Step, "publish", func(tx *db.Tx, d *Doc, ev *Event) error {
		if d.Status != StatusRegistered {
			return statusErr(d, StatusRegistered)
		}
		if !signed.IsZero() {
			d.SignedOn = signed
		}
		if !d.SignedOn.IsZero() && in.On.Before(d.SignedOn) {
			return fieldErr("on", "公布日期不能早于签发日期 "+d.SignedOn.String())
		}
		if eff.IsZero() {
			delay, err := s.settings.Int(ctx, tx, d.OrganID, settingDef(KeyEffectiveDelay))
			if err != nil {
				return err
			}
			eff = in.On.AddDays(delay)
		}
		if eff.Before(in.On) {
			return fieldErr("effective_on", "施行日期不能早于公布日期")
		}
		months, err := s.settings.Int(ctx, tx, d.OrganID, settingDef(KeyWarnMonths))
		if err != nil {
			return err
		}
		d.PublishedOn, d.Channel, d.EffectiveOn = in.On, in.Channel, eff
		d.ExpiresOn = ExpiryOf(eff, d.ValidYears)
		d.WarnOn = WarnOf(d.ExpiresOn, months)
		d.Status, d.StatusOn = StatusInForce, eff
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
			if err := s.applyAmendment(ctx, tx, p, d.AmendsID, d, v.Body); err != nil {
				return err
			}
			ev.RefDocID = d.AmendsID
		}
		return nil
	})
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
// new version of a, and records the link both ways.
func (s *Service) applyAmendment(ctx context.Context, tx *db.Tx, p *auth.Principal, aID string, b *Doc, text string) error {
	a, err := lockDoc(ctx, tx, aID)
	if err != nil {
		return err
	}
	if a.Status != StatusInForce {
		return fieldErr("amends_id", "被修改的文件《"+a.Title+"》已不是现行有效文件")
	}
	from := a.Status
	a.CurrentVersion++
	if err := insertVersion(ctx, tx, &Version{ID: db.NewID(), DocID: a.ID, Seq: a.CurrentVersion, Title: b.Title, Body: text, Note: "依" + b.Number + "修改",
		SourceDocID: b.ID, SourceNumber: b.Number, EffectiveOn: b.EffectiveOn, CreatedAt: db.Now(), CreatedBy: p.Name}); err != nil {
		return err
	}
	a.Status, a.StatusOn, a.EndedOn, a.AmendedByID, a.PendingAmend = StatusAmended, b.EffectiveOn, b.EffectiveOn, b.ID, false
	b.AmendsID = a.ID
	if err := updateDoc(ctx, tx, a); err != nil {
		return err
	}
	if err := insertEvent(ctx, tx, a.ID, Event{On: b.EffectiveOn, ActorID: p.UserID, ActorName: p.Name, Action: "amended", FromStatus: from, ToStatus: a.Status,
		Note: "被" + b.Number + "《" + b.Title + "》修改", RefDocID: b.ID}); err != nil {
		return err
	}
	if err := s.reindex(ctx, tx, a); err != nil {
		return err
	}
	return audit.Record(ctx, tx, audit.Entry{Action: "normdoc.amended", ObjectType: "normdoc", ObjectID: a.ID, Detail: map[string]any{"by": b.Number}})
}

// AmendInput links an existing amendment: document id was amended by document ByID.
type AmendInput struct {
	Step
	ByID string `json:"by_id"`
	Text string `json:"text"` // the amended text of this document; default: the amending document's text
}

// MarkAmended records that a published document amended this one (for documents registered separately).
func (s *Service) MarkAmended(ctx context.Context, p *auth.Principal, id string, in AmendInput) (*Doc, error) {
	if err := s.prepare(&in.Step); err != nil {
		return nil, err
	}
	var out *Doc
	_, err := s.act(ctx, p, in.ByID, in.Version, "amends", in.On, "", func(tx *db.Tx, b *Doc, ev *Event) error {
		if !b.Published() || b.Status != StatusInForce {
			return fieldErr("by_id", "修改文件应为已公布的现行有效文件")
		}
		if b.ID == id {
			return fieldErr("by_id", "文件不能修改自身")
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
		if err != nil || !s.editable(p, a) {
			return web.NotFound("被修改的文件")
		}
		if err := s.applyAmendment(ctx, tx, p, id, b, text); err != nil {
			return err
		}
		ev.Note, ev.RefDocID = "修改《"+a.Title+"》", a.ID
		out, _ = getDoc(ctx, tx, id)
		return nil
	})
	return out, err
}

// EndInput ends a document: 废止 or 宣布失效, effective on the step date.
type EndInput struct {
	Step
	Status Status `json:"status"` // repealed / expired
	Basis  string `json:"basis"`  // the repealing decision, e.g. 青政发〔2026〕3号
	ByID   string `json:"by_id"`  // the repealing document in the register, if any
}

// End repeals a document or declares it expired.
func (s *Service) End(ctx context.Context, p *auth.Principal, id string, in EndInput) (*Doc, error) {
	if in.Status != StatusRepealed && in.Status != StatusExpired {
		return nil, fieldErr("status", "请选择废止或宣布失效")
	}
	in.Basis = strings.TrimSpace(in.Basis)
	if in.Basis == "" {
		return nil, fieldErr("basis", "请写明废止或宣布失效的依据（决定文号或会议）")
	}
	in.Note = in.Basis
	action := map[Status]string{StatusRepealed: "repeal", StatusExpired: "expire"}[in.Status]
	return s.step(ctx, p, id, &in.Step, action, func(tx *db.Tx, d *Doc, ev *Event) error {
		if d.Status != StatusInForce {
			return statusErr(d, StatusInForce)
		}
		if in.On.Before(d.PublishedOn) {
			return fieldErr("on", "日期不能早于公布日期")
		}
		d.Status, d.StatusOn, d.EndedOn = in.Status, in.On, in.On
		ev.RefDocID = in.ByID
		return nil
	})
}

// ReviseInput is a new text of a document: corrections before publication, 勘误 after.
type ReviseInput struct {
	Step
	Title string `json:"title"`
	Body  string `json:"body"`
}

// ReviseText keeps a new version of the text. Published documents need a note (勘误说明).
func (s *Service) ReviseText(ctx context.Context, p *auth.Principal, id string, in ReviseInput) (*Doc, error) {
	in.Body, in.Title = strings.TrimSpace(in.Body), strings.TrimSpace(in.Title)
	if in.Body == "" {
		return nil, fieldErr("body", "请粘贴或上传新的全文")
	}
	return s.step(ctx, p, id, &in.Step, "revise", func(tx *db.Tx, d *Doc, ev *Event) error {
		if d.Status != StatusRegistered && d.Status != StatusInForce {
			return statusErr(d, StatusRegistered, StatusInForce)
		}
		if d.Published() && ev.Note == "" {
			return fieldErr("note", "已公布文件修订文本须写明勘误说明")
		}
		cur, err := getVersion(ctx, tx, d.ID, d.CurrentVersion)
		if err != nil {
			return err
		}
		if in.Title == "" {
			in.Title = d.Title
		}
		if cur.Body == in.Body && cur.Title == in.Title {
			return fieldErr("body", "文本没有变化")
		}
		d.CurrentVersion++
		d.Title, d.Provisional = in.Title, IsProvisional(in.Title)
		return insertVersion(ctx, tx, &Version{ID: db.NewID(), DocID: d.ID, Seq: d.CurrentVersion, Title: in.Title, Body: in.Body, Note: ev.Note, EffectiveOn: in.On, CreatedAt: db.Now(), CreatedBy: p.Name})
	})
}

// EvaluateInput is the evaluation before expiry.
type EvaluateInput struct {
	Step
	Evaluation Evaluation `json:"evaluation"`
}

// Evaluate records the evaluation of a document whose validity is running out: 继续有效 renews the
// validity from the day after expiry (the document is re-published with a new period), 需要修改 flags
// it for amendment, 到期失效 lets it lapse at expiry.
func (s *Service) Evaluate(ctx context.Context, p *auth.Principal, id string, in EvaluateInput) (*Doc, error) {
	if in.Evaluation.Label() == "" {
		return nil, fieldErr("evaluation", "请选择评估结论")
	}
	action := "evaluate"
	if in.Evaluation == EvalContinue {
		action = "renew"
	}
	return s.step(ctx, p, id, &in.Step, action, func(tx *db.Tx, d *Doc, ev *Event) error {
		if d.Status != StatusInForce {
			return statusErr(d, StatusInForce)
		}
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
	})
}

// FilingInput records a step of a 备案.
type FilingInput struct {
	Step
	Stage    string `json:"stage"`  // sent / received / feedback
	Result   string `json:"result"` // feedback: ok / correct
	Feedback string `json:"feedback"`
}

// RecordFiling records the sending, the receipt or the filing body's feedback.
func (s *Service) RecordFiling(ctx context.Context, p *auth.Principal, id, filingID string, in FilingInput) (*Doc, error) {
	action := map[string]string{"sent": "filing_sent", "received": "filing_received", "feedback": "filing_feedback"}[in.Stage]
	if action == "" {
		return nil, fieldErr("stage", "请选择备案环节")
	}
	return s.step(ctx, p, id, &in.Step, action, func(tx *db.Tx, d *Doc, ev *Event) error {
		f, err := scanFiling(tx.QueryRowContext(ctx, `SELECT `+filingCols+` FROM normdoc_filings WHERE id = ? AND doc_id = ?`, filingID, d.ID))
		if err != nil {
			return web.NotFound("备案记录")
		}
		switch in.Stage {
		case "sent":
			if !f.SentOn.IsZero() {
				return web.Errorf(409, "已于 "+f.SentOn.String()+" 报送")
			}
			if in.On.Before(d.PublishedOn) {
				return fieldErr("on", "报送日期不能早于公布日期")
			}
			f.SentOn = in.On
			ev.Note = "报送" + f.BodyName
			if f.SentOn.After(f.DueOn) {
				ev.Note += fmt.Sprintf("（逾期，期限 %s）", f.DueOn)
			}
		case "received":
			if f.SentOn.IsZero() || !f.ReceivedOn.IsZero() {
				return web.Errorf(409, "请先记录报送日期；接收日期只能记录一次")
			}
			if in.On.Before(f.SentOn) {
				return fieldErr("on", "接收日期不能早于报送日期")
			}
			f.ReceivedOn = in.On
			ev.Note = f.BodyName + "接收"
		case "feedback":
			if f.SentOn.IsZero() {
				return web.Errorf(409, "尚未报送备案")
			}
			if in.Result != "ok" && in.Result != "correct" {
				return fieldErr("result", "请选择备案审查结果")
			}
			if in.On.Before(f.SentOn) {
				return fieldErr("on", "反馈日期不能早于报送日期")
			}
			f.Result, f.Feedback, f.FeedbackOn = in.Result, strings.TrimSpace(in.Feedback), in.On
			ev.Note = f.BodyName + "：" + f.ResultLabel()
			if f.Feedback != "" {
				ev.Note += "，" + f.Feedback
			}
		}
		return tx.Exec(ctx, `UPDATE normdoc_filings SET sent_on = ?, received_on = ?, result = ?, feedback = ?, feedback_on = ? WHERE id = ?`,
			f.SentOn.String(), f.ReceivedOn.String(), f.Result, f.Feedback, f.FeedbackOn.String(), f.ID)
	})
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
		err := s.db.Tx(ctx, func(tx *db.Tx) error {
			d, err := lockDoc(ctx, tx, id)
			if err != nil {
				return err
			}
			if d.Status != StatusInForce || d.ExpiresOn.IsZero() || !d.ExpiresOn.Before(today) {
				return nil // another instance got there first, or the validity was renewed
			}
			end := d.ExpiresOn.AddDays(1)
			d.Status, d.StatusOn, d.EndedOn = StatusExpired, end, end
			if err := updateDoc(ctx, tx, d); err != nil {
				return err
			}
			if err := insertEvent(ctx, tx, d.ID, Event{On: end, ActorName: "系统", Action: "expire_due", FromStatus: StatusInForce, ToStatus: StatusExpired,
				Note: "有效期至" + d.ExpiresOn.Chinese() + "届满"}); err != nil {
				return err
			}
			if err := s.reindex(ctx, tx, d); err != nil {
				return err
			}
			n++
			return audit.Record(ctx, tx, audit.Entry{Action: "normdoc.expire_due", ObjectType: "normdoc", ObjectID: d.ID})
		})
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
