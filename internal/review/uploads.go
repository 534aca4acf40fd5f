package review

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/files"
	"github.com/fazhi/fazhi/internal/web"
)

// Materials come as files, one input per checklist item (file_<code>): the 送审函, the draft, the
// 起草说明 … are kept as the request's attachments, and a DOCX draft gives the text compared
// between rounds and indexed for search, so nobody pastes a draft into a text box.

const maxMaterialFiles = 30

func isMaterialField(field string) bool { return strings.HasPrefix(field, "file_") }

// stageMaterials stores the form's material files; draft is the text of the first DOCX uploaded
// for a draft item ("" when none). Rejected files are field messages.
func (m *Module) stageMaterials(ctx context.Context, r *http.Request) (out []MaterialFile, draft string, err error) {
	if m.svc.files == nil {
		return nil, "", nil
	}
	ffs, err := m.svc.files.StageForm(ctx, r, maxMaterialFiles, isMaterialField)
	if err != nil {
		return nil, "", err
	}
	for _, f := range ffs {
		code := strings.TrimPrefix(f.Field, "file_")
		out = append(out, MaterialFile{Code: code, Upload: f.Upload})
		if draft != "" || !IsDraftItem(code) || !strings.EqualFold(extension(f.Filename), ".docx") {
			continue
		}
		data, err := f.Bytes(m.svc.files.MaxSize())
		if err != nil {
			return nil, "", err
		}
		if draft, err = files.DocxText(data); err != nil {
			return nil, "", fault.Field(f.Field, files.SafeFilename(f.Filename)+"：无法读取该 DOCX 文件的正文，请在文字处理软件中另存为 .docx 后重新上传")
		}
	}
	return out, draft, nil
}

func extension(name string) string {
	if i := strings.LastIndexByte(name, '.'); i >= 0 {
		return name[i:]
	}
	return ""
}

type formMaterialsKey struct{}

// formMaterials are the files of a page form and the draft text read from them.
type formMaterials struct {
	files []MaterialFile
	draft string
}

// withFormMaterials carries the files of a page form to the action that takes them (resubmit):
// the API has no files, the same action runs for both.
func withFormMaterials(ctx context.Context, fm formMaterials) context.Context {
	return context.WithValue(ctx, formMaterialsKey{}, fm)
}

func formMaterialsFrom(ctx context.Context) formMaterials {
	fm, _ := ctx.Value(formMaterialsKey{}).(formMaterials)
	return fm
}

// download serves a material file of a request the user may see (the request's scope, then the
// file must belong to it); every download is audited by files.
func (m *Module) download(w http.ResponseWriter, r *http.Request) error {
	req, err := m.svc.Get(r.Context(), auth.From(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	if m.svc.files == nil {
		return web.NotFound("材料文件")
	}
	a, err := m.svc.files.Get(r.Context(), r.PathValue("fid"))
	if errors.Is(err, db.ErrNotFound) || err == nil && (a.OwnerType != ownerType || a.OwnerID != req.ID) {
		return web.NotFound("材料文件")
	} else if err != nil {
		return err
	}
	return m.svc.files.ServeDownload(w, r, a)
}
