package reconsider

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
)

// Step is the common input of a transition: the legal date, a note and the version the user saw.
// An alias, so the module's inputs and tests keep their short name.
type Step = casework.Step

// RequestAmendment sends the one-time 补正通知 listing everything missing (Art. 31 para 1).
func (s *Service) RequestAmendment(ctx context.Context, p *auth.Principal, id string, st Step, items string) (*Case, error) {
	items = strings.TrimSpace(items)
	if items == "" {
		return nil, fault.Field("items", "请一次性列明需要补正的全部事项")
	}
	return s.run(ctx, p, id, casework.Transition[*Case]{Action: "request_amendment", Step: &st, From: from(StateReceived),
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			if limit := s.cal().AddWorkingDays(c.AcceptStart, RuleAmendNotice.Length); st.On.After(limit) {
				return fault.Field("on", fmt.Sprintf("补正通知应当自收到申请之日起五个工作日内发出（%s），期限已于 %s 届满", RuleAmendNotice.Basis, limit))
			}
			c.State, c.AmendNoticeOn, c.AmendItems = StateAmending, st.On, items
			c.AmendServedOn, c.AmendExtraDays = calendar.Date{}, 0 // a new notice is served and extended afresh
			return nil
		}})
}

// ReceiveAmendment records the completed materials; the acceptance review starts again (Art. 31 para 3).
func (s *Service) ReceiveAmendment(ctx context.Context, p *auth.Principal, id string, st Step) (*Case, error) {
	return s.run(ctx, p, id, casework.Transition[*Case]{Action: "receive_amendment", Step: &st, From: from(StateAmending),
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			if err := casework.NotBefore(st.On, c.AmendNoticeOn, "补正通知日期"); err != nil {
				return err
			}
			c.State, c.AcceptStart = StateReceived, st.On
			return nil
		}})
}

// ExtendAmendmentInput extends the 补正 period for a proper reason (Art. 31 para 2).
type ExtendAmendmentInput struct {
	Step
	Days int `json:"days"` // working days added to the period
}

// ExtendAmendment applies Art. 31 para 2: “有正当理由不能按期补正的，行政复议机关可以延长合理的补正期限。”
func (s *Service) ExtendAmendment(ctx context.Context, p *auth.Principal, id string, in ExtendAmendmentInput) (*Case, error) {
	if in.Days < 1 || in.Days > 60 {
		return nil, fault.Field("days", "请填写延长的工作日数（1至60）")
	}
	if strings.TrimSpace(in.Note) == "" {
		return nil, fault.Field("note", "请写明申请人不能按期补正的正当理由（第三十一条第二款）")
	}
	in.Note = fmt.Sprintf("补正期限延长%d个工作日；理由：%s", in.Days, strings.TrimSpace(in.Note))
	return s.run(ctx, p, id, casework.Transition[*Case]{Action: "extend_amendment", Step: &in.Step, From: from(StateAmending),
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			if err := casework.NotBefore(in.On, c.AmendNoticeOn, "补正通知日期"); err != nil {
				return err
			}
			c.AmendExtraDays += in.Days
			return nil
		}})
}

// AmendmentLapsed closes an application whose applicant did not amend in time without good reason (Art. 31 para 2).
func (s *Service) AmendmentLapsed(ctx context.Context, p *auth.Principal, id string, st Step) (*Case, error) {
	return s.run(ctx, p, id, casework.Transition[*Case]{Action: "amendment_lapsed", Step: &st, From: from(StateAmending),
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			// “申请人应当自收到补正通知之日起十日内提交补正材料” (Art. 31 para 2): without the date of receipt the
			// period's end is only an estimate, and nobody can be found to have let it lapse.
			if c.AmendProvisional() {
				return fault.Conflictf("补正通知尚未记录送达（待送达，补正期限按发出日估算为 %s），不能认定逾期未补正；请先记录申请人收到补正通知的日期", c.Due.Amend)
			}
			if !st.On.After(c.Due.Amend) {
				return fault.Field("on", fmt.Sprintf("补正期限至 %s 届满，届满之后才能认定逾期未补正", c.Due.Amend))
			}
			c.State, c.ClosedOn, c.CloseReason = StateOther, st.On, "无正当理由逾期不补正，视为放弃行政复议申请"
			return nil
		}})
}

// SimplifiedGrounds are the conditions of Art. 53 (index+1 = the item; 5 = all parties agree).
var SimplifiedGrounds = []string{
	"被申请行政复议的行政行为是当场作出",
	"被申请行政复议的行政行为是警告或者通报批评",
	"案件涉及款额三千元以下",
	"属于政府信息公开案件",
	"当事人各方同意适用简易程序",
}

// AcceptInput is the acceptance decision.
type AcceptInput struct {
	Step
	Procedure        Procedure `json:"procedure" required:"true"`
	SimplifiedGround int       `json:"simplified_ground"`
	HandlerID        string    `json:"handler_id"`
}

// Accept accepts the application (Art. 30) and gives the case its number. Accepting after the
// review period has run out records the statutory deemed acceptance on the day it ran out.
func (s *Service) Accept(ctx context.Context, p *auth.Principal, id string, in AcceptInput) (*Case, error) {
	return s.run(ctx, p, id, casework.Transition[*Case]{Action: "accept", Step: &in.Step, From: from(StateReceived),
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			if err := s.checkProcedure(c, in.Procedure, in.SimplifiedGround); err != nil {
				return err
			}
			if err := casework.NotBefore(in.On, c.AcceptStart, "受理审查起算日"); err != nil {
				return err
			}
			c.Procedure = in.Procedure
			c.AcceptedOn = in.On
			if due := c.Due.Accept; !due.IsZero() && in.On.After(due) {
				c.AcceptedOn, c.Deemed = due, true
			}
			if in.HandlerID != "" {
				if err := s.setHandler(ctx, c, in.HandlerID); err != nil {
					return err
				}
			}
			return s.accept(ctx, tx, c)
		}})
}

func (s *Service) checkProcedure(c *Case, proc Procedure, ground int) error {
	switch proc {
	case Ordinary:
		return nil
	case Simplified:
		switch ground {
		case 1, 2, 5:
			return nil
		case 3:
			if c.Amount > 3000 {
				return fault.Field("simplified_ground", fmt.Sprintf("涉案金额 %.2f 元超过三千元，不符合第五十三条第一款第三项", c.Amount))
			}
			return nil
		case 4:
			if c.ActType != "政府信息公开" {
				return fault.Field("simplified_ground", "该案行政行为类别不是政府信息公开，不符合第五十三条第一款第四项")
			}
			return nil
		}
		return fault.Field("simplified_ground", "适用简易程序须选择第五十三条规定的情形")
	}
	return fault.Field("procedure", "请选择普通程序或简易程序")
}

// accept gives the case number and moves it into review.
func (s *Service) accept(ctx context.Context, tx *db.Tx, c *Case) error {
	o, _ := s.org.Organ(c.OrganID)
	n, err := db.NextNumber(ctx, tx, c.OrganID, "reconsider.case", c.AcceptedOn.Year)
	if err != nil {
		return err
	}
	c.Number = fmt.Sprintf("%s复〔%d〕%d号", o.DocPrefix, c.AcceptedOn.Year, n)
	c.State = StateInReview
	return nil
}

func (s *Service) setHandler(ctx context.Context, c *Case, userID string) error {
	staff, err := s.auth.UsersWithRole(ctx, c.OrganID, auth.RoleReconsider)
	if err != nil {
		return err
	}
	for _, u := range staff {
		if u.ID == userID {
			c.HandlerID, c.HandlerName = u.ID, u.Name
			return nil
		}
	}
	return fault.Field("handler_id", "承办人须为本复议机关的复议工作人员")
}

// DeemAccepted accepts every application whose review period ran out without a refusal
// (Art. 30 para 3): it is deemed accepted on the day the period ended. Run by the scheduler.
func (s *Service) DeemAccepted(ctx context.Context) (int, error) {
	today := s.Today()
	rows, err := s.db.QueryContext(ctx, `SELECT id FROM reconsider_cases WHERE state = 'received' AND due_accept <> '' AND due_accept < ?`, today.String())
	if err != nil {
		return 0, err
	}
	var ids []string
	for rows.Next() {
		var id string
		rows.Scan(&id)
		ids = append(ids, id)
	}
	rows.Close()
	system := &auth.Principal{UserID: "", Name: "系统", Scope: auth.ScopeAll, Roles: []auth.Role{auth.RoleReconsider}}
	n := 0
	for _, id := range ids {
		st := Step{On: today, Note: "审查期限届满未作出不予受理决定，依法视为受理"}
		_, err := s.cases.Run(ctx, s.db, today, system, id, casework.Transition[*Case]{Action: "deem_accept", Step: &st, Allow: s.mayEdit,
			Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
				if c.State != StateReceived { // another instance got there first
					return errSkip
				}
				c.AcceptedOn, c.Deemed, c.Procedure = c.Due.Accept, true, Ordinary
				return s.accept(ctx, tx, c)
			}})
		if errors.Is(err, errSkip) {
			continue
		}
		if err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

var errSkip = errors.New("skip")

// RejectInput is a 不予受理 decision (Art. 30 para 2).
type RejectInput struct {
	Step
	Ground    string `json:"ground" required:"true"` // which condition of Art. 30 para 1 is not met
	Competent string `json:"competent"`              // the competent organ, when jurisdiction is the reason
	// 复议前置: a law or administrative regulation requires reconsideration before a lawsuit (Art. 34).
	Prerequisite bool `json:"prerequisite"`
}

// prerequisiteMark ends the 不予受理 reason of a case where reconsideration comes first (Art. 34).
const prerequisiteMark = "；法律、行政法规规定应当先申请行政复议"

// Reject refuses the application within the review period.
func (s *Service) Reject(ctx context.Context, p *auth.Principal, id string, in RejectInput) (*Case, error) {
	in.Ground = strings.TrimSpace(in.Ground)
	if in.Ground == "" {
		return nil, fault.Field("ground", "请写明不予受理的理由（不符合第三十条第一款哪一项）")
	}
	return s.run(ctx, p, id, casework.Transition[*Case]{Action: "reject", Step: &in.Step, From: from(StateReceived),
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			if in.On.After(c.Due.Accept) {
				return fault.Field("on", fmt.Sprintf("审查期限已于 %s 届满，依法视为受理，不能再决定不予受理；受理后发现不符合受理条件的，应决定驳回申请（第三十三条）", c.Due.Accept))
			}
			reason := in.Ground
			if c := strings.TrimSpace(in.Competent); c != "" {
				reason += "；有管辖权的行政复议机关：" + c
			}
			if in.Prerequisite {
				reason += prerequisiteMark
			}
			c.State, c.ClosedOn, c.CloseReason = StateNotAccepted, in.On, reason
			return nil
		}})
}

// OtherInput closes an application without acceptance: 告知, 转送 or withdrawal before acceptance.
type OtherInput struct {
	Step
	Kind   string `json:"kind" required:"true"` // inform / transfer / withdraw
	Target string `json:"target"`               // the organ told of or transferred to
}

// CloseOther records 告知, 转送 or an applicant's withdrawal before acceptance.
func (s *Service) CloseOther(ctx context.Context, p *auth.Principal, id string, in OtherInput) (*Case, error) {
	in.Target = strings.TrimSpace(in.Target)
	var reason string
	switch in.Kind {
	case "inform":
		if in.Target == "" {
			return nil, fault.Field("target", "请写明告知申请人向哪一机关申请")
		}
		reason = "告知申请人向" + in.Target + "申请"
	case "transfer":
		if in.Target == "" {
			return nil, fault.Field("target", "请写明转送的机关")
		}
		reason = "转送" + in.Target
	case "withdraw":
		reason = "申请人在受理前撤回申请"
	default:
		return nil, fault.Field("kind", "请选择处理方式：告知、转送或撤回")
	}
	allowed := from(StateReceived)
	if in.Kind == "withdraw" {
		allowed = from(StateReceived, StateAmending)
	}
	return s.run(ctx, p, id, casework.Transition[*Case]{Action: in.Kind, Step: &in.Step, From: allowed,
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			c.State, c.ClosedOn, c.CloseReason = StateOther, in.On, reason
			return nil
		}})
}

// ConvertInput switches a simplified case to the ordinary procedure (Art. 55), with the approval recorded.
type ConvertInput struct {
	Step
	Approver string `json:"approver" required:"true"`
}

// Convert applies Art. 55.
func (s *Service) Convert(ctx context.Context, p *auth.Principal, id string, in ConvertInput) (*Case, error) {
	if strings.TrimSpace(in.Approver) == "" {
		return nil, fault.Field("approver", "转为普通程序须经行政复议机构负责人批准，请填写批准人")
	}
	if in.Note == "" {
		return nil, fault.Field("note", "请写明转为普通程序的理由")
	}
	in.Note = "批准人：" + strings.TrimSpace(in.Approver) + "；理由：" + in.Note
	return s.run(ctx, p, id, casework.Transition[*Case]{Action: "convert", Step: &in.Step, From: from(StateInReview, StateSuspended),
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			if c.Procedure != Simplified {
				return fault.Conflictf("该案已适用普通程序")
			}
			c.Procedure = Ordinary
			return nil
		}})
}

// AssignHandler changes the 承办人.
func (s *Service) AssignHandler(ctx context.Context, p *auth.Principal, id string, st Step, userID string) (*Case, error) {
	return s.run(ctx, p, id, casework.Transition[*Case]{Action: "assign", Step: &st,
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			if !c.State.Open() {
				return fault.Conflictf("案件已办结，不能更换承办人")
			}
			return s.setHandler(ctx, c, userID)
		}})
}

// SendCopy records that the application copy went to the respondent (Arts. 48, 54); the reply clock starts.
func (s *Service) SendCopy(ctx context.Context, p *auth.Principal, id string, st Step) (*Case, error) {
	return s.run(ctx, p, id, casework.Transition[*Case]{Action: "send_copy", Step: &st, From: from(StateInReview, StateSuspended),
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			if !c.CopySentOn.IsZero() {
				return fault.Conflictf("申请书副本已于 %s 发送", c.CopySentOn)
			}
			if err := casework.NotBefore(st.On, c.AcceptedOn, "受理日期"); err != nil {
				return err
			}
			c.CopySentOn = st.On
			return nil
		}})
}

// ReplyInput is the respondent's written reply (答复).
type ReplyInput struct {
	Step
	Text string `json:"text" required:"true"`
}

// FileReply records the respondent's reply and evidence, filed by its liaison (or by staff for a paper reply).
func (s *Service) FileReply(ctx context.Context, p *auth.Principal, id string, in ReplyInput) (*Case, error) {
	in.Text = strings.TrimSpace(in.Text)
	if in.Text == "" {
		return nil, fault.Field("text", "请填写书面答复的内容（证据、依据请作为附件上传）")
	}
	return s.run(ctx, p, id, casework.Transition[*Case]{Action: "reply", Step: &in.Step, From: from(StateInReview, StateSuspended), Allow: s.mayReply,
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			if c.CopySentOn.IsZero() {
				return fault.Conflictf("尚未向被申请人发送申请书副本，不能提交答复")
			}
			if !c.ReplyOn.IsZero() {
				return fault.Conflictf("被申请人已于 %s 提交答复", c.ReplyOn)
			}
			if err := casework.NotBefore(in.On, c.CopySentOn, "发送副本日期"); err != nil {
				return err
			}
			// Late only against a period counted from a recorded receipt (Art. 48); a provisional date never
			// makes a reply late — recording the receipt later judges it then.
			c.ReplyOn, c.ReplyLate = in.On, !c.ReplyProvisional() && in.On.After(c.ReplyDue(s.cal()))
			return tx.Exec(ctx, `UPDATE reconsider_cases SET reply_text = ? WHERE id = ?`, in.Text, c.ID)
		}})
}

// SuspendInput is a 中止 with its ground (Art. 39).
type SuspendInput struct {
	Step
	Ground int `json:"ground" required:"true"`
	// Ground 6 (调解、和解) needs both parties' consent, recorded: “申请人和被申请人同意中止”.
	ApplicantConsent  bool `json:"applicant_consent"`
	RespondentConsent bool `json:"respondent_consent"`
}

// Suspend stops the decision clock.
func (s *Service) Suspend(ctx context.Context, p *auth.Principal, id string, in SuspendInput) (*Case, error) {
	if in.Ground < 1 || in.Ground > len(SuspendGrounds) {
		return nil, fault.Field("ground", "请选择第三十九条规定的中止情形")
	}
	if in.Ground == 10 && strings.TrimSpace(in.Note) == "" {
		return nil, fault.Field("note", "“其他情形”须写明中止理由")
	}
	if in.Ground == 6 {
		if !in.ApplicantConsent || !in.RespondentConsent {
			return nil, fault.Field("ground", "因调解、和解中止的，须申请人和被申请人均同意中止（第三十九条第一款第六项），请记录双方的同意")
		}
		in.Note = strings.TrimSpace("申请人、被申请人均同意中止。" + in.Note)
	}
	return s.run(ctx, p, id, casework.Transition[*Case]{Action: "suspend", Step: &in.Step, From: from(StateInReview),
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			if err := casework.NotBefore(in.On, c.AcceptedOn, "受理日期"); err != nil {
				return err
			}
			if !c.Due.Decision.IsZero() && in.On.After(c.Due.Decision) {
				return fault.Field("on", fmt.Sprintf("决定期限已于 %s 届满，不能再中止", c.Due.Decision))
			}
			c.State = StateSuspended
			return tx.Exec(ctx, `INSERT INTO reconsider_pauses (id, case_id, from_on, ground, reason) VALUES (?, ?, ?, ?, ?)`, db.NewID(), c.ID, in.On.String(), in.Ground, in.Note)
		}})
}

// Resume restarts the clock the day after resumption.
func (s *Service) Resume(ctx context.Context, p *auth.Principal, id string, st Step) (*Case, error) {
	return s.run(ctx, p, id, casework.Transition[*Case]{Action: "resume", Step: &st, From: from(StateSuspended),
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			return s.closePause(ctx, tx, c, st.On)
		}})
}

func (s *Service) closePause(ctx context.Context, tx *db.Tx, c *Case, on calendar.Date) error {
	pauses, err := listPauses(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	for _, pz := range pauses {
		if pz.To.IsZero() {
			if on.Before(pz.From) {
				return fault.Field("on", fmt.Sprintf("恢复日期不能早于中止日期 %s", pz.From))
			}
			c.State = StateInReview
			return tx.Exec(ctx, `UPDATE reconsider_pauses SET to_on = ? WHERE id = ?`, on.String(), pz.ID)
		}
	}
	c.State = StateInReview
	return nil
}
