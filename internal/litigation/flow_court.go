package litigation

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

// HearingInput is the court's 出庭通知: the hearing date and whether a 负责人 must appear.
type HearingInput struct {
	casework.Step
	HeldOn    string `json:"held_on" required:"true"`
	Mandatory bool   `json:"mandatory"`
}

// ScheduleHearing records the court's notice of a hearing (served on p's date, ≥ 3 days before, 出庭规定第五条).
func (m *Module) ScheduleHearing(ctx context.Context, p *auth.Principal, id string, in HearingInput) (*Case, error) {
	return m.kind.Run(ctx, m.d.DB, m.Today(), p, id, casework.Transition[*Case]{
		Action: "hearing", Step: &in.Step, From: []string{string(StateAssigned), string(StateAnswered), string(StateHearing)}, Allow: m.allowCourt,
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			on, err := calendar.ParseDate(strings.TrimSpace(in.HeldOn))
			if err != nil {
				return fault.Field("held_on", calendar.FormatHint)
			}
			if HearingNoticeLate(in.On, on) {
				return fault.Field("held_on", fmt.Sprintf("出庭通知书应当在开庭三日前送达（%s第五条第二款），开庭日期不能早于 %s", lawLeader, in.On.AddDays(3)))
			}
			h := &Hearing{CaseID: c.ID, HeldOn: on, NoticeOn: in.On, Mandatory: in.Mandatory}
			ev.Note = "开庭日期 " + on.String()
			if err := insertHearing(ctx, tx, h); err != nil {
				return err
			}
			c.Hearings = append(c.Hearings, *h)
			return nil
		},
	})
}

// Delegate is a staff member or lawyer sent to court.
type Delegate struct {
	Name   string `json:"name" required:"true"`
	Lawyer bool   `json:"lawyer"`
}

// AppearanceInput is who appeared for the defendant at a hearing.
type AppearanceInput struct {
	casework.Step
	HearingID   string     `json:"hearing_id" required:"true"`
	Appeared    bool       `json:"leader_appeared"`
	LeaderName  string     `json:"leader_name"`
	LeaderTitle string     `json:"leader_title"`
	Absence     string     `json:"absence_reason"`
	Delegates   []Delegate `json:"delegates"`
}

// RecordAppearance records the hearing held and who appeared: a 负责人 (正职/副职/分管, 出庭规定第二条), or
// the Art. 8 reason with the delegated staff — never lawyers only (解释第一百二十八条). It flags the
// Art. 12 situations that lead to a 司法建议.
func (m *Module) RecordAppearance(ctx context.Context, p *auth.Principal, id string, in AppearanceInput) (*Case, error) {
	return m.kind.Run(ctx, m.d.DB, m.Today(), p, id, casework.Transition[*Case]{
		Action: "appearance", Step: &in.Step, From: []string{string(StateAssigned), string(StateAnswered), string(StateHearing)}, Allow: m.allowDefendant,
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			var h *Hearing
			for i := range c.Hearings {
				if c.Hearings[i].ID == in.HearingID {
					h = &c.Hearings[i]
				}
			}
			if h == nil {
				return fault.Field("hearing_id", "本案没有这次开庭")
			}
			if h.HeldOn.After(in.On) {
				return fault.Field("hearing_id", "开庭日期 "+h.HeldOn.String()+" 还未到")
			}
			var flags []string
			staff := 0
			var names []string
			for _, d := range in.Delegates {
				if strings.TrimSpace(d.Name) == "" {
					continue
				}
				if !d.Lawyer {
					staff++
				}
				names = append(names, d.Name+map[bool]string{true: "（律师）", false: ""}[d.Lawyer])
			}
			if in.Appeared {
				if strings.TrimSpace(in.LeaderName) == "" || !contains(LeaderTitles, in.LeaderTitle) {
					return fault.Field("leader_name", "请填写出庭负责人姓名，职务为："+strings.Join(LeaderTitles, "、"))
				}
			} else {
				if len(names) > 0 && staff == 0 {
					return fault.Field("delegates", "行政机关负责人不出庭的，应当委托本机关相应的工作人员出庭，不得仅委托律师出庭（行诉法解释第一百二十八条）")
				}
				switch {
				case len(names) == 0:
					flags = append(flags, "行政机关负责人和工作人员均不出庭") // Art. 12(3)
				case in.Absence == "" && h.Mandatory:
					flags = append(flags, "行政机关负责人未出庭应诉且无正当理由") // Art. 12(1)
				}
				if in.Absence != "" && !contains(AbsenceReasons, in.Absence) {
					return fault.Field("absence_reason", "不能出庭的理由应为："+strings.Join(AbsenceReasons, "、")+"（出庭规定第八条）")
				}
			}
			h.Held, h.Appeared, h.LeaderName, h.LeaderTitle, h.Absence, h.Delegates = true, in.Appeared, strings.TrimSpace(in.LeaderName), in.LeaderTitle, in.Absence, strings.Join(names, "、")
			if len(flags) > 0 {
				ev.Note = "出庭规定第十二条：" + strings.Join(flags, "；")
			}
			if c.State != StateHearing {
				c.State = StateHearing
			}
			if err := tx.Exec(ctx, `UPDATE litigation_hearings SET held = 1, appeared = ?, leader_name = ?, leader_title = ?, absence = ?, delegates = ?, flags = ? WHERE id = ?`,
				db.BoolInt(h.Appeared), h.LeaderName, h.LeaderTitle, h.Absence, h.Delegates, strings.Join(flags, "、"), h.ID); err != nil {
				return err
			}
			if !h.Appeared && h.Absence != "" { // 出庭规定第九条: the reason goes to the court in writing
				return m.draftCaseDocs(ctx, tx, p, c, in.On, DocAbsence)
			}
			return nil
		},
	})
}

// DecisionInput is the court's judgment or ruling.
type DecisionInput struct {
	casework.Step
	Outcome Outcome `json:"outcome" required:"true"`
}

// Decide records the judgment or ruling (结案日期 = its date, the step date); the defendant's 签收 of the
// document is its service and starts the appeal clock.
func (m *Module) Decide(ctx context.Context, p *auth.Principal, id string, in DecisionInput, docs []Doc) (*Case, error) {
	if _, ok := outcomeLabels[in.Outcome]; !ok {
		return nil, fault.Field("outcome", "结案方式应为："+outcomeLabelList())
	}
	if len(docs) == 0 {
		// The defendant's 签收 of the document is the service that starts the appeal period.
		return nil, fault.Field("file_decision", "请上传"+decisionDocKind(in.Outcome)+"（被告签收之时即为送达）")
	}
	for i := range docs {
		if docs[i].Kind == "" || docs[i].Kind == "裁判文书" {
			docs[i].Kind = decisionDocKind(in.Outcome)
		}
	}
	staged, err := m.stage(ctx, docs)
	if err != nil {
		return nil, err
	}
	return m.kind.Run(ctx, m.d.DB, m.Today(), p, id, casework.Transition[*Case]{
		Action: "decide", Step: &in.Step, From: []string{string(StateAssigned), string(StateAnswered), string(StateHearing)}, Allow: m.allowCourt,
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			if err := casework.NotBefore(in.On, c.ReceivedOn, "收到起诉状副本之日"); err != nil {
				return err
			}
			c.Outcome, c.ClosedOn, c.State = in.Outcome, in.On, StateDecided
			if !in.Outcome.Appealable() || c.Instance == Second {
				c.State, c.EffectiveOn, c.AppealDecided = StateEffective, in.On, true
			}
			ev.Note = in.Outcome.Label()
			for _, s := range staged {
				if err := m.deliver(ctx, tx, p, c, s, "to_defendant", c.Defendant); err != nil {
					return err
				}
			}
			return nil
		},
	})
}

// AppealInput is the defendant's decision whether to appeal, with its approver.
type AppealInput struct {
	casework.Step
	Appeal   bool   `json:"appeal"`
	Approver string `json:"approver" required:"true"`
}

// DecideAppeal records the decision to appeal or not (legal-rules-2 a.6.2), within the appeal period.
func (m *Module) DecideAppeal(ctx context.Context, p *auth.Principal, id string, in AppealInput) (*Case, error) {
	return m.kind.Run(ctx, m.d.DB, m.Today(), p, id, casework.Transition[*Case]{
		Action: "appeal", Step: &in.Step, From: []string{string(StateDecided)}, Allow: m.allowDefendant,
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			if strings.TrimSpace(in.Approver) == "" {
				return fault.Field("approver", "请填写批准人")
			}
			if c.DecisionServedOn.IsZero() {
				return fault.Conflictf("裁判文书尚未签收，上诉期限未起算")
			}
			if in.Appeal && in.On.After(c.AppealDue) {
				return fault.Field("on", fmt.Sprintf("上诉期限已于 %s 届满（行政诉讼法第八十五条）", c.AppealDue))
			}
			c.AppealDecided, c.Appealed, c.AppealApprover = true, in.Appeal, strings.TrimSpace(in.Approver)
			if in.Appeal {
				c.State = StateAppealed
				ev.Note = "决定上诉，批准人：" + c.AppealApprover
			} else {
				ev.Note = "决定不上诉，批准人：" + c.AppealApprover
			}
			return nil
		},
	})
}

// PerformInput is the defendant's report that it carried out an effective decision.
type PerformInput struct{ casework.Step }

// Perform records that the defendant performed the effective judgment, ruling or 调解书
// (行政诉讼法第九十四条).
func (m *Module) Perform(ctx context.Context, p *auth.Principal, id string, in PerformInput) (*Case, error) {
	return m.kind.Run(ctx, m.d.DB, m.Today(), p, id, casework.Transition[*Case]{
		Action: "perform", Step: &in.Step, From: []string{string(StateEffective)}, Allow: m.allowDefendant,
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			if !c.Outcome.NeedsPerformance() {
				return fault.Conflictf("%s无需被告履行", c.Outcome.Label())
			}
			if err := casework.NotBefore(in.On, c.EffectiveOn, "裁判生效之日"); err != nil {
				return err
			}
			c.PerformedOn, c.State = in.On, StatePerformed
			return nil
		},
	})
}

// EffectiveInput records that a decision became effective: neither party appealed within the
// period (行政诉讼法第八十五条: 逾期不提起上诉的，第一审判决或者裁定发生法律效力).
type EffectiveInput struct{ casework.Step }

// Effective records the date the decision took effect (the court, or the 司法局 from the court's notice).
func (m *Module) Effective(ctx context.Context, p *auth.Principal, id string, in EffectiveInput) (*Case, error) {
	return m.kind.Run(ctx, m.d.DB, m.Today(), p, id, casework.Transition[*Case]{
		Action: "effective", Step: &in.Step, From: []string{string(StateDecided)},
		Allow: func(p *auth.Principal, c *Case) error {
			if m.allowCourt(p, c) == nil || m.allowJustice(p, c) == nil {
				return nil
			}
			return fault.Forbiddenf("只有受理本案的法院联络员或指导应诉的司法局可以记录裁判生效")
		},
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			if c.Appealed {
				return fault.Conflictf("被告已上诉，本审级裁判未生效")
			}
			if c.DecisionServedOn.IsZero() || !in.On.After(c.AppealDue) {
				return fault.Field("on", fmt.Sprintf("上诉期限届满（%s）后裁判方发生法律效力（行政诉讼法第八十五条）", c.AppealDue))
			}
			c.State, c.EffectiveOn, c.AppealDecided = StateEffective, in.On, true
			return nil
		},
	})
}
