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

//go:embed organs.js
var organsJS []byte

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
	app.GET("/public/search/organs", auth.PermPublic, m.organs)
	app.GET("/public/search/organs.js", auth.PermPublic, serveOrgansJS)
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
	OrganName   string      // the organ filter as shown in its text box
	OrganLinks  []organLink // organs whose name contains what was typed, when it named none exactly
	Years       []Facet
}

type organLink struct{ Name, URL string }

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
	organs, years, err := m.ix.Facets(ctx)
	if err != nil {
		return err
	}
	data.Years = years
	o := Options{Kind: q.Get("kind"), Status: q.Get("status"), OrganID: q.Get("organ")}
	// The organ is typed (type-ahead with script, plain text box without): organ_name is resolved to
	// an id; links carry the id as organ. A page never lists every organ: a province has 1,500.
	if name := strings.TrimSpace(q.Get("organ_name")); name != "" {
		data.OrganName = name
		found := matchOrgans(organs, name, maxOrganLinks+1)
		switch {
		case len(found) == 1 || len(found) > 1 && found[0].Label == name && found[1].Label != name: // the one, or the one so named
			o.OrganID, data.OrganName = found[0].Value, found[0].Label
		case len(found) == 0:
			fe.Add("organ_name", "没有名称包含“"+name+"”的制定机关")
		default:
			fe.Add("organ_name", "有多个制定机关符合，请从下面选择一个")
			for _, f := range found[:min(len(found), maxOrganLinks)] {
				v := url.Values{}
				for k, x := range q {
					v[k] = x
				}
				v.Del("organ_name")
				v.Set("organ", f.Value)
				data.OrganLinks = append(data.OrganLinks, organLink{Name: f.Label, URL: pageURL(v, 1)})
			}
		}
	} else if o.OrganID != "" {
		for _, f := range organs {
			if f.Value == o.OrganID {
				data.OrganName = f.Label
			}
		}
	}
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

// maxOrganLinks bounds the organs offered by the type-ahead and by the page when a name is ambiguous.
const maxOrganLinks = 20

// matchOrgans returns up to n organs whose name contains s: exact names first, then names starting
// with s, then the rest, each in name order (organs is sorted by name).
func matchOrgans(organs []Facet, s string, n int) []Facet {
	var exact, prefix, other []Facet
	for _, f := range organs {
		switch {
		case f.Label == s:
			exact = append(exact, f)
		case strings.HasPrefix(f.Label, s):
			prefix = append(prefix, f)
		case strings.Contains(f.Label, s):
			other = append(other, f)
		}
	}
	out := append(append(exact, prefix...), other...)
	return out[:min(len(out), n)]
}

// organJSON is one suggestion of the organ type-ahead.
type organJSON struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Count int    `json:"count"` // documents indexed
}

// organs answers the type-ahead: GET /public/search/organs?q=青山 → up to 20 organs as JSON.
func (m *Module) organs(w http.ResponseWriter, r *http.Request) error {
	organs, _, err := m.ix.Facets(r.Context())
	if err != nil {
		return err
	}
	out := []organJSON{}
	if s := strings.TrimSpace(r.URL.Query().Get("q")); s != "" {
		for _, f := range matchOrgans(organs, s, maxOrganLinks) {
			out = append(out, organJSON{ID: f.Value, Name: f.Label, Count: f.Count})
		}
	}
	w.Header().Set("Cache-Control", "public, max-age=300")
	return web.WriteJSON(w, http.StatusOK, out)
}

func serveOrgansJS(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, err := w.Write(organsJS)
	return err
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
