package action

import (
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/casework"
)

type fuzzInput struct {
	casework.Step
	Name    string   `json:"name"`
	Days    int      `json:"days"`
	Amount  float64  `json:"amount"`
	Urgent  bool     `json:"urgent"`
	Items   []string `json:"items"`
	private string
}

// FuzzDecodeForm: any form decodes without panic; a number field either holds the parsed
// value or carries a field error, never a silent zero for text that was not a number.
func FuzzDecodeForm(f *testing.F) {
	for _, q := range []string{"", "name=张三&days=5&amount=1,200.5&urgent=1&items=a&items=b&on=2026-01-05&version=3",
		"days=abc&amount=x", "days=99999999999999999999", "urgent=on&note=%00", "items=&items=%E2%80%AE"} {
		f.Add(q)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		vals, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		var in fuzzInput
		fe := DecodeForm(vals, &in)
		if d := strings.TrimSpace(vals.Get("days")); d != "" {
			n, perr := strconv.Atoi(d)
			switch {
			case perr != nil && fe.Fields["days"] == "":
				t.Fatalf("days %q: no field error", d)
			case perr == nil && in.Days != n:
				t.Fatalf("days %q decoded as %d", d, in.Days)
			}
		}
		if in.Name != vals.Get("name") {
			t.Fatalf("name %q decoded as %q", vals.Get("name"), in.Name)
		}
		if len(in.Items) != len(vals["items"]) {
			t.Fatalf("items %q decoded as %q", vals["items"], in.Items)
		}
	})
}
