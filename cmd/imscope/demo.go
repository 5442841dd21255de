package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"time"

	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/collector/simulate"
	"github.com/imscope/imscope/queries"
)

// cmdDemo loads the simulated demo market. Loading is idempotent: every row
// is stored once by its key, so running it twice stores it once.
func cmdDemo(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	var f engineFlags
	f.register(fs)
	seed := fs.Int64("seed", 1, "simulation seed: the same seed gives the same market")
	users := fs.Int("panel-users", 0, "panel size (default 200,000)")
	if err := env.parse("demo", fs, &f, args); err != nil {
		return err
	}
	p, err := openPipeline(ctx, env)
	if err != nil {
		return err
	}
	defer p.Close()
	cfg := simulate.Config{Seed: *seed, PanelUsers: *users}
	run, err := loadDemo(ctx, p, cfg, env.log)
	if err != nil {
		return err
	}
	printRun(env.stdout, run)
	if run.Status == "error" {
		return fmt.Errorf("demo load failed")
	}
	return nil
}

// demoHistory adapts the simulator's one-off history to a collector.Source,
// so loading it is an ordinary, recorded run.
type demoHistory struct{ sim *simulate.Source }

func (d demoHistory) Collect(ctx context.Context, emit collector.Emit) error {
	return d.sim.History(ctx, emit)
}

func loadDemo(ctx context.Context, p *pipeline, cfg simulate.Config, log *slog.Logger) (collector.Run, error) {
	sim, err := simulate.New("demo", cfg, simulate.Options{Logger: log})
	if err != nil {
		return collector.Run{}, fmt.Errorf("demo: %w", err)
	}
	return p.runner.Run(ctx, collector.Collector{Name: "demo-history", Kind: "simulate", Target: "demo market", Timeout: 30 * time.Minute, Source: demoHistory{sim}}), nil
}

// demoLoaded reports whether the demo history is already in the database.
func demoLoaded(ctx context.Context, e queries.Engine) bool {
	runs, err := queries.LatestCollectorRuns(ctx, e)
	if err != nil {
		return false
	}
	for _, r := range runs {
		if r.Collector == "demo-history" && !r.LastOK.IsZero() {
			return true
		}
	}
	return false
}
