package reconsider

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/docgen"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/stats"
	"github.com/fazhi/fazhi/internal/web"
)

// registerStatsRoutes: statistics tables, charts and XLSX export.
func (m *Module) registerStatsRoutes(app *web.App) {
	app.Menu(web.MenuItem{Group: "统计", Title: "复议统计", URL: "/reconsider/stats", Perm: auth.PermStatsRead, Order: 50})
	app.GET("/reconsider/stats", auth.PermStatsRead, m.statsPage)
	app.LongGET("/reconsider/stats/export.xlsx", auth.PermStatsRead, m.statsExport)
}

// statsQuery is what the statistics page was asked for, checked against the user's scope.
type statsQuery struct {
	Organ   org.Organ
	Year    int
	Sub     bool
	Choices []org.Organ
	CanSub  bool
	Years   []int
}

func (q statsQuery) encode() string {
	v := url.Values{"organ": {q.Organ.ID}, "year": {strconv.Itoa(q.Year)}}
	if q.Sub {
		v.Set("sub", "1")
	}
	return v.Encode()
}

func (m *Module) statsQuery(r *http.Request) (statsQuery, error) {
	p := auth.From(r.Context())
	choices, canSub := m.svc.StatsChoices(p)
	if len(choices) == 0 {
		return statsQuery{}, web.Errorf(http.StatusForbidden, "您的数据范围内没有行政复议机关，无法查看复议统计")
	}
	today := m.svc.Today()
	q := statsQuery{Choices: choices, CanSub: canSub, Year: today.Year, Organ: choices[0]}
	for y := today.Year; y >= today.Year-5; y-- {
		q.Years = append(q.Years, y)
	}
	if own, ok := m.svc.org.Organ(p.OrganID); ok { // default: the user's own government
		if gov, ok := m.svc.org.GovernmentOf(own); ok {
			for _, c := range choices {
				if c.ID == gov.ID {
					q.Organ = c
				}
			}
		}
	}
	form := r.URL.Query()
	if id := form.Get("organ"); id != "" {
		found := false
		for _, c := range choices {
			if c.ID == id {
				q.Organ, found = c, true
			}
		}
		if !found {
			return q, web.Errorf(http.StatusForbidden, "所选机关不在您的数据范围内")
		}
	}
	if y := form.Get("year"); y != "" {
		n, err := strconv.Atoi(y)
		if err != nil || n < 2000 || n > today.Year+1 {
			return q, web.Errorf(http.StatusUnprocessableEntity, "统计年度无效")
		}
		q.Year = n
	}
	q.Sub = canSub && form.Get("sub") == "1"
	return q, nil
}

// statsView is the page's data.
type statsView struct {
	Q         statsQuery
	S         Stats
	Counts    []stats.Figure // the seven counts
	Rates     []stats.Figure
	Outcomes  []outcomeRow
	Chart     template.HTML
	RespChart template.HTML
	ExportURL string
	// Respondents are the first pageRespondents of S.ByRespondent (a province has over a thousand;
	// the export lists every one), MoreRespondents how many are left out.
	Respondents     []StatsGroup
	MoreRespondents int
}

// pageRespondents is how many respondents the statistics page lists.
const pageRespondents = 50

type outcomeRow struct {
	stats.Figure
	Name   string // the outcome alone: 维持
	Direct bool
}

func (m *Module) statsPage(w http.ResponseWriter, r *http.Request) error {
	q, err := m.statsQuery(r)
	if err != nil {
		return err
	}
	st, err := m.svc.StatsForYear(r.Context(), q.Organ.ID, q.Sub, q.Year)
	if err != nil {
		return err
	}
	v := statsView{Q: q, S: st, ExportURL: "/reconsider/stats/export.xlsx?" + q.encode()}
	v.Respondents = st.ByRespondent[:min(len(st.ByRespondent), pageRespondents)]
	v.MoreRespondents = len(st.ByRespondent) - len(v.Respondents)
	// Every number of the page's first tables comes from the Figures (as the CLI, the XLSX and the annual report).
	var obars []chartBar
	for _, f := range st.Figures() {
		switch o, isOutcome := strings.CutPrefix(f.Key, "outcome_"); {
		case f.IsRate:
			v.Rates = append(v.Rates, f)
		case isOutcome:
			o := Outcome(o)
			v.Outcomes = append(v.Outcomes, outcomeRow{Figure: f, Name: o.Label(), Direct: o.DirectCorrection()})
			obars = append(obars, chartBar{Label: o.Label(), Value: int(f.Value), Accent: o.DirectCorrection()})
		default:
			v.Counts = append(v.Counts, f)
		}
	}
	v.Chart = barChart("审结案件结案方式", obars)
	var rbars []chartBar
	for i, g := range st.ByRespondent {
		if i == 15 {
			break
		}
		rbars = append(rbars, chartBar{Label: g.Name, Value: g.Received})
	}
	v.RespChart = barChart("收到申请数量前15位的被申请人", rbars)
	return m.app.Render(w, r, m.tmpl, "stats", http.StatusOK, fmt.Sprintf("%s %d年行政复议统计", q.Organ.Name, q.Year), v, nil)
}

// statsExport sends the figures as an XLSX workbook: totals, outcomes and the three breakdowns. Audited.
func (m *Module) statsExport(w http.ResponseWriter, r *http.Request) error {
	q, err := m.statsQuery(r)
	if err != nil {
		return err
	}
	st, err := m.svc.StatsForYear(r.Context(), q.Organ.ID, q.Sub, q.Year)
	if err != nil {
		return err
	}
	body, err := StatsXLSX(st, q.Year)
	if err != nil {
		return err
	}
	if err := audit.Log(r.Context(), m.svc.db, audit.Entry{Action: "export", ObjectType: "reconsider_stats", ObjectID: q.Organ.ID,
		Detail: map[string]any{"organ": q.Organ.Name, "year": q.Year, "include_subordinates": q.Sub}}); err != nil {
		return err
	}
	name := fmt.Sprintf("%s%d年行政复议统计.xlsx", q.Organ.Name, q.Year)
	return web.Download(w, name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body)
}

// StatsXLSX lays the statistics out as a workbook (also for the annual report's appendix).
func StatsXLSX(st Stats, year int) ([]byte, error) {
	title := fmt.Sprintf("%s %d年行政复议统计（%s 至 %s）", st.Organ, year, st.From, st.To)
	if st.Subordinates {
		title = fmt.Sprintf("%s（含下级）%d年行政复议统计（%s 至 %s）", st.Organ, year, st.From, st.To)
	}
	var total [][]any
	for _, f := range st.Figures() {
		total = append(total, []any{f.Label, f.Text(), f.Formula, f.Source})
	}
	header := []string{"名称", "收到申请", "受理", "不予受理", "其他处理", "上期结转", "审结", "未审结"}
	for _, o := range Outcomes {
		header = append(header, o.Label())
	}
	header = append(header, "直接纠错率(%)", "综合纠错率(%)", "法定期限内结案率(%)")
	breakdown := func(gs []StatsGroup) [][]any {
		var rows [][]any
		for _, g := range gs {
			row := []any{g.Name, g.Received, g.Accepted, g.NotAccepted, g.OtherHandling, g.CarriedOver, g.Concluded, g.Pending}
			for _, o := range Outcomes {
				row = append(row, g.Outcomes[o])
			}
			row = append(row, float64(g.DirectCorrectionRate), float64(g.ComprehensiveCorrectionRate), float64(g.OnTimeRate))
			rows = append(rows, row)
		}
		return rows
	}
	return docgen.XLSX(
		docgen.Sheet{Name: "总体情况", Title: title, Header: []string{"项目", "数值", "计算方法", "依据"}, Rows: total, Widths: []float64{24, 24, 60, 40}},
		docgen.Sheet{Name: "按被申请人", Title: title, Header: header, Rows: breakdown(st.ByRespondent)},
		docgen.Sheet{Name: "按领域", Title: title, Header: header, Rows: breakdown(st.ByField)},
		docgen.Sheet{Name: "按行为类别", Title: title, Header: header, Rows: breakdown(st.ByActType)},
	)
}

// chartBar is one bar of a server-rendered chart.
type chartBar struct {
	Label  string
	Value  int
	Accent bool // drawn in the brand colour (e.g. outcomes counted as corrections)
}

// barChart draws a horizontal bar chart as inline SVG: no script, prints as it shows.
func barChart(title string, bars []chartBar) template.HTML {
	const width, labelW, rowH, top = 720, 190, 24, 8
	if len(bars) == 0 {
		return template.HTML(`<p class="empty">` + template.HTMLEscapeString(title) + `：本期无数据</p>`)
	}
	maxV := 0
	for _, b := range bars {
		maxV = max(maxV, b.Value)
	}
	barW := width - labelW - 60
	height := top*2 + rowH*len(bars)
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" role="img" aria-label="%s" viewBox="0 0 %d %d" width="100%%" style="max-width:%dpx" xmlns="http://www.w3.org/2000/svg">`,
		template.HTMLEscapeString(title), width, height, width)
	fmt.Fprintf(&sb, `<title>%s</title>`, template.HTMLEscapeString(title))
	for i, b := range bars {
		y := top + i*rowH
		w := 0
		if maxV > 0 {
			w = b.Value * barW / maxV
		}
		if b.Value > 0 && w < 2 {
			w = 2
		}
		color := "#5b7db8"
		if b.Accent {
			color = "#b71c1c"
		}
		label := []rune(b.Label)
		if len(label) > 14 {
			label = append(label[:13], '…')
		}
		fmt.Fprintf(&sb, `<text x="%d" y="%d" text-anchor="end" font-size="13" fill="#1f2329">%s</text>`, labelW-8, y+16, template.HTMLEscapeString(string(label)))
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s：%d</title></rect>`, labelW, y+4, w, rowH-8, color,
			template.HTMLEscapeString(b.Label), b.Value)
		fmt.Fprintf(&sb, `<text x="%d" y="%d" font-size="13" fill="#646a73">%d</text>`, labelW+w+6, y+16, b.Value)
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String()) // every text above is escaped
}
