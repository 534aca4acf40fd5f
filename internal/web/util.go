package web

import (
	"net/url"
	"strconv"

	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/db"
)

func urlQuery(s string) string { return url.QueryEscape(s) }

// LocalTime shows a stored instant in Beijing time.
func LocalTime(ts string) string {
	t, err := db.ParseTimestamp(ts)
	if err != nil {
		return ts
	}
	return t.In(calendar.Shanghai()).Format("2006-01-02 15:04")
}

// Paging reads ?page= and returns limit and offset for a page size.
func Paging(q url.Values, size int) (page, limit, offset int) {
	page, _ = strconv.Atoi(q.Get("page"))
	if page < 1 {
		page = 1
	}
	return page, size, (page - 1) * size
}
