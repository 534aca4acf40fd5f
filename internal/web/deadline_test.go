package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/web"
)

const testDeadline = 400 * time.Millisecond

// slowQuery outlasts any deadline: a recursive CTE that SQLite computes until interrupted,
// pg_sleep on PostgreSQL (which only a cancel on the server ends).
func slowQuery(d *db.DB) string {
	if d.Dialect == db.Postgres {
		return `SELECT 1 FROM (SELECT pg_sleep(60)) s`
	}
	return `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x+1 FROM c WHERE x < 9000000000) SELECT COUNT(*) FROM c`
}

type lockedBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}
func (l *lockedBuf) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// deadlineApp is a shell with a short deadline and test routes: slow reads, a slow write that
// inserts a row and its audit entry first, a fast page, and a long route with its own timeout.
func deadlineApp(t *testing.T) (*httptest.Server, *db.DB, *lockedBuf) {
	ctx := context.Background()
	d := dbtest.Open(t)
	o := org.New(d)
	o.Load(ctx)
	a := auth.New(d, o, auth.DefaultSettings())
	if err := d.Tx(ctx, func(tx *db.Tx) error { return tx.Exec(ctx, `CREATE TABLE probe (id TEXT PRIMARY KEY)`) }); err != nil {
		t.Fatal(err)
	}
	logs := &lockedBuf{}
	cal := calendar.Default()
	app := web.New(web.Deps{DB: d, Auth: a, Org: o, Calendar: func() *calendar.Calendar { return cal },
		Log: slog.New(slog.NewTextHandler(logs, nil)), RequestTimeout: testDeadline})
	slow := func(w http.ResponseWriter, r *http.Request) error {
		var n int
		if err := d.QueryRowContext(r.Context(), slowQuery(d)).Scan(&n); err != nil {
			return err
		}
		return web.WriteJSON(w, 200, n)
	}
	write := func(w http.ResponseWriter, r *http.Request) error {
		id := r.URL.Query().Get("id")
		err := d.Tx(r.Context(), func(tx *db.Tx) error {
			if err := tx.Exec(r.Context(), `INSERT INTO probe (id) VALUES (?)`, id); err != nil {
				return err
			}
			if err := audit.Record(r.Context(), tx, audit.Entry{Action: "probe", ObjectType: "probe", ObjectID: id}); err != nil {
				return err
			}
			if r.URL.Query().Get("slow") == "" {
				return nil
			}
			var n int
			return tx.QueryRowContext(r.Context(), slowQuery(d)).Scan(&n)
		})
		if err != nil {
			return err
		}
		return web.WriteJSON(w, 200, id)
	}
	left := func(w http.ResponseWriter, r *http.Request) error {
		dl, ok := r.Context().Deadline()
		if !ok {
			return fmt.Errorf("no deadline")
		}
		var n int
		if err := d.QueryRowContext(r.Context(), `SELECT 1`).Scan(&n); err != nil {
			return err
		}
		return web.WriteJSON(w, 200, time.Until(dl).Milliseconds())
	}
	app.GET("/test/slow", auth.PermPublic, slow)
	app.APIRoute(http.MethodGet, "/test/slow", auth.PermPublic, slow)
	app.POST("/test/write", auth.PermPublic, write)
	app.APIRoute(http.MethodPost, "/test/write", auth.PermPublic, write)
	app.GET("/test/left", auth.PermPublic, left)
	app.POST("/test/left", auth.PermPublic, left)
	app.Handle(web.Route{Method: http.MethodGet, Path: "/test/long", Perm: auth.PermPublic, Handler: left, Timeout: 5 * time.Second})
	if got := app.LongestTimeout(); got != 5*time.Second {
		t.Errorf("LongestTimeout = %v", got)
	}
	srv := httptest.NewServer(app)
	t.Cleanup(srv.Close)
	return srv, d, logs
}

// call sends a request as an anonymous client with a valid double-submit CSRF token.
func call(t *testing.T, srv *httptest.Server, method, path string) (int, string, string, time.Duration) {
	t.Helper()
	req, _ := http.NewRequest(method, srv.URL+path, nil)
	tok := strings.Repeat("t", 24)
	req.AddCookie(&http.Cookie{Name: "fazhi_csrf", Value: tok})
	req.Header.Set("X-CSRF-Token", tok)
	start := time.Now()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Content-Type"), string(b), time.Since(start)
}

const narrow = "请缩小查询范围（如选择年度或机关）后重试"

func TestDeadlineSlowPage(t *testing.T) {
	srv, _, logs := deadlineApp(t)
	code, ct, body, took := call(t, srv, "GET", "/test/slow")
	if code != http.StatusServiceUnavailable || !strings.HasPrefix(ct, "text/html") || !strings.Contains(body, narrow) || !strings.Contains(body, "处理超时") {
		t.Fatalf("slow page: %d %s\n%s", code, ct, body)
	}
	if took > testDeadline+time.Second {
		t.Errorf("slow page answered after %v (deadline %v)", took, testDeadline)
	}
	if !strings.Contains(logs.String(), "request timed out") || !strings.Contains(logs.String(), "path=/test/slow") {
		t.Errorf("the timeout is not logged:\n%s", logs)
	}

	code, ct, body, took = call(t, srv, "GET", "/api/v1/test/slow")
	var prob struct {
		Status int
		Detail string
	}
	if code != http.StatusServiceUnavailable || ct != "application/problem+json" || json.Unmarshal([]byte(body), &prob) != nil || prob.Status != 503 || !strings.Contains(prob.Detail, narrow) {
		t.Fatalf("slow API: %d %s %s", code, ct, body)
	}
	if took > testDeadline+time.Second {
		t.Errorf("slow API answered after %v", took)
	}
}

func TestDeadlineCutWriteLeavesNothing(t *testing.T) {
	srv, d, _ := deadlineApp(t)
	ctx := context.Background()
	var seq0 int64
	if err := d.QueryRowContext(ctx, `SELECT seq FROM audit_head WHERE id = 1`).Scan(&seq0); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/test/write", "/api/v1/test/write"} {
		id := "cut-" + strings.ReplaceAll(path, "/", "-")
		code, _, body, took := call(t, srv, "POST", path+"?slow=1&id="+id)
		if code != http.StatusServiceUnavailable || !strings.Contains(body, narrow) {
			t.Fatalf("%s: %d %s", path, code, body)
		}
		if took > testDeadline+time.Second {
			t.Errorf("%s answered after %v", path, took)
		}
		var rows, entries int
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM probe WHERE id = ?`, id).Scan(&rows)
		d.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE object_type = 'probe' AND object_id = ?`, id).Scan(&entries)
		if rows != 0 || entries != 0 {
			t.Fatalf("%s: a cut write left %d rows and %d audit entries", path, rows, entries)
		}
	}
	var seq int64
	d.QueryRowContext(ctx, `SELECT seq FROM audit_head WHERE id = 1`).Scan(&seq)
	if seq != seq0 {
		t.Errorf("audit head moved from %d to %d", seq0, seq)
	}
	// The same write within the deadline goes through: the writer and the chain are intact.
	if code, _, body, _ := call(t, srv, "POST", "/test/write?id=whole"); code != 200 {
		t.Fatalf("normal write: %d %s", code, body)
	}
	var entries int
	d.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE object_type = 'probe' AND object_id = 'whole'`).Scan(&entries)
	if entries != 1 {
		t.Errorf("normal write: %d audit entries", entries)
	}
}

func TestDeadlineNormalAndLongRoutes(t *testing.T) {
	srv, _, logs := deadlineApp(t)
	code, _, body, _ := call(t, srv, "GET", "/test/left")
	var ms int64
	if code != 200 || json.Unmarshal([]byte(body), &ms) != nil || ms <= 0 || ms > testDeadline.Milliseconds() {
		t.Fatalf("normal page: %d %s", code, body)
	}
	code, _, body, _ = call(t, srv, "GET", "/test/long")
	if code != 200 || json.Unmarshal([]byte(body), &ms) != nil || ms < 4000 || ms > 5000 {
		t.Fatalf("a route's own timeout: %d %s", code, body)
	}
	if strings.Contains(logs.String(), "timed out") {
		t.Errorf("normal requests logged a timeout:\n%s", logs)
	}
}

func TestCountTemplateFunc(t *testing.T) {
	pages := web.ParseTemplates(fstest.MapFS{"p.html": {Data: []byte(`{{define "title"}}t{{end}}{{define "content"}}<i>{{count .Data.A}}|{{count .Data.B}}|{{count .Data.C}}</i>{{end}}`)}}, "*.html")
	app := web.New(web.Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	w := httptest.NewRecorder()
	data := map[string]any{"A": db.Count{N: 1000, More: true}, "B": db.Count{N: 37}, "C": 12345}
	if err := app.Render(w, httptest.NewRequest("GET", "/", nil), pages, "p", 200, "t", data, nil); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(html.UnescapeString(w.Body.String()), "<i>1,000+|37|12,345</i>") { // html/template writes + as &#43;
		t.Fatalf("count: %s", w.Body)
	}
}

// The handler's deadline starts once the CSRF check has read the form: a client that uploads
// slowly does not eat the server's time.
func TestDeadlineStartsAfterUpload(t *testing.T) {
	srv, _, _ := deadlineApp(t)
	tok := strings.Repeat("t", 24)
	pr, pw := io.Pipe()
	go func() {
		pw.Write([]byte("x=1&"))
		time.Sleep(testDeadline + 300*time.Millisecond)
		pw.Write([]byte("csrf=" + tok))
		pw.Close()
	}()
	req, _ := http.NewRequest("POST", srv.URL+"/test/left", pr)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(&http.Cookie{Name: "fazhi_csrf", Value: tok})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var ms int64
	if resp.StatusCode != 200 || json.Unmarshal(b, &ms) != nil || ms < testDeadline.Milliseconds()/2 {
		t.Fatalf("slow upload: %d %s", resp.StatusCode, b)
	}
}
