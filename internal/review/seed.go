package review

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/demo"
)

// Seeder adds a realistic year of review requests for the demo counties: the twelve months up to
// today, all five kinds, returned materials, double reviews, every conclusion, the departments'
// answers, and the open work of the last weeks on the workbench. Deterministic for a given day.
func Seeder(s *Service) demo.Seeder {
	return func(ctx context.Context, w *demo.World) (string, error) {
		total := 0
		for i, c := range w.Counties {
			if i >= demo.RecordCounties {
				break
			}
			cast, err := demo.Cast(ctx, s.db, s.org, c)
			if err != nil {
				return "", err
			}
			n, err := s.seedCounty(ctx, w.Rand, cast)
			if err != nil {
				return "", fmt.Errorf("%s合法性审查演示数据：%w", c.Government.Name, err)
			}
			total += n
		}
		return fmt.Sprintf("合法性审查：%d 件审查事项", total), nil
	}
}

var kindPlan = []struct {
	kind Kind
	n    int
}{{KindNormdoc, 16}, {KindDecision, 6}, {KindContract, 14}, {KindMeeting, 18}, {KindEnforcement, 8}}

func (s *Service) seedCounty(ctx context.Context, rnd *rand.Rand, cast *demo.Players) (int, error) {
	cal := s.cal()
	today := s.Today()
	start := today.AddDays(-365)
	place := strings.TrimSuffix(cast.County.Government.Name, "人民政府")
	type plan struct {
		kind Kind
		on   calendar.Date
	}
	var plans []plan
	for _, kp := range kindPlan {
		for range kp.n {
			plans = append(plans, plan{kp.kind, cal.NextWorkday(start.AddDays(rnd.IntN(362)))})
		}
	}
	// The work of the last three weeks, still open: something for every desk on the workbench.
	for _, k := range []Kind{KindNormdoc, KindContract, KindMeeting, KindDecision, KindNormdoc} {
		plans = append(plans, plan{k, cal.AddWorkingDays(today, -1-rnd.IntN(12))})
	}
	// Submit in date order so that receipt numbers follow the calendar.
	for i := 1; i < len(plans); i++ {
		for j := i; j > 0 && plans[j].on.Before(plans[j-1].on); j-- {
			plans[j], plans[j-1] = plans[j-1], plans[j]
		}
	}
	n := 0
	for _, pl := range plans {
		liaison := cast.Liaisons[rnd.IntN(len(cast.Liaisons))]
		if err := s.seedOne(ctx, rnd, cast, liaison, place, pl.kind, pl.on, today); err != nil {
			return n, err
		}
		n++
	}
	return n, nil
}

// seedOne walks one request as far as its age allows: older ones are concluded and answered,
// those of the last weeks stop at the step they would have reached by today.
func (s *Service) seedOne(ctx context.Context, rnd *rand.Rand, cast *demo.Players, liaison *auth.Principal, place string, k Kind, on, today calendar.Date) error {
	cal := s.cal()
	dept, _ := s.org.Organ(liaison.OrganID)
	deptShort := strings.TrimPrefix(dept.Name, place)
	title := demoTitle(rnd, k, place, deptShort)
	issuer := liaison.OrganID
	if k == KindNormdoc && rnd.IntN(3) > 0 {
		gov := cast.County.Government
		issuer = gov.ID
	}
	var provided []string
	incomplete := rnd.IntN(5) == 0
	for _, it := range k.Checklist() {
		if it.Required && incomplete && it.Code != "letter" && it.Code != "draft" && rnd.IntN(2) == 0 {
			continue
		}
		if it.Required || rnd.IntN(2) == 0 {
			provided = append(provided, it.Code)
		}
	}
	r, err := s.Submit(ctx, liaison, SubmitInput{Kind: k, Title: title, Summary: demoSummary(k, title), Draft: DemoDraft(rnd, title, place, deptShort),
		Contact: liaison.Name + " 0" + fmt.Sprint(5500000+rnd.IntN(4000000)), IssuerID: issuer, Provided: provided, Step: Step{On: on}})
	if err != nil {
		return err
	}
	step := func(d calendar.Date, days int) (calendar.Date, bool) {
		next := cal.AddWorkingDays(d, days)
		return next, !next.After(today)
	}
	day, ok := step(on, 1)
	if !ok {
		return nil
	}
	if _, err := s.Check(ctx, cast.Reviewer, r.ID, CheckInput{Step: Step{On: day}}); err != nil {
		return err
	}
	if r, err = s.Get(ctx, cast.Reviewer, r.ID); err != nil {
		return err
	}
	if r.State == StateReturned {
		if day, ok = step(day, 2+rnd.IntN(4)); !ok {
			return nil
		}
		var all []string
		for _, it := range k.Checklist() {
			all = append(all, it.Code)
		}
		if _, err := s.Resubmit(ctx, liaison, r.ID, ResubmitInput{Step: Step{On: day}, Provided: all}); err != nil {
			return err
		}
		if day, ok = step(day, 1); !ok {
			return nil
		}
		if _, err := s.Check(ctx, cast.Reviewer, r.ID, CheckInput{Step: Step{On: day}}); err != nil {
			return err
		}
	}
	in := AssignInput{Step: Step{On: day}, ReviewerID: cast.Reviewer.UserID}
	if r, err = s.Get(ctx, cast.Reviewer, r.ID); err != nil {
		return err
	}
	if r.Dual || rnd.IntN(4) == 0 {
		in.AdvisorID = cast.Advisor.UserID
	}
	if r, err = s.Assign(ctx, cast.Reviewer, r.ID, in); err != nil {
		return err
	}
	minDays := max(r.MinDays, 2)
	spanDays := minDays + rnd.IntN(max(r.MaxDays-minDays, 1)+1)
	if rnd.IntN(12) == 0 {
		spanDays = r.MaxDays + 1 + rnd.IntN(3) // an occasional late one
	}
	concludeOn := cal.AddWorkingDays(r.AcceptedOn, spanDays)
	opinionOn := cal.AddWorkingDays(r.AcceptedOn, max(spanDays-1, r.MinDays, 1))
	if opinionOn.After(concludeOn) {
		opinionOn = concludeOn
	}
	suggestion := demoConclusion(rnd)
	roles := []*auth.Principal{cast.Reviewer}
	if r.Dual {
		roles = append(roles, cast.Advisor)
	}
	for i, p := range roles {
		nOps := rnd.IntN(4)
		if suggestion == AgreeAmended || suggestion == Disagree {
			nOps++
		}
		var pool []int
		for j, op := range demoOpinions {
			if op.kind == "" || op.kind == k {
				pool = append(pool, j)
			}
		}
		for _, j := range rnd.Perm(len(pool))[:min(nOps, len(pool))] {
			op := demoOpinions[pool[j]]
			if _, err := s.AddOpinion(ctx, p, r.ID, OpinionInput{Content: op.content, Basis: op.basis}); err != nil {
				return err
			}
		}
		// The advisor of the newest requests is still writing: a todo on the workbench.
		if opinionOn.After(today) || (i == 1 && rnd.IntN(10) == 0 && today.DaysUntil(opinionOn) > -20) {
			return nil
		}
		if _, err := s.SubmitAssessment(ctx, p, r.ID, AssessInput{Step: Step{On: opinionOn}, Suggestion: suggestion, Summary: demoSummaryFor(suggestion)}); err != nil {
			return err
		}
	}
	if concludeOn.After(today) {
		return nil
	}
	text := ""
	if suggestion == Disagree || suggestion == Defer {
		text = demoReasons[rnd.IntN(len(demoReasons))]
	}
	if r, err = s.Conclude(ctx, cast.Reviewer, r.ID, ConcludeInput{Step: Step{On: concludeOn}, Conclusion: suggestion, Text: text}); err != nil {
		return err
	}
	if r.OpinionCount == 0 {
		return nil
	}
	answerOn := cal.AddWorkingDays(concludeOn, 3+rnd.IntN(8))
	if answerOn.After(today) {
		return nil
	}
	d, err := s.Detail(ctx, liaison, r.ID)
	if err != nil {
		return err
	}
	var items []AnswerItem
	for _, o := range d.Opinions {
		a := Adopted
		reason := ""
		switch x := rnd.IntN(20); {
		case x < 2:
			a, reason = Partly, "已部分修改，其余内容系上级文件明确要求，予以保留"
		case x < 3:
			a, reason = Rejected, "该条系沿用上位法表述，经研究不作修改"
		}
		items = append(items, AnswerItem{OpinionID: o.ID, Answer: a, Reason: reason})
	}
	_, err = s.Answer(ctx, liaison, r.ID, AnswerInput{Step: Step{On: answerOn}, Answers: items})
	return err
}

func demoConclusion(rnd *rand.Rand) Conclusion {
	switch x := rnd.IntN(20); {
	case x < 9:
		return Agree
	case x < 18:
		return AgreeAmended
	case x < 19:
		return Disagree
	}
	return Defer
}

func demoSummaryFor(c Conclusion) string {
	switch c {
	case Agree:
		return "制定主体适格，内容与上位法不抵触，程序符合规定。"
	case AgreeAmended:
		return "总体可行，个别条款需按意见修改。"
	case Disagree:
		return "部分内容缺乏上位法依据，不宜按现稿印发。"
	}
	return "相关上位法正在修订，建议暂缓。"
}

var demoReasons = []string{
	"送审稿设定的行政许可事项缺乏法律、法规依据，违反《中华人民共和国行政许可法》第十五条的规定。",
	"上位法正在修订，相关内容可能与修订后的规定不一致，建议待上位法修订后再行研究。",
	"送审稿减损公民、法人和其他组织合法权益且无法律、法规依据，不符合国办发〔2018〕37号文件的要求。",
}

// demoOpinions are typical review opinions; kind "" fits every kind.
var demoOpinions = []struct {
	kind           Kind
	content, basis string
}{
	{KindNormdoc, "送审稿第五条设定的罚款数额超出上位法规定的幅度，建议按上位法规定的幅度调整。", "《中华人民共和国行政处罚法》第十四条"},
	{KindNormdoc, "送审稿增设了办理条件和前置材料，属于增加行政相对人义务，建议删除。", "《优化营商环境条例》第三十九条"},
	{KindNormdoc, "建议增加有效期条款，明确施行日期和有效期。", ""},
	{KindNormdoc, "送审稿对特定经营者给予优惠，可能排除、限制竞争，建议开展公平竞争审查后修改。", "《公平竞争审查制度实施细则》"},
	{KindNormdoc, "条文中引用的规章已经废止，建议更新为现行有效的依据。", ""},
	{KindContract, "合同未约定违约责任和争议解决方式，建议补充。", "《中华人民共和国民法典》第四百七十条"},
	{KindContract, "合同约定的付款条件与财政预算管理规定不一致，建议修改。", "《中华人民共和国预算法》"},
	{KindContract, "合同相对方的资信证明已过有效期，建议补充最新材料。", ""},
	{KindDecision, "决策草案未附风险评估报告结论，建议补充风险评估后再提请审议。", "《重大行政决策程序暂行条例》第二十二条"},
	{KindDecision, "征求意见材料显示未公开征求社会公众意见，建议依法履行公开征求意见程序。", "《重大行政决策程序暂行条例》第十五条"},
	{KindMeeting, "议题涉及的资金安排未附财政部门意见，建议补充。", ""},
	{KindEnforcement, "拟作出的处罚决定未列明证据及其证明内容，建议补充完善事实认定部分。", "《中华人民共和国行政处罚法》第五十九条"},
	{KindEnforcement, "送审材料未显示已告知当事人要求听证的权利，建议补正程序。", "《中华人民共和国行政处罚法》第六十三条"},
	{"", "“由相关部门负责”表述不明确，建议明确具体职责部门。", ""},
	{"", "建议明确个人信息的收集范围和保护措施。", "《中华人民共和国个人信息保护法》第六条"},
	{"", "部分文字表述不规范，建议按公文写作要求修改。", ""},
}

var (
	demoSubjects = map[string][]string{
		"公安局":        {"犬只管理", "户籍迁移登记", "大型群众性活动安全管理", "电动自行车登记"},
		"市场监督管理局":    {"食品小作坊登记管理", "价格监督检查", "个体工商户登记", "计量器具监督管理"},
		"自然资源和规划局":   {"农村宅基地审批管理", "国有建设用地供应", "临时用地管理", "不动产登记便民服务"},
		"人力资源和社会保障局": {"就业补助资金管理", "农民工工资保证金管理", "职业技能培训补贴", "人才引进补贴"},
		"住房和城乡建设局":   {"城区物业服务管理", "房屋安全鉴定", "建筑工地扬尘治理", "保障性住房管理"},
		"交通运输局":      {"出租汽车经营管理", "农村公路养护", "道路客运站管理"},
		"卫生健康局":      {"医疗机构校验管理", "家庭医生签约服务"},
		"生态环境分局":     {"排污许可管理", "建设项目环境影响评价审批"},
		"综合行政执法局":    {"城区户外广告设置管理", "市容环境卫生管理"},
	}
	demoDocTypes  = []string{"管理办法", "实施细则", "暂行办法", "实施意见", "若干措施", "管理规定", "试行办法"}
	demoDecisions = []string{"城区老旧小区改造三年行动方案", "县域医共体建设实施方案", "城乡生活垃圾分类实施方案", "农村供水保障工程建设方案",
		"城区集中供热价格调整方案", "国土空间总体规划（草案）", "义务教育学校布局调整方案", "城区停车设施专项规划"}
	demoContracts = []string{"城区污水处理厂特许经营协议", "国有建设用地使用权出让合同", "招商引资协议（新材料产业园项目）", "政府购买法律服务合同",
		"农村饮水安全工程施工合同", "智慧城市建设项目采购合同", "土地征收补偿安置协议", "国有资产租赁合同", "政府和社会资本合作（PPP）项目合同", "县域物流园区投资协议"}
	demoTopics = []string{"县级财政预算调整", "城区道路提升改造工程", "乡村振兴衔接资金分配", "农村人居环境整治", "优化营商环境重点任务", "安全生产专项整治",
		"国有企业改革方案", "县人民医院新院区建设", "城区学校扩容", "防汛抗旱应急预案修订"}
	demoViolations = []string{"生产经营不符合食品安全标准的食品", "无证经营危险化学品", "未批先建违法占用耕地", "超标排放大气污染物", "拒不整改重大事故隐患",
		"违法发布医疗广告", "擅自改变房屋承重结构"}
	demoCompanies = []string{"某某食品有限公司", "某某化工有限公司", "某某建材有限公司", "某某房地产开发有限公司", "某某医疗器械有限公司", "某某商贸有限公司"}
)

func pick(rnd *rand.Rand, xs []string) string { return xs[rnd.IntN(len(xs))] }

// byDept returns the department's own list when it has one (a 公安局 does not submit a land
// contract), else the general list.
func byDept(own map[string][]string, dept string, general []string) []string {
	if xs := own[dept]; len(xs) > 0 {
		return xs
	}
	return general
}

// What each demo department would really send for review besides its normative documents.
var (
	deptContracts = map[string][]string{
		"公安局":        {"警用装备采购合同", "公安检查站建设工程施工合同", "交通技术监控设备运维服务合同"},
		"市场监督管理局":    {"食品安全抽检委托检验合同", "智慧市场监管平台建设合同"},
		"自然资源和规划局":   {"国有建设用地使用权出让合同", "土地征收补偿安置协议", "国土空间规划编制委托合同"},
		"人力资源和社会保障局": {"职业技能培训政府购买服务合同", "人力资源产业园运营协议"},
		"住房和城乡建设局":   {"城区污水处理厂特许经营协议", "老旧小区改造工程施工合同", "保障性住房代建协议"},
		"交通运输局":      {"农村公路养护服务合同", "县域物流园区投资协议"},
	}
	deptDecisions = map[string][]string{
		"公安局":        {"城区机动车限行方案", "城区道路交通组织优化方案"},
		"市场监督管理局":    {"城区农贸市场升级改造方案"},
		"自然资源和规划局":   {"国土空间总体规划（草案）", "城区停车设施专项规划"},
		"住房和城乡建设局":   {"城区老旧小区改造三年行动方案", "城区集中供热价格调整方案"},
		"人力资源和社会保障局": {"县级最低工资标准调整方案"},
	}
	deptTopics = map[string][]string{
		"公安局":        {"城区道路交通安全综合整治", "大型群众性活动安全保障"},
		"市场监督管理局":    {"食品安全城市创建", "优化营商环境重点任务"},
		"自然资源和规划局":   {"年度土地供应计划", "耕地保护目标责任"},
		"人力资源和社会保障局": {"根治欠薪专项行动", "就业创业扶持资金分配"},
	}
	deptViolations = map[string][]string{
		"公安局":        {"违反治安管理规定经营娱乐场所", "非法运输烟花爆竹"},
		"市场监督管理局":    {"生产经营不符合食品安全标准的食品", "违法发布医疗广告"},
		"自然资源和规划局":   {"未批先建违法占用耕地", "非法采矿"},
		"人力资源和社会保障局": {"拒不支付劳动报酬", "未依法缴纳社会保险费"},
		"住房和城乡建设局":   {"擅自改变房屋承重结构", "未取得施工许可证擅自施工"},
		"生态环境分局":     {"超标排放大气污染物", "未批先建建设项目"},
		"应急管理局":      {"拒不整改重大事故隐患", "无证经营危险化学品"},
	}
)

func demoTitle(rnd *rand.Rand, k Kind, place, dept string) string {
	switch k {
	case KindNormdoc:
		subjects := demoSubjects[dept]
		if len(subjects) == 0 {
			subjects = []string{"行政执法公示", "政务服务事项办理"}
		}
		return place + docTitle(pick(rnd, subjects), pick(rnd, demoDocTypes))
	case KindDecision:
		return place + pick(rnd, byDept(deptDecisions, dept, demoDecisions))
	case KindContract:
		return place + pick(rnd, byDept(deptContracts, dept, demoContracts))
	case KindMeeting:
		return "关于" + pick(rnd, byDept(deptTopics, dept, demoTopics)) + "的议题"
	}
	return fmt.Sprintf("%s%s对%s%s拟作出的行政处罚决定", place, dept, pick(rnd, demoCompanies), pick(rnd, byDept(deptViolations, dept, demoViolations)))
}

// docTitle joins a subject and a document type without "管理管理办法".
func docTitle(subject, typ string) string {
	if strings.HasSuffix(subject, "管理") && strings.HasPrefix(typ, "管理") {
		return subject + strings.TrimPrefix(typ, "管理")
	}
	return subject + typ
}

func demoSummary(k Kind, title string) string {
	return fmt.Sprintf("为贯彻落实上级部署，解决实际工作中存在的问题，我单位起草了《%s》。起草过程中开展了调研论证，征求了有关单位和社会公众意见，现报请审查。", title)
}

// DemoDraft generates a plausible draft of a normative document in articles (第…条), deterministic for rnd.
func DemoDraft(rnd *rand.Rand, title, place, dept string) string {
	var b strings.Builder
	subject := strings.TrimPrefix(title, place)
	for _, t := range demoDocTypes {
		subject = strings.TrimSuffix(subject, t)
	}
	laws := []string{"《中华人民共和国行政许可法》", "《中华人民共和国行政处罚法》", "《优化营商环境条例》", "《中华人民共和国安全生产法》",
		"《中华人民共和国土地管理法》", "《中华人民共和国食品安全法》", "《中华人民共和国道路交通安全法》", "《中华人民共和国环境保护法》"}
	arts := []string{
		fmt.Sprintf("为了规范%s工作，维护公民、法人和其他组织的合法权益，根据%s%s等法律、法规，结合本县实际，制定本办法。", subject, pick(rnd, laws), pick(rnd, laws)),
		fmt.Sprintf("本办法适用于本县行政区域内的%s及其监督管理活动。", subject),
		fmt.Sprintf("县%s负责%s的组织实施和监督管理；发展改革、财政、自然资源等部门按照各自职责做好相关工作。", dept, subject),
		"乡镇人民政府应当配合做好辖区内的相关工作，村（居）民委员会协助开展宣传和信息报送。",
		"办理相关事项应当公开办事指南，明确申请条件、办理流程、办理时限和需要提交的材料，不得增设条件。",
		"主管部门应当建立健全信用监管机制，依法归集和公示相关信用信息。",
		"有关单位和个人有权对违反本办法的行为进行投诉举报，主管部门应当及时核查处理并反馈。",
		fmt.Sprintf("违反本办法规定的，由县%s依照%s等法律、法规的规定予以处理。", dept, pick(rnd, laws)),
		"工作人员在监督管理中滥用职权、玩忽职守、徇私舞弊的，依法给予处分；构成犯罪的，依法追究刑事责任。",
		fmt.Sprintf("本办法由县%s负责解释。", dept),
	}
	n := 6 + rnd.IntN(5)
	keep := append([]string{arts[0], arts[1], arts[2]}, arts[3:len(arts)-1]...)
	keep = keep[:min(n-1, len(keep))]
	keep = append(keep, arts[len(arts)-1])
	for i, a := range keep {
		fmt.Fprintf(&b, "第%s条 %s\n", chineseNum(i+1), a)
	}
	return strings.TrimSpace(b.String())
}

func chineseNum(n int) string {
	digits := []string{"", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	switch {
	case n < 10:
		return digits[n]
	case n < 20:
		return "十" + digits[n%10]
	case n < 100:
		return digits[n/10] + "十" + digits[n%10]
	}
	return fmt.Sprint(n)
}
