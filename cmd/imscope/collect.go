package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
)

// cmdCollect runs the configured collectors (or the named ones) once.
func cmdCollect(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("collect", flag.ContinueOnError)
	var f engineFlags
	f.register(fs)
	remote := serverFlag(fs)
	if err := env.parseArgs("collect", "[NAME...]", fs, &f, args); err != nil {
		return err
	}
	if srv, err := findServer(env, *remote); err != nil || srv != nil {
		if err != nil {
			return err
		}
		srv.announce(env, "collecting")
		return remoteCollect(ctx, env, srv, env.args)
	}
	built, err := buildCollectors(env.cfg, env.getenv, env.log)
	if err != nil {
		return err
	}
	names := env.args
	if len(names) == 0 {
		for _, c := range built.list {
			names = append(names, c.Name)
		}
	}
	if len(names) == 0 {
		return errors.New("no collectors are configured (see `collectors:` in imscope.example.yaml)")
	}
	p, err := openPipeline(ctx, env)
	if err != nil {
		return err
	}
	defer p.Close()
	built.useEngine(p.engine)
	failed := 0
	for _, name := range names {
		c, ok := built.find(name)
		if !ok {
			return fmt.Errorf("no collector named %q in the configuration", name)
		}
		run := p.runner.Run(ctx, c)
		printRun(env.stdout, run)
		if runFailed(run, name) != nil {
			failed++
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d collectors failed", failed, len(names))
	}
	return nil
}
