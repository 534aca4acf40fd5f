package normdoc

import (
	"embed"
	"io"
	"maps"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fazhi/fazhi/internal/action"
	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/docgen"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/review"
	"github.com/fazhi/fazhi/internal/settings"
	"github.com/fazhi/fazhi/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// Module plugs the register, the cleanup campaigns, the statistics and the public database into the shell.
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
	{"/normdocs", "/normdoc/docs", PermRead},
	{"/normdocs/stats", "/normdoc/stats", auth.PermStatsRead},
	{"/normdocs/stats.xlsx", "/normdoc/stats.xlsx", auth.PermStatsRead},
	{"/normdocs/settings", "/normdoc/settings", PermEdit},
	{"/cleanups", "/normdoc/cleanups", PermRead},
}

// Service is the module's business layer.
func (m *Module) Service() *Service { return m.svc }

// Register adds routes, menu entries and the workbench source.
func (m *Module) registerPages(app *web.App) {
	m.app = app
	m.tmpl = web.ParseTemplates(templateFS, "templates/*.html")
	app.Todos(m.svc.Todos)
	app.Menu(
		web.MenuItem{Group: "业务", Title: "规范性文件", URL: "/normdoc/docs", Perm: PermRead, Order: 210},
		web.MenuItem{Group: "统计", Title: "审查与文件统计", URL: "/normdoc/stats", Perm: auth.PermStatsRead, Order: 510},
	)
	app.GET("/normdoc/docs", PermRead, m.list)
	app.GET("/normdoc/docs/new", PermEdit, m.newForm)
	app.POST("/normdoc/docs", PermEdit, m.create)
	m.svc.settings.Mount(app, settings.Screen{Path: "/normdoc/settings", Perm: PermEdit, Title: "规范性文件管理设置",
		Hint:    "地方规定不同的事项按机关设置；未设置的沿用上级机关的设置或平台默认值。修改只影响此后公布的文件。",
		SeeAlso: `合法性审查期限见 <a href="/review/settings">审查期限设置</a>。`,
		Saved:   "设置已保存，此后公布的文件按新设置计算", Defs: SettingDefs})
	app.GET("/normdoc/stats", auth.PermStatsRead, m.stats)
	app.LongGET("/normdoc/stats.xlsx", auth.PermStatsRead, m.statsXLSX)
	app.GET("/normdoc/docs/{id}", PermRead, m.detail)
	app.GET("/normdoc/docs/{id}/diff", PermRead, m.diff)
	app.GET("/normdoc/docs/{id}/versions/{seq}", PermRead, m.version)
	m.transitions().FormRoutes(app, "/normdoc/docs/{id}", m.postAction)

	app.GET("/normdoc/cleanups", PermRead, m.cleanups)
	app.POST("/normdoc/cleanups", PermEdit, m.cleanupCreate)
	app.GET("/normdoc/cleanups/{id}", PermRead, m.cleanup)
	app.GET("/normdoc/cleanups/{id}/result.docx", PermRead, m.cleanupDocx)
	app.LongGET("/normdoc/cleanups/{id}/result.xlsx", PermRead, m.cleanupXLSX)
	app.POST("/normdoc/cleanups/{id}/{action}", PermEdit, m.cleanupAction)

	for _, mv := range moved {
		app.Moved(mv.old, mv.to, mv.perm)
	}

	// The public addresses keep their form: they are printed on paper, quoted in other
	// governments' pages and stored in the search index.
	app.GET("/public/normdocs", auth.PermPublic, m.publicList)
	app.GET("/public/normdocs/{id}", auth.PermPublic, m.publicDetail)
	app.GET("/public/normdocs/{id}/diff", auth.PermPublic, m.publicDiff)
	app.GET("/public/normdocs/{id}/versions/{seq}", auth.PermPublic, m.publicVersion)
}

func (m *Module) render(w http.ResponseWriter, r *http.Request, page string, status int, title string, data any, fe *web.FormError) error {
	return m.app.Render(w, r, m.tmpl, page, status, title, data, fe)
}

// redirect answers a form with 303 and a flash message.
var redirect = web.SeeOther

func formErr(err error, r *http.Request) *web.FormError { return web.FormFrom(err, r.PostForm) }

// parseForm reads an urlencoded or multipart form; an uploaded file's text is returned.
func parseForm(w http.ResponseWriter, r *http.Request) (text string, err error) {
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		r.Body = http.MaxBytesReader(w, r.Body, MaxUpload+(1<<20))
		if err := r.ParseMultipartForm(8 << 20); err != nil {
			return "", web.Errorf(413, "上传内容过大或格式有误")
		}
		if r.PostForm == nil {
			r.PostForm = url.Values{}
		}
		for k, vs := range r.MultipartForm.Value {
			r.PostForm[k] = vs
		}
		if fhs := r.MultipartForm.File["file"]; len(fhs) > 0 && fhs[0].Size > 0 {
			f, err := fhs[0].Open()
			if err != nil {
				return "", err
			}
			defer f.Close()
			data, err := io.ReadAll(io.LimitReader(f, MaxUpload+1))
			if err != nil {
				return "", err
			}
			t, err := ExtractText(fhs[0].Filename, data)
			if err != nil {
				fe := &web.FormError{Values: r.PostForm}
				fe.Add("file", err.Error())
				return "", fe
			}
			return t, nil
		}
		return "", nil
	}
	return "", r.ParseForm()
}

// ---- register ----

type listPage struct {
	Items     []*Doc
	Total     int
	Page      int
	Pages     int
	Filter    Filter
	Organs    []org.Organ
	States    []State
	CanEdit   bool
	PrevURL   string
	NextURL   string
	Today     string
	Public    bool
	Years     []int
	TodayDate calendar.Date
}

func filterFrom(q url.Values) Filter {
	year, _ := strconv.Atoi(q.Get("year"))
	st, _ := ParseState(q.Get("status"))
	return Filter{OrganID: q.Get("organ"), Below: q.Get("below") == "1", Year: year, State: st, Topic: q.Get("topic"), Query: q.Get("q"),
		FilingOverdue: q.Get("overdue") == "1", Expiring: q.Get("expiring") == "1"}
}

func pageURL(q url.Values, page int) string {
	v := url.Values{}
	for k, vs := range q {
		v[k] = vs
	}
	v.Set("page", strconv.Itoa(page))
	return "?" + v.Encode()
}

func (m *Module) years() []int {
	var out []int
	for y := m.svc.Today().Year; y >= m.svc.Today().Year-15; y-- {
		out = append(out, y)
	}
	return out
}

func (m *Module) list(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	q := r.URL.Query()
	page, limit, offset := web.Paging(q, 20)
	f := filterFrom(q)
	f.Limit, f.Offset = limit, offset
	if q.Get("format") == "xlsx" {
		f.Limit, f.Offset = 500, 0
	}
	items, total, err := m.svc.List(r.Context(), p, f)
	if err != nil {
		return err
	}
	if q.Get("format") == "xlsx" {
		return m.listXLSX(w, r, items)
	}
	lp := &listPage{Items: items, Total: total, Page: page, Pages: (total + limit - 1) / limit, Filter: f, Organs: m.scopeOrgans(p), States: States,
		CanEdit: p.Can(PermEdit), Today: m.svc.Today().String(), Years: m.years()}
	if page > 1 {
		lp.PrevURL = pageURL(q, page-1)
	}
	if page < lp.Pages {
		lp.NextURL = pageURL(q, page+1)
	}
	return m.render(w, r, "list", http.StatusOK, "规范性文件登记", lp, nil)
}

// scopeOrgans are the issuing organs p may pick: the organs of its government.
func (m *Module) scopeOrgans(p *auth.Principal) []org.Organ {
	me, ok := m.svc.org.Organ(p.OrganID)
	if !ok {
		return nil
	}
	if gov, ok := m.svc.org.GovernmentOf(me); ok && !department(p) {
		var out []org.Organ
		for _, o := range m.svc.org.Subtree(gov.ID) {
			if o.Kind != org.KindCourt && o.Level == gov.Level {
				out = append(out, o)
			}
		}
		return out
	}
	return []org.Organ{me}
}

func (m *Module) listXLSX(w http.ResponseWriter, r *http.Request, items []*Doc) error {
	today := m.svc.Today()
	sh := docgen.Sheet{Name: "规范性文件", Title: "规范性文件登记台账", Header: []string{"文号", "标题", "制定机关", "签发日期", "公布日期", "施行日期", "有效期至", "状态", "主题", "关键词"}}
	for _, d := range items {
		sh.Rows = append(sh.Rows, []any{d.Number, d.Title, d.OrganName, d.SignedOn, d.PublishedOn, d.EffectiveOn, d.ExpiresOn, d.StateText(today), d.Topics, d.Keywords})
	}
	body, err := docgen.XLSX(sh)
	if err != nil {
		return err
	}
	audit.Log(r.Context(), m.svc.db, audit.Entry{Action: "export", ObjectType: "normdoc", Detail: map[string]any{"rows": len(items)}})
	return web.Download(w, "规范性文件登记台账.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body)
}

type newPage struct {
	Legacy  bool
	Reviews []*review.Request
	Review  *review.Request
	Chosen  string // the review selected in the form ("" = none), always a string for the template
	Organs  []org.Organ
	InForce []*Doc
	Today   string
}

func (m *Module) newForm(w http.ResponseWriter, r *http.Request) error {
	return m.renderNew(w, r, http.StatusOK, nil)
}

func (m *Module) renderNew(w http.ResponseWriter, r *http.Request, status int, fe *web.FormError) error {
	p := auth.From(r.Context())
	np := &newPage{Legacy: r.FormValue("legacy") == "1", Organs: m.scopeOrgans(p), Today: m.svc.Today().String()}
	var err error
	if np.Reviews, err = m.svc.Unregistered(r.Context(), p); err != nil {
		return err
	}
	for _, rv := range np.Reviews {
		if rv.ID == r.FormValue("review") || rv.ID == r.FormValue("review_id") {
			np.Review, np.Chosen = rv, rv.ID
		}
	}
	if np.InForce, _, err = m.svc.List(r.Context(), p, Filter{State: StateInForce, Limit: 500}); err != nil {
		return err
	}
	return m.render(w, r, "new", status, "登记规范性文件", np, fe)
}

func (m *Module) create(w http.ResponseWriter, r *http.Request) error {
	text, err := parseForm(w, r)
	if fe := formErr(err, r); fe != nil {
		return m.renderNew(w, r, http.StatusUnprocessableEntity, fe)
	}
	if err != nil {
		return err
	}
	v := r.PostFormValue
	years, _ := strconv.Atoi(v("valid_years"))
	body := v("body")
	if text != "" {
		body = text
	}
	in := RegisterInput{Step: casework.Step{OnText: v("on")}, ReviewID: v("review_id"), Legacy: v("legacy") == "1", OrganID: v("organ_id"), Title: v("title"), Body: body,
		Keywords: v("keywords"), Topics: v("topics"), Number: v("number"), SignedText: v("signed_on"), ValidYears: years, AmendsID: v("amends_id")}
	d, err := m.svc.Register(r.Context(), auth.From(r.Context()), in)
	if fe := formErr(err, r); fe != nil {
		return m.renderNew(w, r, http.StatusUnprocessableEntity, fe)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/normdoc/docs/"+d.ID, "已登记，文号 "+d.Number)
}

type detailPage struct {
	*Detail
	States      []State
	Evaluations []Evaluation
	InForce     []*Doc
	Public      bool
	Prefix      string // URL prefix of the document pages: /normdoc/docs or /public/normdocs
	Articles    []Article
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
	dp := &detailPage{Detail: d, Evaluations: []Evaluation{EvalContinue, EvalAmend, EvalExpire}, Prefix: "/normdoc/docs",
		Next: nextStep(d.Doc, d.Filings, d.Organ.Name, d.Today)}
	if d.CanEdit {
		if dp.InForce, _, err = m.svc.List(r.Context(), p, Filter{State: StateInForce, Limit: 500}); err != nil {
			return err
		}
	}
	return m.render(w, r, "detail", status, d.Doc.Title, dp, fe)
}

// postAction runs one transition from its form on the document page. Field messages show on the
// page (422); a refusal (409, 404) is the error page.
func (m *Module) postAction(a action.Action[*Doc]) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id := r.PathValue("id")
		text, err := parseForm(w, r)
		if fe := formErr(err, r); fe != nil {
			return m.renderDetail(w, r, id, http.StatusUnprocessableEntity, fe)
		}
		if err != nil {
			return err
		}
		vals := r.PostForm
		if text != "" { // an uploaded file's text replaces the pasted body; the form shows what was typed
			vals = maps.Clone(vals)
			vals.Set("body", text)
		}
		in, fe := a.Decode(vals)
		err = fe.Err()
		var d *Doc
		if err == nil {
			d, err = a.Run(r.Context(), auth.From(r.Context()), id, in)
		}
		if fe := formErr(err, r); fe != nil {
			return m.renderDetail(w, r, id, http.StatusUnprocessableEntity, fe)
		}
		if err != nil {
			return err
		}
		return redirect(w, r, "/normdoc/docs/"+id, a.Message(d))
	}
}

type diffPage struct {
	*DiffView
	Versions []Version
	Prefix   string
}

func (m *Module) diffPage(w http.ResponseWriter, r *http.Request, p *auth.Principal, prefix string) error {
	from, _ := strconv.Atoi(r.URL.Query().Get("from"))
	to, _ := strconv.Atoi(r.URL.Query().Get("to"))
	v, err := m.svc.Diff(r.Context(), p, r.PathValue("id"), from, to)
	if err != nil {
		return err
	}
	vs, err := listVersions(r.Context(), m.svc.db, v.Doc.ID)
	if err != nil {
		return err
	}
	return m.render(w, r, "diff", http.StatusOK, "版本对照："+v.Doc.Title, &diffPage{DiffView: v, Versions: vs, Prefix: prefix}, nil)
}

func (m *Module) diff(w http.ResponseWriter, r *http.Request) error {
	return m.diffPage(w, r, auth.From(r.Context()), "/normdoc/docs")
}

func (m *Module) publicDiff(w http.ResponseWriter, r *http.Request) error {
	return m.diffPage(w, r, nil, "/public/normdocs")
}

type versionPage struct {
	Doc      *Doc
	Version  Version
	Articles []Article
	Prefix   string
}

func (m *Module) versionPage(w http.ResponseWriter, r *http.Request, p *auth.Principal, prefix string) error {
	seq, _ := strconv.Atoi(r.PathValue("seq"))
	d, v, err := m.svc.Version(r.Context(), p, r.PathValue("id"), seq)
	if err != nil {
		return err
	}
	return m.render(w, r, "version", http.StatusOK, v.Title, &versionPage{Doc: d, Version: v, Articles: SplitArticles(v.Body), Prefix: prefix}, nil)
}

func (m *Module) version(w http.ResponseWriter, r *http.Request) error {
	return m.versionPage(w, r, auth.From(r.Context()), "/normdoc/docs")
}

func (m *Module) publicVersion(w http.ResponseWriter, r *http.Request) error {
	return m.versionPage(w, r, nil, "/public/normdocs")
}

// ---- public database ----

func (m *Module) publicList(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	page, limit, offset := web.Paging(q, 20)
	f := filterFrom(q)
	f.FilingOverdue, f.Expiring, f.Limit, f.Offset = false, false, limit, offset
	if o, ok := m.svc.org.Organ(f.OrganID); ok && o.Kind == org.KindGovernment {
		f.Below = q.Get("below") == "1"
	}
	items, total, err := m.svc.PublicList(r.Context(), f)
	if err != nil {
		return err
	}
	organs, err := m.svc.PublicOrgans(r.Context())
	if err != nil {
		return err
	}
	lp := &listPage{Items: items, Total: total, Page: page, Pages: (total + limit - 1) / limit, Filter: f, Organs: organs, States: PublicStates, Public: true,
		Today: m.svc.Today().String(), Years: m.years(), TodayDate: m.svc.Today()}
	if page > 1 {
		lp.PrevURL = pageURL(q, page-1)
	}
	if page < lp.Pages {
		lp.NextURL = pageURL(q, page+1)
	}
	return m.render(w, r, "public_list", http.StatusOK, "行政规范性文件查询", lp, nil)
}

func (m *Module) publicDetail(w http.ResponseWriter, r *http.Request) error {
	d, err := m.svc.PublicDetail(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	return m.render(w, r, "public_detail", http.StatusOK, d.Doc.Title, &detailPage{Detail: d, Public: true, Prefix: "/public/normdocs", Articles: SplitArticles(d.Text.Body)}, nil)
}

// ---- statistics ----

type statsPage struct {
	Stats  *Stats
	Organs []org.Organ
	Years  []int
	Query  string
}

// statsOrgan picks the organ of the statistics: the one asked for if p oversees it, else p's government.
func (m *Module) statsOrgan(p *auth.Principal, id string) (org.Organ, error) {
	if o, ok := m.svc.org.Organ(id); ok && id != "" {
		if m.svc.inScope(p, o.ID) || m.svc.underGovernmentOf(p, o) {
			return o, nil
		}
		return org.Organ{}, web.NotFound("机关")
	}
	me, ok := m.svc.org.Organ(p.OrganID)
	if !ok {
		return org.Organ{}, web.NotFound("机关")
	}
	if gov, ok := m.svc.org.GovernmentOf(me); ok {
		return gov, nil
	}
	return me, nil
}

func (m *Module) statsFor(r *http.Request) (*Stats, error) {
	p := auth.From(r.Context())
	o, err := m.statsOrgan(p, r.URL.Query().Get("organ"))
	if err != nil {
		return nil, err
	}
	year, _ := strconv.Atoi(r.URL.Query().Get("year"))
	if year == 0 {
		year = m.svc.Today().Year
	}
	return m.svc.Stats(r.Context(), o, year)
}

func (m *Module) stats(w http.ResponseWriter, r *http.Request) error {
	st, err := m.statsFor(r)
	if err != nil {
		return err
	}
	p := auth.From(r.Context())
	var organs []org.Organ
	if me, ok := m.svc.org.Organ(p.OrganID); ok {
		if gov, ok := m.svc.org.GovernmentOf(me); ok {
			organs = append(organs, gov)
			for _, c := range m.svc.org.Subtree(gov.ID) {
				if c.ID != gov.ID && c.Kind != org.KindCourt {
					organs = append(organs, c)
				}
			}
		}
	}
	return m.render(w, r, "stats", http.StatusOK, "合法性审查与规范性文件统计", &statsPage{Stats: st, Organs: organs, Years: m.years(), Query: r.URL.RawQuery}, nil)
}

func (m *Module) statsXLSX(w http.ResponseWriter, r *http.Request) error {
	st, err := m.statsFor(r)
	if err != nil {
		return err
	}
	body, err := docgen.XLSX(st.Sheets()...)
	if err != nil {
		return err
	}
	audit.Log(r.Context(), m.svc.db, audit.Entry{Action: "export", ObjectType: "normdoc_stats", ObjectID: st.OrganCode, Detail: map[string]any{"year": st.Year}})
	return web.Download(w, st.Organ+strconv.Itoa(st.Year)+"年合法性审查与规范性文件统计.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body)
}
