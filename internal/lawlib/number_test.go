package lawlib

import "testing"

func TestChineseNumber(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"一", 1, true},
		{"十", 10, true},
		{"十五", 15, true},
		{"二十", 20, true},
		{"三十", 30, true},
		{"九十九", 99, true},
		{"一百", 100, true},
		{"一百零五", 105, true},
		{"一百一十", 110, true},
		{"一百十", 110, true},
		{"一百二十三", 123, true},
		{"二百", 200, true},
		{"两百", 200, true},
		{"一千", 1000, true},
		{"一千二百", 1200, true},
		{"一千零一十", 1010, true},
		{"一千零十", 1010, true},
		{"一千零五", 1005, true},
		{"一千二百六十", 1260, true},
		{"一百五", 150, true},
		{"一千二", 1200, true},
		{"一万", 10000, true},
		{"一万零三", 10003, true},
		{"一万二千", 12000, true},
		{"十万", 100000, true},
		{"三万五", 35000, true},
		{"零", 0, true},
		{"〇", 0, true},
		{"一九九九", 1999, true},
		{"二〇二三", 2023, true},
		{"30", 30, true},
		{"１５２", 152, true},
		{"第三十条", 30, true},
		{"第一百二十条", 120, true},
		{"第五章", 5, true},
		{"第三节", 3, true},
		{"第二编", 2, true},
		{"第一分编", 1, true},
		{"第二款", 2, true},
		{" 第九十条 ", 90, true},
		{"第152条", 152, true},
		{"", 0, false},
		{"第", 0, false},
		{"第条", 0, false},
		{"百", 0, false},
		{"千五", 0, false},
		{"十十", 0, false},
		{"十百", 0, false},
		{"百十", 0, false},
		{"三五十", 0, false},
		{"零十", 0, false},
		{"万", 0, false},
		{"一万万", 0, false},
		{"三十a", 0, false},
		{"一百2", 0, false},
		{"第三十条之一", 0, false},
		{"三人", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, ok := ChineseNumber(tt.in)
			if ok != tt.ok || got != tt.want {
				t.Errorf("ChineseNumber(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
			}
		})
	}
}

// Every number the library can cite, 1 to 1999, round-trips through the usual writing.
func TestChineseNumberRoundTrip(t *testing.T) {
	for n := 1; n < 2000; n++ {
		s := writeChinese(n)
		if got, ok := ChineseNumber(s); !ok || got != n {
			t.Fatalf("ChineseNumber(%q) = %d, %v; want %d", s, got, ok, n)
		}
	}
}

// writeChinese writes n (< 10000) the way statutes number articles: 十五, 一百零五, 一百一十.
func writeChinese(n int) string {
	digits := []string{"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"}
	units := []struct {
		v int
		s string
	}{{1000, "千"}, {100, "百"}, {10, "十"}}
	s, zero := "", false
	for _, u := range units {
		d := n / u.v % 10
		switch {
		case d > 0:
			if zero {
				s += "零"
				zero = false
			}
			if !(u.v == 10 && d == 1 && n < 20) {
				s += digits[d]
			}
			s += u.s
		case s != "":
			zero = true
		}
	}
	if d := n % 10; d > 0 {
		if zero {
			s += "零"
		}
		s += digits[d]
	}
	return s
}
