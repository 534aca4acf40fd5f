package reconsider

import (
	"context"
	"fmt"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
)

// ExtendInput is the extension of the decision period (Art. 62 para 1).
type ExtendInput struct {
	Step
	Days     int    `json:"days"`
	Approver string `json:"approver" required:"true"`
}

// Extend adds up to 30 days in total, approved by the head of the 复议机构, before the period runs out.
func (s *Service) Extend(ctx context.Context, p *auth.Principal, id string, in ExtendInput) (*Case, error) {
	if strings.TrimSpace(in.Approver) == "" {
		return nil, fault.Field("approver", "延长期限须经行政复议机构负责人批准，请填写批准人")
	}
	if in.Note == "" {
		return nil, fault.Field("note", "请写明情况复杂、需要延长的理由")
	}
	in.Note = fmt.Sprintf("延长%d日；批准人：%s；理由：%s", in.Days, strings.TrimSpace(in.Approver), in.Note)
	return s.run(ctx, p, id, casework.Transition[*Case]{Action: "extend", Step: &in.Step, From: from(StateInReview, StateSuspended),
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			if c.Procedure == Simplified {
				return fault.Conflictf("简易程序案件不能延长审理期限；情况复杂的，可经批准转为普通程序（第五十五条）")
			}
			if in.Days < 1 || c.Extension+in.Days > RuleDecision.MaxExtension {
				return fault.Field("days", fmt.Sprintf("延长期限最多不得超过三十日（已延长%d日）", c.Extension))
			}
			if !c.Due.Decision.IsZero() && in.On.After(c.Due.Decision) {
				return fault.Field("on", fmt.Sprintf("决定期限已于 %s 届满，不能再延长", c.Due.Decision))
			}
			c.Extension += in.Days
			return nil
		}})
}

// DecideInput is a 行政复议决定.
type DecideInput struct {
	Step
	Outcome        Outcome `json:"outcome" required:"true"`
	PerformanceDue string  `json:"performance_due"` // the time limit set for the respondent (re-make, perform), if any
	NoReply        bool    `json:"no_reply"`        // decided under Art. 70 because the respondent did not reply
	// Art. 72: a compensation claim made with the application is decided with the decision.
	CompensationClaimed bool         `json:"compensation_claimed"`
	Compensation        Compensation `json:"compensation"`
	// Art. 49: the reason the parties' views could not be heard, when none were heard (ordinary procedure).
	WrittenReview string `json:"written_review"`
}

// checkCompensation applies Art. 72 to the decision's outcome.
func checkCompensation(in DecideInput) error {
	switch in.Compensation {
	case CompensationNone:
		if in.CompensationClaimed {
			return fault.Field("compensation", "申请人一并提出行政赔偿请求的，应当在作出行政复议决定时同时决定给予赔偿或者驳回行政赔偿请求（第七十二条第一款）")
		}
	case CompensationAward:
		if !in.CompensationClaimed {
			return fault.Field("compensation", "申请人未提出行政赔偿请求的，不能决定给予赔偿；可依第七十二条第二款责令返还财产或者赔偿相应的价款")
		}
		switch in.Outcome {
		case Revoke, PartialRevoke, Vary, DeclareUnlawful, DeclareVoid:
		default:
			return fault.Field("compensation", "给予赔偿应当在决定撤销、部分撤销、变更行政行为或者确认行政行为违法、无效时同时决定（第七十二条第一款）")
		}
	case CompensationDismiss:
		if !in.CompensationClaimed {
			return fault.Field("compensation", "申请人未提出行政赔偿请求，无需驳回")
		}
	case CompensationReturn:
		if in.CompensationClaimed {
			return fault.Field("compensation", "申请人已提出行政赔偿请求的，应当决定给予赔偿或者驳回行政赔偿请求（第七十二条第一款）")
		}
		switch in.Outcome {
		case Revoke, PartialRevoke, Vary:
		default:
			return fault.Field("compensation", "责令返还财产或者解除查封、扣押、冻结，应当在决定撤销、部分撤销或者变更相关行政行为时同时决定（第七十二条第二款）")
		}
	default:
		return fault.Field("compensation", "赔偿决定无效：应为给予赔偿、驳回行政赔偿请求或责令返还财产")
	}
	return nil
}

// Decide concludes the case with a decision of Arts. 63–69, 70 or 33.
func (s *Service) Decide(ctx context.Context, p *auth.Principal, id string, in DecideInput) (*Case, error) {
	if !in.Outcome.Decision() {
		return nil, fault.Field("outcome", "请选择复议决定类型")
	}
	if in.NoReply {
		switch in.Outcome {
		case Revoke, PartialRevoke, DeclareUnlawful, DeclareVoid, OrderPerformance:
		default:
			return nil, fault.Field("outcome", "被申请人不答复的，依第七十条应决定撤销、部分撤销、确认违法、确认无效或者责令履行")
		}
	}
	if err := checkCompensation(in); err != nil {
		return nil, err
	}
	in.WrittenReview = strings.TrimSpace(in.WrittenReview)
	var perf calendar.Date
	if strings.TrimSpace(in.PerformanceDue) != "" {
		d, err := calendar.ParseDate(strings.TrimSpace(in.PerformanceDue))
		if err != nil {
			return nil, fault.Field("performance_due", "履行期限的"+calendar.FormatHint)
		}
		perf = d
	}
	return s.run(ctx, p, id, casework.Transition[*Case]{Action: "decide", Step: &in.Step,
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			if c.State == StateSuspended {
				return fault.Conflictf("案件中止期间不能作出决定，请先恢复审理")
			}
			if err := s.cases.InState(string(c.State), string(StateInReview)); err != nil {
				return err
			}
			if err := in.Outcome.Allowed(c.ActType); err != nil {
				return fault.Field("outcome", err.Error())
			}
			if err := s.checkViewsHeard(ctx, tx, c, in.On, in.WrittenReview); err != nil {
				return err
			}
			if in.NoReply {
				if err := s.checkNoReply(c, in.On); err != nil {
					return err
				}
			}
			if err := casework.NotBefore(in.On, c.AcceptedOn, "受理日期"); err != nil {
				return err
			}
			if !perf.IsZero() && perf.Before(in.On) {
				return fault.Field("performance_due", "履行期限不能早于决定日期")
			}
			if err := s.conclude(ctx, tx, c, in.On, in.Outcome); err != nil {
				return err
			}
			c.PerformanceDue, c.Compensation = perf, in.Compensation
			if in.NoReply {
				c.CloseReason = "被申请人未依法提出书面答复、提交证据依据（第七十条）"
			}
			return nil
		}})
}

// checkViewsHeard applies Art. 49 before an ordinary-procedure decision: “适用普通程序审理的行政复议案件，
// 行政复议机构应当当面或者通过互联网、电话等方式听取当事人的意见，并将听取的意见记录在案。因当事人原因不能听取意见的，
// 可以书面审理。” Views count when heard (in person, online or by phone; a 听证 hears them too) by the
// decision date; otherwise the reason on the party's side must be recorded.
func (s *Service) checkViewsHeard(ctx context.Context, tx *db.Tx, c *Case, on calendar.Date, reason string) error {
	if c.Procedure != Ordinary {
		return nil
	}
	hs, err := listHearings(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	for _, h := range hs {
		if (h.Kind == HearingViews || h.Kind == HearingFormal) && h.Mode != "written" && !h.HeldOn.After(on) {
			return nil
		}
	}
	if reason != "" {
		c.WrittenReview = reason
	}
	if c.WrittenReview == "" {
		return fault.Field("written_review", "适用普通程序审理的案件，应当当面或者通过互联网、电话等方式听取当事人的意见并记录在案（第四十九条），本案尚未记录听取意见；因当事人原因不能听取意见的，请写明原因，书面审理")
	}
	return nil
}

// checkNoReply: Art. 70 applies to a respondent that “不按照本法第四十八条、第五十四条的规定提出书面答复”,
// and those periods run from its receipt of the copy; without a recorded receipt the consequence is never offered.
func (s *Service) checkNoReply(c *Case, on calendar.Date) error {
	if c.CopySentOn.IsZero() {
		return fault.Field("no_reply", "尚未向被申请人发送申请书副本，不适用第七十条")
	}
	if c.ReplyProvisional() {
		return fault.Field("no_reply", "申请书副本尚未记录送达被申请人（答复期限待送达，按发出日估算），不能认定被申请人逾期未答复，不适用第七十条")
	}
	due := c.ReplyDue(s.cal())
	if !c.ReplyOn.IsZero() && !c.ReplyOn.After(due) {
		return fault.Field("no_reply", "被申请人已按期答复，不适用第七十条")
	}
	if c.ReplyOn.IsZero() && !on.After(due) {
		return fault.Field("no_reply", fmt.Sprintf("答复期限至 %s 届满，届满前不适用第七十条", due))
	}
	return nil
}

// conclude closes the case and freezes its decision due date, computed with every suspension
// closed (a case mediated or terminated while suspended has no live due date to copy).
func (s *Service) conclude(ctx context.Context, tx *db.Tx, c *Case, on calendar.Date, o Outcome) error {
	pauses, err := listPauses(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	due, ok, err := DecisionDue(s.cal(), c.DecisionRule(), c.AcceptedOn, toPauses(pauses), c.Extension)
	if err != nil {
		return err
	}
	if ok {
		c.DecisionDue = due
	}
	c.State, c.ClosedOn, c.Outcome = StateConcluded, on, o
	return nil
}

// MediateInput records a 调解书 that took effect (Art. 73).
type MediateInput struct {
	Step
	Agreement      string `json:"agreement" required:"true"`
	PerformanceDue string `json:"performance_due"`
}

// Mediate concludes the case by mediation.
func (s *Service) Mediate(ctx context.Context, p *auth.Principal, id string, in MediateInput) (*Case, error) {
	in.Agreement = strings.TrimSpace(in.Agreement)
	if in.Agreement == "" {
		return nil, fault.Field("agreement", "请填写调解协议的内容")
	}
	// The agreement is the record the 调解书 quotes; a clerk's remark follows it.
	if in.Note != "" {
		in.Note = in.Agreement + "\n（备注：" + in.Note + "）"
	} else {
		in.Note = in.Agreement
	}
	var perf calendar.Date
	if v := strings.TrimSpace(in.PerformanceDue); v != "" {
		d, err := calendar.ParseDate(v)
		if err != nil {
			return nil, fault.Field("performance_due", "履行期限的"+calendar.FormatHint)
		}
		perf = d
	}
	return s.run(ctx, p, id, casework.Transition[*Case]{Action: "mediate", Step: &in.Step, From: from(StateInReview, StateSuspended),
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			if c.State == StateSuspended {
				if err := s.closePause(ctx, tx, c, in.On); err != nil {
					return err
				}
			}
			if err := s.conclude(ctx, tx, c, in.On, Mediation); err != nil {
				return err
			}
			c.PerformanceDue, c.Corrected = perf, true
			return nil
		}})
}

// TerminateInput is a 终止 with its ground (Art. 41).
type TerminateInput struct {
	Step
	Ground    int  `json:"ground" required:"true"`
	Settled   bool `json:"settled"`   // withdrawal after a settlement (和解, Art. 74)
	Corrected bool `json:"corrected"` // the respondent changed its act before the withdrawal (with or without 和解): an indirect correction
}

// Terminate ends the case without a decision.
func (s *Service) Terminate(ctx context.Context, p *auth.Principal, id string, in TerminateInput) (*Case, error) {
	if in.Ground < 1 || in.Ground > len(TerminateGrounds) {
		return nil, fault.Field("ground", "请选择第四十一条规定的终止情形")
	}
	if in.Settled && in.Ground != 1 {
		return nil, fault.Field("settled", "和解后终止的，应为申请人撤回申请（第四十一条第一项）")
	}
	// A correction by the respondent counts (综合纠错率) only as the reason of a withdrawal.
	if in.Corrected && in.Ground != 1 {
		return nil, fault.Field("corrected", "被申请人改变行政行为后终止的，应为申请人撤回申请（第四十一条第一项）")
	}
	return s.run(ctx, p, id, casework.Transition[*Case]{Action: "terminate", Step: &in.Step, From: from(StateInReview, StateSuspended),
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			if in.Ground == 5 {
				if err := s.checkLongSuspension(ctx, tx, c, in.On); err != nil {
					return err
				}
			}
			if c.State == StateSuspended {
				if err := s.closePause(ctx, tx, c, in.On); err != nil {
					return err
				}
			}
			if err := s.conclude(ctx, tx, c, in.On, Terminate); err != nil {
				return err
			}
			c.CloseReason = TerminateGrounds[in.Ground-1]
			c.Settled, c.Corrected = in.Settled, in.Corrected
			return nil
		}})
}

// checkLongSuspension: Art. 41(5) needs a suspension under Art. 39(1)(2)(4) that has lasted 60 days.
func (s *Service) checkLongSuspension(ctx context.Context, tx *db.Tx, c *Case, on calendar.Date) error {
	if c.State != StateSuspended {
		return fault.Field("ground", "第四十一条第五项只适用于中止中的案件")
	}
	pauses, err := listPauses(ctx, tx, c.ID)
	if err != nil {
		return err
	}
	for _, pz := range pauses {
		if pz.To.IsZero() {
			if pz.Ground != 1 && pz.Ground != 2 && pz.Ground != 4 {
				return fault.Field("ground", "第四十一条第五项只适用于依第三十九条第一款第一项、第二项、第四项中止的案件")
			}
			if pz.From.DaysUntil(on) < 60 {
				return fault.Field("ground", fmt.Sprintf("中止自 %s 起未满六十日", pz.From))
			}
			return nil
		}
	}
	return fault.Field("ground", "未找到进行中的中止")
}

// RecordPerformance records that the respondent carried out the decision or 调解书 (Art. 77).
func (s *Service) RecordPerformance(ctx context.Context, p *auth.Principal, id string, st Step) (*Case, error) {
	return s.run(ctx, p, id, casework.Transition[*Case]{Action: "performed", Step: &st, From: from(StateConcluded),
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			if !c.Outcome.NeedsPerformance() {
				return fault.Conflictf("该结案方式无需跟踪履行")
			}
			if !c.PerformedOn.IsZero() {
				return fault.Conflictf("已于 %s 记录履行", c.PerformedOn)
			}
			if err := casework.NotBefore(st.On, c.ClosedOn, "结案日期"); err != nil {
				return err
			}
			c.PerformedOn = st.On
			return nil
		}})
}
