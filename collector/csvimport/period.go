package csvimport

import (
	"fmt"
	"strings"
	"time"

	"github.com/imscope/imscope"
)

// Years a period may fall in: ClickHouse's Date, which panel_activity.period
// and market_reports.period_start use, runs from 1970 to mid-2149. A year
// outside is a typo ("0210-Q3"), caught here rather than by the insert.
const (
	minPeriodYear = 1970
	maxPeriodYear = 2148
)

// period is a calendar period as written in a CSV cell.
type period struct {
	start time.Time // first day, UTC
	g     imscope.Granularity
}

// days is how many days the period has, the most active_days can be.
func (p period) days() int {
	return int(p.g.Next(p.start).Sub(p.start) / (24 * time.Hour))
}

const periodForms = "a period like 2010, 2010-Q3, 2010-07 or 2010-07-15"

// parsePeriod reads a year (2010), quarter (2010-Q3), month (2010-07) or
// date (2010-07-15). Its errors are to follow the quoted cell ("2010-Q5"
// has a quarter other than Q1 to Q4), so that the caller decides how the
// cell is shown.
func parsePeriod(s string) (period, error) {
	bad := func() (period, error) { return period{}, fmt.Errorf("is not %s", periodForms) }
	if len(s) < 4 || !digits(s[:4]) {
		return bad()
	}
	y := atoi(s[:4])
	if y < minPeriodYear || y > maxPeriodYear {
		return period{}, fmt.Errorf("has a year outside %d to %d", minPeriodYear, maxPeriodYear)
	}
	switch {
	case len(s) == 4:
		return period{time.Date(y, 1, 1, 0, 0, 0, 0, time.UTC), imscope.Year}, nil
	case len(s) == 7 && s[4] == '-' && (s[5] == 'Q' || s[5] == 'q'):
		q := int(s[6] - '0')
		if q < 1 || q > 4 {
			return period{}, fmt.Errorf("has a quarter other than Q1 to Q4")
		}
		return period{time.Date(y, time.Month(3*q-2), 1, 0, 0, 0, 0, time.UTC), imscope.Quarter}, nil
	case len(s) == 7 && s[4] == '-' && digits(s[5:]):
		m := atoi(s[5:])
		if m < 1 || m > 12 {
			return period{}, fmt.Errorf("has a month other than 01 to 12")
		}
		return period{time.Date(y, time.Month(m), 1, 0, 0, 0, 0, time.UTC), imscope.Month}, nil
	case len(s) == 10:
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return bad()
		}
		return period{t, imscope.Day}, nil
	}
	return bad()
}

// periodCache remembers parsed periods: a panel file repeats a handful of
// periods millions of times.
type periodCache map[string]period

func (c periodCache) parse(s string) (period, error) {
	if p, ok := c[s]; ok {
		return p, nil
	}
	p, err := parsePeriod(s)
	if err == nil && len(c) < 1024 {
		c[strings.Clone(s)] = p // not s: it would pin the whole CSV line
	}
	return p, err
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// atoi reads a short all-digit string (checked by digits).
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
