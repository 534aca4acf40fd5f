package files

import (
	"fmt"
	"io"
	"net/http"
	"strconv"
	"time"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/web"
)

// ServeDownload sends a as a download: the stored (checked) content type, nosniff, a
// Content-Disposition that carries the Chinese name (RFC 6266/5987), and range support when the
// store can seek. The download is audited. The caller has already checked that the user may see
// a's owner and that a belongs to it.
func (s *Service) ServeDownload(w http.ResponseWriter, r *http.Request, a Attachment) error {
	rc, err := s.Open(r.Context(), a)
	if err != nil {
		return err
	}
	defer rc.Close()
	if err := audit.Log(r.Context(), s.db, audit.Entry{Action: "download", ObjectType: a.OwnerType, ObjectID: a.OwnerID,
		Detail: map[string]any{"attachment": a.ID, "filename": a.Filename}}); err != nil {
		return fmt.Errorf("记录下载审计失败：%w", err)
	}
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	h.Set("Content-Disposition", web.ContentDisposition(a.Filename))
	h.Set("X-Content-Type-Options", "nosniff")
	// A file opened in the browser's own tab runs nothing and reaches nothing.
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-store")
	h.Set("ETag", strconv.Quote(a.SHA256)) // content-addressed: the hash is a perfect validator
	if rs, ok := rc.(io.ReadSeeker); ok {
		http.ServeContent(w, r, "", time.Time{}, rs)
		return nil
	}
	h.Set("Content-Length", strconv.FormatInt(a.Size, 10))
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodHead {
		return nil
	}
	io.Copy(w, rc) // headers are out: an error here is the client going away, nothing to render
	return nil
}
