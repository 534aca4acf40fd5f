// Package litigation runs 行政应诉: administrative lawsuits in which a government or its departments
// are defendants (行政诉讼法 2017, 行诉法解释 2018, 负责人出庭应诉规定 2020), one case per instance
// with 一审/二审/再审 linked as one matter, the answer, appeal and recommendation clocks, the
// court–司法局–agency exchange of case documents, the ledger import and the statistics.
package litigation

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/reconsider"
	"golang.org/x/text/width"
)

// State of a case (one instance), legal-rules-2 §(a).1.
type State string

const (
	StateRegistered State = "registered" // 收案登记：法院已送达（或待签收）起诉状副本、应诉通知书
	StateAssigned   State = "assigned"   // 承办分派：已签收，答辩期间运行
	StateAnswered   State = "answered"   // 答辩证据已提交
	StateHearing    State = "hearing"    // 开庭审理（已开庭一次以上）
	StateDecided    State = "decided"    // 已裁判（判决、裁定送达），上诉期运行
	StateAppealed   State = "appealed"   // 已上诉（本审级结束，进入上一审级）
	StateEffective  State = "effective"  // 生效
	StatePerformed  State = "performed"  // 已履行
	StateArchived   State = "archived"   // 结案归档
)

// States in display order.
var States = []State{StateRegistered, StateAssigned, StateAnswered, StateHearing, StateDecided, StateAppealed, StateEffective, StatePerformed, StateArchived}

// Label is the Chinese name.
func (s State) Label() string {
	return map[State]string{StateRegistered: "收案待签收", StateAssigned: "答辩期间", StateAnswered: "已答辩", StateHearing: "审理中",
		StateDecided: "上诉期间", StateAppealed: "已上诉", StateEffective: "已生效", StatePerformed: "已履行", StateArchived: "已归档"}[s]
}

// Open reports whether the instance is not yet concluded (no 结案日期).
func (s State) Open() bool {
	return s == StateRegistered || s == StateAssigned || s == StateAnswered || s == StateHearing
}

// Instance is the level of the proceedings: 一审, 二审, 再审.
type Instance string

const (
	First   Instance = "first"
	Second  Instance = "second"
	Retrial Instance = "retrial"
)

// Instances in display order.
var Instances = []Instance{First, Second, Retrial}

// Label is the Chinese name.
func (i Instance) Label() string {
	return map[Instance]string{First: "一审", Second: "二审", Retrial: "再审"}[i]
}

// ParseInstance reads 一审/二审/再审 or the English code.
func ParseInstance(s string) (Instance, bool) {
	for _, i := range Instances {
		if s == string(i) || s == i.Label() {
			return i, true
		}
	}
	return "", false
}

// Docket is a court's case number (案号), e.g. （2024）豫0182行初12号: year, court code, kind and number
// (最高人民法院《关于人民法院案件案号的若干规定》: 收案年度 + 法院代字 + 类型代字 + 案件编号).
type Docket struct {
	Year   int
	Court  string // 豫0182
	Kind   string // 行初, 行终, 行再, 行申
	Number int
}

// DocketKinds are the administrative case types and the instance each belongs to.
var DocketKinds = map[string]Instance{"行初": First, "行终": Second, "行再": Retrial, "行申": Retrial}

var docketRe = regexp.MustCompile(`^\((\d{4})\)([\p{Han}]{1,4}[0-9]{0,6})(行初|行终|行再|行申)(\d{1,6})号$`)

// ParseDocket reads a 案号. Full-width brackets and digits are accepted; 〔〕 and [] are read as ().
func ParseDocket(s string) (Docket, error) {
	t := strings.TrimSpace(width.Fold.String(s))
	t = strings.NewReplacer("〔", "(", "〕", ")", "[", "(", "]", ")", " ", "").Replace(t)
	m := docketRe.FindStringSubmatch(t)
	if m == nil {
		return Docket{}, fmt.Errorf("「%s」不是有效的行政案件案号，应如（2024）豫0182行初12号（类型为行初、行终、行再或行申）", s)
	}
	y, _ := strconv.Atoi(m[1])
	n, _ := strconv.Atoi(m[4])
	if y < 1990 || y > 2100 {
		return Docket{}, fmt.Errorf("案号「%s」的年度%d无效", s, y)
	}
	if n == 0 {
		return Docket{}, fmt.Errorf("案号「%s」的案件编号不能为0", s)
	}
	return Docket{Year: y, Court: m[2], Kind: m[3], Number: n}, nil
}

// String is the canonical form with full-width brackets: （2024）豫0182行初12号.
func (d Docket) String() string {
	return fmt.Sprintf("（%d）%s%s%d号", d.Year, d.Court, d.Kind, d.Number)
}

// Instance is the level the docket's type belongs to.
func (d Docket) Instance() Instance { return DocketKinds[d.Kind] }

// PlaintiffKind is a natural person or an organisation.
type PlaintiffKind string

const (
	Natural      PlaintiffKind = "natural" // 自然人 (ID per GB 11643)
	Organisation PlaintiffKind = "org"     // 法人或其他组织 (统一社会信用代码 per GB 32100)
)

// Label is the Chinese name.
func (k PlaintiffKind) Label() string {
	return map[PlaintiffKind]string{Natural: "自然人", Organisation: "法人或其他组织"}[k]
}

// ActTypes and Fields are the dictionaries of 行政复议, so both modules report alike.
var (
	ActTypes = reconsider.ActTypes
	Fields   = reconsider.Fields
)

// Outcome is how an instance was concluded (结案方式). All of them count as 审结.
type Outcome string

const (
	DismissClaim         Outcome = "dismiss_claim"          // 判决驳回诉讼请求 (Art. 69)
	Revoke               Outcome = "revoke"                 // 判决撤销 (Art. 70)
	PartialRevoke        Outcome = "partial_revoke"         // 判决部分撤销 (Art. 70)
	Vary                 Outcome = "vary"                   // 判决变更 (Art. 77)
	DeclareUnlawful      Outcome = "declare_unlawful"       // 判决确认违法 (Art. 74)
	DeclareVoid          Outcome = "declare_void"           // 判决确认无效 (Art. 75)
	OrderPerformance     Outcome = "order_performance"      // 判决履行 (Arts. 72, 78)
	OrderPayment         Outcome = "order_payment"          // 判决给付 (Art. 73)
	Compensation         Outcome = "compensation"           // 判决赔偿 (Art. 76)
	DismissSuit          Outcome = "dismiss_suit"           // 裁定驳回起诉 (解释 Art. 69)
	Withdrawn            Outcome = "withdrawn"              // 准予撤诉 (Art. 62)
	WithdrawnAfterChange Outcome = "withdrawn_after_change" // 撤诉-被告改变行为 (Art. 62)
	Mediation            Outcome = "mediation"              // 调解 (Art. 60)
	Ended                Outcome = "ended"                  // 终结 (解释 Art. 88)
)

// Outcomes in the order of the statistics.
var Outcomes = []Outcome{DismissClaim, Revoke, PartialRevoke, Vary, DeclareUnlawful, DeclareVoid, OrderPerformance, OrderPayment,
	Compensation, DismissSuit, Withdrawn, WithdrawnAfterChange, Mediation, Ended}

var outcomeLabels = map[Outcome]string{
	DismissClaim: "判决驳回诉讼请求", Revoke: "判决撤销", PartialRevoke: "判决部分撤销", Vary: "判决变更",
	DeclareUnlawful: "判决确认违法", DeclareVoid: "判决确认无效", OrderPerformance: "判决履行", OrderPayment: "判决给付",
	Compensation: "判决赔偿", DismissSuit: "裁定驳回起诉", Withdrawn: "准予撤诉", WithdrawnAfterChange: "撤诉-被告改变行为",
	Mediation: "调解", Ended: "终结",
}

// Label is the Chinese name as ledgers write it.
func (o Outcome) Label() string { return outcomeLabels[o] }

// ParseOutcome reads a ledger label or a code.
func ParseOutcome(s string) (Outcome, bool) {
	s = strings.TrimSpace(s)
	for _, o := range Outcomes {
		if s == string(o) || s == o.Label() {
			return o, true
		}
	}
	switch s {
	case "撤诉-被告改变", "撤诉（被告改变行为）", "被告改变行为后撤诉":
		return WithdrawnAfterChange, true
	case "撤诉":
		return Withdrawn, true
	}
	return "", false
}

// Lost reports the 败诉 outcomes of legal-rules-2 §(a).5: judgments of 撤销/部分撤销 (Art. 70), 履行 (72, 78),
// 给付 (73), 确认违法 (74), 确认无效 (75), 赔偿 (76), 变更 (77). 撤诉-被告改变行为 is not one by default (a.6.3).
func (o Outcome) Lost() bool {
	switch o {
	case Revoke, PartialRevoke, Vary, DeclareUnlawful, DeclareVoid, OrderPerformance, OrderPayment, Compensation:
		return true
	}
	return false
}

// Judgment reports outcomes reached by a 判决 (appeal 15 days); the others are 裁定 (10 days) or a 调解书 (no appeal).
func (o Outcome) Judgment() bool { return o.Lost() || o == DismissClaim }

// Appealable reports whether a party may appeal the decision: judgments, and the rulings of 解释 Art. 101 para 2
// (驳回起诉). 准予撤诉, 终结 and 调解书 are not appealable.
func (o Outcome) Appealable() bool { return o.Judgment() || o == DismissSuit }

// NeedsPerformance reports outcomes the defendant must carry out once effective.
func (o Outcome) NeedsPerformance() bool {
	switch o {
	case Revoke, PartialRevoke, Vary, OrderPerformance, OrderPayment, Compensation, Mediation:
		return true
	}
	return false
}

// ReconsiderResult is what 复议 decided before the suit; it fixes the defendants (Art. 26).
type ReconsiderResult string

const (
	ReconsiderNone    ReconsiderResult = ""        // not reconsidered, or 复议 silence
	ReconsiderUpheld  ReconsiderResult = "upheld"  // 维持 (incl. 驳回复议请求 on the merits, 解释 Art. 133)
	ReconsiderChanged ReconsiderResult = "changed" // 改变
)

// Defendants returns who is sued under 行政诉讼法 Art. 26: the acting agency alone; after 维持 the agency
// and the 复议机关 as co-defendants; after 改变 the 复议机关 alone.
func Defendants(result ReconsiderResult, agency, reconOrgan string) (defendant string, co []string, err error) {
	switch result {
	case ReconsiderNone:
		return agency, nil, nil
	case ReconsiderUpheld:
		if reconOrgan == "" {
			return "", nil, fmt.Errorf("复议维持的，作出原行政行为的机关和复议机关是共同被告（行政诉讼法第二十六条第二款），请填写复议机关")
		}
		return agency, []string{reconOrgan}, nil
	case ReconsiderChanged:
		if reconOrgan == "" {
			return "", nil, fmt.Errorf("复议改变原行政行为的，复议机关是被告（行政诉讼法第二十六条第二款），请填写复议机关")
		}
		return reconOrgan, nil, nil
	}
	return "", nil, fmt.Errorf("复议结果无效：%q", result)
}

// Party roles.
const (
	RolePlaintiff   = "plaintiff"
	RoleDefendant   = "defendant"
	RoleCoDefendant = "codefendant"
	RoleThird       = "third"
)

// Party is a plaintiff, defendant, co-defendant or third party of a case.
type Party struct {
	Role    string        `json:"role"`
	Name    string        `json:"name"`
	Kind    PlaintiffKind `json:"kind,omitempty"`     // plaintiffs and third parties
	IDNo    string        `json:"id_no,omitempty"`    // 身份证号码 or 统一社会信用代码 (stored encrypted)
	OrganID string        `json:"organ_id,omitempty"` // defendants found in the org tree
}

// Case is one instance of a lawsuit.
type Case struct {
	ID               string           `json:"id"`
	MatterID         string           `json:"matter_id"` // the first instance's id: 一审/二审/再审 are one matter
	OrganID          string           `json:"organ_id"`  // the defendant organ (or the importing government)
	GovID            string           `json:"gov_id"`    // the government the defendant belongs to (its 司法局 guides the case)
	CourtID          string           `json:"court_id"`  // the court organ when it is in the tree
	CourtName        string           `json:"court"`
	Instance         Instance         `json:"instance"`
	Docket           string           `json:"docket"`
	DocketYear       int              `json:"docket_year"`
	CourtCode        string           `json:"court_code"`
	DocketKind       string           `json:"docket_kind"`
	DocketNo         int              `json:"docket_no"`
	Defendant        string           `json:"defendant"`
	Plaintiff        string           `json:"plaintiff"` // names joined with 、 (lists and search)
	PlaintiffK       PlaintiffKind    `json:"plaintiff_kind"`
	Act              string           `json:"act"`
	ActType          string           `json:"act_type"`
	Field            string           `json:"field"`
	Cause            string           `json:"cause"`
	Reconsidered     bool             `json:"reconsidered"`
	ReconsiderResult ReconsiderResult `json:"reconsider_result,omitempty"`
	ReconsiderCaseID string           `json:"reconsider_case_id,omitempty"`
	State            State            `json:"state"`
	ReceivedOn       calendar.Date    `json:"received_on"` // 收到起诉状副本 (service) = start of the answer clock
	ServedAt         string           `json:"served_at,omitempty"`
	DraftDays        int              `json:"draft_days"` // internal milestone day (default 10)
	AnswerDue        calendar.Date    `json:"answer_due"`
	DraftDue         calendar.Date    `json:"draft_due"`
	AnsweredOn       calendar.Date    `json:"answered_on"`
	Outcome          Outcome          `json:"outcome,omitempty"`
	ClosedOn         calendar.Date    `json:"closed_on"` // 结案日期 (the judgment's or ruling's date)
	DecisionServedOn calendar.Date    `json:"decision_served_on"`
	AppealDue        calendar.Date    `json:"appeal_due"`
	Appealed         bool             `json:"appealed"`
	AppealDecided    bool             `json:"appeal_decided"`
	AppealApprover   string           `json:"appeal_approver,omitempty"`
	EffectiveOn      calendar.Date    `json:"effective_on"`
	PerformedOn      calendar.Date    `json:"performed_on"`
	Imported         bool             `json:"imported"`
	Version          int              `json:"version"`
	CreatedAt        string           `json:"created_at"`

	Parties  []Party   `json:"parties,omitempty"`
	Hearings []Hearing `json:"hearings,omitempty"`
}

// Hearing is one court session and who appeared for the defendant (负责人出庭应诉规定).
type Hearing struct {
	ID          string        `json:"id"`
	CaseID      string        `json:"case_id"`
	HeldOn      calendar.Date `json:"held_on"`
	NoticeOn    calendar.Date `json:"notice_on"` // 出庭通知书 served (≥ 3 days before, Art. 5)
	Mandatory   bool          `json:"mandatory"` // the notice required a 负责人 (Art. 4 para 1)
	Appeared    bool          `json:"leader_appeared"`
	LeaderName  string        `json:"leader_name,omitempty"`
	LeaderTitle string        `json:"leader_title,omitempty"` // 正职/副职/分管
	Absence     string        `json:"absence_reason,omitempty"`
	Delegates   string        `json:"delegates,omitempty"`
	Held        bool          `json:"held"`
}

// AbsenceReasons are the classes of 出庭规定 Art. 8 (正当理由).
var AbsenceReasons = []string{"不可抗力", "意外事件", "需要履行他人不能代替的公务", "无法出庭的其他正当事由"}

// LeaderTitles are who counts as a 负责人 (出庭规定 Art. 2).
var LeaderTitles = []string{"正职负责人", "副职负责人", "分管负责人", "其他参与分管的负责人"}
