package casework

import (
	"errors"
	"strings"
	"testing"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/fault"
)

// A clerk who types a date wrongly is told the format in Chinese, beside the field.
func TestStepDateMessagesAreChinese(t *testing.T) {
	today := calendar.MustDate("2026-12-05")
	for _, in := range []string{"2026/12/01", "12-01", "明天"} {
		st := Step{OnText: in}
		err := st.Prepare(today)
		var fe *fault.Fields
		if !errors.As(err, &fe) || !strings.Contains(err.Error(), "年-月-日") || strings.Contains(err.Error(), "YYYY") {
			t.Errorf("Prepare(%q) = %v", in, err)
		}
	}
	if _, err := ParseOptionalDate("due", "2026-02-30"); err == nil || !strings.Contains(err.Error(), "年-月-日") {
		t.Errorf("ParseOptionalDate: %v", err)
	}
}
