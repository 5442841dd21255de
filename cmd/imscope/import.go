package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"time"

	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/collector/csvimport"
)

// cmdImport loads one CSV file (or URL) of published shares, panel activity,
// usage samples or market events. Bad rows are listed with file, line and column and the
// good rows land — unless --strict, which loads nothing if any row is bad.
func cmdImport(ctx context.Context, env *environment, args []string) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	var f engineFlags
	f.register(fs)
	strict := fs.Bool("strict", false, "load nothing if any row is bad")
	encoding := fs.String("encoding", "", "file encoding: utf-8 (default), gbk or gb18030")
	source := fs.String("source", "", "label for the rows' source column (default: import)")
	remote := serverFlag(fs)
	if err := env.parseArgs("import", "reports|panel|usage|events FILE|URL", fs, &f, args); err != nil {
		return err
	}
	if len(env.args) != 2 {
		fs.Usage()
		return errUsage
	}
	cfg := csvimport.ConfigFor(csvimport.Kind(env.args[0]), env.args[1])
	cfg.Strict, cfg.Encoding, cfg.Source = *strict, *encoding, *source
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if srv, err := findServer(env, *remote); err != nil || srv != nil {
		if err != nil {
			return err
		}
		srv.announce(env, "importing "+env.args[1])
		return remoteImport(ctx, env, srv, importSpec{cfg: cfg, location: env.args[1]})
	}
	src, err := csvimport.New("import", cfg, csvimport.Options{
		Logger: env.log, Getenv: env.getenv, Progress: env.stderr, ProgressIsTerminal: isTerminal(env.stderr),
	})
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	p, err := openPipeline(ctx, env)
	if err != nil {
		return err
	}
	defer p.Close()
	run := p.runner.Run(ctx, collector.Collector{
		Name: "import", Kind: "csv", Target: filepath.Base(env.args[1]), Timeout: 24 * time.Hour, Source: src,
	})
	printRun(env.stdout, run)
	return runFailed(run, "import of "+env.args[1])
}
