package normdoc

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/docgen"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/review"
)

// Rate is a percentage, printed with two decimals (16.33), computed from exact counts.
type Rate float64

// MarshalJSON writes two decimals.
func (r Rate) MarshalJSON() ([]byte, error) { return []byte(fmt.Sprintf("%.2f", float64(r))), nil }

// String is 16.33%.
func (r Rate) String() string { return fmt.Sprintf("%.2f%%", float64(r)) }

func rate(num, den int) Rate {
	if den == 0 {
		return 0
	}
	return Rate(float64(num) * 100 / float64(den))
}

// CleanupCounts are the decisions applied by the cleanup campaigns closed in the year.
type CleanupCounts struct {
	Kept     int `json:"kept"`
	Amended  int `json:"amended"`
	Repealed int `json:"repealed"`
	Expired  int `json:"expired"`
}

// Stats are the yearly figures of an organ and the organs below it. Every figure is defined here,
// once; the CLI (fazhi stats normdoc), the statistics page and its XLSX export print this struct.
//
//   - reviews: per kind, requests first submitted in the year; 审核意见书 issued in the year, in total
//     and by conclusion (review.Counts). Requests count when the reviewing or the submitting organ is
//     in the subtree.
//   - opinions_given: numbered opinions of the 审核意见书 issued in the year; opinions_adopted: those
//     the department answered 采纳 or 部分采纳.
//   - published: documents of issuing organs in the subtree published in the year.
//   - filing_due: documents whose filing deadline fell in the year (up to today for the current year:
//     a deadline still running is not yet due); filed_on_time: those sent to every
//     filing body by the deadline; filing_rate = filed_on_time ÷ filing_due × 100 (备案率, legal-rules.md
//     "Decisions" 6; 0 when nothing was due).
//   - cleanup: decisions applied by the campaigns closed in the year, by outcome.
//   - in_force: documents in force at the end of the year (today for the current year).
type Stats struct {
	Organ           string                        `json:"organ"`
	OrganCode       string                        `json:"organ_code"`
	Year            int                           `json:"year"`
	AsOf            string                        `json:"as_of"`
	Reviews         map[string]*review.KindCounts `json:"reviews"`
	OpinionsGiven   int                           `json:"opinions_given"`
	OpinionsAdopted int                           `json:"opinions_adopted"`
	Published       int                           `json:"published"`
	FilingDue       int                           `json:"filing_due"`
	FiledOnTime     int                           `json:"filed_on_time"`
	FilingRate      Rate                          `json:"filing_rate"`
	Cleanup         CleanupCounts                 `json:"cleanup"`
	InForce         int                           `json:"in_force"`
}

// Stats computes the figures of organ o's subtree for year.
func (s *Service) Stats(ctx context.Context, o org.Organ, year int) (*Stats, error) {
	if year < 1949 || year > 9999 {
		return nil, fault.Invalidf("年份无效")
	}
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	asOf := calendar.MustDate(to)
	if today := s.Today(); today.Before(asOf) {
		asOf = today
	}
	st := &Stats{Organ: o.Name, OrganCode: o.Code, Year: year, AsOf: asOf.String(), Reviews: map[string]*review.KindCounts{}}
	rc, err := s.review.Counts(ctx, o.Path, year)
	if err != nil {
		return nil, err
	}
	for k, c := range rc.ByKind {
		st.Reviews[string(k)] = c
	}
	st.OpinionsGiven, st.OpinionsAdopted = rc.OpinionsGiven, rc.OpinionsAdopted
	sub := `d.organ_id IN (SELECT id FROM organs WHERE path LIKE ?)`
	like := o.Path + "%"
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM normdocs d WHERE `+sub+` AND d.published_on >= ? AND d.published_on <= ?`, like, from, to).Scan(&st.Published); err != nil {
		return nil, err
	}
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN late = 0 THEN 1 ELSE 0 END), 0) FROM (
			SELECT f.doc_id, SUM(CASE WHEN f.sent_on <> '' AND f.sent_on <= f.due_on THEN 0 ELSE 1 END) AS late
			FROM normdoc_filings f JOIN normdocs d ON d.id = f.doc_id
			WHERE `+sub+` AND f.due_on >= ? AND f.due_on <= ? GROUP BY f.doc_id) x`, like, from, asOf.String()).Scan(&st.FilingDue, &st.FiledOnTime); err != nil {
		return nil, err
	}
	st.FilingRate = rate(st.FiledOnTime, st.FilingDue)
	rows, err := s.db.QueryContext(ctx, `SELECT i.decision, COUNT(*) FROM normdoc_cleanup_items i JOIN normdoc_cleanups c ON c.id = i.cleanup_id JOIN normdocs d ON d.id = i.doc_id
		WHERE `+sub+` AND c.state = 'closed' AND c.closed_on >= ? AND c.closed_on <= ? GROUP BY i.decision`, like, from, to)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var dec Decision
		var n int
		if err := rows.Scan(&dec, &n); err != nil {
			rows.Close()
			return nil, err
		}
		switch dec {
		case Keep:
			st.Cleanup.Kept = n
		case Amend:
			st.Cleanup.Amended = n
		case Repeal:
			st.Cleanup.Repealed = n
		case Expire:
			st.Cleanup.Expired = n
		}
	}
	rows.Close()
	day := asOf.String()
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM normdocs d WHERE `+sub+` AND d.published_on <> '' AND d.effective_on <= ?
		AND (d.ended_on = '' OR d.ended_on > ?) AND (d.expires_on = '' OR d.expires_on >= ?)`, like, day, day, day).Scan(&st.InForce)
	return st, err
}

// StatsByCode is Stats for the organ with the given code (the CLI's --organ); a 司法局 stands for
// its government, whose documents it keeps.
func (s *Service) StatsByCode(ctx context.Context, code string, year int) (*Stats, error) {
	o, ok := s.org.ByCode(code)
	if !ok {
		return nil, fmt.Errorf("找不到机关代码 %s（可用 fazhi org list 查看）", code)
	}
	if o.Kind == org.KindJustice {
		if gov, ok := s.org.GovernmentOf(o); ok {
			o = gov
		}
	}
	return s.Stats(ctx, o, year)
}

// StatsArgs are the options of `fazhi stats normdoc`.
type StatsArgs struct {
	Organ  string // organ code; a 司法局 stands for its government
	Year   int
	Format string
}

// Flags registers the options on the command's flag set.
func (a *StatsArgs) Flags(fs *flag.FlagSet) {
	fs.StringVar(&a.Organ, "organ", "", "机关代码（司法局按其所属人民政府统计），见 fazhi org list")
	fs.IntVar(&a.Year, "year", calendar.Today().Year, "统计年度")
	fs.StringVar(&a.Format, "format", "text", "输出格式：text 或 json")
}

// CLIStats prints the figures of one organ (and the organs below it) and year, as JSON or text.
func CLIStats(ctx context.Context, svc *Service, a StatsArgs, out io.Writer) error {
	if a.Organ == "" {
		return errors.New("请用 --organ 指定机关代码（可用 fazhi org list 查看）")
	}
	if a.Format != "text" && a.Format != "json" {
		return errors.New("--format 只能为 text 或 json")
	}
	st, err := svc.StatsByCode(ctx, a.Organ, a.Year)
	if err != nil {
		return err
	}
	if a.Format == "json" {
		return st.WriteJSON(out)
	}
	return st.WriteText(out)
}

// ReviewRow is one kind's figures with its Chinese name, in display order (for pages).
type ReviewRow struct {
	Label string
	*review.KindCounts
}

// ReviewRows lists the review figures by kind in display order.
func (st *Stats) ReviewRows() []ReviewRow {
	var out []ReviewRow
	for _, k := range review.Kinds {
		if c := st.Reviews[string(k)]; c != nil {
			out = append(out, ReviewRow{Label: k.Label(), KindCounts: c})
		}
	}
	return out
}

// WriteJSON prints the figures as one JSON object.
func (st *Stats) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(st)
}

// Lines are the figures as label/value rows, for text output and the summary sheet.
func (st *Stats) Lines() [][2]string {
	var out [][2]string
	add := func(k string, v any) { out = append(out, [2]string{k, fmt.Sprint(v)}) }
	for _, k := range review.Kinds {
		c := st.Reviews[string(k)]
		if c == nil {
			continue
		}
		add(k.Label()+"：报送审查", c.Submitted)
		add(k.Label()+"：出具审核意见", fmt.Sprintf("%d（同意%d，修改后同意%d，不同意%d，暂缓%d）", c.Concluded,
			c.ByConclusion[string(review.Agree)], c.ByConclusion[string(review.AgreeAmended)], c.ByConclusion[string(review.Disagree)], c.ByConclusion[string(review.Defer)]))
	}
	add("提出审核意见（条）", st.OpinionsGiven)
	add("意见被采纳（含部分采纳，条）", st.OpinionsAdopted)
	add("公布规范性文件（件）", st.Published)
	add("应报备案（件）", st.FilingDue)
	add("按时报备（件）", st.FiledOnTime)
	add("备案率", st.FilingRate)
	add("清理：继续有效", st.Cleanup.Kept)
	add("清理：修改", st.Cleanup.Amended)
	add("清理：废止", st.Cleanup.Repealed)
	add("清理：失效", st.Cleanup.Expired)
	add("现行有效文件（截至"+st.AsOf+"）", st.InForce)
	return out
}

// WriteText prints the figures as a table aligned by display width (a Chinese character takes two columns).
func (st *Stats) WriteText(w io.Writer) error {
	lines := st.Lines()
	width := 0
	for _, l := range lines {
		width = max(width, displayWidth(l[0]))
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s %d 年合法性审查与规范性文件统计\n", st.Organ, st.Year)
	for _, l := range lines {
		fmt.Fprintf(&b, "  %s%s  %s\n", l[0], strings.Repeat(" ", width-displayWidth(l[0])), l[1])
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x1100 && (r <= 0x115f || r >= 0x2e80 && r <= 0xa4cf || r >= 0xac00 && r <= 0xd7a3 || r >= 0xf900 && r <= 0xfaff || r >= 0xfe30 && r <= 0xfe4f || r >= 0xff00 && r <= 0xff60 || r >= 0xffe0 && r <= 0xffe6) {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// Sheets are the figures as an XLSX workbook: the summary and the reviews by kind.
func (st *Stats) Sheets() []docgen.Sheet {
	sum := docgen.Sheet{Name: "汇总", Title: fmt.Sprintf("%s %d 年合法性审查与规范性文件统计", st.Organ, st.Year), Header: []string{"指标", "数值"}}
	for _, l := range st.Lines() {
		sum.Rows = append(sum.Rows, []any{l[0], l[1]})
	}
	byKind := docgen.Sheet{Name: "合法性审查", Header: []string{"类别", "报送审查", "出具审核意见", "同意", "修改后同意", "不同意", "暂缓", "按期出具"}}
	for _, k := range review.Kinds {
		c := st.Reviews[string(k)]
		if c == nil {
			continue
		}
		byKind.Rows = append(byKind.Rows, []any{k.Label(), c.Submitted, c.Concluded, c.ByConclusion[string(review.Agree)], c.ByConclusion[string(review.AgreeAmended)],
			c.ByConclusion[string(review.Disagree)], c.ByConclusion[string(review.Defer)], c.OnTime})
	}
	return []docgen.Sheet{sum, byKind}
}
