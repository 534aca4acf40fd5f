package litigation

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fazhi/fazhi/internal/action"
	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/web"
)

// CaseJSON is a case with its exchange thread and running deadlines.
type CaseJSON struct {
	*Case
	Deliveries []Delivery `json:"deliveries"`
	Deadlines  []Deadline `json:"deadlines"`
}

type listQuery struct {
	State         string `query:"state" doc:"状态：registered、assigned、answered、hearing、decided、appealed、effective、performed、archived"`
	Instance      string `query:"instance" doc:"审级：first、second、retrial"`
	Field         string `query:"field" doc:"领域"`
	ActType       string `query:"act_type" doc:"行政行为类别"`
	Defendant     string `query:"defendant" doc:"被告（含共同被告）名称"`
	Court         string `query:"court" doc:"法院名称"`
	Lost          string `query:"lost" doc:"1 = 只列败诉案件"`
	HearingWithin int    `query:"hearing_within" doc:"N 日内开庭"`
	AnswerWithin  int    `query:"answer_within" doc:"N 日内答辩期限届满"`
}

// transitions are the case's actions without uploads, for the API (and the case page's forms).
func (m *Module) transitions() action.List[*Case] {
	return action.List[*Case]{
		action.New("sign", "签收送达文书（被告机关）", PermAnswer, func(ctx context.Context, p *auth.Principal, id string, in *SignInput) (*Case, error) {
			return m.Sign(ctx, p, id, *in)
		}).Describe("签收之时即为送达：收到起诉状副本的，答辩期限自次日起算（行政诉讼法第六十七条）；收到判决、裁定的，上诉期限起算（第八十五条）。"),
		action.New("draft", "答辩状初稿报司法局", PermAnswer, func(ctx context.Context, p *auth.Principal, id string, in *DraftInput) (*Case, error) {
			return m.SubmitDraft(ctx, p, id, *in)
		}),
		action.New("review", "司法局审核意见", PermEdit, func(ctx context.Context, p *auth.Principal, id string, in *ReviewInput) (*Case, error) {
			return m.Review(ctx, p, id, *in)
		}),
		action.New("court_sign", "签收被告提交的材料（法院）", PermCourt, func(ctx context.Context, p *auth.Principal, id string, in *SignInput) (*Case, error) {
			return m.CourtSign(ctx, p, id, *in)
		}),
		action.New("hearing", "出庭通知（法院）", PermCourt, func(ctx context.Context, p *auth.Principal, id string, in *HearingInput) (*Case, error) {
			return m.ScheduleHearing(ctx, p, id, *in)
		}).Describe("开庭日期不得早于通知之日后第三日（出庭规定第五条第二款）。"),
		action.Form(action.New("appearance", "记录出庭情况", PermAnswer, func(ctx context.Context, p *auth.Principal, id string, in *AppearanceInput) (*Case, error) {
			return m.RecordAppearance(ctx, p, id, *in)
		}), delegatesFromForm).Describe("负责人出庭的填写姓名与职务；不出庭的填写第八条理由和委托的工作人员，不得仅委托律师（行诉法解释第一百二十八条）。"),
		action.New("answer", "提交答辩状及证据（被告机关）", PermAnswer, func(ctx context.Context, p *auth.Principal, id string, in *AnswerInput) (*Case, error) {
			return m.SubmitAnswer(ctx, p, id, *in, docsFrom(ctx))
		}).WithFiles("答辩状及证据").Describe("被告应当在收到起诉状副本之日起十五日内提交作出行政行为的证据和所依据的规范性文件，并提出答辩状（行政诉讼法第六十七条）。"),
		action.New("decide", "裁判（法院）", PermCourt, func(ctx context.Context, p *auth.Principal, id string, in *DecisionInput) (*Case, error) {
			return m.Decide(ctx, p, id, *in, docsFrom(ctx))
		}).WithFiles("裁判文书").Describe("on 为裁判日期（结案日期）；被告签收裁判文书之时起算上诉期限（行政诉讼法第八十五条）。"),
		action.New("appeal", "上诉决定（附批准人）", PermAnswer, func(ctx context.Context, p *auth.Principal, id string, in *AppealInput) (*Case, error) {
			return m.DecideAppeal(ctx, p, id, *in)
		}),
		action.New("effective", "裁判生效（双方均未上诉）", PermView, func(ctx context.Context, p *auth.Principal, id string, in *EffectiveInput) (*Case, error) {
			return m.Effective(ctx, p, id, *in)
		}).Describe("逾期不提起上诉的，第一审判决或者裁定发生法律效力（行政诉讼法第八十五条）；on 为生效日期，须在上诉期限届满之后。法院联络员或司法局记录。"),
		action.New("link", "关联前审级案件（同一案件）", PermView, func(ctx context.Context, p *auth.Principal, id string, in *LinkInput) (*Case, error) {
			return m.LinkMatter(ctx, p, id, *in)
		}).Describe("二审、再审案件填写一审（或二审）案号，两案成为同一案件的不同审级，各自页面列出全部审级。"),
		action.New("perform", "履行生效裁判", PermAnswer, func(ctx context.Context, p *auth.Principal, id string, in *PerformInput) (*Case, error) {
			return m.Perform(ctx, p, id, *in)
		}).Describe("当事人必须履行人民法院发生法律效力的判决、裁定、调解书（行政诉讼法第九十四条）。on 为履行完毕之日。"),
	}.Before(action.StepFirst(m.Today))
}

// Register adds the module's API operations and its menu entry.
func (m *Module) Register(app *web.App, reg *api.Registry) {
	const tag = "行政应诉"
	specs := []api.Endpoint{
		{Op: api.Op{Method: http.MethodGet, Path: "/litigation/cases", Tag: tag, Perm: PermView, Summary: "应诉案件",
			Description: "按数据范围列出：被告机关及共同被告看本机关的，司法局看本级人民政府及所属部门的，法院联络员只看本院的。", Query: listQuery{}, Response: []*Case{}}, Handler: m.apiList},
		{Op: api.Op{Method: http.MethodGet, Path: "/litigation/cases/{id}", Tag: tag, Perm: PermView, Summary: "应诉案件详情",
			Description: "当事人、开庭与出庭、送达往来（含内容哈希与签收时间）和在途期限（附条文）。", Response: CaseJSON{}}, Handler: m.apiGet},
	}
	mount := action.Mount[*Case]{Base: "/litigation/cases/{id}", Tag: tag, PathParams: map[string]string{"id": "案件 ID"}, Response: CaseJSON{},
		Doc: "on 为办理日期（YYYY-MM-DD，缺省为当日；签收一律为当时），version 为读取时的版本（0 = 不校验）。",
		Respond: func(w http.ResponseWriter, r *http.Request, c *Case) error {
			return m.writeCase(w, r, c)
		}}
	var plain action.List[*Case]
	for _, a := range m.transitions() {
		if a.FileLabel == "" {
			plain = append(plain, a)
		}
	}
	specs = append(specs, plain.Endpoints(mount)...)
	// Steps that carry documents take multipart/form-data: the same fields as the page's form.
	ids := map[string]string{"id": "案件 ID"}
	specs = append(specs, api.Endpoint{Op: api.Op{Method: http.MethodPost, Path: "/litigation/cases", Tag: tag, Perm: PermRegister, Summary: "登记应诉案件（法院上传起诉状副本、应诉通知书、举证通知书）",
		Description: "法院联络员登记本院案件并上传三份文书，送达被告机关待签收；司法局登记纸质送达的案件，填写收到起诉状副本的日期。",
		Request:     registerUpload{}, RequestType: "multipart/form-data", Response: CaseJSON{}, Status: http.StatusCreated},
		Handler: func(w http.ResponseWriter, r *http.Request) error {
			c, err := m.registerFrom(r)
			if err != nil {
				return err
			}
			return m.writeCaseStatus(w, r, c, http.StatusCreated)
		}})
	uploads := map[string]any{"answer": answerUpload{}, "decide": decideUpload{}}
	for _, a := range m.transitions() {
		if a.FileLabel == "" {
			continue
		}
		a := a
		specs = append(specs, api.Endpoint{Op: api.Op{Method: http.MethodPost, Path: "/litigation/cases/{id}/" + a.Name, Tag: tag, Perm: a.Perm, Summary: a.Title,
			Description: a.Doc, PathParams: ids, Request: uploads[a.Name], RequestType: "multipart/form-data", Response: CaseJSON{}},
			Handler: func(w http.ResponseWriter, r *http.Request) error {
				c, err := m.runUpload(r, a)
				if err != nil {
					return err
				}
				return m.writeCase(w, r, c)
			}})
	}
	specs = append(specs, api.Endpoint{Op: api.Op{Method: http.MethodGet, Path: "/litigation/cases/{id}/deliveries/{did}", Tag: tag, Perm: PermView, Summary: "下载送达文书",
		Description: "只能下载本人可见案件的文书；每次下载记入审计日志。", PathParams: map[string]string{"id": "案件 ID", "did": "送达记录 ID"},
		ResponseType: "application/octet-stream"}, Handler: m.download})
	api.Mount(app, reg, specs)
	m.registerPages(app)
}

func (m *Module) writeCase(w http.ResponseWriter, r *http.Request, c *Case) error {
	return m.writeCaseStatus(w, r, c, http.StatusOK)
}

func (m *Module) writeCaseStatus(w http.ResponseWriter, r *http.Request, c *Case, status int) error {
	ds, err := m.Deliveries(r.Context(), m.d.DB, c.ID)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, status, CaseJSON{Case: c, Deliveries: ds, Deadlines: c.LiveDeadlines()})
}

func (m *Module) apiGet(w http.ResponseWriter, r *http.Request) error {
	c, err := m.Case(r.Context(), auth.From(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	return m.writeCase(w, r, c)
}

func (m *Module) apiList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	atoi := func(k string) int { n, _ := strconv.Atoi(q.Get(k)); return n }
	f := Filter{State: q.Get("state"), Instance: q.Get("instance"), Field: q.Get("field"), ActType: q.Get("act_type"), Defendant: q.Get("defendant"),
		Court: q.Get("court"), Lost: q.Get("lost") == "1", HearingWithin: atoi("hearing_within"), AnswerWithin: atoi("answer_within")}
	cs, err := listCases(r.Context(), m.d.DB, auth.From(r.Context()), f, m.Today())
	if err != nil {
		return err
	}
	if cs == nil {
		cs = []*Case{}
	}
	return web.WriteJSON(w, http.StatusOK, cs)
}

// delegatesFromForm reads the page's two name lists (staff, lawyers; 、-separated) into delegates.
func delegatesFromForm(vals url.Values, in *AppearanceInput) {
	for _, k := range []string{"delegate_staff", "delegate_lawyers"} {
		for _, n := range strings.FieldsFunc(vals.Get(k), func(r rune) bool { return r == '、' || r == ',' || r == '，' }) {
			if n = strings.TrimSpace(n); n != "" {
				in.Delegates = append(in.Delegates, Delegate{Name: n, Lawyer: k == "delegate_lawyers"})
			}
		}
	}
}
