// Package officialdoc is the platform room for official documents (通知书, 决定书, 意见书 …):
// a module declares its kinds and how each text is composed from its record; the room keeps the
// rows (official_documents, keyed by owner type and id like attachments and case_events), the
// draft → issued lifecycle, the 文号 per organ, kind and year, the frozen DOCX (GB/T 9704 via
// docgen, stored through files), the issue event on the owner's timeline, the audit, and the
// document page with its edit form.
//
// Permission stays with the module: Room.Visible and Room.Editable decide who sees and changes the
// documents of a record, as files leaves attachment permissions to the module.
package officialdoc

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/docgen"
	"github.com/fazhi/fazhi/internal/org"
)

// Statuses of a document.
const (
	Draft  = "draft"
	Issued = "issued"
)

// DocxType is the media type of a DOCX file.
const DocxType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

// Number writes a 文号: Number("青政", "复受", 2026, 3) = 青政复受〔2026〕3号; seq 0 leaves the
// number blank (青政复受〔2026〕　号) for a draft.
func Number(prefix, code string, year, seq int) string {
	return docgen.NumberText(prefix+code, year, seq)
}

// Text is what a composer writes for a new draft; an empty Title is the kind's name.
type Text struct {
	Title     string
	Recipient string // 主送, "" for a 决定书
	Body      string // one paragraph a line; 【请…】 marks what the clerk must fill in
}

// Kind declares one kind of document of a module.
type Kind[R any] struct {
	Kind       string // stored code: accept_notice, decision …
	Name       string // 行政复议受理通知书: the default title
	Code       string // 文号 code after the organ's prefix: 复受 gives 青政复受〔2026〕3号
	CaseNumber bool   // the document carries the record's own number (a 决定书) instead of one of its own
	// Compose writes the draft from the record, in the transaction of the step that calls for it;
	// on is the legal date of that step.
	Compose func(ctx context.Context, tx *db.Tx, rec R, on calendar.Date) (Text, error)
}

// Owner is what the room needs to know of a record.
type Owner struct {
	ID      string
	OrganID string // the organ that issues: its name heads and signs the document, its prefix numbers it
	Number  string // the record's number (案号), carried by CaseNumber kinds
	State   string // the record's state, written unchanged to the issue event
	URL     string // the record's page
	Ref     string // the link text: 案号 or receipt number
	Summary string // a short description after the link: 张三 不服 青山县公安局
}

// Document is one official document: a draft until issued, then frozen.
type Document struct {
	ID        string
	OwnerType string
	OwnerID   string
	OrganID   string
	Kind      string
	Number    string
	Title     string
	Recipient string
	Body      string
	Status    string
	IssuedOn  calendar.Date
	IssuedAt  string
	IssuedBy  string
	SHA256    string
	CreatedBy string
	CreatedAt string
	UpdatedAt string

	name string // the kind's name, filled by the room
}

// Issued reports whether the document is frozen.
func (d Document) Issued() bool { return d.Status == Issued }

// KindName is the Chinese name of the kind.
func (d Document) KindName() string { return d.name }

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

// Room is one module's documents. Fill the fields once, at the module's construction.
type Room[R any] struct {
	DB  *db.DB
	Org *org.Service
	// OwnerType is the owner records' type (as in case_events): reconsider_case.
	OwnerType string
	// Module prefixes the audit actions (reconsider.issue_document) and the counters
	// (reconsider.doc.accept_notice, per organ and year).
	Module string
	// Object is the audit object type and the attachment owner type of the frozen files;
	// "" is official_document.
	Object    string
	Noun      string // 复议文书: in messages (文书 when empty)
	Label     string // 行政复议: the module column of the workbench (Noun when empty)
	OwnerNoun string // 案件: the record on the document page (案件 when empty)
	Kinds     []Kind[R]
	// FlushLeft lists the labels whose lines are laid flush left (申请人：, 被申请人（…）…).
	FlushLeft []string
	Today     func() calendar.Date
	// Owner tells the room about a record.
	Owner func(R) Owner
	// Visible loads the record p may see the documents of (a draft's when draft); an error that is
	// fault.NotFound answers as a missing document, any other (fault.Forbidden …) as itself. q may be a
	// transaction (writes).
	Visible func(ctx context.Context, q db.Querier, p *auth.Principal, ownerID string, draft bool) (R, error)
	// Editable reports whether p may change and issue the documents of rec: nil, or why not
	// (fault.Forbiddenf).
	Editable func(p *auth.Principal, rec R) error
	// Prefix gives the 文号 prefix (机关代字) of the issuing organ, or why there is none: the draft
	// then shows a 【请…】 mark in the number and issuing is refused with the error. nil is the
	// organ's own DocPrefix.
	Prefix func(o org.Organ) (string, error)
	// Parties lists who an issued document of rec is served on, for its 送达回证 (receipt.go); nil
	// when the module's documents need none.
	Parties func(ctx context.Context, q db.Querier, rec R, d *Document) ([]Party, error)
}

// KindOf finds a declared kind.
func (r *Room[R]) KindOf(kind string) (Kind[R], bool) {
	for _, k := range r.Kinds {
		if k.Kind == kind {
			return k, true
		}
	}
	return Kind[R]{}, false
}

func (r *Room[R]) object() string {
	if r.Object != "" {
		return r.Object
	}
	return "official_document"
}

func (r *Room[R]) noun() string {
	if r.Noun != "" {
		return r.Noun
	}
	return "文书"
}

// Blobs keeps the frozen files of issued documents. FileBlobs adapts internal/files; tests use a
// map. Without one, an issued file is regenerated from its frozen text and checked against its hash.
type Blobs interface {
	// Put stores data as part of tx, as an attachment of owner, and returns its SHA-256 in hex.
	Put(ctx context.Context, tx *db.Tx, owner FileOwner, data []byte) (string, error)
	// Open returns the stored bytes of a SHA-256.
	Open(ctx context.Context, sha256 string) (io.ReadCloser, error)
}

// FileOwner names the stored file of a document.
type FileOwner struct {
	Type     string // the room's Object
	ID       string // the document
	OrganID  string
	Filename string
	Label    string
}

func (r *Room[R]) fileOwner(d *Document) FileOwner {
	return FileOwner{Type: r.object(), ID: d.ID, OrganID: d.OrganID, Filename: d.FileName(), Label: d.Title + " " + d.Number}
}

func (r *Room[R]) organ(id string) org.Organ {
	o, _ := r.Org.Organ(id)
	return o
}

// numberOf is the 文号 a document shows: its own once issued; while a draft, the record's number
// or a blank 〔year〕　号 of today's year.
func (r *Room[R]) numberOf(d *Document, own Owner, on calendar.Date) string {
	if d.Issued() {
		return d.Number
	}
	k, _ := r.KindOf(d.Kind)
	if k.CaseNumber {
		return own.Number
	}
	prefix, err := r.prefix(own.OrganID)
	if err != nil {
		return Number(NoPrefixMark, k.Code, on.Year, 0)
	}
	return Number(prefix, k.Code, on.Year, 0)
}

// NoPrefixMark stands for the 机关代字 in a draft's number when Room.Prefix finds none.
const NoPrefixMark = "【请设置发文机关代字】"

func (r *Room[R]) prefix(organID string) (string, error) {
	o := r.organ(organID)
	if r.Prefix == nil {
		return o.DocPrefix, nil
	}
	return r.Prefix(o)
}

func (r *Room[R]) counter(kind string) string { return r.Module + ".doc." + kind }

func (r *Room[R]) check() {
	if r.DB == nil || r.Org == nil || r.Owner == nil || r.Visible == nil || r.Editable == nil || r.Today == nil || r.OwnerType == "" || r.Module == "" {
		panic(fmt.Sprintf("officialdoc: room %q is missing a field", r.OwnerType))
	}
}
