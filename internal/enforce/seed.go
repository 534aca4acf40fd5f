package enforce

import (
	"context"
	"fmt"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/demo"
)

// seedSectors tags the departments with the sector rules know.
var seedSectors = map[string]string{"市场监督管理局": "市场监管"}

// The 授权/受委托 organisations under departments (the rest of the county's ≈ 40 bodies).
var seedSubBodies = []struct{ parent, name, kind string }{
	{"公安局", "公安局交通警察大队", KindAuthorised}, {"市场监督管理局", "市场监督管理局城关市场监管所", KindStatutory},
	{"市场监督管理局", "市场监督管理局东城市场监管所", KindStatutory}, {"综合行政执法局", "综合行政执法大队", KindEntrusted},
	{"农业农村局", "农业综合行政执法大队", KindEntrusted}, {"交通运输局", "交通运输综合行政执法大队", KindEntrusted},
	{"卫生健康局", "卫生健康综合监督执法所", KindEntrusted}, {"应急管理局", "应急管理综合行政执法大队", KindEntrusted},
	{"生态环境分局", "生态环境保护综合行政执法大队", KindEntrusted}, {"自然资源和规划局", "自然资源执法监察大队", KindEntrusted},
	{"人力资源和社会保障局", "劳动保障监察大队", KindAuthorised}, {"住房和城乡建设局", "城乡建设综合执法大队", KindEntrusted},
	{"教育局", "教育督导室", KindEntrusted}, {"公安局", "公安局城关派出所", KindAuthorised}, {"公安局", "公安局东城派出所", KindAuthorised},
	{"公安局", "公安局治安管理大队", KindAuthorised}, {"市场监督管理局", "市场监督管理局西城市场监管所", KindStatutory},
	{"综合行政执法局", "综合行政执法局城区中队", KindEntrusted}, {"交通运输局", "公路路政管理所", KindAuthorised},
	{"农业农村局", "动物卫生监督所", KindAuthorised}, {"卫生健康局", "疾病预防控制中心", KindAuthorised},
	{"应急管理局", "消防救援大队", KindAuthorised}, {"市场监督管理局", "市场监督管理局南城市场监管所", KindStatutory},
	{"住房和城乡建设局", "建设工程质量安全监督站", KindAuthorised}, {"公安局", "公安局出入境管理大队", KindAuthorised},
	{"农业农村局", "渔政执法大队", KindEntrusted},
}

// seed loads the demo county's bodies, officers with certificates and a year of records; the other
// counties get their bodies and a few officers. Everything goes in with batch inserts.
func (m *Module) seed(ctx context.Context, w *demo.World) (string, error) {
	if len(w.Counties) == 0 {
		return "", nil
	}
	year := m.today().Year - 1
	var bodies, officers, records int
	for i, c := range w.Counties {
		perBody := 50
		nrec := 1500
		if i > 0 {
			perBody, nrec = 5, 100
		}
		if w.Scale != "county" && i > 1 {
			perBody, nrec = 2, 0
		}
		b, o, r, err := m.seedCounty(ctx, w, c, year, perBody, nrec)
		if err != nil {
			return "", err
		}
		bodies, officers, records = bodies+b, officers+o, records+r
	}
	return fmt.Sprintf("行政执法监督：%d 个执法主体、%d 名执法人员、%d 条执法记录", bodies, officers, records), nil
}

func (m *Module) seedCounty(ctx context.Context, w *demo.World, c *demo.County, year, perBody, nrec int) (int, int, int, error) {
	rnd := w.Rand
	var bs []*Body
	for _, d := range c.Departments {
		cats := []string{"penalty", "inspection", "coercion"}
		if rnd.IntN(2) == 0 {
			cats = append(cats, "license")
		}
		bs = append(bs, &Body{ID: db.NewID(), OrganID: d.ID, Name: d.Name, Kind: KindStatutory, LegalBasis: "《中华人民共和国地方各级人民代表大会和地方各级人民政府组织法》及相关单行法律法规",
			Categories: cats, MajorCatalogue: []string{"较大数额罚款", "吊销许可证件", "责令停产停业"}, Sector: sectorOf(d.Name)})
	}
	for _, t := range c.Townships {
		bs = append(bs, &Body{ID: db.NewID(), OrganID: t.ID, Name: t.Name, Kind: KindStatutory, LegalBasis: "乡镇综合行政执法赋权事项目录",
			Categories: []string{"penalty", "inspection"}})
	}
	for _, sb := range seedSubBodies {
		if len(bs) >= 40 {
			break
		}
		for _, d := range c.Departments {
			if hasSuffix(d.Name, sb.parent) {
				bs = append(bs, &Body{ID: db.NewID(), OrganID: d.ID, Name: d.Name[:len(d.Name)-len(sb.parent)] + sb.name, Kind: sb.kind,
					LegalBasis: "授权或委托文件", Categories: []string{"penalty", "inspection"}, Sector: sectorOf(d.Name)})
				break
			}
		}
	}
	now := db.Now()
	var bodyRows, offRows, certRows, spanRows [][]any
	type held struct{ no, body, organ string }
	var certs []held
	serial := 0
	for _, b := range bs {
		bodyRows = append(bodyRows, []any{b.ID, b.OrganID, b.Name, b.Kind, b.LegalBasis, joinList(b.Categories), "", joinBreak(b.MajorCatalogue), b.Sector, now})
		for k := 0; k < perBody; k++ {
			oid := db.NewID()
			offRows = append(offRows, []any{oid, b.ID, b.OrganID, w.PersonName(), "执法岗", db.BoolInt(rnd.IntN(10) == 0), now})
			if rnd.IntN(100) < 6 { // 持证率 about 94%
				continue
			}
			serial++
			no := fmt.Sprintf("%s%06d", c.Government.DivisionCode, serial)
			cid := db.NewID()
			from := calendar.Date{Year: year - 2, Month: time.Month(1 + rnd.IntN(12)), Day: 1 + rnd.IntN(28)}
			to := from.AddDays(4*365 - 1)
			if rnd.IntN(40) == 0 {
				to = calendar.Date{Year: year, Month: 6, Day: 30} // expired mid-year
			}
			certRows = append(certRows, []any{cid, oid, b.OrganID, no, CertIssued, from.AddDays(-30).String(), 60 + rnd.IntN(40), 70 + rnd.IntN(30), 1,
				from.String(), to.String(), "", 1, now})
			spanRows = append(spanRows, []any{db.NewID(), cid, "valid", from.String(), to.String(), now})
			certs = append(certs, held{no, b.ID, b.OrganID})
		}
	}
	var recs []*Record
	cats := []string{CatPenalty, CatPenalty, CatInspection, CatInspection, CatInspection, CatLicense, CatCoercion, CatOther}
	for k := 0; k < nrec && len(certs) > 1; k++ {
		a := certs[rnd.IntN(len(certs))]
		officers := []string{a.no}
		for _, h := range certs[rnd.IntN(len(certs)-1):] {
			if h.body == a.body && h.no != a.no {
				officers = append(officers, h.no)
				break
			}
		}
		cat := cats[rnd.IntN(len(cats))]
		decided := calendar.Date{Year: year, Month: time.Month(1 + rnd.IntN(12)), Day: 1 + rnd.IntN(28)}
		r := &Record{OrganID: a.organ, BodyID: a.body, Category: cat, CaseNo: fmt.Sprintf("%s〔%d〕%05d号", LabelOf(RecordCategories, cat)[len("行政"):], year, k+1),
			Subject: "某某商贸有限公司" + fmt.Sprint(k%300), SubjectType: "法人", DecidedOn: decided, Officers: officers, FullRecord: rnd.IntN(20) != 0}
		if cat == CatPenalty {
			r.FiledOn = decided.AddDays(-(5 + rnd.IntN(80)))
			r.AmountCents = int64(200+rnd.IntN(50000)) * 100
			r.Major = rnd.IntN(10) == 0
			if r.Major && rnd.IntN(8) != 0 {
				r.ReviewedOn = decided.AddDays(-2)
			}
		}
		if rnd.IntN(12) != 0 {
			r.PublishedOn = decided.AddDays(1 + rnd.IntN(10))
		}
		recs = append(recs, r)
	}
	err := m.d.DB.Tx(ctx, func(tx *db.Tx) error {
		if err := insertMany(ctx, tx, `INSERT INTO enforce_bodies (`+bodyCols+`, created_at)`, 10, bodyRows); err != nil {
			return err
		}
		if err := insertMany(ctx, tx, `INSERT INTO enforce_officers (`+officerCols+`, created_at)`, 7, offRows); err != nil {
			return err
		}
		if err := insertMany(ctx, tx, `INSERT INTO enforce_certificates (`+certCols+`, created_at)`, 14, certRows); err != nil {
			return err
		}
		if err := insertMany(ctx, tx, `INSERT INTO enforce_cert_spans (id, cert_id, kind, from_on, to_on, created_at)`, 6, spanRows); err != nil {
			return err
		}
		if len(recs) == 0 {
			return nil
		}
		ch, err := m.newChecker(ctx, tx)
		if err != nil {
			return err
		}
		_, err = m.writeRecords(ctx, tx, ch, recs, "demo")
		return err
	})
	if err != nil {
		return 0, 0, 0, err
	}
	if nrec >= 1000 {
		if err := m.seedSupervision(ctx, c, bs, year); err != nil {
			return 0, 0, 0, err
		}
	}
	return len(bs), len(offRows), len(recs), nil
}

// seedSupervision adds a published plan with its draw and a matter under rectification.
func (m *Module) seedSupervision(ctx context.Context, c *demo.County, bs []*Body, year int) error {
	p := &auth.Principal{Name: "演示", OrganID: c.Justice.ID, Scope: auth.ScopeAll}
	var body *Body
	for _, b := range bs {
		if b.Sector == "市场监管" {
			body = b
			break
		}
	}
	if body == nil {
		body = bs[0]
	}
	var targets []Member
	for i := 0; i < 60; i++ {
		targets = append(targets, Member{ID: fmt.Sprintf("MS%04d", i+1), Name: fmt.Sprintf("某某商贸有限公司%d", i)})
	}
	pl, err := m.CreatePlan(ctx, p, PlanInput{BodyID: body.ID, Title: fmt.Sprintf("%d年食品经营者双随机抽查", year+1), Items: []string{"食品经营许可", "进货查验"},
		Targets: targets, TargetCount: 6, PerTarget: 2})
	if err != nil {
		return err
	}
	if _, err := m.DrawPlan(ctx, p, pl.ID); err != nil {
		return err
	}
	_, err = m.OpenMatter(ctx, p, MatterInput{BodyID: bs[0].ID, Source: "warning", Title: "行政处罚决定逾期公示问题"})
	return err
}

func sectorOf(name string) string {
	for k, v := range seedSectors {
		if hasSuffix(name, k) {
			return v
		}
	}
	return ""
}

func hasSuffix(s, suf string) bool { return len(s) >= len(suf) && s[len(s)-len(suf):] == suf }

func joinBreak(l []string) string {
	out := ""
	for i, s := range l {
		if i > 0 {
			out += "\n"
		}
		out += s
	}
	return out
}
