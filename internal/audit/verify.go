package audit

import (
	"context"
	"fmt"

	"github.com/fazhi/fazhi/internal/db"
)

// VerifyResult tells whether the chain is intact and, if not, where it first breaks.
type VerifyResult struct {
	Entries int64
	OK      bool
	BadSeq  int64  // first entry that does not verify (0 when OK)
	Reason  string // Chinese explanation
}

// Verify walks the whole chain in order. Editing an entry changes its hash; deleting one leaves
// a gap in seq or a broken prev_hash; reordering breaks both; cutting the tail disagrees with the head.
func Verify(ctx context.Context, q db.Querier) (VerifyResult, error) {
	rows, err := q.QueryContext(ctx, `SELECT seq, at, user_id, username, organ_id, ip, action, object_type, object_id, detail, prev_hash, hash FROM audit_log ORDER BY seq`)
	if err != nil {
		return VerifyResult{}, err
	}
	defer rows.Close()
	var res VerifyResult
	var prevSeq int64
	prevHash := ""
	fail := func(seq int64, format string, a ...any) {
		if res.BadSeq == 0 {
			res.BadSeq, res.Reason = seq, fmt.Sprintf(format, a...)
		}
	}
	for rows.Next() {
		var r Row
		if err := rows.Scan(&r.Seq, &r.At, &r.UserID, &r.Username, &r.OrganID, &r.IP, &r.Action, &r.ObjectType, &r.ObjectID, &r.Detail, &r.PrevHash, &r.Hash); err != nil {
			return res, err
		}
		res.Entries++
		switch {
		case r.Seq != prevSeq+1:
			fail(r.Seq, "第 %d 条之前缺少第 %d 条（记录被删除）", r.Seq, prevSeq+1)
		case r.PrevHash != prevHash:
			fail(r.Seq, "第 %d 条的前序哈希与第 %d 条不符（记录被删除或调换顺序）", r.Seq, prevSeq)
		case r.ComputeHash() != r.Hash:
			fail(r.Seq, "第 %d 条的内容与其哈希不符（记录被篡改）", r.Seq)
		}
		prevSeq, prevHash = r.Seq, r.Hash
	}
	if err := rows.Err(); err != nil {
		return res, err
	}
	var headSeq int64
	var headHash string
	if err := q.QueryRowContext(ctx, `SELECT seq, hash FROM audit_head WHERE id = 1`).Scan(&headSeq, &headHash); err != nil {
		return res, err
	}
	if headSeq != prevSeq || headHash != prevHash {
		fail(prevSeq+1, "链头记录到第 %d 条，但日志只到第 %d 条（末尾记录被删除）", headSeq, prevSeq)
	}
	res.OK = res.BadSeq == 0
	return res, nil
}
