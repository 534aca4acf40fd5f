package secure

import (
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/emmansun/gmsm/sm3"
	"github.com/emmansun/gmsm/sm4"
)

// KeySize is the length of a FieldCipher master key (SM4 key size).
const KeySize = 16

// cipherPrefix marks format version 1: SM4-GCM, 12-byte nonce, 16-byte tag,
// standard padded base64 of nonce||ciphertext||tag. A new format gets a new
// prefix so old values stay readable.
const cipherPrefix = "sm4g1:"

// ErrCiphertext reports a stored value that is not a FieldCipher output or
// that fails authentication (wrong key or tampered data).
var ErrCiphertext = errors.New("密文无效")

// FieldCipher encrypts personal data (ID numbers, phone numbers) for
// storage. Safe for concurrent use.
type FieldCipher struct {
	aead     cipher.AEAD
	indexKey []byte
}

// NewFieldCipher derives separate encryption and blind-index keys from a
// 16-byte master key, so a leaked index key does not expose the data.
func NewFieldCipher(key []byte) (*FieldCipher, error) {
	if len(key) != KeySize {
		return nil, fmt.Errorf("字段加密密钥长度应为%d字节，实际为%d字节", KeySize, len(key))
	}
	encKey := deriveKey(key, "fazhi/field-cipher/sm4-gcm/v1")[:KeySize]
	block, err := sm4.NewCipher(encKey)
	if err != nil {
		return nil, fmt.Errorf("初始化SM4失败: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("初始化SM4-GCM失败: %w", err)
	}
	return &FieldCipher{aead: aead, indexKey: deriveKey(key, "fazhi/field-cipher/blind-index/v1")}, nil
}

// deriveKey is HMAC-SM3(master, label): a one-step KDF, enough for
// domain-separating subkeys of a uniformly random master key.
func deriveKey(master []byte, label string) []byte {
	m := hmac.New(sm3.New, master)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// Encrypt returns "sm4g1:"+base64(nonce||ciphertext||tag) with a random
// nonce, so equal inputs give different outputs; use BlindIndex to find
// equal values. "" stays "" so empty optional fields stay empty.
func (c *FieldCipher) Encrypt(plain string) (string, error) {
	if plain == "" {
		return "", nil
	}
	ns := c.aead.NonceSize()
	buf := make([]byte, ns, ns+len(plain)+c.aead.Overhead())
	if _, err := rand.Read(buf); err != nil {
		return "", fmt.Errorf("生成随机数失败: %w", err)
	}
	out := c.aead.Seal(buf, buf[:ns], []byte(plain), []byte(cipherPrefix))
	return cipherPrefix + base64.StdEncoding.EncodeToString(out), nil
}

// Decrypt reverses Encrypt. "" gives ""; anything else that is not a valid
// value under this key gives an error wrapping ErrCiphertext.
func (c *FieldCipher) Decrypt(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	body, ok := strings.CutPrefix(s, cipherPrefix)
	if !ok {
		return "", fmt.Errorf("%w: 缺少版本前缀", ErrCiphertext)
	}
	raw, err := base64.StdEncoding.Strict().DecodeString(body)
	ns := c.aead.NonceSize()
	if err != nil || len(raw) < ns+c.aead.Overhead() {
		return "", fmt.Errorf("%w: 编码或长度不正确", ErrCiphertext)
	}
	plain, err := c.aead.Open(nil, raw[:ns], raw[ns:], []byte(cipherPrefix))
	if err != nil {
		return "", fmt.Errorf("%w: 校验失败（密钥不符或数据被篡改）", ErrCiphertext)
	}
	return string(plain), nil
}

// BlindIndex returns a keyed HMAC-SM3 (hex) of plain for equality lookups
// (duplicate detection) without decrypting. It hashes the exact bytes, so
// callers normalise first (e.g. NormalizeCode for ID numbers). "" gives "",
// so empty fields never match each other.
func (c *FieldCipher) BlindIndex(plain string) string {
	if plain == "" {
		return ""
	}
	m := hmac.New(sm3.New, c.indexKey)
	m.Write([]byte(plain))
	return hex.EncodeToString(m.Sum(nil))
}

// LoadOrCreateKey reads a master key stored as 32 hex characters (trailing
// newline allowed) at path, or creates one from crypto/rand with mode 0600
// (parent directories 0700) when the file does not exist. Losing this file
// makes every encrypted field unreadable: it must be backed up.
func LoadOrCreateKey(path string) ([]byte, error) {
	key, err := readKey(path)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return key, err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("创建密钥目录失败: %w", err)
	}
	key = make([]byte, KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, fmt.Errorf("生成密钥失败: %w", err)
	}
	// O_EXCL: if another process created it first, use theirs.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		return readKey(path)
	}
	if err != nil {
		return nil, fmt.Errorf("创建密钥文件失败: %w", err)
	}
	_, werr := f.WriteString(hex.EncodeToString(key) + "\n")
	if werr == nil {
		werr = f.Sync()
	}
	if cerr := f.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		os.Remove(path) // a half-written key must not be picked up next start
		return nil, fmt.Errorf("写入密钥文件失败: %w", werr)
	}
	return key, nil
}

func readKey(path string) ([]byte, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != KeySize {
		return nil, fmt.Errorf("密钥文件 %s 格式不正确：应为%d个十六进制字符", path, 2*KeySize)
	}
	return key, nil
}
