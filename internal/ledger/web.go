package ledger

import (
	"context"
	"embed"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"slices"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

var pages = web.ParseTemplates(templateFS, "templates/*.html")

// PreviewRows is how many rows the preview shows.
const PreviewRows = 20

// Importer puts a Spec on the web: upload page with the template, preview with every problem,
// commit, progress and the error report. A module registers it in a few lines:
//
//	ledger.Importer{Spec: &ledgerSpec, Base: "/litigation/import", Title: "应诉台账导入",
//		Perm: auth.PermLitigationImport, Done: "/litigation/cases"}.Register(app)
type Importer struct {
	Spec  *Spec
	Base  string    // URL of the upload page; the other pages hang below it
	Title string    // page title and menu entry
	Perm  auth.Perm // for every page of the import
	Menu  bool      // add a 业务 menu entry
	Done  string    // where to look at the imported records
	// Template, when set, replaces the generated template (a module with a richer one).
	Template func() ([]byte, error)
	// Organs lists the organs p may import for (a chooser appears when there are several); nil
	// means the organ the user acts for.
	Organs func(p *auth.Principal) []org.Organ
	app    *web.App
}

// Register adds the import's routes to app.
func (im Importer) Register(app *web.App) {
	im.app = app
	h := &im
	if im.Menu {
		app.Menu(web.MenuItem{Group: "业务", Title: im.Title, URL: im.Base, Perm: im.Perm, Order: 15})
	}
	app.GET(im.Base, im.Perm, h.form)
	app.POST(im.Base, im.Perm, h.upload)
	app.GET(im.Base+"/template.xlsx", im.Perm, h.templateFile)
	app.GET(im.Base+"/jobs/{id}", im.Perm, h.jobPage)
	app.POST(im.Base+"/jobs/{id}/commit", im.Perm, h.commit)
	app.GET(im.Base+"/jobs/{id}/progress", im.Perm, h.progress)
	app.GET(im.Base+"/jobs/{id}/errors.xlsx", im.Perm, h.reportXLSX)
	app.GET(im.Base+"/jobs/{id}/errors.csv", im.Perm, h.reportCSV)
}

// columnHelp is one line of the upload page's column table.
type columnHelp struct {
	Header   string
	Required bool
	Help     string
}

type formPage struct {
	Base, Title string
	Organs      []org.Organ
	Organ       string
	Columns     []columnHelp
	MaxMB       int
	MaxRows     int
}

type jobPage struct {
	Base, Title, Done string
	Job               *Job
	OrganName         string
	Headers           []string
	Preview           [][]string
	Errors            []string
	More              int // problems not listed on the page
}

func (im *Importer) organs(p *auth.Principal) []org.Organ {
	if im.Organs != nil {
		return im.Organs(p)
	}
	if o, ok := im.app.Org.Organ(p.OrganID); ok {
		return []org.Organ{o}
	}
	return []org.Organ{{ID: p.OrganID}}
}

func (im *Importer) renderForm(w http.ResponseWriter, r *http.Request, status int, organ string, fe *web.FormError) error {
	organs := im.organs(auth.From(r.Context()))
	if organ == "" && len(organs) > 0 {
		organ = organs[0].ID
	}
	d := formPage{Base: im.Base, Title: im.Title, Organs: organs, Organ: organ, MaxMB: MaxFileBytes >> 20, MaxRows: MaxRows}
	for _, c := range im.Spec.Columns {
		d.Columns = append(d.Columns, columnHelp{c.Header, c.Required, c.describe()})
	}
	return im.app.Render(w, r, pages, "ledger_form", status, im.Title, d, fe)
}

func (im *Importer) form(w http.ResponseWriter, r *http.Request) error {
	return im.renderForm(w, r, http.StatusOK, "", nil)
}

func (im *Importer) templateFile(w http.ResponseWriter, r *http.Request) error {
	gen := im.Spec.Template
	if im.Template != nil {
		gen = im.Template
	}
	body, err := gen()
	if err != nil {
		return err
	}
	return web.Download(w, im.Spec.Title+"导入模板.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body)
}

// upload reads and checks the file while the user waits and shows the preview.
func (im *Importer) upload(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	r.Body = http.MaxBytesReader(w, r.Body, MaxFileBytes+1<<20)
	formErr := func(organ, msg string) error {
		fe := &web.FormError{}
		fe.Add("file", msg)
		return im.renderForm(w, r, http.StatusUnprocessableEntity, organ, fe)
	}
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return formErr("", fmt.Sprintf("上传失败：文件不能超过 %d MB", MaxFileBytes>>20))
	}
	organ := r.FormValue("organ")
	organs := im.organs(p)
	if organ == "" && len(organs) == 1 {
		organ = organs[0].ID
	}
	if !slices.ContainsFunc(organs, func(o org.Organ) bool { return o.ID == organ }) {
		fe := &web.FormError{}
		fe.Add("organ", "请选择您有权导入的机关")
		return im.renderForm(w, r, http.StatusUnprocessableEntity, "", fe)
	}
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return formErr(organ, "请选择要导入的台账文件（.xlsx 或 .csv）")
	}
	defer f.Close()
	j, err := Start(r.Context(), im.app.DB, im.Spec, organ, p.UserID, filepath.Base(hdr.Filename), f)
	if err != nil {
		if web.Status(err) == http.StatusUnprocessableEntity {
			return formErr(organ, fault.Message(err))
		}
		return err
	}
	if j.ErrorCount > 0 { // the problems come back at once, with the rejected upload's status
		return im.renderJob(w, r, http.StatusUnprocessableEntity, j)
	}
	http.Redirect(w, r, im.Base+"/jobs/"+j.ID, http.StatusSeeOther)
	return nil
}

func (im *Importer) job(r *http.Request) (*Job, error) {
	return Load(r.Context(), im.app.DB, im.Spec.Module, r.PathValue("id"), auth.From(r.Context()).UserID)
}

func (im *Importer) jobPage(w http.ResponseWriter, r *http.Request) error {
	j, err := im.job(r)
	if err != nil {
		return err
	}
	return im.renderJob(w, r, http.StatusOK, j)
}

func (im *Importer) renderJob(w http.ResponseWriter, r *http.Request, status int, j *Job) error {
	d := jobPage{Base: im.Base, Title: im.Title, Done: im.Done, Job: j, OrganName: j.OrganID, Headers: im.Spec.Headers()}
	if o, ok := im.app.Org.Organ(j.OrganID); ok {
		d.OrganName = o.Name
	}
	const shown = 200
	for i, e := range j.Errors {
		if i == shown {
			break
		}
		d.Errors = append(d.Errors, e.String())
	}
	d.More = j.ErrorCount - len(d.Errors)
	if j.State == StateParsed || j.Interrupted() {
		rows, err := im.Spec.Rows(r.Context(), im.app.DB, j)
		if err != nil {
			return err
		}
		for _, row := range rows[:min(len(rows), PreviewRows)] {
			line := []string{fmt.Sprint(row.Line)}
			for _, c := range im.Spec.Columns {
				line = append(line, row.Cells[c.Key])
			}
			d.Preview = append(d.Preview, line)
		}
	}
	return im.app.Render(w, r, pages, "ledger_job", status, im.Title+"："+j.Filename, d, nil)
}

// commit claims the job and writes it in the background; the user is sent to the progress page.
func (im *Importer) commit(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	id := r.PathValue("id")
	if err := claim(r.Context(), im.app.DB, im.Spec, id, p.UserID); err != nil {
		return err
	}
	// The commit outlives the request but keeps its principal and audit actor.
	ctx := context.WithoutCancel(r.Context())
	live.Store(id, newCounter())
	go func() {
		if _, err := commitClaimed(ctx, im.app.DB, im.Spec, id, p.UserID); err != nil && im.app.Log != nil {
			im.app.Log.Error("台账导入失败", slog.String("module", im.Spec.Module), slog.String("job", id), slog.Any("err", err))
		}
	}()
	http.Redirect(w, r, im.Base+"/jobs/"+id, http.StatusSeeOther)
	return nil
}

// progressView is the JSON the progress can be polled with.
type progressView struct {
	State    State  `json:"state"`
	Total    int    `json:"total"`
	Done     int    `json:"done"`
	Percent  int    `json:"percent"`
	Finished bool   `json:"finished"`
	Errors   int    `json:"error_count"`
	Message  string `json:"message,omitempty"`
}

func (im *Importer) progress(w http.ResponseWriter, r *http.Request) error {
	j, err := im.job(r)
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, progressView{State: j.State, Total: j.Total, Done: j.Done, Percent: j.Percent(),
		Finished: j.Finished(), Errors: j.ErrorCount, Message: j.Message})
}

func (im *Importer) reportXLSX(w http.ResponseWriter, r *http.Request) error {
	j, err := im.job(r)
	if err != nil {
		return err
	}
	body, err := ReportXLSX(im.Spec.Title, j.Errors)
	if err != nil {
		return err
	}
	return web.Download(w, reportName(j)+".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body)
}

func (im *Importer) reportCSV(w http.ResponseWriter, r *http.Request) error {
	j, err := im.job(r)
	if err != nil {
		return err
	}
	return web.Download(w, reportName(j)+".csv", "text/csv; charset=utf-8", ReportCSV(j.Errors))
}

func reportName(j *Job) string {
	return trimExt(j.Filename) + "-错误清单"
}

func trimExt(name string) string { return name[:len(name)-len(filepath.Ext(name))] }
