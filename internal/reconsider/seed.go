package reconsider

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/org"
)

// Demo data of 行政复议. One planner draws each case's life (receipt, 补正, acceptance, copy, reply,
// hearing, suspension, extension, conclusion, performance) with realistic mixes; two writers carry the
// plan out: at county scale through the service, so every event, deadline and audit entry is what the
// platform itself would write; at province scale with multi-row INSERTs that reproduce the same facts,
// because 100,000 cases through the service would take far too long. Deterministic for a given
// scale and day: each county draws from its own seeded generator; dates run up to today, so the
// workbench shows cases due today, soon and overdue.

// seedOptions size the generated data.
type seedOptions struct {
	casesPerYear float64 // per county and year
	years        int     // the current year and years-1 before it; 0: from 2025-01-01
	bulk         bool
}

// Seeder returns the demo seeder: `fazhi demo` (county scale, a few hundred cases per county for
// 2025–2026, written through the service) or `fazhi demo --scale province` (about 100,000 cases:
// 100 counties × 5 years, bulk-written).
func Seeder(svc *Service) demo.Seeder {
	return func(ctx context.Context, w *demo.World) (string, error) {
		if w.Scale == "province" {
			return svc.seed(ctx, w, seedOptions{casesPerYear: 200, years: 5, bulk: true})
		}
		return svc.seed(ctx, w, seedOptions{casesPerYear: 160})
	}
}

func (s *Service) seed(ctx context.Context, w *demo.World, opt seedOptions) (string, error) {
	today := s.Today()
	start := calendar.MustDate("2025-01-01")
	if opt.years > 0 {
		start = calendar.Date{Year: today.Year - opt.years + 1, Month: time.January, Day: 1}
	}
	began := time.Now()
	total := 0
	bulk := &bulkCounters{next: map[string]int{}}
	for i, county := range w.Counties {
		r := rand.New(rand.NewPCG(2026, uint64(i)+1))
		n := int(opt.casesPerYear * float64(start.DaysUntil(today)+1) / 365)
		plans := make([]*seedPlan, 0, n)
		for range n {
			plans = append(plans, s.planCase(r, county, start, today))
		}
		sortPlans(plans)
		var err error
		if opt.bulk {
			err = s.writeBulk(ctx, county, plans, today, bulk)
		} else {
			err = s.writeThroughService(ctx, county, plans, today)
		}
		if err != nil {
			return "", fmt.Errorf("生成%s的复议演示案件：%w", county.Government.Name, err)
		}
		total += n
	}
	if opt.bulk {
		if err := s.db.Tx(ctx, func(tx *db.Tx) error {
			if err := bulk.save(ctx, tx); err != nil {
				return err
			}
			return audit.Record(ctx, tx, audit.Entry{Action: "reconsider.demo", ObjectType: "reconsider_case",
				Detail: map[string]any{"cases": total, "counties": len(w.Counties), "from": start.String(), "to": today.String()}})
		}); err != nil {
			return "", err
		}
	}
	return fmt.Sprintf("行政复议：%d 个县共 %d 件案件（%s 至 %s），用时 %s", len(w.Counties), total, start, today, time.Since(began).Round(time.Second)), nil
}

// seedPlan is one case's life as drawn; zero dates are steps that do not happen.
type seedPlan struct {
	respondent     org.Organ
	field, actType string
	actTitle       string
	kind           ApplicantKind
	name, idNo     string
	phone          string
	amount         float64
	channel        Channel
	received       calendar.Date
	learned        calendar.Date
	actDate        calendar.Date
	handler        int

	amendOn, amendBackOn, lapsedOn calendar.Date
	fate                           string // accept, reject, inform, transfer, withdraw
	closeOn                        calendar.Date
	acceptOn                       calendar.Date
	proc                           Procedure
	simplifiedGround               int
	copyOn, replyOn, hearingOn     calendar.Date
	suspendOn, resumeOn            calendar.Date
	suspendGround                  int
	extendOn                       calendar.Date
	extendDays                     int
	concludeOn                     calendar.Date
	outcome                        Outcome
	termGround                     int
	settled, corrected             bool
	perfDue, performedOn           calendar.Date
}

func sortPlans(ps []*seedPlan) {
	// Insertion order = receipt order, so receipt numbers follow the dates.
	for i := 1; i < len(ps); i++ {
		for j := i; j > 0 && ps[j].received.Before(ps[j-1].received); j-- {
			ps[j], ps[j-1] = ps[j-1], ps[j]
		}
	}
}

// pick returns an index drawn with the given weights.
func pick(r *rand.Rand, weights ...int) int {
	sum := 0
	for _, w := range weights {
		sum += w
	}
	n := r.IntN(sum)
	for i, w := range weights {
		if n < w {
			return i
		}
		n -= w
	}
	return len(weights) - 1
}

func between(r *rand.Rand, lo, hi int) int { return lo + r.IntN(hi-lo+1) }

// Respondent departments in demo.countyDepartments order, with their share of applications and field.
var seedDepartments = []struct {
	weight int
	field  string
}{
	{28, "公安"}, {12, "市场监管"}, {12, "自然资源"}, {10, "人力资源社会保障"}, {8, "住房城乡建设"}, {6, "交通运输"},
	{4, "卫生健康"}, {4, "生态环境"}, {8, "城市管理"}, {2, "应急管理"}, {2, "农业农村"}, {2, "教育"},
}

var seedSurnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
var seedGiven = []string{"伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "建华", "志强", "晓东", "海燕", "文静", "国平", "丽萍", "春梅", "德胜", "桂兰"}
var seedFirms = []string{"商贸", "建材", "餐饮", "物流", "科技", "食品", "农业开发", "建筑工程", "汽车服务", "医药", "服装", "文化传媒"}
var seedPlaces = []string{"东升", "兴旺", "宏达", "安泰", "恒信", "华盛", "金源", "瑞丰", "永盛", "鑫和"}
var seedRegions = []string{"110101", "310104", "440106", "330102", "320102", "420102", "510104", "610102"}

func (s *Service) planCase(r *rand.Rand, c *demo.County, start, today calendar.Date) *seedPlan {
	cal := s.cal()
	p := &seedPlan{handler: r.IntN(2)}
	// Receipt on a working day of the window.
	span := start.DaysUntil(today)
	p.received = cal.NextWorkday(start.AddDays(r.IntN(span + 1)))
	if p.received.After(today) {
		p.received = cal.AddWorkingDays(today, -1)
	}
	weights := make([]int, 0, len(seedDepartments)+len(c.Townships))
	for _, d := range seedDepartments[:min(len(seedDepartments), len(c.Departments))] {
		weights = append(weights, d.weight)
	}
	for range c.Townships {
		weights = append(weights, 2)
	}
	if i := pick(r, weights...); i < len(c.Departments) {
		p.respondent, p.field = c.Departments[i], seedDepartments[i].field
	} else {
		p.respondent, p.field = c.Townships[i-len(c.Departments)], "其他"
	}
	p.actType = s.seedActType(r, p.field, p.respondent.Kind == org.KindGovernment)
	switch pick(r, 75, 20, 5) {
	case 0:
		p.kind = Natural
		p.name = string(seedSurnames[r.IntN(len(seedSurnames))]) + seedGiven[r.IntN(len(seedGiven))]
		p.idNo = seedIDNumber(r)
	case 1:
		p.kind = LegalPerson
		p.name = []string{"示范", "青山", "绿水", "云台"}[r.IntN(4)] + seedPlaces[r.IntN(len(seedPlaces))] + seedFirms[r.IntN(len(seedFirms))] + "有限公司"
		p.idNo = seedUSCC(r)
	default:
		p.kind = OtherOrg
		p.name = seedPlaces[r.IntN(len(seedPlaces))] + seedFirms[r.IntN(len(seedFirms))] + []string{"经营部", "合作社", "个体工商户"}[r.IntN(3)]
		p.idNo = seedUSCC(r)
	}
	p.phone = fmt.Sprintf("1%d%09d", between(r, 3, 9), r.IntN(1000000000))
	if p.actType == "行政处罚" {
		p.amount = float64(between(r, 2, 500) * 100)
	}
	p.channel = Channels[pick(r, 40, 25, 20, 8, 3, 4)]
	p.learned = p.received.AddDays(-between(r, 1, 50))
	p.actDate = p.learned.AddDays(-r.IntN(6))
	p.actTitle = fmt.Sprintf("%s〔%d〕%d号%s决定", p.respondent.Name, p.actDate.Year, between(r, 1, 900), p.actType)
	if p.actType == "不履行法定职责" {
		p.actTitle = p.respondent.Name + "未依法履行" + p.field + "监管职责"
	}

	// Acceptance review: 补正 in one case of twelve, then the fate of the application.
	review := p.received
	if r.IntN(12) == 0 {
		p.amendOn = cal.AddWorkingDays(p.received, between(r, 1, 4))
		if r.IntN(5) == 0 {
			p.lapsedOn = cal.AddWorkingDays(p.amendOn, RuleAmend.Length).AddDays(between(r, 1, 6))
			return p
		}
		p.amendBackOn = cal.AddWorkingDays(p.amendOn, between(r, 2, 9))
		review = p.amendBackOn
	}
	p.fate = []string{"accept", "reject", "inform", "transfer", "withdraw"}[pick(r, 72, 14, 6, 4, 4)]
	if p.fate != "accept" {
		p.closeOn = cal.AddWorkingDays(review, between(r, 1, 5))
		return p
	}
	p.acceptOn = cal.AddWorkingDays(review, between(r, 1, 5))
	p.proc = Ordinary
	if r.IntN(20) == 0 {
		p.proc, p.simplifiedGround = Simplified, 5
		if p.actType == "政府信息公开" {
			p.simplifiedGround = 4
		}
	}
	copyMax, replyLen := 7, RuleReply.Length
	if p.proc == Simplified {
		copyMax, replyLen = 3, RuleReplySimplified.Length
	}
	p.copyOn = cal.AddWorkingDays(p.acceptOn, between(r, 1, copyMax))
	switch pick(r, 85, 12, 3) {
	case 0:
		p.replyOn = cal.AddWorkingDays(p.copyOn, between(r, replyLen/3, replyLen))
	case 1: // late reply
		p.replyOn = cal.AddWorkingDays(p.copyOn, replyLen+between(r, 1, 5))
	}
	last := p.copyOn
	if !p.replyOn.IsZero() {
		last = p.replyOn
	}
	if r.IntN(10) < 4 {
		p.hearingOn = last.AddDays(between(r, 2, 10))
		last = p.hearingOn
	}
	var pauses []calendar.Pause
	suspendOdds := 20
	if p.acceptOn.AddDays(75).After(today) { // more among recent cases, so the demo shows some suspended now
		suspendOdds = 5
	}
	if r.IntN(suspendOdds) == 0 {
		p.suspendOn = last.AddDays(between(r, 1, 10))
		p.resumeOn = p.suspendOn.AddDays(between(r, 10, 40))
		p.suspendGround = []int{6, 8, 5}[r.IntN(3)]
		pauses = []calendar.Pause{{From: p.suspendOn, To: p.resumeOn}}
		last = p.resumeOn
	}
	rule := RuleDecision
	if p.proc == Simplified {
		rule = RuleDecisionSimplified
	}
	due, _, _ := cal.Due(rule, p.acceptOn, pauses, 0)
	if !p.suspendOn.Before(due) { // too late to suspend: drop it
		p.suspendOn, p.resumeOn, pauses = calendar.Date{}, calendar.Date{}, nil
		due, _, _ = cal.Due(rule, p.acceptOn, nil, 0)
	}
	if p.proc == Ordinary && r.IntN(10) == 0 {
		on := due.AddDays(-between(r, 1, 5))
		if on.After(last) {
			p.extendOn, p.extendDays = on, RuleDecision.MaxExtension
			due, _, _ = cal.Due(rule, p.acceptOn, pauses, p.extendDays)
			last = on
		}
	}
	earliest := last.AddDays(1)
	if min10 := p.acceptOn.AddDays(between(r, 10, 20)); min10.After(earliest) {
		earliest = min10
	}
	switch pick(r, 90, 5, 5) {
	case 0: // on time
		if earliest.After(due) {
			p.concludeOn = earliest
		} else {
			p.concludeOn = earliest.AddDays(r.IntN(earliest.DaysUntil(due) + 1))
		}
	case 1: // late
		p.concludeOn = due.AddDays(between(r, 3, 20))
		if p.concludeOn.Before(earliest) {
			p.concludeOn = earliest
		}
	default: // stalled: still open and overdue once the period has run; an old one was decided late at last
		if p.acceptOn.AddDays(150).After(today) {
			return p
		}
		p.concludeOn = due.AddDays(between(r, 20, 90))
	}
	p.outcome = Outcomes[pick(r, 62, 10, 2, 2, 5, 1, 1, 4, 2, 4, 8)]
	switch p.outcome {
	case Terminate:
		p.termGround = 1
		if r.IntN(5) < 2 {
			p.settled, p.corrected = true, r.IntN(2) == 0
		}
	case OrderPerformance, DismissRequest:
		// 驳回复议请求 only answers a claim of non-performance (Art. 69); the draw stays, so the demo's other cases do not move.
		if r.IntN(2) == 0 || p.outcome == DismissRequest {
			p.actType = "不履行法定职责"
		}
	}
	if p.proc == Ordinary && p.hearingOn.IsZero() && p.outcome.Decision() {
		// Art. 49: an ordinary-procedure decision follows hearing the parties' views; by phone the day after
		// the reply (or the copy). Deterministic, so the demo's random draws do not move.
		base := p.copyOn
		if !p.replyOn.IsZero() {
			base = p.replyOn
		}
		if base.IsZero() {
			base = p.acceptOn
		}
		p.hearingOn = base.AddDays(1)
		if p.hearingOn.After(p.concludeOn) {
			p.hearingOn = p.concludeOn
		}
	}
	if p.outcome.NeedsPerformance() {
		p.perfDue = p.concludeOn.AddDays(between(r, 30, 60))
		if r.IntN(100) < 85 || p.perfDue.AddDays(90).Before(today) { // a few recent ones are still awaited
			p.performedOn = p.perfDue.AddDays(-between(r, 0, 25))
			if p.performedOn.Before(p.concludeOn) {
				p.performedOn = p.concludeOn
			}
		}
	}
	return p
}

func (s *Service) seedActType(r *rand.Rand, field string, township bool) string {
	switch {
	case field == "人力资源社会保障" && r.IntN(2) == 0:
		return "工伤认定"
	case field == "自然资源" && r.IntN(3) == 0:
		return []string{"行政征收征用", "行政确认"}[r.IntN(2)]
	case township && r.IntN(2) == 0:
		return []string{"行政征收征用", "行政强制", "行政协议"}[r.IntN(3)]
	case field == "公安" && r.IntN(5) == 0:
		return "行政强制"
	}
	return []string{"行政处罚", "政府信息公开", "行政强制", "行政许可", "行政确认", "举报投诉处理", "不履行法定职责", "行政补偿", "行政赔偿", "其他"}[pick(r, 50, 12, 6, 7, 5, 8, 8, 2, 1, 1)]
}

func seedIDNumber(r *rand.Rand) string {
	birth := calendar.MustDate("1950-01-01").AddDays(r.IntN(54 * 365))
	body := fmt.Sprintf("%s%04d%02d%02d%03d", seedRegions[r.IntN(len(seedRegions))], birth.Year, birth.Month, birth.Day, r.IntN(1000))
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(body[i]-'0') * w
	}
	return body + string("10X98765432"[sum%11])
}

const seedUSCCChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

func seedUSCC(r *rand.Rand) string {
	b := []byte("91" + seedRegions[r.IntN(len(seedRegions))])
	for len(b) < 17 {
		b = append(b, seedUSCCChars[r.IntN(len(seedUSCCChars))])
	}
	weights := [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	sum := 0
	for i := range 17 {
		sum += strings.IndexByte(seedUSCCChars, b[i]) * weights[i]
	}
	return string(append(b, seedUSCCChars[(31-sum%31)%31]))
}

// writeThroughService carries the plans out with the service's own transitions, up to today.
func (s *Service) writeThroughService(ctx context.Context, c *demo.County, plans []*seedPlan, today calendar.Date) error {
	staff := c.Staff[auth.RoleReconsider]
	if len(staff) == 0 {
		return fmt.Errorf("%s没有复议工作人员", c.Government.Name)
	}
	var people []*auth.Principal
	for _, id := range staff {
		u, err := s.auth.User(ctx, id)
		if err != nil {
			return err
		}
		people = append(people, &auth.Principal{UserID: u.ID, Username: u.Username, Name: u.Name, OrganID: c.Government.ID, OrganPath: c.Government.Path,
			Roles: []auth.Role{auth.RoleReconsider}, Scope: auth.ScopeOrgan})
	}
	for _, p := range plans {
		if err := s.runPlan(ctx, people[p.handler%len(people)], c, p, today); err != nil {
			return fmt.Errorf("收件 %s %s：%w", p.received, p.name, err)
		}
	}
	return nil
}

func (s *Service) runPlan(ctx context.Context, who *auth.Principal, c *demo.County, p *seedPlan, today calendar.Date) error {
	rec, err := s.Register(ctx, who, Intake{OrganID: c.Government.ID, Channel: p.channel, ReceivedText: p.received.String(), ApplicantKind: p.kind,
		ApplicantName: p.name, IDNumber: p.idNo, Phone: p.phone, RespondentID: p.respondent.ID, ActType: p.actType, Field: p.field,
		ActTitle: p.actTitle, ActDateText: p.actDate.String(), LearnedText: p.learned.String(), Amount: p.amount,
		Requests: "请求撤销被申请人作出的" + p.actTitle, Facts: "被申请人认定事实不清、证据不足，适用依据错误，程序违法。"})
	if err != nil {
		return err
	}
	id := rec.CaseID
	st := func(on calendar.Date) Step { return Step{On: on} }
	due := func(d calendar.Date) bool { return !d.IsZero() && !d.After(today) }
	steps := []struct {
		on  calendar.Date
		run func() (*Case, error)
	}{
		{p.amendOn, func() (*Case, error) {
			return s.RequestAmendment(ctx, who, id, st(p.amendOn), "身份证明复印件；被申请行政复议的行政行为的决定书")
		}},
		{p.amendOn, func() (*Case, error) { // handed over and signed for the same day (民事诉讼法第八十七条)
			return s.RecordService(ctx, who, id, ServeInput{Step: st(p.amendOn), Doc: ServedAmendNotice, Method: ServeDirect, Recipient: "申请人"})
		}},
		{p.amendBackOn, func() (*Case, error) { return s.ReceiveAmendment(ctx, who, id, st(p.amendBackOn)) }},
		{p.lapsedOn, func() (*Case, error) { return s.AmendmentLapsed(ctx, who, id, st(p.lapsedOn)) }},
		{p.closeOn, func() (*Case, error) {
			switch p.fate {
			case "reject":
				return s.Reject(ctx, who, id, RejectInput{Step: st(p.closeOn), Ground: "不符合第三十条第一款第五项：超过法定申请期限且无正当理由"})
			case "inform":
				return s.CloseOther(ctx, who, id, OtherInput{Step: st(p.closeOn), Kind: "inform", Target: "示范市人民政府"})
			case "transfer":
				return s.CloseOther(ctx, who, id, OtherInput{Step: st(p.closeOn), Kind: "transfer", Target: "示范市人民政府"})
			}
			return s.CloseOther(ctx, who, id, OtherInput{Step: st(p.closeOn), Kind: "withdraw"})
		}},
		{p.acceptOn, func() (*Case, error) {
			return s.Accept(ctx, who, id, AcceptInput{Step: st(p.acceptOn), Procedure: p.proc, SimplifiedGround: p.simplifiedGround})
		}},
		{p.copyOn, func() (*Case, error) { return s.SendCopy(ctx, who, id, st(p.copyOn)) }},
		{p.copyOn, func() (*Case, error) { // sent through the platform, arriving the same day (民事诉讼法第九十条第二款)
			return s.RecordService(ctx, who, id, ServeInput{Step: st(p.copyOn), Doc: ServedCopy, Method: ServeElectronic})
		}},
		{p.replyOn, func() (*Case, error) {
			return s.FileReply(ctx, who, id, ReplyInput{Step: st(p.replyOn), Text: "被申请人认为，该行政行为认定事实清楚，证据确凿，适用依据正确，程序合法，请求予以维持。"})
		}},
		{p.hearingOn, func() (*Case, error) {
			return s.RecordHearing(ctx, who, id, HearingInput{Kind: HearingViews, Mode: "phone", HeldOn: p.hearingOn.String(), Record: "听取了申请人和被申请人的意见。"})
		}},
		{p.suspendOn, func() (*Case, error) {
			return s.Suspend(ctx, who, id, SuspendInput{Step: Step{On: p.suspendOn, Note: "双方正在和解"}, Ground: p.suspendGround,
				ApplicantConsent: p.suspendGround == 6, RespondentConsent: p.suspendGround == 6})
		}},
		{p.resumeOn, func() (*Case, error) { return s.Resume(ctx, who, id, st(p.resumeOn)) }},
		{p.extendOn, func() (*Case, error) {
			return s.Extend(ctx, who, id, ExtendInput{Step: Step{On: p.extendOn, Note: "案情复杂，需要调取补充证据"}, Days: p.extendDays, Approver: "复议机构负责人"})
		}},
		{p.concludeOn, func() (*Case, error) {
			switch p.outcome {
			case Mediation:
				return s.Mediate(ctx, who, id, MediateInput{Step: st(p.concludeOn), Agreement: "被申请人重新核定处理结果，申请人撤回其他请求。", PerformanceDue: p.perfDue.String()})
			case Terminate:
				return s.Terminate(ctx, who, id, TerminateInput{Step: st(p.concludeOn), Ground: p.termGround, Settled: p.settled, Corrected: p.corrected})
			}
			return s.Decide(ctx, who, id, DecideInput{Step: st(p.concludeOn), Outcome: p.outcome, PerformanceDue: p.perfDue.String()})
		}},
		{p.performedOn, func() (*Case, error) { return s.RecordPerformance(ctx, who, id, st(p.performedOn)) }},
	}
	for _, x := range steps {
		if x.on.IsZero() {
			continue
		}
		if !due(x.on) {
			return nil // the rest of the case lies in the future
		}
		if _, err := x.run(); err != nil {
			return fmt.Errorf("%s：%w", x.on, err)
		}
	}
	return nil
}
