package litigation

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/docgen"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/stats"
	"github.com/fazhi/fazhi/internal/web"
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
	ExportURL  string
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

// statsFor reads the page's query (organ within p's tree, year, instance) and computes the figures.
func (m *Module) statsFor(r *http.Request) (*statsPage, error) {
	ctx, p := r.Context(), auth.From(r.Context())
	q := r.URL.Query()
	home, err := m.StatsOrgan(p.OrganID)
	if err != nil {
		return nil, err
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
			return nil, fault.Forbiddenf("只能统计本机关及所属机关")
		}
		sp.OrganID = id
	}
	if s := q.Get("year"); s != "" {
		y, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || y < 2000 || y > m.Today().Year {
			return nil, fault.Field("year", "统计年度应为2000年至今年之间的年份")
		}
		sp.Year = y
	}
	if sp.Instance == "" {
		sp.Instance = string(First)
	} else if _, ok := ParseInstance(sp.Instance); !ok && sp.Instance != "all" {
		return nil, fault.Field("instance", "审级应为 first、second、retrial 或 all")
	}
	for y := m.Today().Year; y >= m.Today().Year-9; y-- {
		sp.Years = append(sp.Years, y)
	}
	if sp.YoY, sp.St, err = m.YearOnYear(ctx, sp.OrganID, sp.Year, sp.Instance); err != nil {
		return nil, err
	}
	sp.Figures = sp.St.Figures()
	sp.Defendants, sp.Fields = groupBars(sp.St.ByDefendant), groupBars(sp.St.ByField)
	sp.ExportURL = "/litigation/stats/export.xlsx?" + url.Values{"organ": {sp.OrganID}, "year": {strconv.Itoa(sp.Year)}, "instance": {sp.Instance}}.Encode()
	return sp, nil
}

func (m *Module) statsPage(w http.ResponseWriter, r *http.Request) error {
	sp, err := m.statsFor(r)
	if err != nil {
		return err
	}
	return m.app.Render(w, r, pages, "stats", http.StatusOK, "行政应诉统计", sp, nil)
}

// statsExport writes the page's figures as XLSX: the figures with formulas, the 同比, and the
// breakdowns by defendant, field and act type, counts beside rates.
func (m *Module) statsExport(w http.ResponseWriter, r *http.Request) error {
	sp, err := m.statsFor(r)
	if err != nil {
		return err
	}
	st, y := sp.St, sp.YoY
	title := fmt.Sprintf("%s（含下级机关）%d年行政应诉统计", st.Organ, sp.Year)
	main := docgen.Sheet{Name: "主要数字", Title: title, Header: []string{"项目", "数值", "分子", "分母", "计算方法", "依据"}}
	for _, f := range sp.Figures {
		var num, den any
		if f.IsRate {
			num, den = f.Numerator, f.Denominator
		}
		main.Rows = append(main.Rows, []any{f.Label, f.Text(), num, den, f.Formula, f.Source})
	}
	yoy := docgen.Sheet{Name: "同比", Title: fmt.Sprintf("%d年与%d年比较", y.Year, y.PrevYear), Header: []string{"项目", fmt.Sprintf("%d年", y.PrevYear), fmt.Sprintf("%d年", y.Year), "同比", "计算方法"}}
	recv, loss := "上年无新收，不计", "有一年无审结案件，不计"
	if y.HasReceivedChange {
		recv = fmt.Sprintf("%+.2f%%", float64(y.ReceivedChange))
	}
	if y.HasLossRateChange {
		loss = fmt.Sprintf("%+.2f 个百分点", y.LossRatePoints)
	}
	yoy.Rows = [][]any{
		{"发案量（新收）", y.PrevReceived, y.Received, recv, "(新收 − 上年新收) ÷ 上年新收"},
		{"败诉率", fmt.Sprintf("%s（%d/%d）", y.PrevLossRate, y.PrevLost, y.PrevConcluded), fmt.Sprintf("%s（%d/%d）", y.LossRate, y.Lost, y.Concluded), loss, "败诉率 − 上年败诉率"},
		{"双下降", nil, nil, yesNoLabel(y.DoubleDecline), "发案量与败诉率均下降"},
	}
	sheets := []docgen.Sheet{main, yoy}
	for _, g := range []struct {
		name string
		rows []GroupFigures
	}{{"按被告", st.ByDefendant}, {"按领域", st.ByField}, {"按行为类别", st.ByActType}} {
		sh := docgen.Sheet{Name: g.name, Header: []string{"名称", "新收", "上期结转", "审结", "未审结", "败诉", "败诉率", "开庭", "负责人出庭", "负责人出庭应诉率"}}
		for _, x := range g.rows {
			sh.Rows = append(sh.Rows, []any{x.Name, x.Received, x.CarriedOver, x.Concluded, x.Pending, x.Lost, x.LossRate.String(), x.Heard, x.LeaderAppeared, x.LeaderAppearanceRate.String()})
		}
		sheets = append(sheets, sh)
	}
	body, err := docgen.XLSX(sheets...)
	if err != nil {
		return err
	}
	if err := audit.Log(r.Context(), m.d.DB, audit.Entry{Action: "export", ObjectType: "litigation_stats",
		Detail: map[string]any{"format": "xlsx", "organ_id": sp.OrganID, "year": sp.Year, "instance": sp.Instance}}); err != nil {
		return err
	}
	return web.Download(w, fmt.Sprintf("行政应诉统计-%s-%d.xlsx", st.Organ, sp.Year), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body)
}
