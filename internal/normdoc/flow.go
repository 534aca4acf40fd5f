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
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/org"
)

// NumberPrefix is the 文号 prefix of an organ's normative documents: its 代字 (org.DocPrefix: its own,
// or derived as county departments write it) + 规: 青政规, 青政办规, 青公规.
func (s *Service) NumberPrefix(o org.Organ) string { return s.org.DocPrefix(o) + "规" }

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
			if err := s.openFilings(ctx, tx, d, d.PublishedOn, 1); err != nil {
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

// openFilings opens round's 备案 with each filing body, due from the publication on published.
func (s *Service) openFilings(ctx context.Context, tx *db.Tx, d *Doc, published calendar.Date, round int) error {
	o, _ := s.org.Organ(d.OrganID)
	bodies, err := s.FilingBodies(ctx, tx, o)
	if err != nil {
		return err
	}
	days, err := s.settings.Int(ctx, tx, d.OrganID, settingDef(KeyFilingDays))
	if err != nil {
		return err
	}
	due, _, err := s.cal().Due(FilingRule(days), published, nil, 0)
	if err != nil {
		return err
	}
	from := calendar.Date{}
	if round > 1 {
		from = published
	}
	for _, b := range bodies {
		if err := insertFiling(ctx, tx, Filing{ID: db.NewID(), DocID: d.ID, Round: round, FromOn: from, BodyKind: b.Kind, BodyName: b.Name, BodyOrganID: b.OrganID, Days: days, DueOn: due}); err != nil {
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
		if a.RenewalSeq > 0 {
			return fault.Field("amends_id", "被修改的文件《"+a.Title+"》经评估继续有效、待重新公布，请先重新公布")
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
