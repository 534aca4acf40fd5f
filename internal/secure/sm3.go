// Package secure holds small cryptographic and validation helpers: SM3
// hashing, SM4-GCM field encryption for personal data at rest, checks for
// resident ID numbers, unified social credit codes and mobile numbers,
// masking for lists, and random tokens.
package secure

import (
	"encoding/binary"
	"encoding/hex"

	"github.com/emmansun/gmsm/sm3"
)

// SM3Hex returns the lowercase hex SM3 (GB/T 32905-2016) digest of parts,
// each fed as an 8-byte big-endian length followed by its bytes, so that
// ("ab","c") and ("a","bc") differ. This byte layout is a stored format
// (the audit chain depends on it): do not change it.
func SM3Hex(parts ...[]byte) string {
	h := sm3.New()
	var n [8]byte
	for _, p := range parts {
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		h.Write(n[:])
		h.Write(p)
	}
	return hex.EncodeToString(h.Sum(nil))
}
