package disclosure_test

import (
	"fmt"
	"github.com/fazhi/fazhi/internal/calendar"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/demotest"
	"github.com/fazhi/fazhi/internal/disclosure"
	"github.com/fazhi/fazhi/internal/webtest"
	"github.com/xuri/excelize/v2"
)

func TestMain(m *testing.M) { demotest.Main(m) }

// TestPublicIntakeAndStaffPages: the public form answers with Post/Redirect/Get (the query code is
// shown once, a refresh shows no code and submits nothing); staff see and act on the request.
func TestPublicIntakeAndStaffPages(t *testing.T) {
	e := demotest.Env(t)
	o, ok := e.Org.ByCode("990121-ZRJ")
	if !ok {
		t.Fatal("no organ")
	}
	anon := webtest.Anonymous(t, e.Web)
	if w := anon.Get("/public/normdocs"); !strings.Contains(w.Body, `href="/public/disclosure/apply"`) {
		t.Error("the public pages do not lead to the application form")
	}
	form := url.Values{"organ_id": {o.ID}, "applicant_type": {"natural_person"}, "applicant_name": {"李四"}, "id_number": {"11010519491231002X"},
		"phone": {"13900139000"}, "description": {"本村2024年征地补偿标准"}, "form": {"electronic"}, "delivery": {"online"}}
	bad := url.Values{"organ_id": {o.ID}, "applicant_type": {"natural_person"}, "applicant_name": {"李四"}, "id_number": {"123"}, "phone": {"x"}}
	if w := anon.Post("/public/disclosure/apply", bad); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body, "请描述所需政府信息") {
		t.Fatalf("bad form: %d", w.Code)
	}
	var before int
	e.DB.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM disclosure_requests`).Scan(&before)
	w := anon.Post("/public/disclosure/apply", form)
	if w.Code != http.StatusSeeOther || w.Location() != "/public/disclosure/receipt" {
		t.Fatalf("apply: %d %s %s", w.Code, w.Header().Get("Location"), w.Body)
	}
	var cookie *http.Cookie
	for _, c := range w.Result().Cookies() {
		if c.Name == "fazhi_disclosure_receipt" {
			cookie = c
		}
	}
	if cookie == nil {
		t.Fatal("no receipt cookie")
	}
	v, _ := url.QueryUnescape(cookie.Value)
	no, code, _ := strings.Cut(v, "|")
	req := httptest.NewRequest(http.MethodGet, w.Header().Get("Location"), nil)
	req.AddCookie(cookie)
	page := anon.Do(req)
	if page.Code != http.StatusOK || !strings.Contains(page.Body, no) || !strings.Contains(page.Body, code) {
		t.Fatalf("receipt page: %d", page.Code)
	}
	// the refresh: the cookie was cleared, no code, no new request
	again := anon.Get(w.Header().Get("Location"))
	if strings.Contains(again.Body, code) || !strings.Contains(again.Body, "查询码已经显示过") {
		t.Error("query code shown again")
	}
	var after int
	e.DB.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM disclosure_requests`).Scan(&after)
	if after != before+1 {
		t.Errorf("%d requests written", after-before)
	}
	// progress with the code; a wrong code is 404
	if w := anon.Post("/public/disclosure/progress", url.Values{"receipt_no": {no}, "code": {"wrong"}}); w.Code != http.StatusNotFound {
		t.Errorf("wrong code: %d", w.Code)
	}
	if w := anon.Post("/public/disclosure/progress", url.Values{"receipt_no": {no}, "code": {code}}); w.Code != http.StatusOK || !strings.Contains(w.Body, "审查中") {
		t.Errorf("progress: %d", w.Code)
	}

	// the department's liaison lists it and sends a 补正 notice through /api/v1
	staff := webtest.Login(t, e.Web, e.Auth, "qs_zrj")
	list := staff.Get("/disclosure/requests")
	if list.Code != http.StatusOK || !strings.Contains(list.Body, no) {
		t.Fatalf("list: %d", list.Code)
	}
	// the list counts the bureau's requests and pages by 20
	var mine int
	e.DB.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM disclosure_requests r JOIN organs o ON o.id = r.organ_id WHERE o.code = '990121-ZRJ'`).Scan(&mine)
	if want := fmt.Sprintf("共 %d 件", mine); mine <= 20 || !strings.Contains(list.Body, want) || !strings.Contains(list.Body, fmt.Sprintf("第 1 / %d 页", (mine+19)/20)) ||
		strings.Count(list.Body, `<td><a href="/disclosure/requests/`) != 20 {
		t.Errorf("list page: want %s, %d pages of 20", want, (mine+19)/20)
	}
	var id string
	e.DB.QueryRowContext(t.Context(), `SELECT id FROM disclosure_requests WHERE receipt_no = ?`, no).Scan(&id)
	if w := staff.Get("/disclosure/requests/" + id); w.Code != http.StatusOK || !strings.Contains(w.Body, "答复期限") {
		t.Errorf("request page: %d", w.Code)
	} else {
		// A deadline past the loaded holiday notices is marked 预估, as on every module's pages.
		var due string
		e.DB.QueryRowContext(t.Context(), `SELECT due_reply FROM disclosure_requests WHERE id = ?`, id).Scan(&due)
		d, err := calendar.ParseDate(due)
		if err != nil {
			t.Fatalf("due %q: %v", due, err)
		}
		if est := calendar.Default().Estimated(d); est != strings.Contains(w.Body, `class="est"`) {
			t.Errorf("reply due %s estimated %v, page marks it %v", d, est, !est)
		}
	}
	if w := staff.JSON(http.MethodPost, "/api/v1/disclosure/requests/"+id+"/amend", map[string]any{"items": "写明村名"}); w.Code != http.StatusOK || !strings.Contains(w.Body, `"state":"amending"`) {
		t.Errorf("api amend: %d %s", w.Code, w.Body)
	}
	// the applicant's 补正 with the query code restarts the clock
	if w := anon.Post("/public/disclosure/progress/amend", url.Values{"receipt_no": {no}, "code": {code}, "text": {"青山村"}}); w.Code != http.StatusSeeOther {
		t.Errorf("public amend: %d %s", w.Code, w.Body)
	}
	if w := staff.Get("/api/v1/disclosure/requests/" + id); !strings.Contains(w.Body, `"state":"registered"`) || !strings.Contains(w.Body, `"amend_received_on"`) {
		t.Errorf("after amend: %s", w.Body)
	}
	// another department cannot see it; the stats page renders table 三
	if w := webtest.Login(t, e.Web, e.Auth, "qs_gaj").Get("/disclosure/requests/" + id); w.Code != http.StatusNotFound {
		t.Errorf("other department: %d", w.Code)
	}
	if w := staff.Get("/disclosure/stats"); w.Code != http.StatusOK || !strings.Contains(w.Body, "（七）总计") || !strings.Contains(w.Body, "<svg") {
		t.Errorf("stats page: %d", w.Code)
	}
}

// applyOnline submits the public form and returns the receipt number and the query code.
func applyOnline(t *testing.T, anon *webtest.Client, form url.Values) (string, string) {
	t.Helper()
	w := anon.Post("/public/disclosure/apply", form)
	for _, c := range w.Result().Cookies() {
		if c.Name == "fazhi_disclosure_receipt" {
			v, _ := url.QueryUnescape(c.Value)
			no, code, _ := strings.Cut(v, "|")
			return no, code
		}
	}
	t.Fatalf("apply: %d %s", w.Code, w.Body)
	return "", ""
}

// TestApplicantDownloads: the reply drafted by the step is issued frozen; the applicant reads it and
// downloads the released information with the receipt number and query code, and no other
// request's code opens them.
func TestApplicantDownloads(t *testing.T) {
	e := demotest.Env(t)
	o, _ := e.Org.ByCode("990121-ZRJ")
	anon := webtest.Anonymous(t, e.Web)
	form := url.Values{"organ_id": {o.ID}, "applicant_type": {"natural_person"}, "applicant_name": {"李四"}, "id_number": {"11010519491231002X"},
		"phone": {"13900139000"}, "description": {"本村2024年征地补偿标准"}, "form": {"electronic"}, "delivery": {"online"}}
	no1, code1 := applyOnline(t, anon, form)
	form.Set("description", "本村道路硬化项目预算")
	no2, code2 := applyOnline(t, anon, form)
	var id string
	e.DB.QueryRowContext(t.Context(), `SELECT id FROM disclosure_requests WHERE receipt_no = ?`, no1).Scan(&id)

	staff := webtest.Login(t, e.Web, e.Auth, "qs_zrj")
	if w := staff.JSON(http.MethodPost, "/api/v1/disclosure/requests/"+id+"/reply", map[string]any{"type": "disclose"}); w.Code != http.StatusOK {
		t.Fatalf("reply: %d %s", w.Code, w.Body)
	}
	var docID string
	e.DB.QueryRowContext(t.Context(), `SELECT id FROM official_documents WHERE owner_type = 'disclosure_request' AND owner_id = ?`, id).Scan(&docID)
	if w := staff.Get("/disclosure/documents/" + docID); w.Code != http.StatusOK || !strings.Contains(w.Body, "行政诉讼法》第四十六条") {
		t.Fatalf("document page: %d", w.Code)
	}
	// before issue the applicant sees no document
	if w := anon.Post("/public/disclosure/progress/download", url.Values{"receipt_no": {no1}, "code": {code1}, "document": {docID}}); w.Code != http.StatusNotFound {
		t.Errorf("draft downloadable: %d", w.Code)
	}
	if w := staff.Post("/disclosure/documents/"+docID+"/issue", url.Values{}); w.Code != http.StatusSeeOther {
		t.Fatalf("issue: %d %s", w.Code, w.Body)
	}
	content := []byte("2024年征地补偿标准：每亩3万元。\n")
	if w := staff.Upload("/disclosure/requests/"+id+"/files", url.Values{"label": {"征地补偿标准"}}, "补偿标准.txt", content); w.Code != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", w.Code, w.Body)
	}
	var fileID string
	e.DB.QueryRowContext(t.Context(), `SELECT id FROM attachments WHERE owner_type = 'disclosure_request' AND owner_id = ?`, id).Scan(&fileID)
	if w := webtest.Login(t, e.Web, e.Auth, "qs_gaj").Upload("/disclosure/requests/"+id+"/files", url.Values{}, "x.txt", content); w.Code != http.StatusNotFound {
		t.Errorf("another department uploaded: %d", w.Code)
	}

	page := anon.Post("/public/disclosure/progress", url.Values{"receipt_no": {no1}, "code": {code1}})
	if !strings.Contains(page.Body, "政府信息予以公开告知书") || !strings.Contains(page.Body, "补偿标准.txt") {
		t.Errorf("progress page lacks the reply or the file: %s", page.Body)
	}
	doc := anon.Post("/public/disclosure/progress/download", url.Values{"receipt_no": {no1}, "code": {code1}, "document": {docID}})
	if doc.Code != http.StatusOK || !strings.HasPrefix(doc.Body, "PK") {
		t.Errorf("document download: %d", doc.Code)
	}
	file := anon.Post("/public/disclosure/progress/download", url.Values{"receipt_no": {no1}, "code": {code1}, "file": {fileID}})
	if file.Code != http.StatusOK || file.Body != string(content) {
		t.Errorf("file download: %d %q", file.Code, file.Body)
	}
	// another request's receipt number and code, or a mixed pair, open nothing
	for _, v := range []url.Values{
		{"receipt_no": {no2}, "code": {code2}, "file": {fileID}},
		{"receipt_no": {no2}, "code": {code2}, "document": {docID}},
		{"receipt_no": {no1}, "code": {code2}, "file": {fileID}},
	} {
		if w := anon.Post("/public/disclosure/progress/download", v); w.Code != http.StatusNotFound || strings.Contains(w.Body, "每亩") {
			t.Errorf("%v: %d", v, w.Code)
		}
	}
}

// TestOfficeHandlesGovernmentRequests: the demo's 政务公开 account of the county government's office
// registers and answers a request addressed to the government; a department's liaison cannot see it.
func TestOfficeHandlesGovernmentRequests(t *testing.T) {
	e := demotest.Env(t)
	gov, ok := e.Org.ByCode("990121-GOV")
	if !ok {
		t.Fatal("no government")
	}
	office := webtest.Login(t, e.Web, e.Auth, "qs_zwgk")
	w := office.JSON(http.MethodPost, "/api/v1/disclosure/requests", map[string]any{"organ_id": gov.ID, "channel": "in_person", "received_on": "2026-01-05",
		"applicant_type": "business", "applicant_name": "青山商贸有限公司", "id_number": "91350100M000100Y43", "phone": "0591-87654321", "description": "县政府2025年常务会议纪要目录"})
	if w.Code != http.StatusCreated {
		t.Fatalf("office registers for the government: %d %s", w.Code, w.Body)
	}
	var rec struct {
		RequestID string `json:"request_id"`
	}
	w.JSON(t, &rec)
	if w := office.Get("/disclosure/requests?state=registered&applicant_type=business&organ=" + gov.ID); !strings.Contains(w.Body, "青山商贸有限公司") {
		t.Error("the office's list lacks the government's request")
	}
	if w := office.JSON(http.MethodPost, "/api/v1/disclosure/requests/"+rec.RequestID+"/reply", map[string]any{"type": "disclose", "on": "2026-01-06"}); w.Code != http.StatusOK {
		t.Errorf("office replies: %d %s", w.Code, w.Body)
	}
	if w := webtest.Login(t, e.Web, e.Auth, "qs_zrj").Get("/disclosure/requests/" + rec.RequestID); w.Code != http.StatusNotFound {
		t.Errorf("a department sees the government's request: %d", w.Code)
	}
}

// TestAnnualReportPages: the office prepares the government's report, exports it, publishes it
// with a 索引号; the public site lists and serves it; a department cannot open the government's.
func TestAnnualReportPages(t *testing.T) {
	e := demotest.Env(t)
	gov, _ := e.Org.ByCode("990121-GOV")
	office := webtest.Login(t, e.Web, e.Auth, "qs_zwgk")
	page := office.Get("/disclosure/reports")
	if page.Code != http.StatusOK || !strings.Contains(page.Body, gov.Name) || !strings.Contains(page.Body, "三、收到和处理政府信息公开申请情况") || !strings.Contains(page.Body, "四项勾稽关系均成立") {
		t.Fatalf("report page: %d", page.Code)
	}
	var year string
	if i := strings.Index(page.Body, `name="year" value="`); i > 0 {
		year, _, _ = strings.Cut(page.Body[i+len(`name="year" value="`):], `"`)
	}
	q := url.Values{"organ": {gov.ID}, "year": {year}}
	if w := office.Post("/disclosure/reports", url.Values{"organ": {gov.ID}, "year": {year}, "overview": {"本年度政务公开工作稳步推进。"}, "licensing": {"x"}}); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body, "应为0以上的整数") {
		t.Errorf("bad count: %d", w.Code)
	}
	if w := office.Post("/disclosure/reports", url.Values{"organ": {gov.ID}, "year": {year}, "overview": {"本年度政务公开工作稳步推进。"}, "licensing": {"321"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("save: %d %s", w.Code, w.Body)
	}
	if w := office.Get("/disclosure/reports/report.docx?" + q.Encode()); w.Code != http.StatusOK || !strings.HasPrefix(w.Body, "PK") {
		t.Errorf("docx: %d", w.Code)
	}
	if w := office.Get("/disclosure/reports/report.xlsx?" + q.Encode()); w.Code != http.StatusOK || !strings.HasPrefix(w.Body, "PK") {
		t.Errorf("xlsx: %d", w.Code)
	}
	if w := webtest.Login(t, e.Web, e.Auth, "qs_zrj").Get("/disclosure/reports?" + q.Encode()); w.Code != http.StatusNotFound {
		t.Errorf("a department opens the government's report: %d", w.Code)
	}
	if w := office.Post("/disclosure/reports/publish", q); w.Code != http.StatusSeeOther {
		t.Fatalf("publish: %d %s", w.Code, w.Body)
	}
	if w := office.Get("/disclosure/reports?" + q.Encode()); w.Code != http.StatusOK || !strings.Contains(w.Body, "索引号 990121-GOV/") || !strings.Contains(w.Body, "readonly") {
		t.Errorf("published report page: %d", w.Code)
	}
	if w := office.Post("/disclosure/reports", url.Values{"organ": {gov.ID}, "year": {year}, "overview": {"改"}}); w.Code != http.StatusConflict {
		t.Errorf("edit after publication: %d", w.Code)
	}
	anon := webtest.Anonymous(t, e.Web)
	list := anon.Get("/public/disclosure/reports")
	if list.Code != http.StatusOK || !strings.Contains(list.Body, "990121-GOV/") {
		t.Fatalf("public list: %d", list.Code)
	}
	var id string
	e.DB.QueryRowContext(t.Context(), `SELECT id FROM disclosure_reports WHERE organ_id = ?`, gov.ID).Scan(&id)
	if w := anon.Get("/public/disclosure/reports/" + id); w.Code != http.StatusOK || !strings.Contains(w.Body, "本年度政务公开工作稳步推进") || !strings.Contains(w.Body, "321") {
		t.Errorf("public report: %d", w.Code)
	}
	if w := anon.Get("/public/disclosure/reports/" + id + "/docx"); w.Code != http.StatusOK || !strings.HasPrefix(w.Body, "PK") {
		t.Errorf("public docx: %d", w.Code)
	}
}

// TestListXLSX: the export holds the filtered rows the page lists, within the user's scope.
func TestListXLSX(t *testing.T) {
	e := demotest.Env(t)
	staff := webtest.Login(t, e.Web, e.Auth, "qs_zrj")
	w := staff.Get("/disclosure/requests.xlsx?reply_type=disclose")
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Body, "PK") {
		t.Fatalf("export: %d %s", w.Code, w.Body)
	}
	x, err := excelize.OpenReader(strings.NewReader(w.Body))
	if err != nil {
		t.Fatal(err)
	}
	rows, _ := x.GetRows(x.GetSheetName(0))
	o, _ := e.Org.ByCode("990121-ZRJ")
	var want int
	e.DB.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM disclosure_requests WHERE organ_id = ? AND reply_type = 'disclose'`, o.ID).Scan(&want)
	var got int
	for _, r := range rows {
		if len(r) > 13 && r[1] == o.Name {
			got++
			if r[13] != "予以公开" {
				t.Errorf("row %v", r)
			}
		}
	}
	if want == 0 || got != want {
		t.Errorf("%d rows exported, want %d", got, want)
	}
	if w := staff.Get("/disclosure/requests.xlsx?due=x"); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("bad filter: %d", w.Code)
	}
}

// TestDisputeLinks: a 复议 with fazhi's case number links the request to that case (seen on the
// request page) and takes its result from the case; an external number is kept as entered, and
// without a result is refused.
func TestDisputeLinks(t *testing.T) {
	e := demotest.Env(t)
	o, _ := e.Org.ByCode("990121-ZRJ")
	var caseID, number string
	e.DB.QueryRowContext(t.Context(), `SELECT id, number FROM reconsider_cases WHERE respondent_id = ? AND number <> '' ORDER BY number LIMIT 1`, o.ID).Scan(&caseID, &number)
	if caseID == "" {
		t.Skip("the demo has no reconsideration case against this department")
	}
	var id string
	e.DB.QueryRowContext(t.Context(), `SELECT id FROM disclosure_requests WHERE organ_id = ? AND state = 'replied' ORDER BY receipt_no LIMIT 1`, o.ID).Scan(&id)
	staff := webtest.Login(t, e.Web, e.Auth, "qs_zrj")
	if w := staff.JSON(http.MethodPost, "/api/v1/disclosure/requests/"+id+"/dispute", map[string]any{"ref": "外县政复〔2026〕2号"}); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("external number without a result: %d", w.Code)
	}
	w := staff.JSON(http.MethodPost, "/api/v1/disclosure/requests/"+id+"/dispute", map[string]any{"ref": number})
	if w.Code != http.StatusOK || !strings.Contains(w.Body, `"reconsider_case_id":"`+caseID+`"`) {
		t.Fatalf("link: %d %s", w.Code, w.Body)
	}
	if p := staff.Get("/disclosure/requests/" + id); !strings.Contains(p.Body, `href="/reconsider/cases/`+caseID+`"`) {
		t.Error("the request page does not link the case")
	}
	w = staff.JSON(http.MethodPost, "/api/v1/disclosure/requests/"+id+"/dispute", map[string]any{"reconsideration": "upheld", "ref": "示范市政复〔2026〕9号",
		"litigation": "after:pending", "litigation_ref": "（2026）示0121行初12号"})
	if w.Code != http.StatusOK || strings.Contains(w.Body, "reconsider_case_id") || !strings.Contains(w.Body, "行初12号") {
		t.Errorf("external: %d %s", w.Code, w.Body)
	}
}

// TestReportAPI: the API gives the same figures as `fazhi stats disclosure` and the checks.
func TestReportAPI(t *testing.T) {
	e := demotest.Env(t)
	o, _ := e.Org.ByCode("990121-ZRJ")
	staff := webtest.Login(t, e.Web, e.Auth, "qs_zrj")
	svc := disclosureService(t, e)
	year := svc.Today().AddDays(-60).Year // a year the demo has requests in
	w := staff.Get("/api/v1/disclosure/reports?organ=" + o.ID + "&year=" + strconv.Itoa(year))
	var got struct {
		Figures struct {
			Table3 disclosure.Table3 `json:"table3"`
		} `json:"figures"`
		CheckError string `json:"check_error"`
	}
	w.JSON(t, &got)
	st, err := svc.Verified(t.Context(), disclosure.Scope{Organ: o}, year)
	if err != nil {
		t.Fatal(err)
	}
	if w.Code != http.StatusOK || got.Figures.Table3 != st.Table3 || got.CheckError != "" || st.Table3.New.Total == 0 {
		t.Errorf("api: %d %s", w.Code, w.Body)
	}
	if w := staff.Get("/api/v1/disclosure/reports?year=1990"); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("bad year: %d", w.Code)
	}
}

// TestDemoDocuments: the demo's requests carry the drafts their steps call for, one reply notice
// per answered request.
func TestDemoDocuments(t *testing.T) {
	e := demotest.Env(t)
	var replied, replies, amends int
	e.DB.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM disclosure_requests WHERE replied_on <> ''`).Scan(&replied)
	e.DB.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM official_documents WHERE owner_type = 'disclosure_request' AND kind LIKE 'reply_%'`).Scan(&replies)
	e.DB.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM official_documents WHERE owner_type = 'disclosure_request' AND kind = 'amend_notice'`).Scan(&amends)
	if replied == 0 || replies != replied || amends == 0 {
		t.Errorf("%d answered, %d reply notices, %d 补正告知书", replied, replies, amends)
	}
}
