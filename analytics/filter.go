package analytics

import (
	"fmt"
	"math"
	"time"

	"github.com/imscope/imscope"
)

// OtherNetwork is the entry that networks outside a filter's selection, or
// below a top-N cut, are folded into. Folding instead of dropping keeps the
// denominators of the whole market: shares still sum to 100 and switching
// rows still add up to the users that were there.
const OtherNetwork = "other"

// invalid builds the error every function here reports bad input with.
func invalid(param, format string, args ...any) error {
	return &imscope.InvalidError{Param: param, Message: fmt.Sprintf(format, args...)}
}

// checkSpan validates the period range of a filter, for analyses that need
// a span but no granularity or metric (bridge health, uptime).
func checkSpan(f imscope.Filter) error {
	if f.From.IsZero() || f.To.IsZero() {
		return invalid("from", "a period range is required")
	}
	if !f.From.Before(f.To) {
		return invalid("to", "to (%s) must be after from (%s)", f.To.Format(time.DateOnly), f.From.Format(time.DateOnly))
	}
	return nil
}

// checkPeriods validates the range and granularity of a filter, for
// period-by-period analyses that do not depend on a metric (switching).
func checkPeriods(f imscope.Filter) error {
	if err := checkSpan(f); err != nil {
		return err
	}
	_, err := imscope.ParseGranularity(string(f.Granularity))
	return err
}

// checkAligned rejects a row whose period is not the start of a period of
// granularity g: such a row comes from a query run at another granularity,
// and joining it with its neighbours would silently compare unlike periods.
func checkAligned(param string, i int, g imscope.Granularity, p time.Time) error {
	if !g.Start(p).Equal(p) {
		return invalid(param, "row %d: %s is not the start of a %s", i, p.Format(time.RFC3339), g)
	}
	return nil
}

// inRange reports whether the period starting at p lies in f's half-open range.
func inRange(f imscope.Filter, p time.Time) bool {
	return !p.Before(f.From) && p.Before(f.To)
}

// previousPeriod is the start of the period just before the one starting at p.
func previousPeriod(g imscope.Granularity, p time.Time) time.Time {
	switch g {
	case imscope.Day:
		return p.AddDate(0, 0, -1)
	case imscope.Week:
		return p.AddDate(0, 0, -7)
	case imscope.Month:
		return p.AddDate(0, -1, 0)
	case imscope.Quarter:
		return p.AddDate(0, -3, 0)
	default:
		return p.AddDate(-1, 0, 0)
	}
}

// yearEarlier is the start of "the same period a year earlier": the same
// calendar day, month, quarter or year one year back, and for weeks the week
// 52 weeks back, so that Monday stays Monday. 29 February compares with 28
// February of the year before.
func yearEarlier(g imscope.Granularity, p time.Time) time.Time {
	if g == imscope.Week {
		return p.AddDate(0, 0, -364)
	}
	y, m, d := p.Date()
	t := time.Date(y-1, m, d, 0, 0, 0, 0, time.UTC)
	if t.Month() != m { // 29 February in a common year rolled into March
		t = time.Date(y-1, m+1, 0, 0, 0, 0, 0, time.UTC)
	}
	return g.Start(t)
}

// ComparisonFrom is how far back a share query must reach so that every
// period of f has its year-earlier comparison: the start of the period a
// year before f.From. Rows before f.From are used only as comparison bases.
func ComparisonFrom(f imscope.Filter) time.Time {
	return yearEarlier(f.Granularity, f.Granularity.Start(f.From))
}

// selection folds networks outside a filter's list into OtherNetwork; an
// empty list selects every network.
type selection map[string]bool

func newSelection(networks []string) selection {
	if len(networks) == 0 {
		return nil
	}
	s := selection{}
	for _, n := range networks {
		s[n] = true
	}
	return s
}

func (s selection) fold(network string) string {
	if s == nil || s[network] {
		return network
	}
	return OtherNetwork
}

// finite reports whether v is a usable number (not NaN, not ±Inf).
func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

// ptr returns a pointer to v, for optional outputs.
func ptr[T any](v T) *T { return &v }
