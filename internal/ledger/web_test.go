package ledger_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/ledger"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/web"
)

func TestMain(m *testing.M) {
	auth.SetTestingCost()
	os.Exit(m.Run())
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

type site struct {
	t   *testing.T
	srv *httptest.Server
	c   *http.Client
	d   *db.DB
}

func (s *site) do(req *http.Request) (int, string, http.Header) {
	s.t.Helper()
	resp, err := s.c.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b), resp.Header
}

func (s *site) get(path string) (int, string, http.Header) {
	req, _ := http.NewRequest("GET", s.srv.URL+path, nil)
	return s.do(req)
}

func (s *site) post(path string, form url.Values) (int, string, http.Header) {
	req, _ := http.NewRequest("POST", s.srv.URL+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return s.do(req)
}

func (s *site) token(path string) string {
	s.t.Helper()
	_, body, _ := s.get(path)
	m := csrfRe.FindStringSubmatch(body)
	if m == nil {
		s.t.Fatalf("no csrf token on %s", path)
	}
	return m[1]
}

func (s *site) upload(path, name, content string) (int, string, http.Header) {
	tok := s.token(path)
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	w.WriteField("csrf", tok)
	fw, _ := w.CreateFormFile("file", name)
	io.WriteString(fw, content)
	w.Close()
	req, _ := http.NewRequest("POST", s.srv.URL+path, &b)
	req.Header.Set("Content-Type", w.FormDataContentType())
	return s.do(req)
}

// TestImporterPages goes through the real router as a signed-in user: upload page and template,
// a bad ledger's preview with its problems and reports, a good one's preview, commit, progress.
func TestImporterPages(t *testing.T) {
	ctx := context.Background()
	d := dbtest.Open(t)
	o := org.New(d)
	o.Load(ctx)
	a := auth.New(d, o, auth.DefaultSettings())
	if _, err := demo.Load(ctx, d, o, a, "county", nil); err != nil {
		t.Fatal(err)
	}
	cal := calendar.Default()
	app := web.New(web.Deps{DB: d, Auth: a, Org: o, Calendar: func() *calendar.Calendar { return cal }, Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	d.Tx(ctx, func(tx *db.Tx) error {
		return tx.Exec(ctx, `CREATE TABLE ledgerweb_rows (id TEXT PRIMARY KEY, organ_id TEXT NOT NULL, name TEXT NOT NULL, on_date TEXT NOT NULL)`)
	})
	spec := &ledger.Spec{
		Module: "ledgerweb", Title: "测试台账",
		Columns: []ledger.Column{
			{Key: "name", Header: "名称", Required: true, Kind: ledger.Text, Example: "甲"},
			{Key: "on", Header: "日期", Required: true, Kind: ledger.Date, Example: "2024-01-05"},
		},
		Commit: func(ctx context.Context, tx *db.Tx, j *ledger.Job, rows []*ledger.Row, progress func(int)) (string, error) {
			for i, r := range rows {
				if err := tx.Exec(ctx, `INSERT INTO ledgerweb_rows (id, organ_id, name, on_date) VALUES (?, ?, ?, ?)`, db.NewID(), j.OrganID, r.Text("name"), r.Date("on").String()); err != nil {
					return "", err
				}
				progress(i + 1)
			}
			return fmt.Sprintf("已导入 %d 条", len(rows)), nil
		},
	}
	ledger.Importer{Spec: spec, Base: "/test/import", Title: "测试台账导入", Perm: auth.PermLogin, Menu: true, Done: "/workbench"}.Register(app)
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)
	jar, _ := cookiejar.New(nil)
	s := &site{t: t, srv: srv, d: d, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	tok := s.token("/login")
	if code, _, _ := s.post("/login", url.Values{"csrf": {tok}, "username": {"qs_fy"}, "password": {demo.Password}, "next": {"/workbench"}}); code != http.StatusSeeOther {
		t.Fatalf("login %d", code)
	}

	code, body, _ := s.get("/test/import")
	if code != 200 || !strings.Contains(body, "下载导入模板") || !strings.Contains(body, "日期，如 2024-01-05") {
		t.Fatalf("upload page %d", code)
	}
	code, body, hdr := s.get("/test/import/template.xlsx")
	if code != 200 || !strings.Contains(hdr.Get("Content-Disposition"), "attachment") || !strings.HasPrefix(body, "PK") {
		t.Fatalf("template %d %v", code, hdr)
	}
	code, body, _ = s.upload("/test/import", "a.pdf", "x")
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "只能导入 .xlsx 或 .csv 文件") {
		t.Fatalf("wrong file type: %d", code)
	}

	// A bad ledger comes back at once (422) with every problem, the preview and the reports; no commit button.
	code, body, _ = s.upload("/test/import", "bad.csv", "名称,日期\n甲,2024-01-05\n乙,2024-02-30\n")
	m := regexp.MustCompile(`href="(/test/import/jobs/[0-9A-Z]+)/errors.csv"`).FindStringSubmatch(body)
	if code != http.StatusUnprocessableEntity || m == nil || !strings.Contains(body, "检查发现 1 处错误，未导入任何记录") || !strings.Contains(body, "第3行「日期」：日期不存在：2024-02-30") ||
		strings.Contains(body, "确认导入") || !strings.Contains(body, "<td>甲</td>") {
		t.Fatalf("upload bad %d:\n%s", code, body)
	}
	bad := m[1]
	if code, body, _ = s.get(bad); code != 200 || !strings.Contains(body, "第3行「日期」：日期不存在：2024-02-30") {
		t.Fatalf("bad job page %d", code)
	}
	if code, body, _ = s.get(bad + "/errors.csv"); code != 200 || !strings.Contains(body, "3,日期,日期不存在：2024-02-30") {
		t.Fatalf("csv report %d %q", code, body)
	}
	if code, body, _ = s.get(bad + "/errors.xlsx"); code != 200 || !strings.HasPrefix(body, "PK") {
		t.Fatalf("xlsx report %d", code)
	}
	if code, _, _ = s.post(bad+"/commit", url.Values{"csrf": {s.token(bad)}}); code != http.StatusUnprocessableEntity {
		t.Fatalf("commit of a bad ledger: %d", code)
	}

	// A good ledger: preview, commit, progress until done.
	_, _, hdr = s.upload("/test/import", "good.csv", "名称,日期\n甲,2024-01-05\n乙,2024年2月1日\n")
	good := hdr.Get("Location")
	code, body, _ = s.get(good)
	if code != 200 || !strings.Contains(body, "确认导入 2 行") || !strings.Contains(body, "<td>2024年2月1日</td>") {
		t.Fatalf("good preview %d:\n%s", code, body)
	}
	if code, loc, _ := s.post(good+"/commit", url.Values{"csrf": {s.token(good)}}); code != http.StatusSeeOther {
		t.Fatalf("commit %d %s", code, loc)
	}
	var p struct {
		State    string `json:"state"`
		Done     int    `json:"done"`
		Finished bool   `json:"finished"`
		Message  string `json:"message"`
	}
	deadline := time.Now().Add(10 * time.Second)
	for !p.Finished && time.Now().Before(deadline) {
		_, body, _ = s.get(good + "/progress")
		if err := json.Unmarshal([]byte(body), &p); err != nil {
			t.Fatalf("progress %q", body)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if p.State != "done" || p.Done != 2 || p.Message != "已导入 2 条" {
		t.Fatalf("progress %+v", p)
	}
	if code, body, _ = s.get(good); code != 200 || !strings.Contains(body, "已导入 2 条") || strings.Contains(body, "http-equiv=\"refresh\"") {
		t.Fatalf("done page %d", code)
	}
	var n int
	d.QueryRowContext(ctx, `SELECT COUNT(*) FROM ledgerweb_rows`).Scan(&n)
	if n != 2 {
		t.Errorf("%d rows written", n)
	}
	if code, _, _ = s.post(good+"/commit", url.Values{"csrf": {s.token(good)}}); code != http.StatusConflict {
		t.Errorf("second commit: %d", code)
	}

	// Another user does not see the job.
	jar2, _ := cookiejar.New(nil)
	s2 := &site{t: t, srv: srv, d: d, c: &http.Client{Jar: jar2, CheckRedirect: s.c.CheckRedirect}}
	tok = s2.token("/login")
	s2.post("/login", url.Values{"csrf": {tok}, "username": {"qs_sc"}, "password": {demo.Password}, "next": {"/workbench"}})
	if code, _, _ := s2.get(good); code != http.StatusNotFound {
		t.Errorf("another user's job: %d", code)
	}
}
