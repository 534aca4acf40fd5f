package secure

import (
	"encoding/hex"
	"testing"

	"github.com/emmansun/gmsm/sm3"
)

func TestSM3StandardVector(t *testing.T) {
	// GB/T 32905-2016 Appendix A, example 1 and 2.
	tests := []struct{ in, want string }{
		{"abc", "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"},
		{"abcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcd",
			"debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"},
	}
	for _, tt := range tests {
		sum := sm3.Sum([]byte(tt.in))
		if got := hex.EncodeToString(sum[:]); got != tt.want {
			t.Errorf("SM3(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestSM3HexLayout(t *testing.T) {
	// SM3Hex("abc") hashes 00 00 00 00 00 00 00 03 'a' 'b' 'c'.
	framed := append([]byte{0, 0, 0, 0, 0, 0, 0, 3}, "abc"...)
	sum := sm3.Sum(framed)
	if got, want := SM3Hex([]byte("abc")), hex.EncodeToString(sum[:]); got != want {
		t.Errorf("SM3Hex(abc) = %s, want %s", got, want)
	}
	// No parts is the hash of the empty input.
	empty := sm3.Sum(nil)
	if got, want := SM3Hex(), hex.EncodeToString(empty[:]); got != want {
		t.Errorf("SM3Hex() = %s, want %s", got, want)
	}
}

func TestSM3HexSeparatesParts(t *testing.T) {
	groups := [][][]byte{
		{[]byte("ab"), []byte("c")},
		{[]byte("a"), []byte("bc")},
		{[]byte("abc")},
		{[]byte("abc"), nil},
		{nil, []byte("abc")},
		{},
	}
	seen := map[string]int{}
	for i, g := range groups {
		h := SM3Hex(g...)
		if len(h) != 64 {
			t.Fatalf("SM3Hex length %d, want 64", len(h))
		}
		if j, dup := seen[h]; dup {
			t.Errorf("groups %d and %d hash equal", j, i)
		}
		seen[h] = i
	}
	if SM3Hex([]byte("ab"), []byte("c")) != SM3Hex([]byte("ab"), []byte("c")) {
		t.Errorf("SM3Hex not deterministic")
	}
}
