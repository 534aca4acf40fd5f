package review

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fazhi/fazhi/internal/action"
	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/web"
)

// transitions lists the steps of a request in the order of its page: each is a form on the
// request page (POST /review/requests/{id}/{name}) and POST /api/v1/review/requests/{id}/{name}.
func (m *Module) transitions() action.List[*Request] {
	s := m.svc
	return action.List[*Request]{
		action.New("resubmit", "补充材料后重新报送", PermRead, func(ctx context.Context, p *auth.Principal, id string, in *ResubmitInput) (*Request, error) {
			fm := formMaterialsFrom(ctx)
			if in.Files = fm.files; strings.TrimSpace(in.Draft) == "" {
				in.Draft = fm.draft
			}
			return s.Resubmit(ctx, p, id, *in)
		}).Describe("报送单位补充材料后重新报送。").Done("已补充材料并重新报送"),
		action.New("check", "审查送审材料", PermRead, func(ctx context.Context, p *auth.Principal, id string, in *CheckInput) (*Request, error) {
			return s.Check(ctx, p, id, *in)
		}).Describe("材料不齐则退回（missing 列明所缺材料），齐全则受理并可同时指定审查人员。").DoneWith(func(r *Request) string {
			if r.State == StateReturned {
				return "材料不齐，已退回补充：" + strings.Join(r.Missing, "；")
			}
			return "材料齐全，已受理审查"
		}),
		action.New("assign", "指定审查人员", PermRead, func(ctx context.Context, p *auth.Principal, id string, in *AssignInput) (*Request, error) {
			return s.Assign(ctx, p, id, *in)
		}).Describe("指定审查员；双重审核事项同时指定法律顾问。").Done("已指定审查人员"),
		action.New("assessment", "提交审查意见", PermRead, func(ctx context.Context, p *auth.Principal, id string, in *AssessInput) (*Request, error) {
			return s.SubmitAssessment(ctx, p, id, *in)
		}).Describe("提交后冻结；另一方提交前双方互不可见。").Done("审查意见已提交"),
		action.New("extend", "延长审查期限", PermRead, func(ctx context.Context, p *auth.Principal, id string, in *ExtendInput) (*Request, error) {
			return s.Extend(ctx, p, id, *in)
		}).Describe("经负责人批准延长，累计不超过机关设置。").Done("已延长审查期限"),
		action.New("conclude", "出具审核意见书", PermRead, func(ctx context.Context, p *auth.Principal, id string, in *ConcludeInput) (*Request, error) {
			return s.Conclude(ctx, p, id, *in)
		}).Describe("结论：agree 同意、agree_amended 修改后同意、disagree 不同意、defer 暂缓；意见依次编号。").Done("已出具审核意见书"),
		action.Form(action.New("answer", "反馈意见采纳情况", PermRead, func(ctx context.Context, p *auth.Principal, id string, in *AnswerInput) (*Request, error) {
			return s.Answer(ctx, p, id, *in)
		}).Describe("报送单位逐条反馈：adopted 采纳、partly 部分采纳、rejected 不采纳（后两者须说明理由）。").Done("已反馈意见采纳情况"),
			func(vals url.Values, in *AnswerInput) { // the page has one row per opinion: answer_<id>, reason_<id>
				for _, oid := range vals["opinion_id"] {
					in.Answers = append(in.Answers, AnswerItem{OpinionID: oid, Answer: Answer(vals.Get("answer_" + oid)), Reason: vals.Get("reason_" + oid)})
				}
			}),
		action.New("withdraw", "撤回", PermRead, func(ctx context.Context, p *auth.Principal, id string, in *Step) (*Request, error) {
			return s.Withdraw(ctx, p, id, *in)
		}).Describe("报送单位或司法局在出具意见前撤回。").Done("已撤回"),
	}
}

// apiSpecs is the one list of the module's API operations, for the routes and their description.
func (m *Module) apiSpecs() []api.Endpoint {
	const tag = "合法性审查"
	specs := []api.Endpoint{
		{Op: api.Op{Method: http.MethodGet, Path: "/review/requests", Tag: tag, Perm: PermRead, Summary: "审查事项列表",
			Description: "按数据范围列出审查事项：司法局人员看本机关范围，法律顾问只看指派给本人的，部门联络员只看本单位报送的。", Query: listQuery{}, Response: listJSON{}}, Handler: m.apiList},
		{Op: api.Op{Method: http.MethodPost, Path: "/review/requests", Tag: tag, Perm: PermSubmit, Summary: "报送合法性审查",
			Description: "部门联络员报送送审稿及材料；provided 为已提交材料的清单代码。", Request: SubmitInput{}, Response: RequestJSON{}, Status: http.StatusCreated}, Handler: m.apiSubmit},
		{Op: api.Op{Method: http.MethodGet, Path: "/review/requests/{id}", Tag: tag, Perm: PermRead, Summary: "审查事项详情",
			Description: "含材料清单和调用者可见的审查意见（双重审核：双方意见均提交前互不可见）。", Response: DetailJSON{}}, Handler: m.apiGet},
		{Op: api.Op{Method: http.MethodPost, Path: "/review/requests/{id}/opinions", Tag: tag, Perm: PermRead, Summary: "添加一条审查意见",
			Description: "被指派的审查员或法律顾问在提交前逐条添加意见。", Request: OpinionInput{}, Response: OpinionJSON{}, Status: http.StatusCreated}, Handler: m.apiOpinion},
	}
	mount := action.Mount[*Request]{Base: "/review/requests/{id}", Tag: tag, Response: RequestJSON{},
		Respond: func(w http.ResponseWriter, r *http.Request, req *Request) error {
			return web.WriteJSON(w, http.StatusOK, toJSON(req))
		}}
	for _, e := range m.transitions().Endpoints(mount) {
		specs = append(specs, e)
	}
	return specs
}

type listQuery struct {
	Kind  string `query:"kind" doc:"类别：normdoc、decision、contract、meeting、enforcement"`
	State string `query:"state" doc:"状态：submitted、returned、in_review、concluded、withdrawn"`
	Open  string `query:"open" doc:"1 = 仅办理中"`
	Q     string `query:"q" doc:"名称、收件号或文号"`
	Year  int    `query:"year" doc:"报送年度"`
	Page  int    `query:"page" doc:"页码，从 1 开始"`
}

type listJSON struct {
	Total   int           `json:"total"`
	Page    int           `json:"page"`
	PerPage int           `json:"per_page"`
	Items   []RequestJSON `json:"items"`
}

// RequestJSON is a review request as the API shows it.
type RequestJSON struct {
	ID              string        `json:"id"`
	ReceiptNo       string        `json:"receipt_no" doc:"收件号"`
	Number          string        `json:"number" doc:"审核意见书文号"`
	Kind            Kind          `json:"kind"`
	KindLabel       string        `json:"kind_label"`
	Title           string        `json:"title"`
	Submitter       string        `json:"submitter" doc:"报送单位"`
	State           State         `json:"state"`
	StateLabel      string        `json:"state_label"`
	SubmittedOn     calendar.Date `json:"submitted_on"`
	AcceptedOn      calendar.Date `json:"accepted_on"`
	Missing         []string      `json:"missing" doc:"退回补充的材料"`
	Reviewer        string        `json:"reviewer"`
	Advisor         string        `json:"advisor"`
	Dual            bool          `json:"dual" doc:"双重审核"`
	ConcludedOn     calendar.Date `json:"concluded_on"`
	Conclusion      Conclusion    `json:"conclusion"`
	ConclusionLabel string        `json:"conclusion_label"`
	NextDue         calendar.Date `json:"next_due" doc:"最近的期限"`
	Version         int           `json:"version"`
}

func toJSON(r *Request) RequestJSON {
	return RequestJSON{ID: r.ID, ReceiptNo: r.ReceiptNo, Number: r.OpinionNumber, Kind: r.Kind, KindLabel: r.Kind.Label(), Title: r.Title, Submitter: r.SubmitterOrgan,
		State: r.State, StateLabel: r.State.Label(), SubmittedOn: r.SubmittedOn, AcceptedOn: r.AcceptedOn, Missing: r.Missing, Reviewer: r.ReviewerName,
		Advisor: r.AdvisorName, Dual: r.Dual, ConcludedOn: r.ConcludedOn, Conclusion: r.Conclusion, ConclusionLabel: r.Conclusion.Label(), NextDue: r.Due.Next, Version: r.Version}
}

// OpinionJSON is one visible opinion.
type OpinionJSON struct {
	ID           string `json:"id"`
	Role         Role   `json:"role"`
	No           int    `json:"no" doc:"审核意见书中的编号，0 = 未列入或尚未出具"`
	Seq          int    `json:"seq"`
	Content      string `json:"content"`
	Basis        string `json:"basis"`
	Answer       Answer `json:"answer"`
	AnswerReason string `json:"answer_reason"`
}

// MaterialJSON is one checklist item.
type MaterialJSON struct {
	Code     string `json:"code"`
	Name     string `json:"name"`
	Required bool   `json:"required"`
	Provided bool   `json:"provided"`
}

// DetailJSON is a request with its materials and visible opinions.
type DetailJSON struct {
	RequestJSON
	Materials     []MaterialJSON  `json:"materials"`
	Opinions      []OpinionJSON   `json:"opinions"`
	AssessmentsIn map[string]bool `json:"assessments_in" doc:"各审查角色是否已提交意见"`
}

func (m *Module) apiList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	page, limit, offset := web.Paging(q, 50)
	year, _ := strconv.Atoi(q.Get("year"))
	items, total, err := m.svc.List(r.Context(), auth.From(r.Context()), Filter{Kind: Kind(q.Get("kind")), State: State(q.Get("state")), Open: q.Get("open") == "1",
		Query: q.Get("q"), Year: year, Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	out := listJSON{Total: total, Page: page, PerPage: limit, Items: []RequestJSON{}}
	for _, it := range items {
		out.Items = append(out.Items, toJSON(it))
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

func (m *Module) apiSubmit(w http.ResponseWriter, r *http.Request) error {
	var in SubmitInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	req, err := m.svc.Submit(r.Context(), auth.From(r.Context()), in)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, toJSON(req))
}

func (m *Module) apiGet(w http.ResponseWriter, r *http.Request) error {
	d, err := m.svc.Detail(r.Context(), auth.From(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := DetailJSON{RequestJSON: toJSON(d.Request), Materials: []MaterialJSON{}, Opinions: []OpinionJSON{}, AssessmentsIn: map[string]bool{}}
	for _, o := range d.Opinions {
		out.Opinions = append(out.Opinions, OpinionJSON{ID: o.ID, Role: o.Role, No: o.FinalNo, Seq: o.Seq, Content: o.Content, Basis: o.Basis, Answer: o.Answer, AnswerReason: o.AnswerReason})
	}
	for _, mt := range d.Materials {
		out.Materials = append(out.Materials, MaterialJSON{Code: mt.Code, Name: mt.Name, Required: mt.Required, Provided: mt.Provided})
	}
	for role, in := range d.Status {
		out.AssessmentsIn[string(role)] = in
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

func (m *Module) apiOpinion(w http.ResponseWriter, r *http.Request) error {
	var in OpinionInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	o, err := m.svc.AddOpinion(r.Context(), auth.From(r.Context()), r.PathValue("id"), in)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusCreated, OpinionJSON{ID: o.ID, Role: o.Role, Seq: o.Seq, Content: o.Content, Basis: o.Basis})
}
