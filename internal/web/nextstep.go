package web

import "github.com/fazhi/fazhi/internal/calendar"

// NextStep is what a record's page says is expected next: what, by whom, by when and under which
// rule. Templates show it with {{template "nextstep" .Data.Next}}; a nil *NextStep shows nothing.
type NextStep struct {
	What  string        // 出具审核意见书
	Who   string        // 青山县司法局 / 报送单位
	Due   calendar.Date // zero: no deadline
	Basis string        // the rule of the deadline
	Late  bool          // the deadline has passed
}
