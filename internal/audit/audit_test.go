package audit_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
)

func seed(t *testing.T, n int) (*db.DB, context.Context) {
	t.Helper()
	d := dbtest.Open(t)
	ctx := audit.WithActor(context.Background(), audit.Actor{UserID: "u1", Username: "qs_fy", OrganID: "o1", IP: "10.0.0.1"})
	for i := 0; i < n; i++ {
		if err := audit.Log(ctx, d, audit.Entry{Action: "update", ObjectType: "case", ObjectID: "c" + string(rune('a'+i)),
			Detail: audit.Changes(map[string]any{"state": "received"}, map[string]any{"state": "in_review"})}); err != nil {
			t.Fatal(err)
		}
	}
	return d, ctx
}

func verify(t *testing.T, d *db.DB) audit.VerifyResult {
	t.Helper()
	res, err := audit.Verify(context.Background(), d)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func raw(t *testing.T, d *db.DB, q string, args ...any) {
	t.Helper()
	err := d.Tx(context.Background(), func(tx *db.Tx) error { return tx.Exec(context.Background(), q, args...) })
	if err != nil {
		t.Fatal(err)
	}
}

func TestChainIntact(t *testing.T) {
	d, _ := seed(t, 5)
	res := verify(t, d)
	if !res.OK || res.Entries != 5 {
		t.Fatalf("intact chain: %+v", res)
	}
}

func TestRolledBackChangeLeavesNoEntry(t *testing.T) {
	d, ctx := seed(t, 2)
	err := d.Tx(ctx, func(tx *db.Tx) error {
		if err := audit.Record(ctx, tx, audit.Entry{Action: "create"}); err != nil {
			return err
		}
		return db.ErrConflict
	})
	if !errors.Is(err, db.ErrConflict) {
		t.Fatalf("Tx returned %v, want the function's db.ErrConflict back", err)
	}
	if res := verify(t, d); !res.OK || res.Entries != 2 {
		t.Fatalf("after rollback: %+v", res)
	}
}

func TestTamperingIsDetected(t *testing.T) {
	cases := []struct {
		name   string
		tamper func(t *testing.T, d *db.DB)
		bad    int64
		reason string
	}{
		{"edited detail", func(t *testing.T, d *db.DB) {
			raw(t, d, `UPDATE audit_log SET detail = '{"state":{"before":"x","after":"y"}}' WHERE seq = 3`)
		}, 3, "篡改"},
		{"edited user", func(t *testing.T, d *db.DB) { raw(t, d, `UPDATE audit_log SET username = 'someone' WHERE seq = 2`) }, 2, "篡改"},
		{"deleted middle entry", func(t *testing.T, d *db.DB) { raw(t, d, `DELETE FROM audit_log WHERE seq = 3`) }, 4, "删除"},
		{"deleted last entry", func(t *testing.T, d *db.DB) { raw(t, d, `DELETE FROM audit_log WHERE seq = 5`) }, 5, "末尾"},
		{"reordered entries", func(t *testing.T, d *db.DB) {
			// Swap the contents of entries 2 and 4, keeping the seq numbers in place.
			raw(t, d, `UPDATE audit_log SET seq = -2 WHERE seq = 2`)
			raw(t, d, `UPDATE audit_log SET seq = 2 WHERE seq = 4`)
			raw(t, d, `UPDATE audit_log SET seq = 4 WHERE seq = -2`)
		}, 2, "调换"},
		{"rehashed edit without the chain", func(t *testing.T, d *db.DB) {
			// An editor who recomputes the row's own hash still breaks the next entry's link.
			row := readRow(t, d, 3)
			row.Action = "delete"
			row.Hash = row.ComputeHash()
			raw(t, d, `UPDATE audit_log SET action = ?, hash = ? WHERE seq = 3`, row.Action, row.Hash)
		}, 4, "删除或调换"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			d, _ := seed(t, 5)
			tc.tamper(t, d)
			res := verify(t, d)
			if res.OK || res.BadSeq != tc.bad || !strings.Contains(res.Reason, tc.reason) {
				t.Fatalf("got %+v, want first bad entry %d (%s)", res, tc.bad, tc.reason)
			}
		})
	}
}

func readRow(t *testing.T, d *db.DB, seq int64) audit.Row {
	t.Helper()
	var r audit.Row
	err := d.QueryRowContext(context.Background(), `SELECT seq, at, user_id, username, organ_id, ip, action, object_type, object_id, detail, prev_hash, hash FROM audit_log WHERE seq = ?`, seq).
		Scan(&r.Seq, &r.At, &r.UserID, &r.Username, &r.OrganID, &r.IP, &r.Action, &r.ObjectType, &r.ObjectID, &r.Detail, &r.PrevHash, &r.Hash)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestConcurrentWritersKeepOneChain(t *testing.T) {
	d, ctx := seed(t, 0)
	errs := make(chan error, 40)
	for i := 0; i < 40; i++ {
		go func() { errs <- audit.Log(ctx, d, audit.Entry{Action: "create"}) }()
	}
	for i := 0; i < 40; i++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	if res := verify(t, d); !res.OK || res.Entries != 40 {
		t.Fatalf("%+v", res)
	}
}
