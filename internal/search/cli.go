package search

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"html"
	"io"
	"math"
	"strings"
)

// ErrUsage marks a bad command line; cli maps it to its own usage error (exit status 2).
var ErrUsage = errors.New("用法错误")

// CLI is the command `fazhi search "QUERY" [--limit N] [--status 有效] [--kind law|normdoc]
// [--organ ID] [--year YYYY] [--offset N] [--format json|text]`.
type CLI struct {
	Limit, Offset, Year int
	Status, Kind, Organ string
	Format              string
}

// Flags registers the command's flags (cli adds its --data and --db to the same set).
func (c *CLI) Flags(fs *flag.FlagSet) {
	fs.IntVar(&c.Limit, "limit", DefaultLimit, fmt.Sprintf("最多返回条数（1–%d）", MaxLimit))
	fs.IntVar(&c.Offset, "offset", 0, "跳过前若干条（翻页）")
	fs.StringVar(&c.Status, "status", "", "效力状态：有效、已修改、已修订、废止、失效")
	fs.StringVar(&c.Kind, "kind", "", "类别：law（法律法规）或 normdoc（规范性文件）")
	fs.StringVar(&c.Organ, "organ", "", "制定机关 ID")
	fs.IntVar(&c.Year, "year", 0, "年份，如 2023")
	fs.StringVar(&c.Format, "format", "text", "输出格式：text 或 json")
}

// CLIHit is one element of the JSON output.
type CLIHit struct {
	Title       string  `json:"title"`
	Kind        string  `json:"kind"`
	Organ       string  `json:"organ"`
	Number      string  `json:"number"`
	Date        string  `json:"date"`
	Status      string  `json:"status"`
	Score       float64 `json:"score"`
	Snippet     string  `json:"snippet"`      // plain text
	SnippetHTML string  `json:"snippet_html"` // HTML, the query marked with <mark>
	Label       string  `json:"label,omitempty"`
	URL         string  `json:"url"`
}

// Run searches for the positional arguments (joined by spaces) and prints the hits.
func (c *CLI) Run(ctx context.Context, ix *Index, args []string, out io.Writer) error {
	query := strings.TrimSpace(strings.Join(args, " "))
	switch {
	case query == "":
		return fmt.Errorf(`%w：fazhi search "检索词" [--limit N] [--status 有效] [--kind law|normdoc] [--format json]`, ErrUsage)
	case c.Format != "json" && c.Format != "text":
		return fmt.Errorf("%w：--format 只能为 text 或 json", ErrUsage)
	case c.Limit < 1 || c.Limit > MaxLimit:
		return fmt.Errorf("%w：--limit 应在 1 到 %d 之间", ErrUsage, MaxLimit)
	case c.Kind != "" && c.Kind != KindLaw && c.Kind != KindNormdoc:
		return fmt.Errorf("%w：--kind 只能为 law 或 normdoc", ErrUsage)
	case c.Status != "" && !contains(Statuses, c.Status):
		return fmt.Errorf("%w：--status 只能为 %s", ErrUsage, strings.Join(Statuses, "、"))
	}
	res, err := ix.Find(ctx, query, Options{Kind: c.Kind, Status: c.Status, OrganID: c.Organ, Year: c.Year, Limit: c.Limit, Offset: max(c.Offset, 0)})
	if err != nil {
		return err
	}
	hits := make([]CLIHit, 0, len(res.Hits))
	for _, h := range res.Hits {
		hits = append(hits, CLIHit{Title: h.Title, Kind: h.Kind, Organ: h.Organ, Number: h.Number, Date: h.Date, Status: h.Status,
			Score: math.Round(h.Score*1000) / 1000, Snippet: PlainSnippet(h.Snippet), SnippetHTML: h.Snippet, Label: h.Label, URL: h.URL})
	}
	if c.Format == "json" {
		enc := json.NewEncoder(out)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(hits)
	}
	more := ""
	if res.More {
		more = "以上"
	}
	fmt.Fprintf(out, "共找到 %d 条%s结果，显示第 %d–%d 条\n", res.Total, more, c.Offset+min(1, len(hits)), c.Offset+len(hits))
	for i, h := range hits {
		meta := []string{KindLabel(h.Kind), h.Status}
		for _, s := range []string{h.Organ, h.Number, h.Date} {
			if s != "" {
				meta = append(meta, s)
			}
		}
		fmt.Fprintf(out, "%d. %s（%s）\n   %s%s\n", c.Offset+i+1, h.Title, strings.Join(meta, "，"), labelPrefix(h.Label), h.Snippet)
	}
	return nil
}

func labelPrefix(label string) string {
	if label == "" {
		return ""
	}
	return label + " "
}

// PlainSnippet turns a Highlight snippet back into plain text.
func PlainSnippet(s string) string {
	return html.UnescapeString(strings.NewReplacer("<mark>", "", "</mark>", "").Replace(s))
}

// FlagsFirst moves flags in front of the positional arguments, so `fazhi search 复议 --limit 5` parses
// like `fazhi search --limit 5 复议` (the flag package stops at the first positional argument). Every
// flag of the commands that use it takes a value; "--" ends the flags.
func FlagsFirst(args []string) []string {
	var flags, pos []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "--":
			pos = append(pos, args[i+1:]...)
			i = len(args)
		case len(a) > 1 && a[0] == '-' && !isNegativeTerm(a):
			flags = append(flags, a)
			if !strings.Contains(a, "=") && i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
		default:
			pos = append(pos, a)
		}
	}
	return append(flags, pos...)
}

// isNegativeTerm tells a query exclusion (-刑事) from a flag: flags are ASCII names.
func isNegativeTerm(a string) bool {
	name := strings.TrimLeft(a, "-")
	if name == "" {
		return true
	}
	for _, r := range name {
		if r == '=' {
			break
		}
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return true
		}
	}
	return false
}
