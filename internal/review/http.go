package review

import (
	"embed"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fazhi/fazhi/internal/action"
	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/settings"
	"github.com/fazhi/fazhi/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// Module plugs 合法性审查 into the web shell.
type Module struct {
	svc  *Service
	app  *web.App
	tmpl *web.Templates
}

// NewModule wires the module.
func NewModule(svc *Service) *Module { return &Module{svc: svc} }

// moved lists the page addresses before the /{module}/{records}/{id} scheme: each, and every page
// below it, answers 301 with the new address.
var moved = []struct {
	old, to string
	perm    auth.Perm
}{
	{"/review", "/review/requests", PermRead},
}

// Service is the module's business layer.
func (m *Module) Service() *Service { return m.svc }

// Register adds the routes, the menu entry and the workbench source.
func (m *Module) registerPages(app *web.App) {
	m.app = app
	m.tmpl = web.ParseTemplates(templateFS, "templates/*.html")
	app.Todos(m.svc.Todos)
	app.Menu(web.MenuItem{Group: "业务", Title: "合法性审查", URL: "/review/requests", Perm: PermRead, Order: 200})

	app.GET("/review/requests", PermRead, m.list)
	app.GET("/review/requests/new", PermSubmit, m.newForm)
	app.POST("/review/requests", PermSubmit, m.create)
	m.svc.settings.Mount(app, settings.Screen{Path: "/review/settings", Perm: PermEdit, Title: "合法性审查期限设置",
		Hint:  "未设置的项目沿用上级机关的设置或平台默认值。修改只影响此后受理的审查事项，已受理事项的期限不变。",
		Saved: "设置已保存，新受理的事项按新期限计算", Defs: SettingDefs})
	app.GET("/review/requests/{id}", PermRead, m.detail)
	app.GET("/review/requests/{id}/opinion.docx", PermRead, m.opinionDocx)
	app.GET("/review/requests/{id}/files/{fid}", PermRead, m.download)
	app.POST("/review/requests/{id}/opinions", PermRead, m.addOpinion)
	m.transitions().FormRoutes(app, "/review/requests/{id}", m.postAction)
	app.POST("/review/requests/{id}/opinions/{oid}/delete", PermOpinion, m.deleteOpinion)
	for _, mv := range moved {
		app.Moved(mv.old, mv.to, mv.perm)
	}
}

func (m *Module) render(w http.ResponseWriter, r *http.Request, page string, status int, title string, data any, fe *web.FormError) error {
	return m.app.Render(w, r, m.tmpl, page, status, title, data, fe)
}

// redirect answers a form with 303 and a flash message.
var redirect = web.SeeOther

type listPage struct {
	Items      []*Request
	Total      int
	Page       int
	Pages      int
	Filter     Filter
	Kinds      []Kind
	States     []State
	CanSubmit  bool
	CanEdit    bool
	Query      url.Values
	PrevURL    string
	NextURL    string
	TodayLabel string
}

func (m *Module) list(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	q := r.URL.Query()
	page, limit, offset := web.Paging(q, 20)
	year, _ := strconv.Atoi(q.Get("year"))
	f := Filter{Kind: Kind(q.Get("kind")), State: State(q.Get("state")), Open: q.Get("open") == "1", Overdue: q.Get("overdue") == "1", Query: q.Get("q"), Year: year, Limit: limit, Offset: offset}
	items, total, err := m.svc.List(r.Context(), p, f)
	if err != nil {
		return err
	}
	lp := &listPage{Items: items, Total: total, Page: page, Pages: (total + limit - 1) / limit, Filter: f, Kinds: Kinds, States: States,
		CanSubmit: p.Can(PermSubmit), CanEdit: p.Can(PermEdit), Query: q}
	if page > 1 {
		lp.PrevURL = pageURL(q, page-1)
	}
	if page < lp.Pages {
		lp.NextURL = pageURL(q, page+1)
	}
	return m.render(w, r, "list", http.StatusOK, "合法性审查", lp, nil)
}

func pageURL(q url.Values, page int) string {
	v := url.Values{}
	for k, vs := range q {
		v[k] = vs
	}
	v.Set("page", strconv.Itoa(page))
	return "?" + v.Encode()
}

type newPage struct {
	Kinds      []Kind
	Kind       Kind
	Checklists map[Kind][]Item
	Issuers    []org.Organ
	Provided   map[string]bool
	Today      string
}

func (m *Module) newForm(w http.ResponseWriter, r *http.Request) error {
	return m.renderNew(w, r, http.StatusOK, nil)
}

func (m *Module) renderNew(w http.ResponseWriter, r *http.Request, status int, fe *web.FormError) error {
	p := auth.From(r.Context())
	np := &newPage{Kinds: Kinds, Kind: Kind(r.FormValue("kind")), Checklists: map[Kind][]Item{}, Issuers: m.svc.IssuerChoices(p.OrganID), Provided: map[string]bool{}, Today: m.svc.Today().String()}
	if !np.Kind.Valid() {
		np.Kind = KindNormdoc
	}
	for _, k := range Kinds {
		np.Checklists[k] = k.Checklist()
	}
	if r.Method == http.MethodPost {
		for _, c := range r.PostForm["provided"] {
			np.Provided[c] = true
		}
	}
	return m.render(w, r, "new", status, "报送合法性审查", np, fe)
}

func (m *Module) create(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	if err := r.ParseForm(); err != nil {
		return err
	}
	in := SubmitInput{Kind: Kind(r.PostFormValue("kind")), Title: r.PostFormValue("title"), Summary: r.PostFormValue("summary"), Draft: r.PostFormValue("draft"),
		Contact: r.PostFormValue("contact"), IssuerID: r.PostFormValue("issuer_id"), Urgent: r.PostFormValue("urgent") == "1", UrgentReason: r.PostFormValue("urgent_reason"),
		Provided: r.PostForm["provided"], Step: Step{OnText: r.PostFormValue("on")}}
	mats, draft, err := m.stageMaterials(r.Context(), r)
	if err == nil {
		in.Files = mats
		if strings.TrimSpace(in.Draft) == "" {
			in.Draft = draft
		}
		var req *Request
		if req, err = m.svc.Submit(r.Context(), p, in); err == nil {
			return redirect(w, r, "/review/requests/"+req.ID, "已报送，收件号 "+req.ReceiptNo)
		}
	}
	if fe := web.FormFrom(err, r.PostForm); fe != nil {
		return m.renderNew(w, r, http.StatusUnprocessableEntity, fe)
	}
	return err
}

type detailPage struct {
	*Detail
	Reviewers   []auth.User
	Advisors    []auth.User
	Conclusions []Conclusion
	Answers     []Answer
	Mine        []Opinion
	Others      []Opinion
	Today       string
	Next        *web.NextStep
}

func (m *Module) detail(w http.ResponseWriter, r *http.Request) error {
	return m.renderDetail(w, r, r.PathValue("id"), http.StatusOK, nil)
}

func (m *Module) renderDetail(w http.ResponseWriter, r *http.Request, id string, status int, fe *web.FormError) error {
	p := auth.From(r.Context())
	d, err := m.svc.Detail(r.Context(), p, id)
	if err != nil {
		return err
	}
	dp := &detailPage{Detail: d, Conclusions: Conclusions, Answers: Answers, Today: m.svc.Today().String()}
	reviewOrgan, _ := m.svc.org.Organ(d.Request.OrganID)
	dp.Next = nextStep(d, reviewOrgan.Name, m.svc.Today())
	if d.CanEdit && d.Request.State.Open() {
		if dp.Reviewers, dp.Advisors, err = m.svc.Candidates(r.Context(), d.Request); err != nil {
			return err
		}
	}
	for _, o := range d.Opinions {
		if o.AuthorID == p.UserID && d.Request.State == StateInReview && !d.MineIn {
			dp.Mine = append(dp.Mine, o)
		} else {
			dp.Others = append(dp.Others, o)
		}
	}
	return m.render(w, r, "detail", status, d.Request.Title, dp, fe)
}

// postAction runs one transition from its form on the request page; each service method checks
// who may act. Field messages show on the page (422); a refusal is the error page.
func (m *Module) postAction(a action.Action[*Request]) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id := r.PathValue("id")
		if err := r.ParseForm(); err != nil {
			return err
		}
		in, fe := a.Decode(r.PostForm)
		err := fe.Err()
		var req *Request
		if err == nil {
			var fm formMaterials
			if fm.files, fm.draft, err = m.stageMaterials(r.Context(), r); err == nil {
				req, err = a.Run(withFormMaterials(r.Context(), fm), auth.From(r.Context()), id, in)
			}
		}
		if fe := web.FormFrom(err, r.PostForm); fe != nil {
			return m.renderDetail(w, r, id, http.StatusUnprocessableEntity, fe)
		}
		if err != nil {
			return err
		}
		return redirect(w, r, "/review/requests/"+id, a.Message(req))
	}
}

// addOpinion adds one point to the caller's draft opinion (not a transition: no event, no state).
func (m *Module) addOpinion(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := r.ParseForm(); err != nil {
		return err
	}
	_, err := m.svc.AddOpinion(r.Context(), auth.From(r.Context()), id, OpinionInput{Content: r.PostFormValue("content"), Basis: r.PostFormValue("basis")})
	if fe := web.FormFrom(err, r.PostForm); fe != nil {
		return m.renderDetail(w, r, id, http.StatusUnprocessableEntity, fe)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/review/requests/"+id, "已添加一条意见")
}

func (m *Module) deleteOpinion(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	if err := m.svc.DeleteOpinion(r.Context(), auth.From(r.Context()), id, r.PathValue("oid")); err != nil {
		return err
	}
	return redirect(w, r, "/review/requests/"+id, "已删除该条意见")
}

func (m *Module) opinionDocx(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	doc, err := m.svc.OpinionDocument(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	body, err := doc.DOCX()
	if err != nil {
		return err
	}
	audit.Log(r.Context(), m.svc.db, audit.Entry{Action: "export", ObjectType: "review_request", ObjectID: r.PathValue("id"), Detail: map[string]any{"document": "审核意见书"}})
	return web.Download(w, "审核意见书"+doc.Number+".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body)
}
