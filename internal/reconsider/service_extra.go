package reconsider

// Service functions the pages and the API need that the core service layer did not have.

import (
	"context"
	"strings"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
)

// ReplyText returns the respondent's written reply of a case p may see ("" before the reply).
// The core Case does not carry it, since lists never need it.
func (s *Service) ReplyText(ctx context.Context, p *auth.Principal, id string) (string, error) {
	if _, err := s.Get(ctx, p, id); err != nil {
		return "", err
	}
	var text string
	err := s.db.QueryRowContext(ctx, `SELECT reply_text FROM reconsider_cases WHERE id = ?`, id).Scan(&text)
	return text, err
}

// ReplyCases lists the cases in which p's organ is the respondent, for its liaison: by default
// only those whose copy was sent and whose reply is still owed (earliest reply deadline first).
func (s *Service) ReplyCases(ctx context.Context, p *auth.Principal, all bool, limit, offset int) ([]*Case, int, error) {
	if !p.Can(PermReply) {
		return nil, 0, fault.Forbiddenf("只有被申请人的联络员可以查看待答复案件")
	}
	where := `respondent_id = ?`
	if !all {
		where += ` AND state IN ('in_review', 'suspended') AND copy_sent_on <> '' AND reply_on = ''`
	}
	var total int
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM reconsider_cases WHERE `+where, p.OrganID).Scan(&total); err != nil {
		return nil, 0, err
	}
	out, err := queryCases(ctx, s.db, `SELECT `+caseCols+` FROM reconsider_cases WHERE `+where+`
		ORDER BY CASE WHEN reply_on = '' AND copy_sent_on <> '' AND state IN ('in_review', 'suspended') THEN 0 ELSE 1 END, due_reply, received_on DESC, receipt_no
		LIMIT ? OFFSET ?`, p.OrganID, limit, offset)
	return out, total, err
}

// NoteAmendmentUpload puts the applicant's online amendment materials on the case timeline, in
// the caller's transaction (the one that attaches the files). The staff still confirm receipt with
// ReceiveAmendment, which restarts the acceptance review: an upload alone may be incomplete.
func (s *Service) NoteAmendmentUpload(ctx context.Context, tx *db.Tx, caseID string, names []string) error {
	if err := tx.LockRow(ctx, "reconsider_cases", caseID); err != nil {
		return err
	}
	c, err := getCase(ctx, tx, caseID)
	if err != nil {
		return err
	}
	if c.State != StateAmending {
		return fault.Conflictf("案件当前不在补正阶段，不能在线提交补正材料")
	}
	ev := event(c, s.Today(), "amendment_uploaded")
	ev.ActorName, ev.Note = c.ApplicantName+"（申请人）", "申请人在线提交补正材料："+strings.Join(names, "、")
	if err := casework.InsertEvent(ctx, tx, ev); err != nil {
		return err
	}
	return audit.Record(ctx, tx, audit.Entry{Action: "reconsider.amendment_uploaded", ObjectType: "reconsider_case", ObjectID: c.ID,
		Detail: map[string]any{"files": names}})
}

// Respondents lists the distinct respondents of the cases p may see, for the list filter.
func (s *Service) Respondents(ctx context.Context, p *auth.Principal) ([]string, error) {
	if p.Wide { // hundreds of names, read from every case in scope: the filter is typed instead
		return nil, nil
	}
	frag, args := scope(p)
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT respondent FROM reconsider_cases WHERE `+frag+` ORDER BY respondent LIMIT 500`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}
