package normdoc

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/review"
)

// SeedBulk inserts about target generated documents for the organs outside the demo counties, in
// batches (plain INSERTs, one transaction per thousand documents), and indexes the published ones.
// States follow each document's age; documents of the last three years have their filings.
func (s *Service) SeedBulk(ctx context.Context, w *demo.World, target int) (int, error) {
	return s.seedBulk(ctx, w, target, demo.RecordCounties)
}

// seedBulk generates for the counties after the first skip, and for the cities.
func (s *Service) seedBulk(ctx context.Context, w *demo.World, target, skip int) (int, error) {
	today := s.Today()
	type owner struct {
		gov    org.Organ
		organs []org.Organ
		reg    string
		share  int
	}
	var owners []owner
	for i, c := range w.Counties {
		if i < skip {
			continue
		}
		owners = append(owners, owner{gov: c.Government, organs: s.seedOrgans(c.Government), reg: c.Justice.ID, share: 10})
	}
	for _, city := range w.Cities {
		var reg string
		for _, ch := range s.org.Children(city.ID) {
			if ch.Kind == org.KindJustice {
				reg = ch.ID
			}
		}
		if reg == "" {
			continue
		}
		owners = append(owners, owner{gov: city, organs: []org.Organ{city}, reg: reg, share: 8})
	}
	if len(owners) == 0 {
		return 0, nil
	}
	shares := 0
	for _, o := range owners {
		shares += o.share
	}
	prefixes, err := s.usedPrefixes(ctx)
	if err != nil {
		return 0, err
	}
	b := &bulk{s: s, today: today, seq: map[string]int{}}
	if bi, ok := s.index.(BulkIndexer); ok {
		bl, err := bi.BeginBulk(ctx)
		if err != nil {
			return 0, err
		}
		b.bulkIx, b.load = bi, bl
		defer bl.Finish(ctx)
	}
	rnd := w.Rand
	made := 0
	for oi, ow := range owners {
		n := target * ow.share / shares
		if oi == len(owners)-1 {
			n = target - made
		}
		place := strings.TrimSuffix(ow.gov.Name, "人民政府")
		prefixOf := map[string]string{}
		for _, o := range ow.organs {
			prefixOf[o.ID] = uniquePrefix(s.NumberPrefix(o), place, prefixes, o.ID)
		}
		for range n {
			o := ow.gov
			if len(ow.organs) > 1 && rnd.IntN(10) >= 4 {
				o = ow.organs[rnd.IntN(len(ow.organs))]
			}
			if err := b.add(ctx, rnd, o, ow.reg, place, prefixOf[o.ID]); err != nil {
				return made, err
			}
			made++
		}
	}
	if err := b.flush(ctx); err != nil {
		return made, err
	}
	return made, b.counters(ctx)
}

// usedPrefixes maps the 文号 prefixes already in the register to their organ.
func (s *Service) usedPrefixes(ctx context.Context) (map[string]string, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT organ_id, number FROM normdocs WHERE number <> ''`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, n string
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		if i := strings.Index(n, "〔"); i > 0 {
			out[n[:i]] = id
		}
	}
	return out, rows.Err()
}

// uniquePrefix keeps generated numbers unique when organs share a prefix (the demo's counties of one
// city all start with the city's character): the county's own character is inserted after the first.
func uniquePrefix(p, place string, used map[string]string, organID string) string {
	if owner, ok := used[p]; !ok || owner == organID {
		used[p] = organID
		return p
	}
	rs, pr := []rune(p), []rune(place)
	for i := 1; i < len(pr); i++ {
		c := string(rs[0]) + string(pr[i]) + string(rs[1:])
		if owner, ok := used[c]; !ok || owner == organID {
			used[c] = organID
			return c
		}
	}
	for i := 2; ; i++ {
		c := fmt.Sprintf("%s%d%s", string(rs[0]), i, string(rs[1:]))
		if _, ok := used[c]; !ok {
			used[c] = organID
			return c
		}
	}
}

// bulk accumulates generated rows and writes them in batches.
type bulk struct {
	s       *Service
	today   calendar.Date
	seq     map[string]int // organ/year → last sequence
	docs    []*Doc
	bodies  []string
	filings []Filing
	bulkIx  BulkIndexer // set when the index has a bulk mode
	load    BulkLoad
}

const bulkBatch = 1000

func (b *bulk) add(ctx context.Context, rnd *rand.Rand, o org.Organ, reg, place, prefix string) error {
	cal := b.s.cal()
	// More documents in recent years: a square-root spread over 2008 … today.
	span := calendar.Date{Year: 2008, Month: 1, Day: 2}.DaysUntil(b.today.AddDays(-15))
	back := int(float64(span) * (1 - math.Sqrt(rnd.Float64())))
	pub := cal.NextWorkday(b.today.AddDays(-15 - back))
	title := seedTitle(rnd, o, place)
	years := 5
	if IsProvisional(title) {
		years = 2
	}
	key := fmt.Sprintf("%s/%d", o.ID, pub.Year)
	b.seq[key]++
	d := &Doc{ID: db.NewID(), OrganID: o.ID, OrganName: o.Name, RegOrganID: reg, Legacy: pub.Year < b.today.Year-2, Title: title, NumberYear: pub.Year, NumberSeq: b.seq[key],
		Provisional: years == 2, Topics: seedTopicsFor(rnd, title), SignedOn: pub.AddDays(-2), PublishedOn: pub, Channel: o.Name + "门户网站",
		EffectiveOn: pub.AddDays([]int{0, 30}[rnd.IntN(2)]), ValidYears: years, State: StateInForce, CurrentVersion: 1, Version: 1, CreatedAt: db.Now()}
	d.UpdatedAt = d.CreatedAt
	d.Number = fmt.Sprintf("%s〔%d〕%d号", prefix, pub.Year, d.NumberSeq)
	d.ExpiresOn = ExpiryOf(d.EffectiveOn, years)
	// Renewed once or twice on evaluation, for some of the documents still needed.
	for d.ExpiresOn.Before(b.today) && rnd.IntN(3) == 0 {
		prev := d.ExpiresOn
		d.EvaluatedOn, d.ExpiresOn = WarnOf(prev, 5), ExpiryOf(prev.AddDays(1), years)
	}
	d.WarnOn = WarnOf(d.ExpiresOn, 6)
	d.StateOn = d.EffectiveOn
	switch {
	case d.ExpiresOn.Before(b.today):
		d.State, d.StateOn, d.EndedOn = StateExpired, d.ExpiresOn.AddDays(1), d.ExpiresOn.AddDays(1)
	case rnd.IntN(25) == 0:
		end := d.EffectiveOn.AddDays(rnd.IntN(max(d.EffectiveOn.DaysUntil(b.today), 1)))
		d.State, d.StateOn, d.EndedOn = StateRepealed, end, end
	}
	if d.StateOn.After(b.today) && d.State != StateInForce {
		d.State, d.StateOn, d.EndedOn = StateInForce, d.EffectiveOn, calendar.Date{}
	}
	b.docs = append(b.docs, d)
	b.bodies = append(b.bodies, reviewDraft(rnd, title, place, strings.TrimPrefix(o.Name, place)))
	if pub.Year >= b.today.Year-2 {
		due := cal.AddCalendarDays(pub, 30)
		sent := pub.AddDays(3 + rnd.IntN(25))
		if rnd.IntN(15) == 0 {
			sent = due.AddDays(1 + rnd.IntN(20))
		}
		f := Filing{ID: db.NewID(), DocID: d.ID, BodyKind: "gov", Days: 30, DueOn: due}
		if o.Kind == org.KindGovernment || o.Kind == org.KindOffice {
			if up, ok := b.s.org.Parent(o); ok {
				if g, ok := b.s.org.GovernmentOf(up); ok {
					f.BodyName, f.BodyOrganID = g.Name, g.ID
				}
			}
		} else if g, ok := b.s.org.GovernmentOf(o); ok {
			f.BodyName, f.BodyOrganID = g.Name, g.ID
		}
		if f.BodyName != "" {
			if !sent.After(b.today) {
				f.SentOn, f.ReceivedOn = sent, sent.AddDays(3)
				if f.ReceivedOn.After(b.today) {
					f.ReceivedOn = calendar.Date{}
				} else if fb := f.ReceivedOn.AddDays(20); !fb.After(b.today) {
					f.Result, f.Feedback, f.FeedbackOn = "ok", "准予备案。", fb
				}
			}
			b.filings = append(b.filings, f)
		}
	}
	if len(b.docs) >= bulkBatch {
		return b.flush(ctx)
	}
	return nil
}

// reviewDraft is the generated text shared with the review seeder.
var reviewDraft = review.DemoDraft

func (b *bulk) flush(ctx context.Context) error {
	if len(b.docs) == 0 {
		return nil
	}
	docs, bodies, filings := b.docs, b.bodies, b.filings
	b.docs, b.bodies, b.filings = nil, nil, nil
	err := b.s.db.Tx(ctx, func(tx *db.Tx) error {
		if b.load != nil {
			if err := b.load.PrepareTx(ctx, tx); err != nil {
				return err
			}
		}
		const rowsPer = 100
		for i := 0; i < len(docs); i += rowsPer {
			part := docs[i:min(i+rowsPer, len(docs))]
			var args []any
			for _, d := range part {
				args = append(args, docArgs(d)...)
			}
			if err := tx.Exec(ctx, insertDocSQL+` VALUES `+strings.TrimSuffix(strings.Repeat(docPlaceholders+", ", len(part)), ", "), args...); err != nil {
				return err
			}
			args = args[:0]
			var evArgs []any
			nEv := 0
			now := db.Now()
			for j, d := range part {
				args = append(args, db.NewID(), d.ID, 1, d.Title, bodies[i+j], "登记文本", "", "", d.PublishedOn.String(), now, "演示数据")
				ev := casework.Event{OwnerType: ownerType, OwnerID: d.ID, OrganID: d.RegOrganID, At: now, On: d.PublishedOn, ActorName: "演示数据",
					Action: "publish", FromState: string(StateRegistered), ToState: string(StateInForce), Note: d.Channel}
				evArgs = append(evArgs, casework.EventRows(ev)...)
				nEv++
				if d.State != StateInForce {
					ev.On, ev.Action, ev.FromState, ev.ToState, ev.Note = d.StateOn, "repeal", string(StateInForce), string(d.State), "依制定机关决定废止"
					if d.State == StateExpired {
						ev.Action, ev.Note = "expire_due", "有效期至"+d.ExpiresOn.Chinese()+"届满"
					}
					evArgs = append(evArgs, casework.EventRows(ev)...)
					nEv++
				}
			}
			if err := tx.Exec(ctx, `INSERT INTO normdoc_versions (`+versionCols+`) VALUES `+strings.TrimSuffix(strings.Repeat(`(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?), `, len(part)), ", "), args...); err != nil {
				return err
			}
			if err := tx.Exec(ctx, casework.EventInsertPrefix+placeholders(casework.EventColumns, nEv), evArgs...); err != nil {
				return err
			}
		}
		for _, f := range filings {
			if err := insertFiling(ctx, tx, f); err != nil {
				return err
			}
		}
		switch {
		case b.bulkIx != nil:
			ixDocs := make([]IndexDoc, len(docs))
			for i, d := range docs {
				ixDocs[i] = indexDoc(d, bodies[i])
			}
			if err := b.bulkIx.UpsertMany(ctx, tx, ixDocs); err != nil {
				return err
			}
		case b.s.index != nil:
			for i, d := range docs {
				if err := b.s.index.Upsert(ctx, tx, indexDoc(d, bodies[i])); err != nil {
					return err
				}
			}
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "normdoc.demo_bulk", ObjectType: "normdoc", Detail: map[string]any{"documents": len(docs), "filings": len(filings)}})
	})
	return err
}

// placeholders is the VALUES list of a multi-row insert: rows groups of cols placeholders.
func placeholders(cols, rows int) string {
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", cols), ", ") + ")"
	return strings.TrimSuffix(strings.Repeat(row+", ", rows), ", ")
}

// counters moves the organs' number counters past the generated numbers.
func (b *bulk) counters(ctx context.Context) error {
	keys := make([]string, 0, len(b.seq))
	for k := range b.seq {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return b.s.db.Tx(ctx, func(tx *db.Tx) error {
		for _, k := range keys {
			organ, year, _ := strings.Cut(k, "/")
			if err := tx.Exec(ctx, `INSERT INTO counters (organ_id, kind, year, value) VALUES (?, 'normdoc', ?, ?) ON CONFLICT (organ_id, kind, year) DO UPDATE SET value = excluded.value`,
				organ, atoi(year), b.seq[k]); err != nil {
				return err
			}
		}
		return nil
	})
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}
