package search

import "github.com/fazhi/fazhi/internal/calendar"

// StatusNotYetEffective is what readers see for a document in force on paper whose effective date
// is still ahead.
const StatusNotYetEffective = "尚未施行"

// StatusOn is the one status readers see, in 法规检索 and on every module's pages: the stored
// status, except that an in-force (有效) document whose effective date (YYYY-MM-DD) is after today
// is 尚未施行.
func StatusOn(stored, effective string, today calendar.Date) string {
	if stored != "有效" || effective == "" {
		return stored
	}
	if d, err := calendar.ParseDate(effective); err == nil && today.Before(d) {
		return StatusNotYetEffective
	}
	return stored
}
