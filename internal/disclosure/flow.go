package disclosure

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
)

// The steps of a request (legal-rules-2 §(d).1). Each runs through casework: one transaction with
// the row lock, scope, state guard, event and audit.

var running = []string{string(StateRegistered), string(StateConsulting), string(StateFeeWaiting)}

// AmendInput is a 补正告知 (条例第三十条): every item at once, and the period given to the applicant.
type AmendInput struct {
	casework.Step
	Items string `json:"items" required:"true"` // 需要补正的事项（一次性列明）
	Days  int    `json:"days"`                  // 补正期限（工作日）；0 = 本机关设置
}

// Amend sends the one-time 补正 notice, within 7 WD of receipt.
func (s *Service) Amend(ctx context.Context, p *auth.Principal, id string, in *AmendInput) (*Request, error) {
	return s.kind.Run(ctx, s.db, s.Today(), p, id, casework.Transition[*Request]{
		Action: "amend", Step: &in.Step, From: []string{string(StateRegistered)},
		Apply: func(tx *db.Tx, r *Request, ev *casework.Event) error {
			if !r.AmendNoticeOn.IsZero() {
				return fault.Conflictf("已于%s告知补正；补正应当一次性告知，不能再次要求补正（第三十条）", r.AmendNoticeOn)
			}
			if err := casework.NotBefore(in.On, r.ReceivedOn, "收到申请之日"); err != nil {
				return err
			}
			if due := s.cal().AddWorkingDays(r.ReceivedOn, RuleAmendNotice.Length); in.On.After(due) {
				return fault.Field("on", fmt.Sprintf("补正告知应当自收到申请之日起7个工作日内发出（截止%s，第三十条），已逾期", due))
			}
			items := strings.TrimSpace(in.Items)
			if items == "" {
				return fault.Field("items", "请一次性列明需要补正的全部事项")
			}
			days := in.Days
			if days == 0 {
				n, err := s.settings.Int(ctx, tx, r.OrganID, SettingAmendDays)
				if err != nil {
					return err
				}
				days = n
			}
			if days < 1 || days > 60 {
				return fault.Field("days", "补正期限应为1至60个工作日")
			}
			r.State, r.AmendNoticeOn, r.AmendItems = StateAmending, in.On, items
			r.AmendDue = s.cal().AddWorkingDays(in.On, days)
			ev.Note = fmt.Sprintf("补正期限%d个工作日，至%s；%s", days, r.AmendDue, items)
			return nil
		},
	})
}

// AmendedInput records the amended request; the answer clock restarts on its receipt.
type AmendedInput struct {
	casework.Step
	Text string `json:"text"` // 补正内容
}

// Amended records receipt of the amended request (by staff, or by the applicant with the query code).
func (s *Service) Amended(ctx context.Context, p *auth.Principal, id string, in *AmendedInput) (*Request, error) {
	return s.kind.Run(ctx, s.db, s.Today(), p, id, casework.Transition[*Request]{
		Action: "amended", Step: &in.Step, From: []string{string(StateAmending)},
		Apply: func(tx *db.Tx, r *Request, ev *casework.Event) error {
			if err := casework.NotBefore(in.On, r.AmendNoticeOn, "补正告知之日"); err != nil {
				return err
			}
			if in.On.After(r.AmendDue) && in.Note == "" {
				return fault.Field("note", fmt.Sprintf("补正期限已于%s届满；逾期补正的，请写明申请人的正当理由（第三十条），否则按视为放弃办理", r.AmendDue))
			}
			r.State, r.AmendReceivedOn, r.AmendText = StateRegistered, in.On, strings.TrimSpace(in.Text)
			ev.Note = strings.TrimSpace(ev.Note + " 答复期限自收到补正之日重新起算")
			return nil
		},
	})
}

// Abandon closes a request whose 补正 period lapsed: deemed abandoned (第三十条), table 三 （六）1.
func (s *Service) Abandon(ctx context.Context, p *auth.Principal, id string, in *casework.Step) (*Request, error) {
	return s.kind.Run(ctx, s.db, s.Today(), p, id, casework.Transition[*Request]{
		Action: "abandon", Step: in, From: []string{string(StateAmending)},
		Apply: func(tx *db.Tx, r *Request, ev *casework.Event) error {
			if !in.On.After(r.AmendDue) {
				return fault.Field("on", fmt.Sprintf("补正期限至%s，届满后才能视为放弃申请", r.AmendDue))
			}
			return s.close(r, ev, "other_no_amendment", "", "申请人无正当理由逾期不补正，视为放弃申请", in.On)
		},
	})
}

// ExtendInput is an extension approved by the head of the 政府信息公开工作机构 (第三十三条第二款).
type ExtendInput struct {
	casework.Step
	Days     int    `json:"days" required:"true"`
	Approver string `json:"approver" required:"true"` // 批准人（政府信息公开工作机构负责人）
}

// Extend records an approved extension of at most 20 WD, once, before the answer period runs out.
func (s *Service) Extend(ctx context.Context, p *auth.Principal, id string, in *ExtendInput) (*Request, error) {
	return s.kind.Run(ctx, s.db, s.Today(), p, id, casework.Transition[*Request]{
		Action: "extend", Step: &in.Step, From: running,
		Apply: func(tx *db.Tx, r *Request, ev *casework.Event) error {
			if r.ExtensionDays > 0 {
				return fault.Conflictf("已延期%d个工作日，答复期限只能延长一次、最长20个工作日（第三十三条第二款）", r.ExtensionDays)
			}
			if in.Days < 1 || in.Days > RuleReply.MaxExtension {
				return fault.Field("days", "延长的期限应为1至20个工作日（第三十三条第二款）")
			}
			if strings.TrimSpace(in.Approver) == "" {
				return fault.Field("approver", "延期须经政府信息公开工作机构负责人同意，请填写批准人")
			}
			if due, _ := r.ReplyDue(s.cal()); in.On.After(due) {
				return fault.Field("on", fmt.Sprintf("答复期限已于%s届满，不能再延期", due))
			}
			if err := casework.NotBefore(in.On, r.ClockStart(), "答复期限起算之日"); err != nil {
				return err
			}
			r.ExtensionDays, r.ExtensionOn, r.ExtensionApprover = in.Days, in.On, strings.TrimSpace(in.Approver)
			ev.Note = fmt.Sprintf("延长%d个工作日，批准人：%s；已告知申请人。%s", in.Days, r.ExtensionApprover, in.Note)
			return nil
		},
	})
}

// ConsultInput sends a 征求意见函 to a third party (第三十二条) or another organ (第三十四条).
type ConsultInput struct {
	casework.Step
	Kind  string `json:"kind" required:"true"` // third_party, organ
	Party string `json:"party" required:"true"`
}

// Consult starts a consultation; its time is excluded from the answer period (第三十三条第三款).
func (s *Service) Consult(ctx context.Context, p *auth.Principal, id string, in *ConsultInput) (*Request, error) {
	return s.kind.Run(ctx, s.db, s.Today(), p, id, casework.Transition[*Request]{
		Action: "consult", Step: &in.Step, From: []string{string(StateRegistered), string(StateConsulting)},
		Apply: func(tx *db.Tx, r *Request, ev *casework.Event) error {
			if in.Kind != "third_party" && in.Kind != "organ" {
				return fault.Field("kind", "请选择征求第三方意见或征求其他机关意见")
			}
			party := strings.TrimSpace(in.Party)
			if party == "" {
				return fault.Field("party", "请填写被征求意见的第三方或机关")
			}
			if err := casework.NotBefore(in.On, r.ClockStart(), "答复期限起算之日"); err != nil {
				return err
			}
			c := Consultation{ID: db.NewID(), RequestID: r.ID, Kind: in.Kind, Party: party, SentOn: in.On}
			if err := insertConsultation(ctx, tx, &c); err != nil {
				return err
			}
			r.Consultations = append(r.Consultations, c)
			r.State, ev.RefID = StateConsulting, c.ID
			ev.Note = fmt.Sprintf("%s：%s，意见期限至%s", c.KindLabel(), party, s.cal().AddWorkingDays(in.On, RuleThirdParty.Length))
			return nil
		},
	})
}

// ConsultedInput records the opinion (or, after 15 WD, its absence).
type ConsultedInput struct {
	casework.Step
	ConsultationID string `json:"consultation_id"` // "" = the only open one
	Opinion        string `json:"opinion"`
}

// Consulted ends a consultation; with none left open the request is back in review.
func (s *Service) Consulted(ctx context.Context, p *auth.Principal, id string, in *ConsultedInput) (*Request, error) {
	return s.kind.Run(ctx, s.db, s.Today(), p, id, casework.Transition[*Request]{
		Action: "consulted", Step: &in.Step, From: []string{string(StateConsulting)},
		Apply: func(tx *db.Tx, r *Request, ev *casework.Event) error {
			var c *Consultation
			for i := range r.Consultations {
				x := &r.Consultations[i]
				if x.EndedOn.IsZero() && (in.ConsultationID == "" || in.ConsultationID == x.ID) {
					c = x
					break
				}
			}
			if c == nil {
				return fault.Field("consultation_id", "没有找到尚未结束的征求意见")
			}
			if err := casework.NotBefore(in.On, c.SentOn, "发出征求意见函之日"); err != nil {
				return err
			}
			c.EndedOn, c.Opinion = in.On, strings.TrimSpace(in.Opinion)
			if c.Opinion == "" {
				c.Opinion = "逾期未提出意见"
			}
			if err := endConsultation(ctx, tx, c); err != nil {
				return err
			}
			if !slices.ContainsFunc(r.Consultations, func(x Consultation) bool { return x.EndedOn.IsZero() }) {
				r.State = StateRegistered
			}
			ev.RefID, ev.Note = c.ID, c.KindLabel()+"："+c.Party+"，"+c.Opinion
			return nil
		},
	})
}

// FeeInput is a 收费通知 under 国办函〔2020〕109号: the mode, and for 按量计收 the pages; the amount
// is computed (按件计收 counts the applicant's requests in the month itself).
type FeeInput struct {
	casework.Step
	Mode  string `json:"mode" required:"true"` // count, volume
	Pages int    `json:"pages"`
}

// FeeNotice sends the fee notice; whether the wait stops the clock is the organ's setting.
func (s *Service) FeeNotice(ctx context.Context, p *auth.Principal, id string, in *FeeInput) (*Request, error) {
	return s.kind.Run(ctx, s.db, s.Today(), p, id, casework.Transition[*Request]{
		Action: "fee", Step: &in.Step, From: []string{string(StateRegistered)},
		Apply: func(tx *db.Tx, r *Request, ev *casework.Event) error {
			if !r.FeeNoticeOn.IsZero() {
				return fault.Conflictf("已于%s发出收费通知", r.FeeNoticeOn)
			}
			if err := casework.NotBefore(in.On, r.ClockStart(), "答复期限起算之日"); err != nil {
				return err
			}
			var n int
			switch in.Mode {
			case FeeByCount:
				var err error
				if n, err = s.monthRank(ctx, tx, r); err != nil {
					return err
				}
			case FeeByVolume:
				if in.Pages < 1 || in.Pages > 1000000 {
					return fault.Field("pages", "请填写提供信息的页数（电子文本每1000字折合1页）")
				}
				n = in.Pages
			default:
				return fault.Field("mode", "请选择按件计收或按量计收")
			}
			amount := FeeFor(in.Mode, n)
			if amount == 0 {
				if in.Mode == FeeByCount {
					return fault.Field("mode", fmt.Sprintf("该申请人本月第%d件申请，未超过10件，按国办函〔2020〕109号不收费", n))
				}
				return fault.Field("pages", fmt.Sprintf("%d页未超过30页，按国办函〔2020〕109号不收费", n))
			}
			days, err := s.settings.Int(ctx, tx, r.OrganID, SettingFeeDays)
			if err != nil {
				return err
			}
			paused, err := s.settings.Int(ctx, tx, r.OrganID, SettingFeePauses)
			if err != nil {
				return err
			}
			r.State, r.FeeMode, r.FeeQuantity, r.FeeAmount, r.FeeNoticeOn = StateFeeWaiting, in.Mode, n, amount, in.On
			r.FeeDue, r.FeePaused = s.cal().AddWorkingDays(in.On, days), paused == 1
			unit := "件（本月第%d件）"
			if in.Mode == FeeByVolume {
				unit = "页（共%d页）"
			}
			ev.Note = fmt.Sprintf("信息处理费%d元，按"+unit+"计收；缴费期限至%s；等待缴费期间答复期限%s", amount, n, r.FeeDue, map[bool]string{true: "暂停", false: "不暂停"}[r.FeePaused])
			return nil
		},
	})
}

// FeePaid records payment; the clock runs again.
func (s *Service) FeePaid(ctx context.Context, p *auth.Principal, id string, in *casework.Step) (*Request, error) {
	return s.kind.Run(ctx, s.db, s.Today(), p, id, casework.Transition[*Request]{
		Action: "fee_paid", Step: in, From: []string{string(StateFeeWaiting)},
		Apply: func(tx *db.Tx, r *Request, ev *casework.Event) error {
			if err := casework.NotBefore(in.On, r.FeeNoticeOn, "收费通知之日"); err != nil {
				return err
			}
			r.State, r.FeePaidOn = StateRegistered, in.On
			return nil
		},
	})
}

// FeeLapsed closes a request whose fee was not paid in time: table 三 （六）2.
func (s *Service) FeeLapsed(ctx context.Context, p *auth.Principal, id string, in *casework.Step) (*Request, error) {
	return s.kind.Run(ctx, s.db, s.Today(), p, id, casework.Transition[*Request]{
		Action: "fee_lapsed", Step: in, From: []string{string(StateFeeWaiting)},
		Apply: func(tx *db.Tx, r *Request, ev *casework.Event) error {
			if !in.On.After(r.FeeDue) {
				return fault.Field("on", fmt.Sprintf("缴费期限至%s，届满后才能不再处理", r.FeeDue))
			}
			return s.close(r, ev, "other_no_fee", "", "申请人逾期未缴纳信息处理费，不再处理该申请", in.On)
		},
	})
}

// ReplyInput is the answer: its type (the row of table 三), the legal basis chosen from the type's
// list, and the text (部分公开: the redaction note).
type ReplyInput struct {
	casework.Step
	Type  ReplyType `json:"type" required:"true"`
	Basis string    `json:"basis"` // one of the type's bases; "" = the first
	Text  string    `json:"text"`
}

// Reply answers the request.
func (s *Service) Reply(ctx context.Context, p *auth.Principal, id string, in *ReplyInput) (*Request, error) {
	return s.kind.Run(ctx, s.db, s.Today(), p, id, casework.Transition[*Request]{
		Action: "reply", Step: &in.Step, From: []string{string(StateRegistered), string(StateConsulting), string(StateAmending), string(StateFeeWaiting)},
		Apply: func(tx *db.Tx, r *Request, ev *casework.Event) error {
			def, ok := Reply(in.Type)
			if !ok {
				return fault.Field("type", "请选择答复类型")
			}
			switch {
			case def.Closing():
				return fault.Field("type", "“"+def.Title()+"”在补正或缴费期限届满后用“视为放弃”“逾期未缴费”办理")
			case r.State == StateAmending && def.Type != "other":
				return s.kind.StateError(string(r.State), string(StateRegistered), string(StateConsulting))
			case r.State == StateFeeWaiting && def.Type != "other":
				return fault.Conflictf("申请人尚未缴纳信息处理费（缴费期限至%s），收到费用后再提供信息", r.FeeDue)
			case def.Type == "unable_unclear" && r.AmendReceivedOn.IsZero():
				return fault.Field("type", "“补正后申请内容仍不明确”只适用于已经补正的申请（第三十条）")
			case def.Type == "partial" && strings.TrimSpace(in.Text) == "":
				return fault.Field("text", "部分公开的，请说明不予公开部分的内容和理由（第三十七条）")
			}
			basis := in.Basis
			if basis == "" {
				basis = def.Bases[0]
			} else if !slices.Contains(def.Bases, basis) {
				return fault.Field("basis", "请从列表中选择法律依据："+strings.Join(def.Bases, "；"))
			}
			if err := casework.NotBefore(in.On, r.ClockStart(), "答复期限起算之日"); err != nil {
				return err
			}
			return s.close(r, ev, def.Type, basis, strings.TrimSpace(in.Text), in.On)
		},
	})
}

// close ends a request with a reply type on a date; on time when within the answer period.
func (s *Service) close(r *Request, ev *casework.Event, t ReplyType, basis, text string, on calendar.Date) error {
	def, _ := Reply(t)
	if basis == "" {
		basis = def.Bases[0]
	}
	due, _ := r.ReplyDue(s.cal())
	r.State, r.ReplyType, r.ReplyBasis, r.ReplyText, r.RepliedOn = StateReplied, t, basis, text, on
	r.OnTime = def.Closing() || !on.After(due)
	ev.Note = strings.TrimSpace(def.Title() + "；" + basis + " " + ev.Note)
	return nil
}

// DeliverInput records service of the reply on the applicant.
type DeliverInput struct {
	casework.Step
}

// Deliver records delivery (送达).
func (s *Service) Deliver(ctx context.Context, p *auth.Principal, id string, in *DeliverInput) (*Request, error) {
	return s.kind.Run(ctx, s.db, s.Today(), p, id, casework.Transition[*Request]{
		Action: "deliver", Step: &in.Step, From: []string{string(StateReplied)},
		Apply: func(tx *db.Tx, r *Request, ev *casework.Event) error {
			if err := casework.NotBefore(in.On, r.RepliedOn, "答复之日"); err != nil {
				return err
			}
			r.State, r.DeliveredOn, r.DeliveryNote = StateDelivered, in.On, in.Note
			return nil
		},
	})
}

// DisputeInput links the reply to a 复议 and/or a lawsuit and records their results (table 四).
type DisputeInput struct {
	casework.Step
	Reconsideration string `json:"reconsideration"` // "", upheld, corrected, other, pending
	Litigation      string `json:"litigation"`      // "", direct:<result>, after:<result>
	Ref             string `json:"ref"`             // 复议案号: fazhi's (linked to its case) or an external one
	LitigationRef   string `json:"litigation_ref"`  // 诉讼案号
}

// ReconsiderLookup finds fazhi's reconsideration case of a number that p may see ("" when none):
// set by the module when the reconsideration module is listed.
type ReconsiderLookup func(ctx context.Context, p *auth.Principal, number string) (string, error)

// Dispute records the follow-on 复议/诉讼 of a reply. A 复议案号 or 诉讼案号 of fazhi's own links
// that case: its current result then counts (table 四) and no result is entered by hand; an
// external case keeps the result entered.
func (s *Service) Dispute(ctx context.Context, p *auth.Principal, id string, in *DisputeInput) (*Request, error) {
	ref, litRef := strings.TrimSpace(in.Ref), strings.TrimSpace(in.LitigationRef)
	var caseID, litCaseID string
	if ref != "" && s.reconsider != nil && p != nil {
		var err error
		if caseID, err = s.reconsider(ctx, p, ref); err != nil {
			return nil, err
		}
	}
	if litRef != "" && s.litigation != nil && p != nil {
		var err error
		if litCaseID, err = s.litigation(ctx, p, litRef); err != nil {
			return nil, err
		}
	}
	return s.kind.Run(ctx, s.db, s.Today(), p, id, casework.Transition[*Request]{
		Action: "dispute", Step: &in.Step, From: []string{string(StateReplied), string(StateDelivered)},
		Apply: func(tx *db.Tx, r *Request, ev *casework.Event) error {
			recon, lit := in.Reconsideration, ParseLitigation(in.Litigation)
			if caseID == "" && !validResult(recon) {
				return fault.Field("reconsideration", "复议结果应为 无、维持、纠正、其他、未审结 之一")
			}
			if litCaseID == "" && in.Litigation != "" && (!validResult(lit.Result) || lit.Result == "" || !strings.HasPrefix(in.Litigation, map[bool]string{true: "after:", false: "direct:"}[lit.AfterReconsideration])) {
				return fault.Field("litigation", "诉讼应为 直接起诉 或 复议后起诉，及其结果")
			}
			rm, lm, err := s.linkedResults(ctx, tx, nonEmpty(caseID), nonEmpty(litCaseID))
			if err != nil {
				return err
			}
			if caseID != "" {
				recon = rm[caseID]
			}
			if litCaseID != "" {
				lit = lm[litCaseID]
			} else if err := disputeConsistent(recon, lit); err != "" {
				return fault.Field("litigation", err)
			}
			if ref != "" && recon == DisputeNone {
				return fault.Field("reconsideration", "填写了外部复议案号的，请选择复议结果（尚未审结的选“未审结”）")
			}
			if litRef != "" && lit.Result == "" {
				return fault.Field("litigation", "填写了外部诉讼案号的，请选择诉讼情况（尚未审结的选“未审结”）")
			}
			if utf8.RuneCountInString(ref) > 100 || utf8.RuneCountInString(litRef) > 100 {
				return fault.Field("ref", "案号不能超过100字")
			}
			r.Reconsideration, r.Litigation, r.DisputeRef, r.ReconsiderCaseID, r.LitigationRef, r.LitigationCaseID = recon, lit, ref, caseID, litRef, litCaseID
			ev.Note = "复议：" + DisputeLabel(r.Reconsideration) + "；诉讼：" + lit.Label()
			if ref != "" {
				ev.Note += "；复议案号 " + ref + map[bool]string{true: "（本系统案件，结果随案件更新）", false: "（外部）"}[caseID != ""]
			}
			if litRef != "" {
				ev.Note += "；诉讼案号 " + litRef + map[bool]string{true: "（本系统案件，结果随案件更新）", false: "（外部）"}[litCaseID != ""]
			}
			return nil
		},
	})
}

func nonEmpty(id string) []string {
	if id == "" {
		return nil
	}
	return []string{id}
}

func validResult(v string) bool {
	return v == DisputeNone || v == DisputeUpheld || v == DisputeCorrected || v == DisputeOther || v == DisputePending
}

// disputeConsistent: a suit after reconsideration needs a concluded reconsideration; a direct suit none.
func disputeConsistent(recon string, lit Litigation) string {
	switch {
	case lit.Result == "":
		return ""
	case lit.AfterReconsideration && (recon == DisputeNone || recon == DisputePending):
		return "复议后起诉的，复议应已审结（维持、纠正或其他）"
	case !lit.AfterReconsideration && recon != DisputeNone:
		return "已申请复议的，诉讼应为复议后起诉"
	}
	return ""
}
