package reconsider

import (
	"context"
	"crypto/sha256"
	"flag"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/stats"
)

// Statistics of 行政复议, defined once here for the page, the XLSX export, the CLI and the annual report.
// Formulas: legal-rules.md §9 and "Decisions" §6 (no national definition exists; these are the defaults).
//
//	received        收到申请：收件日期 in the period
//	accepted        受理：受理日期 in the period
//	not_accepted    不予受理：state not_accepted, closed in the period
//	other_handling  其他处理（告知、转送、撤回、视为放弃）：state other, closed in the period
//	carried_over    上期结转：accepted before the period and not concluded before it started
//	concluded       审结：state concluded, closed in the period (decisions, 驳回申请, mediation, termination)
//	pending         未审结：accepted by the end of the period and not concluded by then
//	direct_correction_rate        直接纠错率 = (撤销+部分撤销+变更+确认违法+确认无效+责令履行) ÷ 审结
//	comprehensive_correction_rate 综合纠错率 = (直接纠错 + 调解 + 被申请人改变行政行为后申请人撤回的终止，和解与否不论) ÷ 审结
//	on_time_rate                  法定期限内结案率 = 结案日期 ≤ 决定期限（审结时冻结，含批准延长、扣除中止）÷ 审结
//
// carried_over + accepted = concluded + pending always holds.

// OutcomeCounts counts concluded cases by outcome; JSON lists every outcome, in statistics order.
type OutcomeCounts map[Outcome]int

// MarshalJSON writes every outcome, zeros included, in the order of Outcomes (the eleven older ones first,
// then the two of Art. 71, so the keys readers know keep their meaning).
func (oc OutcomeCounts) MarshalJSON() ([]byte, error) { return stats.OrderedCounts(Outcomes, oc), nil }

// StatsFigures are the counts and rates of one organ, respondent, field or act type over one period.
type StatsFigures struct {
	Received                    int           `json:"received"`
	Accepted                    int           `json:"accepted"`
	NotAccepted                 int           `json:"not_accepted"`
	OtherHandling               int           `json:"other_handling"`
	CarriedOver                 int           `json:"carried_over"`
	Concluded                   int           `json:"concluded"`
	Pending                     int           `json:"pending"`
	Outcomes                    OutcomeCounts `json:"outcomes"`
	DirectCorrectionRate        stats.Percent `json:"direct_correction_rate"`
	ComprehensiveCorrectionRate stats.Percent `json:"comprehensive_correction_rate"`
	OnTimeRate                  stats.Percent `json:"on_time_rate"`
	// The numerators, shown beside each rate (a rate is never shown without its counts).
	DirectCorrected        int `json:"direct_corrected"`
	ComprehensiveCorrected int `json:"comprehensive_corrected"`
	OnTime                 int `json:"on_time"`

	withdrawnCorrected int // withdrawals after the respondent changed its act, with or without a formal 和解
}

func (f *StatsFigures) add(o StatsFigures) {
	f.Received += o.Received
	f.Accepted += o.Accepted
	f.NotAccepted += o.NotAccepted
	f.OtherHandling += o.OtherHandling
	f.CarriedOver += o.CarriedOver
	f.Concluded += o.Concluded
	f.Pending += o.Pending
	f.OnTime += o.OnTime
	f.withdrawnCorrected += o.withdrawnCorrected
	if f.Outcomes == nil {
		f.Outcomes = OutcomeCounts{}
	}
	for k, v := range o.Outcomes {
		f.Outcomes[k] += v
	}
}

// finish derives the rates from the counts.
func (f *StatsFigures) finish() {
	if f.Outcomes == nil {
		f.Outcomes = OutcomeCounts{}
	}
	f.DirectCorrected = 0
	for _, o := range Outcomes {
		if o.DirectCorrection() {
			f.DirectCorrected += f.Outcomes[o]
		}
	}
	f.ComprehensiveCorrected = f.DirectCorrected + f.Outcomes[Mediation] + f.withdrawnCorrected
	f.DirectCorrectionRate = stats.Rate(f.DirectCorrected, f.Concluded)
	f.ComprehensiveCorrectionRate = stats.Rate(f.ComprehensiveCorrected, f.Concluded)
	f.OnTimeRate = stats.Rate(f.OnTime, f.Concluded)
}

func (f StatsFigures) zero() bool {
	return f.Received == 0 && f.Accepted == 0 && f.NotAccepted == 0 && f.OtherHandling == 0 && f.CarriedOver == 0 && f.Concluded == 0 && f.Pending == 0
}

// StatsGroup is the figures of one respondent, field or act type.
type StatsGroup struct {
	Name string `json:"name"`
	StatsFigures
}

// Stats are the figures of a set of 复议机关 over a period, in total and broken down.
type Stats struct {
	Organ        string       `json:"organ,omitempty"` // the organ asked for, when known
	Subordinates bool         `json:"include_subordinates"`
	From         string       `json:"from"`
	To           string       `json:"to"`
	StatsFigures              // the totals
	ByRespondent []StatsGroup `json:"by_respondent"`
	ByField      []StatsGroup `json:"by_field"`
	ByActType    []StatsGroup `json:"by_act_type"`

	organID string // the government, for the figures' links
	year    int    // the calendar year, when the period is one
}

// statsSQL computes every figure in one pass, grouped by respondent, field, act type and outcome
// (the breakdowns and totals are sums of these groups). :f and :t are the period's first and last day.
// The row filter keeps only cases that can count: received by the end of the period and not closed
// before it began, as two ranges of the covering index reconsider_cases_stats_closed (closed in or
// after the period; still open), so older history is never read.
const statsSQL = `SELECT organ_id, respondent, field, act_type, outcome,
  SUM(CASE WHEN received_on >= :f AND received_on <= :t THEN 1 ELSE 0 END),
  SUM(CASE WHEN accepted_on >= :f AND accepted_on <= :t THEN 1 ELSE 0 END),
  SUM(CASE WHEN state = 'not_accepted' AND closed_on >= :f AND closed_on <= :t THEN 1 ELSE 0 END),
  SUM(CASE WHEN state = 'other' AND closed_on >= :f AND closed_on <= :t THEN 1 ELSE 0 END),
  SUM(CASE WHEN accepted_on <> '' AND accepted_on < :f AND NOT (state = 'concluded' AND closed_on < :f) THEN 1 ELSE 0 END),
  SUM(CASE WHEN state = 'concluded' AND closed_on >= :f AND closed_on <= :t THEN 1 ELSE 0 END),
  SUM(CASE WHEN accepted_on <> '' AND accepted_on <= :t AND NOT (state = 'concluded' AND closed_on <= :t) THEN 1 ELSE 0 END),
  SUM(CASE WHEN state = 'concluded' AND closed_on >= :f AND closed_on <= :t AND corrected = 1 THEN 1 ELSE 0 END),
  SUM(CASE WHEN state = 'concluded' AND closed_on >= :f AND closed_on <= :t AND (decision_due = '' OR closed_on <= decision_due) THEN 1 ELSE 0 END)
FROM (
  SELECT ` + statsCols + ` FROM reconsider_cases WHERE organ_id IN (:organs) AND closed_on >= :f AND received_on <= :t
  UNION ALL
  SELECT ` + statsCols + ` FROM reconsider_cases WHERE organ_id IN (:organs) AND closed_on = '' AND received_on <= :t
) c
GROUP BY organ_id, respondent, field, act_type, outcome`

// statsCols are the columns statsSQL reads, all in the covering index reconsider_cases_stats_closed.
const statsCols = `organ_id, respondent, field, act_type, outcome, received_on, accepted_on, closed_on, state, corrected, decision_due`

// bindStats expands :f, :t and :organs into placeholders with their arguments in order.
func bindStats(q string, organs []string, from, to calendar.Date) (string, []any) {
	var b strings.Builder
	var args []any
	for i := 0; i < len(q); i++ {
		switch {
		case strings.HasPrefix(q[i:], ":organs"):
			b.WriteString(strings.TrimSuffix(strings.Repeat("?, ", len(organs)), ", "))
			for _, o := range organs {
				args = append(args, o)
			}
			i += len(":organs") - 1
		case strings.HasPrefix(q[i:], ":f"):
			b.WriteByte('?')
			args = append(args, from.String())
			i++
		case strings.HasPrefix(q[i:], ":t"):
			b.WriteByte('?')
			args = append(args, to.String())
			i++
		default:
			b.WriteByte(q[i])
		}
	}
	return b.String(), args
}

// statsModule names 行政复议 in change_counters (stats.Touch on every case written).
const statsModule = "reconsider"

// statsRow is one group of statsSQL: an organ's cases of one respondent, field, act type and
// outcome, with its nine sums in the order of the SELECT.
type statsRow struct {
	respondent, field, actType, outcome string
	n                                   [9]int64
}

// addTo adds the group to f (whose Outcomes map is set).
func (r *statsRow) addTo(f *StatsFigures) {
	f.Received += int(r.n[0])
	f.Accepted += int(r.n[1])
	f.NotAccepted += int(r.n[2])
	f.OtherHandling += int(r.n[3])
	f.CarriedOver += int(r.n[4])
	f.Concluded += int(r.n[5])
	f.Pending += int(r.n[6])
	f.OnTime += int(r.n[8])
	if r.n[5] > 0 {
		f.Outcomes[Outcome(r.outcome)] += int(r.n[5])
		if Outcome(r.outcome) == Terminate {
			f.withdrawnCorrected += int(r.n[7])
		}
	}
}

// statsRows returns each organ's groups for the period: from the memo while the organ's change
// count stands (a closed year's figures are read once per instance, not on every request),
// otherwise from one statsSQL over the organs that changed.
func (s *Service) statsRows(ctx context.Context, organIDs []string, versions map[string]int64, from, to calendar.Date) ([][]statsRow, error) {
	period := "|" + from.String() + "|" + to.String()
	out := make([][]statsRow, 0, len(organIDs))
	var missing []string
	for _, id := range organIDs {
		if rs, ok := s.statsMemo.Get(id+period, versions[id]); ok {
			out = append(out, rs)
		} else {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	q, args := bindStats(statsSQL, missing, from, to)
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	fresh := make(map[string][]statsRow, len(missing))
	for rows.Next() {
		var organ string
		var r statsRow // SUM over an empty set is never seen: GROUP BY yields no such row
		if err := rows.Scan(&organ, &r.respondent, &r.field, &r.actType, &r.outcome, &r.n[0], &r.n[1], &r.n[2], &r.n[3], &r.n[4], &r.n[5], &r.n[6], &r.n[7], &r.n[8]); err != nil {
			return nil, err
		}
		fresh[organ] = append(fresh[organ], r)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, id := range missing {
		s.statsMemo.Put(id+period, versions[id], fresh[id])
		out = append(out, fresh[id])
	}
	return out, nil
}

// Stats computes the figures of the cases of organIDs (复议机关) from the first to the last day given.
func (s *Service) Stats(ctx context.Context, organIDs []string, from, to calendar.Date) (Stats, error) {
	st := Stats{From: from.String(), To: to.String(), ByRespondent: []StatsGroup{}, ByField: []StatsGroup{}, ByActType: []StatsGroup{}}
	st.Outcomes = OutcomeCounts{}
	if from.IsZero() || to.IsZero() || to.Before(from) {
		return st, fmt.Errorf("统计期间无效：%s 至 %s", from, to)
	}
	if len(organIDs) == 0 {
		st.finish()
		return st, nil
	}
	versions, err := stats.Versions(ctx, s.db, statsModule, organIDs)
	if err != nil {
		return st, err
	}
	// The whole result too, for the same organs and period: the counts only grow, so their sum
	// moves whenever any organ's records changed.
	var sum int64
	for _, id := range organIDs {
		sum += versions[id]
	}
	key := sha256.Sum256([]byte(st.From + "|" + st.To + "|" + strings.Join(organIDs, ",")))
	if kept, ok := s.statsTotals.Get(string(key[:]), sum); ok {
		return kept, nil
	}
	groups, err := s.statsRows(ctx, organIDs, versions, from, to)
	if err != nil {
		return st, err
	}
	byResp, byField, byAct := map[string]*StatsGroup{}, map[string]*StatsGroup{}, map[string]*StatsGroup{}
	group := func(m map[string]*StatsGroup, name string) *StatsGroup {
		g := m[name]
		if g == nil {
			g = &StatsGroup{Name: name, StatsFigures: StatsFigures{Outcomes: OutcomeCounts{}}}
			m[name] = g
		}
		return g
	}
	for _, rs := range groups {
		for _, r := range rs {
			r.addTo(&st.StatsFigures)
			r.addTo(&group(byResp, r.respondent).StatsFigures)
			r.addTo(&group(byField, r.field).StatsFigures)
			r.addTo(&group(byAct, r.actType).StatsFigures)
		}
	}
	st.finish()
	st.ByRespondent = statsGroups(byResp, nil)
	st.ByField = statsGroups(byField, Fields)
	st.ByActType = statsGroups(byAct, ActTypes)
	s.statsTotals.Put(string(key[:]), sum, st)
	return st, nil
}

// groups lists the non-empty groups: in the order of canon when given (names outside it last),
// otherwise by cases received, then accepted, then name.
func statsGroups(m map[string]*StatsGroup, canon []string) []StatsGroup {
	out := []StatsGroup{}
	for _, g := range m {
		g.finish()
		if !g.zero() {
			out = append(out, *g)
		}
	}
	pos := func(name string) int {
		if i := slices.Index(canon, name); i >= 0 {
			return i
		}
		return len(canon)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if canon != nil {
			if pa, pb := pos(a.Name), pos(b.Name); pa != pb {
				return pa < pb
			}
			return a.Name < b.Name
		}
		if a.Received != b.Received {
			return a.Received > b.Received
		}
		if a.Accepted != b.Accepted {
			return a.Accepted > b.Accepted
		}
		return a.Name < b.Name
	})
	return out
}

// StatsOrgan resolves the organ statistics are asked for: a 司法局, office or department stands for
// its 人民政府 (the 复议机关). It returns that government and the 复议机关 whose cases count: the
// government alone, or with sub every government below it (townships, counties of a city …).
// Cases always belong to a government, so other organs of the subtree are left out of the query.
func (s *Service) StatsOrgan(organID string, sub bool) (org.Organ, []string, error) {
	o, ok := s.org.Organ(organID)
	if !ok {
		return org.Organ{}, nil, fmt.Errorf("机关%w", db.ErrNotFound)
	}
	gov, ok := s.org.GovernmentOf(o)
	if !ok {
		return org.Organ{}, nil, fmt.Errorf("%s 不属于任何人民政府，无行政复议统计", o.Name)
	}
	if !sub {
		return gov, []string{gov.ID}, nil
	}
	var ids []string
	for _, x := range s.org.Subtree(gov.ID) {
		if x.Kind == org.KindGovernment {
			ids = append(ids, x.ID)
		}
	}
	return gov, ids, nil
}

// StatsForOrgan is Stats for one organ (a 司法局 counts as its government), with its subordinate
// governments when sub is set.
func (s *Service) StatsForOrgan(ctx context.Context, organID string, sub bool, from, to calendar.Date) (Stats, error) {
	gov, ids, err := s.StatsOrgan(organID, sub)
	if err != nil {
		return Stats{}, err
	}
	st, err := s.Stats(ctx, ids, from, to)
	st.Organ, st.Subordinates, st.organID = gov.Name, sub, gov.ID
	if from.Year == to.Year {
		st.year = from.Year
	}
	return st, err
}

// StatsForYear is StatsForOrgan over a calendar year.
func (s *Service) StatsForYear(ctx context.Context, organID string, sub bool, year int) (Stats, error) {
	if year < 1990 || year > 9999 {
		return Stats{}, fmt.Errorf("统计年度无效：%d", year)
	}
	return s.StatsForOrgan(ctx, organID, sub, calendar.MustDate(fmt.Sprintf("%04d-01-01", year)), calendar.MustDate(fmt.Sprintf("%04d-12-31", year)))
}

// StatsChoices lists the governments whose statistics p may see, and whether p may include the
// governments below the chosen one. Data scope decides: all, own government and below, or own only.
// A principal acting for a 司法局 or a department sees its government's figures.
func (s *Service) StatsChoices(p *auth.Principal) (organs []org.Organ, withSub bool) {
	if !p.Can(auth.PermStatsRead) {
		return nil, false
	}
	own, ok := s.org.Organ(p.OrganID)
	if !ok {
		return nil, false
	}
	gov, ok := s.org.GovernmentOf(own)
	if !ok {
		return nil, false
	}
	switch {
	case p.Scope == auth.ScopeAll:
		for _, o := range s.org.All() {
			if o.Kind == org.KindGovernment {
				organs = append(organs, o)
			}
		}
		return organs, true
	case p.Scope == auth.ScopeBelow && own.Kind == org.KindGovernment:
		for _, o := range s.org.Subtree(own.ID) {
			if o.Kind == org.KindGovernment {
				organs = append(organs, o)
			}
		}
		return organs, true
	case p.Scope == auth.ScopeBelow || p.Scope == auth.ScopeOrgan:
		return []org.Organ{gov}, false
	}
	return nil, false
}

// StatsArgs are the options of `fazhi stats reconsideration`.
type StatsArgs struct {
	Organ  string // organ code; a 司法局 stands for its government
	Year   int
	Sub    bool // include the governments below
	Format string
}

// Flags registers the options on the command's flag set.
func (a *StatsArgs) Flags(fs *flag.FlagSet) {
	stats.CLIFlags(fs, &a.Organ, &a.Year, &a.Format, "机关代码（司法局按其所属人民政府统计）")
	fs.BoolVar(&a.Sub, "sub", false, "包括下级人民政府")
}

// CLIStats prints the statistics of one organ and year, as JSON or as a text table.
func CLIStats(ctx context.Context, svc *Service, a StatsArgs, out io.Writer) error {
	o, err := stats.CLIOrgan(svc.org, a.Organ, a.Year, a.Format)
	if err != nil {
		return err
	}
	st, err := svc.StatsForYear(ctx, o.ID, a.Sub, a.Year)
	if err != nil {
		return err
	}
	if a.Format == "json" {
		return stats.WriteJSON(out, st)
	}
	scope := ""
	if a.Sub {
		scope = "（含下级）"
	}
	fmt.Fprintf(out, "%s%s %d年行政复议统计（%s 至 %s）\n", st.Organ, scope, a.Year, st.From, st.To)
	for _, r := range figureRows(st.Figures()) {
		fmt.Fprintf(out, "  %s  %s\n", stats.PadLabel(r[0], 20), r[1])
	}
	return nil
}

// figureRows lists the figures as label and value, in report order (the CLI text and the XLSX
// summary): the Figures, outcomes indented under 审结.
func figureRows(fs []stats.Figure) [][2]string {
	rows := make([][2]string, 0, len(fs))
	for _, f := range fs {
		label := f.Label
		if strings.HasPrefix(f.Key, "outcome_") {
			label = "　" + label
		}
		rows = append(rows, [2]string{label, f.Text()})
	}
	return rows
}

// Sources of the definitions: legal-rules.md §9 and "Decisions" 6 fix the rates (no national
// definition exists); the counts follow the law's stages.
const (
	srcRates    = "legal-rules.md §9；平台口径“Decisions” 6"
	srcReceived = "《行政复议法》第二章（行政复议申请）；legal-rules.md §1.1"
	srcAccepted = "《行政复议法》第三十条"
	srcOther    = "《行政复议法》第三章（行政复议受理），第三十一条第二款（视为放弃）"
	srcPeriod   = "平台口径：上期结转 + 本期受理 = 本期审结 + 未审结"
	srcDecision = "《行政复议法》第六十二条；legal-rules.md §9"
)

// statsFigures are the totals of f as Figures, in report order: the seven counts, the eleven
// outcomes, the three rates. statsURL is the page showing them (the case list cannot filter by
// 复议机关 or closing date, so every figure links to the statistics page).
func statsFigures(f StatsFigures, statsURL string) []stats.Figure {
	c := func(key, label string, n int, formula, source string) stats.Figure {
		return stats.Count(key, label, n, formula, source, statsURL)
	}
	fs := []stats.Figure{
		c("received", "收到申请", f.Received, "收件日期在本期内的复议申请", srcReceived),
		c("accepted", "受理", f.Accepted, "受理日期（含视为受理）在本期内的申请", srcAccepted),
		c("not_accepted", "不予受理", f.NotAccepted, "本期作出不予受理决定的申请", "《行政复议法》第三十条第二款"),
		c("other_handling", "其他处理", f.OtherHandling, "本期以告知、转送、受理前撤回或视为放弃申请结束的申请", srcOther),
		c("carried_over", "上期结转", f.CarriedOver, "本期开始前已受理、尚未审结的案件", srcPeriod),
		c("concluded", "审结", f.Concluded, "本期审结的案件（决定、驳回申请、调解、终止）", "《行政复议法》第五章，第四十一条（终止），第七十三条（调解）"),
		c("pending", "未审结", f.Pending, "本期末已受理、尚未审结的案件", srcPeriod),
	}
	for _, o := range Outcomes {
		fs = append(fs, c("outcome_"+string(o), "审结："+o.Label(), f.Outcomes[o], "本期以“"+o.Label()+"”审结的案件", "《行政复议法》"+o.Article()))
	}
	return append(fs,
		stats.RateOf("direct_correction_rate", "直接纠错率", f.DirectCorrected, f.Concluded,
			"（撤销＋部分撤销＋变更＋确认违法＋确认无效＋责令履行）÷ 审结", srcRates, statsURL),
		stats.RateOf("comprehensive_correction_rate", "综合纠错率", f.ComprehensiveCorrected, f.Concluded,
			"（直接纠错＋调解＋被申请人纠正后和解撤回的终止）÷ 审结", srcRates, statsURL),
		stats.RateOf("on_time_rate", "法定期限内结案率", f.OnTime, f.Concluded,
			"结案日期不晚于决定期限（含批准延长、扣除中止期间）的审结案件 ÷ 审结", srcDecision, statsURL))
}

// StatsURL is the statistics page of a 复议机关 and year (with its subordinate governments when sub).
func StatsURL(organID string, year int, sub bool) string {
	return "/reconsider/stats?" + statsQuery{Organ: org.Organ{ID: organID}, Year: year, Sub: sub}.encode()
}

// Figures are the year's totals of organ as platform figures: a 司法局, office or department
// stands for its 人民政府, the 复议机关, whose own cases count (as on the statistics page by default).
// The page, the XLSX export, the CLI text and the annual report all read these.
func (s *Service) Figures(ctx context.Context, organ org.Organ, year int) ([]stats.Figure, error) {
	st, err := s.StatsForYear(ctx, organ.ID, false, year)
	if err != nil {
		return nil, err
	}
	return st.Figures(), nil
}

// Figures are the totals of st as platform figures, linked to the statistics page they came from.
func (st Stats) Figures() []stats.Figure {
	link := "/reconsider/stats" // a period other than a year of one 复议机关: the page's default
	if st.organID != "" && st.year != 0 {
		link = StatsURL(st.organID, st.year, st.Subordinates)
	}
	return statsFigures(st.StatsFigures, link)
}

// Figures is the module.Reporting seam (the annual report).
func (m *Module) Figures(ctx context.Context, organ org.Organ, year int) ([]stats.Figure, error) {
	return m.svc.Figures(ctx, organ, year)
}
