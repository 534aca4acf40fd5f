package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/api"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/cli"
	"github.com/fazhi/fazhi/internal/demotest"
	"github.com/fazhi/fazhi/internal/webtest"
)

func TestMain(m *testing.M) { demotest.Main(m) }

// post sends a JSON body with an Idempotency-Key ("" = none) through the client's session.
func post(c *webtest.Client, path, body, key string) webtest.Response {
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if key != "" {
		req.Header.Set(api.IdempotencyHeader, key)
	}
	return c.Do(req)
}

func intake(t *testing.T, e *cli.Env, applicant string) string {
	gov, ok1 := e.Org.ByCode("990121-GOV")
	gaj, ok2 := e.Org.ByCode("990121-GAJ")
	if !ok1 || !ok2 {
		t.Fatal("演示机关缺失")
	}
	b, _ := json.Marshal(map[string]any{"organ_id": gov.ID, "channel": "post", "received_on": "2025-06-27", "applicant_kind": "natural",
		"applicant_name": applicant, "id_number": "11010519491231002X", "phone": "13800138000", "respondent_id": gaj.ID,
		"act_type": "行政处罚", "field": "公安", "act_title": "青公（治）决字〔2025〕15号", "act_date": "2025-06-01", "learned_on": "2025-06-02",
		"amount": 200, "requests": "撤销", "facts": "事实不清"})
	return string(b)
}

func cases(t *testing.T, e *cli.Env) int {
	var n int
	if err := e.DB.QueryRowContext(t.Context(), `SELECT COUNT(*) FROM reconsider_cases`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// A retried 登记复议申请 with the same key creates one case and gets the first answer again; the
// same key with another body is 422; keys are per account; a failed first call frees its key.
func TestIdempotencyKeyOnReconsiderRegister(t *testing.T) {
	e := demotest.Env(t)
	fy := webtest.Login(t, e.Web, e.Auth, "qs_fy")
	fy2 := webtest.Login(t, e.Web, e.Auth, "qs_fy2")
	const path = "/api/v1/reconsider/cases"
	body := intake(t, e, "幂等甲")
	before := cases(t, e)

	first := post(fy, path, body, "key-1")
	if first.Code != http.StatusCreated || first.Header().Get(api.ReplayedHeader) != "" {
		t.Fatalf("首次登记：%d %s", first.Code, first.Body)
	}
	again := post(fy, path, body, "key-1")
	if again.Code != http.StatusCreated || again.Body != first.Body || again.Header().Get("Location") != first.Header().Get("Location") ||
		again.Header().Get(api.ReplayedHeader) != "true" || !strings.HasPrefix(again.Header().Get("Content-Type"), "application/json") {
		t.Errorf("重试未重放首次应答：%d %q %s", again.Code, again.Header().Get("Location"), again.Body)
	}
	if n := cases(t, e) - before; n != 1 {
		t.Fatalf("同一幂等键重试后登记了 %d 件", n)
	}

	other := post(fy, path, intake(t, e, "幂等乙"), "key-1")
	if other.Code != http.StatusUnprocessableEntity || !strings.HasPrefix(other.Header().Get("Content-Type"), "application/problem+json") ||
		!strings.Contains(other.Body, "幂等键") {
		t.Errorf("同一键不同请求体：%d %s", other.Code, other.Body)
	}
	if n := cases(t, e) - before; n != 1 {
		t.Fatalf("不同请求体写入了：%d 件", n)
	}

	// Another account's key of the same name is its own.
	if w := post(fy2, path, body, "key-1"); w.Code != http.StatusCreated || w.Header().Get(api.ReplayedHeader) != "" || w.Body == first.Body {
		t.Errorf("另一账户的同名键：%d %s", w.Code, w.Body)
	}
	if n := cases(t, e) - before; n != 2 {
		t.Fatalf("两个账户各登记一件，实际 %d 件", n)
	}

	// A rejected first call writes nothing and does not hold its key.
	bad := strings.Replace(body, `"applicant_name":"幂等甲"`, `"applicant_name":""`, 1)
	if w := post(fy, path, bad, "key-2"); w.Code != http.StatusUnprocessableEntity {
		t.Fatalf("无效申请：%d", w.Code)
	}
	if w := post(fy, path, intake(t, e, "幂等丙"), "key-2"); w.Code != http.StatusCreated {
		t.Errorf("首次失败后同一键再提交：%d %s", w.Code, w.Body)
	}
	if w := post(fy, path, body, strings.Repeat("x", 256)); w.Code != http.StatusUnprocessableEntity {
		t.Errorf("过长的幂等键：%d", w.Code)
	}
	// Without a key nothing changes: a second identical call registers again.
	if w := post(fy, path, body, ""); w.Code != http.StatusCreated {
		t.Errorf("无幂等键：%d", w.Code)
	}
	if n := cases(t, e) - before; n != 4 {
		t.Errorf("共应登记 4 件，实际 %d 件", n)
	}

	// The OpenAPI document offers the header on the POST.
	var doc struct {
		Paths map[string]map[string]struct {
			Parameters []struct{ Name, In string }
		}
	}
	fy.Get("/api/v1/openapi.json").JSON(t, &doc)
	found := false
	for _, p := range doc.Paths["/reconsider/cases"]["post"].Parameters {
		found = found || p.Name == api.IdempotencyHeader && p.In == "header"
	}
	if !found {
		t.Error("接口说明的 POST /reconsider/cases 未列出 Idempotency-Key 头")
	}
}

// Duplicates sent at once do not both write: one runs, the others wait for its answer (or 409).
func TestIdempotencyConcurrentDuplicates(t *testing.T) {
	e := demotest.Env(t)
	fy := webtest.Login(t, e.Web, e.Auth, "qs_fy")
	var runs atomic.Int32
	e.Web.APIRoute(http.MethodPost, "/test/slow", auth.PermWorkbench, func(w http.ResponseWriter, r *http.Request) error {
		runs.Add(1)
		time.Sleep(300 * time.Millisecond) // the others arrive while it runs
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		_, err := w.Write([]byte(`{"run":1}`))
		return err
	})
	fy.Get("/") // the shell builds its handler chain on the first request

	for _, tc := range []struct{ path, body string }{{"/api/v1/test/slow", `{}`}, {"/api/v1/reconsider/cases", intake(t, e, "并发甲")}} {
		before := cases(t, e)
		const n = 4
		res := make([]webtest.Response, n)
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				req := httptest.NewRequest(http.MethodPost, tc.path, bytes.NewReader([]byte(tc.body)))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set(api.IdempotencyHeader, "same-"+tc.path)
				res[i] = fy.Do(req)
			}()
		}
		close(start)
		wg.Wait()
		created, replayed := 0, 0
		for _, w := range res {
			switch {
			case w.Code == http.StatusCreated && w.Header().Get(api.ReplayedHeader) == "true":
				replayed++
			case w.Code == http.StatusCreated:
				created++
			case w.Code == http.StatusConflict:
			default:
				t.Errorf("%s：%d %s", tc.path, w.Code, w.Body)
			}
		}
		if created != 1 {
			t.Errorf("%s：%d 个请求执行了写入（应为 1），%d 个重放", tc.path, created, replayed)
		}
		if tc.path == "/api/v1/test/slow" && runs.Load() != 1 {
			t.Errorf("处理函数执行了 %d 次", runs.Load())
		}
		if tc.path == "/api/v1/reconsider/cases" && cases(t, e)-before != 1 {
			t.Errorf("并发重复登记了 %d 件", cases(t, e)-before)
		}
	}
}
