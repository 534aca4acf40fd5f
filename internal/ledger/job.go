package ledger

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
)

// State is where an import job stands.
type State string

const (
	StateParsed     State = "parsed"     // checked; waits for the user's commit (possible only without problems)
	StateCommitting State = "committing" // the commit transaction runs
	StateDone       State = "done"
	StateFailed     State = "failed" // nothing was written
)

// Timing of the progress writer. A committing job whose row has not moved for staleAfter and
// that does not run in this process was cut off (a restart): it may be committed again, since
// its transaction never committed.
const (
	progressEvery = 500 * time.Millisecond
	heartbeat     = 5 * time.Second
	staleAfter    = 2 * time.Minute
	keepJobs      = 7 * 24 * time.Hour // unfinished and failed jobs are deleted after this
)

// Job is one import as stored in ledger_jobs.
type Job struct {
	ID         string
	OrganID    string
	Module     string
	Filename   string
	State      State
	Total      int
	Done       int
	ErrorCount int
	Errors     []CellError
	Ignored    []string
	Message    string
	CreatedBy  string
	CreatedAt  string
	UpdatedAt  string
	Live       bool // the commit runs in this process
}

// Percent is the share of rows written.
func (j *Job) Percent() int {
	if j.Total == 0 {
		return 0
	}
	return min(100, j.Done*100/j.Total)
}

// CanCommit reports whether the user may start (or, after an interruption, restart) the commit.
func (j *Job) CanCommit() bool {
	return j.ErrorCount == 0 && (j.State == StateParsed || j.Interrupted())
}

// Interrupted reports a commit cut off by a restart: still marked committing, not running here
// and its row untouched for a while.
func (j *Job) Interrupted() bool {
	if j.State != StateCommitting || j.Live {
		return false
	}
	t, err := db.ParseTimestamp(j.UpdatedAt)
	return err == nil && time.Since(t) > staleAfter
}

// Finished reports a job that will not change any more.
func (j *Job) Finished() bool { return j.State == StateDone || j.State == StateFailed }

// Problems is an error carrying problems of the ledger; a Commit function may return it for
// problems it finds only while writing (a duplicate under lock). Nothing is written.
type Problems struct {
	Errors []CellError
	Count  int // all problems when more than listed; 0 means len(Errors)
}

func (p *Problems) count() int { return max(p.Count, len(p.Errors)) }

func (p *Problems) Error() string {
	if p.count() == 1 {
		return "台账有误，未导入任何记录：" + p.Errors[0].String()
	}
	return fmt.Sprintf("台账有 %d 处错误，未导入任何记录", p.count())
}

func (p *Problems) Unwrap() error { return fault.Invalid }

// storedRow is a row's cells as kept in the job until it ends.
type storedRow struct {
	Line  int               `json:"line"`
	Cells map[string]string `json:"cells"`
}

// live are the commits running in this process, with their row counts: on SQLite the progress
// row cannot be written while the commit holds the only writer, so this process answers from here.
var live sync.Map // job id → *atomic.Int64

// Start reads and checks a ledger and stores it as a job in state parsed, problems included.
// A file that cannot be read at all (format, limits) is an error and no job is stored.
func Start(ctx context.Context, d *db.DB, s *Spec, organID, userID, filename string, r io.Reader) (*Job, error) {
	filename = filepath.Base(filename)
	res, err := s.Parse(r, filename)
	if err != nil {
		return nil, err
	}
	if err := s.Check(ctx, d, organID, res); err != nil {
		return nil, err
	}
	stored := make([]storedRow, len(res.Rows))
	for i, row := range res.Rows {
		stored[i] = storedRow{Line: row.Line, Cells: row.Cells}
	}
	payload, err := json.Marshal(stored)
	if err != nil {
		return nil, err
	}
	now := db.Now()
	j := &Job{ID: db.NewID(), OrganID: organID, Module: s.Module, Filename: filename, State: StateParsed,
		Total: len(res.Rows), ErrorCount: res.ErrorCount, Errors: res.Errors, Ignored: res.Ignored,
		CreatedBy: userID, CreatedAt: now, UpdatedAt: now}
	errs, _ := json.Marshal(nonNil(j.Errors))
	ignored, _ := json.Marshal(nonNilStrings(j.Ignored))
	err = d.Tx(ctx, func(tx *db.Tx) error {
		old := db.Timestamp(time.Now().Add(-keepJobs))
		if err := tx.Exec(ctx, `DELETE FROM ledger_jobs WHERE state IN ('parsed', 'failed') AND updated_at < ?`, old); err != nil {
			return err
		}
		return tx.Exec(ctx, `INSERT INTO ledger_jobs (id, organ_id, module, filename, state, total_rows, done_rows, error_count, errors, ignored, payload, message, created_by, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?, ?, ?, '', ?, ?, ?)`,
			j.ID, j.OrganID, j.Module, j.Filename, string(j.State), j.Total, j.ErrorCount, string(errs), string(ignored), string(payload), j.CreatedBy, now, now)
	})
	if err != nil {
		return nil, err
	}
	return j, nil
}

const jobCols = `id, organ_id, module, filename, state, total_rows, done_rows, error_count, errors, ignored, message, created_by, created_at, updated_at`

// Load returns a job of the module started by userID ("" for any user: the command line).
func Load(ctx context.Context, q db.Querier, module, id, userID string) (*Job, error) {
	var j Job
	var state, errs, ignored string
	err := q.QueryRowContext(ctx, `SELECT `+jobCols+` FROM ledger_jobs WHERE id = ? AND module = ? AND (created_by = ? OR ? = '')`, id, module, userID, userID).
		Scan(&j.ID, &j.OrganID, &j.Module, &j.Filename, &state, &j.Total, &j.Done, &j.ErrorCount, &errs, &ignored, &j.Message, &j.CreatedBy, &j.CreatedAt, &j.UpdatedAt)
	if err != nil {
		return nil, db.Found(err, "导入任务")
	}
	j.State = State(state)
	if err := json.Unmarshal([]byte(errs), &j.Errors); err != nil {
		return nil, fmt.Errorf("导入任务 %s 的错误列表无法读取：%w", id, err)
	}
	_ = json.Unmarshal([]byte(ignored), &j.Ignored)
	if n, ok := live.Load(j.ID); ok && j.State == StateCommitting {
		j.Live = true
		j.Done = max(j.Done, int(n.(*atomic.Int64).Load()))
	}
	return &j, nil
}

// Rows returns the job's rows, parsed again from the stored cells (nil once the job ended).
func (s *Spec) Rows(ctx context.Context, q db.Querier, j *Job) ([]*Row, error) {
	res, err := s.load(ctx, q, j)
	if err != nil {
		return nil, err
	}
	return res.Rows, nil
}

// load parses the job's stored cells again, CheckRow included.
func (s *Spec) load(ctx context.Context, q db.Querier, j *Job) (*Result, error) {
	var payload string
	if err := q.QueryRowContext(ctx, `SELECT payload FROM ledger_jobs WHERE id = ?`, j.ID).Scan(&payload); err != nil {
		return nil, db.Found(err, "导入任务")
	}
	if payload == "" {
		return &Result{}, nil
	}
	var stored []storedRow
	if err := json.Unmarshal([]byte(payload), &stored); err != nil {
		return nil, fmt.Errorf("导入任务 %s 的数据无法读取：%w", j.ID, err)
	}
	return s.rowsFromCells(stored), nil
}

// Commit writes a parsed job: the cells are parsed and checked again (the database may have
// changed since the preview), and only a ledger without any problem reaches the module's Commit,
// inside one transaction that also marks the job done. Progress is written in small transactions
// of its own while that runs. It returns the finished job; a failure is recorded on the job.
func Commit(ctx context.Context, d *db.DB, s *Spec, id, userID string) (*Job, error) {
	if err := claim(ctx, d, s, id, userID); err != nil {
		return nil, err
	}
	return commitClaimed(ctx, d, s, id, userID)
}

func newCounter() *atomic.Int64 { return new(atomic.Int64) }

// commitClaimed runs the commit of a job this caller has claimed.
func commitClaimed(ctx context.Context, d *db.DB, s *Spec, id, userID string) (*Job, error) {
	c, _ := live.LoadOrStore(id, newCounter())
	counter := c.(*atomic.Int64)
	defer live.Delete(id)
	j, err := Load(ctx, d, s.Module, id, userID)
	if err != nil {
		return nil, err
	}

	res, err := s.load(ctx, d, j)
	if err != nil {
		return fail(ctx, d, s, j, err)
	}
	rows := res.Rows
	if len(rows) == 0 {
		return fail(ctx, d, s, j, &Problems{Errors: []CellError{{Message: "台账中没有数据行"}}})
	}
	if err := s.Check(ctx, d, j.OrganID, res); err != nil {
		return fail(ctx, d, s, j, err)
	}
	if !res.OK() {
		return fail(ctx, d, s, j, &Problems{Errors: res.Errors, Count: res.ErrorCount})
	}

	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { defer wg.Done(); writeProgress(context.WithoutCancel(ctx), d, id, counter, stop) }()
	var msg string
	err = d.Tx(ctx, func(tx *db.Tx) error {
		counter.Store(0)
		var err error
		msg, err = s.Commit(ctx, tx, j, rows, func(done int) { counter.Store(int64(done)) })
		if err != nil {
			return err
		}
		if msg == "" {
			msg = fmt.Sprintf("已导入 %d 条记录", len(rows))
		}
		if err := audit.Record(ctx, tx, audit.Entry{Action: s.Module + ".ledger_import", ObjectType: "ledger_job", ObjectID: j.ID,
			Detail: map[string]any{"module": s.Module, "organ_id": j.OrganID, "file": j.Filename, "rows": len(rows)}}); err != nil {
			return err
		}
		return tx.ExecOne(ctx, `UPDATE ledger_jobs SET state = 'done', done_rows = total_rows, message = ?, payload = '', updated_at = ? WHERE id = ? AND state = 'committing'`,
			msg, db.Now(), id)
	})
	close(stop)
	wg.Wait()
	if err != nil {
		return fail(ctx, d, s, j, err)
	}
	if len(rows) >= analyzeAfterRows {
		// A server with autovacuum off would otherwise plan the module's lists with the row counts of
		// before the import. The import has landed: a failure here is only logged.
		if err := d.PlannerStats(context.WithoutCancel(ctx)); err != nil {
			slog.Warn("导入后刷新查询统计信息失败", "module", s.Module, "job", id, "err", err)
		}
	}
	return Load(ctx, d, s.Module, id, userID)
}

// analyzeAfterRows is the import size from which the planner's statistics are refreshed.
var analyzeAfterRows = 5000

// claim moves the job to committing; exactly one caller wins, on any number of instances.
func claim(ctx context.Context, d *db.DB, s *Spec, id, userID string) error {
	return d.Tx(ctx, func(tx *db.Tx) error {
		stale := db.Timestamp(time.Now().Add(-staleAfter))
		res, err := tx.ExecContext(ctx, `UPDATE ledger_jobs SET state = 'committing', done_rows = 0, updated_at = ?
			WHERE id = ? AND module = ? AND (created_by = ? OR ? = '') AND error_count = 0
			AND (state = 'parsed' OR (state = 'committing' AND updated_at < ?))`, db.Now(), id, s.Module, userID, userID, stale)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return nil
		}
		j, err := Load(ctx, tx, s.Module, id, userID)
		if err != nil {
			return err
		}
		switch {
		case j.ErrorCount > 0:
			return fault.Invalidf("台账有 %d 处错误，不能导入；请修改后重新上传", j.ErrorCount)
		case j.State == StateCommitting:
			return fault.Conflictf("该台账正在导入，请勿重复提交")
		}
		return fault.Conflictf("该台账已经处理（%s），请勿重复提交；如需再次导入请重新上传", j.stateLabel())
	})
}

// writeProgress copies the row count to the job's row until stop, each write its own transaction,
// and touches the row now and then so other instances see the commit is alive.
func writeProgress(ctx context.Context, d *db.DB, id string, counter *atomic.Int64, stop <-chan struct{}) {
	t := time.NewTicker(progressEvery)
	defer t.Stop()
	written, last := int64(-1), time.Time{}
	for {
		select {
		case <-stop:
			return
		case <-t.C:
		}
		n := counter.Load()
		if n == written && time.Since(last) < heartbeat {
			continue
		}
		err := d.Tx(ctx, func(tx *db.Tx) error {
			return tx.Exec(ctx, `UPDATE ledger_jobs SET done_rows = ?, updated_at = ? WHERE id = ? AND state = 'committing'`, n, db.Now(), id)
		})
		if err == nil {
			written, last = n, time.Now()
		}
	}
}

// fail records why a job ended without writing anything and returns the job (and, for a
// failure of the system rather than of the ledger, the error).
func fail(ctx context.Context, d *db.DB, s *Spec, j *Job, cause error) (*Job, error) {
	var p *Problems
	errs, count := []CellError{}, 0
	msg := "导入失败，未导入任何记录：" + fault.Message(cause)
	if errors.As(cause, &p) {
		errs, count, msg = p.Errors[:min(len(p.Errors), MaxErrors)], p.count(), p.Error()
	}
	b, _ := json.Marshal(errs)
	ctx = context.WithoutCancel(ctx)
	err := d.Tx(ctx, func(tx *db.Tx) error {
		return tx.Exec(ctx, `UPDATE ledger_jobs SET state = 'failed', message = ?, errors = ?, error_count = ?, payload = '', updated_at = ? WHERE id = ?`,
			msg, string(b), count, db.Now(), j.ID)
	})
	if err != nil {
		return nil, errors.Join(cause, err)
	}
	out, err := Load(ctx, d, s.Module, j.ID, "")
	if err != nil {
		return nil, err
	}
	if p == nil && !errors.Is(cause, fault.Invalid) {
		return out, cause
	}
	return out, nil
}

// Import runs a whole import at once (the command line): read, check, commit. A ledger with
// problems comes back as a parsed job listing its problems; nothing is written.
func Import(ctx context.Context, d *db.DB, s *Spec, organID, userID, filename string, r io.Reader) (*Job, error) {
	j, err := Start(ctx, d, s, organID, userID, filename, r)
	if err != nil || j.ErrorCount > 0 {
		return j, err
	}
	return Commit(ctx, d, s, j.ID, userID)
}

func (j *Job) stateLabel() string {
	switch {
	case j.Interrupted():
		return "已中断"
	case j.State == StateParsed:
		return "待导入"
	case j.State == StateCommitting:
		return "正在导入"
	case j.State == StateDone:
		return "已导入"
	case j.State == StateFailed:
		return "导入失败"
	}
	return string(j.State)
}

// StateLabel is the job's state in Chinese.
func (j *Job) StateLabel() string { return j.stateLabel() }

func nonNil(e []CellError) []CellError {
	if e == nil {
		return []CellError{}
	}
	return e
}

func nonNilStrings(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
