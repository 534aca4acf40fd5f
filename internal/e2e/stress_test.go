package e2e

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"html"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// Flood and spreadsheet-bomb tests (issue 10): they drive a real `fazhi serve` on loopback and
// watch its resident memory in /proc/PID/status. Short versions run with FAZHI_E2E=1 against the
// binary of this checkout; the before/after figures of docs/benchmarks.md come from the same tests
// pointed at another binary:
//
//	FAZHI_STRESS_BIN=/tmp/fazhi-old  any fazhi binary (then started on an empty data directory, which loads the demo)
//	FAZHI_FLOOD_N=100                 parallel logins of the flood (default 200)
//	FAZHI_BOMBS=1                     all three bombs, the 1,000,000-row one included (default: the two XFD files)
//	FAZHI_KILL_RSS=8G                 SIGKILL the server when its RSS passes this (default 8 GiB)
//	FAZHI_FLOOD_TIMEOUT=6m            the client's patience per login (default 3m; unanswered logins count as "error")
//
// The flood and the bombs only talk to 127.0.0.1; the X-Forwarded-For addresses are from
// 192.0.2.0/24 (TEST-NET-1, RFC 5737), which is never routed.

const (
	gibBytes       = 1 << 30
	floodBudget    = 1 * gibBytes // peak RSS the current binary must stay under during the flood
	bombBudget     = 512 << 20    // and during each bomb
	defaultKill    = 8 * gibBytes
	stressPassword = "Fazhi@2026demo"
)

// fzProc is one `fazhi serve` this file started, with its PID for /fzProc.
type fzProc struct {
	t    *testing.T
	cmd  *exec.Cmd
	Base string
	out  *lockedBuffer
	done chan struct{}
}

// startFz starts `bin serve` on data with extra flags and waits for /healthz (an empty data
// directory loads the demo first: up to a few minutes on a loaded machine).
func startFz(t *testing.T, bin, data string, extra ...string) *fzProc {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	args := append([]string{"serve", "--addr", addr, "--log-level", "warn", "--data", data, "--db="}, extra...)
	p := &fzProc{t: t, cmd: exec.Command(bin, args...), Base: "http://" + addr, out: &lockedBuffer{}, done: make(chan struct{})}
	p.cmd.Stdout, p.cmd.Stderr = p.out, p.out
	p.cmd.Env = append(os.Environ(), "FAZHI_LAWS=no") // memory figures of the flood and bombs alone
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.cmd.Wait(); close(p.done) }()
	t.Cleanup(p.kill)
	client := &http.Client{Timeout: 2 * time.Second}
	for deadline := time.Now().Add(5 * time.Minute); ; time.Sleep(100 * time.Millisecond) {
		select {
		case <-p.done:
			t.Fatalf("fazhi serve 启动后即退出（%v）：\n%s", p.cmd.ProcessState, p.out.String())
		default:
		}
		if resp, err := client.Get(p.Base + "/healthz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return p
			}
		}
		if time.Now().After(deadline) {
			p.kill()
			t.Fatalf("fazhi serve 在 5 分钟内未就绪：\n%s", p.out.String())
		}
	}
}

func (p *fzProc) pid() int { return p.cmd.Process.Pid }

func (p *fzProc) alive() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

func (p *fzProc) kill() {
	if p.alive() {
		p.cmd.Process.Signal(syscall.SIGKILL)
		<-p.done
	}
}

// stop asks for a graceful shutdown, then kills.
func (p *fzProc) stop() {
	if !p.alive() {
		return
	}
	p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(20 * time.Second):
		p.kill()
	}
}

// procMem reads VmRSS and VmHWM (bytes) of pid.
func procMem(pid int) (rss, hwm uint64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			continue
		}
		n, _ := strconv.ParseUint(f[1], 10, 64)
		switch f[0] {
		case "VmRSS:":
			rss = n << 10
		case "VmHWM:":
			hwm = n << 10
		}
	}
	return rss, hwm, nil
}

// resetHWM sets VmHWM back to the current RSS (Linux: write 5 to clear_refs), so the peak measured
// next is the peak of what follows and not of the demo load at start-up.
func resetHWM(pid int) bool {
	return os.WriteFile(fmt.Sprintf("/proc/%d/clear_refs", pid), []byte("5"), 0) == nil
}

// memWatch samples the server's memory every 50 ms until stopped, and kills the server when its
// RSS passes killAt.
type memWatch struct {
	peakRSS atomic.Uint64
	killed  atomic.Bool
	stopc   chan struct{}
	donec   chan struct{}
	p       *fzProc
}

func watchMem(p *fzProc, killAt uint64) *memWatch {
	m := &memWatch{stopc: make(chan struct{}), donec: make(chan struct{}), p: p}
	go func() {
		defer close(m.donec)
		tick := time.NewTicker(50 * time.Millisecond)
		defer tick.Stop()
		for {
			rss, hwm, err := procMem(p.pid())
			if err == nil {
				m.peakRSS.Store(max(m.peakRSS.Load(), rss, hwm))
				if rss > killAt && !m.killed.Load() {
					m.killed.Store(true)
					p.cmd.Process.Signal(syscall.SIGKILL)
				}
			}
			select {
			case <-m.stopc:
				return
			case <-p.done:
				return
			case <-tick.C:
			}
		}
	}()
	return m
}

// stop ends the sampling and returns the peak: VmHWM when the process is still there (exact), else
// the highest sample.
func (m *memWatch) stop() uint64 {
	close(m.stopc)
	<-m.donec
	if _, hwm, err := procMem(m.p.pid()); err == nil && m.p.alive() {
		m.peakRSS.Store(max(m.peakRSS.Load(), hwm))
	}
	return m.peakRSS.Load()
}

func stressEnvBytes(name string, def uint64) uint64 {
	v := strings.TrimSpace(os.Getenv(name))
	if v == "" {
		return def
	}
	mult := uint64(1)
	switch strings.ToUpper(v[len(v)-1:]) {
	case "G":
		mult, v = gibBytes, v[:len(v)-1]
	case "M":
		mult, v = 1<<20, v[:len(v)-1]
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return def
	}
	return n * mult
}

func stressEnvInt(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

func mibStr(n uint64) string { return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20)) }

// stressServer starts the binary under test: FAZHI_STRESS_BIN on an empty data directory, or this
// checkout's binary on a copy of the demo template. It reports whether it is the current binary.
func stressServer(t *testing.T, extra ...string) (*fzProc, bool) {
	if bin := os.Getenv("FAZHI_STRESS_BIN"); bin != "" {
		t.Logf("被测二进制：%s（空数据目录，启动时载入演示数据）", bin)
		return startFz(t, bin, t.TempDir(), extra...), false
	}
	bin := binary(t)
	data, _ := demoDataOn(t, "") // the figures are of the embedded engine on either run
	return startFz(t, bin, data, extra...), true
}

func stressHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// agent is one simulated user agent: a cookie jar, no redirects followed, and optionally an
// X-Forwarded-For address (honoured only when the server trusts 127.0.0.1 as a proxy).
type agent struct {
	base   string
	xff    string
	client *http.Client
	csrf   string // the token of the last page, for the next form
}

func newAgent(base, xff string, timeout time.Duration, tr http.RoundTripper) *agent {
	jar, _ := cookiejar.New(nil)
	return &agent{base: base, xff: xff, client: &http.Client{Jar: jar, Timeout: timeout, Transport: tr,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func (b *agent) do(req *http.Request) (int, []byte, error) {
	if b.xff != "" {
		req.Header.Set("X-Forwarded-For", b.xff)
	}
	resp, err := b.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, nil, err
	}
	if m := csrfInput.FindSubmatch(body); m != nil {
		b.csrf = html.UnescapeString(string(m[1]))
	}
	return resp.StatusCode, body, nil
}

func (b *agent) get(path string) (int, []byte, error) {
	req, err := http.NewRequest(http.MethodGet, b.base+path, nil)
	if err != nil {
		return 0, nil, err
	}
	return b.do(req)
}

func (b *agent) postForm(path string, v url.Values) (int, []byte, error) {
	req, err := http.NewRequest(http.MethodPost, b.base+path, strings.NewReader(v.Encode()))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return b.do(req)
}

// login fetches the login form (anonymous CSRF cookie and field) and posts the credentials.
func (b *agent) login(username, password string) (int, []byte, error) {
	if status, body, err := b.get("/login"); err != nil || status != http.StatusOK {
		return status, body, err
	}
	return b.postForm("/login", url.Values{"csrf": {b.csrf}, "username": {username}, "password": {password}, "next": {"/workbench"}})
}

// TestFlood: parallel POST /login with random usernames, each with a valid anonymous CSRF
// cookie and field. The current binary must answer every one without a 500 and stay under
// floodBudget. Two shapes: all from one address (the per-address limit answers most with 429), and
// each from its own address behind a trusted proxy (every login reaches the password hash gate).
func TestFlood(t *testing.T) {
	requireE2E(t)
	n := stressEnvInt("FAZHI_FLOOD_N", 200)
	killAt := stressEnvBytes("FAZHI_KILL_RSS", defaultKill)
	shapes := []struct {
		name   string
		spread bool
	}{{"one-address", false}, {"spread", true}}
	for _, sh := range shapes {
		t.Run(sh.name, func(t *testing.T) {
			t.Parallel() // each on its own server: the run takes as long as the slower shape
			var extra []string
			if sh.spread {
				extra = []string{"--trusted-proxies", "127.0.0.1"}
			}
			if sh.spread && os.Getenv("FAZHI_STRESS_BIN") != "" && os.Getenv("FAZHI_FLOOD_SPREAD") != "1" {
				t.Skip("旧版本没有 --trusted-proxies：只测单一地址（设 FAZHI_FLOOD_SPREAD=1 强制）")
			}
			srv, current := stressServer(t, extra...)
			flood(t, srv, n, sh.spread, killAt, current)
			srv.kill()
		})
	}
}

func flood(t *testing.T, srv *fzProc, n int, spread bool, killAt uint64, current bool) {
	// One anonymous CSRF token, fetched the way a agent gets it, shared by every request.
	b0 := newAgent(srv.Base, "", 10*time.Second, nil)
	if status, _, err := b0.get("/login"); err != nil || status != http.StatusOK || b0.csrf == "" {
		t.Fatalf("GET /login：HTTP %d %v", status, err)
	}
	u, _ := url.Parse(srv.Base)
	var cookie string
	for _, c := range b0.client.Jar.Cookies(u) {
		if c.Name == "fazhi_csrf" {
			cookie = c.Value
		}
	}
	if cookie == "" {
		t.Fatal("GET /login 没有设置 fazhi_csrf Cookie")
	}
	time.Sleep(500 * time.Millisecond)
	_, startHWM, _ := procMem(srv.pid())
	reset := resetHWM(srv.pid())
	baseRSS, _, _ := procMem(srv.pid())
	mw := watchMem(srv, killAt)

	tr := &http.Transport{MaxIdleConnsPerHost: n, MaxConnsPerHost: n}
	timeout := 3 * time.Minute
	if d, err := time.ParseDuration(os.Getenv("FAZHI_FLOOD_TIMEOUT")); err == nil && d > 0 {
		timeout = d
	}
	client := &http.Client{Timeout: timeout, Transport: tr}
	var (
		mu      sync.Mutex
		codes   = map[string]int{}
		slowest time.Duration
		wg      sync.WaitGroup
		gate    = make(chan struct{})
	)
	start := time.Now()
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			form := url.Values{"csrf": {b0.csrf}, "username": {"flood_" + stressHex(6)}, "password": {stressHex(8)}}
			req, _ := http.NewRequest(http.MethodPost, srv.Base+"/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(&http.Cookie{Name: "fazhi_csrf", Value: cookie})
			if spread {
				req.Header.Set("X-Forwarded-For", fmt.Sprintf("192.0.2.%d", 1+i%254))
			}
			<-gate
			t0 := time.Now()
			resp, err := client.Do(req)
			key := ""
			if err != nil {
				key = "error"
			} else {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				key = strconv.Itoa(resp.StatusCode)
			}
			mu.Lock()
			codes[key]++
			slowest = max(slowest, time.Since(t0))
			mu.Unlock()
		}()
	}
	close(gate)
	wg.Wait()
	took := time.Since(start)
	peak := mw.stop()
	killed := mw.killed.Load()
	var keys []string
	for k := range codes {
		keys = append(keys, fmt.Sprintf("%s×%d", k, codes[k]))
	}
	sort.Strings(keys)
	t.Logf("登录洪泛：%d 个并发 POST /login（%s），%.1f 秒，最慢 %.1f 秒；状态码 %s；启动后 VmHWM %s，洪泛前 RSS %s，洪泛中峰值 RSS %s（clear_refs 重置 %v）；超过 %s 被终止：%v",
		n, map[bool]string{true: "每个请求一个地址", false: "同一地址"}[spread], took.Seconds(), slowest.Seconds(),
		strings.Join(keys, " "), mibStr(startHWM), mibStr(baseRSS), mibStr(peak), reset, mibStr(killAt), killed)
	if !current {
		return // figures only
	}
	if killed || peak > floodBudget {
		t.Errorf("洪泛中峰值 RSS %s 超过预算 %s", mibStr(peak), mibStr(floodBudget))
	}
	for k, c := range codes {
		switch k {
		case "422", "429", "503": // bad credentials, rate limited, hash gate full
		default:
			t.Errorf("洪泛得到意外的答复 %s ×%d\n服务器输出：\n%s", k, c, tailStr(srv.out.String(), 4000))
		}
	}
	// 60 a minute per address, in windows aligned to the minute: a burst across a boundary may pass
	// 120. A request shed with 503 may have timed out waiting for SQLite's one writer before the
	// limiter counted it, so only the answered ones (422, 429) must show the limit.
	if counted := codes["422"] + codes["429"]; !spread && counted > 2*60 && codes["429"] == 0 {
		t.Errorf("同一地址 %d 次登录（%d 次得到答复）没有一次被限速（429）", n, counted)
	}
}

func tailStr(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// sheetBomb is one of the three spreadsheet shapes of issue 10.
type sheetBomb struct {
	name  string
	rows  int
	sheet func(w io.Writer, rows int)
}

func xfdRows(w io.Writer, rows int) {
	fmt.Fprint(w, `<row r="1"><c r="A1" t="inlineStr"><is><t>收件日期</t></is></c><c r="B1" t="inlineStr"><is><t>申请人</t></is></c></row>`)
	for line := 2; line <= rows+1; line++ {
		fmt.Fprintf(w, `<row r="%d"><c r="A%d" t="inlineStr"><is><t>2024-01-05</t></is></c><c r="XFD%d" t="inlineStr"><is><t>x</t></is></c></row>`, line, line, line)
	}
}

// ledgerHeaders is the header row of the 复议 ledger template (the same before and after issue 10),
// so that a reader gets past the header check to the rows.
var ledgerHeaders = []string{"收件日期", "申请人", "申请人类型", "被申请人", "行政行为类别", "领域", "审查结果", "受理日期", "程序", "结案日期", "结案方式", "终止原因", "延期"}

func shortRows(w io.Writer, rows int) {
	io.WriteString(w, `<row r="1">`)
	for i, h := range ledgerHeaders {
		fmt.Fprintf(w, `<c r="%c1" t="inlineStr"><is><t>%s</t></is></c>`, 'A'+i, h)
	}
	io.WriteString(w, `</row>`)
	bw := bufio.NewWriterSize(w, 1<<16)
	for line := 2; line <= rows+1; line++ {
		fmt.Fprintf(bw, `<row r="%d"><c r="A%d"><v>1</v></c></row>`, line, line)
	}
	bw.Flush()
}

var sheetBombs = []sheetBomb{
	{"xfd-2000", 2000, xfdRows},   // ≈ 18 KB
	{"xfd-11000", 11000, xfdRows}, // ≈ 82 KB
	{"rows-1m", 1000000, shortRows},
}

// bombXLSX writes a minimal workbook whose one sheet is written by sheet.
func bombXLSX(sheet func(io.Writer)) []byte {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for _, f := range []struct{ name, body string }{
		{"[Content_Types].xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>`},
		{"_rels/.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`},
		{"xl/workbook.xml", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>`},
		{"xl/_rels/workbook.xml.rels", `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>`},
	} {
		w, _ := z.Create(f.name)
		io.WriteString(w, f.body)
	}
	w, _ := z.Create("xl/worksheets/sheet1.xml")
	io.WriteString(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>`)
	sheet(w)
	io.WriteString(w, `</sheetData></worksheet>`)
	z.Close()
	return buf.Bytes()
}

var (
	errSpan  = regexp.MustCompile(`(?s)class="err">(.*?)</span>`)
	alertP   = regexp.MustCompile(`(?s)class="alert"[^>]*>(.*?)</p>`)
	errorsLi = regexp.MustCompile(`(?s)<ol class="errors">\s*<li>(.*?)</li>`)
	optValue = regexp.MustCompile(`name="organ"(?: value="([^"]+)"|>\s*<option value="([^"]+)")`)
)

// refusal is the message the import page shows.
func importRefusal(body []byte) string {
	var out []string
	for _, re := range []*regexp.Regexp{errSpan, alertP, errorsLi} {
		if m := re.FindSubmatch(body); m != nil {
			out = append(out, strings.TrimSpace(html.UnescapeString(string(m[1]))))
		}
	}
	return strings.Join(out, " / ")
}

// TestBomb uploads the spreadsheet bombs of issue 10 to the 复议 ledger import as qs_fy. The
// current binary must refuse each with a message, without a 500, under bombBudget.
func TestBomb(t *testing.T) {
	requireE2E(t)
	killAt := stressEnvBytes("FAZHI_KILL_RSS", defaultKill)
	list := sheetBombs[:2]
	if os.Getenv("FAZHI_BOMBS") == "1" {
		list = sheetBombs
	}
	srv, current := stressServer(t)
	for _, bm := range list {
		// Each bomb on a fresh process of the same binary and data, so that memory the previous one
		// left behind (or the demo load of an empty data directory) does not count.
		args := srv.cmd.Args
		srv.stop()
		srv = startFz(t, args[0], args[7])
		body := bombXLSX(func(w io.Writer) { bm.sheet(w, bm.rows) })
		b := newAgent(srv.Base, "", 6*time.Minute, nil)
		if status, _, err := b.login("qs_fy", stressPassword); err != nil || status != http.StatusSeeOther {
			t.Fatalf("qs_fy 登录失败：HTTP %d %v", status, err)
		}
		status, page, err := b.get("/reconsider/import")
		m := optValue.FindSubmatch(page)
		if err != nil || status != http.StatusOK || m == nil || len(m[1])+len(m[2]) == 0 {
			t.Fatalf("GET /reconsider/import：HTTP %d %v（没有可选的复议机关）", status, err)
		}
		var form bytes.Buffer
		mw := multipart.NewWriter(&form)
		mw.WriteField("csrf", b.csrf)
		mw.WriteField("organ", string(m[1])+string(m[2]))
		fw, _ := mw.CreateFormFile("file", bm.name+".xlsx")
		fw.Write(body)
		mw.Close()
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodPost, srv.Base+"/reconsider/import", &form)
		req.Header.Set("Content-Type", mw.FormDataContentType())

		time.Sleep(300 * time.Millisecond)
		resetHWM(srv.pid())
		baseRSS, _, _ := procMem(srv.pid())
		watch := watchMem(srv, killAt)
		t0 := time.Now()
		status, page, err = b.do(req)
		took := time.Since(t0)
		peak := watch.stop()
		killed := watch.killed.Load()
		msg := importRefusal(page)
		t.Logf("炸弹 %s：%d 行，%d 字节；HTTP %d（%v），%.2f 秒；上传前 RSS %s，峰值 RSS %s；超过 %s 被终止：%v；提示：%s",
			bm.name, bm.rows, len(body), status, err, took.Seconds(), mibStr(baseRSS), mibStr(peak), mibStr(killAt), killed, msg)
		if !current {
			continue
		}
		if err != nil || status != http.StatusUnprocessableEntity || msg == "" {
			t.Errorf("炸弹 %s 应被拒绝（422 并说明原因），得到 HTTP %d %v：%s\n服务器输出：\n%s", bm.name, status, err, msg, tailStr(srv.out.String(), 4000))
		}
		if killed || peak > bombBudget {
			t.Errorf("炸弹 %s：峰值 RSS %s 超过预算 %s", bm.name, mibStr(peak), mibStr(bombBudget))
		}
	}
	srv.kill()
}
