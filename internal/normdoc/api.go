package normdoc

import (
	"context"
	"net/http"

	"github.com/fazhi/fazhi/internal/action"
	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/web"
)

// filingInput names the 备案 a filing step is about.
type filingInput struct {
	FilingInput
	FilingID string `json:"filing_id" required:"true" doc:"备案 ID（见详情 filings）"`
}

// transitions lists the steps of a registered document in the order of its page: each is a form
// on the document page (POST /normdoc/docs/{id}/{name}) and POST /api/v1/normdoc/docs/{id}/{name}.
func (m *Module) transitions() action.List[*Doc] {
	s := m.svc
	return action.List[*Doc]{
		action.New("publish", "统一印发、公布", PermEdit, func(ctx context.Context, p *auth.Principal, id string, in *PublishInput) (*Doc, error) {
			return s.Publish(ctx, p, id, *in)
		}).Describe("on 为公布日期；施行日期缺省按本机关设置。公布后生成备案期限。").Done("已公布，备案期限已生成"),
		action.New("filing", "记录备案情况", PermEdit, func(ctx context.Context, p *auth.Principal, id string, in *filingInput) (*Doc, error) {
			return s.RecordFiling(ctx, p, id, in.FilingID, in.FilingInput)
		}).Describe("stage：sent 报送、received 备案机关接收、feedback 审查意见（result：ok 准予备案、correct 要求纠正）。").Done("已记录备案情况"),
		action.New("evaluate", "有效期届满前评估", PermEdit, func(ctx context.Context, p *auth.Principal, id string, in *EvaluateInput) (*Doc, error) {
			return s.Evaluate(ctx, p, id, *in)
		}).Describe("evaluation：continue 继续有效（重新计算有效期）、amend 需要修改、expire 到期失效。").Done("已记录评估结论"),
		action.New("publish_renewal", "继续有效后重新公布", PermEdit, func(ctx context.Context, p *auth.Principal, id string, in *RenewalInput) (*Doc, error) {
			return s.PublishRenewal(ctx, p, id, *in)
		}).Describe("评估为继续有效的文件须重新公布（on 为公布日期，不晚于有效期届满之日）；有效期自原期限届满次日起重新计算，并重新生成备案期限。").Done("已重新公布，备案期限已生成"),
		action.New("legacy_filings", "录入历史文件备案情况", PermEdit, func(ctx context.Context, p *auth.Principal, id string, in *casework.Step) (*Doc, error) {
			return s.LegacyFilings(ctx, p, id, *in)
		}).Describe("为登记为历史文件的规范性文件生成备案记录，以便录入报送、接收和审查意见。").Done("已生成备案记录，请录入报送情况"),
		action.New("end", "废止或宣布失效", PermEdit, func(ctx context.Context, p *auth.Principal, id string, in *EndInput) (*Doc, error) {
			return s.End(ctx, p, id, *in)
		}).Describe("status：repealed 废止、expired 宣布失效；basis 为决定文号或会议。").Done("已记录文件状态变化"),
		action.New("amended", "记录被其他文件修改", PermEdit, func(ctx context.Context, p *auth.Principal, id string, in *AmendInput) (*Doc, error) {
			return s.MarkAmended(ctx, p, id, *in)
		}).Describe("by_id 为已公布的修改文件；text 为修改后的本文件全文，缺省以修改文件全文为准。").Done("已记录修改情况"),
		action.New("revise", "修订文本（新版本）", PermEdit, func(ctx context.Context, p *auth.Principal, id string, in *ReviseInput) (*Doc, error) {
			return s.ReviseText(ctx, p, id, *in)
		}).Describe("保存新版本全文；已公布的文件须在 note 中写明勘误说明。").Done("已保存新版本"),
	}
}

// apiSpecs is the one list of the module's API operations, for the routes and their description.
func (m *Module) apiSpecs() []api.Endpoint {
	const tag = "规范性文件"
	specs := []api.Endpoint{
		{Op: api.Op{Method: http.MethodGet, Path: "/normdoc/docs", Tag: tag, Perm: PermRead, Summary: "登记的规范性文件",
			Description: "按数据范围列出登记的文件（含未公布的）；部门只看本单位制定或起草的。", Query: listQuery{}, Response: listJSON{}}, Handler: m.apiList},
		{Op: api.Op{Method: http.MethodGet, Path: "/normdoc/stats", Tag: tag, Perm: auth.PermStatsRead, Summary: "合法性审查与规范性文件年度统计",
			Description: "与 fazhi stats normdoc --format json 相同的口径（见 normdoc.Stats）。organ 为机关 ID，缺省为本人所属人民政府。", Query: statsQuery{}, Response: Stats{}}, Handler: m.apiStats},
		{Op: api.Op{Method: http.MethodGet, Path: "/normdoc/docs/{id}", Tag: tag, Perm: PermRead, Summary: "规范性文件详情",
			Description: "现行文本、效力变化和备案情况。", Response: DocDetailJSON{}}, Handler: m.apiGet},
		{Op: api.Op{Method: http.MethodGet, Path: "/public/normdocs", Tag: tag, Perm: auth.PermPublic, Summary: "公开的规范性文件",
			Description: "无需登录；只列已公布的文件。", Query: listQuery{}, Response: listJSON{}}, Handler: m.apiPublicList},
	}
	mount := action.Mount[*Doc]{Base: "/normdoc/docs/{id}", Tag: tag, PathParams: map[string]string{"id": "文件 ID"}, Response: DocJSON{},
		Doc: "请求体字段与文件页面表单相同；on 为办理日期（年-月-日，缺省为当日），version 为读取时的版本（0 = 不校验）。成功时返回办理后的文件。",
		Respond: func(w http.ResponseWriter, r *http.Request, d *Doc) error {
			return web.WriteJSON(w, http.StatusOK, docJSON(d, m.svc.Today()))
		}}
	for _, e := range m.transitions().Endpoints(mount) {
		specs = append(specs, e)
	}
	return specs
}

type listQuery struct {
	Organ string `query:"organ" doc:"制定机关 ID"`
	Below string `query:"below" doc:"1 = 含下级机关"`
	Year  int    `query:"year" doc:"公布年度"`
	State string `query:"status" doc:"in_force 有效、amended 已修改、repealed 废止、expired 失效、registered 待公布"`
	Topic string `query:"topic" doc:"主题"`
	Q     string `query:"q" doc:"标题、文号或关键词"`
	Page  int    `query:"page" doc:"页码，从 1 开始"`
}

type statsQuery struct {
	Organ string `query:"organ" doc:"机关 ID"`
	Year  int    `query:"year" doc:"年度，缺省为今年"`
}

type listJSON struct {
	Total   int       `json:"total"`
	Page    int       `json:"page"`
	PerPage int       `json:"per_page"`
	Items   []DocJSON `json:"items"`
}

// DocJSON is a document as the API shows it.
type DocJSON struct {
	ID          string        `json:"id"`
	Number      string        `json:"number" doc:"文号"`
	Title       string        `json:"title"`
	OrganID     string        `json:"organ_id"`
	Organ       string        `json:"organ" doc:"制定机关"`
	State       State         `json:"status"`
	StateLabel  string        `json:"status_label"`
	SignedOn    calendar.Date `json:"signed_on"`
	PublishedOn calendar.Date `json:"published_on"`
	EffectiveOn calendar.Date `json:"effective_on"`
	ExpiresOn   calendar.Date `json:"expires_on" doc:"有效期最后一日"`
	Keywords    []string      `json:"keywords"`
	Topics      []string      `json:"topics"`
	AmendedBy   string        `json:"amended_by" doc:"修改本文件的文件 ID"`
	Amends      string        `json:"amends" doc:"本文件修改的文件 ID"`
	Version     int           `json:"version" doc:"现行文本版本号"`
	URL         string        `json:"url"`
}

func docJSON(d *Doc, today calendar.Date) DocJSON {
	return DocJSON{ID: d.ID, Number: d.Number, Title: d.Title, OrganID: d.OrganID, Organ: d.OrganName, State: d.State, StateLabel: d.StateText(today),
		SignedOn: d.SignedOn, PublishedOn: d.PublishedOn, EffectiveOn: d.EffectiveOn, ExpiresOn: d.ExpiresOn, Keywords: d.KeywordList(), Topics: d.TopicList(),
		AmendedBy: d.AmendedByID, Amends: d.AmendsID, Version: d.CurrentVersion, URL: "/public/normdocs/" + d.ID}
}

// FilingJSON is one 备案.
type FilingJSON struct {
	ID         string        `json:"id"`
	Body       string        `json:"body" doc:"备案机关"`
	DueOn      calendar.Date `json:"due_on"`
	SentOn     calendar.Date `json:"sent_on"`
	ReceivedOn calendar.Date `json:"received_on"`
	Result     string        `json:"result" doc:"ok 准予备案，correct 要求纠正"`
	Feedback   string        `json:"feedback"`
	State      string        `json:"state"`
	Overdue    bool          `json:"overdue"`
}

// StateJSON is one entry of the status timeline.
type StateJSON struct {
	State State         `json:"status"`
	Label string        `json:"label"`
	From  calendar.Date `json:"from"`
	Note  string        `json:"note"`
	Ref   string        `json:"ref" doc:"相关文件 ID"`
}

// DocDetailJSON is a document with its text, timeline and filings.
type DocDetailJSON struct {
	DocJSON
	Text     string       `json:"text"`
	Filings  []FilingJSON `json:"filings"`
	Timeline []StateJSON  `json:"timeline"`
}

func (m *Module) apiListWith(w http.ResponseWriter, r *http.Request, public bool) error {
	q := r.URL.Query()
	page, limit, offset := web.Paging(q, 50)
	f := filterFrom(q)
	f.Limit, f.Offset = limit, offset
	var items []*Doc
	var total int
	var err error
	if public {
		f.FilingOverdue, f.Expiring = false, false
		items, total, err = m.svc.PublicList(r.Context(), f)
	} else {
		items, total, err = m.svc.List(r.Context(), auth.From(r.Context()), f)
	}
	if err != nil {
		return err
	}
	out := listJSON{Total: total, Page: page, PerPage: limit, Items: []DocJSON{}}
	for _, d := range items {
		out.Items = append(out.Items, docJSON(d, m.svc.Today()))
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

func (m *Module) apiList(w http.ResponseWriter, r *http.Request) error {
	return m.apiListWith(w, r, false)
}

func (m *Module) apiPublicList(w http.ResponseWriter, r *http.Request) error {
	return m.apiListWith(w, r, true)
}

func (m *Module) apiGet(w http.ResponseWriter, r *http.Request) error {
	d, err := m.svc.Detail(r.Context(), auth.From(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := DocDetailJSON{DocJSON: docJSON(d.Doc, d.Today), Text: d.Text.Body, Filings: []FilingJSON{}, Timeline: []StateJSON{}}
	for _, f := range d.Filings {
		out.Filings = append(out.Filings, FilingJSON{ID: f.ID, Body: f.BodyName, DueOn: f.DueOn, SentOn: f.SentOn, ReceivedOn: f.ReceivedOn, Result: f.Result,
			Feedback: f.Feedback, State: f.StateLabel(d.Today), Overdue: f.Overdue(d.Today)})
	}
	for _, e := range d.Timeline {
		out.Timeline = append(out.Timeline, StateJSON{State: e.State, Label: e.State.Label(), From: e.From, Note: e.Note, Ref: e.RefID})
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

func (m *Module) apiStats(w http.ResponseWriter, r *http.Request) error {
	st, err := m.statsFor(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, st)
}
