package lawlib

import (
	"strings"
	"unicode/utf8"
)

var cnDigits = map[rune]int{
	'零': 0, '〇': 0, '○': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4,
	'五': 5, '六': 6, '七': 7, '八': 8, '九': 9,
}

var cnUnits = map[rune]int{'十': 10, '百': 100, '千': 1000}

// ChineseNumber parses a number written in Chinese: 三十 → 30, 一百零五 → 105, 一千二百 → 1200,
// 十五 → 15, 一万零三 → 10003, 一九九九/二〇二三 (digit by digit) → 1999/2023, also ASCII or full-width
// digits. An optional 第 prefix and one unit suffix (条 章 节 编 款 项) are accepted, so 第三十条 → 30.
// The colloquial 一百五 (= 150) is read as such.
func ChineseNumber(s string) (int, bool) {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "第")
	for _, suf := range []string{"分编", "条", "章", "节", "编", "款", "项"} {
		if strings.HasSuffix(s, suf) {
			s = strings.TrimSuffix(s, suf)
			break
		}
	}
	if s == "" || utf8.RuneCountInString(s) > 20 {
		return 0, false
	}
	if n, ok := arabic(s); ok {
		return n, true
	}
	hasUnit := strings.ContainsAny(s, "十百千万")
	if !hasUnit {
		// Digit by digit (years such as 一九九九), or a single digit.
		n := 0
		for _, r := range s {
			d, ok := cnDigits[r]
			if !ok {
				return 0, false
			}
			n = n*10 + d
		}
		return n, true
	}
	total, section := 0, 0 // section: the part below 万
	num := -1              // pending digit, -1 when none
	lastUnit := 0          // last unit seen in this section; units must descend
	zero := false          // a 零 since the last unit
	for _, r := range s {
		if d, ok := cnDigits[r]; ok {
			if num >= 0 && !(num == 0 && zero) {
				return 0, false // two digits in a row, e.g. 三五十
			}
			if d == 0 {
				if lastUnit == 0 && section == 0 && total == 0 {
					return 0, false // leading 零 with units
				}
				zero = true
			}
			num = d
			continue
		}
		if r == '万' {
			if num > 0 {
				section += num
			}
			if section == 0 || total > 0 {
				return 0, false
			}
			total = section * 10000
			section, num, lastUnit, zero = 0, -1, 10000, false
			continue
		}
		u, ok := cnUnits[r]
		if !ok {
			return 0, false
		}
		if lastUnit != 0 && lastUnit != 10000 && u >= lastUnit {
			return 0, false // units must descend: 十百 is not a number
		}
		if num <= 0 {
			if u != 10 {
				return 0, false // 百 or 千 without a digit
			}
			num = 1 // 十五 = 一十五; 一百十 = 110; 一千零十 = 1010
		}
		section += num * u
		num, lastUnit, zero = -1, u, false
	}
	if num > 0 {
		if !zero && lastUnit >= 100 && lastUnit != 10000 {
			num *= lastUnit / 10 // 一百五 = 150, 一千二 = 1200
		} else if !zero && lastUnit == 10000 {
			num *= 1000 // 三万五 = 35000
		}
		section += num
	}
	return total + section, true
}

func arabic(s string) (int, bool) {
	n := 0
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			n = n*10 + int(r-'0')
		case r >= '０' && r <= '９':
			n = n*10 + int(r-'０')
		default:
			return 0, false
		}
	}
	return n, true
}
