// Package files stores attachments: content-addressed blobs (on disk now, S3-compatible later)
// and attachment rows that tie a blob to an owner record with its file name and label.
//
// Every upload is checked by size and by content against an allow-list (the extension must
// match what the bytes are; executables are refused), and the stored content type comes from
// that check, never from the browser.
//
// Permission checks stay with the calling module: files does not know who may see a 复议案件
// or a 审查申请. A module lists, saves and serves attachments only after it has loaded the owner
// record with its own data-scope check, and must check that an attachment ID taken from a URL
// belongs to that owner (Attachment.OwnerType/OwnerID) before serving it.
package files

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/db"
)

// Owner is the record an attachment belongs to.
type Owner struct {
	Type    string // e.g. "reconsider_case"
	ID      string
	OrganID string // the owner's organ, for data scope and statistics
}

// Attachment is one stored file of an owner.
type Attachment struct {
	ID          string `json:"id"`
	OwnerType   string `json:"owner_type"`
	OwnerID     string `json:"owner_id"`
	OrganID     string `json:"organ_id"`
	SHA256      string `json:"sha256"`
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	Label       string `json:"label"` // 材料名称, e.g. 行政复议申请书
	UploadedBy  string `json:"uploaded_by"`
	CreatedAt   string `json:"created_at"`
	Size        int64  `json:"size"`
}

// Upload is a checked file whose blob is already stored, ready to attach inside a transaction.
type Upload struct {
	SHA256      string
	Filename    string
	ContentType string
	Size        int64
}

// Service saves, lists and serves attachments.
type Service struct {
	db      *db.DB
	store   BlobStore
	maxSize int64
	// TempDir holds uploads while they are checked ("" = the system default).
	TempDir string
}

// New returns a service that refuses files larger than maxSize bytes.
func New(d *db.DB, store BlobStore, maxSize int64) *Service {
	return &Service{db: d, store: store, maxSize: maxSize}
}

// MaxSize is the per-file limit in bytes (for http.MaxBytesReader and form hints).
func (s *Service) MaxSize() int64 { return s.maxSize }

// Store is the blob store behind the service.
func (s *Service) Store() BlobStore { return s.store }

// Save checks and stores the file read from r and attaches it to owner in tx, audited.
// The blob is written first (outside the database); if tx later rolls back, no attachment row
// remains and the blob is an unreferenced file that a sweep may remove.
//
// On SQLite tx holds the only write connection, so a handler with large files should rather call
// Stage before opening the transaction and Attach inside it.
func (s *Service) Save(ctx context.Context, tx *db.Tx, owner Owner, filename, label string, r io.Reader) (Attachment, error) {
	up, err := s.Stage(ctx, filename, r)
	if err != nil {
		return Attachment{}, err
	}
	return s.Attach(ctx, tx, owner, up, label)
}

// Stage checks the file (name, size, content) and writes its blob, without touching the database.
// Rejections are *RejectError with a Chinese message.
func (s *Service) Stage(ctx context.Context, filename string, r io.Reader) (Upload, error) {
	name := SafeFilename(filename)
	if name == "" {
		return Upload{}, reject("文件名不能为空")
	}
	ext := strings.ToLower(extOf(name))
	if ext == "" {
		return Upload{}, reject("无法识别文件类型：文件名缺少扩展名")
	}
	if _, ok := kindOf(ext); !ok {
		return Upload{}, reject("不支持的文件类型：%s", ext) // before reading a byte
	}
	tmp, err := os.CreateTemp(s.TempDir, "fazhi-upload-*")
	if err != nil {
		return Upload{}, fmt.Errorf("暂存上传文件失败：%w", err)
	}
	defer func() {
		tmp.Close()
		os.Remove(tmp.Name())
	}()
	sum := sha256.New()
	n, err := io.Copy(io.MultiWriter(tmp, sum), io.LimitReader(ctxReader{ctx, r}, s.maxSize+1))
	if err != nil {
		return Upload{}, fmt.Errorf("读取上传文件失败：%w", err)
	}
	if n > s.maxSize {
		return Upload{}, reject("文件超过 %s 上限", sizeLabel(s.maxSize))
	}
	if n == 0 {
		return Upload{}, reject("文件为空")
	}
	head := make([]byte, min(n, 1024))
	if _, err := tmp.ReadAt(head, 0); err != nil {
		return Upload{}, fmt.Errorf("读取上传文件失败：%w", err)
	}
	ct, err := detect(ext, sample{head: head, all: tmp, size: n})
	if err != nil {
		return Upload{}, err
	}
	up := Upload{SHA256: hex.EncodeToString(sum.Sum(nil)), Filename: name, ContentType: ct, Size: n}
	if err := s.store.Put(ctx, up.SHA256, io.NewSectionReader(tmp, 0, n)); err != nil {
		return Upload{}, fmt.Errorf("保存附件失败：%w", err)
	}
	return up, nil
}

// Attach records a staged upload as an attachment of owner in tx, audited.
func (s *Service) Attach(ctx context.Context, tx *db.Tx, owner Owner, up Upload, label string) (Attachment, error) {
	if owner.Type == "" || owner.ID == "" {
		return Attachment{}, errors.New("files: attachment without owner")
	}
	if ok, err := s.store.Exists(ctx, up.SHA256); err != nil || !ok {
		return Attachment{}, fmt.Errorf("保存附件失败：附件内容未写入（%v）", err)
	}
	a := Attachment{
		ID: db.NewID(), OwnerType: owner.Type, OwnerID: owner.ID, OrganID: owner.OrganID,
		SHA256: up.SHA256, Filename: up.Filename, ContentType: up.ContentType, Size: up.Size,
		Label: cleanLabel(label), UploadedBy: audit.ActorFrom(ctx).UserID, CreatedAt: db.Now(),
	}
	if err := tx.Exec(ctx, qInsertBlob, a.SHA256, a.Size, a.ContentType, a.CreatedAt); err != nil {
		return Attachment{}, fmt.Errorf("保存附件失败：%w", err)
	}
	if err := tx.Exec(ctx, qInsertAttachment, a.ID, a.OwnerType, a.OwnerID, a.OrganID, a.SHA256, a.Filename,
		a.ContentType, a.Size, a.Label, a.UploadedBy, a.CreatedAt); err != nil {
		return Attachment{}, fmt.Errorf("保存附件失败：%w", err)
	}
	err := audit.Record(ctx, tx, audit.Entry{Action: "attach", ObjectType: owner.Type, ObjectID: owner.ID, Detail: map[string]any{
		"attachment": a.ID, "filename": a.Filename, "label": a.Label, "sha256": a.SHA256, "size": a.Size, "content_type": a.ContentType,
	}})
	return a, err
}

// cleanLabel keeps a label to one line of at most 100 characters.
func cleanLabel(s string) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == utf8.RuneError {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	if utf8.RuneCountInString(s) > 100 {
		s = string([]rune(s)[:100])
	}
	return s
}

const (
	qInsertBlob = `INSERT INTO blobs (sha256, size, content_type, created_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (sha256) DO NOTHING`
	qInsertAttachment = `INSERT INTO attachments (id, owner_type, owner_id, organ_id, sha256, filename, content_type, size, label, uploaded_by, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	qColumns     = `id, owner_type, owner_id, organ_id, sha256, filename, content_type, size, label, uploaded_by, created_at`
	qListByOwner = `SELECT ` + qColumns + ` FROM attachments WHERE owner_type = ? AND owner_id = ? ORDER BY created_at, id`
	qGet         = `SELECT ` + qColumns + ` FROM attachments WHERE id = ?`
)

func scan(sc interface{ Scan(...any) error }) (Attachment, error) {
	var a Attachment
	err := sc.Scan(&a.ID, &a.OwnerType, &a.OwnerID, &a.OrganID, &a.SHA256, &a.Filename, &a.ContentType, &a.Size, &a.Label, &a.UploadedBy, &a.CreatedAt)
	return a, err
}

// List returns the attachments of one owner, oldest first. q may be the DB or a Tx.
func (s *Service) List(ctx context.Context, q db.Querier, ownerType, ownerID string) ([]Attachment, error) {
	rows, err := q.QueryContext(ctx, qListByOwner, ownerType, ownerID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []Attachment{}
	for rows.Next() {
		a, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// Get returns one attachment; db.ErrNotFound when there is none. The caller checks that it
// belongs to an owner the user may see.
func (s *Service) Get(ctx context.Context, id string) (Attachment, error) {
	a, err := scan(s.db.QueryRowContext(ctx, qGet, id))
	if errors.Is(err, sql.ErrNoRows) {
		return Attachment{}, fmt.Errorf("附件%w", db.ErrNotFound)
	}
	return a, err
}

// Open returns the content of a.
func (s *Service) Open(ctx context.Context, a Attachment) (io.ReadCloser, error) {
	return s.store.Open(ctx, a.SHA256)
}
