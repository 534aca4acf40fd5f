package disclosure

import (
	"context"
	"embed"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"slices"
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
	"github.com/fazhi/fazhi/internal/files"
	"github.com/fazhi/fazhi/internal/ledger"
	"github.com/fazhi/fazhi/internal/officialdoc"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

func (m *Module) registerPages(app *web.App) {
	m.app = app
	m.tmpl = web.ParseTemplates(templateFS, "templates/*.html")
	app.Menu(web.MenuItem{Group: "业务", Title: "依申请公开", URL: "/disclosure/requests", Perm: PermView, Order: 40},
		web.MenuItem{Group: "统计", Title: "政府信息公开年报", URL: "/disclosure/stats", Perm: PermView, Order: 40})
	app.Todos(m.svc.Todos)
	app.GET("/disclosure/requests", PermView, m.list)
	app.GET("/disclosure/requests/new", PermEdit, m.newForm)
	app.GET("/disclosure/requests.xlsx", PermView, m.listXLSX)
	app.POST("/disclosure/requests/new", PermEdit, m.create)
	app.GET("/disclosure/requests/{id}", PermView, m.detail)
	m.transitions().FormRoutes(app, "/disclosure/requests/{id}", m.postAction)
	app.GET("/disclosure/stats", PermView, m.statsPage)
	app.GET("/public/disclosure/apply", auth.PermPublic, m.applyForm)
	app.POST("/public/disclosure/apply", auth.PermPublic, m.apply)
	app.GET("/public/disclosure/receipt", auth.PermPublic, m.receipt)
	app.GET("/public/disclosure/progress", auth.PermPublic, m.progressForm)
	app.POST("/public/disclosure/progress", auth.PermPublic, m.progress)
	app.POST("/public/disclosure/progress/amend", auth.PermPublic, m.publicAmend)
	app.POST("/public/disclosure/progress/download", auth.PermPublic, m.publicDownload)
	app.POST("/disclosure/requests/{id}/files", PermEdit, m.uploadRelease)
	app.GET("/disclosure/requests/{id}/files/{file}", PermView, m.staffDownload)
	var blobs officialdoc.Blobs
	if m.files != nil {
		blobs = officialdoc.FileBlobs(m.files)
	}
	m.svc.docs.Register(app, "/disclosure/documents", PermView, PermEdit, blobs)
	m.registerReportPages(app)
	ledger.Importer{Spec: m.svc.LedgerSpec(), Base: "/disclosure/import", Title: "依申请公开台账导入", Perm: PermImport, Menu: true}.Register(app)
}

func (m *Module) render(w http.ResponseWriter, r *http.Request, page string, status int, title string, data any, fe *web.FormError) error {
	return m.app.Render(w, r, m.tmpl, page, status, title, data, fe)
}

// Todos are the workbench items: every open request's next deadline with its article.
func (s *Service) Todos(ctx context.Context, p *auth.Principal) ([]web.Todo, error) {
	if !p.Can(PermEdit) {
		return nil, nil
	}
	where, args := s.visibleSQL(p)
	rs, err := db.List(ctx, s.db, scanRequest, `SELECT `+reqCols+` FROM disclosure_requests WHERE state IN ('registered', 'amending', 'consulting', 'fee') AND next_due <> '' AND `+where+` ORDER BY next_due LIMIT 200`, args...)
	if err != nil {
		return nil, err
	}
	out := make([]web.Todo, 0, len(rs))
	for _, r := range rs {
		out = append(out, web.Todo{Module: "依申请公开", Title: r.ReceiptNo + " " + r.ApplicantName, Detail: r.State.Label() + "：" + trim(r.Description, 40),
			URL: "/disclosure/requests/" + r.ID, Due: r.Due.Next, Basis: RuleLabel(r.Due.NextRule)})
	}
	rt, err := s.reportTodo(ctx, p)
	if err != nil || rt == nil {
		return out, err
	}
	return append(out, *rt), nil
}

// reportTodo is last year's annual report while unpublished in the first half of the year: due
// 31 January for a department, 31 March for the government's report, which its office prepares
// (条例第四十九条).
func (s *Service) reportTodo(ctx context.Context, p *auth.Principal) (*web.Todo, error) {
	today := s.Today()
	if today.Month > 6 {
		return nil, nil
	}
	o, ok := s.officeGovernment(p)
	due, basis := calendar.Date{Year: today.Year, Month: 3, Day: 31}, regl+"第四十九条第二款（人民政府年度报告，3月31日前公布）"
	if !ok {
		if o, ok = s.org.Organ(p.OrganID); !ok || !ReportOrgan(o) || o.Kind == org.KindGovernment {
			return nil, nil
		}
		due, basis = calendar.Date{Year: today.Year, Month: 1, Day: 31}, regl+"第四十九条第一款（部门年度报告，1月31日前报送并公布）"
	}
	rep, err := s.loadReport(ctx, s.db, o.ID, today.Year-1, false)
	if err != nil || !rep.PublishedOn.IsZero() {
		return nil, err
	}
	return &web.Todo{Module: "依申请公开", Title: fmt.Sprintf("%s%d年政府信息公开工作年度报告", o.Name, today.Year-1), Detail: "编制、核对四项勾稽关系并发布",
		URL: fmt.Sprintf("/disclosure/reports?organ=%s&year=%d", o.ID, today.Year-1), Due: due, Basis: basis}, nil
}

func trim(s string, n int) string {
	rs := []rune(s)
	if len(rs) <= n {
		return s
	}
	return string(rs[:n]) + "…"
}

// ListFilter are the filters of the request list.
type ListFilter struct {
	State, Organ, ApplicantType, ReplyType string
	DueWithin                              int // 0 = any
	Overdue                                bool
	Limit, Offset                          int // rows (0 = pageSize; at most 10,000, the export) and rows skipped
	CountUpTo                              int // stop counting past this many (pages); 0 counts every match, < 0 not at all
}

const (
	pageSize     = 20   // the list page's rows per page
	listCountCap = 1000 // a list page counts up to this many matches, then says "1,000+"
)

type listPage struct {
	Rows          []*Request
	Total         db.Count
	Organs        []org.Organ
	States        []State
	Types         []ApplicantType
	Replies       []ReplyDef
	Today         calendar.Date
	RuleLabel     func(string) string
	ReplyTitleFor func(ReplyType) string
	Query         string
	Page, Pages   int
	Prev, Next    string
}

// listOrder is the list's order: newest first, receipt_no (unique) breaking ties so pages never
// overlap. The covering index disclosure_requests_organ_list (organ, order, id) serves it.
const listOrder = `received_on DESC, receipt_no DESC`

// List reads one page of the requests in p's scope that match f, newest first, and how many match
// (up to f.CountUpTo). The page's ids come first from the narrow covering index, then only those
// rows are read whole; a wide scope walks the order index and tests each row's organ
// (auth.ScopeWalkSQL) instead of sorting every visible request.
func (s *Service) List(ctx context.Context, p *auth.Principal, f ListFilter) ([]*Request, db.Count, error) {
	var conds []string
	var fargs []any
	add := func(cond string, v ...any) { conds = append(conds, cond); fargs = append(fargs, v...) }
	// A value of a fixed list goes into the SQL as a literal: PostgreSQL plans a cached statement
	// once for every value after a few runs, and with a parameter it takes a rare state (审查中: a
	// few hundred of 60,000 requests) for a common one and scans the whole table to count it.
	enum := func(col, v string, known bool) {
		if known {
			add(col + " = '" + v + "'")
		} else {
			add(col+" = ?", v)
		}
	}
	if f.State != "" {
		enum("state", f.State, slices.Contains(States, State(f.State)))
	}
	if f.Organ != "" {
		add("organ_id = ?", f.Organ)
	}
	if f.ApplicantType != "" {
		enum("applicant_type", f.ApplicantType, slices.Contains(ApplicantTypes, ApplicantType(f.ApplicantType)))
	}
	if f.ReplyType != "" {
		_, known := Reply(ReplyType(f.ReplyType))
		enum("reply_type", f.ReplyType, known)
	}
	today := s.Today()
	if f.DueWithin > 0 {
		add("next_due > '' AND next_due <= ?", s.cal().AddWorkingDays(today, f.DueWithin).String())
	}
	if f.Overdue {
		add("next_due > '' AND next_due < ?", today.String())
	}
	filters := ""
	for _, c := range conds {
		filters += " AND " + c
	}
	var total db.Count
	if f.CountUpTo >= 0 {
		where, args := s.visibleSQL(p)
		args = append(args, fargs...)
		q := `SELECT 1 FROM disclosure_requests WHERE ` + where + filters
		var err error
		if f.CountUpTo > 0 {
			total, err = db.CountUpTo(ctx, s.db, q, args, f.CountUpTo)
		} else {
			err = s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM (`+q+`) counted`, args...).Scan(&total.N)
		}
		if err != nil {
			return nil, total, err
		}
	}
	if f.Limit <= 0 {
		f.Limit = pageSize
	}
	f.Limit, f.Offset = min(f.Limit, 10000), max(f.Offset, 0)
	where, args := s.visibleSQL(p, true)
	args = append(append(args, fargs...), f.Limit, f.Offset)
	rs, err := db.List(ctx, s.db, scanRequest, `SELECT `+reqCols+` FROM disclosure_requests WHERE id IN (
		SELECT id FROM disclosure_requests WHERE `+where+filters+` ORDER BY `+listOrder+` LIMIT ? OFFSET ?) ORDER BY `+listOrder, args...)
	if err != nil {
		return nil, total, err
	}
	return rs, total, s.liveDisputes(ctx, s.db, rs...) // the export's 复议/诉讼 columns: linked cases' current results
}

// listFilter reads the list's filters from the query.
func listFilter(r *http.Request) (ListFilter, *web.FormError) {
	q := r.URL.Query()
	fe := &web.FormError{Values: q}
	f := ListFilter{State: q.Get("state"), Organ: q.Get("organ"), ApplicantType: q.Get("applicant_type"), ReplyType: q.Get("reply_type"), Overdue: q.Get("overdue") == "1"}
	if v := strings.TrimSpace(q.Get("due")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 60 {
			fe.Add("due", "应为1至60的整数")
		}
		f.DueWithin = n
	}
	if v := strings.TrimSpace(q.Get("page")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100000 {
			fe.Add("page", "页码应为正整数")
		}
		f.Offset = (max(n, 1) - 1) * pageSize
	}
	return f, fe
}

// listXLSX exports every row of the filtered list (at most 10,000), audited.
func (m *Module) listXLSX(w http.ResponseWriter, r *http.Request) error {
	f, fe := listFilter(r)
	if err := fe.Err(); err != nil {
		return err
	}
	f.Limit, f.Offset, f.CountUpTo = 10000, 0, -1
	rows, _, err := m.svc.List(r.Context(), auth.From(r.Context()), f)
	if err != nil {
		return err
	}
	data, err := docgen.XLSX(m.svc.ListSheet(rows))
	if err != nil {
		return err
	}
	if err := audit.Log(r.Context(), m.svc.db, audit.Entry{Action: "export", ObjectType: "disclosure_request", Detail: map[string]any{"rows": len(rows), "query": r.URL.RawQuery}}); err != nil {
		return err
	}
	return web.Download(w, "依申请公开台账-"+m.svc.Today().String()+".xlsx", xlsxType, data)
}

// ListSheet is the request list as a ledger sheet, with the columns of the ledger import first so
// an export can be read back by fazhi import disclosure.
func (s *Service) ListSheet(rows []*Request) docgen.Sheet {
	sh := docgen.Sheet{Name: "依申请公开", Title: "政府信息公开申请台账",
		Header: []string{"收件编号", "受理机关", "收到日期", "申请人", "申请人类型", "申请方式", "申请内容", "状态", "补正通知日期", "补正收到日期", "延期",
			"答复期限", "答复日期", "答复类型", "按期答复", "信息处理费（元）", "复议", "诉讼"}}
	for _, r := range rows {
		o, _ := s.org.Organ(r.OrganID)
		due := r.Due.Reply
		if due.IsZero() {
			due, _ = r.ReplyDue(s.cal())
		}
		var onTime any
		if r.Closed() {
			onTime = r.OnTime
		}
		sh.Rows = append(sh.Rows, []any{r.ReceiptNo, o.Name, r.ReceivedOn, r.ApplicantName, r.ApplicantType.Label(), r.Channel.Label(), r.Description,
			r.State.Label(), ds(r.AmendNoticeOn), ds(r.AmendReceivedOn), map[bool]string{true: "是", false: "否"}[r.ExtensionDays > 0], ds(due), ds(r.RepliedOn),
			r.Reply().Title(), onTime, r.FeeAmount, DisputeLabel(r.Reconsideration), r.Litigation.Label()})
	}
	return sh
}

func (m *Module) list(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	f, fe := listFilter(r)
	if fe.Err() != nil {
		return m.render(w, r, "requests", http.StatusUnprocessableEntity, "依申请公开", &listPage{States: States, Types: ApplicantTypes, Replies: Replies}, fe)
	}
	f.Limit, f.CountUpTo = pageSize, listCountCap
	rows, total, err := m.svc.List(r.Context(), p, f)
	if err != nil {
		return err
	}
	page := f.Offset/pageSize + 1
	q := r.URL.Query()
	link := func(n int) string {
		q.Set("page", strconv.Itoa(n))
		return "/disclosure/requests?" + q.Encode()
	}
	pages := (total.N + pageSize - 1) / pageSize
	var prev, next string
	if page > 1 {
		prev = link(page - 1)
	}
	if page < pages || total.More && len(rows) == pageSize {
		next = link(page + 1)
	}
	var organs []org.Organ
	for _, o := range m.svc.org.All() {
		if m.svc.covers(p, o) && o.Kind != org.KindCourt {
			organs = append(organs, o)
		}
	}
	return m.render(w, r, "requests", http.StatusOK, "依申请公开", &listPage{Rows: rows, Organs: organs, States: States, Types: ApplicantTypes,
		Replies: Replies, Today: m.svc.Today(), RuleLabel: RuleLabel, Query: r.URL.RawQuery, Total: total, Page: page, Pages: pages, Prev: prev, Next: next}, fe)
}

type detailPage struct {
	R          *Request
	ReconLabel string
	Docs       []officialdoc.Document
	Files      []files.Attachment
	J          RequestJSON
	D          Deadlines
	Organ      string
	Events     []casework.Event
	Similar    []string
	Actions    []string
	Replies    []ReplyDef
	Version    int
	CanEdit    bool
	Rules      []string
	Channels   []Channel
	// ActionLabel and StateLabel name the steps and states of the timeline in Chinese.
	ActionLabel, StateLabel func(string) string
}

// actionLabel is the Chinese name of a timeline step: the title of its transition, or registration
// and ledger import.
func (m *Module) actionLabel(code string) string {
	switch code {
	case "register":
		return "收到申请"
	case "import":
		return "台账导入"
	}
	if a, ok := m.transitions().ByName(code); ok {
		return a.Title
	}
	return code
}

func stateLabel(s string) string { return State(s).Label() }

func (m *Module) renderDetail(w http.ResponseWriter, r *http.Request, id string, status int, fe *web.FormError) error {
	p := auth.From(r.Context())
	req, err := m.svc.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	evs, err := casework.Events(r.Context(), m.svc.db, "disclosure_request", id, casework.ByLegalDate)
	if err != nil {
		return err
	}
	sim, err := m.svc.Similar(r.Context(), req)
	if err != nil {
		return err
	}
	docs, err := m.svc.Documents(r.Context(), req.ID)
	if err != nil {
		return err
	}
	var atts []files.Attachment
	if m.files != nil {
		if atts, err = m.files.List(r.Context(), m.svc.db, OwnerType, req.ID); err != nil {
			return err
		}
	}
	o, _ := m.svc.org.Organ(req.OrganID)
	dp := &detailPage{R: req, ReconLabel: DisputeLabel(req.Reconsideration), Docs: docs, Files: atts, J: m.toJSON(req), D: ComputeDeadlines(req, m.svc.cal()), Organ: o.Name, Events: evs, Similar: sim, Replies: Replies,
		Version: req.Version, CanEdit: p.Can(PermEdit), ActionLabel: m.actionLabel, StateLabel: stateLabel,
		Rules: []string{RuleLabel(RuleAmendNotice.Code), RuleLabel(RuleReply.Code) + "，延期最长20个工作日", RuleLabel(RuleThirdParty.Code) + "，15个工作日，所需时间不计入答复期限"}}
	return m.render(w, r, "request", status, "申请 "+req.ReceiptNo, dp, fe)
}

func (m *Module) detail(w http.ResponseWriter, r *http.Request) error {
	return m.renderDetail(w, r, r.PathValue("id"), http.StatusOK, nil)
}

// postAction runs one step from its form; field messages show on the page (422).
func (m *Module) postAction(a action.Action[*Request]) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		id := r.PathValue("id")
		if err := r.ParseForm(); err != nil {
			return web.Errorf(http.StatusBadRequest, "表单格式有误")
		}
		in, fe := a.Decode(r.PostForm)
		err := fe.Err()
		var rec *Request
		if err == nil {
			rec, err = a.Run(r.Context(), auth.From(r.Context()), id, in)
		}
		if ffe := web.FormFrom(err, r.PostForm); ffe != nil {
			return m.renderDetail(w, r, id, http.StatusUnprocessableEntity, ffe)
		}
		if err != nil {
			return err
		}
		return web.SeeOther(w, r, "/disclosure/requests/"+id, a.Message(rec))
	}
}

type newPage struct {
	Organs   []org.Organ
	Channels []Channel
	Types    []ApplicantType
	Forms    [][2]string
	Delivs   [][2]string
	Public   bool
}

func (m *Module) intakeOrgans(p *auth.Principal) []org.Organ {
	var out []org.Organ
	for _, o := range m.svc.org.All() {
		switch o.Kind {
		case org.KindGovernment, org.KindDepartment, org.KindOffice, org.KindJustice:
		default:
			continue
		}
		if p == nil || m.svc.covers(p, o) {
			out = append(out, o)
		}
	}
	return out
}

func (m *Module) newForm(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	return m.render(w, r, "new", http.StatusOK, "登记政府信息公开申请", &newPage{Organs: m.intakeOrgans(p), Channels: Channels, Types: ApplicantTypes, Forms: Forms, Delivs: Deliveries},
		&web.FormError{Values: map[string][]string{"received_on": {m.svc.Today().String()}, "applicant_type": {string(NaturalPerson)}}})
}

func (m *Module) create(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	if err := r.ParseForm(); err != nil {
		return web.Errorf(http.StatusBadRequest, "表单格式有误")
	}
	var in Intake
	action.DecodeForm(r.PostForm, &in)
	rec, err := m.svc.Register(r.Context(), p, &in, false)
	if fe := web.FormFrom(err, r.PostForm); fe != nil {
		return m.render(w, r, "new", http.StatusUnprocessableEntity, "登记政府信息公开申请", &newPage{Organs: m.intakeOrgans(p), Channels: Channels, Types: ApplicantTypes, Forms: Forms, Delivs: Deliveries}, fe)
	}
	if err != nil {
		return err
	}
	flash := "已登记，收件编号 " + rec.ReceiptNo + "，查询码 " + rec.QueryCode + "（请告知申请人）"
	if len(rec.Similar) > 0 {
		flash += "；该申请人近90日另有申请：" + strings.Join(rec.Similar, "、")
	}
	return web.SeeOther(w, r, "/disclosure/requests/"+rec.RequestID, flash)
}

// The public intake: Post/Redirect/Get. The query code travels to the receipt page in a short-lived
// cookie that the page clears, so it is shown once and a refresh neither resubmits nor shows it again.
const receiptCookie = "fazhi_disclosure_receipt"

func (m *Module) applyForm(w http.ResponseWriter, r *http.Request) error {
	return m.render(w, r, "public_apply", http.StatusOK, "申请政府信息公开", &newPage{Organs: m.intakeOrgans(nil), Types: ApplicantTypes, Forms: Forms, Delivs: Deliveries, Public: true},
		&web.FormError{Values: map[string][]string{"applicant_type": {string(NaturalPerson)}}})
}

func (m *Module) apply(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return web.Errorf(http.StatusBadRequest, "表单格式有误")
	}
	if err := m.intakeLimit(r); err != nil {
		return err
	}
	var in Intake
	action.DecodeForm(r.PostForm, &in)
	rec, err := m.svc.Register(r.Context(), nil, &in, true)
	if fe := web.FormFrom(err, r.PostForm); fe != nil {
		return m.render(w, r, "public_apply", http.StatusUnprocessableEntity, "申请政府信息公开", &newPage{Organs: m.intakeOrgans(nil), Types: ApplicantTypes, Forms: Forms, Delivs: Deliveries, Public: true}, fe)
	}
	if err != nil {
		return err
	}
	http.SetCookie(w, &http.Cookie{Name: receiptCookie, Value: url.QueryEscape(rec.ReceiptNo + "|" + rec.QueryCode), Path: "/public/disclosure/receipt", MaxAge: 600, HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	return web.SeeOther(w, r, "/public/disclosure/receipt?no="+url.QueryEscape(rec.ReceiptNo), "")
}

type receiptPage struct {
	ReceiptNo, QueryCode, Organ, ReceivedOn string
}

func (m *Module) receipt(w http.ResponseWriter, r *http.Request) error {
	no := r.URL.Query().Get("no")
	data := &receiptPage{ReceiptNo: no}
	if c, err := r.Cookie(receiptCookie); err == nil {
		v, _ := url.QueryUnescape(c.Value)
		if n, code, ok := strings.Cut(v, "|"); ok && n == no {
			data.QueryCode = code
		}
		http.SetCookie(w, &http.Cookie{Name: receiptCookie, Value: "", Path: "/public/disclosure/receipt", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	}
	return m.render(w, r, "public_receipt", http.StatusOK, "申请已提交", data, nil)
}

// Progress is what the applicant sees with the receipt number and query code.
type Progress struct {
	R        *Request
	Organ    string
	Events   []casework.Event
	Due      Deadlines
	Docs     []officialdoc.Document // issued notices addressed to the applicant
	Released []files.Attachment     // the information released, once answered
	// ActionLabel names the steps of the timeline in Chinese (set by the page).
	ActionLabel func(string) string
}

// PublicProgress checks the receipt number and query code; a mismatch is a 404 with one message.
func (s *Service) PublicProgress(ctx context.Context, receiptNo, code string) (*Progress, error) {
	var id, hash string
	err := s.db.QueryRowContext(ctx, `SELECT id, query_code_hash FROM disclosure_requests WHERE receipt_no = ?`, receiptNo).Scan(&id, &hash)
	if err != nil || hash == "" || hash != queryCodeHash(receiptNo, code) {
		return nil, fault.NotFoundf("收件编号或查询码不正确")
	}
	r, err := s.getRequest(ctx, s.db, nil, id)
	if err != nil {
		return nil, err
	}
	evs, err := casework.Events(ctx, s.db, "disclosure_request", id, casework.ByLegalDate)
	if err != nil {
		return nil, err
	}
	o, _ := s.org.Organ(r.OrganID)
	return &Progress{R: r, Organ: o.Name, Events: evs, Due: ComputeDeadlines(r, s.cal())}, nil
}

// AmendPublic is the applicant's 补正 with the query code: it records receipt of the amended request today.
func (s *Service) AmendPublic(ctx context.Context, receiptNo, code, text string) (*Request, error) {
	pr, err := s.PublicProgress(ctx, receiptNo, code)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(text) == "" {
		return nil, fault.Field("text", "请填写补正内容")
	}
	return s.Amended(ctx, nil, pr.R.ID, &AmendedInput{Step: casework.Step{Note: "申请人在线补正"}, Text: text})
}

func (m *Module) progressForm(w http.ResponseWriter, r *http.Request) error {
	return m.render(w, r, "public_progress", http.StatusOK, "查询申请办理进度", (*Progress)(nil), nil)
}

func (m *Module) progress(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return web.Errorf(http.StatusBadRequest, "表单格式有误")
	}
	if err := m.lookupLimit(r); err != nil {
		return err
	}
	pr, err := m.svc.PublicProgress(r.Context(), strings.TrimSpace(r.PostFormValue("receipt_no")), strings.TrimSpace(r.PostFormValue("code")))
	if err != nil {
		if web.Status(err) == http.StatusNotFound {
			return m.render(w, r, "public_progress", http.StatusNotFound, "查询申请办理进度", (*Progress)(nil), &web.FormError{Values: r.PostForm, Msg: err.Error()})
		}
		return err
	}
	if pr.Docs, pr.Released, err = m.publicFiles(r.Context(), pr.R); err != nil {
		return err
	}
	pr.ActionLabel = m.actionLabel
	return m.render(w, r, "public_progress", http.StatusOK, "查询申请办理进度", pr, &web.FormError{Values: r.PostForm})
}

func (m *Module) publicAmend(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return web.Errorf(http.StatusBadRequest, "表单格式有误")
	}
	if err := m.intakeLimit(r); err != nil {
		return err
	}
	_, err := m.svc.AmendPublic(r.Context(), strings.TrimSpace(r.PostFormValue("receipt_no")), strings.TrimSpace(r.PostFormValue("code")), r.PostFormValue("text"))
	if err != nil {
		if fe := web.FormFrom(err, r.PostForm); fe != nil || web.Status(err) == http.StatusNotFound || web.Status(err) == http.StatusConflict {
			if fe == nil {
				fe = &web.FormError{Values: r.PostForm, Msg: err.Error()}
			}
			return m.render(w, r, "public_progress", web.Status(err), "查询申请办理进度", (*Progress)(nil), fe)
		}
		return err
	}
	return web.SeeOther(w, r, "/public/disclosure/progress", "补正已提交，答复期限自今日重新起算；请凭收件编号和查询码查询进度")
}

type statsPageData struct {
	Organs []org.Organ
	Organ  org.Organ
	Year   int
	St     *Stats
	Rows   []LabeledRow
	Heads  []string
	Err    string
	Charts []template.HTML
}

func (m *Module) statsPage(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	q := r.URL.Query()
	data := &statsPageData{Year: m.svc.Today().Year, Heads: []string{"自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"}}
	for _, o := range m.intakeOrgans(p) {
		data.Organs = append(data.Organs, o)
	}
	if y, err := strconv.Atoi(q.Get("year")); err == nil && y > 2007 && y < 10000 {
		data.Year = y
	}
	data.Organ, _ = m.svc.org.Organ(p.OrganID)
	if o, ok := m.svc.org.Organ(q.Get("organ")); ok && m.svc.covers(p, o) {
		data.Organ = o
	}
	st, err := m.svc.Verified(r.Context(), Scope{Organ: data.Organ, Subordinates: data.Organ.Kind == org.KindGovernment}, data.Year)
	if err != nil {
		data.Err = err.Error()
		st, err = m.svc.StatsFor(r.Context(), m.svc.db, Scope{Organ: data.Organ, Subordinates: data.Organ.Kind == org.KindGovernment}, data.Year)
		if err != nil {
			return err
		}
	}
	data.St, data.Rows = st, Table3Rows(&st.Table3)
	months, err := m.svc.Monthly(r.Context(), Scope{Organ: data.Organ, Subordinates: data.Organ.Kind == org.KindGovernment}, data.Year)
	if err != nil {
		return err
	}
	data.Charts = []template.HTML{barChart("本年办理结果（表三（一）至（六））", resultBars(&st.Table3)), barChart("本年新收申请按申请人", applicantBars(&st.Table3)),
		barChart("本年新收申请按月", monthBars(months))}
	return m.render(w, r, "stats", http.StatusOK, "政府信息公开年报统计", data, nil)
}
