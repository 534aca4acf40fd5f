package reconsider

import (
	"context"
	"fmt"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
)

// Hearing kinds: hearing the parties' views (Art. 49), a formal 听证 (Arts. 50–51),
// a 行政复议委员会 consultation (Art. 52).
const (
	HearingViews     = "views"
	HearingFormal    = "hearing"
	HearingCommittee = "committee"
)

// HearingKinds maps kinds to Chinese names.
var HearingKinds = map[string]string{HearingViews: "听取意见", HearingFormal: "听证", HearingCommittee: "行政复议委员会咨询"}

// HearingModes maps modes to Chinese names.
var HearingModes = map[string]string{"inperson": "当面", "online": "互联网", "phone": "电话", "written": "书面"}

// Hearing is one of those meetings.
type Hearing struct {
	ID       string
	Kind     string
	Mode     string
	NoticeOn calendar.Date
	HeldOn   calendar.Date
	Place    string
	Panel    string
	Record   string
}

// HearingInput records or schedules a hearing.
type HearingInput struct {
	Version  int    `json:"version"`
	Kind     string `json:"kind" required:"true"`
	Mode     string `json:"mode" required:"true"`
	NoticeOn string `json:"notice_on"`
	HeldOn   string `json:"held_on" required:"true"`
	Place    string `json:"place"`
	Panel    string `json:"panel"`
	Record   string `json:"record"`
}

// RecordHearing adds a hearing to the case. A 听证 needs its written notice at least five working
// days before it is held (Art. 51) and a panel of a presiding officer and at least two others (Art. 50).
func (s *Service) RecordHearing(ctx context.Context, p *auth.Principal, id string, in HearingInput) (*Case, error) {
	fe := &fault.Fields{}
	if HearingKinds[in.Kind] == "" {
		fe.Add("kind", "请选择：听取意见、听证或复议委员会咨询")
	}
	if in.Mode == "" {
		in.Mode = "inperson"
	}
	if HearingModes[in.Mode] == "" {
		fe.Add("mode", "请选择方式")
	}
	held, err := calendar.ParseDate(strings.TrimSpace(in.HeldOn))
	if err != nil {
		fe.Add("held_on", "请填写举行日期（年-月-日）")
	}
	var notice calendar.Date
	if in.Kind == HearingFormal {
		notice, err = calendar.ParseDate(strings.TrimSpace(in.NoticeOn))
		if err != nil {
			fe.Add("notice_on", "听证须书面通知，请填写通知日期（年-月-日）")
		} else if !held.IsZero() {
			if earliest := s.cal().AddWorkingDays(notice, RuleHearingNotice.Length); held.Before(earliest) {
				fe.Add("held_on", fmt.Sprintf("听证应当于举行五个工作日前书面通知当事人（%s）：%s 通知的，最早 %s 举行", RuleHearingNotice.Basis, notice, earliest))
			}
		}
		panel := strings.FieldsFunc(in.Panel, func(r rune) bool { return r == '、' || r == ',' || r == '，' || r == ' ' })
		if len(panel) < 3 {
			fe.Add("panel", "听证由一名主持人和二名以上听证员组成，请填写至少三人，用顿号分隔（第五十条）")
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	if notice.IsZero() {
		notice = held
	}
	if notice.After(s.Today()) {
		return nil, fault.Field("notice_on", "通知日期不能晚于今天")
	}
	st := Step{On: notice, Version: in.Version, Note: HearingKinds[in.Kind] + "（" + HearingModes[in.Mode] + "）" + held.String()}
	return s.run(ctx, p, id, casework.Transition[*Case]{Action: "hearing", Step: &st, From: from(StateInReview, StateSuspended),
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			if held.Before(c.AcceptedOn) {
				return fault.Field("held_on", "举行日期不能早于受理日期")
			}
			return tx.Exec(ctx, `INSERT INTO reconsider_sessions (id, case_id, kind, mode, notice_on, held_on, place, panel, record, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				db.NewID(), c.ID, in.Kind, in.Mode, notice.String(), held.String(), strings.TrimSpace(in.Place), strings.TrimSpace(in.Panel), strings.TrimSpace(in.Record), db.Now())
		}})
}

func listHearings(ctx context.Context, q db.Querier, caseID string) ([]Hearing, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, kind, mode, notice_on, held_on, place, panel, record FROM reconsider_sessions WHERE case_id = ? ORDER BY held_on`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Hearing
	for rows.Next() {
		var x Hearing
		var notice, held string
		if err := rows.Scan(&x.ID, &x.Kind, &x.Mode, &notice, &held, &x.Place, &x.Panel, &x.Record); err != nil {
			return nil, err
		}
		x.NoticeOn, _ = calendar.ParseDate(notice)
		x.HeldOn, _ = calendar.ParseDate(held)
		out = append(out, x)
	}
	return out, rows.Err()
}

// Party is a third party (第三人) or another participant.
type Party struct {
	ID      string
	Role    string
	Name    string
	Contact string
}

// PartyRoles maps roles to Chinese names.
var PartyRoles = map[string]string{"third_party": "第三人", "agent": "代理人", "co_applicant": "共同申请人"}

// AddParty adds a third party or another participant (Art. 16).
func (s *Service) AddParty(ctx context.Context, p *auth.Principal, id string, version int, role, name, contact string) (*Case, error) {
	name = strings.TrimSpace(name)
	if PartyRoles[role] == "" {
		return nil, fault.Field("role", "请选择参加人类型")
	}
	if name == "" {
		return nil, fault.Field("name", "请填写姓名或名称")
	}
	st := Step{Version: version, Note: PartyRoles[role] + "：" + name}
	return s.run(ctx, p, id, casework.Transition[*Case]{Action: "add_party", Step: &st,
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			if !c.State.Open() {
				return fault.Conflictf("案件已办结，不能追加参加人")
			}
			return tx.Exec(ctx, `INSERT INTO reconsider_parties (id, case_id, role, name, contact, created_at) VALUES (?, ?, ?, ?, ?, ?)`, db.NewID(), c.ID, role, name, strings.TrimSpace(contact), db.Now())
		}})
}

func listParties(ctx context.Context, q db.Querier, caseID string) ([]Party, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, role, name, contact FROM reconsider_parties WHERE case_id = ? ORDER BY created_at`, caseID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Party
	for rows.Next() {
		var x Party
		if err := rows.Scan(&x.ID, &x.Role, &x.Name, &x.Contact); err != nil {
			return nil, err
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// Opinion is a 行政复议意见书 to an agency, whose correction report is due in 60 days (Art. 76).
type Opinion struct {
	ID          string
	CaseID      string
	OrganID     string
	RecipientID string
	Recipient   string
	IssuedOn    calendar.Date
	Content     string
	ReportDue   calendar.Date // from ReceivedOn (Art. 76); estimated from IssuedOn until the receipt is recorded
	ReceivedOn  calendar.Date
	ReportedOn  calendar.Date
	Report      string
	DocumentID  string
}

// OpinionInput issues an 意见书.
type OpinionInput struct {
	Step
	RecipientID string `json:"recipient_id"`
	Recipient   string `json:"recipient"`
	Content     string `json:"content" required:"true"`
}

// IssueOpinion records an 意见书 on unlawful or improper related acts found while handling the case.
func (s *Service) IssueOpinion(ctx context.Context, p *auth.Principal, id string, in OpinionInput) (*Case, error) {
	in.Content = strings.TrimSpace(in.Content)
	if in.RecipientID != "" {
		o, ok := s.org.Organ(in.RecipientID)
		if !ok {
			return nil, fault.Field("recipient", "收件机关不存在")
		}
		in.Recipient = o.Name
	}
	if strings.TrimSpace(in.Recipient) == "" {
		return nil, fault.Field("recipient", "请选择或填写意见书的收件机关")
	}
	if in.Content == "" {
		return nil, fault.Field("content", "请写明发现的违法或者不当问题及纠正意见")
	}
	in.Note = "致" + in.Recipient
	return s.run(ctx, p, id, casework.Transition[*Case]{Action: "opinion", Step: &in.Step,
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			if !c.State.Accepted() {
				return fault.Conflictf("意见书在办理已受理的案件中制发")
			}
			due := s.cal().AddCalendarDays(in.On, RuleOpinionReport.Length)
			return tx.Exec(ctx, `INSERT INTO reconsider_opinions (id, case_id, organ_id, recipient_id, recipient, issued_on, content, report_due, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				db.NewID(), c.ID, c.OrganID, in.RecipientID, strings.TrimSpace(in.Recipient), in.On.String(), in.Content, due.String(), db.Now())
		}})
}

// ReportOpinion records the recipient's report of the correction.
func (s *Service) ReportOpinion(ctx context.Context, p *auth.Principal, id, opinionID string, st Step, report string) (*Case, error) {
	report = strings.TrimSpace(report)
	if report == "" {
		return nil, fault.Field("report", "请填写纠正情况")
	}
	st.Note = "意见书纠正情况已报送"
	return s.run(ctx, p, id, casework.Transition[*Case]{Action: "opinion_report", Step: &st,
		Apply: func(tx *db.Tx, c *Case, ev *casework.Event) error {
			return tx.ExecOne(ctx, `UPDATE reconsider_opinions SET reported_on = ?, report = ? WHERE id = ? AND case_id = ? AND reported_on = ''`, st.On.String(), report, opinionID, c.ID)
		}})
}

func listOpinions(ctx context.Context, q db.Querier, where string, args ...any) ([]Opinion, error) {
	rows, err := q.QueryContext(ctx, `SELECT id, case_id, organ_id, recipient_id, recipient, issued_on, content, report_due, reported_on, report, document_id, received_on FROM reconsider_opinions WHERE `+where+` ORDER BY issued_on`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Opinion
	for rows.Next() {
		var x Opinion
		var issued, due, reported, received string
		if err := rows.Scan(&x.ID, &x.CaseID, &x.OrganID, &x.RecipientID, &x.Recipient, &issued, &x.Content, &due, &reported, &x.Report, &x.DocumentID, &received); err != nil {
			return nil, err
		}
		if received != "" {
			x.ReceivedOn, _ = calendar.ParseDate(received)
		}
		x.IssuedOn, _ = calendar.ParseDate(issued)
		x.ReportDue, _ = calendar.ParseDate(due)
		if reported != "" {
			x.ReportedOn, _ = calendar.ParseDate(reported)
		}
		out = append(out, x)
	}
	return out, rows.Err()
}
