package casework_test

import (
	"context"
	"testing"

	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
)

// A deployment upgraded from before the module kit keeps every step of its cases' history:
// migration 0007 copies the three modules' event tables into case_events.
func TestUpgradeKeepsHistory(t *testing.T) {
	ctx := context.Background()
	d, err := db.Open(ctx, dbtest.PostgresDSN(t), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	if _, err := d.MigrateTo(ctx, 6); err != nil {
		t.Fatal(err)
	}
	err = d.Tx(ctx, func(tx *db.Tx) error {
		for _, q := range []string{
			`INSERT INTO divisions (code, name, level) VALUES ('990121', '青山县', 'county')`,
			`INSERT INTO organs (id, code, name, kind, division_code, level, path, created_at) VALUES ('o1', '990121-GOV', '青山县人民政府', 'government', '990121', 'county', '/o1/', '2026-01-01T00:00:00.000000Z')`,
			`INSERT INTO reconsider_cases (id, organ_id, receipt_no, channel, received_on, state, applicant_kind, applicant_name, respondent, act_type, field, accept_start, created_at, updated_at)
			 VALUES ('c1', 'o1', '2026-收-1', 'counter', '2026-03-02', 'received', 'natural', '张三', '青山县公安局', '行政处罚', '公安', '2026-03-02', '2026-03-02T01:00:00.000000Z', '2026-03-02T01:00:00.000000Z')`,
			`INSERT INTO reconsider_events (id, case_id, at, on_date, actor_id, actor_name, action, from_state, to_state, note, detail, document_id)
			 VALUES ('e1', 'c1', '2026-03-02T01:00:00.000000Z', '2026-03-02', 'u1', '李四', 'register', '', 'received', '窗口收件', '', 'doc1')`,
		} {
			if err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	// Migration 0065 indexes the names of the cases already stored (a name search finds them).
	var grams string
	if err := d.QueryRowContext(ctx, `SELECT MIN(gram) || MAX(gram) || COUNT(*) FROM reconsider_names WHERE case_id = 'c1'`).Scan(&grams); err != nil || grams != "三张2" {
		t.Errorf("reconsider_names of the stored case: %q %v, want 三张2", grams, err)
	}
	evs, err := casework.Events(ctx, d, "reconsider_case", "c1", casework.ByEntry)
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != 1 || evs[0].Action != "register" || evs[0].OrganID != "o1" || evs[0].Note != "窗口收件" || evs[0].RefID != "doc1" || evs[0].On.String() != "2026-03-02" || evs[0].ActorName != "李四" {
		t.Fatalf("history after upgrade: %+v", evs)
	}
}
