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

// Service (送达) of the case documents whose periods run from receipt. The law on reconsideration has no
// service rules of its own; Art. 88 para 1 sends them to the 民事诉讼法: “行政复议期间的计算和行政复议文书的
// 送达，本法没有规定的，依照《中华人民共和国民事诉讼法》关于期间、送达的规定执行。”

// ServiceMethod is how a document reached its recipient; each fixes which date is the date of service.
type ServiceMethod string

const (
	ServeDirect     ServiceMethod = "direct"     // 直接送达: the date signed on the 送达回证 (民事诉讼法第八十七条第二款)
	ServeLeave      ServiceMethod = "leave"      // 留置送达: the day the document was left, refusal recorded on the 送达回证 (第八十九条)
	ServePost       ServiceMethod = "post"       // 邮寄送达: the receipt date on the 回执 (第九十一条)
	ServeElectronic ServiceMethod = "electronic" // 电子送达: arrival in the recipient's system (第九十条第二款)
	ServePublic     ServiceMethod = "public"     // 公告送达: deemed served 30 days after the announcement (第九十五条)
	ServePlatform   ServiceMethod = "platform"   // the respondent's liaison signed for it on fazhi: an electronic arrival
)

// ServiceMethods in display order (the platform's 签收 is recorded by the liaison, not chosen here).
var ServiceMethods = []ServiceMethod{ServeDirect, ServeLeave, ServePost, ServeElectronic, ServePublic}

// Label is the Chinese name with the date it counts from.
func (m ServiceMethod) Label() string {
	return map[ServiceMethod]string{ServeDirect: "直接送达（送达回证签收日期）", ServeLeave: "留置送达（留置之日，送达回证记明拒收事由和日期）", ServePost: "邮寄送达（回执注明的收件日期）",
		ServeElectronic: "电子送达（到达受送达人特定系统的日期）", ServePublic: "公告送达（发出公告之日起经过三十日视为送达）",
		ServePlatform: "被申请人联络员在平台签收"}[m]
}

// Basis is the article that makes the date the date of service.
func (m ServiceMethod) Basis() string {
	return map[ServiceMethod]string{ServeDirect: "《中华人民共和国民事诉讼法》第八十七条", ServeLeave: "《中华人民共和国民事诉讼法》第八十九条", ServePost: "《中华人民共和国民事诉讼法》第九十一条",
		ServeElectronic: "《中华人民共和国民事诉讼法》第九十条", ServePublic: "《中华人民共和国民事诉讼法》第九十五条",
		ServePlatform: "《中华人民共和国民事诉讼法》第九十条"}[m]
}

// ServedDoc is the document served.
type ServedDoc string

const (
	ServedCopy        ServedDoc = "copy"         // 申请书副本或申请笔录复印件 → the reply period (Arts. 48, 54)
	ServedAmendNotice ServedDoc = "amend_notice" // 补正通知 → the 补正 period (Art. 31 para 2)
	ServedDecision    ServedDoc = "decision"     // 复议决定书 → effect (Art. 75 para 2) and the period to sue (行政诉讼法第四十五条)
	ServedOpinion     ServedDoc = "opinion"      // 意见书 → the report-back (Art. 76)
)

// Label is the Chinese name.
func (d ServedDoc) Label() string {
	return map[ServedDoc]string{ServedCopy: "申请书副本", ServedAmendNotice: "补正通知书", ServedDecision: "行政复议决定书", ServedOpinion: "行政复议意见书"}[d]
}

// ServedOn is the legal date of service for an event (signature, receipt, arrival, announcement) on
// the given date. 公告: “自发出公告之日起，经过三十日，即视为送达” (民事诉讼法第九十五条第一款) — a period of
// 30 days, so it ends like any period (第八十五条: the day of the announcement is not counted; a last day
// that is a 法定休假日 rolls to the next working day).
func ServedOn(m ServiceMethod, event calendar.Date, cal *calendar.Calendar) calendar.Date {
	if m == ServePublic {
		return cal.AddCalendarDays(event, 30)
	}
	return event
}

// ServeInput records the service of one document. On is the date of the event the method names.
type ServeInput struct {
	Step
	Doc       ServedDoc     `json:"doc" required:"true"`
	Method    ServiceMethod `json:"method" required:"true"`
	Recipient string        `json:"recipient"`
	OpinionID string        `json:"opinion_id"` // for doc = opinion
}

// ServiceRecord is one recorded service, as the case page lists it.
type ServiceRecord struct {
	Doc       ServedDoc
	Method    ServiceMethod
	Recipient string
	EventOn   calendar.Date
	ServedOn  calendar.Date
	Note      string
	ActorName string
}

// RecordService records how and when a notice, copy, decision or 意见书 was served; the periods
// counted from its receipt are recomputed from that date.
func (s *Service) RecordService(ctx context.Context, p *auth.Principal, id string, in ServeInput) (*Case, error) {
	if in.Doc.Label() == "" {
		return nil, fault.Field("doc", "请选择送达的文书")
	}
	if in.Method == ServePlatform || in.Method.Label() == "" {
		return nil, fault.Field("method", "请选择送达方式：直接送达、留置送达、邮寄送达、电子送达或公告送达")
	}
	if in.Method == ServeLeave && strings.TrimSpace(in.Note) == "" {
		return nil, fault.Field("note", "留置送达应当记明拒收事由，以及见证人或者拍照、录像记录的情况（民事诉讼法第八十九条）")
	}
	if in.Method == ServePublic && strings.TrimSpace(in.Note) == "" {
		return nil, fault.Field("note", "公告送达应当在案卷中记明原因和经过（民事诉讼法第九十五条第二款）")
	}
	return s.serve(ctx, p, id, in, s.mayEdit)
}

// SignCopy is the respondent's liaison signing for the application copy on fazhi: the copy is served
// on the day it is signed for (an electronic arrival, 民事诉讼法第九十条第二款).
func (s *Service) SignCopy(ctx context.Context, p *auth.Principal, id string, st Step) (*Case, error) {
	in := ServeInput{Step: st, Doc: ServedCopy, Method: ServePlatform}
	in.On = s.Today() // the signature is now, whatever date the form carried
	return s.serve(ctx, p, id, in, s.mayReply)
}

func (s *Service) serve(ctx context.Context, p *auth.Principal, id string, in ServeInput, allow func(*auth.Principal, *Case) error) (*Case, error) {
	served := ServedOn(in.Method, in.On, s.cal())
	in.Note = serviceNote(in.Doc, in.Method, served, in.Note)
	return s.run(ctx, p, id, casework.Transition[*Case]{Action: "serve", Step: &in.Step, Allow: allow,
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			ref := ""
			switch in.Doc {
			case ServedCopy:
				if c.CopySentOn.IsZero() {
					return fault.Conflictf("尚未记录发送申请书副本，不能记录送达")
				}
				if !c.CopyServedOn.IsZero() {
					return fault.Conflictf("申请书副本已于 %s 送达被申请人", c.CopyServedOn)
				}
				if err := casework.NotBefore(in.On, c.CopySentOn, "发送副本日期"); err != nil {
					return err
				}
				c.CopyServedOn = served
				if in.Recipient == "" {
					in.Recipient = c.Respondent
				}
				if !c.ReplyOn.IsZero() { // a reply filed before the receipt was recorded is judged now
					c.ReplyLate = c.ReplyOn.After(c.ReplyDue(s.cal()))
				}
			case ServedAmendNotice:
				if c.AmendNoticeOn.IsZero() || c.State != StateAmending {
					return fault.Conflictf("该案没有待补正的补正通知")
				}
				if !c.AmendServedOn.IsZero() {
					return fault.Conflictf("补正通知已于 %s 送达申请人", c.AmendServedOn)
				}
				if err := casework.NotBefore(in.On, c.AmendNoticeOn, "补正通知日期"); err != nil {
					return err
				}
				c.AmendServedOn = served
			case ServedDecision:
				if c.State != StateConcluded || !c.Outcome.Decision() {
					return fault.Conflictf("该案尚未作出行政复议决定")
				}
				if !c.DecisionServedOn.IsZero() {
					return fault.Conflictf("决定书已于 %s 送达申请人", c.DecisionServedOn)
				}
				if err := casework.NotBefore(in.On, c.ClosedOn, "决定日期"); err != nil {
					return err
				}
				c.DecisionServedOn = served
			case ServedOpinion:
				ops, err := listOpinions(ctx, tx, "case_id = ? AND id = ?", c.ID, in.OpinionID)
				if err != nil {
					return err
				}
				if len(ops) == 0 {
					return fault.Field("opinion_id", "请选择送达的意见书")
				}
				if !ops[0].ReceivedOn.IsZero() {
					return fault.Conflictf("意见书已于 %s 送达%s", ops[0].ReceivedOn, ops[0].Recipient)
				}
				if err := casework.NotBefore(in.On, ops[0].IssuedOn, "意见书制发日期"); err != nil {
					return err
				}
				due := s.cal().AddCalendarDays(served, RuleOpinionReport.Length)
				if err := tx.Exec(ctx, `UPDATE reconsider_opinions SET received_on = ?, report_due = ? WHERE id = ?`, served.String(), due.String(), in.OpinionID); err != nil {
					return err
				}
				ref, in.Recipient = in.OpinionID, ops[0].Recipient
			}
			return tx.Exec(ctx, `INSERT INTO reconsider_services (id, case_id, doc, ref_id, recipient, method, sent_on, event_on, served_on, note, actor_name, created_at)
				VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, db.NewID(), c.ID, string(in.Doc), ref, strings.TrimSpace(in.Recipient), string(in.Method),
				"", in.On.String(), served.String(), in.Note, p.Name, db.Now())
		}})
}

// serviceNote is the history line of a service.
func serviceNote(doc ServedDoc, m ServiceMethod, served calendar.Date, note string) string {
	return strings.TrimSpace(fmt.Sprintf("%s：%s，送达日期 %s。%s", doc.Label(), m.Label(), served, note))
}

func listServices(ctx context.Context, q db.Querier, caseID string) ([]ServiceRecord, error) {
	rows, err := q.QueryContext(ctx, `SELECT doc, method, recipient, event_on, served_on, note, actor_name FROM reconsider_services WHERE case_id = ? ORDER BY served_on, created_at`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ServiceRecord
	for rows.Next() {
		var r ServiceRecord
		var ev, sv string
		if err := rows.Scan(&r.Doc, &r.Method, &r.Recipient, &ev, &sv, &r.Note, &r.ActorName); err != nil {
			return nil, err
		}
		r.EventOn, _ = calendar.ParseDate(ev)
		r.ServedOn, _ = calendar.ParseDate(sv)
		out = append(out, r)
	}
	return out, rows.Err()
}
