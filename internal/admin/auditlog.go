package admin

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/docgen"
	"github.com/fazhi/fazhi/internal/web"
)

// actionLabels names the audited actions; modules may add actions, shown by their code.
var actionLabels = map[string]string{
	"login": "登录", "login_failed": "登录失败", "logout": "退出", "denied": "越权访问被拒绝", "export": "导出",
	"create": "新建", "update": "修改", "delete": "删除", "transition": "状态变更", "set_roles": "设置角色",
	"reset_password": "重置密码", "change_password": "修改密码", "lock": "停用账户", "unlock": "启用账户",
	"clear_lockout": "解除登录锁定", "issue_token": "签发 API 令牌", "revoke_token": "吊销 API 令牌",
	"switch_organ": "切换机关", "calendar_import": "导入节假日安排", "verify": "校验审计日志", "import": "导入",
}

var objectLabels = map[string]string{
	"user": "账户", "organ": "机关", "division": "区划", "department": "科室", "api_token": "API 令牌",
	"calendar_year": "节假日安排", "route": "功能", "audit_log": "审计日志", "law": "法规",
}

func label(m map[string]string, code string) string {
	if l, ok := m[code]; ok {
		return l
	}
	return code
}

// auditView is one entry as the page shows it.
type auditView struct {
	audit.Row
	When, Who, Organ, ActionLabel, ObjectLabel, Short string
}

func (m *Module) auditView(r audit.Row) auditView {
	v := auditView{Row: r, Organ: m.organName(r.OrganID), ActionLabel: label(actionLabels, r.Action), ObjectLabel: label(objectLabels, r.ObjectType)}
	if t, err := db.ParseTimestamp(r.At); err == nil {
		v.When = t.In(calendar.Shanghai()).Format("2006-01-02 15:04:05")
	}
	v.Who = r.Username
	if v.Who == "" {
		v.Who = "（匿名）"
	}
	v.Short = r.Detail
	if utf8.RuneCountInString(v.Short) > 120 {
		v.Short = string([]rune(v.Short)[:120]) + "…"
	}
	return v
}

// parseAuditFilter reads the filter form; dates are Beijing dates, the range inclusive.
func parseAuditFilter(q url.Values) (auditFilter, *web.FormError) {
	fe := &web.FormError{Values: q}
	f := auditFilter{Username: strings.TrimSpace(q.Get("user")), Action: strings.TrimSpace(q.Get("action")),
		ObjectType: strings.TrimSpace(q.Get("type")), ObjectID: strings.TrimSpace(q.Get("object"))}
	var from, to calendar.Date
	if s := strings.TrimSpace(q.Get("from")); s != "" {
		d, err := calendar.ParseDate(s)
		if err != nil {
			fe.Add("from", "起始"+calendar.FormatHint)
		}
		from = d
		f.From = midnight(d)
	}
	if s := strings.TrimSpace(q.Get("to")); s != "" {
		d, err := calendar.ParseDate(s)
		if err != nil {
			fe.Add("to", "截止"+calendar.FormatHint)
		}
		to = d
		f.To = midnight(d.AddDays(1))
	}
	if !from.IsZero() && !to.IsZero() && to.Before(from) {
		fe.Add("to", "截止日期早于起始日期")
	}
	return f, fe
}

func midnight(d calendar.Date) string {
	return db.Timestamp(time.Date(d.Year, d.Month, d.Day, 0, 0, 0, 0, calendar.Shanghai()))
}

func actionOptions() []option {
	var out []option
	for code, l := range actionLabels {
		out = append(out, option{code, l})
	}
	slicesSortOptions(out)
	return out
}

func objectOptions() []option {
	var out []option
	for code, l := range objectLabels {
		out = append(out, option{code, l})
	}
	slicesSortOptions(out)
	return out
}

func slicesSortOptions(o []option) {
	slices.SortFunc(o, func(a, b option) int { return strings.Compare(a.Code, b.Code) })
}

func (m *Module) auditPage(w http.ResponseWriter, r *http.Request) error {
	return m.renderAudit(w, r, nil)
}

func (m *Module) renderAudit(w http.ResponseWriter, r *http.Request, verify *audit.VerifyResult) error {
	p := auth.From(r.Context())
	q := r.URL.Query()
	f, fe := parseAuditFilter(q)
	status := http.StatusOK
	var views []auditView
	page, limit, offset := web.Paging(q, pageSize)
	more := false
	if fe.Err() != nil {
		status = http.StatusUnprocessableEntity
	} else {
		rows, err := auditRows(r.Context(), m.DB, p, f, limit+1, offset)
		if err != nil {
			return err
		}
		if more = len(rows) > limit; more {
			rows = rows[:limit]
		}
		for _, row := range rows {
			views = append(views, m.auditView(row))
		}
	}
	export := url.Values{}
	for _, k := range []string{"from", "to", "user", "action", "type", "object"} {
		if v := q.Get(k); v != "" {
			export.Set(k, v)
		}
	}
	return m.render(w, r, "audit", status, "审计日志", map[string]any{
		"Rows": views, "Pager": pager(r.URL, page, more), "Verify": verify, "ExportURL": "/admin/audit/export?" + export.Encode(),
		"Actions": actionOptions(), "Objects": objectOptions(),
	}, fe)
}

func (m *Module) auditVerify(w http.ResponseWriter, r *http.Request) error {
	res, err := audit.Verify(r.Context(), m.DB)
	if err != nil {
		return err
	}
	if err := audit.Log(r.Context(), m.DB, audit.Entry{Action: "verify", ObjectType: "audit_log",
		Detail: map[string]any{"entries": res.Entries, "ok": res.OK, "bad_seq": res.BadSeq}}); err != nil {
		return err
	}
	r.URL.RawQuery = ""
	return m.renderAudit(w, r, &res)
}

// maxExport bounds one export; narrow the dates to export more.
const maxExport = 100000

func (m *Module) auditExport(w http.ResponseWriter, r *http.Request) error {
	p := auth.From(r.Context())
	q := r.URL.Query()
	f, fe := parseAuditFilter(q)
	if fe.Err() != nil {
		return fe
	}
	rows, err := auditRows(r.Context(), m.DB, p, f, maxExport+1, 0)
	if err != nil {
		return err
	}
	title := "审计日志"
	if len(rows) > maxExport {
		rows = rows[:maxExport]
		title = fmt.Sprintf("审计日志（仅含最新 %d 条，请缩小日期范围分批导出）", maxExport)
	}
	sheet := docgen.Sheet{Name: "审计日志", Title: title,
		Header: []string{"序号", "时间", "用户", "机关", "IP", "操作", "操作代码", "对象类型", "对象", "详情", "哈希"}}
	for _, row := range rows {
		v := m.auditView(row)
		sheet.Rows = append(sheet.Rows, []any{row.Seq, v.When, row.Username, v.Organ, row.IP, v.ActionLabel, row.Action, v.ObjectLabel, row.ObjectID, row.Detail, row.Hash})
	}
	body, err := docgen.XLSX(sheet)
	if err != nil {
		return err
	}
	filters := map[string]string{}
	for k, v := range q {
		if len(v) > 0 && v[0] != "" {
			filters[k] = v[0]
		}
	}
	// The export is itself audited, before anything leaves the server.
	if err := audit.Log(r.Context(), m.DB, audit.Entry{Action: "export", ObjectType: "audit_log",
		Detail: map[string]any{"filters": filters, "rows": len(rows)}}); err != nil {
		return err
	}
	name := fmt.Sprintf("审计日志_%s.xlsx", time.Now().In(calendar.Shanghai()).Format("20060102_1504"))
	return web.Download(w, name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body)
}
