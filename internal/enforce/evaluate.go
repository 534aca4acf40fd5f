package enforce

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
)

// ---- 案卷评查 (issue 15 item 5): campaign → committed file pool → verifiable sample → evaluators
// (never of the evaluated body) → scores on the organ's sheet → results sent back → rectification ----

// SheetItem is one item of a scoring sheet: points, and whether failing it fails the file (否决项).
type SheetItem struct {
	Name   string `json:"name"`
	Points int    `json:"points"`
	Veto   bool   `json:"veto"`
}

// Sheet is a scoring sheet with its grade thresholds (the organ edits it: it is data).
type Sheet struct {
	Items     []SheetItem `json:"items"`
	Excellent int         `json:"excellent"` // ≥ 优秀
	Good      int         `json:"good"`      // ≥ 良好
	Pass      int         `json:"pass"`      // ≥ 合格
}

// DefaultSheet is fazhi's starting sheet (100 points).
var DefaultSheet = Sheet{Items: []SheetItem{
	{"执法主体合法、执法人员持证", 15, true}, {"事实清楚、证据确凿", 25, false}, {"适用依据正确、裁量适当", 20, false},
	{"程序合法（告知、听证、法制审核）", 20, true}, {"文书规范、送达合法", 10, false}, {"全过程记录完整、归档及时", 10, false},
}, Excellent: 90, Good: 80, Pass: 60}

// Grades label the grades.
var Grades = []Choice{{"excellent", "优秀"}, {"good", "良好"}, {"pass", "合格"}, {"fail", "不合格"}}

// Total is the sheet's full score.
func (s Sheet) Total() int {
	t := 0
	for _, it := range s.Items {
		t += it.Points
	}
	return t
}

// Check refuses a sheet that cannot grade: no items, a nameless or pointless item, a name twice,
// thresholds not falling from 优秀 to 合格 or above the full score.
func (s Sheet) Check() error {
	if len(s.Items) == 0 {
		return fault.Field("sheet", "评分表至少应有一个评分项")
	}
	seen := map[string]bool{}
	for i, it := range s.Items {
		name := strings.TrimSpace(it.Name)
		switch {
		case name == "":
			return fault.Field("sheet", fmt.Sprintf("第%d个评分项没有名称", i+1))
		case it.Points < 1 || it.Points > 100:
			return fault.Field("sheet", fmt.Sprintf("评分项「%s」的分值应在1到100之间", name))
		case seen[name]:
			return fault.Field("sheet", fmt.Sprintf("评分项「%s」重复", name))
		}
		seen[name] = true
	}
	if !(s.Excellent > s.Good && s.Good > s.Pass && s.Pass > 0) || s.Excellent > s.Total() {
		return fault.Field("thresholds", fmt.Sprintf("优秀、良好、合格分数线应依次降低，都大于0且不超过满分%d分", s.Total()))
	}
	return nil
}

// Grade scores a file: the sum of points minus deductions; a failed veto item fails the file.
func (s Sheet) Grade(deductions map[string]int, vetoed []string) (int, string, error) {
	score := 0
	known := map[string]SheetItem{}
	for _, it := range s.Items {
		known[it.Name] = it
		d := deductions[it.Name]
		if d < 0 || d > it.Points {
			return 0, "", fault.Field("deductions", fmt.Sprintf("「%s」扣分应在0到%d之间", it.Name, it.Points))
		}
		score += it.Points - d
	}
	for name := range deductions {
		if _, ok := known[name]; !ok {
			return 0, "", fault.Field("deductions", "评分表中没有评分项「"+name+"」")
		}
	}
	failed := false
	for _, v := range vetoed {
		it, ok := known[v]
		if !ok || !it.Veto {
			return 0, "", fault.Field("vetoed", "「"+v+"」不是评分表中的否决项")
		}
		failed = true
	}
	switch {
	case failed:
		return score, "fail", nil
	case score >= s.Excellent:
		return score, "excellent", nil
	case score >= s.Good:
		return score, "good", nil
	case score >= s.Pass:
		return score, "pass", nil
	}
	return score, "fail", nil
}

// SheetOf is the organ's scoring sheet (the default until it edits one).
func (m *Module) SheetOf(ctx context.Context, q db.Querier, organID string) (Sheet, error) {
	var raw string
	err := q.QueryRowContext(ctx, `SELECT sheet FROM enforce_sheets WHERE organ_id = ?`, organID).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return DefaultSheet, nil
	} else if err != nil {
		return Sheet{}, err
	}
	var s Sheet
	return s, json.Unmarshal([]byte(raw), &s)
}

// SaveSheet replaces the scoring sheet of the organ p acts for; campaigns already begun keep theirs.
func (m *Module) SaveSheet(ctx context.Context, p *auth.Principal, s Sheet) (Sheet, error) {
	for i := range s.Items {
		s.Items[i].Name = strings.TrimSpace(s.Items[i].Name)
	}
	if err := s.Check(); err != nil {
		return s, err
	}
	raw, _ := json.Marshal(s)
	return s, m.d.DB.Tx(ctx, func(tx *db.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE enforce_sheets SET sheet = ?, updated_at = ? WHERE organ_id = ?`, string(raw), db.Now(), p.OrganID)
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n == 0 {
			if err := tx.Exec(ctx, `INSERT INTO enforce_sheets (organ_id, sheet, updated_at) VALUES (?, ?, ?)`, p.OrganID, string(raw), db.Now()); err != nil {
				return err
			}
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "enforce.sheet_save", ObjectType: "enforce_sheet", ObjectID: p.OrganID,
			Detail: map[string]any{"items": len(s.Items), "total": s.Total()}})
	})
}

// Campaign is an evaluation campaign with its committed pool.
type Campaign struct {
	ID         string        `json:"id"`
	OrganID    string        `json:"organ_id"`
	Year       int           `json:"year"`
	Title      string        `json:"title"`
	Sheet      Sheet         `json:"sheet"`
	Scope      []string      `json:"scope"` // body ids; empty = every body of the organ's area
	Rule       SampleRule    `json:"rule"`
	Commitment string        `json:"commitment"`
	PoolHash   string        `json:"pool_hash"`
	Pool       []Member      `json:"-"`
	PoolSize   int           `json:"pool_size"`
	Sample     []string      `json:"sample"`
	DrawnAt    string        `json:"drawn_at"`
	DrawnOn    calendar.Date `json:"drawn_on"`
	CreatedAt  string        `json:"created_at"`
	seed       string
}

// Drawn reports whether the sample has been drawn.
func (c *Campaign) Drawn() bool { return c.DrawnAt != "" }

const campaignCols = `id, organ_id, year, title, sheet, scope, sample_mode, sample_value, seed, commitment, pool, pool_hash, sample, drawn_at, drawn_on, created_at`

func scanCampaign(s db.Scanner) (*Campaign, error) {
	c := &Campaign{}
	var sheet, scope, pool, sample, drawnOn string
	if err := s.Scan(&c.ID, &c.OrganID, &c.Year, &c.Title, &sheet, &scope, &c.Rule.Mode, &c.Rule.Value, &c.seed, &c.Commitment, &pool,
		&c.PoolHash, &sample, &c.DrawnAt, &drawnOn, &c.CreatedAt); err != nil {
		return nil, err
	}
	c.Scope, c.DrawnOn = splitList(scope), dateOf(drawnOn)
	if err := json.Unmarshal([]byte(sheet), &c.Sheet); err != nil {
		return nil, fmt.Errorf("评查活动 %s 的评分表无法读取：%w", c.ID, err)
	}
	if pool != "" {
		if err := json.Unmarshal([]byte(pool), &c.Pool); err != nil {
			return nil, fmt.Errorf("评查活动 %s 的案卷库无法读取：%w", c.ID, err)
		}
	}
	if sample != "" {
		if err := json.Unmarshal([]byte(sample), &c.Sample); err != nil {
			return nil, fmt.Errorf("评查活动 %s 的样本无法读取：%w", c.ID, err)
		}
	}
	c.PoolSize = len(c.Pool)
	return c, nil
}

// SampleData is the campaign's verification data (the seed only once drawn).
func (c *Campaign) SampleData() *SampleData {
	d := &SampleData{CampaignID: c.ID, Title: c.Title, Year: c.Year, Rule: c.Rule, Commitment: c.Commitment, PoolHash: c.PoolHash,
		Pool: c.Pool, Sample: c.Sample, DrawnAt: c.DrawnAt}
	if c.Drawn() {
		d.Seed = c.seed
	}
	if d.Pool == nil {
		d.Pool = []Member{}
	}
	return d
}

// Campaign returns a campaign p may see (one of its area's organs).
func (m *Module) Campaign(ctx context.Context, q db.Querier, p *auth.Principal, id string) (*Campaign, error) {
	frag, args := m.scopeSQL(p, "organ_id")
	c, err := scanCampaign(q.QueryRowContext(ctx, `SELECT `+campaignCols+` FROM enforce_campaigns WHERE id = ? AND `+frag, append([]any{id}, args...)...))
	return c, db.Found(err, "评查活动")
}

// Campaigns lists the campaigns p sees, newest first.
func (m *Module) Campaigns(ctx context.Context, p *auth.Principal) ([]*Campaign, error) {
	frag, args := m.scopeSQL(p, "organ_id")
	return db.List(ctx, m.d.DB, scanCampaign, `SELECT `+campaignCols+` FROM enforce_campaigns WHERE `+frag+` ORDER BY year DESC, created_at DESC, id`, args...)
}

// CampaignInput creates an evaluation campaign.
type CampaignInput struct {
	Year        int      `json:"year" required:"true"`
	Title       string   `json:"title" required:"true"`
	Bodies      []string `json:"bodies" doc:"评查范围：执法主体 id；留空为本机关范围内全部执法主体"`
	SampleMode  string   `json:"sample_mode" required:"true" doc:"percent 每个主体每月按比例（向上取整）、fixed 每个主体固定件数"`
	SampleValue int      `json:"sample_value" required:"true" doc:"比例（%）或件数"`
	Sheet       *Sheet   `json:"sheet" doc:"评分表；留空用本机关的评分表"`
}

// CreateCampaign starts a campaign of the organ p acts for and publishes its commitment: the pool
// (every file of the scope decided in the year) is frozen and hashed, a seed drawn and only its
// SM3 published.
func (m *Module) CreateCampaign(ctx context.Context, p *auth.Principal, in CampaignInput) (*Campaign, error) {
	var fs fault.Fields
	if in.Title = strings.TrimSpace(in.Title); in.Title == "" {
		fs.Add("title", "请填写评查活动名称")
	}
	if in.Year < 2000 || in.Year > m.today().Year {
		fs.Add("year", fmt.Sprintf("年度应为2000到%d之间的四位年份", m.today().Year))
	}
	switch in.SampleMode {
	case SamplePercent:
		if in.SampleValue < 1 || in.SampleValue > 100 {
			fs.Add("sample_value", "抽取比例应在1%到100%之间")
		}
	case SampleFixed:
		if in.SampleValue < 1 || in.SampleValue > 1000 {
			fs.Add("sample_value", "每个执法主体抽取的件数应在1到1000之间")
		}
	default:
		fs.Add("sample_mode", "抽样方式只能是按比例或固定件数")
	}
	if err := fs.Err(); err != nil {
		return nil, err
	}
	sheet, err := m.SheetOf(ctx, m.d.DB, p.OrganID)
	if err != nil {
		return nil, err
	}
	if in.Sheet != nil {
		sheet = *in.Sheet
	}
	if err := sheet.Check(); err != nil {
		return nil, err
	}
	// The scope: the bodies named (each within p's reach), else every body p sees.
	var scopeFrag string
	var scopeArgs []any
	if len(in.Bodies) > 0 {
		seen := map[string]bool{}
		for _, id := range in.Bodies {
			if seen[id] {
				continue
			}
			seen[id] = true
			if _, err := m.Body(ctx, p, id); err != nil {
				return nil, fault.Field("bodies", "所选执法主体不存在或不在您的管理范围内")
			}
			scopeArgs = append(scopeArgs, id)
		}
		scopeFrag = `body_id IN (` + strings.TrimSuffix(strings.Repeat("?, ", len(scopeArgs)), ", ") + `)`
		in.Bodies = nil
		for _, a := range scopeArgs {
			in.Bodies = append(in.Bodies, a.(string))
		}
	} else {
		scopeFrag, scopeArgs = m.scopeSQL(p, "organ_id")
	}
	recs, err := db.List(ctx, m.d.DB, func(s db.Scanner) (Member, error) {
		var id, caseNo, body, decided string
		err := s.Scan(&id, &caseNo, &body, &decided)
		g := body
		if in.SampleMode == SamplePercent && len(decided) >= 7 {
			g = body + "/" + decided[:7]
		}
		return Member{ID: id, Name: caseNo, Group: g}, err
	}, `SELECT id, case_no, body_id, decided_on FROM enforce_records WHERE decided_on >= ? AND decided_on <= ? AND `+scopeFrag+` ORDER BY id`,
		append([]any{fmt.Sprintf("%04d-01-01", in.Year), fmt.Sprintf("%04d-12-31", in.Year)}, scopeArgs...)...)
	if err != nil {
		return nil, err
	}
	if len(recs) == 0 {
		return nil, fault.Field("year", fmt.Sprintf("评查范围内没有%d年作出决定的执法案卷", in.Year))
	}
	seed, err := NewSeed()
	if err != nil {
		return nil, err
	}
	c := &Campaign{ID: db.NewID(), OrganID: p.OrganID, Year: in.Year, Title: in.Title, Sheet: sheet, Scope: in.Bodies,
		Rule: SampleRule{Mode: in.SampleMode, Value: in.SampleValue}, Commitment: SM3Hex(seed), PoolHash: PoolHash(recs), Pool: recs,
		PoolSize: len(recs), CreatedAt: db.Now(), seed: seed}
	rawSheet, _ := json.Marshal(sheet)
	rawPool, _ := json.Marshal(recs)
	return c, m.d.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.Exec(ctx, `INSERT INTO enforce_campaigns (`+campaignCols+`, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', '', '', ?, ?)`,
			c.ID, c.OrganID, c.Year, c.Title, string(rawSheet), joinList(c.Scope), c.Rule.Mode, c.Rule.Value, seed, c.Commitment, string(rawPool),
			c.PoolHash, c.CreatedAt, p.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "enforce.campaign_create", ObjectType: "enforce_campaign", ObjectID: c.ID,
			Detail: map[string]any{"title": c.Title, "year": c.Year, "rule": c.Rule.Label(), "commitment": c.Commitment, "pool_hash": c.PoolHash, "pool": len(recs)}})
	})
}

// DrawSample reveals the campaign's seed and draws its files; one draw per campaign. Each sampled
// file becomes an evaluation waiting for its evaluator.
func (m *Module) DrawSample(ctx context.Context, p *auth.Principal, id string) (*Campaign, error) {
	var out *Campaign
	err := m.d.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.LockRow(ctx, "enforce_campaigns", id); err != nil {
			return db.Found(err, "评查活动")
		}
		c, err := m.Campaign(ctx, tx, p, id)
		if err != nil {
			return err
		}
		if c.Drawn() {
			return fault.Conflictf("该评查活动已于 %s 抽取案卷，不能重新抽取；如确需重抽，请另行建立评查活动", c.DrawnOn)
		}
		c.DrawnAt, c.DrawnOn = db.Now(), m.today()
		d := c.SampleData()
		d.Seed = c.seed
		d.Sample = Sample(c.seed, c.Pool, c.Rule)
		if err := VerifySample(d); err != nil { // the pool or seed changed since the commitment
			return err
		}
		c.Sample = d.Sample
		raw, _ := json.Marshal(c.Sample)
		if err := tx.ExecOne(ctx, `UPDATE enforce_campaigns SET sample = ?, drawn_at = ?, drawn_on = ? WHERE id = ? AND drawn_at = ''`,
			string(raw), c.DrawnAt, c.DrawnOn.String(), c.ID); err != nil {
			return err
		}
		frag, args := inList(c.Sample)
		recs, err := db.List(ctx, tx, scanRecord, `SELECT `+recordCols+` FROM enforce_records WHERE id IN (`+frag+`)`, args...)
		if err != nil {
			return err
		}
		if len(recs) != len(c.Sample) {
			return fault.Conflictf("抽中的案卷中有 %d 件已不在执法记录中", len(c.Sample)-len(recs))
		}
		now := db.Now()
		rows := make([][]any, 0, len(recs))
		for _, r := range recs {
			rows = append(rows, []any{db.NewID(), c.ID, r.OrganID, r.ID, r.BodyID, EvalPending, "", now})
		}
		if err := insertMany(ctx, tx, `INSERT INTO enforce_evaluations (id, campaign_id, organ_id, record_id, body_id, state, evaluator_id, created_at)`, 8, rows); err != nil {
			return err
		}
		out = c
		return audit.Record(ctx, tx, audit.Entry{Action: "enforce.campaign_draw", ObjectType: "enforce_campaign", ObjectID: c.ID,
			Detail: map[string]any{"seed": c.seed, "sample": len(c.Sample), "pool": len(c.Pool)}})
	})
	return out, err
}

// inList is "?, ?, …" for ids and the ids as arguments.
func inList(ids []string) (string, []any) {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return strings.TrimSuffix(strings.Repeat("?, ", len(ids)), ", "), args
}

// Evaluation states.
const (
	EvalPending   = "pending"    // 待指定评查人员
	EvalAssigned  = "assigned"   // 待评分
	EvalScored    = "scored"     // 已评分，待反馈
	EvalRectify   = "rectifying" // 已反馈，待整改
	EvalRectified = "rectified"  // 已整改
	EvalClosed    = "closed"     // 已反馈，无需整改
)

// EvalStates labels the states.
var EvalStates = []Choice{{EvalPending, "待指定评查人员"}, {EvalAssigned, "待评分"}, {EvalScored, "已评分待反馈"},
	{EvalRectify, "已反馈待整改"}, {EvalRectified, "已整改"}, {EvalClosed, "已反馈（无需整改）"}}

// Evaluation is one sampled file of a campaign.
type Evaluation struct {
	ID          string         `json:"id"`
	CampaignID  string         `json:"campaign_id"`
	OrganID     string         `json:"organ_id"`
	RecordID    string         `json:"record_id"`
	BodyID      string         `json:"body_id"`
	State       string         `json:"state"`
	EvaluatorID string         `json:"evaluator_id"`
	Score       int            `json:"score"`
	Grade       string         `json:"grade"`
	Deductions  map[string]int `json:"deductions"`
	Findings    string         `json:"findings"`
	ScoredOn    calendar.Date  `json:"scored_on"`
	SentOn      calendar.Date  `json:"sent_on"`
	RectifyDue  calendar.Date  `json:"rectify_due"`
	RectifiedOn calendar.Date  `json:"rectified_on"`
	RectifyNote string         `json:"rectify_note"`
	Version     int            `json:"version"`
	// Shown on pages.
	CaseNo    string `json:"case_no"`
	BodyName  string `json:"body_name"`
	Evaluator string `json:"evaluator"`
}

// GradeLabel is the grade in Chinese.
func (e *Evaluation) GradeLabel() string { return LabelOf(Grades, e.Grade) }

// StateLabel is the state in Chinese.
func (e *Evaluation) StateLabel() string { return LabelOf(EvalStates, e.State) }

const evalCols = `e.id, e.campaign_id, e.organ_id, e.record_id, e.body_id, e.state, e.evaluator_id, e.score, e.grade, e.deductions, e.findings,
	e.scored_on, e.sent_on, e.rectify_due, e.rectified_on, e.rectify_note, e.version, r.case_no, b.name, COALESCE(o.name, '')`

const evalFrom = ` FROM enforce_evaluations e JOIN enforce_records r ON r.id = e.record_id JOIN enforce_bodies b ON b.id = e.body_id
	LEFT JOIN enforce_officers o ON o.id = e.evaluator_id`

func scanEval(s db.Scanner) (*Evaluation, error) {
	e := &Evaluation{}
	var ded, scored, sent, due, rectified string
	if err := s.Scan(&e.ID, &e.CampaignID, &e.OrganID, &e.RecordID, &e.BodyID, &e.State, &e.EvaluatorID, &e.Score, &e.Grade, &ded, &e.Findings,
		&scored, &sent, &due, &rectified, &e.RectifyNote, &e.Version, &e.CaseNo, &e.BodyName, &e.Evaluator); err != nil {
		return nil, err
	}
	if ded != "" {
		if err := json.Unmarshal([]byte(ded), &e.Deductions); err != nil {
			return nil, err
		}
	}
	e.ScoredOn, e.SentOn, e.RectifyDue, e.RectifiedOn = dateOf(scored), dateOf(sent), dateOf(due), dateOf(rectified)
	return e, nil
}

// Evaluation returns an evaluation p may see: the 司法局 its area's, a body's liaison its own organ's.
func (m *Module) Evaluation(ctx context.Context, q db.Querier, p *auth.Principal, id string) (*Evaluation, error) {
	frag, args := m.scopeSQL(p, "e.organ_id")
	e, err := scanEval(q.QueryRowContext(ctx, `SELECT `+evalCols+evalFrom+` WHERE e.id = ? AND `+frag, append([]any{id}, args...)...))
	return e, db.Found(err, "评查案卷")
}

// Evaluations lists a campaign's files (campaignID) or a body's (bodyID) that p sees.
func (m *Module) Evaluations(ctx context.Context, p *auth.Principal, campaignID, bodyID string) ([]*Evaluation, error) {
	frag, args := m.scopeSQL(p, "e.organ_id")
	q := `SELECT ` + evalCols + evalFrom + ` WHERE ` + frag
	if campaignID != "" {
		q += ` AND e.campaign_id = ?`
		args = append(args, campaignID)
	}
	if bodyID != "" {
		q += ` AND e.body_id = ?`
		args = append(args, bodyID)
	}
	return db.List(ctx, m.d.DB, scanEval, q+` ORDER BY b.name, r.case_no, e.id`, args...)
}

func (m *Module) loadEvalTx(ctx context.Context, tx *db.Tx, p *auth.Principal, id string) (*Evaluation, error) {
	return m.Evaluation(ctx, tx, p, id)
}

func (m *Module) saveEval(ctx context.Context, tx *db.Tx, e *Evaluation) error {
	ded := ""
	if e.Deductions != nil {
		raw, _ := json.Marshal(e.Deductions)
		ded = string(raw)
	}
	return tx.ExecOne(ctx, `UPDATE enforce_evaluations SET state = ?, evaluator_id = ?, score = ?, grade = ?, deductions = ?, findings = ?, scored_on = ?,
		sent_on = ?, rectify_due = ?, rectified_on = ?, rectify_note = ?, version = version + 1 WHERE id = ? AND version = ?`,
		e.State, e.EvaluatorID, e.Score, e.Grade, ded, e.Findings, e.ScoredOn.String(), e.SentOn.String(), e.RectifyDue.String(),
		e.RectifiedOn.String(), e.RectifyNote, e.ID, e.Version)
}

func (m *Module) campaignOf(ctx context.Context, tx *db.Tx, e *Evaluation) (*Campaign, error) {
	return scanCampaign(tx.QueryRowContext(ctx, `SELECT `+campaignCols+` FROM enforce_campaigns WHERE id = ?`, e.CampaignID))
}

// AssignInput names a file's evaluator.
type AssignInput struct {
	casework.Step
	EvaluatorID string `json:"evaluator_id" required:"true" doc:"评查人员（执法人员 id，不得来自被评查主体）"`
}

// Assign names (or changes, before scoring) the evaluator of a file: never an officer of the
// evaluated body.
func (m *Module) Assign(ctx context.Context, p *auth.Principal, id string, in AssignInput) (*Evaluation, error) {
	return m.evalKind.Run(ctx, m.d.DB, m.today(), p, id, casework.Transition[*Evaluation]{
		Action: "assign", Step: &in.Step, From: []string{EvalPending, EvalAssigned},
		Apply: func(tx *db.Tx, e *Evaluation, ev *casework.Event) error {
			o, err := m.Officer(ctx, p, strings.TrimSpace(in.EvaluatorID))
			if err != nil {
				return fault.Field("evaluator_id", "请选择评查人员（本机关范围内的执法人员）")
			}
			if o.BodyID == e.BodyID {
				return fault.Field("evaluator_id", "评查人员不得来自被评查的执法主体（"+e.BodyName+"）")
			}
			e.EvaluatorID, e.Evaluator, e.State = o.ID, o.Name, EvalAssigned
			ev.Detail = "评查人员：" + o.Name
			return nil
		},
	})
}

// ScoreInput scores one file on the campaign's sheet.
type ScoreInput struct {
	casework.Step
	Deductions map[string]int `json:"deductions" doc:"评分项名称 → 扣分"`
	Vetoed     []string       `json:"vetoed" doc:"不符合的否决项名称"`
	Findings   string         `json:"findings" doc:"发现的问题（反馈给执法主体）"`
}

// Score grades a file: by the campaign's sheet, after the draw.
func (m *Module) Score(ctx context.Context, p *auth.Principal, id string, in ScoreInput) (*Evaluation, error) {
	return m.evalKind.Run(ctx, m.d.DB, m.today(), p, id, casework.Transition[*Evaluation]{
		Action: "score", Step: &in.Step, From: []string{EvalAssigned},
		Apply: func(tx *db.Tx, e *Evaluation, ev *casework.Event) error {
			c, err := m.campaignOf(ctx, tx, e)
			if err != nil {
				return err
			}
			if err := casework.NotBefore(in.On, c.DrawnOn, "抽取日期"); err != nil {
				return err
			}
			score, grade, err := c.Sheet.Grade(in.Deductions, in.Vetoed)
			if err != nil {
				return err
			}
			ded := map[string]int{}
			for k, v := range in.Deductions {
				if v > 0 {
					ded[k] = v
				}
			}
			e.Score, e.Grade, e.Deductions, e.Findings, e.ScoredOn, e.State = score, grade, ded, strings.TrimSpace(in.Findings), in.On, EvalScored
			if len(in.Vetoed) > 0 {
				e.Findings = strings.TrimSpace("否决项不符合：" + strings.Join(in.Vetoed, "、") + "。" + e.Findings)
			}
			ev.Detail = fmt.Sprintf("%d 分，%s", score, LabelOf(Grades, grade))
			return nil
		},
	})
}

// NeedsRectify: a failed file, or one with problems found, is sent back for rectification.
func (e *Evaluation) NeedsRectify() bool { return e.Grade == "fail" || e.Findings != "" }

// Send sends a scored file's result back to its body; a file to rectify gets the organ's
// rectification period (the one of a 监督意见书), counted from the day sent and rolled off rest days.
func (m *Module) Send(ctx context.Context, p *auth.Principal, id string, st casework.Step) (*Evaluation, error) {
	var out *Evaluation
	if err := st.Prepare(m.today()); err != nil {
		return nil, err
	}
	err := m.d.DB.Tx(ctx, func(tx *db.Tx) error {
		var err error
		out, err = m.sendTx(ctx, tx, p, id, st)
		return err
	})
	return out, err
}

func (m *Module) sendTx(ctx context.Context, tx *db.Tx, p *auth.Principal, id string, st casework.Step) (*Evaluation, error) {
	return m.evalKind.RunTx(ctx, tx, m.today(), p, id, casework.Transition[*Evaluation]{
		Action: "send", Step: &st, From: []string{EvalScored},
		Apply: func(tx *db.Tx, e *Evaluation, ev *casework.Event) error {
			if err := casework.NotBefore(st.On, e.ScoredOn, "评分日期"); err != nil {
				return err
			}
			e.SentOn, e.State = st.On, EvalClosed
			if e.NeedsRectify() {
				days, err := m.set.Int(ctx, tx, e.OrganID, SettingRectifyDays)
				if err != nil {
					return err
				}
				e.State, e.RectifyDue = EvalRectify, m.d.Calendar.Current().AddCalendarDays(st.On, days)
				ev.Detail = fmt.Sprintf("反馈评查结果，限 %s 前整改（%d 日）", e.RectifyDue, days)
			} else {
				ev.Detail = "反馈评查结果，无需整改"
			}
			return m.evaluationSent(ctx, tx, e)
		},
	})
}

// SendAll sends back every scored, unsent file of a campaign; it returns how many.
func (m *Module) SendAll(ctx context.Context, p *auth.Principal, campaignID string, st casework.Step) (int, error) {
	if err := st.Prepare(m.today()); err != nil {
		return 0, err
	}
	c, err := m.Campaign(ctx, m.d.DB, p, campaignID)
	if err != nil {
		return 0, err
	}
	es, err := m.Evaluations(ctx, p, c.ID, "")
	if err != nil {
		return 0, err
	}
	n := 0
	err = m.d.DB.Tx(ctx, func(tx *db.Tx) error {
		for _, e := range es {
			if e.State != EvalScored {
				continue
			}
			if _, err := m.sendTx(ctx, tx, p, e.ID, casework.Step{On: st.On, Note: st.Note}); err != nil {
				return fmt.Errorf("%s：%w", e.CaseNo, err)
			}
			n++
		}
		if n == 0 {
			return fault.Conflictf("没有已评分待反馈的案卷")
		}
		return nil
	})
	return n, err
}

// RectifyInput is the body's report of its rectification.
type RectifyInput struct {
	casework.Step
}

// Rectify records the body's rectification of a file sent back.
func (m *Module) Rectify(ctx context.Context, p *auth.Principal, id string, in RectifyInput) (*Evaluation, error) {
	return m.evalKind.Run(ctx, m.d.DB, m.today(), p, id, casework.Transition[*Evaluation]{
		Action: "rectify", Step: &in.Step, From: []string{EvalRectify},
		Apply: func(tx *db.Tx, e *Evaluation, ev *casework.Event) error {
			if in.Note == "" {
				return fault.Field("note", "请填写整改情况")
			}
			if err := casework.NotBefore(in.On, e.SentOn, "反馈日期"); err != nil {
				return err
			}
			e.State, e.RectifiedOn, e.RectifyNote = EvalRectified, in.On, in.Note
			if in.On.After(e.RectifyDue) {
				ev.Detail = "逾期整改（期限 " + e.RectifyDue.String() + "）"
			}
			return nil
		},
	})
}

// CampaignSummary counts a campaign's files by grade and state.
type CampaignSummary struct {
	Grades map[string]int
	States map[string]int
	Passed int
	Scored int
}

// Summarise counts the files.
func Summarise(es []*Evaluation) CampaignSummary {
	s := CampaignSummary{Grades: map[string]int{}, States: map[string]int{}}
	for _, e := range es {
		s.States[e.State]++
		if e.Grade != "" {
			s.Grades[e.Grade]++
			s.Scored++
			if e.Grade != "fail" {
				s.Passed++
			}
		}
	}
	return s
}
