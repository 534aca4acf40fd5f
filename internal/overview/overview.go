// Package overview is the leader's page (/overview): what is overdue or due this week across the
// modules and organs in the leader's scope, and this year's key figures beside last year's; and
// the old address of the court liaison's work area (/court), which now leads to the 行政应诉 cases.
package overview

import (
	"context"
	"embed"
	"math"
	"net/http"
	"strconv"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/stats"
	"github.com/fazhi/fazhi/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

var pages = web.ParseTemplates(templateFS, "templates/*.html")

// PermCourt follows /court (bookmarks, old messages) to the 行政应诉 case list; no case content here.
var PermCourt = auth.Declare(auth.PermDef{Perm: "court.view", Label: "查看行政应诉工作区",
	Roles: []auth.Role{auth.RoleCourtLiaison, auth.RoleLeader, auth.RoleReconsider}})

// Reporter is a module whose yearly figures the overview shows (module.Reporting, wired in cli).
type Reporter struct {
	Name    string // reconsider
	Label   string // 行政复议
	Figures func(ctx context.Context, organ org.Organ, year int) ([]stats.Figure, error)
}

// Page serves /overview and /court.
type Page struct {
	org       *org.Service
	reporters []Reporter
	app       *web.App
}

// New returns the pages over the organ tree and the reporting modules, in menu order.
func New(o *org.Service, reporters []Reporter) *Page { return &Page{org: o, reporters: reporters} }

// today is the legal date the counts start from (tests move it).
var today = calendar.Today

// Register adds the routes and menu entries.
func (pg *Page) Register(app *web.App) {
	pg.app = app
	app.GET("/overview", auth.PermStatsRead, pg.overview)
	app.GET("/court", PermCourt, pg.court)
	app.Menu(web.MenuItem{Group: "统计", Title: "领导概览", URL: "/overview", Perm: auth.PermStatsRead, Order: 5})
}

// caseRoles are the roles whose todos a leader oversees: the workbench sources list a handler's
// work, and a leader holds none of it, so the counts are taken as a handler with the leader's
// organ and scope would see them. Only counts leave this package.
var caseRoles = []auth.Role{auth.RoleReconsider, auth.RoleReviewer}

// unit is one row of the by-organ table: an organ and how far below it the count reaches.
type unit struct {
	Organ org.Organ
	Scope auth.Scope
	Below bool // the row adds up the organs below
}

// units splits the principal's scope into its own organ and each organ directly below it.
func (pg *Page) units(p *auth.Principal) []unit {
	self, ok := pg.org.Organ(p.OrganID)
	if !ok {
		return nil
	}
	switch p.Scope {
	case auth.ScopeBelow, auth.ScopeAll:
		out := []unit{{Organ: self, Scope: auth.ScopeOrgan}}
		for _, c := range pg.org.Children(self.ID) {
			out = append(out, unit{Organ: c, Scope: auth.ScopeBelow, Below: len(pg.org.Children(c.ID)) > 0})
		}
		return out
	case auth.ScopeOrgan, auth.ScopeSelf:
		return []unit{{Organ: self, Scope: p.Scope}}
	}
	return nil
}

// Count is an overdue / due-this-week pair.
type Count struct {
	Name          string
	Overdue, Week int
	Below         bool
	Estimated     int // due dates past the loaded calendar
}

type figureRow struct {
	Label, This, Last, Change, Formula, Source, Link string
}

type moduleFigures struct {
	Label string
	Rows  []figureRow
	Err   string
}

type overviewData struct {
	Today          calendar.Date
	Quiet          int // organs with nothing overdue or due within the week, left out of the table
	Organ          org.Organ
	Leader         bool
	ByModule       []Count
	ByOrgan        []Count
	Total          Count
	Year, LastYear int
	Figures        []moduleFigures
}

func (pg *Page) overview(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	on := today()
	d := &overviewData{Today: on, Leader: p.Has(auth.RoleLeader), Year: on.Year, LastYear: on.Year - 1}
	d.Organ, _ = pg.org.Organ(p.OrganID)

	byModule := map[string]*Count{}
	var order []string
	for _, u := range pg.units(p) {
		q := *p
		q.OrganID, q.OrganPath, q.Scope = u.Organ.ID, u.Organ.Path, u.Scope
		if d.Leader {
			q.Roles = append(append([]auth.Role(nil), p.Roles...), caseRoles...)
		}
		items, err := pg.app.CollectTodos(r, &q)
		if err != nil {
			return err
		}
		row := Count{Name: u.Organ.Name, Below: u.Below}
		for _, it := range items {
			over, week := classify(it)
			if byModule[it.Module] == nil {
				byModule[it.Module] = &Count{Name: it.Module}
				order = append(order, it.Module)
			}
			for _, c := range []*Count{&row, byModule[it.Module], &d.Total} {
				if over {
					c.Overdue++
				}
				if week {
					c.Week++
				}
				if it.Estimated {
					c.Estimated++
				}
			}
		}
		if row.Overdue+row.Week > 0 || u.Organ.ID == p.OrganID {
			d.ByOrgan = append(d.ByOrgan, row)
		} else {
			d.Quiet++
		}
	}
	for _, m := range order {
		d.ByModule = append(d.ByModule, *byModule[m])
	}

	for _, rep := range pg.reporters {
		mf := moduleFigures{Label: rep.Label}
		this, err := rep.Figures(r.Context(), d.Organ, d.Year)
		if err == nil {
			var last []stats.Figure
			if last, err = rep.Figures(r.Context(), d.Organ, d.LastYear); err == nil {
				mf.Rows = compare(this, last)
			}
		}
		if err != nil {
			mf.Err = "统计暂不可用：" + err.Error()
		}
		d.Figures = append(d.Figures, mf)
	}
	return pg.app.Render(w, r, pages, "overview", http.StatusOK, "领导概览", d, nil)
}

// weekDays is "due this week": within one working week, the unit statutory deadlines count in
// (a calendar week would be all but empty on a Friday).
const weekDays = 5

// classify reports an item overdue, or due within the coming working week (DaysLeft is counted
// on the calendar by the workbench).
func classify(it web.WorkbenchItem) (overdue, week bool) {
	switch {
	case it.Due.IsZero():
		return false, false
	case it.Urgency == web.Red:
		return true, false
	}
	return false, it.DaysLeft <= weekDays
}

// compare lines up this year's figures with last year's by key.
func compare(this, last []stats.Figure) []figureRow {
	var out []figureRow
	for _, f := range this {
		row := figureRow{Label: f.Label, This: f.Text(), Last: "—", Formula: f.Formula, Source: f.Source, Link: f.Link}
		if l, ok := stats.Find(last, f.Key); ok {
			row.Last = l.Text()
			row.Change = change(f, l)
		}
		out = append(out, row)
	}
	return out
}

// change is the difference to last year: +3 for counts, +1.25 个百分点 for rates.
func change(this, last stats.Figure) string {
	diff := this.Value - last.Value
	if math.Abs(diff) < 0.005 {
		return "持平"
	}
	sign := "+"
	if diff < 0 {
		sign = "−"
		diff = -diff
	}
	if this.IsRate {
		return sign + strconv.FormatFloat(diff, 'f', 2, 64) + " 个百分点"
	}
	return sign + strconv.FormatFloat(diff, 'f', -1, 64)
}

// court leads to the 行政应诉 case list, where a court liaison sees only its own court's cases
// (the module's data scope) and what it must sign for first.
func (pg *Page) court(w http.ResponseWriter, r *http.Request) error {
	http.Redirect(w, r, CourtCases, http.StatusSeeOther)
	return nil
}

// CourtCases is the 行政应诉 case list (internal/litigation), the court liaison's view.
const CourtCases = "/litigation/cases"

// Labels are the Chinese names of the modules for the overview's headings.
var Labels = map[string]string{"reconsider": "行政复议", "review": "合法性审查", "normdoc": "行政规范性文件", "litigation": "行政应诉"}

// Label names a module by its folder name, the name itself when unknown.
func Label(name string) string {
	if l, ok := Labels[name]; ok {
		return l
	}
	return name
}
