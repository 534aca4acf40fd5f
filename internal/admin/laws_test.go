package admin

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/lawlib"
)

// The system administrator sees the load of the shipped law library as a progress bar, on the
// 法规库 page and above the account list while it runs.
func TestLawLoadProgress(t *testing.T) {
	e := newEnv(t)
	p := lawlib.Progress{State: lawlib.LoadRunning, Done: 210, Total: 834, Updated: "2999-01-01T00:00:00.000000Z"}
	e.mod.LawLoad = func(context.Context) (lawlib.Progress, error) { return p, nil }
	admin := e.login("admin")
	w := admin.get("/admin/laws")
	wantStatus(t, w, http.StatusOK)
	wantBody(t, w, "正在载入：已完成 210 / 834 件（25%）", `<progress value="210" max="834"`, `http-equiv="refresh"`)
	w = admin.get("/admin/users")
	wantStatus(t, w, http.StatusOK)
	wantBody(t, w, "正在后台载入内置法规库：已完成 210 / 834 件", `<progress value="210" max="834"`)

	p = lawlib.Progress{State: lawlib.LoadDone, Done: 834, Total: 834, Updated: "2026-12-01T00:00:00.000000Z"}
	w = admin.get("/admin/laws")
	wantBody(t, w, "已载入 834 件")
	if w := admin.get("/admin/users"); strings.Contains(w.Body.String(), "正在后台载入") {
		t.Error("finished load still shown on the account list")
	}
	wantStatus(t, e.login("auditor").get("/admin/laws"), http.StatusForbidden)
}
