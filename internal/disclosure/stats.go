package disclosure

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/stats"
)

// Statistics of the annual report (国办公开办函〔2021〕30号, legal-rules-2 §(d).4). Assignment rules
// (fazhi defaults): a request counts in 一 the year it is received, in 三 the year it is answered
// (or otherwise closed), in 四 when still open on 31 December; 二 counts the requests received
// before the year and not closed before it, which is last year's 四 by construction. The applicant
// column is the type at receipt. Table 四 counts the disputes over the replies of the year.

// Cells are one row of table 三 across its seven columns.
type Cells struct {
	NaturalPerson  int `json:"natural_person"`
	Business       int `json:"business"`
	Research       int `json:"research"`
	PublicInterest int `json:"public_interest"`
	LegalService   int `json:"legal_service"`
	OtherOrg       int `json:"other_org"`
	Total          int `json:"total"`
}

func (c *Cells) add(t ApplicantType) {
	switch t {
	case NaturalPerson:
		c.NaturalPerson++
	case Business:
		c.Business++
	case Research:
		c.Research++
	case PublicInterest:
		c.PublicInterest++
	case LegalService:
		c.LegalService++
	default:
		c.OtherOrg++
	}
	c.Total++
}

func (c *Cells) plus(o Cells) {
	c.NaturalPerson += o.NaturalPerson
	c.Business += o.Business
	c.Research += o.Research
	c.PublicInterest += o.PublicInterest
	c.LegalService += o.LegalService
	c.OtherOrg += o.OtherOrg
	c.Total += o.Total
}

// Columns are the cells in column order (自然人 … 其他, 总计).
func (c Cells) Columns() []int {
	return []int{c.NaturalPerson, c.Business, c.Research, c.PublicInterest, c.LegalService, c.OtherOrg, c.Total}
}

// Table3 is 三、收到和处理政府信息公开申请情况, rows keyed as in issue 14 item 8.
type Table3 struct {
	New                     Cells `json:"new"`
	CarriedOver             Cells `json:"carried_over"`
	Disclose                Cells `json:"disclose"`
	Partial                 Cells `json:"partial"`
	WithholdStateSecret     Cells `json:"withhold_state_secret"`
	WithholdLaw             Cells `json:"withhold_law"`
	WithholdSecurity        Cells `json:"withhold_security"`
	WithholdThirdParty      Cells `json:"withhold_third_party"`
	WithholdInternal        Cells `json:"withhold_internal"`
	WithholdProcess         Cells `json:"withhold_process"`
	WithholdEnforcementFile Cells `json:"withhold_enforcement_file"`
	WithholdQuery           Cells `json:"withhold_query"`
	UnableNotHeld           Cells `json:"unable_not_held"`
	UnableCreate            Cells `json:"unable_create"`
	UnableUnclear           Cells `json:"unable_unclear"`
	NoActionPetition        Cells `json:"no_action_petition"`
	NoActionRepeat          Cells `json:"no_action_repeat"`
	NoActionPublication     Cells `json:"no_action_publication"`
	NoActionMass            Cells `json:"no_action_mass"`
	NoActionConfirm         Cells `json:"no_action_confirm"`
	OtherNoAmendment        Cells `json:"other_no_amendment"`
	OtherNoFee              Cells `json:"other_no_fee"`
	Other                   Cells `json:"other"`
	Total                   Cells `json:"total"`
	CarriedForward          Cells `json:"carried_forward"`
}

// Row returns the row of a reply type.
func (t *Table3) Row(r ReplyType) *Cells {
	return map[ReplyType]*Cells{"disclose": &t.Disclose, "partial": &t.Partial, "withhold_state_secret": &t.WithholdStateSecret,
		"withhold_law": &t.WithholdLaw, "withhold_security": &t.WithholdSecurity, "withhold_third_party": &t.WithholdThirdParty,
		"withhold_internal": &t.WithholdInternal, "withhold_process": &t.WithholdProcess, "withhold_enforcement_file": &t.WithholdEnforcementFile,
		"withhold_query": &t.WithholdQuery, "unable_not_held": &t.UnableNotHeld, "unable_create": &t.UnableCreate, "unable_unclear": &t.UnableUnclear,
		"no_action_petition": &t.NoActionPetition, "no_action_repeat": &t.NoActionRepeat, "no_action_publication": &t.NoActionPublication,
		"no_action_mass": &t.NoActionMass, "no_action_confirm": &t.NoActionConfirm, "other_no_amendment": &t.OtherNoAmendment,
		"other_no_fee": &t.OtherNoFee, "other": &t.Other}[r]
}

// Block is one block of table 四.
type Block struct {
	Upheld    int `json:"upheld"`
	Corrected int `json:"corrected"`
	Other     int `json:"other"`
	Pending   int `json:"pending"`
	Total     int `json:"total"`
}

func (b *Block) add(result string) {
	switch result {
	case DisputeUpheld:
		b.Upheld++
	case DisputeCorrected:
		b.Corrected++
	case DisputeOther:
		b.Other++
	case DisputePending:
		b.Pending++
	default:
		return
	}
	b.Total++
}

// Table4 is 四、政府信息公开行政复议、行政诉讼情况.
type Table4 struct {
	Reconsideration                Block `json:"reconsideration"`
	LitigationDirect               Block `json:"litigation_direct"`
	LitigationAfterReconsideration Block `json:"litigation_after_reconsideration"`
}

// Stats are an organ's figures for a year: exactly the keys of `fazhi stats disclosure --format json`.
type Stats struct {
	Received       int           `json:"received"`
	CarriedOver    int           `json:"carried_over"`
	Answered       int           `json:"answered"`
	CarriedForward int           `json:"carried_forward"`
	OnTime         int           `json:"on_time"`
	Late           int           `json:"late"`
	OnTimeRate     stats.Percent `json:"on_time_rate"`
	Table3         Table3        `json:"table3"`
	Table4         Table4        `json:"table4"`
}

// Scope is whose requests count: one organ, or (the government's report) it and every organ below.
type Scope struct {
	Organ        org.Organ
	Subordinates bool
}

func (s *Service) scopeSQL(sc Scope) (string, []any) {
	if sc.Subordinates {
		return org.WithinSQL("organ_id", sc.Organ.Path)
	}
	return `organ_id = ?`, []any{sc.Organ.ID}
}

// StatsFor counts the year from the records.
func (s *Service) StatsFor(ctx context.Context, q db.Querier, sc Scope, year int) (*Stats, error) {
	first, last := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	where, args := s.scopeSQL(sc)
	rows, err := q.QueryContext(ctx, `SELECT received_on, applicant_type, reply_type, replied_on, on_time, reconsideration, litigation, reconsider_case_id, litigation_case_id
		FROM disclosure_requests WHERE `+where+` AND received_on <= ? AND (replied_on = '' OR replied_on >= ?)`, append(args, last, first)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	st := &Stats{}
	t := &st.Table3
	// Table 四 takes a linked fazhi case's current result, read once the rows are counted.
	type dispute struct{ recon, lit, reconID, litID string }
	var disputes []dispute
	var reconIDs, litIDs []string
	for rows.Next() {
		var received, typ, reply, replied, lit, recon, reconID, litID string
		var onTime int
		if err := rows.Scan(&received, &typ, &reply, &replied, &onTime, &recon, &lit, &reconID, &litID); err != nil {
			return nil, err
		}
		at := ApplicantType(typ)
		if received >= first {
			t.New.add(at)
		} else {
			t.CarriedOver.add(at)
		}
		if replied == "" || replied > last {
			t.CarriedForward.add(at)
			continue
		}
		row := t.Row(ReplyType(reply))
		if row == nil {
			return nil, fmt.Errorf("答复类型“%s”无法归入年报表三", reply)
		}
		row.add(at)
		t.Total.add(at)
		if onTime == 1 {
			st.OnTime++
		}
		if recon != "" || lit != "" || reconID != "" || litID != "" {
			disputes = append(disputes, dispute{recon, lit, reconID, litID})
			if reconID != "" {
				reconIDs = append(reconIDs, reconID)
			}
			if litID != "" {
				litIDs = append(litIDs, litID)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	rm, lm, err := s.linkedResults(ctx, q, reconIDs, litIDs)
	if err != nil {
		return nil, err
	}
	for _, d := range disputes {
		recon, l := d.recon, ParseLitigation(d.lit)
		if v, ok := rm[d.reconID]; ok {
			recon = v
		}
		if v, ok := lm[d.litID]; ok {
			l = v
		}
		st.Table4.Reconsideration.add(recon)
		if l.AfterReconsideration {
			st.Table4.LitigationAfterReconsideration.add(l.Result)
		} else {
			st.Table4.LitigationDirect.add(l.Result)
		}
	}
	st.Received, st.CarriedOver, st.Answered, st.CarriedForward = t.New.Total, t.CarriedOver.Total, t.Total.Total, t.CarriedForward.Total
	st.Late = st.Answered - st.OnTime
	st.OnTimeRate = stats.Rate(st.OnTime, st.Answered)
	return st, nil
}

// resultRows are the rows of 三（一）…（六） in order.
func (t *Table3) resultRows() []*Cells {
	out := make([]*Cells, len(Replies))
	for i, r := range Replies {
		out[i] = t.Row(r.Type)
	}
	return out
}

// allRows lists every row with its label, in the order of the format.
func (t *Table3) allRows() []*Cells {
	return append(append([]*Cells{&t.New, &t.CarriedOver}, t.resultRows()...), &t.Total, &t.CarriedForward)
}

// Check verifies checks 1–3 of legal-rules-2 §(d).4; prev (last year's figures, nil when not
// available) adds check 4. It returns every broken check in Chinese.
func (st *Stats) Check(prev *Stats) error {
	var errs []string
	t := &st.Table3
	// 1. 一 + 二 = 三（七） + 四, in every column.
	var lhs, rhs Cells
	lhs.plus(t.New)
	lhs.plus(t.CarriedOver)
	rhs.plus(t.Total)
	rhs.plus(t.CarriedForward)
	if lhs != rhs {
		errs = append(errs, fmt.Sprintf("勾稽关系一：本年新收加上年结转（%v）不等于办理结果总计加结转下年度（%v）", lhs.Columns(), rhs.Columns()))
	}
	// 2. 三（七） = the sum of （一）…（六）.
	var sum Cells
	for _, r := range t.resultRows() {
		sum.plus(*r)
	}
	if sum != t.Total {
		errs = append(errs, fmt.Sprintf("勾稽关系二：（七）总计（%v）不等于（一）至（六）各项之和（%v）", t.Total.Columns(), sum.Columns()))
	}
	// 3. every row: 总计 = 自然人 + the five organisation columns.
	for i, r := range t.allRows() {
		if r.NaturalPerson+r.Business+r.Research+r.PublicInterest+r.LegalService+r.OtherOrg != r.Total {
			errs = append(errs, fmt.Sprintf("勾稽关系三：第%d行总计列不等于各列之和", i+1))
		}
	}
	// 4. 二 = last year's 四.
	if prev != nil && prev.Table3.CarriedForward != t.CarriedOver {
		errs = append(errs, fmt.Sprintf("勾稽关系四：上年结转（%v）不等于上年度结转下年度（%v）", t.CarriedOver.Columns(), prev.Table3.CarriedForward.Columns()))
	}
	for name, b := range map[string]Block{"行政复议": st.Table4.Reconsideration, "未经复议直接起诉": st.Table4.LitigationDirect, "复议后起诉": st.Table4.LitigationAfterReconsideration} {
		if b.Upheld+b.Corrected+b.Other+b.Pending != b.Total {
			errs = append(errs, "表四“"+name+"”总计不等于各项之和")
		}
	}
	if len(errs) > 0 {
		return errors.New(strings.Join(errs, "；"))
	}
	return nil
}

// Verified counts the year and last year and runs the four checks (before every export).
func (s *Service) Verified(ctx context.Context, sc Scope, year int) (*Stats, error) {
	st, err := s.StatsFor(ctx, s.db, sc, year)
	if err != nil {
		return nil, err
	}
	prev, err := s.StatsFor(ctx, s.db, sc, year-1)
	if err != nil {
		return nil, err
	}
	if err := st.Check(prev); err != nil {
		return nil, fmt.Errorf("年报表格勾稽关系不成立，不能导出：%w", err)
	}
	return st, nil
}

// Figures are the year's figures for the annual report and the overview (module.Reporting).
func (s *Service) Figures(ctx context.Context, o org.Organ, year int) ([]stats.Figure, error) {
	st, err := s.StatsFor(ctx, s.db, Scope{Organ: o, Subordinates: o.Kind == org.KindGovernment}, year)
	if err != nil {
		return nil, err
	}
	link := fmt.Sprintf("/disclosure/stats?organ=%s&year=%d", o.ID, year)
	src := "国办公开办函〔2021〕30号 表三"
	return []stats.Figure{
		stats.Count("received", "本年新收政府信息公开申请", st.Received, "收到日期在本年度的申请", src, link),
		stats.Count("carried_over", "上年结转", st.CarriedOver, "上年度结转下年度继续办理的申请", src, link),
		stats.Count("answered", "本年度办理结果总计", st.Answered, "答复（含不予处理、视为放弃等）日期在本年度的申请", src, link),
		stats.Count("carried_forward", "结转下年度继续办理", st.CarriedForward, "12月31日仍在办理的申请", src, link),
		stats.RateOf("on_time_rate", "按期答复率", st.OnTime, st.Answered, "在法定期限内答复（补正重新起算、批准延期、扣除征求意见时间）÷ 办结", regl+"第三十三条", link),
		stats.Count("reconsideration", "政府信息公开行政复议", st.Table4.Reconsideration.Total, "本年度答复的申请引起的行政复议", "国办公开办函〔2021〕30号 表四", link),
		stats.Count("litigation", "政府信息公开行政诉讼", st.Table4.LitigationDirect.Total+st.Table4.LitigationAfterReconsideration.Total, "本年度答复的申请引起的行政诉讼", "国办公开办函〔2021〕30号 表四", link),
	}, nil
}

// StatsArgs are the options of `fazhi stats disclosure`.
type StatsArgs struct {
	Organ, Format string
	Year          int
	Sub           bool
}

func (a *StatsArgs) flags(fs *flag.FlagSet) {
	stats.CLIFlags(fs, &a.Organ, &a.Year, &a.Format, "机关代码")
	fs.BoolVar(&a.Sub, "sub", false, "含下级机关（人民政府的年度报告）")
}

// CLIStats prints the year's statistics; the four checks are verified first.
func CLIStats(ctx context.Context, s *Service, a StatsArgs, out io.Writer) error {
	o, err := stats.CLIOrgan(s.org, a.Organ, a.Year, a.Format)
	if err != nil {
		return err
	}
	st, err := s.Verified(ctx, Scope{Organ: o, Subordinates: a.Sub}, a.Year)
	if err != nil {
		return err
	}
	if a.Format == "json" {
		return stats.WriteJSON(out, st)
	}
	fmt.Fprintf(out, "%s %d年政府信息公开申请办理情况\n", o.Name, a.Year)
	fmt.Fprintf(out, "本年新收 %d，上年结转 %d，办结 %d，结转下年度 %d，按期答复 %d，逾期 %d，按期答复率 %s\n",
		st.Received, st.CarriedOver, st.Answered, st.CarriedForward, st.OnTime, st.Late, st.OnTimeRate)
	for _, r := range Table3Rows(&st.Table3) {
		fmt.Fprintf(out, "  %-40s %v\n", r.Label, r.Cells.Columns())
	}
	return nil
}

// LabeledRow is a row of table 三 with its label as printed in the report.
type LabeledRow struct {
	Label  string
	Indent int
	Cells  Cells
}

// Table3Rows are the rows of table 三 with the exact labels of legal-rules.md §3.1, group headings
// without cells included (Cells zero, Indent 1).
func Table3Rows(t *Table3) []LabeledRow {
	out := []LabeledRow{{"一、本年新收政府信息公开申请数量", 0, t.New}, {"二、上年结转政府信息公开申请数量", 0, t.CarriedOver}, {"三、本年度办理结果", -1, Cells{}}}
	numbers := map[string]string{"disclose": "（一）", "partial": "（二）", "withhold": "（三）", "unable": "（四）", "no_action": "（五）", "other": "（六）"}
	seen := map[string]bool{}
	for _, r := range Replies {
		g := r.Group
		if g == GroupDisclose || g == GroupPartial {
			out = append(out, LabeledRow{numbers[g.Key] + r.Label, 1, *t.Row(r.Type)})
			continue
		}
		if !seen[g.Key] {
			seen[g.Key] = true
			out = append(out, LabeledRow{numbers[g.Key] + g.Label, -1, Cells{}})
		}
		out = append(out, LabeledRow{r.Number + r.Label, 2, *t.Row(r.Type)})
	}
	return append(out, LabeledRow{"（七）总计", 1, t.Total}, LabeledRow{"四、结转下年度继续办理", 0, t.CarriedForward})
}
