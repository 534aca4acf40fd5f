package enforce

import (
	"context"
	"database/sql"
	"strings"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
)

const recordCols = `id, organ_id, body_id, category, case_no, subject, subject_type, procedure_kind, filed_on, decided_on, officers,
	amount_cents, major, reviewed_on, published_on, publish_due, revoked_on, withdrawn_on, full_record`

func scanRecord(s db.Scanner) (*Record, error) {
	r := &Record{}
	var filed, decided, officers, reviewed, published, due, revoked, withdrawn string
	var major, full int
	if err := s.Scan(&r.ID, &r.OrganID, &r.BodyID, &r.Category, &r.CaseNo, &r.Subject, &r.SubjectType, &r.Procedure, &filed, &decided,
		&officers, &r.AmountCents, &major, &reviewed, &published, &due, &revoked, &withdrawn, &full); err != nil {
		return nil, err
	}
	r.FiledOn, r.DecidedOn, r.ReviewedOn, r.PublishedOn = dateOf(filed), dateOf(decided), dateOf(reviewed), dateOf(published)
	r.PublishDue, r.RevokedOn, r.WithdrawnOn = dateOf(due), dateOf(revoked), dateOf(withdrawn)
	r.Officers, r.Major, r.FullRecord = splitList(officers), major == 1, full == 1
	return r, nil
}

func (r *Record) row() []any {
	return []any{r.ID, r.OrganID, r.BodyID, r.Category, r.CaseNo, r.Subject, r.SubjectType, r.Procedure, r.FiledOn.String(), r.DecidedOn.String(),
		joinList(r.Officers), r.AmountCents, db.BoolInt(r.Major), r.ReviewedOn.String(), r.PublishedOn.String(), r.PublishDue.String(),
		r.RevokedOn.String(), r.WithdrawnOn.String(), db.BoolInt(r.FullRecord)}
}

// checker holds what the checks of many records share: the calendar, the certificates, the
// bodies and each organ's publication periods.
type checker struct {
	m       *Module
	cal     Days
	today   calendar.Date
	certs   map[string]*Certificate
	bodies  map[string]*Body // by id
	periods map[string]Periods
}

func (m *Module) newChecker(ctx context.Context, q db.Querier) (*checker, error) {
	certs, err := m.certIndex(ctx, q)
	if err != nil {
		return nil, err
	}
	list, err := db.List(ctx, q, scanBody, `SELECT `+bodyCols+` FROM enforce_bodies`)
	if err != nil {
		return nil, err
	}
	bodies := make(map[string]*Body, len(list))
	for _, b := range list {
		bodies[b.ID] = b
	}
	return &checker{m: m, cal: newDayMemo(m.d.Calendar.Current()), today: m.today(), certs: certs, bodies: bodies, periods: map[string]Periods{}}, nil
}

func (c *checker) periodsOf(ctx context.Context, q db.Querier, organID string) (Periods, error) {
	if p, ok := c.periods[organID]; ok {
		return p, nil
	}
	dec, err := c.m.set.Int(ctx, q, organID, SettingPublishDecision)
	if err != nil {
		return Periods{}, err
	}
	other, err := c.m.set.Int(ctx, q, organID, SettingPublishOther)
	if err != nil {
		return Periods{}, err
	}
	p := Periods{Decision: dec, Other: other}
	c.periods[organID] = p
	return p, nil
}

// check sets the record's publication deadline and returns its violations.
func (c *checker) check(ctx context.Context, q db.Querier, r *Record) ([]Violation, error) {
	p, err := c.periodsOf(ctx, q, r.OrganID)
	if err != nil {
		return nil, err
	}
	sector := ""
	if b := c.bodies[r.BodyID]; b != nil {
		sector = b.Sector
	}
	r.PublishDue = PublishDue(c.cal, p, sector, r)
	return Check(c.cal, p, sector, r, func(no string) *Certificate { return c.certs[no] }, c.today), nil
}

// maxParams is the most bind parameters one statement may carry: SQLite's
// SQLITE_MAX_VARIABLE_NUMBER (32766 in the modernc build) and PostgreSQL's 65535.
func maxParams(d db.Dialect) int {
	if d == db.Postgres {
		return 65535
	}
	return 32766
}

// batchOf is how many rows of ncol columns one INSERT carries.
func batchOf(d db.Dialect, ncol int) int { return maxParams(d) / ncol }

// insertMany writes rows with multi-row INSERTs as large as the parameter limit allows; every
// full batch reuses one prepared statement (the statement is compiled once, not per batch).
func insertMany(ctx context.Context, tx *db.Tx, head string, ncol int, rows [][]any) error {
	per := batchOf(tx.Dialect(), ncol)
	one := "(" + strings.Repeat("?, ", ncol-1) + "?)"
	text := func(n int) string {
		var b strings.Builder
		b.Grow(len(head) + 8 + n*(len(one)+2))
		b.WriteString(head)
		b.WriteString(" VALUES ")
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(one)
		}
		return b.String()
	}
	args := make([]any, 0, min(per, len(rows))*ncol)
	var full *sql.Stmt
	defer func() {
		if full != nil {
			full.Close()
		}
	}()
	for start := 0; start < len(rows); start += per {
		end := min(start+per, len(rows))
		args = args[:0]
		for _, r := range rows[start:end] {
			args = append(args, r...)
		}
		if end-start < per {
			if err := tx.Exec(ctx, text(end-start), args...); err != nil {
				return err
			}
			continue
		}
		if full == nil {
			var err error
			if full, err = tx.PrepareContext(ctx, text(per)); err != nil {
				return err
			}
		}
		if _, err := full.ExecContext(ctx, args...); err != nil {
			return err
		}
	}
	return nil
}

// writeRecords stores records (new ones inserted in batches, ones already on file under the
// same body and 案号 updated in place) and replaces their warnings. It returns how many were new.
func (m *Module) writeRecords(ctx context.Context, tx *db.Tx, c *checker, recs []*Record, source string) (int, error) {
	existing, err := existingIDs(ctx, tx, recs)
	if err != nil {
		return 0, err
	}
	now := db.Now()
	var fresh, warn [][]any
	var updated []string
	for _, r := range recs {
		vs, err := c.check(ctx, tx, r)
		if err != nil {
			return 0, err
		}
		if id, ok := existing[r.BodyID+"\x00"+r.CaseNo]; ok {
			r.ID = id
			updated = append(updated, id)
			if err := tx.Exec(ctx, `UPDATE enforce_records SET category = ?, subject = ?, subject_type = ?, procedure_kind = ?, filed_on = ?, decided_on = ?,
				officers = ?, amount_cents = ?, major = ?, reviewed_on = ?, published_on = ?, publish_due = ?, revoked_on = ?, withdrawn_on = ?,
				full_record = ?, updated_at = ? WHERE id = ?`, updateArgs(r, now)...); err != nil {
				return 0, err
			}
		} else {
			if r.ID == "" {
				r.ID = db.NewID()
			}
			fresh = append(fresh, append(r.row(), source, now, now))
		}
		for _, v := range vs {
			warn = append(warn, []any{db.NewID(), r.OrganID, r.BodyID, r.ID, "", v.Kind, v.Message, v.Basis, v.Due.String(), now})
		}
	}
	if err := deleteWarnings(ctx, tx, updated); err != nil {
		return 0, err
	}
	if err := insertMany(ctx, tx, `INSERT INTO enforce_records (`+recordCols+`, source, created_at, updated_at)`, 22, fresh); err != nil {
		return 0, err
	}
	if err := insertMany(ctx, tx, `INSERT INTO enforce_warnings (id, organ_id, body_id, record_id, officer_id, kind, message, basis, due_on, created_at)`, 10, warn); err != nil {
		return 0, err
	}
	return len(fresh), nil
}

// existingIDs finds the records already on file under the same body and 案号, looking up only
// the ledger's numbers (through the unique index), never a body's whole history.
func existingIDs(ctx context.Context, tx *db.Tx, recs []*Record) (map[string]string, error) {
	byBody := map[string][]any{}
	for _, r := range recs {
		byBody[r.BodyID] = append(byBody[r.BodyID], r.CaseNo)
	}
	out := map[string]string{}
	per := maxParams(tx.Dialect()) - 1
	for b, nos := range byBody {
		for start := 0; start < len(nos); start += per {
			part := nos[start:min(start+per, len(nos))]
			rows, err := tx.QueryContext(ctx, `SELECT id, case_no FROM enforce_records WHERE body_id = ? AND case_no IN (`+
				strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ")+`)`, append([]any{b}, part...)...)
			if err != nil {
				return nil, err
			}
			for rows.Next() {
				var id, no string
				if err := rows.Scan(&id, &no); err != nil {
					rows.Close()
					return nil, err
				}
				out[b+"\x00"+no] = id
			}
			rows.Close()
			if err := rows.Err(); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

func deleteWarnings(ctx context.Context, tx *db.Tx, ids []string) error {
	per := maxParams(tx.Dialect())
	for start := 0; start < len(ids); start += per {
		end := min(start+per, len(ids))
		args := make([]any, 0, end-start)
		for _, id := range ids[start:end] {
			args = append(args, id)
		}
		if err := tx.Exec(ctx, `DELETE FROM enforce_warnings WHERE record_id IN (`+strings.TrimSuffix(strings.Repeat("?, ", end-start), ", ")+`)`, args...); err != nil {
			return err
		}
	}
	return nil
}

// SaveRecords writes records inside one transaction (API push, form, import) with an audit entry.
func (m *Module) SaveRecords(ctx context.Context, recs []*Record, source string) (created int, err error) {
	err = m.d.DB.Tx(ctx, func(tx *db.Tx) error {
		c, err := m.newChecker(ctx, tx)
		if err != nil {
			return err
		}
		created, err = m.writeRecords(ctx, tx, c, recs, source)
		if err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "enforce.records_save", ObjectType: "enforce_record", ObjectID: firstID(recs),
			Detail: map[string]any{"source": source, "records": len(recs), "created": created}})
	})
	return created, err
}

func firstID(recs []*Record) string {
	if len(recs) == 0 {
		return ""
	}
	return recs[0].ID
}

// Warnings lists the stored violations of a record.
func (m *Module) RecordWarnings(ctx context.Context, recordID string) ([]Violation, error) {
	return db.List(ctx, m.d.DB, func(s db.Scanner) (Violation, error) {
		var v Violation
		var due string
		err := s.Scan(&v.Kind, &v.Message, &v.Basis, &due)
		v.Due = dateOf(due)
		return v, err
	}, `SELECT kind, message, basis, due_on FROM enforce_warnings WHERE record_id = ? ORDER BY kind, id`, recordID)
}

// updateArgs are the arguments of the UPDATE in writeRecords: the row without its identity.
func updateArgs(r *Record, now string) []any {
	row := r.row()
	args := append([]any{row[3]}, row[5:]...)
	return append(args, now, r.ID)
}
