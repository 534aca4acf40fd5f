package litigation

import (
	"context"
	"net/http"
	"strconv"

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
		action.New("appearance", "记录出庭情况", PermAnswer, func(ctx context.Context, p *auth.Principal, id string, in *AppearanceInput) (*Case, error) {
			return m.RecordAppearance(ctx, p, id, *in)
		}).Describe("负责人出庭的填写姓名与职务；不出庭的填写第八条理由和委托的工作人员，不得仅委托律师（行诉法解释第一百二十八条）。"),
		action.New("decide", "裁判（法院）", PermCourt, func(ctx context.Context, p *auth.Principal, id string, in *DecisionInput) (*Case, error) {
			return m.Decide(ctx, p, id, *in, nil)
		}),
		action.New("appeal", "上诉决定（附批准人）", PermAnswer, func(ctx context.Context, p *auth.Principal, id string, in *AppealInput) (*Case, error) {
			return m.DecideAppeal(ctx, p, id, *in)
		}),
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
	specs = append(specs, m.transitions().Endpoints(mount)...)
	api.Mount(app, reg, specs)
}

func (m *Module) writeCase(w http.ResponseWriter, r *http.Request, c *Case) error {
	ds, err := m.Deliveries(r.Context(), m.d.DB, c.ID)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, CaseJSON{Case: c, Deliveries: ds, Deadlines: c.LiveDeadlines()})
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
