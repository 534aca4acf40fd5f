package stats

import (
	"encoding/json"
	"testing"
)

func TestRate(t *testing.T) {
	for _, c := range []struct {
		num, den int
		want     string
	}{{6, 43, "13.95"}, {0, 0, "0.00"}, {5, 0, "0.00"}, {1, 3, "33.33"}, {2, 3, "66.67"}, {1, 8, "12.50"}, {43, 43, "100.00"},
		{48, 294, "16.33"}, {1, 32, "3.13"}, {1, 6, "16.67"}} {
		b, _ := json.Marshal(Rate(c.num, c.den))
		if string(b) != c.want {
			t.Errorf("Rate(%d, %d) = %s, want %s", c.num, c.den, b, c.want)
		}
	}
	f := RateOf("on_time_rate", "法定期限内结案率", 41, 43, "按期 ÷ 审结", "legal-rules.md §9", "")
	if f.Text() != "95.35%（41/43）" || !f.IsRate || f.Rate().String() != "95.35%" || f.Numerator != 41 || f.Denominator != 43 {
		t.Errorf("text %q", f.Text())
	}
	if c := Count("received", "收到申请", 12, "", "", ""); c.Text() != "12" {
		t.Errorf("count text %q", c.Text())
	}
}

func TestOrderedCounts(t *testing.T) {
	type k string
	got := string(OrderedCounts([]k{"b", "a", "c"}, map[k]int{"a": 2, "b": 1}))
	if got != `{"b":1,"a":2,"c":0}` {
		t.Errorf("%s", got)
	}
}
