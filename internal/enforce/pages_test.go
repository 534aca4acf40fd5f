package enforce_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/cli"
	"github.com/fazhi/fazhi/internal/demotest"
	"github.com/fazhi/fazhi/internal/enforce"
	"github.com/fazhi/fazhi/internal/webtest"
)

func init() { enforce.RunTests = demotest.Run }

// TestPages renders the module's pages on the demo county, with a supervision matter walked
// through every state a user can reach through the forms (and each state's documents), and the
// forms' Chinese field errors.
func TestPages(t *testing.T) {
	ctx := context.Background()
	e := demotest.Env(t)
	m := moduleOf(t, e)
	sc := webtest.Login(t, e.Web, e.Auth, "qs_sc")
	get := func(c *webtest.Client, path string, want ...string) string {
		t.Helper()
		return expect(t, c, "GET", path, nil, http.StatusOK, want...).Body
	}
	get(sc, "/enforce", "执法预警", "执法主体", "双随机抽查计划", "监督事项")
	get(sc, "/enforce/stats", "行政执法")
	get(sc, "/enforce/matters/new", "监督事项立项")
	var bodyID, recordID, planID, drawID string
	m.DB().QueryRowContext(ctx, `SELECT b.id FROM enforce_bodies b JOIN organs o ON o.id = b.organ_id WHERE o.code LIKE '990121%' ORDER BY b.name LIMIT 1`).Scan(&bodyID)
	m.DB().QueryRowContext(ctx, `SELECT id FROM enforce_records WHERE body_id = ? LIMIT 1`, bodyID).Scan(&recordID)
	m.DB().QueryRowContext(ctx, `SELECT id FROM enforce_plans LIMIT 1`).Scan(&planID)
	m.DB().QueryRowContext(ctx, `SELECT id FROM enforce_draws LIMIT 1`).Scan(&drawID)
	if bodyID == "" || recordID == "" || planID == "" || drawID == "" {
		t.Fatalf("demo data missing: body %q record %q plan %q draw %q", bodyID, recordID, planID, drawID)
	}
	get(sc, "/enforce/bodies/"+bodyID)
	get(sc, "/enforce/records/"+recordID)
	get(sc, "/enforce/plans/"+planID)
	anon := webtest.Anonymous(t, e.Web)
	get(anon, "/public/enforce/bodies", "行政执法主体")
	get(anon, "/public/enforce/certificates", "执法证")
	get(anon, "/public/enforce/draws/"+drawID, "种子")

	// 立项 with every field wrong: each named in Chinese, nothing written.
	expect(t, sc, "POST", "/enforce/matters", url.Values{"title": {" "}, "source": {"x"}, "body_id": {bodyID}, "on": {"2099-01-01"}}, http.StatusUnprocessableEntity, "监督事项立项")
	expect(t, sc, "POST", "/enforce/matters", url.Values{"title": {" "}, "source": {"x"}, "body_id": {bodyID}}, http.StatusUnprocessableEntity,
		"请填写监督事项名称", "来源只能是")
	page := expect(t, sc, "POST", "/enforce/matters", url.Values{"title": {"页面测试事项"}, "source": {"complaint"}, "body_id": {bodyID}}, http.StatusSeeOther).Location()
	step := func(action, note string, wantState string) {
		t.Helper()
		expect(t, sc, "POST", page+"/"+action, url.Values{"note": {note}}, http.StatusSeeOther)
		get(sc, page, wantState)
	}
	get(sc, page, "调查中", "记录调查情况", "制发行政执法监督意见书")
	// A step without its note: the field error on the page.
	expect(t, sc, "POST", page+"/note", url.Values{"note": {""}}, http.StatusUnprocessableEntity, "请填写内容")
	step("note", "调取了案卷", "调查中")
	step("opinion", "未按期公示", "整改中")
	body := get(sc, page, "行政执法监督意见书", "草稿", "报送整改报告")
	docID := between(body, `href="/enforce/documents/`, `"`)
	get(sc, "/enforce/documents/"+docID, "行政执法监督意见书", "整改期限依据")
	step("report", "已整改", "已报告整改")
	step("decision", "仍未公示", "整改中")
	step("report", "已全部公示", "已报告整改")
	step("close", "复查合格", "已办结")
	final := get(sc, page, "行政执法监督决定书", "已办结")
	// The 办理记录 names each step in Chinese, with the change of state.
	for _, want := range []string{"立项", "记录调查情况", "制发行政执法监督意见书（调查中 → 整改中）", "复查办结（已报告整改 → 已办结）"} {
		if !strings.Contains(final, want) {
			t.Errorf("办理记录缺少 %q", want)
		}
	}
	for _, code := range []string{" opinion", " report", " close"} {
		if strings.Contains(final, code+"（") || strings.Contains(final, code+"：") {
			t.Errorf("办理记录显示了内部代码 %q", code)
		}
	}
	// The body's liaison reads the matter but not the drafts, and has no step forms.
	liaison := webtest.Login(t, e.Web, e.Auth, "qs_gaj")
	expect(t, liaison, "GET", "/enforce/documents/"+docID, nil, http.StatusNotFound)
	expect(t, liaison, "POST", page+"/close", url.Values{"note": {"x"}}, http.StatusForbidden)
}

// TestEvaluationPages walks a 案卷评查 campaign through its forms: creation (with field errors),
// the draw, the evaluator (refused from the evaluated body), the score (bad deduction named), the
// result sent back, the body's rectification; every page renders in every state reached; the
// scoring sheet form.
func TestEvaluationPages(t *testing.T) {
	ctx := context.Background()
	e := demotest.Env(t)
	m := moduleOf(t, e)
	sc := webtest.Login(t, e.Web, e.Auth, "qs_sc")
	get := func(c *webtest.Client, path string, want ...string) string {
		t.Helper()
		return expect(t, c, "GET", path, nil, http.StatusOK, want...).Body
	}
	var bodyID, year, own, other string
	m.DB().QueryRowContext(ctx, `SELECT b.id FROM enforce_bodies b JOIN organs o ON o.id = b.organ_id WHERE o.code = '990121-GAJ' AND b.name = o.name`).Scan(&bodyID)
	m.DB().QueryRowContext(ctx, `SELECT MAX(SUBSTR(decided_on, 1, 4)) FROM enforce_records WHERE body_id = ?`, bodyID).Scan(&year)
	m.DB().QueryRowContext(ctx, `SELECT id FROM enforce_officers WHERE body_id = ? ORDER BY id LIMIT 1`, bodyID).Scan(&own)
	m.DB().QueryRowContext(ctx, `SELECT o.id FROM enforce_officers o JOIN organs g ON g.id = o.organ_id WHERE o.body_id <> ? AND g.code LIKE '990121%' ORDER BY o.id LIMIT 1`, bodyID).Scan(&other)
	if bodyID == "" || year == "" || own == "" || other == "" {
		t.Fatalf("demo data missing: %q %q %q %q", bodyID, year, own, other)
	}
	get(sc, "/enforce", "案卷评查")
	get(sc, "/enforce/campaigns", "建立评查活动")
	expect(t, sc, "POST", "/enforce/campaigns", url.Values{"title": {" "}, "year": {"abc"}, "sample_mode": {"percent"}, "sample_value": {"0"}}, http.StatusUnprocessableEntity, "请填写四位年份")
	expect(t, sc, "POST", "/enforce/campaigns", url.Values{"title": {" "}, "year": {year}, "sample_mode": {"percent"}, "sample_value": {"0"}}, http.StatusUnprocessableEntity,
		"请填写评查活动名称", "抽取比例应在1%到100%之间")
	var n int
	m.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM enforce_campaigns`).Scan(&n)
	if n != 0 {
		t.Fatal("a rejected campaign was written")
	}
	page := expect(t, sc, "POST", "/enforce/campaigns", url.Values{"title": {"页面评查"}, "year": {year}, "bodies": {bodyID}, "sample_mode": {"fixed"}, "sample_value": {"2"}},
		http.StatusSeeOther).Location()
	get(sc, page, "种子承诺值", "抽取评查案卷")
	get(sc, page+"/sample.json", `"commitment"`)
	expect(t, sc, "POST", page+"/draw", nil, http.StatusSeeOther)
	body := get(sc, page, "复核数据", "待指定评查人员")
	expect(t, sc, "POST", page+"/draw", nil, http.StatusConflict)
	ev := "/enforce/evaluations/" + between(body, `href="/enforce/evaluations/`, `"`)
	get(sc, ev, "指定评查人员")
	expect(t, sc, "POST", ev+"/assign", url.Values{"evaluator_id": {own}}, http.StatusUnprocessableEntity, "不得来自被评查的执法主体")
	expect(t, sc, "POST", ev+"/assign", url.Values{"evaluator_id": {other}}, http.StatusSeeOther)
	get(sc, ev, "待评分", "评分")
	expect(t, sc, "POST", ev+"/score", url.Values{"deduct_事实清楚、证据确凿": {"abc"}}, http.StatusUnprocessableEntity, "扣分应在0到25之间")
	expect(t, sc, "POST", ev+"/score", url.Values{"deduct_事实清楚、证据确凿": {"30"}, "vetoed": {"执法主体合法、执法人员持证"}, "findings": {"一名执法人员未持证"}}, http.StatusUnprocessableEntity)
	expect(t, sc, "POST", ev+"/score", url.Values{"deduct_事实清楚、证据确凿": {"5"}, "vetoed": {"执法主体合法、执法人员持证"}, "findings": {"一名执法人员未持证"}}, http.StatusSeeOther)
	get(sc, ev, "不合格", "已评分待反馈", "反馈评查结果")
	get(sc, page, "不合格", "反馈全部已评分案卷的结果")
	expect(t, sc, "POST", ev+"/send", nil, http.StatusSeeOther)
	get(sc, ev, "已反馈待整改", "整改期限")
	// The body's liaison sees the result on its body page and reports the rectification there.
	liaison := webtest.Login(t, e.Web, e.Auth, "qs_gaj")
	get(liaison, "/enforce/bodies/"+bodyID, "案卷评查结果", "不合格")
	expect(t, liaison, "POST", ev+"/rectify", url.Values{"note": {""}}, http.StatusUnprocessableEntity, "请填写整改情况")
	expect(t, liaison, "POST", ev+"/assign", url.Values{"evaluator_id": {other}}, http.StatusForbidden)
	expect(t, liaison, "POST", ev+"/rectify", url.Values{"note": {"已组织培训并补办执法证"}}, http.StatusSeeOther)
	get(liaison, ev, "已整改", "已组织培训并补办执法证")
	get(sc, page, "已整改")

	// The scoring sheet: a bad line named, thresholds checked, then saved.
	get(sc, "/enforce/sheet", "执法主体合法、执法人员持证|15|否决")
	expect(t, sc, "POST", "/enforce/sheet", url.Values{"items": {"程序|四十"}, "excellent": {"90"}, "good": {"80"}, "pass": {"60"}}, http.StatusUnprocessableEntity, "第1行的分值应为整数")
	expect(t, sc, "POST", "/enforce/sheet", url.Values{"items": {"程序|40|否决\n证据|60"}, "excellent": {"90"}, "good": {"95"}, "pass": {"60"}}, http.StatusUnprocessableEntity, "依次降低")
	expect(t, sc, "POST", "/enforce/sheet", url.Values{"items": {"程序|40|否决\n证据|60"}, "excellent": {"90"}, "good": {"80"}, "pass": {"60"}}, http.StatusSeeOther)
	get(sc, "/enforce/sheet", "证据|60")
}

// TestEntryForms enters a body, an officer, a certificate walked through every step and a record
// through the HTML forms: each bad field named in Chinese beside it, nothing written on refusal,
// every page rendered in every state reached.
func TestEntryForms(t *testing.T) {
	ctx := context.Background()
	e := demotest.Env(t)
	m := moduleOf(t, e)
	sc := webtest.Login(t, e.Web, e.Auth, "qs_sc")
	get := func(path string, want ...string) string {
		t.Helper()
		return expect(t, sc, "GET", path, nil, http.StatusOK, want...).Body
	}
	post := func(path string, vals url.Values, code int, want ...string) string {
		t.Helper()
		return expect(t, sc, "POST", path, vals, code, want...).Location()
	}
	count := func(table string) (n int) {
		m.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM `+table).Scan(&n)
		return n
	}
	var organID string
	m.DB().QueryRowContext(ctx, `SELECT id FROM organs WHERE code = '990121-GAJ'`).Scan(&organID)
	if n := count(`enforce_bodies WHERE organ_id IN (SELECT id FROM organs WHERE code LIKE '990121%')`); n != 40 {
		t.Fatalf("the demo county has %d bodies, want 40", n)
	}
	get("/enforce/bodies/new", "登记执法主体", "法定机关")
	bodies := count("enforce_bodies")
	post("/enforce/bodies", url.Values{"name": {" "}, "kind": {"x"}, "categories": {"penalty", "bogus"}}, http.StatusUnprocessableEntity,
		"请填写执法主体名称", "主体类型只能是", "所属机关不存在", "执法类别「bogus」无效")
	if count("enforce_bodies") != bodies {
		t.Fatal("a refused body was written")
	}
	page := post("/enforce/bodies", url.Values{"organ_id": {organID}, "name": {"青山县公安局网络安全保卫大队"}, "kind": {"authorised"},
		"categories": {"penalty", "inspection"}, "items": {"网络安全违法行为处罚\n网络安全检查"}}, http.StatusSeeOther)
	get(page, "青山县公安局网络安全保卫大队", "登记执法人员", "录入执法记录")
	post("/enforce/bodies", url.Values{"organ_id": {organID}, "name": {"青山县公安局网络安全保卫大队"}, "kind": {"authorised"}}, http.StatusUnprocessableEntity, "已有同名执法主体")

	// An officer and a certificate through every step.
	officers := count("enforce_officers")
	post(page+"/officers", url.Values{"name": {""}}, http.StatusUnprocessableEntity, "请填写执法人员姓名")
	if count("enforce_officers") != officers {
		t.Fatal("a refused officer was written")
	}
	off := post(page+"/officers", url.Values{"name": {"赵敏"}, "post": {"民警"}, "legal_qualified": {"1"}}, http.StatusSeeOther)
	get(off, "赵敏", "尚未申领执法证", "申领执法证")
	post(off+"/certificates", url.Values{"training_hours": {"abc"}, "exam_score": {"150"}}, http.StatusUnprocessableEntity, "请填写整数")
	post(off+"/certificates", url.Values{"training_hours": {"-1"}, "exam_score": {"150"}}, http.StatusUnprocessableEntity, "培训学时应在0到2000之间", "考试成绩应在0到100之间")
	if count("enforce_certificates WHERE officer_id = '"+strings.TrimPrefix(off, "/enforce/officers/")+"'") != 0 {
		t.Fatal("a refused application was written")
	}
	post(off+"/certificates", url.Values{"training_hours": {"64"}, "exam_score": {"88"}, "exam_passed": {"1"}}, http.StatusSeeOther)
	body := get(off, "已申领", "核发")
	cert := "/enforce/certificates/" + between(body, `action="/enforce/certificates/`, `/`)
	post(cert+"/issue", url.Values{"valid_to": {"2029-12-31"}}, http.StatusUnprocessableEntity, "请填写执法证号")
	post(cert+"/issue", url.Values{"number": {"WA-0001"}, "valid_to": {"2020-01-01"}}, http.StatusUnprocessableEntity, "有效期至应晚于办理日期")
	post(cert+"/issue", url.Values{"number": {"WA-0001"}, "valid_to": {"2028-12-31"}}, http.StatusSeeOther)
	get(off, "WA-0001", "有效", "年审", "换证", "暂扣", "注销", "吊销")
	post(cert+"/review", url.Values{"valid_to": {"2028-06-30"}}, http.StatusUnprocessableEntity, "新的有效期应晚于原有效期")
	post(cert+"/review", url.Values{"valid_to": {"2029-12-31"}}, http.StatusSeeOther)
	post(cert+"/suspend", url.Values{"note": {""}}, http.StatusUnprocessableEntity, "请填写暂扣理由")
	post(cert+"/suspend", url.Values{"note": {"涉嫌违纪，暂停执法"}}, http.StatusSeeOther)
	get(off, "暂扣", "恢复")
	post(cert+"/issue", url.Values{"number": {"WA-0002"}, "valid_to": {"2029-12-31"}}, http.StatusConflict)
	post(cert+"/restore", url.Values{}, http.StatusSeeOther)
	post(cert+"/renew", url.Values{"number": {"WA-0009"}, "valid_to": {"2031-12-31"}}, http.StatusSeeOther)
	get(off, "WA-0009", "2031-12-31")
	post(cert+"/revoke", url.Values{"note": {""}}, http.StatusUnprocessableEntity, "请填写吊销理由")
	post(cert+"/revoke", url.Values{"note": {"严重违法"}}, http.StatusSeeOther)
	get(off, "已吊销")
	post(off+"/training", url.Values{"hours": {"x"}, "course": {""}}, http.StatusUnprocessableEntity, "学时应在1到200之间", "请填写培训名称")
	post(off+"/training", url.Values{"hours": {"16"}, "course": {"行政执法监督条例专题培训"}}, http.StatusSeeOther)
	get(off, "累计 80 学时") // 64 at the application + 16
	get("/enforce/monitor", "履职监测", "零执法执法主体", "1.4826 × MAD", "复议办结")
	if _, err := m.Scan(ctx); err != nil { // officer warnings on the home page, each kind's filter
		t.Fatal(err)
	}
	get("/enforce", "执法预警")
	get("/enforce?kind=cert_expiring", "执法预警")
	get("/enforce?kind=training_short", "执法预警")
	// A second certificate: refused at the exam, then 注销 of a third one.
	post(off+"/certificates", url.Values{"training_hours": {"60"}, "exam_score": {"40"}}, http.StatusSeeOther)
	body = get(off, "不合格")
	cert2 := "/enforce/certificates/" + between(body[strings.LastIndex(body, "（未核发）"):], `action="/enforce/certificates/`, `/`)
	post(cert2+"/issue", url.Values{"number": {"WA-0003"}, "valid_to": {"2029-12-31"}}, http.StatusConflict)
	// The liaison reads the officer but has no certificate forms.
	liaison := webtest.Login(t, e.Web, e.Auth, "qs_gaj")
	expect(t, liaison, "POST", cert2+"/issue", url.Values{"number": {"X"}, "valid_to": {"2029-12-31"}}, http.StatusForbidden)

	// An enforcement record through the form, its warnings on its page.
	records := count("enforce_records")
	get("/enforce/records/new", "录入执法记录", "决定日期")
	post("/enforce/records", url.Values{"category": {"x"}, "decided_on": {"2026-13-01"}, "amount": {"abc"}}, http.StatusUnprocessableEntity,
		"执法主体不存在", "请选择")
	var bodyID string
	m.DB().QueryRowContext(ctx, `SELECT id FROM enforce_bodies WHERE name = '青山县公安局网络安全保卫大队'`).Scan(&bodyID)
	post("/enforce/records", url.Values{"body_id": {bodyID}, "category": {"x"}, "decided_on": {"2026-13-01"}, "amount": {"abc"}}, http.StatusUnprocessableEntity,
		"类别只能是", "请填写案号或文号", "请填写对象", "决定日期格式应为 YYYY-MM-DD")
	if count("enforce_records") != records {
		t.Fatal("a refused record was written")
	}
	rec := post("/enforce/records", url.Values{"body_id": {bodyID}, "category": {"penalty"}, "case_no": {"青公网罚〔2026〕1号"}, "subject": {"某网络公司"},
		"subject_type": {"法人"}, "filed_on": {"2026-03-02"}, "decided_on": {"2026-03-20"}, "officers": {"WA-0009"}, "amount": {"5000"}}, http.StatusSeeOther)
	get(rec, "青公网罚〔2026〕1号", "预警")
	post("/enforce/records", url.Values{"body_id": {bodyID}, "category": {"penalty"}, "case_no": {"青公网罚〔2026〕1号"}, "subject": {"某网络公司"},
		"decided_on": {"2026-03-20"}}, http.StatusUnprocessableEntity, "已有案号为")
}

// TestEvaluationAPI runs a campaign and a certificate through /api/v1 alone.
func TestEvaluationAPI(t *testing.T) {
	ctx := context.Background()
	e := demotest.Env(t)
	m := moduleOf(t, e)
	sc := webtest.Login(t, e.Web, e.Auth, "qs_sc")
	call := func(c *webtest.Client, method, path string, body any, code int, want ...string) string {
		t.Helper()
		return check(t, method+" /api/v1"+path, c.JSON(method, "/api/v1"+path, body), code, want...).Body
	}
	var bodyID, year, own, other string
	m.DB().QueryRowContext(ctx, `SELECT b.id FROM enforce_bodies b JOIN organs o ON o.id = b.organ_id WHERE o.code = '990121-SJJ' AND b.name = o.name`).Scan(&bodyID)
	m.DB().QueryRowContext(ctx, `SELECT MAX(SUBSTR(decided_on, 1, 4)) FROM enforce_records WHERE body_id = ?`, bodyID).Scan(&year)
	m.DB().QueryRowContext(ctx, `SELECT id FROM enforce_officers WHERE body_id = ? ORDER BY id LIMIT 1`, bodyID).Scan(&own)
	m.DB().QueryRowContext(ctx, `SELECT o.id FROM enforce_officers o JOIN organs g ON g.id = o.organ_id WHERE o.body_id <> ? AND g.code LIKE '990121%' ORDER BY o.id LIMIT 1`, bodyID).Scan(&other)
	y, _ := strconv.Atoi(year)
	call(sc, "POST", "/enforce/campaigns", map[string]any{"year": y, "title": "", "sample_mode": "x"}, http.StatusUnprocessableEntity, "请填写评查活动名称", "抽样方式")
	out := call(sc, "POST", "/enforce/campaigns", map[string]any{"year": y, "title": "API 评查", "bodies": []string{bodyID}, "sample_mode": "fixed", "sample_value": 1},
		http.StatusOK, `"commitment"`, `"pool_hash"`)
	cid := between(out, `"id":"`, `"`)
	call(sc, "GET", "/enforce/campaigns/"+cid+"/sample", nil, http.StatusOK, `"pool"`)
	call(sc, "POST", "/enforce/campaigns/"+cid+"/draw", nil, http.StatusOK, `"drawn_at"`)
	call(sc, "POST", "/enforce/campaigns/"+cid+"/draw", nil, http.StatusConflict, "不能重新抽取")
	out = call(sc, "GET", "/enforce/campaigns/"+cid, nil, http.StatusOK, `"state":"pending"`)
	eid := between(out, `"evaluations":[{"id":"`, `"`)
	call(sc, "POST", "/enforce/evaluations/"+eid+"/assign", map[string]any{"evaluator_id": own}, http.StatusUnprocessableEntity, "不得来自被评查的执法主体")
	call(sc, "POST", "/enforce/evaluations/"+eid+"/assign", map[string]any{"evaluator_id": other}, http.StatusOK, `"state":"assigned"`)
	call(sc, "POST", "/enforce/evaluations/"+eid+"/score", map[string]any{"deductions": map[string]int{"事实清楚、证据确凿": 30}}, http.StatusUnprocessableEntity, "扣分应在0到25之间")
	call(sc, "POST", "/enforce/evaluations/"+eid+"/score", map[string]any{"deductions": map[string]int{"事实清楚、证据确凿": 12}}, http.StatusOK, `"grade":"good"`, `"score":88`)
	call(sc, "POST", "/enforce/campaigns/"+cid+"/send", nil, http.StatusOK, `"sent":1`)
	call(sc, "GET", "/enforce/evaluations/"+eid, nil, http.StatusOK, `"state":"closed"`) // no findings, 良好: nothing to rectify
	expect(t, sc, "GET", "/enforce/evaluations/"+eid, nil, http.StatusOK, "已反馈（无需整改）", "88 分，良好")
	// A certificate through the API's declared steps.
	out = call(sc, "POST", "/enforce/officers", map[string]any{"body_id": bodyID, "name": "钱多"}, http.StatusOK)
	oid := between(out, `"id":"`, `"`)
	out = call(sc, "POST", "/enforce/certificates", map[string]any{"officer_id": oid, "training_hours": 60, "exam_score": 80, "exam_passed": true}, http.StatusOK, `"state":"applied"`)
	certID := between(out, `"id":"`, `"`)
	call(sc, "POST", "/enforce/certificates/"+certID+"/issue", map[string]any{"valid_to": "2030-01-01"}, http.StatusUnprocessableEntity, "请填写执法证号")
	call(sc, "POST", "/enforce/certificates/"+certID+"/issue", map[string]any{"number": "API-1", "valid_to": "2030-01-01"}, http.StatusOK, `"state":"issued"`)
	call(sc, "POST", "/enforce/certificates/"+certID+"/suspend", map[string]any{"note": "调查"}, http.StatusOK, `"state":"suspended"`)
	call(sc, "POST", "/enforce/certificates/"+certID+"/cancel", map[string]any{}, http.StatusOK, `"state":"cancelled"`)
	call(sc, "POST", "/enforce/officers/"+oid+"/training", map[string]any{"hours": 8, "course": "专题"}, http.StatusOK, `"hours":68`)
	call(sc, "GET", "/enforce/sheet", nil, http.StatusOK, `"excellent":90`)
	expect(t, sc, "GET", "/enforce/officers/"+oid, nil, http.StatusOK, "已注销", "累计 68 学时")
}

func between(s, a, b string) string {
	i := strings.Index(s, a)
	if i < 0 {
		return ""
	}
	s = s[i+len(a):]
	return s[:strings.Index(s, b)]
}

// moduleOf is the enforce module of the demo environment.
func moduleOf(t *testing.T, e *cli.Env) *enforce.Module {
	t.Helper()
	for _, x := range e.Modules() {
		if m, ok := x.(*enforce.Module); ok {
			return m
		}
	}
	t.Fatal("enforce is not in the module list")
	return nil
}

// expect sends a GET or a form POST and checks the status and that the body says each of want.
func expect(t *testing.T, c *webtest.Client, method, path string, form url.Values, code int, want ...string) webtest.Response {
	t.Helper()
	if method == "GET" {
		return check(t, "GET "+path, c.Get(path), code, want...)
	}
	return check(t, method+" "+path, c.Post(path, form), code, want...)
}

// check fails the test unless the response has the status code and says each of want.
func check(t *testing.T, what string, w webtest.Response, code int, want ...string) webtest.Response {
	t.Helper()
	if w.Code != code {
		t.Fatalf("%s: %d, want %d\n%s", what, w.Code, code, w.Body)
	}
	for _, s := range want {
		if !strings.Contains(w.Body, s) {
			t.Errorf("%s lacks %q: %s", what, s, w.Body)
		}
	}
	return w
}
