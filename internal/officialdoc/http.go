package officialdoc

import (
	"embed"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/web"
)

//go:embed templates/*.html
var templateFS embed.FS

// Register adds the document pages of the room under base (e.g. /reconsider/documents):
//
//	GET  base/{id}        the page: preview with the blanks marked, edit form, issue button
//	GET  base/{id}.docx   the file (a draft marked 草稿, or the frozen file)
//	POST base/{id}        save the draft
//	POST base/{id}/issue  issue it
//	GET  base/{id}/receipt.docx?to=N  the 送达回证 of an issued document for its party N (receipt.go)
//
// view guards the GET routes and edit the POST routes; Visible and Editable then decide for the
// record at hand; drafts left unissued longer than StaleAfter go on the editors' workbench. blobs stores the frozen files (nil: regenerated and checked on download).
func (r *Room[R]) Register(app *web.App, base string, view, edit auth.Perm, blobs Blobs) {
	r.check()
	h := &pages[R]{room: r, app: app, base: base, blobs: blobs, tmpl: web.ParseTemplates(templateFS, "templates/*.html")}
	app.GET(base+"/{id}", view, h.page)
	app.POST(base+"/{id}", edit, h.save)
	app.POST(base+"/{id}/issue", edit, h.issue)
	app.GET(base+"/{id}/receipt.docx", view, h.receipt)
	app.Todos(r.staleTodos(base, edit))
}

type pages[R any] struct {
	room  *Room[R]
	app   *web.App
	tmpl  *web.Templates
	base  string
	blobs Blobs
}

// pageData is what document.html receives.
type pageData[R any] struct {
	*View[R]
	Base      string
	OwnerNoun string
	FlushHint string // “申请人：”“被申请人：”
}

// page serves base/{id} and base/{id}.docx: ServeMux wildcards fill whole segments, so the
// suffix is told apart here.
func (h *pages[R]) page(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	id := r.PathValue("id")
	if docID, ok := strings.CutSuffix(id, ".docx"); ok {
		name, data, err := h.room.DOCX(r.Context(), p, docID, h.blobs)
		if err != nil {
			return err
		}
		return web.Download(w, name, DocxType, data)
	}
	return h.render(w, r, id, http.StatusOK, nil)
}

func (h *pages[R]) receipt(w http.ResponseWriter, r *http.Request) error {
	i, err := strconv.Atoi(r.URL.Query().Get("to"))
	if err != nil {
		i = -1
	}
	name, data, err := h.room.ServiceReceipt(r.Context(), auth.From(r.Context()), r.PathValue("id"), i)
	if err != nil {
		return err
	}
	return web.Download(w, name, DocxType, data)
}

func (h *pages[R]) render(w http.ResponseWriter, r *http.Request, id string, status int, fe *web.FormError) error {
	v, err := h.room.View(r.Context(), auth.From(r.Context()), id)
	if err != nil {
		return err
	}
	noun := h.room.OwnerNoun
	if noun == "" {
		noun = "案件"
	}
	var hint string
	for _, l := range h.room.FlushLeft[:min(2, len(h.room.FlushLeft))] {
		hint += "“" + l + "：”"
	}
	return h.app.Render(w, r, h.tmpl, "document", status, v.Doc.Title, pageData[R]{View: v, Base: h.base, OwnerNoun: noun, FlushHint: hint}, fe)
}

func (h *pages[R]) save(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	in := Input{Title: r.FormValue("title"), Recipient: r.FormValue("recipient"), Body: r.FormValue("body"), UpdatedAt: r.FormValue("updated_at")}
	if _, err := h.room.Save(r.Context(), auth.From(r.Context()), id, in); err != nil {
		return h.failed(w, r, id, err)
	}
	http.Redirect(w, r, h.base+"/"+url.PathEscape(id)+"?flash="+url.QueryEscape("草稿已保存"), http.StatusSeeOther)
	return nil
}

func (h *pages[R]) issue(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	d, err := h.room.Issue(r.Context(), auth.From(r.Context()), id, h.blobs)
	if err != nil {
		return h.failed(w, r, id, err)
	}
	http.Redirect(w, r, h.base+"/"+url.PathEscape(id)+"?flash="+url.QueryEscape("已印发，文号："+d.Number), http.StatusSeeOther)
	return nil
}

// failed shows a rejected form on the document page with the messages beside the fields and
// the user's text kept; other errors go to the error page.
func (h *pages[R]) failed(w http.ResponseWriter, r *http.Request, id string, err error) error {
	fe := web.FormFrom(err, r.PostForm)
	if fe == nil {
		return err
	}
	if r.URL.Path != h.base+"/"+id { // issue: the page shows the stored text
		fe.Values = nil
	}
	return h.render(w, r, id, http.StatusUnprocessableEntity, fe)
}
