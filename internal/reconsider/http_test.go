package reconsider

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/action"
	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/docgen"
	"github.com/fazhi/fazhi/internal/files"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/secure"
	"github.com/fazhi/fazhi/internal/web"
	"github.com/fazhi/fazhi/internal/webtest"
)

// webEnv is the application as cli.Open wires it (database, org tree, accounts, calendar,
// cipher, files), with the demo county loaded and the module's clock at 2025-06-30.
type webEnv struct {
	t     *testing.T
	ctx   context.Context
	db    *db.DB
	org   *org.Service
	auth  *auth.Service
	svc   *Service
	files *files.Service
	app   *web.App
	srv   *httptest.Server
}

func newWebEnv(t *testing.T) *webEnv {
	t.Helper()
	ctx := context.Background()
	d := dbtest.Open(t)
	o := org.New(d)
	if err := o.Load(ctx); err != nil {
		t.Fatal(err)
	}
	a := auth.New(d, o, auth.DefaultSettings())
	if _, err := demo.Load(ctx, d, o, a, "county", nil); err != nil {
		t.Fatal(err)
	}
	cal := calendar.NewStore(d)
	if err := cal.Load(ctx); err != nil {
		t.Fatal(err)
	}
	cipher, err := secure.NewFieldCipher(make([]byte, 16))
	if err != nil {
		t.Fatal(err)
	}
	svc := New(d, o, a, cal.Current, cipher)
	svc.SetClock(func() time.Time { return time.Date(2025, 6, 30, 10, 0, 0, 0, calendar.Shanghai()) })
	fs := files.New(d, files.NewDiskStore(t.TempDir()), 2<<20)
	fs.TempDir = t.TempDir()
	app := web.New(web.Deps{DB: d, Auth: a, Org: o, Calendar: cal.Current, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Version: "test"})
	NewModule(svc, fs).Register(app, api.NewRegistry())
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)
	return &webEnv{t: t, ctx: ctx, db: d, org: o, auth: a, svc: svc, files: fs, app: app, srv: srv}
}

func (e *webEnv) organ(code string) org.Organ {
	e.t.Helper()
	o, ok := e.org.ByCode(code)
	if !ok {
		e.t.Fatalf("organ %s missing", code)
	}
	return o
}

func (e *webEnv) count(table string) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRowContext(e.ctx, `SELECT COUNT(*) FROM `+table).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

func (e *webEnv) principal(username string) *auth.Principal {
	e.t.Helper()
	tok, err := e.auth.Login(e.ctx, username, demo.Password, "127.0.0.1", "test", "")
	if err != nil {
		e.t.Fatal(err)
	}
	p, err := e.auth.Authenticate(e.ctx, tok)
	if err != nil {
		e.t.Fatal(err)
	}
	return p
}

// login signs a demo account in (webtest.Login) and checks that its workbench opens.
func (e *webEnv) login(username string) *webtest.Client {
	e.t.Helper()
	c := webtest.Login(e.t, e.app, e.auth, username)
	if r := c.Get("/workbench"); r.Code != http.StatusOK {
		e.t.Fatalf("workbench for %s: %d", username, r.Code)
	}
	return c
}

var pdf = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

var versionRE = regexp.MustCompile(`name="version" value="(\d+)"`)

// version reads the case version the page's forms carry.
func version(t *testing.T, page string) string {
	t.Helper()
	m := versionRE.FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no version field on the case page")
	}
	return m[1]
}

func mustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s: missing %q", what, w)
		}
	}
}

func mustNotContain(t *testing.T, what, body string, bad ...string) {
	t.Helper()
	for _, w := range bad {
		if strings.Contains(body, w) {
			t.Errorf("%s: should not contain %q", what, w)
		}
	}
}

func (e *webEnv) goodIntake() url.Values {
	return url.Values{
		"organ_id": {e.organ("990121-GOV").ID}, "channel": {"post"}, "received_on": {"2025-06-27"}, "applicant_kind": {"natural"},
		"applicant_name": {"张三"}, "id_number": {validID(e.t)}, "phone": {"13800138000"}, "address": {"青山县城关镇1号"},
		"respondent_id": {e.organ("990121-GAJ").ID}, "act_type": {"行政处罚"}, "field": {"公安"}, "act_title": {"青公（治）决字〔2025〕15号"},
		"act_date": {"2025-01-02"}, "learned_on": {"2025-01-03"}, "amount": {"500"}, "requests": {"撤销该处罚决定"}, "facts": {"事实不清，证据不足"},
	}
}

// The office's main path through the pages: a rejected then a good registration, acceptance,
// the copy, the respondent's reply by its liaison, a hearing and the decision — every step a
// POST with CSRF, errors shown beside the fields of the form that failed.
func TestCasePagesMainPath(t *testing.T) {
	e := newWebEnv(t)
	staff := e.login("qs_fy")

	r := staff.Get("/reconsider/cases/new")
	if r.Code != http.StatusOK {
		t.Fatalf("new form: %d", r.Code)
	}
	mustContain(t, "new form", r.Body, "青山县公安局", "签收之日", "双方确认之日")

	// Bad input: 422, each message beside its field, the input kept, nothing written.
	bad := e.goodIntake()
	bad.Set("applicant_name", "")
	bad.Set("phone", "12345")
	bad.Set("amount", "五百")
	bad.Set("learned_on", "2025-13-01")
	r = staff.UploadFiles("/reconsider/cases", bad, "files", map[string][]byte{"申请书.pdf": pdf})
	if r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("bad registration: status %d", r.Code)
	}
	mustContain(t, "bad registration", r.Body,
		`name="applicant_name" value="" maxlength="100"></label><span class="err">请填写申请人姓名或名称</span>`,
		`name="phone" value="12345" autocomplete="off"></label><span class="err">联系电话应为11位手机号码或带区号的固定电话</span>`,
		`name="amount" value="五百" inputmode="decimal"></label><span class="err">请填写数字</span>`,
		`name="learned_on" value="2025-13-01"></label><span class="err">知道行政行为的日期应为不晚于今天的日期（年-月-日，例如 2026-01-05）</span>`,
		`value="青公（治）决字〔2025〕15号"`, "申请未登记")
	for _, table := range []string{"reconsider_cases", "case_events", "attachments"} {
		if n := e.count(table); n != 0 {
			t.Errorf("%s has %d rows after a rejected form", table, n)
		}
	}

	// Good input with the application materials.
	r = staff.UploadFiles("/reconsider/cases", e.goodIntake(), "files", map[string][]byte{"申请书.pdf": pdf})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("registration: status %d\n%s", r.Code, r.Body)
	}
	loc := r.Header().Get("Location")
	id := strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], "/reconsider/cases/")
	page := staff.Get(loc)
	mustContain(t, "case page", page.Body, "990121-2025-00001", "已登记，收件编号 990121-2025-00001", "申请书.pdf", "青山县公安局",
		secure.MaskIDNumber(validID(t)), "申请可能超过申请期限", "2025-03-04", "受理审查", "第三十条")
	mustNotContain(t, "case page", page.Body, validID(t), "13800138000")

	// The same application again is flagged as a possible duplicate.
	r = staff.Post("/reconsider/cases", e.goodIntake())
	if r.Code != http.StatusSeeOther {
		t.Fatalf("second registration: %d", r.Code)
	}
	dup := staff.Get(r.Header().Get("Location"))
	mustContain(t, "duplicate", dup.Body, "可能重复申请", "990121-2025-00001")

	// The list shows both, filters and exports.
	list := staff.Get("/reconsider/cases?q=990121-2025-00001")
	mustContain(t, "list", list.Body, "990121-2025-00001", "张三", "受理审查")
	mustNotContain(t, "list", list.Body, "990121-2025-00002")
	if r := staff.Get("/reconsider/cases?from=2025-07-01&to=2025-06-01"); r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "截止日期不能早于起始日期") {
		t.Errorf("bad filter: %d", r.Code)
	}

	act := func(action string, vals url.Values) webtest.Response {
		t.Helper()
		cur := staff.Get("/reconsider/cases/" + id)
		vals.Set("version", version(t, cur.Body))
		return staff.Post("/reconsider/cases/"+id+"/"+action, vals)
	}

	// A failed action re-renders the page with its form open and the message beside the field.
	r = act("accept", url.Values{"on": {"2025-06-30"}, "procedure": {"simplified"}})
	if r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("accept without ground: %d", r.Code)
	}
	mustContain(t, "accept error", r.Body, `<details class="action" id="act-accept" open><summary>受理</summary>`, `<span class="err">适用简易程序须选择第五十三条规定的情形</span>`)
	if strings.Count(r.Body, `" open><summary>`) != 1 {
		t.Error("only the failed form should be open")
	}

	r = act("accept", url.Values{"on": {"2025-06-30"}, "procedure": {"ordinary"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("accept: %d\n%s", r.Code, r.Body)
	}
	page = staff.Get(r.Header().Get("Location"))
	mustContain(t, "accepted", page.Body, "已受理，案号：青政复〔2025〕1号", "发送申请书副本", "作出复议决定",
		`<p class="next-step" role="status"><b>下一步</b>　行政复议受理通知书尚未印发`)

	// A stale version is refused with the reason, not applied.
	stale := staff.Post("/reconsider/cases/"+id+"/send_copy", url.Values{"on": {"2025-06-30"}, "version": {"1"}})
	if stale.Code != http.StatusConflict || !strings.Contains(stale.Body, "已被他人更新") {
		t.Fatalf("stale version: %d", stale.Code)
	}
	if r := act("send_copy", url.Values{"on": {"2025-06-30"}}); r.Code != http.StatusSeeOther {
		t.Fatalf("send copy: %d", r.Code)
	}

	// The respondent's liaison sees the case on its list and replies with evidence.
	liaison := e.login("qs_gaj")
	mustContain(t, "replies", liaison.Get("/reconsider/replies").Body, "青政复〔2025〕1号", "张三")
	lp := liaison.Get("/reconsider/cases/" + id)
	if lp.Code != http.StatusOK {
		t.Fatalf("liaison case page: %d", lp.Code)
	}
	mustContain(t, "liaison page", lp.Body, "提交答复")
	mustContain(t, "staff page", staff.Get("/reconsider/cases/"+id).Body, "申请可能超过申请期限", "草稿")
	mustNotContain(t, "liaison page", lp.Body, "作出决定", "申请可能超过申请期限", "草稿", "下一步")
	if r := liaison.Post("/reconsider/cases/"+id+"/decide", url.Values{"outcome": {"revoke"}}); r.Code != http.StatusForbidden {
		t.Errorf("liaison decide: %d", r.Code)
	}
	r = liaison.UploadFiles("/reconsider/cases/"+id+"/reply", url.Values{"on": {"2025-06-30"}, "text": {"原处罚决定事实清楚，请予维持。"}, "version": {version(t, lp.Body)}},
		"files", map[string][]byte{"证据目录.pdf": pdf})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("reply: %d\n%s", r.Code, r.Body)
	}

	// Hearing: the five-working-day notice is checked, then the hearing is recorded.
	// (The old action name "session" still reaches it.)
	r = act("session", url.Values{"kind": {"hearing"}, "mode": {"inperson"}, "notice_on": {"2025-06-30"}, "held_on": {"2025-07-03"}, "panel": {"赵一、钱二、孙三"}})
	if r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("early hearing: %d", r.Code)
	}
	mustContain(t, "early hearing", r.Body, `value="2025-07-03"`, "最早 2025-07-07 举行")
	r = act("hearing", url.Values{"kind": {"hearing"}, "mode": {"inperson"}, "notice_on": {"2025-06-30"}, "held_on": {"2025-07-07"}, "place": {"第一听证室"}, "panel": {"赵一、钱二、孙三"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("hearing: %d\n%s", r.Code, r.Body)
	}

	// Art. 49: the 听证 is only scheduled; deciding before any views are heard is refused with the article.
	r = act("decide", url.Values{"on": {"2025-06-30"}, "outcome": {"revoke"}, "performance_due": {"2025-07-30"}})
	if r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("decide without views: %d", r.Code)
	}
	mustContain(t, "decide without views", r.Body, "第四十九条")
	r = act("decide", url.Values{"on": {"2025-06-30"}, "outcome": {"revoke"}, "performance_due": {"2025-07-30"}, "written_review": {"申请人明确表示不陈述意见，因申请人原因不能听取意见"}})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("decide: %d\n%s", r.Code, r.Body)
	}
	page = staff.Get("/reconsider/cases/" + id)
	mustContain(t, "decided", page.Body, "已审结", "撤销（《行政复议法》第六十四条）", "原处罚决定事实清楚", "证据目录.pdf", "第一听证室", "记录履行")
	c, err := e.svc.Get(e.ctx, e.principal("qs_fy"), id)
	if err != nil {
		t.Fatal(err)
	}
	if c.State != StateConcluded || c.Outcome != Revoke || c.ReplyOn.String() != "2025-06-30" || c.PerformanceDue.String() != "2025-07-30" {
		t.Errorf("case after decision: state %s outcome %s reply %s perf %s", c.State, c.Outcome, c.ReplyOn, c.PerformanceDue)
	}

	// The evidence can be downloaded by staff, not by an account outside the case.
	att, err := e.files.List(e.ctx, e.db, ownerType, id)
	if err != nil || len(att) != 2 {
		t.Fatalf("attachments: %v %d", err, len(att))
	}
	if r := staff.Get("/reconsider/cases/" + id + "/files/" + att[1].ID); r.Code != http.StatusOK || r.Body != string(pdf) {
		t.Errorf("download: %d", r.Code)
	}
	other := e.login("qs_sjj") // another department's liaison
	if r := other.Get("/reconsider/cases/" + id + "/files/" + att[1].ID); r.Code != http.StatusNotFound {
		t.Errorf("download by another liaison: %d", r.Code)
	}
	if r := other.Get("/reconsider/cases/" + id); r.Code != http.StatusNotFound {
		t.Errorf("case page for another liaison: %d", r.Code)
	}
}

func TestCaseListExport(t *testing.T) {
	e := newWebEnv(t)
	p := e.principal("qs_fy")
	in := Intake{}
	action.DecodeForm(e.goodIntake(), &in)
	for i := 0; i < 23; i++ {
		in.ActTitle = "青公（治）决字〔2025〕" + string(rune('A'+i)) + "号"
		if _, err := e.svc.Register(e.ctx, p, in); err != nil {
			t.Fatal(err)
		}
	}
	staff := e.login("qs_fy")
	first := staff.Get("/reconsider/cases")
	mustContain(t, "page 1", first.Body, "共 23 件", "第 1 / 2 页", `href="/reconsider/cases?page=2"`)
	if n := strings.Count(first.Body, `<tr class="u-`); n != 20 {
		t.Errorf("page 1 rows = %d", n)
	}
	second := staff.Get("/reconsider/cases?page=2")
	if n := strings.Count(second.Body, `<tr class="u-`); n != 3 {
		t.Errorf("page 2 rows = %d", n)
	}
	before := e.countAudit("export")
	r := staff.Get("/reconsider/cases/export.xlsx?state=received")
	if r.Code != http.StatusOK || !strings.HasPrefix(r.Body, "PK") {
		t.Fatalf("export: %d", r.Code)
	}
	header, rows, err := docgen.ReadTable(strings.NewReader(r.Body), "export.xlsx")
	if err != nil || len(rows) != 23 || header[0] != "收件编号" || rows[22][4] != "张三" {
		t.Errorf("export content: %v, %d rows, header %v", err, len(rows), header)
	}
	if !strings.Contains(r.Header().Get("Content-Disposition"), "filename*=UTF-8''") {
		t.Errorf("disposition %q", r.Header().Get("Content-Disposition"))
	}
	if got := e.countAudit("export"); got != before+1 {
		t.Errorf("export audit entries %d → %d", before, got)
	}
	// A leader reads the list but may not register.
	leader := e.login("qs_ld")
	if r := leader.Get("/reconsider/cases"); r.Code != http.StatusOK || strings.Contains(r.Body, "登记复议申请") {
		t.Errorf("leader list: %d", r.Code)
	}
	if r := leader.Get("/reconsider/cases/new"); r.Code != http.StatusForbidden {
		t.Errorf("leader new form: %d", r.Code)
	}
}

func (e *webEnv) countAudit(action string) int {
	e.t.Helper()
	var n int
	if err := e.db.QueryRowContext(e.ctx, `SELECT COUNT(*) FROM audit_log WHERE action = ?`, action).Scan(&n); err != nil {
		e.t.Fatal(err)
	}
	return n
}

var (
	receiptRE = regexp.MustCompile(`<dt>收件编号</dt><dd><strong>([^<]+)</strong>`)
	codeRE    = regexp.MustCompile(`<dt>查询码</dt><dd><strong>(\d{6})</strong>`)
)

// The public application, the progress lookup and the online amendment.
func TestPublicApplyAndProgress(t *testing.T) {
	e := newWebEnv(t)
	anon := webtest.Anonymous(t, e.app)
	r := anon.Get("/public/reconsider/apply")
	if r.Code != http.StatusOK {
		t.Fatalf("apply form: %d", r.Code)
	}
	mustContain(t, "apply form", r.Body, "青山县人民政府", "示范市人民政府")

	form := e.goodIntake()
	for _, k := range []string{"channel", "received_on", "respondent_id"} {
		form.Del(k)
	}
	form.Set("respondent", "青山县公安局")
	form.Set("learned_on", "2025-06-20")

	noCSRF := url.Values{}
	for k, v := range form {
		noCSRF[k] = v
	}
	noCSRF.Set("csrf", "forged")
	if r := anon.Post("/public/reconsider/apply", noCSRF); r.Code != http.StatusForbidden {
		t.Errorf("forged CSRF: %d", r.Code)
	}

	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("organ_id", "")
	bad.Set("id_number", "110101199003071234")
	r = anon.Post("/public/reconsider/apply", bad)
	if r.Code != http.StatusUnprocessableEntity {
		t.Fatalf("bad application: %d", r.Code)
	}
	mustContain(t, "bad application", r.Body, "请选择行政复议机关（人民政府）", `value="110101199003071234"`, `value="青山县公安局"`)
	if n := e.count("reconsider_cases"); n != 0 {
		t.Fatalf("%d cases after a rejected application", n)
	}

	// Post/Redirect/Get: the POST answers 303 to the receipt page, which a refresh shows again.
	form.Set("form_token", "tok-0123456789abcdef")
	r = anon.UploadFiles("/public/reconsider/apply", form, "files", map[string][]byte{"处罚决定书.pdf": pdf})
	if r.Code != http.StatusSeeOther || r.Location() != "/public/reconsider/receipt" {
		t.Fatalf("application: %d %s\n%s", r.Code, r.Header().Get("Location"), r.Body)
	}
	receiptURL := r.Header().Get("Location")
	r = anon.Get(receiptURL)
	rm, cm := receiptRE.FindStringSubmatch(r.Body), codeRE.FindStringSubmatch(r.Body)
	if r.Code != http.StatusOK || rm == nil || cm == nil {
		t.Fatalf("receipt page without number or code: %d\n%s", r.Code, r.Body)
	}
	receipt, code := rm[1], cm[1]
	mustContain(t, "receipt", r.Body, "请打印、抄写或截图保存", "2025-06-30", "1 个文件", "receipt.docx")
	if again := anon.Get(receiptURL); again.Code != http.StatusOK || !strings.Contains(again.Body, code) {
		t.Fatalf("refreshed receipt: %d", again.Code)
	}
	// The same form sent again (back button, double click) makes no second case.
	r = anon.UploadFiles("/public/reconsider/apply", form, "files", map[string][]byte{"处罚决定书.pdf": pdf})
	if r.Code != http.StatusSeeOther || !strings.Contains(r.Header().Get("Location"), "flash=") {
		t.Fatalf("second send: %d %s", r.Code, r.Header().Get("Location"))
	}
	if again := anon.Get(r.Header().Get("Location")); !strings.Contains(again.Body, receipt) || !strings.Contains(again.Body, code) {
		t.Fatalf("second send shows another receipt:\n%s", again.Body)
	}
	if n := e.count("reconsider_cases"); n != 1 {
		t.Fatalf("%d cases after sending one application twice", n)
	}
	docx := anon.Get(strings.Replace(receiptURL, "/receipt?", "/receipt.docx?", 1))
	if docx.Code != http.StatusOK || !strings.Contains(docxPart(t, []byte(docx.Body), "word/document.xml"), code) {
		t.Fatalf("receipt DOCX: %d", docx.Code)
	}
	if r := anon.Get(receiptURL + "x"); r.Code != http.StatusNotFound {
		t.Errorf("forged receipt link: %d", r.Code)
	}

	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	r = anon.Post("/public/reconsider/progress", url.Values{"receipt_no": {receipt}, "code": {wrong}})
	if r.Code != http.StatusNotFound || !strings.Contains(r.Body, "收件编号或查询码不正确") {
		t.Fatalf("wrong code: %d", r.Code)
	}
	mustContain(t, "wrong code keeps input", r.Body, `value="`+receipt+`"`)
	r = anon.Follow("/public/reconsider/progress", url.Values{"receipt_no": {receipt}, "code": {code}})
	if r.Code != http.StatusOK {
		t.Fatalf("progress: %d", r.Code)
	}
	mustContain(t, "progress", r.Body, "申请已收到", "待受理审查", "处罚决定书.pdf", `<li class="current" aria-current="step">受理`, "暂无已印发的文书")
	mustNotContain(t, "progress", r.Body, "提交补正材料")
	// Once the applicant has used the code, the receipt no longer shows it.
	if again := anon.Get(receiptURL); strings.Contains(again.Body, code) {
		t.Errorf("receipt still shows the code after it was used")
	}

	// The office asks for amendment; the applicant sees the items and uploads materials.
	var id string
	if err := e.db.QueryRowContext(e.ctx, `SELECT id FROM reconsider_cases WHERE receipt_no = ?`, receipt).Scan(&id); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.RequestAmendment(e.ctx, e.principal("qs_fy"), id, Step{On: calendar.MustDate("2025-06-30")}, "请补充身份证复印件"); err != nil {
		t.Fatal(err)
	}
	r = anon.Post("/public/reconsider/progress", url.Values{"receipt_no": {receipt}, "code": {code}})
	progressURL := r.Header().Get("Location")
	link, _ := url.ParseQuery(strings.SplitN(progressURL, "?", 2)[1])
	r = anon.Get(progressURL)
	mustContain(t, "amending", r.Body, "请补充身份证复印件", "需要补正材料", "提交补正材料", "2025-07-14", "等待申请人补正材料")
	tok := url.Values{"t": {link.Get("t")}}
	r = anon.UploadFiles("/public/reconsider/progress/materials", tok, "files", nil)
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "请选择补正材料文件") {
		t.Fatalf("empty upload: %d", r.Code)
	}
	r = anon.UploadFiles("/public/reconsider/progress/materials", url.Values{"t": {link.Get("t") + "0"}}, "files", map[string][]byte{"身份证.pdf": pdf})
	if r.Code != http.StatusNotFound {
		t.Fatalf("upload with a forged link: %d", r.Code)
	}
	r = anon.UploadFiles("/public/reconsider/progress/materials", tok, "files", map[string][]byte{"身份证.pdf": pdf, "程序.exe": []byte("MZ\x90\x00")})
	if r.Code != http.StatusUnprocessableEntity || !strings.Contains(r.Body, "程序.exe") {
		t.Fatalf("upload with an executable: %d", r.Code)
	}
	r = anon.UploadFiles("/public/reconsider/progress/materials", tok, "files", map[string][]byte{"身份证.pdf": pdf})
	if r.Code != http.StatusSeeOther {
		t.Fatalf("amendment upload: %d\n%s", r.Code, r.Body)
	}
	r = anon.Get(r.Header().Get("Location"))
	mustContain(t, "uploaded", r.Body, "已收到补正材料 1 个文件", "补正材料：身份证.pdf")
	d, err := e.svc.Detail(e.ctx, e.principal("qs_fy"), id)
	if err != nil {
		t.Fatal(err)
	}
	last := d.Events[len(d.Events)-1]
	if last.Action != "amendment_uploaded" || !strings.Contains(last.Note, "身份证.pdf") {
		t.Errorf("last event %s %q", last.Action, last.Note)
	}
}

// Ten failed lookups from one address block the eleventh, even with the right code.
func TestProgressRateLimit(t *testing.T) {
	e := newWebEnv(t)
	in := Intake{}
	action.DecodeForm(e.goodIntake(), &in)
	rec, err := e.svc.Register(e.ctx, nil, in)
	if err != nil {
		t.Fatal(err)
	}
	anon := webtest.Anonymous(t, e.app)
	anon.Get("/public/reconsider/progress")
	for i := 0; i < lookupMaxFailures; i++ {
		if r := anon.Post("/public/reconsider/progress", url.Values{"receipt_no": {rec.ReceiptNo}, "code": {"x" + rec.QueryCode}}); r.Code != http.StatusNotFound {
			t.Fatalf("failure %d: status %d", i+1, r.Code)
		}
	}
	r := anon.Post("/public/reconsider/progress", url.Values{"receipt_no": {rec.ReceiptNo}, "code": {rec.QueryCode}})
	if r.Code != http.StatusTooManyRequests || !strings.Contains(r.Body, "请10分钟后再试") {
		t.Fatalf("after %d failures: status %d", lookupMaxFailures, r.Code)
	}
}

// The form decoder fills embedded structs by json tag and reports numbers that do not parse.
func TestDecodeForm(t *testing.T) {
	cases := []struct {
		vals   url.Values
		want   DecideInput
		errKey string
	}{
		{url.Values{"on": {"2025-06-30"}, "outcome": {"revoke"}, "no_reply": {"1"}, "version": {"3"}},
			DecideInput{Step: Step{OnText: "2025-06-30", Version: 3}, Outcome: Revoke, NoReply: true}, ""},
		{url.Values{"version": {"x"}}, DecideInput{}, "version"},
		{url.Values{"no_reply": {"on"}, "note": {"  理由 "}}, DecideInput{Step: Step{Note: "  理由 "}, NoReply: true}, ""},
	}
	for i, c := range cases {
		var got DecideInput
		fe := action.DecodeForm(c.vals, &got)
		if got != c.want {
			t.Errorf("case %d: got %+v, want %+v", i, got, c.want)
		}
		if (c.errKey == "") != (fe.Err() == nil) || (c.errKey != "" && fe.Fields[c.errKey] == "") {
			t.Errorf("case %d: errors %v, want field %q", i, fe.Fields, c.errKey)
		}
	}
}
