package reconsider

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/fazhi/fazhi/internal/action"
	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/files"
	"github.com/fazhi/fazhi/internal/web"
)

// Inputs of the service methods that take plain arguments.
type amendInput struct {
	Step
	Items string `json:"items" required:"true"` // 需要补正的全部事项
}

type assignInput struct {
	Step
	HandlerID string `json:"handler_id" required:"true"`
}

type partyInput struct {
	Version int    `json:"version"`
	Role    string `json:"role" required:"true"` // third_party / agent / co_applicant
	Name    string `json:"name" required:"true"`
	Contact string `json:"contact"`
}

type opinionReportInput struct {
	Step
	OpinionID string `json:"opinion_id" required:"true"`
	Report    string `json:"report" required:"true"`
}

// caseActions lists every action in the order of the case page. A bad date is reported before
// the other fields (StepFirst), as the case page has always done.
func (m *Module) caseActions() action.List[*Case] {
	s := m.svc
	return action.List[*Case]{
		action.New("request_amendment", "补正通知", PermEdit, func(ctx context.Context, p *auth.Principal, id string, in *amendInput) (*Case, error) {
			return s.RequestAmendment(ctx, p, id, in.Step, in.Items)
		}),
		action.New("receive_amendment", "收到补正材料", PermEdit, func(ctx context.Context, p *auth.Principal, id string, in *Step) (*Case, error) {
			return s.ReceiveAmendment(ctx, p, id, *in)
		}).WithFiles("补正材料"),
		action.New("extend_amendment", "延长补正期限", PermEdit, func(ctx context.Context, p *auth.Principal, id string, in *ExtendAmendmentInput) (*Case, error) {
			return s.ExtendAmendment(ctx, p, id, *in)
		}),
		action.New("amendment_lapsed", "逾期未补正", PermEdit, func(ctx context.Context, p *auth.Principal, id string, in *Step) (*Case, error) {
			return s.AmendmentLapsed(ctx, p, id, *in)
		}),
		action.New("accept", "受理", PermEdit, func(ctx context.Context, p *auth.Principal, id string, in *AcceptInput) (*Case, error) {
			return s.Accept(ctx, p, id, *in)
		}).DoneWith(func(c *Case) string {
			msg := "已受理，案号：" + c.Number
			if c.Deemed {
				msg += "（审查期限已届满，依法自 " + c.AcceptedOn.String() + " 视为受理）"
			}
			return msg
		}),
		action.New("reject", "不予受理", PermEdit, func(ctx context.Context, p *auth.Principal, id string, in *RejectInput) (*Case, error) {
			return s.Reject(ctx, p, id, *in)
		}),
		action.New("close_other", "告知、转送或撤回", PermEdit, func(ctx context.Context, p *auth.Principal, id string, in *OtherInput) (*Case, error) {
			return s.CloseOther(ctx, p, id, *in)
		}),
		action.New("send_copy", "发送申请书副本", PermEdit, func(ctx context.Context, p *auth.Principal, id string, in *Step) (*Case, error) {
			return s.SendCopy(ctx, p, id, *in)
		}),
		action.New("application_facts", "申请期限情况", PermEdit, func(ctx context.Context, p *auth.Principal, id string, in *ApplicationFactsInput) (*Case, error) {
			return s.RecordApplicationFacts(ctx, p, id, *in)
		}).Done("已记录申请期限情况"),
		action.New("serve", "记录送达", PermEdit, func(ctx context.Context, p *auth.Principal, id string, in *ServeInput) (*Case, error) {
			return s.RecordService(ctx, p, id, *in)
		}).Done("已记录送达，相关期限自送达之日起计算"),
		// The respondent's liaison signs for the copy on fazhi: that is its receipt (Art. 48).
		action.New("sign_copy", "签收申请书副本", PermView, func(ctx context.Context, p *auth.Principal, id string, in *Step) (*Case, error) {
			return s.SignCopy(ctx, p, id, *in)
		}).Done("已签收申请书副本，答复期限自今日起计算"),
		// The respondent's liaison files the reply; staff may enter a reply received on paper.
		action.New("reply", "答复", PermView, func(ctx context.Context, p *auth.Principal, id string, in *ReplyInput) (*Case, error) {
			return s.FileReply(ctx, p, id, *in)
		}).WithFiles("答复及证据").Done("答复已提交"),
		action.New("hearing", "听取意见、听证或委员会咨询", PermEdit, func(ctx context.Context, p *auth.Principal, id string, in *HearingInput) (*Case, error) {
			return s.RecordHearing(ctx, p, id, *in)
		}).WithFiles("笔录"),
		action.New("add_party", "追加第三人或参加人", PermEdit, func(ctx context.Context, p *auth.Principal, id string, in *partyInput) (*Case, error) {
			return s.AddParty(ctx, p, id, in.Version, in.Role, in.Name, in.Contact)
		}),
		action.New("suspend", "中止", PermEdit, func(ctx context.Context, p *auth.Principal, id string, in *SuspendInput) (*Case, error) {
			return s.Suspend(ctx, p, id, *in)
		}),
		action.New("resume", "恢复审理", PermEdit, func(ctx context.Context, p *auth.Principal, id string, in *Step) (*Case, error) {
			return s.Resume(ctx, p, id, *in)
		}),
		action.New("extend", "延长审理期限", PermEdit, func(ctx context.Context, p *auth.Principal, id string, in *ExtendInput) (*Case, error) {
			return s.Extend(ctx, p, id, *in)
		}),
		action.New("convert", "转为普通程序", PermEdit, func(ctx context.Context, p *auth.Principal, id string, in *ConvertInput) (*Case, error) {
			return s.Convert(ctx, p, id, *in)
		}),
		action.New("decide", "作出复议决定", PermEdit, func(ctx context.Context, p *auth.Principal, id string, in *DecideInput) (*Case, error) {
			return s.Decide(ctx, p, id, *in)
		}),
		action.New("mediate", "调解结案", PermEdit, func(ctx context.Context, p *auth.Principal, id string, in *MediateInput) (*Case, error) {
			return s.Mediate(ctx, p, id, *in)
		}),
		action.New("terminate", "终止", PermEdit, func(ctx context.Context, p *auth.Principal, id string, in *TerminateInput) (*Case, error) {
			return s.Terminate(ctx, p, id, *in)
		}),
		action.New("opinion", "制发意见书", PermEdit, func(ctx context.Context, p *auth.Principal, id string, in *OpinionInput) (*Case, error) {
			return s.IssueOpinion(ctx, p, id, *in)
		}),
		action.New("opinion_report", "意见书纠正情况反馈", PermEdit, func(ctx context.Context, p *auth.Principal, id string, in *opinionReportInput) (*Case, error) {
			return s.ReportOpinion(ctx, p, id, in.OpinionID, in.Step, in.Report)
		}),
		action.New("performed", "记录履行", PermEdit, func(ctx context.Context, p *auth.Principal, id string, in *Step) (*Case, error) {
			return s.RecordPerformance(ctx, p, id, *in)
		}),
		action.New("assign", "更换承办人", PermEdit, func(ctx context.Context, p *auth.Principal, id string, in *assignInput) (*Case, error) {
			return s.AssignHandler(ctx, p, id, in.Step, in.HandlerID)
		}),
	}.Before(action.StepFirst(s.Today))
}

// --- JSON views: dates as "YYYY-MM-DD" strings, "" when unset ---

type caseJSON struct {
	ID             string  `json:"id"`
	OrganID        string  `json:"organ_id"`
	Organ          string  `json:"organ"`
	ReceiptNo      string  `json:"receipt_no"`
	Number         string  `json:"number"`
	Channel        Channel `json:"channel"`
	ChannelLabel   string  `json:"channel_label"`
	ReceivedOn     string  `json:"received_on"`
	State          State   `json:"state"`
	StateLabel     string  `json:"state_label"`
	Procedure      string  `json:"procedure"`
	ApplicantKind  string  `json:"applicant_kind"`
	ApplicantName  string  `json:"applicant_name"`
	IDNumberMasked string  `json:"id_number_masked"`
	PhoneMasked    string  `json:"phone_masked"`
	EmailMasked    string  `json:"email_masked,omitempty"`
	Address        string  `json:"address"`
	Agent          string  `json:"agent"`
	RespondentID   string  `json:"respondent_id"`
	Respondent     string  `json:"respondent"`
	ActType        string  `json:"act_type"`
	Field          string  `json:"field"`
	ActTitle       string  `json:"act_title"`
	ActDate        string  `json:"act_date"`
	LearnedOn      string  `json:"learned_on"`
	Amount         float64 `json:"amount"`
	Requests       string  `json:"requests"`
	Facts          string  `json:"facts"`
	HandlerID      string  `json:"handler_id"`
	HandlerName    string  `json:"handler_name"`
	DuplicateOf    string  `json:"possible_duplicate_of"`
	AcceptStart    string  `json:"accept_start"`
	AmendNoticeOn  string  `json:"amend_notice_on"`
	AmendItems     string  `json:"amend_items"`
	AcceptedOn     string  `json:"accepted_on"`
	Deemed         bool    `json:"deemed_accepted"`
	CopySentOn     string  `json:"copy_sent_on"`
	ReplyOn        string  `json:"reply_on"`
	ReplyLate      bool    `json:"reply_late"`
	Extension      int     `json:"extension_days"`
	ClosedOn       string  `json:"closed_on"`
	Outcome        string  `json:"outcome"`
	OutcomeLabel   string  `json:"outcome_label"`
	CloseReason    string  `json:"close_reason"`
	Settled        bool    `json:"settled"`
	Corrected      bool    `json:"corrected"`
	DecisionDue    string  `json:"decision_due"`
	PerformanceDue string  `json:"performance_due"`
	PerformedOn    string  `json:"performed_on"`
	NextDue        string  `json:"next_due"`
	NextRule       string  `json:"next_rule"`
	NextName       string  `json:"next_name"`
	Version        int     `json:"version"`
	CreatedAt      string  `json:"created_at"`
	UpdatedAt      string  `json:"updated_at"`
	// Receipts the periods count from (Arts. 31, 48; 行政诉讼法第四十五条); "" = not recorded (待送达).
	CopyServedOn     string `json:"copy_served_on"`
	AmendServedOn    string `json:"amend_served_on"`
	AmendExtraDays   int    `json:"amend_extra_days"`
	DecisionServedOn string `json:"decision_served_on"`
	Compensation     string `json:"compensation"`   // Art. 72: award / dismiss / return / ""
	WrittenReview    string `json:"written_review"` // Art. 49: why the views could not be heard
}

// serviceJSON is one recorded service (送达).
type serviceJSON struct {
	Doc       string `json:"doc"`
	DocLabel  string `json:"doc_label"`
	Method    string `json:"method"`
	Recipient string `json:"recipient"`
	EventOn   string `json:"event_on"`
	ServedOn  string `json:"served_on"`
	Basis     string `json:"basis"`
}

func (m *Module) caseJSON(c *Case) caseJSON {
	o, _ := m.svc.org.Organ(c.OrganID)
	return caseJSON{ID: c.ID, OrganID: c.OrganID, Organ: o.Name, ReceiptNo: c.ReceiptNo, Number: c.Number, Channel: c.Channel, ChannelLabel: c.Channel.Label(),
		ReceivedOn: c.ReceivedOn.String(), State: c.State, StateLabel: c.State.Label(), Procedure: string(c.Procedure), ApplicantKind: string(c.ApplicantKind),
		ApplicantName: c.ApplicantName, IDNumberMasked: c.IDNumberMasked, PhoneMasked: c.Phone, EmailMasked: c.Email, Address: c.Address, Agent: c.Agent,
		RespondentID: c.RespondentID, Respondent: c.Respondent, ActType: c.ActType, Field: c.Field, ActTitle: c.ActTitle, ActDate: c.ActDate.String(),
		LearnedOn: c.LearnedOn.String(), Amount: c.Amount, Requests: c.Requests, Facts: c.Facts, HandlerID: c.HandlerID, HandlerName: c.HandlerName,
		DuplicateOf: c.DuplicateOf, AcceptStart: c.AcceptStart.String(), AmendNoticeOn: c.AmendNoticeOn.String(), AmendItems: c.AmendItems,
		AcceptedOn: c.AcceptedOn.String(), Deemed: c.Deemed, CopySentOn: c.CopySentOn.String(), ReplyOn: c.ReplyOn.String(), ReplyLate: c.ReplyLate,
		Extension: c.Extension, ClosedOn: c.ClosedOn.String(), Outcome: string(c.Outcome), OutcomeLabel: c.Outcome.Label(), CloseReason: c.CloseReason,
		Settled: c.Settled, Corrected: c.Corrected, DecisionDue: c.DecisionDue.String(), PerformanceDue: c.PerformanceDue.String(),
		PerformedOn: c.PerformedOn.String(), NextDue: c.Due.Next.String(), NextRule: c.Due.NextRule, NextName: ruleNames[c.Due.NextRule],
		Version: c.Version, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
		CopyServedOn: c.CopyServedOn.String(), AmendServedOn: c.AmendServedOn.String(), AmendExtraDays: c.AmendExtraDays,
		DecisionServedOn: c.DecisionServedOn.String(), Compensation: string(c.Compensation), WrittenReview: c.WrittenReview}
}

type deadlineJSON struct {
	Name   string `json:"name"`
	Due    string `json:"due"`
	Period string `json:"period"`
	Basis  string `json:"basis"`
	Start  string `json:"start"`
	// The period runs from a receipt not yet recorded: the date is estimated from the sending (待送达).
	Provisional bool `json:"provisional"`
}

// periodJSON is the finding on the application period (Arts. 20–21).
type periodJSON struct {
	Known   bool     `json:"known"`
	FiledOn string   `json:"filed_on"`
	Start   string   `json:"start"`
	Due     string   `json:"due"`
	Cap     string   `json:"cap"`
	Bar     string   `json:"bar"`
	InTime  bool     `json:"in_time"`
	Barred  bool     `json:"barred"`
	Rules   []string `json:"rules"`
}

type eventJSON struct {
	At          string `json:"at"`
	On          string `json:"on"`
	Actor       string `json:"actor"`
	Action      string `json:"action"`
	ActionLabel string `json:"action_label"`
	From        State  `json:"from_state"`
	To          State  `json:"to_state"`
	Note        string `json:"note"`
	DocumentID  string `json:"document_id,omitempty"`
}

type suspensionJSON struct {
	From   string `json:"from"`
	To     string `json:"to"`
	Ground int    `json:"ground"`
	Label  string `json:"ground_label"`
	Reason string `json:"reason"`
}

type hearingJSON struct {
	Kind     string `json:"kind"`
	Mode     string `json:"mode"`
	NoticeOn string `json:"notice_on"`
	HeldOn   string `json:"held_on"`
	Place    string `json:"place"`
	Panel    string `json:"panel"`
	Record   string `json:"record"`
}

type partyJSON struct {
	Role    string `json:"role"`
	Name    string `json:"name"`
	Contact string `json:"contact"`
}

type opinionJSON struct {
	ID          string `json:"id"`
	RecipientID string `json:"recipient_id"`
	Recipient   string `json:"recipient"`
	IssuedOn    string `json:"issued_on"`
	Content     string `json:"content"`
	ReportDue   string `json:"report_due"`
	ReportedOn  string `json:"reported_on"`
	Report      string `json:"report"`
}

type documentJSON struct {
	ID       string `json:"id"`
	Kind     string `json:"kind"`
	Number   string `json:"number"`
	Title    string `json:"title"`
	Status   string `json:"status"`
	IssuedOn string `json:"issued_on"`
	URL      string `json:"url"`
}

type detailJSON struct {
	Case              caseJSON           `json:"case"`
	Deadlines         []deadlineJSON     `json:"deadlines"`
	Events            []eventJSON        `json:"events"`
	Suspensions       []suspensionJSON   `json:"suspensions"`
	Hearings          []hearingJSON      `json:"hearings"`
	Parties           []partyJSON        `json:"parties"`
	Opinions          []opinionJSON      `json:"opinions"`
	Documents         []documentJSON     `json:"documents"`
	Attachments       []files.Attachment `json:"attachments"`
	ReplyText         string             `json:"reply_text"`
	LateApplication   bool               `json:"late_application"`
	ApplicationDue    string             `json:"application_due"`
	ApplicationPeriod periodJSON         `json:"application_period"`
	Services          []serviceJSON      `json:"services"`
	CanEdit           bool               `json:"can_edit"`
	CanReply          bool               `json:"can_reply"`
}

func (m *Module) detailJSON(ctx context.Context, p *auth.Principal, d *Detail) (detailJSON, error) {
	c := d.Case
	out := detailJSON{Case: m.caseJSON(c), CanEdit: d.CanEdit, CanReply: d.CanReply,
		Deadlines: []deadlineJSON{}, Events: []eventJSON{}, Suspensions: []suspensionJSON{}, Hearings: []hearingJSON{},
		Parties: []partyJSON{}, Opinions: []opinionJSON{}, Documents: []documentJSON{}, Attachments: []files.Attachment{}}
	for _, x := range d.Deadlines {
		out.Deadlines = append(out.Deadlines, deadlineJSON{x.Name, x.Due.String(), x.Period, x.Basis, x.Start, x.Provisional})
	}
	for _, e := range d.Events {
		out.Events = append(out.Events, eventJSON{At: e.At, On: e.On.String(), Actor: e.ActorName, Action: e.Action, ActionLabel: actionLabel(e.Action),
			From: State(e.FromState), To: State(e.ToState), Note: e.Note, DocumentID: e.RefID})
	}
	for _, s := range d.Pauses {
		out.Suspensions = append(out.Suspensions, suspensionJSON{s.From.String(), s.To.String(), s.Ground, groundLabel(SuspendGrounds, s.Ground), s.Reason})
	}
	for _, s := range d.Hearings {
		out.Hearings = append(out.Hearings, hearingJSON{s.Kind, s.Mode, s.NoticeOn.String(), s.HeldOn.String(), s.Place, s.Panel, s.Record})
	}
	for _, x := range d.Parties {
		out.Parties = append(out.Parties, partyJSON{x.Role, x.Name, x.Contact})
	}
	for _, o := range d.Opinions {
		out.Opinions = append(out.Opinions, opinionJSON{o.ID, o.RecipientID, o.Recipient, o.IssuedOn.String(), o.Content, o.ReportDue.String(), o.ReportedOn.String(), o.Report})
	}
	for _, doc := range d.Documents {
		if !p.Can(PermRead) && doc.Status != "issued" {
			continue // a respondent's liaison sees issued documents only
		}
		out.Documents = append(out.Documents, documentJSON{doc.ID, doc.Kind, doc.Number, doc.Title, doc.Status, doc.IssuedOn.String(), "/reconsider/documents/" + doc.ID})
	}
	var err error
	if out.Attachments, err = m.caseAttachments(ctx, c.ID); err != nil {
		return out, err
	}
	if out.ReplyText, err = m.svc.ReplyText(ctx, p, c.ID); err != nil {
		return out, err
	}
	t, _, err := m.svc.Timeliness(ctx, m.svc.db, c)
	if err != nil {
		return out, err
	}
	out.LateApplication, out.ApplicationDue = (t.Known || t.Barred) && !t.InTime, t.Due.String()
	out.Services = []serviceJSON{}
	for _, x := range d.Services {
		out.Services = append(out.Services, serviceJSON{string(x.Doc), x.Doc.Label(), string(x.Method), x.Recipient, x.EventOn.String(), x.ServedOn.String(), x.Method.Basis()})
	}
	out.ApplicationPeriod = periodJSON{t.Known, t.FiledOn.String(), t.Start.String(), t.Due.String(), t.Cap.String(), t.Bar.String(), t.InTime, t.Barred, t.Rules}
	if out.ApplicationPeriod.Rules == nil {
		out.ApplicationPeriod.Rules = []string{}
	}
	return out, nil
}

// --- API handlers ---

// listQuery documents the filters of GET /reconsider/cases (parseFilter reads them).
type listQuery struct {
	State      string        `query:"state" doc:"状态：received、amending、in_review、suspended、concluded、not_accepted、other，或 open（全部未办结）"`
	Respondent string        `query:"respondent" doc:"被申请人名称（完全匹配）"`
	Field      string        `query:"field" doc:"所属领域"`
	ActType    string        `query:"act_type" doc:"行政行为类别"`
	Handler    string        `query:"handler" doc:"承办人用户 ID"`
	Due        int           `query:"due" doc:"N 日内到期（1–365，自然日）"`
	Overdue    string        `query:"overdue" doc:"1：只看下一期限已逾期的案件"`
	Q          string        `query:"q" doc:"收件编号、案号或申请人姓名（包含）"`
	From       calendar.Date `query:"from" doc:"收件日期起"`
	To         calendar.Date `query:"to" doc:"收件日期止"`
	api.PageQuery
}

// apiSpecs is the one list of the module's API operations: routes and their description.
func (m *Module) apiSpecs() []api.Endpoint {
	const tag = "行政复议"
	id := map[string]string{"id": "案件 ID"}
	specs := []api.Endpoint{
		{Op: api.Op{Method: http.MethodGet, Path: "/reconsider/cases", Tag: tag, Perm: PermView, Summary: "查询复议案件",
			Description: "按条件分页查询本人数据范围内的案件；部门联络员只能查到本机关作为被申请人的案件。",
			Query:       listQuery{}, Response: api.List[caseJSON]{}}, Handler: m.apiList},
		{Op: api.Op{Method: http.MethodPost, Path: "/reconsider/cases", Tag: tag, Perm: PermEdit, Summary: "登记复议申请",
			Description: "登记当面、邮寄、联络站转交等方式收到的申请；日期写作 年-月-日（如 2026-01-05）。可能重复的申请照常登记并在 possible_duplicate 中提示。",
			Request:     Intake{}, Response: registerJSON{}, Status: http.StatusCreated}, Handler: m.apiRegister},
		{Op: api.Op{Method: http.MethodGet, Path: "/reconsider/cases/{id}", Tag: tag, Perm: PermView, Summary: "复议案件详情",
			Description: "案件、法定期限及依据、办理过程、中止、听证、参加人、意见书、文书和附件。", PathParams: id, Response: detailJSON{}}, Handler: m.apiDetail},
		{Op: api.Op{Method: http.MethodGet, Path: "/reconsider/cases/{id}/files/{file}", Tag: tag, Perm: PermView, Summary: "下载案件附件",
			PathParams: map[string]string{"id": "案件 ID", "file": "附件 ID"}, ResponseType: "application/octet-stream"}, Handler: m.caseDownload},
	}
	mount := action.Mount[*Case]{Base: "/reconsider/cases/{id}", Tag: tag, PathParams: id, Response: caseJSON{},
		Doc: "请求体字段与办理页面表单相同；on 为办理日期（年-月-日，缺省为当日），version 为读取时的案件版本（0 = 不校验）。成功时返回办理后的案件。",
		Respond: func(w http.ResponseWriter, r *http.Request, c *Case) error {
			return web.WriteJSON(w, http.StatusOK, m.caseJSON(c))
		}}
	for _, e := range m.caseActions().Endpoints(mount) {
		specs = append(specs, e)
		if e.Op.Path == mount.Base+"/hearing" { // its name before the glossary rename, kept for existing clients
			old := e.Op
			old.Path = mount.Base + "/session"
			old.Summary += "（旧名，同 hearing）"
			specs = append(specs, api.Endpoint{Op: old, Handler: e.Handler})
		}
	}
	return specs
}

func (m *Module) apiList(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	q := r.URL.Query()
	f, fe := parseFilter(q)
	per := 20
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			fe.Add("per_page", "每页条数应为1至100")
		}
		per = n
	}
	if err := fe.Err(); err != nil {
		return err
	}
	page, limit, offset := web.Paging(q, per)
	f.Limit, f.Offset = limit, offset
	cases, total, err := m.svc.List(r.Context(), p, f)
	if err != nil {
		return err
	}
	items := make([]caseJSON, 0, len(cases))
	for _, c := range cases {
		items = append(items, m.caseJSON(c))
	}
	return web.WriteJSON(w, http.StatusOK, api.NewList(items, total.N, page, per))
}

type registerJSON struct {
	Receipt
	LateApplication bool   `json:"late_application"`
	ApplicationDue  string `json:"application_due"`
}

func (m *Module) apiRegister(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	var in Intake
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	// Idempotency-Key: a client retrying a create it did not hear back from gets the first case.
	if key := strings.TrimSpace(r.Header.Get("Idempotency-Key")); key != "" {
		if len(key) > 100 {
			return fault.Invalidf("Idempotency-Key 不能超过100个字符")
		}
		in.SubmitKey = "api:" + p.UserID + ":" + key
	}
	rec, err := m.svc.Register(r.Context(), p, in)
	if err != nil {
		return err
	}
	c, err := m.svc.Get(r.Context(), p, rec.CaseID)
	if err != nil {
		return err
	}
	late, due, err := m.svc.LateApplication(r.Context(), c)
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/reconsider/cases/"+rec.CaseID)
	status := http.StatusCreated
	if rec.Repeat {
		status = http.StatusOK
	}
	return web.WriteJSON(w, status, registerJSON{Receipt: rec, LateApplication: late, ApplicationDue: due.String()})
}

func (m *Module) apiDetail(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	d, err := m.svc.Detail(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	out, err := m.detailJSON(r.Context(), p, d)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, out)
}
