package stats

import (
	"strings"
	"testing"
)

// The options every stats command shares are refused in Chinese before any organ is looked up.
func TestCLIOrganRefusals(t *testing.T) {
	for _, c := range []struct {
		code, format string
		year         int
		want         string
	}{
		{"", "json", 2025, "请用 --organ 指定机关代码"},
		{"990121-GOV", "xml", 2025, "--format 只能为 text 或 json"},
		{"990121-GOV", "json", 25, "--year 25 无效"},
	} {
		if _, err := CLIOrgan(nil, c.code, c.year, c.format); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c, err, c.want)
		}
	}
}

func TestPadLabelCountsWideCharacters(t *testing.T) {
	for in, want := range map[string]string{"审结": "审结  ", "a审": "a审   ", "超过六列的标签": "超过六列的标签"} {
		if got := PadLabel(in, 6); got != want {
			t.Errorf("PadLabel(%q, 6) = %q, want %q", in, got, want)
		}
	}
}
