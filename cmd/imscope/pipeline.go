package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

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
	landed   *landings // which tables rows landed in, for the dashboard's cache (invalidate.go)
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
	landed := &landings{}
	e = watchInserts(e, landed)
	// The catalog, so that rows naming other networks are flagged: a
	// warning in the run, imscope_rows_unknown_network_total at /metrics.
	w := collector.NewWriter(e, collector.WriterOptions{Spool: spool, Logger: env.log, Metrics: m, FlushRows: env.cfg.Pipeline.FlushRows, Networks: env.cfg.NetworkCatalog(), OnStored: landed.Landed})
	if n, _ := spool.Depth(); n > 0 {
		env.log.Info("replaying spooled batches from an earlier run", "segments", n)
		if err := w.Replay(ctx); err != nil {
			env.log.Warn("cannot replay the spool yet; will retry", "err", err)
		}
	}
	return &pipeline{engine: e, writer: w, runner: collector.NewRunner(e, w, env.log, m), spool: spool, registry: reg, landed: landed}, nil
}

func (p *pipeline) Close() error { return p.engine.Close() }

// printRun writes one run's outcome for people: a summary line that says
// what became of the rows read — "6 rows read: 0 new, 6 already stored" —
// then the first problems and warnings with where they were found.
func printRun(w io.Writer, r collector.Run) {
	o := r.Outcome
	o.Rows = int(r.Rows) // rows read, also those a failed run never handed on
	fmt.Fprintf(w, "%s: %s, %s in %s", r.Collector, r.Status, strings.Replace(o.String(), " rows:", " rows read:", 1), r.Duration.Round(1e6))
	if r.Problems > 0 {
		fmt.Fprintf(w, "; %d problems", r.Problems)
	}
	if r.Notices > 0 {
		fmt.Fprintf(w, "; %d warnings", r.Notices)
	}
	fmt.Fprintln(w)
	if r.Error != "" {
		fmt.Fprintf(w, "  error: %s\n", r.Error)
	}
	for _, p := range r.Warnings {
		fmt.Fprintf(w, "  %s\n", p)
	}
	if more := r.Problems + r.Notices - len(r.Warnings); more > 0 {
		fmt.Fprintf(w, "  … and %d more\n", more)
	}
}

// runFailed says why a run that did not end in error still failed its
// user: it stored nothing and had problems, so every row it read was bad
// (or in conflict). nil when the run stored, or found stored, any row.
func runFailed(r collector.Run, what string) error {
	switch {
	case r.Status == "error":
		return fmt.Errorf("%s failed", what)
	case r.Problems > 0 && r.Stored == 0 && r.Existing == 0 && r.Outcome.Spooled == 0:
		return fmt.Errorf("%s stored nothing: every row had a problem (%d problems)", what, r.Problems)
	}
	return nil
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
