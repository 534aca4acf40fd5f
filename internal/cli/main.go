package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
)

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, out, errOut io.Writer) error
}

func commands() []command {
	cs := []command{
		{"serve", "启动服务（默认）", cmdServe},
		{"migrate", "创建或升级数据库结构", cmdMigrate},
		{"demo", "载入演示机关、人员和业务数据", cmdDemo},
		{"user", "账户管理：create、reset-password、lock、unlock、list、token", cmdUser},
		{"org", "机关：list [--format json]", cmdOrg},
		{"calendar", "法定工作日：due、import、show", cmdCalendar},
		{"audit", "审计日志：verify（校验哈希链与签名检查点）、checkpoint（写入签名检查点）", cmdAudit},
		{"import", "导入：" + strings.Join(verbUsages("import", map[string]subcommand{"laws": nil}), "、"), cmdImport},
		{"search", "检索规范性文件和法规：fazhi search \"检索词\" [--limit N] [--status 有效] [--format json]", cmdSearch},
		{"stats", "统计：" + strings.Join(verbUsages("stats", nil), "、"), cmdStats},
		{"backup", "在服务运行时备份数据库和附件", cmdBackup},
		{"version", "显示版本", cmdVersion},
	}
	return append(cs, moduleVerbs(cs)...)
}

// ErrUsage marks a bad command line (exit status 2).
var ErrUsage = errors.New("用法错误")

// Main runs the command line and returns the process exit status.
func Main(ctx context.Context, args []string, out, errOut io.Writer) int {
	name := "serve"
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		name, args = args[0], args[1:]
	}
	if name == "help" || name == "-h" || name == "--help" {
		usage(out)
		return 0
	}
	for _, c := range commands() {
		if c.name == name {
			// "fazhi user -h": a command whose first argument is a subcommand would take -h for
			// one, open the database and create ./fazhi-data; help must not touch disk.
			if len(args) > 0 && isHelp(args[0]) && takesSubcommand[name] {
				fmt.Fprintf(out, "用法：fazhi %s 子命令 [参数]\n  %s\n各子命令的参数：fazhi %s 子命令 -h\n", name, c.summary, name)
				return 0
			}
			err := c.run(ctx, args, out, errOut)
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			case errors.Is(err, ErrUsage):
				fmt.Fprintln(errOut, "fazhi:", err)
				return 2
			default:
				fmt.Fprintln(errOut, "fazhi:", err)
				return 1
			}
		}
	}
	fmt.Fprintf(errOut, "fazhi: 未知命令 %q\n", name)
	usage(errOut)
	return 2
}

// takesSubcommand lists the commands whose first argument names a subcommand.
var takesSubcommand = map[string]bool{"user": true, "org": true, "calendar": true, "audit": true, "import": true, "stats": true}

func isHelp(a string) bool { return a == "-h" || a == "-help" || a == "--help" || a == "help" }

func usage(w io.Writer) {
	fmt.Fprintln(w, "用法：fazhi [命令] [参数]")
	cs := commands()
	sort.SliceStable(cs, func(i, j int) bool { return false })
	for _, c := range cs {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "每个命令的参数：fazhi 命令 -h")
}

func newFlags(name string, errOut io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("fazhi "+name, flag.ContinueOnError)
	fs.SetOutput(errOut)
	return fs
}

// parse accepts flags before or after positional arguments ("import laws DIR --data X" as well
// as "--data X import laws DIR") and wraps flag errors as usage errors.
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(flagsFirst(fs, args)); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return fmt.Errorf("%w：%v", ErrUsage, err)
	}
	return nil
}

// flagsFirst moves the positional arguments after the flags, using fs to know which flags take a
// value; everything after "--" stays positional.
func flagsFirst(fs *flag.FlagSet, args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			pos = append(pos, args[i+1:]...)
			break
		}
		if !strings.HasPrefix(a, "-") || a == "-" {
			pos = append(pos, a)
			continue
		}
		flags = append(flags, a)
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		f := fs.Lookup(name)
		if hasValue || f == nil {
			continue
		}
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); ok && b.IsBoolFlag() {
			continue
		}
		if i+1 < len(args) {
			flags = append(flags, args[i+1])
			i++
		}
	}
	if len(pos) == 0 {
		return flags
	}
	return append(append(flags, "--"), pos...)
}
