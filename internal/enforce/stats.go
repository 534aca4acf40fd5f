package enforce

import (
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/stats"
)

// Stats are a year's figures for an organ's area (legal-rules-2 §c.5), as `fazhi stats
// enforcement --format json` prints them: exactly these keys.
type Stats struct {
	Bodies              int            `json:"bodies"`
	Officers            int            `json:"officers"`
	Certified           int            `json:"certified"`
	CertifiedRate       stats.Percent  `json:"certified_rate"`
	Records             map[string]int `json:"records"`
	PublicityRequired   int            `json:"publicity_required"`
	PublicityOnTime     int            `json:"publicity_on_time"`
	PublicityRate       stats.Percent  `json:"publicity_rate"`
	LegalReviewRequired int            `json:"legal_review_required"`
	LegalReviewed       int            `json:"legal_reviewed"`
	LegalReviewRate     stats.Percent  `json:"legal_review_rate"`
	FilesEvaluated      int            `json:"files_evaluated"`
	FilesPassed         int            `json:"files_passed"`
	FilePassRate        stats.Percent  `json:"file_pass_rate"`
	SupervisionMatters  int            `json:"supervision_matters"`
	OpinionsIssued      int            `json:"opinions_issued"`
	RandomInspections   int            `json:"random_inspections"`
	RandomTargets       int            `json:"random_targets"`

	// Shown on the page and in the report, not in the CLI's JSON.
	FullRecord     int           `json:"-"`
	Decided        int           `json:"-"`
	PublicityLate  int           `json:"-"`
	PublicityMiss  int           `json:"-"`
	ExamsSat       int           `json:"-"`
	ExamsPassed    int           `json:"-"`
	Inspections    int           `json:"-"`
	ActsInYear     int           `json:"-"`
	OrganName      string        `json:"-"`
	Year           int           `json:"-"`
	AsOf           calendar.Date `json:"-"`
	area           org.Organ
	fromDay, toDay string
}

// StatsFor computes the year's figures for organ o's area as of today (a publication is counted
// once its period has run out or it was published).
func (m *Module) StatsFor(ctx context.Context, o org.Organ, year int) (*Stats, error) {
	area := m.Area(o)
	today := m.today()
	end := calendar.Date{Year: year, Month: 12, Day: 31}
	ref := end
	if today.Before(ref) {
		ref = today
	}
	st := &Stats{Records: map[string]int{}, OrganName: o.Name, Year: year, AsOf: today, area: area,
		fromDay: fmt.Sprintf("%04d-01-01", year), toDay: end.String()}
	for _, c := range RecordCategories {
		st.Records[c.Value] = 0
	}
	in, inArgs := org.WithinSQL("organ_id", area.Path)
	areaID := inArgs[0]
	q := m.d.DB
	one := func(dst *int, query string, args ...any) error {
		return q.QueryRowContext(ctx, query, args...).Scan(dst)
	}
	if err := one(&st.Bodies, `SELECT COUNT(*) FROM enforce_bodies WHERE `+in, areaID); err != nil {
		return nil, err
	}
	if err := one(&st.Officers, `SELECT COUNT(*) FROM enforce_officers WHERE `+in, areaID); err != nil {
		return nil, err
	}
	// 持证: officers with at least one certificate valid on the reference day.
	certs, err := db.List(ctx, q, scanCert, `SELECT `+certCols+` FROM enforce_certificates WHERE number <> '' AND `+in, areaID)
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*Certificate, len(certs))
	for _, c := range certs {
		byID[c.ID] = c
	}
	if err := m.loadSpans(ctx, q, byID); err != nil {
		return nil, err
	}
	holders := map[string]bool{}
	for _, c := range certs {
		if c.ValidOn(ref) {
			holders[c.OfficerID] = true
		}
	}
	st.Certified = len(holders)
	st.CertifiedRate = stats.Rate(st.Certified, st.Officers)
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(exam_passed), 0) FROM enforce_certificates WHERE applied_on >= ? AND applied_on <= ? AND `+in,
		st.fromDay, st.toDay, areaID).Scan(&st.ExamsSat, &st.ExamsPassed); err != nil {
		return nil, err
	}

	// One pass over the year's records: counted by the year of the act (the decision, or the filing
	// when not yet decided); publication and 法制审核 over those decided in the year. The two halves
	// each seek their index (organ, decision day); an OR of them would read every year.
	cols := `category, full_record, decided_on, published_on, publish_due, major, reviewed_on`
	todayS := today.String()
	rows, err := q.QueryContext(ctx, `SELECT category, COUNT(*), COALESCE(SUM(full_record), 0),
		COALESCE(SUM(CASE WHEN decided_on <> '' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN decided_on <> '' AND published_on <> '' AND published_on <= publish_due THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN decided_on <> '' AND published_on > publish_due THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN decided_on <> '' AND published_on = '' AND publish_due < ? THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN decided_on <> '' AND major = 1 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN decided_on <> '' AND major = 1 AND reviewed_on <> '' AND reviewed_on <= decided_on THEN 1 ELSE 0 END), 0)
		FROM (SELECT `+cols+` FROM enforce_records WHERE decided_on >= ? AND decided_on <= ? AND `+in+`
			UNION ALL SELECT `+cols+` FROM enforce_records WHERE decided_on = '' AND filed_on >= ? AND filed_on <= ? AND `+in+`) y
		GROUP BY category`, todayS, st.fromDay, st.toDay, areaID, st.fromDay, st.toDay, areaID)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var cat string
		var n, full, decided, onTime, late, miss, major, reviewed int
		if err := rows.Scan(&cat, &n, &full, &decided, &onTime, &late, &miss, &major, &reviewed); err != nil {
			rows.Close()
			return nil, err
		}
		st.Records[cat] += n
		st.ActsInYear += n
		st.FullRecord += full
		st.Decided += decided
		st.PublicityOnTime += onTime
		st.PublicityLate += late
		st.PublicityMiss += miss
		st.LegalReviewRequired += major
		st.LegalReviewed += reviewed
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	st.PublicityRequired = st.PublicityOnTime + st.PublicityLate + st.PublicityMiss
	st.PublicityRate = stats.Rate(st.PublicityOnTime, st.PublicityRequired)
	st.LegalReviewRate = stats.Rate(st.LegalReviewed, st.LegalReviewRequired)
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN grade IN ('excellent', 'good', 'pass') THEN 1 ELSE 0 END), 0)
		FROM enforce_evaluations WHERE grade <> '' AND scored_on >= ? AND scored_on <= ? AND `+in,
		st.fromDay, st.toDay, areaID).Scan(&st.FilesEvaluated, &st.FilesPassed); err != nil {
		return nil, err
	}
	st.FilePassRate = stats.Rate(st.FilesPassed, st.FilesEvaluated)
	if err := one(&st.SupervisionMatters, `SELECT COUNT(*) FROM enforce_matters WHERE opened_on >= ? AND opened_on <= ? AND `+in, st.fromDay, st.toDay, areaID); err != nil {
		return nil, err
	}
	if err := one(&st.OpinionsIssued, `SELECT COUNT(*) FROM enforce_matters WHERE opinion_on >= ? AND opinion_on <= ? AND `+in, st.fromDay, st.toDay, areaID); err != nil {
		return nil, err
	}
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(targets), 0) FROM enforce_draws WHERE drawn_on >= ? AND drawn_on <= ? AND `+in,
		st.fromDay, st.toDay, areaID).Scan(&st.RandomInspections, &st.RandomTargets); err != nil {
		return nil, err
	}
	st.Inspections = st.Records[CatInspection]
	return st, nil
}

// Figures lists the year's figures with formulas and sources (the page, the annual report).
func (st *Stats) Figures() []stats.Figure {
	link := "/enforce/records?year=" + strconv.Itoa(st.Year)
	fs := []stats.Figure{
		stats.Count("bodies", "执法主体", st.Bodies, "登记的执法主体数", "legal-rules-2 §c.5", "/enforce/bodies"),
		stats.Count("officers", "执法人员", st.Officers, "登记的执法人员数", "legal-rules-2 §c.5", "/enforce/officers"),
		stats.RateOf("certified_rate", "持证率", st.Certified, st.Officers, "持有有效执法证的执法人员 ÷ 执法人员（年末或今天）", "《行政处罚法》第四十二条；legal-rules-2 §c.5", "/enforce/officers"),
		stats.RateOf("exam_pass_rate", "资格考试通过率", st.ExamsPassed, st.ExamsSat, "考试合格 ÷ 参加考试（本年申领）", "legal-rules-2 §c.5", ""),
	}
	for _, c := range RecordCategories {
		fs = append(fs, stats.Count("records_"+c.Value, c.Label, st.Records[c.Value], "本年作出（未决定的按立案日期）的"+c.Label, "legal-rules-2 §c.5", link+"&category="+c.Value))
	}
	fs = append(fs,
		stats.RateOf("publicity_rate", "按期公示率", st.PublicityOnTime, st.PublicityRequired, "按期公示 ÷ 应公示（已公示的和公示期限已届满的本年决定）", "国办发〔2018〕118号；《政府信息公开条例》第二十六条", link),
		stats.Count("publicity_late", "逾期公示", st.PublicityLate, "公示日期晚于期限", "", link),
		stats.Count("publicity_missing", "未公示", st.PublicityMiss, "期限届满仍未公示", "", link),
		stats.RateOf("legal_review_rate", "法制审核率", st.LegalReviewed, st.LegalReviewRequired, "决定前经法制审核的重大执法决定 ÷ 重大执法决定", "《行政处罚法》第五十八条", link+"&major=1"),
		stats.RateOf("full_record_rate", "全过程记录率", st.FullRecord, st.ActsInYear, "有全过程记录的执法记录 ÷ 执法记录", "《行政处罚法》第四十七条", link),
		stats.RateOf("file_pass_rate", "案卷合格率", st.FilesPassed, st.FilesEvaluated, "(优秀 + 良好 + 合格) ÷ 评查案卷", "legal-rules-2 §c.5", "/enforce/campaigns"),
		stats.Count("supervision_matters", "监督事项", st.SupervisionMatters, "本年立项的监督事项", "《行政执法监督条例》", "/enforce/matters"),
		stats.Count("opinions_issued", "监督意见书", st.OpinionsIssued, "本年制发的行政执法监督意见书", "《行政执法监督条例》", "/enforce/matters"),
		stats.Count("random_inspections", "双随机抽查次数", st.RandomInspections, "本年完成的双随机抽取", "《优化营商环境条例》第五十四条", "/enforce/plans"),
		stats.Count("random_targets", "双随机抽查对象", st.RandomTargets, "本年抽中的检查对象", "《优化营商环境条例》第五十四条", "/enforce/plans"),
		stats.RateOf("random_share", "随机抽查占检查比例", st.RandomTargets, st.Inspections, "双随机抽中的对象 ÷ 行政检查记录", "legal-rules-2 §c.5", ""),
	)
	return fs
}

// Figures is the year's figures for the annual report and the overview (module.Reporting).
func (m *Module) Figures(ctx context.Context, o org.Organ, year int) ([]stats.Figure, error) {
	st, err := m.StatsFor(ctx, o, year)
	if err != nil {
		return nil, err
	}
	return st.Figures(), nil
}

// StatsArgs are the options of `fazhi stats enforcement`.
type StatsArgs struct {
	Organ  string
	Year   int
	Format string
}

// Flags registers the options.
func (a *StatsArgs) Flags(fs *flag.FlagSet) {
	stats.CLIFlags(fs, &a.Organ, &a.Year, &a.Format, "机关代码（人民政府或司法局统计其全部执法主体，部门统计本部门及下级）")
}

// CLIStats prints the year's figures.
func CLIStats(ctx context.Context, m *Module, a StatsArgs, out io.Writer) error {
	o, err := stats.CLIOrgan(m.d.Org, a.Organ, a.Year, a.Format)
	if err != nil {
		return err
	}
	st, err := m.StatsFor(ctx, o, a.Year)
	if err != nil {
		return err
	}
	if a.Format == "json" {
		return stats.WriteJSON(out, st)
	}
	fmt.Fprintf(out, "%s %d年行政执法统计（范围：%s及其下级，截至%s）\n", o.Name, a.Year, st.area.Name, st.AsOf)
	for _, f := range st.Figures() {
		fmt.Fprintf(out, "  %s：%s\n", f.Label, f.Text())
	}
	return nil
}
