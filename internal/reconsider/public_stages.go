package reconsider

import (
	"context"
	"io"
	"net/http"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/officialdoc"
	"github.com/fazhi/fazhi/internal/web"
)

// Stage is one step of the public progress bar: 收件 → 受理 → 审理 → 决定.
type Stage struct {
	Name     string
	Status   string        // done, current, todo, stopped (the case ended here)
	On       calendar.Date // when it was reached
	Expected calendar.Date // a current stage: by when the next one is due
	Note     string
}

// Stages tells the applicant where the case stands, with the legal date of the next step.
func Stages(c *Case) []Stage {
	st := []Stage{{Name: "收件", Status: "done", On: c.ReceivedOn}, {Name: "受理", Status: "todo"}, {Name: "审理", Status: "todo"}, {Name: "决定", Status: "todo"}}
	switch c.State {
	case StateReceived:
		st[1].Status, st[1].Expected, st[1].Note = "current", c.Due.Accept, "受理审查中"
	case StateAmending:
		st[1].Status, st[1].Expected, st[1].Note = "current", c.Due.Amend, "等待申请人补正材料"
	case StateNotAccepted, StateOther:
		st[1].Status, st[1].On, st[1].Note = "stopped", c.ClosedOn, c.State.Label()
		if c.Outcome != "" {
			st[1].Note = c.Outcome.Label()
		}
	default:
		st[1].Status, st[1].On = "done", c.AcceptedOn
		if c.Deemed {
			st[1].Note = "视为受理"
		}
		switch c.State {
		case StateConcluded:
			st[2].Status = "done"
			st[3].Status, st[3].On = "done", c.ClosedOn
			if c.Outcome != "" {
				st[3].Note = c.Outcome.Label()
			}
		case StateSuspended:
			st[2].Status, st[2].Note = "current", "中止审理，恢复后继续计算审理期限"
		default:
			st[2].Status, st[2].Expected, st[2].Note = "current", c.Due.Decision, "审理中"
		}
	}
	return st
}

// applicantDocs are the kinds served on the applicant, which the progress page offers once issued.
var applicantDocs = map[string]bool{DocAcceptNotice: true, DocAmendNotice: true, DocRejection: true, DocHearingNotice: true,
	DocSuspendNotice: true, DocResumeNotice: true, DocTermination: true, DocExtensionNotice: true, DocDecision: true, DocMediation: true}

// PublicDocuments lists the issued documents of a case the applicant may download.
func (s *Service) PublicDocuments(ctx context.Context, caseID string) ([]Document, error) {
	all, err := s.docs.List(ctx, s.db, caseID)
	if err != nil {
		return nil, err
	}
	out := []Document{}
	for _, d := range all {
		if d.Issued() && applicantDocs[d.Kind] && d.SHA256 != "" {
			out = append(out, d)
		}
	}
	return out, nil
}

// publicDocument serves one of those documents to the holder of a progress link.
func (m *Module) publicDocument(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := m.svc.openLink(ctx, "progress", r.URL.Query().Get("t"))
	if err != nil {
		return err
	}
	ds, err := m.svc.PublicDocuments(ctx, id)
	if err != nil {
		return err
	}
	for _, d := range ds {
		if d.ID != r.URL.Query().Get("doc") || m.files == nil {
			continue
		}
		rc, err := officialdoc.FileBlobs(m.files).Open(ctx, d.SHA256)
		if err != nil {
			return err
		}
		defer rc.Close()
		body, err := io.ReadAll(rc)
		if err != nil {
			return err
		}
		name := d.Title
		if d.Number != "" {
			name += "（" + d.Number + "）"
		}
		return web.Download(w, name+".docx", officialdoc.DocxType, body)
	}
	return fault.NotFoundf("文书不存在或尚未印发")
}
