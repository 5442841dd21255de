package analytics_test

import (
	"context"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/analytics"
	"github.com/imscope/imscope/queries"
)

// TestBridgeHealthIn: traffic and uptime through the engine, with the state
// before the range carried into it.
func TestBridgeHealthIn(t *testing.T) {
	ctx := context.Background()
	for name, e := range engines(t, "bridge_health") {
		t.Run(name, func(t *testing.T) {
			day := time.Date(2012, 7, 1, 0, 0, 0, 0, time.UTC)
			var traffic []imscope.BridgeSample
			for h := 0; h < 24; h++ {
				traffic = append(traffic, imscope.BridgeSample{TS: day.Add(time.Duration(h) * time.Hour), Source: "t", Bridge: "fetion-msn", FromNetwork: "fetion", ToNetwork: "msn", Messages: 100, Failures: 1, Latency: map[uint64]uint64{50000: 100}})
			}
			states := []imscope.BridgeState{
				{TS: day.Add(-time.Hour), Source: "t", Bridge: "fetion-msn", State: "CONNECTED", Up: true},
				{TS: day.Add(6 * time.Hour), Source: "t", Bridge: "fetion-msn", State: "TRANSIENT_DISCONNECT"},
				{TS: day.Add(12 * time.Hour), Source: "t", Bridge: "fetion-msn", State: "CONNECTED", Up: true},
			}
			if err := queries.InsertBridgeSamples(ctx, e, traffic); err != nil {
				t.Fatal(err)
			}
			if err := queries.InsertBridgeStates(ctx, e, states); err != nil {
				t.Fatal(err)
			}
			// A step as long as the range gives one row per route, wherever the range starts.
			if rows, err := queries.BridgeRoutes(ctx, e, day, day.AddDate(0, 0, 92), 92*24*time.Hour); err != nil || len(rows) != 1 {
				t.Fatalf("a quarter in one step: %d rows, %v", len(rows), err)
			}
			f := imscope.Filter{From: day, To: day.AddDate(0, 0, 1), Granularity: imscope.Day, Metric: "messages"}
			rep, up, err := bridgeHealthIn(ctx, e, f, day.AddDate(0, 0, 2))
			if err != nil {
				t.Fatal(err)
			}
			if len(rep.Routes) != 1 || rep.Routes[0].Messages != 2400 {
				t.Fatalf("routes %+v", rep.Routes)
			}
			// Up from 00:00 (the state before the range) to 06:00 and from 12:00 to 24:00: 18 of 24 hours.
			if len(up) != 1 || up[0].Uptime == nil || *up[0].Uptime != 0.75 {
				t.Fatalf("uptime %+v", up)
			}
		})
	}
}

// bridgeHealthIn asks analytics.BridgeHealthIn for f's span; an uptime that
// could not be computed is an error here.
func bridgeHealthIn(ctx context.Context, e queries.Engine, f imscope.Filter, now time.Time) (analytics.BridgeReport, []analytics.BridgeUptime, error) {
	s, err := analytics.AskSpan(f)
	if err != nil {
		return analytics.BridgeReport{}, nil, err
	}
	r, err := analytics.BridgeHealthIn(ctx, e, s, now)
	if err == nil {
		err = r.UptimeErr
	}
	return r.BridgeReport, r.Uptimes, err
}
