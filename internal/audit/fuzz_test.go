package audit_test

import (
	"bytes"
	"testing"

	"github.com/fazhi/fazhi/internal/audit"
)

// FuzzParseCheckpoint: the checkpoint file may be damaged or forged, so its line parser must never
// panic, and whatever it accepts must survive Line → ParseCheckpoint unchanged.
func FuzzParseCheckpoint(f *testing.F) {
	f.Add([]byte(`{"seq":12,"hash":"66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0","at":"2026-05-01T08:00:00.123456789Z","keyed_from":3,"key_id":"0123456789abcdef","sig":"MEUCIQ=="}`))
	f.Add([]byte(`{"seq":0,"hash":"","at":"2026-05-01T08:00:00Z","keyed_from":0,"key_id":"","sig":"AA=="}`))
	f.Add([]byte(`{"seq":1e3}`))
	f.Add([]byte(`{"seq":1,"seq":2}`))
	f.Add([]byte("\xff\xfe"))
	f.Fuzz(func(t *testing.T, line []byte) {
		c, err := audit.ParseCheckpoint(line)
		if err != nil {
			return
		}
		again, err := audit.ParseCheckpoint(c.Line())
		if err != nil {
			t.Fatalf("own line refused: %s: %v", c.Line(), err)
		}
		if again != c || !bytes.Equal(again.Line(), c.Line()) {
			t.Fatalf("round trip changed %+v into %+v", c, again)
		}
	})
}
