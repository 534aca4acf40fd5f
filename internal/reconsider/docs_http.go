package reconsider

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/files"
	"github.com/fazhi/fazhi/internal/web"
)

// registerDocumentRoutes: drafts, editing, issuing and downloading case documents.
//
// The GET route is open to any signed-in user on purpose: a respondent's liaison has
// reconsider.reply, not reconsider.read, and must fetch the notices addressed to its organ.
// Service.Document enforces the rest: reconsider.read or reply, the case in the user's scope
// (else 404), drafts for reconsider.read only.
func (m *Module) registerDocumentRoutes(app *web.App) {
	app.GET("/reconsider/documents/{id}", auth.PermReconsiderView, m.documentPage)
	app.POST("/reconsider/documents/{id}", auth.PermReconsiderEdit, m.documentSave)
	app.POST("/reconsider/documents/{id}/issue", auth.PermReconsiderEdit, m.documentIssue)
}

// blobs is the store for frozen files: internal/files when the module was given it.
// (Through any, so this compiles whether Module.files is declared any or *files.Service.)
func (m *Module) blobs() Blobs {
	var f any = m.files
	switch x := f.(type) {
	case Blobs:
		return x
	case *files.Service:
		if x != nil {
			return FileBlobs(x)
		}
	}
	return nil
}

// documentPage serves /reconsider/documents/{id} (the page) and …/{id}.docx (the file):
// ServeMux wildcards fill whole segments, so the suffix is told apart here.
func (m *Module) documentPage(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	id := r.PathValue("id")
	if docID, ok := strings.CutSuffix(id, ".docx"); ok {
		name, data, err := m.svc.DocumentDOCX(r.Context(), p, docID, m.blobs())
		if err != nil {
			return err
		}
		return web.Download(w, name, DocxType, data)
	}
	return m.renderDocument(w, r, id, http.StatusOK, nil)
}

func (m *Module) renderDocument(w http.ResponseWriter, r *http.Request, id string, status int, fe *web.FormError) error {
	v, err := m.svc.Document(r.Context(), auth.From(r.Context()), id)
	if err != nil {
		return err
	}
	return m.app.Render(w, r, m.tmpl, "document", status, v.Doc.Title, v, fe)
}

func (m *Module) documentSave(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	in := DocumentInput{Title: r.FormValue("title"), Recipient: r.FormValue("recipient"), Body: r.FormValue("body"), UpdatedAt: r.FormValue("updated_at")}
	if _, err := m.svc.SaveDocument(r.Context(), auth.From(r.Context()), id, in); err != nil {
		return m.formFailed(w, r, id, err)
	}
	http.Redirect(w, r, "/reconsider/documents/"+url.PathEscape(id)+"?flash="+url.QueryEscape("草稿已保存"), http.StatusSeeOther)
	return nil
}

func (m *Module) documentIssue(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	d, err := m.svc.IssueDocument(r.Context(), auth.From(r.Context()), id, m.blobs())
	if err != nil {
		return m.formFailed(w, r, id, err)
	}
	http.Redirect(w, r, "/reconsider/documents/"+url.PathEscape(id)+"?flash="+url.QueryEscape("已印发，文号："+d.Number), http.StatusSeeOther)
	return nil
}

// formFailed shows a rejected form on the document page with the messages beside the
// fields and the user's text kept; other errors go to the error page.
func (m *Module) formFailed(w http.ResponseWriter, r *http.Request, id string, err error) error {
	fe := web.FormFrom(err, r.PostForm)
	if fe == nil {
		return err
	}
	if r.URL.Path != "/reconsider/documents/"+id { // issue: the page shows the stored text
		fe.Values = nil
	}
	return m.renderDocument(w, r, id, http.StatusUnprocessableEntity, fe)
}
