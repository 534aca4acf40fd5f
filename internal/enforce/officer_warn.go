package enforce

import (
	"context"
	"fmt"
	"strings"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
	"github.com/fazhi/fazhi/internal/settings"
)

// Officer warnings (issue 15 item 2), rebuilt by every scan: certificates expiring within the
// organ's notice period (or past their validity without 年审/换证), and officers short of the
// organ's yearly training target.

// TrainingWarnMonth is when the training check starts: from 1 December an officer below the
// year's target is warned (a month is left to catch up; the warning goes at the next year's
// first scan, when the count starts again).
const TrainingWarnMonth = 12

// TrainingInput records a course an officer attended.
type TrainingInput struct {
	casework.Step
	Hours  int    `json:"hours" required:"true" doc:"学时"`
	Course string `json:"course" required:"true" doc:"培训名称"`
}

// TrainingSummary is an officer's hours in a year against the target.
type TrainingSummary struct {
	OfficerID string `json:"officer_id"`
	Year      int    `json:"year"`
	Hours     int    `json:"hours"`
	Target    int    `json:"target"`
}

// Short reports whether the officer is below the target.
func (s TrainingSummary) Short() bool { return s.Hours < s.Target }

// RecordTraining adds a course to an officer's record.
func (m *Module) RecordTraining(ctx context.Context, p *auth.Principal, officerID string, in TrainingInput) (*TrainingSummary, error) {
	if err := in.Prepare(m.today()); err != nil {
		return nil, err
	}
	var fs fault.Fields
	if in.Hours < 1 || in.Hours > 200 {
		fs.Add("hours", "学时应在1到200之间")
	}
	if in.Course = strings.TrimSpace(in.Course); in.Course == "" {
		fs.Add("course", "请填写培训名称")
	}
	if err := fs.Err(); err != nil {
		return nil, err
	}
	o, err := m.Officer(ctx, p, officerID)
	if err != nil {
		return nil, err
	}
	err = m.d.DB.Tx(ctx, func(tx *db.Tx) error {
		id := db.NewID()
		if err := tx.Exec(ctx, `INSERT INTO enforce_training (id, officer_id, organ_id, trained_on, hours, course, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
			id, o.ID, o.OrganID, in.On.String(), in.Hours, in.Course, db.Now()); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "enforce.training", ObjectType: "enforce_officer", ObjectID: o.ID,
			Detail: map[string]any{"hours": in.Hours, "course": in.Course, "on": in.On.String()}})
	})
	if err != nil {
		return nil, err
	}
	return m.Training(ctx, m.d.DB, o, in.On.Year)
}

// Training is an officer's hours in a year: the courses recorded plus the training hours of a
// certificate application made that year.
func (m *Module) Training(ctx context.Context, q db.Querier, o *Officer, year int) (*TrainingSummary, error) {
	from, to := fmt.Sprintf("%04d-01-01", year), fmt.Sprintf("%04d-12-31", year)
	s := &TrainingSummary{OfficerID: o.ID, Year: year}
	var a, b int
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(hours), 0) FROM enforce_training WHERE officer_id = ? AND trained_on >= ? AND trained_on <= ?`, o.ID, from, to).Scan(&a); err != nil {
		return nil, err
	}
	if err := q.QueryRowContext(ctx, `SELECT COALESCE(SUM(training_hours), 0) FROM enforce_certificates WHERE officer_id = ? AND applied_on >= ? AND applied_on <= ?`, o.ID, from, to).Scan(&b); err != nil {
		return nil, err
	}
	t, err := m.set.Int(ctx, q, o.OrganID, SettingTrainingHours)
	s.Hours, s.Target = a+b, t
	return s, err
}

// scanOfficers brings the officer warnings up to date, writing only those that appear or go
// away; it returns how many there are.
func (m *Module) scanOfficers(ctx context.Context, tx *db.Tx) (int, error) {
	today := m.today()
	offs, err := db.List(ctx, tx, scanOfficer, `SELECT `+officerCols+` FROM enforce_officers`)
	if err != nil {
		return 0, err
	}
	byID := make(map[string]*Officer, len(offs))
	for _, o := range offs {
		byID[o.ID] = o
	}
	days := map[string]int{}
	setting := func(organ string, def settings.Def) (int, error) {
		k := def.Key + "\x00" + organ
		if v, ok := days[k]; ok {
			return v, nil
		}
		v, err := m.set.Int(ctx, tx, organ, def)
		days[k] = v
		return v, err
	}
	now := db.Now()
	var rows [][]any
	certs, err := db.List(ctx, tx, scanCert, `SELECT `+certCols+` FROM enforce_certificates WHERE state = ?`, CertIssued)
	if err != nil {
		return 0, err
	}
	for _, c := range certs {
		o := byID[c.OfficerID]
		if o == nil {
			continue
		}
		n, err := setting(c.OrganID, SettingCertWarnDays)
		if err != nil {
			return 0, err
		}
		var msg string
		switch {
		case c.ValidTo.Before(today):
			msg = fmt.Sprintf("%s 的执法证 %s 已于 %s 到期，未办理年审或换证，不得从事执法活动", o.Name, c.Number, c.ValidTo)
		case !c.ValidTo.After(today.AddDays(n)):
			msg = fmt.Sprintf("%s 的执法证 %s 将于 %s 到期（%d 日内），请办理年审或换证", o.Name, c.Number, c.ValidTo, n)
		default:
			continue
		}
		rows = append(rows, []any{db.NewID(), o.OrganID, o.BodyID, "", o.ID, WarnCertExpiring, msg, SettingCertWarnDays.Basis, c.ValidTo.String(), now})
	}
	if today.Month >= TrainingWarnMonth {
		from, to := fmt.Sprintf("%04d-01-01", today.Year), fmt.Sprintf("%04d-12-31", today.Year)
		hours := map[string]int{}
		for _, q := range []string{`SELECT officer_id, SUM(hours) FROM enforce_training WHERE trained_on >= ? AND trained_on <= ? GROUP BY officer_id`,
			`SELECT officer_id, SUM(training_hours) FROM enforce_certificates WHERE applied_on >= ? AND applied_on <= ? GROUP BY officer_id`} {
			rs, err := tx.QueryContext(ctx, q, from, to)
			if err != nil {
				return 0, err
			}
			for rs.Next() {
				var id string
				var h int
				if err := rs.Scan(&id, &h); err != nil {
					rs.Close()
					return 0, err
				}
				hours[id] += h
			}
			rs.Close()
			if err := rs.Err(); err != nil {
				return 0, err
			}
		}
		for _, o := range offs {
			target, err := setting(o.OrganID, SettingTrainingHours)
			if err != nil {
				return 0, err
			}
			if h := hours[o.ID]; h < target {
				rows = append(rows, []any{db.NewID(), o.OrganID, o.BodyID, "", o.ID, WarnTrainingShort,
					fmt.Sprintf("%s %d年培训 %d 学时，少于年度目标 %d 学时", o.Name, today.Year, h, target), SettingTrainingHours.Basis, to, now})
			}
		}
	}
	return len(rows), syncOfficerWarnings(ctx, tx, rows)
}

// syncOfficerWarnings makes the officer warnings on file the rows wanted (columns as in the
// INSERT below): a standing warning keeps its row, one gone is deleted, a new one inserted.
func syncOfficerWarnings(ctx context.Context, tx *db.Tx, rows [][]any) error {
	key := func(organ, body, officer, kind, msg, basis, due string) string {
		return warningKey(organ, body, officer, kind, msg, basis, due)
	}
	standing := map[string][]string{} // key -> ids
	rs, err := tx.QueryContext(ctx, `SELECT id, organ_id, body_id, officer_id, kind, message, basis, due_on FROM enforce_warnings
		WHERE record_id = '' AND kind IN (?, ?)`, WarnCertExpiring, WarnTrainingShort)
	if err != nil {
		return err
	}
	for rs.Next() {
		var id, organ, body, officer, kind, msg, basis, due string
		if err := rs.Scan(&id, &organ, &body, &officer, &kind, &msg, &basis, &due); err != nil {
			rs.Close()
			return err
		}
		k := key(organ, body, officer, kind, msg, basis, due)
		standing[k] = append(standing[k], id)
	}
	rs.Close()
	if err := rs.Err(); err != nil {
		return err
	}
	var fresh [][]any
	for _, r := range rows {
		k := key(r[1].(string), r[2].(string), r[4].(string), r[5].(string), r[6].(string), r[7].(string), r[8].(string))
		if ids := standing[k]; len(ids) > 0 {
			standing[k] = ids[1:]
			continue
		}
		fresh = append(fresh, r)
	}
	var gone []any
	for _, ids := range standing {
		for _, id := range ids {
			gone = append(gone, id)
		}
	}
	per := maxParams(tx.Dialect())
	for start := 0; start < len(gone); start += per {
		part := gone[start:min(start+per, len(gone))]
		if err := tx.Exec(ctx, `DELETE FROM enforce_warnings WHERE id IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(part)), ", ")+`)`, part...); err != nil {
			return err
		}
	}
	return insertMany(ctx, tx, `INSERT INTO enforce_warnings (id, organ_id, body_id, record_id, officer_id, kind, message, basis, due_on, created_at)`, 10, fresh)
}
