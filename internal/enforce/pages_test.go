package enforce_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

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
	var m *enforce.Module
	for _, x := range e.Modules() {
		if em, ok := x.(*enforce.Module); ok {
			m = em
		}
	}
	if m == nil {
		t.Fatal("enforce is not in the module list")
	}
	sc := webtest.Login(t, e.Web, e.Auth, "qs_sc")
	get := func(c *webtest.Client, path string, want ...string) string {
		t.Helper()
		w := c.Get(path)
		if w.Code != http.StatusOK {
			t.Fatalf("GET %s: %d\n%s", path, w.Code, w.Body)
		}
		for _, s := range want {
			if !strings.Contains(w.Body, s) {
				t.Errorf("GET %s lacks %q", path, s)
			}
		}
		return w.Body
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
	w := sc.Post("/enforce/matters", url.Values{"title": {" "}, "source": {"x"}, "body_id": {bodyID}, "on": {"2099-01-01"}})
	if w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body, "监督事项立项") {
		t.Fatalf("bad 立项: %d\n%s", w.Code, w.Body)
	}
	w = sc.Post("/enforce/matters", url.Values{"title": {" "}, "source": {"x"}, "body_id": {bodyID}})
	for _, msg := range []string{"请填写监督事项名称", "来源只能是"} {
		if !strings.Contains(w.Body, msg) {
			t.Errorf("立项 form lacks %q", msg)
		}
	}
	w = sc.Post("/enforce/matters", url.Values{"title": {"页面测试事项"}, "source": {"complaint"}, "body_id": {bodyID}})
	if w.Code != http.StatusSeeOther {
		t.Fatalf("立项: %d %s", w.Code, w.Body)
	}
	page := w.Location()
	step := func(action, note string, wantState string) {
		t.Helper()
		w := sc.Post(page+"/"+action, url.Values{"note": {note}})
		if w.Code != http.StatusSeeOther {
			t.Fatalf("%s: %d\n%s", action, w.Code, w.Body)
		}
		get(sc, page, wantState)
	}
	get(sc, page, "调查中", "记录调查情况", "制发行政执法监督意见书")
	// A step without its note: the field error on the page.
	if w := sc.Post(page+"/note", url.Values{"note": {""}}); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body, "请填写内容") {
		t.Fatalf("empty note: %d", w.Code)
	}
	step("note", "调取了案卷", "调查中")
	step("opinion", "未按期公示", "整改中")
	body := get(sc, page, "行政执法监督意见书", "草稿", "报送整改报告")
	docID := between(body, `href="/enforce/documents/`, `"`)
	get(sc, "/enforce/documents/"+docID, "行政执法监督意见书", "整改期限依据")
	step("report", "已整改", "已报告整改")
	step("decision", "仍未公示", "整改中")
	step("report", "已全部公示", "已报告整改")
	step("close", "复查合格", "已办结")
	get(sc, page, "行政执法监督决定书", "已办结")
	// The body's liaison reads the matter but not the drafts, and has no step forms.
	liaison := webtest.Login(t, e.Web, e.Auth, "qs_gaj")
	if w := liaison.Get("/enforce/documents/" + docID); w.Code != http.StatusNotFound {
		t.Fatalf("liaison opened a draft: %d", w.Code)
	}
	if w := liaison.Post(page+"/close", url.Values{"note": {"x"}}); w.Code != http.StatusForbidden {
		t.Fatalf("liaison ran a supervision step: %d", w.Code)
	}
}

func between(s, a, b string) string {
	i := strings.Index(s, a)
	if i < 0 {
		return ""
	}
	s = s[i+len(a):]
	return s[:strings.Index(s, b)]
}
