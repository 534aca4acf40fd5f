package cli

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/config"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/module"
	"github.com/fazhi/fazhi/internal/module/sample"
	"github.com/fazhi/fazhi/internal/webtest"
)

// openWithSample opens a deployment whose module list has the sample module added (one Spec),
// with the demo organs and accounts but no business data.
func openWithSample(t *testing.T) *Env {
	t.Helper()
	auth.SetTestingCost()
	ctx := context.Background()
	cfg := config.Default()
	cfg.Data = t.TempDir()
	cfg.DB = dbtest.PostgresDSN(t)
	cfg.LogLevel = "error"
	e, err := OpenWith(ctx, cfg, io.Discard, sample.Spec)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	if _, err := demo.Load(ctx, e.DB, e.Org, e.Auth, "county", nil); err != nil {
		t.Fatal(err)
	}
	return e
}

// A module added by one Spec gets its migration, permissions, routes, transition engine,
// history, audit and job from the platform.
func TestModuleKitSampleModule(t *testing.T) {
	e := openWithSample(t)
	ctx := context.Background()
	m, ok := e.module("sample").(*sample.Module)
	if !ok {
		t.Fatal("sample module not built from its Spec")
	}
	if !auth.Grants(auth.RoleReviewer, sample.PermClose) || auth.Grants(auth.RoleLiaison, sample.PermClose) || !auth.Grants(auth.RoleLeader, sample.PermView) {
		t.Fatal("declared permissions are not in the role table")
	}
	var routes []string
	for _, rt := range e.Web.Routes() {
		routes = append(routes, rt.Method+" "+rt.Path)
	}
	for _, want := range []string{"GET /sample/items/{id}", "POST /sample/items/{id}/close", "POST /api/v1/sample/items/{id}/close"} {
		if !slices.Contains(routes, want) {
			t.Errorf("route %s not registered", want)
		}
	}
	if err := e.API.Check(e.Web.Routes()); err != nil {
		t.Errorf("sample API not described: %v", err)
	}
	var jobs []module.Job
	for _, j := range e.jobs() {
		if j.Name == "sample.count_open" {
			jobs = append(jobs, j)
		}
	}
	if len(jobs) != 1 {
		t.Fatalf("the sample module's job is not scheduled: %+v", e.jobs())
	}

	justice, _ := e.Org.ByCode("990121-SFJ")
	id, err := m.Create(ctx, justice.ID, "示例事项")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := jobs[0].Run(ctx); err != nil || n != 1 {
		t.Fatalf("job before close: %d, %v", n, err)
	}

	// Another county's reviewer does not see it; a liaison may not close it.
	if w := webtest.Login(t, e.Web, e.Auth, "ls_sc").Get("/sample/items/" + id); w.Code != http.StatusNotFound {
		t.Errorf("other county GET: %d", w.Code)
	}
	if w := webtest.Login(t, e.Web, e.Auth, "qs_gaj").Post("/sample/items/"+id+"/close", nil); w.Code != http.StatusForbidden {
		t.Errorf("liaison close: %d", w.Code)
	}
	clerk := webtest.Login(t, e.Web, e.Auth, "qs_sc")
	// A future date is a field error and writes nothing.
	if w := clerk.Post("/sample/items/"+id+"/close", url.Values{"on": {"2999-01-01"}}); w.Code != http.StatusUnprocessableEntity || !strings.Contains(w.Body, "日期不能晚于今天") {
		t.Errorf("future date: %d %s", w.Code, excerpt(w.Body))
	}
	if w := clerk.Post("/sample/items/"+id+"/close", url.Values{"note": {"已办结"}}); w.Code != http.StatusSeeOther {
		t.Fatalf("close: %d %s", w.Code, excerpt(w.Body))
	}
	// The state guard answers 409 with the states in Chinese.
	if w := clerk.Post("/sample/items/"+id+"/close", nil); w.Code != http.StatusConflict || !strings.Contains(w.Body, "该登记事项当前为“已办结”，此操作只适用于“在办”状态") {
		t.Errorf("second close: %d %s", w.Code, excerpt(w.Body))
	}
	var events, audits int
	e.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM case_events WHERE owner_type = 'sample_item' AND owner_id = ? AND action = 'close' AND from_state = 'open' AND to_state = 'closed' AND note = '已办结'`, id).Scan(&events)
	e.DB.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE action = 'sample.close' AND object_id = ?`, id).Scan(&audits)
	if events != 1 || audits != 1 {
		t.Errorf("events %d, audit entries %d; want 1 and 1", events, audits)
	}
	if n, _ := jobs[0].Run(ctx); n != 0 {
		t.Errorf("job after close: %d open", n)
	}
}

var _ module.Module = (*sample.Module)(nil)

// Every listed module is built from its Spec under its own name and declares its permissions;
// the three case modules report their figures to the annual report's seam.
func TestModuleList(t *testing.T) {
	e := openWithSample(t)
	seen := map[string]bool{}
	for i, m := range e.Modules() {
		if m.Name() != e.specs[i].Name || seen[m.Name()] {
			t.Errorf("module %d: name %q, spec %q (names must be unique)", i, m.Name(), e.specs[i].Name)
		}
		seen[m.Name()] = true
		p, ok := m.(module.Permissioned)
		if !ok || len(p.Permissions()) == 0 {
			t.Errorf("%s declares no permissions", m.Name())
			continue
		}
		for _, d := range p.Permissions() {
			if !strings.HasPrefix(string(d.Perm), m.Name()+".") || !d.CaseContent {
				t.Errorf("%s: permission %s should be named after the module and mark case content", m.Name(), d.Perm)
			}
		}
	}
	for _, name := range []string{"reconsider", "review", "normdoc", "litigation"} {
		if _, ok := e.module(name).(module.Reporting); !ok {
			t.Errorf("%s does not report figures (module.Reporting)", name)
		}
	}
}

// excerpt is the start of a page's main content, for failure messages.
func excerpt(s string) string {
	if i := strings.Index(s, "<main>"); i >= 0 {
		s = s[i:]
	}
	if len(s) > 300 {
		s = s[:300]
	}
	return s
}
