package secure

import (
	"errors"
	"testing"
	"time"
)

// specIDCheck computes the GB 11643 check character straight from the
// standard's wording (ISO 7064 MOD 11-2): position i counted from the right
// with the check at i=1, weight W_i = 2^(i-1) mod 11, a_1 = (12 - S mod 11)
// mod 11, 10 written as X.
func specIDCheck(t *testing.T, body17 string) string {
	t.Helper()
	if len(body17) != 17 {
		t.Fatalf("body %q not 17 chars", body17)
	}
	s := 0
	for k := range 17 {
		i := 18 - k // leftmost character is position 18
		w := 1
		for range i - 1 {
			w = w * 2 % 11
		}
		s += int(body17[k]-'0') * w
	}
	a1 := (12 - s%11) % 11
	if a1 == 10 {
		return "X"
	}
	return string(rune('0' + a1))
}

func withID(t *testing.T, body17 string) string { return body17 + specIDCheck(t, body17) }

// wrongCheck returns the ID with a check character other than the right one.
func wrongCheck(t *testing.T, body17 string) string {
	if specIDCheck(t, body17) == "0" {
		return body17 + "1"
	}
	return body17 + "0"
}

func fixNow(t *testing.T, tm time.Time) {
	old := now
	now = func() time.Time { return tm }
	t.Cleanup(func() { now = old })
}

func TestSpecIDCheckAgainstStandardExamples(t *testing.T) {
	// The two examples printed in GB 11643-1999.
	for _, id := range []string{"11010519491231002X", "440524188001010014"} {
		if got := id[:17] + specIDCheck(t, id[:17]); got != id {
			t.Errorf("spec check for %s gives %s", id, got)
		}
	}
}

func TestValidateIDNumber(t *testing.T) {
	fixNow(t, time.Date(2025, 6, 15, 12, 0, 0, 0, beijing))
	// Find a body whose check char is X, to cover that case with a fresh number.
	xBody := ""
	for seq := 100; seq < 1000; seq++ {
		b := "32010219850704" + itoa3(seq)
		if specIDCheck(t, b) == "X" {
			xBody = b
			break
		}
	}
	if xBody == "" {
		t.Fatal("no X check body found")
	}
	tests := []struct {
		name, id, wantMsg string // wantMsg "" means valid
	}{
		{"standard example X", "11010519491231002X", ""},
		{"standard example born 1880", "440524188001010014", ""},
		{"computed X check", withID(t, xBody), ""},
		{"beijing 1990", withID(t, "11010119900307123"), ""},
		{"hong kong resident permit", withID(t, "81000019800101001"), ""},
		{"leap day 2000", withID(t, "35010220000229456"), ""},
		{"born today", withID(t, "44030520250615789"), ""},
		{"empty", "", "身份证号码不能为空"},
		{"17 chars", "11010519491231002", "身份证号码应为18位"},
		{"19 chars", "11010519491231002X1", "身份证号码应为18位"},
		{"15 digit old format", "110105491231002", "身份证号码应为18位"},
		{"lowercase x", "11010519491231002x", "身份证号码格式不正确：末位应为数字或大写字母X"},
		{"letter inside", "1101051949A231002X", "身份证号码格式不正确：前17位应为数字"},
		{"full width digit", "１10105194912310021", "身份证号码格式不正确：前17位应为数字"},
		{"province 00", withID(t, "00010519491231002"), "身份证号码地址码不正确"},
		{"province 10", withID(t, "10010519491231002"), "身份证号码地址码不正确"},
		{"province 99", withID(t, "99010519491231002"), "身份证号码地址码不正确"},
		{"province 84", withID(t, "84010519491231002"), "身份证号码地址码不正确"},
		{"feb 30", withID(t, "11010519990230123"), "身份证号码出生日期不正确"},
		{"feb 29 non leap", withID(t, "11010519990229123"), "身份证号码出生日期不正确"},
		{"month 13", withID(t, "11010519991301123"), "身份证号码出生日期不正确"},
		{"month 00", withID(t, "11010519990001123"), "身份证号码出生日期不正确"},
		{"day 00", withID(t, "11010519990100123"), "身份证号码出生日期不正确"},
		{"year 1799", withID(t, "11010517991231123"), "身份证号码出生日期不正确"},
		{"born tomorrow", withID(t, "44030520250616789"), "身份证号码出生日期晚于当前日期"},
		{"born 2030", withID(t, "44030520300101789"), "身份证号码出生日期晚于当前日期"},
		{"wrong check digit", wrongCheck(t, "11010119900307123"), "身份证号码校验位不正确"},
		{"X where digit due", "11010119900307123X", "身份证号码校验位不正确"},
		{"standard example wrong check", "110105194912310021", "身份证号码校验位不正确"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := ValidateIDNumber(tt.id)
			checkMsg(t, "ValidateIDNumber("+tt.id+")", err, tt.wantMsg)
		})
	}
}

func TestValidateIDNumberUsesBeijingDay(t *testing.T) {
	// 2025-06-15 17:00 UTC is already 06-16 in Beijing: a baby born 06-16 is valid.
	fixNow(t, time.Date(2025, 6, 15, 17, 0, 0, 0, time.UTC))
	if err := ValidateIDNumber(withID(t, "44030520250616789")); err != nil {
		t.Errorf("born on the Beijing date: %v", err)
	}
	if err := ValidateIDNumber(withID(t, "44030520250617789")); !errors.Is(err, ErrInvalid) {
		t.Errorf("born the day after the Beijing date: %v, want a validation error", err)
	}
}

func itoa3(n int) string {
	return string([]byte{byte('0' + n/100), byte('0' + n/10%10), byte('0' + n%10)})
}

func checkMsg(t *testing.T, what string, err error, want string) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Errorf("%s = %v, want nil", what, err)
		}
		return
	}
	if err == nil {
		t.Errorf("%s = nil, want %q", what, want)
		return
	}
	if err.Error() != want {
		t.Errorf("%s = %q, want %q", what, err.Error(), want)
	}
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("%s error does not wrap ErrInvalid", what)
	}
}

// specUSCCCheck follows GB 32100-2015 §5: code values 0–30 over the set
// 0-9 A-H J-N P-R T U W-Y, W_i = 3^(i-1) mod 31, C18 = 31 - (Σ mod 31),
// with 31 written as 0.
func specUSCCCheck(t *testing.T, body17 string) byte {
	t.Helper()
	const set = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	if len(set) != 31 {
		t.Fatalf("code set has %d chars", len(set))
	}
	sum, w := 0, 1
	for i := range 17 {
		v := -1
		for j := range len(set) {
			if set[j] == body17[i] {
				v = j
			}
		}
		if v < 0 {
			t.Fatalf("char %q not in set", body17[i])
		}
		sum += v * w
		w = w * 3 % 31
	}
	c := 31 - sum%31
	if c == 31 {
		c = 0
	}
	return set[c]
}

func TestValidateUSCC(t *testing.T) {
	published := "91350100M000100Y43"
	if c := specUSCCCheck(t, published[:17]); c != published[17] {
		t.Fatalf("spec check for published example = %c, want %c", c, published[17])
	}
	withCheck := func(b string) string { return b + string(specUSCCCheck(t, b)) }
	// A body whose check is 0 (sum%31 == 0) covers the 31→0 rule.
	zeroBody := ""
	for n := 0; n < 31*31 && zeroBody == ""; n++ {
		b := "12110000" + string("0123456789ABCDEFGHJKLMNPQRTUWXY"[n/31]) + string("0123456789ABCDEFGHJKLMNPQRTUWXY"[n%31]) + "0000001"
		if specUSCCCheck(t, b) == '0' {
			zeroBody = b
		}
	}
	if zeroBody == "" {
		t.Fatal("no body with check 0 found")
	}
	wrong := "91350100M000100Y4" + "4"
	tests := []struct{ name, code, wantMsg string }{
		{"published example", published, ""},
		{"computed", withCheck("11100000000013127"), ""},
		{"check char 0", withCheck(zeroBody), ""},
		{"check is letter", withCheck("91110108MA01ABCD1"), ""},
		{"empty", "", "统一社会信用代码不能为空"},
		{"17 chars", published[:17], "统一社会信用代码应为18位"},
		{"19 chars", published + "0", "统一社会信用代码应为18位"},
		{"wrong check char", wrong, "统一社会信用代码校验码不正确"},
		{"swapped adjacent", "91350100M001000Y43", "统一社会信用代码校验码不正确"},
		{"letter I", "91350100M000100I43", "统一社会信用代码含有非法字符：只能使用数字和除I、O、Z、S、V以外的大写字母"},
		{"letter O", "91350100O000100Y43", "统一社会信用代码含有非法字符：只能使用数字和除I、O、Z、S、V以外的大写字母"},
		{"letter Z", "91350100Z000100Y43", "统一社会信用代码含有非法字符：只能使用数字和除I、O、Z、S、V以外的大写字母"},
		{"letter S", "91350100S000100Y43", "统一社会信用代码含有非法字符：只能使用数字和除I、O、Z、S、V以外的大写字母"},
		{"letter V", "91350100V000100Y43", "统一社会信用代码含有非法字符：只能使用数字和除I、O、Z、S、V以外的大写字母"},
		{"lowercase", "91350100m000100Y43", "统一社会信用代码含有非法字符：只能使用数字和除I、O、Z、S、V以外的大写字母"},
		{"letter in region code", withCheck("9135A100M000100Y4"), "统一社会信用代码第3至8位行政区划码应为数字"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkMsg(t, "ValidateUSCC("+tt.code+")", ValidateUSCC(tt.code), tt.wantMsg)
		})
	}
	if specUSCCCheck(t, wrong[:17]) == wrong[17] {
		t.Fatal("test case 'wrong check char' is accidentally valid")
	}
}

func TestValidateMobile(t *testing.T) {
	tests := []struct{ in, want string }{
		{"13812345678", ""},
		{"19912345678", ""},
		{"14700000000", ""},
		{"", "手机号码不能为空"},
		{"1381234567", "手机号码应为11位数字"},
		{"138123456789", "手机号码应为11位数字"},
		{"138-1234567", "手机号码应为11位数字"},
		{"+8613812345", "手机号码应为11位数字"},
		{"１3812345678", "手机号码应为11位数字"},
		{"12812345678", "手机号码号段不正确"},
		{"10012345678", "手机号码号段不正确"},
		{"23812345678", "手机号码号段不正确"},
	}
	for _, tt := range tests {
		checkMsg(t, "ValidateMobile("+tt.in+")", ValidateMobile(tt.in), tt.want)
	}
}

func TestMasks(t *testing.T) {
	tests := []struct {
		name string
		fn   func(string) string
		in   string
		want string
	}{
		{"id 18", MaskIDNumber, "11010519491231234X", "110105********234X"},
		{"id example", MaskIDNumber, "110101199001011234", "110101********1234"},
		{"id 15", MaskIDNumber, "110105491231002", "110105*****1002"},
		{"id 11", MaskIDNumber, "12345678901", "123456*8901"},
		{"id 10 fully masked", MaskIDNumber, "1234567890", "**********"},
		{"id empty", MaskIDNumber, "", ""},
		{"phone", MaskPhone, "13812345678", "138****5678"},
		{"phone landline", MaskPhone, "01012345678", "010****5678"},
		{"phone 8", MaskPhone, "12345678", "123*5678"},
		{"phone 7 fully masked", MaskPhone, "1234567", "*******"},
		{"phone empty", MaskPhone, "", ""},
		{"runes not bytes", MaskPhone, "电话一二三四五六七八", "电话一***五六七八"},
	}
	for _, tt := range tests {
		if got := tt.fn(tt.in); got != tt.want {
			t.Errorf("%s: mask(%q) = %q, want %q", tt.name, tt.in, got, tt.want)
		}
	}
}

func TestNormalizeCode(t *testing.T) {
	tests := []struct{ in, want string }{
		{" 11010519491231002x\n", "11010519491231002X"},
		{"91350100m000100y43", "91350100M000100Y43"},
		{"", ""},
	}
	for _, tt := range tests {
		if got := NormalizeCode(tt.in); got != tt.want {
			t.Errorf("NormalizeCode(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if err := ValidateIDNumber(NormalizeCode(" 11010519491231002x ")); err != nil {
		t.Errorf("normalized lowercase x: %v", err)
	}
}
