package normdoc

import (
	"strings"
	"time"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/settings"
)

// Setting keys (organ settings, inherited down the tree). The national rules leave these to the
// provinces (legal-rules.md §4): the defaults follow common local rules and are marked as such.
const (
	KeyFilingDays       = "normdoc.filing.days"             // calendar days from publication
	KeyFilingNPC        = "normdoc.filing.npc"              // government documents also go to the 人大常委会
	KeyValidityYears    = "normdoc.validity.years"          // ordinary documents
	KeyProvisionalYears = "normdoc.validity.provisional"    // 暂行 / 试行
	KeyWarnMonths       = "normdoc.validity.warn_months"    // evaluation warning before expiry
	KeyEffectiveDelay   = "normdoc.effective.default_delay" // default days from publication to effect
)

const (
	basisFiling   = "《法规规章备案审查条例》第四条、第二十五条；地方规范性文件备案规定（如北京、上海：公布之日起30日内）"
	basisValidity = "地方规范性文件管理规定（常见：有效期不超过5年，暂行、试行不超过2年，届满前6个月评估）"
)

// SettingDefs lists the module's organ settings.
func SettingDefs() []settings.Def {
	return []settings.Def{
		{Key: KeyFilingDays, Name: "报送备案期限（自公布之日起）", Unit: "日", Default: 30, Min: 1, Max: 90, Basis: basisFiling},
		{Key: KeyFilingNPC, Name: "政府规范性文件同时报本级人大常委会备案", Unit: "（1 是，0 否）", Kind: settings.Bool, Default: 1, Basis: basisFiling},
		{Key: KeyValidityYears, Name: "有效期", Unit: "年", Default: 5, Min: 1, Max: 10, Basis: basisValidity},
		{Key: KeyProvisionalYears, Name: "暂行、试行文件有效期", Unit: "年", Default: 2, Min: 1, Max: 5, Basis: basisValidity},
		{Key: KeyWarnMonths, Name: "有效期届满前评估提醒", Unit: "个月", Default: 6, Min: 1, Max: 24, Basis: basisValidity},
		{Key: KeyEffectiveDelay, Name: "默认施行日期（自公布之日起）", Unit: "日", Default: 30, Min: 0, Max: 180,
			Basis: "地方规范性文件管理规定（常见：自公布之日起30日后施行，特殊情况除外；UNVERIFIED，可设置）"},
	}
}

func settingDef(key string) settings.Def {
	d, _ := settings.Find(SettingDefs(), key)
	return d
}

// FilingRule is the filing deadline: calendar days from publication, a rest-day end rolled to the
// next working day (legal-rules.md "Decisions" 2–3).
func FilingRule(days int) calendar.Rule {
	return calendar.Rule{Code: "normdoc.filing", Name: "报送备案", Length: max(days, 1), Unit: calendar.CalendarDays,
		Basis: basisFiling, StartEvent: "公布之日"}
}

// IsProvisional reports a 暂行 or 试行 document by its title.
func IsProvisional(title string) bool {
	return strings.Contains(title, "暂行") || strings.Contains(title, "试行")
}

// addMonths moves d by n months, clamping to the last day of the target month (08-31 − 6 months = 02-28).
func addMonths(d calendar.Date, n int) calendar.Date {
	t := time.Date(d.Year, d.Month+time.Month(n), 1, 0, 0, 0, 0, time.UTC)
	last := t.AddDate(0, 1, -1).Day()
	return calendar.Date{Year: t.Year(), Month: t.Month(), Day: min(d.Day, last)}
}

// ExpiryOf is the last day in force of a document effective on eff for years: 2025-03-01 + 5 years → 2030-02-28.
func ExpiryOf(eff calendar.Date, years int) calendar.Date {
	return addMonths(eff, 12*years).AddDays(-1)
}

// WarnOf is the day the evaluation warning starts: months before the expiry.
func WarnOf(expires calendar.Date, months int) calendar.Date {
	return addMonths(expires, -months)
}
