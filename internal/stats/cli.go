package stats

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/org"
)

// CLIFlags registers the options every `fazhi stats <module>` command takes: --organ (organHelp says
// what the code selects), --year (this year by default) and --format (text or json).
func CLIFlags(fs *flag.FlagSet, organ *string, year *int, format *string, organHelp string) {
	fs.StringVar(organ, "organ", "", organHelp+"，见 fazhi org list")
	fs.IntVar(year, "year", calendar.Today().Year, "统计年度")
	fs.StringVar(format, "format", "text", "输出格式：text 或 json")
}

// CLIOrgan checks those options and finds the organ, or says in Chinese what is wrong.
func CLIOrgan(orgs *org.Service, code string, year int, format string) (org.Organ, error) {
	if code == "" {
		return org.Organ{}, errors.New("请用 --organ 指定机关代码（可用 fazhi org list 查看）")
	}
	if format != "text" && format != "json" {
		return org.Organ{}, errors.New("--format 只能为 text 或 json")
	}
	if year < 2000 || year > 2100 {
		return org.Organ{}, fmt.Errorf("--year %d 无效，应为四位年份", year)
	}
	o, ok := orgs.ByCode(code)
	if !ok {
		return org.Organ{}, fmt.Errorf("找不到机关代码 %s（可用 fazhi org list 查看）", code)
	}
	return o, nil
}

// WriteJSON prints v as the stats commands do: indented, Chinese and <> unescaped.
func WriteJSON(out io.Writer, v any) error {
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// PadLabel pads label to width terminal columns for the text output (a Chinese character takes two).
func PadLabel(label string, width int) string {
	w := 0
	for _, c := range label {
		w++
		if c >= 0x2E80 {
			w++
		}
	}
	return label + strings.Repeat(" ", max(0, width-w))
}
