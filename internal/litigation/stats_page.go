package litigation

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/stats"
)

// The statistics page: the figures of stats.go with their formulas, counts beside rates, the
// year-on-year change of 发案量 and 败诉率, and simple inline SVG bars (no external assets).

type statsPage struct {
	Organs     []org.Organ
	OrganID    string
	Year       int
	Years      []int
	Instance   string
	Instances  []Instance
	St         Stats
	Figures    []stats.Figure
	YoY        YearChange
	Defendants []groupBar
	Fields     []groupBar
}

type groupBar struct {
	GroupFigures
	Width int
}

func groupBars(gs []GroupFigures) []groupBar {
	maxN := 1
	for _, g := range gs {
		maxN = max(maxN, g.Received+g.CarriedOver)
	}
	out := make([]groupBar, 0, len(gs))
	for _, g := range gs {
		out = append(out, groupBar{g, 160 * (g.Received + g.CarriedOver) / maxN})
	}
	return out
}

func (m *Module) statsPage(w http.ResponseWriter, r *http.Request) error {
	ctx, p := r.Context(), auth.From(r.Context())
	q := r.URL.Query()
	home, err := m.StatsOrgan(p.OrganID)
	if err != nil {
		return err
	}
	sp := &statsPage{Instances: Instances, Instance: q.Get("instance"), Year: m.Today().Year}
	for _, o := range m.d.Org.Subtree(home.ID) {
		if o.Kind != org.KindCourt {
			sp.Organs = append(sp.Organs, o)
		}
	}
	sp.OrganID = home.ID
	if id := q.Get("organ"); id != "" {
		found := false
		for _, o := range sp.Organs {
			found = found || o.ID == id
		}
		if !found {
			return fault.Forbiddenf("只能统计本机关及所属机关")
		}
		sp.OrganID = id
	}
	if s := q.Get("year"); s != "" {
		y, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || y < 2000 || y > m.Today().Year {
			return fault.Field("year", "统计年度应为2000年至今年之间的年份")
		}
		sp.Year = y
	}
	if sp.Instance == "" {
		sp.Instance = string(First)
	} else if _, ok := ParseInstance(sp.Instance); !ok && sp.Instance != "all" {
		return fault.Field("instance", "审级应为 first、second、retrial 或 all")
	}
	for y := m.Today().Year; y >= m.Today().Year-9; y-- {
		sp.Years = append(sp.Years, y)
	}
	if sp.YoY, sp.St, err = m.YearOnYear(ctx, sp.OrganID, sp.Year, sp.Instance); err != nil {
		return err
	}
	sp.Figures = sp.St.Figures()
	sp.Defendants, sp.Fields = groupBars(sp.St.ByDefendant), groupBars(sp.St.ByField)
	return m.app.Render(w, r, pages, "stats", http.StatusOK, "行政应诉统计", sp, nil)
}
