package simulate

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/queries"
)

// The demo as imscope loads it: the history once, as an ordinary collector
// run recorded in collector_runs (which is how a later start knows it is
// stored), and in `imscope serve --demo` the live traffic on the
// scheduler, resuming after what is stored.

// Names of the demo's runs in collector_runs and on the Collectors page.
const (
	// HistoryCollector loads the history; a successful run of it means the
	// history is stored.
	HistoryCollector = "demo-history"
	// LiveCollector emits the live traffic every minute.
	LiveCollector = "demo-live"
)

// historyTimeout bounds loading the history: seconds on a desktop, minutes
// on a slow disk or a busy server.
const historyTimeout = 30 * time.Minute

// LoadHistory loads the demo history of cfg through r, as a run of
// HistoryCollector. Loading is idempotent: every row is stored once by its
// key, so loading twice stores it once. The error is about cfg; the run's
// own failure is in the Run, as for any collector.
func LoadHistory(ctx context.Context, r *collector.Runner, cfg Config, log *slog.Logger) (collector.Run, error) {
	sim, err := New("demo", cfg, Options{Logger: log})
	if err != nil {
		return collector.Run{}, fmt.Errorf("demo: %w", err)
	}
	return r.Run(ctx, collector.Collector{Name: HistoryCollector, Kind: "simulate", Target: "demo market", Timeout: historyTimeout, Source: historySource{sim}}), nil
}

// historySource adapts the simulator's one-off history to a
// collector.Source, so loading it is an ordinary, recorded run.
type historySource struct{ sim *Source }

func (h historySource) Collect(ctx context.Context, emit collector.Emit) error {
	return h.sim.History(ctx, emit)
}

// HistoryLoaded reports whether the demo history is already stored in e: a
// run of HistoryCollector has succeeded. An engine that cannot say counts
// as not loaded, and loading again stores nothing twice.
func HistoryLoaded(ctx context.Context, e queries.Engine) bool {
	runs, err := queries.LatestCollectorRuns(ctx, e)
	if err != nil {
		return false
	}
	for _, r := range runs {
		if r.Collector == HistoryCollector && !r.LastOK.IsZero() {
			return true
		}
	}
	return false
}

// ResumeFrom makes live traffic continue after the latest minute of this
// source's traffic stored in e (see ResumeAfter).
func (s *Source) ResumeFrom(ctx context.Context, e queries.Engine) error {
	latest, err := queries.LatestBridgeTraffic(ctx, e, s.m.source)
	if err != nil {
		return err
	}
	s.ResumeAfter(latest)
	return nil
}

// ServeDemo puts the live demo on sched (as LiveCollector) and, on the
// first start, loads the history in the background — the server answers
// meanwhile. Live traffic resumes after the latest minute stored (the end
// of the history on a first start), reaching back up to two days, and its
// first run is at once: the Bridges page has recent traffic as soon as it
// opens, and a restart neither repeats nor skips a minute.
func ServeDemo(ctx context.Context, e queries.Engine, r *collector.Runner, sched *collector.Scheduler, log *slog.Logger) error {
	live, err := New("demo", Config{TrafficOnlyLive: true}, Options{Logger: log})
	if err != nil {
		return err
	}
	if err := sched.Add(ctx, collector.Collector{Name: LiveCollector, Kind: "simulate", Target: "demo market", Schedule: "@every 1m", Timeout: time.Minute, Source: live}); err != nil {
		return err
	}
	resume := func() {
		if err := live.ResumeFrom(ctx, e); err != nil {
			log.Warn("live demo starts from now", "err", err)
		}
	}
	loaded := HistoryLoaded(ctx, e)
	if loaded {
		resume()
	}
	go func() {
		if !loaded {
			log.Info("loading the demo market (first start only)")
			// The run logs its own outcome and is recorded in collector_runs.
			if _, err := LoadHistory(ctx, r, Config{}, log); err != nil {
				log.Error("cannot load the demo market", "err", err)
				return
			}
			resume()
		}
		if _, err := sched.RunNow(ctx, LiveCollector); err != nil && ctx.Err() == nil {
			log.Warn("live demo", "err", err)
		}
	}()
	return nil
}
