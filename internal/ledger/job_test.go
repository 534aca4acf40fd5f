package ledger

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/fault"
)

func testCtx() context.Context {
	return audit.WithActor(context.Background(), audit.Actor{Username: "ledgertest"})
}

const goodLedger = "收件日期,申请人,申请人类型\n2024-01-05,张三,自然人\n2024/1/6,某公司,法人\n2024年1月7日,李四,公民\n"

func TestImportAllOrNothing(t *testing.T) {
	ctx := testCtx()
	d := dbtest.Open(t)
	s := commitSpec(t, d, nil)

	// One bad cell: the job lists it, nothing is written, and the job cannot be committed.
	j, err := Import(ctx, d, s, "organ1", "u1", "bad.csv", strings.NewReader(goodLedger+"2024-01-08,王五,外星人\n"))
	if err != nil {
		t.Fatal(err)
	}
	if j.State != StateParsed || j.ErrorCount != 1 || j.Errors[0].String() != "第5行「申请人类型」：「外星人」不是可用的值，可填：自然人、法人或其他组织" {
		t.Fatalf("bad ledger job: %+v", j)
	}
	if n := countRows(t, d); n != 0 {
		t.Fatalf("a bad ledger wrote %d rows", n)
	}
	if _, err := Commit(ctx, d, s, j.ID, "u1"); !errors.Is(err, fault.Invalid) {
		t.Fatalf("commit of a bad ledger: %v", err)
	}

	// A good ledger is written whole, once.
	j, err = Import(ctx, d, s, "organ1", "u1", "good.csv", strings.NewReader(goodLedger))
	if err != nil {
		t.Fatal(err)
	}
	if j.State != StateDone || j.Done != 3 || j.Total != 3 || j.Message != "已导入 3 件" {
		t.Fatalf("good ledger job: %+v", j)
	}
	if n := countRows(t, d); n != 3 {
		t.Fatalf("%d rows written, want 3", n)
	}
	if _, err := Commit(ctx, d, s, j.ID, "u1"); !errors.Is(err, fault.Conflict) {
		t.Fatalf("second commit: %v", err)
	}
	if _, err := Load(ctx, d, s.Module, j.ID, "someone-else"); !errors.Is(err, db.ErrNotFound) {
		t.Fatalf("another user's job: %v", err)
	}

	// A commit that fails on its last row rolls back every row and records the failure.
	boom := commitSpec(t, d, func(ctx context.Context, n int, progress func(int)) error {
		if n == 3 {
			return fault.Invalidf("第%d行写入失败", n+1)
		}
		return nil
	})
	j, err = Import(ctx, d, boom, "organ1", "u1", "boom.csv", strings.NewReader(goodLedger))
	if err != nil {
		t.Fatal(err)
	}
	if j.State != StateFailed || j.Message != "导入失败，未导入任何记录：第4行写入失败" {
		t.Fatalf("failed job: %+v", j)
	}
	if n := countRows(t, d); n != 3 {
		t.Fatalf("a failed commit left %d rows, want the 3 of before", n)
	}
	var payload string
	d.QueryRowContext(ctx, `SELECT payload FROM ledger_jobs WHERE id = ?`, j.ID).Scan(&payload)
	if payload != "" {
		t.Error("a failed job keeps its cells")
	}
}

// TestCheckAllAtCommit: the whole-ledger check runs at upload and again at commit, when the
// database may have changed since the preview.
func TestCheckAllAtCommit(t *testing.T) {
	ctx := testCtx()
	d := dbtest.Open(t)
	s := commitSpec(t, d, nil)
	s.CheckAll = func(ctx context.Context, q db.Querier, organID string, rows []*Row) error {
		for _, r := range rows {
			var n int
			if err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM ledgertest_rows WHERE organ_id = ? AND applicant = ?`, organID, r.Text("applicant")).Scan(&n); err != nil {
				return err
			}
			if n > 0 {
				r.Failf("applicant", "「%s」已经导入过", r.Text("applicant"))
			}
		}
		return nil
	}
	first, err := Start(ctx, d, s, "organ1", "u1", "a.csv", strings.NewReader(goodLedger))
	if err != nil || first.ErrorCount != 0 {
		t.Fatalf("start: %v %+v", err, first)
	}
	second, err := Start(ctx, d, s, "organ1", "u1", "b.csv", strings.NewReader(goodLedger))
	if err != nil || second.ErrorCount != 0 {
		t.Fatalf("start: %v %+v", err, second)
	}
	if j, err := Commit(ctx, d, s, first.ID, "u1"); err != nil || j.State != StateDone {
		t.Fatalf("first commit: %v %+v", err, j)
	}
	j, err := Commit(ctx, d, s, second.ID, "u1")
	if err != nil || j.State != StateFailed || j.ErrorCount != 3 || j.Errors[0].String() != "第2行「申请人」：「张三」已经导入过" {
		t.Fatalf("second commit: %v %+v", err, j)
	}
	if n := countRows(t, d); n != 3 {
		t.Fatalf("%d rows", n)
	}
}

// TestProgressPersisted: while the commit runs, progress is visible through Load (this process)
// and, on PostgreSQL, in the job's row itself (any instance); it survives in the database after.
func TestProgressPersisted(t *testing.T) {
	ctx := testCtx()
	d := dbtest.Open(t)
	var id string
	var seenLive, seenRow int
	s := commitSpec(t, d, func(ctx context.Context, n int, progress func(int)) error {
		progress(n)
		if n != 2 {
			return nil
		}
		deadline := time.Now().Add(5 * time.Second)
		for time.Now().Before(deadline) {
			j, err := Load(ctx, d, "ledgertest", id, "u1")
			if err != nil {
				return err
			}
			seenLive = j.Done
			if !j.Live || j.State != StateCommitting {
				return fmt.Errorf("job during commit: %+v", j)
			}
			if d.Dialect == db.SQLite { // one writer: the row waits for the commit
				break
			}
			d.QueryRowContext(ctx, `SELECT done_rows FROM ledger_jobs WHERE id = ?`, id).Scan(&seenRow)
			if seenRow == 2 {
				break
			}
			time.Sleep(50 * time.Millisecond)
		}
		return nil
	})
	j, err := Start(ctx, d, s, "organ1", "u1", "p.csv", strings.NewReader(goodLedger))
	if err != nil {
		t.Fatal(err)
	}
	id = j.ID
	if j, err = Commit(ctx, d, s, id, "u1"); err != nil || j.State != StateDone {
		t.Fatalf("commit: %v %+v", err, j)
	}
	if seenLive != 2 {
		t.Errorf("live progress %d, want 2", seenLive)
	}
	if d.Dialect == db.Postgres && seenRow != 2 {
		t.Errorf("progress row %d during the commit, want 2", seenRow)
	}
	var state string
	var done, total int
	d.QueryRowContext(ctx, `SELECT state, done_rows, total_rows FROM ledger_jobs WHERE id = ?`, id).Scan(&state, &done, &total)
	if state != "done" || done != 3 || total != 3 {
		t.Errorf("stored job %s %d/%d", state, done, total)
	}
	if _, ok := live.Load(id); ok {
		t.Error("finished job still live")
	}
}

// TestInterruptedCommit: a job left committing by a process that died (its transaction rolled
// back) is shown as interrupted after a while and may be committed again.
func TestInterruptedCommit(t *testing.T) {
	ctx := testCtx()
	d := dbtest.Open(t)
	s := commitSpec(t, d, nil)
	j, err := Start(ctx, d, s, "organ1", "u1", "i.csv", strings.NewReader(goodLedger))
	if err != nil {
		t.Fatal(err)
	}
	set := func(updated time.Time) {
		if err := d.Tx(ctx, func(tx *db.Tx) error {
			return tx.Exec(ctx, `UPDATE ledger_jobs SET state = 'committing', done_rows = 2, updated_at = ? WHERE id = ?`, db.Timestamp(updated), j.ID)
		}); err != nil {
			t.Fatal(err)
		}
	}
	set(time.Now())
	if got, _ := Load(ctx, d, s.Module, j.ID, "u1"); got.Interrupted() || got.CanCommit() || got.Done != 2 {
		t.Fatalf("fresh committing job: %+v", got)
	}
	if _, err := Commit(ctx, d, s, j.ID, "u1"); !errors.Is(err, fault.Conflict) {
		t.Fatalf("commit while another runs: %v", err)
	}
	set(time.Now().Add(-time.Hour))
	got, _ := Load(ctx, d, s.Module, j.ID, "u1")
	if !got.Interrupted() || !got.CanCommit() || got.StateLabel() != "已中断" {
		t.Fatalf("stale committing job: %+v", got)
	}
	if got, err = Commit(ctx, d, s, j.ID, "u1"); err != nil || got.State != StateDone || countRows(t, d) != 3 {
		t.Fatalf("recommit: %v %+v", err, got)
	}
}

func TestFileErrorsStoreNoJob(t *testing.T) {
	ctx := testCtx()
	d := dbtest.Open(t)
	s := commitSpec(t, d, nil)
	if _, err := Start(ctx, d, s, "organ1", "u1", "x.xls", strings.NewReader("x")); !errors.Is(err, fault.Invalid) {
		t.Fatalf("xls: %v", err)
	}
	var n int
	d.QueryRowContext(ctx, `SELECT COUNT(*) FROM ledger_jobs`).Scan(&n)
	if n != 0 {
		t.Errorf("%d jobs stored for an unreadable file", n)
	}
}

// TestLargeImportRefreshesPlannerStats: after an import of analyzeAfterRows rows or more, PostgreSQL
// knows the table's new size (pg_class.reltuples is -1 until the first ANALYZE); a smaller one does not
// pay for it.
func TestLargeImportRefreshesPlannerStats(t *testing.T) {
	ctx := testCtx()
	d := dbtest.Open(t)
	if d.Dialect != db.Postgres {
		t.Skip("SQLite plans without sqlite_stat1; only PostgreSQL keeps planner statistics")
	}
	s := commitSpec(t, d, nil)
	reltuples := func() float64 {
		var n float64
		if err := d.QueryRowContext(ctx, `SELECT reltuples FROM pg_class WHERE oid = 'ledgertest_rows'::regclass`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	defer func(n int) { analyzeAfterRows = n }(analyzeAfterRows)
	analyzeAfterRows = 4
	if _, err := Import(ctx, d, s, "organ1", "u1", "small.csv", strings.NewReader(goodLedger)); err != nil {
		t.Fatal(err)
	}
	if n := reltuples(); n != -1 {
		t.Fatalf("after 3 rows (below the threshold) reltuples = %v, want -1 (never analysed)", n)
	}
	analyzeAfterRows = 3
	if _, err := Import(ctx, d, s, "organ1", "u1", "large.csv", strings.NewReader(goodLedger)); err != nil {
		t.Fatal(err)
	}
	if n := reltuples(); n != 6 {
		t.Fatalf("after an import at the threshold reltuples = %v, want 6", n)
	}
}
