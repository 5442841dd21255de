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

// Writer takes batches from sources and stores them: into ClickHouse when it
// answers, into the spool when it does not, replaying the spool in order
// once it answers again. Rows are buffered and flushed when the buffer
// reaches FlushRows or when a run ends, so small scrapes do not become tiny
// inserts and a big import streams in bounded memory.
type Writer struct {
	engine    queries.Engine
	spool     *Spool
	log       *slog.Logger
	metrics   *Metrics
	flushRows int

	mu      sync.Mutex // one flush or replay at a time keeps rows in order
	buf     Batch
	touched map[time.Time]bool // panel periods stored into since the last refresh
}

// WriterOptions configure a Writer.
type WriterOptions struct {
	Spool     *Spool // nil: no spool, a failed insert is an error
	Logger    *slog.Logger
	Metrics   *Metrics
	FlushRows int // default 100,000
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
	return &Writer{engine: e, spool: opts.Spool, log: opts.Logger, metrics: opts.Metrics, flushRows: opts.FlushRows}
}

// Add buffers a batch's rows, flushing when the buffer is full. Problems are
// not buffered: the runner records them.
func (w *Writer) Add(ctx context.Context, b Batch) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf.Samples = append(w.buf.Samples, b.Samples...)
	w.buf.Bridges = append(w.buf.Bridges, b.Bridges...)
	w.buf.Panel = append(w.buf.Panel, b.Panel...)
	w.buf.Reports = append(w.buf.Reports, b.Reports...)
	w.buf.States = append(w.buf.States, b.States...)
	w.buf.Nonce += b.Nonce
	if w.buf.Rows() >= w.flushRows {
		return w.flushLocked(ctx)
	}
	return nil
}

// Flush stores what is buffered: the end of a run. It then refreshes the
// derived panel tables of the panel periods stored into since the last
// refresh (queries.RefreshPanel), once per run rather than per batch, since
// each refresh rebuilds a whole period.
func (w *Writer) Flush(ctx context.Context) error {
	w.mu.Lock()
	err := w.flushLocked(ctx)
	periods := w.takeTouchedLocked()
	w.mu.Unlock()
	w.refreshPanel(ctx, periods)
	return err
}

func (w *Writer) flushLocked(ctx context.Context) error {
	b := w.buf
	w.buf = Batch{}
	if b.Rows() == 0 {
		return nil
	}
	token := batchToken(&b)
	// Spooled batches go first, so rows land in the order they came.
	if err := w.replayLocked(ctx); err == nil {
		err = w.store(ctx, token, b)
		if err == nil {
			return nil
		}
		if w.spool == nil || !Unavailable(err) {
			w.metrics.Errors.WithLabelValues("insert").Inc()
			return err
		}
		w.log.Warn("ClickHouse cannot take the batch; spooling it", "rows", b.Rows(), "err", err)
	}
	if w.spool == nil {
		return errors.New("cannot store batch: ClickHouse is unavailable and there is no spool")
	}
	if err := w.spool.Put(token, b); err != nil {
		w.metrics.Dropped.Add(float64(b.Rows()))
		w.log.Error("dropped a batch: ClickHouse is unavailable and the spool cannot take it", "rows", b.Rows(), "err", err)
		return fmt.Errorf("dropped %d rows: %w", b.Rows(), err)
	}
	w.updateSpoolGauge()
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

// touchLocked notes the panel periods of stored rows.
func (w *Writer) touchLocked(rows []imscope.PanelRecord) {
	if w.touched == nil {
		w.touched = map[time.Time]bool{}
	}
	for _, r := range rows {
		w.touched[r.Period.UTC()] = true
	}
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
	for _, r := range done {
		if r.Rebuilt {
			w.log.Info("rebuilt derived panel data", "period", r.Period.Format(time.DateOnly), "rows", r.Rows, "networks", r.Networks, "duration", r.Duration)
		}
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
	replayed, corrupt, err := w.spool.Replay(func(token string, b Batch) error {
		err := w.store(ctx, token, b)
		if err != nil && !Unavailable(err) {
			// ClickHouse answered and refused the rows: a retry cannot help,
			// and the batch must not block the ones behind it.
			w.metrics.Errors.WithLabelValues("spool_rejected").Inc()
			w.log.Error("ClickHouse refused a spooled batch; it is kept in rejected/", "rows", b.Rows(), "err", err)
			return fmt.Errorf("%w: %w", ErrRejected, err)
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

// store inserts one batch, table by table, each insert deduplicated by the
// batch's token: a batch that failed half-way is retried whole, and the
// tables it had already reached keep their rows once.
func (w *Writer) store(ctx context.Context, token string, b Batch) error {
	start := time.Now()
	steps := []struct {
		table string
		n     int
		f     func(context.Context) error
	}{
		{"usage_samples", len(b.Samples), func(c context.Context) error { return queries.InsertSamples(c, w.engine, b.Samples) }},
		{"bridge_traffic", len(b.Bridges), func(c context.Context) error { return queries.InsertBridgeSamples(c, w.engine, b.Bridges) }},
		{"panel_activity", len(b.Panel), func(c context.Context) error { return queries.InsertPanel(c, w.engine, b.Panel) }},
		{"market_reports", len(b.Reports), func(c context.Context) error { return queries.InsertMarketReports(c, w.engine, b.Reports) }},
		{"bridge_states", len(b.States), func(c context.Context) error { return queries.InsertBridgeStates(c, w.engine, b.States) }},
	}
	for _, s := range steps {
		if s.n == 0 {
			continue
		}
		n := s.n
		if err := s.f(queries.WithInsertToken(ctx, token+"."+s.table)); err != nil {
			var skipped *queries.SkippedRowsError
			if !errors.As(err, &skipped) {
				return err
			}
			// The good rows are in; the bad ones are counted and logged.
			n = skipped.Written
			w.metrics.Errors.WithLabelValues("row_rejected").Add(float64(skipped.Skipped))
			w.log.Error("rows refused by their columns; the rest of the batch was stored", "table", s.table, "skipped", skipped.Skipped, "first", skipped.First)
		}
		w.metrics.Rows.WithLabelValues(s.table).Add(float64(n))
		if s.table == "panel_activity" {
			w.touchLocked(b.Panel)
		}
	}
	w.metrics.BatchSeconds.Observe(time.Since(start).Seconds())
	w.log.Debug("stored batch", "rows", b.Rows(), "token", token, "duration", time.Since(start))
	return nil
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
