// Package normdoc keeps the register of 行政规范性文件: registration and numbering after an approved
// legality review, publication (三统一: 统一登记、统一编号、统一印发), 备案 to the government above and
// the 人大常委会 within the organ's deadline, validity periods with warnings and evaluation, the status
// timeline (有效, 已修改, 废止, 失效), versions diffable by article, cleanup campaigns (清理) and the
// public database.
package normdoc

import (
	"strings"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/search"
)

// State of a document in the register: its legal validity (有效、失效、废止 …) once published.
type State string

const (
	StateRegistered State = "registered" // 已登记，待公布
	StateInForce    State = "in_force"   // 有效
	StateAmended    State = "amended"    // 已修改 (superseded by an amending document)
	StateRepealed   State = "repealed"   // 废止
	StateExpired    State = "expired"    // 失效
)

// States in display order.
var States = []State{StateInForce, StateAmended, StateRepealed, StateExpired, StateRegistered}

// PublicStates are the statuses the public database shows.
var PublicStates = []State{StateInForce, StateAmended, StateRepealed, StateExpired}

// Label is the Chinese name.
func (s State) Label() string {
	return map[State]string{StateRegistered: "已登记待公布", StateInForce: "有效", StateAmended: "已修改", StateRepealed: "废止", StateExpired: "失效"}[s]
}

// Valid reports a known status.
func (s State) Valid() bool { return s.Label() != "" }

// ParseState reads a code or a Chinese label.
func ParseState(v string) (State, bool) {
	for _, s := range States {
		if v == string(s) || v == s.Label() {
			return s, true
		}
	}
	return "", false
}

// Evaluation is the outcome of the evaluation before a document's validity ends.
type Evaluation string

const (
	EvalContinue Evaluation = "continue" // 继续有效: a new version, re-published and filed like any other
	EvalAmend    Evaluation = "amend"    // 需要修改
	EvalExpire   Evaluation = "expire"   // 到期失效
)

// Label is the Chinese name.
func (e Evaluation) Label() string {
	return map[Evaluation]string{EvalContinue: "继续有效", EvalAmend: "需要修改", EvalExpire: "到期失效"}[e]
}

// Decision is a cleanup proposal or decision on one document.
type Decision string

const (
	Keep   Decision = "keep"   // 继续有效
	Amend  Decision = "amend"  // 修改
	Repeal Decision = "repeal" // 废止
	Expire Decision = "expire" // 宣布失效
)

// Decisions in display order.
var Decisions = []Decision{Keep, Amend, Repeal, Expire}

// Label is the Chinese name.
func (d Decision) Label() string {
	return map[Decision]string{Keep: "继续有效", Amend: "修改", Repeal: "废止", Expire: "失效"}[d]
}

// Valid reports a known decision.
func (d Decision) Valid() bool { return d.Label() != "" }

// Doc is one normative document in the register.
type Doc struct {
	ID             string
	OrganID        string // 制定机关
	OrganName      string
	DrafterOrganID string
	RegOrganID     string // the office keeping the register
	ReviewID       string
	Legacy         bool
	Title          string
	Number         string // 文号
	NumberYear     int
	NumberSeq      int
	Provisional    bool // 暂行 / 试行
	Keywords       string
	Topics         string
	SignedOn       calendar.Date
	PublishedOn    calendar.Date
	Channel        string // 公布载体
	EffectiveOn    calendar.Date
	ValidYears     int
	ExpiresOn      calendar.Date // last day in force
	WarnOn         calendar.Date
	State          State
	StateOn        calendar.Date
	EndedOn        calendar.Date
	AmendedByID    string
	AmendsID       string
	PendingAmend   bool
	Evaluation     Evaluation
	EvaluatedOn    calendar.Date
	EvaluationNote string
	CurrentVersion int
	RenewalSeq     int           // the version awaiting re-publication after 继续有效 (0 = none)
	RenewedOn      calendar.Date // the latest re-publication after 继续有效
	Version        int
	CreatedAt      string
	UpdatedAt      string
}

// Published reports whether the document has been made public.
func (d *Doc) Published() bool { return !d.PublishedOn.IsZero() }

// InForceOn reports whether the document is in force on day.
func (d *Doc) InForceOn(day calendar.Date) bool {
	if !d.Published() || d.EffectiveOn.IsZero() || day.Before(d.EffectiveOn) {
		return false
	}
	if !d.EndedOn.IsZero() && !day.Before(d.EndedOn) {
		return false
	}
	return d.ExpiresOn.IsZero() || !day.After(d.ExpiresOn)
}

// StateText is the status shown to readers, the same as in 法规检索 (search.StatusOn): 尚未施行 for
// a published document not yet effective.
func (d *Doc) StateText(today calendar.Date) string {
	return search.StatusOn(d.State.Label(), d.EffectiveOn.String(), today)
}

// TopicList splits the topics.
func (d *Doc) TopicList() []string { return splitList(d.Topics) }

// KeywordList splits the keywords.
func (d *Doc) KeywordList() []string { return splitList(d.Keywords) }

func splitList(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' || r == '、' || r == ';' || r == '；' || r == ' ' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// Version is one text of a document.
type Version struct {
	ID           string
	DocID        string
	Seq          int
	Title        string
	Body         string
	Note         string
	SourceDocID  string
	SourceNumber string
	EffectiveOn  calendar.Date
	CreatedAt    string
	CreatedBy    string
}

// Event is one step of a document's history (from case_events; RefID is the amending,
// amended or repealing document).
type Event struct{ casework.Event }

// ActionLabel is the Chinese name of the action.
func (e Event) ActionLabel() string {
	if l, ok := actionLabels[e.Action]; ok {
		return l
	}
	return e.Action
}

var actionLabels = map[string]string{
	"register": "登记编号", "publish": "公布", "revise": "修订文本", "amended": "被修改", "amends": "修改其他文件", "repeal": "废止",
	"expire": "失效", "expire_due": "有效期届满失效", "evaluate": "有效期届满前评估", "renew": "评估后继续有效", "filing_sent": "报送备案",
	"publish_renewal": "继续有效后重新公布", "legacy_filings": "录入历史文件备案情况", "filing_received": "备案机关接收", "filing_feedback": "备案审查意见", "cleanup": "清理决定", "cleanup_keep": "清理：继续有效", "cleanup_amend": "清理：列入修改",
}

// Filing is one 备案 of a document with a filing body.
type Filing struct {
	ID          string
	DocID       string
	Round       int           // 1 = the first publication; 2 … = each re-publication after 继续有效
	FromOn      calendar.Date // the publication the deadline counts from
	BodyKind    string        // gov / npc
	BodyName    string
	BodyOrganID string
	Days        int
	DueOn       calendar.Date
	SentOn      calendar.Date
	ReceivedOn  calendar.Date
	Result      string // '' / ok / correct
	Feedback    string
	FeedbackOn  calendar.Date
}

// OnTime reports a filing sent by its deadline.
func (f Filing) OnTime() bool { return !f.SentOn.IsZero() && !f.SentOn.After(f.DueOn) }

// Overdue reports a filing not sent by its deadline (as of today) or sent late.
func (f Filing) Overdue(today calendar.Date) bool {
	if f.SentOn.IsZero() {
		return today.After(f.DueOn)
	}
	return f.SentOn.After(f.DueOn)
}

// ResultLabel is the Chinese name of the filing body's result.
func (f Filing) ResultLabel() string {
	return map[string]string{"": "", "ok": "准予备案（无异议）", "correct": "要求纠正"}[f.Result]
}

// StateLabel summarises the filing for lists.
func (f Filing) StateLabel(today calendar.Date) string {
	switch {
	case f.SentOn.IsZero() && today.After(f.DueOn):
		return "逾期未报送"
	case f.SentOn.IsZero():
		return "待报送"
	case f.SentOn.After(f.DueOn):
		return "逾期报送"
	case f.Result != "":
		return f.ResultLabel()
	case !f.ReceivedOn.IsZero():
		return "已接收"
	}
	return "已报送"
}

// Cleanup is a 清理 campaign.
type Cleanup struct {
	ID         string
	OrganID    string
	OrganName  string
	RegOrganID string
	Title      string
	Basis      string
	Selection  string
	State      string // open / closed
	OpenedOn   calendar.Date
	ClosedOn   calendar.Date
	DecidedBy  string
	CreatedBy  string
	Version    int
	Items      int
	Decided    int
}

// Closed reports a closed campaign.
func (c *Cleanup) Closed() bool { return c.State == "closed" }

// CleanupItem is one document in a campaign.
type CleanupItem struct {
	ID             string
	CleanupID      string
	DocID          string
	Doc            *Doc
	Proposal       Decision
	ProposalReason string
	ProposedBy     string
	Decision       Decision
	DecisionReason string
	DecidedOn      calendar.Date
}
