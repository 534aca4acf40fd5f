package normdoc

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/docgen"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/review"
	"github.com/fazhi/fazhi/internal/stats"
)

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
	FilingRate      stats.Percent                 `json:"filing_rate"`
	Cleanup         CleanupCounts                 `json:"cleanup"`
	InForce         int                           `json:"in_force"`

	reviewFigures []stats.Figure // review.Counts as figures
	figures       []stats.Figure // this module's own figures
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
	st.reviewFigures = rc.Figures(review.StatsURL(o.ID, year))
	sub, subArgs := org.WithinSQL("d.organ_id", o.Path)
	rootID := subArgs[0]
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM normdocs d WHERE `+sub+` AND d.published_on >= ? AND d.published_on <= ?`, rootID, from, to).Scan(&st.Published); err != nil {
		return nil, err
	}
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN late = 0 THEN 1 ELSE 0 END), 0) FROM (
			SELECT f.doc_id, SUM(CASE WHEN f.sent_on <> '' AND f.sent_on <= f.due_on THEN 0 ELSE 1 END) AS late
			FROM normdoc_filings f JOIN normdocs d ON d.id = f.doc_id
			WHERE `+sub+` AND f.due_on >= ? AND f.due_on <= ? GROUP BY f.doc_id) x`, rootID, from, asOf.String()).Scan(&st.FilingDue, &st.FiledOnTime); err != nil {
		return nil, err
	}
	st.FilingRate = stats.Rate(st.FiledOnTime, st.FilingDue)
	rows, err := s.db.QueryContext(ctx, `SELECT i.decision, COUNT(*) FROM normdoc_cleanup_items i JOIN normdoc_cleanups c ON c.id = i.cleanup_id JOIN normdocs d ON d.id = i.doc_id
		WHERE `+sub+` AND c.state = 'closed' AND c.closed_on >= ? AND c.closed_on <= ? GROUP BY i.decision`, rootID, from, to)
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
		AND (d.ended_on = '' OR d.ended_on > ?) AND (d.expires_on = '' OR d.expires_on >= ?)`, rootID, day, day, day).Scan(&st.InForce)
	st.figures = st.ownFigures(o.ID)
	return st, err
}

// Sources of the normdoc figures.
const (
	srcPublish = "国办发〔2018〕37号（向社会公开发布）；legal-rules.md §4"
	srcFiling  = "legal-rules.md §4（备案期限，按本地规定）"
	srcRate    = "legal-rules.md “Decisions” 6（备案率）"
	srcCleanup = "国办发〔2018〕37号（清理）；legal-rules.md §4（有效期）"
)

// ownFigures are the register's figures, in report order. Published documents link to the public
// database filtered to exactly them; the others to the statistics page.
func (st *Stats) ownFigures(organID string) []stats.Figure {
	page := review.StatsURL(organID, st.Year)
	published := "/public/normdocs?" + url.Values{"organ": {organID}, "below": {"1"}, "year": {strconv.Itoa(st.Year)}}.Encode()
	scope := "（制定机关为本机关及下级）"
	return []stats.Figure{
		stats.Count("normdoc_published", "公布规范性文件（件）", st.Published, "公布日期在本年度的规范性文件"+scope, srcPublish, published),
		stats.Count("normdoc_filing_due", "应报备案（件）", st.FilingDue, "备案期限届满于本年度（本年截至今日）的文件"+scope, srcFiling, page),
		stats.Count("normdoc_filed_on_time", "按时报备（件）", st.FiledOnTime, "上述文件中在期限内报送全部备案机关的件数", srcFiling, page),
		stats.RateOf("normdoc_filing_rate", "备案率", st.FiledOnTime, st.FilingDue, "按时报备 ÷ 应报备案", srcRate, page),
		stats.Count("normdoc_cleanup_kept", "清理：继续有效", st.Cleanup.Kept, "本年度结束的清理工作中决定继续有效的文件", srcCleanup, page),
		stats.Count("normdoc_cleanup_amended", "清理：修改", st.Cleanup.Amended, "本年度结束的清理工作中决定修改的文件", srcCleanup, page),
		stats.Count("normdoc_cleanup_repealed", "清理：废止", st.Cleanup.Repealed, "本年度结束的清理工作中决定废止的文件", srcCleanup, page),
		stats.Count("normdoc_cleanup_expired", "清理：失效", st.Cleanup.Expired, "本年度结束的清理工作中宣布失效的文件", srcCleanup, page),
		stats.Count("normdoc_in_force", "现行有效文件（截至"+st.AsOf+"）", st.InForce, "截至年末（本年为今日）已公布、已施行、未废止且未届满有效期的文件"+scope,
			"legal-rules.md §4（有效期）", page),
	}
}

// Figures are every figure of the statistics page in order: the review figures, then the register's.
func (st *Stats) Figures() []stats.Figure {
	return append(append([]stats.Figure(nil), st.reviewFigures...), st.figures...)
}

// Figures are the year's register figures of organ and the organs below it (a 司法局 stands for its
// government): the module.Reporting seam. The review figures are the review module's own.
func (s *Service) Figures(ctx context.Context, organ org.Organ, year int) ([]stats.Figure, error) {
	if organ.Kind == org.KindJustice {
		if gov, ok := s.org.GovernmentOf(organ); ok {
			organ = gov
		}
	}
	st, err := s.Stats(ctx, organ, year)
	if err != nil {
		return nil, err
	}
	return st.figures, nil
}

// Figures is the module.Reporting seam (the annual report).
func (m *Module) Figures(ctx context.Context, organ org.Organ, year int) ([]stats.Figure, error) {
	return m.svc.Figures(ctx, organ, year)
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
	stats.CLIFlags(fs, &a.Organ, &a.Year, &a.Format, "机关代码（司法局按其所属人民政府统计）")
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

// ReviewRow is one kind's review figures in the columns of the page's table, with the kind's basis.
type ReviewRow struct {
	Label, Source string
	Cells         []stats.Figure // submitted, concluded, each conclusion, on time
}

// ReviewColumns are the figure suffixes of the review table's columns (review.KindKey).
var ReviewColumns = []string{"submitted", "concluded", string(review.Agree), string(review.AgreeAmended), string(review.Disagree), string(review.Defer), "on_time"}

// ReviewRows lists the review figures by kind in display order, taken from the Figures.
func (st *Stats) ReviewRows() []ReviewRow {
	var out []ReviewRow
	for _, k := range review.Kinds {
		row := ReviewRow{Label: k.Label(), Source: k.Basis()}
		for _, c := range ReviewColumns {
			f, _ := stats.Find(st.reviewFigures, review.KindKey(k, c))
			row.Cells = append(row.Cells, f)
		}
		out = append(out, row)
	}
	return out
}

// FigureRow is a figure on the page, with the link to its records when that is not the page itself.
type FigureRow struct {
	stats.Figure
	List string
}

// FigureRows are the figures below the review table: the opinions, then the register's figures.
func (st *Stats) FigureRows() []FigureRow {
	var out []FigureRow
	add := func(f stats.Figure) {
		r := FigureRow{Figure: f}
		if !strings.HasPrefix(f.Link, "/normdoc/stats") {
			r.List = f.Link
		}
		out = append(out, r)
	}
	for _, f := range st.reviewFigures {
		if f.Key == "review_opinions_given" || f.Key == "review_opinions_adopted" {
			add(f)
		}
	}
	for _, f := range st.figures {
		add(f)
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

// Lines are the figures as label/value rows, for text output (the page and the XLSX summary add
// each figure's formula and source).
func (st *Stats) Lines() [][2]string {
	var out [][2]string
	for _, f := range st.Figures() {
		out = append(out, [2]string{f.Label, f.Text()})
	}
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
	sum := docgen.Sheet{Name: "汇总", Title: fmt.Sprintf("%s %d 年合法性审查与规范性文件统计", st.Organ, st.Year), Header: []string{"指标", "数值", "计算方法", "依据"},
		Widths: []float64{30, 20, 60, 40}}
	for _, f := range st.Figures() {
		sum.Rows = append(sum.Rows, []any{f.Label, f.Text(), f.Formula, f.Source})
	}
	byKind := docgen.Sheet{Name: "合法性审查", Header: []string{"类别", "报送审查", "出具审核意见", "同意", "修改后同意", "不同意", "暂缓", "按期出具", "依据"}}
	for _, r := range st.ReviewRows() {
		row := []any{r.Label}
		for _, c := range r.Cells {
			row = append(row, int(c.Value))
		}
		byKind.Rows = append(byKind.Rows, append(row, r.Source))
	}
	return []docgen.Sheet{sum, byKind}
}
