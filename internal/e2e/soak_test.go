package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/db"
)

// The soak (issue 10): many sessions reading and writing against one `fazhi serve` for a while,
// then every acknowledged write is looked up in the database, the audit chain is verified and the
// server's peak memory is checked.
//
//	FAZHI_SOAK=1               the recorded run: 200 sessions for FAZHI_SOAK_DURATION (default 10m)
//	FAZHI_SOAK_DURATION=30s    how long (logins included)
//	FAZHI_SOAK_SESSIONS=200    how many sessions
//
// Without FAZHI_SOAK it runs with FAZHI_E2E=1 as a short check: 16 sessions for 5 seconds.
//
//	FAZHI_STRESS_BIN=/tmp/fazhi-old  the "before" figure: a binary from before issue 10's fixes, which has
//	                                 neither --trusted-proxies nor --login-hashes; it loads its own demo
//	                                 into an empty data directory and serves without those flags (every
//	                                 request then comes from 127.0.0.1, which that binary did not limit)
//
// Logins are paced the way the server is sized: at most two at a time (the server runs with
// --login-hashes 2, and a login that waits longer than 10 s for a hash slot is answered 503 — a
// burst is the flood test's subject, not the soak's), at most 8 a minute per account (the limit is
// 10 per username), and each session sends its own X-Forwarded-For address from 192.0.2.0/24 (the
// server trusts 127.0.0.1 as its proxy), so the 60-a-minute per-address limit is never reached.
// Everything stays on 127.0.0.1; 192.0.2.0/24 is TEST-NET-1 (RFC 5737), only a header here.

const (
	soakBudget    = 1 * gibBytes // VmHWM of the server over the whole run
	soakOrgan     = "990121-GOV" // 青山县人民政府: the departments written through the API
	loginSlots    = 2
	loginsPerMin  = 8
	soakTimeout   = 60 * time.Second // one request; a slower answer counts as a failure
	maxDetailURLs = 50
)

// soakAccount is one demo account and the pages its role may read.
type soakAccount struct {
	name   string
	writer bool // registers 复议 applications (复议工作人员); the others write departments with the API token
	pages  []string
}

var soakAccounts = func() []soakAccount {
	fy := []string{"/workbench", "/reconsider/cases", "/reconsider/cases?state=in_review", "/reconsider/stats"}
	ld := []string{"/workbench", "/reconsider/cases", "/reconsider/stats", "/review/requests"}
	sc := []string{"/workbench", "/review/requests", "/normdoc/docs"}
	li := []string{"/workbench", "/reconsider/replies"}
	var out []soakAccount
	for _, n := range []string{"sheng_fy", "shi_fy", "qs_fy", "qs_fy2", "ls_fy", "ls_fy2"} {
		out = append(out, soakAccount{n, true, fy})
	}
	for _, n := range []string{"shi_ld", "qs_ld", "ls_ld"} {
		out = append(out, soakAccount{n, false, ld})
	}
	for _, n := range []string{"shi_sc", "qs_sc", "ls_sc"} {
		out = append(out, soakAccount{n, false, sc})
	}
	for _, n := range []string{"qs_gw", "ls_gw"} {
		out = append(out, soakAccount{n, false, []string{"/workbench", "/review/requests"}})
	}
	for _, n := range []string{"qs_gaj", "qs_sjj", "qs_zrj", "qs_rsj", "ls_gaj", "ls_sjj", "ls_zrj", "ls_rsj"} {
		out = append(out, soakAccount{n, false, li})
	}
	for _, n := range []string{"qs_fyll", "ls_fyll"} {
		out = append(out, soakAccount{n, false, []string{"/workbench"}})
	}
	return out
}()

var detailHref = regexp.MustCompile(`href="(/(?:reconsider/cases|review/requests|review|normdoc/docs|normdocs)/[0-9A-Z]{26})"`)

// legacyPages are the list pages' addresses in the binary from before issue 10 (the "before" soak).
var legacyPages = map[string]string{"/review/requests": "/review", "/normdoc/docs": "/normdocs"}

// soakAccountsFor the binary under test: the same accounts, with the old list addresses when legacy.
func soakAccountsFor(legacy bool) []soakAccount {
	if !legacy {
		return soakAccounts
	}
	out := make([]soakAccount, len(soakAccounts))
	for i, a := range soakAccounts {
		a.pages = append([]string(nil), a.pages...)
		for j, p := range a.pages {
			if old, ok := legacyPages[p]; ok {
				a.pages[j] = old
			}
		}
		out[i] = a
	}
	return out
}

var governmentOption = regexp.MustCompile(`<select name="organ_id">\s*<option value="([^"]+)"`)

// soakStats collects every answer of the run.
type soakStats struct {
	mu        sync.Mutex
	requests  int
	codes     map[int]int
	failures  []string // 5xx, transport errors, unexpected statuses
	latencies []time.Duration
	cases     []string // case ids of 201 answers
	depts     []string // department names of 2xx answers
	logins    int
}

func (s *soakStats) record(what string, status int, took time.Duration, err error, body []byte, ok func(int) bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.requests++
	s.codes[status]++
	s.latencies = append(s.latencies, took)
	if err != nil || !ok(status) {
		if len(s.failures) < 200 {
			s.failures = append(s.failures, fmt.Sprintf("%s：HTTP %d %v %s", what, status, err, snippet(body)))
		}
	}
}

func snippet(b []byte) string {
	s := strings.Join(strings.Fields(string(b)), " ")
	if r := []rune(s); len(r) > 200 {
		return string(r[:200]) + "…"
	}
	return s
}

// loginPacer holds logins to loginSlots at once and loginsPerMin per account in any minute.
type loginPacer struct {
	slots chan struct{}
	mu    sync.Mutex
	times map[string][]time.Time
}

func (lp *loginPacer) acquire(account string, until time.Time) bool {
	for {
		lp.mu.Lock()
		now := time.Now()
		ts := lp.times[account]
		for len(ts) > 0 && now.Sub(ts[0]) > 61*time.Second {
			ts = ts[1:]
		}
		if len(ts) < loginsPerMin {
			lp.times[account] = append(ts, now)
			lp.mu.Unlock()
			break
		}
		wait := 61*time.Second - now.Sub(ts[0])
		lp.times[account] = ts
		lp.mu.Unlock()
		if now.Add(wait).After(until) {
			return false
		}
		time.Sleep(wait)
	}
	select {
	case lp.slots <- struct{}{}:
		return true
	case <-time.After(time.Until(until)):
		return false
	}
}

func (lp *loginPacer) release() { <-lp.slots }

func TestSoak(t *testing.T) {
	requireE2E(t)
	duration, sessions := 5*time.Second, 16
	if os.Getenv("FAZHI_SOAK") == "1" {
		duration, sessions = 10*time.Minute, 200
	}
	if v := os.Getenv("FAZHI_SOAK_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			t.Fatalf("FAZHI_SOAK_DURATION=%q 不是有效的时长", v)
		}
		duration = d
	}
	sessions = stressEnvInt("FAZHI_SOAK_SESSIONS", sessions)
	if sessions > 250 {
		t.Fatalf("FAZHI_SOAK_SESSIONS 最多 250（每个会话一个 192.0.2.x 地址）")
	}

	bin, data, flags := binary(t), "", []string{"--trusted-proxies", "127.0.0.1", "--login-hashes", "2"}
	old := os.Getenv("FAZHI_STRESS_BIN")
	accounts := soakAccountsFor(old != "")
	if old != "" {
		bin, data, flags = old, t.TempDir(), nil
		runCLI(t, bin, append([]string{"demo"}, dataArgs(data, "")...)...)
		t.Logf("被测二进制：%s（自己的演示数据，不带 --trusted-proxies、--login-hashes 启动）", bin)
	} else {
		data, _ = demoDataOn(t, "") // the figures are of the embedded engine on either run
	}
	runCLI(t, bin, append([]string{"user", "create", "--system", "--username", "e2e_soak", "--name", "浸泡测试接口",
		"--organ", soakOrgan, "--role", "sysadmin", "--password", "E2e#Soak2026xyz"}, dataArgs(data, "")...)...)
	token := strings.TrimSpace(runCLI(t, bin, append([]string{"user", "token", "--username", "e2e_soak", "--token-name", "soak"}, dataArgs(data, "")...)...))
	srv := startFz(t, bin, data, flags...)
	tr := &http.Transport{MaxIdleConns: 2 * sessions, MaxIdleConnsPerHost: 2 * sessions}
	api := &apiClient{base: srv.Base, token: token, http: &http.Client{Timeout: soakTimeout, Transport: tr}}

	st := &soakStats{codes: map[int]int{}}
	lp := &loginPacer{slots: make(chan struct{}, loginSlots), times: map[string][]time.Time{}}
	start := time.Now()
	end := start.Add(duration)
	hardEnd := end.Add(2*time.Minute + duration/4) // nothing runs past this, whatever happens
	relogin := max(duration/3, 4*time.Second)      // a session logs in again after 0.5–1.5 × this
	var wg sync.WaitGroup
	for i := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			soakSession(accounts[i%len(accounts)], i, srv.Base, tr, api, st, lp, end, hardEnd, relogin)
		}()
	}
	// Memory is sampled during the run too, in case the process dies before VmHWM is read.
	mw := watchMem(srv, defaultKill)
	wg.Wait()
	took := time.Since(start)
	_, hwm, err := procMem(srv.pid())
	if err != nil {
		t.Errorf("读取 /proc/%d/status 失败：%v", srv.pid(), err)
	}
	peak := max(mw.stop(), hwm)
	srv.stop()

	sort.Slice(st.latencies, func(i, j int) bool { return st.latencies[i] < st.latencies[j] })
	pct := func(p float64) time.Duration {
		if len(st.latencies) == 0 {
			return 0
		}
		return st.latencies[min(len(st.latencies)-1, int(p*float64(len(st.latencies))))]
	}
	var codes []string
	five := 0
	for c, n := range st.codes {
		codes = append(codes, fmt.Sprintf("%d×%d", c, n))
		if c >= 500 {
			five += n
		}
	}
	sort.Strings(codes)
	t.Logf("浸泡：%d 个会话，%.1f 秒（设定 %v），%d 次请求（%.1f 次/秒），其中登录 %d 次；状态码 %s；5xx %d 次；延迟 p50 %v、p99 %v、最慢 %v；服务器峰值 RSS（VmHWM）%s（预算 %s）",
		sessions, took.Seconds(), duration, st.requests, float64(st.requests)/took.Seconds(), st.logins, strings.Join(codes, " "), five,
		pct(0.5).Round(time.Millisecond), pct(0.99).Round(time.Millisecond), pct(1).Round(time.Millisecond), mibStr(peak), mibStr(soakBudget))
	if len(st.failures) > 0 {
		t.Errorf("%d 次请求失败（5xx、连接错误或意外状态码），例如：\n%s\n服务器输出：\n%s", len(st.failures),
			strings.Join(st.failures[:min(10, len(st.failures))], "\n"), tailStr(srv.out.String(), 6000))
	}
	if five > 0 {
		t.Errorf("%d 次 5xx 答复", five)
	}
	if peak > soakBudget {
		t.Errorf("服务器峰值 RSS %s 超过预算 %s", mibStr(peak), mibStr(soakBudget))
	}
	if st.logins < sessions {
		t.Errorf("只完成了 %d 次登录，少于会话数 %d", st.logins, sessions)
	}

	// Every acknowledged write is in the database.
	ctx := context.Background()
	d, err := db.Open(ctx, "", data)
	if err != nil {
		t.Fatalf("打开数据库：%v", err)
	}
	defer d.Close()
	present := func(query string) map[string]bool {
		rows, err := d.QueryContext(ctx, query)
		if err != nil {
			t.Fatalf("%s：%v", query, err)
		}
		defer rows.Close()
		m := map[string]bool{}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			m[s] = true
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return m
	}
	cases, depts := present(`SELECT id FROM reconsider_cases`), present(`SELECT name FROM departments`)
	var lost []string
	for _, id := range st.cases {
		if !cases[id] {
			lost = append(lost, "复议案件 "+id)
		}
	}
	for _, n := range st.depts {
		if !depts[n] {
			lost = append(lost, "科室 "+n)
		}
	}
	t.Logf("已确认的写入：复议申请 %d 件、科室 %d 个；库中缺失 %d 个", len(st.cases), len(st.depts), len(lost))
	if len(lost) > 0 {
		t.Errorf("已确认的写入不在数据库中：%s", strings.Join(lost[:min(10, len(lost))], "、"))
	}
	if len(st.cases) == 0 || len(st.depts) == 0 {
		t.Errorf("没有得到确认的写入（复议申请 %d、科室 %d）：浸泡没有真正写入", len(st.cases), len(st.depts))
	}
	out := runCLI(t, bin, append([]string{"audit", "verify"}, dataArgs(data, "")...)...)
	t.Logf("fazhi audit verify：%s", strings.TrimSpace(out))
	if !strings.Contains(out, "校验通过") {
		t.Errorf("fazhi audit verify 输出不符：%s", out)
	}
}

// soakSession is one user: logs in, reads pages of its role, writes now and then, logs out and in
// again every so often, until end (or hardEnd, whatever happens).
func soakSession(acct soakAccount, i int, base string, tr http.RoundTripper, api *apiClient, st *soakStats, lp *loginPacer, end, hardEnd time.Time, relogin time.Duration) {
	rng := rand.New(rand.NewPCG(uint64(i), uint64(time.Now().UnixNano())))
	b := newAgent(base, fmt.Sprintf("192.0.2.%d", 1+i), soakTimeout, tr)
	ok2xx := func(s int) bool { return s/100 == 2 }
	var (
		loggedIn  bool
		reloginAt time.Time
		details   []string
		organID   string
		n         int
	)
	call := func(what string, f func() (int, []byte, error), ok func(int) bool) (int, []byte) {
		t0 := time.Now()
		status, body, err := f()
		st.record(fmt.Sprintf("%s %s", acct.name, what), status, time.Since(t0), err, body, ok)
		return status, body
	}
	read := func(path string) {
		status, body := call("GET "+path, func() (int, []byte, error) { return b.get(path) }, ok2xx)
		if status == http.StatusOK {
			for _, m := range detailHref.FindAllSubmatch(body, -1) {
				if len(details) < maxDetailURLs {
					details = append(details, string(m[1]))
				}
			}
		}
	}
	for actions := 0; actions < 100000; actions++ { // bound only: the clock ends the loop
		now := time.Now()
		if now.After(hardEnd) || (now.After(end) && loggedIn && n >= 3) {
			return
		}
		if !loggedIn || now.After(reloginAt) {
			if loggedIn {
				call("POST /logout", func() (int, []byte, error) {
					return b.postForm("/logout", url.Values{"csrf": {b.csrf}})
				}, func(s int) bool { return s == http.StatusSeeOther })
				loggedIn = false
			}
			if !lp.acquire(acct.name, hardEnd) {
				return
			}
			call("GET /login", func() (int, []byte, error) { return b.get("/login") }, ok2xx)
			status, _ := call("POST /login", func() (int, []byte, error) {
				return b.postForm("/login", url.Values{"csrf": {b.csrf}, "username": {acct.name}, "password": {stressPassword}, "next": {"/workbench"}})
			}, func(s int) bool { return s == http.StatusSeeOther })
			lp.release()
			if status != http.StatusSeeOther {
				time.Sleep(time.Second)
				continue
			}
			st.mu.Lock()
			st.logins++
			st.mu.Unlock()
			loggedIn = true
			reloginAt = time.Now().Add(relogin/2 + time.Duration(rng.Int64N(int64(relogin))))
			read("/workbench") // where a browser lands; also gives the session's CSRF token
			if acct.writer && organID == "" {
				_, body := call("GET /reconsider/cases/new", func() (int, []byte, error) { return b.get("/reconsider/cases/new") }, ok2xx)
				if m := governmentOption.FindSubmatch(body); m != nil {
					organID = string(m[1])
				}
			}
			continue
		}
		time.Sleep(500*time.Millisecond + time.Duration(rng.Int64N(int64(3*time.Second)))) // think: 0.5–3.5 s
		n++
		// The first step of a session is a write, so even the short CI run (a few steps a session)
		// always has acknowledged writes to look up afterwards.
		switch r := rng.Float64(); {
		case n == 1 && acct.writer && organID != "":
			soakRegister(i, n, acct.name, b, organID, st, call)
		case r < 0.15 && acct.writer && organID != "":
			soakRegister(i, n, acct.name, b, organID, st, call)
		case r < 0.15 || n == 1:
			name := fmt.Sprintf("浸泡%03d号%05d科", i, n)
			status, _ := call("POST /api/v1/departments", func() (int, []byte, error) {
				return api.do(http.MethodPost, "/api/v1/departments", map[string]string{"organ_code": soakOrgan, "name": name})
			}, ok2xx)
			if status/100 == 2 {
				st.mu.Lock()
				st.depts = append(st.depts, name)
				st.mu.Unlock()
			}
		case r < 0.40 && len(details) > 0:
			read(details[rng.IntN(len(details))])
		default:
			read(acct.pages[rng.IntN(len(acct.pages))])
		}
	}
}

// soakRegister registers one 复议 application through /api/v1 with the session and its CSRF token.
func soakRegister(i, n int, account string, b *agent, organID string, st *soakStats, call func(string, func() (int, []byte, error), func(int) bool) (int, []byte)) {
	today := time.Now().In(time.FixedZone("CST", 8*3600))
	day := func(d int) string { return today.AddDate(0, 0, -d).Format("2006-01-02") }
	in := map[string]any{"organ_id": organID, "channel": "post", "received_on": day(2), "applicant_kind": "natural",
		"applicant_name": fmt.Sprintf("浸泡%03d号%05d", i, n), "id_number": soakIDNumber(i, n), "phone": "13800138000",
		"respondent": "县公安局", "act_type": "行政处罚", "field": "公安", "act_title": fmt.Sprintf("青公（治）决字〔2026〕%d号", 1000*i+n),
		"act_date": day(40), "learned_on": day(30), "amount": 200, "requests": "撤销行政处罚决定", "facts": "浸泡测试：事实不清，证据不足"}
	body, _ := json.Marshal(in)
	status, resp := call("POST /api/v1/reconsider/cases", func() (int, []byte, error) {
		req, err := http.NewRequest(http.MethodPost, b.base+"/api/v1/reconsider/cases", bytes.NewReader(body))
		if err != nil {
			return 0, nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		req.Header.Set("X-CSRF-Token", b.csrf)
		return b.do(req)
	}, func(s int) bool { return s == http.StatusCreated })
	if status == http.StatusCreated {
		var rec struct {
			Receipt struct {
				CaseID string `json:"case_id"`
			} `json:"receipt"`
			CaseID string `json:"case_id"`
		}
		json.Unmarshal(resp, &rec)
		id := rec.Receipt.CaseID
		if id == "" {
			id = rec.CaseID
		}
		st.mu.Lock()
		st.cases = append(st.cases, id)
		st.mu.Unlock()
	}
}

// soakIDNumber is a valid 身份证号 (Beijing, born 1990) distinct per session and write.
func soakIDNumber(i, n int) string {
	base := fmt.Sprintf("11010119900101%03d", (i*37+n)%1000)
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for k, w := range weights {
		sum += int(base[k]-'0') * w
	}
	return base + string("10X98765432"[sum%11])
}
