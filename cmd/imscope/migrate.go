package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/imscope/imscope/queries"
)

func cmdMigrate(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	var f engineFlags
	f.register(fs)
	remote := serverFlag(fs)
	if err := env.parse("migrate", fs, &f, args); err != nil {
		return err
	}
	// A running server applied every migration when it started; ask it.
	if srv, err := findServer(env, *remote); err != nil || srv != nil {
		if err != nil {
			return err
		}
		return remoteMigrate(ctx, env, srv)
	}
	// openEngine applies what is missing and logs each migration it runs.
	e, err := openEngine(ctx, env.cfg, env.log)
	if err != nil {
		return err
	}
	defer e.Close()
	all, err := queries.LoadMigrations(queries.Schema())
	if err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "schema is up to date (%d migrations, %s engine, database %s)\n", len(all), e.Kind(), env.cfg.Engine.Database)
	return nil
}
