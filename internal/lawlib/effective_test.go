package lawlib

import (
	"testing"

	"github.com/fazhi/fazhi/internal/calendar"
)

func TestEffective(t *testing.T) {
	arts := func(last string) []Article {
		return []Article{{Number: "第一条", Text: "为了……，制定本法。"}, {Number: "第九十条", Text: last}}
	}
	for _, c := range []struct {
		name, version string
		arts          []Article
		want          string
	}{
		{"a date", "2023-09-01", arts("本法自2024年1月1日起施行。"), "2024-01-01"},
		{"on publication", "2019-04-03", arts("本条例自公布之日起施行。"), "2019-04-03"},
		{"with a repeal", "2005-08-28", arts("本法自2006年3月1日起施行。1986年9月5日公布的《条例》同时废止。"), "2006-03-01"},
		{"silent", "2020-01-01", arts("本办法由某部负责解释。"), ""},
		{"no articles", "2020-01-01", nil, ""},
		{"impossible date", "2020-01-01", arts("本法自2024年2月30日起施行。"), ""},
	} {
		if got := Effective(c.version, c.arts); got != c.want {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
	}
	rec := Record{Status: StatusInForce, Version: "2026-10-30"}
	if got := rec.StatusOn(arts("本法自2027年1月1日起施行。"), calendar.MustDate("2026-12-05")); got != "尚未施行" {
		t.Errorf("a law adopted, not yet in force: %q", got)
	}
	if got := rec.StatusOn(arts("本法自2027年1月1日起施行。"), calendar.MustDate("2027-01-01")); got != "有效" {
		t.Errorf("on its first day: %q", got)
	}
}
