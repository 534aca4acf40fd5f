package lawlib

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/search"
)

var effectiveRe = regexp.MustCompile(`自\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日起施行`)

// Effective is the day a law version takes effect, read from its 附则 (本法自2024年1月1日起施行;
// 自公布之日起施行 is the version date); "" when the text does not say. A revision's text keeps
// the original law's date, which is past: such a version is never shown as 尚未施行 by mistake.
func Effective(version string, arts []Article) string {
	for i := len(arts) - 1; i >= 0; i-- {
		t := arts[i].Text
		if !strings.Contains(t, "起施行") {
			continue
		}
		if m := effectiveRe.FindStringSubmatch(t); m != nil {
			var y, mo, d int
			fmt.Sscan(m[1]+" "+m[2]+" "+m[3], &y, &mo, &d)
			s := fmt.Sprintf("%04d-%02d-%02d", y, mo, d)
			if _, err := calendar.ParseDate(s); err == nil {
				return s
			}
			return ""
		}
		if strings.Contains(t, "自公布之日起施行") {
			return version
		}
	}
	return ""
}

// StatusOn is the status readers see on the law's page, as in 法规检索 (search.StatusOn).
func (r Record) StatusOn(arts []Article, today calendar.Date) string {
	return search.StatusOn(r.Status, Effective(r.Version, arts), today)
}
