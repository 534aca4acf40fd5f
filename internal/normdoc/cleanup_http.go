package normdoc

import (
	"net/http"
	"strconv"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/docgen"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/web"
)

// ---- cleanup campaigns ----

type cleanupsPage struct {
	Items   []*Cleanup
	Organs  []org.Organ
	CanEdit bool
	Today   string
}

func (m *Module) cleanups(w http.ResponseWriter, r *http.Request) error {
	return m.renderCleanups(w, r, http.StatusOK, nil)
}

func (m *Module) renderCleanups(w http.ResponseWriter, r *http.Request, status int, fe *web.FormError) error {
	p := auth.From(r.Context())
	items, err := m.svc.Cleanups(r.Context(), p)
	if err != nil {
		return err
	}
	return m.render(w, r, "cleanups", status, "规范性文件清理", &cleanupsPage{Items: items, Organs: m.scopeOrgans(p), CanEdit: p.Can(PermEdit), Today: m.svc.Today().String()}, fe)
}

func (m *Module) cleanupCreate(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	v := r.PostFormValue
	c, err := m.svc.OpenCleanup(r.Context(), auth.From(r.Context()), CleanupInput{Step: casework.Step{OnText: v("on")}, OrganID: v("organ_id"), Below: v("below") == "1",
		Title: v("title"), Basis: v("basis"), Topic: v("topic"), Query: v("query")})
	if fe := formErr(err, r); fe != nil {
		return m.renderCleanups(w, r, http.StatusUnprocessableEntity, fe)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/normdoc/cleanups/"+c.ID, "已开始清理，共纳入 "+strconv.Itoa(c.Items)+" 件文件")
}

type cleanupPage struct {
	*CleanupDetail
	Decisions []Decision
	Today     string
}

func (m *Module) cleanup(w http.ResponseWriter, r *http.Request) error {
	return m.renderCleanup(w, r, r.PathValue("id"), http.StatusOK, nil)
}

func (m *Module) renderCleanup(w http.ResponseWriter, r *http.Request, id string, status int, fe *web.FormError) error {
	cd, err := m.svc.Cleanup(r.Context(), auth.From(r.Context()), id)
	if err != nil {
		return err
	}
	return m.render(w, r, "cleanup", status, cd.Cleanup.Title, &cleanupPage{CleanupDetail: cd, Decisions: Decisions, Today: m.svc.Today().String()}, fe)
}

func (m *Module) cleanupAction(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	id := r.PathValue("id")
	if err := r.ParseForm(); err != nil {
		return err
	}
	v := r.PostFormValue
	ctx := r.Context()
	var err error
	var flash string
	switch r.PathValue("action") {
	case "items":
		// One form carries the proposal and/or decision of every row; only changed rows are saved.
		stage := v("stage")
		n := 0
		for _, itemID := range r.PostForm["item_id"] {
			dec := Decision(v("decision_" + itemID))
			if dec == "" || v("old_"+itemID) == string(dec)+"|"+v("reason_"+itemID) {
				continue
			}
			in := ItemInput{ItemID: itemID, Decision: dec, Reason: v("reason_" + itemID), Step: casework.Step{OnText: v("on")}}
			if stage == "decide" {
				err = m.svc.Decide(ctx, p, id, in)
			} else {
				err = m.svc.Propose(ctx, p, id, in)
			}
			if err != nil {
				break
			}
			n++
		}
		flash = "已保存 " + strconv.Itoa(n) + " 件文件的" + map[bool]string{true: "清理决定", false: "清理建议"}[stage == "decide"]
	case "adopt":
		var n int
		n, err = m.svc.AdoptProposals(ctx, p, id, casework.Step{OnText: v("on")})
		flash = "已按建议决定 " + strconv.Itoa(n) + " 件"
	case "close":
		_, err = m.svc.CloseCleanup(ctx, p, id, CloseInput{Step: casework.Step{OnText: v("on")}, DecidedBy: v("decided_by")})
		flash = "清理工作已结束，文件状态已更新"
	default:
		return web.NotFound("操作")
	}
	if fe := formErr(err, r); fe != nil {
		return m.renderCleanup(w, r, id, http.StatusUnprocessableEntity, fe)
	}
	if err != nil {
		return err
	}
	return redirect(w, r, "/normdoc/cleanups/"+id, flash)
}

func (m *Module) cleanupDocx(w http.ResponseWriter, r *http.Request) error {
	doc, err := m.svc.CleanupDocument(r.Context(), auth.From(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	body, err := doc.DOCX()
	if err != nil {
		return err
	}
	audit.Log(r.Context(), m.svc.db, audit.Entry{Action: "export", ObjectType: "normdoc_cleanup", ObjectID: r.PathValue("id"), Detail: map[string]any{"document": "清理结果通知"}})
	return web.Download(w, "规范性文件清理结果.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", body)
}

func (m *Module) cleanupXLSX(w http.ResponseWriter, r *http.Request) error {
	sheets, title, err := m.svc.CleanupSheets(r.Context(), auth.From(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	body, err := docgen.XLSX(sheets...)
	if err != nil {
		return err
	}
	audit.Log(r.Context(), m.svc.db, audit.Entry{Action: "export", ObjectType: "normdoc_cleanup", ObjectID: r.PathValue("id"), Detail: map[string]any{"document": "清理结果目录"}})
	return web.Download(w, title+"结果目录.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body)
}
