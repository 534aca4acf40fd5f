package normdoc

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
)

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
			if d.RenewalSeq > 0 {
				return fault.Conflictf("该文件经评估继续有效，第%d版待重新公布；请先重新公布，再修订文本", d.RenewalSeq)
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

// Evaluate records the evaluation of a document whose validity is running out: 继续有效 makes a new
// version that must be re-published (PublishRenewal) and filed like any other before the validity runs
// on — until then the old period ends as before; 需要修改 flags it for amendment, 到期失效 lets it lapse.
// (The validity, the evaluation and re-publication are local rules — legal-rules.md §4, organ settings.)
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
			if d.RenewalSeq > 0 {
				return fault.Conflictf("已评估为继续有效，待重新公布（第%d版）", d.RenewalSeq)
			}
			cur, err := getVersion(ctx, tx, d.ID, d.CurrentVersion)
			if err != nil {
				return err
			}
			seq, err := nextVersionSeq(ctx, tx, d.ID)
			if err != nil {
				return err
			}
			v := &Version{ID: db.NewID(), DocID: d.ID, Seq: seq, Title: cur.Title, Body: cur.Body, Note: "评估后继续有效，待重新公布、报送备案",
				EffectiveOn: d.ExpiresOn.AddDays(1), CreatedAt: db.Now(), CreatedBy: p.Name}
			if err := insertVersion(ctx, tx, v); err != nil {
				return err
			}
			d.RenewalSeq, d.Evaluation, d.PendingAmend = seq, EvalContinue, false
			ev.Note += fmt.Sprintf("，形成第%d版，须于有效期届满（%s）前重新公布并报送备案", seq, d.ExpiresOn)
		case EvalAmend:
			d.Evaluation, d.PendingAmend = EvalAmend, true
		case EvalExpire:
			d.Evaluation = EvalExpire
		}
		return nil
	}})
}

// nextVersionSeq is the next free version number of a document.
func nextVersionSeq(ctx context.Context, tx *db.Tx, docID string) (int, error) {
	var n int
	err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(seq), 0) FROM normdoc_versions WHERE doc_id = ?`, docID).Scan(&n)
	return n + 1, err
}

// RenewalInput is the re-publication of a document evaluated 继续有效.
type RenewalInput struct {
	casework.Step
	Channel string `json:"channel" required:"true"` // 公布载体
}

// PublishRenewal re-publishes the new version made by 继续有效: the validity runs on from the day after
// the old period ends, and the version is filed again with every filing body, due from this publication.
func (s *Service) PublishRenewal(ctx context.Context, p *auth.Principal, id string, in RenewalInput) (*Doc, error) {
	in.Channel = strings.TrimSpace(in.Channel)
	if in.Channel == "" {
		return nil, fault.Field("channel", "请填写公布载体；继续有效的文件须重新公布")
	}
	in.Note = in.Channel
	return s.run(ctx, p, id, casework.Transition[*Doc]{Action: "publish_renewal", Step: &in.Step, From: []string{string(StateInForce)}, Apply: func(tx *db.Tx, d *Doc, ev *casework.Event) error {
		if d.RenewalSeq == 0 {
			return fault.Conflictf("该文件没有待重新公布的继续有效版本")
		}
		if in.On.After(d.ExpiresOn) {
			return fault.Field("on", fmt.Sprintf("有效期已于 %s 届满，不能再以继续有效重新公布；需要的，应作为新文件制定、登记", d.ExpiresOn))
		}
		if in.On.Before(d.EvaluatedOn) {
			return fault.Field("on", "重新公布日期不能早于评估日期 "+d.EvaluatedOn.String())
		}
		months, err := s.settings.Int(ctx, tx, d.OrganID, settingDef(KeyWarnMonths))
		if err != nil {
			return err
		}
		var round int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(round), 0) FROM normdoc_filings WHERE doc_id = ?`, d.ID).Scan(&round); err != nil {
			return err
		}
		if err := s.openFilings(ctx, tx, d, in.On, max(round, 1)+1); err != nil {
			return err
		}
		d.ExpiresOn = ExpiryOf(d.ExpiresOn.AddDays(1), d.ValidYears)
		d.WarnOn = WarnOf(d.ExpiresOn, months)
		d.CurrentVersion, d.RenewalSeq, d.Evaluation, d.RenewedOn, d.Channel = d.RenewalSeq, 0, "", in.On, in.Channel
		ev.Note = in.Channel + "重新公布，有效期延续至" + d.ExpiresOn.Chinese() + "，已生成备案期限"
		return nil
	}})
}

// LegacyFilings opens the 备案 of a document entered as historical, so that what happened can be
// recorded (报送、接收、审查意见); until then its page says 历史文件，备案情况未录入.
func (s *Service) LegacyFilings(ctx context.Context, p *auth.Principal, id string, st casework.Step) (*Doc, error) {
	return s.run(ctx, p, id, casework.Transition[*Doc]{Action: "legacy_filings", Step: &st, Apply: func(tx *db.Tx, d *Doc, ev *casework.Event) error {
		if !d.Legacy || !d.Published() {
			return fault.Conflictf("只有已公布的历史文件才需要补录备案情况")
		}
		fs, err := listFilings(ctx, tx, d.ID)
		if err != nil {
			return err
		}
		if len(fs) > 0 {
			return fault.Conflictf("备案情况已录入")
		}
		return s.openFilings(ctx, tx, d, d.PublishedOn, 1)
	}})
}

// FilingStateText is the 备案 state shown for a document with no filing on record.
func (d *Doc) FilingStateText(filings int) string {
	if filings > 0 || !d.Published() {
		return ""
	}
	if d.Legacy {
		return "历史文件，备案情况未录入"
	}
	return "未生成备案记录"
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
