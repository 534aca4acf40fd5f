// Package reconsider runs 行政复议 cases under the Administrative Reconsideration Law (2023 revision,
// in force 2024-01-01): intake, acceptance review, the respondent's reply, hearing, mediation,
// suspension, decision, 意见书 and performance, with the legal clocks of each step.
package reconsider

import (
	"fmt"

	"github.com/fazhi/fazhi/internal/calendar"
)

// State of a case. A case is in exactly one state; sub-steps (reply filed, hearing held) are facts on the case.
type State string

const (
	StateReceived    State = "received"     // 已收件，待受理审查
	StateAmending    State = "amending"     // 补正中
	StateInReview    State = "in_review"    // 已受理，审理中
	StateSuspended   State = "suspended"    // 中止
	StateConcluded   State = "concluded"    // 已审结 (决定、调解、终止、驳回申请)
	StateNotAccepted State = "not_accepted" // 不予受理
	StateOther       State = "other"        // 其他处理：告知、转送、视为放弃、收件后撤回
)

// States in display order.
var States = []State{StateReceived, StateAmending, StateInReview, StateSuspended, StateConcluded, StateNotAccepted, StateOther}

// Label is the Chinese name.
func (s State) Label() string {
	return map[State]string{StateReceived: "待受理审查", StateAmending: "补正中", StateInReview: "审理中", StateSuspended: "中止",
		StateConcluded: "已审结", StateNotAccepted: "不予受理", StateOther: "其他处理"}[s]
}

// Open reports whether the case still needs work.
func (s State) Open() bool {
	return s == StateReceived || s == StateAmending || s == StateInReview || s == StateSuspended
}

// Accepted reports whether the case was accepted (so it is counted as a reconsideration case).
func (s State) Accepted() bool {
	return s == StateInReview || s == StateSuspended || s == StateConcluded
}

// Procedure is ordinary or simplified (Arts. 53–55).
type Procedure string

const (
	Ordinary   Procedure = "ordinary"
	Simplified Procedure = "simplified"
)

// Label is the Chinese name.
func (p Procedure) Label() string {
	return map[Procedure]string{Ordinary: "普通程序", Simplified: "简易程序"}[p]
}

// Channel is how the application arrived; it fixes the receipt date rule.
type Channel string

const (
	ChannelOnline   Channel = "online"   // 网上申请
	ChannelInPerson Channel = "inperson" // 当面递交
	ChannelPost     Channel = "post"     // 邮寄：签收之日
	ChannelStation  Channel = "station"  // 基层联络站转交
	ChannelPhone    Channel = "phone"    // 口头（电话）申请，制作笔录
	ChannelForward  Channel = "forward"  // 经作出行政处罚决定的机关转交 (Art. 32)
)

// Channels in display order.
var Channels = []Channel{ChannelInPerson, ChannelPost, ChannelOnline, ChannelStation, ChannelPhone, ChannelForward}

// Label is the Chinese name.
func (c Channel) Label() string {
	return map[Channel]string{ChannelOnline: "网上申请", ChannelInPerson: "当面递交", ChannelPost: "邮寄", ChannelStation: "联络站转交", ChannelPhone: "口头申请", ChannelForward: "行政机关转交"}[c]
}

// ApplicantKind is a natural person, a legal person or another organisation.
type ApplicantKind string

const (
	Natural     ApplicantKind = "natural" // 自然人
	LegalPerson ApplicantKind = "legal"   // 法人
	OtherOrg    ApplicantKind = "other"   // 其他组织
)

// Label is the Chinese name.
func (k ApplicantKind) Label() string {
	return map[ApplicantKind]string{Natural: "自然人", LegalPerson: "法人", OtherOrg: "其他组织"}[k]
}

// ActTypes are the categories of contested acts used in ledgers and statistics.
var ActTypes = []string{"行政处罚", "行政强制", "行政许可", "行政确认", "行政征收征用", "行政补偿", "行政赔偿", "行政协议", "政府信息公开", "举报投诉处理", "不履行法定职责", "工伤认定", "其他"}

// Fields are the administrative fields (领域) used in ledgers and statistics.
var Fields = []string{"公安", "市场监管", "自然资源", "人力资源社会保障", "住房城乡建设", "交通运输", "卫生健康", "生态环境", "城市管理", "应急管理", "农业农村", "教育", "其他"}

// Outcome is how an accepted case was concluded (第五章 and Arts. 33, 41, 73, 74).
type Outcome string

const (
	Uphold             Outcome = "uphold"              // 维持 (Art. 68)
	Revoke             Outcome = "revoke"              // 撤销 (Art. 64)
	PartialRevoke      Outcome = "partial_revoke"      // 部分撤销 (Art. 64)
	Vary               Outcome = "vary"                // 变更 (Art. 63)
	DeclareUnlawful    Outcome = "declare_unlawful"    // 确认违法 (Art. 65)
	DeclareVoid        Outcome = "declare_void"        // 确认无效 (Art. 67)
	OrderPerformance   Outcome = "order_performance"   // 责令履行 (Art. 66)
	DismissRequest     Outcome = "dismiss_request"     // 驳回复议请求 (Art. 69)
	DismissApplication Outcome = "dismiss_application" // 驳回申请 (Art. 33)
	Mediation          Outcome = "mediation"           // 调解 (Art. 73)
	Terminate          Outcome = "terminate"           // 终止 (Art. 41)
	// 行政协议 (Art. 71): listed after the older outcomes so existing statistics columns keep their places.
	AgreementLiability    Outcome = "agreement_liability"    // 决定被申请人承担依法订立、继续履行、采取补救措施或者赔偿损失等责任 (Art. 71 para 1)
	AgreementCompensation Outcome = "agreement_compensation" // 决定被申请人依法给予合理补偿 (Art. 71 para 2)
)

// Outcomes in the order of the statistics.
var Outcomes = []Outcome{Uphold, Revoke, PartialRevoke, Vary, DeclareUnlawful, DeclareVoid, OrderPerformance, DismissRequest, DismissApplication, Mediation, Terminate,
	AgreementLiability, AgreementCompensation}

// Label is the Chinese name.
func (o Outcome) Label() string { return outcomeInfo[o].label }

// Article is the legal basis of the outcome.
func (o Outcome) Article() string { return outcomeInfo[o].article }

// Decision reports outcomes reached by a 行政复议决定书 (not mediation or termination).
func (o Outcome) Decision() bool { return o != Mediation && o != Terminate && o != "" }

// DirectCorrection reports outcomes counted in the 直接纠错率 (legal-rules.md "Decisions" §6).
func (o Outcome) DirectCorrection() bool { return outcomeInfo[o].corrects }

// NeedsPerformance reports outcomes the respondent must carry out (履行 is followed up).
func (o Outcome) NeedsPerformance() bool {
	switch o {
	case Revoke, PartialRevoke, Vary, OrderPerformance, Mediation, AgreementLiability, AgreementCompensation:
		return true
	}
	return false
}

// ActTypeNonPerformance is the act type of a claim that the respondent failed to perform a statutory duty.
const ActTypeNonPerformance = "不履行法定职责"

// Allowed tells whether the law allows outcome o for a case about actType, and why not.
func (o Outcome) Allowed(actType string) error {
	switch o {
	case DismissRequest:
		// Art. 69: “受理申请人认为被申请人不履行法定职责的行政复议申请后，发现被申请人没有相应法定职责或者在受理前已经履行法定职责的，
		// 决定驳回申请人的行政复议请求。”
		if actType != ActTypeNonPerformance {
			return fmt.Errorf("驳回复议请求只适用于申请人认为被申请人不履行法定职责、而被申请人没有相应法定职责或者在受理前已经履行的情形（第六十九条）；本案行政行为类别为“%s”，应当依照第六十三条至第六十八条作出决定", actType)
		}
	case AgreementLiability, AgreementCompensation:
		if actType != "行政协议" {
			return fmt.Errorf("%s只适用于行政协议案件（第七十一条）；本案行政行为类别为“%s”", o.Label(), actType)
		}
	}
	return nil
}

// ParseOutcome reads a Chinese ledger label or a code.
func ParseOutcome(s string) (Outcome, bool) {
	for o, in := range outcomeInfo {
		if s == string(o) || s == in.label {
			return o, true
		}
	}
	return "", false
}

var outcomeInfo = map[Outcome]struct {
	label, article string
	corrects       bool
}{
	Uphold:             {"维持", "第六十八条", false},
	Revoke:             {"撤销", "第六十四条", true},
	PartialRevoke:      {"部分撤销", "第六十四条", true},
	Vary:               {"变更", "第六十三条", true},
	DeclareUnlawful:    {"确认违法", "第六十五条", true},
	DeclareVoid:        {"确认无效", "第六十七条", true},
	OrderPerformance:   {"责令履行", "第六十六条", true},
	DismissRequest:     {"驳回复议请求", "第六十九条", false},
	DismissApplication: {"驳回申请", "第三十三条", false},
	Mediation:          {"调解", "第七十三条", false},
	Terminate:          {"终止", "第四十一条", false},
	// Both find the respondent's handling of the agreement unlawful or its compensation missing: a correction.
	AgreementLiability:    {"责令承担协议责任", "第七十一条第一款", true},
	AgreementCompensation: {"责令给予补偿", "第七十一条第二款", true},
}

// Compensation is the decision on 行政赔偿 taken with the main decision (Art. 72).
type Compensation string

const (
	CompensationNone    Compensation = ""        // no claim and nothing to return
	CompensationAward   Compensation = "award"   // 决定被申请人依法给予赔偿 (Art. 72 para 1)
	CompensationDismiss Compensation = "dismiss" // 驳回行政赔偿请求 (Art. 72 para 1)
	CompensationReturn  Compensation = "return"  // 责令返还财产、解除查封扣押冻结或者赔偿相应的价款 (Art. 72 para 2, no claim)
)

// Label is the Chinese wording of the decision.
func (c Compensation) Label() string {
	return map[Compensation]string{CompensationNone: "", CompensationAward: "决定被申请人依法给予赔偿", CompensationDismiss: "驳回行政赔偿请求",
		CompensationReturn: "责令被申请人返还财产、解除对财产的查封、扣押、冻结措施或者赔偿相应的价款"}[c]
}

// SuspendGrounds are the grounds of Art. 39 (index+1 = the item number).
var SuspendGrounds = []string{
	"作为申请人的公民死亡，其近亲属尚未确定是否参加行政复议",
	"作为申请人的公民丧失参加行政复议的行为能力，尚未确定法定代理人参加行政复议",
	"作为申请人的公民下落不明",
	"作为申请人的法人或者其他组织终止，尚未确定权利义务承受人",
	"申请人、被申请人因不可抗力或者其他正当理由，不能参加行政复议",
	"依照本法规定进行调解、和解，申请人和被申请人同意中止",
	"行政复议案件涉及的法律适用问题需要有权机关作出解释或者确认",
	"行政复议案件审理需要以其他案件的审理结果为依据，而其他案件尚未审结",
	"有本法第五十六条或者第五十七条规定的情形",
	"需要中止行政复议的其他情形",
}

// TerminateGrounds are the grounds of Art. 41 (index+1 = the item number).
var TerminateGrounds = []string{
	"申请人撤回行政复议申请，行政复议机构准予撤回",
	"作为申请人的公民死亡，没有近亲属或者其近亲属放弃行政复议权利",
	"作为申请人的法人或者其他组织终止，没有权利义务承受人或者其权利义务承受人放弃行政复议权利",
	"申请人对行政拘留或者限制人身自由的行政强制措施不服申请行政复议后，因同一违法行为涉嫌犯罪，被采取刑事强制措施",
	"依照本法第三十九条第一款第一项、第二项、第四项的规定中止行政复议满六十日，行政复议中止的原因仍未消除",
}

// Case is one reconsideration case (from the receipt of the application on).
type Case struct {
	ID             string
	OrganID        string // 复议机关
	ReceiptNo      string // 收件编号, given at intake
	Number         string // 案号, given at acceptance: 青政复〔2026〕12号
	Channel        Channel
	ReceivedOn     calendar.Date // 收件日期 (Art. 31 receipt rules applied by the clerk)
	State          State
	Procedure      Procedure
	ApplicantKind  ApplicantKind
	ApplicantName  string
	IDNumberMasked string // masked; the full number is encrypted at rest
	Phone          string // masked in lists
	Email          string // masked; empty when the applicant gave none
	Address        string
	Agent          string
	RespondentID   string // the organ in the tree, when it is one
	Respondent     string // its name as written in the application
	ActType        string
	Field          string
	ActTitle       string // the contested act, e.g. 青公（治）决字〔2026〕15号行政处罚决定
	ActDate        calendar.Date
	LearnedOn      calendar.Date
	Amount         float64 // 涉案金额, for Art. 53(3)
	Requests       string  // 行政复议请求
	Facts          string  // 事实和理由
	HandlerID      string
	HandlerName    string
	DuplicateOf    string // receipt number of a possible duplicate (same applicant, respondent, act)

	AcceptStart      calendar.Date // received date, or receipt of the completed amendment
	AmendNoticeOn    calendar.Date
	AmendItems       string
	AmendServedOn    calendar.Date // 申请人收到补正通知之日 (Art. 31 para 2); zero = not yet recorded
	AmendExtraDays   int           // 补正期限延长的工作日 (Art. 31 para 2: 有正当理由的，可以延长合理的补正期限)
	AcceptedOn       calendar.Date
	Deemed           bool // 视为受理 (Art. 30 para 3)
	CopySentOn       calendar.Date
	CopyServedOn     calendar.Date // 被申请人收到副本之日 (Art. 48: the reply runs from receipt); zero = not yet recorded
	ReplyOn          calendar.Date
	ReplyLate        bool
	Extension        int           // approved extension in days (≤ 30)
	ClosedOn         calendar.Date // 结案日期 / 不予受理或其他处理之日
	Outcome          Outcome
	CloseReason      string        // ground of 不予受理, 终止, 告知, 转送 …
	Settled          bool          // 和解后撤回 (Art. 74)
	Corrected        bool          // the respondent corrected its act (counts toward 综合纠错率)
	DecisionDue      calendar.Date // frozen at conclusion, for the on-time rate
	PerformanceDue   calendar.Date
	PerformedOn      calendar.Date
	DecisionServedOn calendar.Date // 决定书送达申请人之日 (Art. 75 para 2; 行政诉讼法第四十五条)
	Compensation     Compensation  // 行政赔偿 decided with the decision (Art. 72)
	WrittenReview    string        // why the parties' views could not be heard (Art. 49: 因当事人原因不能听取意见的，可以书面审理)

	Due       Deadlines
	Version   int
	CreatedAt string
	UpdatedAt string
	Imported  bool
}

// Deadlines are the live legal clocks of a case, recomputed on every transition.
type Deadlines struct {
	Accept      calendar.Date // 受理审查
	Amend       calendar.Date // 申请人补正
	Copy        calendar.Date // 发送申请书副本
	Reply       calendar.Date // 被申请人答复
	Decision    calendar.Date // 作出决定
	Performance calendar.Date // 履行
	Next        calendar.Date // the earliest of the above
	NextRule    string
}
