package disclosure

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/litigation"
	"github.com/fazhi/fazhi/internal/reconsider"
)

// Follow-on disputes linked to fazhi's own cases (issue item 4): a linked reconsideration or
// litigation case gives table 四 its current result, so deciding the case changes the report
// without anyone re-entering it; hand-entered results stay for external cases.

// LitigationLookup finds fazhi's litigation case of a docket that p may see ("" when none).
type LitigationLookup func(ctx context.Context, p *auth.Principal, docket string) (string, error)

// DisputeResults read the current results of linked fazhi cases, by case id. A nil function means
// the module is not listed: the stored (hand-entered) result counts.
type DisputeResults struct {
	Reconsideration func(ctx context.Context, q db.Querier, ids []string) (map[string]string, error)
	Litigation      func(ctx context.Context, q db.Querier, ids []string) (map[string]Litigation, error)
}

// ReconsiderResult is a reconsideration case's column of table 四 (legal-rules-2 §(d).4): 维持, and
// 驳回复议请求 — a decision on the merits that leaves the organ's answer standing, counted as 维持 as
// 判决驳回诉讼请求 is below and as 行诉法解释第一百三十三条 treats it; 纠正 = 撤销, 部分撤销, 变更,
// 确认违法, 确认无效, 责令履行 (and 行政协议 liability or compensation); 其他 = 驳回申请 (procedural),
// 调解, 终止, and applications not accepted or otherwise disposed of; 尚未审结 while the case is open.
func ReconsiderResult(state reconsider.State, o reconsider.Outcome) string {
	switch state {
	case reconsider.StateConcluded:
		switch {
		case o == reconsider.Uphold || o == reconsider.DismissRequest:
			return DisputeUpheld
		case o.DirectCorrection():
			return DisputeCorrected
		}
		return DisputeOther
	case reconsider.StateNotAccepted, reconsider.StateOther:
		return DisputeOther
	}
	return DisputePending
}

// LitigationResult is a lawsuit's column of table 四 from its latest instance: 判决驳回诉讼请求 is
// 维持; the judgments the defendant loses (撤销, 变更, 确认违法/无效, 履行, 给付, 赔偿) 纠正; 裁定驳回起诉,
// 撤诉, 调解, 终结 其他; an open instance, or one appealed whose next instance is not yet entered,
// 尚未审结.
func LitigationResult(state litigation.State, o litigation.Outcome) string {
	switch {
	case o == "" || state.Open() || state == litigation.StateAppealed:
		return DisputePending
	case o == litigation.DismissClaim:
		return DisputeUpheld
	case o.Lost():
		return DisputeCorrected
	}
	return DisputeOther
}

func placeholderList(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

func anyArgs(ids []string) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// reconsiderResults reads the linked reconsideration cases.
func reconsiderResults(ctx context.Context, q db.Querier, ids []string) (map[string]string, error) {
	out := map[string]string{}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		rows, err := q.QueryContext(ctx, `SELECT id, state, outcome FROM reconsider_cases WHERE id IN (`+placeholderList(n)+`)`, anyArgs(ids[:n])...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, state, outcome string
			if err := rows.Scan(&id, &state, &outcome); err != nil {
				rows.Close()
				return nil, err
			}
			out[id] = ReconsiderResult(reconsider.State(state), reconsider.Outcome(outcome))
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		ids = ids[n:]
	}
	return out, nil
}

// litigationResults reads the linked lawsuits: the whole matter (一审, 二审, 再审) of each linked
// instance, its latest instance's result, and whether the suit followed a reconsideration.
func litigationResults(ctx context.Context, q db.Querier, ids []string) (map[string]Litigation, error) {
	rank := map[string]int{string(litigation.First): 1, string(litigation.Second): 2, string(litigation.Retrial): 3}
	type latest struct {
		rank      int
		created   string
		state     string
		outcome   string
		reconsidd bool
	}
	seen := map[string]*latest{}
	for len(ids) > 0 {
		n := min(len(ids), 500)
		rows, err := q.QueryContext(ctx, `SELECT c.id, m.instance, m.state, m.outcome, m.reconsidered, m.created_at FROM litigation_cases c
			JOIN litigation_cases m ON m.matter_id = c.matter_id WHERE c.id IN (`+placeholderList(n)+`)`, anyArgs(ids[:n])...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var id, inst, state, outcome, created string
			var recon int
			if err := rows.Scan(&id, &inst, &state, &outcome, &recon, &created); err != nil {
				rows.Close()
				return nil, err
			}
			l := seen[id]
			if l == nil {
				l = &latest{}
				seen[id] = l
			}
			l.reconsidd = l.reconsidd || recon == 1
			if r := rank[inst]; r > l.rank || (r == l.rank && created > l.created) {
				l.rank, l.created, l.state, l.outcome = r, created, state, outcome
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		ids = ids[n:]
	}
	out := make(map[string]Litigation, len(seen))
	for id, l := range seen {
		out[id] = Litigation{AfterReconsideration: l.reconsidd, Result: LitigationResult(litigation.State(l.state), litigation.Outcome(l.outcome))}
	}
	return out, nil
}

// litigationLookup finds the litigation case of a 案号 (any spelling litigation.ParseDocket reads)
// among the cases whose defendant, or a co-defendant, is an organ p covers.
func litigationLookup(d db.Querier) LitigationLookup {
	return func(ctx context.Context, p *auth.Principal, ref string) (string, error) {
		dk, err := litigation.ParseDocket(ref)
		if err != nil {
			return "", nil
		}
		f, a := p.ScopeSQL("organ_id", "")
		pf, pa := p.ScopeSQL("lp.organ_id", "")
		var id string
		err = d.QueryRowContext(ctx, `SELECT id FROM litigation_cases WHERE docket = ? AND (`+f+` OR id IN (SELECT lp.case_id FROM litigation_parties lp WHERE lp.organ_id <> '' AND `+pf+`))
			ORDER BY created_at LIMIT 1`, append(append([]any{dk.String()}, a...), pa...)...).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return "", nil
		}
		return id, err
	}
}

// liveDisputes replaces the stored results of linked cases with their current ones.
func (s *Service) liveDisputes(ctx context.Context, q db.Querier, rs ...*Request) error {
	var recon, lit []string
	for _, r := range rs {
		if r.ReconsiderCaseID != "" {
			recon = append(recon, r.ReconsiderCaseID)
		}
		if r.LitigationCaseID != "" {
			lit = append(lit, r.LitigationCaseID)
		}
	}
	rm, lm, err := s.linkedResults(ctx, q, recon, lit)
	if err != nil {
		return err
	}
	for _, r := range rs {
		if v, ok := rm[r.ReconsiderCaseID]; ok && r.ReconsiderCaseID != "" {
			r.Reconsideration = v
		}
		if v, ok := lm[r.LitigationCaseID]; ok && r.LitigationCaseID != "" {
			r.Litigation = v
		}
	}
	return nil
}

// linkedResults reads the current results of the linked cases; nil maps when none or not listed.
func (s *Service) linkedResults(ctx context.Context, q db.Querier, recon, lit []string) (map[string]string, map[string]Litigation, error) {
	var rm map[string]string
	var lm map[string]Litigation
	var err error
	if len(recon) > 0 && s.results.Reconsideration != nil {
		if rm, err = s.results.Reconsideration(ctx, q, recon); err != nil {
			return nil, nil, err
		}
	}
	if len(lit) > 0 && s.results.Litigation != nil {
		if lm, err = s.results.Litigation(ctx, q, lit); err != nil {
			return nil, nil, err
		}
	}
	return rm, lm, nil
}
