package reconsider

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/webtest"
)

// token creates a system account holding role in organ and returns a bearer token for it.
func (e *webEnv) token(username, organCode string, role auth.Role) string {
	e.t.Helper()
	o := e.organ(organCode)
	var id string
	err := e.db.Tx(e.ctx, func(tx *db.Tx) error {
		var err error
		id, err = e.auth.CreateUser(e.ctx, tx, auth.NewUser{Username: username, Name: username + " 接口账户", OrganID: o.ID, Password: demo.Password,
			SystemAccount: true, Memberships: []auth.Membership{{OrganID: o.ID, Role: role, Scope: auth.ScopeOrgan}}})
		return err
	})
	if err != nil {
		e.t.Fatal(err)
	}
	tok, err := e.auth.IssueToken(e.ctx, id, "测试")
	if err != nil {
		e.t.Fatal(err)
	}
	return tok
}

// call sends a JSON request with a bearer token and decodes the JSON answer into a map.
func (e *webEnv) call(tok, method, path, body string) (int, map[string]any, http.Header) {
	e.t.Helper()
	req := httptest.NewRequest(method, "/api/v1"+path, strings.NewReader(body))
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	w := webtest.Bearer(e.t, e.app, tok).Do(req)
	var out map[string]any
	if w.Body != "" {
		w.JSON(e.t, &out)
	}
	return w.Code, out, w.Header()
}

func str(m map[string]any, keys ...string) string {
	var cur any = m
	for _, k := range keys {
		mm, ok := cur.(map[string]any)
		if !ok {
			return ""
		}
		cur = mm[k]
	}
	s, _ := cur.(string)
	return s
}

// The main path through the API with bearer tokens: the office's system registers and moves the
// case, the respondent's system replies, a leader's token may read but not act.
func TestAPIMainPath(t *testing.T) {
	e := newWebEnv(t)
	office := e.token("sys_fy", "990121-GOV", auth.RoleReconsider)
	respondent := e.token("sys_gaj", "990121-GAJ", auth.RoleLiaison)
	leader := e.token("sys_ld", "990121-GOV", auth.RoleLeader)
	gov, gaj := e.organ("990121-GOV"), e.organ("990121-GAJ")

	intake := `{"organ_id":"` + gov.ID + `","channel":"post","received_on":"2025-06-27","applicant_kind":"natural","applicant_name":"张三",
		"id_number":"` + validID(t) + `","phone":"13800138000","respondent_id":"` + gaj.ID + `","act_type":"行政处罚","field":"公安",
		"act_title":"青公（治）决字〔2025〕15号","act_date":"2025-06-01","learned_on":"2025-06-02","amount":200,"requests":"撤销","facts":"事实不清"}`

	// A 422 problem names each bad field; nothing is written.
	badIntake := strings.Replace(strings.Replace(intake, `"applicant_name":"张三"`, `"applicant_name":""`, 1), `"received_on":"2025-06-27"`, `"received_on":"2025/06/27"`, 1)
	status, prob, hdr := e.call(office, "POST", "/reconsider/cases", badIntake)
	if status != http.StatusUnprocessableEntity || !strings.HasPrefix(hdr.Get("Content-Type"), "application/problem+json") {
		t.Fatalf("bad intake: %d %s", status, hdr.Get("Content-Type"))
	}
	if str(prob, "errors", "applicant_name") != "请填写申请人姓名或名称" || str(prob, "errors", "received_on") != "收件日期格式应为 年-月-日，例如 2026-01-05" {
		t.Errorf("field errors: %v", prob["errors"])
	}
	if n := e.count("reconsider_cases"); n != 0 {
		t.Fatalf("%d cases after a rejected intake", n)
	}
	if status, _, _ := e.call(office, "POST", "/reconsider/cases", `{"applicant":"张三"}`); status != http.StatusUnprocessableEntity {
		t.Errorf("unknown field: %d", status)
	}

	// A leader reads but may not register or act.
	if status, _, _ := e.call(leader, "POST", "/reconsider/cases", intake); status != http.StatusForbidden {
		t.Errorf("leader register: %d", status)
	}

	status, rec, hdr := e.call(office, "POST", "/reconsider/cases", intake)
	if status != http.StatusCreated {
		t.Fatalf("register: %d %v", status, rec)
	}
	id := str(rec, "case_id")
	if str(rec, "receipt_no") != "990121-2025-00001" || hdr.Get("Location") != "/api/v1/reconsider/cases/"+id || rec["late_application"] != false {
		t.Errorf("receipt %v, location %s", rec, hdr.Get("Location"))
	}
	if status, _, _ := e.call(leader, "POST", "/reconsider/cases/"+id+"/accept", `{"on":"2025-06-30","procedure":"ordinary"}`); status != http.StatusForbidden {
		t.Errorf("leader accept: %d", status)
	}

	status, list, _ := e.call(leader, "GET", "/reconsider/cases?state=received&q=张三", "")
	items, _ := list["items"].([]any)
	if status != http.StatusOK || list["total"] != float64(1) || len(items) != 1 || str(items[0].(map[string]any), "id_number_masked") == validID(t) {
		t.Fatalf("list: %d %v", status, list)
	}
	if status, prob, _ := e.call(office, "GET", "/reconsider/cases?from=2025-13-01&per_page=500", ""); status != http.StatusUnprocessableEntity || str(prob, "errors", "from") == "" || str(prob, "errors", "per_page") == "" {
		t.Errorf("bad filter: %d %v", status, prob)
	}

	steps := []struct {
		tok, action, body string
		want              int
		check             func(c map[string]any) bool
	}{
		{office, "accept", `{"on":"2025-06-30","procedure":"simplified","simplified_ground":4,"version":1}`, http.StatusUnprocessableEntity, nil},
		{office, "accept", `{"on":"2025-06-30","procedure":"ordinary","version":1}`, http.StatusOK,
			func(c map[string]any) bool {
				return c["state"] == "in_review" && c["number"] == "青政复〔2025〕1号" && c["accepted_on"] == "2025-06-30"
			}},
		{office, "accept", `{"on":"2025-06-30","procedure":"ordinary"}`, http.StatusConflict, nil},
		{respondent, "reply", `{"on":"2025-06-30","text":"答复"}`, http.StatusConflict, nil}, // no copy sent yet
		{office, "send_copy", `{"on":"2025-06-30"}`, http.StatusOK, func(c map[string]any) bool { return c["copy_sent_on"] == "2025-06-30" }},
		{respondent, "send_copy", `{"on":"2025-06-30"}`, http.StatusForbidden, nil},
		{respondent, "reply", `{"on":"2025-06-30","text":"原决定事实清楚，请予维持。"}`, http.StatusOK,
			func(c map[string]any) bool { return c["reply_on"] == "2025-06-30" && c["reply_late"] == false }},
		{office, "session", `{"kind":"hearing","notice_on":"2025-06-30","held_on":"2025-07-03","panel":"赵一、钱二、孙三"}`, http.StatusUnprocessableEntity, nil}, // the old name
		{office, "hearing", `{"kind":"hearing","notice_on":"2025-06-30","held_on":"2025-07-07","panel":"赵一、钱二、孙三","place":"听证室"}`, http.StatusOK, nil},
		{office, "suspend", `{"on":"2025-06-30","ground":11}`, http.StatusUnprocessableEntity, nil},
		// Art. 49: the 听证 is only scheduled (07-07); no views heard by 06-30, no reason for a written review.
		{office, "decide", `{"on":"2025-06-30","outcome":"revoke"}`, http.StatusUnprocessableEntity, nil},
		{office, "hearing", `{"kind":"views","mode":"phone","held_on":"2025-06-30","record":"电话听取双方意见"}`, http.StatusOK, nil},
		{office, "decide", `{"on":"2025-06-30","outcome":"revoke","performance_due":"2025-07-30"}`, http.StatusOK,
			func(c map[string]any) bool {
				return c["state"] == "concluded" && c["closed_on"] == "2025-06-30" && c["outcome_label"] == "撤销"
			}},
		{office, "performed", `{"on":"2025-06-30"}`, http.StatusOK, func(c map[string]any) bool { return c["performed_on"] == "2025-06-30" }},
	}
	for i, s := range steps {
		status, out, _ := e.call(s.tok, "POST", "/reconsider/cases/"+id+"/"+s.action, s.body)
		if status != s.want {
			t.Fatalf("step %d %s: status %d, want %d: %v", i, s.action, status, s.want, out)
		}
		if s.want == http.StatusUnprocessableEntity {
			if errs, _ := out["errors"].(map[string]any); len(errs) == 0 {
				t.Errorf("step %d %s: 422 without field errors: %v", i, s.action, out)
			}
		}
		if s.check != nil && !s.check(out) {
			t.Errorf("step %d %s: case %v", i, s.action, out)
		}
	}

	status, detail, _ := e.call(respondent, "GET", "/reconsider/cases/"+id, "")
	if status != http.StatusOK || str(detail, "reply_text") != "原决定事实清楚，请予维持。" || detail["can_reply"] != true || detail["can_edit"] != false {
		t.Fatalf("detail for the respondent: %d %v", status, detail)
	}
	events, _ := detail["events"].([]any)
	var actions []string
	for _, ev := range events {
		actions = append(actions, str(ev.(map[string]any), "action"))
	}
	if got := strings.Join(actions, ","); got != "register,accept,send_copy,reply,hearing,hearing,decide,performed" {
		t.Errorf("events %s", got)
	}
	// The copy was never recorded as served: its reply deadline was provisional and the detail says so.
	if cs, _ := detail["case"].(map[string]any); cs["copy_served_on"] != "" || cs["compensation"] != "" {
		t.Errorf("service facts in the case JSON: %v", cs)
	}
	if svc, ok := detail["services"].([]any); !ok || len(svc) != 0 {
		t.Errorf("services %v", detail["services"])
	}
	if ap, _ := detail["application_period"].(map[string]any); ap["known"] != true || ap["in_time"] != true || ap["due"] != "2025-08-01" {
		t.Errorf("application period %v", detail["application_period"])
	}
	hearings, _ := detail["hearings"].([]any)
	if len(hearings) != 2 || str(hearings[0].(map[string]any), "kind") != "views" || str(hearings[1].(map[string]any), "held_on") != "2025-07-07" {
		t.Errorf("hearings %v", detail["hearings"])
	}

	// Another department's system sees nothing of the case.
	other := e.token("sys_sjj", "990121-SJJ", auth.RoleLiaison)
	if status, _, _ := e.call(other, "GET", "/reconsider/cases/"+id, ""); status != http.StatusNotFound {
		t.Errorf("other liaison detail: %d", status)
	}
	if status, l, _ := e.call(other, "GET", "/reconsider/cases", ""); status != http.StatusOK || l["total"] != float64(0) {
		t.Errorf("other liaison list: %d %v", status, l)
	}
}

// Every API route of the case pages is declared in the OpenAPI registry with its permission.
func TestAPIDescribed(t *testing.T) {
	e := newWebEnv(t)
	reg := api.NewRegistry()
	for _, ep := range NewModule(e.svc, e.files).apiSpecs() { // the same list newWebEnv's module registered routes from
		reg.Op(ep.Op)
	}
	api.Register(e.app, reg)
	var problems []string
	if err := reg.Check(e.app.Routes()); err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			if strings.Contains(line, "/reconsider/cases") {
				problems = append(problems, line)
			}
		}
	}
	if len(problems) > 0 {
		t.Errorf("API description:\n%s", strings.Join(problems, "\n"))
	}
	n := 0
	for _, op := range reg.Ops() {
		if strings.HasPrefix(op.Path, "/reconsider/cases") {
			n++
		}
	}
	if want := 4 + len(NewModule(e.svc, e.files).caseActions()) + 1; n != want { // + the old name of hearing
		t.Errorf("%d case operations declared, want %d", n, want)
	}
	res, err := http.Get(e.srv.URL + "/api/v1/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var doc map[string]any
	if err := json.NewDecoder(res.Body).Decode(&doc); err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("openapi.json: %d %v", res.StatusCode, err)
	}
	paths, _ := doc["paths"].(map[string]any)
	for _, p := range []string{"/reconsider/cases", "/reconsider/cases/{id}", "/reconsider/cases/{id}/accept", "/reconsider/cases/{id}/reply"} {
		if paths[p] == nil {
			t.Errorf("openapi.json lacks %s", p)
		}
	}
}
