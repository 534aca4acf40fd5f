package disclosure

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/normdoc"
	"github.com/fazhi/fazhi/internal/officialdoc"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/secure"
	"github.com/fazhi/fazhi/internal/settings"
)

// Service is the business layer of 依申请公开.
type Service struct {
	db         *db.DB
	org        *org.Service
	cal        func() *calendar.Calendar
	cipher     *secure.FieldCipher
	settings   *settings.Store
	now        func() time.Time
	kind       casework.Kind[*Request]
	docs       *officialdoc.Room[*Request] // the request's documents (docs.go)
	normdoc    *normdoc.Service            // the normative-document register, for 主动公开 (nil: entered by hand)
	reconsider ReconsiderLookup            // fazhi's reconsideration cases, for dispute links (nil: none)
	litigation LitigationLookup            // fazhi's litigation cases, for dispute links (nil: none)
	results    DisputeResults              // the linked cases' current results (table 四)
}

// New builds the service.
func New(d *db.DB, o *org.Service, cal func() *calendar.Calendar, c *secure.FieldCipher) *Service {
	s := &Service{db: d, org: o, cal: cal, cipher: c, settings: settings.New(d, o), now: time.Now}
	s.kind = casework.Kind[*Request]{
		OwnerType: "disclosure_request", Table: "disclosure_requests", Noun: "申请", Audit: "disclosure",
		Load: func(ctx context.Context, tx *db.Tx, p *auth.Principal, id string) (*Request, error) {
			return s.getRequest(ctx, tx, p, id)
		},
		Save: updateRequest,
		Facts: func(r *Request) casework.Facts {
			return casework.Facts{ID: r.ID, OrganID: r.OrganID, State: string(r.State), Version: r.Version}
		},
		StateLabel: func(st string) string { return State(st).Label() },
		Recompute: func(ctx context.Context, tx *db.Tx, r *Request) error {
			r.Due = ComputeDeadlines(r, s.cal())
			return nil
		},
		AuditFields: func(r *Request) map[string]any {
			return map[string]any{"state": r.State, "amend_notice_on": ds(r.AmendNoticeOn), "amend_received_on": ds(r.AmendReceivedOn),
				"extension_days": r.ExtensionDays, "fee_amount": r.FeeAmount, "fee_paid_on": ds(r.FeePaidOn), "reply_type": r.ReplyType,
				"replied_on": ds(r.RepliedOn), "delivered_on": ds(r.DeliveredOn), "reconsideration": r.Reconsideration, "litigation": r.Litigation.String()}
		},
	}
	s.kind.After = s.draftDocuments
	s.docs = s.documentRoom()
	return s
}

// SetClock replaces the clock (tests).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

// Today is the legal date now.
func (s *Service) Today() calendar.Date { return calendar.InShanghai(s.now()) }

// Calendar is the calendar in force.
func (s *Service) Calendar() *calendar.Calendar { return s.cal() }

// Get reads a request within p's scope.
func (s *Service) Get(ctx context.Context, p *auth.Principal, id string) (*Request, error) {
	return s.getRequest(ctx, s.db, p, id)
}

// Intake is a request as the applicant fills it in online or staff register it (条例第二十九条).
type Intake struct {
	OrganID       string        `json:"organ_id" required:"true"`
	Channel       Channel       `json:"channel"`
	ReceivedText  string        `json:"received_on"` // the date of 第三十一条 for the channel; online: today
	ApplicantType ApplicantType `json:"applicant_type" required:"true"`
	ApplicantName string        `json:"applicant_name" required:"true"`
	IDNumber      string        `json:"id_number" required:"true"` // 身份证号 or 统一社会信用代码
	Phone         string        `json:"phone" required:"true"`
	Address       string        `json:"address"`
	Email         string        `json:"email"`
	Description   string        `json:"description" required:"true"`
	Purpose       string        `json:"purpose"`
	Form          string        `json:"form"`
	Delivery      string        `json:"delivery"`
}

// Receipt is what the applicant keeps: the receipt number and the query code (shown once).
type Receipt struct {
	RequestID  string   `json:"request_id"`
	ReceiptNo  string   `json:"receipt_no"`
	QueryCode  string   `json:"query_code,omitempty"`
	ReceivedOn string   `json:"received_on"`
	Similar    []string `json:"similar,omitempty"` // the same applicant's requests to the organ in the last 90 days (第三十五条, 第三十六条第（六）项)
}

func queryCodeHash(receiptNo, code string) string {
	return secure.SM3Hex([]byte("disclosure-query"), []byte(receiptNo), []byte(code))
}

// validate checks an intake and fixes its receipt date; every problem is named by field.
func (s *Service) validate(in *Intake, public bool) (calendar.Date, *fault.Fields) {
	fe := &fault.Fields{}
	today := s.Today()
	for _, p := range []*string{&in.ApplicantName, &in.IDNumber, &in.Phone, &in.Address, &in.Email, &in.Description, &in.Purpose, &in.ReceivedText} {
		*p = strings.TrimSpace(*p)
	}
	if o, ok := s.org.Organ(in.OrganID); !ok || (o.Kind != org.KindGovernment && o.Kind != org.KindDepartment && o.Kind != org.KindOffice && o.Kind != org.KindJustice) {
		fe.Add("organ_id", "请选择受理申请的行政机关")
	}
	var received calendar.Date
	if public {
		in.Channel, received = ChannelOnline, today // 第三十一条第（三）项：网上提交即双方确认
	} else {
		if in.Channel.Label() == "" {
			fe.Add("channel", "请选择申请方式")
		}
		d, err := calendar.ParseDate(in.ReceivedText)
		switch {
		case in.ReceivedText == "" && in.Channel != "":
			fe.Add("received_on", "请填写收到申请的日期："+in.Channel.ReceiptRule())
		case in.ReceivedText == "":
			fe.Add("received_on", "请填写收到申请的日期")
		case err != nil:
			fe.Add("received_on", "日期格式应为 YYYY-MM-DD")
		case d.After(today):
			fe.Add("received_on", "收到日期不能晚于今天")
		default:
			received = d
		}
	}
	switch {
	case in.ApplicantType == NaturalPerson:
		if err := secure.ValidateIDNumber(secure.NormalizeCode(in.IDNumber)); err != nil {
			fe.Add("id_number", err.Error())
		}
	case in.ApplicantType.Organisation():
		if err := secure.ValidateUSCC(secure.NormalizeCode(in.IDNumber)); err != nil {
			fe.Add("id_number", err.Error())
		}
	default:
		fe.Add("applicant_type", "请选择申请人类型")
	}
	in.IDNumber = secure.NormalizeCode(in.IDNumber)
	if in.ApplicantName == "" {
		fe.Add("applicant_name", "请填写申请人姓名或名称")
	} else if utf8.RuneCountInString(in.ApplicantName) > 100 {
		fe.Add("applicant_name", "申请人姓名或名称不能超过100字")
	}
	if in.Phone == "" {
		fe.Add("phone", "请填写联系电话")
	} else if len(in.Phone) > 20 || strings.Trim(in.Phone, "0123456789-+ ") != "" {
		fe.Add("phone", "联系电话只能包含数字和“-”")
	}
	if in.Email != "" && (!strings.Contains(in.Email, "@") || len(in.Email) > 100) {
		fe.Add("email", "电子邮箱格式不正确")
	}
	if in.Description == "" {
		fe.Add("description", "请描述所需政府信息（名称、文号或便于查询的其他特征，第二十九条第二款第（二）项）")
	} else if utf8.RuneCountInString(in.Description) > 5000 {
		fe.Add("description", "所需信息描述不能超过5000字")
	}
	if utf8.RuneCountInString(in.Purpose) > 1000 {
		fe.Add("purpose", "用途说明不能超过1000字")
	}
	if in.Form == "" {
		in.Form = "paper"
	} else if pairLabel(Forms, in.Form) == "" {
		fe.Add("form", "获取信息的形式应为 纸质 或 电子")
	}
	if in.Delivery == "" {
		in.Delivery = "pickup"
	} else if pairLabel(Deliveries, in.Delivery) == "" {
		fe.Add("delivery", "获取方式应为 自行领取、邮寄、电子邮件 或 在线获取")
	}
	if in.Delivery == "email" && in.Email == "" {
		fe.Add("email", "选择电子邮件获取的，请填写电子邮箱")
	}
	return received, fe
}

// Register records a request: from the public page (public, no principal) or by staff. It returns
// the receipt number and, once, the query code.
func (s *Service) Register(ctx context.Context, p *auth.Principal, in *Intake, public bool) (Receipt, error) {
	received, fe := s.validate(in, public)
	if err := fe.Err(); err != nil {
		return Receipt{}, err
	}
	if p != nil && !public {
		if o, _ := s.org.Organ(in.OrganID); !s.covers(p, o) {
			return Receipt{}, fault.Forbiddenf("您不能为%s登记申请", o.Name)
		}
	}
	idEnc, err := s.cipher.Encrypt(in.IDNumber)
	if err != nil {
		return Receipt{}, err
	}
	phoneEnc, err := s.cipher.Encrypt(in.Phone)
	if err != nil {
		return Receipt{}, err
	}
	code := secure.QueryCode()
	r := &Request{ID: db.NewID(), OrganID: in.OrganID, Channel: in.Channel, ReceivedOn: received, State: StateRegistered,
		ApplicantType: in.ApplicantType, ApplicantName: in.ApplicantName, IDMasked: secure.MaskIDNumber(in.IDNumber), PhoneMasked: secure.MaskPhone(in.Phone),
		Address: in.Address, Email: in.Email, Description: in.Description, Purpose: in.Purpose, Form: in.Form, Delivery: in.Delivery}
	sens := sensitive{idEnc: idEnc, phoneEnc: phoneEnc, blind: s.cipher.BlindIndex(in.IDNumber)}
	var rec Receipt
	err = s.db.Tx(ctx, func(tx *db.Tx) error {
		no, err := s.receiptNo(ctx, tx, r.OrganID, received.Year)
		if err != nil {
			return err
		}
		r.ReceiptNo = no
		sens.queryCodeHash = queryCodeHash(no, code)
		r.Due = ComputeDeadlines(r, s.cal())
		if err := insertRequest(ctx, tx, r, sens); err != nil {
			return err
		}
		ev := &casework.Event{OwnerType: s.kind.OwnerType, OwnerID: r.ID, OrganID: r.OrganID, Action: "register", ToState: string(r.State), On: received,
			Note: r.Channel.Label() + "；收到日期：" + r.Channel.ReceiptRule()}
		if p != nil {
			ev.ActorID, ev.ActorName = p.UserID, p.Name
		} else {
			ev.ActorName = "申请人（网上提交）"
		}
		if err := casework.InsertEvent(ctx, tx, ev); err != nil {
			return err
		}
		similar, err := s.similar(ctx, tx, r, sens.blind)
		if err != nil {
			return err
		}
		rec = Receipt{RequestID: r.ID, ReceiptNo: no, QueryCode: code, ReceivedOn: received.String(), Similar: similar}
		return auditRecord(ctx, tx, "disclosure.register", r.ID, map[string]any{"receipt_no": no, "channel": r.Channel, "received_on": received.String()})
	})
	return rec, err
}

// receiptNo is the organ's yearly number: 依申请〔2025〕12号 prefixed with the organ's short name.
func (s *Service) receiptNo(ctx context.Context, tx *db.Tx, organID string, year int) (string, error) {
	n, err := db.NextNumber(ctx, tx, organID, "disclosure.receipt", year)
	if err != nil {
		return "", err
	}
	o, _ := s.org.Organ(organID)
	return receiptText(o, year, n), nil
}

func receiptText(o org.Organ, year, n int) string {
	prefix := o.DocPrefix
	if prefix == "" {
		prefix = o.Code
	}
	return fmt.Sprintf("%s依申请〔%d〕%d号", prefix, year, n)
}

// similar lists the same applicant's other requests to the organ received in the 90 days before,
// shown side by side for 重复申请 (第三十六条第（六）项) and 大量反复申请 (第三十五条).
func (s *Service) similar(ctx context.Context, q db.Querier, r *Request, blind string) ([]string, error) {
	if blind == "" {
		return nil, nil
	}
	rows, err := q.QueryContext(ctx, `SELECT receipt_no FROM disclosure_requests WHERE organ_id = ? AND applicant_blind = ? AND id <> ? AND received_on >= ? ORDER BY received_on DESC, receipt_no LIMIT 20`,
		r.OrganID, blind, r.ID, r.ReceivedOn.AddDays(-90).String())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var no string
		if err := rows.Scan(&no); err != nil {
			return nil, err
		}
		out = append(out, no)
	}
	return out, rows.Err()
}

// Similar is similar for a stored request (the request page).
func (s *Service) Similar(ctx context.Context, r *Request) ([]string, error) {
	var blind string
	if err := s.db.QueryRowContext(ctx, `SELECT applicant_blind FROM disclosure_requests WHERE id = ?`, r.ID).Scan(&blind); err != nil {
		return nil, err
	}
	return s.similar(ctx, s.db, r, blind)
}

// monthRank is the request's rank among the same applicant's requests to the organ in its calendar
// month (国办函〔2020〕109号 按件计收: counted per applicant and natural month).
func (s *Service) monthRank(ctx context.Context, q db.Querier, r *Request) (int, error) {
	first := calendar.Date{Year: r.ReceivedOn.Year, Month: r.ReceivedOn.Month, Day: 1}
	var n int
	err := q.QueryRowContext(ctx, `SELECT COUNT(*) FROM disclosure_requests WHERE organ_id = ? AND applicant_blind <> '' AND applicant_blind = (SELECT applicant_blind FROM disclosure_requests WHERE id = ?)
		AND received_on >= ? AND (received_on < ? OR (received_on = ? AND created_at <= (SELECT created_at FROM disclosure_requests WHERE id = ?)))`,
		r.OrganID, r.ID, first.String(), r.ReceivedOn.String(), r.ReceivedOn.String(), r.ID).Scan(&n)
	return max(n, 1), err
}

func auditRecord(ctx context.Context, tx *db.Tx, action, id string, detail map[string]any) error {
	return audit.Record(ctx, tx, audit.Entry{Action: action, ObjectType: "disclosure_request", ObjectID: id, Detail: detail})
}
