package admin

import (
	"net/http"
	"strings"
	"testing"
)

// The audit filter named actions as 登录（login）: users read Chinese only.
func TestAuditFilterChineseOnly(t *testing.T) {
	e := newEnv(t)
	w := e.login("auditor").get("/admin/audit")
	wantStatus(t, w, http.StatusOK)
	wantBody(t, w, `<option value="login">登录</option>`)
	for _, code := range []string{"（login）", "（login_failed）", "（calendar_import）"} {
		if strings.Contains(w.Body.String(), code) {
			t.Errorf("audit page shows the code %s", code)
		}
	}
}
