package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/queries"
)

// pipeline is the engine and everything between sources and it.
type pipeline struct {
	engine   queries.Engine
	writer   *collector.Writer
	runner   *collector.Runner
	spool    *collector.Spool
	registry *prometheus.Registry
}

// openPipeline opens the engine (migrating it), the spool and the writer.
func openPipeline(ctx context.Context, env *environment) (*pipeline, error) {
	e, err := openEngine(ctx, env.cfg, env.log)
	if err != nil {
		return nil, err
	}
	spool, err := collector.OpenSpool(env.cfg.spoolDir(), env.cfg.Pipeline.SpoolMaxBytes)
	if err != nil {
		e.Close()
		return nil, err
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m := collector.NewMetrics(reg)
	w := collector.NewWriter(e, collector.WriterOptions{Spool: spool, Logger: env.log, Metrics: m, FlushRows: env.cfg.Pipeline.FlushRows})
	if n, _ := spool.Depth(); n > 0 {
		env.log.Info("replaying spooled batches from an earlier run", "segments", n)
		if err := w.Replay(ctx); err != nil {
			env.log.Warn("cannot replay the spool yet; will retry", "err", err)
		}
	}
	return &pipeline{engine: e, writer: w, runner: collector.NewRunner(e, w, env.log, m), spool: spool, registry: reg}, nil
}

func (p *pipeline) Close() error { return p.engine.Close() }

// printRun writes one run's outcome for people: a summary line, then the
// first problems with where they were found.
func printRun(w io.Writer, r collector.Run) {
	fmt.Fprintf(w, "%s: %s, %d rows in %s", r.Collector, r.Status, r.Rows, r.Duration.Round(1e6))
	if r.Problems > 0 {
		fmt.Fprintf(w, ", %d problems", r.Problems)
	}
	fmt.Fprintln(w)
	if r.Error != "" {
		fmt.Fprintf(w, "  error: %s\n", r.Error)
	}
	for _, p := range r.Warnings {
		fmt.Fprintf(w, "  %s\n", p)
	}
	if r.Problems > len(r.Warnings) {
		fmt.Fprintf(w, "  … and %d more\n", r.Problems-len(r.Warnings))
	}
}

// isTerminal reports whether w is a terminal, for progress bars.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
