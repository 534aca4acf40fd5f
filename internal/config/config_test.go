package config

import (
	"flag"
	"io"
	"strings"
	"testing"
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
