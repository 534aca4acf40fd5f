package calendar

import (
	"errors"
	"fmt"
	"strconv"
)

// Unit is how a period is counted. The zero Unit is invalid so that a forgotten unit is an error.
type Unit int

const (
	WorkingDays  Unit = iota + 1 // 工作日 (行政复议法第八十八条第二款: the 3/5/7/10-day periods)
	CalendarDays                 // 日, ends rolled off rest days (民事诉讼法第八十五条)
)

func (u Unit) String() string {
	switch u {
	case WorkingDays:
		return "工作日"
	case CalendarDays:
		return "日"
	}
	return "Unit(" + strconv.Itoa(int(u)) + ")"
}

// Rule declares one statutory period once, with its legal basis.
type Rule struct {
	Code           string // e.g. "reconsider.accept"
	Name           string // 受理审查期限
	Length         int
	Unit           Unit
	Basis          string // 《中华人民共和国行政复议法》第三十条
	StartEvent     string // 收到申请之日
	Pausable       bool   // 中止 stops the clock
	RestartOnAmend bool   // 补正 restarts it from receipt of the completed materials (caller passes that date as start)
	MaxExtension   int    // extra length allowed with approval (same unit), 0 = none
}

// Period is the length in words, as shown beside a deadline: "5个工作日", "60日".
func (r Rule) Period() string {
	if r.Unit == WorkingDays {
		return fmt.Sprintf("%d个工作日", r.Length)
	}
	return fmt.Sprintf("%d%s", r.Length, r.Unit)
}

// maxLength bounds a period (about 30 years) so a corrupt rule cannot loop for ever.
const maxLength = 11000

// Validate checks the rule's own fields.
func (r Rule) Validate() error {
	name := r.Name
	if name == "" {
		name = r.Code
	}
	switch {
	case r.Unit != WorkingDays && r.Unit != CalendarDays:
		return fmt.Errorf("期限“%s”的计算单位无效", name)
	case r.Length <= 0 || r.Length > maxLength:
		return fmt.Errorf("期限“%s”的长度%d无效", name, r.Length)
	case r.MaxExtension < 0 || r.MaxExtension > maxLength:
		return fmt.Errorf("期限“%s”的最长延长%d无效", name, r.MaxExtension)
	}
	return nil
}

// Pause is a suspension (中止): suspended on From, resumed on To (zero To = still suspended).
// From itself is counted; From+1..To are not; the clock runs again the day after To.
type Pause struct{ From, To Date }

// Due computes the due date of r for an event on start (legal-rules.md "Decisions" 2–4):
// counting starts the day after start; for a pausable rule the days From+1..To of each pause are not
// counted. WorkingDays count only working days outside pauses; CalendarDays count calendar days outside
// pauses and a rest-day end rolls to the next working day. extension (same unit, 0..MaxExtension) is
// added to Length. Pauses are ignored when r is not Pausable. ok is false while an open pause (zero To)
// stops the clock before the period has run out; a pause beginning on or after the due day changes
// nothing, because the period had already been used up.
func (c *Calendar) Due(r Rule, start Date, pauses []Pause, extension int) (due Date, ok bool, err error) {
	if err := r.Validate(); err != nil {
		return Date{}, false, err
	}
	if start.IsZero() {
		return Date{}, false, errors.New("起算日期为空")
	}
	if extension < 0 {
		return Date{}, false, fmt.Errorf("延长期限不能为负数：%d", extension)
	}
	if extension > r.MaxExtension {
		if r.MaxExtension == 0 {
			return Date{}, false, fmt.Errorf("“%s”依法不能延长", r.Name)
		}
		return Date{}, false, fmt.Errorf("“%s”最多延长%d%s，申请延长%d%s", r.Name, r.MaxExtension, r.Unit, extension, r.Unit)
	}
	if !r.Pausable {
		pauses = nil
	}
	for _, p := range pauses {
		if p.From.IsZero() {
			return Date{}, false, errors.New("中止日期为空")
		}
		if !p.To.IsZero() && p.To.Before(p.From) {
			return Date{}, false, fmt.Errorf("恢复日期 %s 早于中止日期 %s", p.To, p.From)
		}
	}
	left := r.Length + extension
	d := start
	for left > 0 {
		d = d.AddDays(1)
		paused, open := pausedOn(pauses, d)
		if open {
			return Date{}, false, nil
		}
		if paused || (r.Unit == WorkingDays && !c.IsWorkday(d)) {
			continue
		}
		left--
	}
	if r.Unit == CalendarDays {
		d = c.NextWorkday(d)
	}
	return d, true, nil
}

// pausedOn reports whether d falls in some pause's From+1..To, and whether that pause is still open.
func pausedOn(pauses []Pause, d Date) (paused, open bool) {
	for _, p := range pauses {
		if !d.After(p.From) {
			continue
		}
		if p.To.IsZero() {
			return true, true
		}
		if !d.After(p.To) {
			paused = true
		}
	}
	return paused, false
}

// WorkingDaysLeft is the number of working days from today to due, for workbench colours: the working
// days in (today, due] while not overdue (0 on the due day), and once today is past due, minus the
// working days in (due, today] but at least -1, so a weekend right after the due day already shows overdue.
func (c *Calendar) WorkingDaysLeft(today, due Date) int {
	if !today.After(due) {
		return c.WorkingDaysBetween(today, due)
	}
	return min(-1, c.WorkingDaysBetween(today, due))
}
