package officialdoc

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
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/docgen"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/files"
)

// Placeholder matches the 【请…】 marks the clerk has to replace before a document can issue.
var Placeholder = regexp.MustCompile(`【请[^】]*】`)

// placeholders lists the marks left in a document.
func placeholders(d *Document) []string {
	return Placeholder.FindAllString(d.Title+"\n"+d.Recipient+"\n"+d.Body, -1)
}

// errNoDocument answers for a document whose record p may not see, as for a missing one.
func (r *Room[R]) errNoDocument() error {
	return fault.NotFoundf("%s不存在或您无权查看", r.noun())
}

// visible loads a document and its record for p (drafts only if Visible allows them).
func (r *Room[R]) visible(ctx context.Context, q db.Querier, p *auth.Principal, id string, lock bool) (*Document, R, error) {
	var zero R
	r.check()
	d, err := r.Get(ctx, q, id, lock)
	if err != nil {
		return nil, zero, err
	}
	rec, err := r.Visible(ctx, q, p, d.OwnerID, !d.Issued())
	if errors.Is(err, fault.NotFound) {
		return nil, zero, r.errNoDocument()
	} else if err != nil {
		return nil, zero, err
	}
	return d, rec, nil
}

// editable loads a draft for a write in tx, locked, and checks p may change it.
func (r *Room[R]) editable(ctx context.Context, tx *db.Tx, p *auth.Principal, id string) (*Document, R, error) {
	var zero R
	d, rec, err := r.visible(ctx, tx, p, id, true)
	if err != nil {
		return nil, zero, err
	}
	if err := r.Editable(p, rec); err != nil {
		return nil, zero, err
	}
	if d.Issued() {
		return nil, zero, fault.Conflictf("文书已印发，不能修改")
	}
	return d, rec, nil
}

// View is a document as its page shows it.
type View[R any] struct {
	Doc     *Document
	Record  R
	Owner   Owner
	Layout  docgen.Document // what the DOCX will contain
	Missing []string        // placeholders still to fill before issuing
	CanEdit bool
	Parties []Party // who it is served on, each with a 送达回证 (issued documents)
}

// View loads a document p may see.
func (r *Room[R]) View(ctx context.Context, p *auth.Principal, id string) (*View[R], error) {
	d, rec, err := r.visible(ctx, r.DB, p, id, false)
	if err != nil {
		return nil, err
	}
	v := &View[R]{Doc: d, Record: rec, Owner: r.Owner(rec), CanEdit: !d.Issued() && r.Editable(p, rec) == nil}
	v.Layout = r.layout(d, v.Owner, !d.Issued())
	v.Missing = placeholders(d)
	if strings.HasPrefix(v.Layout.Number, NoPrefixMark) {
		v.Missing = append(v.Missing, NoPrefixMark)
	}
	if v.Parties, err = r.PartiesOf(ctx, rec, d); err != nil {
		return nil, err
	}
	return v, nil
}

// Input is the editable part of a draft.
type Input struct {
	Title     string `json:"title"`
	Recipient string `json:"recipient"`
	Body      string `json:"body"`
	UpdatedAt string `json:"updated_at"` // as loaded; a later save by someone else is refused
}

func (in *Input) validate() error {
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

// Save changes a draft's title, 主送 and text.
func (r *Room[R]) Save(ctx context.Context, p *auth.Principal, id string, in Input) (*Document, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	var out *Document
	err := r.DB.Tx(ctx, func(tx *db.Tx) error {
		d, _, err := r.editable(ctx, tx, p, id)
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
		if err := tx.ExecOne(ctx, `UPDATE official_documents SET title = ?, recipient = ?, body = ?, updated_at = ? WHERE id = ? AND status = 'draft'`,
			d.Title, d.Recipient, d.Body, d.UpdatedAt, d.ID); err != nil {
			return err
		}
		out = d
		return audit.Record(ctx, tx, audit.Entry{Action: r.Module + ".update_document", ObjectType: r.object(), ObjectID: d.ID,
			Detail: map[string]any{"owner_type": d.OwnerType, "owner_id": d.OwnerID, "kind": d.Kind, "changed": changed}})
	})
	return out, err
}

// runes records the size of a text in the audit trail, not its content (it may be long and personal).
func runes(s string) string { return fmt.Sprintf("%d字", utf8.RuneCountInString(s)) }

// Issue freezes a draft in one transaction: the 文号 (the next of the organ, kind and year, or the
// record's own number), the DOCX stored through blobs when given, issued_at and issued_by, the
// issue event on the record's timeline and the audit entry. A draft with a 【请…】 mark left is
// refused with the marks named, and uses up no number.
func (r *Room[R]) Issue(ctx context.Context, p *auth.Principal, id string, blobs Blobs) (*Document, error) {
	today := r.Today()
	var out *Document
	err := r.DB.Tx(ctx, func(tx *db.Tx) error {
		d, rec, err := r.editable(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if m := placeholders(d); len(m) > 0 {
			fe := &fault.Fields{Msg: "文书中还有待填写的内容，请填写后再印发：" + strings.Join(m, "、")}
			fe.Add("body", "还有待填写的内容："+strings.Join(m, "、"))
			return fe
		}
		k, ok := r.KindOf(d.Kind)
		if !ok {
			return fmt.Errorf("未知的文书种类 %q", d.Kind)
		}
		own := r.Owner(rec)
		if k.CaseNumber {
			if own.Number == "" {
				return fault.Conflictf("尚无案号，不能印发%s", k.Name)
			}
			d.Number = own.Number
		} else {
			prefix, err := r.prefix(own.OrganID)
			if err != nil {
				return err
			}
			n, err := db.NextNumber(ctx, tx, own.OrganID, r.counter(d.Kind), today.Year)
			if err != nil {
				return err
			}
			d.Number = Number(prefix, k.Code, today.Year, n)
		}
		d.Status, d.IssuedOn, d.IssuedBy = Issued, today, p.UserID
		data, err := r.layout(d, own, false).DOCX()
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		d.SHA256 = hex.EncodeToString(sum[:])
		if blobs != nil {
			got, err := blobs.Put(ctx, tx, r.fileOwner(d), data)
			if err != nil {
				return err
			}
			if got != d.SHA256 {
				return fmt.Errorf("文书存储校验失败：%s ≠ %s", got, d.SHA256)
			}
		}
		d.IssuedAt = db.Now()
		d.UpdatedAt = d.IssuedAt
		if err := tx.ExecOne(ctx, `UPDATE official_documents SET number = ?, status = 'issued', issued_on = ?, issued_at = ?, issued_by = ?, sha256 = ?, updated_at = ? WHERE id = ? AND status = 'draft'`,
			d.Number, d.IssuedOn.String(), d.IssuedAt, d.IssuedBy, d.SHA256, d.UpdatedAt, d.ID); err != nil {
			return err
		}
		if err := casework.InsertEvent(ctx, tx, &casework.Event{OwnerType: r.OwnerType, OwnerID: own.ID, OrganID: own.OrganID, At: d.IssuedAt, On: today,
			Action: "issue_document", FromState: own.State, ToState: own.State, ActorID: p.UserID, ActorName: p.Name,
			Note: d.Title + " " + d.Number, RefID: d.ID}); err != nil {
			return err
		}
		out = d
		return audit.Record(ctx, tx, audit.Entry{Action: r.Module + ".issue_document", ObjectType: r.object(), ObjectID: d.ID,
			Detail: map[string]any{"owner_type": d.OwnerType, "owner_id": d.OwnerID, "kind": d.Kind, "number": d.Number, "sha256": d.SHA256, "stored": blobs != nil}})
	})
	return out, err
}

// DOCX returns the file of a document p may see: a draft is generated now and marked 草稿; an
// issued one is the frozen file, checked against its SHA-256 (regenerated from the frozen text
// when no blob store is given, which the same check proves byte-identical). Downloading an issued
// document is audited as an export.
func (r *Room[R]) DOCX(ctx context.Context, p *auth.Principal, id string, blobs Blobs) (string, []byte, error) {
	d, rec, err := r.visible(ctx, r.DB, p, id, false)
	if err != nil {
		return "", nil, err
	}
	own := r.Owner(rec)
	if !d.Issued() {
		data, err := r.layout(d, own, true).DOCX()
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
	} else if data, err = r.layout(d, own, false).DOCX(); err != nil {
		return "", nil, err
	}
	sum := sha256.Sum256(data)
	if hex.EncodeToString(sum[:]) != d.SHA256 {
		return "", nil, fmt.Errorf("已印发文书 %s 的文件校验失败，请联系系统管理员", d.Number)
	}
	if err := audit.Log(ctx, r.DB, audit.Entry{Action: "export", ObjectType: r.object(), ObjectID: d.ID,
		Detail: map[string]any{"owner_type": d.OwnerType, "owner_id": d.OwnerID, "number": d.Number}}); err != nil {
		return "", nil, err
	}
	return d.FileName(), data, nil
}

// FileBlobs stores frozen documents through internal/files: each becomes an attachment of its
// document (blob, blobs row, attachments row, audit entry).
func FileBlobs(f *files.Service) Blobs { return fileBlobs{f} }

type fileBlobs struct{ f *files.Service }

func (b fileBlobs) Put(ctx context.Context, tx *db.Tx, o FileOwner, data []byte) (string, error) {
	a, err := b.f.Save(ctx, tx, files.Owner{Type: o.Type, ID: o.ID, OrganID: o.OrganID}, o.Filename, o.Label, bytes.NewReader(data))
	return a.SHA256, err
}

func (b fileBlobs) Open(ctx context.Context, sha string) (io.ReadCloser, error) {
	return b.f.Store().Open(ctx, sha)
}
