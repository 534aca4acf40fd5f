package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/pprof"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/config"
	"github.com/fazhi/fazhi/internal/db"
	"github.com/fazhi/fazhi/internal/demo"
)

func cmdServe(ctx context.Context, args []string, out, errOut io.Writer) error {
	cfg := config.Default()
	fs := newFlags("serve", errOut)
	cfg.ServeFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	e, err := Open(ctx, cfg, errOut)
	if err != nil {
		return err
	}
	defer e.Close()
	if cfg.Demo == "yes" || (cfg.Demo == "auto" && len(e.Org.All()) == 0) {
		fmt.Fprintln(out, "首次启动：正在载入演示数据……")
		sum, err := e.LoadDemo(ctx, "county")
		if err != nil {
			return fmt.Errorf("载入演示数据失败：%w", err)
		}
		printDemo(out, sum)
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("无法监听 %s：%w", cfg.Addr, err)
	}
	if path := os.Getenv("FAZHI_CPUPROFILE"); path != "" { // measurement runs: a CPU profile of the whole serve
		f, err := os.Create(path)
		if err != nil {
			return err
		}
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer func() { pprof.StopCPUProfile(); f.Close() }()
	}
	srv := &http.Server{Handler: e.Web, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 5 * time.Minute, WriteTimeout: max(5*time.Minute, e.Web.LongestTimeout()+30*time.Second), IdleTimeout: 2 * time.Minute}
	fmt.Fprintf(out, "fazhi %s 已启动：http://%s/ （数据库：%s）\n", Version, ln.Addr(), e.DB.Dialect)
	if d, ok := calendar.TestToday(); ok {
		fmt.Fprintf(out, "警告：设置了 FAZHI_TEST_TODAY=%s（仅供测试），工作台提示、日历页和法规效力状态按该日期显示；生产环境请删除该变量\n", d)
	}
	ctx, stop := signal.NotifyContext(ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	go e.kit.sched.Run(ctx) // stops with ctx
	if e.kit.laws != nil {
		go e.kit.laws.Run(ctx) // first start: the shipped law library loads in the background
	}
	go e.Anchor.Run(ctx)
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err = srv.Shutdown(shutdown)
	// After the last request: the final checkpoint covers every entry this process wrote.
	if _, cerr := e.Anchor.Take(shutdown); cerr != nil {
		e.Log.Error("关闭时写入审计检查点失败", "err", cerr)
	}
	return err
}

func printDemo(out io.Writer, sum demo.Summary) {
	fmt.Fprintf(out, "演示数据：%d 个机关，%d 个账户。演示账户（密码均为 %s）：\n", sum.Organs, sum.Users, demo.Password)
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	for _, l := range sum.Logins {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", l.Username, l.Role, l.Organ)
	}
	tw.Flush()
}

// openData parses the data flags (plus extra ones) and opens the environment.
func openData(ctx context.Context, name string, args []string, errOut io.Writer, extra func(*flag.FlagSet)) (*Env, []string, error) {
	cfg := config.Default()
	fs := newFlags(name, errOut)
	cfg.DataFlags(fs)
	if extra != nil {
		extra(fs)
	}
	if err := parse(fs, args); err != nil {
		return nil, nil, err
	}
	cfg.LogLevel = "warn"
	e, err := Open(ctx, cfg, errOut)
	return e, fs.Args(), err
}

func cmdMigrate(ctx context.Context, args []string, out, errOut io.Writer) error {
	cfg := config.Default()
	fs := newFlags("migrate", errOut)
	cfg.DataFlags(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	d, err := db.Open(ctx, cfg.DB, cfg.Data)
	if err != nil {
		return err
	}
	defer d.Close()
	applied, err := d.Migrate(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "已应用 %d 个迁移 %v\n", len(applied), applied)
	return nil
}

func cmdDemo(ctx context.Context, args []string, out, errOut io.Writer) error {
	cfg := config.Default()
	fs := newFlags("demo", errOut)
	cfg.DataFlags(fs)
	scale := fs.String("scale", "county", "规模：county（一个示范市两个县）或 province（100个县五年数据）")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *scale != "county" && *scale != "province" {
		return fmt.Errorf("%w：--scale 只能为 county 或 province", ErrUsage)
	}
	cfg.LogLevel = "warn"
	e, err := Open(ctx, cfg, errOut)
	if err != nil {
		return err
	}
	defer e.Close()
	sum, err := e.LoadDemo(ctx, *scale)
	if err != nil {
		return err
	}
	printDemo(out, sum)
	return nil
}

func cmdOrg(ctx context.Context, args []string, out, errOut io.Writer) error {
	if len(args) == 0 || args[0] != "list" {
		return fmt.Errorf("%w：fazhi org list [--format json|text]", ErrUsage)
	}
	format := "text"
	e, _, err := openData(ctx, "org list", args[1:], errOut, func(fs *flag.FlagSet) { fs.StringVar(&format, "format", format, "输出格式：text 或 json") })
	if err != nil {
		return err
	}
	defer e.Close()
	list := e.Org.List()
	if format == "json" {
		enc := json.NewEncoder(out)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(list)
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "代码\t名称\t级别\t上级")
	for _, o := range list {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", o.Code, o.Name, o.Level.Label(), o.Parent)
	}
	return tw.Flush()
}

func cmdVersion(_ context.Context, _ []string, out, _ io.Writer) error {
	fmt.Fprintln(out, "fazhi", Version)
	return nil
}

func cmdAudit(ctx context.Context, args []string, out, errOut io.Writer) error {
	if len(args) == 0 || (args[0] != "verify" && args[0] != "checkpoint") {
		return fmt.Errorf("%w：fazhi audit verify [--checkpoints FILE] [--pubkey FILE] | fazhi audit checkpoint [--data DIR] [--db DSN]", ErrUsage)
	}
	if args[0] == "checkpoint" {
		e, _, err := openData(ctx, "audit checkpoint", args[1:], errOut, nil)
		if err != nil {
			return err
		}
		defer e.Close()
		cp, err := e.Anchor.Take(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "已写入审计检查点：第 %d 条，哈希 %s，%s（%s）\n", cp.Seq, cp.Hash, cp.At, e.Cfg.CheckpointFile())
		return nil
	}
	var cpFile, pubFile string
	e, _, err := openData(ctx, "audit verify", args[1:], errOut, func(fs *flag.FlagSet) {
		fs.StringVar(&cpFile, "checkpoints", "", "签名检查点文件（默认 --data 下的 audit/checkpoints.log；可指向异机保存的副本）")
		fs.StringVar(&pubFile, "pubkey", "", "检查点签名公钥（默认 --data 下的 keys/audit-sign.pub；可指向异机保存的副本）")
	})
	if err != nil {
		return err
	}
	defer e.Close()
	if cpFile == "" {
		cpFile = e.Cfg.CheckpointFile()
	}
	if pubFile == "" {
		pubFile = e.Cfg.AuditPubKeyFile()
	}
	pub, err := audit.LoadPublicKey(pubFile)
	if err != nil {
		return err
	}
	cps, err := audit.ReadCheckpoints(cpFile, pub)
	if err != nil {
		return fmt.Errorf("审计日志校验失败：%w", err)
	}
	res, err := audit.VerifyWith(ctx, e.DB, audit.Anchor{Key: e.AuditKey, Checkpoints: cps})
	if err != nil {
		return err
	}
	if res.OK && len(cps) == 0 && res.KeyedFrom > 0 {
		res.OK, res.Reason = false, fmt.Sprintf("链自第 %d 条起带密钥，但没有签名检查点（检查点文件 %s 缺失或被清空）", res.KeyedFrom, cpFile)
	}
	if !res.OK {
		return fmt.Errorf("审计日志校验失败：%s（共 %d 条）", res.Reason, res.Entries)
	}
	fmt.Fprintf(out, "审计日志完整：共 %d 条，哈希链校验通过", res.Entries)
	if res.KeyedFrom > 0 {
		fmt.Fprintf(out, "；自第 %d 条起为带密钥哈希（HMAC-SM3）", res.KeyedFrom)
	}
	if n := len(cps); n > 0 {
		fmt.Fprintf(out, "；与 %d 个签名检查点一致（最新：第 %d 条，%s）", n, cps[n-1].Seq, cps[n-1].At)
	}
	fmt.Fprintln(out)
	return nil
}

func cmdCalendar(ctx context.Context, args []string, out, errOut io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w：fazhi calendar due|import|show", ErrUsage)
	}
	switch args[0] {
	case "due":
		return calendarDue(ctx, args[1:], out, errOut)
	case "import":
		e, rest, err := openData(ctx, "calendar import", args[1:], errOut, nil)
		if err != nil {
			return err
		}
		defer e.Close()
		if len(rest) != 1 {
			return fmt.Errorf("%w：fazhi calendar import FILE", ErrUsage)
		}
		f, err := os.Open(rest[0])
		if err != nil {
			return err
		}
		defer f.Close()
		notices, err := calendar.ParseNotices(f)
		if err != nil {
			return err
		}
		moved, err := e.Calendar.Save(audit.WithActor(ctx, audit.Actor{Username: "cli"}), notices)
		if err != nil {
			return err
		}
		for _, n := range notices {
			fmt.Fprintf(out, "已导入 %d 年节假日安排\n", n.Year)
		}
		printMoved(out, moved)
		return nil
	case "show":
		e, rest, err := openData(ctx, "calendar show", args[1:], errOut, nil)
		if err != nil {
			return err
		}
		defer e.Close()
		for _, n := range e.Calendar.Current().Notices() {
			if len(rest) == 0 || rest[0] == strconv.Itoa(n.Year) {
				fmt.Fprint(out, calendar.FormatNotice(n))
			}
		}
		return nil
	}
	return fmt.Errorf("%w：未知子命令 calendar %s", ErrUsage, args[0])
}

func printMoved(out io.Writer, moved []calendar.Moved) {
	if len(moved) == 0 {
		fmt.Fprintln(out, "没有期限因此变动")
		return
	}
	fmt.Fprintf(out, "以下 %d 个期限已重新计算：\n", len(moved))
	for _, m := range moved {
		fmt.Fprintf(out, "  %s：%s → %s\n", m.What, m.Old, m.New)
	}
}

func calendarDue(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("calendar due", errOut)
	cfg := config.Default()
	cfg.DataFlags(fs)
	from := fs.String("from", "", "起算日（事件发生之日），YYYY-MM-DD")
	wd := fs.Int("working-days", 0, "工作日期限的天数")
	cd := fs.Int("calendar-days", 0, "自然日期限的天数（届满日为休息日的顺延至下一工作日）")
	if err := parse(fs, args); err != nil {
		return err
	}
	start, err := calendar.ParseDate(*from)
	if err != nil {
		return fmt.Errorf("%w：--from %v", ErrUsage, err)
	}
	if (*wd > 0) == (*cd > 0) {
		return fmt.Errorf("%w：--working-days 与 --calendar-days 须且只能指定一个正数", ErrUsage)
	}
	cal := calendar.Default()
	// Use the stored notices when a database is already there; never create one just to answer.
	if _, err := os.Stat(cfg.Data); err == nil || cfg.DB != "" {
		if e, err := Open(ctx, withQuietLog(cfg), io.Discard); err == nil {
			cal = e.Calendar.Current()
			e.Close()
		}
	}
	var due calendar.Date
	if *wd > 0 {
		due = cal.AddWorkingDays(start, *wd)
	} else {
		due = cal.AddCalendarDays(start, *cd)
	}
	for _, y := range cal.UnknownYears(start, due) {
		fmt.Fprintf(out, "注意：%d 年的节假日安排尚未录入，按周一至周五为工作日计算\n", y)
	}
	fmt.Fprintln(out, due)
	return nil
}

func withQuietLog(c config.Config) config.Config { c.LogLevel = "error"; return c }

func cmdUser(ctx context.Context, args []string, out, errOut io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w：fazhi user create|reset-password|lock|unlock|list|token", ErrUsage)
	}
	sub := args[0]
	var username, name, organ, roles, password, title, tokenName string
	var system bool
	// Flags are parsed by a dedicated set so each subcommand documents its own.
	fs := newFlags("user "+sub, errOut)
	cfg := config.Default()
	cfg.DataFlags(fs)
	fs.StringVar(&username, "username", "", "用户名")
	fs.StringVar(&name, "name", "", "姓名")
	fs.StringVar(&organ, "organ", "", "所属机关代码")
	fs.StringVar(&roles, "role", "", "角色，逗号分隔："+roleList())
	fs.StringVar(&password, "password", "", "密码（不填则从标准输入读取一行）")
	fs.StringVar(&title, "title", "", "职务")
	fs.StringVar(&tokenName, "token-name", "api", "API 令牌名称")
	fs.BoolVar(&system, "system", false, "系统账户（仅用于 API 令牌，不能登录页面）")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	e, err := Open(ctx, withQuietLog(cfg), errOut)
	if err != nil {
		return err
	}
	defer e.Close()
	ctx = audit.WithActor(ctx, audit.Actor{Username: "cli"})
	needPassword := func() error {
		if password != "" {
			return nil
		}
		var line string
		fmt.Fscanln(os.Stdin, &line)
		password = strings.TrimSpace(line)
		if password == "" {
			return fmt.Errorf("%w：请用 --password 或标准输入提供密码", ErrUsage)
		}
		return nil
	}
	userID := func() (string, error) {
		u, err := e.Auth.UserByName(ctx, username)
		return u.ID, err
	}
	switch sub {
	case "create":
		o, ok := e.Org.ByCode(organ)
		if !ok {
			return fmt.Errorf("%w：机关代码 %q 不存在（fazhi org list 查看）", ErrUsage, organ)
		}
		if err := needPassword(); err != nil {
			return err
		}
		var ms []auth.Membership
		for _, r := range strings.Split(roles, ",") {
			if r = strings.TrimSpace(r); r != "" {
				ms = append(ms, auth.Membership{OrganID: o.ID, Role: auth.Role(r)})
			}
		}
		err := e.DB.Tx(ctx, func(tx *db.Tx) error {
			_, err := e.Auth.CreateUser(ctx, tx, auth.NewUser{Username: username, Name: name, OrganID: o.ID, Title: title, Password: password, Memberships: ms, SystemAccount: system})
			return err
		})
		if err != nil {
			return err
		}
		fmt.Fprintf(out, "已创建用户 %s\n", username)
	case "reset-password":
		id, err := userID()
		if err != nil {
			return err
		}
		if err := needPassword(); err != nil {
			return err
		}
		if err := e.Auth.ResetPassword(ctx, id, password); err != nil {
			return err
		}
		fmt.Fprintf(out, "已重置 %s 的密码，下次登录须修改\n", username)
	case "lock", "unlock":
		id, err := userID()
		if err != nil {
			return err
		}
		if err := e.Auth.SetLocked(ctx, id, sub == "lock"); err != nil {
			return err
		}
		fmt.Fprintf(out, "已%s用户 %s\n", map[string]string{"lock": "停用", "unlock": "启用"}[sub], username)
	case "token":
		id, err := userID()
		if err != nil {
			return err
		}
		tok, err := e.Auth.IssueToken(ctx, id, tokenName)
		if err != nil {
			return err
		}
		fmt.Fprintln(out, tok)
	case "list":
		tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "用户名\t姓名\t机关\t角色\t状态")
		for _, root := range e.Org.All() {
			if root.ParentID != "" {
				continue
			}
			users, err := e.Auth.Users(ctx, root.Path)
			if err != nil {
				return err
			}
			for _, u := range users {
				o, _ := e.Org.Organ(u.OrganID)
				var rs []string
				for _, m := range u.Memberships {
					rs = append(rs, m.Role.Label())
				}
				state := "正常"
				if u.Disabled {
					state = "停用"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Username, u.Name, o.Name, strings.Join(rs, "、"), state)
			}
		}
		return tw.Flush()
	default:
		return fmt.Errorf("%w：未知子命令 user %s", ErrUsage, sub)
	}
	return nil
}

func roleList() string {
	var rs []string
	for _, r := range auth.Roles {
		if r != auth.RolePublic {
			rs = append(rs, string(r)+"="+r.Label())
		}
	}
	return strings.Join(rs, " ")
}
