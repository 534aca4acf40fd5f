package litigation

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/fazhi/fazhi/internal/auth"
	"github.com/fazhi/fazhi/internal/calendar"
	"github.com/fazhi/fazhi/internal/fault"
)

// The hearing calendar: the hearings of the cases p may see, by week or by month, printable.

// CalendarHearing is a hearing with its case, for the calendar.
type CalendarHearing struct {
	Hearing
	Docket, Defendant, Court, Plaintiff string
}

// HearingsBetween lists the hearings from..to (inclusive) of the cases in p's scope, by date and 案号.
func (m *Module) HearingsBetween(ctx context.Context, p *auth.Principal, from, to calendar.Date) ([]CalendarHearing, error) {
	where, args := scopeSQL(p, "c.")
	rows, err := m.d.DB.QueryContext(ctx, `SELECT h.id, h.case_id, h.held_on, h.mandatory, h.held, h.appeared, h.leader_name, h.absence,
			c.docket, c.defendant, c.court_name, c.plaintiff
		FROM litigation_hearings h JOIN litigation_cases c ON c.id = h.case_id
		WHERE h.held_on >= ? AND h.held_on <= ? AND `+where+` ORDER BY h.held_on, c.docket`, append([]any{from.String(), to.String()}, args...)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CalendarHearing
	for rows.Next() {
		var h CalendarHearing
		var on string
		var mand, held, app int
		if err := rows.Scan(&h.ID, &h.CaseID, &on, &mand, &held, &app, &h.LeaderName, &h.Absence, &h.Docket, &h.Defendant, &h.Court, &h.Plaintiff); err != nil {
			return nil, err
		}
		h.HeldOn, h.Mandatory, h.Held, h.Appeared = parseDate(on), mand == 1, held == 1, app == 1
		out = append(out, h)
	}
	return out, rows.Err()
}

type calDay struct {
	Date     calendar.Date
	InMonth  bool
	Today    bool
	Hearings []CalendarHearing
}

type calPage struct {
	View              string // week, month
	Title             string
	Weeks             [][]calDay
	Count             int
	PrevURL, NextURL  string
	WeekURL, MonthURL string
	Weekdays          []string
}

// calRange is the grid of a view around day: the week (Monday first), or the weeks covering the month.
func calRange(view string, day calendar.Date) (from, to calendar.Date, title string) {
	monday := func(d calendar.Date) calendar.Date { return d.AddDays(-((int(d.Weekday()) + 6) % 7)) }
	if view == "month" {
		first := calendar.DateOf(time.Date(day.Year, day.Month, 1, 0, 0, 0, 0, time.UTC))
		last := calendar.DateOf(time.Date(day.Year, day.Month+1, 0, 0, 0, 0, 0, time.UTC))
		from, to = monday(first), monday(last).AddDays(6)
		return from, to, first.Chinese()[:strings.Index(first.Chinese(), "月")+len("月")]
	}
	from = monday(day)
	return from, from.AddDays(6), from.Chinese() + "至" + from.AddDays(6).Chinese()
}

func (m *Module) hearingCalendar(w http.ResponseWriter, r *http.Request) error {
	ctx, p := r.Context(), auth.From(r.Context())
	q := r.URL.Query()
	view := q.Get("view")
	if view == "" {
		view = "week"
	}
	if view != "week" && view != "month" {
		return fault.Field("view", "视图应为 week（周）或 month（月）")
	}
	today := m.Today()
	day := today
	if s := strings.TrimSpace(q.Get("date")); s != "" {
		d, err := calendar.ParseDate(s)
		if err != nil {
			return fault.Field("date", calendar.FormatHint)
		}
		day = d
	}
	from, to, title := calRange(view, day)
	hs, err := m.HearingsBetween(ctx, p, from, to)
	if err != nil {
		return err
	}
	by := map[calendar.Date][]CalendarHearing{}
	for _, h := range hs {
		by[h.HeldOn] = append(by[h.HeldOn], h)
	}
	cp := &calPage{View: view, Title: title, Count: len(hs), Weekdays: []string{"一", "二", "三", "四", "五", "六", "日"}}
	for d := from; !d.After(to); d = d.AddDays(7) {
		var week []calDay
		for i := 0; i < 7; i++ {
			x := d.AddDays(i)
			week = append(week, calDay{Date: x, InMonth: view == "week" || x.Month == day.Month, Today: x == today, Hearings: by[x]})
		}
		cp.Weeks = append(cp.Weeks, week)
	}
	link := func(v string, d calendar.Date) string {
		return "/litigation/hearings?" + url.Values{"view": {v}, "date": {d.String()}}.Encode()
	}
	if view == "month" {
		cp.PrevURL = link(view, calendar.DateOf(time.Date(day.Year, day.Month-1, 1, 0, 0, 0, 0, time.UTC)))
		cp.NextURL = link(view, calendar.DateOf(time.Date(day.Year, day.Month+1, 1, 0, 0, 0, 0, time.UTC)))
	} else {
		cp.PrevURL, cp.NextURL = link(view, from.AddDays(-7)), link(view, from.AddDays(7))
	}
	cp.WeekURL, cp.MonthURL = link("week", day), link("month", day)
	return m.app.Render(w, r, pages, "hearings", http.StatusOK, "开庭日历", cp, nil)
}
