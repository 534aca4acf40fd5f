package reconsider

import (
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/calendar"
)

// Every state of a case says what comes next, whose turn it is and by when — or nothing once the
// case needs nothing more.
func TestNextStepEveryState(t *testing.T) {
	d := calendar.MustDate
	today := d("2025-06-30")
	base := func() *Case {
		return &Case{ApplicantName: "张三", Respondent: "青山县公安局", Channel: ChannelPost, Procedure: Ordinary}
	}
	cases := []struct {
		name string
		set  func(c *Case)
		docs []Document
		what string // "" = no next step
		who  string
		due  string
		late bool
	}{
		{"received", func(c *Case) { c.State, c.Due.Accept = StateReceived, d("2025-07-04") }, nil, "受理审查", "复议办", "2025-07-04", false},
		{"received late", func(c *Case) { c.State, c.Due.Accept = StateReceived, d("2025-06-27") }, nil, "受理审查", "复议办", "2025-06-27", true},
		{"amending, notice not served", func(c *Case) {
			c.State, c.Due.Amend = StateAmending, d("2025-07-14")
		}, nil, "送达日期尚未登记", "申请人张三", "2025-07-14", false},
		{"amending, served", func(c *Case) {
			c.State, c.Due.Amend, c.AmendServedOn = StateAmending, d("2025-07-14"), d("2025-06-30")
		}, nil, "等待申请人补正材料", "申请人张三", "2025-07-14", false},
		{"accepted, copy not sent", func(c *Case) { c.State, c.Due.Copy = StateInReview, d("2025-07-07") }, nil, "行政复议申请书副本", "复议办", "2025-07-07", false},
		{"phone application", func(c *Case) { c.State, c.Channel = StateInReview, ChannelPhone }, nil, "申请笔录复印件", "复议办", "", false},
		{"waiting for the reply", func(c *Case) {
			c.State, c.CopySentOn, c.CopyServedOn, c.Due.Reply = StateInReview, d("2025-06-20"), d("2025-06-23"), d("2025-07-07")
		}, nil, "答复通知书已送达，等待被申请人答复", "青山县公安局", "2025-07-07", false},
		{"reply, receipt unknown", func(c *Case) {
			c.State, c.CopySentOn, c.Due.Reply = StateInReview, d("2025-06-20"), d("2025-07-04")
		}, nil, "预估", "青山县公安局", "2025-07-04", false},
		{"replied", func(c *Case) {
			c.State, c.CopySentOn, c.ReplyOn, c.Due.Decision = StateInReview, d("2025-06-01"), d("2025-06-10"), d("2025-08-29")
		}, nil, "作出行政复议决定", "复议办", "2025-08-29", false},
		{"suspended", func(c *Case) { c.State = StateSuspended }, nil, "恢复审理", "复议办", "", false},
		{"decided, not served", func(c *Case) { c.State, c.Outcome = StateConcluded, Uphold }, nil, "送达申请人", "复议办", "", false},
		{"decided, performance due", func(c *Case) {
			c.State, c.Outcome, c.DecisionServedOn, c.Due.Performance = StateConcluded, Revoke, d("2025-06-02"), d("2025-06-20")
		}, nil, "履行行政复议决定", "青山县公安局", "2025-06-20", true},
		{"decided and served", func(c *Case) { c.State, c.Outcome, c.DecisionServedOn = StateConcluded, Uphold, d("2025-06-02") }, nil, "", "", "", false},
		{"not accepted", func(c *Case) { c.State = StateNotAccepted }, nil, "", "", "", false},
		{"other", func(c *Case) { c.State = StateOther }, nil, "", "", "", false},
		{"draft unissued", func(c *Case) { c.State, c.Due.Copy = StateInReview, d("2025-07-07") },
			[]Document{{Status: DocIssued}, {Status: DocDraft}}, "尚未印发", "复议办", "", false},
	}
	for _, tc := range cases {
		c := base()
		tc.set(c)
		n := nextStep(c, tc.docs, "复议办", today)
		if tc.what == "" {
			if n != nil {
				t.Errorf("%s: want no next step, got %+v", tc.name, n)
			}
			continue
		}
		if n == nil {
			t.Errorf("%s: no next step", tc.name)
			continue
		}
		if !strings.Contains(n.What, tc.what) || n.Who != tc.who || n.Due.String() != tc.due && !(tc.due == "" && n.Due.IsZero()) || n.Late != tc.late {
			t.Errorf("%s: got %+v (due %s), want %q by %q due %q late %v", tc.name, n, n.Due, tc.what, tc.who, tc.due, tc.late)
		}
	}
}
