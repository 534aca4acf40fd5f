package normdoc

import (
	"net/http"

	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/web"
)

// apiSpec is one API operation: its description and its handler.
type apiSpec struct {
	op api.Op
	h  web.HandlerFunc
}

// apiSpecs is the one list of the module's API operations, for the routes and their description.
func (m *Module) apiSpecs() []apiSpec {
	const tag = "规范性文件"
	return []apiSpec{
		{api.Op{Method: http.MethodGet, Path: "/normdocs", Tag: tag, Perm: auth.PermNormdocRead, Summary: "登记的规范性文件",
			Description: "按数据范围列出登记的文件（含未公布的）；部门只看本单位制定或起草的。", Query: listQuery{}, Response: listJSON{}}, m.apiList},
		{api.Op{Method: http.MethodGet, Path: "/normdocs/stats", Tag: tag, Perm: auth.PermStatsRead, Summary: "合法性审查与规范性文件年度统计",
			Description: "与 fazhi stats normdoc --format json 相同的口径（见 normdoc.Stats）。organ 为机关 ID，缺省为本人所属人民政府。", Query: statsQuery{}, Response: Stats{}}, m.apiStats},
		{api.Op{Method: http.MethodGet, Path: "/normdocs/{id}", Tag: tag, Perm: auth.PermNormdocRead, Summary: "规范性文件详情",
			Description: "现行文本、效力变化和备案情况。", Response: DocDetailJSON{}}, m.apiGet},
		{api.Op{Method: http.MethodGet, Path: "/public/normdocs", Tag: tag, Perm: auth.PermPublic, Summary: "公开的规范性文件",
			Description: "无需登录；只列已公布的文件。", Query: listQuery{}, Response: listJSON{}}, m.apiPublicList},
	}
}

// DescribeAPI declares the module's API operations in reg, for /api/v1/openapi.json.
func (m *Module) DescribeAPI(reg *api.Registry) {
	for _, s := range m.apiSpecs() {
		reg.Op(s.op)
	}
}

type listQuery struct {
	Organ  string `query:"organ" doc:"制定机关 ID"`
	Below  string `query:"below" doc:"1 = 含下级机关"`
	Year   int    `query:"year" doc:"公布年度"`
	Status string `query:"status" doc:"in_force 有效、amended 已修改、repealed 废止、expired 失效、registered 待公布"`
	Topic  string `query:"topic" doc:"主题"`
	Q      string `query:"q" doc:"标题、文号或关键词"`
	Page   int    `query:"page" doc:"页码，从 1 开始"`
}

type statsQuery struct {
	Organ string `query:"organ" doc:"机关 ID"`
	Year  int    `query:"year" doc:"年度，缺省为今年"`
}

type listJSON struct {
	Total   int       `json:"total"`
	Page    int       `json:"page"`
	PerPage int       `json:"per_page"`
	Items   []DocJSON `json:"items"`
}

// DocJSON is a document as the API shows it.
type DocJSON struct {
	ID          string        `json:"id"`
	Number      string        `json:"number" doc:"文号"`
	Title       string        `json:"title"`
	OrganID     string        `json:"organ_id"`
	Organ       string        `json:"organ" doc:"制定机关"`
	Status      Status        `json:"status"`
	StatusLabel string        `json:"status_label"`
	SignedOn    calendar.Date `json:"signed_on"`
	PublishedOn calendar.Date `json:"published_on"`
	EffectiveOn calendar.Date `json:"effective_on"`
	ExpiresOn   calendar.Date `json:"expires_on" doc:"有效期最后一日"`
	Keywords    []string      `json:"keywords"`
	Topics      []string      `json:"topics"`
	AmendedBy   string        `json:"amended_by" doc:"修改本文件的文件 ID"`
	Amends      string        `json:"amends" doc:"本文件修改的文件 ID"`
	Version     int           `json:"version" doc:"现行文本版本号"`
	URL         string        `json:"url"`
}

func docJSON(d *Doc, today calendar.Date) DocJSON {
	return DocJSON{ID: d.ID, Number: d.Number, Title: d.Title, OrganID: d.OrganID, Organ: d.OrganName, Status: d.Status, StatusLabel: d.StatusText(today),
		SignedOn: d.SignedOn, PublishedOn: d.PublishedOn, EffectiveOn: d.EffectiveOn, ExpiresOn: d.ExpiresOn, Keywords: d.KeywordList(), Topics: d.TopicList(),
		AmendedBy: d.AmendedByID, Amends: d.AmendsID, Version: d.CurrentVersion, URL: "/public/normdocs/" + d.ID}
}

// FilingJSON is one 备案.
type FilingJSON struct {
	ID         string        `json:"id"`
	Body       string        `json:"body" doc:"备案机关"`
	DueOn      calendar.Date `json:"due_on"`
	SentOn     calendar.Date `json:"sent_on"`
	ReceivedOn calendar.Date `json:"received_on"`
	Result     string        `json:"result" doc:"ok 准予备案，correct 要求纠正"`
	Feedback   string        `json:"feedback"`
	State      string        `json:"state"`
	Overdue    bool          `json:"overdue"`
}

// StatusJSON is one entry of the status timeline.
type StatusJSON struct {
	Status Status        `json:"status"`
	Label  string        `json:"label"`
	From   calendar.Date `json:"from"`
	Note   string        `json:"note"`
	Ref    string        `json:"ref" doc:"相关文件 ID"`
}

// DocDetailJSON is a document with its text, timeline and filings.
type DocDetailJSON struct {
	DocJSON
	Text     string       `json:"text"`
	Filings  []FilingJSON `json:"filings"`
	Timeline []StatusJSON `json:"timeline"`
}

func (m *Module) apiListWith(w http.ResponseWriter, r *http.Request, public bool) error {
	q := r.URL.Query()
	page, limit, offset := web.Paging(q, 50)
	f := filterFrom(q)
	f.Limit, f.Offset = limit, offset
	var items []*Doc
	var total int
	var err error
	if public {
		f.FilingOverdue, f.Expiring = false, false
		items, total, err = m.svc.PublicList(r.Context(), f)
	} else {
		items, total, err = m.svc.List(r.Context(), auth.From(r.Context()), f)
	}
	if err != nil {
		return err
	}
	out := listJSON{Total: total, Page: page, PerPage: limit, Items: []DocJSON{}}
	for _, d := range items {
		out.Items = append(out.Items, docJSON(d, m.svc.Today()))
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

func (m *Module) apiList(w http.ResponseWriter, r *http.Request) error {
	return m.apiListWith(w, r, false)
}

func (m *Module) apiPublicList(w http.ResponseWriter, r *http.Request) error {
	return m.apiListWith(w, r, true)
}

func (m *Module) apiGet(w http.ResponseWriter, r *http.Request) error {
	d, err := m.svc.Detail(r.Context(), auth.From(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := DocDetailJSON{DocJSON: docJSON(d.Doc, d.Today), Text: d.Text.Body, Filings: []FilingJSON{}, Timeline: []StatusJSON{}}
	for _, f := range d.Filings {
		out.Filings = append(out.Filings, FilingJSON{ID: f.ID, Body: f.BodyName, DueOn: f.DueOn, SentOn: f.SentOn, ReceivedOn: f.ReceivedOn, Result: f.Result,
			Feedback: f.Feedback, State: f.StateLabel(d.Today), Overdue: f.Overdue(d.Today)})
	}
	for _, e := range d.Timeline {
		out.Timeline = append(out.Timeline, StatusJSON{Status: e.Status, Label: e.Status.Label(), From: e.From, Note: e.Note, Ref: e.RefID})
	}
	return web.WriteJSON(w, http.StatusOK, out)
}

func (m *Module) apiStats(w http.ResponseWriter, r *http.Request) error {
	st, err := m.statsFor(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, st)
}
