// Package review runs 合法性审查: one engine for the five kinds of matter a 司法局 reviews
// (行政规范性文件, 重大行政决策, 政府合同, 常务会议议题, 重大行政执法决定). A department submits the
// draft and its materials; the 司法局 checks completeness, assigns a reviewer and, where required, a
// legal advisor (双重审核: independent opinions, neither sees the other's until both are in); the
// conclusion (同意, 修改后同意, 不同意, 暂缓) goes out in a 审核意见书 with numbered opinions, and the
// department answers each one (采纳, 部分采纳, 不采纳) with a reason.
package review

import (
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/files"
)

// Kind is the kind of matter under review; each has its own checklist and period.
type Kind string

const (
	KindNormdoc     Kind = "normdoc"     // 行政规范性文件
	KindDecision    Kind = "decision"    // 重大行政决策
	KindContract    Kind = "contract"    // 政府合同（协议）
	KindMeeting     Kind = "meeting"     // 常务会议议题
	KindEnforcement Kind = "enforcement" // 重大行政执法决定
)

// Kinds in display order.
var Kinds = []Kind{KindNormdoc, KindDecision, KindContract, KindMeeting, KindEnforcement}

// Label is the Chinese name.
func (k Kind) Label() string { return kindInfo[k].label }

// Valid reports a known kind.
func (k Kind) Valid() bool { _, ok := kindInfo[k]; return ok }

// State of a review request.
type State string

const (
	StateSubmitted State = "submitted" // 已报送，待审查材料
	StateReturned  State = "returned"  // 退回补充材料
	StateInReview  State = "in_review" // 审查中
	StateConcluded State = "concluded" // 已出具审核意见
	StateWithdrawn State = "withdrawn" // 已撤回
)

// States in display order.
var States = []State{StateSubmitted, StateReturned, StateInReview, StateConcluded, StateWithdrawn}

// Label is the Chinese name.
func (s State) Label() string {
	return map[State]string{StateSubmitted: "待审查材料", StateReturned: "退回补充材料", StateInReview: "审查中",
		StateConcluded: "已出具审核意见", StateWithdrawn: "已撤回"}[s]
}

// Open reports whether the request still needs the 司法局's work.
func (s State) Open() bool { return s == StateSubmitted || s == StateReturned || s == StateInReview }

// Conclusion is the result of a review.
type Conclusion string

const (
	Agree        Conclusion = "agree"         // 同意
	AgreeAmended Conclusion = "agree_amended" // 修改后同意
	Disagree     Conclusion = "disagree"      // 不同意
	Defer        Conclusion = "defer"         // 暂缓
)

// Conclusions in display order.
var Conclusions = []Conclusion{Agree, AgreeAmended, Disagree, Defer}

// Label is the Chinese name.
func (c Conclusion) Label() string {
	return map[Conclusion]string{Agree: "同意", AgreeAmended: "修改后同意", Disagree: "不同意", Defer: "暂缓"}[c]
}

// Valid reports a known conclusion.
func (c Conclusion) Valid() bool { return c.Label() != "" }

// Approved reports conclusions that let the matter go ahead (a document can be registered).
func (c Conclusion) Approved() bool { return c == Agree || c == AgreeAmended }

// Role is the reviewer's part in a 双重审核.
type Role string

const (
	RoleReviewer Role = "reviewer" // 审查员
	RoleAdvisor  Role = "advisor"  // 法律顾问
)

// Label is the Chinese name.
func (r Role) Label() string {
	return map[Role]string{RoleReviewer: "审查员", RoleAdvisor: "法律顾问"}[r]
}

// Answer is the department's response to one opinion.
type Answer string

const (
	Adopted  Answer = "adopted"  // 采纳
	Partly   Answer = "partly"   // 部分采纳
	Rejected Answer = "rejected" // 不采纳
)

// Answers in display order.
var Answers = []Answer{Adopted, Partly, Rejected}

// Label is the Chinese name.
func (a Answer) Label() string {
	return map[Answer]string{Adopted: "采纳", Partly: "部分采纳", Rejected: "不采纳"}[a]
}

// Valid reports a known answer.
func (a Answer) Valid() bool { return a.Label() != "" }

// Counts reports answers counted as adopted in the statistics (采纳 and 部分采纳).
func (a Answer) Counts() bool { return a == Adopted || a == Partly }

// Request is one review request.
type Request struct {
	ID               string
	OrganID          string // the reviewing organ (司法局)
	SubmitterOrganID string // the drafting department
	SubmitterOrgan   string
	SubmitterID      string
	SubmitterName    string
	Contact          string
	IssuerID         string // 拟发文机关 (normative documents)
	Kind             Kind
	ReceiptNo        string // 收件号, given when the request arrives
	OpinionNumber    string // 审核意见书文号 (the request's own number is its ReceiptNo)
	Title            string
	Summary          string
	Draft            string
	Urgent           bool
	UrgentReason     string
	State            State
	SubmittedOn      calendar.Date
	ReceivedOn       calendar.Date
	ReturnedOn       calendar.Date
	Missing          []string
	ReturnCount      int
	AcceptedOn       calendar.Date
	ReviewerID       string
	ReviewerName     string
	AdvisorID        string
	AdvisorName      string
	Dual             bool
	MinDays          int
	MaxDays          int
	CheckDays        int
	FeedbackDays     int
	Extension        int
	ConcludedOn      calendar.Date
	Conclusion       Conclusion
	ConclusionText   string
	OpinionCount     int           // numbered opinions in the 审核意见书
	ReviewDue        calendar.Date // frozen at conclusion
	FeedbackOn       calendar.Date
	Due              Deadlines
	Version          int
	CreatedAt        string
	UpdatedAt        string
}

// OnTime reports a conclusion within the review period.
func (r *Request) OnTime() bool {
	return !r.ConcludedOn.IsZero() && !r.ReviewDue.IsZero() && !r.ConcludedOn.After(r.ReviewDue)
}

// Deadlines are the live clocks of a request.
type Deadlines struct {
	Check    calendar.Date // 材料审查
	Review   calendar.Date // 出具审核意见
	Feedback calendar.Date // 部门反馈采纳情况
	Next     calendar.Date
	NextRule string
}

// MaterialFile is a file uploaded for one checklist item (Code).
type MaterialFile struct {
	Code string
	files.Upload
}

// Material is one item of the checklist as submitted.
type Material struct {
	ID       string
	Code     string
	Name     string
	Required bool
	Provided bool
	Note     string
}

// Assessment is one reviewer's independent opinion on a request.
type Assessment struct {
	Role        Role
	AuthorID    string
	AuthorName  string
	Suggestion  Conclusion
	Summary     string
	SubmittedAt string
	SubmittedOn calendar.Date
}

// Submitted reports whether the assessment is in.
func (a Assessment) Submitted() bool { return a.SubmittedAt != "" }

// Opinion is one numbered point of a reviewer's opinion.
type Opinion struct {
	ID           string
	ReviewID     string
	Role         Role
	AuthorID     string
	AuthorName   string
	Seq          int
	Content      string
	Basis        string
	FinalNo      int
	Answer       Answer
	AnswerReason string
	AnsweredOn   calendar.Date
	AnsweredBy   string
}

// Event is one step in a request's history (case_events, owner type review_request).
type Event struct{ casework.Event }

// ActionLabel is the Chinese name of an event's action.
func (e Event) ActionLabel() string {
	if l, ok := actionLabels[e.Action]; ok {
		return l
	}
	return e.Action
}

var actionLabels = map[string]string{
	"submit": "报送审查", "resubmit": "补充材料后重新报送", "return": "退回补充材料", "accept": "材料齐全，受理审查",
	"assign": "指定审查人员", "assessment": "提交审查意见", "extend": "延长审查期限", "conclude": "出具审核意见书",
	"answer": "反馈意见采纳情况", "withdraw": "撤回",
}
