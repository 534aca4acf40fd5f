package litigation

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/stats"
)

// Statistics of 行政应诉, defined once here for the page, the CLI and the annual report
// (legal-rules-2 §(a).5 and a.6 defaults; no national definition exists). For an organ and the
// organs below it, a period and an instance (default 一审):
//
//	received        新收：收到起诉状副本之日 in the period
//	carried_over    上期结转：received before the period, not concluded before it started
//	concluded       审结：结案日期 in the period, every 结案方式 (判决、裁定驳回起诉、撤诉、调解、终结)
//	pending         未审结：received by the end of the period, not concluded by then
//	lost            败诉：concluded in the period by a judgment of 撤销/部分撤销/变更/确认违法/确认无效/履行/
//	                给付/赔偿 (撤诉-被告改变行为 only when the organ's setting counts it, a.6.3)
//	loss_rate       败诉率 = lost ÷ concluded
//	heard           cases with a hearing held in the period
//	leader_appeared of those, cases where a 负责人 appeared at a hearing of that instance (出庭规定第七条: one
//	                appearance per instance suffices)
//	leader_appearance_rate = leader_appeared ÷ heard
//	answer_on_time_rate    答辩按期率 = answers filed by the Art. 67 deadline ÷ answers due in the period
//	                       (a deadline in the period that has passed, or an answer already filed)
//	recommendations: received in the period; replied; replied on time; reply_rate = replied on time ÷
//	                 recommendations whose reply fell due (due by the period's end and by today, or replied)
//
// carried_over + received = concluded + pending always holds.

// OutcomeCounts counts concluded cases by outcome; JSON lists all fourteen, zeros included.
type OutcomeCounts map[Outcome]int

// MarshalJSON writes every outcome in statistics order.
func (oc OutcomeCounts) MarshalJSON() ([]byte, error) { return stats.OrderedCounts(Outcomes, oc), nil }

// RecFigures are the figures of 司法建议 or 检察建议.
type RecFigures struct {
	Received      int           `json:"received"`
	Replied       int           `json:"replied"`
	RepliedOnTime int           `json:"replied_on_time"`
	Due           int           `json:"-"` // the base of the rate
	ReplyRate     stats.Percent `json:"reply_rate"`
}

// GroupFigures are the figures of one defendant, field or act type.
type GroupFigures struct {
	Name                 string        `json:"name"`
	Received             int           `json:"received"`
	CarriedOver          int           `json:"carried_over"`
	Concluded            int           `json:"concluded"`
	Pending              int           `json:"pending"`
	Lost                 int           `json:"lost"`
	LossRate             stats.Percent `json:"loss_rate"`
	Heard                int           `json:"heard"`
	LeaderAppeared       int           `json:"leader_appeared"`
	LeaderAppearanceRate stats.Percent `json:"leader_appearance_rate"`
}

func (g *GroupFigures) finish() {
	g.LossRate = stats.Rate(g.Lost, g.Concluded)
	g.LeaderAppearanceRate = stats.Rate(g.LeaderAppeared, g.Heard)
}

// Stats are the figures of an organ (and the organs below it) over a period for one instance or all.
// The JSON keys are exactly those of `fazhi stats litigation --format json`.
type Stats struct {
	Received                     int            `json:"received"`
	CarriedOver                  int            `json:"carried_over"`
	Concluded                    int            `json:"concluded"`
	Pending                      int            `json:"pending"`
	Lost                         int            `json:"lost"`
	LossRate                     stats.Percent  `json:"loss_rate"`
	Heard                        int            `json:"heard"`
	LeaderAppeared               int            `json:"leader_appeared"`
	LeaderAppearanceRate         stats.Percent  `json:"leader_appearance_rate"`
	AnswerOnTimeRate             stats.Percent  `json:"answer_on_time_rate"`
	Outcomes                     OutcomeCounts  `json:"outcomes"`
	JudicialRecommendations      RecFigures     `json:"judicial_recommendations"`
	ProcuratorialRecommendations RecFigures     `json:"procuratorial_recommendations"`
	ByDefendant                  []GroupFigures `json:"by_defendant"`
	ByField                      []GroupFigures `json:"by_field"`
	ByActType                    []GroupFigures `json:"by_act_type"`

	// Beside the rates (page and text output), not in the JSON of the command.
	AnswersDue, AnswersOnTime int           `json:"-"`
	Organ                     string        `json:"-"`
	Instance                  string        `json:"-"`
	From, To                  calendar.Date `json:"-"`
	CountChanged              bool          `json:"-"`
}

// StatsQuery selects what Stats counts.
type StatsQuery struct {
	OrganID  string
	From, To calendar.Date
	Instance string // first, second, retrial, all ("" = first)
	// CountChanged counts 撤诉-被告改变行为 as lost ("实质败诉"); nil reads the organ's setting.
	CountChanged *bool
}

// StatsOrgan resolves the organ figures are asked for: a 司法局 or 政府办公室 stands for its government.
func (m *Module) StatsOrgan(organID string) (org.Organ, error) {
	o, ok := m.d.Org.Organ(organID)
	if !ok {
		return org.Organ{}, fmt.Errorf("机关%w", db.ErrNotFound)
	}
	if o.Kind == org.KindJustice || o.Kind == org.KindOffice {
		if gov, ok := m.d.Org.GovernmentOf(o); ok {
			return gov, nil
		}
	}
	return o, nil
}

type statCase struct {
	id, defendant, field, actType string
	received, answerDue, answered calendar.Date
	closed                        calendar.Date
	outcome                       Outcome
}

// Stats computes the figures of q.
func (m *Module) Stats(ctx context.Context, q StatsQuery) (Stats, error) {
	inst := q.Instance
	if inst == "" {
		inst = string(First)
	}
	if _, ok := ParseInstance(inst); !ok && inst != "all" {
		return Stats{}, fmt.Errorf("审级只能为 first、second、retrial 或 all：%q", inst)
	}
	if q.From.IsZero() || q.To.IsZero() || q.To.Before(q.From) {
		return Stats{}, errors.New("统计期间无效")
	}
	root, err := m.StatsOrgan(q.OrganID)
	if err != nil {
		return Stats{}, err
	}
	countChanged := false
	if q.CountChanged != nil {
		countChanged = *q.CountChanged
	} else if m.settings != nil {
		n, err := m.settings.Int(ctx, m.d.DB, root.ID, settingCountChanged)
		if err != nil {
			return Stats{}, err
		}
		countChanged = n == 1
	}
	st := Stats{Outcomes: OutcomeCounts{}, Organ: root.Name, Instance: inst, From: q.From, To: q.To, CountChanged: countChanged}
	from, to := q.From.String(), q.To.String()
	today := m.Today()

	scope, args := org.WithinSQL("organ_id", root.Path)
	if inst != "all" {
		scope += ` AND instance = ?`
		args = append(args, inst)
	}
	rows, err := m.d.DB.QueryContext(ctx, `SELECT id, defendant, field, act_type, received_on, answer_due, answered_on, closed_on, outcome
		FROM litigation_cases WHERE `+scope+` AND received_on <> '' AND received_on <= ? AND (closed_on = '' OR closed_on >= ? OR (answer_due >= ? AND answer_due <= ?))`,
		append(slices.Clone(args), to, from, from, to)...)
	if err != nil {
		return Stats{}, err
	}
	var cases []statCase
	for rows.Next() {
		var c statCase
		var recv, due, ans, closed, out string
		if err := rows.Scan(&c.id, &c.defendant, &c.field, &c.actType, &recv, &due, &ans, &closed, &out); err != nil {
			rows.Close()
			return Stats{}, err
		}
		c.received, c.answerDue, c.answered, c.closed, c.outcome = parseDate(recv), parseDate(due), parseDate(ans), parseDate(closed), Outcome(out)
		cases = append(cases, c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return Stats{}, err
	}

	// Hearings held in the period, and whether a 负责人 appeared at any hearing of the instance.
	heard, appeared := map[string]bool{}, map[string]bool{}
	hrows, err := m.d.DB.QueryContext(ctx, `SELECT h.case_id, MAX(h.appeared) FROM litigation_hearings h
		WHERE h.case_id IN (SELECT id FROM litigation_cases WHERE `+scope+`)
		  AND h.case_id IN (SELECT case_id FROM litigation_hearings WHERE held = 1 AND held_on >= ? AND held_on <= ?)
		  AND h.held = 1 GROUP BY h.case_id`, append(slices.Clone(args), from, to)...)
	if err != nil {
		return Stats{}, err
	}
	for hrows.Next() {
		var id string
		var app int
		if err := hrows.Scan(&id, &app); err != nil {
			hrows.Close()
			return Stats{}, err
		}
		heard[id], appeared[id] = true, app == 1
	}
	hrows.Close()
	if err := hrows.Err(); err != nil {
		return Stats{}, err
	}
	// Heard cases not loaded above (received and concluded outside the period) still need their groups.
	var missing []string
	loaded := map[string]bool{}
	for _, c := range cases {
		loaded[c.id] = true
	}
	for id := range heard {
		if !loaded[id] {
			missing = append(missing, id)
		}
	}
	sort.Strings(missing)
	for len(missing) > 0 {
		n := min(len(missing), 500)
		batch := missing[:n]
		missing = missing[n:]
		bargs := make([]any, len(batch))
		for i, id := range batch {
			bargs[i] = id
		}
		r, err := m.d.DB.QueryContext(ctx, `SELECT id, defendant, field, act_type FROM litigation_cases WHERE id IN (`+placeholders(len(batch))+`)`, bargs...)
		if err != nil {
			return Stats{}, err
		}
		for r.Next() {
			c := statCase{}
			if err := r.Scan(&c.id, &c.defendant, &c.field, &c.actType); err != nil {
				r.Close()
				return Stats{}, err
			}
			cases = append(cases, c) // zero dates: counted only as heard
		}
		r.Close()
	}

	lost := func(o Outcome) bool { return o.Lost() || (countChanged && o == WithdrawnAfterChange) }
	groups := [3]map[string]*GroupFigures{{}, {}, {}}
	in := func(d calendar.Date) bool { return !d.IsZero() && !d.Before(q.From) && !d.After(q.To) }
	for _, c := range cases {
		var g GroupFigures
		if !c.received.IsZero() {
			switch {
			case in(c.received):
				g.Received = 1
			case c.received.Before(q.From) && (c.closed.IsZero() || !c.closed.Before(q.From)):
				g.CarriedOver = 1
			}
			if !c.received.After(q.To) && (c.closed.IsZero() || c.closed.After(q.To)) {
				g.Pending = 1
			}
		}
		if in(c.closed) {
			g.Concluded = 1
			st.Outcomes[c.outcome]++
			if lost(c.outcome) {
				g.Lost = 1
			}
		}
		if heard[c.id] {
			g.Heard = 1
			if appeared[c.id] {
				g.LeaderAppeared = 1
			}
		}
		if in(c.answerDue) && (!c.answered.IsZero() || c.answerDue.Before(today)) {
			st.AnswersDue++
			if !c.answered.IsZero() && !c.answered.After(c.answerDue) {
				st.AnswersOnTime++
			}
		}
		if g == (GroupFigures{}) {
			continue
		}
		st.Received += g.Received
		st.CarriedOver += g.CarriedOver
		st.Concluded += g.Concluded
		st.Pending += g.Pending
		st.Lost += g.Lost
		st.Heard += g.Heard
		st.LeaderAppeared += g.LeaderAppeared
		for i, key := range []string{c.defendant, c.field, c.actType} {
			x := groups[i][key]
			if x == nil {
				x = &GroupFigures{Name: key}
				groups[i][key] = x
			}
			x.Received += g.Received
			x.CarriedOver += g.CarriedOver
			x.Concluded += g.Concluded
			x.Pending += g.Pending
			x.Lost += g.Lost
			x.Heard += g.Heard
			x.LeaderAppeared += g.LeaderAppeared
		}
	}
	st.LossRate = stats.Rate(st.Lost, st.Concluded)
	st.LeaderAppearanceRate = stats.Rate(st.LeaderAppeared, st.Heard)
	st.AnswerOnTimeRate = stats.Rate(st.AnswersOnTime, st.AnswersDue)
	st.ByDefendant = groupList(groups[0], nil)
	st.ByField = groupList(groups[1], Fields)
	st.ByActType = groupList(groups[2], ActTypes)

	for _, k := range []RecKind{Judicial, Procuratorial} {
		f, err := m.recStats(ctx, root, k, q.From, q.To, today)
		if err != nil {
			return Stats{}, err
		}
		if k == Judicial {
			st.JudicialRecommendations = f
		} else {
			st.ProcuratorialRecommendations = f
		}
	}
	return st, nil
}

// groupList orders groups by a canonical list (fields, act types) or by received then name.
func groupList(m map[string]*GroupFigures, canon []string) []GroupFigures {
	out := []GroupFigures{}
	for _, g := range m {
		g.finish()
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool {
		if canon != nil {
			a, b := slices.Index(canon, out[i].Name), slices.Index(canon, out[j].Name)
			if a != b {
				if a < 0 {
					return false
				}
				if b < 0 {
					return true
				}
				return a < b
			}
			return out[i].Name < out[j].Name
		}
		if out[i].Received+out[i].CarriedOver != out[j].Received+out[j].CarriedOver {
			return out[i].Received+out[i].CarriedOver > out[j].Received+out[j].CarriedOver
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// recStats counts the recommendations of one kind received by organs below root in the period.
func (m *Module) recStats(ctx context.Context, root org.Organ, k RecKind, from, to, today calendar.Date) (RecFigures, error) {
	within, wargs := org.WithinSQL("organ_id", root.Path)
	rows, err := m.d.DB.QueryContext(ctx, `SELECT reply_due, replied_on FROM litigation_recommendations
		WHERE kind = ? AND `+within+` AND received_on >= ? AND received_on <= ?`,
		append(append([]any{string(k)}, wargs...), from.String(), to.String())...)
	if err != nil {
		return RecFigures{}, err
	}
	defer rows.Close()
	var f RecFigures
	horizon := to
	if today.Before(horizon) {
		horizon = today
	}
	for rows.Next() {
		var dueS, repS string
		if err := rows.Scan(&dueS, &repS); err != nil {
			return RecFigures{}, err
		}
		due, rep := parseDate(dueS), parseDate(repS)
		f.Received++
		if !rep.IsZero() {
			f.Replied++
		}
		if !rep.IsZero() || due.Before(horizon) {
			f.Due++
			if !rep.IsZero() && !rep.After(due) {
				f.RepliedOnTime++
			}
		}
	}
	f.ReplyRate = stats.Rate(f.RepliedOnTime, f.Due)
	return f, rows.Err()
}

// StatsForYear is Stats over a calendar year.
func (m *Module) StatsForYear(ctx context.Context, organID string, year int, instance string) (Stats, error) {
	if year < 1990 || year > 9999 {
		return Stats{}, fmt.Errorf("统计年度无效：%d", year)
	}
	return m.Stats(ctx, StatsQuery{OrganID: organID, Instance: instance,
		From: calendar.MustDate(fmt.Sprintf("%04d-01-01", year)), To: calendar.MustDate(fmt.Sprintf("%04d-12-31", year))})
}

// Figures lists the figures with their formulas, for the page, the text output and the annual report.
func (st Stats) Figures() []stats.Figure {
	const src = "legal-rules-2 §(a).5（fazhi 默认口径）"
	lostFormula := "判决撤销、部分撤销、变更、确认违法、确认无效、履行、给付、赔偿的审结案件"
	if st.CountChanged {
		lostFormula += "，含撤诉-被告改变行为（本机关设置）"
	}
	fs := []stats.Figure{
		stats.Count("received", "新收", st.Received, "收到起诉状副本之日在统计期内", src, ""),
		stats.Count("carried_over", "上期结转", st.CarriedOver, "期初前收到、期初未审结", src, ""),
		stats.Count("concluded", "审结", st.Concluded, "结案日期在统计期内（判决、裁定、撤诉、调解、终结）", src, ""),
		stats.Count("pending", "未审结", st.Pending, "期末已收到、尚未审结", src, ""),
		stats.Count("lost", "败诉", st.Lost, lostFormula, src, ""),
		stats.RateOf("loss_rate", "败诉率", st.Lost, st.Concluded, "败诉 ÷ 审结", src, ""),
		stats.Count("heard", "开庭案件", st.Heard, "统计期内开庭的案件", src, ""),
		stats.Count("leader_appeared", "负责人出庭案件", st.LeaderAppeared, "开庭案件中负责人在本审级出庭的", lawLeader+"第七条", ""),
		stats.RateOf("leader_appearance_rate", "负责人出庭应诉率", st.LeaderAppeared, st.Heard, "负责人出庭案件 ÷ 开庭案件", src, ""),
		stats.RateOf("answer_on_time_rate", "答辩按期率", st.AnswersOnTime, st.AnswersDue, "期限内提交答辩 ÷ 统计期内届满的答辩期限", lawALL+"第六十七条", ""),
	}
	for _, o := range Outcomes {
		fs = append(fs, stats.Count("outcome_"+string(o), o.Label(), st.Outcomes[o], "审结案件中结案方式为"+o.Label(), src, ""))
	}
	for _, r := range []struct {
		key, label string
		f          RecFigures
	}{{"judicial", "司法建议", st.JudicialRecommendations}, {"procuratorial", "检察建议", st.ProcuratorialRecommendations}} {
		fs = append(fs, stats.Count(r.key+"_received", r.label+"收到", r.f.Received, "收到日期在统计期内", src, ""),
			stats.RateOf(r.key+"_reply_rate", r.label+"按期办复率", r.f.RepliedOnTime, r.f.Due, "按期书面回复 ÷ 回复期限已届满或已回复", src, ""))
	}
	return fs
}

// Figures gives the year's figures for an organ (module.Reporting).
func (m *Module) Figures(ctx context.Context, organ org.Organ, year int) ([]stats.Figure, error) {
	st, err := m.StatsForYear(ctx, organ.ID, year, string(First))
	if err != nil {
		return nil, err
	}
	return st.Figures(), nil
}

// StatsArgs are the options of `fazhi stats litigation`.
type StatsArgs struct {
	Organ    string
	Year     int
	Instance string
	Format   string
}

// Flags registers the options on the command's flag set.
func (a *StatsArgs) Flags(fs *flag.FlagSet) {
	stats.CLIFlags(fs, &a.Organ, &a.Year, &a.Format, "机关代码（司法局按其所属人民政府统计，含下级机关）")
	fs.StringVar(&a.Instance, "instance", "first", "审级：first（一审）、second（二审）、retrial（再审）或 all")
}

// CLIStats prints the statistics of one organ and year, as JSON or as a text table.
func CLIStats(ctx context.Context, m *Module, a StatsArgs, out io.Writer) error {
	o, err := stats.CLIOrgan(m.d.Org, a.Organ, a.Year, a.Format)
	if err != nil {
		return err
	}
	if _, ok := ParseInstance(a.Instance); !ok && a.Instance != "all" {
		return fmt.Errorf("--instance 只能为 first、second、retrial 或 all")
	}
	st, err := m.StatsForYear(ctx, o.ID, a.Year, a.Instance)
	if err != nil {
		return err
	}
	if a.Format == "json" {
		return stats.WriteJSON(out, st)
	}
	inst := "全部审级"
	if i, ok := ParseInstance(a.Instance); ok {
		inst = i.Label()
	}
	fmt.Fprintf(out, "%s（含下级机关）%d年行政应诉统计（%s，%s 至 %s）\n", st.Organ, a.Year, inst, st.From, st.To)
	for _, f := range st.Figures() {
		label := f.Label
		if strings.HasPrefix(f.Key, "outcome_") {
			label = "　" + label
		}
		fmt.Fprintf(out, "  %s  %s\n", stats.PadLabel(label, 20), f.Text())
	}
	// Year on year (the seeds' 双下降), in the text only: the JSON keys stay those of the issue.
	prev, err := m.StatsForYear(ctx, o.ID, a.Year-1, a.Instance)
	if err != nil {
		return err
	}
	y := yearChange(a.Year, st, prev)
	fmt.Fprintf(out, "同比（%d年 → %d年）\n", y.PrevYear, y.Year)
	if y.HasReceivedChange {
		fmt.Fprintf(out, "  发案量  %d → %d 件，%+.2f%%\n", y.PrevReceived, y.Received, float64(y.ReceivedChange))
	} else {
		fmt.Fprintf(out, "  发案量  %d → %d 件（上年无新收，不计同比）\n", y.PrevReceived, y.Received)
	}
	if y.HasLossRateChange {
		fmt.Fprintf(out, "  败诉率  %s（%d/%d）→ %s（%d/%d），%+.2f 个百分点\n", y.PrevLossRate, y.PrevLost, y.PrevConcluded, y.LossRate, y.Lost, y.Concluded, y.LossRatePoints)
	} else {
		fmt.Fprintf(out, "  败诉率  有一年无审结案件，不计同比\n")
	}
	if y.DoubleDecline {
		fmt.Fprintln(out, "  发案量、败诉率双下降")
	}
	return nil
}
