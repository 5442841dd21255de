package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/imscope/imscope/collector/simulate"
)

// cmdDemo loads the simulated demo market (simulate.LoadHistory: loading
// twice stores it once).
func cmdDemo(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("demo", flag.ContinueOnError)
	var f engineFlags
	f.register(fs)
	seed := fs.Int64("seed", 1, "simulation seed: the same seed gives the same market")
	users := fs.Int("panel-users", 0, "panel size (default 200,000)")
	remote := serverFlag(fs)
	if err := env.parse("demo", fs, &f, args); err != nil {
		return err
	}
	if srv, err := findServer(env, *remote); err != nil || srv != nil {
		if err != nil {
			return err
		}
		srv.announce(env, "loading the demo market")
		return remoteDemo(ctx, env, srv, *seed, *users)
	}
	p, err := openPipeline(ctx, env)
	if err != nil {
		return err
	}
	defer p.Close()
	cfg := simulate.Config{Seed: *seed, PanelUsers: *users}
	run, err := simulate.LoadHistory(ctx, p.runner, cfg, env.log)
	if err != nil {
		return err
	}
	printRun(env.stdout, run)
	if run.Status == "error" {
		return fmt.Errorf("demo load failed")
	}
	return nil
}
