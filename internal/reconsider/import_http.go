package reconsider

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/docgen"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/web"
)

// registerImportRoutes: ledger import with template download and progress.
func (m *Module) registerImportRoutes(app *web.App) {
	app.Menu(web.MenuItem{Group: "业务", Title: "复议台账导入", URL: "/reconsider/import", Perm: auth.PermReconsiderImport, Order: 15})
	app.GET("/reconsider/import", auth.PermReconsiderImport, m.importForm)
	app.GET("/reconsider/import/template.xlsx", auth.PermReconsiderImport, m.importTemplate)
	app.POST("/reconsider/import", auth.PermReconsiderImport, m.importUpload)
	app.GET("/reconsider/import/jobs/{id}", auth.PermReconsiderImport, m.importJobPage)
	app.GET("/reconsider/import/jobs/{id}/progress", auth.PermReconsiderImport, m.importJobProgress)
}

// importJob is a checked ledger being written in the background. The rows were all validated before
// the job started; the job writes them in one transaction and reports how far it got.
type importJob struct {
	ID      string
	UserID  string
	Organ   string
	File    string
	Total   int
	Started time.Time

	mu       sync.Mutex
	done     int
	finished time.Time
	result   ImportResult
	err      string
	errs     []ImportError
}

// importJobView is a job as the page and the progress endpoint show it.
type importJobView struct {
	ID       string        `json:"id"`
	Organ    string        `json:"organ"`
	File     string        `json:"file"`
	Total    int           `json:"total"`
	Done     int           `json:"done"`
	Percent  int           `json:"percent"`
	Finished bool          `json:"finished"`
	Error    string        `json:"error,omitempty"`
	Errors   []string      `json:"errors,omitempty"`
	Result   *ImportResult `json:"result,omitempty"`
	States   []stateCount  `json:"-"`
}

type stateCount struct {
	Label string
	N     int
}

func (j *importJob) view() importJobView {
	j.mu.Lock()
	defer j.mu.Unlock()
	v := importJobView{ID: j.ID, Organ: j.Organ, File: j.File, Total: j.Total, Done: j.done, Finished: !j.finished.IsZero(), Error: j.err}
	if j.Total > 0 {
		v.Percent = j.done * 100 / j.Total
	}
	for _, e := range j.errs {
		v.Errors = append(v.Errors, e.String())
	}
	if v.Finished && j.err == "" {
		r := j.result
		v.Result = &r
		for _, s := range States {
			if n := r.ByState[s]; n > 0 {
				v.States = append(v.States, stateCount{s.Label(), n})
			}
		}
	}
	return v
}

// importJobs holds the jobs of this process; a finished job is kept an hour for its result page.
// The import itself is audited, so nothing is lost when the process restarts.
var importJobs = struct {
	sync.Mutex
	m map[string]*importJob
}{m: map[string]*importJob{}}

func addImportJob(j *importJob) {
	importJobs.Lock()
	defer importJobs.Unlock()
	for id, old := range importJobs.m {
		old.mu.Lock()
		stale := !old.finished.IsZero() && time.Since(old.finished) > time.Hour
		old.mu.Unlock()
		if stale {
			delete(importJobs.m, id)
		}
	}
	importJobs.m[j.ID] = j
}

func findImportJob(p *auth.Principal, id string) (*importJob, error) {
	importJobs.Lock()
	j := importJobs.m[id]
	importJobs.Unlock()
	if j == nil || j.UserID != p.UserID {
		return nil, web.NotFound("导入任务")
	}
	return j, nil
}

// importOrgans are the governments p may import ledgers for.
func (m *Module) importOrgans(p *auth.Principal) []org.Organ {
	var out []org.Organ
	for _, o := range m.svc.org.All() {
		if o.Kind == org.KindGovernment && m.svc.mayImport(p, o) == nil {
			out = append(out, o)
		}
	}
	return out
}

type importPage struct {
	Organs  []org.Organ
	Organ   string
	Errors  []string
	Headers []string
	Max     int
}

func (m *Module) renderImport(w http.ResponseWriter, r *http.Request, status int, organ string, errs []string, fe *web.FormError) error {
	p := auth.From(r.Context())
	organs := m.importOrgans(p)
	if organ == "" && len(organs) > 0 {
		organ = organs[0].ID
	}
	data := importPage{Organs: organs, Organ: organ, Errors: errs, Headers: LedgerHeaders, Max: docgen.MaxImportBytes >> 20}
	return m.app.Render(w, r, m.tmpl, "import", status, "复议台账导入", data, fe)
}

func (m *Module) importForm(w http.ResponseWriter, r *http.Request) error {
	return m.renderImport(w, r, http.StatusOK, "", nil, nil)
}

func (m *Module) importTemplate(w http.ResponseWriter, r *http.Request) error {
	body, err := LedgerTemplate()
	if err != nil {
		return err
	}
	return web.Download(w, "行政复议台账导入模板.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body)
}

// importUpload checks the whole ledger while the user waits; a ledger with any bad cell comes back
// with every problem listed and nothing imported. A good one is written by a background job whose
// progress page the user is sent to.
func (m *Module) importUpload(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	r.Body = http.MaxBytesReader(w, r.Body, docgen.MaxImportBytes+1<<20)
	if err := r.ParseMultipartForm(8 << 20); err != nil {
		return m.renderImport(w, r, http.StatusUnprocessableEntity, "", nil, importFormErr("file", fmt.Sprintf("上传失败：文件不能超过 %d MB", docgen.MaxImportBytes>>20)))
	}
	organID := r.FormValue("organ")
	f, hdr, err := r.FormFile("file")
	if err != nil {
		return m.renderImport(w, r, http.StatusUnprocessableEntity, organID, nil, importFormErr("file", "请选择要导入的台账文件（.xlsx 或 .csv）"))
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return err
	}
	name := filepath.Base(hdr.Filename)
	header, rows, lines, raw, err := ReadLedger(data, name)
	if err != nil {
		return m.renderImport(w, r, http.StatusUnprocessableEntity, organID, nil, importFormErr("file", err.Error()))
	}
	l, err := m.svc.CheckLedger(r.Context(), p, organID, name, header, rows, lines, raw)
	if errs := LedgerErrors(err); errs != nil {
		var msgs []string
		for _, e := range errs {
			msgs = append(msgs, e.String())
		}
		return m.renderImport(w, r, http.StatusUnprocessableEntity, organID, msgs, &web.FormError{Msg: err.Error()})
	}
	if err != nil {
		return err
	}
	j := &importJob{ID: db.NewID(), UserID: p.UserID, Organ: l.Organ.Name, File: name, Total: l.Len(), Started: time.Now()}
	addImportJob(j)
	// The job outlives the request but keeps its principal and audit actor.
	ctx := context.WithoutCancel(r.Context())
	go func() {
		res, err := m.svc.ImportLedger(ctx, p, l, func(done, total int) {
			j.mu.Lock()
			j.done = done
			j.mu.Unlock()
		})
		j.mu.Lock()
		defer j.mu.Unlock()
		j.finished, j.result = time.Now(), res
		if err != nil {
			j.errs = LedgerErrors(err)
			j.err = err.Error()
			if web.Status(err) == http.StatusInternalServerError && j.errs == nil {
				j.err = "导入失败，未导入任何记录：" + err.Error()
			}
		} else {
			j.done = j.Total
		}
	}()
	http.Redirect(w, r, "/reconsider/import/jobs/"+j.ID, http.StatusSeeOther)
	return nil
}

func (m *Module) importJobPage(w http.ResponseWriter, r *http.Request) error {
	j, err := findImportJob(auth.From(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	return m.app.Render(w, r, m.tmpl, "import_job", http.StatusOK, "复议台账导入："+j.File, j.view(), nil)
}

// importJobProgress is the JSON the progress can be polled with.
func (m *Module) importJobProgress(w http.ResponseWriter, r *http.Request) error {
	j, err := findImportJob(auth.From(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	return web.WriteJSON(w, http.StatusOK, j.view())
}

func importFormErr(field, msg string) *web.FormError {
	fe := &web.FormError{}
	fe.Add(field, msg)
	return fe
}
