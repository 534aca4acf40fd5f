package disclosure

import (
	"context"
	"fmt"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
)

// All SQL of the module.

const reqCols = `id, organ_id, receipt_no, channel, received_on, state, applicant_type, applicant_name, id_number_masked, phone_masked,
	address, email, description, purpose, form, delivery, amend_notice_on, amend_items, amend_due, amend_received_on, amend_text,
	extension_days, extension_on, extension_approver, excluded_days, fee_paused, fee_mode, fee_quantity, fee_amount, fee_notice_on,
	fee_due, fee_paid_on, reply_type, reply_basis, reply_text, replied_on, on_time, delivered_on, delivery_note, reconsideration,
	litigation, dispute_ref, due_amend_notice, due_amend, due_reply, due_fee, next_due, next_rule, imported, reconsider_case_id, litigation_ref, litigation_case_id, version`

// dateFields are the request's date columns in reqCols order after the fixed ones.
func scanRequest(sc interface{ Scan(...any) error }) (*Request, error) {
	r := &Request{}
	var ds [15]string
	var feePaused, onTime, imported int
	var lit string
	err := sc.Scan(&r.ID, &r.OrganID, &r.ReceiptNo, &r.Channel, &ds[0], &r.State, &r.ApplicantType, &r.ApplicantName, &r.IDMasked, &r.PhoneMasked,
		&r.Address, &r.Email, &r.Description, &r.Purpose, &r.Form, &r.Delivery, &ds[1], &r.AmendItems, &ds[2], &ds[3], &r.AmendText,
		&r.ExtensionDays, &ds[4], &r.ExtensionApprover, &r.ExcludedDays, &feePaused, &r.FeeMode, &r.FeeQuantity, &r.FeeAmount, &ds[5],
		&ds[6], &ds[7], &r.ReplyType, &r.ReplyBasis, &r.ReplyText, &ds[8], &onTime, &ds[9], &r.DeliveryNote, &r.Reconsideration,
		&lit, &r.DisputeRef, &ds[10], &ds[11], &ds[12], &ds[13], &ds[14], &r.Due.NextRule, &imported, &r.ReconsiderCaseID, &r.LitigationRef, &r.LitigationCaseID, &r.Version)
	if err != nil {
		return nil, err
	}
	targets := []*calendar.Date{&r.ReceivedOn, &r.AmendNoticeOn, &r.AmendDue, &r.AmendReceivedOn, &r.ExtensionOn, &r.FeeNoticeOn,
		&r.FeeDue, &r.FeePaidOn, &r.RepliedOn, &r.DeliveredOn, &r.Due.AmendNotice, &r.Due.Amend, &r.Due.Reply, &r.Due.Fee, &r.Due.Next}
	for i, t := range targets {
		if ds[i] != "" {
			if *t, err = calendar.ParseDate(ds[i]); err != nil {
				return nil, fmt.Errorf("申请 %s 的日期字段损坏：%w", r.ID, err)
			}
		}
	}
	r.FeePaused, r.OnTime, r.Imported = feePaused == 1, onTime == 1, imported == 1
	r.Litigation = ParseLitigation(lit)
	return r, nil
}

func ds(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// requestArgs are the values of every reqCols column but id, organ_id, receipt_no and version.
func requestArgs(r *Request) []any {
	return []any{r.Channel, ds(r.ReceivedOn), r.State, r.ApplicantType, r.ApplicantName, r.IDMasked, r.PhoneMasked,
		r.Address, r.Email, r.Description, r.Purpose, r.Form, r.Delivery, ds(r.AmendNoticeOn), r.AmendItems, ds(r.AmendDue), ds(r.AmendReceivedOn), r.AmendText,
		r.ExtensionDays, ds(r.ExtensionOn), r.ExtensionApprover, r.ExcludedDays, db.BoolInt(r.FeePaused), r.FeeMode, r.FeeQuantity, r.FeeAmount, ds(r.FeeNoticeOn),
		ds(r.FeeDue), ds(r.FeePaidOn), string(r.ReplyType), r.ReplyBasis, r.ReplyText, ds(r.RepliedOn), db.BoolInt(r.OnTime), ds(r.DeliveredOn), r.DeliveryNote, r.Reconsideration,
		r.Litigation.String(), r.DisputeRef, ds(r.Due.AmendNotice), ds(r.Due.Amend), ds(r.Due.Reply), ds(r.Due.Fee), ds(r.Due.Next), r.Due.NextRule, db.BoolInt(r.Imported), r.ReconsiderCaseID, r.LitigationRef, r.LitigationCaseID}
}

const updateSQL = `UPDATE disclosure_requests SET channel = ?, received_on = ?, state = ?, applicant_type = ?, applicant_name = ?, id_number_masked = ?, phone_masked = ?,
	address = ?, email = ?, description = ?, purpose = ?, form = ?, delivery = ?, amend_notice_on = ?, amend_items = ?, amend_due = ?, amend_received_on = ?, amend_text = ?,
	extension_days = ?, extension_on = ?, extension_approver = ?, excluded_days = ?, fee_paused = ?, fee_mode = ?, fee_quantity = ?, fee_amount = ?, fee_notice_on = ?,
	fee_due = ?, fee_paid_on = ?, reply_type = ?, reply_basis = ?, reply_text = ?, replied_on = ?, on_time = ?, delivered_on = ?, delivery_note = ?, reconsideration = ?,
	litigation = ?, dispute_ref = ?, due_amend_notice = ?, due_amend = ?, due_reply = ?, due_fee = ?, next_due = ?, next_rule = ?, imported = ?, reconsider_case_id = ?, litigation_ref = ?, litigation_case_id = ?, version = version + 1
	WHERE id = ? AND version = ?`

func updateRequest(ctx context.Context, tx *db.Tx, r *Request) error {
	return tx.ExecOne(ctx, updateSQL, append(requestArgs(r), r.ID, r.Version)...)
}

// sensitive are the encrypted and keyed columns written only at registration.
type sensitive struct {
	idEnc, phoneEnc, blind, queryCodeHash string
}

// insertCols are the columns of a new request, in requestRow order.
const insertCols = `id, organ_id, receipt_no, query_code_hash, id_number_enc, phone_enc, applicant_blind,
		channel, received_on, state, applicant_type, applicant_name, id_number_masked, phone_masked,
		address, email, description, purpose, form, delivery, amend_notice_on, amend_items, amend_due, amend_received_on, amend_text,
		extension_days, extension_on, extension_approver, excluded_days, fee_paused, fee_mode, fee_quantity, fee_amount, fee_notice_on,
		fee_due, fee_paid_on, reply_type, reply_basis, reply_text, replied_on, on_time, delivered_on, delivery_note, reconsideration,
		litigation, dispute_ref, due_amend_notice, due_amend, due_reply, due_fee, next_due, next_rule, imported, reconsider_case_id, litigation_ref, litigation_case_id, created_at`

func requestRow(r *Request, s sensitive, createdAt string) []any {
	return append(append([]any{r.ID, r.OrganID, r.ReceiptNo, s.queryCodeHash, s.idEnc, s.phoneEnc, s.blind}, requestArgs(r)...), createdAt)
}

func insertRequest(ctx context.Context, tx *db.Tx, r *Request, s sensitive) error {
	args := requestRow(r, s, db.Now())
	return tx.Exec(ctx, `INSERT INTO disclosure_requests (`+insertCols+`) VALUES `+placeholders(1, len(args)), args...)
}

// placeholders are rows × (?, ?, …) groups for a multi-row INSERT.
func placeholders(rows, cols int) string {
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(one+", ", rows), ", ")
}

// insertBulk writes rows of cols values each with multi-row INSERTs under the engines' parameter limits.
func insertBulk(ctx context.Context, tx *db.Tx, head string, cols int, args []any) error {
	per := 16000 / cols
	for start := 0; start < len(args); start += per * cols {
		end := min(start+per*cols, len(args))
		if err := tx.Exec(ctx, head+placeholders((end-start)/cols, cols), args[start:end]...); err != nil {
			return err
		}
	}
	return nil
}

// getRequest reads a request within the principal's data scope (nil principal: the command line
// and the public pages, which check the query code themselves), with its consultations.
func (s *Service) getRequest(ctx context.Context, q db.Querier, p *auth.Principal, id string) (*Request, error) {
	where, args := "1 = 1", []any(nil)
	if p != nil {
		where, args = s.visibleSQL(p)
	}
	r, err := scanRequest(q.QueryRowContext(ctx, `SELECT `+reqCols+` FROM disclosure_requests WHERE id = ? AND `+where, append([]any{id}, args...)...))
	if err != nil {
		return nil, db.Found(err, "申请")
	}
	if r.Consultations, err = consultations(ctx, q, r.ID); err != nil {
		return nil, err
	}
	return r, s.liveDisputes(ctx, q, r)
}

func consultations(ctx context.Context, q db.Querier, requestID string) ([]Consultation, error) {
	return db.List(ctx, q, func(sc interface{ Scan(...any) error }) (Consultation, error) {
		var c Consultation
		var sent, ended string
		if err := sc.Scan(&c.ID, &c.RequestID, &c.Kind, &c.Party, &sent, &ended, &c.Opinion); err != nil {
			return c, err
		}
		c.SentOn, _ = calendar.ParseDate(sent)
		if ended != "" {
			c.EndedOn, _ = calendar.ParseDate(ended)
		}
		return c, nil
	}, `SELECT id, request_id, kind, party, sent_on, ended_on, opinion FROM disclosure_consultations WHERE request_id = ? ORDER BY sent_on, created_at, id`, requestID)
}

func insertConsultation(ctx context.Context, tx *db.Tx, c *Consultation) error {
	return tx.Exec(ctx, `INSERT INTO disclosure_consultations (id, request_id, kind, party, sent_on, ended_on, opinion, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.RequestID, c.Kind, c.Party, ds(c.SentOn), ds(c.EndedOn), c.Opinion, db.Now())
}

func endConsultation(ctx context.Context, tx *db.Tx, c *Consultation) error {
	return tx.ExecOne(ctx, `UPDATE disclosure_consultations SET ended_on = ?, opinion = ? WHERE id = ?`, ds(c.EndedOn), c.Opinion, c.ID)
}

// openRequests lists the requests whose clock runs or waits, for re-dating and the scans.
func openRequests(ctx context.Context, q db.Querier, where string, args ...any) ([]*Request, error) {
	rs, err := db.List(ctx, q, scanRequest, `SELECT `+reqCols+` FROM disclosure_requests WHERE state IN ('registered', 'amending', 'consulting', 'fee') `+where, args...)
	if err != nil {
		return nil, err
	}
	for _, r := range rs {
		if r.Consultations, err = consultations(ctx, q, r.ID); err != nil {
			return nil, err
		}
	}
	return rs, nil
}
