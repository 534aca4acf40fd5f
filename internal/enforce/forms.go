package enforce

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/fazhi/fazhi/internal/action"
	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/web"
)

// HTML entry forms for what the API takes: bodies, officers, certificate applications and steps,
// enforcement records. The certificate's steps are declared once (certActions): each is a form
// on the officer's page and POST /api/v1/enforce/certificates/{id}/<step>.

func (m *Module) certActions() action.List[*Certificate] {
	return action.List[*Certificate]{
		action.New("issue", "核发", PermManage, func(ctx context.Context, p *auth.Principal, id string, in *IssueInput) (*Certificate, error) {
			return m.Issue(ctx, p, id, *in)
		}).Describe("考试合格后核发，填写执法证号和有效期。").Done("已核发执法证"),
		action.New("review", "年审", PermManage, func(ctx context.Context, p *auth.Principal, id string, in *IssueInput) (*Certificate, error) {
			return m.Review(ctx, p, id, "review", *in)
		}).Describe("年审通过，有效期延至新的日期。").Done("已年审"),
		action.New("renew", "换证", PermManage, func(ctx context.Context, p *auth.Principal, id string, in *IssueInput) (*Certificate, error) {
			return m.Review(ctx, p, id, "renew", *in)
		}).Describe("换发执法证，可换新证号。").Done("已换证"),
		action.New("suspend", "暂扣", PermManage, func(ctx context.Context, p *auth.Principal, id string, in *casework.Step) (*Certificate, error) {
			return m.Suspend(ctx, p, id, *in)
		}).Describe("暂扣期间不得从事执法活动；须填写理由。").Done("已暂扣执法证"),
		action.New("restore", "恢复", PermManage, func(ctx context.Context, p *auth.Principal, id string, in *casework.Step) (*Certificate, error) {
			return m.Restore(ctx, p, id, *in)
		}).Describe("解除暂扣，自办理之日起恢复有效。").Done("已恢复执法证"),
		action.New("cancel", "注销", PermManage, func(ctx context.Context, p *auth.Principal, id string, in *casework.Step) (*Certificate, error) {
			return m.End(ctx, p, id, "cancel", *in)
		}).Describe("调离执法岗位、退休等，自办理之日起失效。").Done("已注销执法证"),
		action.New("revoke", "吊销", PermManage, func(ctx context.Context, p *auth.Principal, id string, in *casework.Step) (*Certificate, error) {
			return m.End(ctx, p, id, "revoke", *in)
		}).Describe("自办理之日起失效；须填写理由。").Done("已吊销执法证"),
	}.Before(action.StepFirst(func() calendar.Date { return m.today() }))
}

// certStepFrom lists the states each step applies to, for the page (the service checks them again).
var certStepFrom = map[string][]string{"issue": {CertApplied}, "review": {CertIssued}, "renew": {CertIssued}, "suspend": {CertIssued},
	"restore": {CertSuspended}, "cancel": {CertIssued, CertSuspended}, "revoke": {CertIssued, CertSuspended}}

func (m *Module) certEndpoints() []api.Endpoint {
	mount := action.Mount[*Certificate]{Base: "/enforce/certificates/{id}", Tag: "行政执法监督", Response: Certificate{},
		Respond: func(w http.ResponseWriter, r *http.Request, c *Certificate) error {
			return web.WriteJSON(w, http.StatusOK, c)
		}}
	training := api.Endpoint{Op: api.Op{Method: "POST", Path: "/enforce/officers/{id}/training", Summary: "记录执法人员培训学时", Tag: "行政执法监督",
		Perm: PermManage, Request: TrainingInput{}, Response: TrainingSummary{}}, Handler: func(w http.ResponseWriter, r *http.Request) error {
		var in TrainingInput
		if err := web.DecodeJSON(r, &in); err != nil {
			return err
		}
		s, err := m.RecordTraining(r.Context(), auth.From(r.Context()), r.PathValue("id"), in)
		if err != nil {
			return err
		}
		return web.WriteJSON(w, http.StatusOK, s)
	}}
	return append(m.certActions().Endpoints(mount), training)
}

func (m *Module) registerForms(app *web.App) {
	app.GET("/enforce/bodies/new", PermManage, m.newBodyPage)
	app.POST("/enforce/bodies", PermManage, m.createBodyForm)
	app.POST("/enforce/bodies/{id}/officers", PermManage, m.createOfficerForm)
	app.GET("/enforce/officers/{id}", PermView, m.officerPage)
	app.POST("/enforce/officers/{id}/certificates", PermManage, m.applyForm)
	app.POST("/enforce/officers/{id}/training", PermManage, m.trainingForm)
	app.GET("/enforce/monitor", PermView, m.monitorPage)
	m.certActions().FormRoutes(app, "/enforce/certificates/{id}", m.certActionForm)
	app.GET("/enforce/records/new", PermRecord, m.newRecordPage)
	app.POST("/enforce/records", PermRecord, m.createRecordForm)
}

// ---- bodies ----

type bodyFormData struct {
	Organs     []org.Organ
	Kinds      []Choice
	Categories []Choice
}

// Checked reports whether a category box was ticked in the submitted form.
func (bodyFormData) Checked(fe *web.FormError, v string) bool {
	if fe == nil {
		return false
	}
	for _, x := range fe.Values["categories"] {
		if x == v {
			return true
		}
	}
	return false
}

func (m *Module) bodyForm(p *auth.Principal) bodyFormData {
	d := bodyFormData{Kinds: BodyKinds, Categories: BodyCategories}
	home, ok := m.d.Org.Organ(p.OrganID)
	if !ok {
		return d
	}
	area := m.Area(home)
	for _, o := range m.d.Org.All() {
		if strings.HasPrefix(o.Path, area.Path) {
			d.Organs = append(d.Organs, o)
		}
	}
	return d
}

func (m *Module) newBodyPage(w http.ResponseWriter, r *http.Request) error {
	return m.app.Render(w, r, tmpl, "body_new", http.StatusOK, "登记执法主体", m.bodyForm(auth.From(r.Context())), nil)
}

// lines splits a textarea into its non-empty lines (also accepting 、 between items).
func lines(s string) []string {
	var out []string
	for _, l := range strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' || r == '、' }) {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

func (m *Module) createBodyForm(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	p := auth.From(r.Context())
	b, err := m.CreateBody(r.Context(), p, BodyInput{OrganID: f.Get("organ_id"), Name: f.Get("name"), Kind: f.Get("kind"), LegalBasis: f.Get("legal_basis"),
		Categories: f["categories"], Items: lines(f.Get("items")), MajorCatalogue: lines(f.Get("major_catalogue")), Sector: f.Get("sector")})
	if fe := web.FormFrom(err, f); fe != nil {
		return m.app.Render(w, r, tmpl, "body_new", http.StatusUnprocessableEntity, "登记执法主体", m.bodyForm(p), fe)
	}
	if err != nil {
		return err
	}
	return web.SeeOther(w, r, "/enforce/bodies/"+url.PathEscape(b.ID), "已登记执法主体")
}

// ---- officers and certificates ----

func (m *Module) createOfficerForm(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	id := r.PathValue("id")
	f := r.PostForm
	o, err := m.CreateOfficer(r.Context(), auth.From(r.Context()), OfficerInput{BodyID: id, Name: f.Get("name"), Post: f.Get("post"),
		LegalQualified: f.Get("legal_qualified") != ""})
	if fe := web.FormFrom(err, f); fe != nil {
		return m.renderBody(w, r, id, http.StatusUnprocessableEntity, fe)
	}
	if err != nil {
		return err
	}
	return web.SeeOther(w, r, "/enforce/officers/"+url.PathEscape(o.ID), "已登记执法人员")
}

type certRow struct {
	*Certificate
	StateLabel string
	Actions    []evalAction
}

type officerData struct {
	Training *TrainingSummary
	Officer  *Officer
	Body     *Body
	Certs    []certRow
	Manage   bool
}

func (m *Module) officerPage(w http.ResponseWriter, r *http.Request) error {
	return m.renderOfficer(w, r, r.PathValue("id"), http.StatusOK, nil)
}

func (m *Module) renderOfficer(w http.ResponseWriter, r *http.Request, id string, status int, fe *web.FormError) error {
	p := auth.From(r.Context())
	o, err := m.Officer(r.Context(), p, id)
	if err != nil {
		return err
	}
	d := officerData{Officer: o, Manage: p.Can(PermManage)}
	if d.Body, err = m.Body(r.Context(), p, o.BodyID); err != nil {
		return err
	}
	if d.Training, err = m.Training(r.Context(), m.d.DB, o, m.today().Year); err != nil {
		return err
	}
	certs, err := m.CertificatesOf(r.Context(), o.ID)
	if err != nil {
		return err
	}
	for _, c := range certs {
		row := certRow{Certificate: c, StateLabel: LabelOf(CertStates, c.State)}
		if d.Manage {
			for _, a := range m.certActions() {
				for _, s := range certStepFrom[a.Name] {
					if s == c.State {
						row.Actions = append(row.Actions, evalAction{a.Name, a.Title})
					}
				}
			}
		}
		d.Certs = append(d.Certs, row)
	}
	return m.app.Render(w, r, tmpl, "officer", status, o.Name, d, fe)
}

func (m *Module) applyForm(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	id := r.PathValue("id")
	in := ApplyInput{OfficerID: id}
	fe := action.DecodeForm(r.PostForm, &in)
	in.OfficerID = id
	err := fe.Err()
	if err == nil {
		_, err = m.Apply(r.Context(), auth.From(r.Context()), in)
	}
	if fe := web.FormFrom(err, r.PostForm); fe != nil {
		return m.renderOfficer(w, r, id, http.StatusUnprocessableEntity, fe)
	}
	if err != nil {
		return err
	}
	return web.SeeOther(w, r, "/enforce/officers/"+url.PathEscape(id), "已申领执法证")
}

func (m *Module) certActionForm(a action.Action[*Certificate]) web.HandlerFunc {
	return stepForm(a, func(r *http.Request) (string, pageFunc, error) {
		c, err := m.Certificate(r.Context(), auth.From(r.Context()), r.PathValue("id"))
		if err != nil {
			return "", nil, err
		}
		return c.OfficerID, m.renderOfficer, nil
	}, "/enforce/officers/")
}

// pageFunc renders the page a step form sits on, with the form's problems.
type pageFunc func(w http.ResponseWriter, r *http.Request, id string, status int, fe *web.FormError) error

// stepForm is the HTML form of a declared step (certActions, evalActions): the form decoded and
// the step run on the object of the path's id; on bad input the page (found by page: the id of
// the page under base, and its renderer) comes again with each problem named (422), otherwise the
// browser goes back to it with the step's message.
func stepForm[T any](a action.Action[T], page func(r *http.Request) (string, pageFunc, error), base string) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := r.ParseForm(); err != nil {
			return err
		}
		pageID, render, err := page(r)
		if err != nil {
			return err
		}
		in, fe := a.Decode(r.PostForm)
		err = fe.Err()
		var out T
		if err == nil {
			out, err = a.Run(r.Context(), auth.From(r.Context()), r.PathValue("id"), in)
		}
		if fe := web.FormFrom(err, r.PostForm); fe != nil {
			fe.Msg = a.Title + "未办理：" + fe.Error()
			return render(w, r, pageID, http.StatusUnprocessableEntity, fe)
		}
		if err != nil {
			return err
		}
		return web.SeeOther(w, r, base+url.PathEscape(pageID), a.Message(out))
	}
}

// ---- records ----

type recordFormData struct {
	Bodies       []*Body
	Categories   []Choice
	Body         string
	SubjectTypes []string
	Dates        []Choice
}

var recordDates = []Choice{{"filed_on", "立案日期"}, {"decided_on", "决定日期"}, {"reviewed_on", "法制审核日期"}, {"published_on", "公示日期"},
	{"revoked_on", "决定被撤销、变更或确认违法之日"}, {"withdrawn_on", "撤回公示日期"}}

func (m *Module) recordForm(r *http.Request) (recordFormData, error) {
	bs, err := m.Bodies(r.Context(), auth.From(r.Context()))
	return recordFormData{Bodies: bs, Categories: RecordCategories, Body: r.URL.Query().Get("body"),
		SubjectTypes: []string{"自然人", "法人", "其他组织"}, Dates: recordDates}, err
}

func (m *Module) newRecordPage(w http.ResponseWriter, r *http.Request) error {
	d, err := m.recordForm(r)
	if err != nil {
		return err
	}
	return m.app.Render(w, r, tmpl, "record_new", http.StatusOK, "录入执法记录", d, nil)
}

// createRecordForm enters one record through the same checks as the API's batch push; the
// batch's "records[0].field" errors are put beside the page's fields.
func (m *Module) createRecordForm(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	f := r.PostForm
	p := auth.From(r.Context())
	in := RecordInput{BodyID: f.Get("body_id"), Category: f.Get("category"), CaseNo: f.Get("case_no"), Subject: f.Get("subject"),
		SubjectType: f.Get("subject_type"), Procedure: f.Get("procedure"), FiledOn: f.Get("filed_on"), DecidedOn: f.Get("decided_on"),
		Officers: lines(f.Get("officers")), Amount: f.Get("amount"), Major: f.Get("major") != "", ReviewedOn: f.Get("reviewed_on"),
		PublishedOn: f.Get("published_on"), RevokedOn: f.Get("revoked_on"), WithdrawnOn: f.Get("withdrawn_on"), FullRecord: f.Get("full_record") != ""}
	recs, err := m.toRecords(r.Context(), p, BatchInput{Records: []RecordInput{in}})
	if err == nil { // the form enters a new record; changing one goes through the import or the API
		var n int
		if err = m.d.DB.QueryRowContext(r.Context(), `SELECT COUNT(*) FROM enforce_records WHERE body_id = ? AND case_no = ?`, recs[0].BodyID, recs[0].CaseNo).Scan(&n); err == nil && n > 0 {
			err = fault.Field("case_no", "该执法主体已有案号为 "+recs[0].CaseNo+" 的执法记录")
		}
	}
	if err == nil {
		_, err = m.SaveRecords(r.Context(), recs, "form")
	}
	if fe := web.FormFrom(err, f); fe != nil {
		single := &web.FormError{Msg: fe.Msg, Values: f}
		for k, v := range fe.Fields {
			single.Add(strings.TrimPrefix(k, "records[0]."), strings.TrimPrefix(v, "第1条："))
		}
		d, derr := m.recordForm(r)
		if derr != nil {
			return derr
		}
		return m.app.Render(w, r, tmpl, "record_new", http.StatusUnprocessableEntity, "录入执法记录", d, single)
	}
	if err != nil {
		return err
	}
	return web.SeeOther(w, r, "/enforce/records/"+url.PathEscape(recs[0].ID), "已保存执法记录")
}
