package enforce

import (
	"strings"

	"github.com/fazhi/fazhi/internal/calendar"
)

// Body kinds (执法主体类型).
const (
	KindStatutory  = "statutory"  // 法定行政机关
	KindAuthorised = "authorised" // 法律法规授权组织
	KindEntrusted  = "entrusted"  // 受委托组织
)

// BodyKinds maps each kind to its label.
var BodyKinds = []Choice{{KindStatutory, "法定机关"}, {KindAuthorised, "授权组织"}, {KindEntrusted, "受委托组织"}}

// Choice is a stored value and its Chinese label.
type Choice struct{ Value, Label string }

// LabelOf returns the label of v among cs ("" when unknown).
func LabelOf(cs []Choice, v string) string {
	for _, c := range cs {
		if c.Value == v {
			return c.Label
		}
	}
	return ""
}

// ValueOf returns the value whose label is l.
func ValueOf(cs []Choice, l string) (string, bool) {
	for _, c := range cs {
		if c.Label == l || c.Value == l {
			return c.Value, true
		}
	}
	return "", false
}

// Enforcement categories a body may hold (执法类别).
var BodyCategories = []Choice{{"penalty", "处罚"}, {"license", "许可"}, {"coercion", "强制"}, {"inspection", "检查"},
	{"levy", "征收"}, {"benefit", "给付"}, {"confirmation", "确认"}, {"ruling", "裁决"}}

// Record categories (执法记录类别), the ledger's 类别 column.
const (
	CatPenalty    = "penalty"
	CatLicense    = "license"
	CatCoercion   = "coercion"
	CatInspection = "inspection"
	CatOther      = "other"
)

// RecordCategories lists the record categories in report order; the value is also the key of
// the "records" object of the statistics.
var RecordCategories = []Choice{{CatPenalty, "行政处罚"}, {CatLicense, "行政许可"}, {CatCoercion, "行政强制"},
	{CatInspection, "行政检查"}, {CatOther, "其他"}}

// Certificate states (执法证).
const (
	CertApplied   = "applied"   // 申领
	CertIssued    = "issued"    // 核发（含年审、换证后）
	CertSuspended = "suspended" // 暂扣
	CertCancelled = "cancelled" // 注销
	CertRevoked   = "revoked"   // 吊销
	CertRefused   = "refused"   // 不予核发（考试未通过等）
)

// CertStates labels the certificate states.
var CertStates = []Choice{{CertApplied, "已申领"}, {CertIssued, "有效"}, {CertSuspended, "暂扣"}, {CertCancelled, "已注销"},
	{CertRevoked, "已吊销"}, {CertRefused, "不予核发"}}

// Body is an enforcement body (执法主体).
type Body struct {
	ID             string   `json:"id"`
	OrganID        string   `json:"organ_id"`
	Name           string   `json:"name"`
	Kind           string   `json:"kind"`
	LegalBasis     string   `json:"legal_basis"`
	Categories     []string `json:"categories"`
	Items          []string `json:"items"`
	MajorCatalogue []string `json:"major_catalogue"`
	Sector         string   `json:"sector"`
}

// Officer is an enforcement officer (执法人员).
type Officer struct {
	ID             string `json:"id"`
	BodyID         string `json:"body_id"`
	OrganID        string `json:"organ_id"`
	Name           string `json:"name"`
	Post           string `json:"post"`
	LegalQualified bool   `json:"legal_qualified"`
}

// Span is a period of a certificate: valid (核发/年审/换证) or suspended (暂扣). An open To means
// until further notice (a suspension not yet lifted).
type Span struct {
	Kind     string        `json:"kind"` // valid, suspended
	From, To calendar.Date `json:"-"`
}

// Certificate is an enforcement certificate (执法证) with its periods.
type Certificate struct {
	ID            string        `json:"id"`
	OfficerID     string        `json:"officer_id"`
	OrganID       string        `json:"organ_id"`
	Number        string        `json:"number"`
	State         string        `json:"state"`
	AppliedOn     calendar.Date `json:"applied_on"`
	TrainingHours int           `json:"training_hours"`
	ExamScore     int           `json:"exam_score"`
	ExamPassed    bool          `json:"exam_passed"`
	IssuedOn      calendar.Date `json:"issued_on"`
	ValidTo       calendar.Date `json:"valid_to"`
	EndedOn       calendar.Date `json:"ended_on"` // 注销/吊销 from this day
	Version       int           `json:"version"`
	Spans         []Span        `json:"-"`
}

// ValidOn reports whether the certificate allowed enforcement on d: inside a valid span, in no
// suspension, and before it was cancelled or revoked.
func (c *Certificate) ValidOn(d calendar.Date) bool {
	if d.IsZero() || (!c.EndedOn.IsZero() && !d.Before(c.EndedOn)) {
		return false
	}
	valid := false
	for _, s := range c.Spans {
		in := !d.Before(s.From) && (s.To.IsZero() || !d.After(s.To))
		if !in {
			continue
		}
		if s.Kind == "suspended" {
			return false
		}
		valid = true
	}
	return valid
}

// Record is one enforcement act (执法记录): a penalty, licence, coercive measure, inspection.
type Record struct {
	ID          string        `json:"id"`
	OrganID     string        `json:"organ_id"`
	BodyID      string        `json:"body_id"`
	Category    string        `json:"category"`
	CaseNo      string        `json:"case_no"`
	Subject     string        `json:"subject"`
	SubjectType string        `json:"subject_type"`
	Procedure   string        `json:"procedure"` // 简易/普通 for penalties ("" = 普通)
	FiledOn     calendar.Date `json:"filed_on"`
	DecidedOn   calendar.Date `json:"decided_on"`
	Officers    []string      `json:"officers"` // certificate numbers
	AmountCents int64         `json:"amount_cents"`
	Major       bool          `json:"major"`
	ReviewedOn  calendar.Date `json:"reviewed_on"`
	PublishedOn calendar.Date `json:"published_on"`
	PublishDue  calendar.Date `json:"publish_due"`
	RevokedOn   calendar.Date `json:"revoked_on"`
	WithdrawnOn calendar.Date `json:"withdrawn_on"`
	FullRecord  bool          `json:"full_record"`
}

// ActOn is the date the record's officers acted on: the decision, else the filing.
func (r *Record) ActOn() calendar.Date {
	if !r.DecidedOn.IsZero() {
		return r.DecidedOn
	}
	return r.FiledOn
}

// Amount is the amount in yuan as written: 1200.50.
func (r *Record) Amount() string { return formatCents(r.AmountCents) }

func formatCents(c int64) string {
	neg := c < 0
	if neg {
		c = -c
	}
	s := itoa(c/100) + "." + string(rune('0'+c%100/10)) + string(rune('0'+c%10))
	if neg {
		s = "-" + s
	}
	return strings.TrimSuffix(s, ".00")
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// splitList splits a stored list ("、" joined).
func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "、")
}

func joinList(l []string) string { return strings.Join(l, "、") }
