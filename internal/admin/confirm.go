package admin

import (
	"net/http"
)

// confirmData is the page that asks before an irreversible action when the browser ran no
// script: app.js asks with window.confirm and sends confirmed=1 itself (data-confirm on the form).
type confirmData struct {
	Question, Action, Back, Button string
}

// confirmed reports whether the POST carries confirmed=1; otherwise it answers with the
// confirmation page, whose form repeats the POST with confirmed=1, and the caller stops.
func (m *Module) confirmed(w http.ResponseWriter, r *http.Request, question, button, back string) (bool, error) {
	if r.PostFormValue("confirmed") == "1" {
		return true, nil
	}
	return false, m.render(w, r, "confirm", http.StatusOK, "请确认", confirmData{Question: question, Action: r.URL.Path, Back: back, Button: button}, nil)
}
