package calendar

import (
	"reflect"
	"strings"
	"testing"
)

// FuzzParseNotices: the notice file is uploaded by an administrator; never panic, and an accepted
// notice written back with FormatNotice parses to the same dates.
func FuzzParseNotices(f *testing.F) {
	f.Add(builtinText)
	f.Add("2026 off: 01-01..01-03, 02-15..02-23\n2026 work: 01-04, 02-14, 02-28\n")
	f.Add("2027 off: 2026-12-31..2027-01-01\n2027 work:\n")
	f.Add("\ufeff# 注释\n2025 off: 10-01..10-08\n2025 work: 09-28, 10-11\n2025 source: 国办发明电〔2024〕12号\n")
	f.Add("2026 off: 02-30\n")
	f.Add("2026 off: 12-31..01-01\n")
	f.Add("99999999999 off: 01-01\n")
	f.Fuzz(func(t *testing.T, s string) {
		ns, err := ParseNotices(strings.NewReader(s))
		if err != nil {
			return
		}
		for _, n := range ns {
			again, err := ParseNotices(strings.NewReader(FormatNotice(n)))
			if err != nil {
				t.Fatalf("%q: FormatNotice gave %q which fails: %v", s, FormatNotice(n), err)
			}
			if len(again) != 1 || again[0].Year != n.Year || !reflect.DeepEqual(again[0].Off, n.Off) || !reflect.DeepEqual(again[0].Work, n.Work) {
				t.Fatalf("%q: %+v → %q → %+v", s, n, FormatNotice(n), again)
			}
		}
	})
}
