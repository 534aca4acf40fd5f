package cli

import (
	"context"
	"fmt"
	"io"

	"github.com/fazhi/fazhi/internal/audit"
	"github.com/fazhi/fazhi/internal/reconsider"
)

// cmdStats prints a module's statistics: fazhi stats reconsideration|normdoc --organ CODE --year YYYY --format json.
func cmdStats(ctx context.Context, args []string, out, errOut io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w：fazhi stats reconsideration|normdoc --organ CODE --year YYYY [--format json]", ErrUsage)
	}
	switch args[0] {
	case "reconsideration", "reconsider":
		var a reconsider.StatsArgs
		e, _, err := openData(ctx, "stats "+args[0], args[1:], errOut, a.Flags)
		if err != nil {
			return err
		}
		defer e.Close()
		return reconsider.CLIStats(ctx, e.mods.reconsider, a, out)
	}
	if run, ok := moreStats[args[0]]; ok {
		return run(ctx, args, out, errOut)
	}
	return fmt.Errorf("%w：未知的统计 %q（可用：reconsideration、normdoc）", ErrUsage, args[0])
}

// cmdImport loads data: fazhi import reconsideration FILE --organ CODE; fazhi import laws DIR.
func cmdImport(ctx context.Context, args []string, out, errOut io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w：fazhi import reconsideration FILE --organ CODE | fazhi import laws DIR", ErrUsage)
	}
	switch args[0] {
	case "reconsideration", "reconsider":
		var a reconsider.ImportArgs
		e, rest, err := openData(ctx, "import "+args[0], reconsider.FlagsFirst(args[1:]), errOut, a.Flags)
		if err != nil {
			return err
		}
		defer e.Close()
		return reconsider.CLIImport(audit.WithActor(ctx, audit.Actor{Username: "cli"}), e.mods.reconsider, a, rest, out)
	}
	if run, ok := moreImports[args[0]]; ok {
		return run(ctx, args, out, errOut)
	}
	return fmt.Errorf("%w：未知的导入类型 %q（可用：reconsideration、laws）", ErrUsage, args[0])
}

type subcommand func(ctx context.Context, args []string, out, errOut io.Writer) error

// Filled by the modules of issue 5 as they are wired.
var (
	moreStats   = map[string]subcommand{}
	moreImports = map[string]subcommand{}
)
