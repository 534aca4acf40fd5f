package disclosure

import (
	"testing"

	"github.com/fazhi/fazhi/internal/calendar"
)

var d = calendar.MustDate

// TestReplyDueHandCounted checks every period against dates counted by hand on the 2025 calendar
// (国办发明电〔2024〕12号): Spring Festival 01-28..02-04 off with Sunday 01-26 and Saturday 02-08
// worked; National Day 10-01..10-08 off with Sunday 09-28 and Saturday 10-11 worked.
func TestReplyDueHandCounted(t *testing.T) {
	cal := calendar.Default()
	cases := []struct {
		name string
		r    Request
		want string
		excl int
	}{
		// 01-21..24 (4), 01-26 worked Sunday (5), 01-27 (6), 02-05..07 (9), 02-08 worked Saturday (10), 02-10..14 (15), 02-17..21 (20).
		{"春节，直接答复", Request{ReceivedOn: d("2025-01-20")}, "2025-02-21", 0},
		// 09-23..26 (4), 09-28 worked (5), 09-29..30 (7), 10-09..10 (9), 10-11 worked (10), 10-13..17 (15), 10-20..24 (20).
		{"国庆，直接答复", Request{ReceivedOn: d("2025-09-22")}, "2025-10-24", 0},
		// extension 20 WD: 10-27..31, 11-03..07, 11-10..14, 11-17..21.
		{"国庆，延期20个工作日", Request{ReceivedOn: d("2025-09-22"), ExtensionDays: 20}, "2025-11-21", 0},
		// 补正 received Thursday 10-09: 10-10 (1), 10-11 worked (2), 10-13..17 (7), 10-20..24 (12), 10-27..31 (17), 11-03..05 (20).
		{"补正后重新起算", Request{ReceivedOn: d("2025-09-22"), AmendNoticeOn: d("2025-09-24"), AmendReceivedOn: d("2025-10-09")}, "2025-11-05", 0},
		// third party answered 10-10: 09-28, 09-29, 09-30, 10-09, 10-10 excluded (5 WD) → 10-24 + 5 WD.
		{"征求第三方意见（已答复）", Request{ReceivedOn: d("2025-09-22"), Consultations: []Consultation{{Kind: "third_party", SentOn: d("2025-09-26"), EndedOn: d("2025-10-10")}}}, "2025-10-31", 5},
		// silent third party: its 15 WD end 10-23 (09-28, 29, 30, 10-09, 10, 11, 13..17, 20..23); 15 WD excluded → 11-14.
		{"征求第三方意见（逾期未答复）", Request{ReceivedOn: d("2025-09-22"), Consultations: []Consultation{{Kind: "third_party", SentOn: d("2025-09-26")}}}, "2025-11-14", 15},
		// an opinion after the 15 WD counts only up to them.
		{"第三方逾期后答复", Request{ReceivedOn: d("2025-09-22"), Consultations: []Consultation{{Kind: "organ", SentOn: d("2025-09-26"), EndedOn: d("2025-10-30")}}}, "2025-11-14", 15},
		// fee notice Monday 02-10, paid Friday 02-14: 02-11..14 (4 WD) excluded → 02-21 + 4 WD.
		{"等待缴费暂停", Request{ReceivedOn: d("2025-01-20"), FeePaused: true, FeeNoticeOn: d("2025-02-10"), FeePaidOn: d("2025-02-14")}, "2025-02-27", 4},
		{"等待缴费不暂停（机关设置）", Request{ReceivedOn: d("2025-01-20"), FeePaused: false, FeeNoticeOn: d("2025-02-10"), FeePaidOn: d("2025-02-14")}, "2025-02-21", 0},
		// ledger: 3 excluded days entered, 02-24..26.
		{"台账填写的征求意见天数", Request{ReceivedOn: d("2025-01-20"), ExcludedDays: 3}, "2025-02-26", 3},
	}
	for _, c := range cases {
		got, excl := c.r.ReplyDue(cal)
		if got.String() != c.want || excl != c.excl {
			t.Errorf("%s: due %s excluded %d, want %s excluded %d", c.name, got, excl, c.want, c.excl)
		}
	}
}

func TestDeadlinesByState(t *testing.T) {
	cal := calendar.Default()
	r := &Request{ReceivedOn: d("2025-01-20"), State: StateRegistered}
	dl := ComputeDeadlines(r, cal)
	// 7 WD: 01-21..24 (4), 01-26 (5), 01-27 (6), 02-05 (7).
	if dl.AmendNotice.String() != "2025-02-05" || dl.Next.String() != "2025-02-05" || dl.NextRule != RuleAmendNotice.Code {
		t.Errorf("amend notice due %s, next %s %s", dl.AmendNotice, dl.Next, dl.NextRule)
	}
	r.State, r.AmendNoticeOn, r.AmendDue = StateAmending, d("2025-01-24"), d("2025-02-21")
	dl = ComputeDeadlines(r, cal)
	if !dl.Reply.IsZero() || dl.Amend.String() != "2025-02-21" || dl.Paused == "" || dl.NextRule != "disclosure.amend" {
		t.Errorf("amending: %+v", dl)
	}
	r.State, r.RepliedOn = StateReplied, d("2025-02-20")
	dl = ComputeDeadlines(r, cal)
	if !dl.Next.IsZero() || dl.Reply.IsZero() {
		t.Errorf("replied: %+v", dl)
	}
}

// TestFeeTiers: 国办函〔2020〕109号 tiers by count and by volume.
func TestFeeTiers(t *testing.T) {
	for _, c := range []struct {
		mode string
		n    int
		want int
	}{
		{FeeByCount, 1, 0}, {FeeByCount, 10, 0}, {FeeByCount, 11, 100}, {FeeByCount, 30, 100}, {FeeByCount, 31, 200},
		{FeeByCount, 40, 200}, {FeeByCount, 41, 300}, {FeeByCount, 55, 400},
		{FeeByVolume, 30, 0}, {FeeByVolume, 31, 10}, {FeeByVolume, 100, 700}, {FeeByVolume, 101, 720}, {FeeByVolume, 150, 1700},
	} {
		if got := FeeFor(c.mode, c.n); got != c.want {
			t.Errorf("FeeFor(%s, %d) = %d, want %d", c.mode, c.n, got, c.want)
		}
	}
}

func TestParseReply(t *testing.T) {
	for in, want := range map[string]ReplyType{
		"予以公开": "disclose", "部分公开": "partial", "部分公开（区分处理的，只计这一情形，不计其他情形）": "partial",
		"不予公开-属于国家秘密": "withhold_state_secret", "不予公开-国家秘密": "withhold_state_secret", "不予公开-1.属于国家秘密": "withhold_state_secret",
		"不予公开-危及“三安全一稳定”": "withhold_security", "不予公开-三安全一稳定": "withhold_security",
		"无法提供-没有现成信息需要另行制作": "unable_create", "无法提供-需另行制作": "unable_create",
		"不予处理-要求行政机关确认或重新出具已获取信息":              "no_action_confirm",
		"其他处理-申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请": "other_no_amendment", "其他处理-逾期不补正": "other_no_amendment",
		"其他处理-逾期未缴费": "other_no_fee", "其他处理-其他": "other", "（三）不予公开-属于行政查询事项": "withhold_query",
	} {
		got, ok := ParseReply(in)
		if !ok || got.Type != want {
			t.Errorf("ParseReply(%q) = %q, %v; want %q", in, got.Type, ok, want)
		}
	}
	for _, bad := range []string{"", "公开", "不予公开", "不予公开-其他", "予以公开-国家秘密", "无法提供-国家秘密"} {
		if r, ok := ParseReply(bad); ok {
			t.Errorf("ParseReply(%q) = %q, want refusal", bad, r.Type)
		}
	}
	// every full title parses back to its row
	for _, r := range Replies {
		if got, ok := ParseReply(r.Title()); !ok || got.Type != r.Type {
			t.Errorf("title %q does not parse back", r.Title())
		}
	}
}
