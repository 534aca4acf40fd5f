package secure

import (
	"errors"
	"strings"
	"time"
	"unicode/utf8"
)

// ErrInvalid is wrapped by every validation error here; the wrapping
// error's text is the Chinese message to show beside the field.
var ErrInvalid = errors.New("数据格式不正确")

type invalidError struct{ msg string }

func (e *invalidError) Error() string { return e.msg }
func (e *invalidError) Unwrap() error { return ErrInvalid }

func invalid(msg string) error { return &invalidError{msg: msg} }

// NormalizeCode trims spaces and upper-cases, so user input like
// " 11010519491231002x" matches the canonical form before validation,
// storage and BlindIndex.
func NormalizeCode(s string) string { return strings.ToUpper(strings.TrimSpace(s)) }

// beijing: birth dates are judged by the Chinese calendar day, whatever the
// server's zone, and without needing tzdata on the host.
var beijing = time.FixedZone("CST", 8*3600)

// now is replaced in tests.
var now = time.Now

// provinceCodes are the first two digits of GB/T 2260 address codes, plus
// 81/82/83 used by 港澳台居民居住证 numbers, which follow GB 11643 too.
var provinceCodes = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true, "83": true,
}

// idWeights[i] = 2^(17-i) mod 11 (ISO 7064 MOD 11-2).
var idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// idCheckChars[sum mod 11] is the check character.
const idCheckChars = "10X98765432"

// idCheckChar returns the GB 11643 check character for 17 ASCII digits.
func idCheckChar(body string) byte {
	sum := 0
	for i := range 17 {
		sum += int(body[i]-'0') * idWeights[i]
	}
	return idCheckChars[sum%11]
}

// ValidateIDNumber checks an 18-character resident ID number
// (GB 11643-1999): 17 digits then a digit or upper-case X, a known province
// code, a real birth date from 1800 (the standard's own example is born
// 1880) to today (Beijing time), and the MOD 11-2 check character. Call
// NormalizeCode first for user input.
func ValidateIDNumber(s string) error {
	if s == "" {
		return invalid("身份证号码不能为空")
	}
	if utf8.RuneCountInString(s) != 18 {
		return invalid("身份证号码应为18位")
	}
	for i := range 17 {
		if s[i] < '0' || s[i] > '9' {
			return invalid("身份证号码格式不正确：前17位应为数字")
		}
	}
	if last := s[17]; (last < '0' || last > '9') && last != 'X' {
		return invalid("身份证号码格式不正确：末位应为数字或大写字母X")
	}
	if !provinceCodes[s[:2]] {
		return invalid("身份证号码地址码不正确")
	}
	y, m, d := atoi(s[6:10]), atoi(s[10:12]), atoi(s[12:14])
	birth := time.Date(y, time.Month(m), d, 0, 0, 0, 0, beijing)
	if y < 1800 || birth.Year() != y || int(birth.Month()) != m || birth.Day() != d {
		return invalid("身份证号码出生日期不正确")
	}
	ty, tm, td := now().In(beijing).Date()
	if birth.After(time.Date(ty, tm, td, 0, 0, 0, 0, beijing)) {
		return invalid("身份证号码出生日期晚于当前日期")
	}
	if idCheckChar(s) != s[17] {
		return invalid("身份证号码校验位不正确")
	}
	return nil
}

// atoi parses ASCII digits already checked by the caller.
func atoi(s string) int {
	n := 0
	for i := range len(s) {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// usccChars is the GB 32100-2015 code set (no I, O, Z, S, V); a character's
// index is its value.
const usccChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// usccWeights[i] = 3^i mod 31.
var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// usccCheckChar returns the check character for the first 17 characters,
// or 0 if one is outside the code set.
func usccCheckChar(body string) byte {
	sum := 0
	for i := range 17 {
		v := strings.IndexByte(usccChars, body[i])
		if v < 0 {
			return 0
		}
		sum += v * usccWeights[i]
	}
	return usccChars[(31-sum%31)%31]
}

// ValidateUSCC checks an 18-character 统一社会信用代码 (GB 32100-2015): code
// set without I, O, Z, S, V, digits in the 6-character region code
// (positions 3–8) and the MOD 31 check character. Call NormalizeCode first
// for user input.
func ValidateUSCC(s string) error {
	if s == "" {
		return invalid("统一社会信用代码不能为空")
	}
	if utf8.RuneCountInString(s) != 18 {
		return invalid("统一社会信用代码应为18位")
	}
	for i := range 18 {
		if strings.IndexByte(usccChars, s[i]) < 0 {
			return invalid("统一社会信用代码含有非法字符：只能使用数字和除I、O、Z、S、V以外的大写字母")
		}
	}
	for i := 2; i < 8; i++ {
		if s[i] < '0' || s[i] > '9' {
			return invalid("统一社会信用代码第3至8位行政区划码应为数字")
		}
	}
	if usccCheckChar(s) != s[17] {
		return invalid("统一社会信用代码校验码不正确")
	}
	return nil
}

// ValidateMobile checks a mainland mobile number: 11 digits, 1[3-9]….
func ValidateMobile(s string) error {
	if s == "" {
		return invalid("手机号码不能为空")
	}
	if len(s) != 11 || !allDigits(s) {
		return invalid("手机号码应为11位数字")
	}
	if s[0] != '1' || s[1] < '3' {
		return invalid("手机号码号段不正确")
	}
	return nil
}

func allDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// MaskIDNumber keeps the first 6 and last 4 characters and stars the rest:
// 110101********1234. Values of 10 characters or fewer are fully starred,
// since keeping 6+4 would show them whole.
func MaskIDNumber(s string) string { return mask(s, 6, 4) }

// MaskPhone keeps the first 3 and last 4 characters: 138****5678. Values of
// 7 characters or fewer are fully starred.
func MaskPhone(s string) string { return mask(s, 3, 4) }

func mask(s string, head, tail int) string {
	r := []rune(s)
	if len(r) <= head+tail {
		return strings.Repeat("*", len(r))
	}
	return string(r[:head]) + strings.Repeat("*", len(r)-head-tail) + string(r[len(r)-tail:])
}
