package analytics

import (
	"cmp"
	"slices"
	"time"

	"github.com/imscope/imscope"
)

// Traffic is the health of some interop traffic over a span: one route, or
// every route of a bridge.
type Traffic struct {
	// Messages are the messages the route(s) tried to carry — delivered or
	// not; Failures those that were not delivered. Collectors count a
	// failed message in both.
	Messages, Failures, Bytes uint64
	// Rate = Messages / span in seconds: messages per second over the whole
	// span, idle time included.
	Rate float64
	// FailureRatio = Failures / Messages, 0–1; nil when there were no messages.
	FailureRatio *float64
	// TrafficShare = Messages / messages of every route in the span × 100;
	// nil when no route carried anything.
	TrafficShare *float64
	// Latency is the merged histogram of every interval; P50, P95 and P99
	// are read from it (Histogram.Quantile), nil without observations.
	Latency       Histogram
	P50, P95, P99 *LatencyQuantile
	// MeanLatency = Σ latency_sum / observations, in microseconds; nil
	// without observations.
	MeanLatency *float64
	// Intervals is the number of samples merged.
	Intervals int
}

// RouteHealth is the health of one route: one bridge carrying messages from
// one network to another.
type RouteHealth struct {
	Bridge, From, To string
	Traffic
}

// BridgeHealth is the health of one bridge, all its routes merged.
type BridgeHealth struct {
	Bridge string
	Routes int
	Traffic
}

// BridgeReport is the bridges page for one span.
type BridgeReport struct {
	From, To time.Time
	Seconds  float64        // the span, To − From
	Messages uint64         // every route's messages in the span
	Routes   []RouteHealth  // busiest first (messages, then bridge, from, to)
	Bridges  []BridgeHealth // busiest first
}

// trafficAcc accumulates samples before the ratios are taken.
type trafficAcc struct {
	messages, failures, bytes uint64
	latency                   Histogram
	latencySum                float64
	intervals                 int
}

func (a *trafficAcc) add(s imscope.BridgeSample) {
	a.messages += s.Messages
	a.failures += s.Failures
	a.bytes += s.Bytes
	a.latency.Add(s.Latency)
	a.latencySum += s.LatencySum
	a.intervals++
}

func (a *trafficAcc) traffic(seconds float64, all uint64) Traffic {
	t := Traffic{Messages: a.messages, Failures: a.failures, Bytes: a.bytes,
		Rate: float64(a.messages) / seconds, Latency: a.latency, Intervals: a.intervals}
	if a.messages > 0 {
		t.FailureRatio = ptr(float64(a.failures) / float64(a.messages))
	}
	if all > 0 {
		t.TrafficShare = ptr(float64(a.messages) / float64(all) * 100)
	}
	// q is always valid here, so the errors are nil.
	t.P50, _ = a.latency.Quantile(0.50)
	t.P95, _ = a.latency.Quantile(0.95)
	t.P99, _ = a.latency.Quantile(0.99)
	if n := a.latency.Count(); n > 0 {
		t.MeanLatency = ptr(a.latencySum / float64(n) * 1e6)
	}
	return t
}

// BridgeHealthOf merges the bridge_traffic samples in f's span [From, To)
// per route and per bridge:
//
//	rate          = Σ messages / (To − From in seconds)
//	failure ratio = Σ failures / Σ messages   (messages include the failed)
//	traffic share = Σ messages of the route / Σ messages of all routes × 100
//	p50/p95/p99   = Histogram.Quantile of the bucket-wise sum of every
//	                interval's histogram (never an average of quantiles)
//
// Samples outside the span are ignored. When f.Networks is set only routes
// touching a selected network (either end) are listed, but traffic shares
// stay shares of all interop traffic. Pass a span that ends no later than
// now, or the rate counts the future as idle time.
func BridgeHealthOf(f imscope.Filter, samples []imscope.BridgeSample) (BridgeReport, error) {
	if err := checkSpan(f); err != nil {
		return BridgeReport{}, err
	}
	return bridgeHealthOf(f, samples)
}

// bridgeHealthOf is BridgeHealthOf for a span validated where it entered.
func bridgeHealthOf(f imscope.Filter, samples []imscope.BridgeSample) (BridgeReport, error) {
	type route struct{ bridge, from, to string }
	routes := map[route]*trafficAcc{}
	bridges := map[string]*trafficAcc{}
	bridgeRoutes := map[string]int{}
	sel := newSelection(f.Networks)
	var all uint64
	for i, s := range samples {
		if s.Bridge == "" || s.FromNetwork == "" || s.ToNetwork == "" {
			return BridgeReport{}, invalid("bridge", "sample %d: bridge, from and to networks are required", i)
		}
		if s.Failures > s.Messages {
			return BridgeReport{}, invalid("failures", "sample %d (%s %s→%s at %s): %d failures of %d messages; messages must count failed ones too",
				i, s.Bridge, s.FromNetwork, s.ToNetwork, s.TS.Format(time.RFC3339), s.Failures, s.Messages)
		}
		if !finite(s.LatencySum) || s.LatencySum < 0 {
			return BridgeReport{}, invalid("latency_sum", "sample %d: %v is not a finite non-negative number of seconds", i, s.LatencySum)
		}
		if !inRange(f, s.TS) {
			continue
		}
		all += s.Messages
		if sel != nil && sel.fold(s.FromNetwork) == OtherNetwork && sel.fold(s.ToNetwork) == OtherNetwork {
			continue
		}
		k := route{s.Bridge, s.FromNetwork, s.ToNetwork}
		if routes[k] == nil {
			routes[k] = &trafficAcc{latency: Histogram{}}
			bridgeRoutes[s.Bridge]++
		}
		routes[k].add(s)
		if bridges[s.Bridge] == nil {
			bridges[s.Bridge] = &trafficAcc{latency: Histogram{}}
		}
		bridges[s.Bridge].add(s)
	}
	r := BridgeReport{From: f.From, To: f.To, Seconds: f.To.Sub(f.From).Seconds(), Messages: all}
	for k, a := range routes {
		r.Routes = append(r.Routes, RouteHealth{Bridge: k.bridge, From: k.from, To: k.to, Traffic: a.traffic(r.Seconds, all)})
	}
	for b, a := range bridges {
		r.Bridges = append(r.Bridges, BridgeHealth{Bridge: b, Routes: bridgeRoutes[b], Traffic: a.traffic(r.Seconds, all)})
	}
	slices.SortFunc(r.Routes, func(a, b RouteHealth) int {
		if c := cmp.Compare(b.Messages, a.Messages); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Bridge, b.Bridge); c != 0 {
			return c
		}
		if c := cmp.Compare(a.From, b.From); c != 0 {
			return c
		}
		return cmp.Compare(a.To, b.To)
	})
	slices.SortFunc(r.Bridges, func(a, b BridgeHealth) int {
		if c := cmp.Compare(b.Messages, a.Messages); c != 0 {
			return c
		}
		return cmp.Compare(a.Bridge, b.Bridge)
	})
	return r, nil
}

// Busiest returns the n busiest routes (all of them when n ≤ 0 or fewer exist).
func (r BridgeReport) Busiest(n int) []RouteHealth {
	if n <= 0 || n >= len(r.Routes) {
		return r.Routes
	}
	return r.Routes[:n]
}

// ActiveLinks are the network pairs with at least one delivered message
// (Messages > Failures) on some route of the report: the interconnections
// that actually worked in the span, for InterconnectionDividend.
func (r BridgeReport) ActiveLinks() []Link {
	var links []Link
	for _, rt := range r.Routes {
		if rt.Messages > rt.Failures && rt.From != rt.To {
			links = append(links, Link{A: rt.From, B: rt.To})
		}
	}
	return UnionLinks(links)
}

// StateEvent is a bridge state change: a row of bridge_states.
type StateEvent struct {
	TS     time.Time
	Bridge string
	Up     bool
}

// BridgeUptime is how long a bridge was up over a span.
type BridgeUptime struct {
	Bridge string
	// Up, Down and Unknown partition the span [From, min(To, now)). Time
	// before the bridge's first event is Unknown.
	Up, Down, Unknown time.Duration
	// Uptime = Up / (Up + Down), 0–1: the fraction of the time whose state
	// is known that the bridge was up; nil when no state is known.
	Uptime *float64
	// Coverage = (Up + Down) / span, 0–1: how much of the span the events
	// cover. Pass each bridge's last event before From to make it 1.
	Coverage float64
	// Changes counts the transitions inside the span.
	Changes int
}

// BridgeUptimes computes each bridge's uptime over f's span from its state
// events: the state at time t is that of the last event at or before t, so
//
//	Up = Σ lengths of the stretches whose last event was up
//	Uptime = Up / (Up + Down)
//
// The span ends at now if now is before f.To (the future is not downtime).
// Events after the span are ignored; events before it only set the state
// at its start. Events at the same instant apply in input order.
func BridgeUptimes(f imscope.Filter, events []StateEvent, now time.Time) ([]BridgeUptime, error) {
	if err := checkSpan(f); err != nil {
		return nil, err
	}
	return bridgeUptimes(f, events, now)
}

// bridgeUptimes is BridgeUptimes for a span validated where it entered.
func bridgeUptimes(f imscope.Filter, events []StateEvent, now time.Time) ([]BridgeUptime, error) {
	end := f.To
	if now.Before(end) {
		end = now
	}
	byBridge := map[string][]StateEvent{}
	for i, e := range events {
		if e.Bridge == "" {
			return nil, invalid("bridge", "event %d: empty bridge", i)
		}
		byBridge[e.Bridge] = append(byBridge[e.Bridge], e)
	}
	var out []BridgeUptime
	for b, evs := range byBridge {
		slices.SortStableFunc(evs, func(x, y StateEvent) int { return x.TS.Compare(y.TS) })
		u := BridgeUptime{Bridge: b}
		known, up := false, false
		at := f.From
		advance := func(to time.Time) {
			if !to.After(at) {
				return
			}
			d := to.Sub(at)
			switch {
			case !known:
				u.Unknown += d
			case up:
				u.Up += d
			default:
				u.Down += d
			}
			at = to
		}
		for _, e := range evs {
			if !e.TS.Before(end) {
				break
			}
			advance(e.TS)
			if known && up != e.Up && e.TS.After(f.From) {
				u.Changes++
			}
			known, up = true, e.Up
		}
		advance(end)
		if span := u.Up + u.Down + u.Unknown; span > 0 {
			u.Coverage = float64(u.Up+u.Down) / float64(span)
		}
		if u.Up+u.Down > 0 {
			u.Uptime = ptr(float64(u.Up) / float64(u.Up+u.Down))
		}
		out = append(out, u)
	}
	slices.SortFunc(out, func(a, b BridgeUptime) int { return cmp.Compare(a.Bridge, b.Bridge) })
	return out, nil
}
