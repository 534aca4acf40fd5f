package audit

import (
	"context"
	"fmt"

	"github.com/fazhi/fazhi/internal/db"
)

// VerifyResult tells whether the chain is intact and, if not, where it first breaks.
type VerifyResult struct {
	Entries     int64
	OK          bool
	BadSeq      int64  // first entry that does not verify (0 when OK)
	Reason      string // Chinese explanation
	KeyedFrom   int64  // first HMAC-SM3 entry (0: the chain is not keyed)
	Checkpoints int    // signed checkpoints the chain was compared with
}

// Anchor is what Verify compares the database with that the database cannot rewrite.
type Anchor struct {
	// Key is the chain key from keys/audit.key. When set, the chain must be keyed with it:
	// a chain recomputed with plain SM3 (keyed_from reset) or another key fails.
	Key []byte
	// Checkpoints are signature-checked checkpoints (ReadCheckpoints), oldest first.
	Checkpoints []Checkpoint
}

// Verify walks the whole chain with the key the process holds (UseKey) and no checkpoints.
func Verify(ctx context.Context, q db.Querier) (VerifyResult, error) {
	return VerifyWith(ctx, q, Anchor{})
}

// VerifyWith walks the whole chain in order. Editing an entry changes its hash; deleting one
// leaves a gap in seq or a broken prev_hash; reordering breaks both; cutting the tail disagrees
// with the head. Against the anchor: recomputing keyed entries needs the key; truncating the
// tail and rewriting the head, or emptying the log, disagrees with a signed checkpoint.
func VerifyWith(ctx context.Context, q db.Querier, an Anchor) (VerifyResult, error) {
	var res VerifyResult
	var h head
	if err := q.QueryRowContext(ctx, `SELECT seq, hash, keyed_from, key_id FROM audit_head WHERE id = 1`).
		Scan(&h.Seq, &h.Hash, &h.KeyedFrom, &h.KeyID); err != nil {
		return res, err
	}
	res.KeyedFrom = h.KeyedFrom
	fail := func(seq int64, format string, a ...any) {
		if res.BadSeq == 0 {
			res.BadSeq, res.Reason = seq, fmt.Sprintf(format, a...)
		}
	}
	// Problems with the key are reported last: a break in the chain or a checkpoint says more.
	var keyProblem func()
	key := an.Key
	switch {
	case key != nil && h.KeyedFrom == 0:
		keyProblem = func() {
			fail(1, "审计密钥已存在，但链头没有记录带密钥哈希的起点（链被不持密钥者重算或链头被改写）")
		}
	case key != nil && h.KeyID != KeyID(key):
		keyProblem = func() {
			fail(h.KeyedFrom, "链头记录的密钥编号 %s 与密钥文件（%s）不符（链被改写，或密钥文件不是本库的）", h.KeyID, KeyID(key))
		}
	case key == nil && h.KeyedFrom > 0:
		if key = keyByID(h.KeyID); key == nil {
			return res, fmt.Errorf("缺少审计密钥（编号 %s），无法校验第 %d 条起的带密钥哈希", h.KeyID, h.KeyedFrom)
		}
	}
	if h.KeyedFrom == 0 {
		key = nil
	}
	at := map[int64][]Checkpoint{}
	for _, c := range an.Checkpoints {
		at[c.Seq] = append(at[c.Seq], c)
	}

	rows, err := q.QueryContext(ctx, `SELECT seq, at, user_id, username, organ_id, ip, action, object_type, object_id, detail, prev_hash, hash FROM audit_log ORDER BY seq`)
	if err != nil {
		return res, err
	}
	defer rows.Close()
	var prevSeq int64
	prevHash := ""
	for rows.Next() {
		var r Row
		if err := rows.Scan(&r.Seq, &r.At, &r.UserID, &r.Username, &r.OrganID, &r.IP, &r.Action, &r.ObjectType, &r.ObjectID, &r.Detail, &r.PrevHash, &r.Hash); err != nil {
			return res, err
		}
		res.Entries++
		var k []byte
		if h.KeyedFrom > 0 && r.Seq >= h.KeyedFrom {
			k = key
		}
		switch {
		case r.Seq != prevSeq+1:
			fail(r.Seq, "第 %d 条之前缺少第 %d 条（记录被删除）", r.Seq, prevSeq+1)
		case r.PrevHash != prevHash:
			fail(r.Seq, "第 %d 条的前序哈希与第 %d 条不符（记录被删除或调换顺序）", r.Seq, prevSeq)
		case r.HashWith(k) != r.Hash:
			if k != nil {
				fail(r.Seq, "第 %d 条的内容与其带密钥哈希不符（记录被篡改，或链被不持密钥者重算）", r.Seq)
			} else {
				fail(r.Seq, "第 %d 条的内容与其哈希不符（记录被篡改）", r.Seq)
			}
		case r.Seq == h.KeyedFrom && r.Action != MarkerAction:
			fail(r.Seq, "第 %d 条应为带密钥哈希的起点标记，实为 %q（链头被改写）", r.Seq, r.Action)
		}
		for _, c := range at[r.Seq] {
			if c.Hash != r.Hash {
				fail(r.Seq, "第 %d 条的哈希与 %s 的签名检查点不符（记录被替换或链被重算）", r.Seq, c.At)
			}
		}
		prevSeq, prevHash = r.Seq, r.Hash
	}
	if err := rows.Err(); err != nil {
		return res, err
	}
	if h.Seq != prevSeq || h.Hash != prevHash {
		fail(prevSeq+1, "链头记录到第 %d 条，但日志只到第 %d 条（末尾记录被删除）", h.Seq, prevSeq)
	}
	for _, c := range an.Checkpoints {
		res.Checkpoints++
		if c.Seq > prevSeq {
			fail(prevSeq+1, "%s 的签名检查点记录到第 %d 条，但日志只到第 %d 条（末尾记录被删除或日志被清空）", c.At, c.Seq, prevSeq)
		}
		if c.KeyedFrom != 0 && (c.KeyedFrom != h.KeyedFrom || c.KeyID != h.KeyID) {
			fail(c.KeyedFrom, "签名检查点记录从第 %d 条起使用密钥 %s，链头却为第 %d 条、密钥 %s（链头被改写）", c.KeyedFrom, c.KeyID, h.KeyedFrom, h.KeyID)
		}
	}
	if keyProblem != nil {
		keyProblem()
	}
	res.OK = res.BadSeq == 0
	return res, nil
}
