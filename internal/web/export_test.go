package web

import "github.com/fazhi/fazhi/internal/calendar"

// SetToday moves the workbench's date for a test and returns the undo.
func SetToday(d calendar.Date) func() {
	old := today
	today = func() calendar.Date { return d }
	return func() { today = old }
}
