package litigation

import (
	"embed"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fazhi/fazhi/internal/action"
	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/docgen"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/officialdoc"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/settings"
	"github.com/fazhi/fazhi/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

var pages = web.ParseTemplates(templateFS, "templates/*.html")

const (
	pageSize     = 20
	exportLimit  = 10000
	listCountCap = 1000 // a list page counts up to this many cases, then says "1,000+"
)

func caseURL(id string) string { return "/litigation/cases/" + id }

// registerPages adds the pages, the menu entry, the workbench todos and the settings screen.
func (m *Module) registerPages(app *web.App) {
	m.app = app
	app.Menu(web.MenuItem{Group: "业务", Title: "行政应诉", URL: "/litigation/cases", Perm: PermView, Order: 100})
	app.Todos(m.Todos)
	app.GET("/litigation/cases", PermView, m.list)
	app.LongGET("/litigation/cases/export.xlsx", PermView, m.export)
	app.GET("/litigation/cases/new", PermRegister, m.newForm)
	app.POST("/litigation/cases", PermRegister, m.create)
	app.GET("/litigation/cases/{id}", PermView, m.show)
	app.GET("/litigation/cases/{id}/deliveries/{did}", PermView, m.download)
	m.transitions().FormRoutes(app, "/litigation/cases/{id}", m.postAction)
	m.registerDocuments(app)
	app.Menu(web.MenuItem{Group: "业务", Title: "应诉统计", URL: "/litigation/stats", Perm: PermStats, Order: 102})
	app.GET("/litigation/stats", PermStats, m.statsPage)
	app.LongGET("/litigation/stats/export.xlsx", PermStats, m.statsExport)
	app.GET("/litigation/hearings", PermView, m.hearingCalendar)
	m.registerRecPages(app)
	m.settings.Mount(app, settings.Screen{Path: "/litigation/settings", Perm: PermEdit, Title: "行政应诉设置",
		Hint:  "未设置的项目沿用上级机关的设置或平台默认值。答辩状初稿节点只影响此后收案的案件；败诉口径立即用于统计。",
		Saved: "设置已保存", Defs: SettingDefs})
}

// --- list ---

type listPage struct {
	Rows                               []listRow
	Total                              db.Count
	Page, Pages                        int
	PrevURL, NextURL, ExportURL        string
	States                             []State
	Instances                          []Instance
	ActTypes, Fields                   []string
	CanRegister, CanEdit, CourtLiaison bool
	CanRecs                            bool
}

type listRow struct {
	*Case
	Next    Deadline
	Urgency string // red (passed), orange (≤ 3 days), green
}

// parseFilter reads the list's query; bad numbers are named beside their field.
func parseFilter(q url.Values) (Filter, *web.FormError) {
	fe := &web.FormError{Values: q, Fields: map[string]string{}}
	days := func(k string) int {
		s := strings.TrimSpace(q.Get(k))
		if s == "" {
			return 0
		}
		n, err := strconv.Atoi(s)
		if err != nil || n < 1 || n > 366 {
			fe.Fields[k] = "请填写1至366之间的天数"
			return 0
		}
		return n
	}
	f := Filter{State: q.Get("state"), Instance: q.Get("instance"), Field: q.Get("field"), ActType: q.Get("act_type"),
		Defendant: strings.TrimSpace(q.Get("defendant")), Court: strings.TrimSpace(q.Get("court")), Lost: q.Get("lost") == "1",
		HearingWithin: days("hearing_within"), AnswerWithin: days("answer_within")}
	if f.State != "" && State(f.State).Label() == "" {
		fe.Fields["state"] = "状态无效"
	}
	if f.Instance != "" && Instance(f.Instance).Label() == "" {
		fe.Fields["instance"] = "审级无效"
	}
	return f, fe
}

func urgency(today, due calendar.Date) string {
	switch {
	case due.IsZero():
		return ""
	case due.Before(today):
		return "red"
	case today.DaysUntil(due) <= 3:
		return "orange"
	}
	return "green"
}

func rows(cs []*Case, today calendar.Date) []listRow {
	out := make([]listRow, 0, len(cs))
	for _, c := range cs {
		r := listRow{Case: c}
		for _, d := range c.LiveDeadlines() {
			if r.Next.On.IsZero() || d.On.Before(r.Next.On) {
				r.Next = d
			}
		}
		r.Urgency = urgency(today, r.Next.On)
		out = append(out, r)
	}
	return out
}

func pageURL(base string, q url.Values, page int) string {
	v := url.Values{}
	for k, x := range q {
		if k != "page" && len(x) > 0 && x[0] != "" {
			v[k] = x
		}
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return base
	}
	return base + "?" + v.Encode()
}

func (m *Module) list(w http.ResponseWriter, r *http.Request) error {
	ctx, p := r.Context(), auth.From(r.Context())
	q := r.URL.Query()
	f, fe := parseFilter(q)
	lp := &listPage{States: States, Instances: Instances, ActTypes: ActTypes, Fields: Fields,
		CanRegister: m.canRegister(p), CanEdit: p.Can(PermEdit), CourtLiaison: p.Has(auth.RoleCourtLiaison),
		CanRecs: p.Can(PermAnswer) && !p.Has(auth.RoleCourtLiaison)}
	status := http.StatusOK
	if len(fe.Fields) > 0 {
		status = http.StatusUnprocessableEntity
	} else {
		page, limit, offset := web.Paging(q, pageSize)
		f.Limit, f.Offset = limit, offset
		cs, total, err := listPaged(ctx, m.d.DB, p, f, m.Today(), listCountCap)
		if err != nil {
			return err
		}
		lp.Rows, lp.Total, lp.Page, lp.Pages = rows(cs, m.Today()), total, page, max(1, (total.N+pageSize-1)/pageSize)
		if page > 1 {
			lp.PrevURL = pageURL("/litigation/cases", q, page-1)
		}
		if page < lp.Pages || total.More && len(cs) == limit {
			lp.NextURL = pageURL("/litigation/cases", q, page+1)
		}
		lp.ExportURL = pageURL("/litigation/cases/export.xlsx", q, 1)
		fe.Fields = nil
	}
	return m.app.Render(w, r, pages, "cases", status, "行政应诉案件", lp, fe)
}

// export writes the filtered list (all pages, at most exportLimit rows) as XLSX.
func (m *Module) export(w http.ResponseWriter, r *http.Request) error {
	ctx, p := r.Context(), auth.From(r.Context())
	f, fe := parseFilter(r.URL.Query())
	if len(fe.Fields) > 0 {
		return fe
	}
	f.Limit = exportLimit
	cs, total, err := listPaged(ctx, m.d.DB, p, f, m.Today(), exportLimit)
	if err != nil {
		return err
	}
	today := m.Today()
	title := fmt.Sprintf("行政应诉案件清单（%s导出，共%d件）", today.Chinese(), len(cs))
	if total.More || total.N > len(cs) {
		title = fmt.Sprintf("行政应诉案件清单（%s导出，符合条件%s件，导出前%d件）", today.Chinese(), total, len(cs))
	}
	sheet := docgen.Sheet{Name: "行政应诉案件", Title: title,
		Header: []string{"案号", "审级", "法院", "原告", "被告", "行为类别", "领域", "案由", "经过复议", "状态", "收到起诉状副本", "答辩期限", "答辩日期",
			"下一期限", "期限事项", "结案日期", "结案方式", "败诉", "上诉"}}
	for _, row := range rows(cs, today) {
		c := row.Case
		sheet.Rows = append(sheet.Rows, []any{c.Docket, c.Instance.Label(), c.CourtName, c.Plaintiff, c.Defendant, c.ActType, c.Field, c.Cause,
			yesNoLabel(c.Reconsidered), c.State.Label(), dateText(c.ReceivedOn), dateText(c.AnswerDue), dateText(c.AnsweredOn),
			dateText(row.Next.On), row.Next.Name, dateText(c.ClosedOn), c.Outcome.Label(), yesNoLabel(c.Outcome.Lost()), yesNoLabel(c.Appealed)})
	}
	body, err := docgen.XLSX(sheet)
	if err != nil {
		return err
	}
	if err := audit.Log(ctx, m.d.DB, audit.Entry{Action: "export", ObjectType: ownerType,
		Detail: map[string]any{"format": "xlsx", "rows": len(cs), "total": total, "query": r.URL.RawQuery}}); err != nil {
		return err
	}
	return web.Download(w, fmt.Sprintf("行政应诉案件-%04d%02d%02d.xlsx", today.Year, today.Month, today.Day),
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body)
}

func yesNoLabel(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

// --- new case ---

func (m *Module) canRegister(p *auth.Principal) bool {
	return (p.Has(auth.RoleCourtLiaison) && p.Can(PermCourt)) || p.Can(PermEdit)
}

type newPage struct {
	Court            bool
	CourtName        string
	Defendants       []org.Organ
	ActTypes         []string
	Fields           []string
	Today            string
	Plaintiffs       []int
	CourtDocs        []uploadField
	KindNatural      PlaintiffKind
	KindOrganisation PlaintiffKind
}

type uploadField struct{ Field, Kind string }

// defendantChoices are the administrative organs a registrant may name: for a court, those of its
// county (same division); for the 司法局, its government's tree.
func (m *Module) defendantChoices(p *auth.Principal) []org.Organ {
	var out []org.Organ
	if p.Has(auth.RoleCourtLiaison) {
		court, ok := m.d.Org.Organ(p.OrganID)
		if !ok {
			return nil
		}
		for _, o := range m.d.Org.All() {
			if o.Kind != org.KindCourt && o.DivisionCode != "" && strings.HasPrefix(o.DivisionCode, court.DivisionCode) {
				out = append(out, o)
			}
		}
		return out
	}
	for _, o := range m.d.Org.Subtree(p.OrganID) {
		if o.Kind != org.KindCourt {
			out = append(out, o)
		}
	}
	return out
}

func (m *Module) newForm(w http.ResponseWriter, r *http.Request) error {
	return m.renderNew(w, r, http.StatusOK, nil)
}

func (m *Module) renderNew(w http.ResponseWriter, r *http.Request, status int, fe *web.FormError) error {
	p := auth.From(r.Context())
	if !m.canRegister(p) {
		return fault.Forbiddenf("只有法院联络员或司法局应诉工作人员可以登记应诉案件")
	}
	np := &newPage{Court: p.Has(auth.RoleCourtLiaison), Defendants: m.defendantChoices(p), ActTypes: ActTypes, Fields: Fields,
		Today: m.Today().String(), Plaintiffs: []int{0, 1, 2}, KindNatural: Natural, KindOrganisation: Organisation}
	if np.Court {
		o, _ := m.d.Org.Organ(p.OrganID)
		np.CourtName = o.Name
	}
	for _, f := range uploadFields["register"] {
		np.CourtDocs = append(np.CourtDocs, uploadField{f, uploadKinds[f]})
	}
	return m.app.Render(w, r, pages, "case_new", status, "登记应诉案件", np, fe)
}

func (m *Module) create(w http.ResponseWriter, r *http.Request) error {
	c, err := m.registerFrom(r)
	if err == nil {
		return web.SeeOther(w, r, caseURL(c.ID), "已登记 "+c.Docket)
	}
	if fe := web.FormFrom(err, formValues(r)); fe != nil {
		return m.renderNew(w, r, http.StatusUnprocessableEntity, fe)
	}
	return err
}

// registerFrom registers a case from a form or multipart API body with its uploads.
func (m *Module) registerFrom(r *http.Request) (*Case, error) {
	p := auth.From(r.Context())
	if !m.canRegister(p) {
		return nil, fault.Forbiddenf("只有法院联络员或司法局应诉工作人员可以登记应诉案件")
	}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		if err := m.parseUploadForm(r); err != nil {
			return nil, err
		}
	} else if err := r.ParseForm(); err != nil {
		return nil, err
	}
	in := registerFromForm(formValues(r))
	docs, err := m.stageForm(r, "register")
	if err != nil {
		return nil, err
	}
	return m.RegisterCase(r.Context(), p, in, docs)
}

// --- case page ---

type casePage struct {
	Case       *Case
	Deliveries []Delivery
	Deadlines  []deadlineView
	Events     []eventView
	Recs       []Recommendation
	Docs       []officialdoc.Document
	IssuedDocs []officialdoc.Document // offered with the answer
	DocsBase   string
	Matter     []*Case // the other instances of the same matter
	CanLink    bool
	Next       *web.NextStep
	Today      string

	Pending                                        []Hearing // hearings held or due but not yet recorded
	CanSign, CanDraft, CanReview, CanAnswer        bool
	CanCourtSign, CanHearing, CanAppearance        bool
	CanDecide, CanAppeal, CanPerform, CanEffective bool
	Outcomes                                       []Outcome
	AbsenceReasons, LeaderTitles                   []string
	AnswerFields                                   []uploadField
	DraftOn, ReviewedOn, ReviewNote                string
}

type deadlineView struct {
	Deadline
	Urgency string
}

type eventView struct {
	casework.Event
	Label string
}

var actionLabels = map[string]string{"register": "收案登记", "import": "台账导入"}

func (m *Module) show(w http.ResponseWriter, r *http.Request) error {
	return m.renderCase(w, r, r.PathValue("id"), http.StatusOK, nil)
}

func (m *Module) renderCase(w http.ResponseWriter, r *http.Request, id string, status int, fe *web.FormError) error {
	ctx, p := r.Context(), auth.From(r.Context())
	c, err := m.Case(ctx, p, id)
	if err != nil {
		return err
	}
	today := m.Today()
	cp := &casePage{Case: c, Today: today.String(), Outcomes: Outcomes, AbsenceReasons: AbsenceReasons, LeaderTitles: LeaderTitles}
	if cp.Deliveries, err = m.Deliveries(ctx, m.d.DB, c.ID); err != nil {
		return err
	}
	for _, d := range c.LiveDeadlines() {
		cp.Deadlines = append(cp.Deadlines, deadlineView{d, urgency(today, d.On)})
	}
	evs, err := casework.Events(ctx, m.d.DB, ownerType, c.ID, casework.Order(0))
	if err != nil {
		return err
	}
	labels := map[string]string{}
	for _, a := range m.transitions() {
		labels[a.Name] = a.Title
	}
	for _, e := range evs {
		l := labels[e.Action]
		if l == "" {
			l = actionLabels[e.Action]
		}
		if l == "" {
			l = e.Action
		}
		cp.Events = append(cp.Events, eventView{e, l})
	}
	if cp.Recs, err = m.caseRecommendations(ctx, c.ID); err != nil {
		return err
	}
	if cp.Docs, err = m.CaseDocuments(ctx, p, c); err != nil {
		return err
	}
	cp.DocsBase = docsBase
	for _, d := range cp.Docs {
		if d.Issued() && deliveryKinds[d.Kind] != "" {
			cp.IssuedDocs = append(cp.IssuedDocs, d)
		}
	}
	if cp.Matter, err = m.matterCases(ctx, p, c); err != nil {
		return err
	}
	cp.CanLink = c.Instance != First && c.MatterID == c.ID && (m.defendantSide(p, c) || m.allowCourt(p, c) == nil)
	if err := m.d.DB.QueryRowContext(ctx, `SELECT draft_on, reviewed_on, review_note FROM litigation_cases WHERE id = ?`, c.ID).Scan(&cp.DraftOn, &cp.ReviewedOn, &cp.ReviewNote); err != nil {
		return err
	}
	unsigned := map[string]bool{}
	for _, d := range cp.Deliveries {
		if d.SignedAt == "" {
			unsigned[d.Direction] = true
		}
	}
	def := m.defendantSide(p, c) && p.Can(PermAnswer)
	court := m.allowCourt(p, c) == nil
	open := c.State.Open()
	cp.CanSign = def && unsigned["to_defendant"]
	cp.CanDraft = def && c.State == StateAssigned && cp.DraftOn == ""
	cp.CanReview = m.allowJustice(p, c) == nil && c.State == StateAssigned
	cp.CanAnswer = def && c.State == StateAssigned
	cp.CanCourtSign = court && unsigned["to_court"]
	cp.CanHearing = court && c.State != StateRegistered && open
	cp.CanDecide = court && c.State != StateRegistered && open
	cp.CanAppeal = def && c.State == StateDecided && !c.AppealDecided && !c.DecisionServedOn.IsZero()
	for _, h := range c.Hearings {
		if !h.Held && !h.HeldOn.After(today) {
			cp.Pending = append(cp.Pending, h)
		}
	}
	cp.CanAppearance = def && open && len(cp.Pending) > 0
	cp.CanEffective = (court || m.allowJustice(p, c) == nil) && c.State == StateDecided && !c.Appealed && !c.DecisionServedOn.IsZero() && today.After(c.AppealDue)
	cp.CanPerform = def && c.State == StateEffective && c.Outcome.NeedsPerformance() && c.PerformedOn.IsZero()
	for _, f := range uploadFields["answer"] {
		cp.AnswerFields = append(cp.AnswerFields, uploadField{f, uploadKinds[f]})
	}
	cp.Next = m.nextStep(c, cp, today)
	return m.app.Render(w, r, pages, "case", status, c.Docket, cp, fe)
}

// postAction runs one step from its form on the case page; uploads are staged first and filed
// inside the step's transaction.
func (m *Module) postAction(a action.Action[*Case]) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id := r.PathValue("id")
		c, err := m.runUpload(r, a)
		if fe := web.FormFrom(err, formValues(r)); fe != nil {
			return m.renderCase(w, r, id, http.StatusUnprocessableEntity, fe)
		}
		if err != nil {
			return err
		}
		return web.SeeOther(w, r, caseURL(id), a.Message(c))
	}
}
