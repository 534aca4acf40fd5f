package litigation

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/fazhi/fazhi/internal/action"
	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
)

// uploadKinds maps the upload fields of the forms and of the multipart API to document kinds.
var uploadKinds = map[string]string{
	"file_complaint": "起诉状副本", "file_notice": "应诉通知书", "file_evidence_notice": "举证通知书",
	"file_answer": "答辩状", "file_evidence_list": "证据目录", "file_basis": "规范性文件依据", "file_evidence": "证据材料",
	"file_decision": "裁判文书",
}

// uploadFields are the fields each upload step accepts.
var uploadFields = map[string][]string{
	"register": {"file_complaint", "file_notice", "file_evidence_notice"},
	"answer":   {"file_answer", "file_evidence_list", "file_basis", "file_evidence"},
	"decide":   {"file_decision"},
}

const maxUploadFiles = 20

type docsKey struct{}

// withDocs passes a step's staged documents to the action that files them.
func withDocs(ctx context.Context, docs []Doc) context.Context {
	return context.WithValue(ctx, docsKey{}, docs)
}

func docsFrom(ctx context.Context) []Doc {
	d, _ := ctx.Value(docsKey{}).([]Doc)
	return d
}

// decisionDocKind names the document that carries a decision.
func decisionDocKind(o Outcome) string {
	switch {
	case o.Judgment():
		return "判决书"
	case o == Mediation:
		return "调解书"
	}
	return "裁定书"
}

// parseUploadForm parses a multipart body when the shell has not (bearer API calls skip the CSRF
// check that parses forms).
func (m *Module) parseUploadForm(r *http.Request) error {
	if r.MultipartForm != nil {
		return nil
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
		return r.ParseForm() // a step without files
	}
	limit := int64(64 << 20)
	if m.d.Files != nil {
		limit = m.d.Files.MaxSize()*maxUploadFiles + 1<<20
	}
	if err := r.ParseMultipartForm(limit); err != nil {
		if errors.Is(err, http.ErrNotMultipart) {
			return fault.Field("files", "请以 multipart/form-data 上传文件")
		}
		return fault.Field("files", "上传内容无法读取："+err.Error())
	}
	return nil
}

// stageForm checks and stores the step's files (files.StageForm names each rejected file).
func (m *Module) stageForm(r *http.Request, step string) ([]Doc, error) {
	if m.d.Files == nil || r.MultipartForm == nil {
		return nil, nil
	}
	ok := map[string]bool{}
	for _, f := range uploadFields[step] {
		ok[f] = true
	}
	staged, err := m.d.Files.StageForm(r.Context(), r, maxUploadFiles, func(f string) bool { return ok[f] })
	if err != nil {
		return nil, err
	}
	var out []Doc
	for i := range staged {
		up := staged[i].Upload
		out = append(out, Doc{Kind: uploadKinds[staged[i].Field], Filename: up.Filename, Staged: &up})
	}
	return out, nil
}

// formValues are the plain fields of a form, urlencoded or multipart.
func formValues(r *http.Request) url.Values {
	if r.MultipartForm != nil {
		return url.Values(r.MultipartForm.Value)
	}
	return r.PostForm
}

// runUpload runs an action whose form carries files: decode, stage, run with the documents.
func (m *Module) runUpload(r *http.Request, a action.Action[*Case]) (*Case, error) {
	if err := m.parseUploadForm(r); err != nil {
		return nil, err
	}
	in, fe := a.Decode(formValues(r))
	if err := fe.Err(); err != nil {
		return nil, err
	}
	docs, err := m.stageForm(r, a.Name)
	if err != nil {
		return nil, err
	}
	return a.Run(withDocs(r.Context(), docs), auth.From(r.Context()), r.PathValue("id"), in)
}

// registerFromForm reads a new case from a form (the page and the multipart API): plaintiffs come
// as repeated plaintiff_name / plaintiff_kind / plaintiff_id_no fields, one per row.
func registerFromForm(v url.Values) RegisterInput {
	in := RegisterInput{Docket: v.Get("docket"), Court: v.Get("court"), DefendantID: v.Get("defendant_id"), CoDefendantIDs: nonEmpty(v["codefendant_ids"]),
		Act: v.Get("act"), ActType: v.Get("act_type"), Field: v.Get("field"), Cause: v.Get("cause"),
		ReconsiderResult: ReconsiderResult(v.Get("reconsider_result")), ReconsiderCaseID: v.Get("reconsider_case_id"), ReceivedOn: v.Get("received_on")}
	names, kinds, ids := v["plaintiff_name"], v["plaintiff_kind"], v["plaintiff_id_no"]
	for i, n := range names {
		if strings.TrimSpace(n) == "" {
			continue
		}
		p := PlaintiffInput{Name: n}
		if i < len(kinds) {
			p.Kind = PlaintiffKind(kinds[i])
		}
		if i < len(ids) {
			p.IDNo = ids[i]
		}
		in.Plaintiffs = append(in.Plaintiffs, p)
	}
	for _, t := range strings.Split(v.Get("third_parties"), "、") {
		if t = strings.TrimSpace(t); t != "" {
			in.ThirdParties = append(in.ThirdParties, t)
		}
	}
	return in
}

func nonEmpty(in []string) []string {
	var out []string
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// registerUpload is the multipart body of POST /api/v1/litigation/cases (OpenAPI).
type registerUpload struct {
	Docket             string   `json:"docket" required:"true" doc:"案号，如（2026）豫0182行初7号"`
	Court              string   `json:"court" doc:"受理法院（法院联络员登记的为本院，不填）"`
	PlaintiffName      []string `json:"plaintiff_name" required:"true" doc:"原告姓名或名称（可重复，每个原告一项）"`
	PlaintiffKind      []string `json:"plaintiff_kind" required:"true" doc:"原告类型：natural（自然人）或 org（法人或其他组织），与 plaintiff_name 一一对应"`
	PlaintiffIDNo      []string `json:"plaintiff_id_no" doc:"公民身份号码或统一社会信用代码，与 plaintiff_name 一一对应"`
	DefendantID        string   `json:"defendant_id" required:"true" doc:"被告机关 ID"`
	CoDefendantIDs     []string `json:"codefendant_ids" doc:"共同被告机关 ID（可重复）"`
	ThirdParties       string   `json:"third_parties" doc:"第三人，以、分隔"`
	Act                string   `json:"act" doc:"被诉行政行为"`
	ActType            string   `json:"act_type" required:"true" doc:"行政行为类别"`
	Field              string   `json:"field" doc:"领域"`
	Cause              string   `json:"cause" doc:"案由"`
	ReconsiderResult   string   `json:"reconsider_result" doc:"复议结果：upheld（维持）、changed（改变）或空"`
	ReceivedOn         string   `json:"received_on" doc:"纸质送达的收到起诉状副本日期（司法局登记时必填）"`
	FileComplaint      api.File `json:"file_complaint" doc:"起诉状副本（法院登记时必传）"`
	FileNotice         api.File `json:"file_notice" doc:"应诉通知书（法院登记时必传）"`
	FileEvidenceNotice api.File `json:"file_evidence_notice" doc:"举证通知书（法院登记时必传）"`
}

// answerUpload is the multipart body of the answer step.
type answerUpload struct {
	Version          int      `json:"version" doc:"读取时的版本（0 = 不校验）"`
	DocumentIDs      []string `json:"document_ids" doc:"本案已印发的应诉文书 ID（以定稿 DOCX 送达，可重复）"`
	FileAnswer       api.File `json:"file_answer" doc:"答辩状（未选已印发的答辩状时必传）"`
	FileEvidenceList api.File `json:"file_evidence_list" doc:"证据目录"`
	FileBasis        api.File `json:"file_basis" doc:"规范性文件依据"`
	FileEvidence     api.File `json:"file_evidence" doc:"证据材料（可重复）"`
}

// decideUpload is the multipart body of the decision step.
type decideUpload struct {
	Outcome      string   `json:"outcome" required:"true" doc:"结案方式（英文代码，如 revoke、dismiss_claim）"`
	On           string   `json:"on" doc:"裁判日期（YYYY-MM-DD，缺省为当日）"`
	Version      int      `json:"version" doc:"读取时的版本（0 = 不校验）"`
	FileDecision api.File `json:"file_decision" doc:"判决书、裁定书或调解书"`
}

// delivery reads one delivery of a case (the caller has loaded the case in scope).
func (m *Module) delivery(ctx context.Context, caseID, id string) (Delivery, error) {
	var d Delivery
	err := m.d.DB.QueryRowContext(ctx, `SELECT id, kind, direction, attachment_id, filename, sha256, sender_name, sender_organ, recipients, sent_at, signed_at, signer_name
		FROM litigation_deliveries WHERE id = ? AND case_id = ?`, id, caseID).Scan(&d.ID, &d.Kind, &d.Direction, &d.AttachmentID, &d.Filename, &d.SHA256,
		&d.SenderName, &d.SenderOrgan, &d.Recipients, &d.SentAt, &d.SignedAt, &d.SignerName)
	return d, db.Found(err, "送达文书")
}

// download serves one delivery's file: the case must be in the viewer's scope (court: its own
// court; agency: its organ's cases; 司法局: its government's), else 404; files.ServeDownload audits.
func (m *Module) download(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	c, err := m.Case(ctx, auth.From(ctx), r.PathValue("id"))
	if err != nil {
		return err
	}
	d, err := m.delivery(ctx, c.ID, r.PathValue("did"))
	if err != nil {
		return err
	}
	if d.AttachmentID == "" || m.d.Files == nil {
		return fault.NotFoundf("文件不存在或您无权查看")
	}
	a, err := m.d.Files.Get(ctx, d.AttachmentID)
	if err != nil {
		return err
	}
	if a.OwnerType != ownerType || a.OwnerID != c.ID {
		return fault.NotFoundf("文件不存在或您无权查看")
	}
	return m.d.Files.ServeDownload(w, r, a)
}
