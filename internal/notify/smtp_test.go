package notify

import (
	"bufio"
	"context"
	"encoding/base64"
	"io"
	"mime"
	"net"
	"net/mail"
	"strings"
	"testing"
	"time"
)

// fakeSMTP is a minimal SMTP server on 127.0.0.1 that accepts one mail per connection,
// advertises AUTH PLAIN and hands over what it received.
type fakeSMTP struct {
	ln   net.Listener
	got  chan received
	user string
	pass string
}

type received struct {
	from, auth string
	rcpt       []string
	data       string
}

func startSMTP(t *testing.T, user, pass string) *fakeSMTP {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeSMTP{ln: ln, got: make(chan received, 4), user: user, pass: pass}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go f.serve(c)
		}
	}()
	return f
}

func (f *fakeSMTP) serve(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReader(c)
	say := func(s string) { io.WriteString(c, s+"\r\n") }
	var rec received
	say("220 fake ESMTP")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		cmd := strings.ToUpper(line)
		switch {
		case strings.HasPrefix(cmd, "EHLO"), strings.HasPrefix(cmd, "HELO"):
			say("250-fake")
			say("250-8BITMIME")
			say("250 AUTH PLAIN")
		case strings.HasPrefix(cmd, "AUTH PLAIN"):
			raw, _ := base64.StdEncoding.DecodeString(strings.TrimSpace(line[len("AUTH PLAIN"):]))
			rec.auth = string(raw)
			if rec.auth != "\x00"+f.user+"\x00"+f.pass {
				say("535 authentication failed")
				continue
			}
			say("235 ok")
		case strings.HasPrefix(cmd, "MAIL FROM:"):
			from, _, _ := strings.Cut(strings.TrimSpace(line[len("MAIL FROM:"):]), " ") // drop BODY=8BITMIME
			rec.from = strings.Trim(from, "<>")
			say("250 ok")
		case strings.HasPrefix(cmd, "RCPT TO:"):
			rec.rcpt = append(rec.rcpt, strings.Trim(line[len("RCPT TO:"):], "<> "))
			say("250 ok")
		case cmd == "DATA":
			say("354 go ahead")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				b.WriteString(strings.TrimPrefix(l, "."))
			}
			rec.data = b.String()
			say("250 queued")
			f.got <- rec
		case cmd == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

func TestSMTPSender(t *testing.T) {
	srv := startSMTP(t, "fazhi", "s3cret")
	s := SMTPSender{Cfg: SMTP{Addr: srv.ln.Addr().String(), From: "fazhi@gov.example", Username: "fazhi", Password: "s3cret", Domain: "gov.example", AppURL: "https://fazhi.gov.example/"}}
	m := Message{ID: "01TESTMESSAGE", Title: "复议决定期限将届满", Body: "青山县政府复议〔2025〕12号，3个工作日内届满。", URL: "/reconsider/01X", CreatedAt: time.Now()}
	if err := s.Send(context.Background(), Recipient{UserID: "u1", Username: "qs_fy", Name: "张三"}, m); err != nil {
		t.Fatal(err)
	}
	var rec received
	select {
	case rec = <-srv.got:
	case <-time.After(5 * time.Second):
		t.Fatal("假 SMTP 服务器没有收到邮件")
	}
	if rec.from != "fazhi@gov.example" || len(rec.rcpt) != 1 || rec.rcpt[0] != "qs_fy@gov.example" || rec.auth != "\x00fazhi\x00s3cret" {
		t.Fatalf("信封不对：%+v", rec)
	}
	msg, err := mail.ReadMessage(strings.NewReader(rec.data))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if subject != m.Title {
		t.Errorf("主题：%q", subject)
	}
	to, err := msg.Header.AddressList("To")
	if err != nil || len(to) != 1 || to[0].Name != "张三" || to[0].Address != "qs_fy@gov.example" {
		t.Errorf("收件人：%v %v", to, err)
	}
	raw, _ := io.ReadAll(msg.Body)
	body, err := base64.StdEncoding.DecodeString(strings.NewReplacer("\r", "", "\n", "").Replace(string(raw)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(body), m.Body) || !strings.Contains(string(body), "https://fazhi.gov.example/reconsider/01X") {
		t.Errorf("正文：%q", body)
	}

	// Wrong password: the error comes back (the caller logs it; the in-app message stays).
	bad := s
	bad.Cfg.Password = "wrong"
	if err := bad.Send(context.Background(), Recipient{UserID: "u1", Username: "qs_fy"}, m); err == nil {
		t.Fatal("口令错误应返回错误")
	}
	// No mailbox domain: refused before dialling.
	none := s
	none.Cfg.Domain = ""
	if err := none.Send(context.Background(), Recipient{UserID: "u1", Username: "qs_fy"}, m); err == nil || !strings.Contains(err.Error(), "没有邮箱地址") {
		t.Fatalf("没有邮箱域应返回“没有邮箱地址”：%v", err)
	}
}

// TestSMTPAfterCommit: a message posted and committed reaches the gateway through the service's queue.
func TestSMTPAfterCommit(t *testing.T) {
	srv := startSMTP(t, "", "")
	e := newEnv(t)
	e.svc = New(e.db, quiet, SMTPSender{Cfg: SMTP{Addr: srv.ln.Addr().String(), From: "fazhi@gov.example", Domain: "gov.example"}})
	u := e.users("reconsider", 1)[0]
	e.post(Message{UserID: u.id, Title: "测试外发"})
	select {
	case rec := <-srv.got:
		if rec.rcpt[0] != u.username+"@gov.example" {
			t.Fatalf("收件人 %v", rec.rcpt)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("提交后没有经 SMTP 外发")
	}
}
