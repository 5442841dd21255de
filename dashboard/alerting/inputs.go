package alerting

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/analytics"
	"github.com/imscope/imscope/queries"
)

// inputs reads what rule needs from ClickHouse.
func (r *Runner) inputs(ctx context.Context, rule analytics.Rule, now time.Time) (analytics.AlertInputs, error) {
	_, usage := analytics.UsageSeries(rule.Series)
	switch rule.Kind {
	case analytics.RuleThreshold:
		back := rule.For + 10*time.Minute
		if usage {
			back = rule.For + 48*time.Hour
		}
		pts, err := r.series(ctx, rule, now.Add(-back), now.Add(time.Minute))
		if err != nil {
			return analytics.AlertInputs{}, err
		}
		in := analytics.AlertInputs{Series: make([]analytics.Point, len(pts))}
		for i, p := range pts {
			in.Series[i] = analytics.Point(p)
		}
		return in, nil
	case analytics.RuleWeekOverWeek:
		// The latest complete hour (day for usage series) against the same
		// hour a week earlier.
		step := time.Hour
		if usage {
			step = 24 * time.Hour
		}
		end := now.Truncate(step)
		cur, err := r.total(ctx, rule, end.Add(-step), end)
		if err != nil {
			return analytics.AlertInputs{}, err
		}
		week, err := r.total(ctx, rule, end.Add(-step-7*24*time.Hour), end.Add(-7*24*time.Hour))
		if err != nil {
			return analytics.AlertInputs{}, err
		}
		return analytics.AlertInputs{Current: cur, LastWeek: week}, nil
	case analytics.RuleStale:
		return r.staleness(ctx, rule)
	case analytics.RuleShareShift:
		return r.shareShift(ctx, rule, now)
	}
	return analytics.AlertInputs{}, fmt.Errorf("unknown rule kind %q", rule.Kind)
}

// series fetches the points of the rule's series in [from, to).
func (r *Runner) series(ctx context.Context, rule analytics.Rule, from, to time.Time) ([]queries.SeriesPoint, error) {
	l := rule.Labels
	if metric, ok := analytics.UsageSeries(rule.Series); ok {
		m, err := imscope.LookupMetric(metric)
		if err != nil {
			return nil, err
		}
		return queries.UsageSeries(ctx, r.engine, metric, string(m.Agg), l["segment"], l["network"], from, to)
	}
	return queries.BridgeSeries(ctx, r.engine, strings.TrimPrefix(rule.Series, "bridge."), l["bridge"], l["from_network"], l["to_network"], from, to)
}

// total sums a series over [from, to); for the failure ratio it is the
// ratio of the summed failures to the summed messages. nil: no data.
func (r *Runner) total(ctx context.Context, rule analytics.Rule, from, to time.Time) (*float64, error) {
	if rule.Series == analytics.SeriesBridgeFailureRatio {
		msgs, err := r.total(ctx, analytics.Rule{Series: analytics.SeriesBridgeMessages, Labels: rule.Labels}, from, to)
		if err != nil || msgs == nil || *msgs == 0 {
			return nil, err
		}
		fails, err := r.total(ctx, analytics.Rule{Series: analytics.SeriesBridgeFailures, Labels: rule.Labels}, from, to)
		if err != nil || fails == nil {
			return nil, err
		}
		v := *fails / *msgs
		return &v, nil
	}
	pts, err := r.series(ctx, rule, from, to)
	if err != nil || len(pts) == 0 {
		return nil, err
	}
	var sum float64
	for _, p := range pts {
		sum += p.Value
	}
	return &sum, nil
}

// staleness reads when the rule's collector last succeeded.
func (r *Runner) staleness(ctx context.Context, rule analytics.Rule) (analytics.AlertInputs, error) {
	runs, err := queries.LatestCollectorRuns(ctx, r.engine)
	if err != nil {
		return analytics.AlertInputs{}, err
	}
	in := analytics.AlertInputs{Watching: r.watching, Interval: r.interval[rule.Collector]}
	if in.Interval == 0 {
		return analytics.AlertInputs{}, fmt.Errorf("collector %q is not scheduled", rule.Collector)
	}
	for _, run := range runs {
		if run.Collector == rule.Collector {
			in.LastSuccess = run.LastOK
		}
	}
	return in, nil
}

// shareShift reads the network's share in the last two complete periods
// (labels: metric, default active_users_30d; granularity, default month).
// The labels enter here, so the question is validated here.
func (r *Runner) shareShift(ctx context.Context, rule analytics.Rule, now time.Time) (analytics.AlertInputs, error) {
	metric, g := rule.Labels["metric"], imscope.Granularity(rule.Labels["granularity"])
	if metric == "" {
		metric = "active_users_30d"
	}
	if g == "" {
		g = imscope.Month
	}
	end := g.Start(now)
	prev := g.Start(end.Add(-time.Nanosecond))
	before := g.Start(prev.Add(-time.Nanosecond))
	q, err := analytics.Ask(imscope.Filter{From: before, To: end, Granularity: g, Metric: metric, Segment: rule.Labels["segment"]})
	if err != nil {
		return analytics.AlertInputs{}, err
	}
	rep, err := analytics.MarketShare(ctx, r.engine, q, 0)
	if err != nil {
		return analytics.AlertInputs{}, err
	}
	var in analytics.AlertInputs
	for _, p := range rep.Periods {
		for _, s := range p.Shares {
			if s.Network != rule.Network {
				continue
			}
			v := s.Share
			switch {
			case p.Period.Equal(before):
				in.ShareBefore = &v
			case p.Period.Equal(prev):
				in.ShareAfter = &v
			}
		}
	}
	return in, nil
}
