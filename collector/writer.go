package collector

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/queries"
)

// Writer takes batches from sources and stores them, each row exactly once
// by its natural key (queries.Store): into ClickHouse when it answers, into
// the spool when it does not, replaying the spool in order once it answers
// again. A run buffers its rows (Runner) and hands them over FlushRows at a
// time, so small scrapes do not become tiny inserts and a big import streams
// in bounded memory: each batch is stored while the run's source reads the
// next, one batch at a time, in the order read.
type Writer struct {
	engine    queries.Engine
	store     *queries.Store
	spool     *Spool
	log       *slog.Logger
	metrics   *Metrics
	flushRows int
	catalog   catalog // rows naming other networks are flagged (unknown.go)
	aliases   aliases // label values mapped onto catalog ids first (alias.go)

	mu       sync.Mutex         // one store or replay at a time keeps rows in order
	touched  map[time.Time]bool // panel periods stored into since the last refresh
	onStored func(tables ...string)
}

// WriterOptions configure a Writer.
type WriterOptions struct {
	Spool     *Spool // nil: no spool, a failed insert is an error
	Logger    *slog.Logger
	Metrics   *Metrics
	FlushRows int // default 100,000
	// Networks is the network catalog: rows naming one of its aliases are
	// stored under its id (alias.go), rows naming an id outside it are
	// stored and flagged (unknown.go). Empty: nothing is flagged.
	Networks []imscope.Network
	// OnStored, when set, is told the tables rows landed in, once they are
	// in ClickHouse (not when they are spooled; when a replay stores them),
	// and the derived tables a refresh rebuilt: the dashboard drops the
	// cached answers that read them. It may be called with the writer's
	// lock held, so it must be quick and must not call the writer.
	OnStored func(tables ...string)
}

// NewWriter returns a Writer into e.
func NewWriter(e queries.Engine, opts WriterOptions) *Writer {
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.FlushRows <= 0 {
		opts.FlushRows = 100_000
	}
	if opts.Metrics == nil {
		opts.Metrics = NewMetrics(nil)
	}
	if opts.OnStored == nil {
		opts.OnStored = func(...string) {}
	}
	return &Writer{engine: e, store: queries.NewStore(e), spool: opts.Spool, log: opts.Logger, metrics: opts.Metrics, flushRows: opts.FlushRows, catalog: newCatalog(opts.Networks), aliases: newAliases(opts.Networks), onStored: opts.OnStored}
}

// Store stores a batch's rows now and says what became of each. When
// ClickHouse cannot be reached the batch goes to the spool (Outcome.Spooled)
// and is stored by key when it answers again, so a batch that was partly
// stored first is not counted twice. The batch's Problems are not stored:
// the caller reports them.
func (w *Writer) Store(ctx context.Context, b Batch) (Outcome, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if b.Rows() == 0 {
		return Outcome{}, nil
	}
	// Aliases first, so that the spool, the keys and the unknown counts
	// all see catalog ids (a Runner has mapped them already; again is a
	// no-op).
	w.aliases.apply(&b)
	// Spooled batches go first, so rows land in the order they came.
	if err := w.replayLocked(ctx); err == nil {
		o, err := w.storeLocked(ctx, b)
		if err == nil {
			return o, nil
		}
		if w.spool == nil || !Unavailable(err) {
			w.metrics.Errors.WithLabelValues("insert").Inc()
			return Outcome{}, err
		}
		w.log.Warn("ClickHouse cannot take the batch; spooling it", "rows", b.Rows(), "err", err)
	}
	if w.spool == nil {
		return Outcome{}, errors.New("cannot store batch: ClickHouse is unavailable and there is no spool")
	}
	b.Problems = nil
	if err := w.spool.Put(b); err != nil {
		w.metrics.Dropped.Add(float64(b.Rows()))
		w.log.Error("dropped a batch: ClickHouse is unavailable and the spool cannot take it", "rows", b.Rows(), "err", err)
		return Outcome{}, fmt.Errorf("dropped %d rows: %w", b.Rows(), err)
	}
	w.updateSpoolGauge()
	return Outcome{Rows: b.Rows(), Spooled: b.Rows()}, nil
}

// Add stores a batch (Store) and logs what it did not store: the Emit of
// sources that run outside a Runner, such as push receivers drained at
// shutdown.
func (w *Writer) Add(ctx context.Context, b Batch) error {
	o, err := w.Store(ctx, b)
	w.logOutcome("stored a batch", o)
	return err
}

// Flush ends a run: it refreshes the derived panel tables of the panel
// periods stored into since the last refresh (queries.RefreshPanel), once
// per run rather than per batch, since each refresh rebuilds a whole period.
func (w *Writer) Flush(ctx context.Context) error {
	w.mu.Lock()
	periods := w.takeTouchedLocked()
	w.mu.Unlock()
	w.refreshPanel(ctx, periods)
	return nil
}

// Replay stores spooled batches if ClickHouse answers; the scheduler calls it
// periodically so the spool drains even when no collector runs.
func (w *Writer) Replay(ctx context.Context) error {
	w.mu.Lock()
	err := w.replayLocked(ctx)
	periods := w.takeTouchedLocked()
	w.mu.Unlock()
	w.refreshPanel(ctx, periods)
	return err
}

// touch notes the panel period of a stored row.
func (w *Writer) touch(r imscope.PanelRecord) {
	if w.touched == nil {
		w.touched = map[time.Time]bool{}
	}
	w.touched[r.Period.UTC()] = true
}

// takeTouchedLocked returns the panel periods stored into and forgets them.
func (w *Writer) takeTouchedLocked() []time.Time {
	periods := slices.SortedFunc(maps.Keys(w.touched), time.Time.Compare)
	w.touched = nil
	return periods
}

// refreshPanel brings the derived panel tables of periods up to date,
// outside the writer's lock so other collectors' rows keep flowing. A
// failure is logged, not returned: the rows are stored, and the first
// question about a stale period rebuilds it anyway.
func (w *Writer) refreshPanel(ctx context.Context, periods []time.Time) {
	if len(periods) == 0 {
		return
	}
	done, err := queries.RefreshPanel(ctx, w.engine, periods...)
	rebuilt := false
	for _, r := range done {
		if r.Rebuilt {
			rebuilt = true
			w.log.Info("rebuilt derived panel data", "period", r.Period.Format(time.DateOnly), "rows", r.Rows, "networks", r.Networks, "duration", r.Duration)
		}
	}
	if rebuilt {
		w.onStored("panel_users")
	}
	if err != nil {
		w.metrics.Errors.WithLabelValues("panel_refresh").Inc()
		w.log.Warn("cannot refresh derived panel data; the next question about it will", "periods", len(periods), "err", err)
	}
}

func (w *Writer) replayLocked(ctx context.Context) error {
	if w.spool == nil {
		return nil
	}
	if n, _ := w.spool.Depth(); n == 0 {
		return nil
	}
	replayed, corrupt, err := w.spool.Replay(func(b Batch) error {
		o, err := w.storeLocked(ctx, b)
		if err != nil && !Unavailable(err) {
			// ClickHouse answered and refused the rows: a retry cannot help,
			// and the batch must not block the ones behind it.
			w.metrics.Errors.WithLabelValues("spool_rejected").Inc()
			w.log.Error("ClickHouse refused a spooled batch; it is kept in rejected/", "rows", b.Rows(), "err", err)
			return fmt.Errorf("%w: %w", ErrRejected, err)
		}
		if err == nil {
			w.logOutcome("replayed a spooled batch", o)
		}
		return err
	})
	if corrupt > 0 {
		w.metrics.Errors.WithLabelValues("spool_corrupt").Add(float64(corrupt))
		w.log.Error("moved corrupt spool segments aside to corrupt/ (their rows are not replayed)", "segments", corrupt)
	}
	if replayed > 0 {
		w.log.Info("replayed spooled batches", "batches", replayed)
	}
	w.updateSpoolGauge()
	return err
}

func (w *Writer) updateSpoolGauge() {
	if w.spool == nil {
		return
	}
	n, bytes := w.spool.Depth()
	w.metrics.SpoolSegments.Set(float64(n))
	w.metrics.SpoolBytes.Set(float64(bytes))
}

// logOutcome logs what a batch stored outside a run, and each row it did
// not store for a reason worth knowing.
func (w *Writer) logOutcome(what string, o Outcome) {
	if o.Rows == 0 {
		return
	}
	w.log.Debug(what, "outcome", o.String())
	for _, p := range o.Problems {
		w.log.Warn(what+": a row was not stored as given", "problem", p.Error())
	}
}

// storeLocked stores one batch, table by table, each by key: a batch that
// failed half-way is stored again whole, and the tables it had reached
// find their rows stored already.
func (w *Writer) storeLocked(ctx context.Context, b Batch) (Outcome, error) {
	start := time.Now()
	o := Outcome{Rows: b.Rows()}
	at := origins{file: b.Where, lines: b.Lines} // off: the current table's first row
	// Rows naming networks outside the catalog, counted as they are stored:
	// also when a later table fails, as the earlier tables' rows are stored.
	unknown := unknownTally{catalog: w.catalog}
	defer func() { w.metrics.countUnknown(unknown.rows) }()
	// The tables rows landed in are told also when a later table fails:
	// the earlier tables' rows are stored.
	var landed []string
	defer func() {
		if len(landed) > 0 {
			w.onStored(landed...)
		}
	}()
	panel := func(r imscope.PanelRecord) { w.touch(r); unknown.panel(r) }
	steps := []struct {
		table string
		n     int
		store func(*Outcome) error
	}{
		{"usage_samples", len(b.Samples), func(o *Outcome) error {
			return storeByKey(ctx, w.store, &samplesByKey, b.Samples, at, o, unknown.sample)
		}},
		{"bridge_traffic", len(b.Bridges), func(o *Outcome) error {
			return storeByKey(ctx, w.store, &bridgesByKey, b.Bridges, at, o, unknown.bridge)
		}},
		{"panel_activity", len(b.Panel), func(o *Outcome) error { return storeByKey(ctx, w.store, &panelByKey, b.Panel, at, o, panel) }},
		{"market_reports", len(b.Reports), func(o *Outcome) error {
			return storeByKey(ctx, w.store, &reportsByKey, b.Reports, at, o, unknown.report)
		}},
		{"bridge_states", len(b.States), func(o *Outcome) error { return storeByKey(ctx, w.store, &statesByKey, b.States, at, o, nil) }},
		{"events", len(b.Events), func(o *Outcome) error { return storeEvents(ctx, w.engine, b.Events, at, o) }},
	}
	for _, s := range steps {
		if s.n > 0 {
			var t Outcome
			err := s.store(&t)
			if t.Stored() > 0 {
				landed = append(landed, s.table)
			}
			if err != nil {
				return Outcome{}, err
			}
			w.metrics.count(s.table, t)
			o.Add(t)
		}
		at.off += s.n
	}
	w.metrics.BatchSeconds.Observe(time.Since(start).Seconds())
	w.log.Debug("stored batch", "outcome", o.String(), "duration", time.Since(start))
	return o, nil
}

// Unavailable reports whether err means ClickHouse could not be reached or
// did not answer in time — worth spooling and retrying — rather than a
// refusal of the data itself, which a retry would not change.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, queries.ErrBadValue) || errors.Is(err, context.Canceled) {
		return false
	}
	var qe *queries.Error
	if errors.As(err, &qe) {
		switch qe.ErrorCode() {
		case 159, 160, 202, 203, 209, 210, 241, 252, 242: // timeouts, too many queries/parts, memory, read-only
			return true
		}
		return false
	}
	return true
}
