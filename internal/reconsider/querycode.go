package reconsider

import (
	"context"
	"net/http"
	"strings"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/secure"
)

// ReissueQueryCode gives an applicant who lost the query code a new one, after staff checked the
// applicant's identity document: the number typed from it must match the one on the case. The old
// code and every link made with it stop working; the act is audited (never the code itself).
func (s *Service) ReissueQueryCode(ctx context.Context, p *auth.Principal, caseID, idNumber string) (string, error) {
	if !p.Can(PermEdit) {
		return "", fault.Forbiddenf("您没有重新生成查询码的权限")
	}
	idNumber = secure.NormalizeCode(strings.TrimSpace(idNumber))
	if idNumber == "" {
		return "", fault.Field("id_number", "请核对申请人的身份证件，并填写其证件号码")
	}
	code := secure.QueryCode()
	err := s.db.Tx(ctx, func(tx *db.Tx) error {
		c, err := s.getScoped(ctx, tx, p, caseID)
		if err != nil {
			return err
		}
		if !s.editable(p, c) {
			return fault.Forbiddenf("该案件不属于您的办理范围")
		}
		var blind string
		if err := tx.QueryRowContext(ctx, `SELECT applicant_blind FROM reconsider_cases WHERE id = ?`, c.ID).Scan(&blind); err != nil {
			return err
		}
		if blind == "" || s.cipher.BlindIndex(idNumber) != blind {
			return fault.Field("id_number", "证件号码与申请时填写的不一致，不能重新生成查询码")
		}
		if err := tx.ExecOne(ctx, `UPDATE reconsider_cases SET query_code_hash = ?, receipt_code_enc = '' WHERE id = ?`, queryCodeHash(c.ReceiptNo, code), c.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "reconsider.reissue_query_code", ObjectType: "reconsider_case", ObjectID: c.ID,
			Detail: map[string]any{"receipt_no": c.ReceiptNo, "identity_checked": true}})
	})
	return code, err
}

type queryCodePage struct {
	C    *Case
	Code string
}

// reissueQueryCode answers with the new code on the page (not in a redirect URL, which logs keep).
func (m *Module) reissueQueryCode(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	id := r.PathValue("id")
	code, err := m.svc.ReissueQueryCode(r.Context(), p, id, r.PostFormValue("id_number"))
	if err != nil {
		return err
	}
	c, err := m.svc.Get(r.Context(), p, id)
	if err != nil {
		return err
	}
	return m.app.Render(w, r, m.tmpl, "query_code", http.StatusOK, "新的查询码", &queryCodePage{C: c, Code: code}, nil)
}
