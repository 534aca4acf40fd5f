package db

import (
	"crypto/rand"
	"encoding/binary"
	"sync"
	"time"
)

const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

var idMu sync.Mutex
var lastMS uint64
var lastRand [10]byte

// NewID returns a ULID: 26 characters, sortable by creation time, monotonic within a millisecond.
func NewID() string {
	idMu.Lock()
	ms := uint64(time.Now().UnixMilli())
	if ms == lastMS {
		for i := 9; i >= 0; i-- { // increment keeps ids ordered inside one millisecond
			lastRand[i]++
			if lastRand[i] != 0 {
				break
			}
		}
	} else {
		lastMS = ms
		rand.Read(lastRand[:])
	}
	var b [16]byte
	binary.BigEndian.PutUint64(b[:8], ms<<16)
	copy(b[6:], lastRand[:])
	idMu.Unlock()
	return encode(b)
}

func encode(b [16]byte) string {
	// 128 bits → 26 base32 chars, most significant first.
	hi := binary.BigEndian.Uint64(b[:8])
	lo := binary.BigEndian.Uint64(b[8:])
	var out [26]byte
	for i := 25; i >= 0; i-- {
		out[i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(out[:])
}
