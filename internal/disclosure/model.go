package disclosure

import (
	"strings"

	"github.com/fazhi/fazhi/internal/calendar"
)

// State is where a request stands (legal-rules-2 §(d).1).
type State string

const (
	StateRegistered State = "registered" // 已登记，审查中：答复期限在计算
	StateAmending   State = "amending"   // 补正中：期限自收到补正之日重新起算
	StateConsulting State = "consulting" // 征求第三方或其他机关意见（时间不计入期限）
	StateFeeWaiting State = "fee"        // 已发收费通知，待缴费
	StateReplied    State = "replied"    // 已答复（含不予处理、视为放弃等办结方式）
	StateDelivered  State = "delivered"  // 已送达
)

// States in the order of the flow.
var States = []State{StateRegistered, StateAmending, StateConsulting, StateFeeWaiting, StateReplied, StateDelivered}

// OpenStates are the states whose clock still runs or waits.
var OpenStates = []string{string(StateRegistered), string(StateAmending), string(StateConsulting), string(StateFeeWaiting)}

// Label is the state in Chinese.
func (s State) Label() string {
	return map[State]string{StateRegistered: "审查中", StateAmending: "补正中", StateConsulting: "征求意见中",
		StateFeeWaiting: "待缴费", StateReplied: "已答复", StateDelivered: "已送达"}[s]
}

// ApplicantType is the column of table 三 the applicant counts in: 自然人 or one of the five kinds of
// 法人或其他组织 (legal-rules.md §3.1). Its value is the stats JSON key.
type ApplicantType string

const (
	NaturalPerson  ApplicantType = "natural_person"
	Business       ApplicantType = "business"
	Research       ApplicantType = "research"
	PublicInterest ApplicantType = "public_interest"
	LegalService   ApplicantType = "legal_service"
	OtherOrg       ApplicantType = "other_org"
)

// ApplicantTypes in the column order of table 三.
var ApplicantTypes = []ApplicantType{NaturalPerson, Business, Research, PublicInterest, LegalService, OtherOrg}

// Label is the column header of table 三.
func (a ApplicantType) Label() string {
	return map[ApplicantType]string{NaturalPerson: "自然人", Business: "商业企业", Research: "科研机构",
		PublicInterest: "社会公益组织", LegalService: "法律服务机构", OtherOrg: "其他"}[a]
}

// Organisation reports whether the applicant is a 法人或其他组织 (identified by a 统一社会信用代码).
func (a ApplicantType) Organisation() bool { return a != NaturalPerson && a.Label() != "" }

// Channel is how the request arrived; it fixes the receipt date (条例第三十一条).
type Channel string

const (
	ChannelInPerson     Channel = "in_person"
	ChannelRegistered   Channel = "registered_post"
	ChannelOrdinaryPost Channel = "ordinary_post"
	ChannelFax          Channel = "fax"
	ChannelEmail        Channel = "email"
	ChannelOnline       Channel = "online"
)

// Channels in the order of the registration form.
var Channels = []Channel{ChannelInPerson, ChannelRegistered, ChannelOrdinaryPost, ChannelFax, ChannelEmail, ChannelOnline}

// Label is the channel in Chinese.
func (c Channel) Label() string {
	return map[Channel]string{ChannelInPerson: "当面提交", ChannelRegistered: "邮寄（需签收）", ChannelOrdinaryPost: "平常信函",
		ChannelFax: "传真", ChannelEmail: "电子邮件", ChannelOnline: "互联网渠道"}[c]
}

// ReceiptRule is what date counts as receipt for the channel (条例第三十一条).
func (c Channel) ReceiptRule() string {
	switch c {
	case ChannelInPerson:
		return "申请人提交政府信息公开申请之日（第三十一条第（一）项）"
	case ChannelRegistered:
		return "行政机关签收之日（第三十一条第（二）项）"
	case ChannelOrdinaryPost:
		return "行政机关与申请人确认之日（第三十一条第（二）项，平常信函应当于收到当日确认）"
	case ChannelFax, ChannelEmail, ChannelOnline:
		return "双方确认之日（第三十一条第（三）项）"
	}
	return ""
}

// Forms and deliveries the applicant chooses (条例第二十九条第二款第（三）项).
var (
	Forms      = [][2]string{{"paper", "纸质"}, {"electronic", "电子"}}
	Deliveries = [][2]string{{"pickup", "自行领取"}, {"post", "邮寄"}, {"email", "电子邮件"}, {"online", "在线获取"}}
)

func pairLabel(pairs [][2]string, v string) string {
	for _, p := range pairs {
		if p[0] == v {
			return p[1]
		}
	}
	return ""
}

// ReplyType is the reply (办理结果) and the row of table 三 it feeds (legal-rules-2 §(d).3); its value
// is the stats JSON key of that row.
type ReplyType string

// Group is a block of table 三 (三、本年度办理结果 （一）…（六）).
type Group struct {
	Key, Label string
}

var (
	GroupDisclose = Group{"disclose", "予以公开"}
	GroupPartial  = Group{"partial", "部分公开"}
	GroupWithhold = Group{"withhold", "不予公开"}
	GroupUnable   = Group{"unable", "无法提供"}
	GroupNoAction = Group{"no_action", "不予处理"}
	GroupOther    = Group{"other", "其他处理"}
)

// ReplyDef is one reply type: its row, the exact label of the 2021 format, the short form users
// write, the legal bases to choose from and whether the reply closes the request without an answer
// on the merits.
type ReplyDef struct {
	Type   ReplyType
	Group  Group
	Number string   // "1." … within its group; "" for 予以公开/部分公开
	Label  string   // legal-rules.md §3.1, exactly
	Short  []string // other wordings accepted by the ledger import
	Bases  []string // legal bases to choose from (the first is the default)
}

const regl = "《政府信息公开条例》"

// Replies are every reply type, in the row order of table 三.
var Replies = []ReplyDef{
	{"disclose", GroupDisclose, "", "予以公开", nil, []string{
		regl + "第三十六条第（二）项（予以公开）", regl + "第三十六条第（一）项（已主动公开，告知获取方式和途径）"}},
	{"partial", GroupPartial, "", "部分公开（区分处理的，只计这一情形，不计其他情形）", []string{"部分公开"}, []string{
		regl + "第三十七条（区分处理，部分公开）"}},
	{"withhold_state_secret", GroupWithhold, "1.", "属于国家秘密", []string{"国家秘密"}, []string{regl + "第十四条、第三十六条第（三）项（国家秘密）"}},
	{"withhold_law", GroupWithhold, "2.", "其他法律行政法规禁止公开", []string{"法律行政法规禁止公开", "法律行政法规禁止"}, []string{
		regl + "第十四条、第三十六条第（三）项（法律、行政法规禁止公开）"}},
	{"withhold_security", GroupWithhold, "3.", "危及“三安全一稳定”", []string{"危及\"三安全一稳定\"", "三安全一稳定"}, []string{
		regl + "第十四条、第三十六条第（三）项（危及国家安全、公共安全、经济安全、社会稳定）"}},
	{"withhold_third_party", GroupWithhold, "4.", "保护第三方合法权益", []string{"第三方合法权益"}, []string{
		regl + "第十五条、第三十二条、第三十六条第（三）项（商业秘密、个人隐私等第三方合法权益）"}},
	{"withhold_internal", GroupWithhold, "5.", "属于三类内部事务信息", []string{"三类内部事务", "内部事务"}, []string{
		regl + "第十六条第一款（人事管理、后勤管理、内部工作流程等内部事务信息）"}},
	{"withhold_process", GroupWithhold, "6.", "属于四类过程性信息", []string{"四类过程性信息", "过程性信息"}, []string{
		regl + "第十六条第二款（讨论记录、过程稿、磋商信函、请示报告等过程性信息）"}},
	{"withhold_enforcement_file", GroupWithhold, "7.", "属于行政执法案卷", []string{"行政执法案卷"}, []string{
		regl + "第十六条第二款（行政执法案卷信息）"}},
	{"withhold_query", GroupWithhold, "8.", "属于行政查询事项", []string{"行政查询事项"}, []string{
		regl + "第三十六条第（七）项（工商、不动产登记资料等有专门规定的查询事项）"}},
	{"unable_not_held", GroupUnable, "1.", "本机关不掌握相关政府信息", []string{"本机关不掌握", "不掌握"}, []string{
		regl + "第三十六条第（四）项（经检索没有所申请公开信息）", regl + "第三十六条第（五）项（不属于本机关负责公开，告知负责公开的机关）"}},
	{"unable_create", GroupUnable, "2.", "没有现成信息需要另行制作", []string{"需另行制作", "没有现成信息", "需要另行制作"}, []string{
		regl + "第三十八条（需要另行制作或加工、分析）"}},
	{"unable_unclear", GroupUnable, "3.", "补正后申请内容仍不明确", []string{"补正后仍不明确"}, []string{regl + "第三十条（补正后申请内容仍不明确）"}},
	{"no_action_petition", GroupNoAction, "1.", "信访举报投诉类申请", []string{"信访举报投诉", "信访举报投诉类"}, []string{
		regl + "第三十九条第一款（以政府信息公开申请形式进行信访、投诉、举报）"}},
	{"no_action_repeat", GroupNoAction, "2.", "重复申请", nil, []string{regl + "第三十六条第（六）项（重复申请）"}},
	{"no_action_publication", GroupNoAction, "3.", "要求提供公开出版物", []string{"公开出版物"}, []string{regl + "第三十九条第二款（要求提供公开出版物）"}},
	{"no_action_mass", GroupNoAction, "4.", "无正当理由大量反复申请", []string{"大量反复申请"}, []string{regl + "第三十五条（申请数量、频次明显超过合理范围）"}},
	{"no_action_confirm", GroupNoAction, "5.", "要求行政机关确认或重新出具已获取信息", []string{"要求确认或重新出具已获取信息", "确认或重新出具已获取信息", "确认或重新出具"}, []string{
		"国办公开办函〔2021〕30号（要求行政机关确认或重新出具已获取信息）"}},
	{"other_no_amendment", GroupOther, "1.", "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", []string{"逾期不补正"}, []string{
		regl + "第三十条（无正当理由逾期不补正的，视为放弃申请）"}},
	{"other_no_fee", GroupOther, "2.", "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", []string{"逾期未缴费", "逾期未缴纳费用"}, []string{
		regl + "第四十二条、国办函〔2020〕109号（逾期未缴纳信息处理费）"}},
	{"other", GroupOther, "3.", "其他", nil, []string{"申请人撤回申请", "其他"}},
}

// Reply returns the definition of t.
func Reply(t ReplyType) (ReplyDef, bool) {
	for _, r := range Replies {
		if r.Type == t {
			return r, true
		}
	}
	return ReplyDef{}, false
}

// Title is the reply as users name it: 不予公开-属于国家秘密, 予以公开.
func (r ReplyDef) Title() string {
	if r.Group == GroupDisclose || r.Group == GroupPartial {
		return r.Group.Label
	}
	return r.Group.Label + "-" + r.Label
}

// Closing reports whether the reply ends the request without an answer on its merits (（六）): the
// answer clock does not apply to it.
func (r ReplyDef) Closing() bool { return r.Type == "other_no_amendment" || r.Type == "other_no_fee" }

// ParseReply reads a reply type as the ledger writes it: the group and the row of table 三 joined by
// "-", in the full wording of legal-rules.md §3.1 (numbers such as "1." may stay) or the short form;
// 予以公开 and 部分公开 alone.
func ParseReply(s string) (ReplyDef, bool) {
	norm := func(x string) string {
		x = strings.NewReplacer(" ", "", "　", "", "—", "-", "－", "-", "–", "-", "\"", "“", "”", "“").Replace(strings.TrimSpace(x))
		return x
	}
	s = norm(s)
	group, row, hasRow := strings.Cut(s, "-")
	group = strings.TrimLeft(group, "（）()一二三四五六七")
	for _, r := range Replies {
		if r.Group == GroupDisclose || r.Group == GroupPartial {
			if !hasRow && (group == r.Group.Label || group == norm(r.Label)) {
				return r, true
			}
			continue
		}
		if !hasRow || group != r.Group.Label {
			continue
		}
		row := strings.TrimPrefix(row, r.Number)
		for _, w := range append([]string{r.Label}, r.Short...) {
			if row == norm(w) {
				return r, true
			}
		}
	}
	return ReplyDef{}, false
}

// Dispute outcomes of table 四.
const (
	DisputeNone      = ""
	DisputeUpheld    = "upheld"
	DisputeCorrected = "corrected"
	DisputeOther     = "other"
	DisputePending   = "pending"
)

// DisputeLabel names a result of table 四.
func DisputeLabel(v string) string {
	return map[string]string{DisputeNone: "无", DisputeUpheld: "维持", DisputeCorrected: "纠正", DisputeOther: "其他", DisputePending: "未审结"}[v]
}

// Litigation is the lawsuit over a reply: direct or after reconsideration, and its result.
type Litigation struct {
	AfterReconsideration bool
	Result               string // upheld, corrected, other, pending; "" = none
}

// String is the stored form: "direct:upheld", "after:pending", "".
func (l Litigation) String() string {
	if l.Result == "" {
		return ""
	}
	if l.AfterReconsideration {
		return "after:" + l.Result
	}
	return "direct:" + l.Result
}

// ParseLitigation reads the stored form.
func ParseLitigation(s string) Litigation {
	kind, res, ok := strings.Cut(s, ":")
	if !ok {
		return Litigation{}
	}
	return Litigation{AfterReconsideration: kind == "after", Result: res}
}

// Label is the litigation as the ledger writes it: 直接起诉-维持, 复议后起诉-未审结, 无.
func (l Litigation) Label() string {
	if l.Result == "" {
		return "无"
	}
	if l.AfterReconsideration {
		return "复议后起诉-" + DisputeLabel(l.Result)
	}
	return "直接起诉-" + DisputeLabel(l.Result)
}

// Request is one 政府信息公开申请.
type Request struct {
	ID, OrganID, ReceiptNo string
	Channel                Channel
	ReceivedOn             calendar.Date
	State                  State
	ApplicantType          ApplicantType
	ApplicantName          string
	IDMasked, PhoneMasked  string
	Address, Email         string
	Description, Purpose   string
	Form, Delivery         string

	AmendNoticeOn   calendar.Date
	AmendItems      string
	AmendDue        calendar.Date // end of the period the notice gave the applicant
	AmendReceivedOn calendar.Date
	AmendText       string

	ExtensionDays     int
	ExtensionOn       calendar.Date
	ExtensionApprover string
	ExcludedDays      int // working days excluded, as entered (ledger) beyond the recorded consultations

	FeePaused   bool // the organ's setting when the notice went out: waiting for payment stops the clock
	FeeMode     string
	FeeQuantity int
	FeeAmount   int // yuan
	FeeNoticeOn calendar.Date
	FeeDue      calendar.Date
	FeePaidOn   calendar.Date

	ReplyType  ReplyType
	ReplyBasis string
	ReplyText  string
	RepliedOn  calendar.Date
	OnTime     bool

	DeliveredOn  calendar.Date
	DeliveryNote string

	Reconsideration  string // table 四 result: upheld, corrected, other, pending; "" = none
	Litigation       Litigation
	DisputeRef       string // the reconsideration case's number (fazhi's or an external one)
	ReconsiderCaseID string // fazhi's reconsideration case, when DisputeRef is one of its numbers
	LitigationRef    string // the lawsuit's case number （案号）
	LitigationCaseID string // fazhi's litigation case, when LitigationRef is one of its dockets

	Due      Deadlines
	Imported bool
	Version  int

	Consultations []Consultation
}

// Consultation is a 征求意见 of a third party (条例第三十二条) or of another organ (第三十四条).
type Consultation struct {
	ID, RequestID string
	Kind          string // third_party, organ
	Party         string
	SentOn        calendar.Date
	EndedOn       calendar.Date // opinion received (zero: still waiting)
	Opinion       string
}

// KindLabel names the consultation.
func (c Consultation) KindLabel() string {
	if c.Kind == "organ" {
		return "征求其他机关意见"
	}
	return "征求第三方意见"
}

// Reply returns the request's reply definition (zero when not answered).
func (r *Request) Reply() ReplyDef { d, _ := Reply(r.ReplyType); return d }

// ReviewFirst reports whether the reply refuses disclosure, wholly or in part, so that a 复议 must
// come before a suit (行政复议法第二十三条第一款第（四）项).
func (r *Request) ReviewFirst() bool {
	return r.Reply().Group == GroupWithhold || r.ReplyType == "partial"
}

// Closed reports whether the request has been answered or otherwise closed.
func (r *Request) Closed() bool { return r.State == StateReplied || r.State == StateDelivered }

// ClockStart is the day the answer period runs from: receipt, or receipt of the amended request
// (条例第三十条).
func (r *Request) ClockStart() calendar.Date {
	if !r.AmendReceivedOn.IsZero() {
		return r.AmendReceivedOn
	}
	return r.ReceivedOn
}
