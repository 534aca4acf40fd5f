package reconsider

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/fazhi/fazhi/internal/action"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/files"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/ratelimit"
	"github.com/fazhi/fazhi/internal/secure"
	"github.com/fazhi/fazhi/internal/web"
)

// Progress lookups are limited per client address: a query code has a million values, so
// guessing must be slow. Only failed lookups count.
const (
	lookupMaxFailures = 10
	lookupWindow      = 10 * time.Minute
)

// registerPublicRoutes: the applicant's online application and progress pages.
func (m *Module) registerPublicRoutes(app *web.App) {
	app.GET("/public/reconsider/apply", auth.PermPublic, m.applyForm)
	app.POST("/public/reconsider/apply", auth.PermPublic, m.apply)
	app.GET("/public/reconsider/receipt", auth.PermPublic, m.receipt)
	app.GET("/public/reconsider/receipt.docx", auth.PermPublic, m.receiptDOCX)
	app.GET("/public/reconsider/progress", auth.PermPublic, m.progressForm)
	app.POST("/public/reconsider/progress", auth.PermPublic, m.progress)
	app.POST("/public/reconsider/progress/materials", auth.PermPublic, m.amendmentUpload)
	app.GET("/public/reconsider/progress/document", auth.PermPublic, m.publicDocument)
}

// --- online application ---

type govGroup struct {
	Name string
	Govs []org.Organ
}

type applyPage struct {
	Groups  []govGroup
	O       *selectOptions
	Files   bool
	Accept  string
	MaxSize string
}

// reconsiderOrgans groups the governments an applicant may apply to (city and county level), by city.
func (m *Module) reconsiderOrgans() []govGroup {
	var out []govGroup
	for _, o := range m.svc.org.All() {
		if o.Kind != org.KindGovernment || o.Level != org.City {
			continue
		}
		g := govGroup{Name: o.Name, Govs: []org.Organ{o}}
		for _, c := range m.svc.org.Children(o.ID) {
			if c.Kind == org.KindGovernment && c.Level == org.County {
				g.Govs = append(g.Govs, c)
			}
		}
		out = append(out, g)
	}
	return out
}

func (m *Module) renderApply(w http.ResponseWriter, r *http.Request, status int, fe *web.FormError) error {
	data := &applyPage{Groups: m.reconsiderOrgans(), O: formOptions}
	data.Files, data.Accept, data.MaxSize = m.fileHints()
	return m.app.Render(w, r, m.tmpl, "public_apply", status, "申请行政复议", data, fe)
}

func (m *Module) applyForm(w http.ResponseWriter, r *http.Request) error {
	// form_token makes the form's second send (a double click, the back button) the same application.
	return m.renderApply(w, r, http.StatusOK, &web.FormError{Values: map[string][]string{"applicant_kind": {string(Natural)}, "form_token": {secure.RandomToken(18)}}})
}

// formKey reads the form's token ("" when absent or not one the form could have made).
func formKey(r *http.Request) string {
	t := strings.TrimSpace(r.PostFormValue("form_token"))
	if len(t) < 16 || len(t) > 64 {
		return ""
	}
	for _, ch := range t {
		if !(ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_') {
			return ""
		}
	}
	return "web:" + t
}

func (m *Module) apply(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	var in Intake
	fe := action.DecodeForm(r.PostForm, &in)
	in.RespondentID = "" // the public names the respondent in words; staff link it to the tree
	check := in
	for k, v := range m.svc.validate(&check, true).Fields {
		fe.Add(k, v)
	}
	if fe.Err() != nil {
		return m.renderApply(w, r, http.StatusUnprocessableEntity, fe)
	}
	ups, err := m.stageUploads(ctx, r, fe)
	if err != nil {
		return err
	}
	if fe.Err() != nil {
		return m.renderApply(w, r, http.StatusUnprocessableEntity, fe)
	}
	in.SubmitKey = formKey(r)
	rec, err := m.svc.Register(ctx, nil, in)
	if rfe := web.FormFrom(err, r.PostForm); rfe != nil {
		return m.renderApply(w, r, http.StatusUnprocessableEntity, rfe)
	} else if err != nil {
		return err
	}
	if !rec.Repeat { // a repeat's files came with its first send
		c, err := getCase(ctx, m.svc.db, rec.CaseID)
		if err != nil {
			return err
		}
		if err := m.attachUploads(ctx, c, ups, "申请材料", nil); err != nil {
			return err
		}
	}
	link, err := m.svc.publicLink(ctx, "receipt", rec.CaseID, receiptLinkTTL)
	if err != nil {
		return err
	}
	flash := ""
	if rec.Repeat {
		flash = "该申请已经提交过，未重复登记"
	}
	return web.SeeOther(w, r, "/public/reconsider/receipt?t="+link, flash)
}

// --- progress ---

type progressPage struct {
	P         *Progress
	Steps     []casework.Event
	Submitted []files.Attachment // what the applicant uploaded (names only; nothing is served publicly)
	Amending  bool
	Link      string // the signed link of this page (the amendment form sends it back)
	Stages    []Stage
	Documents []Document // issued documents the applicant may download
	Files     bool
	Accept    string
	MaxSize   string
}

func (m *Module) renderProgress(w http.ResponseWriter, r *http.Request, status int, data *progressPage, fe *web.FormError) error {
	if data == nil {
		data = &progressPage{}
	}
	data.Files, data.Accept, data.MaxSize = m.fileHints()
	return m.app.Render(w, r, m.tmpl, "public_progress", status, "查询办理进度", data, fe)
}

// progressForm is the lookup form, or with a signed link (after a lookup) the case's progress.
func (m *Module) progressForm(w http.ResponseWriter, r *http.Request) error {
	t := r.URL.Query().Get("t")
	if t == "" {
		return m.renderProgress(w, r, http.StatusOK, nil, nil)
	}
	id, err := m.svc.openLink(r.Context(), "progress", t)
	if web.Status(err) == http.StatusNotFound {
		return m.renderProgress(w, r, http.StatusNotFound, nil, &web.FormError{Msg: err.Error()})
	} else if err != nil {
		return err
	}
	pr, c, err := m.svc.progressOf(r.Context(), id)
	if err != nil {
		return err
	}
	data, err := m.progressData(r, pr, c)
	if err != nil {
		return err
	}
	data.Link = t
	return m.renderProgress(w, r, http.StatusOK, data, nil)
}

// lookup checks the receipt number and query code of a progress request, rate-limited by address.
// It returns nil and renders the form again when the lookup fails.
func (m *Module) lookup(w http.ResponseWriter, r *http.Request) (*Progress, *Case, error) {
	key := lookupKey(r)
	fe := &web.FormError{Values: r.PostForm}
	if res, err := m.limits.Peek(r.Context(), key, lookupRule); err != nil {
		return nil, nil, err
	} else if !res.Allowed {
		fe.Msg = "查询失败次数过多，请10分钟后再试"
		return nil, nil, m.renderProgress(w, r, http.StatusTooManyRequests, nil, fe)
	}
	receipt, code := strings.TrimSpace(r.PostFormValue("receipt_no")), strings.TrimSpace(r.PostFormValue("code"))
	if receipt == "" {
		fe.Add("receipt_no", "请填写收件编号")
	}
	if code == "" {
		fe.Add("code", "请填写查询码")
	}
	if fe.Err() != nil {
		return nil, nil, m.renderProgress(w, r, http.StatusUnprocessableEntity, nil, fe)
	}
	pr, c, err := m.svc.PublicProgress(r.Context(), receipt, code)
	if web.Status(err) == http.StatusNotFound {
		if _, err := m.limits.Hit(r.Context(), key, lookupRule); err != nil {
			return nil, nil, err
		}
		fe.Msg = err.Error()
		return nil, nil, m.renderProgress(w, r, http.StatusNotFound, nil, fe)
	} else if err != nil {
		return nil, nil, err
	}
	return pr, c, nil
}

func (m *Module) progressData(r *http.Request, pr *Progress, c *Case) (*progressPage, error) {
	data := &progressPage{P: pr, Steps: pr.Steps, Amending: c.State == StateAmending, Stages: Stages(c)}
	var err error
	if data.Documents, err = m.svc.PublicDocuments(r.Context(), c.ID); err != nil {
		return nil, err
	}
	all, err := m.caseAttachments(r.Context(), c.ID)
	if err != nil {
		return nil, err
	}
	for _, a := range all {
		if a.UploadedBy == "" && (a.Label == "申请材料" || a.Label == "补正材料") {
			data.Submitted = append(data.Submitted, a)
		}
	}
	return data, nil
}

func (m *Module) progress(w http.ResponseWriter, r *http.Request) error {
	pr, c, err := m.lookup(w, r)
	if err != nil || pr == nil {
		return err
	}
	return m.toProgress(w, r, c.ID, "")
}

func (m *Module) toProgress(w http.ResponseWriter, r *http.Request, caseID, flash string) error {
	link, err := m.svc.publicLink(r.Context(), "progress", caseID, progressLinkTTL)
	if err != nil {
		return err
	}
	return web.SeeOther(w, r, "/public/reconsider/progress?t="+link, flash)
}

// amendmentUpload takes the applicant's amendment materials while the case waits for them.
func (m *Module) amendmentUpload(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	t := r.PostFormValue("t")
	id, err := m.svc.openLink(ctx, "progress", t)
	if web.Status(err) == http.StatusNotFound {
		return m.renderProgress(w, r, http.StatusNotFound, nil, &web.FormError{Msg: err.Error()})
	} else if err != nil {
		return err
	}
	pr, c, err := m.svc.progressOf(ctx, id)
	if err != nil {
		return err
	}
	data, err := m.progressData(r, pr, c)
	if err != nil {
		return err
	}
	data.Link = t
	fe := &web.FormError{Values: r.PostForm}
	if c.State != StateAmending {
		fe.Msg = "案件当前不在补正阶段，不能在线提交补正材料"
		return m.renderProgress(w, r, http.StatusConflict, data, fe)
	}
	ups, err := m.stageUploads(ctx, r, fe)
	if err != nil {
		return err
	}
	if len(ups) == 0 && fe.Fields["files"] == "" {
		fe.Add("files", "请选择补正材料文件")
	}
	if fe.Err() != nil {
		return m.renderProgress(w, r, http.StatusUnprocessableEntity, data, fe)
	}
	var names []string
	for _, up := range ups {
		names = append(names, up.Filename)
	}
	err = m.attachUploads(ctx, c, ups, "补正材料", func(tx *db.Tx) error { return m.svc.NoteAmendmentUpload(ctx, tx, c.ID, names) })
	if web.Status(err) == http.StatusConflict {
		fe.Msg = err.Error()
		return m.renderProgress(w, r, http.StatusConflict, data, fe)
	} else if err != nil {
		return err
	}
	return m.toProgress(w, r, c.ID, fmt.Sprintf("已收到补正材料 %d 个文件。工作人员核对无误后，受理审查期限自收到补正材料之日重新计算。", len(ups)))
}

// lookupRule allows lookupMaxFailures failed lookups per address per window. The counts live in
// the database (package ratelimit), so they hold across restarts and several app instances, and
// the address is the real client's (the web shell resolves trusted proxies).
var lookupRule = ratelimit.Rule{Max: lookupMaxFailures, Window: lookupWindow}

func lookupKey(r *http.Request) string { return "reconsider.lookup:" + web.ClientIP(r) }
