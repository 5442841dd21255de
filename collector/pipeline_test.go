package collector_test

import (
	"context"
	"errors"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector"
	"github.com/imscope/imscope/collector/schedule"
	"github.com/imscope/imscope/queries"
	"github.com/imscope/imscope/queries/enginetest"
)

var dataDir string

func TestMain(m *testing.M) { os.Exit(enginetest.RunWithDataDir(m, &dataDir)) }

// openEngine opens the real embedded engine on a fresh, migrated database.
func openEngine(t *testing.T, db string) queries.Engine { return enginetest.Migrated(t, dataDir, db) }

// outage is the real engine with a switch that makes inserts into some tables
// fail the way an unreachable server does: fault injection, not a mock — the
// rows that get through land in ClickHouse.
type outage struct {
	queries.Engine
	down   atomic.Bool
	tables map[string]bool // which tables fail while down; all when nil
}

func (o *outage) Insert(ctx context.Context, table string, cols ...string) (queries.Batch, error) {
	if o.down.Load() && (o.tables == nil || o.tables[stagedFor(table)]) {
		return nil, errors.New("dial tcp 127.0.0.1:9000: connect: connection refused")
	}
	return o.Engine.Insert(ctx, table, cols...)
}

// stagedFor is the table a staging table (imscope_stage_TABLE_SUFFIX) is
// for: rows reach a table through its staging table (queries.Store).
func stagedFor(table string) string {
	if rest, ok := strings.CutPrefix(table, "imscope_stage_"); ok {
		return rest[:strings.LastIndexByte(rest, '_')]
	}
	return table
}

func count(t *testing.T, e queries.Engine, query string) uint64 {
	t.Helper()
	rows, err := e.Query(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var n uint64
	rows.Next()
	if err := rows.Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func batch(first, n int) collector.Batch {
	at := time.Date(2011, 6, 1, 0, 0, 0, 0, time.UTC)
	var b collector.Batch
	for i := first; i < first+n; i++ {
		ts := at.Add(time.Duration(i) * time.Minute)
		b.Samples = append(b.Samples, imscope.Sample{TS: ts, Source: "t", Network: "qq", Metric: "messages", Value: float64(i)})
		b.Bridges = append(b.Bridges, imscope.BridgeSample{TS: ts, Source: "t", Bridge: "fetion-msn", FromNetwork: "fetion", ToNetwork: "msn", Messages: uint64(i), Latency: map[uint64]uint64{5000: 1}})
	}
	return b
}

func TestWriterIsIdempotent(t *testing.T) {
	e := openEngine(t, "writer_idem")
	w := collector.NewWriter(e, collector.WriterOptions{})
	ctx := context.Background()
	for range 2 { // the same rows twice: a retry after a timeout
		if err := w.Add(ctx, batch(0, 100)); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if n := count(t, e, "SELECT count() FROM usage_samples"); n != 100 {
		t.Fatalf("%d samples after sending the same batch twice, want 100", n)
	}
	if n := count(t, e, "SELECT sum(messages) FROM bridge_traffic_1m"); n != 4950 {
		t.Fatalf("rollup holds %d messages, want 4950 (0+…+99)", n)
	}
}

// TestWriterSpoolsDuringOutage: ClickHouse goes away half-way through a batch
// (usage rows stored, bridge rows refused); the batch and the next one spool;
// when it is back every row is present exactly once.
func TestWriterSpoolsDuringOutage(t *testing.T) {
	real := openEngine(t, "writer_outage")
	e := &outage{Engine: real, tables: map[string]bool{"bridge_traffic": true}}
	spool, err := collector.OpenSpool(t.TempDir(), 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	w := collector.NewWriter(e, collector.WriterOptions{Spool: spool})
	ctx := context.Background()

	e.down.Store(true)
	for _, b := range []collector.Batch{batch(0, 50), batch(50, 50)} {
		if err := w.Add(ctx, b); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(ctx); err != nil {
			t.Fatalf("flush while down: %v (the batch should have spooled)", err)
		}
	}
	if n, _ := spool.Depth(); n != 2 {
		t.Fatalf("%d batches spooled, want 2", n)
	}
	e.tables = nil // now everything is down: replay must stop and keep order
	if err := w.Replay(ctx); err == nil {
		t.Fatal("replay succeeded while ClickHouse was down")
	}
	e.down.Store(false)
	if err := w.Add(ctx, batch(100, 10)); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(ctx); err != nil { // replays the spool first, then writes
		t.Fatal(err)
	}
	if n, _ := spool.Depth(); n != 0 {
		t.Fatalf("%d batches still spooled", n)
	}
	if n := count(t, real, "SELECT count() FROM usage_samples"); n != 110 {
		t.Fatalf("%d samples, want 110 (the first 50 were stored before the outage and must not double)", n)
	}
	if n := count(t, real, "SELECT uniqExact(ts) FROM usage_samples"); n != 110 {
		t.Fatalf("%d distinct samples, want 110", n)
	}
	if n := count(t, real, "SELECT count() FROM bridge_traffic"); n != 110 {
		t.Fatalf("%d bridge rows, want 110", n)
	}
}

func TestWriterDropIsCountedNotSilent(t *testing.T) {
	real := openEngine(t, "writer_drop")
	e := &outage{Engine: real}
	spool, err := collector.OpenSpool(t.TempDir(), 100) // too small for any batch
	if err != nil {
		t.Fatal(err)
	}
	m := collector.NewMetrics(nil)
	w := collector.NewWriter(e, collector.WriterOptions{Spool: spool, Metrics: m})
	e.down.Store(true)
	err = w.Add(context.Background(), batch(0, 5))
	if !errors.Is(err, collector.ErrSpoolFull) || !strings.Contains(err.Error(), "dropped 10 rows") {
		t.Fatalf("flush with a full spool: %v", err)
	}
}

// source is a test Source that emits given batches, or blocks, or panics.
type source struct {
	batches []collector.Batch
	block   bool
	panics  atomic.Bool
	runs    atomic.Int32
}

func (s *source) Collect(ctx context.Context, emit collector.Emit) error {
	s.runs.Add(1)
	if s.panics.Load() {
		panic("collector bug")
	}
	for _, b := range s.batches {
		if err := emit(ctx, b); err != nil {
			return err
		}
	}
	if s.block {
		<-ctx.Done()
		return ctx.Err()
	}
	return nil
}

func TestRunnerRecordsRuns(t *testing.T) {
	e := openEngine(t, "runner")
	r := collector.NewRunner(e, collector.NewWriter(e, collector.WriterOptions{}), nil, nil)
	ctx := context.Background()

	bad := batch(0, 3)
	bad.Problems = []collector.Problem{{Where: "panel.csv:4:2", Message: `active_days: "x" is not a whole number`}}
	run := r.Run(ctx, collector.Collector{Name: "import", Kind: "csv", Target: "panel.csv", Source: &source{batches: []collector.Batch{bad}}})
	if run.Status != "partial" || run.Rows != 6 || run.Problems != 1 || !strings.HasPrefix(run.Warnings[0], "panel.csv:4:2: active_days") {
		t.Fatalf("run %+v", run)
	}
	hang := r.Run(ctx, collector.Collector{Name: "stuck", Kind: "openmetrics", Timeout: 200 * time.Millisecond, Source: &source{batches: []collector.Batch{batch(10, 2)}, block: true}})
	if hang.Status != "error" || !strings.Contains(hang.Error, "timed out after 200ms") || hang.Rows != 4 {
		t.Fatalf("hanging run %+v", hang)
	}
	if n := count(t, e, "SELECT count() FROM usage_samples"); n != 5 {
		t.Fatalf("%d samples, want 5: the rows collected before the timeout are kept", n)
	}
	runs, err := queries.LatestCollectorRuns(ctx, e)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 2 || runs[0].Collector != "import" || runs[0].Status != "partial" || len(runs[0].Warnings) != 1 || runs[1].Status != "error" || !runs[1].LastOK.IsZero() || runs[0].LastOK.IsZero() {
		t.Fatalf("recorded runs %+v", runs)
	}
	if runs[0].Rows != 6 || runs[0].Stored != 6 || runs[0].Existing != 0 {
		t.Fatalf("the import's run: %d rows read, %d stored, %d already stored; want 6, 6, 0", runs[0].Rows, runs[0].Stored, runs[0].Existing)
	}
	// The next good run's record carries no error: the failed run's is not
	// shown beside status ok.
	if run := r.Run(ctx, collector.Collector{Name: "stuck", Kind: "openmetrics", Source: &source{batches: []collector.Batch{batch(20, 1)}}}); run.Status != "ok" {
		t.Fatalf("good run %+v", run)
	}
	runs, err = queries.LatestCollectorRuns(ctx, e)
	if err != nil || len(runs) != 2 || runs[1].Status != "ok" || runs[1].Error != "" {
		t.Fatalf("after a good run: %+v, %v; want status ok and no error", runs, err)
	}
}

// TestSchedulerSurvivesPanics: a collector that panics is recovered and runs
// again on its next turn (SkipIfStillRunning outside Recover).
func TestSchedulerSurvivesPanics(t *testing.T) {
	e := openEngine(t, "scheduler")
	r := collector.NewRunner(e, collector.NewWriter(e, collector.WriterOptions{}), nil, nil)
	jobs := schedule.New(nil)
	s := collector.NewScheduler(r, jobs)
	src := &source{}
	src.panics.Store(true)
	if err := s.Add(context.Background(), collector.Collector{Name: "panicky", Kind: "test", Schedule: "@every 1s", Source: src}); err != nil {
		t.Fatal(err)
	}
	if err := s.Add(context.Background(), collector.Collector{Name: "panicky", Schedule: "@every 1s", Source: src}); err == nil {
		t.Fatal("a second collector with the same name was accepted")
	}
	if next := s.Next("panicky"); !next.IsZero() {
		t.Fatalf("next run %v before Start", next)
	}
	jobs.Start()
	defer jobs.Stop()
	deadline := time.Now().Add(10 * time.Second)
	for src.runs.Load() < 3 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if src.runs.Load() < 3 {
		t.Fatalf("ran %d times in 10 s after panicking; the schedule stopped", src.runs.Load())
	}
	if s.Next("panicky").IsZero() {
		t.Fatal("no next run")
	}
}

// TestWriterKeepsGoodRowsOfABadBatch: a row that does not fit its column (a
// panel period before 1970 does not fit a Date) is skipped and counted; the
// other rows of the same batch land.
func TestWriterKeepsGoodRowsOfABadBatch(t *testing.T) {
	e := openEngine(t, "writer_bad_row")
	w := collector.NewWriter(e, collector.WriterOptions{})
	ctx := context.Background()
	ok := time.Date(2011, 1, 1, 0, 0, 0, 0, time.UTC)
	b := collector.Batch{Panel: []imscope.PanelRecord{
		{Period: ok, UserKey: 1, Network: "qq", ActiveDays: 3},
		{Period: time.Date(1960, 1, 1, 0, 0, 0, 0, time.UTC), UserKey: 2, Network: "qq", ActiveDays: 3},
		{Period: ok, UserKey: 3, Network: "msn", ActiveDays: 9},
	}}
	if err := w.Add(ctx, b); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatalf("a batch with one bad row failed whole: %v", err)
	}
	if n := count(t, e, "SELECT count() FROM panel_activity"); n != 2 {
		t.Fatalf("%d panel rows, want the 2 good ones", n)
	}
}

// refusing is the real engine, refusing inserts into one table the way
// ClickHouse refuses data it cannot take (an error with a code), not the way
// an unreachable server fails.
type refusing struct {
	queries.Engine
	table string
	on    atomic.Bool
}

func (r *refusing) Insert(ctx context.Context, table string, cols ...string) (queries.Batch, error) {
	if r.on.Load() && stagedFor(table) == r.table {
		return nil, &queries.Error{Code: 53, Message: "Code: 53. DB::Exception: Type mismatch. (TYPE_MISMATCH)"}
	}
	return r.Engine.Insert(ctx, table, cols...)
}

// TestSpoolRejectedBatchDoesNotBlock: a spooled batch ClickHouse refuses
// when it is back is set aside in rejected/, and the batches behind it land.
func TestSpoolRejectedBatchDoesNotBlock(t *testing.T) {
	real := openEngine(t, "writer_rejected")
	down := &outage{Engine: real}
	e := &refusing{Engine: down, table: "bridge_traffic"}
	dir := t.TempDir()
	spool, err := collector.OpenSpool(dir, 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	w := collector.NewWriter(e, collector.WriterOptions{Spool: spool})
	ctx := context.Background()
	down.down.Store(true)
	poison := batch(0, 5)
	poison.Samples = nil // bridge rows only: the table that will refuse
	for _, b := range []collector.Batch{poison, {Samples: batch(5, 5).Samples}} {
		if err := w.Add(ctx, b); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(ctx); err != nil {
			t.Fatal(err)
		}
	}
	down.down.Store(false)
	e.on.Store(true)
	if err := w.Replay(ctx); err != nil {
		t.Fatalf("replay stopped at the refused batch: %v", err)
	}
	if n, _ := spool.Depth(); n != 0 {
		t.Fatalf("%d segments still pending", n)
	}
	if n := count(t, real, "SELECT count() FROM usage_samples"); n != 5 {
		t.Fatalf("%d samples after the refused batch, want the 5 behind it", n)
	}
	entries, _ := os.ReadDir(dir + "/rejected")
	if len(entries) != 1 {
		t.Fatalf("%d segments in rejected/, want 1", len(entries))
	}
}

// TestRepeatedRowsLandOnce: a row is stored once by its key, so a file that
// repeats itself stores each row once (and says so, as a warning that does
// not make the run partial), and running the same collector again over the
// same input stores nothing more and says the rows were stored already.
func TestRepeatedRowsLandOnce(t *testing.T) {
	e := openEngine(t, "identical_chunks")
	r := collector.NewRunner(e, collector.NewWriter(e, collector.WriterOptions{FlushRows: 10}), nil, nil)
	chunk := collector.Batch{Samples: batch(0, 10).Samples}
	c := collector.Collector{Name: "file", Kind: "csv", Source: &source{batches: []collector.Batch{chunk, chunk}}}
	first := r.Run(context.Background(), c)
	if first.Status != "ok" || first.Stored != 10 || first.Outcome.Existing != 10 || first.Notices != 0 {
		t.Fatalf("first run %+v: want ok, 10 stored, the second chunk's 10 already stored", first)
	}
	again := r.Run(context.Background(), c)
	if again.Status != "ok" || again.Stored != 0 || again.Existing != 20 || again.Rows != 20 {
		t.Fatalf("second run %+v: want ok, 20 rows read, none stored, 20 already stored", again)
	}
	if n := count(t, e, "SELECT count() FROM usage_samples"); n != 10 {
		t.Fatalf("%d samples, want 10: each key once", n)
	}
	// Repeated within one store: stored once, with a warning naming the line.
	rows := batch(20, 2)
	twice := collector.Batch{Samples: append(rows.Samples, rows.Samples[0]), Where: "usage.csv", Lines: []int{2, 3, 4}}
	run := r.Run(context.Background(), collector.Collector{Name: "file2", Kind: "csv", Source: &source{batches: []collector.Batch{twice}}})
	if run.Status != "ok" || run.Stored != 2 || run.Notices != 1 || len(run.Warnings) != 1 || !strings.HasPrefix(run.Warnings[0], "usage.csv:4: warning: repeats line 2") {
		t.Fatalf("a repeated row: %+v", run)
	}
}

// TestGrowingFileAndConflicts: a collector reading a file that grew stores
// only the new rows; a row whose key is stored with another value is a
// conflict reported at its line and not stored, and the stored value stays.
func TestGrowingFileAndConflicts(t *testing.T) {
	e := openEngine(t, "growing")
	r := collector.NewRunner(e, collector.NewWriter(e, collector.WriterOptions{}), nil, nil)
	file := func(rows int, change float64) *source {
		b := batch(0, rows)
		b.Bridges = nil
		b.Samples[0].Value += change
		b.Where = "feed.csv"
		for i := range rows {
			b.Lines = append(b.Lines, i+2)
		}
		return &source{batches: []collector.Batch{b}}
	}
	c := collector.Collector{Name: "feed", Kind: "csv", Source: file(2, 0)}
	if run := r.Run(context.Background(), c); run.Stored != 2 {
		t.Fatalf("first run stored %d, want 2", run.Stored)
	}
	c.Source = file(3, 0)
	if run := r.Run(context.Background(), c); run.Status != "ok" || run.Stored != 1 || run.Existing != 2 {
		t.Fatalf("the grown file: %+v; want 1 stored, 2 already stored", run)
	}
	c.Source = file(3, 100)
	run := r.Run(context.Background(), c)
	if run.Status != "partial" || run.Stored != 0 || run.Conflicts != 1 || run.Problems != 1 ||
		!strings.HasPrefix(run.Warnings[0], "feed.csv:2: ") || !strings.Contains(run.Warnings[0], "is stored with value 0; this row has value 100: not stored") {
		t.Fatalf("a changed value: %+v", run)
	}
	if n := count(t, e, "SELECT count() FROM usage_samples"); n != 3 {
		t.Fatalf("%d samples, want 3", n)
	}
	if n := count(t, e, "SELECT toUInt64(sum(value)) FROM usage_samples"); n != 3 {
		t.Fatalf("values sum to %d, want 0+1+2", n)
	}
}

// TestWriterRefreshesPanel: the derived panel tables are brought up to date
// by the writer — at the end of a run for rows it stored, and after a spool
// replay for rows that waited out an outage — so questions find them fresh.
func TestWriterRefreshesPanel(t *testing.T) {
	real := openEngine(t, "writer_panel")
	e := &outage{Engine: real, tables: map[string]bool{"panel_activity": true}}
	spool, err := collector.OpenSpool(t.TempDir(), 64<<20)
	if err != nil {
		t.Fatal(err)
	}
	w := collector.NewWriter(e, collector.WriterOptions{Spool: spool})
	ctx := context.Background()
	q1, q2 := time.Date(2011, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2011, 4, 1, 0, 0, 0, 0, time.UTC)
	panel := func(p time.Time, users int) collector.Batch {
		var b collector.Batch
		for u := range users {
			b.Panel = append(b.Panel, imscope.PanelRecord{Period: p, UserKey: uint64(u + 1), Network: "qq", Segment: "office", ActiveDays: 3, Messages: 4})
		}
		return b
	}
	fresh := func(when string, p time.Time, rows uint64) {
		t.Helper()
		done, err := queries.RefreshPanel(ctx, real, p)
		if err != nil || len(done) != 1 || done[0].Rebuilt || done[0].Rows != rows {
			t.Fatalf("%s: RefreshPanel(%s) = %+v, %v; want an already fresh build of %d rows", when, p.Format(time.DateOnly), done, err, rows)
		}
	}
	if err := w.Add(ctx, panel(q1, 30)); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	fresh("after a run", q1, 30)

	e.down.Store(true)
	if err := w.Add(ctx, panel(q2, 20)); err != nil {
		t.Fatal(err)
	}
	if err := w.Flush(ctx); err != nil {
		t.Fatalf("flush while down: %v (the batch should have spooled)", err)
	}
	e.down.Store(false)
	if err := w.Replay(ctx); err != nil {
		t.Fatal(err)
	}
	fresh("after the replay", q2, 20)
}

// gated is the real engine with the inserts into usage_samples' staging
// table held at a gate: each announces itself on entered, then waits for a
// value on open.
type gated struct {
	queries.Engine
	entered, open chan struct{}
}

func (g *gated) Insert(ctx context.Context, table string, cols ...string) (queries.Batch, error) {
	// Usage rows are staged, or written straight when every row is newer
	// than what is stored (queries.Store): either way, this is the store.
	if stagedFor(table) == "usage_samples" {
		g.entered <- struct{}{}
		<-g.open
	}
	return g.Engine.Insert(ctx, table, cols...)
}

// stepping is a Source that emits its batches one at a time, saying on
// returned when each emit has returned.
type stepping struct {
	batches  []collector.Batch
	returned chan int
}

func (s *stepping) Collect(ctx context.Context, emit collector.Emit) error {
	for i, b := range s.batches {
		if err := emit(ctx, b); err != nil {
			return err
		}
		s.returned <- i
	}
	return nil
}

// TestRunnerStoresWhileReading: a run stores a full batch in the
// background while its source reads on, but never lets the source get more
// than one batch ahead of the store — and every row lands once, in order.
func TestRunnerStoresWhileReading(t *testing.T) {
	real := openEngine(t, "runner_overlap")
	e := &gated{Engine: real, entered: make(chan struct{}), open: make(chan struct{})}
	r := collector.NewRunner(real, collector.NewWriter(e, collector.WriterOptions{FlushRows: 10}), nil, nil)
	src := &stepping{returned: make(chan int, 10)}
	for i := range 3 {
		src.batches = append(src.batches, collector.Batch{Samples: batch(i*10, 10).Samples})
	}
	runs := make(chan collector.Run, 1)
	go func() {
		runs <- r.Run(context.Background(), collector.Collector{Name: "overlap", Kind: "csv", Source: src})
	}()

	<-e.entered // the first batch is being stored...
	if got := <-src.returned; got != 0 {
		t.Fatalf("emit %d returned first", got)
	}
	// ...while the source reads the second, whose emit then waits for the
	// store: the source is at most one batch ahead.
	select {
	case got := <-src.returned:
		t.Fatalf("emit %d returned while the batch before it was still being stored", got)
	case <-time.After(200 * time.Millisecond):
	}
	e.open <- struct{}{} // the first store goes on
	<-e.entered          // the second batch is being stored
	if got := <-src.returned; got != 1 {
		t.Fatalf("emit %d returned, want 1", got)
	}
	e.open <- struct{}{}
	<-e.entered
	e.open <- struct{}{}
	run := <-runs
	if run.Status != "ok" || run.Rows != 30 || run.Stored != 30 || run.Outcome.New != 30 {
		t.Fatalf("run %+v: want ok, 30 rows read and stored", run)
	}
	if n := count(t, real, "SELECT count() FROM usage_samples"); n != 30 {
		t.Fatalf("%d samples, want 30", n)
	}
}

// TestRunnerStoreErrorEndsRun: a batch ClickHouse refuses (not an outage:
// nothing to spool) ends the run with its error; the source is stopped at
// its next batch, and nothing after the refused batch is stored.
func TestRunnerStoreErrorEndsRun(t *testing.T) {
	real := openEngine(t, "runner_store_error")
	e := &refusing{Engine: real, table: "usage_samples"}
	e.on.Store(true)
	r := collector.NewRunner(real, collector.NewWriter(e, collector.WriterOptions{FlushRows: 10}), nil, nil)
	src := &source{}
	for i := range 5 {
		src.batches = append(src.batches, collector.Batch{Samples: batch(i*10, 10).Samples})
	}
	run := r.Run(context.Background(), collector.Collector{Name: "refused", Kind: "csv", Source: src})
	if run.Status != "error" || !strings.Contains(run.Error, "TYPE_MISMATCH") {
		t.Fatalf("run %+v: want the store's error", run)
	}
	if run.Rows > 20 {
		t.Fatalf("the source read %d rows: it should stop at the batch after the refused one", run.Rows)
	}
	if n := count(t, real, "SELECT count() FROM usage_samples"); n != 0 {
		t.Fatalf("%d samples stored, want none", n)
	}
}
