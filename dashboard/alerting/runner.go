package alerting

import (
	"context"
	"fmt"
	"log/slog"
	"maps"
	"sync"
	"time"

	"github.com/imscope/imscope/analytics"
	"github.com/imscope/imscope/queries"
)

// Runner evaluates alert rules against ClickHouse and records each
// transition in alert_events, where the Notifier finds it. Rule states live
// in memory and are restored from alert_events at the first run, so a
// restart neither re-fires a firing rule nor forgets it. What a rule's
// condition means is analytics.Evaluate's; the runner reads the inputs and
// keeps the states.
type Runner struct {
	engine   queries.Engine
	rules    []analytics.Rule
	interval map[string]time.Duration // collector → schedule interval, for stale rules
	watching time.Time
	now      func() time.Time
	log      *slog.Logger

	mu     sync.Mutex
	states map[string]analytics.AlertState
}

// RunnerOptions configure a Runner.
type RunnerOptions struct {
	// Collectors maps each scheduled collector to its schedule interval.
	Collectors map[string]time.Duration
	Now        func() time.Time
	Logger     *slog.Logger
}

// NewRunner returns a runner for rules (already validated).
func NewRunner(e queries.Engine, rules []analytics.Rule, opts RunnerOptions) *Runner {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	return &Runner{engine: e, rules: rules, interval: opts.Collectors, watching: opts.Now(), now: opts.Now, log: opts.Logger}
}

// Run evaluates every rule once and returns the transitions it recorded. A
// rule whose inputs cannot be read keeps its state; the others still run.
func (r *Runner) Run(ctx context.Context) ([]analytics.AlertEvent, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.states == nil {
		if err := r.restore(ctx); err != nil {
			return nil, err
		}
	}
	now := r.now()
	var events []analytics.AlertEvent
	var stored []queries.AlertEvent
	for _, rule := range r.rules {
		in, err := r.inputs(ctx, rule, now)
		if err != nil {
			r.log.Warn("cannot evaluate alert rule", "rule", rule.Name, "err", err)
			continue
		}
		state, ev, err := analytics.Evaluate(rule, in, r.states[rule.Name], now)
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
func (r *Runner) States() map[string]analytics.AlertState {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]analytics.AlertState, len(r.states))
	maps.Copy(out, r.states)
	return out
}

func (r *Runner) restore(ctx context.Context) error {
	saved, err := queries.AlertStates(ctx, r.engine)
	if err != nil {
		return err
	}
	r.states = map[string]analytics.AlertState{}
	for _, s := range saved {
		r.states[s.Rule] = analytics.AlertState{Firing: s.Firing, Since: s.Since, Value: s.Value}
	}
	return nil
}
