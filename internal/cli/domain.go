package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/config"
	"github.com/fazhi/fazhi/internal/lawlib"
	"github.com/fazhi/fazhi/internal/search"
)

// cmdStats prints a module's statistics: fazhi stats NAME --organ CODE --year YYYY --format json.
func cmdStats(ctx context.Context, args []string, out, errOut io.Writer) error {
	return moduleCommand(ctx, "stats", "统计", args, out, errOut, nil)
}

// cmdImport loads data: a module's ledger (fazhi import reconsideration FILE --organ CODE), or the
// law library (fazhi import laws DIR).
func cmdImport(ctx context.Context, args []string, out, errOut io.Writer) error {
	return moduleCommand(ctx, "import", "导入", args, out, errOut, map[string]subcommand{"laws": importLaws})
}

// moduleVerbs turns a verb that only modules declare (fazhi enforce verify-draw …) into a command.
func moduleVerbs(have []command) []command {
	var out []command
	seen := map[string]bool{}
	for _, c := range have {
		seen[c.name] = true
	}
	for _, spec := range moduleList() {
		for _, c := range spec.Commands {
			if seen[c.Verb] {
				continue
			}
			seen[c.Verb] = true
			verb := c.Verb
			summary := strings.Join(verbUsages(verb, nil), "、")
			out = append(out, command{verb, summary, func(ctx context.Context, args []string, out, errOut io.Writer) error {
				if len(args) > 0 && isHelp(args[0]) { // help must not touch disk
					fmt.Fprintf(out, "用法：fazhi %s %s\n", verb, summary)
					return nil
				}
				return moduleCommand(ctx, verb, "子命令", args, out, errOut, nil)
			}})
		}
	}
	return out
}

type subcommand func(ctx context.Context, args []string, out, errOut io.Writer) error

// moduleCommand runs the verb's command that a listed module declares (module.Spec.Commands),
// or one of the platform's own.
func moduleCommand(ctx context.Context, verb, what string, args []string, out, errOut io.Writer, platform map[string]subcommand) error {
	usages := verbUsages(verb, platform)
	if len(args) == 0 {
		return fmt.Errorf("%w：fazhi %s %s", ErrUsage, verb, strings.Join(usages, " | fazhi "+verb+" "))
	}
	name := args[0]
	if run, ok := platform[name]; ok {
		return run(ctx, args, out, errOut)
	}
	for _, spec := range moduleList() {
		for _, c := range spec.Commands {
			if c.Verb != verb || (c.Name != name && !slices.Contains(c.Aliases, name)) {
				continue
			}
			cfg := config.Default()
			fs := newFlags(verb+" "+name, errOut)
			cfg.DataFlags(fs)
			run := c.Flags(fs)
			if err := parse(fs, args[1:]); err != nil {
				return err
			}
			cfg.LogLevel = "warn"
			e, err := Open(ctx, cfg, errOut)
			if err != nil {
				return err
			}
			defer e.Close()
			return run(ctx, e.module(spec.Name), fs.Args(), out)
		}
	}
	var names []string
	for _, u := range usages {
		names = append(names, strings.Fields(u)[0])
	}
	return fmt.Errorf("%w：未知的%s %q（可用：%s）", ErrUsage, what, name, strings.Join(names, "、"))
}

// verbUsages lists the usage lines of a verb: the modules' commands, then the platform's.
func verbUsages(verb string, platform map[string]subcommand) []string {
	var out []string
	for _, spec := range moduleList() {
		for _, c := range spec.Commands {
			if c.Verb == verb {
				out = append(out, c.Usage)
			}
		}
	}
	if _, ok := platform["laws"]; ok {
		out = append(out, "laws DIR（法规库）")
	}
	return out
}

func importLaws(ctx context.Context, args []string, out, errOut io.Writer) error {
	e, rest, err := openData(ctx, "import laws", args[1:], errOut, nil)
	if err != nil {
		return err
	}
	defer e.Close()
	if len(rest) != 1 {
		return fmt.Errorf("%w：fazhi import laws DIR（如 ../shared/corpus/laws）", ErrUsage)
	}
	return lawlib.CLIImport(audit.WithActor(ctx, audit.Actor{Username: "cli"}), e.mods.laws, rest[0], out)
}

// cmdSearch: fazhi search "QUERY" [--limit N] [--status 有效] --format json.
func cmdSearch(ctx context.Context, args []string, out, errOut io.Writer) error {
	var c search.CLI
	e, rest, err := openData(ctx, "search", args, errOut, c.Flags)
	if err != nil {
		return err
	}
	defer e.Close()
	err = c.Run(ctx, e.mods.search, rest, out)
	if errors.Is(err, search.ErrUsage) {
		return fmt.Errorf("%w：%v", ErrUsage, err)
	}
	return err
}
