package litigation

import (
	"bytes"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/files"
	"github.com/fazhi/fazhi/internal/module"
	"github.com/fazhi/fazhi/internal/web"
	"github.com/fazhi/fazhi/internal/webtest"
)

// app rebuilds the module with a file store and mounts it on a web shell.
func (f *fixture) app() *web.App {
	f.t.Helper()
	cal := calendar.Default()
	fs := files.New(f.db, files.NewDiskStore(f.t.TempDir()), 10<<20)
	now := f.m.now
	f.m = New(module.Deps{DB: f.db, Org: f.org, Auth: f.auth, Cipher: f.m.d.Cipher, Files: fs})
	f.m.SetClock(func() time.Time { return now() })
	app := web.New(web.Deps{DB: f.db, Auth: f.auth, Org: f.org, Calendar: func() *calendar.Calendar { return cal }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	f.m.Register(app, api.NewRegistry())
	return app
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// multi posts a multipart form with files in several fields (field → filename → content); the
// CSRF token is read from a page the client rendered.
func multi(t *testing.T, c *webtest.Client, page, path string, form url.Values, fields map[string]map[string][]byte) webtest.Response {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	if m := csrfRe.FindStringSubmatch(c.Get(page).Body); m != nil {
		mw.WriteField("csrf", m[1])
	}
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	for field, fs := range fields {
		for name, data := range fs {
			w, _ := mw.CreateFormFile(field, name)
			w.Write(data)
		}
	}
	mw.Close()
	req := httptest.NewRequest(http.MethodPost, path, &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	return c.Do(req)
}

func pdf(s string) map[string][]byte { return map[string][]byte{s + ".pdf": []byte("%PDF-1.4 " + s)} }

// TestPages walks a case through every state by the three accounts in the browser and renders the
// list, the case page and the export for each account in each state.
func TestPages(t *testing.T) {
	f := newFixture(t)
	app := f.app()
	court, agency, justice := webtest.Login(t, app, f.auth, "qs_fyll"), webtest.Login(t, app, f.auth, "qs_gaj"), webtest.Login(t, app, f.auth, "qs_fy")
	otherCourt, otherAgency, bystander := webtest.Login(t, app, f.auth, "ls_fyll"), webtest.Login(t, app, f.auth, "ls_gaj"), webtest.Login(t, app, f.auth, "qs_sjj")
	three := map[string]*webtest.Client{"court": court, "agency": agency, "justice": justice}

	for who, c := range three {
		if w := c.Get("/litigation/cases"); w.Code != 200 || !strings.Contains(w.Body, "暂无符合条件的应诉案件") {
			t.Fatalf("%s: empty list %d", who, w.Code)
		}
	}
	if w := agency.Get("/litigation/cases/new"); w.Code != 403 {
		t.Errorf("agency opens the new-case form: %d", w.Code)
	}
	if w := court.Get("/litigation/cases/new"); w.Code != 200 || !strings.Contains(w.Body, "举证通知书") || !strings.Contains(w.Body, "青山县公安局") {
		t.Fatalf("court new form %d", w.Code)
	}
	gaj := f.organ("990121-GAJ")
	form := url.Values{"docket": {"（2026）豫0182行初7号"}, "plaintiff_name": {"张三", ""}, "plaintiff_kind": {"natural", "natural"}, "plaintiff_id_no": {"11010519491231002X", ""},
		"defendant_id": {gaj.ID}, "act_type": {"行政处罚"}, "field": {"公安"}, "act": {"青公（治）行罚决字〔2026〕12号行政处罚决定"}}
	// A missing document is named and nothing is registered.
	w := multi(t, court, "/litigation/cases/new", "/litigation/cases", form, map[string]map[string][]byte{"file_complaint": pdf("起诉状副本"), "file_notice": pdf("应诉通知书")})
	if w.Code != 422 || !strings.Contains(w.Body, "请上传举证通知书") || f.count(`SELECT COUNT(*) FROM litigation_cases`) != 0 {
		t.Fatalf("missing document: %d", w.Code)
	}
	// A file that is not what its name says is rejected by name.
	w = multi(t, court, "/litigation/cases/new", "/litigation/cases", form, map[string]map[string][]byte{"file_complaint": {"起诉状.pdf": []byte("MZ\x90\x00 not a pdf")},
		"file_notice": pdf("应诉通知书"), "file_evidence_notice": pdf("举证通知书")})
	if w.Code != 422 || !strings.Contains(w.Body, "起诉状.pdf") || f.count(`SELECT COUNT(*) FROM litigation_cases`) != 0 {
		t.Fatalf("bad file: %d", w.Code)
	}
	w = multi(t, court, "/litigation/cases/new", "/litigation/cases", form, map[string]map[string][]byte{"file_complaint": pdf("起诉状副本"),
		"file_notice": pdf("应诉通知书"), "file_evidence_notice": pdf("举证通知书")})
	if w.Code != 303 {
		t.Fatalf("register: %d %s", w.Code, w.Body)
	}
	id := strings.TrimPrefix(strings.SplitN(w.Location(), "?", 2)[0], "/litigation/cases/")
	page := "/litigation/cases/" + id

	// Every state: the three accounts render the list, the case page and the export.
	check := func(state State, wants map[string][]string) {
		t.Helper()
		c, err := f.m.Case(f.ctx, nil, id)
		if err != nil || c.State != state {
			t.Fatalf("state %v, want %s (%v)", c, state, err)
		}
		for who, cl := range three {
			w := cl.Get(page)
			if w.Code != 200 || !strings.Contains(w.Body, "（2026）豫0182行初7号") || !strings.Contains(w.Body, state.Label()) {
				t.Fatalf("%s: case page in %s: %d", who, state, w.Code)
			}
			for _, s := range wants[who] {
				if !strings.Contains(w.Body, s) {
					t.Errorf("%s: case page in %s lacks %q", who, state, s)
				}
			}
			for _, q := range []string{"", "?state=" + string(state), "?instance=first&field=公安&act_type=行政处罚&defendant=公安", "?page=2"} {
				w := cl.Get("/litigation/cases" + q)
				if w.Code != 200 {
					t.Fatalf("%s: list%s: %d", who, q, w.Code)
				}
				if q != "?page=2" && !strings.Contains(w.Body, "（2026）豫0182行初7号") {
					t.Errorf("%s: list%s in %s lacks the case", who, q, state)
				}
			}
			if w := cl.Get("/litigation/cases/export.xlsx?state=" + string(state)); w.Code != 200 || !strings.HasPrefix(w.Body, "PK") {
				t.Errorf("%s: export in %s: %d", who, state, w.Code)
			}
		}
		for who, cl := range map[string]*webtest.Client{"other court": otherCourt, "other agency": otherAgency, "bystander": bystander} {
			if w := cl.Get(page); w.Code != 404 {
				t.Errorf("%s sees the case in %s: %d", who, state, w.Code)
			}
			if w := cl.Get("/litigation/cases?state=" + string(state)); strings.Contains(w.Body, "行初7号") {
				t.Errorf("%s lists the case", who)
			}
		}
	}
	check(StateRegistered, map[string][]string{"agency": {`action="` + page + `/sign"`, "签收起诉状副本"}, "court": {"待签收"}})

	// Downloads: in scope 200 and audited; another county or a bystander 404.
	ds, _ := f.m.Deliveries(f.ctx, f.db, id)
	if len(ds) != 3 {
		t.Fatalf("deliveries %d", len(ds))
	}
	dl := page + "/deliveries/" + ds[0].ID
	before := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'download'`)
	for who, cl := range three {
		if w := cl.Get(dl); w.Code != 200 || !strings.HasPrefix(w.Body, "%PDF-1.4") {
			t.Errorf("%s download: %d", who, w.Code)
		}
	}
	if n := f.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'download'`); n != before+3 {
		t.Errorf("downloads audited: %d, want %d", n, before+3)
	}
	for who, cl := range map[string]*webtest.Client{"other court": otherCourt, "other agency": otherAgency, "bystander": bystander} {
		if w := cl.Get(dl); w.Code != 404 {
			t.Errorf("%s downloads: %d", who, w.Code)
		}
		if w := cl.Post(page+"/sign", url.Values{}); w.Code != 404 && w.Code != 403 {
			t.Errorf("%s signs: %d", who, w.Code)
		}
	}
	if w := otherCourt.Get("/litigation/cases/" + id + "/deliveries/" + ds[1].ID); w.Code != 404 {
		t.Errorf("other court download %d", w.Code)
	}
	if w := court.Get(page + "/deliveries/nonexistent"); w.Code != 404 {
		t.Errorf("unknown delivery %d", w.Code)
	}
	if w := agency.Post(page+"/sign", url.Values{}); w.Code != 303 {
		t.Fatalf("sign %d %s", w.Code, w.Body)
	}
	check(StateAssigned, map[string][]string{"agency": {"答辩状初稿报司法局", "2026-04-15", "第六十七条"}, "court": {"2026-03-31"}})
	if w := agency.Post(page+"/draft", url.Values{"facts": {""}}); w.Code != 422 || !strings.Contains(w.Body, "请填写答辩事实与理由") {
		t.Errorf("empty draft: %d", w.Code)
	}
	if w := agency.Post(page+"/draft", url.Values{"facts": {"原告违法事实清楚。"}}); w.Code != 303 {
		t.Fatalf("draft %d", w.Code)
	}
	check(StateAssigned, map[string][]string{"justice": {`action="` + page + `/review"`, "审核答辩状初稿"}})
	if w := justice.Post(page+"/review", url.Values{"comments": {"补充法律依据。"}}); w.Code != 303 {
		t.Fatalf("review %d", w.Code)
	}
	f.at("2026-04-08")
	if w := multi(t, agency, page, page+"/answer", url.Values{}, nil); w.Code != 422 || !strings.Contains(w.Body, "请上传答辩状") {
		t.Errorf("answer without file: %d", w.Code)
	}
	if w := multi(t, agency, page, page+"/answer", url.Values{}, map[string]map[string][]byte{"file_answer": pdf("答辩状"), "file_evidence_list": pdf("证据目录")}); w.Code != 303 {
		t.Fatalf("answer %d %s", w.Code, w.Body)
	}
	check(StateAnswered, map[string][]string{"court": {`action="` + page + `/court_sign"`, "签收被告提交的答辩材料"}})
	if w := court.Post(page+"/court_sign", url.Values{}); w.Code != 303 {
		t.Fatalf("court sign %d", w.Code)
	}
	if w := court.Post(page+"/hearing", url.Values{"held_on": {"2026-04-10"}}); w.Code != 422 || !strings.Contains(w.Body, "开庭三日前") {
		t.Errorf("hearing too soon: %d", w.Code)
	}
	if w := court.Post(page+"/hearing", url.Values{"held_on": {"2026-04-13"}, "mandatory": {"true"}}); w.Code != 303 {
		t.Fatalf("hearing %d", w.Code)
	}
	if w := agency.Get("/litigation/cases?hearing_within=7"); !strings.Contains(w.Body, "行初7号") {
		t.Error("hearing within 7 days filter misses the case")
	}
	if w := agency.Get("/litigation/cases?hearing_within=x"); w.Code != 422 || !strings.Contains(w.Body, "1至366") {
		t.Errorf("bad filter: %d", w.Code)
	}
	f.at("2026-04-13")
	c, _ := f.m.Case(f.ctx, nil, id)
	if w := agency.Post(page+"/appearance", url.Values{"hearing_id": {c.Hearings[0].ID}, "absence_reason": {"意外事件"}, "delegate_lawyers": {"王律师"}}); w.Code != 422 || !strings.Contains(w.Body, "不得仅委托律师") {
		t.Errorf("lawyers only: %d", w.Code)
	}
	if w := agency.Post(page+"/appearance", url.Values{"hearing_id": {c.Hearings[0].ID}, "leader_appeared": {"true"}, "leader_name": {"李局长"}, "leader_title": {"副职负责人"}, "delegate_staff": {"赵科长"}}); w.Code != 303 {
		t.Fatalf("appearance %d %s", w.Code, w.Body)
	}
	check(StateHearing, map[string][]string{"agency": {"李局长（副职负责人）"}, "court": {`action="` + page + `/decide"`}})
	if w := multi(t, court, page, page+"/decide", url.Values{"outcome": {"revoke"}}, map[string]map[string][]byte{"file_decision": pdf("判决书")}); w.Code != 303 {
		t.Fatalf("decide %d %s", w.Code, w.Body)
	}
	check(StateDecided, map[string][]string{"agency": {"签收裁判文书", "判决书"}})
	f.at("2026-04-14")
	if w := agency.Post(page+"/sign", url.Values{}); w.Code != 303 {
		t.Fatalf("sign decision %d", w.Code)
	}
	check(StateDecided, map[string][]string{"agency": {"决定是否上诉", "2026-04-29", "第八十五条"}})
	if w := agency.Get("/litigation/cases?lost=1"); !strings.Contains(w.Body, "行初7号") {
		t.Error("lost filter misses the case")
	}
	if w := agency.Post(page+"/appeal", url.Values{"appeal": {"false"}, "approver": {"局长 周某"}}); w.Code != 303 {
		t.Fatalf("appeal decision %d", w.Code)
	}
	if w := court.Post(page+"/effective", url.Values{}); w.Code != 422 || !strings.Contains(w.Body, "2026-04-29") {
		t.Errorf("effective within the appeal period: %d", w.Code)
	}
	f.at("2026-04-30")
	if w := court.Post(page+"/effective", url.Values{}); w.Code != 303 {
		t.Fatalf("effective %d %s", w.Code, w.Body)
	}
	check(StateEffective, map[string][]string{"agency": {"履行生效的判决书", `action="` + page + `/perform"`}})
	if w := agency.Post(page+"/perform", url.Values{}); w.Code != 303 {
		t.Fatalf("perform %d", w.Code)
	}
	check(StatePerformed, map[string][]string{"court": {"办理记录", "履行生效裁判"}})

	// A 司法局 paper-served case and a recommendation linked to it render too.
	w = justice.Post("/litigation/cases", url.Values{"docket": {"（2026）豫0182行初9号"}, "court": {"青山县人民法院"}, "plaintiff_name": {"某某公司"}, "plaintiff_kind": {"org"},
		"defendant_id": {gaj.ID}, "act_type": {"行政强制"}, "received_on": {"2026-04-20"}})
	if w.Code != 303 {
		t.Fatalf("paper case %d %s", w.Code, w.Body)
	}
	id2 := strings.TrimPrefix(strings.SplitN(w.Location(), "?", 2)[0], "/litigation/cases/")
	if _, err := f.m.AddRecommendation(f.ctx, f.login("qs_fy"), RecommendationInput{Kind: Judicial, Number: "青法建〔2026〕3号", OrganID: gaj.ID, CaseID: id2, Issuer: "青山县人民法院", ReceivedOn: "2026-04-21"}); err != nil {
		t.Fatal(err)
	}
	for who, cl := range three {
		if w := cl.Get("/litigation/cases/" + id2); w.Code != 200 || !strings.Contains(w.Body, "青法建〔2026〕3号") || !strings.Contains(w.Body, "暂无送达文书") {
			t.Errorf("%s: paper case page %d", who, w.Code)
		}
	}
	if w := agency.Get("/litigation/cases?answer_within=30"); !strings.Contains(w.Body, "行初9号") || strings.Contains(w.Body, "行初7号") {
		t.Error("answer-due filter")
	}
}
