package disclosure

import (
	"context"
	"fmt"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/org"
)

// Seed is the demo: for each demo county's government and departments, a year of requests with
// every reply type (and some still open), written in one transaction per county so the demo
// stays fast. Dates are computed on the calendar like real ones.
func (s *Service) Seed(ctx context.Context, w *demo.World) (string, error) {
	cal := s.cal()
	today := s.Today()
	total := 0
	for _, c := range w.Counties {
		organs := append([]org.Organ{c.Government}, c.Departments...)
		if w.Scale != "province" && len(organs) > 4 {
			organs = organs[:4]
		}
		err := s.db.Tx(ctx, func(tx *db.Tx) error {
			for oi, o := range organs {
				start := today.AddDays(-330)
				for i, def := range Replies {
					received := cal.NextWorkday(start.AddDays(i*14 + oi))
					r := &Request{ID: db.NewID(), OrganID: o.ID, Channel: Channels[(i+oi)%len(Channels)], ReceivedOn: received,
						ApplicantType: ApplicantTypes[(i+oi)%len(ApplicantTypes)], ApplicantName: w.PersonName(),
						Description: fmt.Sprintf("%s关于%d年度%s的政府信息", o.Name, received.Year-1, []string{"财政预决算", "征地补偿", "行政处罚", "项目审批", "环境监测"}[i%5]),
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
					no, err := s.receiptNo(ctx, tx, o.ID, received.Year)
					if err != nil {
						return err
					}
					r.ReceiptNo = no
					r.Due = ComputeDeadlines(r, cal)
					if err := insertRequest(ctx, tx, r, sensitive{}); err != nil {
						return err
					}
					for k := range r.Consultations {
						if err := insertConsultation(ctx, tx, &r.Consultations[k]); err != nil {
							return err
						}
					}
					if err := casework.InsertEvent(ctx, tx, &casework.Event{OwnerType: "disclosure_request", OwnerID: r.ID, OrganID: o.ID, Action: "register",
						ToState: string(r.State), On: received, ActorName: "演示数据", Note: r.Channel.Label()}); err != nil {
						return err
					}
					total++
				}
			}
			return nil
		})
		if err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("依申请公开 %d 件", total), nil
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
