package ledger

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/fazhi/fazhi/internal/calendar"
	"golang.org/x/text/width"
)

// ErrDateFormat is the message of a cell that is no date at all (Chinese, as every form says it).
var ErrDateFormat = errors.New(calendar.FormatHint)

var (
	// 2024-01-05, 2024/1/5, 2024.1.5, 2024年1月5日, optionally with a time of day (Excel exports 0:00).
	ymdRe = regexp.MustCompile(`^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s*[T\s]\s*\d{1,2}[:：]\d{2}(?:[:：]\d{2}(?:\.\d+)?)?)?$`)
	// 20240105
	compactRe = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
	// 45296 or 45296.5: an Excel date serial number (a date cell without a date format, or a csv export).
	serialRe = regexp.MustCompile(`^\d{5}(?:\.\d+)?$`)
)

// Excel serials accepted as dates: 1950-01-01 to 2099-12-31. Smaller numbers in a date column
// are more likely a typing slip than a date.
const (
	minSerial = 18264
	maxSerial = 73050
)

// ParseDate reads a date cell in any of the usual forms. A day the month does not have
// (2024-02-30) is refused with its own message. Month-first forms (1/5/2024) are refused as
// ambiguous; excelize renders Excel's built-in date formats year first (see readXLSX).
func ParseDate(s string) (calendar.Date, error) {
	if isISODate(s) { // the common 2025-03-01 needs no folding or regexp
		return checkYMD(atoi(s[0:4]), atoi(s[5:7]), atoi(s[8:10]), s)
	}
	s = strings.TrimSpace(width.Fold.String(s))
	var y, m, d int
	switch {
	case ymdRe.MatchString(s):
		p := ymdRe.FindStringSubmatch(s)
		y, m, d = atoi(p[1]), atoi(p[2]), atoi(p[3])
	case compactRe.MatchString(s):
		p := compactRe.FindStringSubmatch(s)
		y, m, d = atoi(p[1]), atoi(p[2]), atoi(p[3])
	case serialRe.MatchString(s):
		f, err := strconv.ParseFloat(s, 64)
		if err != nil || f < minSerial || f > maxSerial {
			return calendar.Date{}, ErrDateFormat
		}
		// Serial 1 is 1900-01-01 and Excel counts a 29 February 1900 that never was: day 0 is 1899-12-30.
		t := time.Date(1899, 12, 30, 0, 0, 0, 0, time.UTC).AddDate(0, 0, int(math.Floor(f)))
		return calendar.DateOf(t), nil
	default:
		return calendar.Date{}, ErrDateFormat
	}
	return checkYMD(y, m, d, s)
}

// isISODate reports whether s is exactly YYYY-MM-DD in ASCII digits.
func isISODate(s string) bool {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return false
	}
	for i := 0; i < 10; i++ {
		if i != 4 && i != 7 && (s[i] < '0' || s[i] > '9') {
			return false
		}
	}
	return true
}

// checkYMD is the date y-m-d when it exists.
func checkYMD(y, m, d int, s string) (calendar.Date, error) {
	if y < 1900 || m < 1 || m > 12 || d < 1 || d > 31 {
		return calendar.Date{}, ErrDateFormat
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return calendar.Date{}, fmt.Errorf("日期不存在：%s", s)
	}
	return calendar.DateOf(t), nil
}

func atoi(s string) int {
	n, _ := strconv.Atoi(s)
	return n
}

// listSep splits a List cell.
func listSep(r rune) bool { return strings.ContainsRune("、，,;；\n\r", r) }

var boolValues = map[string]bool{"是": true, "否": false, "y": true, "n": false, "yes": true, "no": false,
	"true": true, "false": false, "1": true, "0": false, "√": true, "×": false, "有": true, "无": false}

// parse reads one non-empty cell of c. The message of the error is shown after the cell's name.
func (c *Column) parse(s string) (any, error) {
	switch c.Kind {
	case Date:
		return ParseDate(s)
	case Int:
		n, err := strconv.ParseInt(strings.ReplaceAll(numeric(s), ",", ""), 10, 64)
		if err != nil {
			// Excel keeps whole numbers typed into a decimal-formatted cell as 12.0.
			if f, ferr := strconv.ParseFloat(numeric(s), 64); ferr == nil && f == math.Trunc(f) && math.Abs(f) < 1<<53 {
				return int64(f), nil
			}
			return nil, errors.New("应为整数")
		}
		return n, nil
	case Decimal:
		v := strings.ReplaceAll(numeric(s), ",", "")
		v = strings.TrimSuffix(strings.TrimPrefix(v, "¥"), "元")
		f, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) || strings.ContainsAny(v, "eExXpP_") {
			return nil, errors.New("应为数字")
		}
		return strconv.FormatFloat(f, 'f', -1, 64), nil
	case Bool:
		b, ok := boolValues[normValue(s)]
		if !ok {
			return nil, errors.New("应为 是 或 否")
		}
		return b, nil
	case Enum:
		ch, ok := c.lookup(s)
		if !ok {
			return nil, fmt.Errorf("「%s」不是可用的%s，可填：%s", s, c.noun(), c.labels())
		}
		return ch.Value, nil
	case List:
		var out []string
		for _, item := range strings.FieldsFunc(s, listSep) {
			item = strings.TrimSpace(item)
			if item == "" {
				continue
			}
			if len(c.Choices) > 0 {
				ch, ok := c.lookup(item)
				if !ok {
					return nil, fmt.Errorf("「%s」不是可用的%s，可填：%s（多项用、分隔）", item, c.noun(), c.labels())
				}
				item = ch.Value
			}
			out = append(out, item)
		}
		return out, c.checkLen(s)
	default:
		return s, c.checkLen(s)
	}
}

func (c *Column) noun() string {
	if c.Noun == "" {
		return "值"
	}
	return c.Noun
}

func (c *Column) checkLen(s string) error {
	max := c.MaxLen
	if max <= 0 {
		max = MaxCellChars
	}
	if utf8.RuneCountInString(s) > max {
		return fmt.Errorf("不能超过%d字", max)
	}
	return nil
}

// numeric folds full-width digits and signs and drops spaces inside a number.
func numeric(s string) string {
	return strings.ReplaceAll(width.Fold.String(s), " ", "")
}
