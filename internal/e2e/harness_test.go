package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/fazhi/fazhi/internal/demotest"
)

// Environment switches.
const (
	envE2E         = "FAZHI_E2E"         // "1" runs these tests
	envScreenshots = "FAZHI_SCREENSHOTS" // "1" writes docs/screenshots/*.png
	envChromium    = "FAZHI_CHROMIUM"    // path of the browser, when not /usr/bin/chromium
)

func TestMain(m *testing.M) {
	code := demotest.Run(m) // removes the demo templates after the last test
	if build.dir != "" {
		os.RemoveAll(build.dir)
	}
	os.Exit(code)
}

// requireE2E skips unless FAZHI_E2E=1, so a plain `go test ./...` stays fast.
func requireE2E(t *testing.T) {
	t.Helper()
	if os.Getenv(envE2E) != "1" {
		t.Skip("端到端测试未启用：设置 FAZHI_E2E=1 后运行（.ci/run 会设置；浏览器测试还需要 chromium）")
	}
}

// inCI reports a CI run, where a missing tool is a failure rather than a skip.
func inCI() bool {
	v := strings.ToLower(os.Getenv("CI"))
	return v != "" && v != "false" && v != "0"
}

// moduleRoot is the directory of go.mod, found the way the go command finds it.
func moduleRoot(t *testing.T) string {
	t.Helper()
	out, err := exec.Command("go", "env", "GOMOD").Output()
	mod := strings.TrimSpace(string(out))
	if err != nil || mod == "" || mod == os.DevNull {
		t.Fatalf("找不到 go.mod（go env GOMOD：%q，%v）", mod, err)
	}
	return filepath.Dir(mod)
}

var build struct {
	once sync.Once
	dir  string
	path string
	err  error
}

// binary builds ./cmd/fazhi once per test process.
func binary(t *testing.T) string {
	t.Helper()
	root := moduleRoot(t)
	build.once.Do(func() {
		build.dir, build.err = os.MkdirTemp("", "fazhi-e2e-bin-")
		if build.err != nil {
			return
		}
		build.path = filepath.Join(build.dir, "fazhi")
		cmd := exec.Command("go", "build", "-o", build.path, "./cmd/fazhi")
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			build.err = fmt.Errorf("go build ./cmd/fazhi 失败：%v\n%s", err, out)
		}
	})
	if build.err != nil {
		t.Fatal(build.err)
	}
	return build.path
}

// dataArgs are the --data/--db flags of every command; --db= is explicit so FAZHI_DB cannot leak in.
func dataArgs(data, dsn string) []string { return []string{"--data", data, "--db=" + dsn} }

// runCLI runs one fazhi subcommand to completion and returns its standard output.
func runCLI(t *testing.T, bin string, args ...string) string {
	t.Helper()
	out, err := runCmd(bin, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func runCmd(bin string, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	var stdout, stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("fazhi %s 失败：%v\n标准输出：%s\n标准错误：%s", strings.Join(redact(args), " "), err, stdout.String(), stderr.String())
	}
	return stdout.String(), nil
}

// redact hides passwords in failure messages.
func redact(args []string) []string {
	out := append([]string(nil), args...)
	for i := range out {
		if i > 0 && out[i-1] == "--password" {
			out[i] = "***"
		}
	}
	return out
}

// lockedBuffer collects a child's output while the test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// server is one running `fazhi serve` process on a loopback port.
type server struct {
	t    *testing.T
	cmd  *exec.Cmd
	Base string // http://127.0.0.1:port
	out  *lockedBuffer
	done chan struct{}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("无法取得空闲端口：%v", err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// startServer starts fazhi serve (which loads the demo county into an empty database) and waits for /healthz.
func startServer(t *testing.T, bin, data, dsn string) *server {
	t.Helper()
	addr := freeAddr(t)
	args := append([]string{"serve", "--addr", addr, "--log-level", "warn"}, dataArgs(data, dsn)...)
	s := &server{t: t, cmd: exec.Command(bin, args...), Base: "http://" + addr, out: &lockedBuffer{}, done: make(chan struct{})}
	s.cmd.Stdout, s.cmd.Stderr = s.out, s.out
	if os.Getenv("FAZHI_LAWS") == "" {
		// The shipped law library loads in the background (≈ 15 s of CPU); only TestFirstStart wants it.
		s.cmd.Env = append(os.Environ(), "FAZHI_LAWS=no")
	}
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("无法启动 fazhi serve：%v", err)
	}
	go func() { s.cmd.Wait(); close(s.done) }()
	t.Cleanup(s.Kill)
	deadline := time.Now().Add(180 * time.Second)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case <-s.done:
			t.Fatalf("fazhi serve 启动后即退出（%v）：\n%s", s.cmd.ProcessState, s.out.String())
		default:
		}
		if resp, err := client.Get(s.Base + "/healthz"); err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK && string(body) == "ok" {
				return s
			}
		}
		if time.Now().After(deadline) {
			s.Kill()
			t.Fatalf("fazhi serve 在 180 秒内未就绪（/healthz）：\n%s", s.out.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Kill ends the process with SIGKILL: no shutdown, no flush, like a power cut for the process.
func (s *server) Kill() {
	select {
	case <-s.done:
		return
	default:
	}
	s.cmd.Process.Signal(syscall.SIGKILL)
	<-s.done
}

// Stop asks for a graceful shutdown and falls back to SIGKILL.
func (s *server) Stop() {
	select {
	case <-s.done:
		return
	default:
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		s.t.Logf("fazhi serve 未在 15 秒内退出，改用 SIGKILL")
		s.Kill()
	}
}
