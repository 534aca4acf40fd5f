package secure

import (
	"encoding/base64"
	"testing"
)

func TestRandomToken(t *testing.T) {
	tests := []struct{ n, wantBytes int }{{16, 16}, {32, 32}, {1, 1}, {0, 32}, {-5, 32}}
	for _, tt := range tests {
		tok := RandomToken(tt.n)
		b, err := base64.RawURLEncoding.DecodeString(tok)
		if err != nil {
			t.Errorf("RandomToken(%d) = %q not URL-safe base64: %v", tt.n, tok, err)
		}
		if len(b) != tt.wantBytes {
			t.Errorf("RandomToken(%d) decodes to %d bytes, want %d", tt.n, len(b), tt.wantBytes)
		}
	}
	seen := map[string]bool{}
	for range 100 {
		tok := RandomToken(16)
		if seen[tok] {
			t.Fatalf("RandomToken repeated %q", tok)
		}
		seen[tok] = true
	}
}

func TestQueryCode(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		c := QueryCode()
		if len(c) != 6 || !allDigits(c) {
			t.Fatalf("QueryCode() = %q, want 6 digits", c)
		}
		seen[c] = true
	}
	// 200 draws from 10^6: a repeat-heavy result means a broken generator.
	if len(seen) < 190 {
		t.Errorf("QueryCode gave only %d distinct codes in 200 draws", len(seen))
	}
}
