package reconsider

import (
	"context"
	"fmt"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/secure"
)

// bulkCounters hands out receipt and case numbers in memory; save writes the final counter values
// so that intake after the demo load continues the numbering.
type bulkCounters struct {
	next map[string]int // organ id/kind/year → last number given
}

func (b *bulkCounters) take(organID, kind string, year int) int {
	key := fmt.Sprintf("%s/%s/%d", organID, kind, year)
	b.next[key]++
	return b.next[key]
}

func (b *bulkCounters) save(ctx context.Context, tx *db.Tx) error {
	for key, v := range b.next {
		parts := strings.Split(key, "/")
		if err := tx.Exec(ctx, `INSERT INTO counters (organ_id, kind, year, value) VALUES (?, ?, ?, ?)
			ON CONFLICT (organ_id, kind, year) DO UPDATE SET value = excluded.value`, parts[0], parts[1], parts[2], v); err != nil {
			return err
		}
	}
	return nil
}

type seedPerson struct{ id, name string }

// writeBulk writes a county's cases, events, suspensions and hearings with multi-row INSERTs in one
// transaction, reproducing what the service's transitions would have stored.
func (s *Service) writeBulk(ctx context.Context, c *demo.County, plans []*seedPlan, today calendar.Date, counters *bulkCounters) error {
	var people []seedPerson
	for _, id := range c.Staff[auth.RoleReconsider] {
		u, err := s.auth.User(ctx, id)
		if err != nil {
			return err
		}
		people = append(people, seedPerson{u.ID, u.Name})
	}
	if len(people) == 0 {
		return fmt.Errorf("%s没有复议工作人员", c.Government.Name)
	}
	cases := make([]*Case, 0, len(plans))
	secs := make([]sensitive, 0, len(plans))
	var events []casework.Event
	var pauseArgs, hearingArgs, serviceArgs []any
	for _, p := range plans {
		bc, err := s.emulate(p, c.Government, people[p.handler%len(people)], today, counters)
		if err != nil {
			return err
		}
		cases = append(cases, bc.c)
		secs = append(secs, bc.sec)
		events = append(events, bc.events...)
		pauseArgs = append(pauseArgs, bc.pauseArgs...)
		hearingArgs = append(hearingArgs, bc.hearingArgs...)
		serviceArgs = append(serviceArgs, bc.serviceArgs...)
	}
	return s.db.Tx(ctx, func(tx *db.Tx) error {
		if err := insertCaseRows(ctx, tx, cases, secs); err != nil {
			return err
		}
		if err := insertEventRows(ctx, tx, events); err != nil {
			return err
		}
		if err := insertRows(ctx, tx, `INSERT INTO reconsider_pauses (id, case_id, from_on, to_on, ground, reason) VALUES `, 6, pauseArgs); err != nil {
			return err
		}
		if err := insertRows(ctx, tx, `INSERT INTO reconsider_services (id, case_id, doc, ref_id, recipient, method, sent_on, event_on, served_on, note, actor_name, created_at) VALUES `, 12, serviceArgs); err != nil {
			return err
		}
		return insertRows(ctx, tx, `INSERT INTO reconsider_sessions (id, case_id, kind, mode, notice_on, held_on, place, panel, record, created_at) VALUES `, 10, hearingArgs)
	})
}

// insertRows runs a multi-row INSERT over args, n values a row, in chunks under the parameter limits.
func insertRows(ctx context.Context, tx *db.Tx, head string, n int, args []any) error {
	per := 10000 / n
	for start := 0; start < len(args); start += per * n {
		end := min(start+per*n, len(args))
		if err := tx.Exec(ctx, head+bulkPlaceholders((end-start)/n, n), args[start:end]...); err != nil {
			return err
		}
	}
	return nil
}

// bulkCase is one emulated case with everything to insert.
type bulkCase struct {
	c                      *Case
	sec                    sensitive
	events                 []casework.Event
	pauseArgs, hearingArgs []any
	serviceArgs            []any
}

func seedStamp(d calendar.Date, minute int) string {
	return fmt.Sprintf("%sT01:%02d:00.000000Z", d, minute%60) // 09:xx in Beijing, same day
}

// emulate applies the plan's steps up to today the way the service's transitions do.
func (s *Service) emulate(p *seedPlan, gov org.Organ, who seedPerson, today calendar.Date, counters *bulkCounters) (*bulkCase, error) {
	cal := s.cal()
	c := &Case{ID: db.NewID(), OrganID: gov.ID, Channel: p.channel, ReceivedOn: p.received, State: StateReceived, Procedure: Ordinary,
		ApplicantKind: p.kind, ApplicantName: p.name, RespondentID: p.respondent.ID, Respondent: p.respondent.Name, ActType: p.actType, Field: p.field,
		ActTitle: p.actTitle, ActDate: p.actDate, LearnedOn: p.learned, Amount: p.amount, Requests: "请求撤销被申请人作出的" + p.actTitle,
		Facts: "被申请人认定事实不清、证据不足，适用依据错误，程序违法。", HandlerID: who.id, HandlerName: who.name, AcceptStart: p.received, Version: 1}
	c.ReceiptNo = fmt.Sprintf("%s-%d-%05d", gov.DivisionCode, p.received.Year, counters.take(gov.ID, "reconsider.receipt", p.received.Year))
	c.Phone = secure.MaskPhone(p.phone)
	c.IDNumberMasked = p.idNo
	if p.kind == Natural {
		c.IDNumberMasked = secure.MaskIDNumber(p.idNo)
	}
	b := &bulkCase{c: c}
	var err error
	if b.sec.idEnc, err = s.cipher.Encrypt(p.idNo); err != nil {
		return nil, err
	}
	if b.sec.phoneEnc, err = s.cipher.Encrypt(p.phone); err != nil {
		return nil, err
	}
	b.sec.blind = s.cipher.BlindIndex(p.idNo)
	c.CreatedAt = seedStamp(p.received, 0)
	c.UpdatedAt = c.CreatedAt
	var pauses []calendar.Pause
	ev := func(on calendar.Date, action, note string, to State) {
		e := *event(c, on, action)
		e.At, e.ActorID, e.ActorName, e.ToState, e.Note = seedStamp(on, len(b.events)), who.id, who.name, string(to), note
		c.State = to
		c.UpdatedAt = e.At
		b.events = append(b.events, e)
	}
	due := func(d calendar.Date) bool { return !d.IsZero() && !d.After(today) }
	c.State = "" // register starts from nothing, as the service records it
	ev(p.received, "register", p.channel.Label(), StateReceived)
	defer func() {
		c.Due = ComputeDeadlines(c, pauses, cal)
		c.Version = len(b.events)
	}()
	if due(p.amendOn) {
		c.AmendNoticeOn, c.AmendItems = p.amendOn, "身份证明复印件；被申请行政复议的行政行为的决定书"
		ev(p.amendOn, "request_amendment", "", StateAmending)
		c.AmendServedOn = p.amendOn // signed for on the day, as the step-by-step demo records it
		b.serve(c, ServedAmendNotice, ServeDirect, "申请人", p.amendOn, who.name, seedStamp(p.amendOn, len(b.events)))
		ev(p.amendOn, "serve", serviceNote(ServedAmendNotice, ServeDirect, p.amendOn, ""), c.State)
	} else if !p.amendOn.IsZero() {
		return b, nil
	}
	if due(p.lapsedOn) {
		c.ClosedOn, c.CloseReason = p.lapsedOn, "无正当理由逾期不补正，视为放弃行政复议申请"
		ev(p.lapsedOn, "amendment_lapsed", "", StateOther)
		return b, nil
	}
	if due(p.amendBackOn) {
		c.AcceptStart = p.amendBackOn
		ev(p.amendBackOn, "receive_amendment", "", StateReceived)
	} else if !p.amendOn.IsZero() {
		return b, nil
	}
	if due(p.closeOn) {
		c.ClosedOn = p.closeOn
		switch p.fate {
		case "reject":
			c.CloseReason = "不符合第三十条第一款第五项：超过法定申请期限且无正当理由"
			ev(p.closeOn, "reject", "", StateNotAccepted)
		case "inform":
			c.CloseReason = "告知申请人向示范市人民政府申请"
			ev(p.closeOn, "inform", "", StateOther)
		case "transfer":
			c.CloseReason = "转送示范市人民政府"
			ev(p.closeOn, "transfer", "", StateOther)
		default:
			c.CloseReason = "申请人在受理前撤回申请"
			ev(p.closeOn, "withdraw", "", StateOther)
		}
		return b, nil
	}
	if !due(p.acceptOn) {
		return b, nil
	}
	c.Procedure, c.AcceptedOn = p.proc, p.acceptOn
	c.Number = fmt.Sprintf("%s复〔%d〕%d号", gov.DocPrefix, p.acceptOn.Year, counters.take(gov.ID, "reconsider.case", p.acceptOn.Year))
	ev(p.acceptOn, "accept", "", StateInReview)
	if !due(p.copyOn) {
		return b, nil
	}
	c.CopySentOn, c.CopyServedOn = p.copyOn, p.copyOn
	ev(p.copyOn, "send_copy", "", c.State)
	b.serve(c, ServedCopy, ServeElectronic, c.Respondent, p.copyOn, who.name, seedStamp(p.copyOn, len(b.events)))
	ev(p.copyOn, "serve", serviceNote(ServedCopy, ServeElectronic, p.copyOn, ""), c.State)
	if due(p.replyOn) {
		c.ReplyOn, c.ReplyLate = p.replyOn, p.replyOn.After(c.ReplyDue(cal))
		ev(p.replyOn, "reply", "", c.State)
	} else if !p.replyOn.IsZero() {
		return b, nil
	}
	if due(p.hearingOn) {
		b.hearingArgs = append(b.hearingArgs, db.NewID(), c.ID, HearingViews, "phone", p.hearingOn.String(), p.hearingOn.String(), "", "", "听取了申请人和被申请人的意见。", seedStamp(p.hearingOn, len(b.events)))
		ev(p.hearingOn, "hearing", HearingKinds[HearingViews]+"（"+HearingModes["phone"]+"）"+p.hearingOn.String(), c.State)
	} else if !p.hearingOn.IsZero() {
		return b, nil
	}
	if due(p.suspendOn) {
		to := ""
		pauses = append(pauses, calendar.Pause{From: p.suspendOn})
		if due(p.resumeOn) {
			to = p.resumeOn.String()
			pauses[0].To = p.resumeOn
		}
		reason := "双方正在和解"
		if p.suspendGround == 6 { // the consent Art. 39(6) requires, as the service records it
			reason = "申请人、被申请人均同意中止。" + reason
		}
		b.pauseArgs = append(b.pauseArgs, db.NewID(), c.ID, p.suspendOn.String(), to, p.suspendGround, reason)
		ev(p.suspendOn, "suspend", reason, StateSuspended)
		if to == "" {
			return b, nil
		}
		ev(p.resumeOn, "resume", "", StateInReview)
	} else if !p.suspendOn.IsZero() {
		return b, nil
	}
	if due(p.extendOn) {
		c.Extension = p.extendDays
		ev(p.extendOn, "extend", fmt.Sprintf("延长%d日；批准人：复议机构负责人；理由：案情复杂，需要调取补充证据", p.extendDays), c.State)
	} else if !p.extendOn.IsZero() {
		return b, nil
	}
	if !due(p.concludeOn) {
		return b, nil
	}
	c.DecisionDue, _, _ = DecisionDue(cal, c.DecisionRule(), c.AcceptedOn, pauses, c.Extension)
	c.ClosedOn, c.Outcome, c.PerformanceDue = p.concludeOn, p.outcome, p.perfDue
	switch p.outcome {
	case Mediation:
		c.Corrected = true
		ev(p.concludeOn, "mediate", "被申请人重新核定处理结果，申请人撤回其他请求。", StateConcluded)
	case Terminate:
		c.CloseReason, c.Settled, c.Corrected = TerminateGrounds[p.termGround-1], p.settled, p.corrected
		ev(p.concludeOn, "terminate", "", StateConcluded)
	default:
		ev(p.concludeOn, "decide", "", StateConcluded)
	}
	if due(p.performedOn) {
		c.PerformedOn = p.performedOn
		ev(p.performedOn, "performed", "", c.State)
	}
	return b, nil
}

// serve adds the reconsider_services row of a service on the day of the event.
func (b *bulkCase) serve(c *Case, doc ServedDoc, m ServiceMethod, recipient string, on calendar.Date, actor, at string) {
	b.serviceArgs = append(b.serviceArgs, db.NewID(), c.ID, string(doc), "", recipient, string(m), "", on.String(), on.String(),
		serviceNote(doc, m, on, ""), actor, at)
}
