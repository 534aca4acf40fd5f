package disclosure_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/demotest"
	"github.com/fazhi/fazhi/internal/disclosure"
	"github.com/fazhi/fazhi/internal/webtest"
)

// apiRequest is the part of the API's answer the path test reads.
type apiRequest struct {
	ID              string `json:"id"`
	State           string `json:"state"`
	StateLabel      string `json:"state_label"`
	ReceivedOn      string `json:"received_on"`
	AmendDue        string `json:"amend_due"`
	AmendReceivedOn string `json:"amend_received_on"`
	ClockStart      string `json:"clock_start"`
	ExtensionDays   int    `json:"extension_days"`
	ExcludedDays    int    `json:"excluded_days"`
	FeeAmount       int    `json:"fee_amount"`
	FeeDue          string `json:"fee_due"`
	FeePaused       bool   `json:"fee_pauses_clock"`
	ReplyType       string `json:"reply_type"`
	ReplyRow        string `json:"reply_row"`
	ReplyBasis      string `json:"reply_basis"`
	RepliedOn       string `json:"replied_on"`
	OnTime          bool   `json:"on_time"`
	DueAmendNotice  string `json:"due_amend_notice"`
	DueReply        string `json:"due_reply"`
	Paused          string `json:"paused"`
	NextDue         string `json:"next_due"`
	NextRule        string `json:"next_rule"`
}

// TestAPIPathsHandCounted walks a request along every path through /api/v1 only — staff
// registration, direct answer, 补正 answered, 补正 lapsed, extension, third-party and other-organ
// consultation, fee paid and fee lapsed, every reply type — and checks each deadline the API
// answers against dates counted by hand on the 2025 calendar (国办发明电〔2024〕12号: Spring
// Festival 01-28..02-04 off with Sunday 01-26 and Saturday 02-08 worked; National Day 10-01..10-08
// off with Sunday 09-28 and Saturday 10-11 worked).
func TestAPIPathsHandCounted(t *testing.T) {
	e := demotest.Env(t)
	o, ok := e.Org.ByCode("990121-ZRJ")
	if !ok {
		t.Fatal("no organ")
	}
	staff := webtest.Login(t, e.Web, e.Auth, "qs_zrj")
	register := func(received, channel string) apiRequest {
		t.Helper()
		w := staff.JSON(http.MethodPost, "/api/v1/disclosure/requests", map[string]any{"organ_id": o.ID, "channel": channel, "received_on": received,
			"applicant_type": "natural_person", "applicant_name": "赵六", "id_number": "11010519491231002X", "phone": "13800138000",
			"description": "2025年某地块征地补偿方案"})
		if w.Code != http.StatusCreated {
			t.Fatalf("register %s %s: %d %s", received, channel, w.Code, w.Body)
		}
		var rec disclosure.Receipt
		w.JSON(t, &rec)
		if rec.ReceivedOn != received || rec.QueryCode == "" {
			t.Fatalf("receipt %+v", rec)
		}
		var r apiRequest
		g := staff.Get("/api/v1/disclosure/requests/" + rec.RequestID)
		g.JSON(t, &r)
		return r
	}
	step := func(r apiRequest, action string, body map[string]any) apiRequest {
		t.Helper()
		w := staff.JSON(http.MethodPost, "/api/v1/disclosure/requests/"+r.ID+"/"+action, body)
		if w.Code != http.StatusOK {
			t.Fatalf("%s %v: %d %s", action, body, w.Code, w.Body)
		}
		var out apiRequest
		w.JSON(t, &out)
		return out
	}
	refused := func(r apiRequest, action string, body map[string]any, status int, want string) {
		t.Helper()
		w := staff.JSON(http.MethodPost, "/api/v1/disclosure/requests/"+r.ID+"/"+action, body)
		if w.Code != status || !strings.Contains(w.Body, want) {
			t.Errorf("%s %v: %d %s, want %d with %q", action, body, w.Code, w.Body, status, want)
		}
	}

	// Direct answer. Registered post signed Monday 01-20: 7 WD for a 补正 notice 01-21..24 (4), 01-26
	// worked Sunday (5), 01-27 (6), 02-05 (7); 20 WD to answer … 02-08 worked Saturday (10),
	// 02-10..14 (15), 02-17..21 (20).
	r := register("2025-01-20", "registered_post")
	if r.State != "registered" || r.DueAmendNotice != "2025-02-05" || r.DueReply != "2025-02-21" || r.NextDue != "2025-02-05" || r.ClockStart != "2025-01-20" {
		t.Errorf("direct, registered: %+v", r)
	}
	r = step(r, "reply", map[string]any{"type": "disclose", "on": "2025-02-21"})
	if r.State != "replied" || r.ReplyType != "disclose" || !r.OnTime || r.ReplyBasis == "" || r.RepliedOn != "2025-02-21" || r.NextDue != "" {
		t.Errorf("direct, replied on the due day: %+v", r)
	}
	refused(r, "deliver", map[string]any{"on": "2025-02-20"}, http.StatusUnprocessableEntity, "答复之日")
	if r = step(r, "deliver", map[string]any{"on": "2025-02-24"}); r.State != "delivered" {
		t.Errorf("delivered: %+v", r)
	}

	// 补正 answered, then extended. Received Monday 09-22 in person; the notice is due by 09-30
	// (09-23..26, 28 worked Sunday, 29, 30), so one on 10-09 is late.
	r = register("2025-09-22", "in_person")
	if r.DueAmendNotice != "2025-09-30" || r.DueReply != "2025-10-24" {
		// answer: … 09-30 (7), 10-09..10 (9), 10-11 worked Saturday (10), 10-13..17 (15), 10-20..24 (20).
		t.Errorf("national day: %+v", r)
	}
	refused(r, "amend", map[string]any{"on": "2025-10-09", "items": "写明地块名称"}, http.StatusUnprocessableEntity, "截止2025-09-30")
	refused(r, "amend", map[string]any{"on": "2025-09-24"}, http.StatusUnprocessableEntity, "items")
	// 10 WD from 09-24: 25, 26, 28, 29, 30, 10-09, 10, 11, 13, 14. The answer clock stops.
	r = step(r, "amend", map[string]any{"on": "2025-09-24", "items": "写明地块名称", "days": 10})
	if r.State != "amending" || r.AmendDue != "2025-10-14" || r.DueReply != "" || r.Paused == "" || r.NextDue != "2025-10-14" {
		t.Errorf("amend notice: %+v", r)
	}
	refused(r, "amend", map[string]any{"on": "2025-09-25", "items": "再补"}, http.StatusConflict, "补正中")
	// The clock restarts on Thursday 10-09: 10-10 (1), 10-11 worked (2), 10-13..17 (7), 10-20..24 (12),
	// 10-27..31 (17), 11-03..05 (20).
	r = step(r, "amended", map[string]any{"on": "2025-10-09", "text": "某村3号地块"})
	if r.State != "registered" || r.AmendReceivedOn != "2025-10-09" || r.ClockStart != "2025-10-09" || r.DueReply != "2025-11-05" {
		t.Errorf("amended: %+v", r)
	}
	refused(r, "extend", map[string]any{"on": "2025-11-03", "days": 21, "approver": "王主任"}, http.StatusUnprocessableEntity, "1至20个工作日")
	refused(r, "extend", map[string]any{"on": "2025-11-03", "days": 20}, http.StatusUnprocessableEntity, "approver")
	refused(r, "extend", map[string]any{"on": "2025-11-06", "days": 20, "approver": "王主任"}, http.StatusUnprocessableEntity, "2025-11-05")
	// 11-05 + 20 WD: 06, 07, 10..14, 17..21, 24..28, 12-01..03.
	r = step(r, "extend", map[string]any{"on": "2025-11-03", "days": 20, "approver": "王主任"})
	if r.ExtensionDays != 20 || r.DueReply != "2025-12-03" || r.State != "registered" {
		t.Errorf("extended: %+v", r)
	}
	refused(r, "extend", map[string]any{"on": "2025-11-04", "days": 1, "approver": "王主任"}, http.StatusConflict, "只能延长一次")
	r = step(r, "reply", map[string]any{"type": "unable_unclear", "on": "2025-12-04"})
	if r.OnTime || r.ReplyType != "unable_unclear" {
		t.Errorf("answered the day after the extended period: %+v", r)
	}

	// 补正 lapsed. E-mail received Monday 03-03; 5 WD from Wednesday 03-05: 06, 07, 10, 11, 12.
	r = register("2025-03-03", "email")
	r = step(r, "amend", map[string]any{"on": "2025-03-05", "items": "身份证明", "days": 5})
	if r.AmendDue != "2025-03-12" {
		t.Errorf("amend due: %+v", r)
	}
	refused(r, "reply", map[string]any{"type": "disclose", "on": "2025-03-10"}, http.StatusConflict, "")
	refused(r, "abandon", map[string]any{"on": "2025-03-12"}, http.StatusUnprocessableEntity, "2025-03-12")
	r = step(r, "abandon", map[string]any{"on": "2025-03-13"})
	if r.State != "replied" || r.ReplyType != "other_no_amendment" || r.RepliedOn != "2025-03-13" || !r.OnTime || !strings.Contains(r.ReplyRow, "逾期不补正") {
		t.Errorf("deemed abandoned: %+v", r)
	}

	// Third-party consultation. Fax received 09-22; the letter goes out Friday 09-26, the opinion
	// arrives 10-10: 09-28, 29, 30, 10-09, 10 are excluded (5 WD) → 10-24 + 5 WD = 10-31.
	r = register("2025-09-22", "fax")
	refused(r, "consult", map[string]any{"on": "2025-09-26", "kind": "third_party"}, http.StatusUnprocessableEntity, "party")
	r = step(r, "consult", map[string]any{"on": "2025-09-26", "kind": "third_party", "party": "某公司"})
	if r.State != "consulting" || r.Paused == "" {
		t.Errorf("consulting: %+v", r)
	}
	r = step(r, "consulted", map[string]any{"on": "2025-10-10", "opinion": "不同意公开营业数据"})
	if r.State != "registered" || r.DueReply != "2025-10-31" || r.ExcludedDays != 5 {
		t.Errorf("consulted: %+v", r)
	}
	refused(r, "reply", map[string]any{"type": "partial", "on": "2025-10-31"}, http.StatusUnprocessableEntity, "第三十七条")
	refused(r, "reply", map[string]any{"type": "partial", "on": "2025-10-31", "basis": "随便写的依据", "text": "营业数据已删除"}, http.StatusUnprocessableEntity, "basis")
	r = step(r, "reply", map[string]any{"type": "partial", "on": "2025-10-31", "text": "营业数据涉及商业秘密，已删除"})
	if !r.OnTime || r.ReplyType != "partial" {
		t.Errorf("partial on the due day: %+v", r)
	}

	// Another organ consulted (第三十四条) and silent: its 15 WD from 09-26 end 10-23 (09-28, 29, 30,
	// 10-09, 10, 11, 13..17, 20..23); an answer on 10-30 counts only those → 10-24 + 15 WD = 11-14.
	r = register("2025-09-22", "in_person")
	r = step(r, "consult", map[string]any{"on": "2025-09-26", "kind": "organ", "party": "县住房和城乡建设局"})
	r = step(r, "consulted", map[string]any{"on": "2025-10-30"})
	if r.DueReply != "2025-11-14" || r.ExcludedDays != 15 {
		t.Errorf("late organ opinion: %+v", r)
	}

	// Fee paid. Ordinary post confirmed 01-20; 60 pages = 300 yuan (30 free, 31..100 at 10 yuan);
	// payment within 20 WD of Monday 02-10: 11..14, 17..21, 24..28, 03-03..07, 10. The wait pauses the
	// clock (the organ's default): 02-11..14 (4 WD) → 02-21 + 4 WD = 02-27.
	r = register("2025-01-20", "ordinary_post")
	refused(r, "fee", map[string]any{"on": "2025-02-10", "mode": "volume", "pages": 30}, http.StatusUnprocessableEntity, "不收费")
	r = step(r, "fee", map[string]any{"on": "2025-02-10", "mode": "volume", "pages": 60})
	if r.State != "fee" || r.FeeAmount != 300 || r.FeeDue != "2025-03-10" || !r.FeePaused || r.Paused == "" {
		t.Errorf("fee notice: %+v", r)
	}
	refused(r, "reply", map[string]any{"type": "disclose", "on": "2025-02-12"}, http.StatusConflict, "2025-03-10")
	r = step(r, "fee_paid", map[string]any{"on": "2025-02-14"})
	if r.State != "registered" || r.DueReply != "2025-02-27" || r.ExcludedDays != 4 {
		t.Errorf("fee paid: %+v", r)
	}
	if r = step(r, "reply", map[string]any{"type": "disclose", "on": "2025-02-27"}); !r.OnTime {
		t.Errorf("answered on the paused-and-resumed due day: %+v", r)
	}

	// Fee lapsed: notice 02-10, due 03-10; closed the day after, table 三 （六）2.
	r = register("2025-01-20", "in_person")
	r = step(r, "fee", map[string]any{"on": "2025-02-10", "mode": "volume", "pages": 31})
	if r.FeeAmount != 10 {
		t.Errorf("31 pages: %d yuan", r.FeeAmount)
	}
	refused(r, "fee_lapsed", map[string]any{"on": "2025-03-10"}, http.StatusUnprocessableEntity, "2025-03-10")
	if r = step(r, "fee_lapsed", map[string]any{"on": "2025-03-11"}); r.ReplyType != "other_no_fee" || r.State != "replied" {
		t.Errorf("fee lapsed: %+v", r)
	}

	// Every reply on the merits, each with the last basis of its list. Received Tuesday 2025-06-03:
	// 06-04..06 (3), 09..13 (8), 16..20 (13), 23..27 (18), 06-30 (19), 07-01 (20).
	for _, def := range disclosure.Replies {
		if def.Closing() || def.Type == "unable_unclear" {
			continue
		}
		r = register("2025-06-03", "in_person")
		if r.DueReply != "2025-07-01" {
			t.Errorf("%s: due %s", def.Type, r.DueReply)
		}
		r = step(r, "reply", map[string]any{"type": def.Type, "basis": def.Bases[len(def.Bases)-1], "text": "说明", "on": "2025-07-01"})
		if r.ReplyType != string(def.Type) || r.ReplyBasis != def.Bases[len(def.Bases)-1] || r.ReplyRow != def.Title() || !r.OnTime {
			t.Errorf("%s: %+v", def.Type, r)
		}
	}
	// The closing rows are reached only by their steps.
	for _, def := range disclosure.Replies {
		if def.Closing() {
			r = register("2025-06-03", "in_person")
			refused(r, "reply", map[string]any{"type": def.Type, "on": "2025-06-10"}, http.StatusUnprocessableEntity, "type")
		}
	}
}

// TestTimelineInChinese: the staff page's and the applicant's timelines name each step and state
// in Chinese, not by its code (the browser tour found "amend：registered → amending" on both).
func TestTimelineInChinese(t *testing.T) {
	e := demotest.Env(t)
	o, _ := e.Org.ByCode("990121-ZRJ")
	anon := webtest.Anonymous(t, e.Web)
	no, code := applyOnline(t, anon, url.Values{"organ_id": {o.ID}, "applicant_type": {"natural_person"}, "applicant_name": {"钱七"},
		"id_number": {"11010519491231002X"}, "phone": {"13900139000"}, "description": {"本村2024年征地补偿标准"}})
	var id string
	e.DB.QueryRowContext(t.Context(), `SELECT id FROM disclosure_requests WHERE receipt_no = ?`, no).Scan(&id)
	staff := webtest.Login(t, e.Web, e.Auth, "qs_zrj")
	if w := staff.JSON(http.MethodPost, "/api/v1/disclosure/requests/"+id+"/amend", map[string]any{"items": "写明村名"}); w.Code != http.StatusOK {
		t.Fatalf("amend: %d %s", w.Code, w.Body)
	}
	staffLine := timelineText(t, staff.Get("/disclosure/requests/"+id).Body)
	for _, want := range []string{"收到申请（审查中）", "一次性告知补正（审查中 → 补正中）：补正期限"} {
		if !strings.Contains(staffLine, want) {
			t.Errorf("staff timeline lacks %q: %s", want, staffLine)
		}
	}
	progress := anon.Post("/public/disclosure/progress", url.Values{"receipt_no": {no}, "code": {code}})
	publicLine := timelineText(t, progress.Body)
	for _, line := range []string{staffLine, publicLine} {
		if regexp.MustCompile(`[A-Za-z_]`).MatchString(line) {
			t.Errorf("a timeline shows codes: %s", line)
		}
	}
	if !strings.Contains(publicLine, "收到申请") || !strings.Contains(publicLine, "一次性告知补正：补正期限") {
		t.Errorf("applicant's timeline: %s", publicLine)
	}
}

// timelineText is the text of a page's timeline, tags removed.
func timelineText(t *testing.T, body string) string {
	t.Helper()
	i := strings.Index(body, `<ol class="timeline">`)
	if i < 0 {
		t.Fatalf("no timeline: %s", body)
	}
	j := strings.Index(body[i:], "</ol>")
	return regexp.MustCompile(`<[^>]*>`).ReplaceAllString(body[i+len(`<ol class="timeline">`):i+j], " ")
}
