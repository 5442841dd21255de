package analytics

import (
	"context"
	"time"

	"github.com/imscope/imscope/queries"
)

// BridgeHealthReport is health per route and bridge over a span with each
// bridge's uptime beside it.
type BridgeHealthReport struct {
	BridgeReport
	Uptimes []BridgeUptime // by bridge
	// UptimeErr says why Uptimes is missing when the bridge states could
	// not be read. The traffic figures are the answer and uptime a column
	// beside them, so a failure to read the states costs the column, not
	// the answer.
	UptimeErr error
}

// BridgeStatus is one bridge's traffic health beside its uptime.
type BridgeStatus struct {
	BridgeHealth               // zero but Bridge for a bridge that carried nothing
	Uptime       *BridgeUptime // nil for a bridge that reported no state
}

// Statuses lists every bridge with its uptime: the bridges that carried
// traffic, busiest first, then those that reported states but carried
// nothing, by id.
func (r BridgeHealthReport) Statuses() []BridgeStatus {
	up := make(map[string]*BridgeUptime, len(r.Uptimes))
	for i := range r.Uptimes {
		up[r.Uptimes[i].Bridge] = &r.Uptimes[i]
	}
	out := make([]BridgeStatus, 0, len(r.Bridges))
	for _, b := range r.Bridges {
		out = append(out, BridgeStatus{BridgeHealth: b, Uptime: up[b.Bridge]})
		delete(up, b.Bridge)
	}
	for _, u := range r.Uptimes {
		if up[u.Bridge] != nil {
			out = append(out, BridgeStatus{BridgeHealth: BridgeHealth{Bridge: u.Bridge}, Uptime: up[u.Bridge]})
		}
	}
	return out
}

// BridgeHealthIn computes health per route and bridge over s's span, with
// uptime from state events up to now (see BridgeHealthReport for what a
// failure to read the states costs).
func BridgeHealthIn(ctx context.Context, e queries.Engine, s Span, now time.Time) (BridgeHealthReport, error) {
	f := s.f
	traffic, err := queries.BridgeRoutes(ctx, e, f.From, f.To, f.To.Sub(f.From))
	if err != nil {
		return BridgeHealthReport{}, err
	}
	var r BridgeHealthReport
	if r.BridgeReport, err = bridgeHealthOf(f, traffic); err != nil {
		return r, err
	}
	r.Uptimes, r.UptimeErr = uptimesIn(ctx, e, s, now)
	return r, nil
}

// uptimesIn computes each bridge's uptime over s's span from its state events.
func uptimesIn(ctx context.Context, e queries.Engine, s Span, now time.Time) ([]BridgeUptime, error) {
	states, err := queries.BridgeStatesSpan(ctx, e, s.f.From, s.f.To)
	if err != nil {
		return nil, err
	}
	events := make([]StateEvent, len(states))
	for i, st := range states {
		events[i] = StateEvent{TS: st.TS, Bridge: st.Bridge, Up: st.Up}
	}
	return bridgeUptimes(s.f, events, now)
}

// BridgeSeries is each route's health per step of s's span, for charts
// (see BridgeSteps). step must be positive.
func BridgeSeries(ctx context.Context, e queries.Engine, s Span, step time.Duration) ([]BridgeStep, error) {
	samples, err := queries.BridgeRoutes(ctx, e, s.f.From, s.f.To, step)
	if err != nil {
		return nil, err
	}
	return bridgeSteps(s.f, step, samples)
}
