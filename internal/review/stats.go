package review

import (
	"context"
	"fmt"
)

// KindCounts are the yearly figures of one kind of review.
type KindCounts struct {
	Submitted    int            `json:"submitted"`     // requests first submitted in the year (withdrawn ones included)
	Concluded    int            `json:"concluded"`     // 审核意见书 issued in the year
	ByConclusion map[string]int `json:"by_conclusion"` // concluded, by conclusion code (agree, agree_amended, disagree, defer)
	OnTime       int            `json:"-"`             // concluded within the review period
}

// Counts are the review figures of an organ's subtree for a year.
type Counts struct {
	ByKind          map[Kind]*KindCounts
	OpinionsGiven   int // numbered opinions in the 审核意见书 issued in the year
	OpinionsAdopted int // of those, answered 采纳 or 部分采纳
	OpinionsPartly  int
	OpinionsRefused int
}

// Counts computes the figures for the requests reviewed by, or submitted from, organs whose path
// starts with organPath, for the calendar year. Defined once here; normdoc's statistics, the UI,
// the XLSX export and the CLI use it.
func (s *Service) Counts(ctx context.Context, organPath string, year int) (Counts, error) {
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	c := Counts{ByKind: map[Kind]*KindCounts{}}
	for _, k := range Kinds {
		kc := &KindCounts{ByConclusion: map[string]int{}}
		for _, con := range Conclusions {
			kc.ByConclusion[string(con)] = 0
		}
		c.ByKind[k] = kc
	}
	in := `(r.organ_id IN (SELECT id FROM organs WHERE path LIKE ?) OR r.submitter_organ_id IN (SELECT id FROM organs WHERE path LIKE ?))`
	like := organPath + "%"
	rows, err := s.db.QueryContext(ctx, `SELECT r.kind, COUNT(*) FROM review_requests r WHERE `+in+` AND r.submitted_on >= ? AND r.submitted_on <= ? GROUP BY r.kind`, like, like, from, to)
	if err != nil {
		return c, err
	}
	for rows.Next() {
		var k Kind
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			rows.Close()
			return c, err
		}
		if kc := c.ByKind[k]; kc != nil {
			kc.Submitted = n
		}
	}
	rows.Close()
	rows, err = s.db.QueryContext(ctx, `SELECT r.kind, r.conclusion, COUNT(*), SUM(CASE WHEN r.review_due <> '' AND r.concluded_on <= r.review_due THEN 1 ELSE 0 END)
		FROM review_requests r WHERE `+in+` AND r.state = 'concluded' AND r.concluded_on >= ? AND r.concluded_on <= ? GROUP BY r.kind, r.conclusion`, like, like, from, to)
	if err != nil {
		return c, err
	}
	for rows.Next() {
		var k Kind
		var con string
		var n, onTime int
		if err := rows.Scan(&k, &con, &n, &onTime); err != nil {
			rows.Close()
			return c, err
		}
		if kc := c.ByKind[k]; kc != nil {
			kc.Concluded += n
			kc.OnTime += onTime
			kc.ByConclusion[con] += n
		}
	}
	rows.Close()
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN o.answer = 'adopted' OR o.answer = 'partly' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN o.answer = 'partly' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN o.answer = 'rejected' THEN 1 ELSE 0 END), 0)
		FROM review_opinions o JOIN review_requests r ON r.id = o.review_id
		WHERE `+in+` AND o.final_no > 0 AND r.state = 'concluded' AND r.concluded_on >= ? AND r.concluded_on <= ?`, like, like, from, to).
		Scan(&c.OpinionsGiven, &c.OpinionsAdopted, &c.OpinionsPartly, &c.OpinionsRefused)
	return c, err
}
