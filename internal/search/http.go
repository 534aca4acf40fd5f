package search

import (
	"embed"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// Module is the public search page: laws of the reference library and published normative documents.
type Module struct {
	ix   *Index
	app  *web.App
	tmpl *web.Templates
}

// NewModule wires the search page to ix.
func NewModule(ix *Index) *Module { return &Module{ix: ix} }

// PageSize is the number of hits per page.
const PageSize = 10

// maxPages bounds paging: deeper pages are not useful and only cost.
const maxPages = 50

// Register adds /public/search (no login) and the 法规检索 menu entry for signed-in users.
func (m *Module) Register(app *web.App) {
	m.app = app
	m.tmpl = web.ParseTemplates(templateFS, "templates/*.html")
	app.GET("/public/search", auth.PermPublic, m.page)
	app.Menu(web.MenuItem{Group: "业务", Title: "法规检索", URL: "/public/search", Perm: auth.PermLogin, Order: 300})
}

type choice struct{ Value, Label string }

type hitView struct {
	Hit
	KindLabel string
	TitleHTML template.HTML
	Snippet   template.HTML
}

type pageData struct {
	Query       string
	Searched    bool
	Hits        []hitView
	Total       int
	More        bool
	Page, Pages int
	PrevURL     string
	NextURL     string
	PageURLs    []pageLink
	Kinds       []choice
	Statuses    []string
	Organs      []Facet
	Years       []Facet
}

type pageLink struct {
	N       int
	URL     string
	Current bool
}

func (m *Module) page(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	fe := &web.FormError{Values: q}
	data := &pageData{
		Query:    strings.TrimSpace(q.Get("q")),
		Kinds:    []choice{{KindLaw, KindLabel(KindLaw)}, {KindNormdoc, KindLabel(KindNormdoc)}},
		Statuses: Statuses,
	}
	var err error
	if data.Organs, data.Years, err = m.ix.Facets(ctx); err != nil {
		return err
	}
	o := Options{Kind: q.Get("kind"), Status: q.Get("status"), OrganID: q.Get("organ")}
	if o.Kind != "" && o.Kind != KindLaw && o.Kind != KindNormdoc {
		fe.Add("kind", "类别无效")
	}
	if o.Status != "" && !contains(Statuses, o.Status) {
		fe.Add("status", "效力状态无效")
	}
	if y := q.Get("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 1949 || n > 2100 {
			fe.Add("year", "年份应为四位数字")
		}
		o.Year = n
	}
	page, limit, _ := web.Paging(q, PageSize)
	page = min(page, maxPages)
	o.Limit, o.Offset = limit, (page-1)*limit
	status := http.StatusOK
	if data.Query != "" && fe.Err() == nil {
		res, err := m.ix.Find(ctx, data.Query, o)
		var perr error
		switch {
		case isQueryError(err, &perr):
			fe.Add("q", perr.Error())
		case err != nil:
			return err
		default:
			data.Searched = true
			data.Total, data.More, data.Page = res.Total, res.More, page
			data.Pages = min((res.Total+PageSize-1)/PageSize, maxPages)
			for _, h := range res.Hits {
				data.Hits = append(data.Hits, hitView{Hit: h, KindLabel: KindLabel(h.Kind),
					TitleHTML: template.HTML(h.TitleHTML), Snippet: template.HTML(h.Snippet)}) // Highlight escapes
			}
			if page > 1 {
				data.PrevURL = pageURL(q, page-1)
			}
			if page < data.Pages {
				data.NextURL = pageURL(q, page+1)
			}
			for n := max(1, page-4); n <= min(data.Pages, page+4); n++ {
				data.PageURLs = append(data.PageURLs, pageLink{N: n, URL: pageURL(q, n), Current: n == page})
			}
		}
	}
	if fe.Err() != nil {
		status = http.StatusUnprocessableEntity
	}
	title := "法规检索"
	if data.Query != "" {
		title = data.Query + " - 法规检索"
	}
	return m.app.Render(w, r, m.tmpl, "search", status, title, data, fe)
}

// isQueryError reports the parser's errors, which are shown beside the query box.
func isQueryError(err error, out *error) bool {
	for _, e := range []error{ErrEmptyQuery, ErrQueryTooLong, ErrUnbalancedQuote, ErrNoSearchable, ErrOnlyExclusions} {
		if errors.Is(err, e) {
			*out = e
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func pageURL(q url.Values, page int) string {
	v := url.Values{}
	for k, x := range q {
		if k != "page" && len(x) > 0 && x[0] != "" {
			v[k] = x[:1]
		}
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return "/public/search?" + v.Encode()
}
