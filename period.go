package imscope

import (
	"fmt"
	"time"
)

// Granularity is the length of the periods a question is asked in.
type Granularity string

const (
	Day     Granularity = "day"
	Week    Granularity = "week" // ISO weeks, starting Monday
	Month   Granularity = "month"
	Quarter Granularity = "quarter"
	Year    Granularity = "year"
)

// ParseGranularity validates a granularity name.
func ParseGranularity(s string) (Granularity, error) {
	switch g := Granularity(s); g {
	case Day, Week, Month, Quarter, Year:
		return g, nil
	}
	return "", &InvalidError{Param: "granularity", Message: fmt.Sprintf("%q is not one of day, week, month, quarter, year", s)}
}

// Start returns the first instant (UTC) of the period that contains t.
func (g Granularity) Start(t time.Time) time.Time {
	t = t.UTC()
	y, m, d := t.Date()
	switch g {
	case Day:
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	case Week:
		wd := (int(t.Weekday()) + 6) % 7 // Monday = 0
		return time.Date(y, m, d-wd, 0, 0, 0, 0, time.UTC)
	case Month:
		return time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
	case Quarter:
		return time.Date(y, m-(m-1)%3, 1, 0, 0, 0, 0, time.UTC)
	default:
		return time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC)
	}
}

// Next returns the start of the period after the one starting at start.
func (g Granularity) Next(start time.Time) time.Time {
	switch g {
	case Day:
		return start.AddDate(0, 0, 1)
	case Week:
		return start.AddDate(0, 0, 7)
	case Month:
		return start.AddDate(0, 1, 0)
	case Quarter:
		return start.AddDate(0, 3, 0)
	default:
		return start.AddDate(1, 0, 0)
	}
}

// Filter is the question every query and chart answers: which periods, in
// what granularity, for which metric, segment and networks.
type Filter struct {
	From, To    time.Time // half-open [From, To)
	Granularity Granularity
	Metric      string
	Segment     string   // "" for the whole market
	Networks    []string // empty for all
}

// Validate checks the filter's fields and names the first bad one.
func (f Filter) Validate() error {
	if f.From.IsZero() || f.To.IsZero() {
		return &InvalidError{Param: "from", Message: "a period range is required"}
	}
	if !f.From.Before(f.To) {
		return &InvalidError{Param: "to", Message: fmt.Sprintf("to (%s) must be after from (%s)", f.To.Format(time.DateOnly), f.From.Format(time.DateOnly))}
	}
	if _, err := ParseGranularity(string(f.Granularity)); err != nil {
		return err
	}
	if _, err := LookupMetric(f.Metric); err != nil {
		return err
	}
	return nil
}
