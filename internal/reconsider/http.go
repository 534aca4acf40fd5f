package reconsider

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fazhi/fazhi/internal/action"
	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/docgen"
	"github.com/fazhi/fazhi/internal/files"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/web"
)

const (
	casePageSize = 20
	exportLimit  = 10000
	listCountCap = 1000              // a list page counts up to this many matches, then says "1,000+"
	ownerType    = "reconsider_case" // files.Owner.Type of every case attachment
)

// registerCaseRoutes: the office's case list, the case page and its actions.
func (m *Module) registerCaseRoutes(app *web.App) {
	app.Menu(web.MenuItem{Group: "业务", Title: "行政复议", URL: "/reconsider/cases", Perm: PermRead, Order: 10},
		web.MenuItem{Group: "业务", Title: "待答复复议案件", URL: "/reconsider/replies", Perm: PermReply, Order: 11})
	app.GET("/reconsider/cases", PermRead, m.caseList)
	app.LongGET("/reconsider/cases/export.xlsx", PermRead, m.caseExport)
	app.GET("/reconsider/cases/new", PermEdit, m.newForm)
	app.POST("/reconsider/cases", PermEdit, m.register)
	app.GET("/reconsider/replies", PermReply, m.replyList)
	// reconsider.view: the office, leaders and the respondent's liaison (who lacks reconsider.read);
	// the service limits the cases to the principal's scope.
	app.GET("/reconsider/cases/{id}", PermView, m.showCase)
	app.GET("/reconsider/cases/{id}/files/{file}", PermView, m.caseDownload)
	app.POST("/reconsider/cases/{id}/files", PermView, m.caseUpload)
	app.POST("/reconsider/cases/{id}/query_code", PermEdit, m.reissueQueryCode)
	m.caseActions().FormRoutes(app, "/reconsider/cases/{id}", m.postAction)
	// 听证 was the action "session" until the glossary rename; pages saved or scripted before
	// still post there.
	if a, ok := m.caseActions().ByName("hearing"); ok {
		app.POST("/reconsider/cases/{id}/session", a.Perm, m.postAction(a))
	}
}

func caseURL(id string) string { return "/reconsider/cases/" + id }

// --- options shown in selects ---

type selectOption struct{ Value, Label string }

type selectOptions struct {
	Channels, Kinds, ActTypes, Fields, States, Procedures, Simplified, Suspend, Terminate, Outcomes,
	HearingKinds, HearingModes, PartyRoles, OtherKinds, FileLabels, ServiceMethods, Compensations []selectOption
}

var formOptions = func() *selectOptions {
	o := &selectOptions{}
	for _, c := range Channels {
		o.Channels = append(o.Channels, selectOption{string(c), c.Label()})
	}
	for _, k := range []ApplicantKind{Natural, LegalPerson, OtherOrg} {
		o.Kinds = append(o.Kinds, selectOption{string(k), k.Label()})
	}
	for _, s := range ActTypes {
		o.ActTypes = append(o.ActTypes, selectOption{s, s})
	}
	for _, s := range Fields {
		o.Fields = append(o.Fields, selectOption{s, s})
	}
	o.States = append(o.States, selectOption{"open", "未办结（全部）"})
	for _, s := range States {
		o.States = append(o.States, selectOption{string(s), s.Label()})
	}
	o.Procedures = []selectOption{{string(Ordinary), Ordinary.Label()}, {string(Simplified), Simplified.Label()}}
	numbered := func(list []string) []selectOption {
		var out []selectOption
		for i, s := range list {
			out = append(out, selectOption{strconv.Itoa(i + 1), fmt.Sprintf("第%s项：%s", itemCN(i+1), s)})
		}
		return out
	}
	o.Simplified = numbered(SimplifiedGrounds)
	o.Suspend = numbered(SuspendGrounds)
	o.Terminate = numbered(TerminateGrounds)
	for _, c := range []Compensation{CompensationAward, CompensationDismiss, CompensationReturn} {
		art := "（第七十二条第一款）"
		if c == CompensationReturn {
			art = "（第七十二条第二款）"
		}
		o.Compensations = append(o.Compensations, selectOption{string(c), c.Label() + art})
	}
	for _, m := range ServiceMethods {
		o.ServiceMethods = append(o.ServiceMethods, selectOption{string(m), m.Label()})
	}
	for _, oc := range Outcomes {
		if oc.Decision() {
			o.Outcomes = append(o.Outcomes, selectOption{string(oc), oc.Label() + "（" + oc.Article() + "）"})
		}
	}
	for _, k := range []string{HearingViews, HearingFormal, HearingCommittee} {
		o.HearingKinds = append(o.HearingKinds, selectOption{k, HearingKinds[k]})
	}
	for _, k := range []string{"inperson", "online", "phone", "written"} {
		o.HearingModes = append(o.HearingModes, selectOption{k, HearingModes[k]})
	}
	for _, k := range []string{"third_party", "agent", "co_applicant"} {
		o.PartyRoles = append(o.PartyRoles, selectOption{k, PartyRoles[k]})
	}
	o.OtherKinds = []selectOption{{"inform", "告知向有权机关申请"}, {"transfer", "转送有关机关"}, {"withdraw", "申请人撤回申请"}}
	for _, s := range []string{"申请材料", "补正材料", "答复及证据", "听证笔录", "调查取证材料", "其他材料"} {
		o.FileLabels = append(o.FileLabels, selectOption{s, s})
	}
	return o
}()

func itemCN(n int) string {
	digits := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}
	if n <= 10 {
		return digits[n]
	}
	return strconv.Itoa(n)
}

func groundLabel(list []string, n int) string {
	if n < 1 || n > len(list) {
		return ""
	}
	return fmt.Sprintf("第%s项：%s", itemCN(n), list[n-1])
}

var actionLabels = map[string]string{
	"register": "登记收件", "request_amendment": "发出补正通知", "receive_amendment": "收到补正材料", "amendment_uploaded": "申请人在线提交补正材料",
	"amendment_lapsed": "逾期未补正，视为放弃申请", "accept": "受理", "deem_accept": "视为受理", "reject": "不予受理", "inform": "告知",
	"transfer": "转送", "withdraw": "受理前撤回申请", "convert": "转为普通程序", "assign": "更换承办人", "send_copy": "发送申请书副本",
	"reply": "被申请人答复", "suspend": "中止", "resume": "恢复审理", "extend": "延长审理期限", "decide": "作出复议决定", "mediate": "调解结案",
	"terminate": "终止", "performed": "履行完毕", "hearing": "听取意见、听证或委员会咨询", "add_party": "追加参加人", "opinion": "制发意见书",
	"opinion_report": "意见书纠正情况反馈", "serve": "记录送达", "sign_copy": "被申请人签收申请书副本", "application_facts": "记录申请期限情况", "extend_amendment": "延长补正期限",
}

func actionLabel(a string) string {
	if l := actionLabels[a]; l != "" {
		return l
	}
	return a
}

// --- the case list ---

// parseFilter reads the list filters from the query string (the page, the export and the API).
func parseFilter(q url.Values) (Filter, *web.FormError) {
	fe := &web.FormError{Values: q}
	var f Filter
	switch s := q.Get("state"); {
	case s == "":
	case s == "open":
		f.Open = true
	case State(s).Label() != "":
		f.State = State(s)
	default:
		fe.Add("state", "状态无效")
	}
	f.Respondent = strings.TrimSpace(q.Get("respondent"))
	f.Field = q.Get("field")
	f.ActType = q.Get("act_type")
	f.HandlerID = q.Get("handler")
	if v := strings.TrimSpace(q.Get("due")); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 365 {
			fe.Add("due", "请填写1至365之间的天数")
		} else {
			f.DueWithin = n
		}
	}
	f.Overdue = q.Get("overdue") == "1"
	f.Query = strings.TrimSpace(q.Get("q"))
	for _, x := range []struct {
		key string
		dst *calendar.Date
	}{{"from", &f.ReceivedFrom}, {"to", &f.ReceivedTo}} {
		if v := strings.TrimSpace(q.Get(x.key)); v != "" {
			d, err := calendar.ParseDate(v)
			if err != nil {
				fe.Add(x.key, calendar.FormatHint)
				continue
			}
			*x.dst = d
		}
	}
	if !f.ReceivedFrom.IsZero() && !f.ReceivedTo.IsZero() && f.ReceivedTo.Before(f.ReceivedFrom) {
		fe.Add("to", "截止日期不能早于起始日期")
	}
	return f, fe
}

type listRow struct {
	*Case
	Name     string
	Urgency  web.Urgency
	NextName string
	DaysLeft int
}

func (m *Module) listRows(cases []*Case) []listRow {
	cal, today := m.svc.Calendar(), m.svc.Today()
	out := make([]listRow, 0, len(cases))
	for _, c := range cases {
		r := listRow{Case: c, Name: caseName(c), NextName: ruleNames[c.Due.NextRule]}
		if !c.Due.Next.IsZero() {
			r.Urgency = web.UrgencyOf(cal, today, c.Due.Next)
			r.DaysLeft = cal.WorkingDaysLeft(today, c.Due.Next)
		}
		out = append(out, r)
	}
	return out
}

type listPage struct {
	Rows        []listRow
	Total       db.Count
	Page, Pages int
	PrevURL     string
	NextURL     string
	ExportURL   string
	O           *selectOptions
	Handlers    []auth.User
	Respondents []string
	CanEdit     bool
}

func pageURL(base string, q url.Values, page int) string {
	v := url.Values{}
	for k, x := range q {
		if k != "page" && k != "flash" {
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

func (m *Module) caseList(w http.ResponseWriter, r *http.Request) error {
	ctx, p := r.Context(), auth.From(r.Context())
	q := r.URL.Query()
	f, fe := parseFilter(q)
	data := &listPage{O: formOptions, CanEdit: p.Can(PermEdit)}
	var err error
	if data.Handlers, err = m.svc.auth.UsersWithRole(ctx, p.OrganID, auth.RoleReconsider); err != nil {
		return err
	}
	if data.Respondents, err = m.svc.Respondents(ctx, p); err != nil {
		return err
	}
	status := http.StatusOK
	if fe.Err() != nil {
		status = http.StatusUnprocessableEntity
	} else {
		page, limit, offset := web.Paging(q, casePageSize)
		f.Limit, f.Offset, f.CountUpTo = limit, offset, listCountCap
		cases, total, err := m.svc.List(ctx, p, f)
		if err != nil {
			return err
		}
		data.Rows, data.Total, data.Page = m.listRows(cases), total, page
		data.Pages = (total.N + casePageSize - 1) / casePageSize
		if page > 1 {
			data.PrevURL = pageURL("/reconsider/cases", q, page-1)
		}
		if page < data.Pages || total.More && len(cases) == limit {
			data.NextURL = pageURL("/reconsider/cases", q, page+1)
		}
		data.ExportURL = pageURL("/reconsider/cases/export.xlsx", q, 1)
	}
	return m.app.Render(w, r, m.tmpl, "cases", status, "行政复议案件", data, fe)
}

// export writes every case of the filtered list (all pages, at most exportLimit rows) as XLSX.
func (m *Module) caseExport(w http.ResponseWriter, r *http.Request) error {
	ctx, p := r.Context(), auth.From(r.Context())
	f, fe := parseFilter(r.URL.Query())
	if err := fe.Err(); err != nil {
		return err
	}
	var all []*Case
	var total db.Count
	f.CountUpTo = exportLimit
	for f.Offset = 0; len(all) < exportLimit; f.Offset += 500 {
		f.Limit = min(500, exportLimit-len(all))
		cases, n, err := m.svc.List(ctx, p, f)
		if err != nil {
			return err
		}
		if f.Offset == 0 {
			total, f.CountUpTo = n, -1 // counted once
		}
		all = append(all, cases...)
		if len(cases) < f.Limit {
			break
		}
	}
	today := m.svc.Today()
	title := "行政复议案件清单（" + today.Chinese() + "导出，共" + strconv.Itoa(len(all)) + "件）"
	if total.More || total.N > len(all) {
		title = fmt.Sprintf("行政复议案件清单（%s导出，符合条件%s件，导出前%d件）", today.Chinese(), total, len(all))
	}
	sheet := docgen.Sheet{Name: "行政复议案件", Title: title,
		Header: []string{"收件编号", "案号", "收件日期", "申请方式", "申请人", "被申请人", "行为类别", "领域", "被申请的行政行为", "状态", "程序", "受理日期", "下一期限", "期限事项", "承办人", "结案日期", "结案方式"}}
	for _, c := range all {
		proc := ""
		if c.State.Accepted() {
			proc = c.Procedure.Label()
		}
		sheet.Rows = append(sheet.Rows, []any{c.ReceiptNo, c.Number, c.ReceivedOn, c.Channel.Label(), c.ApplicantName, c.Respondent, c.ActType, c.Field,
			c.ActTitle, c.State.Label(), proc, c.AcceptedOn, c.Due.Next, ruleNames[c.Due.NextRule], c.HandlerName, c.ClosedOn, c.Outcome.Label()})
	}
	body, err := docgen.XLSX(sheet)
	if err != nil {
		return err
	}
	if err := audit.Log(ctx, m.svc.db, audit.Entry{Action: "export", ObjectType: "reconsider_case", ObjectID: "",
		Detail: map[string]any{"format": "xlsx", "rows": len(all), "total": total, "query": r.URL.RawQuery}}); err != nil {
		return err
	}
	return web.Download(w, fmt.Sprintf("行政复议案件-%04d%02d%02d.xlsx", today.Year, today.Month, today.Day),
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body)
}

type repliesPage struct {
	Rows        []listRow
	All         bool
	Total       int
	Page, Pages int
	PrevURL     string
	NextURL     string
}

// replies is the liaison's view: the cases in which its organ is the respondent.
func (m *Module) replyList(w http.ResponseWriter, r *http.Request) error {
	ctx, p := r.Context(), auth.From(r.Context())
	q := r.URL.Query()
	all := q.Get("all") == "1"
	page, limit, offset := web.Paging(q, casePageSize)
	cases, total, err := m.svc.ReplyCases(ctx, p, all, limit, offset)
	if err != nil {
		return err
	}
	data := &repliesPage{Rows: m.listRows(cases), All: all, Total: total, Page: page, Pages: (total + casePageSize - 1) / casePageSize}
	for i, c := range cases { // the liaison's clock is the reply deadline, not the office's next one
		if c.ReplyOn.IsZero() && !c.Due.Reply.IsZero() {
			data.Rows[i].Urgency = web.UrgencyOf(m.svc.Calendar(), m.svc.Today(), c.Due.Reply)
			data.Rows[i].DaysLeft = m.svc.Calendar().WorkingDaysLeft(m.svc.Today(), c.Due.Reply)
		} else {
			data.Rows[i].Urgency = ""
		}
	}
	if page > 1 {
		data.PrevURL = pageURL("/reconsider/replies", q, page-1)
	}
	if page < data.Pages {
		data.NextURL = pageURL("/reconsider/replies", q, page+1)
	}
	return m.app.Render(w, r, m.tmpl, "replies", http.StatusOK, "待答复复议案件", data, nil)
}

// --- registering an application received by the office ---

type respGroup struct {
	Gov    org.Organ
	Organs []org.Organ
}

type newPage struct {
	Governments []org.Organ
	Groups      []respGroup
	O           *selectOptions
	Files       bool
	Accept      string
	MaxSize     string
}

// governmentsFor lists the 复议机关 p may register applications for (county level and above).
func (m *Module) governmentsFor(p *auth.Principal) []org.Organ {
	var out []org.Organ
	for _, o := range m.svc.org.All() {
		if o.Kind == org.KindGovernment && o.Level != org.Township && m.svc.editable(p, &Case{OrganID: o.ID, HandlerID: p.UserID}) {
			out = append(out, o)
		}
	}
	return out
}

// respondentGroups lists, per 复议机关, the organs directly under it: its departments, offices,
// township governments and lower governments (Art. 24).
func (m *Module) respondentGroups(govs []org.Organ) []respGroup {
	var out []respGroup
	for _, g := range govs {
		grp := respGroup{Gov: g}
		for _, c := range m.svc.org.Children(g.ID) {
			if c.Kind != org.KindCourt {
				grp.Organs = append(grp.Organs, c)
			}
		}
		out = append(out, grp)
	}
	return out
}

func (m *Module) fileHints() (bool, string, string) {
	if m.files == nil {
		return false, "", ""
	}
	return true, strings.Join(files.AllowedExtensions(), ","), fmt.Sprintf("%.0f MB", float64(m.files.MaxSize())/(1<<20))
}

func (m *Module) renderNew(w http.ResponseWriter, r *http.Request, status int, fe *web.FormError) error {
	p := auth.From(r.Context())
	govs := m.governmentsFor(p)
	data := &newPage{Governments: govs, Groups: m.respondentGroups(govs), O: formOptions}
	data.Files, data.Accept, data.MaxSize = m.fileHints()
	return m.app.Render(w, r, m.tmpl, "case_new", status, "登记行政复议申请", data, fe)
}

func (m *Module) newForm(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	defaults := url.Values{"organ_id": {p.OrganID}, "channel": {string(ChannelInPerson)}, "received_on": {m.svc.Today().String()}, "applicant_kind": {string(Natural)}}
	return m.renderNew(w, r, http.StatusOK, &web.FormError{Values: defaults})
}

func (m *Module) register(w http.ResponseWriter, r *http.Request) error {
	ctx, p := r.Context(), auth.From(r.Context())
	var in Intake
	fe := action.DecodeForm(r.PostForm, &in)
	check := in
	for k, v := range m.svc.validate(&check, false).Fields {
		fe.Add(k, v)
	}
	var ups []files.Upload
	if fe.Err() == nil {
		var err error
		if ups, err = m.stageUploads(ctx, r, fe); err != nil {
			return err
		}
	}
	if fe.Err() == nil {
		rec, err := m.svc.Register(ctx, p, in)
		switch rfe := web.FormFrom(err, nil); {
		case rfe != nil:
			for k, v := range rfe.Fields {
				fe.Add(k, v)
			}
		case err != nil:
			return err
		default:
			c, err := m.svc.Get(ctx, p, rec.CaseID)
			if err != nil {
				return err
			}
			if err := m.attachUploads(ctx, c, ups, "申请材料", nil); err != nil {
				return err
			}
			msg := "已登记，收件编号 " + rec.ReceiptNo
			if len(ups) > 0 {
				msg += fmt.Sprintf("，附件 %d 个", len(ups))
			}
			http.Redirect(w, r, caseURL(rec.CaseID)+"?flash="+url.QueryEscape(msg), http.StatusSeeOther)
			return nil
		}
	}
	return m.renderNew(w, r, http.StatusUnprocessableEntity, fe)
}

// --- attachments ---

// stage checks and stores the uploaded "files" of a multipart form; rejected files become a
// message on the "files" field. Other errors (disk) are returned.
func (m *Module) stageUploads(ctx context.Context, r *http.Request, fe *web.FormError) ([]files.Upload, error) {
	if r.MultipartForm == nil || len(r.MultipartForm.File["files"]) == 0 {
		return nil, nil
	}
	fhs := r.MultipartForm.File["files"]
	if m.files == nil {
		fe.Add("files", "附件功能未启用，请联系系统管理员")
		return nil, nil
	}
	if len(fhs) > 20 {
		fe.Add("files", "一次最多上传20个文件")
		return nil, nil
	}
	var ups []files.Upload
	var bad []string
	for _, fh := range fhs {
		f, err := fh.Open()
		if err != nil {
			return nil, err
		}
		up, err := m.files.Stage(ctx, fh.Filename, f)
		f.Close()
		switch {
		case files.IsRejected(err):
			bad = append(bad, files.SafeFilename(fh.Filename)+"："+err.Error())
		case err != nil:
			return nil, err
		default:
			ups = append(ups, up)
		}
	}
	if len(bad) > 0 {
		fe.Add("files", strings.Join(bad, "；")+"（请重新选择文件）")
		return nil, nil
	}
	return ups, nil
}

func caseOwner(c *Case) files.Owner {
	return files.Owner{Type: ownerType, ID: c.ID, OrganID: c.OrganID}
}

// attach records staged uploads on the case, with extra run in the same transaction.
func (m *Module) attachUploads(ctx context.Context, c *Case, ups []files.Upload, label string, extra func(tx *db.Tx) error) error {
	if len(ups) == 0 && extra == nil {
		return nil
	}
	return m.svc.db.Tx(ctx, func(tx *db.Tx) error {
		for _, up := range ups {
			if _, err := m.files.Attach(ctx, tx, caseOwner(c), up, label); err != nil {
				return err
			}
		}
		if extra != nil {
			return extra(tx)
		}
		return nil
	})
}

func (m *Module) caseAttachments(ctx context.Context, caseID string) ([]files.Attachment, error) {
	if m.files == nil {
		return []files.Attachment{}, nil
	}
	return m.files.List(ctx, m.svc.db, ownerType, caseID)
}

// download serves an attachment of a case the user may see.
func (m *Module) caseDownload(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	c, err := m.svc.Get(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	if m.files == nil {
		return web.NotFound("附件")
	}
	a, err := m.files.Get(r.Context(), r.PathValue("file"))
	if err != nil && !errors.Is(err, db.ErrNotFound) { // a failed read is not a missing file
		return err
	}
	if err != nil || a.OwnerType != ownerType || a.OwnerID != c.ID {
		return web.NotFound("附件")
	}
	return m.files.ServeDownload(w, r, a)
}

// upload adds materials to a case: staff any kind, the respondent's liaison its evidence while
// the case is open.
func (m *Module) caseUpload(w http.ResponseWriter, r *http.Request) error {
	ctx, p := r.Context(), auth.From(r.Context())
	id := r.PathValue("id")
	d, err := m.svc.Detail(ctx, p, id)
	if err != nil {
		return err
	}
	label := strings.TrimSpace(r.PostFormValue("label"))
	switch {
	case d.CanEdit:
	case d.CanReply && d.Case.State.Accepted() && d.Case.State.Open():
		label = "答复及证据"
	default:
		return fmt.Errorf("%w：您不能为该案件上传材料", db.ErrForbidden)
	}
	fe := &web.FormError{Values: r.PostForm}
	if label == "" {
		fe.Add("label", "请选择材料名称")
	}
	ups, err := m.stageUploads(ctx, r, fe)
	if err != nil {
		return err
	}
	if len(ups) == 0 && fe.Fields["files"] == "" {
		fe.Add("files", "请选择要上传的文件")
	}
	if fe.Err() != nil {
		return m.renderCase(w, r, id, http.StatusUnprocessableEntity, &actionFailure{action: "upload", vals: r.PostForm, fe: fe})
	}
	if err := m.attachUploads(ctx, d.Case, ups, label, nil); err != nil {
		return err
	}
	http.Redirect(w, r, caseURL(id)+"?flash="+url.QueryEscape(fmt.Sprintf("已上传%s %d 个文件", label, len(ups))), http.StatusSeeOther)
	return nil
}
