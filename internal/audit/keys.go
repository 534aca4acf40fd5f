package audit

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"

	"github.com/emmansun/gmsm/sm2"
	"github.com/emmansun/gmsm/smx509"

	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/secure"
)

// MarkerAction is the entry that starts the keyed chain: it and every later entry are HMAC-SM3.
const MarkerAction = "audit_keyed"

// keys maps a key id to its chain key. A process may hold several (tests open many data
// directories); Record finds the one the database names, so no caller has to pass it.
var keys sync.Map

// KeyID names a chain key without revealing it.
func KeyID(key []byte) string {
	return secure.SM3Hex([]byte("fazhi-audit-key-id"), key)[:16]
}

// UseKey makes key available to Record and Verify and returns its id.
func UseKey(key []byte) string {
	id := KeyID(key)
	keys.Store(id, append([]byte(nil), key...))
	return id
}

func keyByID(id string) []byte {
	if k, ok := keys.Load(id); ok {
		return k.([]byte)
	}
	return nil
}

// Enable keys the chain of d with key from the next entry on, by appending the marker entry,
// and returns the first keyed entry. A chain already keyed must be keyed with this key.
func Enable(ctx context.Context, d *db.DB, key []byte) (int64, error) {
	id := UseKey(key)
	var from int64
	err := d.Tx(ctx, func(tx *db.Tx) error {
		h, err := lockHead(ctx, tx)
		if err != nil {
			return err
		}
		if h.KeyedFrom > 0 {
			if h.KeyID != id {
				return fmt.Errorf("审计密钥与数据库不符（数据库记录密钥编号 %s，密钥文件为 %s）：请确认 keys/audit.key 是本库的密钥", h.KeyID, id)
			}
			from = h.KeyedFrom
			return nil
		}
		from = h.Seq + 1
		h.KeyedFrom, h.KeyID = from, id
		return appendEntry(WithActor(ctx, Actor{Username: "system"}), tx, h,
			Entry{Action: MarkerAction, ObjectType: "audit_log", Detail: map[string]any{"scheme": "HMAC-SM3", "key_id": id, "keyed_from": from}}, key)
	})
	return from, err
}

// Chain reports how the chain of q is keyed: the first keyed entry (0 = not keyed) and the key id.
func Chain(ctx context.Context, q db.Querier) (keyedFrom int64, keyID string, err error) {
	err = q.QueryRowContext(ctx, `SELECT keyed_from, key_id FROM audit_head WHERE id = 1`).Scan(&keyedFrom, &keyID)
	return
}

// Signer signs checkpoints with SM2.
type Signer struct {
	priv *sm2.PrivateKey
}

// Public is the verification key.
func (s *Signer) Public() *ecdsa.PublicKey { return &s.priv.PublicKey }

// LoadOrCreateSigner reads the SM2 private key (PKCS#8 PEM) at privPath, or creates it (0600) and
// its public key (PEM, 0644) at pubPath. The public key is what an off-host verifier needs.
func LoadOrCreateSigner(privPath, pubPath string) (*Signer, error) {
	b, err := os.ReadFile(privPath)
	if errors.Is(err, fs.ErrNotExist) {
		b, err = createSigner(privPath)
	}
	if err != nil {
		return nil, fmt.Errorf("读取审计签名密钥失败：%w", err)
	}
	return parseSigner(b, privPath, pubPath)
}

func createSigner(privPath string) ([]byte, error) {
	if err := os.MkdirAll(filepath.Dir(privPath), 0o700); err != nil {
		return nil, fmt.Errorf("创建密钥目录失败：%w", err)
	}
	priv, err := sm2.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("生成 SM2 签名密钥失败：%w", err)
	}
	der, err := smx509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		return nil, err
	}
	if err := writeNew(privPath, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), 0o600); err != nil {
		if !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("写入 SM2 签名密钥失败：%w", err)
		}
	}
	return os.ReadFile(privPath) // also when O_EXCL lost to another process: use theirs
}

func parseSigner(b []byte, privPath, pubPath string) (*Signer, error) {
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("审计签名密钥 %s 不是 PEM 格式", privPath)
	}
	k, err := smx509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("审计签名密钥 %s 无法解析：%w", privPath, err)
	}
	priv, ok := k.(*sm2.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("审计签名密钥 %s 不是 SM2 密钥", privPath)
	}
	s := &Signer{priv: priv}
	if _, err := os.Stat(pubPath); errors.Is(err, fs.ErrNotExist) {
		der, err := smx509.MarshalPKIXPublicKey(s.Public())
		if err != nil {
			return nil, err
		}
		if err := writeNew(pubPath, pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}), 0o644); err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("写入审计签名公钥失败：%w", err)
		}
	}
	return s, nil
}

// LoadPublicKey reads an SM2 public key (PEM) for verifying checkpoints.
func LoadPublicKey(path string) (*ecdsa.PublicKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("读取审计签名公钥失败：%w", err)
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("审计签名公钥 %s 不是 PEM 格式", path)
	}
	k, err := smx509.ParsePKIXPublicKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("审计签名公钥 %s 无法解析：%w", path, err)
	}
	pub, ok := k.(*ecdsa.PublicKey)
	if !ok || !sm2.IsSM2PublicKey(pub) {
		return nil, fmt.Errorf("审计签名公钥 %s 不是 SM2 公钥", path)
	}
	return pub, nil
}

// writeNew creates path exclusively and syncs it, so a crash never leaves a half key behind.
func writeNew(path string, b []byte, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if err != nil {
		return err
	}
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
	}
	return err
}
