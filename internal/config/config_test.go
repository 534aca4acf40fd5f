package config

import (
	"flag"
	"io"
	"os"
	"strings"
	"testing"
	"time"
)

func serveConfig(t *testing.T, args ...string) (Config, error) {
	t.Helper()
	c := Default()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.ServeFlags(fs)
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	return c, c.Validate()
}

// FAZHI_MAX_UPLOAD=20M used to be read as 20 bytes (fmt.Sscan stops at the unit).
func TestMaxUploadFromEnvironment(t *testing.T) {
	for v, want := range map[string]int64{
		"20M": 20 << 20, "20MB": 20 << 20, "20MiB": 20 << 20, "20m": 20 << 20, "512K": 512 << 10,
		"1G": 1 << 30, "1048576": 1 << 20, " 3k ": 3 << 10, "7B": 7,
	} {
		t.Setenv("FAZHI_MAX_UPLOAD", v)
		c, err := serveConfig(t)
		if err != nil || c.MaxUpload != want {
			t.Errorf("FAZHI_MAX_UPLOAD=%q: got %d, %v; want %d", v, c.MaxUpload, err, want)
		}
	}
	for _, v := range []string{"20 M", "abc", "-1", "1.5M", "20X", "M", "", "0x10", "99999999999999999999", "9999999999T", "20iB"} {
		t.Setenv("FAZHI_MAX_UPLOAD", v)
		_, err := serveConfig(t)
		if err == nil || !strings.Contains(err.Error(), "FAZHI_MAX_UPLOAD") {
			t.Errorf("FAZHI_MAX_UPLOAD=%q: want an error naming the variable, got %v", v, err)
		}
	}
}

func TestMaxUploadFlag(t *testing.T) {
	c, err := serveConfig(t, "--max-upload", "5M")
	if err != nil || c.MaxUpload != 5<<20 {
		t.Fatalf("--max-upload 5M: %d, %v", c.MaxUpload, err)
	}
	if _, err := serveConfig(t, "--max-upload", "lots"); err == nil || !strings.Contains(err.Error(), "应为字节数或带单位的大小") {
		t.Fatalf("--max-upload lots: %v, want the size format error", err)
	}
}

func TestSizeRoundTrip(t *testing.T) {
	for _, n := range []int64{0, 1, 1023, 1024, 20 << 20, 3 << 30, 5 << 40, 1<<20 + 1} {
		got, err := ParseSize(FormatSize(n))
		if err != nil || got != n {
			t.Errorf("%d → %q → %d, %v", n, FormatSize(n), got, err)
		}
	}
}

func TestTrustedProxies(t *testing.T) {
	t.Setenv("FAZHI_TRUSTED_PROXIES", "10.0.0.0/8, 192.168.1.5 ::1")
	c, err := serveConfig(t)
	if err != nil {
		t.Fatal(err)
	}
	ps, err := ParseProxies(c.TrustedProxies)
	if err != nil || len(ps) != 3 || ps[1].String() != "192.168.1.5/32" {
		t.Fatalf("%v, %v", ps, err)
	}
	t.Setenv("FAZHI_TRUSTED_PROXIES", "10.0.0.0/8,proxy.local")
	if _, err := serveConfig(t); err == nil || !strings.Contains(err.Error(), "proxy.local") {
		t.Fatalf("want an error naming the bad entry, got %v", err)
	}
}

func TestRequestTimeout(t *testing.T) {
	c, err := serveConfig(t)
	if err != nil || c.RequestTimeout != 10*time.Second {
		t.Fatalf("default: %v, %v", c.RequestTimeout, err)
	}
	t.Setenv("FAZHI_REQUEST_TIMEOUT", "30s")
	if c, err := serveConfig(t); err != nil || c.RequestTimeout != 30*time.Second {
		t.Errorf("FAZHI_REQUEST_TIMEOUT=30s: %v, %v", c.RequestTimeout, err)
	}
	if c, err := serveConfig(t, "--request-timeout", "1m"); err != nil || c.RequestTimeout != time.Minute {
		t.Errorf("the flag wins over the variable: %v, %v", c.RequestTimeout, err)
	}
	for _, v := range []string{"abc", "10"} {
		t.Setenv("FAZHI_REQUEST_TIMEOUT", v)
		if _, err := serveConfig(t); err == nil || !strings.Contains(err.Error(), "FAZHI_REQUEST_TIMEOUT") {
			t.Errorf("FAZHI_REQUEST_TIMEOUT=%q: want an error naming the variable, got %v", v, err)
		}
	}
	t.Setenv("FAZHI_REQUEST_TIMEOUT", "")
	os.Unsetenv("FAZHI_REQUEST_TIMEOUT")
	for _, v := range []string{"0s", "500ms", "10m"} {
		if _, err := serveConfig(t, "--request-timeout", v); err == nil {
			t.Errorf("--request-timeout %s: want an error", v)
		}
	}
	t.Setenv("FAZHI_IDLE_TIMEOUT", "abc")
	if _, err := serveConfig(t); err == nil || !strings.Contains(err.Error(), "FAZHI_IDLE_TIMEOUT") {
		t.Errorf("FAZHI_IDLE_TIMEOUT=abc is reported now, got %v", err)
	}
}
