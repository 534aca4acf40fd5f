package litigation

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/demo"
)

// Province scale (`fazhi demo --scale province`): every county after the record counties gets
// bulkPerYear 一审 cases a year for bulkYears years (≈ 30,000 in all), written with multi-row INSERTs
// in one transaction per county: the case row with its plaintiff and defendant, a hearing for most,
// the facts the statistics read (answer, 结案日期 and outcome, 负责人出庭) and a few recommendations.
// The exchange, events and documents are left to the record counties, as 行政复议 does.
const (
	bulkPerYear = 61
	bulkYears   = 5
)

// seedBulk writes one county's years of cases; it returns the number of cases and recommendations.
func (m *Module) seedBulk(ctx context.Context, rnd *rand.Rand, county *demo.County, perYear, years int) (int, int, error) {
	gov := county.Government
	court, code, ok := m.seedCourt(county)
	if !ok {
		return 0, 0, nil
	}
	cal, today := m.cal(), m.Today()
	now := db.Now()
	numbers := map[int]int{}
	var cases []*Case
	var parties, hearings, recs []any
	for i := 0; i < perYear*years; i++ {
		recv := today.AddDays(-1 - rnd.IntN(365*years))
		def := county.Departments[rnd.IntN(len(county.Departments))]
		sa := seedActs[rnd.IntN(len(seedActs))]
		c := seedCase(gov, court, code, numbers, recv, def, sa, now)
		c.State, c.ReceivedOn = StateAssigned, recv
		c.Plaintiff, c.PlaintiffK = []string{"张", "王", "李", "赵", "刘", "陈"}[rnd.IntN(6)]+"某", Natural
		if rnd.IntN(4) == 0 {
			c.Plaintiff, c.PlaintiffK = fmt.Sprintf("某某%s公司", []string{"建材", "商贸", "物流", "置业"}[rnd.IntN(4)]), Organisation
		}
		c.Recompute(cal)
		answered := recv.AddDays(6 + rnd.IntN(12)) // a few after the 15 days: late answers exist
		heldOn := answered.AddDays(20 + rnd.IntN(30))
		closed := heldOn.AddDays(rnd.IntN(40))
		if answered.Before(today) {
			c.AnsweredOn, c.State = answered, StateAnswered
		}
		heard := rnd.IntN(10) < 8 && heldOn.Before(today)
		if heard {
			c.State = StateHearing
			appeared := rnd.IntN(10) < 7
			leader, absence := "", ""
			if appeared {
				leader = "某副局长"
			} else {
				absence = AbsenceReasons[rnd.IntN(len(AbsenceReasons))]
			}
			hearings = append(hearings, db.NewID(), c.ID, heldOn.String(), heldOn.AddDays(-7).String(), db.BoolInt(rnd.IntN(3) == 0), 1,
				db.BoolInt(appeared), leader, LeaderTitles[1], absence, "某科长", now)
		}
		if closed.Before(today.AddDays(-30)) {
			out := seedOutcomes[rnd.IntN(len(seedOutcomes))]
			c.Outcome, c.ClosedOn, c.DecisionServedOn = out, closed, cal.NextWorkday(closed.AddDays(2))
			c.Recompute(cal)
			c.State, c.AppealDecided, c.EffectiveOn = StateEffective, true, closed
			if !c.AppealDue.IsZero() {
				c.EffectiveOn = c.AppealDue.AddDays(1)
			}
			if out.NeedsPerformance() {
				c.State, c.PerformedOn = StatePerformed, c.EffectiveOn.AddDays(10+rnd.IntN(30))
			}
		}
		cases = append(cases, c)
		parties = append(parties, db.NewID(), c.ID, RolePlaintiff, 0, c.Plaintiff, string(c.PlaintiffK), "", "", "",
			db.NewID(), c.ID, RoleDefendant, 1, def.Name, "", "", "", def.ID)
	}
	nrec := perYear * years / 40
	for i := 0; i < nrec; i++ {
		kind := []RecKind{Judicial, Procuratorial}[i%2]
		recv := today.AddDays(-30 - rnd.IntN(365*years))
		due := RecommendationDue(cal, kind, false, 0, recv)
		replied := recv.AddDays(20 + rnd.IntN(60))
		issuer := court.Name
		if kind == Procuratorial {
			issuer = strings.TrimSuffix(court.Name, "人民法院") + "人民检察院"
		}
		recs = append(recs, db.NewID(), string(kind), fmt.Sprintf("%s建〔%d〕%d号", county.Government.DocPrefix, recv.Year, i+1),
			county.Departments[rnd.IntN(len(county.Departments))].ID, gov.ID, issuer, recv.String(), due.String(), replied.String(), now)
	}
	err := m.d.DB.Tx(ctx, func(tx *db.Tx) error {
		for len(cases) > 0 {
			k := min(len(cases), 200)
			var args []any
			for _, c := range cases[:k] {
				args = append(args, caseArgs(c)...)
			}
			if err := tx.Exec(ctx, `INSERT INTO litigation_cases (`+caseCols+`) VALUES `+rowsOf(caseColCount, k), args...); err != nil {
				return err
			}
			cases = cases[k:]
		}
		for _, set := range []struct {
			head string
			cols int
			args []any
		}{{`INSERT INTO litigation_parties (id, case_id, role, seq, name, kind, id_enc, id_masked, organ_id) VALUES `, 9, parties},
			{`INSERT INTO litigation_hearings (id, case_id, held_on, notice_on, mandatory, held, appeared, leader_name, leader_title, absence, delegates, created_at) VALUES `, 12, hearings},
			{`INSERT INTO litigation_recommendations (id, kind, number, organ_id, gov_id, issuer, received_on, reply_due, replied_on, created_at) VALUES `, 10, recs}} {
			for a := set.args; len(a) > 0; {
				k := min(len(a)/set.cols, 1000)
				if err := tx.Exec(ctx, set.head+rowsOf(set.cols, k), a[:k*set.cols]...); err != nil {
					return err
				}
				a = a[k*set.cols:]
			}
		}
		return nil
	})
	return perYear * years, nrec, err
}

// rowsOf is the VALUES list of n rows of cols placeholders.
func rowsOf(cols, n int) string {
	return strings.TrimSuffix(strings.Repeat("("+placeholders(cols)+"), ", n), ", ")
}
