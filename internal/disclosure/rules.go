package disclosure

import (
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/settings"
)

// The statutory periods of a request, each declared once with its article (legal-rules-2 §(d).2).
// All are working days on the fazhi calendar.
var (
	RuleAmendNotice = calendar.Rule{Code: "disclosure.amend_notice", Name: "一次性告知补正", Length: 7, Unit: calendar.WorkingDays,
		Basis: regl + "第三十条", StartEvent: "收到申请之日"}
	RuleReply = calendar.Rule{Code: "disclosure.reply", Name: "答复申请", Length: 20, Unit: calendar.WorkingDays,
		Basis: regl + "第三十三条第二款", StartEvent: "收到申请之日（补正的，收到补正后的申请之日）", RestartOnAmend: true, Pausable: true, MaxExtension: 20}
	RuleThirdParty = calendar.Rule{Code: "disclosure.third_party", Name: "第三方提出意见", Length: 15, Unit: calendar.WorkingDays,
		Basis: regl + "第三十二条", StartEvent: "发出征求意见函之日（所需时间不计入答复期限，第三十三条第三款）"}
	RuleOrgan = calendar.Rule{Code: "disclosure.organ", Name: "其他机关提出意见", Length: 15, Unit: calendar.WorkingDays,
		Basis: regl + "第三十四条", StartEvent: "发出征求意见函之日（所需时间不计入答复期限，第三十三条第三款）"}
)

// Organ settings (package settings): what the law leaves to the organ or what fazhi could not verify.
var (
	SettingAmendDays = settings.Def{Key: "disclosure.amend_days", Name: "补正期限（补正告知书给申请人的期限）", Unit: "个工作日",
		Default: 15, Min: 1, Max: 60, Basis: regl + "第三十条只要求“合理的补正期限”，天数由机关确定"}
	SettingFeeDays = settings.Def{Key: "disclosure.fee_days", Name: "信息处理费缴纳期限", Unit: "个工作日",
		Default: 20, Min: 1, Max: 60, Basis: "国办函〔2020〕109号（缴费期限的原文未能核实，默认20个工作日，请按本地规定调整）"}
	SettingFeePauses = settings.Def{Key: "disclosure.fee_pauses", Name: "等待缴费期间暂停答复期限", Unit: "（1 暂停，0 不暂停）",
		Kind: settings.Bool, Default: 1, Basis: "国办函〔2020〕109号（等待缴费是否扣除未能核实，默认暂停）"}
)

// Settings lists the module's organ settings.
var Settings = []settings.Def{SettingAmendDays, SettingFeeDays, SettingFeePauses}

// Deadlines are the live due dates of a request.
type Deadlines struct {
	AmendNotice calendar.Date // 补正告知 within 7 WD of receipt (only before any notice)
	Amend       calendar.Date // the applicant's 补正 period (lapse = deemed abandoned)
	Reply       calendar.Date // 答复 (20 WD + extension, excluded time added)
	Fee         calendar.Date // payment period
	Consult     calendar.Date // the earliest open consultation's 15 WD
	Excluded    int           // working days excluded from the answer period so far (consultations, fee wait, entered days)
	Paused      string        // why the clock stands now ("" = running)
	Next        calendar.Date
	NextRule    string
}

// pauses are the stretches excluded from the answer period (第三十三条第三款; fee wait per the organ
// setting). A consultation counts until the opinion arrives but never beyond the party's 15 WD
// (第三十二条, 第三十四条: after that the organ decides on its own); the fee wait until payment or,
// unpaid, the end of the payment period.
func (r *Request) pauses(cal *calendar.Calendar) []calendar.Pause {
	var out []calendar.Pause
	for _, c := range r.Consultations {
		end := cal.AddWorkingDays(c.SentOn, RuleThirdParty.Length)
		if !c.EndedOn.IsZero() && c.EndedOn.Before(end) {
			end = c.EndedOn
		}
		out = append(out, calendar.Pause{From: c.SentOn, To: end})
	}
	if r.FeePaused && !r.FeeNoticeOn.IsZero() {
		end := r.FeePaidOn
		if end.IsZero() {
			end = r.FeeDue
		}
		if !end.IsZero() {
			out = append(out, calendar.Pause{From: r.FeeNoticeOn, To: end})
		}
	}
	return out
}

// ReplyDue is the last day to answer: 20 WD from the clock start (第三十三条第二款), plus the approved
// extension, with the excluded stretches and the entered excluded days not counted. It also
// returns the working days excluded by the stretches.
func (r *Request) ReplyDue(cal *calendar.Calendar) (due calendar.Date, excluded int) {
	start := r.ClockStart()
	if start.IsZero() {
		return calendar.Date{}, 0
	}
	pauses := r.pauses(cal)
	left := RuleReply.Length + r.ExtensionDays + r.ExcludedDays
	d := start
	for left > 0 {
		d = d.AddDays(1)
		if !cal.IsWorkday(d) {
			continue
		}
		if inPause(pauses, d) {
			excluded++
			continue
		}
		left--
	}
	return d, excluded + r.ExcludedDays
}

// inPause: d lies in From+1..To of some pause (the day a letter goes out still counts).
func inPause(ps []calendar.Pause, d calendar.Date) bool {
	for _, p := range ps {
		if d.After(p.From) && !d.After(p.To) {
			return true
		}
	}
	return false
}

// ComputeDeadlines derives the live deadlines from the request's facts and the calendar. It is pure,
// so a calendar change recomputes them (module.Redating).
func ComputeDeadlines(r *Request, cal *calendar.Calendar) Deadlines {
	var d Deadlines
	if r.State == StateRegistered && r.AmendNoticeOn.IsZero() && r.AmendReceivedOn.IsZero() {
		d.AmendNotice = cal.AddWorkingDays(r.ReceivedOn, RuleAmendNotice.Length)
	}
	if r.State == StateAmending {
		d.Amend = r.AmendDue
		d.Paused = "补正中：答复期限自收到补正后的申请之日起计算"
	} else {
		d.Reply, d.Excluded = r.ReplyDue(cal)
	}
	if r.State == StateFeeWaiting {
		d.Fee = r.FeeDue
		if r.FeePaused {
			d.Paused = "等待缴费：本机关设置为等待缴费期间答复期限暂停"
		}
	}
	for _, c := range r.Consultations {
		if c.EndedOn.IsZero() {
			end := cal.AddWorkingDays(c.SentOn, RuleThirdParty.Length)
			if d.Consult.IsZero() || end.Before(d.Consult) {
				d.Consult = end
			}
			d.Paused = "征求意见中：所需时间不计入答复期限（第三十三条第三款）"
		}
	}
	if r.Closed() {
		d.AmendNotice, d.Amend, d.Fee, d.Consult, d.Paused = calendar.Date{}, calendar.Date{}, calendar.Date{}, calendar.Date{}, ""
		return d
	}
	rule := func(code string, on calendar.Date) {
		if !on.IsZero() && (d.Next.IsZero() || on.Before(d.Next)) {
			d.Next, d.NextRule = on, code
		}
	}
	rule(RuleAmendNotice.Code, d.AmendNotice)
	rule("disclosure.amend", d.Amend)
	rule("disclosure.fee", d.Fee)
	rule(RuleThirdParty.Code, d.Consult)
	rule(RuleReply.Code, d.Reply)
	return d
}

// RuleLabel names the rule of a stored next deadline with its article, for the workbench.
func RuleLabel(code string) string {
	switch code {
	case RuleAmendNotice.Code:
		return RuleAmendNotice.Name + "（" + RuleAmendNotice.Basis + "）"
	case "disclosure.amend":
		return "申请人补正（" + regl + "第三十条，逾期视为放弃）"
	case "disclosure.fee":
		return "缴纳信息处理费（" + regl + "第四十二条、国办函〔2020〕109号）"
	case RuleThirdParty.Code:
		return "征求意见（" + regl + "第三十二条、第三十四条）"
	case RuleReply.Code:
		return RuleReply.Name + "（" + RuleReply.Basis + "）"
	}
	return code
}

// Fee modes of 国办函〔2020〕109号.
const (
	FeeByCount  = "count"  // 按件计收
	FeeByVolume = "volume" // 按量计收
)

// FeeFor is the 信息处理费 of one request under 国办函〔2020〕109号 (as summarised in legal-rules.md §3;
// the notice's text is not in the corpus). By count, n is this request's rank among the same
// applicant's requests to the organ in the calendar month: the first 10 are free, the 11th–30th
// cost 100 yuan each, and from the 31st the price rises by 100 yuan every 10 requests (31–40: 200,
// 41–50: 300 …). By volume, n is the number of pages (1,000 characters of electronic text count as a
// page): 30 pages free, pages 31–100 at 10 yuan, pages above 100 at 20 yuan.
func FeeFor(mode string, n int) int {
	switch mode {
	case FeeByCount:
		switch {
		case n <= 10:
			return 0
		case n <= 30:
			return 100
		}
		return 100 * (1 + (n-21)/10)
	case FeeByVolume:
		fee := 0
		if n > 30 {
			fee += 10 * (min(n, 100) - 30)
		}
		if n > 100 {
			fee += 20 * (n - 100)
		}
		return fee
	}
	return 0
}
