package queries

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/imscope/imscope"
)

// Store writes rows exactly once by their natural key (imscope.SampleKey and
// the like): a row whose key is stored already is not written again, however
// many inserts came between and whatever the batch boundaries, and its
// stored figures are handed back so the caller can tell a repeat from a
// conflict. Nothing reaches a table's materialized views twice, because the
// check happens before the insert into the table: a batch is loaded into a
// staging table (Memory engine), the staged keys already stored are looked
// up in one scan of the table, and the others are copied on by
// INSERT ... SELECT, in chunks that each hold the engine briefly
// (copyStaged). A batch of usage, traffic or states whose every row is
// stamped after the newest row stored from its source — what each scrape
// and push brings — cannot hold a stored key and is written as it is.
//
// A Store serialises its batches (one staging table per target table), and
// the check and the copy are two statements: a database has one writing
// Store at a time — the embedded engine's one process, or one imscope
// serving a ClickHouse server (the CLI works through it). Keys must be
// unique within one call.
type Store struct {
	e      Engine
	suffix string // this Store's staging tables: imscope_stage_TABLE_SUFFIX

	mu      sync.Mutex
	cleaned bool
	// empty holds the staging tables known to exist and be empty, so a
	// batch skips creating and emptying them: a scrape's few rows cost
	// half the statements. A batch takes its tables out and puts them back
	// once it has emptied them; a batch that fails to (or any error)
	// leaves them out, and the next one creates and empties them again.
	empty map[string]bool
	// newest is the newest time stamp stored per table and source, read
	// from the table the first time a source is met and raised by every
	// batch stored; forgotten (read again) after a batch that failed,
	// which may have written part of its rows. It is never below the
	// newest row in the table, as this Store is the table's one writer.
	newest map[sourceOf]time.Time
	// paces size the chunks of the copy from staging per table (copyStaged).
	paces map[string]*Pace
}

// sourceOf names one source's rows in one table.
type sourceOf struct{ table, source string }

// NewStore returns a Store writing into e.
func NewStore(e Engine) *Store {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return &Store{e: e, suffix: hex.EncodeToString(b[:]), empty: map[string]bool{}, newest: map[sourceOf]time.Time{}, paces: map[string]*Pace{}}
}

// Stored is a row given to a Store whose key was stored already: its index
// among the rows given, and the row as stored.
type Stored[T any] struct {
	Index int
	Row   T
}

// keyed is how one table is written by key.
type keyed[T any] struct {
	table    string
	stage    string   // CREATE TABLE IF NOT EXISTS {stage} ... (ord first)
	existing string   // SELECT ord, stored figures ... for staged keys already stored
	insert   string   // INSERT INTO table SELECT ... FROM {stage} WHERE ord NOT IN {skip}
	columns  []string // the staging table's columns after ord
	// values appends r's values, in columns' order, to dst: pointers to
	// r's fields where the rows are many (see send).
	values func(dst []any, r *T) []any
	// scan reads one row of existing: the staged row's index (ord) and,
	// from rows[ord] with the stored figures put in, the row as stored.
	scan func(r Rows, rows []T) (int, T, error)
	// anyStored, when set, returns a row when some staged key may be
	// stored, and none when none can be: a batch it returns none for
	// skips existing (panel rows, which have no time stamp for fresh).
	anyStored string
	// replaces, when set, says whether a given row is written over the
	// stored one (published shares: when its figures differ); otherwise a
	// stored key is never written again.
	replaces func(stored, given T) bool
	// newest (SELECT max(ts) … WHERE source = {source}) and stamp, when
	// set, let rows stamped after everything stored from their source skip
	// the lookup (Store.fresh): what a scrape or a push brings each run.
	newest string
	stamp  func(r *T) (source string, ts time.Time)
}

// staged returns the staged row ord names, with a check that it is one.
func staged[T any](rows []T, ord uint32) (T, error) {
	if int(ord) >= len(rows) {
		var zero T
		return zero, fmt.Errorf("staged row %d of %d", ord, len(rows))
	}
	return rows[ord], nil
}

var (
	sqlSkipStage     = mustSQL("store/skip_stage.sql")
	sqlStageTruncate = mustSQL("store/stage_truncate.sql")
	sqlStageDrop     = mustSQL("store/stage_drop.sql")
	sqlStagesStale   = mustSQL("store/stages_stale.sql")
)

var samplesKeyed = keyed[imscope.Sample]{
	table: "usage_samples", stage: mustSQL("store/usage_stage.sql"), existing: mustSQL("store/usage_existing.sql"), insert: mustSQL("store/usage_insert.sql"),
	newest: mustSQL("store/usage_newest.sql"), stamp: func(s *imscope.Sample) (string, time.Time) { return s.Source, s.TS },
	columns: []string{"ts", "source", "network", "metric", "segment", "value"},
	values: func(dst []any, s *imscope.Sample) []any {
		return append(dst, &s.TS, &s.Source, &s.Network, &s.Metric, &s.Segment, &s.Value)
	},
	scan: func(r Rows, rows []imscope.Sample) (int, imscope.Sample, error) {
		var ord uint32
		var value float64
		if err := r.Scan(&ord, &value); err != nil {
			return 0, imscope.Sample{}, err
		}
		s, err := staged(rows, ord)
		s.Value = value
		return int(ord), s, err
	},
}

var bridgesKeyed = keyed[imscope.BridgeSample]{
	table: "bridge_traffic", stage: mustSQL("store/bridge_stage.sql"), existing: mustSQL("store/bridge_existing.sql"), insert: mustSQL("store/bridge_insert.sql"),
	newest: mustSQL("store/bridge_newest.sql"), stamp: func(b *imscope.BridgeSample) (string, time.Time) { return b.Source, b.TS },
	columns: []string{"ts", "source", "bridge", "from_network", "to_network", "messages", "failures", "bytes", "latency", "latency_sum"},
	values: func(dst []any, b *imscope.BridgeSample) []any {
		lat := b.Latency
		if lat == nil {
			lat = map[uint64]uint64{}
		}
		return append(dst, &b.TS, &b.Source, &b.Bridge, &b.FromNetwork, &b.ToNetwork, &b.Messages, &b.Failures, &b.Bytes, lat, &b.LatencySum)
	},
	scan: func(r Rows, rows []imscope.BridgeSample) (int, imscope.BridgeSample, error) {
		var ord uint32
		var t imscope.BridgeSample
		if err := r.Scan(&ord, &t.Messages, &t.Failures, &t.Bytes, &t.Latency, &t.LatencySum); err != nil {
			return 0, t, err
		}
		b, err := staged(rows, ord)
		b.Messages, b.Failures, b.Bytes, b.Latency, b.LatencySum = t.Messages, t.Failures, t.Bytes, t.Latency, t.LatencySum
		return int(ord), b, err
	},
}

var panelKeyed = keyed[imscope.PanelRecord]{
	table: "panel_activity", stage: mustSQL("store/panel_stage.sql"), existing: mustSQL("store/panel_existing.sql"), insert: mustSQL("store/panel_insert.sql"),
	anyStored: mustSQL("store/panel_any_stored.sql"),
	columns:   []string{"period", "user_key", "network", "segment", "active_days", "messages"},
	values: func(dst []any, p *imscope.PanelRecord) []any {
		return append(dst, &p.Period, &p.UserKey, &p.Network, &p.Segment, &p.ActiveDays, &p.Messages)
	},
	scan: func(r Rows, rows []imscope.PanelRecord) (int, imscope.PanelRecord, error) {
		var ord uint32
		var days uint16
		var messages uint64
		if err := r.Scan(&ord, &days, &messages); err != nil {
			return 0, imscope.PanelRecord{}, err
		}
		p, err := staged(rows, ord)
		p.ActiveDays, p.Messages = days, messages
		return int(ord), p, err
	},
}

var reportsKeyed = keyed[imscope.MarketReport]{
	table: "market_reports", stage: mustSQL("store/reports_stage.sql"), existing: mustSQL("store/reports_existing.sql"), insert: mustSQL("store/reports_insert.sql"),
	columns: []string{"period", "period_start", "publisher", "basis", "network", "share", "bound", "note"},
	values: func(dst []any, m *imscope.MarketReport) []any {
		var note *string
		if m.Note != "" {
			note = &m.Note
		}
		return append(dst, m.Period, m.PeriodStart, m.Publisher, m.Basis, m.Network, m.Share, string(m.Bound), note)
	},
	scan: func(r Rows, rows []imscope.MarketReport) (int, imscope.MarketReport, error) {
		var ord uint32
		var share float64
		var bound string
		var note *string
		if err := r.Scan(&ord, &share, &bound, &note); err != nil {
			return 0, imscope.MarketReport{}, err
		}
		m, err := staged(rows, ord)
		m.Share, m.Bound, m.Note = share, imscope.Bound(bound), ""
		if note != nil {
			m.Note = *note
		}
		return int(ord), m, err
	},
	replaces: func(stored, given imscope.MarketReport) bool { return !stored.SameFigures(given) },
}

var statesKeyed = keyed[imscope.BridgeState]{
	table: "bridge_states", stage: mustSQL("store/states_stage.sql"), existing: mustSQL("store/states_existing.sql"), insert: mustSQL("store/states_insert.sql"),
	newest: mustSQL("store/states_newest.sql"), stamp: func(s *imscope.BridgeState) (string, time.Time) { return s.Source, s.TS },
	columns: []string{"ts", "source", "bridge", "remote_id", "state", "up", "error", "message"},
	values: func(dst []any, s *imscope.BridgeState) []any {
		return append(dst, s.TS, s.Source, s.Bridge, s.RemoteID, s.State, s.Up, s.Error, s.Message)
	},
	scan: func(r Rows, rows []imscope.BridgeState) (int, imscope.BridgeState, error) {
		var ord uint32
		var t imscope.BridgeState
		if err := r.Scan(&ord, &t.State, &t.Up, &t.Error, &t.Message); err != nil {
			return 0, t, err
		}
		s, err := staged(rows, ord)
		s.State, s.Up, s.Error, s.Message = t.State, t.Up, t.Error, t.Message
		return int(ord), s, err
	},
}

// Samples stores the usage samples whose key is not stored yet and returns
// the others as stored. A *SkippedRowsError lists rows refused by their
// columns; the rest were handled.
func (s *Store) Samples(ctx context.Context, rows []imscope.Sample) ([]Stored[imscope.Sample], error) {
	return storeKeyed(ctx, s, &samplesKeyed, rows)
}

// Bridges stores bridge traffic by key, as Samples does.
func (s *Store) Bridges(ctx context.Context, rows []imscope.BridgeSample) ([]Stored[imscope.BridgeSample], error) {
	return storeKeyed(ctx, s, &bridgesKeyed, rows)
}

// Panel stores panel activity by key, as Samples does.
func (s *Store) Panel(ctx context.Context, rows []imscope.PanelRecord) ([]Stored[imscope.PanelRecord], error) {
	return storeKeyed(ctx, s, &panelKeyed, rows)
}

// Reports stores published shares by key; unlike the other tables, a share
// whose stored figure differs is written too and replaces it (a report
// re-published with a correction). The shares whose key was stored are
// returned with their figures before this call.
func (s *Store) Reports(ctx context.Context, rows []imscope.MarketReport) ([]Stored[imscope.MarketReport], error) {
	return storeKeyed(ctx, s, &reportsKeyed, rows)
}

// States stores bridge states by key, as Samples does.
func (s *Store) States(ctx context.Context, rows []imscope.BridgeState) ([]Stored[imscope.BridgeState], error) {
	return storeKeyed(ctx, s, &statesKeyed, rows)
}

func storeKeyed[T any](ctx context.Context, s *Store, k *keyed[T], rows []T) ([]Stored[T], error) {
	if len(rows) == 0 {
		return nil, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.dropStaleLocked(ctx)
	stage := Named("stage", "imscope_stage_"+k.table+"_"+s.suffix)
	skip := Named("skip", "imscope_skip_"+s.suffix)
	isFresh, err := fresh(ctx, s, k, rows)
	if err != nil {
		return nil, err
	}
	var found []Stored[T]
	if isFresh {
		err = insertAll(ctx, s.e, k, rows)
	} else {
		kept := s.empty[stage.Value.(string)] || s.empty[skip.Value.(string)]
		found, err = storeStaged(ctx, s, k, rows, stage, skip)
		var skipped *SkippedRowsError
		if err != nil && kept && !errors.As(err, &skipped) && ctx.Err() == nil {
			// A staging table kept from the last batch may have been
			// dropped since (another process's cleanup of day-old tables):
			// try once more with both created afresh. Rows are stored by
			// key, so a second try never writes a row twice.
			found, err = storeStaged(ctx, s, k, rows, stage, skip)
		}
	}
	var skipped *SkippedRowsError
	if err == nil || errors.As(err, &skipped) {
		if skipped != nil {
			skipped.Table = k.table
		}
		noteNewest(s, k, rows)
	} else {
		forgetNewest(s, k, rows)
	}
	return found, err
}

// fresh reports whether every row is stamped after the newest row stored
// from its source, so that none can be stored yet and the batch is written
// as it is, without staging or looking keys up.
func fresh[T any](ctx context.Context, s *Store, k *keyed[T], rows []T) (bool, error) {
	if k.stamp == nil {
		return false, nil
	}
	for i := range rows {
		source, ts := k.stamp(&rows[i])
		newest, ok := s.newest[sourceOf{k.table, source}]
		if !ok {
			if err := s.readNewest(ctx, k.table, k.newest, source); err != nil {
				return false, err
			}
			newest = s.newest[sourceOf{k.table, source}]
		}
		if !ts.After(newest) {
			return false, nil
		}
	}
	return true, nil
}

// readNewest reads the newest time stamp stored in table from source.
func (s *Store) readNewest(ctx context.Context, table, query, source string) error {
	r, err := s.e.Query(ctx, query, Named("source", source))
	if err != nil {
		return fmt.Errorf("cannot read the newest row of %s from %q: %w", table, source, err)
	}
	defer r.Close()
	var newest time.Time
	if r.Next() {
		if err := r.Scan(&newest); err != nil {
			return fmt.Errorf("cannot read the newest row of %s from %q: %w", table, source, err)
		}
	}
	if err := r.Err(); err != nil {
		return fmt.Errorf("cannot read the newest row of %s from %q: %w", table, source, err)
	}
	s.newest[sourceOf{table, source}] = newest
	return nil
}

// noteNewest raises the newest time stamps of the rows' sources to the
// rows': every one of their keys is stored now (or was refused, which
// only sends a later row of its source through the lookup).
func noteNewest[T any](s *Store, k *keyed[T], rows []T) {
	if k.stamp == nil {
		return
	}
	for i := range rows {
		source, ts := k.stamp(&rows[i])
		at := sourceOf{k.table, source}
		if newest, ok := s.newest[at]; ok && ts.After(newest) {
			s.newest[at] = ts
		}
	}
}

// forgetNewest drops what is known of the rows' sources after a batch that
// failed and may have written part of its rows: the next batch reads the
// newest time stamp from the table again.
func forgetNewest[T any](s *Store, k *keyed[T], rows []T) {
	if k.stamp == nil {
		return
	}
	for i := range rows {
		source, _ := k.stamp(&rows[i])
		delete(s.newest, sourceOf{k.table, source})
	}
}

// storeStaged stores one batch through the staging tables stage and skip.
func storeStaged[T any](ctx context.Context, s *Store, k *keyed[T], rows []T, stage, skip Param) (_ []Stored[T], err error) {
	if err := s.prepare(ctx, k.stage, stage, "staging table of "+k.table); err != nil {
		return nil, err
	}
	if err := s.prepare(ctx, sqlSkipStage, skip, "table of staged rows to skip"); err != nil {
		return nil, err
	}
	skipUsed := false
	defer func() { // free their memory, and keep them for the next batch
		s.release(ctx, stage)
		if skipUsed || err != nil {
			s.release(ctx, skip)
		} else {
			s.empty[skip.Value.(string)] = true
		}
	}()
	cols := append([]string{"ord"}, k.columns...)
	var ord uint32 // one variable for every row: a batch reads its values at once (send)
	serr := send(ctx, s.e, stage.Value.(string), cols, len(rows), func(dst []any, i int) []any {
		ord = uint32(i)
		return k.values(append(dst, &ord), &rows[i])
	})
	var skipped *SkippedRowsError
	if serr != nil && !errors.As(serr, &skipped) {
		return nil, fmt.Errorf("cannot stage %d rows for %s: %w", len(rows), k.table, serr)
	}
	if skipped != nil {
		skipped.Table = k.table
		if skipped.Written == 0 {
			return nil, skipped
		}
	}
	found, err := existing(ctx, s.e, k, stage, rows)
	if err != nil {
		return nil, err
	}
	var keep []uint32 // staged rows not to store
	for _, f := range found {
		if k.replaces == nil || !k.replaces(f.Row, rows[f.Index]) {
			keep = append(keep, uint32(f.Index))
		}
	}
	skipUsed = len(keep) > 0
	if err := send(ctx, s.e, skip.Value.(string), []string{"ord"}, len(keep), func(dst []any, i int) []any { return append(dst, &keep[i]) }); err != nil {
		return nil, fmt.Errorf("cannot note the stored rows of %s: %w", k.table, err)
	}
	if err := s.copyStaged(ctx, k.table, k.insert, len(rows), stage, skip); err != nil {
		return nil, fmt.Errorf("cannot write %d rows to %s: %w", len(rows)-len(keep), k.table, err)
	}
	if skipped != nil {
		return found, skipped
	}
	return found, nil
}

// copyStaged copies the n staged rows not listed in skip on into table
// (the keyed insert statement), a chunk of staged rows at a time, each
// chunk sized by the table's Pace to hold the engine about
// DefaultStatementTarget: the embedded engine runs one statement at a time,
// and a reader waits for the one running. Chunks change nothing about
// exactly once: the keys were looked up for the whole batch before the
// first chunk, chunks are disjoint ranges of it, and a chunk that fails
// fails the batch (storeKeyed then forgets what it knew of the batch's
// sources), so the batch is stored again, and what its first chunks wrote
// is found stored by key, never written twice.
func (s *Store) copyStaged(ctx context.Context, table, insert string, n int, stage, skip Param) error {
	p := s.paces[table]
	if p == nil {
		p = NewPace(DefaultStatementTarget, firstCopyRows, minCopyRows, maxCopyRows)
		s.paces[table] = p
	}
	for first := 0; first < n; {
		end := min(n, first+p.Next())
		sctx, clock := TimeStatements(ctx)
		start := time.Now()
		if err := s.e.Exec(sctx, insert, stage, skip, Named("first", uint32(first)), Named("end", uint32(end))); err != nil {
			return fmt.Errorf("staged rows %d to %d of %d: %w", first, end, n, err)
		}
		took := clock()
		if took == 0 { // an engine that does not time its statements
			took = time.Since(start)
		}
		p.Observe(end-first, took)
		first = end
		if copiedChunk != nil {
			copiedChunk()
		}
	}
	return nil
}

// copiedChunk, when set (tests), is called after each chunk copyStaged copies.
var copiedChunk func()

// The bounds of a copy's chunk, in staged rows (copyStaged); the lower
// bound because an insert's fixed cost (parts in the table and its views)
// does not shrink with fewer rows (see queries/embedded's batch.go).
const (
	firstCopyRows = 1 << 14
	minCopyRows   = 1 << 13
	maxCopyRows   = 1 << 20
)

// prepare makes sure the staging table p names exists and is empty: it is
// created if missing (the first batch, or dropped by a cleanup) and emptied
// (a batch that failed half-way may have left rows in it), unless the last
// batch left it so.
func (s *Store) prepare(ctx context.Context, create string, p Param, what string) error {
	name := p.Value.(string)
	if s.empty[name] {
		delete(s.empty, name)
		return nil
	}
	if err := s.e.Exec(ctx, create, p); err != nil {
		return fmt.Errorf("cannot create the %s: %w", what, err)
	}
	if err := s.e.Exec(ctx, sqlStageTruncate, Named("stage", name)); err != nil {
		return fmt.Errorf("cannot empty the %s: %w", what, err)
	}
	return nil
}

// release empties a staging table after a batch, even when the batch's
// context has ended, and notes it empty when that worked.
func (s *Store) release(ctx context.Context, p Param) {
	name := p.Value.(string)
	if s.e.Exec(context.WithoutCancel(ctx), sqlStageTruncate, Named("stage", name)) == nil {
		s.empty[name] = true
	}
}

// existing reads the staged rows whose key is stored, with stored figures.
func existing[T any](ctx context.Context, e Engine, k *keyed[T], stage Param, rows []T) ([]Stored[T], error) {
	if k.anyStored != "" {
		some, err := collect(ctx, e, k.anyStored, []Param{stage}, func(r Rows) (n uint8, err error) { return n, r.Scan(&n) })
		if err != nil {
			return nil, fmt.Errorf("cannot look up stored keys of %s: %w", k.table, err)
		}
		if len(some) == 0 {
			return nil, nil
		}
	}
	r, err := e.Query(ctx, k.existing, stage)
	if err != nil {
		return nil, fmt.Errorf("cannot look up stored keys of %s: %w", k.table, err)
	}
	defer r.Close()
	var out []Stored[T]
	for r.Next() {
		i, row, err := k.scan(r, rows)
		if err != nil {
			return nil, fmt.Errorf("cannot look up stored keys of %s: %w", k.table, err)
		}
		out = append(out, Stored[T]{Index: i, Row: row})
	}
	if err := r.Err(); err != nil {
		return nil, fmt.Errorf("cannot look up stored keys of %s: %w", k.table, err)
	}
	return out, nil
}

// dropStaleLocked drops staging tables that processes left behind, once per
// Store. A failure only leaves them for the next process.
func (s *Store) dropStaleLocked(ctx context.Context) {
	if s.cleaned {
		return
	}
	s.cleaned = true
	r, err := s.e.Query(ctx, sqlStagesStale)
	if err != nil {
		return
	}
	var names []string
	for r.Next() {
		var n string
		if r.Scan(&n) == nil {
			names = append(names, n)
		}
	}
	r.Close()
	for _, n := range names {
		_ = s.e.Exec(ctx, sqlStageDrop, Named("stage", n))
	}
}
