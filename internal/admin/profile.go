package admin

import (
	"net/http"
	"net/url"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/web"
)

// The organ's profile (address, legal representative, contact, seal name) is what its documents
// print: without it every 决定书 left the respondent's address and legal representative blank.

func (m *Module) profileOrgan(r *http.Request) (org.Organ, error) {
	id := r.PathValue("id")
	if !m.manages(auth.From(r.Context()), id) {
		return org.Organ{}, web.NotFound("机关")
	}
	o, _ := m.Org.Organ(id)
	return o, nil
}

func (m *Module) profilePage(w http.ResponseWriter, r *http.Request) error {
	o, err := m.profileOrgan(r)
	if err != nil {
		return err
	}
	fe := &web.FormError{Values: profileValues(o.Profile)}
	return m.render(w, r, "organ_profile", http.StatusOK, o.Name+" · 机关资料", map[string]any{"Organ": o, "Fields": profileFields}, fe)
}

func (m *Module) profileSave(w http.ResponseWriter, r *http.Request) error {
	o, err := m.profileOrgan(r)
	if err != nil {
		return err
	}
	r.ParseForm()
	v := r.PostForm
	p := org.Profile{Address: v.Get("address"), Postcode: v.Get("postcode"), Phone: v.Get("phone"),
		LegalRep: v.Get("legal_rep"), LegalRepTitle: v.Get("legal_rep_title"), SealName: v.Get("seal_name")}.Trim()
	err = m.DB.Tx(r.Context(), func(tx *db.Tx) error { return m.Org.UpdateProfile(r.Context(), tx, o.ID, p) })
	if fe := web.FormFrom(err, v); fe != nil {
		return m.render(w, r, "organ_profile", http.StatusUnprocessableEntity, o.Name+" · 机关资料", map[string]any{"Organ": o, "Fields": profileFields}, fe)
	} else if err != nil {
		return err
	}
	return redirect(w, r, "/admin/organs?organ="+o.ID, "已保存"+o.Name+"的机关资料")
}

func profileValues(p org.Profile) url.Values {
	return url.Values{"address": {p.Address}, "postcode": {p.Postcode}, "phone": {p.Phone},
		"legal_rep": {p.LegalRep}, "legal_rep_title": {p.LegalRepTitle}, "seal_name": {p.SealName}}
}

var profileFields = []struct{ Key, Label, Hint string }{
	{"address", "地址（住所）", "如 青山县人民路 1 号"},
	{"postcode", "邮政编码", "6位数字"},
	{"phone", "联系电话", "如 0371-12345678"},
	{"legal_rep", "法定代表人（主要负责人）", "姓名"},
	{"legal_rep_title", "职务", "如 局长、县长"},
	{"seal_name", "印章名称", "不填则为机关全称"},
}
