package analytics_test

import (
	"context"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/analytics"
	"github.com/imscope/imscope/queries"
)

// TestAlertRunnerBridgeIncident: a simulated incident on a bridge route fires
// a threshold rule once, it stays firing without new events, and resolves
// once when the failures stop; transitions land in alert_events and a new
// runner (a restart) carries the state on.
func TestAlertRunnerBridgeIncident(t *testing.T) {
	ctx := context.Background()
	for name, e := range engines(t, "alerts_incident") {
		t.Run(name, func(t *testing.T) {
			start := time.Date(2012, 8, 8, 14, 0, 0, 0, time.UTC)
			var traffic []imscope.BridgeSample
			for m := 0; m < 60; m++ {
				failures := uint64(2)
				if m >= 10 && m < 30 { // a 20-minute incident: 40% failures
					failures = 400
				}
				traffic = append(traffic, imscope.BridgeSample{TS: start.Add(time.Duration(m) * time.Minute), Source: "t", Bridge: "fetion-msn", FromNetwork: "fetion", ToNetwork: "msn", Messages: 1000, Failures: failures})
			}
			if err := queries.InsertBridgeSamples(ctx, e, traffic); err != nil {
				t.Fatal(err)
			}
			rule := analytics.Rule{Name: "fetion-msn-failing", Kind: analytics.RuleThreshold, Series: analytics.SeriesBridgeFailureRatio,
				Labels: map[string]string{"bridge": "fetion-msn"}, Op: analytics.OpGT, Threshold: 0.1, For: 5 * time.Minute}
			if err := rule.Validate(); err != nil {
				t.Fatal(err)
			}
			now := start
			clock := func() time.Time { return now }
			r := analytics.NewAlertRunner(e, []analytics.Rule{rule}, analytics.AlertRunnerOptions{Now: clock})
			var fired, resolved int
			for m := 1; m <= 59; m++ {
				now = start.Add(time.Duration(m)*time.Minute + 30*time.Second)
				evs, err := r.Run(ctx)
				if err != nil {
					t.Fatal(err)
				}
				for _, ev := range evs {
					if ev.Firing {
						fired++
						// Fires once the ratio has held for 5 minutes: minute 15.
						if m != 15 {
							t.Errorf("fired at minute %d, want 15", m)
						}
					} else {
						resolved++
						if m != 30 {
							t.Errorf("resolved at minute %d, want 30", m)
						}
					}
				}
				if m == 20 {
					// A restart: a new runner restores "firing" from alert_events.
					r = analytics.NewAlertRunner(e, []analytics.Rule{rule}, analytics.AlertRunnerOptions{Now: clock})
				}
			}
			if fired != 1 || resolved != 1 {
				t.Fatalf("fired %d times, resolved %d times; want once each", fired, resolved)
			}
			evs, err := queries.AlertEvents(ctx, e, start, start.Add(2*time.Hour), 10)
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != 2 || evs[0].Firing || !evs[1].Firing || evs[1].Labels["bridge"] != "fetion-msn" || evs[1].Message == "" || evs[0].Message == "" {
				t.Fatalf("alert_events %+v", evs)
			}
		})
	}
}

func TestAlertRunnerStaleCollector(t *testing.T) {
	ctx := context.Background()
	for name, e := range engines(t, "alerts_stale") {
		t.Run(name, func(t *testing.T) {
			last := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
			if err := queries.InsertCollectorRun(ctx, e, queries.CollectorRun{RunID: "0b2bd07c-49b2-4c8e-9f0a-6e3f1c2d4a5b", Collector: "prosody", Kind: "openmetrics", StartedAt: last, Status: "ok"}); err != nil {
				t.Fatal(err)
			}
			rule := analytics.Rule{Name: "prosody-stale", Kind: analytics.RuleStale, Collector: "prosody", Intervals: 3}
			now := last.Add(2 * time.Minute)
			r := analytics.NewAlertRunner(e, []analytics.Rule{rule}, analytics.AlertRunnerOptions{Now: func() time.Time { return now }, Collectors: map[string]time.Duration{"prosody": time.Minute}})
			if evs, err := r.Run(ctx); err != nil || len(evs) != 0 {
				t.Fatalf("2 minutes after a run with a 1-minute schedule: %v, %v; want nothing", evs, err)
			}
			now = last.Add(4 * time.Minute)
			evs, err := r.Run(ctx)
			if err != nil || len(evs) != 1 || !evs[0].Firing {
				t.Fatalf("4 minutes after the last run (3 intervals allowed): %v, %v; want it firing", evs, err)
			}
			if !r.States()["prosody-stale"].Firing {
				t.Fatal("state is not firing")
			}
		})
	}
}

func TestCheckSeries(t *testing.T) {
	for series, ok := range map[string]bool{"bridge.messages": true, "bridge.failure_ratio": true, "usage.messages": true, "usage.likes": false, "bridge.latency": false} {
		err := analytics.CheckSeries(analytics.Rule{Kind: analytics.RuleThreshold, Series: series})
		if (err == nil) != ok {
			t.Errorf("CheckSeries(%q) = %v", series, err)
		}
	}
}

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
			rep, up, err := analytics.BridgeHealthIn(ctx, e, f, day.AddDate(0, 0, 2))
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
