package disclosure

import (
	"context"
	"net/http"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/files"
	"github.com/fazhi/fazhi/internal/officialdoc"
	"github.com/fazhi/fazhi/internal/web"
)

// The released information is attached to the request (files); the applicant downloads it, and the
// issued notices addressed to them, with the receipt number and query code. Downloads go by POST so
// the query code never sits in a URL, a log or a browser history.

const maxReleaseFiles = 20

// applicantDocs are the kinds addressed to the applicant (the 征求意见函 goes to the third party).
func applicantDoc(d officialdoc.Document) bool { return d.Issued() && d.Kind != DocConsultLetter }

// Release attaches staged uploads to a request p may edit (audited by files).
func (s *Service) Release(ctx context.Context, p *auth.Principal, f *files.Service, id, label string, ups []files.FormFile) error {
	if f == nil {
		return fault.Conflictf("本部署未配置文件存储，不能上传")
	}
	label = strings.TrimSpace(label)
	if label == "" {
		label = "公开的政府信息"
	}
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		r, err := s.getRequest(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if err := s.docs.Editable(p, r); err != nil {
			return err
		}
		if len(ups) == 0 {
			return fault.Field("file", "请选择要上传的文件")
		}
		for _, u := range ups {
			if _, err := f.Attach(ctx, tx, files.Owner{Type: OwnerType, ID: r.ID, OrganID: r.OrganID}, u.Upload, label); err != nil {
				return err
			}
		}
		return nil
	})
}

func (m *Module) uploadRelease(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	p := auth.From(r.Context())
	if m.files == nil {
		return fault.Conflictf("本部署未配置文件存储，不能上传")
	}
	ups, err := m.files.StageForm(r.Context(), r, maxReleaseFiles, func(f string) bool { return f == "file" })
	if err == nil {
		err = m.svc.Release(r.Context(), p, m.files, id, r.FormValue("label"), ups)
	}
	if fe := web.FormFrom(err, r.PostForm); fe != nil {
		return m.renderDetail(w, r, id, http.StatusUnprocessableEntity, fe)
	}
	if err != nil {
		return err
	}
	return web.SeeOther(w, r, "/disclosure/requests/"+id, "已上传公开的信息，申请人可凭收件编号和查询码下载")
}

// staffDownload serves an attachment of a request p may see.
func (m *Module) staffDownload(w http.ResponseWriter, r *http.Request) error {
	req, err := m.svc.Get(r.Context(), auth.From(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	if m.files == nil {
		return fault.NotFoundf("附件不存在")
	}
	a, err := m.files.Get(r.Context(), r.PathValue("file"))
	if err != nil || a.OwnerType != OwnerType || a.OwnerID != req.ID {
		return fault.NotFoundf("附件不存在")
	}
	return m.files.ServeDownload(w, r, a)
}

// publicFiles are what the applicant may download: the issued notices addressed to them and, once
// the request is answered, the released information.
func (m *Module) publicFiles(ctx context.Context, req *Request) (docs []officialdoc.Document, released []files.Attachment, err error) {
	all, err := m.svc.Documents(ctx, req.ID)
	if err != nil {
		return nil, nil, err
	}
	for _, d := range all {
		if applicantDoc(d) {
			docs = append(docs, d)
		}
	}
	if m.files != nil && req.Closed() {
		if released, err = m.files.List(ctx, m.svc.db, OwnerType, req.ID); err != nil {
			return nil, nil, err
		}
	}
	return docs, released, nil
}

// publicDownload: the receipt number and query code name the request; the document or file must be
// one of its own, else the same 404 as a wrong code.
func (m *Module) publicDownload(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return web.Errorf(http.StatusBadRequest, "表单格式有误")
	}
	if err := m.lookupLimit(r); err != nil {
		return err
	}
	pr, err := m.svc.PublicProgress(r.Context(), strings.TrimSpace(r.PostFormValue("receipt_no")), strings.TrimSpace(r.PostFormValue("code")))
	if err != nil {
		return err
	}
	docs, released, err := m.publicFiles(r.Context(), pr.R)
	if err != nil {
		return err
	}
	missing := fault.NotFoundf("文件不存在或收件编号、查询码不正确")
	if id := r.PostFormValue("document"); id != "" {
		for _, d := range docs {
			if d.ID != id {
				continue
			}
			if m.files == nil {
				return missing
			}
			as, err := m.files.List(r.Context(), m.svc.db, "disclosure_document", d.ID)
			if err != nil {
				return err
			}
			for _, a := range as {
				if a.SHA256 == d.SHA256 {
					return m.files.ServeDownload(w, r, a)
				}
			}
		}
		return missing
	}
	id := r.PostFormValue("file")
	for _, a := range released {
		if a.ID == id {
			return m.files.ServeDownload(w, r, a)
		}
	}
	return missing
}
