package litigation

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/org"
)

// Seeder is the demo counties' year of lawsuits (module.Seeding): cases in every state with their
// exchange, hearings with who appeared, decisions, appeals and recommendations. Rows are written
// directly (one transaction per county) so the demo template stays fast.
func (m *Module) Seeder() demo.Seeder {
	return func(ctx context.Context, w *demo.World) (string, error) {
		total, recs := 0, 0
		for i, c := range w.Counties {
			if i >= demo.RecordCounties {
				break
			}
			n, r, err := m.seedCounty(ctx, w.Rand, c)
			if err != nil {
				return "", fmt.Errorf("%s行政应诉演示数据：%w", c.Government.Name, err)
			}
			total, recs = total+n, recs+r
		}
		if w.Scale == "province" {
			for _, c := range w.Counties[min(demo.RecordCounties, len(w.Counties)):] {
				n, r, err := m.seedBulk(ctx, w.Rand, c, bulkPerYear, bulkYears)
				if err != nil {
					return "", fmt.Errorf("%s行政应诉演示数据：%w", c.Government.Name, err)
				}
				total, recs = total+n, recs+r
			}
		}
		return fmt.Sprintf("行政应诉：%d 件案件，%d 份司法建议、检察建议", total, recs), nil
	}
}

var seedOutcomes = []Outcome{DismissClaim, DismissClaim, DismissClaim, DismissClaim, DismissClaim, Revoke, Revoke, DeclareUnlawful,
	Withdrawn, Withdrawn, Withdrawn, WithdrawnAfterChange, DismissSuit, DismissSuit, Mediation, OrderPerformance}

type seedAct struct{ actType, field, act string }

var seedActs = []seedAct{
	{"行政处罚", "公安", "治安管理行政处罚决定"}, {"行政处罚", "市场监管", "行政处罚决定书"}, {"行政强制", "自然资源", "责令限期拆除决定"},
	{"行政许可", "住房城乡建设", "不予许可决定"}, {"政府信息公开", "其他", "政府信息公开答复"}, {"行政确认", "人力资源社会保障", "工伤认定决定"},
	{"行政征收征用", "自然资源", "房屋征收补偿决定"}, {"不履行法定职责", "生态环境", "举报处理"},
}

// seedCourt is the court of a seeded county and the code it writes in its 案号 (豫0121 → 0121);
// ok is false for a county without a court or departments (nothing to seed).
func (m *Module) seedCourt(county *demo.County) (court org.Organ, code string, ok bool) {
	gov := county.Government
	for _, o := range m.d.Org.All() {
		if o.Kind == org.KindCourt && o.DivisionCode == gov.DivisionCode {
			court = o
		}
	}
	code = gov.DivisionCode
	if len(code) > 4 {
		code = code[len(code)-4:]
	}
	return court, code, court.ID != "" && len(county.Departments) > 0
}

// seedCase is a seeded county's 一审 case received on recv against def over the act sa, numbered
// in its year (numbers): the same for the record counties (seedCounty) and the bulk (seedBulk).
func seedCase(gov, court org.Organ, code string, numbers map[int]int, recv calendar.Date, def org.Organ, sa seedAct, createdAt string) *Case {
	numbers[recv.Year]++
	dk := Docket{Year: recv.Year, Court: "豫" + code, Kind: "行初", Number: numbers[recv.Year]}
	c := &Case{ID: db.NewID(), GovID: gov.ID, OrganID: def.ID, CourtID: court.ID, CourtName: court.Name, Instance: First,
		Docket: dk.String(), DocketYear: dk.Year, CourtCode: dk.Court, DocketKind: dk.Kind, DocketNo: dk.Number, Defendant: def.Name,
		ActType: sa.actType, Field: sa.field, Act: def.ShortName + sa.act, Cause: sa.actType, DraftDays: RuleDraft.Length, Version: 1, CreatedAt: createdAt}
	c.MatterID = c.ID
	return c
}

func (m *Module) seedCounty(ctx context.Context, rnd *rand.Rand, county *demo.County) (int, int, error) {
	gov := county.Government
	court, code, ok := m.seedCourt(county)
	if !ok {
		return 0, 0, nil
	}
	cal, today := m.cal(), m.Today()
	at := func(d calendar.Date, hour int) string {
		return db.Timestamp(time.Date(d.Year, d.Month, d.Day, hour, rnd.IntN(60), 0, 0, calendar.Shanghai()))
	}
	hash := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	n, nrec := 0, 0
	err := m.d.DB.Tx(ctx, func(tx *db.Tx) error {
		numbers := map[int]int{}
		const cases = 40
		for i := range cases {
			// Spread over the past year; the last few are fresh so every early state is shown.
			age := 3 + rnd.IntN(360)
			switch i {
			case 0, 1:
				age = 0 // delivered today, not yet signed
			case 2, 3:
				age = 4 + i // answer period running
			}
			recv := today.AddDays(-age)
			for !cal.IsWorkday(recv) && age > 0 {
				recv = recv.AddDays(-1)
			}
			def := county.Departments[rnd.IntN(len(county.Departments))]
			sa := seedActs[rnd.IntN(len(seedActs))]
			c := seedCase(gov, court, code, numbers, recv, def, sa, at(recv, 9))
			person := rnd.IntN(4) > 0
			name := fmt.Sprintf("某某%s公司", []string{"建材", "商贸", "物流", "置业"}[rnd.IntN(4)])
			c.PlaintiffK = Organisation
			if person {
				name, c.PlaintiffK = []string{"张", "王", "李", "赵", "刘", "陈"}[rnd.IntN(6)]+[]string{"某", "某某"}[rnd.IntN(2)], Natural
			}
			c.Plaintiff = name
			c.Parties = []Party{{Role: RolePlaintiff, Name: name, Kind: c.PlaintiffK}, {Role: RoleDefendant, Name: def.Name, OrganID: def.ID}}
			if rnd.IntN(5) == 0 { // 复议维持: the government joins as co-defendant (Art. 26)
				c.Reconsidered, c.ReconsiderResult = true, ReconsiderUpheld
				c.Parties = append(c.Parties, Party{Role: RoleCoDefendant, Name: gov.Name, OrganID: gov.ID})
			}
			var evs []casework.Event
			ev := func(on calendar.Date, action, from, to, note string) {
				evs = append(evs, casework.Event{OwnerType: ownerType, OwnerID: c.ID, OrganID: c.OrganID, At: at(on, 10), On: on, ActorName: "演示", Action: action, FromState: from, ToState: to, Note: note})
			}
			type dl struct {
				kind, dir, sent, signed string
			}
			var dls []dl
			signedAt := ""
			c.State = StateRegistered
			ev(recv, "register", "", string(StateRegistered), "")
			if age > 0 {
				c.State, c.ReceivedOn = StateAssigned, recv
				signedAt = at(recv, 15)
				c.ServedAt = signedAt
				ev(recv, "sign", string(StateRegistered), string(StateAssigned), "")
			}
			for _, k := range courtDocs {
				dls = append(dls, dl{k, "to_defendant", c.CreatedAt, signedAt})
			}
			c.Recompute(cal)
			steps := []struct {
				on calendar.Date
				do func()
			}{}
			answered := recv.AddDays(6 + rnd.IntN(8))
			heard := answered.AddDays(20 + rnd.IntN(30))
			closed := heard.AddDays(rnd.IntN(25))
			served := cal.NextWorkday(closed.AddDays(2))
			out := seedOutcomes[rnd.IntN(len(seedOutcomes))]
			appeal := out.Appealable() && rnd.IntN(4) == 0
			steps = append(steps, struct {
				on calendar.Date
				do func()
			}{answered, func() {
				c.AnsweredOn, c.State = answered, StateAnswered
				dls = append(dls, dl{"答辩状", "to_court", at(answered, 11), at(answered.AddDays(1), 9)}, dl{"证据目录", "to_court", at(answered, 11), at(answered.AddDays(1), 9)})
				ev(answered, "answer", string(StateAssigned), string(StateAnswered), "")
			}}, struct {
				on calendar.Date
				do func()
			}{heard, func() {
				h := Hearing{HeldOn: heard, NoticeOn: heard.AddDays(-7), Mandatory: rnd.IntN(3) == 0, Held: true}
				if rnd.IntN(10) < 7 {
					h.Appeared, h.LeaderName, h.LeaderTitle, h.Delegates = true, []string{"王", "李", "周"}[rnd.IntN(3)]+"局长", LeaderTitles[rnd.IntN(2)], "法制股工作人员"
				} else {
					h.Absence, h.Delegates = AbsenceReasons[2], "法制股工作人员、律师"
				}
				c.Hearings = append(c.Hearings, h)
				c.State = StateHearing
				ev(heard, "appearance", string(StateAnswered), string(StateHearing), "")
			}}, struct {
				on calendar.Date
				do func()
			}{closed, func() {
				c.Outcome, c.ClosedOn, c.State = out, closed, StateDecided
				dls = append(dls, dl{decisionDocKind(out), "to_defendant", at(closed, 16), ""})
				ev(closed, "decide", string(StateHearing), string(StateDecided), out.Label())
				if !out.Appealable() {
					c.State, c.EffectiveOn, c.AppealDecided = StateEffective, closed, true
				}
			}}, struct {
				on calendar.Date
				do func()
			}{served, func() {
				if c.State != StateDecided {
					return
				}
				c.DecisionServedOn = served
				dls[len(dls)-1].signed = at(served, 10)
				c.Recompute(cal)
				ev(served, "sign", string(StateDecided), string(StateDecided), "")
			}})
			if appeal {
				steps = append(steps, struct {
					on calendar.Date
					do func()
				}{served.AddDays(5), func() {
					c.AppealDecided, c.Appealed, c.AppealApprover, c.State = true, true, "局长", StateAppealed
					ev(served.AddDays(5), "appeal", string(StateDecided), string(StateAppealed), "决定上诉，批准人：局长")
				}})
			} else {
				effective := AppealDue(cal, out, served).AddDays(1)
				steps = append(steps, struct {
					on calendar.Date
					do func()
				}{effective, func() {
					if c.State != StateDecided {
						return
					}
					c.AppealDecided, c.AppealApprover, c.State, c.EffectiveOn = true, "局长", StateEffective, effective
					ev(effective, "effective", string(StateDecided), string(StateEffective), "")
				}}, struct {
					on calendar.Date
					do func()
				}{effective.AddDays(20), func() {
					if c.State == StateEffective && out.NeedsPerformance() {
						c.PerformedOn, c.State = effective.AddDays(20), StatePerformed
						ev(effective.AddDays(20), "perform", string(StateEffective), string(StatePerformed), "")
					}
				}})
			}
			if age > 0 {
				for _, s := range steps {
					if s.on.After(today) {
						// An upcoming hearing of a case in its answer stage is noticed already.
						if c.State == StateAnswered && s.on == heard && !heard.AddDays(-7).After(today) {
							c.Hearings = append(c.Hearings, Hearing{HeldOn: heard, NoticeOn: heard.AddDays(-7), Mandatory: true})
						}
						break
					}
					s.do()
				}
			}
			if err := insertCase(ctx, tx, c); err != nil {
				return err
			}
			// The draft went to the 司法局 on its milestone and came back reviewed the next day.
			if !c.DraftDue.IsZero() && c.DraftDue.Before(today) {
				if err := tx.Exec(ctx, `UPDATE litigation_cases SET draft_on = ?, reviewed_on = ?, review_note = ? WHERE id = ?`,
					c.DraftDue.String(), c.DraftDue.AddDays(1).String(), "证据目录按证明对象分组，补充执法程序依据。", c.ID); err != nil {
					return err
				}
			}
			for j, d := range dls {
				if err := tx.Exec(ctx, `INSERT INTO litigation_deliveries (id, case_id, kind, direction, filename, sha256, sender_name, sender_organ, recipients, sent_at, signed_at, signer_name)
					VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, db.NewID(), c.ID, d.kind, d.dir, d.kind+".pdf", hash(c.Docket+d.kind+fmt.Sprint(j)),
					"演示", map[string]string{"to_defendant": court.Name, "to_court": def.Name}[d.dir], map[string]string{"to_defendant": def.Name, "to_court": court.Name}[d.dir],
					d.sent, d.signed, map[bool]string{true: "演示", false: ""}[d.signed != ""]); err != nil {
					return err
				}
			}
			for k := range evs {
				if err := casework.InsertEvent(ctx, tx, &evs[k]); err != nil {
					return err
				}
			}
			if c.Outcome.Lost() && rnd.IntN(2) == 0 {
				received := c.ClosedOn.AddDays(10)
				if !received.After(today) {
					kind := []RecKind{Judicial, Procuratorial}[nrec%2]
					due := RecommendationDue(cal, kind, false, 0, received)
					replied := ""
					if r := received.AddDays(30); !r.After(today) {
						replied = r.String()
					}
					issuer := court.Name
					num := fmt.Sprintf("%s法建〔%d〕%d号", def.ShortName, received.Year, nrec+1)
					if kind == Procuratorial {
						issuer, num = strings.TrimSuffix(gov.Name, "人民政府")+"人民检察院", fmt.Sprintf("检行建〔%d〕%d号", received.Year, nrec+1)
					}
					if err := tx.Exec(ctx, `INSERT INTO litigation_recommendations (id, kind, number, organ_id, gov_id, case_id, issuer, received_on, reply_due, replied_on, created_at)
						VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, db.NewID(), string(kind), num, def.ID, gov.ID, c.ID, issuer, received.String(), due.String(), replied, c.CreatedAt); err != nil {
						return err
					}
					nrec++
				}
			}
			n++
		}
		return nil
	})
	return n, nrec, err
}
