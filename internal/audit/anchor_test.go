package audit_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/audit"
)

// Entries written before the key keep their plain SM3 hashes and still verify; the marker
// entry and everything after it are HMAC-SM3.
func TestKeyedChainKeepsOldEntriesVerifiable(t *testing.T) {
	d, ctx := seed(t, 3)
	key := []byte("0123456789abcdef")
	from, err := audit.Enable(ctx, d, key)
	if err != nil || from != 4 {
		t.Fatalf("Enable: %d, %v", from, err)
	}
	if again, err := audit.Enable(ctx, d, key); err != nil || again != 4 {
		t.Fatalf("second Enable: %d, %v", again, err)
	}
	if _, err := audit.Enable(ctx, d, []byte("another key 1234")); err == nil || !strings.Contains(err.Error(), "不符") {
		t.Fatalf("Enable with another key: %v", err)
	}
	for i := 0; i < 3; i++ {
		if err := audit.Log(ctx, d, audit.Entry{Action: "create"}); err != nil {
			t.Fatal(err)
		}
	}
	res, err := audit.VerifyWith(ctx, d, audit.Anchor{Key: key})
	if err != nil || !res.OK || res.Entries != 7 || res.KeyedFrom != 4 {
		t.Fatalf("%+v %v", res, err)
	}
	if r := readRow(t, d, 5); r.Hash == r.ComputeHash() || r.Hash != r.HashWith(key) {
		t.Fatal("entry 5 should be HMAC-SM3")
	}
	if r := readRow(t, d, 2); r.Hash != r.ComputeHash() {
		t.Fatal("entry 2 should keep its plain SM3 hash")
	}
	// A plain-SM3 rehash of a keyed entry (no key) is caught.
	r := readRow(t, d, 6)
	r.Action = "delete"
	r.Hash = r.ComputeHash()
	raw(t, d, `UPDATE audit_log SET action = ?, hash = ? WHERE seq = 6`, r.Action, r.Hash)
	if res := verify(t, d); res.OK || res.BadSeq != 6 || !strings.Contains(res.Reason, "带密钥哈希") {
		t.Fatalf("%+v", res)
	}
}

func TestCheckpoints(t *testing.T) {
	d, ctx := seed(t, 4)
	dir := t.TempDir()
	s, err := audit.LoadOrCreateSigner(filepath.Join(dir, "keys", "audit-sign.key"), filepath.Join(dir, "keys", "audit-sign.pub"))
	if err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(filepath.Join(dir, "keys", "audit-sign.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("private key mode: %v %v", fi, err)
	}
	pub, err := audit.LoadPublicKey(filepath.Join(dir, "keys", "audit-sign.pub"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "audit", "checkpoints.log")
	cp := &audit.Checkpointer{DB: d, Signer: s, Path: path}
	if _, err := cp.Take(ctx); err != nil {
		t.Fatal(err)
	}
	audit.Log(ctx, d, audit.Entry{Action: "create"})
	if _, err := cp.Take(ctx); err != nil {
		t.Fatal(err)
	}
	cps, err := audit.ReadCheckpoints(path, pub)
	if err != nil || len(cps) != 2 || cps[0].Seq != 4 || cps[1].Seq != 5 {
		t.Fatalf("%+v %v", cps, err)
	}
	if res, _ := audit.VerifyWith(ctx, d, audit.Anchor{Checkpoints: cps}); !res.OK || res.Checkpoints != 2 {
		t.Fatalf("%+v", res)
	}
	// Tail cut and head rewritten: the chain itself is consistent, the checkpoint is not.
	last := readRow(t, d, 3)
	raw(t, d, `DELETE FROM audit_log WHERE seq > 3`)
	raw(t, d, `UPDATE audit_head SET seq = 3, hash = ?`, last.Hash)
	if res := verify(t, d); !res.OK {
		t.Fatalf("without checkpoints the cut is invisible: %+v", res)
	}
	if res, _ := audit.VerifyWith(ctx, d, audit.Anchor{Checkpoints: cps}); res.OK || !strings.Contains(res.Reason, "日志只到第 3 条") {
		t.Fatalf("%+v", res)
	}
	// Another key's signature does not verify.
	other, _ := audit.LoadOrCreateSigner(filepath.Join(dir, "o.key"), filepath.Join(dir, "o.pub"))
	if _, err := audit.ReadCheckpoints(path, other.Public()); err == nil || !strings.Contains(err.Error(), "签名无效") {
		t.Fatalf("want a signature error, got %v", err)
	}
}

func TestParseCheckpointRejects(t *testing.T) {
	good := `{"seq":1,"hash":"` + strings.Repeat("a", 64) + `","at":"2026-01-02T03:04:05Z","keyed_from":1,"key_id":"0123456789abcdef","sig":"AAEC"}`
	if _, err := audit.ParseCheckpoint([]byte(good)); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{
		``, `{}`, `[]`, good + `x`, strings.Replace(good, `"seq":1`, `"seq":-1`, 1),
		strings.Replace(good, `"keyed_from":1`, `"keyed_from":2`, 1), strings.Replace(good, `"sig":"AAEC"`, `"sig":"!!"`, 1),
		strings.Replace(good, `2026-01-02T03:04:05Z`, `2026-01-02 03:04:05`, 1), strings.Replace(good, `"hash":"a`, `"hash":"A`, 1),
		strings.Replace(good, `}`, `,"extra":1}`, 1),
	} {
		if _, err := audit.ParseCheckpoint([]byte(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}
