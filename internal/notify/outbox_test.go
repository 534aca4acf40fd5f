package notify

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/db"
)

// failGateway fails its first n sends, then records the rest.
type failGateway struct {
	fail atomic.Int32
	got  []Notice
}

func (g *failGateway) Send(_ context.Context, n Notice) error {
	if g.fail.Add(-1) >= 0 {
		return errors.New("网关不可用")
	}
	g.got = append(g.got, n)
	return nil
}

func (e *env) notify(n Notice) {
	e.t.Helper()
	if err := e.db.Tx(e.ctx, func(tx *db.Tx) error { return e.svc.Notify(e.ctx, tx, n) }); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) outbox(status string) []Notice {
	e.t.Helper()
	l, _, err := e.svc.Outbox(e.ctx, status, 100, 0)
	if err != nil {
		e.t.Fatal(err)
	}
	return l
}

// TestOutboxHeldWithoutGateway: on an intranet without gateways every notice is recorded, nothing
// is sent, and the administrator's page shows it with the address masked; a rolled-back step
// records nothing.
func TestOutboxHeldWithoutGateway(t *testing.T) {
	e := newEnv(t)
	e.notify(Notice{Channel: ChannelSMS, To: "13812345678", Body: "您的行政复议申请已受理。", Kind: "reconsider.accepted", Ref: "收件 R1"})
	boom := errors.New("回滚")
	if err := e.db.Tx(e.ctx, func(tx *db.Tx) error {
		if err := e.svc.Notify(e.ctx, tx, Notice{Channel: ChannelSMS, To: "13900000000", Body: "不应记录"}); err != nil {
			return err
		}
		return boom
	}); !errors.Is(err, boom) {
		t.Fatal(err)
	}
	l := e.outbox("")
	if len(l) != 1 || l[0].Status != OutHeld || l[0].ToMasked != "138****5678" {
		t.Fatalf("发件箱：%+v", l)
	}
	if n, err := e.svc.DeliverOutbox(e.ctx); err != nil || n != 0 {
		t.Fatalf("无网关时不应发送：%d %v", n, err)
	}
	if err := e.db.Tx(e.ctx, func(tx *db.Tx) error { return e.svc.Notify(e.ctx, tx, Notice{Channel: "fax", To: "1", Body: "x"}) }); err == nil {
		t.Fatal("未知渠道应被拒绝")
	}

	admin := e.login("admin")
	w := admin.do(http.MethodGet, "/admin/outbox", nil)
	if w.Code != http.StatusOK || !strings.Contains(w.Body.String(), "138****5678") || strings.Contains(w.Body.String(), "13812345678") ||
		!strings.Contains(w.Body.String(), "未配置网关，仅记录") || !strings.Contains(w.Body.String(), "您的行政复议申请已受理") {
		t.Fatalf("发件箱页面 %d：%s", w.Code, w.Body.String())
	}
	clerk := e.users("reconsider", 1)[0]
	if w := e.login(clerk.username).do(http.MethodGet, "/admin/outbox", nil); w.Code != http.StatusForbidden {
		t.Fatalf("办案人员不应看到发件箱：%d", w.Code)
	}
}

// TestOutboxRetries: a failing gateway leaves the notice pending with a growing pause; it is sent
// on a later run; after MaxAttempts failures it is marked failed and no longer tried.
func TestOutboxRetries(t *testing.T) {
	e := newEnv(t)
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	e.svc.Now = func() time.Time { return now }
	gw := &failGateway{}
	gw.fail.Store(2)
	e.svc.SetGateways(map[string]Gateway{ChannelSMS: gw}, nil)
	e.notify(Notice{Channel: ChannelSMS, To: "13812345678", Body: "补正通知", Kind: "reconsider.amend"})

	if n, err := e.svc.DeliverOutbox(e.ctx); err != nil || n != 0 {
		t.Fatalf("第一次应失败：%d %v", n, err)
	}
	l := e.outbox(OutPending)
	if len(l) != 1 || l[0].Attempts != 1 || l[0].LastError != "网关不可用" {
		t.Fatalf("失败后应待重试：%+v", l)
	}
	if n, _ := e.svc.DeliverOutbox(e.ctx); n != 0 || len(gw.got) != 0 || gw.fail.Load() != 1 {
		t.Fatal("重试间隔未到不应再发")
	}
	now = now.Add(time.Minute)
	e.svc.DeliverOutbox(e.ctx) // second failure, next in 2 minutes
	now = now.Add(2 * time.Minute)
	if n, err := e.svc.DeliverOutbox(e.ctx); err != nil || n != 1 || len(gw.got) != 1 || gw.got[0].To != "13812345678" {
		t.Fatalf("第三次应发出：%d %v %+v", n, err, gw.got)
	}
	if l := e.outbox(OutSent); len(l) != 1 || l[0].Attempts != 3 || l[0].SentAt.IsZero() {
		t.Fatalf("应记为已发送：%+v", l)
	}

	gw.fail.Store(1000)
	e.notify(Notice{Channel: ChannelSMS, To: "13912345678", Body: "决定", Kind: "reconsider.decided"})
	for i := 0; i < MaxAttempts+3; i++ {
		e.svc.DeliverOutbox(e.ctx)
		now = now.Add(7 * time.Hour)
	}
	l = e.outbox(OutFailed)
	if len(l) != 1 || l[0].Attempts != MaxAttempts {
		t.Fatalf("应在 %d 次后停止：%+v", MaxAttempts, l)
	}
}

// TestSMSGateway: the JSON body and bearer token the intranet gateway receives; a non-2xx answer is an error.
func TestSMSGateway(t *testing.T) {
	var got map[string]string
	var auth string
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Get("Authorization")
		json.NewDecoder(r.Body).Decode(&got)
		w.WriteHeader(status)
	}))
	defer srv.Close()
	g := SMSGateway{URL: srv.URL, Token: "t0k"}
	if err := g.Send(context.Background(), Notice{ID: "N1", To: "13812345678", Body: "您的申请已受理", Kind: "reconsider.accepted"}); err != nil {
		t.Fatal(err)
	}
	if auth != "Bearer t0k" || got["to"] != "13812345678" || got["text"] != "您的申请已受理" || got["id"] != "N1" || got["kind"] != "reconsider.accepted" {
		t.Fatalf("网关收到 %q %v", auth, got)
	}
	status = http.StatusBadGateway
	if err := g.Send(context.Background(), Notice{To: "1", Body: "x"}); err == nil || !strings.Contains(err.Error(), "502") {
		t.Fatalf("502 应为错误：%v", err)
	}
}

// TestMailGateway: an e-mail notice goes to the recorded address through the SMTP gateway.
func TestMailGateway(t *testing.T) {
	srv := startSMTP(t, "", "")
	g := MailGateway{Cfg: SMTP{Addr: srv.ln.Addr().String(), From: "fazhi@gov.example"}}
	if err := g.Send(context.Background(), Notice{ID: "N2", To: "zhang@example.com", Subject: "受理通知", Body: "已受理"}); err != nil {
		t.Fatal(err)
	}
	select {
	case rec := <-srv.got:
		if len(rec.rcpt) != 1 || rec.rcpt[0] != "zhang@example.com" {
			t.Fatalf("收件人 %v", rec.rcpt)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("没有收到邮件")
	}
	if err := g.Send(context.Background(), Notice{To: "no-at-sign", Body: "x"}); err == nil {
		t.Fatal("地址不正确应报错")
	}
}
