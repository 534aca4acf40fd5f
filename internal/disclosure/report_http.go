package disclosure

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/web"
)

// The annual report's pages: edit and preview (/disclosure/reports), the exports, publication, and
// the public site (/public/disclosure/reports).

const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

func (m *Module) registerReportPages(app *web.App) {
	app.Menu(web.MenuItem{Group: "统计", Title: "政府信息公开工作年度报告", URL: "/disclosure/reports", Perm: PermView, Order: 41})
	app.GET("/disclosure/reports", PermView, m.reportPage)
	app.POST("/disclosure/reports", PermEdit, m.reportSave)
	app.POST("/disclosure/reports/override", PermEdit, m.reportOverride)
	app.POST("/disclosure/reports/publish", PermEdit, m.reportPublish)
	app.GET("/disclosure/reports/report.docx", PermView, m.reportExport("docx"))
	app.GET("/disclosure/reports/report.xlsx", PermView, m.reportExport("xlsx"))
	app.GET("/public/disclosure/reports", auth.PermPublic, m.publicReports)
	app.GET("/public/disclosure/reports/{id}", auth.PermPublic, m.publicReport)
	app.GET("/public/disclosure/reports/{id}/docx", auth.PermPublic, m.publicReportDOCX)
}

// htmlTable renders rows of cells as an HTML table: spans become colspan, vertical merges rowspan.
func htmlTable(rows [][]cell) template.HTML {
	// column position of every cell
	pos := make([][]int, len(rows))
	for ri, row := range rows {
		col := 0
		for _, c := range row {
			pos[ri] = append(pos[ri], col)
			col += max(c.span, 1)
		}
	}
	continues := func(ri, col int) bool {
		for ci, p := range pos[ri] {
			if p == col {
				return rows[ri][ci].vmerge == "continue"
			}
		}
		return false
	}
	var b strings.Builder
	b.WriteString(`<table class="list report">`)
	for ri, row := range rows {
		b.WriteString("<tr>")
		for ci, c := range row {
			if c.vmerge == "continue" {
				continue
			}
			attrs := ""
			if c.span > 1 {
				attrs += fmt.Sprintf(` colspan="%d"`, c.span)
			}
			if c.vmerge == "restart" {
				n := 1
				for ri+n < len(rows) && continues(ri+n, pos[ri][ci]) {
					n++
				}
				attrs += fmt.Sprintf(` rowspan="%d"`, n)
			}
			if c.left > 0 {
				attrs += fmt.Sprintf(` style="padding-left:%dem"`, c.left)
			}
			fmt.Fprintf(&b, "<td%s>%s</td>", attrs, template.HTMLEscapeString(c.text))
		}
		b.WriteString("</tr>")
	}
	b.WriteString("</table>")
	return template.HTML(b.String())
}

type reportPageData struct {
	Organs  []org.Organ
	Organ   org.Organ
	Year    int
	R       *Report
	V       *ReportView
	Table2  template.HTML
	Table3  template.HTML
	Table4  template.HTML
	CanEdit bool
	Query   string
	Types   []ApplicantType
	Carried []int
}

func (d *reportPageData) tables() {
	d.Table2, d.Table3, d.Table4 = htmlTable(table2Rows(d.V.Figures.Table2)), htmlTable(table3Rows(&d.V.Figures.Table3)), htmlTable(table4Rows(d.V.Figures.Table4))
}

// reportTarget reads organ and year from the query or form: the user's organ and last year by default.
func (m *Module) reportTarget(r *http.Request) (string, int) {
	p := auth.From(r.Context())
	organ := r.FormValue("organ")
	if organ == "" {
		organ = p.OrganID
		if g, ok := m.svc.officeGovernment(p); ok {
			organ = g.ID // the office prepares the government's report
		}
	}
	year, err := strconv.Atoi(r.FormValue("year"))
	if err != nil {
		year = m.svc.Today().Year - 1
	}
	return organ, year
}

func (m *Module) renderReport(w http.ResponseWriter, r *http.Request, status int, fe *web.FormError) error {
	p := auth.From(r.Context())
	organ, year := m.reportTarget(r)
	rep, v, err := m.svc.AnnualReport(r.Context(), p, organ, year)
	if err != nil {
		return err
	}
	o, _ := m.svc.org.Organ(organ)
	data := &reportPageData{Organ: o, Year: year, R: rep, V: v, CanEdit: p.Can(PermEdit) && rep.PublishedOn.IsZero(), Types: ApplicantTypes,
		Query: "organ=" + url.QueryEscape(o.ID) + "&year=" + strconv.Itoa(year), Carried: v.Figures.Table3.CarriedOver.Columns()[:6]}
	for _, x := range m.intakeOrgans(p) {
		if ReportOrgan(x) {
			data.Organs = append(data.Organs, x)
		}
	}
	data.tables()
	if fe == nil {
		fe = &web.FormError{Values: url.Values{"overview": {rep.Overview}, "problems": {rep.Problems}, "other": {rep.Other}, "reason": {rep.OverrideReason}}}
		if rep.Overview == "" {
			fe.Values.Set("overview", v.OfferedIntro)
		}
	}
	return m.render(w, r, "report", status, "政府信息公开工作年度报告", data, fe)
}

func (m *Module) reportPage(w http.ResponseWriter, r *http.Request) error {
	return m.renderReport(w, r, http.StatusOK, nil)
}

// formInt reads a non-negative whole number of a form field (empty is 0).
func formInt(r *http.Request, fe *fault.Fields, field string) int {
	v := strings.TrimSpace(r.PostFormValue(field))
	if v == "" {
		return 0
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		fe.Add(field, "应为0以上的整数")
	}
	return n
}

func (m *Module) reportDone(w http.ResponseWriter, r *http.Request, err error, flash string) error {
	if ffe := web.FormFrom(err, r.PostForm); ffe != nil {
		return m.renderReport(w, r, http.StatusUnprocessableEntity, ffe)
	}
	if err != nil {
		return err
	}
	organ, year := m.reportTarget(r)
	return web.SeeOther(w, r, "/disclosure/reports?organ="+url.QueryEscape(organ)+"&year="+strconv.Itoa(year), flash)
}

func (m *Module) reportSave(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return web.Errorf(http.StatusBadRequest, "表单格式有误")
	}
	organ, year := m.reportTarget(r)
	fe := &fault.Fields{}
	in := ReportInput{Overview: r.PostFormValue("overview"), Problems: r.PostFormValue("problems"), Other: r.PostFormValue("other"),
		Manual: Manual{Rules: Row3{formInt(r, fe, "rules_made"), formInt(r, fe, "rules_repealed"), formInt(r, fe, "rules_in_force")},
			Normative: Row3{formInt(r, fe, "normative_made"), formInt(r, fe, "normative_repealed"), formInt(r, fe, "normative_in_force")},
			Licensing: formInt(r, fe, "licensing"), Penalty: formInt(r, fe, "penalty"), Enforcement: formInt(r, fe, "enforcement")}}
	in.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	if v := strings.TrimSpace(r.PostFormValue("fees")); v != "" {
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || f < 0 {
			fe.Add("fees", "收费金额应为0以上的数（单位：万元）")
		}
		in.Manual.Fees = f
	}
	err := fe.Err()
	if err == nil {
		_, err = m.svc.SaveReport(r.Context(), auth.From(r.Context()), organ, year, in)
	}
	return m.reportDone(w, r, err, "年度报告已保存")
}

func (m *Module) reportOverride(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return web.Errorf(http.StatusBadRequest, "表单格式有误")
	}
	organ, year := m.reportTarget(r)
	var cells *Cells
	flash := "上年结转已恢复为自动计算"
	if r.PostFormValue("clear") == "" {
		fe := &fault.Fields{}
		c := Cells{NaturalPerson: formInt(r, fe, "carried_natural_person"), Business: formInt(r, fe, "carried_business"), Research: formInt(r, fe, "carried_research"),
			PublicInterest: formInt(r, fe, "carried_public_interest"), LegalService: formInt(r, fe, "carried_legal_service"), OtherOrg: formInt(r, fe, "carried_other_org")}
		if err := fe.Err(); err != nil {
			return m.reportDone(w, r, err, "")
		}
		cells, flash = &c, "已手工修改上年结转（已记入审计日志）"
	}
	_, err := m.svc.OverrideCarried(r.Context(), auth.From(r.Context()), organ, year, cells, r.PostFormValue("reason"))
	return m.reportDone(w, r, err, flash)
}

func (m *Module) reportPublish(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return web.Errorf(http.StatusBadRequest, "表单格式有误")
	}
	organ, year := m.reportTarget(r)
	rep, err := m.svc.PublishReport(r.Context(), auth.From(r.Context()), organ, year)
	if err != nil {
		return m.reportDone(w, r, err, "")
	}
	return m.reportDone(w, r, nil, "已发布到政府信息公开专栏，索引号 "+rep.IndexNo)
}

func reportFileName(v *ReportView, ext string) string {
	return fmt.Sprintf("%s%d年政府信息公开工作年度报告.%s", v.Organ, v.Year, ext)
}

// reportExport serves the DOCX or XLSX, the four checks re-verified first.
func (m *Module) reportExport(kind string) web.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		organ, year := m.reportTarget(r)
		_, v, err := m.svc.VerifiedReport(r.Context(), auth.From(r.Context()), organ, year)
		if err != nil {
			return err
		}
		if kind == "xlsx" {
			data, err := ReportXLSX(v)
			if err != nil {
				return err
			}
			return web.Download(w, reportFileName(v, "xlsx"), xlsxType, data)
		}
		data, err := ReportDOCX(v)
		if err != nil {
			return err
		}
		return web.Download(w, reportFileName(v, "docx"), docxType, data)
	}
}

const docxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

func (m *Module) publicReports(w http.ResponseWriter, r *http.Request) error {
	rs, err := m.svc.PublishedReports(r.Context())
	if err != nil {
		return err
	}
	return m.render(w, r, "public_reports", http.StatusOK, "政府信息公开工作年度报告", rs, nil)
}

func (m *Module) publicReport(w http.ResponseWriter, r *http.Request) error {
	pr, err := m.svc.Published(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	data := &reportPageData{V: pr.View, Year: pr.Year, R: &Report{ID: pr.ID, IndexNo: pr.IndexNo}}
	data.tables()
	return m.render(w, r, "public_report", http.StatusOK, pr.View.Organ+fmt.Sprint(pr.Year)+"年政府信息公开工作年度报告", data, nil)
}

func (m *Module) publicReportDOCX(w http.ResponseWriter, r *http.Request) error {
	pr, err := m.svc.Published(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	data, err := ReportDOCX(pr.View)
	if err != nil {
		return err
	}
	return web.Download(w, reportFileName(pr.View, "docx"), docxType, data)
}
