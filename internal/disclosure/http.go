package disclosure

import (
	"net/http"
	"strconv"
	"time"

	"github.com/fazhi/fazhi/internal/ratelimit"

	"github.com/fazhi/fazhi/internal/action"
	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/web"
)

const tag = "依申请公开"

// transitions are the steps of a request, declared once for the page forms and /api/v1.
func (m *Module) transitions() action.List[*Request] {
	s := m.svc
	return action.List[*Request]{
		action.New("amend", "一次性告知补正", PermEdit, s.Amend).Done("已发出补正告知"),
		action.New("amended", "收到补正", PermEdit, s.Amended).Done("已收到补正，答复期限重新起算"),
		action.New("abandon", "视为放弃（逾期不补正）", PermEdit, s.Abandon),
		action.New("extend", "延期答复", PermEdit, s.Extend).Done("已延期答复"),
		action.New("consult", "征求意见", PermEdit, s.Consult).Done("已发出征求意见函，所需时间不计入答复期限"),
		action.New("consulted", "收到意见", PermEdit, s.Consulted),
		action.New("fee", "收费通知", PermEdit, s.FeeNotice).DoneWith(func(r *Request) string {
			return "已发出收费通知：信息处理费" + strconv.Itoa(r.FeeAmount) + "元"
		}),
		action.New("fee_paid", "已缴费", PermEdit, s.FeePaid),
		action.New("fee_lapsed", "逾期未缴费不再处理", PermEdit, s.FeeLapsed),
		action.New("reply", "答复", PermEdit, s.Reply).Done("已答复"),
		action.New("deliver", "送达", PermEdit, s.Deliver).Done("已记录送达"),
		action.New("dispute", "复议、诉讼情况", PermEdit, s.Dispute).Done("已记录复议、诉讼情况"),
	}.Before(action.StepFirst(s.Today))
}

// RequestJSON is a request as the API answers.
type RequestJSON struct {
	ID              string `json:"id"`
	ReceiptNo       string `json:"receipt_no"`
	OrganID         string `json:"organ_id"`
	State           string `json:"state"`
	StateLabel      string `json:"state_label"`
	Channel         string `json:"channel"`
	ReceivedOn      string `json:"received_on"`
	ApplicantType   string `json:"applicant_type"`
	ApplicantName   string `json:"applicant_name"`
	Description     string `json:"description"`
	AmendNoticeOn   string `json:"amend_notice_on,omitempty"`
	AmendDue        string `json:"amend_due,omitempty"`
	AmendReceivedOn string `json:"amend_received_on,omitempty"`
	ClockStart      string `json:"clock_start"`
	ExtensionDays   int    `json:"extension_days"`
	ExcludedDays    int    `json:"excluded_days"`
	FeeAmount       int    `json:"fee_amount"`
	FeeDue          string `json:"fee_due,omitempty"`
	FeePaused       bool   `json:"fee_pauses_clock"`
	ReplyType       string `json:"reply_type,omitempty"`
	ReplyRow        string `json:"reply_row,omitempty"`
	ReplyBasis      string `json:"reply_basis,omitempty"`
	RepliedOn       string `json:"replied_on,omitempty"`
	OnTime          bool   `json:"on_time"`
	DueAmendNotice  string `json:"due_amend_notice,omitempty"`
	DueReply        string `json:"due_reply,omitempty"`
	Paused          string `json:"paused,omitempty"`
	NextDue         string `json:"next_due,omitempty"`
	NextRule        string `json:"next_rule,omitempty"`
	Reconsideration string `json:"reconsideration,omitempty"`
	Litigation      string `json:"litigation,omitempty"`
	DisputeRef      string `json:"dispute_ref,omitempty"`
	ReconsiderCase  string `json:"reconsider_case_id,omitempty"`
	LitigationRef   string `json:"litigation_ref,omitempty"`
	LitigationCase  string `json:"litigation_case_id,omitempty"`
	Version         int    `json:"version"`
}

func (m *Module) toJSON(r *Request) RequestJSON {
	dl := ComputeDeadlines(r, m.svc.cal())
	return RequestJSON{ID: r.ID, ReceiptNo: r.ReceiptNo, OrganID: r.OrganID, State: string(r.State), StateLabel: r.State.Label(), Channel: string(r.Channel),
		ReceivedOn: ds(r.ReceivedOn), ApplicantType: string(r.ApplicantType), ApplicantName: r.ApplicantName, Description: r.Description,
		AmendNoticeOn: ds(r.AmendNoticeOn), AmendDue: ds(r.AmendDue), AmendReceivedOn: ds(r.AmendReceivedOn), ClockStart: ds(r.ClockStart()),
		ExtensionDays: r.ExtensionDays, ExcludedDays: dl.Excluded, FeeAmount: r.FeeAmount, FeeDue: ds(r.FeeDue), FeePaused: r.FeePaused,
		ReplyType: string(r.ReplyType), ReplyRow: r.Reply().Title(), ReplyBasis: r.ReplyBasis, RepliedOn: ds(r.RepliedOn), OnTime: r.OnTime,
		DueAmendNotice: ds(dl.AmendNotice), DueReply: ds(dl.Reply), Paused: dl.Paused, NextDue: ds(dl.Next), NextRule: dl.NextRule,
		Reconsideration: r.Reconsideration, Litigation: r.Litigation.String(), DisputeRef: r.DisputeRef, ReconsiderCase: r.ReconsiderCaseID,
		LitigationRef: r.LitigationRef, LitigationCase: r.LitigationCaseID, Version: r.Version}
}

func (m *Module) mount() action.Mount[*Request] {
	return action.Mount[*Request]{Base: "/disclosure/requests/{id}", Tag: tag, PathParams: map[string]string{"id": "申请 ID"}, Response: RequestJSON{},
		Doc: "请求体字段与申请页面表单相同；on 为办理日期（YYYY-MM-DD，缺省为当日），version 为读取时的版本（0 = 不校验）。成功时返回办理后的申请。",
		Respond: func(w http.ResponseWriter, r *http.Request, rec *Request) error {
			return web.WriteJSON(w, http.StatusOK, m.toJSON(rec))
		}}
}

func (m *Module) registerAPI(app *web.App, reg *api.Registry) {
	api.Mount(app, reg, []api.Endpoint{
		{Op: api.Op{Method: http.MethodPost, Path: "/disclosure/requests", Tag: tag, Perm: PermEdit, Summary: "登记政府信息公开申请",
			Description: "工作人员登记当面、邮寄、传真、电子邮件等渠道收到的申请；received_on 为条例第三十一条规定的收到日期。", Request: Intake{}, Response: Receipt{}},
			Handler: func(w http.ResponseWriter, r *http.Request) error {
				var in Intake
				if err := web.DecodeJSON(r, &in); err != nil {
					return err
				}
				rec, err := m.svc.Register(r.Context(), auth.From(r.Context()), &in, false)
				if err != nil {
					return err
				}
				return web.WriteJSON(w, http.StatusCreated, rec)
			}},
		{Op: api.Op{Method: http.MethodGet, Path: "/disclosure/requests/{id}", Tag: tag, Perm: PermView, Summary: "政府信息公开申请",
			PathParams: map[string]string{"id": "申请 ID"}, Response: RequestJSON{}},
			Handler: func(w http.ResponseWriter, r *http.Request) error {
				rec, err := m.svc.Get(r.Context(), auth.From(r.Context()), r.PathValue("id"))
				if err != nil {
					return err
				}
				return web.WriteJSON(w, http.StatusOK, m.toJSON(rec))
			}},
		{Op: api.Op{Method: http.MethodGet, Path: "/disclosure/reports", Tag: tag, Perm: PermView, Summary: "政府信息公开工作年度报告的数字",
			Description: "国办公开办函〔2021〕30号格式的表二、表三、表四及正文；check_error 非空时四项勾稽关系不成立，不能导出或发布。人民政府的报告统计本级政府及其所属机关。",
			Query:       ReportQuery{}, Response: ReportJSON{}},
			Handler: func(w http.ResponseWriter, r *http.Request) error {
				organ, year := m.reportTarget(r)
				rep, v, err := m.svc.AnnualReport(r.Context(), auth.From(r.Context()), organ, year)
				if err != nil {
					return err
				}
				return web.WriteJSON(w, http.StatusOK, ReportJSON{ReportView: v, CheckError: v.CheckErr, Published: !rep.PublishedOn.IsZero()})
			}},
		{Op: api.Op{Method: http.MethodPost, Path: "/public/disclosure/requests", Tag: tag, Perm: auth.PermPublic, Summary: "在线提交政府信息公开申请",
			Description: "无需登录；收到日期为提交之日（条例第三十一条第（三）项）。返回收件编号和查询码（只返回一次）。", Request: Intake{}, Response: Receipt{}},
			Handler: func(w http.ResponseWriter, r *http.Request) error {
				if err := m.intakeLimit(r); err != nil {
					return err
				}
				var in Intake
				if err := web.DecodeJSON(r, &in); err != nil {
					return err
				}
				rec, err := m.svc.Register(r.Context(), nil, &in, true)
				if err != nil {
					return err
				}
				return web.WriteJSON(w, http.StatusCreated, rec)
			}},
	})
}

// intakeRule bounds anonymous submissions per address.
var intakeRule = ratelimit.Rule{Max: 20, Window: time.Hour}

func (m *Module) intakeLimit(r *http.Request) error {
	res, err := m.limits.Hit(r.Context(), "disclosure-intake:"+web.ClientIP(r), intakeRule)
	if err != nil {
		return err
	}
	if !res.Allowed {
		return web.Errorf(http.StatusTooManyRequests, "提交过于频繁，请一小时后再试")
	}
	return nil
}

// ReportQuery are the parameters of the report API.
type ReportQuery struct {
	Organ string `query:"organ" doc:"机关 ID；缺省为当前机关（政府办公室的工作人员为本级人民政府）"`
	Year  int    `query:"year" doc:"年度；缺省为上一年"`
}

// ReportJSON is the report as the API answers: the figures of ReportView and the checks.
type ReportJSON struct {
	*ReportView
	CheckError string `json:"check_error,omitempty"`
	Published  bool   `json:"published"`
}

// lookupRule bounds the progress look-ups and downloads with a query code per address: enough for
// an applicant reading replies and fetching files, far too few to guess a code.
var lookupRule = ratelimit.Rule{Max: 120, Window: time.Hour}

func (m *Module) lookupLimit(r *http.Request) error {
	res, err := m.limits.Hit(r.Context(), "disclosure-lookup:"+web.ClientIP(r), lookupRule)
	if err != nil {
		return err
	}
	if !res.Allowed {
		return web.Errorf(http.StatusTooManyRequests, "查询过于频繁，请一小时后再试")
	}
	return nil
}
