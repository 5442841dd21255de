package analytics

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/queries"
)

// Series a rule can watch. Bridge series are per minute from the traffic
// rollup, narrowed by the labels bridge, from_network and to_network; usage
// series are per day from the usage rollup, narrowed by network and segment,
// with the metric's own aggregation.
const (
	SeriesBridgeMessages     = "bridge.messages"
	SeriesBridgeFailures     = "bridge.failures"
	SeriesBridgeFailureRatio = "bridge.failure_ratio"
	seriesUsagePrefix        = "usage."
)

// CheckSeries validates a rule's series name against what the runner can fetch.
func CheckSeries(r Rule) error {
	switch r.Kind {
	case RuleThreshold, RuleWeekOverWeek:
	default:
		return nil
	}
	switch {
	case r.Series == SeriesBridgeMessages, r.Series == SeriesBridgeFailures, r.Series == SeriesBridgeFailureRatio:
		return nil
	case strings.HasPrefix(r.Series, seriesUsagePrefix):
		if _, err := imscope.LookupMetric(strings.TrimPrefix(r.Series, seriesUsagePrefix)); err != nil {
			return invalid("series", "%q: %s is not in the metric catalog", r.Series, strings.TrimPrefix(r.Series, seriesUsagePrefix))
		}
		return nil
	}
	return invalid("series", "%q is not one of %s, %s, %s or usage.METRIC", r.Series, SeriesBridgeMessages, SeriesBridgeFailures, SeriesBridgeFailureRatio)
}

// AlertRunner evaluates alert rules against ClickHouse and records each
// transition in alert_events. Rule states live in memory and are restored
// from alert_events at the first run, so a restart neither re-fires a firing
// rule nor forgets it.
type AlertRunner struct {
	engine   queries.Engine
	rules    []Rule
	interval map[string]time.Duration // collector → schedule interval, for stale rules
	watching time.Time
	now      func() time.Time
	log      *slog.Logger

	mu     sync.Mutex
	states map[string]AlertState
}

// AlertRunnerOptions configure an AlertRunner.
type AlertRunnerOptions struct {
	// Collectors maps each scheduled collector to its schedule interval.
	Collectors map[string]time.Duration
	Now        func() time.Time
	Logger     *slog.Logger
}

// NewAlertRunner returns a runner for rules (already validated).
func NewAlertRunner(e queries.Engine, rules []Rule, opts AlertRunnerOptions) *AlertRunner {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &AlertRunner{engine: e, rules: rules, interval: opts.Collectors, watching: opts.Now(), now: opts.Now, log: opts.Logger}
}

// Run evaluates every rule once and returns the transitions it recorded. A
// rule whose inputs cannot be read keeps its state; the others still run.
func (r *AlertRunner) Run(ctx context.Context) ([]AlertEvent, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.states == nil {
		if err := r.restore(ctx); err != nil {
			return nil, err
		}
	}
	now := r.now()
	var events []AlertEvent
	var stored []queries.AlertEvent
	for _, rule := range r.rules {
		in, err := r.inputs(ctx, rule, now)
		if err != nil {
			r.log.Warn("cannot evaluate alert rule", "rule", rule.Name, "err", err)
			continue
		}
		state, ev, err := Evaluate(rule, in, r.states[rule.Name], now)
		if err != nil {
			r.log.Warn("cannot evaluate alert rule", "rule", rule.Name, "err", err)
			continue
		}
		r.states[rule.Name] = state
		if ev == nil {
			continue
		}
		events = append(events, *ev)
		stored = append(stored, queries.AlertEvent{TS: ev.At, Rule: ev.Rule, Kind: string(ev.Kind), Firing: ev.Firing, Value: ev.Value, Message: ev.Message, Labels: rule.Labels})
		r.log.Info("alert", "rule", ev.Rule, "firing", ev.Firing, "message", ev.Message)
	}
	if err := queries.InsertAlertEvents(ctx, r.engine, stored); err != nil {
		return events, fmt.Errorf("cannot record alert transitions: %w", err)
	}
	return events, nil
}

// States returns each rule's current state, for pages and reports.
func (r *AlertRunner) States() map[string]AlertState {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]AlertState, len(r.states))
	for k, v := range r.states {
		out[k] = v
	}
	return out
}

func (r *AlertRunner) restore(ctx context.Context) error {
	saved, err := queries.AlertStates(ctx, r.engine)
	if err != nil {
		return err
	}
	r.states = map[string]AlertState{}
	for _, s := range saved {
		r.states[s.Rule] = AlertState{Firing: s.Firing, Since: s.Since, Value: s.Value}
	}
	return nil
}

// inputs reads what rule needs from ClickHouse.
func (r *AlertRunner) inputs(ctx context.Context, rule Rule, now time.Time) (AlertInputs, error) {
	switch rule.Kind {
	case RuleThreshold:
		back := rule.For + 10*time.Minute
		if strings.HasPrefix(rule.Series, seriesUsagePrefix) {
			back = rule.For + 48*time.Hour
		}
		pts, err := r.series(ctx, rule, now.Add(-back), now.Add(time.Minute))
		if err != nil {
			return AlertInputs{}, err
		}
		in := AlertInputs{Series: make([]Point, len(pts))}
		for i, p := range pts {
			in.Series[i] = Point(p)
		}
		return in, nil
	case RuleWeekOverWeek:
		// The latest complete hour (day for usage series) against the same
		// hour a week earlier.
		step := time.Hour
		if strings.HasPrefix(rule.Series, seriesUsagePrefix) {
			step = 24 * time.Hour
		}
		end := now.Truncate(step)
		cur, err := r.total(ctx, rule, end.Add(-step), end)
		if err != nil {
			return AlertInputs{}, err
		}
		week, err := r.total(ctx, rule, end.Add(-step-7*24*time.Hour), end.Add(-7*24*time.Hour))
		if err != nil {
			return AlertInputs{}, err
		}
		return AlertInputs{Current: cur, LastWeek: week}, nil
	case RuleStale:
		runs, err := queries.LatestCollectorRuns(ctx, r.engine)
		if err != nil {
			return AlertInputs{}, err
		}
		in := AlertInputs{Watching: r.watching, Interval: r.interval[rule.Collector]}
		if in.Interval == 0 {
			return AlertInputs{}, fmt.Errorf("collector %q is not scheduled", rule.Collector)
		}
		for _, run := range runs {
			if run.Collector == rule.Collector {
				in.LastSuccess = run.LastOK
			}
		}
		return in, nil
	case RuleShareShift:
		return r.shareShift(ctx, rule, now)
	}
	return AlertInputs{}, fmt.Errorf("unknown rule kind %q", rule.Kind)
}

func (r *AlertRunner) series(ctx context.Context, rule Rule, from, to time.Time) ([]queries.SeriesPoint, error) {
	l := rule.Labels
	if metric, ok := strings.CutPrefix(rule.Series, seriesUsagePrefix); ok {
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
func (r *AlertRunner) total(ctx context.Context, rule Rule, from, to time.Time) (*float64, error) {
	if rule.Series == SeriesBridgeFailureRatio {
		msgs, err := r.total(ctx, Rule{Series: SeriesBridgeMessages, Labels: rule.Labels}, from, to)
		if err != nil || msgs == nil || *msgs == 0 {
			return nil, err
		}
		fails, err := r.total(ctx, Rule{Series: SeriesBridgeFailures, Labels: rule.Labels}, from, to)
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

// shareShift reads the network's share in the last two complete periods
// (labels: metric, default active_users_30d; granularity, default month).
func (r *AlertRunner) shareShift(ctx context.Context, rule Rule, now time.Time) (AlertInputs, error) {
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
	rep, err := MarketShare(ctx, r.engine, imscope.Filter{From: before, To: end, Granularity: g, Metric: metric, Segment: rule.Labels["segment"]}, 0)
	if err != nil {
		return AlertInputs{}, err
	}
	var in AlertInputs
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
