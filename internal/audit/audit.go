// Package audit keeps the tamper-evident log: every write, login and denial, in the same
// transaction as the change, each entry chained to the previous one by an SM3 hash, keyed
// (HMAC-SM3, key outside the database) from the marker entry on, and anchored outside the
// database by SM2-signed checkpoints.
package audit

import (
	"context"
	"crypto/hmac"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/emmansun/gmsm/sm3"

	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/secure"
)

// Actor is who acts: set on the request context by the auth middleware.
type Actor struct {
	UserID   string
	Username string
	OrganID  string
	IP       string
}

type actorKey struct{}

// WithActor attaches the actor to ctx.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor of ctx (zero for the system itself).
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}

// Entry is one audited event. Detail is stored as JSON (e.g. Changes for before/after).
type Entry struct {
	Action     string // login, login_failed, logout, denied, export, create, update, transition …
	ObjectType string
	ObjectID   string
	Detail     any
}

// Change is the before/after of one field.
type Change struct {
	Before any `json:"before"`
	After  any `json:"after"`
}

// Changes lists the fields that differ between before and after.
func Changes(before, after map[string]any) map[string]Change {
	out := map[string]Change{}
	for k, a := range after {
		if b, ok := before[k]; !ok || fmt.Sprint(b) != fmt.Sprint(a) {
			out[k] = Change{Before: before[k], After: a}
		}
	}
	for k, b := range before {
		if _, ok := after[k]; !ok {
			out[k] = Change{Before: b}
		}
	}
	return out
}

// Row is a stored entry.
type Row struct {
	Seq        int64
	At         string
	UserID     string
	Username   string
	OrganID    string
	IP         string
	Action     string
	ObjectType string
	ObjectID   string
	Detail     string
	PrevHash   string
	Hash       string
}

// ComputeHash is the plain chain hash of the row: SM3 over the previous hash and every field.
// Entries before the chain's keyed_from are hashed this way.
func (r Row) ComputeHash() string {
	return secure.SM3Hex(r.parts()...)
}

// HashWith is the row's hash under key: HMAC-SM3 over the same encoding, or ComputeHash when key is nil.
func (r Row) HashWith(key []byte) string {
	if key == nil {
		return r.ComputeHash()
	}
	m := hmac.New(sm3.New, key)
	var n [8]byte
	for _, p := range r.parts() {
		// Same length-prefixed layout as secure.SM3Hex, so only the key tells the schemes apart.
		binary.BigEndian.PutUint64(n[:], uint64(len(p)))
		m.Write(n[:])
		m.Write(p)
	}
	return hex.EncodeToString(m.Sum(nil))
}

func (r Row) parts() [][]byte {
	return [][]byte{[]byte(r.PrevHash), []byte(strconv.FormatInt(r.Seq, 10)), []byte(r.At),
		[]byte(r.UserID), []byte(r.Username), []byte(r.OrganID), []byte(r.IP), []byte(r.Action),
		[]byte(r.ObjectType), []byte(r.ObjectID), []byte(r.Detail)}
}

// head is the audit_head row: the last entry and, once keyed, from which entry and with which key.
type head struct {
	Seq       int64
	Hash      string
	KeyedFrom int64
	KeyID     string
}

func lockHead(ctx context.Context, tx *db.Tx) (head, error) {
	lock := `SELECT seq, hash, keyed_from, key_id FROM audit_head WHERE id = 1`
	if tx.Dialect() == db.Postgres {
		// Writers serialise here only for the moment of appending; SQLite's single writer already does.
		lock += ` FOR UPDATE`
	}
	var h head
	if err := tx.QueryRowContext(ctx, lock).Scan(&h.Seq, &h.Hash, &h.KeyedFrom, &h.KeyID); err != nil {
		return h, fmt.Errorf("读取审计链头失败：%w", err)
	}
	return h, nil
}

// Record appends e to the chain inside tx; it commits or rolls back with the change it records.
func Record(ctx context.Context, tx *db.Tx, e Entry) error {
	h, err := lockHead(ctx, tx)
	if err != nil {
		return err
	}
	var key []byte
	if h.KeyedFrom > 0 {
		if key = keyByID(h.KeyID); key == nil {
			return fmt.Errorf("审计密钥（编号 %s）未加载，不能写入审计日志", h.KeyID)
		}
	}
	return appendEntry(ctx, tx, h, e, key)
}

func appendEntry(ctx context.Context, tx *db.Tx, h head, e Entry, key []byte) error {
	detail := ""
	if e.Detail != nil {
		b, err := json.Marshal(e.Detail)
		if err != nil {
			return fmt.Errorf("审计详情无法编码：%w", err)
		}
		detail = string(b)
	}
	a := ActorFrom(ctx)
	r := Row{Seq: h.Seq + 1, At: db.Now(), PrevHash: h.Hash}
	r.UserID, r.Username, r.OrganID, r.IP = a.UserID, a.Username, a.OrganID, a.IP
	r.Action, r.ObjectType, r.ObjectID, r.Detail = e.Action, e.ObjectType, e.ObjectID, detail
	r.Hash = r.HashWith(key)
	if err := tx.Exec(ctx, `INSERT INTO audit_log (seq, at, user_id, username, organ_id, ip, action, object_type, object_id, detail, prev_hash, hash)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		r.Seq, r.At, r.UserID, r.Username, r.OrganID, r.IP, r.Action, r.ObjectType, r.ObjectID, r.Detail, r.PrevHash, r.Hash); err != nil {
		return fmt.Errorf("写入审计日志失败：%w", err)
	}
	return tx.Exec(ctx, `UPDATE audit_head SET seq = ?, hash = ?, keyed_from = ?, key_id = ? WHERE id = 1`, r.Seq, r.Hash, h.KeyedFrom, h.KeyID)
}

// Log records e in a transaction of its own (logins, denials, exports: events without a data change).
func Log(ctx context.Context, d *db.DB, e Entry) error {
	return d.Tx(ctx, func(tx *db.Tx) error { return Record(ctx, tx, e) })
}
