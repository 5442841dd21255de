package collector

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/imscope/imscope/queries"
)

// Collector is one configured collector: a source with its name, kind and schedule.
type Collector struct {
	Name     string
	Kind     string // openmetrics, csv, json, ejabberd, checkpoints, simulate
	Target   string // what it reads, for people (a URL, a file); never a secret
	Schedule string // cron spec; "" runs only on demand
	Timeout  time.Duration
	Source   Source
}

// maxWarnings is how many problems a run record keeps; the count is kept whole.
const maxWarnings = 20

// Run is the outcome of one collector run.
type Run struct {
	queries.CollectorRun
	Problems int // all problems met (warnings aside); Warnings holds the first maxWarnings of both
	Notices  int // warnings met: worth telling, nothing lost
	// Outcome says what became of the rows read (Rows): stored, already
	// stored, in conflict...
	Outcome Outcome
}

// report counts and lists problems met while collecting or storing.
func (run *Run) report(problems []Problem) {
	for _, p := range problems {
		if p.Warning {
			run.Notices++
		} else {
			run.Problems++
		}
		if len(run.Warnings) < maxWarnings {
			run.Warnings = append(run.Warnings, p.Error())
		}
	}
}

// count adds what a store did to the run.
func (run *Run) count(o Outcome) {
	run.report(o.Problems)
	run.Problems += o.Omitted
	run.Outcome.Add(Outcome{Rows: o.Rows, New: o.New, Replaced: o.Replaced, Existing: o.Existing, Repeated: o.Repeated, Conflicts: o.Conflicts, Refused: o.Refused, Spooled: o.Spooled})
	run.Stored = uint64(run.Outcome.Stored())
	run.Existing = uint64(run.Outcome.Existing + run.Outcome.Repeated)
	run.Conflicts = uint64(run.Outcome.Conflicts)
}

// Runner runs collectors once: through the Writer, bounded by a timeout, and
// recorded in collector_runs.
type Runner struct {
	engine  queries.Engine
	writer  *Writer
	log     *slog.Logger
	metrics *Metrics
	now     func() time.Time

	mu      sync.Mutex
	last    map[string]Run         // latest run per collector, also when ClickHouse is away
	running map[string]*sync.Mutex // one run per collector at a time (scheduled or run now)
}

// NewRunner returns a Runner writing through w into e.
func NewRunner(e queries.Engine, w *Writer, log *slog.Logger, m *Metrics) *Runner {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if m == nil {
		m = NewMetrics(nil)
	}
	return &Runner{engine: e, writer: w, log: log, metrics: m, now: time.Now, last: map[string]Run{}, running: map[string]*sync.Mutex{}}
}

// Run collects once. A collector that hangs is stopped by its timeout; bad
// input makes the run "partial" and is listed, while good rows still land.
// Rows are stored FlushRows at a time while the source reads on (storing).
func (r *Runner) Run(ctx context.Context, c Collector) Run {
	r.mu.Lock()
	one, ok := r.running[c.Name]
	if !ok {
		one = &sync.Mutex{}
		r.running[c.Name] = one
	}
	r.mu.Unlock()
	one.Lock() // a source keeps state between runs (counter values); never two at once
	defer one.Unlock()
	if c.Timeout <= 0 {
		c.Timeout = DefaultTimeout
	}
	start := r.now()
	run := Run{CollectorRun: queries.CollectorRun{RunID: newRunID(), Collector: c.Name, Kind: c.Kind, Target: c.Target, StartedAt: start}}
	cctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	var pending runBuffer
	unknown := runUnknown{catalog: r.writer.catalog} // warns once per unknown network id
	// Batches are stored with the parent context, so rows collected before
	// a timeout are kept.
	store := storing{w: r.writer, ctx: ctx}
	emit := func(ctx context.Context, b Batch) error {
		r.writer.aliases.apply(&b) // before the warnings: an alias is not unknown
		run.report(b.Problems)
		run.report(unknown.warnings(b))
		run.Rows += uint64(b.Rows())
		pending.add(b)
		if pending.b.Rows() < r.writer.flushRows {
			return nil
		}
		return store.hand(pending.take(), &run)
	}
	err := c.Source.Collect(cctx, emit)
	if cctx.Err() == context.DeadlineExceeded && ctx.Err() == nil {
		err = fmt.Errorf("timed out after %s: %w", c.Timeout, err)
	}
	serr := store.hand(pending.take(), &run)
	if serr == nil {
		serr = store.wait(&run)
	}
	if serr != nil && err == nil {
		err = serr
	}
	if ferr := r.writer.Flush(ctx); ferr != nil && err == nil {
		err = ferr
	}
	run.Duration = r.now().Sub(start)
	switch {
	case err != nil:
		run.Status, run.Error = "error", err.Error()
	case run.Problems > 0:
		run.Status = "partial"
	default:
		run.Status = "ok"
	}
	if run.Status != "error" {
		run.LastOK = start
	} else if prev, ok := r.Last(c.Name); ok {
		run.LastOK = prev.LastOK
	}
	r.metrics.Scrapes.WithLabelValues(c.Name, run.Status).Inc()
	r.metrics.Problems.WithLabelValues(c.Name).Add(float64(run.Problems))
	r.metrics.RunSeconds.WithLabelValues(c.Name).Observe(run.Duration.Seconds())
	log := r.log.With("collector", c.Name, "kind", c.Kind, "rows", run.Rows, "stored", run.Stored, "problems", run.Problems, "duration", run.Duration)
	switch run.Status {
	case "error":
		log.Warn("collector run failed", "err", err)
	case "partial":
		log.Warn("collector run skipped bad input", "first", run.Warnings[0])
	default:
		log.Info("collector run")
	}
	r.mu.Lock()
	r.last[c.Name] = run
	r.mu.Unlock()
	if werr := queries.InsertCollectorRun(ctx, r.engine, run.CollectorRun); werr != nil {
		r.log.Warn("cannot record collector run", "collector", c.Name, "err", werr)
	}
	return run
}

// Last returns the latest run of a collector in this process.
func (r *Runner) Last(name string) (Run, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	run, ok := r.last[name]
	return run, ok
}

func newRunID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
