package admin

import (
	"net/url"
	"testing"
)

// The organ profile is kept per organ, checked field by field, audited, and out of reach of
// another county's administrator.
func TestOrganProfile(t *testing.T) {
	e := newEnv(t)
	gaj, _ := e.org.ByCode("990121-GAJ")
	if gaj.LegalRep == "" || gaj.LegalRepTitle != "局长" || gaj.Address == "" {
		t.Errorf("演示机关资料：%+v", gaj.Profile)
	}
	admin := e.login("admin")
	w := admin.get("/admin/organs/" + gaj.ID + "/profile")
	wantStatus(t, w, 200)
	wantBody(t, w, "青山县公安局", `name="legal_rep" value="`+gaj.LegalRep+`"`)

	bad := url.Values{"address": {"青山县人民路 8 号"}, "postcode": {"99012"}, "phone": {"call me"}, "legal_rep": {"张三"}}
	w = admin.post("/admin/organs/"+gaj.ID+"/profile", bad)
	wantStatus(t, w, 422)
	wantBody(t, w, "邮政编码应为6位数字", "联系电话只能含数字", `value="青山县人民路 8 号"`)
	if o, _ := e.org.ByCode("990121-GAJ"); o.Address != gaj.Address {
		t.Error("被拒绝的资料写入了机关")
	}

	good := url.Values{"address": {" 青山县人民路 8 号 "}, "postcode": {"990121"}, "phone": {"0399-1234567"}, "legal_rep": {"张三"}, "legal_rep_title": {"局长"}, "seal_name": {"青山县公安局"}}
	wantStatus(t, admin.post("/admin/organs/"+gaj.ID+"/profile", good), 303)
	o, _ := e.org.ByCode("990121-GAJ")
	if o.Address != "青山县人民路 8 号" || o.LegalRep != "张三" || o.Postcode != "990121" || o.Seal() != "青山县公安局" {
		t.Errorf("保存后：%+v", o.Profile)
	}
	if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'update_profile' AND object_id = ?`, gaj.ID); n != 1 {
		t.Errorf("审计 %d 条", n)
	}

	// Another county's administrator neither sees nor changes it.
	other, _ := e.org.ByCode("990122-GAJ")
	qs := e.login("qs_admin")
	wantStatus(t, qs.get("/admin/organs/"+other.ID+"/profile"), 404)
	wantStatus(t, qs.post("/admin/organs/"+other.ID+"/profile", good), 404)
	wantStatus(t, qs.get("/admin/organs/"+gaj.ID+"/profile"), 200)
}
