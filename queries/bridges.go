package queries

import (
	"context"
	"fmt"
	"time"

	"github.com/imscope/imscope"
)

var (
	sqlBridgeRoutes     = mustSQL("bridge_routes.sql")
	sqlBridgeStatesSpan = mustSQL("bridge_states_span.sql")
)

// BridgeRoutes returns each route's traffic per step over [from, to), TS
// being the step's start; a step of to−from gives one row per route.
func BridgeRoutes(ctx context.Context, e Engine, from, to time.Time, step time.Duration) ([]imscope.BridgeSample, error) {
	secs := uint32(max(step/time.Second, 60))
	rows, err := e.Query(ctx, sqlBridgeRoutes, Named("from", from), Named("to", to), Named("step", secs))
	if err != nil {
		return nil, fmt.Errorf("cannot read bridge traffic: %w", err)
	}
	defer rows.Close()
	var out []imscope.BridgeSample
	for rows.Next() {
		var s imscope.BridgeSample
		if err := rows.Scan(&s.TS, &s.Bridge, &s.FromNetwork, &s.ToNetwork, &s.Messages, &s.Failures, &s.Bytes, &s.Latency, &s.LatencySum); err != nil {
			return nil, fmt.Errorf("cannot read bridge traffic: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// BridgeStateEvent is one up/down observation of a bridge.
type BridgeStateEvent struct {
	TS     time.Time
	Bridge string
	Up     bool
}

// BridgeStatesSpan returns the state events in [from, to) and each bridge's
// last event before from.
func BridgeStatesSpan(ctx context.Context, e Engine, from, to time.Time) ([]BridgeStateEvent, error) {
	rows, err := e.Query(ctx, sqlBridgeStatesSpan, Named("from", from), Named("to", to))
	if err != nil {
		return nil, fmt.Errorf("cannot read bridge states: %w", err)
	}
	defer rows.Close()
	var out []BridgeStateEvent
	for rows.Next() {
		var s BridgeStateEvent
		if err := rows.Scan(&s.TS, &s.Bridge, &s.Up); err != nil {
			return nil, fmt.Errorf("cannot read bridge states: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

var sqlBridgeTrafficStamps = mustSQL("bridge_traffic_stamps.sql")

// TrafficStamp is when a stored traffic row of a bridge is stamped.
type TrafficStamp struct {
	Bridge string
	TS     time.Time
}

// TrafficStamps returns the time stamps of source's traffic rows since since.
func TrafficStamps(ctx context.Context, e Engine, source string, since time.Time) ([]TrafficStamp, error) {
	rows, err := e.Query(ctx, sqlBridgeTrafficStamps, Named("source", source), Named("since", since))
	if err != nil {
		return nil, fmt.Errorf("cannot read the stored traffic of %s: %w", source, err)
	}
	defer rows.Close()
	var out []TrafficStamp
	for rows.Next() {
		var s TrafficStamp
		if err := rows.Scan(&s.Bridge, &s.TS); err != nil {
			return nil, fmt.Errorf("cannot read the stored traffic of %s: %w", source, err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
