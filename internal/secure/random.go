package secure

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"math/big"
)

// RandomToken returns nBytes from crypto/rand as unpadded URL-safe base64.
// nBytes < 1 means 32. crypto/rand never fails on supported systems (the
// runtime aborts instead), so there is no error to return.
func RandomToken(nBytes int) string {
	if nBytes < 1 {
		nBytes = 32
	}
	b := make([]byte, nBytes)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

var million = big.NewInt(1_000_000)

// QueryCode returns a uniformly random 6-digit code (leading zeros kept)
// that the public uses with a receipt number to follow a case. One in a
// million per guess: the lookup must be rate-limited and require the
// receipt number too.
func QueryCode() string {
	n, err := rand.Int(rand.Reader, million)
	if err != nil {
		panic("secure: crypto/rand failed: " + err.Error())
	}
	return fmt.Sprintf("%06d", n.Int64())
}
