package reconsider

import (
	"context"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/files"
	"github.com/fazhi/fazhi/internal/officialdoc"
)

// The case documents live in the platform room internal/officialdoc; this module declares its
// kinds (docs_text.go composes their texts), who may see and change them, and which step drafts
// which.

// Document kinds.
const (
	DocAcceptNotice    = "accept_notice"    // 受理通知书, to the applicant
	DocReplyNotice     = "reply_notice"     // 答复通知书, to the respondent
	DocAmendNotice     = "amend_notice"     // 补正通知书
	DocRejection       = "rejection"        // 不予受理决定书
	DocHearingNotice   = "hearing_notice"   // 听证通知书
	DocSuspendNotice   = "suspend_notice"   // 中止通知书
	DocResumeNotice    = "resume_notice"    // 恢复审理通知书
	DocTermination     = "termination"      // 终止决定书
	DocExtensionNotice = "extension_notice" // 延期通知书
	DocDecision        = "decision"         // 行政复议决定书
	DocMediation       = "mediation"        // 行政复议调解书
	DocOpinion         = "opinion"          // 行政复议意见书
)

// actionDocs: the documents each step drafts (a hearing only when it is a formal 听证).
var actionDocs = map[string][]string{
	"accept": {DocAcceptNotice, DocReplyNotice}, "deem_accept": {DocAcceptNotice, DocReplyNotice},
	"request_amendment": {DocAmendNotice}, "reject": {DocRejection}, "hearing": {DocHearingNotice},
	"suspend": {DocSuspendNotice}, "resume": {DocResumeNotice}, "terminate": {DocTermination},
	"extend": {DocExtensionNotice}, "decide": {DocDecision}, "mediate": {DocMediation}, "opinion": {DocOpinion},
}

// Aliases keep the module's names for the platform types.
type (
	Document      = officialdoc.Document
	DocumentInput = officialdoc.Input
	DocumentView  = officialdoc.View[*Case]
	Blobs         = officialdoc.Blobs
)

const (
	DocDraft  = officialdoc.Draft
	DocIssued = officialdoc.Issued
	DocxType  = officialdoc.DocxType
)

// FileBlobs stores frozen documents through internal/files.
func FileBlobs(f *files.Service) Blobs { return officialdoc.FileBlobs(f) }

// partyLabels start the lines laid flush left (当事人基本情况, signature lines of a 调解书).
var partyLabels = []string{"申请人", "被申请人", "第三人", "法定代表人", "主要负责人", "负责人", "委托代理人", "法定代理人", "代理人", "共同申请人"}

// documentRoom declares the case documents. Staff (reconsider.read) see drafts; a respondent's
// liaison (reconsider.reply only) sees the issued documents of its cases; staff with
// reconsider.edit change and issue the drafts of cases in their own scope.
func (s *Service) documentRoom() *officialdoc.Room[*Case] {
	return &officialdoc.Room[*Case]{
		DB: s.db, Org: s.org, OwnerType: ownerType, Module: "reconsider", Object: "reconsider_document",
		Noun: "复议文书", OwnerNoun: "案件", Kinds: s.documentKinds(), FlushLeft: partyLabels, Today: s.Today,
		Owner: func(c *Case) officialdoc.Owner {
			ref := c.Number
			if ref == "" {
				ref = "收件 " + c.ReceiptNo
			}
			return officialdoc.Owner{ID: c.ID, OrganID: c.OrganID, Number: c.Number, State: string(c.State),
				URL: "/reconsider/cases/" + c.ID, Ref: ref, Summary: c.ApplicantName + " 不服 " + c.Respondent}
		},
		Visible: func(ctx context.Context, q db.Querier, p *auth.Principal, caseID string, draft bool) (*Case, error) {
			if !p.Can(PermRead) && !p.Can(PermReply) {
				return nil, fault.Forbiddenf("您没有查看复议文书的权限")
			}
			if draft && !p.Can(PermRead) {
				return nil, fault.NotFoundf("复议文书不存在或您无权查看")
			}
			return s.getScoped(ctx, q, p, caseID)
		},
		Parties: s.serviceParties,
		Editable: func(p *auth.Principal, c *Case) error {
			if !p.Can(PermEdit) {
				return fault.Forbiddenf("您没有制作复议文书的权限")
			}
			if !s.editable(p, c) {
				return fault.Forbiddenf("该案件不属于您的办理范围")
			}
			return nil
		},
	}
}

// serviceParties: who each issued document is served on, for its 送达回证 (官方 room, receipt.go):
// notices about the application go to the applicants, the 答复通知书 to the respondent, an 意见书 to
// its addressee, and the documents that decide or move the case (听证、中止、恢复、延期、终止、决定、调解)
// to every party (行政复议法第三十三条、第三十九条至第四十一条、第六十二条、第七十五条).
func (s *Service) serviceParties(ctx context.Context, q db.Querier, c *Case, d *Document) ([]officialdoc.Party, error) {
	applicants := []officialdoc.Party{{Role: "申请人", Name: c.ApplicantName, Address: c.Address}}
	respondent := officialdoc.Party{Role: "被申请人", Name: c.Respondent}
	if o, ok := s.org.Organ(c.RespondentID); ok && c.RespondentID != "" {
		respondent.Address = o.Address
	}
	others, err := listParties(ctx, q, c.ID)
	if err != nil {
		return nil, err
	}
	var thirds []officialdoc.Party
	for _, p := range others {
		switch p.Role {
		case "co_applicant":
			applicants = append(applicants, officialdoc.Party{Role: "申请人", Name: p.Name})
		case "third_party":
			thirds = append(thirds, officialdoc.Party{Role: "第三人", Name: p.Name})
		}
	}
	switch d.Kind {
	case DocAcceptNotice, DocAmendNotice, DocRejection:
		return applicants, nil
	case DocReplyNotice:
		return []officialdoc.Party{respondent}, nil
	case DocOpinion:
		return []officialdoc.Party{{Name: strings.TrimRight(strings.TrimSpace(d.Recipient), "：:")}}, nil
	}
	return append(append(applicants, respondent), thirds...), nil
}

// receiptParties lists the 送达回证 parties of each issued document, for the case page.
func (s *Service) receiptParties(ctx context.Context, c *Case, docs []Document) (map[string][]officialdoc.Party, error) {
	out := map[string][]officialdoc.Party{}
	for i := range docs {
		if !docs[i].Issued() {
			continue
		}
		ps, err := s.serviceParties(ctx, s.db, c, &docs[i])
		if err != nil {
			return nil, err
		}
		out[docs[i].ID] = ps
	}
	return out, nil
}

// ReceiptLink is one 送达回证 download on the case page.
type ReceiptLink struct {
	Label, URL string
}

// Receipts are the 送达回证 downloads of an issued document, one per party.
func (d *Detail) Receipts(docID string) []ReceiptLink {
	var out []ReceiptLink
	for i, p := range d.receipts[docID] {
		out = append(out, ReceiptLink{Label: p.Label(), URL: officialdoc.ReceiptURL("/reconsider/documents", docID, i)})
	}
	return out
}

// draftDocuments creates the drafts a step calls for, in its transaction (the cases' Kind.After).
func (s *Service) draftDocuments(ctx context.Context, tx *db.Tx, p *auth.Principal, c *Case, action string, on calendar.Date) error {
	kinds := actionDocs[action]
	if len(kinds) == 0 {
		return nil
	}
	if action == "hearing" {
		if x, err := latestHearing(ctx, tx, c.ID); err != nil || x.Kind != HearingFormal {
			return err
		}
	}
	var op Opinion
	if action == "opinion" { // the 意见书 record will point at its document
		var err error
		if op, err = latestOpinion(ctx, tx, c.ID); err != nil {
			return err
		}
	}
	ds, err := s.docs.Draft(ctx, tx, p, c, on, kinds...)
	if err != nil || op.ID == "" {
		return err
	}
	return tx.Exec(ctx, `UPDATE reconsider_opinions SET document_id = ? WHERE id = ?`, ds[0].ID, op.ID)
}

// Document loads a document p may see, with its case.
func (s *Service) Document(ctx context.Context, p *auth.Principal, id string) (*DocumentView, error) {
	return s.docs.View(ctx, p, id)
}

// SaveDocument saves a draft's title, recipient and text.
func (s *Service) SaveDocument(ctx context.Context, p *auth.Principal, id string, in DocumentInput) (*Document, error) {
	return s.docs.Save(ctx, p, id, in)
}

// IssueDocument numbers and freezes a draft (stored through blobs when given).
func (s *Service) IssueDocument(ctx context.Context, p *auth.Principal, id string, blobs Blobs) (*Document, error) {
	return s.docs.Issue(ctx, p, id, blobs)
}

// DocumentDOCX returns the file of a document: a draft marked 草稿, or the frozen file.
func (s *Service) DocumentDOCX(ctx context.Context, p *auth.Principal, id string, blobs Blobs) (string, []byte, error) {
	return s.docs.DOCX(ctx, p, id, blobs)
}
