package reconsider

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/docgen"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/files"
)

// Document kinds. Each transition drafts the ones it calls for (docs_text.go).
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

// DocKind describes one kind: its name (the title) and its 文号 code; "" means the
// document carries the case number (the 决定书 does).
type DocKind struct {
	Kind string
	Name string
	Code string
}

// DocKinds lists every kind in the order of a case.
var DocKinds = []DocKind{
	{DocAcceptNotice, "行政复议受理通知书", "受"},
	{DocReplyNotice, "行政复议答复通知书", "答"},
	{DocAmendNotice, "行政复议补正通知书", "补"},
	{DocRejection, "行政复议不予受理决定书", "不受"},
	{DocHearingNotice, "行政复议听证通知书", "听"},
	{DocSuspendNotice, "行政复议中止通知书", "中"},
	{DocResumeNotice, "行政复议恢复审理通知书", "恢"},
	{DocTermination, "行政复议终止决定书", "终"},
	{DocExtensionNotice, "行政复议延期通知书", "延"},
	{DocDecision, "行政复议决定书", ""},
	{DocMediation, "行政复议调解书", "调"},
	{DocOpinion, "行政复议意见书", "意"},
}

// KindOf finds a kind.
func KindOf(kind string) (DocKind, bool) {
	for _, k := range DocKinds {
		if k.Kind == kind {
			return k, true
		}
	}
	return DocKind{}, false
}

// Document statuses.
const (
	DocDraft  = "draft"
	DocIssued = "issued"
)

// Document is an official document of a case: a draft until issued, then frozen.
type Document struct {
	ID        string
	CaseID    string
	OrganID   string
	Kind      string
	Number    string
	Title     string
	Recipient string
	Body      string
	Status    string
	IssuedOn  calendar.Date
	SHA256    string
	CreatedBy string
	CreatedAt string
	UpdatedAt string
}

// Issued reports whether the document is frozen.
func (d Document) Issued() bool { return d.Status == DocIssued }

// KindName is the Chinese name of the kind.
func (d Document) KindName() string {
	k, _ := KindOf(d.Kind)
	return k.Name
}

// StatusLabel is the Chinese status.
func (d Document) StatusLabel() string {
	if d.Issued() {
		return "已印发"
	}
	return "草稿"
}

// FileName is the download name: 行政复议决定书-青政复〔2026〕3号.docx, or …-草稿.docx.
func (d Document) FileName() string {
	name := d.Title
	if strings.TrimSpace(name) == "" {
		name = d.KindName()
	}
	suffix := "草稿"
	if d.Issued() {
		suffix = d.Number
	}
	return strings.NewReplacer("/", "／", "\\", "＼", "\n", "").Replace(name+"-"+suffix) + ".docx"
}

// Blobs keeps the frozen files of issued documents. FileBlobs adapts internal/files; tests
// use a map. Without one, issued files are regenerated and checked (see DocumentDOCX).
type Blobs interface {
	// Put stores the frozen file of d as part of tx and returns its SHA-256 in hex.
	Put(ctx context.Context, tx *db.Tx, d *Document, data []byte) (string, error)
	// Open returns the stored bytes of a SHA-256.
	Open(ctx context.Context, sha256 string) (io.ReadCloser, error)
}

// FileBlobs stores frozen documents through internal/files: each one becomes an attachment
// of its reconsider_document row (blob, blobs row, attachments row, audit entry).
func FileBlobs(f *files.Service) Blobs { return fileBlobs{f} }

type fileBlobs struct{ f *files.Service }

func (b fileBlobs) Put(ctx context.Context, tx *db.Tx, d *Document, data []byte) (string, error) {
	a, err := b.f.Save(ctx, tx, files.Owner{Type: "reconsider_document", ID: d.ID, OrganID: d.OrganID}, d.FileName(), d.Title+" "+d.Number, bytes.NewReader(data))
	return a.SHA256, err
}

func (b fileBlobs) Open(ctx context.Context, sha string) (io.ReadCloser, error) {
	return b.f.Store().Open(ctx, sha)
}

// DocxType is the media type of a DOCX file.
const DocxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

const docCols = `id, case_id, organ_id, kind, number, title, recipient, body, status, issued_on, sha256, created_by, created_at, updated_at`

func scanDocument(sc interface{ Scan(...any) error }) (*Document, error) {
	var d Document
	var issued string
	if err := sc.Scan(&d.ID, &d.CaseID, &d.OrganID, &d.Kind, &d.Number, &d.Title, &d.Recipient, &d.Body, &d.Status, &issued, &d.SHA256, &d.CreatedBy, &d.CreatedAt, &d.UpdatedAt); err != nil {
		return nil, err
	}
	if issued != "" {
		d.IssuedOn, _ = calendar.ParseDate(issued)
	}
	return &d, nil
}

func listDocuments(ctx context.Context, q db.Querier, caseID string) ([]Document, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+docCols+` FROM reconsider_documents WHERE case_id = ? ORDER BY created_at, id`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Document
	for rows.Next() {
		d, err := scanDocument(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *d)
	}
	return out, rows.Err()
}

func getDocument(ctx context.Context, q db.Querier, id string, lock bool) (*Document, error) {
	query := `SELECT ` + docCols + ` FROM reconsider_documents WHERE id = ?`
	if tx, ok := q.(*db.Tx); ok && lock && tx.Dialect() == db.Postgres {
		query += ` FOR UPDATE`
	}
	d, err := scanDocument(q.QueryRowContext(ctx, query, id))
	if err != nil {
		return nil, db.Found(err, "复议文书")
	}
	return d, nil
}

// errNoDocument answers for a document whose case p may not see, as for a missing one.
var errNoDocument = fault.NotFoundf("复议文书不存在或您无权查看")

func insertDocument(ctx context.Context, tx *db.Tx, d *Document) error {
	now := db.Now()
	d.ID, d.Status, d.CreatedAt, d.UpdatedAt = db.NewID(), DocDraft, now, now
	return tx.Exec(ctx, `INSERT INTO reconsider_documents (`+docCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		d.ID, d.CaseID, d.OrganID, d.Kind, "", d.Title, d.Recipient, d.Body, d.Status, "", "", d.CreatedBy, d.CreatedAt, d.UpdatedAt)
}

// draftDocuments creates the draft documents a transition calls for, in its transaction.
func (s *Service) draftDocuments(ctx context.Context, tx *db.Tx, p *auth.Principal, c *Case, action string, on calendar.Date) error {
	drafts, err := s.compose(ctx, tx, c, action, on)
	if err != nil {
		return err
	}
	for _, d := range drafts {
		d.CaseID, d.OrganID, d.CreatedBy = c.ID, c.OrganID, p.UserID
		if err := insertDocument(ctx, tx, &d.Document); err != nil {
			return err
		}
		if d.opinionID != "" { // the 意见书 record points at its document
			if err := tx.Exec(ctx, `UPDATE reconsider_opinions SET document_id = ? WHERE id = ?`, d.ID, d.opinionID); err != nil {
				return err
			}
		}
	}
	return nil
}

// DocumentView is a document with its case, as the document page shows it.
type DocumentView struct {
	Doc     *Document
	Case    *Case
	Layout  docgen.Document // what the DOCX will contain
	Missing []string        // placeholders still to fill before issuing
	CanEdit bool
}

// Document loads a document p may see: its case must be visible to p. Staff see drafts;
// a respondent's liaison (reply permission only) sees issued documents alone.
func (s *Service) Document(ctx context.Context, p *auth.Principal, id string) (*DocumentView, error) {
	d, c, err := s.visibleDocument(ctx, p, id)
	if err != nil {
		return nil, err
	}
	v := &DocumentView{Doc: d, Case: c, CanEdit: !d.Issued() && p.Can(auth.PermReconsiderEdit) && s.editable(p, c)}
	v.Layout = s.layout(d, c, !d.Issued())
	v.Missing = placeholders(d)
	return v, nil
}

func (s *Service) visibleDocument(ctx context.Context, p *auth.Principal, id string) (*Document, *Case, error) {
	if !p.Can(auth.PermReconsiderRead) && !p.Can(auth.PermReconsiderReply) {
		return nil, nil, fault.Forbiddenf("您没有查看复议文书的权限")
	}
	d, err := getDocument(ctx, s.db, id, false)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.Get(ctx, p, d.CaseID)
	if err != nil && !errors.Is(err, fault.NotFound) {
		return nil, nil, err
	}
	if err != nil || (!d.Issued() && !p.Can(auth.PermReconsiderRead)) {
		return nil, nil, errNoDocument
	}
	return d, c, nil
}

// DocumentInput is the editable part of a draft.
type DocumentInput struct {
	Title     string `json:"title"`
	Recipient string `json:"recipient"`
	Body      string `json:"body"`
	UpdatedAt string `json:"updated_at"` // as loaded; a later save by someone else is refused
}

func (in *DocumentInput) validate() error {
	fe := &fault.Fields{}
	in.Title = strings.TrimSpace(in.Title)
	in.Recipient = strings.TrimSpace(in.Recipient)
	in.Body = strings.TrimSpace(strings.ReplaceAll(in.Body, "\r\n", "\n"))
	switch n := utf8.RuneCountInString(in.Title); {
	case n == 0:
		fe.Add("title", "请填写文书标题")
	case n > 60:
		fe.Add("title", "文书标题不能超过60字")
	}
	if utf8.RuneCountInString(in.Recipient) > 200 {
		fe.Add("recipient", "主送不能超过200字")
	}
	switch n := utf8.RuneCountInString(in.Body); {
	case n == 0:
		fe.Add("body", "请填写正文")
	case n > 50000:
		fe.Add("body", "正文不能超过50000字")
	}
	for field, v := range map[string]string{"title": in.Title, "recipient": in.Recipient, "body": in.Body} {
		if !utf8.ValidString(v) {
			fe.Add(field, "含有无效的字符编码")
		}
	}
	return fe.Err()
}

// editableDocument loads a document for a write, in tx, and checks p may change it.
func (s *Service) editableDocument(ctx context.Context, tx *db.Tx, p *auth.Principal, id string) (*Document, *Case, error) {
	if !p.Can(auth.PermReconsiderEdit) {
		return nil, nil, fault.Forbiddenf("您没有制作复议文书的权限")
	}
	d, err := getDocument(ctx, tx, id, true)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.getScoped(ctx, tx, p, d.CaseID)
	if errors.Is(err, fault.NotFound) {
		return nil, nil, errNoDocument
	} else if err != nil {
		return nil, nil, err
	}
	if !s.editable(p, c) {
		return nil, nil, fault.Forbiddenf("该案件不属于您的办理范围")
	}
	if d.Issued() {
		return nil, nil, fault.Conflictf("文书已印发，不能修改")
	}
	return d, c, nil
}

// SaveDocument saves a draft's title, recipient and text.
func (s *Service) SaveDocument(ctx context.Context, p *auth.Principal, id string, in DocumentInput) (*Document, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	var out *Document
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		d, _, err := s.editableDocument(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if in.UpdatedAt != "" && in.UpdatedAt != d.UpdatedAt {
			return fault.Conflictf("文书已被他人修改，请刷新后重试")
		}
		changed := map[string]audit.Change{}
		for _, f := range []struct {
			name     string
			old, new string
		}{{"title", d.Title, in.Title}, {"recipient", d.Recipient, in.Recipient}, {"body", d.Body, in.Body}} {
			if f.old != f.new {
				changed[f.name] = audit.Change{Before: runes(f.old), After: runes(f.new)}
			}
		}
		d.Title, d.Recipient, d.Body, d.UpdatedAt = in.Title, in.Recipient, in.Body, db.Now()
		if err := tx.ExecOne(ctx, `UPDATE reconsider_documents SET title = ?, recipient = ?, body = ?, updated_at = ? WHERE id = ? AND status = 'draft'`,
			d.Title, d.Recipient, d.Body, d.UpdatedAt, d.ID); err != nil {
			return err
		}
		out = d
		return audit.Record(ctx, tx, audit.Entry{Action: "reconsider.update_document", ObjectType: "reconsider_document", ObjectID: d.ID,
			Detail: map[string]any{"case_id": d.CaseID, "kind": d.Kind, "changed": changed}})
	})
	return out, err
}

// runes records the size of a text in the audit trail, not its content (it may be long and personal).
func runes(s string) string { return fmt.Sprintf("%d字", utf8.RuneCountInString(s)) }

var placeholderRE = regexp.MustCompile(`【请[^】]*】`)

// placeholders lists the 【请…】 marks the clerk has not replaced yet.
func placeholders(d *Document) []string {
	return placeholderRE.FindAllString(d.Title+"\n"+d.Recipient+"\n"+d.Body, -1)
}

// IssueDocument assigns the number, freezes the DOCX (stored through blobs when given)
// and records the issue on the case; all in one transaction.
func (s *Service) IssueDocument(ctx context.Context, p *auth.Principal, id string, blobs Blobs) (*Document, error) {
	today := s.Today()
	var out *Document
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		d, c, err := s.editableDocument(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if m := placeholders(d); len(m) > 0 {
			fe := &fault.Fields{Msg: "文书中还有待填写的内容，请填写后再印发：" + strings.Join(m, "、")}
			fe.Add("body", "还有待填写的内容："+strings.Join(m, "、"))
			return fe
		}
		k, ok := KindOf(d.Kind)
		if !ok {
			return fmt.Errorf("未知的文书种类 %q", d.Kind)
		}
		if k.Code == "" {
			if c.Number == "" {
				return fault.Conflictf("案件尚无案号，不能印发决定书")
			}
			d.Number = c.Number
		} else {
			o, _ := s.org.Organ(c.OrganID)
			n, err := db.NextNumber(ctx, tx, c.OrganID, "reconsider.doc."+d.Kind, today.Year)
			if err != nil {
				return err
			}
			d.Number = docgen.NumberText(o.DocPrefix+"复"+k.Code, today.Year, n)
		}
		d.Status, d.IssuedOn = DocIssued, today
		data, err := s.layout(d, c, false).DOCX()
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		d.SHA256 = hex.EncodeToString(sum[:])
		if blobs != nil {
			got, err := blobs.Put(ctx, tx, d, data)
			if err != nil {
				return err
			}
			if got != d.SHA256 {
				return fmt.Errorf("文书存储校验失败：%s ≠ %s", got, d.SHA256)
			}
		}
		d.UpdatedAt = db.Now()
		if err := tx.ExecOne(ctx, `UPDATE reconsider_documents SET number = ?, status = 'issued', issued_on = ?, sha256 = ?, updated_at = ? WHERE id = ? AND status = 'draft'`,
			d.Number, d.IssuedOn.String(), d.SHA256, d.UpdatedAt, d.ID); err != nil {
			return err
		}
		ev := event(c, today, "issue_document")
		ev.ActorID, ev.ActorName, ev.Note, ev.RefID = p.UserID, p.Name, d.Title+" "+d.Number, d.ID
		if err := casework.InsertEvent(ctx, tx, ev); err != nil {
			return err
		}
		out = d
		return audit.Record(ctx, tx, audit.Entry{Action: "reconsider.issue_document", ObjectType: "reconsider_document", ObjectID: d.ID,
			Detail: map[string]any{"case_id": c.ID, "kind": d.Kind, "number": d.Number, "sha256": d.SHA256, "stored": blobs != nil}})
	})
	return out, err
}

// DocumentDOCX returns the file of a document: a draft is generated now and marked 草稿;
// an issued one is the frozen file, checked against its SHA-256. Without a blob store
// (before internal/files is wired) the frozen file is regenerated from the frozen text,
// which the same check proves byte-identical.
func (s *Service) DocumentDOCX(ctx context.Context, p *auth.Principal, id string, blobs Blobs) (string, []byte, error) {
	d, c, err := s.visibleDocument(ctx, p, id)
	if err != nil {
		return "", nil, err
	}
	if !d.Issued() {
		data, err := s.layout(d, c, true).DOCX()
		return d.FileName(), data, err
	}
	var data []byte
	if blobs != nil {
		rc, err := blobs.Open(ctx, d.SHA256)
		if err != nil {
			return "", nil, fmt.Errorf("读取已印发文书失败：%w", err)
		}
		data, err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return "", nil, fmt.Errorf("读取已印发文书失败：%w", err)
		}
	} else if data, err = s.layout(d, c, false).DOCX(); err != nil {
		return "", nil, err
	}
	sum := sha256.Sum256(data)
	if hex.EncodeToString(sum[:]) != d.SHA256 {
		return "", nil, fmt.Errorf("已印发文书 %s 的文件校验失败，请联系系统管理员", d.Number)
	}
	if err := audit.Log(ctx, s.db, audit.Entry{Action: "export", ObjectType: "reconsider_document", ObjectID: d.ID,
		Detail: map[string]any{"case_id": d.CaseID, "number": d.Number}}); err != nil {
		return "", nil, err
	}
	return d.FileName(), data, nil
}

// layout turns a document into the GB/T 9704 layout: the organ's name over the title,
// the number under it (a blank 号 while a draft), the organ as signer.
func (s *Service) layout(d *Document, c *Case, draft bool) docgen.Document {
	o, _ := s.org.Organ(c.OrganID)
	blocks, attach, copyTo := parseBody(d.Body)
	out := docgen.Document{
		Title:       strings.TrimSpace(o.Name + "\n" + d.Title),
		Recipient:   d.Recipient,
		Body:        blocks,
		Attachments: attach,
		CopyTo:      copyTo,
		Signer:      o.Name,
		Date:        d.IssuedOn,
		Draft:       draft,
		Number:      d.Number,
	}
	if !d.Issued() {
		out.Date = s.Today()
		k, _ := KindOf(d.Kind)
		if k.Code == "" {
			out.Number = c.Number
		} else {
			out.Number = docgen.NumberText(o.DocPrefix+"复"+k.Code, out.Date.Year, 0)
		}
	}
	return out
}

// partyLabels start the lines laid flush left (当事人基本情况, signature lines of a 调解书).
var partyLabels = []string{"申请人", "被申请人", "第三人", "法定代表人", "主要负责人", "负责人", "委托代理人", "法定代理人", "代理人", "共同申请人"}

func partyLine(line string) bool {
	for _, l := range partyLabels {
		if rest, ok := strings.CutPrefix(line, l); ok && (strings.HasPrefix(rest, "：") || strings.HasPrefix(rest, "（")) {
			return true
		}
	}
	return false
}

// parseBody reads the editable text: docgen.Paragraphs for the paragraphs, party lines
// flush left, and trailing 「附件：甲；乙」「抄送：甲，乙」 lines as attachments and copies.
func parseBody(text string) (blocks []docgen.Block, attach, copyTo []string) {
	blocks = docgen.Paragraphs(text)
	for len(blocks) > 0 {
		last := blocks[len(blocks)-1].Text
		if rest, ok := strings.CutPrefix(last, "附件："); ok {
			attach = append(splitList(rest, "；;"), attach...)
		} else if rest, ok := strings.CutPrefix(last, "抄送："); ok {
			copyTo = append(splitList(strings.TrimRight(rest, "。."), "，,、；;"), copyTo...)
		} else {
			break
		}
		blocks = blocks[:len(blocks)-1]
	}
	for i := range blocks {
		if blocks[i].Kind == docgen.Para && partyLine(blocks[i].Text) {
			blocks[i].Kind = docgen.Plain
		}
	}
	return blocks, attach, copyTo
}

func splitList(s, seps string) []string {
	var out []string
	for _, x := range strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune(seps, r) }) {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}

// Segment is a run of preview text; Missing marks a placeholder still to fill.
type Segment struct {
	Text    string
	Missing bool
}

// PreviewBlock is one paragraph of the HTML preview.
type PreviewBlock struct {
	Class    string
	Segments []Segment
}

// Preview is the layout as the page shows it.
func (v *DocumentView) Preview() []PreviewBlock {
	var out []PreviewBlock
	for _, b := range v.Layout.Body {
		out = append(out, PreviewBlock{Class: strings.ToLower(b.Kind.String()), Segments: segments(b.Text)})
	}
	return out
}

// TitleLines splits the title at its line breaks.
func (v *DocumentView) TitleLines() []string { return strings.Split(v.Layout.Title, "\n") }

func segments(s string) []Segment {
	var out []Segment
	for {
		loc := placeholderRE.FindStringIndex(s)
		if loc == nil {
			if s != "" {
				out = append(out, Segment{Text: s})
			}
			return out
		}
		if loc[0] > 0 {
			out = append(out, Segment{Text: s[:loc[0]]})
		}
		out = append(out, Segment{Text: s[loc[0]:loc[1]], Missing: true})
		s = s[loc[1]:]
	}
}
