package alerting_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/imscope/imscope/analytics"
	"github.com/imscope/imscope/dashboard/alerting"
	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/server"
)

// engines is the migrated engine of every kind available: the embedded one
// always, a server too when IMSCOPE_TEST_CLICKHOUSE is set, as in
// analytics' tests (queries/enginetest cannot import queries/server, whose
// own tests import it).
func engines(t *testing.T, db string) map[string]queries.Engine {
	t.Helper()
	out := map[string]queries.Engine{"embedded": engine(t, db)}
	if url := os.Getenv("IMSCOPE_TEST_CLICKHOUSE"); url != "" {
		ctx := context.Background()
		s, err := server.Open(ctx, server.Options{URL: url, Database: db})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_ = s.Exec(context.Background(), "DROP DATABASE IF EXISTS "+queries.QuoteIdentifier(db))
			s.Close()
		})
		if _, err := queries.Migrate(ctx, s, queries.Schema(), nil); err != nil {
			t.Fatal(err)
		}
		out["server"] = s
	}
	return out
}

// TestRunnerBridgeIncident: a simulated incident on a bridge route fires
// a threshold rule once, it stays firing without new events, and resolves
// once when the failures stop; transitions land in alert_events and a new
// runner (a restart) carries the state on.
func TestRunnerBridgeIncident(t *testing.T) {
	ctx := context.Background()
	for name, e := range engines(t, "alerts_incident") {
		t.Run(name, func(t *testing.T) {
			start := incidentStart
			incident(t, e) // a 20-minute incident from minute 10: 40% failures
			rule := failing
			if err := rule.Validate(); err != nil {
				t.Fatal(err)
			}
			now := start
			clock := func() time.Time { return now }
			r := alerting.NewRunner(e, []analytics.Rule{rule}, alerting.RunnerOptions{Now: clock})
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
					r = alerting.NewRunner(e, []analytics.Rule{rule}, alerting.RunnerOptions{Now: clock})
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

func TestRunnerStaleCollector(t *testing.T) {
	ctx := context.Background()
	for name, e := range engines(t, "alerts_stale") {
		t.Run(name, func(t *testing.T) {
			last := time.Date(2026, 11, 24, 10, 0, 0, 0, time.UTC)
			if err := queries.InsertCollectorRun(ctx, e, queries.CollectorRun{RunID: "0b2bd07c-49b2-4c8e-9f0a-6e3f1c2d4a5b", Collector: "prosody", Kind: "openmetrics", StartedAt: last, Status: "ok"}); err != nil {
				t.Fatal(err)
			}
			rule := analytics.Rule{Name: "prosody-stale", Kind: analytics.RuleStale, Collector: "prosody", Intervals: 3}
			now := last.Add(2 * time.Minute)
			r := alerting.NewRunner(e, []analytics.Rule{rule}, alerting.RunnerOptions{Now: func() time.Time { return now }, Collectors: map[string]time.Duration{"prosody": time.Minute}})
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
