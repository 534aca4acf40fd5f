package audit_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/db"
)

// The admin audit page (internal/admin auditRows) filters by account, user, action or organ and
// lists newest first; migration 0012's indexes must serve those queries on both engines.
func TestAuditFilterQueriesUseIndexes(t *testing.T) {
	d, _ := seed(t, 20)
	ctx := context.Background()
	for col, index := range map[string]string{"username": "audit_log_username", "user_id": "audit_log_user", "action": "audit_log_action", "organ_id": "audit_log_organ"} {
		q := `SELECT seq, at, user_id, username, organ_id, ip, action, object_type, object_id, detail, prev_hash, hash FROM audit_log WHERE 1 = 1 AND ` + col + ` = ? ORDER BY seq DESC LIMIT ? OFFSET ?`
		var plan []string
		err := d.Tx(ctx, func(tx *db.Tx) error {
			explain := `EXPLAIN QUERY PLAN ` + q
			if tx.Dialect() == db.Postgres {
				// A test table is tiny: tell the planner a sequential scan is not an option, as on a real log.
				if err := tx.Exec(ctx, `SET LOCAL enable_seqscan = off`); err != nil {
					return err
				}
				explain = `EXPLAIN ` + q
			}
			rows, err := tx.QueryContext(ctx, explain, "x", 50, 0)
			if err != nil {
				return err
			}
			defer rows.Close()
			cols, _ := rows.Columns()
			for rows.Next() {
				vals := make([]any, len(cols))
				ptrs := make([]any, len(cols))
				for i := range vals {
					ptrs[i] = &vals[i]
				}
				if err := rows.Scan(ptrs...); err != nil {
					return err
				}
				plan = append(plan, fmt.Sprint(vals...))
			}
			return rows.Err()
		})
		if err != nil {
			t.Fatal(err)
		}
		if p := strings.Join(plan, "\n"); !strings.Contains(p, index) {
			t.Errorf("filter by %s does not use %s:\n%s", col, index, p)
		}
	}
}
