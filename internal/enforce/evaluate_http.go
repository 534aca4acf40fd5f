package enforce

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
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/web"
)

// Pages and API of 案卷评查. The steps of a sampled file are declared once (evalActions): each is
// a form on the file's page and POST /api/v1/enforce/evaluations/{id}/<step>.

func (m *Module) evalActions() action.List[*Evaluation] {
	return action.List[*Evaluation]{
		action.New("assign", "指定评查人员", PermSupervise, func(ctx context.Context, p *auth.Principal, id string, in *AssignInput) (*Evaluation, error) {
			return m.Assign(ctx, p, id, *in)
		}).Describe("评查人员为执法人员，不得来自被评查的执法主体；评分前可更换。").Done("已指定评查人员"),
		action.Form(action.New("score", "评分", PermSupervise, func(ctx context.Context, p *auth.Principal, id string, in *ScoreInput) (*Evaluation, error) {
			return m.Score(ctx, p, id, *in)
		}).Describe("按评查活动的评分表逐项扣分；不符合任一否决项即为不合格，否则按分数线评定优秀、良好、合格、不合格。").DoneWith(func(e *Evaluation) string {
			return "已评分：" + strconv.Itoa(e.Score) + " 分，" + e.GradeLabel()
		}), func(vals url.Values, in *ScoreInput) { // the page has one input per item: deduct_<item name>
			for k, v := range vals {
				name, ok := strings.CutPrefix(k, "deduct_")
				if !ok || strings.TrimSpace(v[0]) == "" {
					continue
				}
				n, err := strconv.Atoi(strings.TrimSpace(v[0]))
				if err != nil {
					n = -1 // named by the range check
				}
				if in.Deductions == nil {
					in.Deductions = map[string]int{}
				}
				in.Deductions[name] = n
			}
		}),
		action.New("send", "反馈评查结果", PermSupervise, func(ctx context.Context, p *auth.Principal, id string, in *casework.Step) (*Evaluation, error) {
			return m.Send(ctx, p, id, *in)
		}).Describe("把评查结果反馈给执法主体；不合格或发现问题的案卷同时下达整改期限（机关设置，默认30日）。").DoneWith(func(e *Evaluation) string {
			if e.State == EvalRectify {
				return "已反馈，整改期限至 " + e.RectifyDue.String()
			}
			return "已反馈评查结果"
		}),
		action.New("rectify", "报送整改情况", PermRecord, func(ctx context.Context, p *auth.Principal, id string, in *RectifyInput) (*Evaluation, error) {
			return m.Rectify(ctx, p, id, *in)
		}).Describe("执法主体报送对评查发现问题的整改情况。").Done("已报送整改情况"),
	}.Before(action.StepFirst(func() calendar.Date { return m.today() }))
}

func (m *Module) registerEvaluationPages(app *web.App) {
	app.GET("/enforce/campaigns", PermView, m.campaignsPage)
	app.POST("/enforce/campaigns", PermSupervise, m.createCampaignForm)
	app.GET("/enforce/campaigns/{id}", PermView, m.campaignPage)
	app.GET("/enforce/campaigns/{id}/sample.json", PermView, m.sampleJSON)
	app.POST("/enforce/campaigns/{id}/draw", PermSupervise, m.drawSampleForm)
	app.POST("/enforce/campaigns/{id}/send", PermSupervise, m.sendAllForm)
	app.GET("/enforce/evaluations/{id}", PermView, m.evaluationPage)
	m.evalActions().FormRoutes(app, "/enforce/evaluations/{id}", m.evalActionForm)
	app.GET("/enforce/sheet", PermSupervise, m.sheetPage)
	app.POST("/enforce/sheet", PermSupervise, m.saveSheetForm)
}

// CampaignView is a campaign with its files.
type CampaignView struct {
	*Campaign
	RuleLabel   string        `json:"rule_label"`
	Evaluations []*Evaluation `json:"evaluations"`
}

func (m *Module) campaignView(ctx context.Context, p *auth.Principal, id string) (*CampaignView, error) {
	c, err := m.Campaign(ctx, m.d.DB, p, id)
	if err != nil {
		return nil, err
	}
	es, err := m.Evaluations(ctx, p, c.ID, "")
	if es == nil {
		es = []*Evaluation{}
	}
	return &CampaignView{c, c.Rule.Label(), es}, err
}

func (m *Module) evaluationEndpoints() []api.Endpoint {
	const tag = "行政执法监督"
	op := func(method, path, summary string, perm auth.Perm, req, resp any) api.Op {
		return api.Op{Method: method, Path: path, Summary: summary, Tag: tag, Perm: perm, Request: req, Response: resp}
	}
	eps := []api.Endpoint{
		{Op: op("GET", "/enforce/campaigns", "案卷评查活动列表", PermView, nil, api.List[*Campaign]{}), Handler: func(w http.ResponseWriter, r *http.Request) error {
			cs, err := m.Campaigns(r.Context(), auth.From(r.Context()))
			if err != nil {
				return err
			}
			return web.WriteJSON(w, http.StatusOK, api.NewList(cs, len(cs), 1, max(len(cs), 1)))
		}},
		{Op: op("POST", "/enforce/campaigns", "建立案卷评查活动（公布种子承诺值和案卷库摘要）", PermSupervise, CampaignInput{}, Campaign{}), Handler: decodeThen(m.CreateCampaign)},
		{Op: op("GET", "/enforce/campaigns/{id}", "案卷评查活动及其案卷", PermView, nil, CampaignView{}), Handler: func(w http.ResponseWriter, r *http.Request) error {
			v, err := m.campaignView(r.Context(), auth.From(r.Context()), r.PathValue("id"))
			if err != nil {
				return err
			}
			return web.WriteJSON(w, http.StatusOK, v)
		}},
		{Op: op("GET", "/enforce/campaigns/{id}/sample", "复核抽样的数据（规则、案卷库、摘要、承诺值；抽取后含种子和样本）", PermView, nil, SampleData{}), Handler: func(w http.ResponseWriter, r *http.Request) error {
			c, err := m.Campaign(r.Context(), m.d.DB, auth.From(r.Context()), r.PathValue("id"))
			if err != nil {
				return err
			}
			return web.WriteJSON(w, http.StatusOK, c.SampleData())
		}},
		{Op: op("POST", "/enforce/campaigns/{id}/draw", "抽取评查案卷（公开种子；每个活动只能抽取一次）", PermSupervise, nil, Campaign{}), Handler: func(w http.ResponseWriter, r *http.Request) error {
			c, err := m.DrawSample(r.Context(), auth.From(r.Context()), r.PathValue("id"))
			if err != nil {
				return err
			}
			return web.WriteJSON(w, http.StatusOK, c)
		}},
		{Op: op("POST", "/enforce/campaigns/{id}/send", "反馈全部已评分案卷的评查结果", PermSupervise, casework.Step{}, sendResult{}), Handler: func(w http.ResponseWriter, r *http.Request) error {
			var st casework.Step
			if r.ContentLength != 0 {
				if err := web.DecodeJSON(r, &st); err != nil {
					return err
				}
			}
			n, err := m.SendAll(r.Context(), auth.From(r.Context()), r.PathValue("id"), st)
			if err != nil {
				return err
			}
			return web.WriteJSON(w, http.StatusOK, sendResult{Sent: n})
		}},
		{Op: op("GET", "/enforce/evaluations/{id}", "评查案卷（评分、反馈、整改）", PermView, nil, Evaluation{}), Handler: func(w http.ResponseWriter, r *http.Request) error {
			e, err := m.Evaluation(r.Context(), m.d.DB, auth.From(r.Context()), r.PathValue("id"))
			if err != nil {
				return err
			}
			return web.WriteJSON(w, http.StatusOK, e)
		}},
		{Op: op("GET", "/enforce/sheet", "本机关的案卷评查评分表", PermSupervise, nil, Sheet{}), Handler: func(w http.ResponseWriter, r *http.Request) error {
			s, err := m.SheetOf(r.Context(), m.d.DB, auth.From(r.Context()).OrganID)
			if err != nil {
				return err
			}
			return web.WriteJSON(w, http.StatusOK, s)
		}},
		{Op: op("POST", "/enforce/sheet", "修改本机关的案卷评查评分表（已建立的评查活动不受影响）", PermSupervise, Sheet{}, Sheet{}), Handler: decodeThen(m.SaveSheet)},
	}
	mount := action.Mount[*Evaluation]{Base: "/enforce/evaluations/{id}", Tag: tag, Response: Evaluation{},
		Respond: func(w http.ResponseWriter, r *http.Request, e *Evaluation) error {
			return web.WriteJSON(w, http.StatusOK, e)
		}}
	return append(eps, m.evalActions().Endpoints(mount)...)
}

type sendResult struct {
	Sent int `json:"sent"`
}

// ---- pages ----

type campaignsData struct {
	Campaigns []*Campaign
	Bodies    []*Body
	Supervise bool
	Year      int
}

func (m *Module) campaignsPage(w http.ResponseWriter, r *http.Request) error {
	return m.renderCampaigns(w, r, http.StatusOK, nil)
}

func (m *Module) renderCampaigns(w http.ResponseWriter, r *http.Request, status int, fe *web.FormError) error {
	p := auth.From(r.Context())
	d := campaignsData{Supervise: p.Can(PermSupervise), Year: m.today().Year - 1}
	var err error
	if d.Campaigns, err = m.Campaigns(r.Context(), p); err != nil {
		return err
	}
	if d.Supervise {
		if d.Bodies, err = m.Bodies(r.Context(), p); err != nil {
			return err
		}
	}
	return m.app.Render(w, r, tmpl, "campaigns", status, "案卷评查", d, fe)
}

func (m *Module) createCampaignForm(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	in := CampaignInput{Title: r.PostForm.Get("title"), SampleMode: r.PostForm.Get("sample_mode"), Bodies: r.PostForm["bodies"]}
	fe := &web.FormError{Values: r.PostForm}
	var err error
	if in.Year, err = strconv.Atoi(strings.TrimSpace(r.PostForm.Get("year"))); err != nil {
		fe.Add("year", "请填写四位年份")
	}
	if in.SampleValue, err = strconv.Atoi(strings.TrimSpace(r.PostForm.Get("sample_value"))); err != nil {
		fe.Add("sample_value", "请填写整数")
	}
	var c *Campaign
	err = fe.Err()
	if err == nil {
		c, err = m.CreateCampaign(r.Context(), auth.From(r.Context()), in)
	}
	if fe := web.FormFrom(err, r.PostForm); fe != nil {
		return m.renderCampaigns(w, r, http.StatusUnprocessableEntity, fe)
	}
	if err != nil {
		return err
	}
	return web.SeeOther(w, r, "/enforce/campaigns/"+url.PathEscape(c.ID), "已建立评查活动，种子承诺值和案卷库摘要已公布")
}

type campaignData struct {
	View      *CampaignView
	Summary   CampaignSummary
	Grades    []Choice
	States    []Choice
	Supervise bool
	Bodies    map[string]string
}

func (m *Module) campaignPage(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	v, err := m.campaignView(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	d := campaignData{View: v, Summary: Summarise(v.Evaluations), Grades: Grades, States: EvalStates, Supervise: p.Can(PermSupervise), Bodies: map[string]string{}}
	for _, id := range v.Scope {
		if b, err := m.Body(r.Context(), p, id); err == nil {
			d.Bodies[id] = b.Name
		}
	}
	return m.app.Render(w, r, tmpl, "campaign", http.StatusOK, v.Title, d, nil)
}

func (m *Module) sampleJSON(w http.ResponseWriter, r *http.Request) error {
	c, err := m.Campaign(r.Context(), m.d.DB, auth.From(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, c.SampleData())
}

func (m *Module) drawSampleForm(w http.ResponseWriter, r *http.Request) error {
	c, err := m.DrawSample(r.Context(), auth.From(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	return web.SeeOther(w, r, "/enforce/campaigns/"+url.PathEscape(c.ID), "已抽取 "+strconv.Itoa(len(c.Sample))+" 件案卷，种子已公开")
}

func (m *Module) sendAllForm(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	n, err := m.SendAll(r.Context(), auth.From(r.Context()), id, casework.Step{OnText: r.FormValue("on")})
	if err != nil {
		return err
	}
	return web.SeeOther(w, r, "/enforce/campaigns/"+url.PathEscape(id), "已反馈 "+strconv.Itoa(n)+" 件案卷的评查结果")
}

type evalAction struct{ Name, Title string }

type evaluationData struct {
	E          *Evaluation
	Campaign   *Campaign
	Actions    []evalAction
	Evaluators []*Officer
	Events     []casework.Event
}

// Can reports whether the page offers the step.
func (d evaluationData) Can(name string) bool {
	for _, a := range d.Actions {
		if a.Name == name {
			return true
		}
	}
	return false
}

// Deducted is the deduction recorded for an item.
func (d evaluationData) Deducted(item string) int { return d.E.Deductions[item] }

// evalFrom lists the states each step applies to, for the page (the service checks them again).
var evalStepFrom = map[string][]string{"assign": {EvalPending, EvalAssigned}, "score": {EvalAssigned}, "send": {EvalScored}, "rectify": {EvalRectify}}

func (m *Module) evaluationPage(w http.ResponseWriter, r *http.Request) error {
	return m.renderEval(w, r, r.PathValue("id"), http.StatusOK, nil)
}

func (m *Module) renderEval(w http.ResponseWriter, r *http.Request, id string, status int, fe *web.FormError) error {
	p := auth.From(r.Context())
	e, err := m.Evaluation(r.Context(), m.d.DB, p, id)
	if err != nil {
		return err
	}
	d := evaluationData{E: e}
	if d.Campaign, err = scanCampaign(m.d.DB.QueryRowContext(r.Context(), `SELECT `+campaignCols+` FROM enforce_campaigns WHERE id = ?`, e.CampaignID)); err != nil {
		return err
	}
	for _, a := range m.evalActions() {
		for _, s := range evalStepFrom[a.Name] {
			if s == e.State && p.Can(a.Perm) {
				d.Actions = append(d.Actions, evalAction{a.Name, a.Title})
			}
		}
	}
	if d.Can("assign") {
		offs, err := m.Officers(r.Context(), p, "", 3000)
		if err != nil {
			return err
		}
		for _, o := range offs {
			if o.BodyID != e.BodyID {
				d.Evaluators = append(d.Evaluators, o)
			}
		}
	}
	if d.Events, err = casework.Events(r.Context(), m.d.DB, m.evalKind.OwnerType, e.ID, casework.ByEntry); err != nil {
		return err
	}
	return m.app.Render(w, r, tmpl, "evaluation", status, "评查案卷 "+e.CaseNo, d, fe)
}

func (m *Module) evalActionForm(a action.Action[*Evaluation]) web.HandlerFunc {
	return stepForm(a, func(r *http.Request) (string, pageFunc, error) {
		return r.PathValue("id"), m.renderEval, nil
	}, "/enforce/evaluations/")
}

type sheetData struct {
	Sheet Sheet
	Lines string
}

// sheetLines writes a sheet as the page's text: one item a line, "名称|分值|否决".
func sheetLines(s Sheet) string {
	var b strings.Builder
	for _, it := range s.Items {
		veto := ""
		if it.Veto {
			veto = "|否决"
		}
		b.WriteString(it.Name + "|" + strconv.Itoa(it.Points) + veto + "\n")
	}
	return b.String()
}

// parseSheetLines reads the page's text back; each bad line is named.
func parseSheetLines(text string) ([]SheetItem, error) {
	var items []SheetItem
	for i, line := range strings.Split(strings.ReplaceAll(text, "｜", "|"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		parts := strings.Split(line, "|")
		if len(parts) < 2 || len(parts) > 3 {
			return nil, fault.Field("items", "第"+strconv.Itoa(i+1)+"行应为“名称|分值”或“名称|分值|否决”")
		}
		pts, err := strconv.Atoi(strings.TrimSpace(parts[1]))
		if err != nil {
			return nil, fault.Field("items", "第"+strconv.Itoa(i+1)+"行的分值应为整数")
		}
		it := SheetItem{Name: strings.TrimSpace(parts[0]), Points: pts}
		if len(parts) == 3 {
			switch strings.TrimSpace(parts[2]) {
			case "否决", "是":
				it.Veto = true
			case "", "否":
			default:
				return nil, fault.Field("items", "第"+strconv.Itoa(i+1)+"行第三栏只能填“否决”或留空")
			}
		}
		items = append(items, it)
	}
	return items, nil
}

func (m *Module) sheetPage(w http.ResponseWriter, r *http.Request) error {
	s, err := m.SheetOf(r.Context(), m.d.DB, auth.From(r.Context()).OrganID)
	if err != nil {
		return err
	}
	return m.app.Render(w, r, tmpl, "sheet", http.StatusOK, "案卷评查评分表", sheetData{s, sheetLines(s)}, nil)
}

func (m *Module) saveSheetForm(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	fe := &web.FormError{Values: r.PostForm}
	var s Sheet
	items, err := parseSheetLines(r.PostForm.Get("items"))
	if err != nil {
		fe = web.FormFrom(err, r.PostForm)
	}
	s.Items = items
	for _, f := range []struct {
		name string
		dst  *int
	}{{"excellent", &s.Excellent}, {"good", &s.Good}, {"pass", &s.Pass}} {
		n, err := strconv.Atoi(strings.TrimSpace(r.PostForm.Get(f.name)))
		if err != nil {
			fe.Add(f.name, "请填写整数")
		}
		*f.dst = n
	}
	err = fe.Err()
	if err == nil {
		_, err = m.SaveSheet(r.Context(), auth.From(r.Context()), s)
	}
	if fe := web.FormFrom(err, r.PostForm); fe != nil {
		if msg, ok := fe.Fields["sheet"]; ok { // the service's names → the page's fields
			fe.Add("items", msg)
		}
		if msg, ok := fe.Fields["thresholds"]; ok {
			fe.Add("excellent", msg)
		}
		return m.app.Render(w, r, tmpl, "sheet", http.StatusUnprocessableEntity, "案卷评查评分表", sheetData{s, r.PostForm.Get("items")}, fe)
	}
	if err != nil {
		return err
	}
	return web.SeeOther(w, r, "/enforce/sheet", "评分表已保存；新建的评查活动使用新的评分表")
}
