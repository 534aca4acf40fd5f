package disclosure

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/org"
)

// Seed is the demo. County scale: for the government and three departments of each county, a
// year of requests with every reply type (and some still open). Province scale (≈ 60,000 requests):
// the government and four departments of each of the 100 counties, 24 requests a year for five years.
// Dates are computed on the calendar like real ones; rows are written with multi-row INSERTs, one
// transaction per county.
func (s *Service) Seed(ctx context.Context, w *demo.World) (string, error) {
	today := s.Today()
	years, perYear, organsPer := 1, len(Replies), 4
	if w.Scale == "province" {
		years, perYear, organsPer = 5, 24, 5
	}
	counters := map[string]int{}
	total := 0
	for _, c := range w.Counties {
		organs := append([]org.Organ{c.Government}, c.Departments...)
		organs = organs[:min(organsPer, len(organs))]
		var rs []*Request
		for y := range years {
			for oi, o := range organs {
				rs = append(rs, s.planYear(o, oi, today.AddDays(-330-365*y), today, perYear, w.PersonName)...)
			}
		}
		if err := s.db.Tx(ctx, func(tx *db.Tx) error { return s.writeSeed(ctx, tx, rs, counters) }); err != nil {
			return "", err
		}
		total += len(rs)
	}
	err := s.db.Tx(ctx, func(tx *db.Tx) error { return saveCounters(ctx, tx, counters) })
	return fmt.Sprintf("依申请公开 %d 件", total), err
}

// SeedBulk writes n requests a year for years years to each organ (benchmarks): the demo's plan,
// spread over the year.
func (s *Service) SeedBulk(ctx context.Context, organs []org.Organ, years, n int, name func() string) (int, error) {
	today := s.Today()
	counters := map[string]int{}
	total := 0
	for oi, o := range organs {
		var rs []*Request
		for y := range years {
			rs = append(rs, s.planYear(o, oi, today.AddDays(-330-365*y), today, n, name)...)
		}
		if err := s.db.Tx(ctx, func(tx *db.Tx) error { return s.writeSeed(ctx, tx, rs, counters) }); err != nil {
			return total, err
		}
		total += len(rs)
	}
	return total, s.db.Tx(ctx, func(tx *db.Tx) error { return saveCounters(ctx, tx, counters) })
}

// planYear plans n requests of one organ received over the 330 days from start, cycling through
// every reply type; those whose reply would fall after today stay open.
func (s *Service) planYear(o org.Organ, oi int, start, today calendar.Date, n int, name func() string) []*Request {
	cal := s.cal()
	spacing := max(1, 330/max(n, 1))
	if n == len(Replies) {
		spacing = 14 // the county demo's original spacing
	}
	out := make([]*Request, 0, n)
	for k := range n {
		i := k % len(Replies)
		def := Replies[i]
		received := cal.NextWorkday(start.AddDays(k*spacing + oi))
		if received.After(today) {
			break
		}
		r := &Request{ID: db.NewID(), OrganID: o.ID, Channel: Channels[(k+oi)%len(Channels)], ReceivedOn: received,
			ApplicantType: ApplicantTypes[(k+oi)%len(ApplicantTypes)], ApplicantName: name(),
			Description: fmt.Sprintf("%s关于%d年度%s的政府信息", o.Name, received.Year-1, []string{"财政预决算", "征地补偿", "行政处罚", "项目审批", "环境监测"}[k%5]),
			Form:        "paper", Delivery: "pickup", FeePaused: true}
		switch def.Type {
		case "other_no_amendment":
			r.AmendNoticeOn = cal.AddWorkingDays(received, 3)
			r.AmendDue = cal.AddWorkingDays(r.AmendNoticeOn, SettingAmendDays.Default)
			r.RepliedOn = r.AmendDue.AddDays(1)
		case "unable_unclear":
			r.AmendNoticeOn = cal.AddWorkingDays(received, 2)
			r.AmendDue = cal.AddWorkingDays(r.AmendNoticeOn, SettingAmendDays.Default)
			r.AmendReceivedOn = cal.AddWorkingDays(r.AmendNoticeOn, 5)
			r.RepliedOn = cal.AddWorkingDays(r.AmendReceivedOn, 12)
		case "other_no_fee":
			r.FeeMode, r.FeeQuantity, r.FeeAmount, r.FeeNoticeOn = FeeByVolume, 60, FeeFor(FeeByVolume, 60), cal.AddWorkingDays(received, 5)
			r.FeeDue = cal.AddWorkingDays(r.FeeNoticeOn, SettingFeeDays.Default)
			r.RepliedOn = r.FeeDue.AddDays(1)
		case "withhold_third_party":
			sent := cal.AddWorkingDays(received, 4)
			r.Consultations = []Consultation{{ID: db.NewID(), RequestID: r.ID, Kind: "third_party", Party: "某商贸有限公司", SentOn: sent, EndedOn: cal.AddWorkingDays(sent, 10), Opinion: "不同意公开"}}
			r.RepliedOn = cal.AddWorkingDays(received, 28)
		case "unable_create":
			r.ExtensionDays, r.ExtensionOn, r.ExtensionApprover = 10, cal.AddWorkingDays(received, 18), "政务公开办主任"
			r.RepliedOn = cal.AddWorkingDays(received, 26)
		default:
			r.RepliedOn = cal.AddWorkingDays(received, 5+i%14)
		}
		if r.RepliedOn.After(today) { // the newest rows stay open
			r.RepliedOn = calendar.Date{}
		}
		if !r.RepliedOn.IsZero() {
			r.State, r.ReplyType, r.ReplyBasis = StateReplied, def.Type, def.Bases[0]
			due, _ := r.ReplyDue(cal)
			r.OnTime = def.Closing() || !r.RepliedOn.After(due)
			if i == 0 && oi == 0 {
				r.Reconsideration = DisputeUpheld
			}
			if i == 2 && oi == 0 {
				r.Litigation = Litigation{Result: DisputePending}
			}
		} else if !r.AmendNoticeOn.IsZero() && r.AmendReceivedOn.IsZero() {
			r.State = StateAmending
		} else if !r.FeeNoticeOn.IsZero() {
			r.State = StateFeeWaiting
		} else {
			r.State = StateRegistered
		}
		r.Due = ComputeDeadlines(r, cal)
		out = append(out, r)
	}
	return out
}

// writeSeed numbers and inserts planned requests with their consultations and registration events.
func (s *Service) writeSeed(ctx context.Context, tx *db.Tx, rs []*Request, counters map[string]int) error {
	now := db.Now()
	var reqArgs, consArgs, evArgs []any
	for _, r := range rs {
		key := r.OrganID + "/" + strconv.Itoa(r.ReceivedOn.Year)
		if _, ok := counters[key]; !ok { // continue the organ's numbering of the year
			var v int
			err := tx.QueryRowContext(ctx, `SELECT value FROM counters WHERE organ_id = ? AND kind = 'disclosure.receipt' AND year = ?`, r.OrganID, r.ReceivedOn.Year).Scan(&v)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			counters[key] = v
		}
		counters[key]++
		o, _ := s.org.Organ(r.OrganID)
		r.ReceiptNo = receiptText(o, r.ReceivedOn.Year, counters[key])
		reqArgs = append(reqArgs, requestRow(r, sensitive{}, now)...)
		for _, c := range r.Consultations {
			consArgs = append(consArgs, c.ID, c.RequestID, c.Kind, c.Party, ds(c.SentOn), ds(c.EndedOn), c.Opinion, now)
		}
		evArgs = append(evArgs, casework.EventRows(casework.Event{OwnerType: OwnerType, OwnerID: r.ID, OrganID: r.OrganID, Action: "register",
			ToState: string(r.State), On: r.ReceivedOn, ActorName: "演示数据", Note: r.Channel.Label(), At: now})...)
	}
	if len(rs) == 0 {
		return nil
	}
	if err := insertBulk(ctx, tx, `INSERT INTO disclosure_requests (`+insertCols+`) VALUES `, len(reqArgs)/len(rs), reqArgs); err != nil {
		return err
	}
	if err := insertBulk(ctx, tx, `INSERT INTO disclosure_consultations (id, request_id, kind, party, sent_on, ended_on, opinion, created_at) VALUES `, 8, consArgs); err != nil {
		return err
	}
	return insertBulk(ctx, tx, casework.EventInsertPrefix, casework.EventColumns, evArgs)
}

// saveCounters leaves the receipt counters where the seeded numbers end, so intake continues them.
func saveCounters(ctx context.Context, tx *db.Tx, counters map[string]int) error {
	for key, v := range counters {
		organ, y, _ := strings.Cut(key, "/")
		year, _ := strconv.Atoi(y)
		if err := tx.Exec(ctx, `INSERT INTO counters (organ_id, kind, year, value) VALUES (?, ?, ?, ?)
			ON CONFLICT (organ_id, kind, year) DO UPDATE SET value = excluded.value`, organ, "disclosure.receipt", year, v); err != nil {
			return err
		}
	}
	return nil
}

// SeedOfficeStaff gives the 政府办公室 of the first two demo counties a 政务公开 account
// (qs_zwgk, ls_zwgk): a liaison of the office, who handles the requests addressed to the
// government itself and its annual report (perms.go).
func (s *Service) SeedOfficeStaff(ctx context.Context, a *auth.Service, w *demo.World) (int, error) {
	n := 0
	for i, c := range w.Counties[:min(2, len(w.Counties))] {
		var office org.Organ
		for _, o := range s.org.Children(c.Government.ID) {
			if o.Kind == org.KindOffice {
				office = o
			}
		}
		if office.ID == "" {
			continue
		}
		err := s.db.Tx(ctx, func(tx *db.Tx) error {
			_, err := a.CreateUser(ctx, tx, auth.NewUser{Username: []string{"qs", "ls"}[i] + "_zwgk", Name: w.PersonName(), OrganID: office.ID,
				Title: "政务公开科科长", Password: demo.Password, Memberships: []auth.Membership{{OrganID: office.ID, Role: auth.RoleLiaison, Scope: auth.ScopeOrgan}}})
			return err
		})
		if err != nil {
			return n, fmt.Errorf("创建政务公开演示账户：%w", err)
		}
		n++
	}
	return n, nil
}
