// Package casework is the transition engine of every case-like record (复议案件, 审查事项, 规范性文件,
// and the modules to come): a step with its actor, legal date and reason; the row lock; the version
// and state guards; the event row in case_events; the audit entry in the same transaction; and the
// loop that re-dates open deadlines after a calendar change.
package casework

import (
	"fmt"
	"strings"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/fault"
)

// Step is the common input of a transition: the legal date it happened (today when empty), a
// note, and the version of the record the user saw (0 = do not check).
type Step struct {
	On      calendar.Date `json:"-"`
	OnText  string        `json:"on,omitempty"`
	Note    string        `json:"note,omitempty"`
	Version int           `json:"version,omitempty"`
}

// Prepare parses the date in place: today when empty, never after today.
func (st *Step) Prepare(today calendar.Date) error {
	if st.On.IsZero() {
		if t := strings.TrimSpace(st.OnText); t == "" {
			st.On = today
		} else {
			d, err := calendar.ParseDate(t)
			if err != nil {
				return fault.Field("on", calendar.FormatHint)
			}
			st.On = d
		}
	}
	if st.On.After(today) {
		return fault.Field("on", "日期不能晚于今天")
	}
	st.Note = strings.TrimSpace(st.Note)
	return nil
}

// StepRef lets generic code (the action list) find the Step embedded in an input struct.
func (st *Step) StepRef() *Step { return st }

// NotBefore refuses a step dated before an earlier event of the record.
func NotBefore(on, earliest calendar.Date, what string) error {
	if on.Before(earliest) {
		return fault.Field("on", fmt.Sprintf("日期不能早于%s（%s）", what, earliest))
	}
	return nil
}

// ParseOptionalDate reads an optional date field: empty is the zero date.
func ParseOptionalDate(field, v string) (calendar.Date, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return calendar.Date{}, nil
	}
	d, err := calendar.ParseDate(v)
	if err != nil {
		return calendar.Date{}, fault.Field(field, calendar.FormatHint)
	}
	return d, nil
}
