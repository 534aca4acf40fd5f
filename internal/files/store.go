package files

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// BlobStore keeps file contents by their SHA-256. An S3-compatible store can implement it later.
type BlobStore interface {
	// Put stores the content of r under sha256hex; storing a hash that exists is a no-op.
	Put(ctx context.Context, sha256hex string, r io.Reader) error
	Open(ctx context.Context, sha256hex string) (io.ReadCloser, error)
	Exists(ctx context.Context, sha256hex string) (bool, error)
}

// ErrBlobMissing reports a hash the store does not hold.
var ErrBlobMissing = errors.New("附件内容不存在")

// DiskStore keeps blobs in dir/ab/cd/<sha256>.
type DiskStore struct {
	dir string
}

// NewDiskStore returns a store rooted at dir (created on first Put).
func NewDiskStore(dir string) *DiskStore { return &DiskStore{dir: dir} }

// Dir is the root directory.
func (s *DiskStore) Dir() string { return s.dir }

// validHash accepts only 64 lowercase hex digits, so a hash can never name a path outside dir.
func validHash(h string) bool {
	if len(h) != 64 {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func (s *DiskStore) path(h string) (string, error) {
	if !validHash(h) {
		return "", fmt.Errorf("附件校验值无效：%q", h)
	}
	return filepath.Join(s.dir, h[:2], h[2:4], h), nil
}

// Put writes r to a temporary file beside the target, checks its hash, fsyncs and renames it
// into place, then fsyncs the directory: a blob is either absent or complete, even after power loss.
func (s *DiskStore) Put(ctx context.Context, h string, r io.Reader) error {
	p, err := s.path(h)
	if err != nil {
		return err
	}
	if _, err := os.Stat(p); err == nil {
		return nil
	}
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("创建附件目录失败：%w", err)
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("写入附件失败：%w", err)
	}
	done := false
	defer func() {
		if !done {
			tmp.Close()
			os.Remove(tmp.Name())
		}
	}()
	sum := sha256.New()
	if _, err := io.Copy(io.MultiWriter(tmp, sum), ctxReader{ctx, r}); err != nil {
		return fmt.Errorf("写入附件失败：%w", err)
	}
	if got := hex.EncodeToString(sum.Sum(nil)); got != h {
		return fmt.Errorf("附件内容与校验值不符（%s ≠ %s）", got, h)
	}
	if err := tmp.Sync(); err != nil {
		return fmt.Errorf("写入附件失败：%w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("写入附件失败：%w", err)
	}
	if err := os.Rename(tmp.Name(), p); err != nil {
		return fmt.Errorf("写入附件失败：%w", err)
	}
	done = true
	return syncDir(dir)
}

// syncDir makes the rename durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return fmt.Errorf("写入附件失败：%w", err)
	}
	return nil
}

// Open returns the blob; the *os.File it returns also seeks, for range requests.
func (s *DiskStore) Open(_ context.Context, h string) (io.ReadCloser, error) {
	p, err := s.path(h)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w：%s", ErrBlobMissing, h)
	}
	return f, err
}

// Exists reports whether the blob is stored.
func (s *DiskStore) Exists(_ context.Context, h string) (bool, error) {
	p, err := s.path(h)
	if err != nil {
		return false, err
	}
	_, err = os.Stat(p)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return err == nil, err
}

// ctxReader stops a long copy when the request is cancelled.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
