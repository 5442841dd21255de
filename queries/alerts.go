package queries

import (
	"context"
	"fmt"
	"time"
)

var (
	sqlAlertStates       = mustSQL("alert_states.sql")
	sqlAlertEventsRecent = mustSQL("alert_events_recent.sql")
	sqlSeriesBridge      = mustSQL("series_bridge.sql")
	sqlSeriesUsage       = mustSQL("series_usage.sql")
)

// AlertEvent is one alert transition as stored.
type AlertEvent struct {
	TS      time.Time
	Rule    string
	Kind    string
	Firing  bool
	Value   float64
	Message string
	Labels  map[string]string
}

// InsertAlertEvents records transitions.
func InsertAlertEvents(ctx context.Context, e Engine, ev []AlertEvent) error {
	cols := []string{"ts", "rule", "kind", "firing", "value", "message", "labels"}
	return send(ctx, e, "alert_events", cols, len(ev), func(dst []any, i int) []any {
		a := ev[i]
		labels := a.Labels
		if labels == nil {
			labels = map[string]string{}
		}
		return append(dst, a.TS, a.Rule, a.Kind, a.Firing, a.Value, a.Message, labels)
	})
}

// AlertState is a rule's latest transition.
type AlertState struct {
	Rule   string
	Firing bool
	Since  time.Time
	Value  float64
}

// AlertStates returns each rule's latest transition.
func AlertStates(ctx context.Context, e Engine) ([]AlertState, error) {
	rows, err := e.Query(ctx, sqlAlertStates)
	if err != nil {
		return nil, fmt.Errorf("cannot read alert states: %w", err)
	}
	defer rows.Close()
	var out []AlertState
	for rows.Next() {
		var s AlertState
		if err := rows.Scan(&s.Rule, &s.Firing, &s.Since, &s.Value); err != nil {
			return nil, fmt.Errorf("cannot read alert states: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// AlertEvents returns transitions in [from, to), newest first, at most limit.
func AlertEvents(ctx context.Context, e Engine, from, to time.Time, limit int) ([]AlertEvent, error) {
	rows, err := e.Query(ctx, sqlAlertEventsRecent, Named("from", from), Named("to", to), Named("limit", uint32(limit)))
	if err != nil {
		return nil, fmt.Errorf("cannot read alert events: %w", err)
	}
	defer rows.Close()
	var out []AlertEvent
	for rows.Next() {
		var a AlertEvent
		if err := rows.Scan(&a.TS, &a.Rule, &a.Kind, &a.Firing, &a.Value, &a.Message, &a.Labels); err != nil {
			return nil, fmt.Errorf("cannot read alert events: %w", err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// SeriesPoint is one value of a watched series.
type SeriesPoint struct {
	TS    time.Time
	Value float64
}

// BridgeSeries returns messages, failures or failure_ratio per minute over
// the routes selected by bridge, from and to ("" for any).
func BridgeSeries(ctx context.Context, e Engine, series, bridge, from, to string, start, end time.Time) ([]SeriesPoint, error) {
	return readSeries(ctx, e, sqlSeriesBridge, Named("series", series), Named("bridge", bridge), Named("from_network", from), Named("to_network", to), Named("from", start), Named("to", end))
}

// UsageSeries returns a usage metric per day (aggregated by agg) over the
// networks selected by network ("" for all).
func UsageSeries(ctx context.Context, e Engine, metric, agg, segment, network string, start, end time.Time) ([]SeriesPoint, error) {
	return readSeries(ctx, e, sqlSeriesUsage, Named("metric", metric), Named("agg", agg), Named("segment", segment), Named("network", network), Named("from", start), Named("to", end))
}

func readSeries(ctx context.Context, e Engine, query string, params ...Param) ([]SeriesPoint, error) {
	rows, err := e.Query(ctx, query, params...)
	if err != nil {
		return nil, fmt.Errorf("cannot read series: %w", err)
	}
	defer rows.Close()
	var out []SeriesPoint
	for rows.Next() {
		var p SeriesPoint
		if err := rows.Scan(&p.TS, &p.Value); err != nil {
			return nil, fmt.Errorf("cannot read series: %w", err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}
