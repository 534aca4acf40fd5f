package notify

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/dbtest"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/web"
)

func TestMain(m *testing.M) {
	auth.SetTestingCost()
	os.Exit(m.Run())
}

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

// chanSender records outside deliveries.
type chanSender chan Message

func (c chanSender) Send(_ context.Context, _ Recipient, m Message) error { c <- m; return nil }

type env struct {
	t    *testing.T
	ctx  context.Context
	db   *db.DB
	auth *auth.Service
	app  *web.App
	svc  *Service
	sent chanSender
}

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{Username: "test"})
	d := dbtest.Open(t)
	o := org.New(d)
	if err := o.Load(ctx); err != nil {
		t.Fatal(err)
	}
	a := auth.New(d, o, auth.DefaultSettings())
	cal := calendar.NewStore(d)
	if err := cal.Load(ctx); err != nil {
		t.Fatal(err)
	}
	app := web.New(web.Deps{DB: d, Auth: a, Org: o, Calendar: cal.Current, Log: quiet, Version: "test"})
	sent := make(chanSender, 100)
	svc := New(d, quiet, sent)
	svc.Register(app)
	if _, err := demo.Load(ctx, d, o, a, "county", nil); err != nil {
		t.Fatal(err)
	}
	return &env{t: t, ctx: ctx, db: d, auth: a, app: app, svc: svc, sent: sent}
}

// user is a demo account holding role.
type user struct{ id, username, organ string }

func (e *env) users(role auth.Role, n int) []user {
	e.t.Helper()
	rows, err := e.db.QueryContext(e.ctx, `SELECT u.id, u.username, m.organ_id FROM users u JOIN memberships m ON m.user_id = u.id
		WHERE m.role = ? AND u.system_account = 0 ORDER BY u.username LIMIT ?`, string(role), n)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rows.Close()
	var out []user
	for rows.Next() {
		var u user
		rows.Scan(&u.id, &u.username, &u.organ)
		out = append(out, u)
	}
	if len(out) < n {
		e.t.Fatalf("演示数据中%s账户不足 %d 个", role.Label(), n)
	}
	return out
}

func (e *env) post(m Message) string {
	e.t.Helper()
	if err := e.db.Tx(e.ctx, func(tx *db.Tx) error { return e.svc.Post(e.ctx, tx, m) }); err != nil {
		e.t.Fatal(err)
	}
	var id string
	e.db.QueryRowContext(e.ctx, `SELECT id FROM messages WHERE user_id = ? ORDER BY id DESC LIMIT 1`, m.UserID).Scan(&id)
	return id
}

func (e *env) unread(userID string) int {
	e.t.Helper()
	n, err := e.svc.Unread(e.ctx, userID)
	if err != nil {
		e.t.Fatal(err)
	}
	return n
}

// browser is a signed-in session.
type browser struct {
	e           *env
	token, csrf string
}

func (e *env) login(username string) *browser {
	e.t.Helper()
	tok, err := e.auth.Login(e.ctx, username, demo.Password, "127.0.0.1", "test", "")
	if err != nil {
		e.t.Fatal(err)
	}
	p, err := e.auth.Authenticate(e.ctx, tok)
	if err != nil {
		e.t.Fatal(err)
	}
	return &browser{e: e, token: tok, csrf: p.CSRF}
}

func (b *browser) do(method, path string, form url.Values) *httptest.ResponseRecorder {
	var r *http.Request
	if method == http.MethodPost {
		if form == nil {
			form = url.Values{}
		}
		form.Set("csrf", b.csrf)
		r = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		r = httptest.NewRequest(method, path, nil)
	}
	if b != nil && b.token != "" {
		r.AddCookie(&http.Cookie{Name: "fazhi_session", Value: b.token})
	}
	w := httptest.NewRecorder()
	b.e.app.ServeHTTP(w, r)
	return w
}

func TestPostInRolledBackTransactionLeavesNothing(t *testing.T) {
	e := newEnv(t)
	u := e.users(auth.RoleReconsider, 1)[0]
	boom := errors.New("办理失败")
	err := e.db.Tx(e.ctx, func(tx *db.Tx) error {
		if err := e.svc.Post(e.ctx, tx, Message{UserID: u.id, Kind: "test", Title: "不应出现"}); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if n := e.unread(u.id); n != 0 {
		t.Fatalf("回滚后仍有 %d 条消息", n)
	}
	// Committed: stored, and the outside copy goes out after commit.
	e.post(Message{UserID: u.id, Kind: "test", Title: "答复期限将届满", URL: "/reconsider/x"})
	if n := e.unread(u.id); n != 1 {
		t.Fatalf("未读 %d 条，应为 1", n)
	}
	select {
	case m := <-e.sent:
		if m.Title != "答复期限将届满" {
			t.Fatalf("外发了 %q", m.Title)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("提交后没有外发")
	}
	select {
	case m := <-e.sent:
		t.Fatalf("回滚的消息被外发：%q", m.Title)
	default:
	}
	// Only paths inside the application.
	err = e.db.Tx(e.ctx, func(tx *db.Tx) error {
		return e.svc.Post(e.ctx, tx, Message{UserID: u.id, Title: "外链", URL: "//evil.example/"})
	})
	if !errors.Is(err, db.ErrInvalid) {
		t.Fatalf("外部链接应被拒绝：%v", err)
	}
}

func TestPostRole(t *testing.T) {
	e := newEnv(t)
	u := e.users(auth.RoleReconsider, 1)[0]
	holders, err := e.auth.UsersWithRole(e.ctx, u.organ, auth.RoleReconsider)
	if err != nil || len(holders) == 0 {
		t.Fatal(holders, err)
	}
	var n int
	err = e.db.Tx(e.ctx, func(tx *db.Tx) error {
		n, err = e.svc.PostRole(e.ctx, tx, u.organ, auth.RoleReconsider, Message{Kind: "test", Title: "新收复议申请"})
		return err
	})
	if err != nil || n != len(holders) {
		t.Fatalf("发给 %d 人，应为 %d：%v", n, len(holders), err)
	}
	for _, h := range holders {
		if got := e.unread(h.ID); got != 1 {
			t.Errorf("%s 未读 %d", h.Username, got)
		}
		list, _, err := e.svc.List(e.ctx, h.ID, false, 10, 0)
		if err != nil || len(list) != 1 || list[0].OrganID != u.organ {
			t.Errorf("%s 的消息：%+v %v", h.Username, list, err)
		}
	}
	var total int
	e.db.QueryRowContext(e.ctx, `SELECT COUNT(*) FROM messages`).Scan(&total)
	if total != len(holders) {
		t.Fatalf("共 %d 条消息，应为 %d", total, len(holders))
	}
}

func TestBadgeCount(t *testing.T) {
	e := newEnv(t)
	u := e.users(auth.RoleReconsider, 1)[0]
	b := e.login(u.username)
	if w := b.do(http.MethodGet, "/workbench", nil); w.Code != 200 || !strings.Contains(w.Body.String(), `href="/messages"`) || strings.Contains(w.Body.String(), `class="unread"`) {
		t.Fatalf("没有消息时页头应有消息链接、无角标：%d", w.Code)
	}
	e.post(Message{UserID: u.id, Title: "一"})
	e.post(Message{UserID: u.id, Title: "二"})
	w := b.do(http.MethodGet, "/workbench", nil)
	if !strings.Contains(w.Body.String(), `<span class="unread">2</span>`) {
		t.Fatalf("角标应为 2：%s", excerpt(w.Body.String(), "messages"))
	}

	// Anonymous pages do not count.
	var calls atomic.Int32
	e.app.Inbox("/messages", func(ctx context.Context, p *auth.Principal) (int, error) {
		calls.Add(1)
		return e.svc.UnreadFor(ctx, p)
	})
	anon := &browser{e: e}
	if w := anon.do(http.MethodGet, "/login", nil); w.Code != 200 || strings.Contains(w.Body.String(), `href="/messages"`) {
		t.Fatalf("匿名页面：%d", w.Code)
	}
	if calls.Load() != 0 {
		t.Fatal("匿名页面不应查询未读数")
	}
	b.do(http.MethodGet, "/workbench", nil)
	if calls.Load() != 1 {
		t.Fatalf("登录后每页查询一次未读数，实为 %d 次", calls.Load())
	}
}

func TestMarkReadOwnMessagesOnly(t *testing.T) {
	e := newEnv(t)
	us := e.users(auth.RoleReconsider, 2)
	a, other := us[0], us[1]
	mine := e.post(Message{UserID: a.id, Title: "本人消息", URL: "/workbench"})
	e.post(Message{UserID: a.id, Title: "本人消息二"})
	theirs := e.post(Message{UserID: other.id, Title: "他人消息"})
	ba := e.login(a.username)

	if w := ba.do(http.MethodPost, "/messages/"+theirs+"/read", nil); w.Code != http.StatusNotFound {
		t.Fatalf("标记他人消息应为 404，实得 %d", w.Code)
	}
	if e.unread(other.id) != 1 {
		t.Fatal("他人消息被标为已读")
	}
	w := ba.do(http.MethodGet, "/messages", nil)
	if w.Code != 200 || !strings.Contains(w.Body.String(), "本人消息") || strings.Contains(w.Body.String(), "他人消息") {
		t.Fatalf("消息列表：%d %s", w.Code, excerpt(w.Body.String(), "<table"))
	}
	w = ba.do(http.MethodPost, "/messages/"+mine+"/read", url.Values{"open": {"1"}})
	if w.Code != http.StatusSeeOther || w.Header().Get("Location") != "/workbench" {
		t.Fatalf("查看应转到消息链接：%d %s", w.Code, w.Header().Get("Location"))
	}
	if e.unread(a.id) != 1 {
		t.Fatal("应只剩 1 条未读")
	}
	if w := ba.do(http.MethodPost, "/messages/read-all", nil); w.Code != http.StatusSeeOther {
		t.Fatalf("全部已读：%d", w.Code)
	}
	if e.unread(a.id) != 0 || e.unread(other.id) != 1 {
		t.Fatalf("全部已读只应影响本人：%d %d", e.unread(a.id), e.unread(other.id))
	}
	// Without the CSRF token the shell refuses.
	r := httptest.NewRequest(http.MethodPost, "/messages/read-all", nil)
	r.AddCookie(&http.Cookie{Name: "fazhi_session", Value: ba.token})
	rw := httptest.NewRecorder()
	e.app.ServeHTTP(rw, r)
	if rw.Code != http.StatusForbidden {
		t.Fatalf("缺少 CSRF 令牌应被拒绝：%d", rw.Code)
	}
}

func TestRemindersPostOncePerRef(t *testing.T) {
	e := newEnv(t)
	u := e.users(auth.RoleReconsider, 1)[0]
	holders, _ := e.auth.UsersWithRole(e.ctx, u.organ, auth.RoleReconsider)
	due := "2025-03-14"
	e.svc.Remind(func(ctx context.Context) ([]Reminder, error) {
		return []Reminder{
			{Ref: "test.decision:case1:" + due, OrganID: u.organ, Role: auth.RoleReconsider, Kind: "test.decision", Title: "复议决定期限将届满", URL: "/workbench"},
			{Ref: "test.reply:case2:" + due, UserID: u.id, Kind: "test.reply", Title: "答复期限将届满"},
		}, nil
	})
	js := e.svc.Jobs(0)
	if len(js) != 2 || js[0].Name != "notify.remind" || js[1].Name != "notify.outbox" {
		t.Fatalf("jobs: %+v", js)
	}
	n, err := js[0].Run(e.ctx)
	if err != nil || n != len(holders)+1 {
		t.Fatalf("第一次提醒 %d 条（应为 %d）：%v", n, len(holders)+1, err)
	}
	n, err = js[0].Run(e.ctx)
	if err != nil || n != 0 {
		t.Fatalf("同一期限不应重复提醒：%d %v", n, err)
	}
	if got := e.unread(u.id); got != 2 {
		t.Fatalf("未读 %d，应为 2", got)
	}
	// Pruning removes old messages and marks.
	if n, err := e.svc.Prune(e.ctx, time.Now().Add(time.Minute)); err != nil || n != len(holders)+1 {
		t.Fatalf("清理 %d 条：%v", n, err)
	}
	if got := e.unread(u.id); got != 0 {
		t.Fatalf("清理后仍有 %d 条", got)
	}
	if js := e.svc.Jobs(180); len(js) != 3 || js[2].Name != "notify.prune" {
		t.Fatalf("jobs: %+v", js)
	}
}

func excerpt(s, near string) string {
	i := strings.Index(s, near)
	if i < 0 {
		i = 0
	}
	return s[i:min(len(s), i+400)]
}
