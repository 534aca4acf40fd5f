package reconsider

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/mail"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/notify"
	"github.com/fazhi/fazhi/internal/secure"
)

// Intake is an application as filled in by the applicant online or registered by staff.
type Intake struct {
	OrganID       string        `json:"organ_id" required:"true"` // 复议机关 (public form: chosen from the governments)
	Channel       Channel       `json:"channel" required:"true"`
	ReceivedOn    calendar.Date `json:"-"`
	ReceivedText  string        `json:"received_on" required:"true"`
	ApplicantKind ApplicantKind `json:"applicant_kind" required:"true"`
	ApplicantName string        `json:"applicant_name" required:"true"`
	IDNumber      string        `json:"id_number" required:"true"` // 身份证号 (自然人) or 统一社会信用代码 (法人/其他组织)
	Phone         string        `json:"phone" required:"true"`
	Email         string        `json:"email"` // optional: the notices go there too
	Address       string        `json:"address"`
	Agent         string        `json:"agent"`
	RespondentID  string        `json:"respondent_id"`
	Respondent    string        `json:"respondent"`
	ActType       string        `json:"act_type" required:"true"`
	Field         string        `json:"field"`
	ActTitle      string        `json:"act_title" required:"true"`
	ActDateText   string        `json:"act_date"`
	LearnedText   string        `json:"learned_on" required:"true"`
	Amount        float64       `json:"amount"`
	Requests      string        `json:"requests" required:"true"`
	Facts         string        `json:"facts" required:"true"`
	// SubmitKey identifies the form (or API call) the application came from: sending it again
	// finds the case it made instead of making a second one.
	SubmitKey string `json:"-"`
}

type sensitive struct {
	idEnc, blind, phoneEnc, emailEnc, queryCodeHash string
}

// Receipt is what the applicant gets back: the number and the code to follow the case.
type Receipt struct {
	CaseID     string `json:"case_id"`
	ReceiptNo  string `json:"receipt_no"`
	QueryCode  string `json:"query_code,omitempty"`
	ReceivedOn string `json:"received_on"`
	Duplicate  string `json:"possible_duplicate,omitempty"`
	Repeat     bool   `json:"repeat,omitempty"` // the same application sent again: no new case was made
}

func queryCodeHash(receiptNo, code string) string {
	return secure.SM3Hex([]byte("reconsider-query"), []byte(receiptNo), []byte(code))
}

// validate checks an application and returns every problem by field.
func (s *Service) validate(in *Intake, public bool) *fault.Fields {
	fe := &fault.Fields{}
	today := s.Today()
	trim := func(p *string) { *p = strings.TrimSpace(*p) }
	for _, p := range []*string{&in.ApplicantName, &in.IDNumber, &in.Phone, &in.Email, &in.Address, &in.Agent, &in.Respondent, &in.ActType, &in.Field, &in.ActTitle, &in.Requests, &in.Facts, &in.ReceivedText, &in.ActDateText, &in.LearnedText} {
		trim(p)
	}
	if o, ok := s.org.Organ(in.OrganID); !ok || o.Kind != "government" {
		fe.Add("organ_id", "请选择行政复议机关（人民政府）")
	}
	if public {
		in.Channel = ChannelOnline
		in.ReceivedOn = today // 网上申请：双方确认之日，即提交之日
	} else {
		if in.Channel.Label() == "" {
			fe.Add("channel", "请选择申请方式")
		}
		d, err := calendar.ParseDate(in.ReceivedText)
		switch {
		case in.ReceivedText == "":
			fe.Add("received_on", "请填写收件日期（邮寄的为签收之日）")
		case err != nil:
			fe.Add("received_on", "收件"+calendar.FormatHint)
		case d.After(today):
			fe.Add("received_on", "收件日期不能晚于今天")
		default:
			in.ReceivedOn = d
		}
	}
	switch in.ApplicantKind {
	case Natural:
		if err := secure.ValidateIDNumber(secure.NormalizeCode(in.IDNumber)); err != nil {
			fe.Add("id_number", err.Error())
		}
	case LegalPerson, OtherOrg:
		if err := secure.ValidateUSCC(secure.NormalizeCode(in.IDNumber)); err != nil {
			fe.Add("id_number", err.Error())
		}
	default:
		fe.Add("applicant_kind", "请选择申请人类型")
	}
	in.IDNumber = secure.NormalizeCode(in.IDNumber)
	if in.ApplicantName == "" {
		fe.Add("applicant_name", "请填写申请人姓名或名称")
	} else if utf8.RuneCountInString(in.ApplicantName) > 100 {
		fe.Add("applicant_name", "申请人姓名或名称不能超过100字")
	}
	if in.Phone == "" {
		fe.Add("phone", "请填写联系电话")
	} else if err := secure.ValidateMobile(in.Phone); err != nil && !landline(in.Phone) {
		fe.Add("phone", "联系电话应为11位手机号码或带区号的固定电话")
	}
	if in.Email != "" {
		if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email || len(in.Email) > 100 || !strings.Contains(in.Email[strings.LastIndex(in.Email, "@")+1:], ".") {
			fe.Add("email", "电子邮箱格式不正确，应如 zhangsan@example.com（选填，可不填）")
		}
	}
	if in.RespondentID != "" {
		if o, ok := s.org.Organ(in.RespondentID); ok {
			in.Respondent = o.Name
		} else {
			fe.Add("respondent", "被申请人不存在")
		}
	}
	if in.Respondent == "" {
		fe.Add("respondent", "请填写被申请人（作出行政行为的行政机关）")
	}
	if !contains(ActTypes, in.ActType) {
		fe.Add("act_type", "请选择行政行为类别")
	}
	if in.Field == "" {
		in.Field = "其他"
	} else if !contains(Fields, in.Field) {
		fe.Add("field", "请选择所属领域")
	}
	if in.ActTitle == "" {
		fe.Add("act_title", "请写明被申请行政复议的行政行为（如决定书文号、行为内容）")
	}
	var actDate, learned calendar.Date
	if in.ActDateText != "" {
		d, err := calendar.ParseDate(in.ActDateText)
		if err != nil || d.After(today) {
			fe.Add("act_date", "行政行为作出日期应为不晚于今天的日期（年-月-日，例如 2026-01-05）")
		}
		actDate = d
	}
	if in.LearnedText == "" {
		fe.Add("learned_on", "请填写知道该行政行为的日期")
	} else if d, err := calendar.ParseDate(in.LearnedText); err != nil || d.After(today) {
		fe.Add("learned_on", "知道行政行为的日期应为不晚于今天的日期（年-月-日，例如 2026-01-05）")
	} else {
		learned = d
		if !actDate.IsZero() && learned.Before(actDate) {
			fe.Add("learned_on", "知道行政行为的日期不能早于行政行为作出日期")
		}
		if !in.ReceivedOn.IsZero() && in.ReceivedOn.Before(learned) {
			fe.Add("received_on", "收件日期不能早于知道行政行为的日期")
		}
	}
	if in.Amount < 0 {
		fe.Add("amount", "涉案金额不能为负数")
	}
	if in.Requests == "" {
		fe.Add("requests", "请写明行政复议请求")
	}
	if in.Facts == "" {
		fe.Add("facts", "请写明事实和理由")
	}
	for field, v := range map[string]string{"requests": in.Requests, "facts": in.Facts} {
		if utf8.RuneCountInString(v) > 20000 {
			fe.Add(field, "内容不能超过20000字")
		}
	}
	return fe
}

func landline(s string) bool {
	s = strings.ReplaceAll(s, "-", "")
	if len(s) < 10 || len(s) > 12 || s[0] != '0' {
		return false
	}
	_, err := strconv.ParseUint(s, 10, 64)
	return err == nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// LateApplication tells whether the application period of Arts. 20–21 had run out when the application
// was made, with the facts recorded for the case (ApplicationPeriod). It is shown to the handler as a
// warning for the acceptance review, never enforced at intake.
func (s *Service) LateApplication(ctx context.Context, c *Case) (late bool, due calendar.Date, err error) {
	t, _, err := s.Timeliness(ctx, s.db, c)
	if err != nil {
		return false, calendar.Date{}, err
	}
	return (t.Known || t.Barred) && !t.InTime, t.Due, nil
}

// Register records an application: a public online one (p == nil) or one staff received on paper,
// by post, at a liaison station or by phone. It never rejects a possible duplicate: it flags it.
func (s *Service) Register(ctx context.Context, p *auth.Principal, in Intake) (Receipt, error) {
	public := p == nil
	if !public && !p.Can(PermEdit) {
		return Receipt{}, fault.Forbiddenf("您没有登记复议申请的权限")
	}
	fe := s.validate(&in, public)
	if !public && fe.Fields["organ_id"] == "" {
		if o, ok := s.org.Organ(in.OrganID); ok && !s.editable(p, &Case{OrganID: o.ID, HandlerID: p.UserID}) {
			fe.Add("organ_id", "您不能为该复议机关登记申请")
		}
	}
	if err := fe.Err(); err != nil {
		return Receipt{}, err
	}
	now := db.Now()
	c := &Case{ID: db.NewID(), OrganID: in.OrganID, Channel: in.Channel, ReceivedOn: in.ReceivedOn, State: StateReceived, Procedure: Ordinary,
		ApplicantKind: in.ApplicantKind, ApplicantName: in.ApplicantName, Address: in.Address, Agent: in.Agent, RespondentID: in.RespondentID,
		Respondent: in.Respondent, ActType: in.ActType, Field: in.Field, ActTitle: in.ActTitle, Amount: in.Amount, Requests: in.Requests, Facts: in.Facts,
		AcceptStart: in.ReceivedOn, Version: 1, CreatedAt: now, UpdatedAt: now}
	c.ActDate, _ = calendar.ParseDate(in.ActDateText)
	c.LearnedOn, _ = calendar.ParseDate(in.LearnedText)
	if in.ApplicantKind == Natural {
		c.IDNumberMasked = secure.MaskIDNumber(in.IDNumber)
	} else {
		c.IDNumberMasked = in.IDNumber // a credit code is public
	}
	c.Phone = secure.MaskPhone(in.Phone)
	var sec sensitive
	var err error
	if sec.idEnc, err = s.cipher.Encrypt(in.IDNumber); err != nil {
		return Receipt{}, err
	}
	if sec.phoneEnc, err = s.cipher.Encrypt(in.Phone); err != nil {
		return Receipt{}, err
	}
	if in.Email != "" {
		c.Email = notify.MaskAddress(notify.ChannelEmail, in.Email)
		if sec.emailEnc, err = s.cipher.Encrypt(in.Email); err != nil {
			return Receipt{}, err
		}
	}
	sec.blind = s.cipher.BlindIndex(in.IDNumber)
	code := secure.QueryCode()
	codeEnc := ""
	if public {
		if codeEnc, err = s.cipher.Encrypt(code); err != nil {
			return Receipt{}, err
		}
	}
	var rec Receipt
	for attempt := 0; ; attempt++ {
		err = s.db.Tx(ctx, func(tx *db.Tx) error {
			if prev, ok, err := s.sameApplication(ctx, tx, in.SubmitKey, public, c, sec.blind); err != nil || ok {
				rec = prev
				return err
			}
			return s.register(ctx, tx, p, c, &sec, code, codeEnc, in.SubmitKey, &rec)
		})
		// Two sends of one form at once: the loser of the unique submit_key finds the winner's case.
		if err == nil || in.SubmitKey == "" || attempt > 0 || !(db.IsUnique(err) || errors.Is(err, db.ErrConflict)) {
			return rec, err
		}
	}
}

// applicationWindow: an online application sent again within it (same applicant, respondent and
// act) is the same application, not a second one — a double click or a resent form.
const applicationWindow = 10 * time.Minute

// sameApplication finds the case an application already made: by its form key, or (online) by the
// same applicant, respondent and act within applicationWindow.
func (s *Service) sameApplication(ctx context.Context, tx *db.Tx, key string, public bool, c *Case, blind string) (Receipt, bool, error) {
	var rec Receipt
	var received, enc string
	var err error
	if key != "" {
		err = tx.QueryRowContext(ctx, `SELECT id, receipt_no, received_on, receipt_code_enc FROM reconsider_cases WHERE submit_key = ?`, key).
			Scan(&rec.CaseID, &rec.ReceiptNo, &received, &enc)
	}
	if public && (key == "" || errors.Is(err, sql.ErrNoRows)) {
		err = tx.QueryRowContext(ctx, `SELECT id, receipt_no, received_on, receipt_code_enc FROM reconsider_cases
			WHERE organ_id = ? AND applicant_blind = ? AND respondent = ? AND act_title = ? AND channel = ? AND created_at >= ? ORDER BY created_at DESC LIMIT 1`,
			c.OrganID, blind, c.Respondent, c.ActTitle, ChannelOnline, db.Timestamp(time.Now().Add(-applicationWindow))). // created_at is the real clock (db.Now)
			Scan(&rec.CaseID, &rec.ReceiptNo, &received, &enc)
	}
	if key == "" && !public || errors.Is(err, sql.ErrNoRows) {
		return Receipt{}, false, nil
	} else if err != nil {
		return Receipt{}, false, err
	}
	rec.ReceivedOn, rec.Repeat = received, true
	if enc != "" {
		rec.QueryCode, _ = s.cipher.Decrypt(enc) // still unseen: the receipt may show it
	}
	return rec, true, nil
}

// register writes a new application's case inside tx.
func (s *Service) register(ctx context.Context, tx *db.Tx, p *auth.Principal, c *Case, sec *sensitive, code, codeEnc, key string, out *Receipt) error {
	public := p == nil
	{
		o, _ := s.org.Organ(c.OrganID)
		n, err := db.NextNumber(ctx, tx, c.OrganID, "reconsider.receipt", c.ReceivedOn.Year)
		if err != nil {
			return err
		}
		c.ReceiptNo = fmt.Sprintf("%s-%d-%05d", o.DivisionCode, c.ReceivedOn.Year, n)
		sec.queryCodeHash = queryCodeHash(c.ReceiptNo, code)
		// Same applicant, same respondent, same act: probably the same application twice (Art. 30 (7)).
		var dup string
		err = tx.QueryRowContext(ctx, `SELECT receipt_no FROM reconsider_cases WHERE organ_id = ? AND applicant_blind = ? AND respondent = ? AND act_title = ? AND state <> 'other' ORDER BY received_on LIMIT 1`,
			c.OrganID, sec.blind, c.Respondent, c.ActTitle).Scan(&dup)
		if err == nil {
			c.DuplicateOf = dup
		}
		if !public {
			c.HandlerID, c.HandlerName = p.UserID, p.Name
		}
		c.Due = ComputeDeadlines(c, nil, s.cal())
		if err := insertCase(ctx, tx, c, *sec); err != nil {
			return err
		}
		if err := tx.Exec(ctx, `UPDATE reconsider_cases SET due_accept = ?, next_due = ?, next_rule = ?, submit_key = ?, receipt_code_enc = ? WHERE id = ?`,
			c.Due.Accept.String(), c.Due.Next.String(), c.Due.NextRule, key, codeEnc, c.ID); err != nil {
			return err
		}
		actor := event(c, c.ReceivedOn, "register")
		actor.FromState, actor.Note = "", c.Channel.Label()
		if p != nil {
			actor.ActorID, actor.ActorName = p.UserID, p.Name
		} else {
			actor.ActorName = c.ApplicantName + "（申请人）"
		}
		if err := casework.InsertEvent(ctx, tx, actor); err != nil {
			return err
		}
		*out = Receipt{CaseID: c.ID, ReceiptNo: c.ReceiptNo, ReceivedOn: c.ReceivedOn.String(), Duplicate: c.DuplicateOf}
		if public {
			out.QueryCode = code
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "reconsider.register", ObjectType: "reconsider_case", ObjectID: c.ID,
			Detail: map[string]any{"receipt_no": c.ReceiptNo, "channel": c.Channel, "respondent": c.Respondent}})
	}
}

// Progress is what the public sees with a receipt number and query code.
type Progress struct {
	ReceiptNo  string
	Number     string
	State      State
	ReceivedOn calendar.Date
	AcceptedOn calendar.Date
	ClosedOn   calendar.Date
	Outcome    Outcome
	AmendItems string
	AmendDue   calendar.Date
	Steps      []casework.Event
}

// PublicProgress looks a case up by receipt number and query code; both must match.
func (s *Service) PublicProgress(ctx context.Context, receiptNo, code string) (*Progress, *Case, error) {
	var id string
	err := s.db.QueryRowContext(ctx, `SELECT id FROM reconsider_cases WHERE receipt_no = ? AND query_code_hash = ?`, strings.TrimSpace(receiptNo), queryCodeHash(strings.TrimSpace(receiptNo), strings.TrimSpace(code))).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil, fault.NotFoundf("收件编号或查询码不正确")
	} else if err != nil {
		return nil, nil, err
	}
	// The applicant has the code: the receipt need not keep it any longer.
	if err := s.db.Tx(ctx, func(tx *db.Tx) error {
		return tx.Exec(ctx, `UPDATE reconsider_cases SET receipt_code_enc = '' WHERE id = ? AND receipt_code_enc <> ''`, id)
	}); err != nil {
		return nil, nil, err
	}
	return s.progressOf(ctx, id)
}

// progressOf is the public view of a case the caller has already identified.
func (s *Service) progressOf(ctx context.Context, id string) (*Progress, *Case, error) {
	c, err := getCase(ctx, s.db, id)
	if err != nil {
		return nil, nil, err
	}
	evs, err := listEvents(ctx, s.db, id)
	if err != nil {
		return nil, nil, err
	}
	pr := &Progress{ReceiptNo: c.ReceiptNo, Number: c.Number, State: c.State, ReceivedOn: c.ReceivedOn, AcceptedOn: c.AcceptedOn, ClosedOn: c.ClosedOn, Outcome: c.Outcome}
	if c.State == StateAmending {
		pr.AmendItems, pr.AmendDue = c.AmendItems, c.Due.Amend
	}
	for _, e := range evs {
		if publicAction[e.Action] != "" {
			e.Note = publicAction[e.Action]
			e.ActorName = ""
			pr.Steps = append(pr.Steps, e)
		}
	}
	return pr, c, nil
}

// publicAction lists the steps an applicant sees, with their public wording.
var publicAction = map[string]string{
	"register": "申请已收到", "request_amendment": "需要补正材料", "receive_amendment": "补正材料已收到", "accept": "已受理",
	"deem_accept": "审查期限届满，视为受理", "reject": "决定不予受理", "inform": "已告知向有权机关申请", "transfer": "已转送有关机关",
	"amendment_lapsed": "逾期未补正，视为放弃申请", "withdraw": "申请已撤回", "suspend": "案件中止审理", "resume": "案件恢复审理",
	"extend": "决定期限已延长", "decide": "已作出行政复议决定", "mediate": "已达成调解", "terminate": "案件终止", "hearing": "已听取意见或举行听证",
}
