package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/dbtest"
)

const (
	durabilityOrgan   = "990121-GOV" // 青山县人民政府 of the demo county
	durabilityWriters = 64
	writesPerWriter   = 5000                    // bound only: the kill ends the run long before
	writeFor          = 1500 * time.Millisecond // least time of writes before SIGKILL
)

// TestDurabilityAfterKill checks that every write the API acknowledged survives SIGKILL of the
// server in the middle of a burst of concurrent writes, and that the audit chain still verifies.
// SQLite always; PostgreSQL too when FAZHI_TEST_POSTGRES is set.
func TestDurabilityAfterKill(t *testing.T) {
	requireE2E(t)
	bin := binary(t)
	engines := []string{"sqlite"}
	if os.Getenv(dbtest.EnvPostgres) != "" {
		engines = append(engines, "postgres")
	}
	for _, engine := range engines {
		t.Run(engine, func(t *testing.T) {
			base := ""
			if engine == "postgres" {
				base = os.Getenv(dbtest.EnvPostgres)
			}
			data, dsn := demoDataOn(t, base)
			durability(t, bin, data, dsn)
		})
	}
}

func durability(t *testing.T, bin, data, dsn string) {
	// A system account with an API token, made with the CLI before the server starts.
	runCLI(t, bin, append([]string{"user", "create", "--system", "--username", "e2e_api", "--name", "耐久性测试接口",
		"--organ", durabilityOrgan, "--role", "sysadmin", "--password", "E2e#Durable2026x"}, dataArgs(data, dsn)...)...)
	token := strings.TrimSpace(runCLI(t, bin, append([]string{"user", "token", "--username", "e2e_api", "--token-name", "e2e"}, dataArgs(data, dsn)...)...))
	if !strings.HasPrefix(token, "fz_") {
		t.Fatalf("fazhi user token 没有输出令牌：%q", token)
	}
	api := &apiClient{token: token, http: &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{
		MaxIdleConns: durabilityWriters, MaxIdleConnsPerHost: durabilityWriters, MaxConnsPerHost: durabilityWriters}}}

	srv := startServer(t, bin, data, dsn)
	api.base = srv.Base
	// One write before the burst, so a missing or broken endpoint fails with its own message.
	if status, body, err := api.createDepartment("耐久性预检科"); err != nil || status/100 != 2 {
		t.Fatalf("POST /api/v1/departments 未成功（HTTP %d，%v）：%s\n服务器输出：\n%s", status, err, body, srv.out.String())
	}

	var (
		mu         sync.Mutex
		acked      = []string{"耐久性预检科"}
		unexpected []string
		killed     = make(chan struct{})
		wg         sync.WaitGroup
	)
	start := time.Now()
	for w := range durabilityWriters {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range writesPerWriter {
				name := fmt.Sprintf("耐久%02d号%04d科", w, i)
				status, body, err := api.createDepartment(name)
				if err != nil {
					return // the server is gone: connection refused or reset
				}
				mu.Lock()
				if status/100 == 2 {
					acked = append(acked, name)
				} else {
					select {
					case <-killed:
					default:
						unexpected = append(unexpected, fmt.Sprintf("%s：HTTP %d %s", name, status, body))
					}
				}
				mu.Unlock()
			}
		}()
	}
	// Kill after writeFor, or later on a slow machine once enough writes are acknowledged to mean something.
	time.Sleep(writeFor)
	var before int
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		mu.Lock()
		before = len(acked)
		mu.Unlock()
		if before >= 2*durabilityWriters || time.Now().After(deadline) {
			break
		}
	}
	srv.Kill()
	close(killed)
	wg.Wait()
	t.Logf("%d 个并发写入者，%.1f 秒内确认 %d 次写入（发出 SIGKILL 前已确认 %d 次）", durabilityWriters, time.Since(start).Seconds(), len(acked), before)
	if len(unexpected) > 0 {
		sort.Strings(unexpected)
		t.Errorf("服务器运行期间有 %d 次写入未成功，例如：\n%s\n服务器输出：\n%s", len(unexpected), strings.Join(unexpected[:min(5, len(unexpected))], "\n"), srv.out.String())
	}
	if len(acked) < durabilityWriters {
		t.Fatalf("只确认了 %d 次写入，少于写入者数 %d：测试没有真正在写入中途终止服务", len(acked), durabilityWriters)
	}

	// Restart on the same data: every acknowledged name must be there.
	srv2 := startServer(t, bin, data, dsn)
	api.base = srv2.Base
	names, err := api.departmentNames(durabilityOrgan)
	if err != nil {
		t.Fatalf("重启后读取科室失败：%v\n服务器输出：\n%s", err, srv2.out.String())
	}
	var lost []string
	for _, n := range acked {
		if !names[n] {
			lost = append(lost, n)
		}
	}
	if len(lost) > 0 {
		sort.Strings(lost)
		t.Errorf("SIGKILL 后丢失了 %d 个已确认的科室（共确认 %d 个），例如：%s", len(lost), len(acked), strings.Join(lost[:min(10, len(lost))], "、"))
	}
	srv2.Stop()

	out := runCLI(t, bin, append([]string{"audit", "verify"}, dataArgs(data, dsn)...)...)
	if !strings.Contains(out, "哈希链校验通过") {
		t.Errorf("fazhi audit verify 输出不符：%s", out)
	}
}

// apiClient calls /api/v1 with a bearer token.
type apiClient struct {
	base  string
	token string
	http  *http.Client
}

func (c *apiClient) do(method, path string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, err // a cut-off answer is not an acknowledgement
	}
	return resp.StatusCode, b, nil
}

func (c *apiClient) createDepartment(name string) (int, []byte, error) {
	return c.do(http.MethodPost, "/api/v1/departments", map[string]string{"organ_code": durabilityOrgan, "name": name})
}

// departmentNames collects every string in the listing, whatever its exact JSON shape.
func (c *apiClient) departmentNames(organ string) (map[string]bool, error) {
	status, body, err := c.do(http.MethodGet, "/api/v1/departments?organ="+url.QueryEscape(organ), nil)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("HTTP %d：%s", status, body)
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, fmt.Errorf("不是 JSON：%v", err)
	}
	names := map[string]bool{}
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case string:
			names[x] = true
		case []any:
			for _, e := range x {
				walk(e)
			}
		case map[string]any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(v)
	return names, nil
}
