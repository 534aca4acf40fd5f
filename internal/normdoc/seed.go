package normdoc

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sort"
	"strings"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/casework"
	"github.com/fazhi/fazhi/internal/demo"
	"github.com/fazhi/fazhi/internal/org"
	"github.com/fazhi/fazhi/internal/review"
)

// BulkTarget is the number of generated documents of `fazhi demo --scale province`.
const BulkTarget = 50000

// Seeder adds the register of the demo counties (documents of earlier years, this year's documents
// from the approved reviews of review.Seeder, filings, validity evaluations, an amendment and two
// cleanup campaigns) and, at province scale, about 50,000 generated documents for the other organs.
// It runs after review.Seeder. Deterministic for a given day.
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
				return "", fmt.Errorf("%s规范性文件演示数据：%w", c.Government.Name, err)
			}
			total += n
		}
		if _, err := s.ExpireDue(ctx); err != nil {
			return "", err
		}
		note := fmt.Sprintf("规范性文件：演示县 %d 件", total)
		if w.Scale == "province" {
			n, err := s.SeedBulk(ctx, w, BulkTarget)
			if err != nil {
				return "", err
			}
			note += fmt.Sprintf("，全省生成 %d 件", n)
		}
		return note, nil
	}
}

var (
	seedTopics    = []string{"营商环境", "产权保护", "民营经济发展", "生态环境保护", "乡村振兴", "城市管理", "社会保障", "安全生产", "教育", "卫生健康", "政务服务"}
	seedGovTitles = []string{"关于进一步优化营商环境的若干措施", "关于促进民营经济高质量发展的实施意见", "政府投资项目管理办法", "国有资产管理办法", "农村集体经营性建设用地入市管理办法",
		"城区集中供热管理办法", "重大行政决策程序规定", "行政规范性文件管理办法", "招商引资优惠政策兑现办法", "农村宅基地管理暂行办法", "城乡居民最低生活保障实施细则",
		"突发事件应急预案管理办法", "政府购买服务管理办法", "城区市容和环境卫生管理规定", "工业用地弹性出让实施办法", "殡葬管理办法", "企业信用修复管理办法",
		"政务服务“好差评”实施办法", "农村危房改造实施办法", "城区养犬管理规定", "耕地保护激励办法", "中小企业融资担保风险补偿办法", "人才引进和培养若干措施", "城区建筑垃圾管理办法"}
	seedOfficeTitles = []string{"关于加强政务公开工作的通知", "关于规范行政执法公示工作的通知", "政府信息公开申请办理规定", "政府网站和政务新媒体管理办法", "12345政务服务便民热线管理办法"}
	seedDeptSubjects = map[string][]string{
		"公安局": {"犬只管理", "户籍迁移登记", "大型群众性活动安全管理", "电动自行车登记", "机动车停放管理"}, "市场监督管理局": {"食品小作坊登记管理", "价格监督检查", "个体工商户登记", "计量器具监督管理", "特种设备安全监督"},
		"自然资源和规划局": {"农村宅基地审批管理", "国有建设用地供应", "临时用地管理", "不动产登记便民服务"}, "人力资源和社会保障局": {"就业补助资金管理", "农民工工资保证金管理", "职业技能培训补贴", "人才引进补贴"},
		"住房和城乡建设局": {"城区物业服务管理", "房屋安全鉴定", "建筑工地扬尘治理", "保障性住房管理"}, "交通运输局": {"出租汽车经营管理", "农村公路养护", "道路客运站管理"},
		"卫生健康局": {"医疗机构校验管理", "家庭医生签约服务", "公共场所卫生管理"}, "生态环境分局": {"排污许可管理", "建设项目环境影响评价审批", "噪声污染防治"},
		"综合行政执法局": {"城区户外广告设置管理", "市容环境卫生管理", "违法建设查处"}, "应急管理局": {"安全生产举报奖励", "危险化学品安全管理", "应急物资储备管理"},
		"农业农村局": {"耕地地力保护补贴", "农机购置补贴", "农村土地承包经营权流转"}, "教育局": {"民办培训机构管理", "中小学校服管理", "学生资助管理"},
	}
	seedDocTypes = []string{"管理办法", "实施细则", "暂行办法", "管理规定", "实施办法", "试行办法"}
)

func pick(rnd *rand.Rand, xs []string) string { return xs[rnd.IntN(len(xs))] }

// seedTitle invents a title for a document of organ o in place.
func seedTitle(rnd *rand.Rand, o org.Organ, place string) string {
	switch o.Kind {
	case org.KindGovernment:
		t := pick(rnd, seedGovTitles)
		if strings.HasPrefix(t, "关于") {
			return o.Name + t
		}
		return place + t
	case org.KindOffice:
		t := pick(rnd, seedOfficeTitles)
		if strings.HasPrefix(t, "关于") {
			return o.Name + t
		}
		return place + t
	}
	dept := strings.TrimPrefix(o.Name, place)
	subjects := seedDeptSubjects[dept]
	if len(subjects) == 0 {
		subjects = []string{"行政执法公示", "政务服务事项办理", "行政许可事项管理"}
	}
	subject, typ := pick(rnd, subjects), pick(rnd, seedDocTypes)
	if strings.HasSuffix(subject, "管理") && strings.HasPrefix(typ, "管理") {
		typ = strings.TrimPrefix(typ, "管理")
	}
	return o.Name + subject + typ
}

func seedTopicsFor(rnd *rand.Rand, title string) string {
	var ts []string
	has := func(words ...string) bool {
		for _, w := range words {
			if strings.Contains(title, w) {
				return true
			}
		}
		return false
	}
	if has("营商", "企业", "招商", "融资", "个体工商户", "政务服务", "人才", "价格", "计量", "出租汽车", "物业", "一网通办") {
		ts = append(ts, "营商环境")
	}
	if has("产权", "国有资产", "宅基地", "土地", "用地", "征收", "不动产", "承包") {
		ts = append(ts, "产权保护")
	}
	if has("环境", "排污", "噪声", "扬尘", "垃圾", "耕地") {
		ts = append(ts, "生态环境保护")
	}
	if len(ts) == 0 || rnd.IntN(3) == 0 {
		if t := pick(rnd, seedTopics); !strings.Contains(strings.Join(ts, ","), t) {
			ts = append(ts, t)
		}
	}
	return strings.Join(ts, "，")
}

// seedOrgans are the issuing organs of a county: the government, its office and the departments.
func (s *Service) seedOrgans(gov org.Organ) []org.Organ {
	var out []org.Organ
	for _, o := range s.org.Subtree(gov.ID) {
		if o.ID == gov.ID || (o.ParentID == gov.ID && (o.Kind == org.KindOffice || o.Kind == org.KindDepartment)) {
			out = append(out, o)
		}
	}
	return out
}

func (s *Service) seedCounty(ctx context.Context, rnd *rand.Rand, cast *demo.Players) (int, error) {
	cal := s.cal()
	today := s.Today()
	staff := cast.Reviewer
	gov := cast.County.Government
	place := strings.TrimSuffix(gov.Name, "人民政府")
	organs := s.seedOrgans(gov)
	n := 0

	// 1. Documents of earlier years, entered as legacy documents with their own numbers.
	type legacyDoc struct {
		organ org.Organ
		on    calendar.Date
	}
	var plan []legacyDoc
	for range 36 {
		o := gov
		if x := rnd.IntN(10); x >= 6 {
			o = organs[rnd.IntN(len(organs))]
		}
		on := cal.NextWorkday(calendar.Date{Year: today.Year - 1 - rnd.IntN(11), Month: 1, Day: 1}.AddDays(rnd.IntN(360)))
		if !on.Before(today.AddDays(-400)) {
			on = today.AddDays(-400 - rnd.IntN(200))
		}
		plan = append(plan, legacyDoc{o, cal.NextWorkday(on)})
	}
	sort.Slice(plan, func(i, j int) bool { return plan[i].on.Before(plan[j].on) })
	seq := map[string]int{}
	var inForce []*Doc
	for _, l := range plan {
		title := seedTitle(rnd, l.organ, place)
		key := fmt.Sprintf("%s/%d", l.organ.ID, l.on.Year)
		seq[key]++
		number := fmt.Sprintf("%s〔%d〕%d号", s.NumberPrefix(l.organ), l.on.Year, seq[key])
		d, err := s.Register(ctx, staff, RegisterInput{Step: casework.Step{On: l.on}, Legacy: true, OrganID: l.organ.ID, Number: number, Title: title,
			Body: review.DemoDraft(rnd, title, place, strings.TrimPrefix(l.organ.Name, place)), Topics: seedTopicsFor(rnd, title),
			SignedText: l.on.AddDays(-3).String()})
		if err != nil {
			return n, err
		}
		eff := l.on.AddDays([]int{0, 30, 30, 15}[rnd.IntN(4)])
		if d, err = s.Publish(ctx, staff, d.ID, PublishInput{Step: casework.Step{On: l.on}, Channel: pick(rnd, []string{gov.Name + "门户网站", gov.Name + "公报", "政府门户网站、政府公报"}), EffectiveText: eff.String()}); err != nil {
			return n, err
		}
		n++
		// Its life so far: repealed early, renewed after evaluation, or left to lapse.
		switch x := rnd.IntN(10); {
		case x == 0:
			end := d.EffectiveOn.AddDays(200 + rnd.IntN(600))
			if end.Before(today) && end.Before(d.ExpiresOn) {
				if d, err = s.End(ctx, staff, d.ID, EndInput{Step: casework.Step{On: end}, State: StateRepealed, Basis: gov.Name + "关于废止部分规范性文件的决定"}); err != nil {
					return n, err
				}
			}
		case x < 7:
			for d.WarnOn.AddDays(20).Before(today) && d.State == StateInForce && d.ExpiresOn.Before(today.AddDays(200)) {
				if d, err = s.Evaluate(ctx, staff, d.ID, EvaluateInput{Step: casework.Step{On: d.WarnOn.AddDays(20), Note: "实施情况良好，经评估继续有效"}, Evaluation: EvalContinue}); err != nil {
					return n, err
				}
				// 继续有效 is re-published and filed like any other document; a recent one still waits.
				on := d.WarnOn.AddDays(30)
				if on.After(today) {
					break
				}
				if d, err = s.PublishRenewal(ctx, staff, d.ID, RenewalInput{Step: casework.Step{On: on}, Channel: gov.Name + "门户网站"}); err != nil {
					return n, err
				}
				if err := s.seedRenewalFilings(ctx, staff, d, on.AddDays(10), today); err != nil {
					return n, err
				}
			}
		default:
			if d.WarnOn.AddDays(30).Before(today) && d.ExpiresOn.Before(today) {
				if d, err = s.Evaluate(ctx, staff, d.ID, EvaluateInput{Step: casework.Step{On: d.WarnOn.AddDays(30), Note: "已不适应当前工作需要"}, Evaluation: EvalExpire}); err != nil {
					return n, err
				}
			}
		}
		if d.State == StateInForce && !d.ExpiresOn.Before(today) {
			inForce = append(inForce, d)
		}
	}

	// 2. A closed cleanup campaign on the business environment, and an open one on property rights.
	if err := s.seedCleanups(ctx, rnd, staff, gov, today); err != nil {
		return n, err
	}

	// 3. This year's documents, from the approved reviews: registered, published, filed.
	reviews, err := s.review.ApprovedNormdocs(ctx, staff, 500)
	if err != nil {
		return n, err
	}
	sort.Slice(reviews, func(i, j int) bool { return reviews[i].ConcludedOn.Before(reviews[j].ConcludedOn) })
	amended := false
	for _, r := range reviews {
		ready := r.ConcludedOn
		if !r.FeedbackOn.IsZero() {
			ready = r.FeedbackOn
		}
		regOn := cal.AddWorkingDays(ready, 2+rnd.IntN(4))
		if regOn.After(today) {
			continue
		}
		in := RegisterInput{Step: casework.Step{On: regOn}, ReviewID: r.ID, Topics: seedTopicsFor(rnd, r.Title), SignedText: regOn.String()}
		if !amended && r.IssuerID == gov.ID {
			for _, a := range inForce {
				if a, err = getDoc(ctx, s.db, a.ID); err != nil {
					return n, err
				}
				if a.OrganID == gov.ID && a.State == StateInForce { // the cleanup may have ended it
					in.AmendsID = a.ID
					in.Title = gov.Name + "关于修改《" + a.Title + "》的决定"
					_, v, err := s.Version(ctx, staff, a.ID, 0)
					if err != nil {
						return n, err
					}
					in.Body = seedAmend(v.Body)
					amended = true
					break
				}
			}
		}
		d, err := s.Register(ctx, staff, in)
		if err != nil {
			return n, err
		}
		n++
		pubOn := cal.AddWorkingDays(regOn, 2+rnd.IntN(6))
		if pubOn.After(today) || rnd.IntN(15) == 0 {
			continue // registered, waiting to be issued: on the workbench
		}
		if d, err = s.Publish(ctx, staff, d.ID, PublishInput{Step: casework.Step{On: pubOn}, Channel: gov.Name + "门户网站", EffectiveText: pubOn.AddDays(30).String()}); err != nil {
			return n, err
		}
		if err := s.seedFilings(ctx, rnd, staff, d, today); err != nil {
			return n, err
		}
	}
	return n, nil
}

// seedAmend rewrites a text as its amended version: one article reworded, one added.
func seedAmend(body string) string {
	arts := SplitArticles(body)
	var b strings.Builder
	n := 0
	for i, a := range arts {
		if a.Label == "序言" {
			b.WriteString(a.Text + "\n")
			continue
		}
		n++
		text := a.Text
		if i == 2 {
			text = strings.Replace(text, "负责", "统筹负责", 1) + "具体办法由主管部门另行制定。"
		}
		fmt.Fprintf(&b, "第%s条 %s\n", chineseNum(n), text)
		if i == 3 {
			n++
			fmt.Fprintf(&b, "第%s条 %s\n", chineseNum(n), "主管部门应当通过政务服务平台公开办理进度，推行“一网通办”，实行告知承诺制的事项依法公布承诺内容。")
		}
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

// seedFilings sends most filings in time; a few late, some not yet.
func (s *Service) seedFilings(ctx context.Context, rnd *rand.Rand, staff *auth.Principal, d *Doc, today calendar.Date) error {
	fs, err := listFilings(ctx, s.db, d.ID)
	if err != nil {
		return err
	}
	late := rnd.IntN(20) == 0
	for _, f := range fs {
		sent := d.PublishedOn.AddDays(5 + rnd.IntN(max(d.PublishedOn.DaysUntil(f.DueOn)-5, 1)))
		if late {
			sent = f.DueOn.AddDays(2 + rnd.IntN(10))
		}
		if sent.After(today) || (today.DaysUntil(f.DueOn) > 0 && rnd.IntN(2) == 0) {
			continue
		}
		if _, err := s.RecordFiling(ctx, staff, d.ID, f.ID, FilingInput{Step: casework.Step{On: sent}, Stage: "sent"}); err != nil {
			return err
		}
		recv := sent.AddDays(2 + rnd.IntN(5))
		if recv.After(today) {
			continue
		}
		if _, err := s.RecordFiling(ctx, staff, d.ID, f.ID, FilingInput{Step: casework.Step{On: recv}, Stage: "received"}); err != nil {
			return err
		}
		fb := recv.AddDays(15 + rnd.IntN(30))
		if fb.After(today) {
			continue
		}
		result, note := "ok", "经审查，未发现违反法律、法规的内容，准予备案。"
		if rnd.IntN(12) == 0 {
			result, note = "correct", "第五条关于收费的规定缺乏依据，请自行纠正并报告纠正情况。"
		}
		if _, err := s.RecordFiling(ctx, staff, d.ID, f.ID, FilingInput{Step: casework.Step{On: fb}, Stage: "feedback", Result: result, Feedback: note}); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) seedCleanups(ctx context.Context, rnd *rand.Rand, staff *auth.Principal, gov org.Organ, today calendar.Date) error {
	opened := s.cal().NextWorkday(today.AddDays(-220))
	c, err := s.OpenCleanup(ctx, staff, CleanupInput{Step: casework.Step{On: opened}, OrganID: gov.ID, Below: true, Title: "涉及营商环境的规范性文件专项清理",
		Basis: "上级人民政府关于开展涉及营商环境的规范性文件专项清理工作的通知", Topic: "营商环境"})
	if err == nil {
		cd, err := s.Cleanup(ctx, staff, c.ID)
		if err != nil {
			return err
		}
		for i, it := range cd.Items {
			dec, reason := Keep, ""
			switch x := rnd.IntN(10); {
			case x == 0 || i == 0:
				dec, reason = Repeal, "与《优化营商环境条例》规定不一致，且调整对象已消失"
			case x == 1 || i == 1:
				dec, reason = Expire, "适用期已过，实际已停止执行"
			case x == 2 || i == 2:
				dec, reason = Amend, "部分条款设定的办理条件需按“放管服”改革要求调整"
			}
			if err := s.Propose(ctx, staff, c.ID, ItemInput{ItemID: it.ID, Decision: dec, Reason: reason}); err != nil {
				return err
			}
		}
		decided := s.cal().AddWorkingDays(opened, 30)
		if _, err := s.AdoptProposals(ctx, staff, c.ID, casework.Step{On: decided}); err != nil {
			return err
		}
		if _, err := s.CloseCleanup(ctx, staff, c.ID, CloseInput{Step: casework.Step{On: decided}, DecidedBy: "县政府第" + chineseNum(8+rnd.IntN(20)) + "次常务会议"}); err != nil {
			return err
		}
	}
	c, err = s.OpenCleanup(ctx, staff, CleanupInput{Step: casework.Step{On: s.cal().NextWorkday(today.AddDays(-20))}, OrganID: gov.ID, Below: true,
		Title: "涉及产权保护的规范性文件清理", Basis: "关于完善产权保护制度依法保护产权的有关要求", Topic: "产权保护"})
	if err != nil {
		return nil // nothing on that topic in force: no open campaign this time
	}
	cd, err := s.Cleanup(ctx, staff, c.ID)
	if err != nil {
		return err
	}
	for i, it := range cd.Items {
		if i%2 == 0 {
			if err := s.Propose(ctx, staff, c.ID, ItemInput{ItemID: it.ID, Decision: Keep}); err != nil {
				return err
			}
		}
	}
	return nil
}

// seedRenewalFilings sends the filings of a re-published document on the day given (deterministic, so
// the demo's random draws stay where they were).
func (s *Service) seedRenewalFilings(ctx context.Context, staff *auth.Principal, d *Doc, sent, today calendar.Date) error {
	if sent.After(today) {
		return nil
	}
	fs, err := listFilings(ctx, s.db, d.ID)
	if err != nil {
		return err
	}
	for _, f := range fs {
		if f.SentOn.IsZero() {
			if _, err := s.RecordFiling(ctx, staff, d.ID, f.ID, FilingInput{Step: casework.Step{On: sent}, Stage: "sent"}); err != nil {
				return err
			}
		}
	}
	return nil
}
