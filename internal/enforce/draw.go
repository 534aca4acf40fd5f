package enforce

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"sort"
	"strings"

	"github.com/emmansun/gmsm/sm3"
	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/fault"
)

// 双随机一公开 with a draw anyone can check (issue 15 item 7; algorithm in docs/draw.md):
// publishing a plan commits to SM3(seed) and to the SM3 of each frozen pool; the draw reveals the
// seed; the selection is a pure function of the seed, the pools and the rule.

// Member is one entry of a pool: a target (市场主体 …) or an inspector (执法人员). Group is the
// body an inspector belongs to (or a target is part of); Avoid lists target ids an inspector must
// not inspect (回避).
type Member struct {
	ID    string   `json:"id"`
	Name  string   `json:"name"`
	Group string   `json:"group,omitempty"`
	Avoid []string `json:"avoid,omitempty"`
}

// SM3Hex is the SM3 digest of s as 64 lowercase hex digits.
func SM3Hex(s string) string {
	sum := sm3.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// PoolHash is the SM3 of a pool's canonical text: one line per member sorted by id,
// "<id>\t<group>\t<avoid ids sorted, joined by ,>\n".
func PoolHash(pool []Member) string {
	ms := slices.Clone(pool)
	sort.Slice(ms, func(i, j int) bool { return ms[i].ID < ms[j].ID })
	var b strings.Builder
	for _, m := range ms {
		av := slices.Clone(m.Avoid)
		sort.Strings(av)
		b.WriteString(m.ID + "\t" + m.Group + "\t" + strings.Join(av, ",") + "\n")
	}
	return SM3Hex(b.String())
}

// Rank orders a pool by SM3("<seed>:<id>") ascending (the id breaks a tie, never seen in practice).
func Rank(seed string, pool []Member) []Member {
	type keyed struct {
		k string
		m Member
	}
	ks := make([]keyed, len(pool))
	for i, m := range pool {
		ks[i] = keyed{SM3Hex(seed + ":" + m.ID), m}
	}
	sort.Slice(ks, func(i, j int) bool {
		if ks[i].k != ks[j].k {
			return ks[i].k < ks[j].k
		}
		return ks[i].m.ID < ks[j].m.ID
	})
	out := make([]Member, len(ks))
	for i, k := range ks {
		out[i] = k.m
	}
	return out
}

// Rule is what a plan draws.
type Rule struct {
	Targets          int  `json:"targets"`               // k targets
	PerTarget        int  `json:"inspectors_per_target"` // m inspectors for each
	ExcludeSameGroup bool `json:"exclude_same_body"`     // no inspector of the target's own body
}

// Assignment is one drawn target with its inspectors.
type Assignment struct {
	Target     string   `json:"target"`
	Inspectors []string `json:"inspectors"`
}

// Select is the draw: the first k targets of the ranked target pool; then, for each in that order,
// the next m eligible inspectors walking the ranked inspector list from where the previous target
// stopped (wrapping round), so work is spread; ineligible are those of the target's body (when
// the rule says so) and those who must 回避 the target.
func Select(seed string, targets, inspectors []Member, r Rule) ([]Assignment, error) {
	if r.Targets < 1 || r.PerTarget < 1 {
		return nil, errors.New("抽取数量应为正数")
	}
	rt := Rank(seed, targets)
	if len(rt) < r.Targets {
		return nil, fmt.Errorf("检查对象库只有 %d 个对象，少于抽取数 %d", len(rt), r.Targets)
	}
	ri := Rank(seed, inspectors)
	n := len(ri)
	pos := 0
	out := make([]Assignment, 0, r.Targets)
	for _, t := range rt[:r.Targets] {
		a := Assignment{Target: t.ID}
		scanned := 0
		for ; scanned < n && len(a.Inspectors) < r.PerTarget; scanned++ {
			in := ri[(pos+scanned)%n]
			if r.ExcludeSameGroup && in.Group != "" && in.Group == t.Group {
				continue
			}
			if slices.Contains(in.Avoid, t.ID) {
				continue
			}
			a.Inspectors = append(a.Inspectors, in.ID)
		}
		if len(a.Inspectors) < r.PerTarget {
			return nil, fmt.Errorf("对象 %s 可选的执法人员只有 %d 名，少于每组 %d 名", t.ID, len(a.Inspectors), r.PerTarget)
		}
		if n > 0 {
			pos = (pos + scanned) % n
		}
		out = append(out, a)
	}
	return out, nil
}

// Plan is a 双随机 plan with its commitment.
type Plan struct {
	ID                string        `json:"id"`
	OrganID           string        `json:"organ_id"`
	BodyID            string        `json:"body_id"`
	Title             string        `json:"title"`
	Items             []string      `json:"items"`
	Rule              Rule          `json:"rule"`
	PeriodFrom        calendar.Date `json:"period_from"`
	PeriodTo          calendar.Date `json:"period_to"`
	Commitment        string        `json:"commitment"`
	TargetPool        []Member      `json:"target_pool"`
	TargetPoolHash    string        `json:"target_pool_hash"`
	InspectorPool     []Member      `json:"inspector_pool"`
	InspectorPoolHash string        `json:"inspector_pool_hash"`
	PublishedAt       string        `json:"published_at"`
	seed              string
}

// Draw is a performed draw: the revealed seed and the result.
type Draw struct {
	ID      string       `json:"id"`
	PlanID  string       `json:"plan_id"`
	DrawnAt string       `json:"drawn_at"`
	Seed    string       `json:"seed"`
	Result  []Assignment `json:"result"`
}

// PublicDraw is everything the public page shows: enough to recompute the draw without fazhi.
type PublicDraw struct {
	Draw
	Plan *Plan `json:"plan"`
}

// PlanInput creates a plan. Without an inspector pool, the officers of the body holding a
// certificate valid on the day are taken.
type PlanInput struct {
	BodyID           string   `json:"body_id" required:"true"`
	Title            string   `json:"title" required:"true"`
	Items            []string `json:"items" doc:"抽查事项"`
	Targets          []Member `json:"targets" required:"true" doc:"检查对象库（id 唯一）"`
	Inspectors       []Member `json:"inspectors" doc:"执法人员库；留空则取本主体持有效执法证的人员"`
	TargetCount      int      `json:"target_count" required:"true"`
	PerTarget        int      `json:"inspectors_per_target" doc:"每个对象的执法人员数，默认 2"`
	ExcludeSameGroup bool     `json:"exclude_same_body" doc:"不抽取与对象同一主体的执法人员"`
	PeriodFrom       string   `json:"period_from" doc:"检查期间开始 YYYY-MM-DD"`
	PeriodTo         string   `json:"period_to" doc:"检查期间结束 YYYY-MM-DD"`
}

func checkPool(field, what string, pool []Member) error {
	if len(pool) == 0 {
		return fault.Field(field, what+"库不能为空")
	}
	seen := map[string]bool{}
	for i, m := range pool {
		m.ID = strings.TrimSpace(m.ID)
		if m.ID == "" || strings.ContainsAny(m.ID, "\t\n,:") {
			return fault.Field(field, fmt.Sprintf("%s库第%d项的编号为空或含有制表符、换行、逗号或冒号", what, i+1))
		}
		if seen[m.ID] {
			return fault.Field(field, fmt.Sprintf("%s库中编号 %s 重复", what, m.ID))
		}
		seen[m.ID] = true
		pool[i] = m
	}
	return nil
}

// NewSeed is 32 random bytes as 64 lowercase hex digits.
func NewSeed() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

// CreatePlan publishes a plan: the pools are frozen and hashed, the seed is drawn and only its
// SM3 is published (commit).
func (m *Module) CreatePlan(ctx context.Context, p *auth.Principal, in PlanInput) (*Plan, error) {
	var fs fault.Fields
	in.Title = strings.TrimSpace(in.Title)
	if in.Title == "" {
		fs.Add("title", "请填写计划名称")
	}
	if in.PerTarget == 0 {
		in.PerTarget = 2
	}
	if in.PerTarget < 2 {
		fs.Add("inspectors_per_target", "每个对象至少抽取两名执法人员（《行政处罚法》第四十二条）")
	}
	if err := fs.Err(); err != nil {
		return nil, err
	}
	b, err := m.Body(ctx, p, in.BodyID)
	if err != nil {
		return nil, fault.Field("body_id", "执法主体不存在或不在您的管理范围内")
	}
	if len(in.Inspectors) == 0 {
		if in.Inspectors, err = m.certifiedOfficers(ctx, b.ID, m.today()); err != nil {
			return nil, err
		}
	}
	if err := checkPool("targets", "检查对象", in.Targets); err != nil {
		return nil, err
	}
	if err := checkPool("inspectors", "执法人员", in.Inspectors); err != nil {
		return nil, err
	}
	if in.TargetCount < 1 || in.TargetCount > len(in.Targets) {
		return nil, fault.Field("target_count", fmt.Sprintf("抽取对象数应在1到%d之间", len(in.Targets)))
	}
	seed, err := NewSeed()
	if err != nil {
		return nil, err
	}
	pl := &Plan{ID: db.NewID(), OrganID: b.OrganID, BodyID: b.ID, Title: in.Title, Items: in.Items,
		Rule:       Rule{Targets: in.TargetCount, PerTarget: in.PerTarget, ExcludeSameGroup: in.ExcludeSameGroup},
		Commitment: SM3Hex(seed), TargetPool: in.Targets, TargetPoolHash: PoolHash(in.Targets),
		InspectorPool: in.Inspectors, InspectorPoolHash: PoolHash(in.Inspectors), PublishedAt: db.Now(), seed: seed}
	if pl.PeriodFrom, err = optDate("period_from", in.PeriodFrom); err != nil {
		return nil, err
	}
	if pl.PeriodTo, err = optDate("period_to", in.PeriodTo); err != nil {
		return nil, err
	}
	// A plan that cannot be drawn is refused now, not at draw time (the check uses a throw-away seed).
	if _, err := Select(strings.Repeat("0", 64), pl.TargetPool, pl.InspectorPool, pl.Rule); err != nil {
		if strings.Contains(err.Error(), "执法人员") {
			return nil, fault.Field("inspectors", err.Error())
		}
	}
	tp, _ := json.Marshal(pl.TargetPool)
	ip, _ := json.Marshal(pl.InspectorPool)
	err = m.d.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.Exec(ctx, `INSERT INTO enforce_plans (id, organ_id, body_id, title, items, target_count, inspectors_per_target, exclude_same_body,
			period_from, period_to, seed, commitment, target_pool, target_pool_hash, inspector_pool, inspector_pool_hash, published_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			pl.ID, pl.OrganID, pl.BodyID, pl.Title, joinList(pl.Items), pl.Rule.Targets, pl.Rule.PerTarget, db.BoolInt(pl.Rule.ExcludeSameGroup),
			pl.PeriodFrom.String(), pl.PeriodTo.String(), seed, pl.Commitment, string(tp), pl.TargetPoolHash, string(ip), pl.InspectorPoolHash,
			pl.PublishedAt, p.UserID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Entry{Action: "enforce.plan_publish", ObjectType: "enforce_plan", ObjectID: pl.ID,
			Detail: map[string]any{"title": pl.Title, "commitment": pl.Commitment, "target_pool_hash": pl.TargetPoolHash,
				"inspector_pool_hash": pl.InspectorPoolHash, "targets": pl.Rule.Targets}})
	})
	return pl, err
}

func optDate(field, s string) (calendar.Date, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return calendar.Date{}, nil
	}
	d, err := calendar.ParseDate(s)
	if err != nil {
		return d, fault.Field(field, "日期格式应为 YYYY-MM-DD")
	}
	return d, nil
}

// certifiedOfficers is the inspector pool of a body: officers holding a certificate valid on day.
func (m *Module) certifiedOfficers(ctx context.Context, bodyID string, day calendar.Date) ([]Member, error) {
	idx, err := m.certIndex(ctx, m.d.DB)
	if err != nil {
		return nil, err
	}
	offs, err := db.List(ctx, m.d.DB, scanOfficer, `SELECT `+officerCols+` FROM enforce_officers WHERE body_id = ? ORDER BY id`, bodyID)
	if err != nil {
		return nil, err
	}
	valid := map[string]bool{}
	for _, c := range idx {
		if c.ValidOn(day) {
			valid[c.OfficerID] = true
		}
	}
	var out []Member
	for _, o := range offs {
		if valid[o.ID] {
			out = append(out, Member{ID: o.ID, Name: o.Name, Group: o.BodyID})
		}
	}
	return out, nil
}

const planCols = `id, organ_id, body_id, title, items, target_count, inspectors_per_target, exclude_same_body, period_from, period_to,
	seed, commitment, target_pool, target_pool_hash, inspector_pool, inspector_pool_hash, published_at`

func scanPlan(s db.Scanner) (*Plan, error) {
	pl := &Plan{}
	var items, from, to, tp, ip string
	var excl int
	if err := s.Scan(&pl.ID, &pl.OrganID, &pl.BodyID, &pl.Title, &items, &pl.Rule.Targets, &pl.Rule.PerTarget, &excl, &from, &to,
		&pl.seed, &pl.Commitment, &tp, &pl.TargetPoolHash, &ip, &pl.InspectorPoolHash, &pl.PublishedAt); err != nil {
		return nil, err
	}
	pl.Items, pl.Rule.ExcludeSameGroup, pl.PeriodFrom, pl.PeriodTo = splitList(items), excl == 1, dateOf(from), dateOf(to)
	if err := json.Unmarshal([]byte(tp), &pl.TargetPool); err != nil {
		return nil, fmt.Errorf("计划 %s 的对象库无法读取：%w", pl.ID, err)
	}
	if err := json.Unmarshal([]byte(ip), &pl.InspectorPool); err != nil {
		return nil, fmt.Errorf("计划 %s 的人员库无法读取：%w", pl.ID, err)
	}
	return pl, nil
}

// PlanByID returns a plan (public: plans are published on creation).
func (m *Module) PlanByID(ctx context.Context, q db.Querier, id string) (*Plan, error) {
	pl, err := scanPlan(q.QueryRowContext(ctx, `SELECT `+planCols+` FROM enforce_plans WHERE id = ?`, id))
	return pl, db.Found(err, "抽查计划")
}

// Plans lists the plans p sees, newest first.
func (m *Module) Plans(ctx context.Context, p *auth.Principal) ([]*Plan, error) {
	frag, args := m.scopeSQL(p, "organ_id")
	return db.List(ctx, m.d.DB, scanPlan, `SELECT `+planCols+` FROM enforce_plans WHERE `+frag+` ORDER BY published_at DESC, id DESC`, args...)
}

// checkCommitment verifies a plan's pools and seed against what was published.
func checkCommitment(pl *Plan, seed string) error {
	var bad []string
	if SM3Hex(seed) != pl.Commitment {
		bad = append(bad, "种子的 SM3 与公布的承诺值不符")
	}
	if PoolHash(pl.TargetPool) != pl.TargetPoolHash {
		bad = append(bad, "检查对象库与公布时的摘要不符（对象库在公布后被改动）")
	}
	if PoolHash(pl.InspectorPool) != pl.InspectorPoolHash {
		bad = append(bad, "执法人员库与公布时的摘要不符（人员库在公布后被改动）")
	}
	if len(bad) > 0 {
		return fault.Conflictf("%s", strings.Join(bad, "；"))
	}
	return nil
}

// DrawPlan performs the plan's one draw: the pools are checked against the commitment, the seed
// is revealed and the selection stored. A second draw of the same plan is refused.
func (m *Module) DrawPlan(ctx context.Context, p *auth.Principal, planID string) (*Draw, error) {
	var out *Draw
	err := m.d.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := tx.LockRow(ctx, "enforce_plans", planID); err != nil {
			return db.Found(err, "抽查计划")
		}
		frag, args := m.scopeSQL(p, "organ_id")
		pl, err := scanPlan(tx.QueryRowContext(ctx, `SELECT `+planCols+` FROM enforce_plans WHERE id = ? AND `+frag, append([]any{planID}, args...)...))
		if err != nil {
			return db.Found(err, "抽查计划")
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM enforce_draws WHERE plan_id = ?`, planID).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return fault.Conflictf("该计划已经抽取过，不能重新抽取；如确需重抽，请另行制定并公布新的抽查计划")
		}
		if err := checkCommitment(pl, pl.seed); err != nil {
			return err
		}
		res, err := Select(pl.seed, pl.TargetPool, pl.InspectorPool, pl.Rule)
		if err != nil {
			return fault.Conflictf("%s", err.Error())
		}
		raw, _ := json.Marshal(res)
		d := &Draw{ID: db.NewID(), PlanID: pl.ID, DrawnAt: db.Now(), Seed: pl.seed, Result: res}
		if err := tx.Exec(ctx, `INSERT INTO enforce_draws (id, plan_id, organ_id, drawn_at, drawn_on, result, targets, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
			d.ID, pl.ID, pl.OrganID, d.DrawnAt, m.today().String(), string(raw), len(res), p.UserID); err != nil {
			if db.IsUnique(err) {
				return fault.Conflictf("该计划已经抽取过，不能重新抽取")
			}
			return err
		}
		out = d
		return audit.Record(ctx, tx, audit.Entry{Action: "enforce.draw", ObjectType: "enforce_draw", ObjectID: d.ID,
			Detail: map[string]any{"plan_id": pl.ID, "seed": pl.seed, "targets": len(res)}})
	})
	return out, err
}

// PublicDrawByID is the public page's data of a draw.
func (m *Module) PublicDrawByID(ctx context.Context, id string) (*PublicDraw, error) {
	var d PublicDraw
	var raw string
	err := m.d.DB.QueryRowContext(ctx, `SELECT id, plan_id, drawn_at, result FROM enforce_draws WHERE id = ?`, id).Scan(&d.ID, &d.PlanID, &d.DrawnAt, &raw)
	if err != nil {
		return nil, db.Found(err, "抽取")
	}
	if err := json.Unmarshal([]byte(raw), &d.Result); err != nil {
		return nil, fmt.Errorf("抽取 %s 的结果无法读取：%w", id, err)
	}
	if d.Plan, err = m.PlanByID(ctx, m.d.DB, d.PlanID); err != nil {
		return nil, err
	}
	d.Seed = d.Plan.seed
	return &d, nil
}

// DrawOfPlan returns the id of the plan's draw ("" when not yet drawn).
func (m *Module) DrawOfPlan(ctx context.Context, planID string) (string, error) {
	var id string
	err := m.d.DB.QueryRowContext(ctx, `SELECT id FROM enforce_draws WHERE plan_id = ?`, planID).Scan(&id)
	if errors.Is(db.Found(err, ""), db.ErrNotFound) {
		return "", nil
	}
	return id, err
}

// VerifyDraw recomputes a draw from its stored plan and says what does not match.
func VerifyDraw(d *PublicDraw) error {
	if err := checkCommitment(d.Plan, d.Seed); err != nil {
		return err
	}
	res, err := Select(d.Seed, d.Plan.TargetPool, d.Plan.InspectorPool, d.Plan.Rule)
	if err != nil {
		return fault.Conflictf("按公布的规则无法重算：%v", err)
	}
	a, _ := json.Marshal(res)
	b, _ := json.Marshal(d.Result)
	if string(a) != string(b) {
		return fault.Conflictf("重算结果与公布的抽取结果不一致")
	}
	return nil
}

// CLIVerifyDraw is `fazhi enforce verify-draw --draw ID`.
func CLIVerifyDraw(ctx context.Context, m *Module, id string, out io.Writer) error {
	if id == "" {
		return errors.New("请用 --draw 指定抽取编号（公开页面上的编号），或用 --campaign 指定案卷评查活动编号")
	}
	d, err := m.PublicDrawByID(ctx, id)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "抽取 %s（计划：%s）\n种子：%s\n承诺值 SM3(种子)：%s\n对象库摘要：%s（%d 个）\n人员库摘要：%s（%d 名）\n",
		d.ID, d.Plan.Title, d.Seed, d.Plan.Commitment, d.Plan.TargetPoolHash, len(d.Plan.TargetPool), d.Plan.InspectorPoolHash, len(d.Plan.InspectorPool))
	if err := VerifyDraw(d); err != nil {
		fmt.Fprintf(out, "复核未通过：%s\n", fault.Message(err))
		return fmt.Errorf("抽取 %s 复核未通过：%s", id, fault.Message(err))
	}
	fmt.Fprintf(out, "复核通过：按公布的种子、对象库、人员库和规则重算，%d 个对象及其执法人员与公布结果一致\n", len(d.Result))
	return nil
}

// ---- 案卷评查 sampling: the same commitment, pool hash and SM3 ranking ----

// Sampling modes of a campaign.
const (
	SamplePercent = "percent" // Value % of each group's files, rounded up
	SampleFixed   = "fixed"   // Value files of each group (all when fewer)
)

// SampleRule is a campaign's sampling rule; the groups are the pool members' Group (a body and
// month for a percentage, a body for a fixed number).
type SampleRule struct {
	Mode  string `json:"mode"`
	Value int    `json:"value"`
}

// Quota is how many of a group of n files the rule takes.
func (r SampleRule) Quota(n int) int {
	if r.Mode == SamplePercent {
		return (n*r.Value + 99) / 100
	}
	return min(r.Value, n)
}

// Label describes the rule in Chinese.
func (r SampleRule) Label() string {
	if r.Mode == SamplePercent {
		return fmt.Sprintf("每个执法主体每月抽取不少于 %d%% 的案卷（向上取整）", r.Value)
	}
	return fmt.Sprintf("每个执法主体抽取 %d 件案卷（不足的全部抽取）", r.Value)
}

// Sample is the campaign's draw: walking the pool ranked by SM3("<seed>:<id>"), a member is taken
// while its group has fewer than its quota. The ids come out in rank order.
func Sample(seed string, pool []Member, r SampleRule) []string {
	size := map[string]int{}
	for _, m := range pool {
		size[m.Group]++
	}
	taken := map[string]int{}
	var out []string
	for _, m := range Rank(seed, pool) {
		if taken[m.Group] < r.Quota(size[m.Group]) {
			taken[m.Group]++
			out = append(out, m.ID)
		}
	}
	return out
}

// SampleData is what checks a campaign's sample: the rule, the committed pool and its hash, the
// commitment, and (once drawn) the seed and the sample.
type SampleData struct {
	CampaignID string     `json:"campaign_id"`
	Title      string     `json:"title"`
	Year       int        `json:"year"`
	Rule       SampleRule `json:"rule"`
	Commitment string     `json:"commitment"`
	PoolHash   string     `json:"pool_hash"`
	Pool       []Member   `json:"pool"`
	Seed       string     `json:"seed,omitempty"`
	Sample     []string   `json:"sample,omitempty"`
	DrawnAt    string     `json:"drawn_at,omitempty"`
}

// VerifySample recomputes a campaign's sample and says what does not match.
func VerifySample(d *SampleData) error {
	var bad []string
	if d.Seed == "" {
		return fault.Conflictf("评查案卷尚未抽取，种子未公开")
	}
	if SM3Hex(d.Seed) != d.Commitment {
		bad = append(bad, "种子的 SM3 与公布的承诺值不符")
	}
	if PoolHash(d.Pool) != d.PoolHash {
		bad = append(bad, "案卷库与公布时的摘要不符（案卷库在公布后被改动）")
	}
	if len(bad) > 0 {
		return fault.Conflictf("%s", strings.Join(bad, "；"))
	}
	if !slices.Equal(Sample(d.Seed, d.Pool, d.Rule), d.Sample) {
		return fault.Conflictf("重算的样本与公布的抽取结果不一致")
	}
	return nil
}

// CLIVerifySample is `fazhi enforce verify-draw --campaign ID`: the campaign's sample recomputed
// from its committed pool and revealed seed.
func CLIVerifySample(ctx context.Context, m *Module, id string, out io.Writer) error {
	c, err := m.Campaign(ctx, m.d.DB, &auth.Principal{Scope: auth.ScopeAll}, id)
	if err != nil {
		return err
	}
	d := c.SampleData()
	fmt.Fprintf(out, "评查活动 %s（%s）\n规则：%s\n种子：%s\n承诺值 SM3(种子)：%s\n案卷库摘要：%s（%d 件）\n",
		c.ID, c.Title, c.Rule.Label(), d.Seed, d.Commitment, d.PoolHash, len(d.Pool))
	if err := VerifySample(d); err != nil {
		fmt.Fprintf(out, "复核未通过：%s\n", fault.Message(err))
		return fmt.Errorf("评查活动 %s 抽样复核未通过：%s", id, fault.Message(err))
	}
	fmt.Fprintf(out, "复核通过：按公布的种子、案卷库和规则重算，%d 件样本与公布结果一致\n", len(d.Sample))
	return nil
}
