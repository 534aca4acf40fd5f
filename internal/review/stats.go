package review

import (
	"context"
	"fmt"
	"net/url"
	"strconv"

	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/stats"
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
	byOrgan, args := org.WithinSQL("r.organ_id", organPath)
	bySubmitter, _ := org.WithinSQL("r.submitter_organ_id", organPath)
	in, rootID := "("+byOrgan+" OR "+bySubmitter+")", args[0]
	rows, err := s.db.QueryContext(ctx, `SELECT r.kind, COUNT(*) FROM review_requests r WHERE `+in+` AND r.submitted_on >= ? AND r.submitted_on <= ? GROUP BY r.kind`, rootID, rootID, from, to)
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
		FROM review_requests r WHERE `+in+` AND r.state = 'concluded' AND r.concluded_on >= ? AND r.concluded_on <= ? GROUP BY r.kind, r.conclusion`, rootID, rootID, from, to)
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
		WHERE `+in+` AND o.final_no > 0 AND r.state = 'concluded' AND r.concluded_on >= ? AND r.concluded_on <= ?`, rootID, rootID, from, to).
		Scan(&c.OpinionsGiven, &c.OpinionsAdopted, &c.OpinionsPartly, &c.OpinionsRefused)
	return c, err
}

// The scope of every review figure: a request counts for an organ when the reviewing organ or the
// submitting organ is the organ or below it.
const scopeNote = "（审查机关或报送单位为本机关及下级）"

// KindKey is the figure key of one kind's figure: review_normdoc_submitted, review_contract_agree.
func KindKey(k Kind, what string) string { return "review_" + string(k) + "_" + what }

// Figures are the counts as platform figures, in report order: per kind the requests submitted,
// the 审核意见书 issued, by conclusion, and those issued within the period; then the opinions.
// Each kind's source is the basis of its review; link is where the records are summed up.
func (c Counts) Figures(link string) []stats.Figure {
	var fs []stats.Figure
	for _, k := range Kinds {
		kc := c.ByKind[k]
		if kc == nil {
			kc = &KindCounts{}
		}
		src := k.Basis()
		fs = append(fs,
			stats.Count(KindKey(k, "submitted"), k.Label()+"：报送审查", kc.Submitted, "首次报送日期在本年度的审查事项（含撤回）"+scopeNote, src, link),
			stats.Count(KindKey(k, "concluded"), k.Label()+"：出具审核意见", kc.Concluded, "审核意见书日期在本年度的审查事项"+scopeNote, src, link))
		for _, con := range Conclusions {
			fs = append(fs, stats.Count(KindKey(k, string(con)), k.Label()+"：审核意见“"+con.Label()+"”", kc.ByConclusion[string(con)],
				"本年度出具的审核意见书中结论为“"+con.Label()+"”的件数", src, link))
		}
		fs = append(fs, stats.Count(KindKey(k, "on_time"), k.Label()+"：按期出具", kc.OnTime, "本年度出具、且不晚于审查期限的审核意见书", src, link))
	}
	return append(fs,
		stats.Count("review_opinions_given", "提出审核意见（条）", c.OpinionsGiven, "本年度出具的审核意见书所列编号意见条数"+scopeNote,
			"国办发〔2018〕115号；legal-rules.md §4", link),
		stats.Count("review_opinions_adopted", "意见被采纳（含部分采纳，条）", c.OpinionsAdopted, "上述意见中送审单位答复采纳或部分采纳的条数",
			"国办发〔2018〕115号；legal-rules.md §4", link))
}

// StatsURL is the page that shows the review figures of an organ and year (the statistics of
// 合法性审查与规范性文件; the review list cannot filter by organ subtree).
func StatsURL(organID string, year int) string {
	return "/normdoc/stats?" + url.Values{"organ": {organID}, "year": {strconv.Itoa(year)}}.Encode()
}

// Figures are the year's review figures of organ and the organs below it; a 司法局 stands for its
// government (whose departments submit to it).
func (s *Service) Figures(ctx context.Context, organ org.Organ, year int) ([]stats.Figure, error) {
	if organ.Kind == org.KindJustice {
		if gov, ok := s.org.GovernmentOf(organ); ok {
			organ = gov
		}
	}
	c, err := s.Counts(ctx, organ.Path, year)
	if err != nil {
		return nil, err
	}
	return c.Figures(StatsURL(organ.ID, year)), nil
}

// Figures is the module.Reporting seam (the annual report).
func (m *Module) Figures(ctx context.Context, organ org.Organ, year int) ([]stats.Figure, error) {
	return m.svc.Figures(ctx, organ, year)
}
