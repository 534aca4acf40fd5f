package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"
)

// A tiny Chrome DevTools Protocol client over --remote-debugging-pipe: Chromium reads
// NUL-terminated JSON commands on fd 3 and writes replies and events on fd 4. No port, no
// WebSocket, no browser library.

type browser struct {
	t      *testing.T
	cmd    *exec.Cmd
	stderr *lockedBuffer
	w      *os.File
	done   chan struct{}

	wmu     sync.Mutex // one frame at a time on the pipe; separate from mu so a slow write never blocks the reader
	mu      sync.Mutex
	nextID  int
	pending map[int]chan cdpMessage
	readErr error
}

type cdpMessage struct {
	ID        int             `json:"id"`
	Method    string          `json:"method"`
	SessionID string          `json:"sessionId"`
	Result    json.RawMessage `json:"result"`
	Error     *struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// chromiumPath finds the browser; in CI its absence fails the test, elsewhere it skips.
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv(envChromium); p != "" {
		return p
	}
	for _, name := range []string{"/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if inCI() {
		t.Fatal("CI 环境中找不到 chromium：浏览器测试不能跳过（.ci/setup.sh 应已安装 Debian 软件包 chromium）")
	}
	t.Skip("找不到 chromium，跳过浏览器测试（apt-get install chromium，或用 FAZHI_CHROMIUM 指定路径）")
	return ""
}

// startBrowser launches headless Chromium with a throwaway profile.
func startBrowser(t *testing.T, path string) *browser {
	t.Helper()
	profile := t.TempDir() // removed after the browser has exited: cleanups run last-in first-out
	toChrome, chromeIn, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	fromChrome, chromeOut, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	b := &browser{t: t, stderr: &lockedBuffer{}, w: chromeIn, done: make(chan struct{}), pending: map[int]chan cdpMessage{}}
	b.cmd = exec.Command(path,
		"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1366,768",
		"--user-data-dir="+profile, "--remote-debugging-pipe", "about:blank")
	b.cmd.ExtraFiles = []*os.File{toChrome, chromeOut} // fd 3: commands in, fd 4: replies out
	b.cmd.Stdout, b.cmd.Stderr = b.stderr, b.stderr
	if err := b.cmd.Start(); err != nil {
		t.Fatalf("无法启动 chromium：%v", err)
	}
	toChrome.Close()
	chromeOut.Close()
	go b.read(fromChrome)
	go func() { b.cmd.Wait(); close(b.done) }()
	t.Cleanup(b.close)
	return b
}

func (b *browser) read(r *os.File) {
	defer r.Close()
	br := bufio.NewReaderSize(r, 1<<20)
	var err error
	for {
		var frame []byte
		frame, err = br.ReadBytes(0)
		if err != nil {
			break
		}
		var m cdpMessage
		if json.Unmarshal(bytes.TrimSuffix(frame, []byte{0}), &m) != nil || m.ID == 0 {
			continue // events: the tests poll the page state instead of following them
		}
		b.mu.Lock()
		ch := b.pending[m.ID]
		delete(b.pending, m.ID)
		b.mu.Unlock()
		if ch != nil {
			ch <- m
		}
	}
	b.mu.Lock()
	b.readErr = fmt.Errorf("chromium 已关闭调试管道：%v", err)
	for id, ch := range b.pending {
		close(ch)
		delete(b.pending, id)
	}
	b.mu.Unlock()
}

// call sends one command (to a page when session is set) and decodes its result into out.
func (b *browser) call(ctx context.Context, session, method string, params, out any) error {
	if params == nil {
		params = struct{}{}
	}
	ch := make(chan cdpMessage, 1)
	b.mu.Lock()
	if b.readErr != nil {
		b.mu.Unlock()
		return b.readErr
	}
	b.nextID++
	id := b.nextID
	b.pending[id] = ch
	b.mu.Unlock()
	msg, err := json.Marshal(map[string]any{"id": id, "method": method, "params": params, "sessionId": session})
	if err != nil {
		return err
	}
	b.wmu.Lock()
	_, err = b.w.Write(append(msg, 0))
	b.wmu.Unlock()
	if err != nil {
		return fmt.Errorf("%s：写入调试管道失败：%w", method, err)
	}
	select {
	case m, ok := <-ch:
		if !ok {
			return fmt.Errorf("%s：%v\n%s", method, b.readErr, b.stderr.String())
		}
		if m.Error != nil {
			return fmt.Errorf("%s：%s（%d）", method, m.Error.Message, m.Error.Code)
		}
		if out != nil {
			return json.Unmarshal(m.Result, out)
		}
		return nil
	case <-ctx.Done():
		b.mu.Lock()
		delete(b.pending, id)
		b.mu.Unlock()
		return fmt.Errorf("%s：等待 chromium 应答超时", method)
	}
}

func (b *browser) close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	b.call(ctx, "", "Browser.close", nil, nil)
	select {
	case <-b.done:
	case <-time.After(10 * time.Second):
		b.cmd.Process.Kill()
		<-b.done
	}
	b.w.Close()
}

// page is one tab attached in flat session mode.
type page struct {
	b       *browser
	session string
}

// newPage opens a blank tab with a 1366×768 viewport.
func (b *browser) newPage(ctx context.Context) (*page, error) {
	var target struct {
		TargetID string `json:"targetId"`
	}
	if err := b.call(ctx, "", "Target.createTarget", map[string]any{"url": "about:blank"}, &target); err != nil {
		return nil, err
	}
	var att struct {
		SessionID string `json:"sessionId"`
	}
	if err := b.call(ctx, "", "Target.attachToTarget", map[string]any{"targetId": target.TargetID, "flatten": true}, &att); err != nil {
		return nil, err
	}
	p := &page{b: b, session: att.SessionID}
	err := b.call(ctx, p.session, "Emulation.setDeviceMetricsOverride", map[string]any{"width": 1366, "height": 768, "deviceScaleFactor": 1, "mobile": false}, nil)
	return p, err
}

func (p *page) navigate(ctx context.Context, url string) error {
	var res struct {
		ErrorText string `json:"errorText"`
	}
	if err := p.b.call(ctx, p.session, "Page.navigate", map[string]any{"url": url}, &res); err != nil {
		return err
	}
	if res.ErrorText != "" {
		return fmt.Errorf("打开 %s 失败：%s", url, res.ErrorText)
	}
	return nil
}

// eval runs a JavaScript expression in the page and decodes its (JSON-able) value into out.
func (p *page) eval(ctx context.Context, expr string, out any) error {
	var res struct {
		Result struct {
			Value json.RawMessage `json:"value"`
		} `json:"result"`
		ExceptionDetails *struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	if err := p.b.call(ctx, p.session, "Runtime.evaluate", map[string]any{"expression": expr, "returnByValue": true}, &res); err != nil {
		return err
	}
	if res.ExceptionDetails != nil {
		return fmt.Errorf("脚本出错：%s", res.ExceptionDetails.Text)
	}
	if out == nil {
		return nil
	}
	return json.Unmarshal(res.Result.Value, out)
}

// waitFor polls a boolean expression until it holds; errors while a navigation swaps the
// document count as "not yet".
func (p *page) waitFor(ctx context.Context, expr string) error {
	var last error
	for {
		var ok bool
		err := p.eval(ctx, expr, &ok)
		if err == nil && ok {
			return nil
		}
		last = err
		select {
		case <-ctx.Done():
			return fmt.Errorf("等待页面条件 %s 超时（最后错误：%v）", expr, last)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// screenshot returns a PNG of the viewport.
func (p *page) screenshot(ctx context.Context) ([]byte, error) {
	var res struct {
		Data string `json:"data"`
	}
	if err := p.b.call(ctx, p.session, "Page.captureScreenshot", map[string]any{"format": "png"}, &res); err != nil {
		return nil, err
	}
	if res.Data == "" {
		return nil, errors.New("截图为空")
	}
	return base64.StdEncoding.DecodeString(res.Data)
}
