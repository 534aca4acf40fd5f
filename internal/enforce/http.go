package enforce

import (
	"context"
	"embed"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

var tmpl = web.ParseTemplates(templateFS, "templates/*.html")

func (m *Module) registerPages(app *web.App) {
	m.app = app
	app.Menu(web.MenuItem{Group: "业务", Title: "行政执法监督", URL: "/enforce", Perm: PermView, Order: 40})
	app.GET("/enforce", PermView, m.homePage)
	app.GET("/enforce/bodies/{id}", PermView, m.bodyPage)
	app.GET("/enforce/records/{id}", PermView, m.recordPage)
	app.GET("/enforce/stats", PermView, m.statsPage)
	app.GET("/enforce/plans/{id}", PermView, m.planPage)
	app.POST("/enforce/plans/{id}/draw", PermSupervise, m.drawForm)
	app.GET("/public/enforce/bodies", auth.PermPublic, m.publicBodies)
	app.GET("/public/enforce/certificates", auth.PermPublic, m.publicLookup)
	app.GET("/public/enforce/draws/{id}", auth.PermPublic, m.publicDraw)
	app.GET("/public/enforce/draws/{id}/data.json", auth.PermPublic, m.publicDrawJSON)
	m.registerMatterPages(app)
	m.registerEvaluationPages(app)
	m.registerForms(app)
	app.Todos(m.todos)
}

// ---- API ----

// RecordInput is one record pushed through the API; 案号 + body make it idempotent.
type RecordInput struct {
	BodyID      string   `json:"body_id" required:"true"`
	Category    string   `json:"category" required:"true" doc:"penalty、license、coercion、inspection、other"`
	CaseNo      string   `json:"case_no" required:"true" doc:"案号或文号"`
	Subject     string   `json:"subject" required:"true"`
	SubjectType string   `json:"subject_type" doc:"自然人、法人、其他组织"`
	Procedure   string   `json:"procedure" doc:"简易、普通（行政处罚）"`
	FiledOn     string   `json:"filed_on"`
	DecidedOn   string   `json:"decided_on"`
	Officers    []string `json:"officers" doc:"执法证号"`
	Amount      string   `json:"amount" doc:"金额（元）"`
	Major       bool     `json:"major" doc:"重大执法决定"`
	ReviewedOn  string   `json:"reviewed_on" doc:"法制审核日期"`
	PublishedOn string   `json:"published_on"`
	RevokedOn   string   `json:"revoked_on" doc:"决定被撤销、变更或确认违法之日"`
	WithdrawnOn string   `json:"withdrawn_on" doc:"撤回公示日期"`
	FullRecord  bool     `json:"full_record" doc:"有全过程记录"`
}

// BatchInput is a batch push of records.
type BatchInput struct {
	Records []RecordInput `json:"records" required:"true"`
}

// BatchResult answers a push.
type BatchResult struct {
	Received int      `json:"received"`
	Created  int      `json:"created"`
	Updated  int      `json:"updated"`
	IDs      []string `json:"ids"`
}

// toRecords checks a batch; every problem is named with its record's position.
func (m *Module) toRecords(ctx context.Context, p *auth.Principal, in BatchInput) ([]*Record, error) {
	var fs fault.Fields
	if len(in.Records) == 0 || len(in.Records) > 5000 {
		return nil, fault.Field("records", "每批应推送1到5000条执法记录")
	}
	bodies := map[string]*Body{}
	seen := map[string]int{}
	today := m.today()
	var out []*Record
	for i, ri := range in.Records {
		at := "records[" + strconv.Itoa(i) + "]."
		label := "第" + strconv.Itoa(i+1) + "条："
		b, ok := bodies[ri.BodyID]
		if !ok {
			b, _ = m.Body(ctx, p, ri.BodyID)
			bodies[ri.BodyID] = b
		}
		if b == nil {
			fs.Add(at+"body_id", label+"执法主体不存在或不在您的范围内")
			continue
		}
		if _, ok := ValueOf(RecordCategories, ri.Category); !ok {
			fs.Add(at+"category", label+"类别只能是行政处罚、行政许可、行政强制、行政检查或其他")
		}
		cat, _ := ValueOf(RecordCategories, ri.Category)
		ri.CaseNo = strings.TrimSpace(ri.CaseNo)
		if ri.CaseNo == "" {
			fs.Add(at+"case_no", label+"请填写案号或文号")
		} else if j, dup := seen[b.ID+"\x00"+ri.CaseNo]; dup {
			fs.Add(at+"case_no", label+"与第"+strconv.Itoa(j+1)+"条的案号重复")
		}
		seen[b.ID+"\x00"+ri.CaseNo] = i
		if strings.TrimSpace(ri.Subject) == "" {
			fs.Add(at+"subject", label+"请填写对象")
		}
		r := &Record{OrganID: b.OrganID, BodyID: b.ID, Category: cat, CaseNo: ri.CaseNo, Subject: strings.TrimSpace(ri.Subject),
			SubjectType: ri.SubjectType, Procedure: ri.Procedure, Officers: ri.Officers, Major: ri.Major, FullRecord: ri.FullRecord}
		for _, d := range []struct {
			field, text, name string
			dst               *calendar.Date
		}{{"filed_on", ri.FiledOn, "立案日期", &r.FiledOn}, {"decided_on", ri.DecidedOn, "决定日期", &r.DecidedOn},
			{"reviewed_on", ri.ReviewedOn, "法制审核日期", &r.ReviewedOn}, {"published_on", ri.PublishedOn, "公示日期", &r.PublishedOn},
			{"revoked_on", ri.RevokedOn, "撤销日期", &r.RevokedOn}, {"withdrawn_on", ri.WithdrawnOn, "撤回公示日期", &r.WithdrawnOn}} {
			v, err := optDate(d.field, d.text)
			switch {
			case err != nil:
				fs.Add(at+d.field, label+d.name+"格式应为 YYYY-MM-DD")
			case v.After(today):
				fs.Add(at+d.field, label+d.name+"不能晚于今天")
			default:
				*d.dst = v
			}
		}
		if !r.FiledOn.IsZero() && r.DecidedOn.Before(r.FiledOn) && !r.DecidedOn.IsZero() {
			fs.Add(at+"decided_on", label+"决定日期早于立案日期")
		}
		if !r.PublishedOn.IsZero() && r.PublishedOn.Before(r.DecidedOn) {
			fs.Add(at+"published_on", label+"公示日期早于决定日期")
		}
		if !r.WithdrawnOn.IsZero() && r.PublishedOn.IsZero() {
			fs.Add(at+"withdrawn_on", label+"填写了撤回公示日期，但没有公示日期")
		}
		cents, err := parseCents(ri.Amount)
		if err != nil {
			fs.Add(at+"amount", label+err.Error())
		}
		r.AmountCents = cents
		out = append(out, r)
	}
	return out, fs.Err()
}

func (m *Module) pushAPI(w http.ResponseWriter, r *http.Request) error {
	var in BatchInput
	if err := web.DecodeJSON(r, &in); err != nil {
		return err
	}
	p := auth.From(r.Context())
	recs, err := m.toRecords(r.Context(), p, in)
	if err != nil {
		return err
	}
	created, err := m.SaveRecords(r.Context(), recs, "api")
	if err != nil {
		return err
	}
	res := BatchResult{Received: len(recs), Created: created, Updated: len(recs) - created}
	for _, rec := range recs {
		res.IDs = append(res.IDs, rec.ID)
	}
	return web.WriteJSON(w, http.StatusOK, res)
}

// RecordView is a record with its warnings.
type RecordView struct {
	*Record
	Warnings []Violation `json:"warnings"`
}

func (m *Module) record(ctx context.Context, p *auth.Principal, id string) (*RecordView, error) {
	frag, args := m.scopeSQL(p, "organ_id")
	rec, err := scanRecord(m.d.DB.QueryRowContext(ctx, `SELECT `+recordCols+` FROM enforce_records WHERE id = ? AND `+frag, append([]any{id}, args...)...))
	if err != nil {
		return nil, db.Found(err, "执法记录")
	}
	ws, err := m.RecordWarnings(ctx, rec.ID)
	if ws == nil {
		ws = []Violation{}
	}
	return &RecordView{rec, ws}, err
}

func (m *Module) recordAPI(w http.ResponseWriter, r *http.Request) error {
	v, err := m.record(r.Context(), auth.From(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, v)
}

// WarningRow is one stored warning.
type WarningRow struct {
	ID        string `json:"id"`
	BodyID    string `json:"body_id"`
	RecordID  string `json:"record_id"`
	OfficerID string `json:"officer_id"`
	Kind      string `json:"kind"`
	Label     string `json:"label"`
	Message   string `json:"message"`
	Basis     string `json:"basis"`
}

// Warnings lists the warnings p sees (at most limit).
func (m *Module) Warnings(ctx context.Context, p *auth.Principal, limit int) ([]WarningRow, error) {
	return m.WarningsOf(ctx, p, "", limit)
}

// WarningsOf lists the warnings of one kind ("" = all) p sees.
func (m *Module) WarningsOf(ctx context.Context, p *auth.Principal, kind string, limit int) ([]WarningRow, error) {
	frag, args := m.scopeSQL(p, "organ_id")
	if kind != "" {
		frag += " AND kind = ?"
		args = append(args, kind)
	}
	return db.List(ctx, m.d.DB, func(s db.Scanner) (WarningRow, error) {
		var w WarningRow
		err := s.Scan(&w.ID, &w.BodyID, &w.RecordID, &w.OfficerID, &w.Kind, &w.Message, &w.Basis)
		w.Label = LabelOf(WarningKinds, w.Kind)
		return w, err
	}, `SELECT id, body_id, record_id, officer_id, kind, message, basis FROM enforce_warnings WHERE `+frag+` ORDER BY created_at DESC, id LIMIT `+strconv.Itoa(limit), args...)
}

func (m *Module) warningsAPI(w http.ResponseWriter, r *http.Request) error {
	ws, err := m.Warnings(r.Context(), auth.From(r.Context()), 100)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, api.NewList(ws, len(ws), 1, 100))
}

func (m *Module) bodiesAPI(w http.ResponseWriter, r *http.Request) error {
	bs, err := m.Bodies(r.Context(), auth.From(r.Context()))
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, api.NewList(bs, len(bs), 1, len(bs)))
}

func decodeThen[I any, O any](f func(ctx context.Context, p *auth.Principal, in I) (O, error)) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		var in I
		if err := web.DecodeJSON(r, &in); err != nil {
			return err
		}
		out, err := f(r.Context(), auth.From(r.Context()), in)
		if err != nil {
			return err
		}
		return web.WriteJSON(w, http.StatusOK, out)
	}
}

func (m *Module) apiEndpoints() []api.Endpoint {
	op := func(method, path, summary string, perm auth.Perm, req, resp any) api.Op {
		return api.Op{Method: method, Path: path, Summary: summary, Tag: "行政执法监督", Perm: perm, Request: req, Response: resp}
	}
	matterStep := func(action string) web.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) error {
			var in MatterStep
			if err := web.DecodeJSON(r, &in); err != nil {
				return err
			}
			x, err := m.Advance(r.Context(), auth.From(r.Context()), r.PathValue("id"), action, in)
			if err != nil {
				return err
			}
			return web.WriteJSON(w, http.StatusOK, x)
		}
	}
	eps := []endpoint{
		{op("GET", "/enforce/bodies", "执法主体列表", PermView, nil, api.List[*Body]{}), m.bodiesAPI},
		{op("POST", "/enforce/bodies", "登记执法主体", PermManage, BodyInput{}, Body{}), decodeThen(m.CreateBody)},
		{op("POST", "/enforce/officers", "登记执法人员", PermManage, OfficerInput{}, Officer{}), decodeThen(m.CreateOfficer)},
		{op("POST", "/enforce/certificates", "申领执法证", PermManage, ApplyInput{}, Certificate{}), decodeThen(m.Apply)},
		{op("POST", "/enforce/records/batch", "批量推送执法记录（按执法主体 + 案号幂等）", PermRecord, BatchInput{}, BatchResult{}), m.pushAPI},
		{op("GET", "/enforce/records/{id}", "执法记录及其预警", PermView, nil, RecordView{}), m.recordAPI},
		{op("GET", "/enforce/warnings", "执法预警", PermView, nil, api.List[WarningRow]{}), m.warningsAPI},
		{op("POST", "/enforce/matters", "监督事项立项", PermSupervise, MatterInput{}, Matter{}), decodeThen(m.OpenMatter)},
		{op("POST", "/enforce/plans", "公布双随机抽查计划（承诺种子摘要和库摘要）", PermSupervise, PlanInput{}, Plan{}), decodeThen(m.CreatePlan)},
		{op("POST", "/enforce/plans/{id}/draw", "执行抽取（公开种子）", PermSupervise, nil, Draw{}), func(w http.ResponseWriter, r *http.Request) error {
			d, err := m.DrawPlan(r.Context(), auth.From(r.Context()), r.PathValue("id"))
			if err != nil {
				return err
			}
			return web.WriteJSON(w, http.StatusOK, d)
		}},
	}
	for _, a := range MatterActions {
		eps = append(eps, endpoint{op("POST", "/enforce/matters/{id}/"+a.Action, a.Label+"（起草相应文书）", PermSupervise, MatterStep{}, Matter{}), matterStep(a.Action)})
	}
	out := make([]api.Endpoint, len(eps))
	for i, e := range eps {
		out[i] = api.Endpoint{Op: e.op, Handler: e.h}
	}
	return append(out, m.certEndpoints()...)
}

// ---- pages ----

type homeData struct {
	Manage, Record, Supervise bool
	Bodies                    []*Body
	Warnings                  []WarningRow
	Plans                     []*Plan
	Matters                   []*Matter
}

func (m *Module) homePage(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	d := homeData{Manage: p.Can(PermManage), Record: p.Can(PermRecord), Supervise: p.Can(PermSupervise)}
	var err error
	if d.Bodies, err = m.Bodies(r.Context(), p); err != nil {
		return err
	}
	if d.Warnings, err = m.WarningsOf(r.Context(), p, r.URL.Query().Get("kind"), 50); err != nil {
		return err
	}
	if d.Plans, err = m.Plans(r.Context(), p); err != nil {
		return err
	}
	if d.Matters, err = m.Matters(r.Context(), p); err != nil {
		return err
	}
	return m.app.Render(w, r, tmpl, "home", http.StatusOK, "行政执法监督", d, nil)
}

type bodyData struct {
	Body        *Body
	Kind        string
	Officers    []*Officer
	Evaluations []*Evaluation
	Manage      bool
	Record      bool
}

func (m *Module) bodyPage(w http.ResponseWriter, r *http.Request) error {
	return m.renderBody(w, r, r.PathValue("id"), http.StatusOK, nil)
}

func (m *Module) renderBody(w http.ResponseWriter, r *http.Request, id string, status int, fe *web.FormError) error {
	p := auth.From(r.Context())
	b, err := m.Body(r.Context(), p, id)
	if err != nil {
		return err
	}
	offs, err := m.Officers(r.Context(), p, b.ID, 500)
	if err != nil {
		return err
	}
	evs, err := m.Evaluations(r.Context(), p, "", b.ID)
	if err != nil {
		return err
	}
	return m.app.Render(w, r, tmpl, "body", status, b.Name, bodyData{b, LabelOf(BodyKinds, b.Kind), offs, evs, p.Can(PermManage), p.Can(PermRecord)}, fe)
}

func (m *Module) recordPage(w http.ResponseWriter, r *http.Request) error {
	v, err := m.record(r.Context(), auth.From(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	return m.app.Render(w, r, tmpl, "record", http.StatusOK, v.CaseNo, v, nil)
}

func (m *Module) statsPage(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	o, ok := m.d.Org.Organ(p.OrganID)
	if !ok {
		return fault.NotFoundf("机关不存在")
	}
	year := m.today().Year
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 2000 && y <= 2100 {
		year = y
	}
	st, err := m.StatsFor(r.Context(), o, year)
	if err != nil {
		return err
	}
	return m.app.Render(w, r, tmpl, "stats", http.StatusOK, "行政执法统计", st, nil)
}

type planData struct {
	Plan   *Plan
	DrawID string
}

func (m *Module) planPage(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	frag, args := m.scopeSQL(p, "organ_id")
	pl, err := scanPlan(m.d.DB.QueryRowContext(r.Context(), `SELECT `+planCols+` FROM enforce_plans WHERE id = ? AND `+frag, append([]any{r.PathValue("id")}, args...)...))
	if err != nil {
		return db.Found(err, "抽查计划")
	}
	did, err := m.DrawOfPlan(r.Context(), pl.ID)
	if err != nil {
		return err
	}
	return m.app.Render(w, r, tmpl, "plan", http.StatusOK, pl.Title, planData{pl, did}, nil)
}

func (m *Module) drawForm(w http.ResponseWriter, r *http.Request) error {
	d, err := m.DrawPlan(r.Context(), auth.From(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	return web.SeeOther(w, r, "/public/enforce/draws/"+d.ID, "已抽取，种子已公开")
}

func (m *Module) publicBodies(w http.ResponseWriter, r *http.Request) error {
	bs, err := m.PublicBodies(r.Context())
	if err != nil {
		return err
	}
	return m.app.Render(w, r, tmpl, "public_bodies", http.StatusOK, "行政执法主体公示", bs, nil)
}

type lookupData struct {
	Number string
	Result *CertLookupResult
	Error  string
}

func (m *Module) publicLookup(w http.ResponseWriter, r *http.Request) error {
	d := lookupData{Number: strings.TrimSpace(r.URL.Query().Get("number"))}
	if d.Number != "" {
		res, err := m.Lookup(r.Context(), d.Number)
		switch {
		case err == nil:
			d.Result = res
		case errors.Is(err, db.ErrNotFound):
			d.Error = "没有查到执法证号为 " + d.Number + " 的执法证，请核对证号；执法人员不能出示有效执法证件的，您有权拒绝接受调查或者检查（《行政处罚法》第五十五条）。"
		default:
			return err
		}
	}
	return m.app.Render(w, r, tmpl, "public_lookup", http.StatusOK, "执法证查询", d, nil)
}

func (m *Module) publicDraw(w http.ResponseWriter, r *http.Request) error {
	d, err := m.PublicDrawByID(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return m.app.Render(w, r, tmpl, "public_draw", http.StatusOK, "双随机抽取结果", d, nil)
}

func (m *Module) publicDrawJSON(w http.ResponseWriter, r *http.Request) error {
	d, err := m.PublicDrawByID(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, d)
}

// todos are the workbench entries: warnings of the bodies p sees, and matters under rectification.
func (m *Module) todos(ctx context.Context, p *auth.Principal) ([]web.Todo, error) {
	if !p.Can(PermView) {
		return nil, nil
	}
	frag, args := m.scopeSQL(p, "organ_id")
	var n int
	if err := m.d.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM enforce_warnings WHERE `+frag, args...).Scan(&n); err != nil {
		return nil, err
	}
	var out []web.Todo
	if n > 0 {
		out = append(out, web.Todo{Module: "enforce", Title: "行政执法预警 " + strconv.Itoa(n) + " 条", Detail: "逾期公示、未经法制审核、执法人员无有效执法证、执法证到期、培训学时不足等",
			URL: "/enforce", Basis: "《优化营商环境条例》第五十八条"})
	}
	// The kinds a body must act on at once get their own line.
	for _, k := range []struct{ kind, basis string }{{WarnCertInvalid, basisCert}, {WarnCertExpiring, SettingCertWarnDays.Basis},
		{WarnTrainingShort, SettingTrainingHours.Basis}} {
		var c int
		if err := m.d.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM enforce_warnings WHERE kind = ? AND `+frag, append([]any{k.kind}, args...)...).Scan(&c); err != nil {
			return nil, err
		}
		if c > 0 {
			out = append(out, web.Todo{Module: "enforce", Title: LabelOf(WarningKinds, k.kind) + " " + strconv.Itoa(c) + " 条", URL: "/enforce?kind=" + k.kind, Basis: k.basis})
		}
	}
	ms, err := m.Matters(ctx, p)
	if err != nil {
		return nil, err
	}
	for _, x := range ms {
		if x.State == MatterRectify {
			out = append(out, web.Todo{Module: "enforce", Title: "监督事项整改：" + x.Title, URL: "/enforce", Due: x.RectifyDue, Basis: SettingRectifyDays.Basis})
		}
	}
	return out, nil
}

// endpoint is an API operation with its handler (listed compactly above).
type endpoint struct {
	op api.Op
	h  web.HandlerFunc
}
