package admin

import (
	"bytes"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/xuri/excelize/v2"
)

func TestAuditLogOnlyForAuditor(t *testing.T) {
	e := newEnv(t)
	for _, c := range []struct {
		user string
		want int
	}{{"auditor", 200}, {"admin", 403}, {"security", 403}, {"qs_fy", 403}, {"qs_ld", 403}} {
		t.Run(c.user, func(t *testing.T) {
			cl := e.login(c.user)
			for _, path := range []string{"/admin/audit", "/admin/audit/export"} {
				if w := cl.get(path); w.Code != c.want {
					t.Errorf("GET %s：%d，应为 %d", path, w.Code, c.want)
				}
			}
			if w := cl.post("/admin/audit/verify", nil); w.Code != c.want {
				t.Errorf("POST /admin/audit/verify：%d，应为 %d", w.Code, c.want)
			}
		})
	}
}

func TestAuditFiltersAndPaging(t *testing.T) {
	e := newEnv(t)
	aud := e.login("auditor")
	for i := 0; i < 3; i++ {
		e.login("qs_fy")
	}
	cases := []struct {
		name, query string
		status      int
		has, hasNot []string
	}{
		{"按用户和操作", "?user=qs_fy&action=login", 200, []string{"<td>qs_fy</td>", "登录"}, []string{"<td>auditor</td>", "<td>demo</td>"}},
		{"按对象类型", "?type=organ", 200, []string{"<td>demo</td>", "机关"}, []string{"<td>qs_fy</td>"}},
		{"今天以后没有记录", "?from=2999-01-01", 200, []string{"没有符合条件的记录"}, []string{"<td>qs_fy</td>"}},
		{"错误的日期", "?from=2026-13-01&user=qs_fy", 422, []string{"起始日期格式应为 年-月-日，例如 2026-01-05", `value="qs_fy"`}, nil},
		{"日期颠倒", "?from=2026-02-01&to=2026-01-01", 422, []string{"截止日期早于起始日期"}, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := aud.get("/admin/audit" + c.query)
			wantStatus(t, w, c.status)
			wantBody(t, w, c.has...)
			for _, s := range c.hasNot {
				if hasText(w, s) {
					t.Errorf("不应出现 %q", s)
				}
			}
		})
	}

	// The demo alone writes hundreds of entries: 50 a page, newest first, pages follow on.
	total := e.count(`SELECT COUNT(*) FROM audit_log`)
	w := aud.get("/admin/audit")
	wantStatus(t, w, 200)
	if n := strings.Count(w.Body.String(), `<td class="num">`); n != pageSize {
		t.Errorf("第1页 %d 条，应为 %d", n, pageSize)
	}
	if !hasText(w, `<td class="num">`+strconv.Itoa(total)+`</td>`) {
		t.Errorf("第1页没有最新的第 %d 条", total)
	}
	wantBody(t, w, "page=2")
	w = aud.get("/admin/audit?page=2")
	if !hasText(w, `<td class="num">`+strconv.Itoa(total-pageSize)+`</td>`) || hasText(w, `<td class="num">`+strconv.Itoa(total)+`</td>`) {
		t.Error("第2页应从第51新的一条开始")
	}
}

func TestAuditExportIsAudited(t *testing.T) {
	e := newEnv(t)
	aud := e.login("auditor")
	before := e.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND username = 'auditor'`)
	w := aud.get("/admin/audit/export?user=demo")
	wantStatus(t, w, 200)
	if ct := w.Header().Get("Content-Type"); !strings.Contains(ct, "spreadsheetml") {
		t.Errorf("Content-Type %q", ct)
	}
	if cd := w.Header().Get("Content-Disposition"); !strings.Contains(cd, "attachment") || !strings.Contains(cd, "UTF-8''") {
		t.Errorf("Content-Disposition %q", cd)
	}
	f, err := excelize.OpenReader(bytes.NewReader(w.Body.Bytes()))
	if err != nil {
		t.Fatalf("导出的不是 XLSX：%v", err)
	}
	rows, err := f.GetRows(f.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	want := e.count(`SELECT COUNT(*) FROM audit_log WHERE username = 'demo'`)
	data, other := 0, 0
	for _, r := range rows[2:] { // title and header rows first
		if len(r) > 2 && r[2] == "demo" {
			data++
		} else {
			other++
		}
	}
	if data != want || want == 0 || other != 0 {
		t.Errorf("导出 demo 的记录 %d 行（其他 %d 行），库中 %d 条", data, other, want)
	}
	if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'export' AND username = 'auditor' AND object_type = 'audit_log'`); n != before+1 {
		t.Errorf("导出的审计记录 %d → %d，应多一条", before, n)
	}
	var detail string
	e.db.QueryRowContext(context.Background(), `SELECT detail FROM audit_log WHERE action = 'export' ORDER BY seq DESC LIMIT 1`).Scan(&detail)
	if !strings.Contains(detail, `"user":"demo"`) {
		t.Errorf("导出记录的详情没有筛选条件：%s", detail)
	}
}

func TestAuditVerify(t *testing.T) {
	e := newEnv(t)
	aud := e.login("auditor")
	w := aud.post("/admin/audit/verify", nil)
	wantStatus(t, w, 200)
	wantBody(t, w, "校验通过")
	e.db.Tx(context.Background(), func(tx *db.Tx) error {
		return tx.Exec(context.Background(), `UPDATE audit_log SET detail = '{"forged":true}' WHERE seq = 5`)
	})
	w = aud.post("/admin/audit/verify", nil)
	wantStatus(t, w, 200)
	wantBody(t, w, "校验未通过", "第 5 条的内容与其哈希不符")
}

const notice2027 = `2027 off: 01-01..01-03, 02-06..02-12, 10-01..10-07
2027 work: 02-14, 10-09
2027 source: 国务院办公厅关于2027年部分节假日安排的通知（测试）
`

func TestCalendarPreviewAndSave(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin")

	t.Run("逐行报错", func(t *testing.T) {
		bad := "2027 off: 01-01..01-03, 13-01\n2027 work: 02-10\n2027 holiday: 01-05\n"
		w := admin.post("/admin/calendar", url.Values{"notice": {bad}, "op": {"save"}})
		wantStatus(t, w, http.StatusUnprocessableEntity)
		wantBody(t, w, "共有3行有误", `日期&#34;13-01&#34;无效`, "调休上班日 2027-02-10 是周三", "未知的类别")
		if e.cal.Current().Known(2027) {
			t.Error("有错的文本被保存了")
		}
	})

	t.Run("预览不保存", func(t *testing.T) {
		w := admin.post("/admin/calendar", url.Values{"notice": {notice2027}, "op": {"preview"}})
		wantStatus(t, w, 200)
		wantBody(t, w, "预览（尚未保存）", "2027-02-08", "工作日", "法定节假日", "2027-02-14", "调休上班")
		if e.cal.Current().Known(2027) || e.count(`SELECT COUNT(*) FROM calendar_years`) != 0 {
			t.Error("预览保存了安排")
		}
	})

	t.Run("保存并重新读取", func(t *testing.T) {
		w := admin.post("/admin/calendar", url.Values{"notice": {notice2027}, "op": {"save"}})
		wantStatus(t, w, 200)
		wantBody(t, w, "已保存 2027 年的节假日安排", "没有期限因此变动")
		if !e.cal.Current().Known(2027) || e.cal.Current().IsWorkday(calendar.MustDate("2027-02-08")) || !e.cal.Current().IsWorkday(calendar.MustDate("2027-02-14")) {
			t.Error("保存后现行日历未更新")
		}
		fresh := calendar.NewStore(e.db)
		if err := fresh.Load(context.Background()); err != nil {
			t.Fatal(err)
		}
		if !fresh.Current().Known(2027) || fresh.Current().IsWorkday(calendar.MustDate("2027-10-04")) {
			t.Error("重新读取数据库后没有2027年的安排")
		}
		w = admin.get("/admin/calendar?year=2027")
		wantStatus(t, w, 200)
		wantBody(t, w, "02-06..02-12", "国务院办公厅关于2027年部分节假日安排的通知（测试）", `class="ho" title="2027-02-08 周一 法定节假日"`, `class="mk" title="2027-02-14 周日 调休上班"`)
		if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'calendar_import' AND object_id = '2027' AND username = 'admin'`); n != 1 {
			t.Errorf("导入的审计记录 %d 条", n)
		}
	})

	t.Run("只有系统管理员", func(t *testing.T) {
		for _, u := range []string{"security", "auditor", "qs_fy"} {
			if w := e.login(u).post("/admin/calendar", url.Values{"notice": {notice2027}, "op": {"save"}}); w.Code != http.StatusForbidden {
				t.Errorf("%s 保存节假日：%d", u, w.Code)
			}
		}
	})
}

func TestParseAllReportsEveryBadLine(t *testing.T) {
	cases := []struct {
		name  string
		text  string
		lines []int
	}{
		{"全对", notice2027, nil},
		{"一行", "2027 off: 01-01\n2027 work: 01-06\n", []int{2}},
		{"两行日期错", "2027 off: 01-01, 02-30\n2027 work: 03-03\n", []int{1, 2}},
		{"行首错与缺 work 行", "2027 off: 01-01\nxx\n", []int{2, 1}},
		{"重复的 off 行", "2027 off: 01-01\n2027 off: 01-02\n2027 work:\n", []int{2}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ns, errs, err := parseAll(c.text)
			if err != nil {
				t.Fatal(err)
			}
			if len(errs) != len(c.lines) {
				t.Fatalf("错误 %v，应在第 %v 行", errs, c.lines)
			}
			for _, l := range c.lines {
				if errs[l] == "" {
					t.Errorf("第%d行没有报错：%v", l, errs)
				}
			}
			if (len(c.lines) == 0) != (len(ns) > 0) {
				t.Errorf("解析结果 %v", ns)
			}
		})
	}
}

func TestDueCalculator(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin")
	cases := []struct {
		query  string
		status int
		has    []string
	}{
		// 2024 春节 02-10..02-17 放假, 02-18 (周日) 调休上班.
		{"?from=2024-02-08&n=5&unit=working", 200, []string{"2024年2月21日", "（2024-02-21，周三）", "跳过休息日 8 天", "2024-02-18（周日）", "第八十八条第二款"}},
		// 60日 from 2024-08-01 ends 09-30 (周一), a working day.
		{"?from=2024-08-01&n=60&unit=calendar", 200, []string{"2024-09-30 是工作日，不需顺延"}},
		// 2024 中秋 09-15..09-17: a period ending on the 15th rolls to the 18th.
		{"?from=2024-09-14&n=1&unit=calendar", 200, []string{"2024-09-15 是休息日，顺延至其后的第一个工作日 2024-09-18", "第八十五条"}},
		{"?from=2031-03-01&n=5&unit=working", 200, []string{"2031年的节假日安排尚未录入"}},
		{"?from=2024-02-30&n=0&unit=x", 422, []string{"起算日应为有效日期", "天数应为1至3660的整数", "请选择工作日或自然日"}},
		{"", 200, []string{"期限计算"}},
	}
	for _, c := range cases {
		t.Run(c.query, func(t *testing.T) {
			w := admin.get("/admin/calendar/due" + c.query)
			wantStatus(t, w, c.status)
			wantBody(t, w, c.has...)
		})
	}
	if got := e.cal.Current().AddWorkingDays(calendar.MustDate("2024-02-08"), 5); got != calendar.MustDate("2024-02-21") {
		t.Errorf("日历给出 %s，与页面断言不符", got)
	}
}

func TestOrganForms(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin")
	justice, _ := e.org.ByCode("990121-SFJ")
	gov, _ := e.org.ByCode("990121-GOV")

	w := admin.get("/admin/organs")
	wantStatus(t, w, 200)
	wantBody(t, w, "示范省人民政府", "青山县公安局", "工作部门", "县级")

	cases := []struct {
		name, path string
		form       url.Values
		status     int
		has        []string
	}{
		{"科室", "/admin/organs/departments", url.Values{"dept_organ": {justice.ID}, "dept_name": {"行政复议与应诉科"}}, 303, nil},
		{"重复科室", "/admin/organs/departments", url.Values{"dept_organ": {justice.ID}, "dept_name": {"行政复议与应诉科"}}, 422, []string{"该机关已有名为“行政复议与应诉科”的科室", `value="行政复议与应诉科"`}},
		{"科室无名", "/admin/organs/departments", url.Values{"dept_organ": {justice.ID}}, 422, []string{"请填写科室名称"}},
		{"机关", "/admin/organs", url.Values{"organ_code": {"990121-TJJ"}, "organ_name": {"青山县统计局"}, "organ_kind": {"department"}, "organ_division": {"990121"}, "organ_parent": {gov.ID}}, 303, nil},
		{"机关代码重复", "/admin/organs", url.Values{"organ_code": {"990121-TJJ"}, "organ_name": {"青山县统计局二"}, "organ_kind": {"department"}, "organ_division": {"990121"}, "organ_parent": {gov.ID}}, 422, []string{"机关代码 990121-TJJ 已存在", `value="青山县统计局二"`}},
		{"机关缺项", "/admin/organs", url.Values{"organ_code": {"a b"}}, 422, []string{"机关代码为1至40位", "请填写机关名称", "请选择机关类型", "请选择您管理范围内的行政区划"}},
		{"区划", "/admin/organs/divisions", url.Values{"div_code": {"990121003"}, "div_name": {"新城镇"}, "div_level": {"township"}, "div_parent": {"990121"}}, 303, nil},
		{"区划代码", "/admin/organs/divisions", url.Values{"div_code": {"12"}, "div_name": {"新城镇"}, "div_level": {"township"}, "div_parent": {"990121"}}, 422, []string{"区划代码应为6位"}},
		{"区划重复", "/admin/organs/divisions", url.Values{"div_code": {"990121003"}, "div_name": {"新城镇"}, "div_level": {"township"}, "div_parent": {"990121"}}, 422, []string{"区划代码 990121003 已存在"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w := admin.post(c.path, c.form)
			wantStatus(t, w, c.status)
			wantBody(t, w, c.has...)
		})
	}
	if o, ok := e.org.ByCode("990121-TJJ"); !ok || o.ParentID != gov.ID || o.Level != "county" {
		t.Errorf("新机关 %+v", o)
	}
	w = admin.get("/admin/organs?organ=" + gov.ID)
	tree := w.Body.String()[strings.Index(w.Body.String(), `class="list organ-tree"`):]
	if !strings.Contains(tree, "青山县统计局") || !strings.Contains(tree, "行政复议与应诉科") || strings.Contains(tree, "绿水县") {
		t.Error("只看青山县时的机关树不对")
	}

	// A county administrator creates organs only inside its county.
	qs := e.login("qs_admin")
	ls, _ := e.org.ByCode("990122-GOV")
	w = qs.post("/admin/organs", url.Values{"organ_code": {"990122-TJJ"}, "organ_name": {"绿水县统计局"}, "organ_kind": {"department"}, "organ_division": {"990122"}, "organ_parent": {ls.ID}})
	wantStatus(t, w, 422)
	wantBody(t, w, "请选择您管理范围内的行政区划", "上级机关不存在或不在您的管理范围内")
}

func TestTokensIssueAndRevoke(t *testing.T) {
	e := newEnv(t)
	admin := e.login("admin")
	justice, _ := e.org.ByCode("990121-SFJ")
	// A system account created through the form, then given a role by the security administrator.
	w := admin.post("/admin/users", url.Values{"username": {"sys_zwfw"}, "name": {"政务服务平台"}, "organ": {justice.ID}, "password": {"Xin@mima2026"}, "confirm": {"Xin@mima2026"}, "system": {"1"}})
	wantStatus(t, w, 303)
	sys := e.user("sys_zwfw")
	if !sys.SystemAccount {
		t.Fatal("未创建为系统账户")
	}
	gov, _ := e.org.ByCode("990121-GOV")
	wantStatus(t, e.login("security").post("/admin/users/"+sys.ID+"/roles", roleForm([3]string{gov.ID, "sysadmin", "below"})), 303)
	wantBody(t, admin.get("/admin/tokens"), "角色不在其所属机关")
	// A token acts for the account's own organ: the role belongs there.
	wantStatus(t, e.login("security").post("/admin/users/"+sys.ID+"/roles", roleForm([3]string{justice.ID, "sysadmin", "below"})), 303)
	if hasText(admin.get("/admin/tokens"), "角色不在其所属机关") {
		t.Error("角色已在所属机关，仍提示不在")
	}

	w = admin.post("/admin/tokens", url.Values{"user": {e.user("qs_fy").ID}, "name": {"x"}})
	wantStatus(t, w, 422)
	wantBody(t, w, "只能为系统账户签发令牌")
	w = admin.post("/admin/tokens", url.Values{"user": {sys.ID}})
	wantStatus(t, w, 422)
	wantBody(t, w, "请填写令牌用途")

	w = admin.post("/admin/tokens", url.Values{"user": {sys.ID}, "name": {"政务服务平台对接"}})
	wantStatus(t, w, 200)
	body := w.Body.String()
	i := strings.Index(body, "fz_")
	if i < 0 {
		t.Fatal("页面没有显示新令牌")
	}
	tok := body[i : i+strings.IndexByte(body[i:], '<')]
	if w := e.api("GET", "/api/v1/me", tok, ""); w.Code != 200 || !strings.Contains(w.Body.String(), `"username":"sys_zwfw"`) {
		t.Fatalf("新令牌不能调用接口：%d %s", w.Code, w.Body.String())
	}
	w = admin.get("/admin/tokens")
	wantBody(t, w, "sys_zwfw", "政务服务平台对接", "吊销")
	if hasText(w, tok) {
		t.Error("令牌原文再次显示")
	}
	tokens, _ := e.auth.Tokens(context.Background(), "/")
	var id string
	for _, tk := range tokens {
		if tk.UserID == sys.ID {
			id = tk.ID
		}
	}
	wantStatus(t, e.login("security").post("/admin/tokens/"+id+"/revoke", confirmed), 403)
	wantStatus(t, admin.post("/admin/tokens/"+id+"/revoke", confirmed), 303)
	if w := e.api("GET", "/api/v1/me", tok, ""); w.Code != http.StatusUnauthorized {
		t.Errorf("吊销后调用接口：%d", w.Code)
	}
	wantStatus(t, admin.post("/admin/tokens/"+id+"/revoke", confirmed), 404)
	if n := e.count(`SELECT COUNT(*) FROM audit_log WHERE action = 'revoke_token' AND object_id = ?`, id); n != 1 {
		t.Errorf("吊销的审计记录 %d 条", n)
	}
}

func TestMenuByRole(t *testing.T) {
	e := newEnv(t)
	entries := []string{"账户管理", "机关与科室", "节假日与期限", "API 令牌", "角色与账户安全", "审计日志"}
	cases := map[string][]string{
		"admin":    {"账户管理", "机关与科室", "节假日与期限", "API 令牌"},
		"security": {"角色与账户安全"},
		"auditor":  {"审计日志"},
		"qs_fy":    nil,
	}
	for user, want := range cases {
		t.Run(user, func(t *testing.T) {
			// /password is open to every signed-in user and carries the navigation.
			w := e.login(user).get("/password")
			wantStatus(t, w, 200)
			nav := w.Body.String()
			nav = nav[strings.Index(nav, `<nav class="main">`):strings.Index(nav, `</nav>`)]
			for _, entry := range entries {
				if strings.Contains(nav, ">"+entry+"<") != contains(want, entry) {
					t.Errorf("菜单项 %s：出现=%v", entry, !contains(want, entry))
				}
			}
		})
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
