package secure

import (
	"bytes"
	"crypto/hmac"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/emmansun/gmsm/sm3"
)

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

func newCipher(t *testing.T, key []byte) *FieldCipher {
	t.Helper()
	c, err := NewFieldCipher(key)
	if err != nil {
		t.Fatalf("NewFieldCipher: %v", err)
	}
	return c
}

func TestNewFieldCipherKeyLength(t *testing.T) {
	for _, n := range []int{0, 15, 17, 32} {
		if _, err := NewFieldCipher(make([]byte, n)); err == nil {
			t.Errorf("NewFieldCipher(%d bytes) succeeded, want error", n)
		}
	}
}

func TestEncryptDecryptRoundTrip(t *testing.T) {
	c := newCipher(t, testKey(1))
	for _, plain := range []string{"11010519491231002X", "13812345678", "张三 住址：北京市东城区", "a", strings.Repeat("长", 1000)} {
		enc, err := c.Encrypt(plain)
		if err != nil {
			t.Fatalf("Encrypt: %v", err)
		}
		if !strings.HasPrefix(enc, "sm4g1:") {
			t.Errorf("Encrypt(%q) = %q, missing prefix", plain, enc)
		}
		if len(plain) > 4 && strings.Contains(enc, plain) {
			t.Errorf("ciphertext contains plaintext")
		}
		enc2, _ := c.Encrypt(plain)
		if enc == enc2 {
			t.Errorf("two encryptions of %q are equal; nonce not random", plain)
		}
		for _, e := range []string{enc, enc2} {
			got, err := c.Decrypt(e)
			if err != nil || got != plain {
				t.Errorf("Decrypt = %q, %v; want %q", got, err, plain)
			}
		}
	}
}

func TestEncryptEmptyStaysEmpty(t *testing.T) {
	c := newCipher(t, testKey(1))
	enc, err := c.Encrypt("")
	if err != nil || enc != "" {
		t.Errorf("Encrypt(\"\") = %q, %v", enc, err)
	}
	dec, err := c.Decrypt("")
	if err != nil || dec != "" {
		t.Errorf("Decrypt(\"\") = %q, %v", dec, err)
	}
}

func TestDecryptRejects(t *testing.T) {
	c := newCipher(t, testKey(1))
	enc, err := c.Encrypt("11010519491231002X")
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := base64.StdEncoding.DecodeString(strings.TrimPrefix(enc, "sm4g1:"))
	flip := func(i int) string {
		b := bytes.Clone(raw)
		b[i] ^= 0x01
		return "sm4g1:" + base64.StdEncoding.EncodeToString(b)
	}
	otherKey, _ := newCipher(t, testKey(2)).Encrypt("11010519491231002X")
	tests := map[string]string{
		"nonce byte flipped":      flip(0),
		"ciphertext byte flipped": flip(12),
		"tag byte flipped":        flip(len(raw) - 1),
		"truncated":               "sm4g1:" + base64.StdEncoding.EncodeToString(raw[:len(raw)-1]),
		"too short":               "sm4g1:" + base64.StdEncoding.EncodeToString(raw[:20]),
		"no prefix":               strings.TrimPrefix(enc, "sm4g1:"),
		"other version prefix":    "sm4g2:" + strings.TrimPrefix(enc, "sm4g1:"),
		"plaintext":               "11010519491231002X",
		"bad base64":              "sm4g1:@@@@",
		"prefix only":             "sm4g1:",
		"encrypted by other key":  otherKey,
	}
	for name, s := range tests {
		got, err := c.Decrypt(s)
		if !errors.Is(err, ErrCiphertext) {
			t.Errorf("%s: Decrypt = %q, %v; want ErrCiphertext", name, got, err)
		}
		if got != "" {
			t.Errorf("%s: Decrypt returned data %q with error", name, got)
		}
	}
	// Control: the untampered value still decrypts.
	if got, err := c.Decrypt(enc); err != nil || got != "11010519491231002X" {
		t.Fatalf("control Decrypt = %q, %v", got, err)
	}
}

func TestBlindIndex(t *testing.T) {
	c1 := newCipher(t, testKey(1))
	c1again := newCipher(t, testKey(1))
	c2 := newCipher(t, testKey(2))
	a := c1.BlindIndex("11010519491231002X")
	if len(a) != 64 || strings.ToLower(a) != a {
		t.Fatalf("BlindIndex = %q, want 64 lowercase hex", a)
	}
	if b := c1again.BlindIndex("11010519491231002X"); a != b {
		t.Errorf("BlindIndex not stable across instances with the same key")
	}
	if b := c2.BlindIndex("11010519491231002X"); a == b {
		t.Errorf("BlindIndex does not depend on the key")
	}
	if b := c1.BlindIndex("110105194912310021"); a == b {
		t.Errorf("different values give equal BlindIndex")
	}
	if a == SM3Hex([]byte("11010519491231002X")) {
		t.Errorf("BlindIndex is an unkeyed hash")
	}
	if got := c1.BlindIndex(""); got != "" {
		t.Errorf("BlindIndex(\"\") = %q, want \"\"", got)
	}
	// The index key is derived, not the master key itself.
	m := hmac.New(sm3.New, testKey(1))
	m.Write([]byte("11010519491231002X"))
	if a == hex.EncodeToString(m.Sum(nil)) {
		t.Errorf("BlindIndex uses the master key directly")
	}
}

func TestLoadOrCreateKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "field.key")
	k1, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if len(k1) != KeySize {
		t.Fatalf("key length %d", len(k1))
	}
	if bytes.Equal(k1, make([]byte, KeySize)) {
		t.Errorf("key is all zero")
	}
	if runtime.GOOS != "windows" {
		st, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if perm := st.Mode().Perm(); perm != 0o600 {
			t.Errorf("key file mode %o, want 600", perm)
		}
	}
	k2, err := LoadOrCreateKey(path)
	if err != nil || !bytes.Equal(k1, k2) {
		t.Errorf("reload = %x, %v; want %x", k2, err, k1)
	}
	other, err := LoadOrCreateKey(filepath.Join(dir, "other.key"))
	if err != nil || bytes.Equal(other, k1) {
		t.Errorf("second key file = %x, %v; want a different random key", other, err)
	}
	// A usable key for the cipher.
	c := newCipher(t, k1)
	enc, _ := c.Encrypt("x")
	if got, err := newCipher(t, k2).Decrypt(enc); err != nil || got != "x" {
		t.Errorf("reloaded key cannot decrypt: %q, %v", got, err)
	}
}

func TestLoadOrCreateKeyRejectsBadFile(t *testing.T) {
	dir := t.TempDir()
	tests := map[string]string{
		"short":   "00112233",
		"not hex": strings.Repeat("zz", KeySize),
		"long":    strings.Repeat("ab", KeySize+1),
		"empty":   "",
	}
	for name, content := range tests {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if k, err := LoadOrCreateKey(p); err == nil {
			t.Errorf("%s: LoadOrCreateKey = %x, want error", name, k)
		}
		// The bad file must not be overwritten by a fresh key.
		if b, _ := os.ReadFile(p); string(b) != content {
			t.Errorf("%s: key file was modified", name)
		}
	}
	good := filepath.Join(dir, "good")
	os.WriteFile(good, []byte(strings.Repeat("0a", KeySize)+"\n"), 0o600)
	k, err := LoadOrCreateKey(good)
	if err != nil || !bytes.Equal(k, testKey(0x0a)) {
		t.Errorf("hex key with newline = %x, %v", k, err)
	}
}
