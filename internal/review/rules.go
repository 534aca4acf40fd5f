package review

import (
	"fmt"
	"slices"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/settings"
)

// Item is one entry of a kind's checklist of materials.
type Item struct {
	Code     string
	Name     string
	Required bool
}

type kindDef struct {
	label     string
	basis     string // the legal basis of the review and its period
	minDays   int    // working days; defaults of the organ settings review.period.<kind>.min/.max
	maxDays   int
	dual      bool // 双重审核 by default (setting review.dual.<kind>)
	checklist []Item
}

const (
	basis115  = "《国务院办公厅关于全面推行行政规范性文件合法性审核机制的指导意见》（国办发〔2018〕115号）"
	basis713  = "《重大行政决策程序暂行条例》"
	basisHere = "本平台默认值（法律未作统一规定，可按本地规定设置）"
)

// kindInfo declares each kind once: its checklist, period and double-review default.
// 115号 "not less than 5, at most 15 working days" is recalled, not verified (legal-rules.md §4);
// 条例 Art. 26 "generally not less than 7 working days"; the other periods are fazhi defaults.
var kindInfo = map[Kind]kindDef{
	KindNormdoc: {label: "行政规范性文件", basis: basis115, minDays: 5, maxDays: 15, checklist: []Item{
		{"letter", "送审函（报送审核的请示）", true},
		{"draft", "文件送审稿", true},
		{"explanation", "起草说明（制定必要性、主要内容、论证情况）", true},
		{"basis", "制定依据（法律、法规、规章和上级文件）", true},
		{"comments", "征求意见及采纳情况（含公开征求意见材料）", true},
		{"prelim", "起草单位法制机构合法性初审意见", true},
		{"competition", "公平竞争审查意见（涉及市场主体经济活动的）", false},
		{"assessment", "评估论证材料", false},
	}},
	KindDecision: {label: "重大行政决策", basis: basis713 + "第二十五条至第二十八条", minDays: 7, maxDays: 15, dual: true, checklist: []Item{
		{"letter", "送审函", true},
		{"draft", "决策草案", true},
		{"explanation", "起草说明", true},
		{"basis", "法律依据", true},
		{"participation", "公众参与材料（征求意见及采纳情况）", true},
		{"experts", "专家论证材料", true},
		{"risk", "风险评估报告", true},
		{"prelim", "起草单位合法性初审意见", true},
		{"hearing", "听证材料（举行听证的）", false},
	}},
	KindContract: {label: "政府合同（协议）", basis: basisHere, maxDays: 10, dual: true, checklist: []Item{
		{"letter", "送审函", true},
		{"text", "合同（协议）文本", true},
		{"party", "合同相对方主体资格及资信证明", true},
		{"background", "合同订立依据及背景说明", true},
		{"procedure", "招标投标、资产评估等前置程序材料", false},
		{"prelim", "承办单位法律顾问或法制机构意见", true},
	}},
	KindMeeting: {label: "常务会议议题", basis: basisHere, maxDays: 5, checklist: []Item{
		{"letter", "送审函", true},
		{"material", "议题汇报材料", true},
		{"draft", "拟提请审议的文件草案", true},
		{"basis", "法律、政策依据", true},
		{"comments", "相关部门意见征求情况", false},
	}},
	KindEnforcement: {label: "重大行政执法决定", basis: "《中华人民共和国行政处罚法》第五十八条；" + basisHere, maxDays: 10, checklist: []Item{
		{"letter", "送审函", true},
		{"decision", "拟作出的行政执法决定书", true},
		{"report", "案件调查终结报告", true},
		{"evidence", "证据材料", true},
		{"qualification", "执法主体资格及执法人员资格证明", true},
		{"notice", "告知、陈述申辩或听证材料", true},
		{"opinion", "承办机构意见", false},
	}},
}

// draftItems are the checklist items whose file is the text under review: a DOCX uploaded for
// one of them fills the request's draft (compared between rounds, indexed for search).
var draftItems = []string{"draft", "text", "decision"}

// IsDraftItem reports whether the material code carries the text under review.
func IsDraftItem(code string) bool { return slices.Contains(draftItems, code) }

// Checklist is the list of materials a kind requires.
func (k Kind) Checklist() []Item { return append([]Item(nil), kindInfo[k].checklist...) }

// Basis is the legal basis of the kind's review period.
func (k Kind) Basis() string { return kindInfo[k].basis }

// Setting keys (organ settings, inherited down the org tree; see internal/settings).
func keyMin(k Kind) string  { return "review.period." + string(k) + ".min" }
func keyMax(k Kind) string  { return "review.period." + string(k) + ".max" }
func keyDual(k Kind) string { return "review.dual." + string(k) }

const (
	KeyCheckDays    = "review.check.days"    // working days for the completeness check
	KeyFeedbackDays = "review.feedback.days" // working days for the department's answers
	KeyExtension    = "review.extension.max" // working days an approved extension may add
	// KeyNormdocExtension bounds extensions of a normative document's review: 115号 sets 15 working
	// days as the maximum (recalled, unverified nationally), so none by default; a province whose
	// rules allow more sets it.
	KeyNormdocExtension = "review.extension.normdoc.max"
)

// SettingDefs lists every organ setting of the module with its default and basis, for the settings page.
func SettingDefs() []settings.Def {
	var out []settings.Def
	for _, k := range Kinds {
		in := kindInfo[k]
		out = append(out,
			settings.Def{Key: keyMin(k), Name: k.Label() + "审查最短期限", Unit: "个工作日", Default: in.minDays, Min: 0, Max: 60, Basis: in.basis},
			settings.Def{Key: keyMax(k), Name: k.Label() + "审查期限", Unit: "个工作日", Default: in.maxDays, Min: 1, Max: 60, Basis: in.basis},
			settings.Def{Key: keyDual(k), Name: k.Label() + "须法律顾问双重审核", Unit: "（1 是，0 否）", Kind: settings.Bool, Default: db.BoolInt(in.dual),
				Basis: map[bool]string{true: basis713 + "第二十八条", false: basisHere}[k == KindDecision]},
		)
	}
	out = append(out,
		settings.Def{Key: KeyCheckDays, Name: "材料完整性审查期限", Unit: "个工作日", Default: 3, Min: 1, Max: 20, Basis: basisHere},
		settings.Def{Key: KeyExtension, Name: "审查期限最长可延长", Unit: "个工作日", Default: 10, Min: 0, Max: 30, Basis: basisHere},
		settings.Def{Key: KeyNormdocExtension, Name: "行政规范性文件审核期限最长可延长", Unit: "个工作日", Default: 0, Min: 0, Max: 30,
			Basis: basis115 + "规定审核时间一般不超过15个工作日（全国统一规定未核实）；省级规定允许延长的，按其设置"},
		settings.Def{Key: KeyFeedbackDays, Name: "起草单位反馈意见采纳情况期限", Unit: "个工作日", Default: 10, Min: 1, Max: 60, Basis: basisHere},
	)
	return out
}

// extensionKey is the setting that bounds the extensions of a kind's review.
func extensionKey(k Kind) string {
	if k == KindNormdoc {
		return KeyNormdocExtension
	}
	return KeyExtension
}

// settingDef is the definition of one of the module's settings.
func settingDef(key string) settings.Def {
	d, _ := settings.Find(SettingDefs(), key)
	return d
}

// Rule codes of the module's clocks.
const (
	RuleCheck    = "review.check"
	RuleReview   = "review.review"
	RuleFeedback = "review.feedback"
)

// CheckRule is the completeness check period.
func (r *Request) CheckRule() calendar.Rule {
	return calendar.Rule{Code: RuleCheck, Name: "审查送审材料", Length: max(r.CheckDays, 1), Unit: calendar.WorkingDays,
		Basis: basisHere, StartEvent: "收到送审材料之日"}
}

// ReviewRule is the review period fixed at acceptance (organ setting), with its approved extension.
func (r *Request) ReviewRule() calendar.Rule {
	return calendar.Rule{Code: RuleReview, Name: "出具审核意见", Length: max(r.MaxDays, 1), Unit: calendar.WorkingDays,
		Basis: r.Kind.Basis(), StartEvent: "送审材料齐全、受理之日", MaxExtension: 60}
}

// FeedbackRule is the period for the department's answers to the opinions.
func (r *Request) FeedbackRule() calendar.Rule {
	return calendar.Rule{Code: RuleFeedback, Name: "反馈意见采纳情况", Length: max(r.FeedbackDays, 1), Unit: calendar.WorkingDays,
		Basis: basisHere, StartEvent: "收到审核意见书之日"}
}

// ComputeDeadlines derives the live deadlines of r from its facts and the calendar. Pure.
func ComputeDeadlines(r *Request, cal *calendar.Calendar) Deadlines {
	var d Deadlines
	switch r.State {
	case StateSubmitted:
		d.Check = cal.AddWorkingDays(r.ReceivedOn, r.CheckRule().Length)
	case StateInReview:
		if due, ok, err := cal.Due(r.ReviewRule(), r.AcceptedOn, nil, r.Extension); ok && err == nil {
			d.Review = due
		}
	case StateConcluded:
		if r.FeedbackOn.IsZero() && r.Conclusion != "" && r.needsFeedback() {
			d.Feedback = cal.AddWorkingDays(r.ConcludedOn, r.FeedbackRule().Length)
		}
	}
	for _, x := range []struct {
		date calendar.Date
		rule string
	}{{d.Check, RuleCheck}, {d.Review, RuleReview}, {d.Feedback, RuleFeedback}} {
		if !x.date.IsZero() && (d.Next.IsZero() || x.date.Before(d.Next)) {
			d.Next, d.NextRule = x.date, x.rule
		}
	}
	return d
}

// needsFeedback: the department answers only when the 审核意见书 has numbered opinions.
func (r *Request) needsFeedback() bool { return r.OpinionCount > 0 }

func periodText(min, max int) string {
	if min > 0 {
		return fmt.Sprintf("不少于%d个、不超过%d个工作日", min, max)
	}
	return fmt.Sprintf("%d个工作日", max)
}
