// Package demo builds the demo deployment: a province → city → counties org tree, people in
// every role, and (through each module's seeder) a realistic year of records. Deterministic:
// the same scale always gives the same organs, people and records.
package demo

import (
	"context"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strings"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/org"
)

// Password of every demo account. It satisfies the password policy.
const Password = "Fazhi@2026demo"

// Login is one demo account printed at first start.
type Login struct {
	Username string
	Role     string
	Organ    string
}

// Summary reports what was loaded.
type Summary struct {
	Organs int
	Users  int
	Logins []Login
	Notes  []string // one line per module seeder
}

// County is one generated county with the organs and people module seeders need.
type County struct {
	Government  org.Organ
	Justice     org.Organ
	Departments []org.Organ // the departments that are respondents, liaisons' organs
	Townships   []org.Organ
	Staff       map[auth.Role][]string // user ids by role acting for the county
}

// World is what module seeders receive.
type World struct {
	DB        *db.DB
	Org       *org.Service
	Rand      *rand.Rand
	Scale     string
	Province  org.Organ
	Cities    []org.Organ
	Counties  []*County
	CityStaff map[string]map[auth.Role][]string // city government id → role → user ids
}

// Seeder adds a module's demo records.
type Seeder func(ctx context.Context, w *World) (note string, err error)

// Load builds the tree and the people, then runs the seeders. It refuses a database that already has organs.
func Load(ctx context.Context, d *db.DB, o *org.Service, a *auth.Service, scale string, seeders []Seeder) (Summary, error) {
	if len(o.All()) > 0 {
		return Summary{}, fmt.Errorf("数据库中已有机关数据，演示数据只能载入空库（可另设 --data 目录）")
	}
	ctx = audit.WithActor(ctx, audit.Actor{Username: "demo"})
	hash, err := auth.HashPassword(Password)
	if err != nil {
		return Summary{}, err
	}
	b := &builder{d: d, o: o, a: a, hash: hash, w: &World{DB: d, Org: o, Rand: rand.New(rand.NewPCG(2026, 11)), Scale: scale, CityStaff: map[string]map[auth.Role][]string{}}}
	if err := b.tree(ctx, scale); err != nil {
		return Summary{}, err
	}
	if err := o.Load(ctx); err != nil {
		return Summary{}, err
	}
	sum := Summary{Organs: len(o.All()), Users: b.users, Logins: b.logins}
	for _, s := range seeders {
		note, err := s(ctx, b.w)
		if err != nil {
			return sum, err
		}
		if note != "" {
			sum.Notes = append(sum.Notes, note)
		}
	}
	return sum, d.Analyze(ctx)
}

type builder struct {
	d      *db.DB
	o      *org.Service
	a      *auth.Service
	hash   string
	w      *World
	users  int
	logins []Login
}

var countyDepartments = []struct{ abbr, name string }{
	{"GAJ", "公安局"}, {"SJJ", "市场监督管理局"}, {"ZRJ", "自然资源和规划局"}, {"RSJ", "人力资源和社会保障局"},
	{"ZJJ", "住房和城乡建设局"}, {"JTJ", "交通运输局"}, {"WJJ", "卫生健康局"}, {"SHJ", "生态环境分局"},
	{"CGJ", "综合行政执法局"}, {"YJJ", "应急管理局"}, {"NYJ", "农业农村局"}, {"JYJ", "教育局"},
}

var countyNames = []string{"青山县", "绿水县", "云台县", "石门县", "清河县", "柳林县", "桃源县", "安平县", "永宁县", "长乐县"}
var cityNames = []string{"示范市", "东江市", "西岭市", "南湖市", "北原市", "中川市", "临海市", "平阳市", "高阳市", "新安市"}
var surnames = []rune("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈")
var givenNames = []string{"伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "军", "杰", "娟", "涛", "明", "超", "秀英", "建华", "志强", "晓东", "海燕", "文静", "国平", "丽萍", "春梅"}

// PersonName returns a plausible Chinese name.
func (w *World) PersonName() string {
	return string(surnames[w.Rand.IntN(len(surnames))]) + givenNames[w.Rand.IntN(len(givenNames))]
}

func (b *builder) tree(ctx context.Context, scale string) error {
	cities, countiesPerCity := 1, 2
	if scale == "province" {
		cities, countiesPerCity = 10, 10
	}
	return b.d.Tx(ctx, func(tx *db.Tx) error {
		prov, err := b.government(ctx, tx, org.Division{Code: "990000", Name: "示范省", Level: org.Province}, "", "示范省人民政府", "示政")
		if err != nil {
			return err
		}
		b.w.Province = prov
		provJustice, err := b.organ(ctx, tx, "990000-SFT", "示范省司法厅", org.KindJustice, "990000", prov.ID, "示司")
		if err != nil {
			return err
		}
		for _, u := range []struct {
			name string
			role auth.Role
			who  string
		}{{"admin", auth.RoleSysAdmin, "系统管理员"}, {"security", auth.RoleSecAdmin, "安全管理员"}, {"auditor", auth.RoleAuditAdmin, "审计管理员"}} {
			if _, err := b.user(ctx, tx, u.name, u.who, provJustice, prov, u.role, auth.ScopeAll, true); err != nil {
				return err
			}
		}
		if _, err := b.user(ctx, tx, "sheng_fy", b.w.PersonName(), provJustice, prov, auth.RoleReconsider, auth.ScopeOrgan, true); err != nil {
			return err
		}
		for ci := 0; ci < cities; ci++ {
			cityCode := fmt.Sprintf("99%02d00", ci+1)
			city, err := b.government(ctx, tx, org.Division{Code: cityCode, Name: cityNames[ci], Level: org.City, ParentCode: "990000"}, prov.ID, cityNames[ci]+"人民政府", string([]rune(cityNames[ci])[:1])+"政")
			if err != nil {
				return err
			}
			b.w.Cities = append(b.w.Cities, city)
			cityJustice, err := b.organ(ctx, tx, cityCode+"-SFJ", cityNames[ci]+"司法局", org.KindJustice, cityCode, city.ID, "")
			if err != nil {
				return err
			}
			staff := map[auth.Role][]string{}
			b.w.CityStaff[city.ID] = staff
			show := ci == 0
			prefix := fmt.Sprintf("shi%d", ci+1)
			if ci == 0 {
				prefix = "shi"
			}
			for _, r := range []struct {
				suffix string
				role   auth.Role
				scope  auth.Scope
				home   org.Organ
			}{{"_fy", auth.RoleReconsider, auth.ScopeOrgan, cityJustice}, {"_sc", auth.RoleReviewer, auth.ScopeOrgan, cityJustice}, {"_ld", auth.RoleLeader, auth.ScopeBelow, city}} {
				id, err := b.user(ctx, tx, prefix+r.suffix, b.w.PersonName(), r.home, city, r.role, r.scope, show)
				if err != nil {
					return err
				}
				staff[r.role] = append(staff[r.role], id)
			}
			for ki := 0; ki < countiesPerCity; ki++ {
				if err := b.county(ctx, tx, city, cityCode, ci, ki); err != nil {
					return err
				}
			}
		}
		// A law firm often advises two county governments: qs_gw also serves 绿水县 (organ switcher).
		qs, ls := b.w.Counties[0], b.w.Counties[1]
		return b.a.SetMemberships(ctx, tx, qs.Staff[auth.RoleAdvisor][0], []auth.Membership{
			{OrganID: qs.Justice.ID, Role: auth.RoleAdvisor, Scope: auth.ScopeSelf},
			{OrganID: ls.Justice.ID, Role: auth.RoleAdvisor, Scope: auth.ScopeSelf}})
	})
}

func (b *builder) county(ctx context.Context, tx *db.Tx, city org.Organ, cityCode string, ci, ki int) error {
	code := fmt.Sprintf("99%02d%02d", ci+1, 21+ki)
	name := countyNames[ki%len(countyNames)]
	if ci > 0 {
		name = string([]rune(cityNames[ci])[:2]) + name // keep names unique across cities
	}
	// 文号 prefixes must differ between organs: outside the first city they carry the city's character too.
	short := []rune(countyNames[ki%len(countyNames)])[0:1]
	if ci > 0 {
		short = append([]rune(cityNames[ci])[0:1], short...)
	}
	gov, err := b.government(ctx, tx, org.Division{Code: code, Name: name, Level: org.County, ParentCode: cityCode}, city.ID, name+"人民政府", string(short)+"政")
	if err != nil {
		return err
	}
	c := &County{Government: gov, Staff: map[auth.Role][]string{}}
	if c.Justice, err = b.organ(ctx, tx, code+"-SFJ", name+"司法局", org.KindJustice, code, gov.ID, string(short)+"司"); err != nil {
		return err
	}
	if _, err := b.organ(ctx, tx, code+"-BGS", name+"人民政府办公室", org.KindOffice, code, gov.ID, string(short)+"政办"); err != nil {
		return err
	}
	for _, d := range countyDepartments {
		o, err := b.organ(ctx, tx, code+"-"+d.abbr, name+d.name, org.KindDepartment, code, gov.ID, "")
		if err != nil {
			return err
		}
		c.Departments = append(c.Departments, o)
	}
	for ti, tn := range []string{"城关镇", "河口乡"} {
		tcode := fmt.Sprintf("%s%03d", code, ti+1)
		t, err := b.government(ctx, tx, org.Division{Code: tcode, Name: tn, Level: org.Township, ParentCode: code}, gov.ID, tn+"人民政府", "")
		if err != nil {
			return err
		}
		c.Townships = append(c.Townships, t)
	}
	court, err := b.organ(ctx, tx, code+"-FY", name+"人民法院", org.KindCourt, code, "", "")
	if err != nil {
		return err
	}
	// The first county is the one the README's demo logins point at; others get short prefixes.
	first := ci == 0 && ki == 0
	prefix := fmt.Sprintf("x%02d%02d", ci+1, ki+1)
	if ci == 0 && ki < 2 {
		prefix = []string{"qs", "ls"}[ki]
	}
	type spec struct {
		suffix string
		role   auth.Role
		home   org.Organ
		acts   org.Organ
		scope  auth.Scope
	}
	specs := []spec{
		{"_fy", auth.RoleReconsider, c.Justice, gov, auth.ScopeOrgan},
		{"_fy2", auth.RoleReconsider, c.Justice, gov, auth.ScopeOrgan},
		{"_sc", auth.RoleReviewer, c.Justice, c.Justice, auth.ScopeBelow},
		{"_gw", auth.RoleAdvisor, c.Justice, c.Justice, auth.ScopeSelf},
		{"_ld", auth.RoleLeader, gov, gov, auth.ScopeBelow},
		{"_fyll", auth.RoleCourtLiaison, court, court, auth.ScopeOrgan},
	}
	for i, d := range c.Departments[:4] {
		specs = append(specs, spec{"_" + lower(countyDepartments[i].abbr), auth.RoleLiaison, d, d, auth.ScopeOrgan})
	}
	if first || ki == 0 {
		specs = append(specs, spec{"_admin", auth.RoleSysAdmin, c.Justice, gov, auth.ScopeBelow})
	}
	for _, s := range specs {
		id, err := b.user(ctx, tx, prefix+s.suffix, b.w.PersonName(), s.home, s.acts, s.role, s.scope, ci == 0 && ki < 2)
		if err != nil {
			return err
		}
		c.Staff[s.role] = append(c.Staff[s.role], id)
	}
	b.w.Counties = append(b.w.Counties, c)
	return nil
}

func lower(s string) string {
	b := []byte(s)
	for i := range b {
		if b[i] >= 'A' && b[i] <= 'Z' {
			b[i] += 'a' - 'A'
		}
	}
	return string(b)
}

func (b *builder) government(ctx context.Context, tx *db.Tx, div org.Division, parentID, name, prefix string) (org.Organ, error) {
	if err := b.o.CreateDivision(ctx, tx, div); err != nil {
		return org.Organ{}, err
	}
	return b.organ(ctx, tx, div.Code+"-GOV", name, org.KindGovernment, div.Code, parentID, prefix)
}

func (b *builder) organ(ctx context.Context, tx *db.Tx, code, name string, kind org.Kind, div, parentID, prefix string) (org.Organ, error) {
	o := org.Organ{Code: code, Name: name, Kind: kind, DivisionCode: div, ParentID: parentID, DocPrefix: prefix, Profile: demoProfile(code, name, kind, div)}
	if err := b.o.CreateOrgan(ctx, tx, &o); err != nil {
		return o, err
	}
	return o, nil
}

// demoProfile fills an organ's profile from its code alone (not from the world's random stream, so
// adding it changed no other demo data).
func demoProfile(code, name string, kind org.Kind, div string) org.Profile {
	h := fnv.New32a()
	h.Write([]byte(code))
	n := int(h.Sum32())
	title := map[org.Kind]string{org.KindGovernment: "县长", org.KindOffice: "主任", org.KindJustice: "局长", org.KindDepartment: "局长", org.KindCourt: "院长", org.KindOther: "负责人"}[kind]
	switch {
	case strings.HasSuffix(name, "省人民政府"):
		title = "省长"
	case strings.HasSuffix(name, "市人民政府"):
		title = "市长"
	case strings.HasSuffix(name, "司法厅"):
		title = "厅长"
	}
	place := name
	for _, suffix := range []string{"县", "市", "省"} {
		if i := strings.Index(name, suffix); i > 0 {
			place = name[:i+len(suffix)]
			break
		}
	}
	streets := []string{"人民路", "解放路", "建设路", "文化路", "和平路", "政通路"}
	return org.Profile{
		Address:  fmt.Sprintf("%s%s%d号", place, streets[n%len(streets)], 1+n%199),
		Postcode: div,
		Phone:    fmt.Sprintf("0399-%08d", n%100000000),
		LegalRep: string(surnames[n%len(surnames)]) + givenNames[(n/7)%len(givenNames)], LegalRepTitle: title,
	}
}

func (b *builder) user(ctx context.Context, tx *db.Tx, username, name string, home, acts org.Organ, role auth.Role, scope auth.Scope, show bool) (string, error) {
	title := ""
	if role == auth.RoleLeader {
		title = "副县长"
	}
	id, err := b.a.CreateUser(ctx, tx, auth.NewUser{Username: username, Name: name, OrganID: home.ID, Title: title, PasswordHash: b.hash,
		Memberships: []auth.Membership{{OrganID: acts.ID, Role: role, Scope: scope}}})
	if err != nil {
		return "", fmt.Errorf("创建演示账户 %s：%w", username, err)
	}
	b.users++
	if show {
		b.logins = append(b.logins, Login{Username: username, Role: role.Label(), Organ: acts.Name})
	}
	return id, nil
}
