package enforce

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"sort"
	"strconv"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/stats"
	"github.com/fazhi/fazhi/internal/web"
)

// 履职 monitoring (issue 15 item 4): a year's records per body by category and month, bodies and
// officers with no enforcement, penalty amounts far from their body's usual range.

// The outlier rule: an amount is far from its body's usual range when |x − median| > K × 1.4826 ×
// MAD (the median absolute deviation, scaled to the standard deviation of a normal distribution),
// judged only for bodies with at least OutlierMinSample penalties with an amount and a MAD above 0.
const (
	OutlierK         = 3.0
	OutlierMinSample = 10
)

// Outliers returns the median, the scaled MAD and the indexes of the amounts outside the range
// (nil when the sample is too small or the MAD is 0).
func Outliers(amounts []int64, k float64, minN int) (median, spread float64, idx []int) {
	if len(amounts) < minN || len(amounts) == 0 {
		return 0, 0, nil
	}
	med := func(xs []float64) float64 {
		sort.Float64s(xs)
		n := len(xs)
		if n%2 == 1 {
			return xs[n/2]
		}
		return (xs[n/2-1] + xs[n/2]) / 2
	}
	xs := make([]float64, len(amounts))
	for i, a := range amounts {
		xs[i] = float64(a)
	}
	median = med(append([]float64(nil), xs...))
	dev := make([]float64, len(xs))
	for i, x := range xs {
		dev[i] = math.Abs(x - median)
	}
	spread = 1.4826 * med(dev)
	if spread == 0 {
		return median, 0, nil
	}
	for i, x := range xs {
		if math.Abs(x-median) > k*spread {
			idx = append(idx, i)
		}
	}
	return median, spread, idx
}

// BodyMonth is a body's records of the year by category and by month.
type BodyMonth struct {
	Body       *Body
	ByCategory map[string]int
	ByMonth    [12]int
	Total      int
}

// OutlierRow is a penalty far from its body's usual range.
type OutlierRow struct {
	RecordID, CaseNo, Body string
	Amount                 string
	Median, Low, High      string
}

// IdleOfficer is an officer whose certificate number is on no record of the year.
type IdleOfficer struct {
	Officer *Officer
	Body    string
}

// Monitor is the monitoring page's data.
type Monitor struct {
	Year       int
	Bodies     []*BodyMonth
	Categories []Choice
	ZeroBodies []*Body
	Idle       []IdleOfficer
	IdleTotal  int
	Outliers   []OutlierRow
	K          float64
	MinSample  int
	Months     []int
	Remedies   []RemedyRow
	RemedyMin  int
	RemedyRate float64
}

// MonitorFor computes the year's monitoring over the bodies p sees.
func (m *Module) MonitorFor(ctx context.Context, p *auth.Principal, year int) (*Monitor, error) {
	mo := &Monitor{Year: year, Categories: RecordCategories, K: OutlierK, MinSample: OutlierMinSample, RemedyMin: RemedyMinConcluded, RemedyRate: RemedyHighRate}
	for i := 1; i <= 12; i++ {
		mo.Months = append(mo.Months, i)
	}
	bodies, err := m.Bodies(ctx, p)
	if err != nil {
		return nil, err
	}
	by := map[string]*BodyMonth{}
	for _, b := range bodies {
		bm := &BodyMonth{Body: b, ByCategory: map[string]int{}}
		by[b.ID] = bm
		mo.Bodies = append(mo.Bodies, bm)
	}
	frag, args := m.scopeSQL(p, "organ_id")
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	actDay := `CASE WHEN decided_on <> '' THEN decided_on ELSE filed_on END`
	rows, err := m.d.DB.QueryContext(ctx, `SELECT id, body_id, category, case_no, `+actDay+`, officers, amount_cents FROM enforce_records
		WHERE `+actDay+` >= ? AND `+actDay+` <= ? AND `+frag, append([]any{from, to}, args...)...)
	if err != nil {
		return nil, err
	}
	type pen struct {
		id, caseNo string
		cents      int64
	}
	pens := map[string][]pen{}
	used := map[string]bool{}
	for rows.Next() {
		var id, body, cat, caseNo, day, offs string
		var cents int64
		if err := rows.Scan(&id, &body, &cat, &caseNo, &day, &offs, &cents); err != nil {
			rows.Close()
			return nil, err
		}
		for _, no := range splitList(offs) {
			used[no] = true
		}
		bm := by[body]
		if bm == nil {
			continue
		}
		bm.ByCategory[cat]++
		bm.Total++
		if mon, err := strconv.Atoi(day[5:7]); err == nil && mon >= 1 && mon <= 12 {
			bm.ByMonth[mon-1]++
		}
		if cat == CatPenalty && cents > 0 {
			pens[body] = append(pens[body], pen{id, caseNo, cents})
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, bm := range mo.Bodies {
		if bm.Total == 0 {
			mo.ZeroBodies = append(mo.ZeroBodies, bm.Body)
		}
		ps := pens[bm.Body.ID]
		amounts := make([]int64, len(ps))
		for i, x := range ps {
			amounts[i] = x.cents
		}
		med, spread, idx := Outliers(amounts, OutlierK, OutlierMinSample)
		for _, i := range idx {
			mo.Outliers = append(mo.Outliers, OutlierRow{RecordID: ps[i].id, CaseNo: ps[i].caseNo, Body: bm.Body.Name, Amount: formatCents(ps[i].cents),
				Median: formatCents(int64(med)), Low: formatCents(int64(math.Max(0, med-OutlierK*spread))), High: formatCents(int64(med + OutlierK*spread))})
		}
	}
	// 零执法 officers: every officer p sees whose certificate number is on no record of the year.
	offs, err := m.Officers(ctx, p, "", 0)
	if err != nil {
		return nil, err
	}
	if mo.Remedies, err = m.remedies(ctx, p, bodies, year); err != nil {
		return nil, err
	}
	nums := map[string][]string{}
	certs, err := db.List(ctx, m.d.DB, scanCert, `SELECT `+certCols+` FROM enforce_certificates WHERE number <> '' AND `+frag, args...)
	if err != nil {
		return nil, err
	}
	for _, c := range certs {
		nums[c.OfficerID] = append(nums[c.OfficerID], c.Number)
	}
	names := map[string]string{}
	for _, b := range bodies {
		names[b.ID] = b.Name
	}
	for _, o := range offs {
		active := false
		for _, no := range nums[o.ID] {
			active = active || used[no]
		}
		if !active {
			mo.IdleTotal++
			if len(mo.Idle) < 200 {
				mo.Idle = append(mo.Idle, IdleOfficer{o, names[o.BodyID]})
			}
		}
	}
	return mo, nil
}

func (m *Module) monitorPage(w http.ResponseWriter, r *http.Request) error {
	year := m.today().Year
	if y, err := strconv.Atoi(r.URL.Query().Get("year")); err == nil && y >= 2000 && y <= 2100 {
		year = y
	}
	mo, err := m.MonitorFor(r.Context(), auth.From(r.Context()), year)
	if err != nil {
		return err
	}
	return m.app.Render(w, r, tmpl, "monitor", http.StatusOK, "履职监测", mo, nil)
}

func (m *Module) trainingForm(w http.ResponseWriter, r *http.Request) error {
	if err := r.ParseForm(); err != nil {
		return err
	}
	id := r.PathValue("id")
	in := TrainingInput{Course: r.PostForm.Get("course")}
	in.OnText = r.PostForm.Get("on")
	var err error
	if in.Hours, err = strconv.Atoi(r.PostForm.Get("hours")); err != nil {
		in.Hours = 0 // named by the range check
	}
	s, err := m.RecordTraining(r.Context(), auth.From(r.Context()), id, in)
	if fe := web.FormFrom(err, r.PostForm); fe != nil {
		return m.renderOfficer(w, r, id, http.StatusUnprocessableEntity, fe)
	}
	if err != nil {
		return err
	}
	return web.SeeOther(w, r, "/enforce/officers/"+url.PathEscape(id), fmt.Sprintf("已记录培训；%d年累计 %d 学时（目标 %d 学时）", s.Year, s.Hours, s.Target))
}

// Remedy thresholds: a body is flagged when, with at least RemedyMinConcluded concluded cases in
// the year, its 复议 comprehensive correction rate or its 诉讼 loss rate reaches RemedyHighRate %.
// fazhi defaults (no legal threshold is set): stated on the page.
const (
	RemedyMinConcluded = 3
	RemedyHighRate     = 20.0
)

// RemedyGroup is one respondent's or defendant's figures as the reconsider and litigation
// modules report them (matched to a body by name).
type RemedyGroup struct {
	Name               string
	Concluded, Against int
}

// RemedyRow is a body's 复议纠错 and 诉讼败诉 of the year.
type RemedyRow struct {
	Body                      *Body
	ReconConcluded, Corrected int
	LitConcluded, Lost        int
	ReconRate, LitRate        stats.Percent
	High                      bool
}

// remedyRows matches the groups to the bodies by name and flags the high ones.
func remedyRows(bodies []*Body, recon, lit []RemedyGroup) []RemedyRow {
	byName := map[string]*RemedyRow{}
	var order []string
	row := func(name string) *RemedyRow {
		for _, b := range bodies {
			if b.Name == name {
				if byName[name] == nil {
					byName[name] = &RemedyRow{Body: b}
					order = append(order, name)
				}
				return byName[name]
			}
		}
		return nil
	}
	for _, g := range recon {
		if r := row(g.Name); r != nil {
			r.ReconConcluded, r.Corrected = r.ReconConcluded+g.Concluded, r.Corrected+g.Against
		}
	}
	for _, g := range lit {
		if r := row(g.Name); r != nil {
			r.LitConcluded, r.Lost = r.LitConcluded+g.Concluded, r.Lost+g.Against
		}
	}
	out := make([]RemedyRow, 0, len(order))
	for _, n := range order {
		r := byName[n]
		r.ReconRate, r.LitRate = stats.Rate(r.Corrected, r.ReconConcluded), stats.Rate(r.Lost, r.LitConcluded)
		r.High = (r.ReconConcluded >= RemedyMinConcluded && float64(r.ReconRate) >= RemedyHighRate) ||
			(r.LitConcluded >= RemedyMinConcluded && float64(r.LitRate) >= RemedyHighRate)
		out = append(out, *r)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].High && !out[j].High })
	return out
}

// remedies reads the year's groups from the reconsider and litigation modules' exported
// statistics (nil when a module is not in the deployment).
func (m *Module) remedies(ctx context.Context, p *auth.Principal, bodies []*Body, year int) ([]RemedyRow, error) {
	var recon, lit []RemedyGroup
	if m.recon != nil {
		st, err := m.recon.StatsForYear(ctx, p.OrganID, true, year)
		if err != nil { // an organ outside any government has no 复议 figures: the section stays empty
			return nil, nil
		}
		for _, g := range st.ByRespondent {
			recon = append(recon, RemedyGroup{g.Name, g.Concluded, g.ComprehensiveCorrected})
		}
	}
	if m.lit != nil {
		st, err := m.lit.StatsForYear(ctx, p.OrganID, year, "")
		if err != nil {
			return nil, nil
		}
		for _, g := range st.ByDefendant {
			lit = append(lit, RemedyGroup{g.Name, g.Concluded, g.Lost})
		}
	}
	return remedyRows(bodies, recon, lit), nil
}
