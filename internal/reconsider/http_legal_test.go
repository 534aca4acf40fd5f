package reconsider

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/calendar"
)

// The forms of issue 9 on the case page: the application period with the rule applied, service of
// the copy (待送达 until recorded), the liaison's 签收 and the Art. 49 field of the decision form.
func TestCasePageLegalForms(t *testing.T) {
	e := newWebEnv(t)
	staff := e.login("qs_fy")
	r := staff.Post("/reconsider/cases", e.goodIntake())
	if r.Code != http.StatusSeeOther {
		t.Fatalf("registration: %d", r.Code)
	}
	id := strings.TrimPrefix(strings.SplitN(r.Header().Get("Location"), "?", 2)[0], "/reconsider/cases/")
	post := func(action string, vals url.Values, want int) string {
		t.Helper()
		cur := staff.Get("/reconsider/cases/" + id)
		vals.Set("version", version(t, cur.Body))
		r := staff.Post("/reconsider/cases/"+id+"/"+action, vals)
		if r.Code != want {
			t.Fatalf("%s: %d, want %d\n%s", action, r.Code, want, r.Body)
		}
		return r.Body
	}
	page := staff.Get("/reconsider/cases/" + id).Body
	// Knew the act 2025-01-03: 60 days end 03-04; received by post 06-27.
	mustContain(t, "period", page, "申请期限（第二十条、第二十一条）", "可能超过申请期限", "第二十条第一款", "第二十一条", "邮戳日期")
	body := post("application_facts", url.Values{"on": {"2025-06-30"}, "longer_days": {""}, "obstacle_from": {"2025-02-01"}}, http.StatusUnprocessableEntity)
	mustContain(t, "bad facts", body, "请同时填写障碍发生和消除的日期")
	post("application_facts", url.Values{"on": {"2025-06-30"}, "longer_days": {""}, "posted_on": {"2025-03-04"}}, http.StatusSeeOther)
	page = staff.Get("/reconsider/cases/" + id).Body
	mustContain(t, "postmark", page, "在申请期限内", "以邮戳日期 2025-03-04 为提出申请之日", "第八十五条第四款")
	mustNotContain(t, "postmark", page, "可能超过申请期限")

	post("accept", url.Values{"on": {"2025-06-30"}, "procedure": {"ordinary"}}, http.StatusSeeOther)
	post("send_copy", url.Values{"on": {"2025-06-30"}}, http.StatusSeeOther)
	page = staff.Get("/reconsider/cases/" + id).Body
	mustContain(t, "provisional", page, "待送达，按发出日估算", "记录送达", "邮寄送达（回执注明的收件日期）",
		"因当事人原因不能听取意见、书面审理的原因", "第四十九条", "第七十二条", "申请书副本尚未记录送达")
	mustNotContain(t, "provisional", page, `name="no_reply"`)

	// The liaison signs for the copy on the platform: the reply runs from today.
	liaison := e.login("qs_gaj")
	lp := liaison.Get("/reconsider/cases/" + id)
	mustContain(t, "liaison", lp.Body, "签收申请书副本", "第四十八条")
	r = liaison.Post("/reconsider/cases/"+id+"/sign_copy", url.Values{"on": {"2025-06-30"}, "version": {version(t, lp.Body)}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("sign: %d\n%s", r.Code, r.Body)
	}
	c, err := e.svc.Get(e.ctx, e.principal("qs_fy"), id)
	if err != nil {
		t.Fatal(err)
	}
	// 10 WD from Mon 06-30: 07-01 … 07-04 (4), 07-07 … 07-11 (9), 07-14 (10).
	if c.CopyServedOn.String() != "2025-06-30" || c.Due.Reply != calendar.MustDate("2025-07-14") {
		t.Errorf("signed %s, reply due %s", c.CopyServedOn, c.Due.Reply)
	}
	page = staff.Get("/reconsider/cases/" + id).Body
	mustContain(t, "served", page, "被申请人联络员在平台签收", `name="no_reply"`)
	mustNotContain(t, "served", page, "待送达，按发出日估算")
}
