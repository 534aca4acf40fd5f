package files

import (
	"context"
	"fmt"
	"io"
	"maps"
	"mime/multipart"
	"net/http"
	"slices"
	"strings"

	"github.com/fazhi/fazhi/internal/fault"
)

// FormFile is one checked and stored file of a multipart form, with the form field it came in.
type FormFile struct {
	Field string
	Upload
	header *multipart.FileHeader
}

// Bytes reads the uploaded file again (for text extraction), at most limit bytes.
func (f FormFile) Bytes(limit int64) ([]byte, error) {
	rc, err := f.header.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, limit))
}

// StageForm checks and stores every file of the form fields accepted (at most maxFiles in all);
// rejected files become one message per field naming each file, and nothing is stored for the
// form's caller to attach. The form must already be parsed (the CSRF check parses it).
func (s *Service) StageForm(ctx context.Context, r *http.Request, maxFiles int, accepted func(field string) bool) ([]FormFile, error) {
	if r.MultipartForm == nil {
		return nil, nil
	}
	var out []FormFile
	fe := &fault.Fields{}
	bad := map[string][]string{}
	for _, field := range slices.Sorted(maps.Keys(r.MultipartForm.File)) {
		if !accepted(field) {
			continue
		}
		for _, fh := range r.MultipartForm.File[field] {
			if len(out) >= maxFiles {
				fe.Add(field, fmt.Sprintf("一次最多上传%d个文件", maxFiles))
				break
			}
			f, err := fh.Open()
			if err != nil {
				return nil, err
			}
			up, err := s.Stage(ctx, fh.Filename, f)
			f.Close()
			switch {
			case IsRejected(err):
				bad[field] = append(bad[field], SafeFilename(fh.Filename)+"："+err.Error())
			case err != nil:
				return nil, err
			default:
				out = append(out, FormFile{Field: field, Upload: up, header: fh})
			}
		}
	}
	for field, msgs := range bad {
		fe.Add(field, strings.Join(msgs, "；")+"（请重新选择文件）")
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	return out, nil
}
