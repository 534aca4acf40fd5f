package enforce

import (
	"context"
	"strings"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
)

// The certificate lifecycle (legal-rules-2 §c.3): 申领 (training and exam) → 核发 (number and
// validity) → 年审/换证 (a new validity period) → 暂扣 ⇄ 恢复 → 注销 / 吊销. Each step is a
// case event; validity on any past day is kept as periods (enforce_cert_spans).

// ApplyInput is an application (申领). The exam comes from fazhi's exam room once it exists;
// until then the result is entered.
type ApplyInput struct {
	casework.Step
	OfficerID     string `json:"officer_id" required:"true"`
	TrainingHours int    `json:"training_hours" doc:"培训学时"`
	ExamScore     int    `json:"exam_score" doc:"考试成绩"`
	ExamPassed    bool   `json:"exam_passed" doc:"考试是否合格"`
}

// Apply records an application for a certificate.
func (m *Module) Apply(ctx context.Context, p *auth.Principal, in ApplyInput) (*Certificate, error) {
	if err := in.Prepare(m.today()); err != nil {
		return nil, err
	}
	var fs fault.Fields
	if in.TrainingHours < 0 || in.TrainingHours > 2000 {
		fs.Add("training_hours", "培训学时应在0到2000之间")
	}
	if in.ExamScore < 0 || in.ExamScore > 100 {
		fs.Add("exam_score", "考试成绩应在0到100之间")
	}
	if err := fs.Err(); err != nil {
		return nil, err
	}
	o, err := m.Officer(ctx, p, in.OfficerID)
	if err != nil {
		return nil, fault.Field("officer_id", "执法人员不存在或不在您的管理范围内")
	}
	c := &Certificate{ID: db.NewID(), OfficerID: o.ID, OrganID: o.OrganID, State: CertApplied, AppliedOn: in.On,
		TrainingHours: in.TrainingHours, ExamScore: in.ExamScore, ExamPassed: in.ExamPassed, Version: 1}
	err = m.d.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := insertCert(ctx, tx, c); err != nil {
			return err
		}
		ev := &casework.Event{OwnerType: m.certKind.OwnerType, OwnerID: c.ID, OrganID: c.OrganID, On: in.On, Action: "apply",
			ToState: CertApplied, Note: in.Note, ActorID: p.UserID, ActorName: p.Name}
		if err := casework.InsertEvent(ctx, tx, ev); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "enforce.apply", ObjectType: "enforce_certificate", ObjectID: c.ID,
			Detail: map[string]any{"officer_id": o.ID, "training_hours": in.TrainingHours, "exam_passed": in.ExamPassed}})
	})
	return c, err
}

func insertCert(ctx context.Context, tx *db.Tx, c *Certificate) error {
	return tx.Exec(ctx, `INSERT INTO enforce_certificates (`+certCols+`, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.OfficerID, c.OrganID, c.Number, c.State, c.AppliedOn.String(), c.TrainingHours, c.ExamScore, db.BoolInt(c.ExamPassed),
		c.IssuedOn.String(), c.ValidTo.String(), c.EndedOn.String(), c.Version, db.Now())
}

func insertSpan(ctx context.Context, tx *db.Tx, certID, kind string, from, to calendar.Date) error {
	return tx.Exec(ctx, `INSERT INTO enforce_cert_spans (id, cert_id, kind, from_on, to_on, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		db.NewID(), certID, kind, from.String(), to.String(), db.Now())
}

// IssueInput issues (核发) a certificate, or renews its validity (年审, 换证).
type IssueInput struct {
	casework.Step
	Number    string `json:"number" doc:"执法证号（核发、换证时填写）"`
	ValidText string `json:"valid_to" required:"true" doc:"有效期至 YYYY-MM-DD"`
}

func (in *IssueInput) validTo(from calendar.Date) (calendar.Date, error) {
	d, err := calendar.ParseDate(strings.TrimSpace(in.ValidText))
	if err != nil {
		return d, fault.Field("valid_to", "有效期至应为 YYYY-MM-DD")
	}
	if !d.After(from) {
		return d, fault.Field("valid_to", "有效期至应晚于办理日期")
	}
	return d, nil
}

// Issue is 核发: only after a passed exam; the number must not be held by another live certificate.
func (m *Module) Issue(ctx context.Context, p *auth.Principal, id string, in IssueInput) (*Certificate, error) {
	return m.certKind.Run(ctx, m.d.DB, m.today(), p, id, casework.Transition[*Certificate]{
		Action: "issue", Step: &in.Step, From: []string{CertApplied},
		Apply: func(tx *db.Tx, c *Certificate, ev *casework.Event) error {
			if !c.ExamPassed {
				return fault.Conflictf("执法资格考试未通过，不能核发执法证")
			}
			no := strings.TrimSpace(in.Number)
			if no == "" {
				return fault.Field("number", "请填写执法证号")
			}
			to, err := in.validTo(in.On)
			if err != nil {
				return err
			}
			if err := m.numberFree(ctx, tx, no, c.ID); err != nil {
				return err
			}
			c.Number, c.State, c.IssuedOn, c.ValidTo = no, CertIssued, in.On, to
			ev.Detail = "证号 " + no + "，有效期至 " + to.String()
			return insertSpan(ctx, tx, c.ID, "valid", in.On, to)
		},
	})
}

func (m *Module) numberFree(ctx context.Context, tx *db.Tx, no, self string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM enforce_certificates WHERE number = ? AND id <> ? AND state IN ('issued', 'suspended')`, no, self).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return fault.Field("number", "执法证号 "+no+" 已被另一张有效执法证使用")
	}
	return nil
}

// Review is 年审 (action "review") or 换证 (action "renew", optionally a new number): a new
// validity period from the day of the step.
func (m *Module) Review(ctx context.Context, p *auth.Principal, id, action string, in IssueInput) (*Certificate, error) {
	if action != "review" && action != "renew" {
		return nil, fault.Invalidf("未知的办理动作")
	}
	return m.certKind.Run(ctx, m.d.DB, m.today(), p, id, casework.Transition[*Certificate]{
		Action: action, Step: &in.Step, From: []string{CertIssued},
		Apply: func(tx *db.Tx, c *Certificate, ev *casework.Event) error {
			to, err := in.validTo(in.On)
			if err != nil {
				return err
			}
			if !to.After(c.ValidTo) {
				return fault.Field("valid_to", "新的有效期应晚于原有效期（"+c.ValidTo.String()+"）")
			}
			if no := strings.TrimSpace(in.Number); action == "renew" && no != "" && no != c.Number {
				if err := m.numberFree(ctx, tx, no, c.ID); err != nil {
					return err
				}
				ev.Detail = "原证号 " + c.Number + " 换为 " + no + "；"
				c.Number = no
			}
			c.ValidTo = to
			ev.Detail += "有效期至 " + to.String()
			return insertSpan(ctx, tx, c.ID, "valid", in.On, to)
		},
	})
}

// Suspend is 暂扣: from the day of the step until restored.
func (m *Module) Suspend(ctx context.Context, p *auth.Principal, id string, st casework.Step) (*Certificate, error) {
	return m.certKind.Run(ctx, m.d.DB, m.today(), p, id, casework.Transition[*Certificate]{
		Action: "suspend", Step: &st, From: []string{CertIssued},
		Apply: func(tx *db.Tx, c *Certificate, ev *casework.Event) error {
			if st.Note == "" {
				return fault.Field("note", "请填写暂扣理由")
			}
			c.State = CertSuspended
			return insertSpan(ctx, tx, c.ID, "suspended", st.On, calendar.Date{})
		},
	})
}

// Restore lifts a suspension: the certificate is valid again from the day of the step.
func (m *Module) Restore(ctx context.Context, p *auth.Principal, id string, st casework.Step) (*Certificate, error) {
	return m.certKind.Run(ctx, m.d.DB, m.today(), p, id, casework.Transition[*Certificate]{
		Action: "restore", Step: &st, From: []string{CertSuspended},
		Apply: func(tx *db.Tx, c *Certificate, ev *casework.Event) error {
			var from string
			if err := tx.QueryRowContext(ctx, `SELECT from_on FROM enforce_cert_spans WHERE cert_id = ? AND kind = 'suspended' AND to_on = ''`, c.ID).Scan(&from); err != nil {
				return err
			}
			if st.On.Before(dateOf(from)) {
				return fault.Field("on", "恢复日期不能早于暂扣日期（"+from+"）")
			}
			c.State = CertIssued
			// Suspended through the day before: valid again on the day of restoring.
			last := st.On.AddDays(-1)
			if last.Before(dateOf(from)) {
				last = dateOf(from)
			}
			return tx.Exec(ctx, `UPDATE enforce_cert_spans SET to_on = ? WHERE cert_id = ? AND kind = 'suspended' AND to_on = ''`, last.String(), c.ID)
		},
	})
}

// End is 注销 (action "cancel") or 吊销 (action "revoke"): the certificate is void from the day of the step.
func (m *Module) End(ctx context.Context, p *auth.Principal, id, action string, st casework.Step) (*Certificate, error) {
	state := map[string]string{"cancel": CertCancelled, "revoke": CertRevoked}[action]
	if state == "" {
		return nil, fault.Invalidf("未知的办理动作")
	}
	return m.certKind.Run(ctx, m.d.DB, m.today(), p, id, casework.Transition[*Certificate]{
		Action: action, Step: &st, From: []string{CertIssued, CertSuspended},
		Apply: func(tx *db.Tx, c *Certificate, ev *casework.Event) error {
			if action == "revoke" && st.Note == "" {
				return fault.Field("note", "请填写吊销理由")
			}
			c.State, c.EndedOn = state, st.On
			return nil
		},
	})
}

// CertLookupResult is what the public sees of a certificate: enough to check an officer.
type CertLookupResult struct {
	Number  string        `json:"number"`
	Officer string        `json:"officer"`
	Body    string        `json:"body"`
	State   string        `json:"state"`
	ValidTo calendar.Date `json:"valid_to"`
	Valid   bool          `json:"valid"` // valid today
}

// Lookup finds a certificate by number for the public page.
func (m *Module) Lookup(ctx context.Context, number string) (*CertLookupResult, error) {
	number = strings.TrimSpace(number)
	if number == "" {
		return nil, fault.Field("number", "请输入执法证号")
	}
	var id, officer, body string
	err := m.d.DB.QueryRowContext(ctx, `SELECT c.id, o.name, b.name FROM enforce_certificates c
		JOIN enforce_officers o ON o.id = c.officer_id JOIN enforce_bodies b ON b.id = o.body_id
		WHERE c.number = ? ORDER BY c.applied_on DESC, c.id DESC LIMIT 1`, number).Scan(&id, &officer, &body)
	if err != nil {
		return nil, db.Found(err, "执法证")
	}
	c, err := m.certificate(ctx, m.d.DB, &auth.Principal{Scope: auth.ScopeAll}, id)
	if err != nil {
		return nil, err
	}
	return &CertLookupResult{Number: c.Number, Officer: officer, Body: body, State: LabelOf(CertStates, c.State), ValidTo: c.ValidTo,
		Valid: c.ValidOn(m.today())}, nil
}
