package normdoc

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/org"
)

const docCols = `d.id, d.organ_id, d.organ_name, d.drafter_organ_id, d.reg_organ_id, d.review_id, d.legacy, d.title, d.number, d.number_year, d.number_seq,
	d.provisional, d.keywords, d.topics, d.signed_on, d.published_on, d.publish_channel, d.effective_on, d.valid_years, d.expires_on, d.warn_on,
	d.status, d.status_on, d.ended_on, d.amended_by_id, d.amends_id, d.pending_amend, d.evaluation, d.evaluated_on, d.evaluation_note,
	d.current_version, d.version, d.created_at, d.updated_at, d.renewal_seq, d.renewed_on`

func scanDoc(sc interface{ Scan(...any) error }) (*Doc, error) {
	d := &Doc{}
	var dt [9]string
	var renewed string
	var legacy, prov, pending int
	err := sc.Scan(&d.ID, &d.OrganID, &d.OrganName, &d.DrafterOrganID, &d.RegOrganID, &d.ReviewID, &legacy, &d.Title, &d.Number, &d.NumberYear, &d.NumberSeq,
		&prov, &d.Keywords, &d.Topics, &dt[0], &dt[1], &d.Channel, &dt[2], &d.ValidYears, &dt[3], &dt[4],
		&d.State, &dt[5], &dt[6], &d.AmendedByID, &d.AmendsID, &pending, &d.Evaluation, &dt[7], &d.EvaluationNote,
		&d.CurrentVersion, &d.Version, &d.CreatedAt, &d.UpdatedAt, &d.RenewalSeq, &renewed)
	if err != nil {
		return nil, err
	}
	if renewed != "" {
		d.RenewedOn, _ = calendar.ParseDate(renewed)
	}
	targets := []*calendar.Date{&d.SignedOn, &d.PublishedOn, &d.EffectiveOn, &d.ExpiresOn, &d.WarnOn, &d.StateOn, &d.EndedOn, &d.EvaluatedOn}
	for i, t := range targets {
		if dt[i] != "" {
			if *t, err = calendar.ParseDate(dt[i]); err != nil {
				return nil, fmt.Errorf("规范性文件 %s 的日期字段损坏：%w", d.ID, err)
			}
		}
	}
	d.Legacy, d.Provisional, d.PendingAmend = legacy == 1, prov == 1, pending == 1
	return d, nil
}

const insertDocSQL = `INSERT INTO normdocs (id, organ_id, organ_name, drafter_organ_id, reg_organ_id, review_id, legacy, title, number, number_year, number_seq,
	provisional, keywords, topics, signed_on, published_on, publish_channel, effective_on, valid_years, expires_on, warn_on,
	status, status_on, ended_on, amended_by_id, amends_id, pending_amend, evaluation, evaluated_on, evaluation_note,
	current_version, version, created_at, updated_at, renewal_seq, renewed_on)`

const docPlaceholders = `(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`

func docArgs(d *Doc) []any {
	return []any{d.ID, d.OrganID, d.OrganName, d.DrafterOrganID, d.RegOrganID, d.ReviewID, db.BoolInt(d.Legacy), d.Title, d.Number, d.NumberYear, d.NumberSeq,
		db.BoolInt(d.Provisional), d.Keywords, d.Topics, d.SignedOn.String(), d.PublishedOn.String(), d.Channel, d.EffectiveOn.String(), d.ValidYears, d.ExpiresOn.String(), d.WarnOn.String(),
		string(d.State), d.StateOn.String(), d.EndedOn.String(), d.AmendedByID, d.AmendsID, db.BoolInt(d.PendingAmend), string(d.Evaluation), d.EvaluatedOn.String(), d.EvaluationNote,
		d.CurrentVersion, d.Version, d.CreatedAt, d.UpdatedAt, d.RenewalSeq, d.RenewedOn.String()}
}

func insertDoc(ctx context.Context, tx *db.Tx, d *Doc) error {
	return tx.Exec(ctx, insertDocSQL+` VALUES `+docPlaceholders, docArgs(d)...)
}

// updateDoc writes the mutable facts, guarded by the version the transition read.
func updateDoc(ctx context.Context, tx *db.Tx, d *Doc) error {
	err := tx.ExecOne(ctx, `UPDATE normdocs SET title = ?, number = ?, number_year = ?, number_seq = ?, provisional = ?, keywords = ?, topics = ?,
		signed_on = ?, published_on = ?, publish_channel = ?, effective_on = ?, valid_years = ?, expires_on = ?, warn_on = ?, status = ?, status_on = ?,
		ended_on = ?, amended_by_id = ?, amends_id = ?, pending_amend = ?, evaluation = ?, evaluated_on = ?, evaluation_note = ?, current_version = ?,
		renewal_seq = ?, renewed_on = ?, version = version + 1, updated_at = ? WHERE id = ? AND version = ?`,
		d.Title, d.Number, d.NumberYear, d.NumberSeq, db.BoolInt(d.Provisional), d.Keywords, d.Topics,
		d.SignedOn.String(), d.PublishedOn.String(), d.Channel, d.EffectiveOn.String(), d.ValidYears, d.ExpiresOn.String(), d.WarnOn.String(), string(d.State), d.StateOn.String(),
		d.EndedOn.String(), d.AmendedByID, d.AmendsID, db.BoolInt(d.PendingAmend), string(d.Evaluation), d.EvaluatedOn.String(), d.EvaluationNote, d.CurrentVersion,
		d.RenewalSeq, d.RenewedOn.String(), db.Now(), d.ID, d.Version)
	if errors.Is(err, db.ErrConflict) {
		return fault.Conflictf("该文件已被他人更新，请刷新后重试")
	}
	if err == nil {
		d.Version++
	}
	return err
}

func getDoc(ctx context.Context, q db.Querier, id string) (*Doc, error) {
	d, err := scanDoc(q.QueryRowContext(ctx, `SELECT `+docCols+` FROM normdocs d WHERE d.id = ?`, id))
	return d, db.Found(err, "规范性文件")
}

func queryDocs(ctx context.Context, q db.Querier, query string, args ...any) ([]*Doc, error) {
	return db.List(ctx, q, scanDoc, query, args...)
}

func insertVersion(ctx context.Context, tx *db.Tx, v *Version) error {
	return tx.Exec(ctx, `INSERT INTO normdoc_versions (id, doc_id, seq, title, body, note, source_doc_id, source_number, effective_on, created_at, created_by)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, v.ID, v.DocID, v.Seq, v.Title, v.Body, v.Note, v.SourceDocID, v.SourceNumber, v.EffectiveOn.String(), v.CreatedAt, v.CreatedBy)
}

func scanVersion(sc interface{ Scan(...any) error }) (Version, error) {
	var v Version
	var eff string
	err := sc.Scan(&v.ID, &v.DocID, &v.Seq, &v.Title, &v.Body, &v.Note, &v.SourceDocID, &v.SourceNumber, &eff, &v.CreatedAt, &v.CreatedBy)
	if err == nil && eff != "" {
		v.EffectiveOn, _ = calendar.ParseDate(eff)
	}
	return v, err
}

const versionCols = `id, doc_id, seq, title, body, note, source_doc_id, source_number, effective_on, created_at, created_by`

func getVersion(ctx context.Context, q db.Querier, docID string, seq int) (Version, error) {
	v, err := scanVersion(q.QueryRowContext(ctx, `SELECT `+versionCols+` FROM normdoc_versions WHERE doc_id = ? AND seq = ?`, docID, seq))
	return v, db.Found(err, "文本版本")
}

// listVersions returns the versions without their bodies (the page lists them; diff reads two).
func listVersions(ctx context.Context, q db.Querier, docID string) ([]Version, error) {
	return db.List(ctx, q, scanVersion, `SELECT id, doc_id, seq, title, '', note, source_doc_id, source_number, effective_on, created_at, created_by FROM normdoc_versions WHERE doc_id = ? ORDER BY seq`, docID)
}

const filingCols = `id, doc_id, body_kind, body_name, body_organ_id, days, due_on, sent_on, received_on, result, feedback, feedback_on, round, from_on`

func scanFiling(sc interface{ Scan(...any) error }) (Filing, error) {
	var f Filing
	var due, sent, recv, fb, from string
	err := sc.Scan(&f.ID, &f.DocID, &f.BodyKind, &f.BodyName, &f.BodyOrganID, &f.Days, &due, &sent, &recv, &f.Result, &f.Feedback, &fb, &f.Round, &from)
	if err != nil {
		return f, err
	}
	for _, x := range []struct {
		s string
		d *calendar.Date
	}{{due, &f.DueOn}, {sent, &f.SentOn}, {recv, &f.ReceivedOn}, {fb, &f.FeedbackOn}, {from, &f.FromOn}} {
		if x.s != "" {
			*x.d, _ = calendar.ParseDate(x.s)
		}
	}
	return f, nil
}

func insertFiling(ctx context.Context, tx *db.Tx, f Filing) error {
	return tx.Exec(ctx, `INSERT INTO normdoc_filings (id, doc_id, body_kind, body_name, body_organ_id, days, due_on, sent_on, received_on, result, feedback, feedback_on, created_at, round, from_on)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, f.ID, f.DocID, f.BodyKind, f.BodyName, f.BodyOrganID, f.Days, f.DueOn.String(), f.SentOn.String(), f.ReceivedOn.String(),
		f.Result, f.Feedback, f.FeedbackOn.String(), db.Now(), max(f.Round, 1), f.FromOn.String())
}

func listFilings(ctx context.Context, q db.Querier, docID string) ([]Filing, error) {
	return db.List(ctx, q, scanFiling, `SELECT `+filingCols+` FROM normdoc_filings WHERE doc_id = ? ORDER BY round, body_kind`, docID)
}

// Filter selects documents for the register and the public database.
type Filter struct {
	OrganID       string
	Below         bool // include the organs below OrganID
	Year          int  // publication year (registration year for unpublished documents)
	State         State
	Topic         string
	Query         string // title, number or keyword
	FilingOverdue bool
	Expiring      bool // the evaluation warning has started
	Published     bool // published documents only
	Limit, Offset int
}

func (f Filter) where(today calendar.Date, organPath string) (string, []any) {
	var conds []string
	var args []any
	add := func(c string, a ...any) { conds = append(conds, c); args = append(args, a...) }
	if f.OrganID != "" {
		if f.Below && organPath != "" {
			within, wargs := org.WithinSQL("d.organ_id", organPath)
			add(within, wargs...)
		} else {
			add("d.organ_id = ?", f.OrganID)
		}
	}
	if f.Published {
		add("d.published_on <> ''")
	}
	if f.Year > 0 {
		from, to := fmt.Sprintf("%04d-01-01", f.Year), fmt.Sprintf("%04d-12-31", f.Year)
		add("((d.published_on >= ? AND d.published_on <= ?) OR (d.published_on = '' AND d.number_year = ?))", from, to, f.Year)
	}
	if f.State != "" {
		add("d.status = ?", string(f.State))
	}
	if t := strings.TrimSpace(f.Topic); t != "" {
		add(`d.topics LIKE ? ESCAPE '\'`, "%"+db.EscapeLike(t)+"%")
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + db.EscapeLike(q) + "%"
		add(`(d.title LIKE ? ESCAPE '\' OR d.number LIKE ? ESCAPE '\' OR d.keywords LIKE ? ESCAPE '\')`, like, like, like)
	}
	if f.FilingOverdue {
		add(`EXISTS (SELECT 1 FROM normdoc_filings fi WHERE fi.doc_id = d.id AND ((fi.sent_on = '' AND fi.due_on < ?) OR (fi.sent_on <> '' AND fi.sent_on > fi.due_on)))`, today.String())
	}
	if f.Expiring {
		add("d.status = 'in_force' AND d.warn_on <> '' AND d.warn_on <= ? AND d.evaluation = ''", today.String())
	}
	if len(conds) == 0 {
		return "1 = 1", nil
	}
	return strings.Join(conds, " AND "), args
}

const cleanupCols = `c.id, c.organ_id, c.reg_organ_id, c.title, c.basis, c.selection, c.state, c.opened_on, c.closed_on, c.decided_by, c.created_by, c.version,
	(SELECT COUNT(*) FROM normdoc_cleanup_items i WHERE i.cleanup_id = c.id), (SELECT COUNT(*) FROM normdoc_cleanup_items i WHERE i.cleanup_id = c.id AND i.decision <> '')`

func scanCleanup(sc interface{ Scan(...any) error }) (*Cleanup, error) {
	c := &Cleanup{}
	var opened, closed string
	err := sc.Scan(&c.ID, &c.OrganID, &c.RegOrganID, &c.Title, &c.Basis, &c.Selection, &c.State, &opened, &closed, &c.DecidedBy, &c.CreatedBy, &c.Version, &c.Items, &c.Decided)
	if err != nil {
		return nil, err
	}
	c.OpenedOn, _ = calendar.ParseDate(opened)
	if closed != "" {
		c.ClosedOn, _ = calendar.ParseDate(closed)
	}
	return c, nil
}

func listItems(ctx context.Context, q db.Querier, cleanupID string) ([]CleanupItem, error) {
	rows, err := q.QueryContext(ctx, `SELECT i.id, i.cleanup_id, i.doc_id, i.proposal, i.proposal_reason, i.proposed_by, i.decision, i.decision_reason, i.decided_on, `+docCols+`
		FROM normdoc_cleanup_items i JOIN normdocs d ON d.id = i.doc_id WHERE i.cleanup_id = ? ORDER BY i.sort`, cleanupID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CleanupItem
	for rows.Next() {
		var it CleanupItem
		var decided string
		var d *Doc
		dest := []any{&it.ID, &it.CleanupID, &it.DocID, &it.Proposal, &it.ProposalReason, &it.ProposedBy, &it.Decision, &it.DecisionReason, &decided}
		d, err := scanDoc(multiScan{dest: dest, rows: rows})
		if err != nil {
			return nil, err
		}
		if decided != "" {
			it.DecidedOn, _ = calendar.ParseDate(decided)
		}
		it.Doc = d
		out = append(out, it)
	}
	return out, rows.Err()
}

// multiScan lets scanDoc read the document columns that follow some leading columns.
type multiScan struct {
	dest []any
	rows *sql.Rows
}

func (m multiScan) Scan(dest ...any) error { return m.rows.Scan(append(m.dest, dest...)...) }
