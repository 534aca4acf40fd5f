package reconsider

import (
	"context"
	"net/http"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/docgen"
	"github.com/fazhi/fazhi/internal/officialdoc"
	"github.com/fazhi/fazhi/internal/web"
)

// The applicant's receipt: a page to print and a DOCX with the receipt number, the query code
// (while the applicant has not used it yet) and how to reach the 行政复议机构.

type receiptPage struct {
	ReceiptNo  string
	QueryCode  string // "" once the applicant has used it (or it was re-issued)
	ReceivedOn calendar.Date
	Organ      string
	Phone      string
	Address    string
	Files      int
	Link       string // the signed link of this page, for the DOCX
}

// Contact is how the applicant reaches the 行政复议机构: the module's settings, else the organ's profile.
func (s *Service) Contact(ctx context.Context, organID string) (phone, address string, err error) {
	if phone, err = s.settings.Text(ctx, s.db, organID, SettingContactPhone); err != nil {
		return "", "", err
	}
	if address, err = s.settings.Text(ctx, s.db, organID, SettingContactAddress); err != nil {
		return "", "", err
	}
	if o, ok := s.org.Organ(organID); ok {
		if phone == "" {
			phone = o.Phone
		}
		if address == "" {
			address = o.Address
			if address != "" && o.Postcode != "" {
				address += "（邮编" + o.Postcode + "）"
			}
		}
	}
	return phone, address, nil
}

func (m *Module) receiptData(r *http.Request) (*receiptPage, error) {
	ctx := r.Context()
	t := r.URL.Query().Get("t")
	id, err := m.svc.openLink(ctx, "receipt", t)
	if err != nil {
		return nil, err
	}
	c, err := getCase(ctx, m.svc.db, id)
	if err != nil {
		return nil, err
	}
	var enc string
	if err := m.svc.db.QueryRowContext(ctx, `SELECT receipt_code_enc FROM reconsider_cases WHERE id = ?`, id).Scan(&enc); err != nil {
		return nil, err
	}
	d := &receiptPage{ReceiptNo: c.ReceiptNo, ReceivedOn: c.ReceivedOn, Link: t}
	if enc != "" {
		d.QueryCode, _ = m.svc.cipher.Decrypt(enc)
	}
	o, _ := m.svc.org.Organ(c.OrganID)
	d.Organ = o.Name
	if d.Phone, d.Address, err = m.svc.Contact(ctx, c.OrganID); err != nil {
		return nil, err
	}
	all, err := m.caseAttachments(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	for _, a := range all {
		if a.UploadedBy == "" && a.Label == "申请材料" {
			d.Files++
		}
	}
	return d, nil
}

func (m *Module) receipt(w http.ResponseWriter, r *http.Request) error {
	d, err := m.receiptData(r)
	if web.Status(err) == http.StatusNotFound {
		return m.renderProgress(w, r, http.StatusNotFound, nil, &web.FormError{Msg: "回执页面已过期（提交后30分钟内有效）。请凭收件编号和查询码查询办理进度；查询码遗失的，请携带身份证件到行政复议机构重新获取"})
	} else if err != nil {
		return err
	}
	return m.app.Render(w, r, m.tmpl, "public_receipt", http.StatusOK, "申请已提交", d, nil)
}

func (m *Module) receiptDOCX(w http.ResponseWriter, r *http.Request) error {
	d, err := m.receiptData(r)
	if err != nil {
		return err
	}
	body, err := receiptDocument(d).DOCX()
	if err != nil {
		return err
	}
	return web.Download(w, "行政复议申请收件回执-"+d.ReceiptNo+".docx", officialdoc.DocxType, body)
}

// receiptDocument lays the receipt out as a one-page document.
func receiptDocument(d *receiptPage) docgen.Document {
	code := d.QueryCode
	if code == "" {
		code = "（已在提交时告知申请人，本回执不再显示）"
	}
	blank := func(s, what string) string {
		if s == "" {
			return "【请向" + d.Organ + "询问" + what + "】"
		}
		return s
	}
	return docgen.Document{
		Title: "行政复议申请收件回执",
		Body: []docgen.Block{
			{Kind: docgen.Plain, Text: "收件编号：" + d.ReceiptNo},
			{Kind: docgen.Plain, Text: "查询码：" + code},
			{Kind: docgen.Plain, Text: "行政复议机关：" + d.Organ},
			{Kind: docgen.Plain, Text: "收件日期：" + d.ReceivedOn.Chinese()},
			{Kind: docgen.Plain, Text: "联系电话：" + blank(d.Phone, "联系电话")},
			{Kind: docgen.Plain, Text: "地址：" + blank(d.Address, "地址")},
			{Kind: docgen.Para, Text: "您的行政复议申请已通过网上申请平台提交。行政复议机关自收到申请之日起五个工作日内进行审查；申请材料不齐全或者表述不清楚的，将一次性通知您补正（《中华人民共和国行政复议法》第三十条、第三十一条）。"},
			{Kind: docgen.Para, Text: "凭收件编号和查询码可以在网上查询办理进度、提交补正材料。请妥善保管本回执；查询码遗失的，请携带身份证件到行政复议机构重新获取。"},
		},
		Signer: d.Organ,
		Date:   d.ReceivedOn,
	}
}
