package disclosure

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/org"
)

// The annual report (政府信息公开工作年度报告, 条例第四十九条、第五十条) in the six sections of the
// 2021 format (国办公开办函〔2021〕30号, legal-rules.md §3.1). Tables 三 and 四 are counted from the
// records by the same code as `fazhi stats disclosure`; 二 reads the 规范性文件 figures from the
// normative-document register and takes the rest by hand; 一, 五, 六 are text, with the figures
// offered and the fees collected computed.

// Row3 is a row of 二 with three counts: 本年制发件数, 本年废止件数, 现行有效件数.
type Row3 struct {
	Made     int `json:"made"`
	Repealed int `json:"repealed"`
	InForce  int `json:"in_force"`
}

// Manual are the cells of 二 entered by hand.
type Manual struct {
	Rules       Row3    `json:"rules"`         // 规章 (a county government makes none)
	Normative   Row3    `json:"normative"`     // 行政规范性文件, used only when the register is not available
	Licensing   int     `json:"licensing"`     // 行政许可 本年处理决定数量
	Penalty     int     `json:"penalty"`       // 行政处罚
	Enforcement int     `json:"enforcement"`   // 行政强制
	Fees        float64 `json:"fees_wan_yuan"` // 行政事业性收费 本年收费金额（万元）
}

// Table2 is 二、主动公开政府信息情况.
type Table2 struct {
	Rules             Row3    `json:"rules"`
	Normative         Row3    `json:"normative"`
	NormativeRegister bool    `json:"normative_from_register"` // 行政规范性文件 counted from the register
	Licensing         int     `json:"licensing"`
	Penalty           int     `json:"penalty"`
	Enforcement       int     `json:"enforcement"`
	Fees              float64 `json:"fees_wan_yuan"`
}

// ReportFigures are the report's tables: what the XLSX holds and the public page shows.
type ReportFigures struct {
	Table2 Table2 `json:"table2"`
	Table3 Table3 `json:"table3"`
	Table4 Table4 `json:"table4"`
	// 信息处理费 paid in the year (六).
	FeeCount  int `json:"fee_count"`
	FeeAmount int `json:"fee_amount_yuan"`
}

// Report is an organ's report for a year as stored.
type Report struct {
	ID, OrganID          string
	Year                 int
	Overview, Problems   string
	Other                string
	Manual               Manual
	Override             *Cells // 上年结转 set by hand (audited); nil = automatic
	OverrideReason       string
	IndexNo              string
	PublishedOn          calendar.Date
	UpdatedAt, UpdatedBy string
	Version              int
	published            string // the frozen ReportView as JSON
	stored               bool
}

// ReportView is a report with its figures: what the page previews, the files export and the
// public page shows (frozen at publication).
type ReportView struct {
	Organ        string        `json:"organ"`
	OrganCode    string        `json:"organ_code"`
	Year         int           `json:"year"`
	Government   bool          `json:"government"` // the government's report: it and every organ below
	IndexNo      string        `json:"index_no,omitempty"`
	PublishedOn  string        `json:"published_on,omitempty"`
	Overview     string        `json:"overview"`
	Problems     string        `json:"problems"`
	Other        string        `json:"other"`
	FeeLine      string        `json:"fee_line"`
	Figures      ReportFigures `json:"figures"`
	Automatic    Cells         `json:"carried_over_automatic"` // 上年结转 as the records (or last year's report) give it
	Overridden   bool          `json:"carried_over_overridden"`
	Reason       string        `json:"override_reason,omitempty"`
	CheckErr     string        `json:"-"` // the four checks; "" when they hold
	OfferedIntro string        `json:"-"` // the 总体情况 text offered from the figures
}

// Section headings of the 2021 format.
var ReportSections = []string{"一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
	"四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"}

// ReportOrgan reports whether o files an annual report: a government (for it and its departments,
// 第四十九条第二款) or a department (第四十九条第一款).
func ReportOrgan(o org.Organ) bool {
	return o.Kind == org.KindGovernment || o.Kind == org.KindDepartment || o.Kind == org.KindOffice || o.Kind == org.KindJustice
}

func (s *Service) reportScope(o org.Organ) Scope {
	return Scope{Organ: o, Subordinates: o.Kind == org.KindGovernment}
}

const reportCols = `id, organ_id, year, overview, problems, other, manual, carried_override, override_reason, index_no, published_on, published_json, updated_at, updated_by, version`

func scanReport(sc interface{ Scan(...any) error }) (*Report, error) {
	r := &Report{stored: true}
	var manual, override, pub string
	if err := sc.Scan(&r.ID, &r.OrganID, &r.Year, &r.Overview, &r.Problems, &r.Other, &manual, &override, &r.OverrideReason, &r.IndexNo, &pub,
		&r.published, &r.UpdatedAt, &r.UpdatedBy, &r.Version); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(manual), &r.Manual); err != nil {
		return nil, fmt.Errorf("年度报告 %s 的手填数据损坏：%w", r.ID, err)
	}
	if override != "" {
		r.Override = &Cells{}
		if err := json.Unmarshal([]byte(override), r.Override); err != nil {
			return nil, fmt.Errorf("年度报告 %s 的上年结转数据损坏：%w", r.ID, err)
		}
	}
	if pub != "" {
		r.PublishedOn, _ = calendar.ParseDate(pub)
	}
	return r, nil
}

// loadReport reads the organ's report of the year; a new one (not stored) when there is none.
func (s *Service) loadReport(ctx context.Context, q db.Querier, organID string, year int, lock bool) (*Report, error) {
	query := `SELECT ` + reportCols + ` FROM disclosure_reports WHERE organ_id = ? AND year = ?`
	if tx, ok := q.(*db.Tx); ok && lock && tx.Dialect() == db.Postgres {
		query += ` FOR UPDATE`
	}
	r, err := scanReport(q.QueryRowContext(ctx, query, organID, year))
	if errors.Is(err, sql.ErrNoRows) {
		return &Report{ID: db.NewID(), OrganID: organID, Year: year}, nil
	}
	return r, err
}

func (s *Service) saveReport(ctx context.Context, tx *db.Tx, r *Report, p *auth.Principal) error {
	manual, _ := json.Marshal(r.Manual)
	var override string
	if r.Override != nil {
		b, _ := json.Marshal(r.Override)
		override = string(b)
	}
	r.UpdatedAt, r.UpdatedBy = db.Now(), p.UserID
	if !r.stored {
		r.stored, r.Version = true, 1
		return tx.Exec(ctx, `INSERT INTO disclosure_reports (`+reportCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			r.ID, r.OrganID, r.Year, r.Overview, r.Problems, r.Other, string(manual), override, r.OverrideReason, r.IndexNo, ds(r.PublishedOn), r.published,
			r.UpdatedAt, r.UpdatedBy, r.Version)
	}
	err := tx.ExecOne(ctx, `UPDATE disclosure_reports SET overview = ?, problems = ?, other = ?, manual = ?, carried_override = ?, override_reason = ?, index_no = ?,
		published_on = ?, published_json = ?, updated_at = ?, updated_by = ?, version = version + 1 WHERE id = ? AND version = ?`,
		r.Overview, r.Problems, r.Other, string(manual), override, r.OverrideReason, r.IndexNo, ds(r.PublishedOn), r.published, r.UpdatedAt, r.UpdatedBy, r.ID, r.Version)
	r.Version++
	return err
}

// reportOrgan checks that p may see (edit) the report of organ id.
func (s *Service) reportOrgan(p *auth.Principal, id string, edit bool) (org.Organ, error) {
	o, ok := s.org.Organ(id)
	if !ok || !ReportOrgan(o) {
		return org.Organ{}, fault.Field("organ", "请选择编制年度报告的行政机关")
	}
	if !s.covers(p, o) {
		return org.Organ{}, fault.NotFoundf("年度报告不存在或您无权查看")
	}
	if edit && !p.Can(PermEdit) {
		return org.Organ{}, fault.Forbiddenf("您没有编制政府信息公开年度报告的权限")
	}
	return o, nil
}

func validYear(y int) error {
	if y < 2019 || y > 9999 {
		return fault.Field("year", "年度应为2019年以后的年份（现行条例自2019年5月15日施行）")
	}
	return nil
}

// AnnualReport reads (a new report when none is stored) and computes the report of organ id.
func (s *Service) AnnualReport(ctx context.Context, p *auth.Principal, organID string, year int) (*Report, *ReportView, error) {
	if err := validYear(year); err != nil {
		return nil, nil, err
	}
	o, err := s.reportOrgan(p, organID, false)
	if err != nil {
		return nil, nil, err
	}
	r, err := s.loadReport(ctx, s.db, o.ID, year, false)
	if err != nil {
		return nil, nil, err
	}
	v, err := s.reportView(ctx, o, r)
	return r, v, err
}

// reportView counts the figures and runs the four checks of legal-rules-2 §(d).4; a published
// report is its frozen view.
func (s *Service) reportView(ctx context.Context, o org.Organ, r *Report) (*ReportView, error) {
	if r.published != "" {
		v := &ReportView{}
		if err := json.Unmarshal([]byte(r.published), v); err != nil {
			return nil, fmt.Errorf("已发布的年度报告损坏：%w", err)
		}
		return v, nil
	}
	sc := s.reportScope(o)
	st, err := s.StatsFor(ctx, s.db, sc, r.Year)
	if err != nil {
		return nil, err
	}
	prev, err := s.StatsFor(ctx, s.db, sc, r.Year-1)
	if err != nil {
		return nil, err
	}
	// last year's 结转下年度: as published, when it was; else as the records give it
	last, err := s.loadReport(ctx, s.db, o.ID, r.Year-1, false)
	if err != nil {
		return nil, err
	}
	if last.published != "" {
		var lv ReportView
		if err := json.Unmarshal([]byte(last.published), &lv); err != nil {
			return nil, fmt.Errorf("上年度已发布的年度报告损坏：%w", err)
		}
		prev.Table3.CarriedForward = lv.Figures.Table3.CarriedForward
	}
	v := &ReportView{Organ: o.Name, OrganCode: o.Code, Year: r.Year, Government: sc.Subordinates, IndexNo: r.IndexNo, PublishedOn: ds(r.PublishedOn),
		Overview: r.Overview, Problems: r.Problems, Other: r.Other, Automatic: st.Table3.CarriedOver, Reason: r.OverrideReason}
	if r.Override != nil {
		v.Overridden = true
		st.Table3.CarriedOver = *r.Override
		st.CarriedOver = r.Override.Total
	}
	if err := st.Check(prev); err != nil {
		v.CheckErr = err.Error()
	}
	f := &v.Figures
	f.Table3, f.Table4 = st.Table3, st.Table4
	m := r.Manual
	f.Table2 = Table2{Rules: m.Rules, Normative: m.Normative, Licensing: m.Licensing, Penalty: m.Penalty, Enforcement: m.Enforcement, Fees: m.Fees}
	if s.normdoc != nil {
		ns, err := s.normdoc.Stats(ctx, o, r.Year)
		if err != nil {
			return nil, err
		}
		f.Table2.Normative = Row3{Made: ns.Published, Repealed: ns.Cleanup.Repealed, InForce: ns.InForce}
		f.Table2.NormativeRegister = true
	}
	where, args := s.scopeSQL(sc)
	if err := s.db.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(fee_amount), 0) FROM disclosure_requests WHERE `+where+` AND fee_paid_on >= ? AND fee_paid_on <= ?`,
		append(args, fmt.Sprintf("%04d-01-01", r.Year), fmt.Sprintf("%04d-12-31", r.Year))...).Scan(&f.FeeCount, &f.FeeAmount); err != nil {
		return nil, err
	}
	v.FeeLine = fmt.Sprintf("本年度共收取政府信息公开信息处理费%d元（%d件，按《政府信息公开信息处理费管理办法》（国办函〔2020〕109号）计收）。", f.FeeAmount, f.FeeCount)
	if f.FeeCount == 0 {
		v.FeeLine = "本年度未收取政府信息公开信息处理费。"
	}
	t := &st.Table3
	v.OfferedIntro = fmt.Sprintf("%d年，本机关共收到政府信息公开申请%d件，上年结转%d件；办结%d件，其中予以公开%d件、部分公开%d件、不予公开%d件、无法提供%d件、不予处理%d件、其他处理%d件；结转下年度继续办理%d件；按期答复率%s%%。因政府信息公开工作被申请行政复议%d件、被提起行政诉讼%d件。",
		r.Year, t.New.Total, t.CarriedOver.Total, t.Total.Total, t.Disclose.Total, t.Partial.Total, groupTotal(t, GroupWithhold), groupTotal(t, GroupUnable),
		groupTotal(t, GroupNoAction), groupTotal(t, GroupOther), t.CarriedForward.Total, strconv.FormatFloat(float64(st.OnTimeRate), 'f', 2, 64),
		st.Table4.Reconsideration.Total, st.Table4.LitigationDirect.Total+st.Table4.LitigationAfterReconsideration.Total)
	return v, nil
}

func groupTotal(t *Table3, g Group) int {
	n := 0
	for _, r := range Replies {
		if r.Group == g {
			n += t.Row(r.Type).Total
		}
	}
	return n
}

// ReportInput is what the staff write: the three texts and the cells of 二 entered by hand.
type ReportInput struct {
	Overview, Problems, Other string
	Manual                    Manual
	Version                   int // as loaded; 0 = not checked
}

func checkText(fe *fault.Fields, field, label, s string) string {
	s = strings.TrimSpace(strings.ReplaceAll(s, "\r\n", "\n"))
	if utf8.RuneCountInString(s) > 20000 {
		fe.Add(field, label+"不能超过20000字")
	}
	return s
}

// SaveReport stores the texts and the hand-entered cells (audited by size, not content).
func (s *Service) SaveReport(ctx context.Context, p *auth.Principal, organID string, year int, in ReportInput) (*Report, error) {
	fe := &fault.Fields{}
	if err := validYear(year); err != nil {
		return nil, err
	}
	in.Overview = checkText(fe, "overview", "总体情况", in.Overview)
	in.Problems = checkText(fe, "problems", "存在的主要问题及改进情况", in.Problems)
	in.Other = checkText(fe, "other", "其他需要报告的事项", in.Other)
	m := in.Manual
	for field, n := range map[string]int{"rules_made": m.Rules.Made, "rules_repealed": m.Rules.Repealed, "rules_in_force": m.Rules.InForce,
		"normative_made": m.Normative.Made, "normative_repealed": m.Normative.Repealed, "normative_in_force": m.Normative.InForce,
		"licensing": m.Licensing, "penalty": m.Penalty, "enforcement": m.Enforcement} {
		if n < 0 || n > 10000000 {
			fe.Add(field, "应为0以上的整数")
		}
	}
	if m.Fees < 0 || m.Fees > 1e8 {
		fe.Add("fees", "收费金额应为0以上的数（单位：万元）")
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	o, err := s.reportOrgan(p, organID, true)
	if err != nil {
		return nil, err
	}
	var out *Report
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		r, err := s.loadReport(ctx, tx, o.ID, year, true)
		if err != nil {
			return err
		}
		if !r.PublishedOn.IsZero() {
			return fault.Conflictf("该年度报告已于%s发布（索引号 %s），不能修改", r.PublishedOn, r.IndexNo)
		}
		if in.Version != 0 && r.stored && in.Version != r.Version {
			return fault.Conflictf("年度报告已被他人修改，请刷新后重试")
		}
		r.Overview, r.Problems, r.Other, r.Manual = in.Overview, in.Problems, in.Other, in.Manual
		if err := s.saveReport(ctx, tx, r, p); err != nil {
			return err
		}
		out = r
		return audit.Record(ctx, tx, audit.Entry{Action: "disclosure.report_save", ObjectType: "disclosure_report", ObjectID: r.ID,
			Detail: map[string]any{"organ": o.Code, "year": year, "overview": runeCount(r.Overview), "problems": runeCount(r.Problems), "other": runeCount(r.Other), "manual": r.Manual}})
	})
	return out, err
}

func runeCount(s string) string { return fmt.Sprintf("%d字", utf8.RuneCountInString(s)) }

// OverrideCarried sets 上年结转 by hand (nil clears it: automatic again). The reason is required
// and the before/after cells are audited; the four checks still run before export, so the records
// must still add up.
func (s *Service) OverrideCarried(ctx context.Context, p *auth.Principal, organID string, year int, cells *Cells, reason string) (*Report, error) {
	if err := validYear(year); err != nil {
		return nil, err
	}
	reason = strings.TrimSpace(reason)
	if cells != nil {
		fe := &fault.Fields{}
		for i, n := range cells.Columns()[:6] {
			if n < 0 || n > 10000000 {
				fe.Add("carried_"+string(ApplicantTypes[i]), "应为0以上的整数")
			}
		}
		if reason == "" {
			fe.Add("reason", "手工修改上年结转须说明理由（如上年度申请未录入系统）")
		} else if utf8.RuneCountInString(reason) > 500 {
			fe.Add("reason", "理由不能超过500字")
		}
		if err := fe.Err(); err != nil {
			return nil, err
		}
		cells.Total = cells.NaturalPerson + cells.Business + cells.Research + cells.PublicInterest + cells.LegalService + cells.OtherOrg
	}
	o, err := s.reportOrgan(p, organID, true)
	if err != nil {
		return nil, err
	}
	var out *Report
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		r, err := s.loadReport(ctx, tx, o.ID, year, true)
		if err != nil {
			return err
		}
		if !r.PublishedOn.IsZero() {
			return fault.Conflictf("该年度报告已于%s发布（索引号 %s），不能修改", r.PublishedOn, r.IndexNo)
		}
		before := r.Override
		r.Override, r.OverrideReason = cells, reason
		if cells == nil {
			r.OverrideReason = ""
		}
		if err := s.saveReport(ctx, tx, r, p); err != nil {
			return err
		}
		out = r
		return audit.Record(ctx, tx, audit.Entry{Action: "disclosure.report_override", ObjectType: "disclosure_report", ObjectID: r.ID,
			Detail: map[string]any{"organ": o.Code, "year": year, "carried_over": audit.Change{Before: cellsText(before), After: cellsText(cells)}, "reason": reason}})
	})
	return out, err
}

func cellsText(c *Cells) string {
	if c == nil {
		return "自动"
	}
	return fmt.Sprint(c.Columns())
}

// VerifiedReport is the report ready to export: the four checks hold, else an error naming them.
func (s *Service) VerifiedReport(ctx context.Context, p *auth.Principal, organID string, year int) (*Report, *ReportView, error) {
	r, v, err := s.AnnualReport(ctx, p, organID, year)
	if err != nil {
		return nil, nil, err
	}
	if v.CheckErr != "" {
		return nil, nil, fault.Conflictf("年报表格勾稽关系不成立，不能导出或发布：%s", v.CheckErr)
	}
	return r, v, nil
}

// PublishReport re-verifies the checks, gives the report its 索引号 (the organ's code / year-sequence)
// and freezes it for the public site.
func (s *Service) PublishReport(ctx context.Context, p *auth.Principal, organID string, year int) (*Report, error) {
	o, err := s.reportOrgan(p, organID, true)
	if err != nil {
		return nil, err
	}
	if _, _, err := s.VerifiedReport(ctx, p, organID, year); err != nil {
		return nil, err
	}
	var out *Report
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		r, err := s.loadReport(ctx, tx, o.ID, year, true)
		if err != nil {
			return err
		}
		if !r.PublishedOn.IsZero() {
			return fault.Conflictf("该年度报告已于%s发布（索引号 %s）", r.PublishedOn, r.IndexNo)
		}
		if strings.TrimSpace(r.Overview) == "" {
			return fault.Field("overview", "请填写“一、总体情况”后再发布")
		}
		today := s.Today()
		n, err := db.NextNumber(ctx, tx, o.ID, "disclosure.index", today.Year)
		if err != nil {
			return err
		}
		r.IndexNo, r.PublishedOn = fmt.Sprintf("%s/%d-%05d", o.Code, today.Year, n), today
		v, err := s.reportView(ctx, o, r)
		if err != nil {
			return err
		}
		if v.CheckErr != "" { // re-verified inside the transaction
			return fault.Conflictf("年报表格勾稽关系不成立，不能发布：%s", v.CheckErr)
		}
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		r.published = string(b)
		if err := s.saveReport(ctx, tx, r, p); err != nil {
			return err
		}
		out = r
		return audit.Record(ctx, tx, audit.Entry{Action: "disclosure.report_publish", ObjectType: "disclosure_report", ObjectID: r.ID,
			Detail: map[string]any{"organ": o.Code, "year": year, "index_no": r.IndexNo}})
	})
	return out, err
}

// PublishedReport is a published report for the public site.
type PublishedReport struct {
	ID          string
	Organ       string
	Year        int
	IndexNo     string
	PublishedOn string
	View        *ReportView
}

// PublishedReports lists the published reports, newest first.
func (s *Service) PublishedReports(ctx context.Context) ([]PublishedReport, error) {
	rs, err := db.List(ctx, s.db, scanReport, `SELECT `+reportCols+` FROM disclosure_reports WHERE published_on <> '' ORDER BY year DESC, published_on DESC, index_no LIMIT 500`)
	if err != nil {
		return nil, err
	}
	out := make([]PublishedReport, 0, len(rs))
	for _, r := range rs {
		o, _ := s.org.Organ(r.OrganID)
		out = append(out, PublishedReport{ID: r.ID, Organ: o.Name, Year: r.Year, IndexNo: r.IndexNo, PublishedOn: ds(r.PublishedOn)})
	}
	return out, nil
}

// Published reads one published report (404 for any other).
func (s *Service) Published(ctx context.Context, id string) (*PublishedReport, error) {
	r, err := scanReport(s.db.QueryRowContext(ctx, `SELECT `+reportCols+` FROM disclosure_reports WHERE id = ? AND published_on <> ''`, id))
	if err != nil {
		return nil, db.Found(err, "年度报告")
	}
	o, _ := s.org.Organ(r.OrganID)
	v, err := s.reportView(ctx, o, r)
	if err != nil {
		return nil, err
	}
	return &PublishedReport{ID: r.ID, Organ: o.Name, Year: r.Year, IndexNo: r.IndexNo, PublishedOn: ds(r.PublishedOn), View: v}, nil
}

func paras(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// OverviewParas, ProblemsParas and OtherParas are the texts a paragraph a line (public page).
func (v *ReportView) OverviewParas() []string { return paras(v.Overview) }
func (v *ReportView) ProblemsParas() []string { return paras(v.Problems) }
func (v *ReportView) OtherParas() []string    { return paras(v.Other) }
