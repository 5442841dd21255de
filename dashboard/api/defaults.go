package api

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/analytics"
	"github.com/imscope/imscope/dashboard/cache"
	"github.com/imscope/imscope/queries"
)

// Defaults for absent parameters. Usage questions default to a window
// ending with the latest period that has data, not with today: imported
// history (the demo's 2010–2012 market) would otherwise open on an empty
// chart.
const (
	DefaultMetric      = "active_users_30d" // the basis of published shares: users
	DefaultGranularity = imscope.Month
	// maxPeriods bounds how many periods one question may span (ten years
	// of days), so a typo cannot ask for a million-point series.
	maxPeriods = 3700
)

// defaultSpan is how many periods of each granularity a window without an
// explicit `from` covers: about a year at month granularity, and a
// readable number of points at the others.
var defaultSpan = map[imscope.Granularity]int{
	imscope.Day: 90, imscope.Week: 26, imscope.Month: 12, imscope.Quarter: 8, imscope.Year: 5,
}

// PeriodsBack moves t n periods of g back (negative n: forward).
func PeriodsBack(g imscope.Granularity, t time.Time, n int) time.Time {
	switch g {
	case imscope.Day:
		return t.AddDate(0, 0, -n)
	case imscope.Week:
		return t.AddDate(0, 0, -7*n)
	case imscope.Month:
		return t.AddDate(0, -n, 0)
	case imscope.Quarter:
		return t.AddDate(0, -3*n, 0)
	default:
		return t.AddDate(-n, 0, 0)
	}
}

// countPeriods is how many periods of g start in [from, to), at most limit+1.
func countPeriods(g imscope.Granularity, from, to time.Time, limit int) int {
	n := 0
	for p := g.Start(from); p.Before(to) && n <= limit; p = g.Next(p) {
		n++
	}
	return n
}

// usageFilter resolves the shared parameters into a usage question:
// metric active_users_30d, granularity month, the whole market, and a
// window of defaultSpan periods ending with the period of the latest day
// that has data for the metric and segment (the current period when there
// is none). A given `to` alone moves the window's end; a given `from` alone
// runs to that end (or defaultSpan periods on, if the data ends earlier).
// usesNetworks is false for questions of the whole market (concentration,
// merger scenarios), which leave the selection out of their key. This is
// where a usage question's filter is validated, once (analytics.Ask).
func (a *API) usageFilter(ctx context.Context, q *request, sh shared, usesNetworks bool) (analytics.Question, error) {
	f := imscope.Filter{From: sh.from, To: sh.to, Granularity: sh.granularity, Metric: sh.metric, Segment: sh.segment}
	if usesNetworks {
		f.Networks = sh.networks
	}
	if f.Metric == "" {
		f.Metric = DefaultMetric
	}
	var latest time.Time
	if f.From.IsZero() || f.To.IsZero() || f.Granularity == "" {
		day, ok, err := a.defaultEnd(ctx, &f, q.raw(ParamSource) == string(analytics.SourcePublished))
		if err != nil {
			return analytics.Question{}, err
		}
		latest = day
		if !ok {
			latest = q.now
		}
	}
	if f.Granularity == "" {
		f.Granularity = DefaultGranularity
	}
	g, n := f.Granularity, defaultSpan[f.Granularity]
	if f.From.IsZero() || f.To.IsZero() {
		end := g.Next(g.Start(latest))
		switch {
		case f.From.IsZero() && f.To.IsZero():
			f.From, f.To = PeriodsBack(g, end, n), end
		case f.From.IsZero():
			f.From = PeriodsBack(g, f.To, n)
		default:
			f.To = end
			if !f.To.After(f.From) {
				f.To = PeriodsBack(g, g.Start(f.From), -n)
			}
		}
	}
	question, err := analytics.Ask(f)
	if err != nil {
		return question, err
	}
	if countPeriods(g, f.From, f.To, maxPeriods) > maxPeriods {
		return question, invalid(ParamGranularity, fmt.Sprintf("the range holds more than %d %ss; choose a coarser granularity or a shorter range", maxPeriods, g))
	}
	q.set(ParamFrom, formatTime(f.From))
	q.set(ParamTo, formatTime(f.To))
	q.set(ParamGranularity, string(g))
	q.set(ParamMetric, f.Metric)
	q.set(ParamSegment, f.Segment)
	if usesNetworks {
		q.setNetworks(f.Networks)
	}
	return question, nil
}

// defaultEnd is the day a question without a range ends on: the latest
// day with usage of f's metric, or — when nothing is measured, or the
// question asks for published figures — the latest published period,
// whose label's granularity (quarter for "2010-Q3") then becomes f's when
// none was asked for, so a user who imported only published figures sees
// them by default.
func (a *API) defaultEnd(ctx context.Context, f *imscope.Filter, published bool) (time.Time, bool, error) {
	if !published {
		day, ok, err := a.latestUsage(ctx, f.Metric, f.Segment)
		if err != nil || ok {
			return day, ok, err
		}
	}
	start, g, ok, err := a.latestPublished(ctx)
	if err != nil || !ok {
		return start, ok, err
	}
	if f.Granularity == "" && g != "" {
		f.Granularity = g
	}
	return start, true, nil
}

// latestUsage is the latest day with data for a metric and segment
// (analytics.LatestUsageDay), cached like a response.
func (a *API) latestUsage(ctx context.Context, metric, segment string) (time.Time, bool, error) {
	type latest struct {
		day time.Time
		ok  bool
	}
	key := "usage\x00" + metric + "\x00" + segment
	v, _, err := a.extents.Do(ctx, key, func(ctx context.Context) (any, error) {
		cache.Reads(ctx, dataUsage)
		day, ok, err := analytics.LatestUsageDay(ctx, a.engine, metric, segment, a.now())
		return latest{day: day, ok: ok}, err
	}, nil)
	if err != nil {
		return time.Time{}, false, err
	}
	l := v.(latest)
	return l.day, l.ok, nil
}

// panelPeriods lists every panel period, oldest first, cached.
func (a *API) panelPeriods(ctx context.Context) ([]time.Time, error) {
	v, _, err := a.extents.Do(ctx, "panel", func(ctx context.Context) (any, error) {
		cache.Reads(ctx, dataPanel)
		all := imscope.Filter{From: time.Date(minYear, 1, 1, 0, 0, 0, 0, time.UTC), To: time.Date(maxYear+1, 1, 1, 0, 0, 0, 0, time.UTC)}
		return analytics.PanelPeriods(ctx, a.engine, all)
	}, nil)
	if err != nil {
		return nil, err
	}
	return v.([]time.Time), nil
}

// inWindow keeps the periods in [from, to) (either end zero: open).
func inWindow(periods []time.Time, from, to time.Time) []time.Time {
	var out []time.Time
	for _, p := range periods {
		if (from.IsZero() || !p.Before(from)) && (to.IsZero() || p.Before(to)) {
			out = append(out, p)
		}
	}
	return out
}

// panelPeriod resolves the `period` parameter of a one-period panel
// question: a panel period given as a date, month or quarter, by default
// the latest panel period in [from, to). With no panel period there the
// period is zero: no data is an empty answer, not an error; only a period
// that is named and does not exist is.
func (a *API) panelPeriod(ctx context.Context, q *request, sh shared) (time.Time, []time.Time, error) {
	periods, err := a.panelPeriods(ctx)
	if err != nil {
		return time.Time{}, nil, err
	}
	var p time.Time
	if s := q.raw(ParamPeriod); s != "" {
		if p, err = ParseTime(ParamPeriod, s); err != nil {
			return p, nil, err
		}
		if !slices.ContainsFunc(periods, p.Equal) {
			return p, nil, invalid(ParamPeriod, fmt.Sprintf("%s is not a panel period; see /api/v1/panel/periods", formatTime(p)))
		}
	} else {
		w := inWindow(periods, sh.from, sh.to)
		if len(w) == 0 {
			q.set(ParamPeriod, "")
			return p, periods, nil
		}
		p = w[len(w)-1]
	}
	q.set(ParamPeriod, formatTime(p))
	return p, periods, nil
}

// spanFilter resolves the shared parameters into a span of traffic time
// (bridges): by default the span ending now (to the minute)
// and reaching back def. A `to` in the future is cut to now, so rates do
// not count time that has not happened as idle. This is where a traffic
// question's filter is validated, once (analytics.AskSpan).
func (q *request) spanFilter(sh shared, def time.Duration) (analytics.Span, error) {
	return q.spanUpTo(sh, def, q.now.UTC().Truncate(time.Minute))
}

// eventSpan is spanFilter for lists of things that happened (alert events,
// notifications sent) rather than rates: its end is the end of the current
// minute, so what happened this minute — an alert that fired a second ago —
// is listed, where a rate would count the rest of the minute as idle.
func (q *request) eventSpan(sh shared, def time.Duration) (analytics.Span, error) {
	return q.spanUpTo(sh, def, q.now.UTC().Truncate(time.Minute).Add(time.Minute))
}

// spanUpTo resolves a span that ends at end by default and never later.
func (q *request) spanUpTo(sh shared, def time.Duration, now time.Time) (analytics.Span, error) {
	f := imscope.Filter{From: sh.from, To: sh.to, Networks: sh.networks, Segment: sh.segment}
	if f.To.IsZero() || f.To.After(now) {
		f.To = now
	}
	if f.From.IsZero() {
		f.From = f.To.Add(-def)
	}
	span, err := analytics.AskSpan(f)
	if err != nil {
		return span, invalid(ParamFrom, fmt.Sprintf("from (%s) must be before to (%s), which is never later than now", formatTime(f.From), formatTime(f.To)))
	}
	q.set(ParamFrom, formatTime(f.From))
	q.set(ParamTo, formatTime(f.To))
	return span, nil
}

// Segments lists the segments in the data, for the pages' filters; cached
// like the other data-derived defaults.
func (a *API) Segments(ctx context.Context) ([]string, error) {
	v, _, err := a.extents.Do(ctx, "segments", func(ctx context.Context) (any, error) {
		cache.Reads(ctx, dataUsage, dataPanel)
		return queries.Segments(ctx, a.engine)
	}, nil)
	if err != nil {
		return nil, err
	}
	return v.([]string), nil
}
