package audit

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/emmansun/gmsm/sm2"

	"github.com/fazhi/fazhi/internal/db"
)

// Checkpoint is a signed statement "the chain had Seq entries ending in Hash at At". Kept
// outside the database (an append-only file, syslog, an off-host copy), it catches what a
// writer with database access alone can do: truncate, empty or recompute the log.
type Checkpoint struct {
	Seq       int64  `json:"seq"`
	Hash      string `json:"hash"`
	At        string `json:"at"` // RFC 3339, UTC
	KeyedFrom int64  `json:"keyed_from"`
	KeyID     string `json:"key_id"`
	Sig       string `json:"sig"` // base64 SM2 signature (ASN.1) over signedBytes
}

func (c Checkpoint) signedBytes() []byte {
	return []byte("fazhi-audit-checkpoint/1\n" + strconv.FormatInt(c.Seq, 10) + "\n" + c.Hash + "\n" + c.At + "\n" +
		strconv.FormatInt(c.KeyedFrom, 10) + "\n" + c.KeyID)
}

// Line is the checkpoint as one JSON line (no newline).
func (c Checkpoint) Line() []byte {
	b, _ := json.Marshal(c) // only strings and ints: cannot fail
	return b
}

// ParseCheckpoint reads one line of the checkpoint file; it checks the form, not the signature.
func ParseCheckpoint(line []byte) (Checkpoint, error) {
	var c Checkpoint
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return c, fmt.Errorf("不是检查点记录：%v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return c, errors.New("检查点记录后有多余内容")
	}
	switch {
	case c.Seq < 0 || c.KeyedFrom < 0:
		return c, errors.New("序号不能为负")
	case c.KeyedFrom > c.Seq:
		return c, errors.New("带密钥起点在链头之后")
	case c.Seq == 0 && c.Hash != "":
		return c, errors.New("空链不能有哈希")
	case c.Seq > 0 && !isHex(c.Hash, 64):
		return c, errors.New("哈希应为 64 个小写十六进制字符")
	case c.KeyID != "" && !isHex(c.KeyID, 16):
		return c, errors.New("密钥编号应为 16 个小写十六进制字符")
	}
	if t, err := time.Parse(time.RFC3339Nano, c.At); err != nil || t.UTC().Format(time.RFC3339Nano) != c.At {
		return c, errors.New("时间应为 UTC 的 RFC 3339 格式")
	}
	if sig, err := base64.StdEncoding.DecodeString(c.Sig); err != nil || len(sig) == 0 || base64.StdEncoding.EncodeToString(sig) != c.Sig {
		return c, errors.New("签名应为 base64")
	}
	return c, nil
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && s == string(bytes.ToLower([]byte(s)))
}

// Sign fills c.Sig.
func (s *Signer) Sign(c *Checkpoint) error {
	sig, err := s.priv.SignWithSM2(rand.Reader, nil, c.signedBytes())
	if err != nil {
		return fmt.Errorf("SM2 签名失败：%w", err)
	}
	c.Sig = base64.StdEncoding.EncodeToString(sig)
	return nil
}

// VerifySig reports whether c was signed by the key of pub.
func (c Checkpoint) VerifySig(pub *ecdsa.PublicKey) bool {
	sig, err := base64.StdEncoding.DecodeString(c.Sig)
	return err == nil && sm2.VerifyASN1WithSM2(pub, nil, c.signedBytes(), sig)
}

// ReadCheckpoints reads the checkpoint file and checks every signature and that the
// sequence numbers never go back. A missing file gives no checkpoints.
func ReadCheckpoints(path string, pub *ecdsa.PublicKey) ([]Checkpoint, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("读取检查点文件失败：%w", err)
	}
	defer f.Close()
	var out []Checkpoint
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		if len(bytes.TrimSpace(sc.Bytes())) == 0 {
			continue
		}
		c, err := ParseCheckpoint(sc.Bytes())
		if err != nil {
			return nil, fmt.Errorf("检查点文件 %s 第 %d 行无法解析：%v", path, n, err)
		}
		if !c.VerifySig(pub) {
			return nil, fmt.Errorf("检查点文件 %s 第 %d 行（第 %d 条）签名无效：检查点被伪造或篡改，或公钥不是本系统的", path, n, c.Seq)
		}
		if len(out) > 0 && c.Seq < out[len(out)-1].Seq {
			return nil, fmt.Errorf("检查点文件 %s 第 %d 行的序号 %d 小于前一行的 %d（文件被改动）", path, n, c.Seq, out[len(out)-1].Seq)
		}
		out = append(out, c)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("读取检查点文件失败：%w", err)
	}
	return out, nil
}

// Checkpointer takes checkpoints of one database into one file.
type Checkpointer struct {
	DB       *db.DB
	Signer   *Signer
	Path     string        // e.g. <data>/audit/checkpoints.log
	Log      *slog.Logger  // each checkpoint also goes here, so it reaches syslog
	Every    int64         // take one after this many new entries (default 1000)
	Interval time.Duration // and at least this often while entries arrive (default 1h)

	mu       sync.Mutex
	lastSeq  int64
	lastTime time.Time
}

// Take signs the current head, appends it to the file (fsynced) and logs it.
func (c *Checkpointer) Take(ctx context.Context) (Checkpoint, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var cp Checkpoint
	if err := c.DB.QueryRowContext(ctx, `SELECT seq, hash, keyed_from, key_id FROM audit_head WHERE id = 1`).
		Scan(&cp.Seq, &cp.Hash, &cp.KeyedFrom, &cp.KeyID); err != nil {
		return cp, fmt.Errorf("读取审计链头失败：%w", err)
	}
	cp.At = time.Now().UTC().Format(time.RFC3339Nano)
	if err := c.Signer.Sign(&cp); err != nil {
		return cp, err
	}
	if err := appendLine(c.Path, cp.Line()); err != nil {
		return cp, fmt.Errorf("写入审计检查点失败：%w", err)
	}
	c.lastSeq, c.lastTime = cp.Seq, time.Now()
	if c.Log != nil {
		c.Log.Info("审计检查点", "audit_checkpoint", string(cp.Line()))
	}
	return cp, nil
}

// Run takes a checkpoint whenever Every entries or Interval have passed since the last one,
// until ctx ends. The caller takes the final one at shutdown, after the last writes.
func (c *Checkpointer) Run(ctx context.Context) {
	every, interval := c.Every, c.Interval
	if every <= 0 {
		every = 1000
	}
	if interval <= 0 {
		interval = time.Hour
	}
	c.mu.Lock()
	if c.lastTime.IsZero() {
		c.lastTime = time.Now()
	}
	c.mu.Unlock()
	tick := time.NewTicker(min(interval, 30*time.Second))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		var seq int64
		if err := c.DB.QueryRowContext(ctx, `SELECT seq FROM audit_head WHERE id = 1`).Scan(&seq); err != nil {
			continue
		}
		c.mu.Lock()
		due := seq-c.lastSeq >= every || (seq != c.lastSeq && time.Since(c.lastTime) >= interval)
		c.mu.Unlock()
		if due {
			if _, err := c.Take(ctx); err != nil && c.Log != nil {
				c.Log.Error("审计检查点失败", "err", err)
			}
		}
	}
}

// appendLine appends line and a newline to path (created 0600, directory 0700) and fsyncs.
func appendLine(path string, line []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return err
	}
	_, err = f.Write(append(line, '\n'))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}
