package enforce

import (
	"fmt"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/settings"
)

// The 三项制度 and enforcement-qualification rules, each with its article (legal-rules-2 §(c)).
// Every violation found on a record is a warning on the body's and the 司法局's workbench.

// Settings: the publication periods are fazhi defaults from 国办发〔2018〕118号 as reported
// (legal-rules-2 §c.4: text not verified), configurable per organ (a province sets its own).
var (
	SettingPublishDecision = settings.Def{Key: "enforce.publish_days_decision", Name: "行政许可、行政处罚决定公示期限", Unit: "个工作日",
		Default: 7, Min: 1, Max: 20, Basis: "国办发〔2018〕118号（7个工作日；原文未核对，可按省级规定调整）；《政府信息公开条例》第二十六条（20个工作日为外限）"}
	SettingPublishOther = settings.Def{Key: "enforce.publish_days_other", Name: "其他执法决定公示期限", Unit: "个工作日",
		Default: 20, Min: 1, Max: 20, Basis: "国办发〔2018〕118号（20个工作日；原文未核对）；《政府信息公开条例》第二十六条"}
	SettingRectifyDays = settings.Def{Key: "enforce.rectify_days", Name: "监督意见书整改期限", Unit: "日",
		Default: 30, Min: 1, Max: 180, Basis: "fazhi 默认值：《行政执法监督条例》全文尚未核对，整改期限暂按30日，可设置"}
	SettingTrainingHours = settings.Def{Key: "enforce.training_hours", Name: "执法人员年度培训学时目标", Unit: "学时",
		Default: 60, Min: 0, Max: 500, Basis: "常见表述为每人每年不少于60学时（国办发〔2023〕27号，原文未核对），可设置"}
	SettingCertWarnDays = settings.Def{Key: "enforce.cert_warn_days", Name: "执法证到期提前预警天数", Unit: "日",
		Default: 30, Min: 1, Max: 180, Basis: "fazhi 默认值：到期前30日提醒办理年审或换证，可设置"}
)

// SettingDefs lists the module's settings.
func SettingDefs() []settings.Def {
	return []settings.Def{SettingPublishDecision, SettingPublishOther, SettingRectifyDays, SettingTrainingHours, SettingCertWarnDays}
}

// Periods are the publication periods in force for a body.
type Periods struct {
	Decision int // 许可、处罚: 7 WD by default
	Other    int // other decisions: 20 WD
}

// DefaultPeriods are the periods when no organ setting applies.
var DefaultPeriods = Periods{Decision: SettingPublishDecision.Default, Other: SettingPublishOther.Default}

// sectorRules override the publication period of a body tagged with the sector
// (legal-rules-2 §c.6.1): 市场监管 publishes penalty information within 20 WD.
var sectorRules = map[string]struct {
	Days  int
	Basis string
}{
	"市场监管": {20, "《市场监督管理行政处罚信息公示规定》第九条至第十一条（20个工作日）"},
}

// Articles cited by the warnings.
const (
	basisWithdraw   = "《中华人民共和国行政处罚法》第四十八条第二款、第八十五条（3个工作日）"
	basisReview     = "《中华人民共和国行政处罚法》第五十八条；《优化营商环境条例》第五十八条"
	basisFullRecord = "《中华人民共和国行政处罚法》第四十七条；《优化营商环境条例》第五十八条"
	basisTwoPenalty = "《中华人民共和国行政处罚法》第四十二条（执法人员不得少于两人）"
	basisTwoCoerce  = "《中华人民共和国行政强制法》第十八条第（二）项（由两名以上行政执法人员实施）"
	basisTwoInspect = "《中华人民共和国行政处罚法》第四十二条、第五十五条（检查由执法人员进行；两人以上为 fazhi 默认，法律未单独规定）"
	basisCert       = "《中华人民共和国行政处罚法》第四十二条（由具有行政执法资格的执法人员实施）"
	basisPeriod90   = "《中华人民共和国行政处罚法》第六十条（自立案之日起九十日内作出决定）"
)

// Warning kinds.
const (
	WarnPublishLate    = "publish_late"
	WarnPublishMissing = "publish_missing"
	WarnWithdrawLate   = "withdraw_late"
	WarnReviewMissing  = "review_missing"
	WarnRecordMissing  = "record_missing"
	WarnTooFewOfficers = "officers_few"
	WarnCertInvalid    = "cert_invalid"
	WarnDecisionLate   = "decision_late"
	WarnCertExpiring   = "cert_expiring"
	WarnTrainingShort  = "training_short"
)

// WarningKinds labels the warning kinds.
var WarningKinds = []Choice{{WarnPublishLate, "逾期公示"}, {WarnPublishMissing, "未公示"}, {WarnWithdrawLate, "未按期撤回公示"},
	{WarnReviewMissing, "未经法制审核"}, {WarnRecordMissing, "无全过程记录"}, {WarnTooFewOfficers, "执法人员少于两人"},
	{WarnCertInvalid, "执法人员无有效执法证"}, {WarnDecisionLate, "超过九十日作出处罚决定"}, {WarnCertExpiring, "执法证到期提醒"}, {WarnTrainingShort, "培训学时不足"}}

// Violation is one rule a record breaks.
type Violation struct {
	Kind    string        `json:"kind"`
	Message string        `json:"message"`
	Basis   string        `json:"basis"`
	Due     calendar.Date `json:"due"`
}

// PublishPeriod returns the publication period of a record of category for a body of sector.
func PublishPeriod(p Periods, sector, category string) (int, string) {
	if r, ok := sectorRules[sector]; ok {
		return r.Days, r.Basis
	}
	if category == CatPenalty || category == CatLicense {
		return p.Decision, SettingPublishDecision.Basis
	}
	return p.Other, SettingPublishOther.Basis
}

// Days is the part of the calendar the checks read: a *calendar.Calendar, or dayMemo over one
// when thousands of records share a few hundred decision dates.
type Days interface {
	AddWorkingDays(from calendar.Date, n int) calendar.Date
	AddCalendarDays(from calendar.Date, n int) calendar.Date
}

// dayMemo remembers a calendar's answers (an import asks about the same dates again and again).
type dayMemo struct {
	cal    *calendar.Calendar
	wd, cd map[dayKey]calendar.Date
}

type dayKey struct {
	d calendar.Date
	n int
}

func newDayMemo(cal *calendar.Calendar) *dayMemo {
	return &dayMemo{cal: cal, wd: map[dayKey]calendar.Date{}, cd: map[dayKey]calendar.Date{}}
}

func (m *dayMemo) AddWorkingDays(from calendar.Date, n int) calendar.Date {
	k := dayKey{from, n}
	d, ok := m.wd[k]
	if !ok {
		d = m.cal.AddWorkingDays(from, n)
		m.wd[k] = d
	}
	return d
}

func (m *dayMemo) AddCalendarDays(from calendar.Date, n int) calendar.Date {
	k := dayKey{from, n}
	d, ok := m.cd[k]
	if !ok {
		d = m.cal.AddCalendarDays(from, n)
		m.cd[k] = d
	}
	return d
}

// PublishDue is the last day to publish a decided record: n working days after the decision on
// the fazhi calendar (the decision day is not counted; 调休 make-up days count).
func PublishDue(cal Days, p Periods, sector string, r *Record) calendar.Date {
	if r.DecidedOn.IsZero() {
		return calendar.Date{}
	}
	n, _ := PublishPeriod(p, sector, r.Category)
	return cal.AddWorkingDays(r.DecidedOn, n)
}

// CertLookup returns the certificate with a number (nil when none).
type CertLookup func(number string) *Certificate

// Check lists every rule the record breaks as of today. certs resolves certificate numbers.
func Check(cal Days, p Periods, sector string, r *Record, certs CertLookup, today calendar.Date) []Violation {
	var out []Violation
	add := func(kind, basis string, due calendar.Date, format string, a ...any) {
		out = append(out, Violation{Kind: kind, Message: fmt.Sprintf(format, a...), Basis: basis, Due: due})
	}
	label := LabelOf(RecordCategories, r.Category)

	// 公示: every decided record is published within its period.
	if !r.DecidedOn.IsZero() {
		n, basis := PublishPeriod(p, sector, r.Category)
		due := cal.AddWorkingDays(r.DecidedOn, n)
		switch {
		case !r.PublishedOn.IsZero() && r.PublishedOn.After(due):
			add(WarnPublishLate, basis, due, "%s决定于%s作出，应在%d个工作日内（%s前）公示，实际%s公示", label, r.DecidedOn, n, due, r.PublishedOn)
		case r.PublishedOn.IsZero() && today.After(due):
			add(WarnPublishMissing, basis, due, "%s决定于%s作出，应在%d个工作日内（%s前）公示，至今未公示", label, r.DecidedOn, n, due)
		}
	}
	// 撤回公示: within 3 WD after the decision is revoked, varied or declared unlawful.
	if !r.RevokedOn.IsZero() && !r.PublishedOn.IsZero() {
		due := cal.AddWorkingDays(r.RevokedOn, 3)
		switch {
		case !r.WithdrawnOn.IsZero() && r.WithdrawnOn.After(due):
			add(WarnWithdrawLate, basisWithdraw, due, "决定于%s被撤销或变更，应在%s前撤回公示，实际%s撤回", r.RevokedOn, due, r.WithdrawnOn)
		case r.WithdrawnOn.IsZero() && today.After(due):
			add(WarnWithdrawLate, basisWithdraw, due, "决定于%s被撤销或变更，应在%s前撤回公示，至今未撤回", r.RevokedOn, due)
		}
	}
	// 法制审核 before a major decision (Art. 58 grounds or the body's catalogue: the 重大 flag).
	if r.Major && !r.DecidedOn.IsZero() {
		switch {
		case r.ReviewedOn.IsZero():
			add(WarnReviewMissing, basisReview, calendar.Date{}, "重大执法决定未经法制审核")
		case r.ReviewedOn.After(r.DecidedOn):
			add(WarnReviewMissing, basisReview, calendar.Date{}, "法制审核（%s）晚于决定（%s），应在作出决定之前审核", r.ReviewedOn, r.DecidedOn)
		}
	}
	// 全过程记录.
	if !r.FullRecord {
		add(WarnRecordMissing, basisFullRecord, calendar.Date{}, "没有执法全过程记录")
	}
	// Two officers for penalties, coercive measures and inspections.
	if len(r.Officers) < 2 {
		switch r.Category {
		case CatPenalty:
			add(WarnTooFewOfficers, basisTwoPenalty, calendar.Date{}, "行政处罚由%d名执法人员实施，不得少于两人", len(r.Officers))
		case CatCoercion:
			add(WarnTooFewOfficers, basisTwoCoerce, calendar.Date{}, "行政强制措施由%d名执法人员实施，应由两名以上执法人员实施", len(r.Officers))
		case CatInspection:
			add(WarnTooFewOfficers, basisTwoInspect, calendar.Date{}, "行政检查由%d名执法人员实施，应不少于两人", len(r.Officers))
		}
	}
	// Each officer's certificate valid on the day of the act.
	if on := r.ActOn(); !on.IsZero() {
		for _, no := range r.Officers {
			c := certs(no)
			switch {
			case c == nil:
				add(WarnCertInvalid, basisCert, calendar.Date{}, "执法证号 %s 不在执法证库中", no)
			case !c.ValidOn(on):
				add(WarnCertInvalid, basisCert, calendar.Date{}, "执法证 %s 在%s不在有效期内（或已暂扣、注销、吊销）", no, on)
			}
		}
	}
	// 行政处罚法 Art. 60: 90 days from 立案 (calendar days; a last day on a rest day rolls over).
	if r.Category == CatPenalty && !r.FiledOn.IsZero() {
		due := cal.AddCalendarDays(r.FiledOn, 90)
		switch {
		case !r.DecidedOn.IsZero() && r.DecidedOn.After(due):
			add(WarnDecisionLate, basisPeriod90, due, "%s立案，应在%s前作出处罚决定，实际%s作出（经批准延长的请在记录中说明）", r.FiledOn, due, r.DecidedOn)
		case r.DecidedOn.IsZero() && today.After(due):
			add(WarnDecisionLate, basisPeriod90, due, "%s立案，应在%s前作出处罚决定，至今未作出", r.FiledOn, due)
		}
	}
	return out
}

// Publication outcome of a record for the statistics.
const (
	PubNotDue  = "" // not decided, or still inside the period and unpublished
	PubOnTime  = "on_time"
	PubLate    = "late"
	PubMissing = "missing"
)

// Publication classifies a decided record's publication as of today.
func Publication(r *Record, due, today calendar.Date) string {
	switch {
	case r.DecidedOn.IsZero() || due.IsZero():
		return PubNotDue
	case !r.PublishedOn.IsZero() && !r.PublishedOn.After(due):
		return PubOnTime
	case !r.PublishedOn.IsZero():
		return PubLate
	case today.After(due):
		return PubMissing
	}
	return PubNotDue
}
