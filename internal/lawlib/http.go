package lawlib

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// Module is the public reference library: browse by category, read a law with its versions.
type Module struct {
	lib  *Library
	app  *web.App
	tmpl *web.Templates
}

// NewModule wires the library pages.
func NewModule(lib *Library) *Module { return &Module{lib: lib} }

// Register adds /public/laws and /public/laws/{id} (no login).
func (m *Module) Register(app *web.App) {
	m.app = app
	m.tmpl = web.ParseTemplates(templateFS, "templates/*.html")
	app.GET("/public/laws", auth.PermPublic, m.list)
	app.GET("/public/laws/{id}", auth.PermPublic, m.law)
}

const listPageSize = 50

type listData struct {
	Categories  []Category
	Category    string
	Title       string
	Rows        []Summary
	Total       int
	Page, Pages int
	PrevURL     string
	NextURL     string
	Listed      bool
	Statuses    []string
	Loading     *Progress // the shipped library is still loading: results are incomplete
}

func (m *Module) list(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q := r.URL.Query()
	fe := &web.FormError{Values: q}
	data := &listData{Category: q.Get("category"), Title: strings.TrimSpace(q.Get("title")),
		Statuses: []string{StatusInForce, StatusSuperseded, StatusRepealed}}
	var err error
	if data.Categories, err = m.lib.Categories(ctx); err != nil {
		return err
	}
	if p, err := m.lib.LoadProgress(ctx); err != nil {
		return err
	} else if p.Running() {
		data.Loading = &p
	}
	status := q.Get("status")
	if status != "" && status != StatusInForce && status != StatusSuperseded && status != StatusRepealed {
		fe.Add("status", "效力状态无效")
	}
	code := http.StatusOK
	if fe.Err() != nil {
		code = http.StatusUnprocessableEntity
	} else if data.Category != "" || data.Title != "" || status != "" {
		page, limit, offset := web.Paging(q, listPageSize)
		rows, total, err := m.lib.List(ctx, ListOptions{Category: data.Category, Status: status, Title: data.Title, Limit: limit, Offset: offset})
		if err != nil {
			return err
		}
		data.Listed, data.Rows, data.Total, data.Page = true, rows, total, page
		data.Pages = (total + listPageSize - 1) / listPageSize
		if page > 1 {
			data.PrevURL = listURL(q, page-1)
		}
		if page < data.Pages {
			data.NextURL = listURL(q, page+1)
		}
	}
	title := "法规库"
	if data.Category != "" {
		title = data.Category + " - 法规库"
	}
	return m.app.Render(w, r, m.tmpl, "laws", code, title, data, fe)
}

func listURL(q url.Values, page int) string {
	v := url.Values{}
	for k, x := range q {
		if k != "page" && len(x) > 0 && x[0] != "" {
			v[k] = x[:1]
		}
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	return "/public/laws?" + v.Encode()
}

// articleView is an article with the headings that open before it.
type articleView struct {
	Article
	Headings []heading
	Paras    []string
}

type heading struct {
	Level int // 2 编, 3 章, 4 节
	Text  string
}

type lawData struct {
	Law        Record
	Status     string // as readers see it: 尚未施行 before the effective date
	Info       []string
	Preamble   []string
	Articles   []articleView
	Versions   []Version
	RepealedBy *Record
	Repeals    []repealLink
}

type repealLink struct {
	Title string
	ID    string // "" when the repealed law is not in the library
}

func (m *Module) law(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	rec, arts, err := m.lib.Law(ctx, r.PathValue("id"))
	if errors.Is(err, db.ErrNotFound) {
		return web.NotFound("法规")
	}
	if err != nil {
		return err
	}
	data := &lawData{Law: rec, Info: splitLines(rec.Info), Preamble: splitLines(rec.Preamble), Status: rec.StatusOn(arts, calendar.Today())}
	if data.Versions, err = m.lib.Versions(ctx, rec.GroupKey); err != nil {
		return err
	}
	if rec.RepealedBy != "" {
		if by, _, err := m.lib.Law(ctx, rec.RepealedBy); err == nil {
			data.RepealedBy = &by
		}
	}
	for _, t := range rec.Repeals {
		link := repealLink{Title: t}
		link.ID, _ = m.lib.idByTitle(ctx, t)
		data.Repeals = append(data.Repeals, link)
	}
	var part, chapter, section string
	for _, a := range arts {
		v := articleView{Article: a, Paras: strings.Split(a.Text, "\n")}
		if a.Part != part && a.Part != "" {
			v.Headings = append(v.Headings, heading{2, a.Part})
		}
		if a.Chapter != chapter && a.Chapter != "" {
			v.Headings = append(v.Headings, heading{3, a.Chapter})
		}
		if a.Section != section && a.Section != "" {
			v.Headings = append(v.Headings, heading{4, a.Section})
		}
		part, chapter, section = a.Part, a.Chapter, a.Section
		data.Articles = append(data.Articles, v)
	}
	return m.app.Render(w, r, m.tmpl, "law", http.StatusOK, rec.DisplayTitle(), data, nil)
}

// idByTitle finds the latest version of a law by title (with or without 中华人民共和国).
func (l *Library) idByTitle(ctx context.Context, title string) (string, error) {
	var id string
	err := l.d.QueryRowContext(ctx, `SELECT id FROM laws WHERE title IN (?, ?) ORDER BY version DESC, path LIMIT 1`, title, "中华人民共和国"+title).Scan(&id)
	return id, err
}

// CLIImport runs `fazhi import laws DIR` and prints what it did.
func CLIImport(ctx context.Context, lib *Library, dir string, out io.Writer) error {
	fmt.Fprintf(out, "正在导入法规库 %s ……\n", dir)
	st, err := lib.Import(ctx, dir)
	fmt.Fprintf(out, "法规文件 %d 个：新增 %d，更新 %d，未变 %d", st.Files, st.Added, st.Updated, st.Unchanged)
	if st.Failed > 0 {
		fmt.Fprintf(out, "，无法解析 %d", st.Failed)
	}
	fmt.Fprintf(out, "；写入条文 %d 条；用时 %.1f 秒\n", st.Articles, st.Elapsed.Seconds())
	return err
}
