package reconsider

import (
	"github.com/fazhi/fazhi/internal/web"
)

// registerDocumentRoutes: the document pages of internal/officialdoc at /reconsider/documents.
//
// The GET routes are open to any signed-in user on purpose: a respondent's liaison has
// reconsider.reply, not reconsider.read, and must fetch the notices addressed to its organ.
// The room's Visible enforces the rest: reconsider.read or reply, the case in the user's scope
// (else 404), drafts for reconsider.read only.
func (m *Module) registerDocumentRoutes(app *web.App) {
	var blobs Blobs
	if m.files != nil {
		blobs = FileBlobs(m.files)
	}
	m.svc.docs.Register(app, "/reconsider/documents", PermView, PermEdit, blobs)
}
