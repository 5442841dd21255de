package report

import (
	"fmt"
	"regexp"
	"strconv"
	"time"

	"github.com/imscope/imscope"
)

// Period is a span a report covers, [From, To), with calendar boundaries in
// the report's zone: "February" in Asia/Shanghai starts at 00:00 +08:00 on
// the 1st, eight hours before February in UTC, and a day in Europe/Berlin
// is 23 or 25 hours long when the clocks change.
type Period struct {
	Granularity imscope.Granularity
	From, To    time.Time
	// Label names the period: 2026-03-01, 2026-W09 (ISO week), 2026-03,
	// 2026-Q1 or 2026.
	Label string
}

// Periods are what a run covers: the period and the one before it, for
// comparison.
type Periods struct {
	Current, Previous Period
}

// LastFull returns the last full period of granularity g that ended at or
// before t, in loc, and the one before it.
func LastFull(g imscope.Granularity, t time.Time, loc *time.Location) Periods {
	cur := periodAt(g, periodStart(g, t.In(loc)).Add(-time.Nanosecond))
	return Periods{Current: cur, Previous: periodAt(g, cur.From.Add(-time.Nanosecond))}
}

// periodAt returns the period of granularity g containing t (in t's zone).
func periodAt(g imscope.Granularity, t time.Time) Period {
	from := periodStart(g, t)
	to := periodStep(g, from)
	return Period{Granularity: g, From: from, To: to, Label: periodLabel(g, from)}
}

func periodStart(g imscope.Granularity, t time.Time) time.Time {
	y, m, d := t.Date()
	loc := t.Location()
	switch g {
	case imscope.Day:
		return time.Date(y, m, d, 0, 0, 0, 0, loc)
	case imscope.Week:
		return time.Date(y, m, d-(int(t.Weekday())+6)%7, 0, 0, 0, 0, loc) // ISO weeks start on Monday
	case imscope.Month:
		return time.Date(y, m, 1, 0, 0, 0, 0, loc)
	case imscope.Quarter:
		return time.Date(y, m-(m-1)%3, 1, 0, 0, 0, 0, loc)
	}
	return time.Date(y, 1, 1, 0, 0, 0, 0, loc)
}

// periodStep is the start of the period after the one starting at from,
// by the calendar (time.Date), not by adding hours.
func periodStep(g imscope.Granularity, from time.Time) time.Time {
	y, m, d := from.Date()
	loc := from.Location()
	switch g {
	case imscope.Day:
		return time.Date(y, m, d+1, 0, 0, 0, 0, loc)
	case imscope.Week:
		return time.Date(y, m, d+7, 0, 0, 0, 0, loc)
	case imscope.Month:
		return time.Date(y, m+1, 1, 0, 0, 0, 0, loc)
	case imscope.Quarter:
		return time.Date(y, m+3, 1, 0, 0, 0, 0, loc)
	}
	return time.Date(y+1, 1, 1, 0, 0, 0, 0, loc)
}

func periodLabel(g imscope.Granularity, from time.Time) string {
	switch g {
	case imscope.Day:
		return from.Format(time.DateOnly)
	case imscope.Week:
		y, w := from.ISOWeek()
		return fmt.Sprintf("%04d-W%02d", y, w)
	case imscope.Month:
		return from.Format("2006-01")
	case imscope.Quarter:
		return fmt.Sprintf("%04d-Q%d", from.Year(), (int(from.Month())-1)/3+1)
	}
	return strconv.Itoa(from.Year())
}

var (
	labelDay     = regexp.MustCompile(`^(\d{4})-(\d{2})-(\d{2})$`)
	labelWeek    = regexp.MustCompile(`^(\d{4})-W(\d{2})$`)
	labelMonth   = regexp.MustCompile(`^(\d{4})-(\d{2})$`)
	labelQuarter = regexp.MustCompile(`^(\d{4})-Q([1-4])$`)
	labelYear    = regexp.MustCompile(`^(\d{4})$`)
)

// ParsePeriod reads a period label (as Period.Label writes them) in loc and
// returns it with the one before it. Its granularity is the label's.
func ParsePeriod(label string, loc *time.Location) (Periods, error) {
	bad := &imscope.InvalidError{Param: "period", Message: fmt.Sprintf("%q is not a period like 2026-03-01, 2026-W09, 2026-03, 2026-Q1 or 2026", label)}
	num := func(s string) int { n, _ := strconv.Atoi(s); return n }
	var g imscope.Granularity
	var t time.Time
	switch {
	case labelDay.MatchString(label):
		m := labelDay.FindStringSubmatch(label)
		g, t = imscope.Day, time.Date(num(m[1]), time.Month(num(m[2])), num(m[3]), 12, 0, 0, 0, loc)
	case labelWeek.MatchString(label):
		m := labelWeek.FindStringSubmatch(label)
		// ISO week 1 holds 4 January; step from its Monday.
		jan4 := time.Date(num(m[1]), 1, 4, 12, 0, 0, 0, loc)
		g, t = imscope.Week, jan4.AddDate(0, 0, 7*(num(m[2])-1))
	case labelMonth.MatchString(label):
		m := labelMonth.FindStringSubmatch(label)
		g, t = imscope.Month, time.Date(num(m[1]), time.Month(num(m[2])), 1, 12, 0, 0, 0, loc)
	case labelQuarter.MatchString(label):
		m := labelQuarter.FindStringSubmatch(label)
		g, t = imscope.Quarter, time.Date(num(m[1]), time.Month(3*num(m[2])-2), 1, 12, 0, 0, 0, loc)
	case labelYear.MatchString(label):
		g, t = imscope.Year, time.Date(num(label), 1, 1, 12, 0, 0, 0, loc)
	default:
		return Periods{}, bad
	}
	cur := periodAt(g, t)
	if cur.Label != label { // 2026-13, 2026-02-30, 2026-W54
		return Periods{}, bad
	}
	return Periods{Current: cur, Previous: periodAt(g, cur.From.Add(-time.Nanosecond))}, nil
}

// PeriodOf is the period of granularity g that holds t, in loc: for
// naming the periods that hold data ("try --period 2012-W52").
func PeriodOf(g imscope.Granularity, t time.Time, loc *time.Location) Period {
	return periodAt(g, t.In(loc))
}
