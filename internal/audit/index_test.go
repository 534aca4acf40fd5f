package audit_test

import (
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/dbtest"
)

// The admin audit page (internal/admin auditRows) filters by account, user, action or organ and
// lists newest first; migration 0012's indexes must serve those queries on both engines.
func TestAuditFilterQueriesUseIndexes(t *testing.T) {
	d, _ := seed(t, 20)
	for col, index := range map[string]string{"username": "audit_log_username", "user_id": "audit_log_user", "action": "audit_log_action", "organ_id": "audit_log_organ"} {
		q := `SELECT seq, at, user_id, username, organ_id, ip, action, object_type, object_id, detail, prev_hash, hash FROM audit_log WHERE 1 = 1 AND ` + col + ` = ? ORDER BY seq DESC LIMIT ? OFFSET ?`
		if p := dbtest.Plan(t, d, q, "x", 50, 0); !strings.Contains(p, index) {
			t.Errorf("filter by %s does not use %s:\n%s", col, index, p)
		}
	}
}
