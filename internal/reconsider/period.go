package reconsider

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
)

// The application period of Arts. 20–21, in full. It is shown to the office as a finding with the rule
// that produced it; refusing an application stays the office's decision (Art. 30), never automatic.

// ApplicationFacts are the facts the period depends on beyond the dates of the application itself.
type ApplicationFacts struct {
	LongerDays     int           // a period set by another law, when longer than 60 days (Art. 20 para 1 但书)
	LongerBasis    string        // that law and article
	NotTold        bool          // the act did not state the right to apply, the organ and the period (Art. 20 para 3)
	RightsKnownOn  calendar.Date // when the applicant knew (or should have known) them
	ObstacleFrom   calendar.Date // force majeure or another proper obstacle (Art. 20 para 2), first day lost
	ObstacleTo     calendar.Date // the day the obstacle was removed
	ObstacleReason string
	PostedOn       calendar.Date // postmark of an application sent by post
	Immovable      bool          // the application concerns 不动产 (Art. 21: 20 years)
}

// Timeliness is the finding on the application period.
type Timeliness struct {
	Known   bool          // false while the date of knowing the act is missing
	FiledOn calendar.Date // receipt, or the postmark of a posted application
	Start   calendar.Date // the day the 60 (or longer) days are counted from
	Due     calendar.Date // last day of the period
	Cap     calendar.Date // Art. 20 para 3: one year from knowing the act's content
	Bar     calendar.Date // Art. 21: 5 (不动产 20) years from the act
	InTime  bool
	Barred  bool     // filed after the Art. 21 limit
	Rules   []string // each rule applied, with its article quoted
}

// Quoted articles, shown beside the finding.
const (
	art20p1 = "第二十条第一款：“可以自知道或者应当知道该行政行为之日起六十日内提出行政复议申请；但是法律规定的申请期限超过六十日的除外。”"
	art20p2 = "第二十条第二款：“因不可抗力或者其他正当理由耽误法定申请期限的，申请期限自障碍消除之日起继续计算。”"
	art20p3 = "第二十条第三款：未告知申请行政复议的权利、行政复议机关和申请期限的，“申请期限自……知道或者应当知道申请行政复议的权利、行政复议机关和申请期限之日起计算，但是自知道或者应当知道行政行为内容之日起最长不得超过一年。”"
	art21   = "第二十一条：“因不动产提出的行政复议申请自行政行为作出之日起超过二十年，其他行政复议申请自行政行为作出之日起超过五年的，行政复议机关不予受理。”"
	art85p4 = "《民事诉讼法》第八十五条第四款（第八十八条第一款适用）：“期间不包括在途时间，诉讼文书在期满前交邮的，不算过期。”"
)

// AddYears is the same day n years later; a day the target month lacks (29 February) is its last day
// (民法典第二百零二条: “到期月的对应日为期间的最后一日；没有对应日的，月末日为期间的最后一日”).
func AddYears(d calendar.Date, n int) calendar.Date {
	last := time.Date(d.Year+n, d.Month+1, 0, 0, 0, 0, 0, time.UTC).Day() // the target month's last day
	return calendar.Date{Year: d.Year + n, Month: d.Month, Day: min(d.Day, last)}
}

// ApplicationPeriod applies Arts. 20–21 to a case and its facts.
func ApplicationPeriod(c *Case, f ApplicationFacts, cal *calendar.Calendar) Timeliness {
	t := Timeliness{FiledOn: c.ReceivedOn}
	if c.Channel == ChannelPost && !f.PostedOn.IsZero() {
		t.FiledOn = f.PostedOn
		t.Rules = append(t.Rules, "以邮戳日期 "+f.PostedOn.String()+" 为提出申请之日："+art85p4)
	}
	if !c.ActDate.IsZero() {
		years := 5
		if f.Immovable {
			years = 20
		}
		// A period of years ends like any period: a last day that is a rest day rolls over (民事诉讼法第八十五条).
		t.Bar = cal.NextWorkday(AddYears(c.ActDate, years))
		t.Barred = t.FiledOn.After(t.Bar)
		t.Rules = append(t.Rules, fmt.Sprintf("最长申请期限：自行政行为作出之日（%s）起%d年，至 %s。%s", c.ActDate, years, t.Bar, art21))
	}
	if c.LearnedOn.IsZero() {
		t.InTime = !t.Barred
		return t
	}
	t.Known = true
	length := 60
	if f.LongerDays > 60 {
		length = f.LongerDays
		t.Rules = append(t.Rules, fmt.Sprintf("适用法律规定的更长申请期限%d日（%s）。", length, f.LongerBasis))
	}
	t.Start = c.LearnedOn
	if f.NotTold {
		t.Cap = cal.NextWorkday(AddYears(c.LearnedOn, 1))
		if !f.RightsKnownOn.IsZero() && f.RightsKnownOn.After(c.LearnedOn) {
			t.Start = f.RightsKnownOn
		} else if f.RightsKnownOn.IsZero() {
			t.Start = calendar.Date{} // still unaware of the right: only the one-year cap runs
		}
	}
	var pauses []calendar.Pause
	if !f.ObstacleFrom.IsZero() && !f.ObstacleTo.IsZero() {
		// The days lost, ObstacleFrom..ObstacleTo, are not counted; counting goes on the day after the removal.
		pauses = []calendar.Pause{{From: f.ObstacleFrom.AddDays(-1), To: f.ObstacleTo}}
	}
	rule := calendar.Rule{Code: "reconsider.apply", Name: "申请行政复议", Length: length, Unit: calendar.CalendarDays, Pausable: true}
	if !t.Start.IsZero() {
		t.Due, _, _ = cal.Due(rule, t.Start, pauses, 0)
		t.Rules = append(t.Rules, fmt.Sprintf("申请期限自 %s 起算%d日，至 %s。%s", t.Start, length, t.Due, art20p1))
	}
	if len(pauses) > 0 {
		t.Rules = append(t.Rules, fmt.Sprintf("%s 至 %s 因%s耽误的期间不计入。%s", f.ObstacleFrom, f.ObstacleTo, cmpOr(f.ObstacleReason, "正当理由"), art20p2))
	}
	if f.NotTold {
		if t.Due.IsZero() || t.Due.After(t.Cap) {
			t.Due = t.Cap
		}
		t.Rules = append(t.Rules, fmt.Sprintf("行政行为未告知申请权利、复议机关和申请期限：自知道行政行为内容之日（%s）起最长一年，至 %s。%s", c.LearnedOn, t.Cap, art20p3))
	}
	t.InTime = !t.FiledOn.After(t.Due) && !t.Barred
	return t
}

func cmpOr(a, b string) string {
	if strings.TrimSpace(a) != "" {
		return a
	}
	return b
}

// ApplicationFactsInput records the facts of Arts. 20–21 for a case (dates as YYYY-MM-DD, empty = none).
type ApplicationFactsInput struct {
	Step
	LongerDays     int    `json:"longer_days"`
	LongerBasis    string `json:"longer_basis"`
	NotTold        bool   `json:"not_told"`
	RightsKnownOn  string `json:"rights_known_on"`
	ObstacleFrom   string `json:"obstacle_from"`
	ObstacleTo     string `json:"obstacle_to"`
	ObstacleReason string `json:"obstacle_reason"`
	PostedOn       string `json:"posted_on"`
	Immovable      bool   `json:"immovable"`
}

func (in ApplicationFactsInput) facts() (ApplicationFacts, error) {
	f := ApplicationFacts{LongerDays: in.LongerDays, LongerBasis: strings.TrimSpace(in.LongerBasis), NotTold: in.NotTold,
		ObstacleReason: strings.TrimSpace(in.ObstacleReason), Immovable: in.Immovable}
	fe := &fault.Fields{}
	for _, x := range []struct {
		key, v string
		dst    *calendar.Date
	}{{"rights_known_on", in.RightsKnownOn, &f.RightsKnownOn}, {"obstacle_from", in.ObstacleFrom, &f.ObstacleFrom},
		{"obstacle_to", in.ObstacleTo, &f.ObstacleTo}, {"posted_on", in.PostedOn, &f.PostedOn}} {
		if v := strings.TrimSpace(x.v); v != "" {
			d, err := calendar.ParseDate(v)
			if err != nil {
				fe.Add(x.key, calendar.FormatHint)
				continue
			}
			*x.dst = d
		}
	}
	switch {
	case f.LongerDays < 0 || (f.LongerDays > 0 && f.LongerDays <= 60):
		fe.Add("longer_days", "法律规定的申请期限须超过六十日（第二十条第一款但书）；没有的请留空")
	case f.LongerDays > 0 && f.LongerBasis == "":
		fe.Add("longer_basis", "请写明规定更长申请期限的法律及条款")
	}
	if f.ObstacleFrom.IsZero() != f.ObstacleTo.IsZero() {
		fe.Add("obstacle_to", "请同时填写障碍发生和消除的日期")
	} else if !f.ObstacleFrom.IsZero() {
		if f.ObstacleTo.Before(f.ObstacleFrom) {
			fe.Add("obstacle_to", "障碍消除日期不能早于发生日期")
		}
		if f.ObstacleReason == "" {
			fe.Add("obstacle_reason", "请写明不可抗力或者其他正当理由（第二十条第二款）")
		}
	}
	if !f.NotTold && !f.RightsKnownOn.IsZero() {
		fe.Add("rights_known_on", "只有行政行为未告知申请权利、复议机关和期限的，才填写知道之日（第二十条第三款）")
	}
	return f, fe.Err()
}

// RecordApplicationFacts records or corrects the facts of the application period; the finding is
// recomputed on the case page.
func (s *Service) RecordApplicationFacts(ctx context.Context, p *auth.Principal, id string, in ApplicationFactsInput) (*Case, error) {
	f, err := in.facts()
	if err != nil {
		return nil, err
	}
	return s.run(ctx, p, id, casework.Transition[*Case]{Action: "application_facts", Step: &in.Step,
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			if !f.PostedOn.IsZero() {
				if c.Channel != ChannelPost {
					return fault.Field("posted_on", "只有邮寄提出的申请才有邮戳日期")
				}
				if f.PostedOn.After(c.ReceivedOn) {
					return fault.Field("posted_on", "邮戳日期不能晚于收件日期")
				}
			}
			t := ApplicationPeriod(c, f, s.cal())
			ev.Note = timelinessLine(t)
			if err := tx.Exec(ctx, `DELETE FROM reconsider_application_facts WHERE case_id = ?`, c.ID); err != nil {
				return err
			}
			return tx.Exec(ctx, `INSERT INTO reconsider_application_facts (case_id, longer_days, longer_basis, not_told, rights_known_on, obstacle_from, obstacle_to,
				obstacle_reason, posted_on, immovable, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.ID, f.LongerDays, f.LongerBasis, db.BoolInt(f.NotTold),
				f.RightsKnownOn.String(), f.ObstacleFrom.String(), f.ObstacleTo.String(), f.ObstacleReason, f.PostedOn.String(), db.BoolInt(f.Immovable), db.Now())
		}})
}

func timelinessLine(t Timeliness) string {
	switch {
	case t.Barred:
		return fmt.Sprintf("申请超过第二十一条规定的最长期限（至 %s）", t.Bar)
	case !t.Known:
		return "知道行政行为的日期未填写，无法计算申请期限"
	case t.InTime:
		return fmt.Sprintf("在申请期限内（至 %s）", t.Due)
	}
	return fmt.Sprintf("可能超过申请期限（至 %s）", t.Due)
}

// Timeliness of a case, from its stored facts.
func (s *Service) Timeliness(ctx context.Context, q db.Querier, c *Case) (Timeliness, ApplicationFacts, error) {
	f, err := loadApplicationFacts(ctx, q, c.ID)
	if err != nil {
		return Timeliness{}, f, err
	}
	return ApplicationPeriod(c, f, s.cal()), f, nil
}

func loadApplicationFacts(ctx context.Context, q db.Querier, caseID string) (ApplicationFacts, error) {
	var f ApplicationFacts
	var notTold, immovable int
	var dates [4]string
	err := q.QueryRowContext(ctx, `SELECT longer_days, longer_basis, not_told, rights_known_on, obstacle_from, obstacle_to, obstacle_reason, posted_on, immovable
		FROM reconsider_application_facts WHERE case_id = ?`, caseID).Scan(&f.LongerDays, &f.LongerBasis, &notTold, &dates[0], &dates[1], &dates[2], &f.ObstacleReason, &dates[3], &immovable)
	if errors.Is(err, sql.ErrNoRows) {
		return f, nil
	}
	if err != nil {
		return f, err
	}
	f.NotTold, f.Immovable = notTold == 1, immovable == 1
	for i, dst := range []*calendar.Date{&f.RightsKnownOn, &f.ObstacleFrom, &f.ObstacleTo, &f.PostedOn} {
		if dates[i] != "" {
			*dst, _ = calendar.ParseDate(dates[i])
		}
	}
	return f, nil
}
