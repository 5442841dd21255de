package queries

import (
	"context"
	"fmt"
	"math"
	"time"
)

var (
	sqlPanelUsersState      = mustSQL("panel_users_state.sql")
	sqlPanelUsersSource     = mustSQL("panel_users_source.sql")
	sqlPanelUsersBuild      = mustSQL("panel_users_build.sql")
	sqlPanelUsersRecord     = mustSQL("panel_users_record.sql")
	sqlPanelUsersSuperseded = mustSQL("panel_users_superseded.sql")
	sqlPanelUsersDrop       = mustLayoutSQL("panel_users_drop.sql")
)

// maxBuildNetworks is how many networks a panel period may name and still
// have its users derived: panel_users.mask has one bit per network. Larger
// periods are answered from panel_activity directly, as before there were
// derived tables.
const maxBuildNetworks = 64

// PanelRefresh is what RefreshPanel did for one period.
type PanelRefresh struct {
	Period   time.Time
	Rebuilt  bool   // false: the period's build was already fresh
	Rows     uint64 // panel_activity rows the build stands for
	Networks int
	Duration time.Duration
}

// RefreshPanel brings the derived per-user panel tables (panel_users,
// panel_users_builds) of each period up to date with panel_activity. A
// period whose build read exactly the rows the period holds now (the same
// count and sum of row hashes, which ClickHouse keeps in a projection) is
// left alone — a re-import whose keys were all stored (queries.Store)
// changes no rows, so it costs a few milliseconds — and any other is rebuilt
// whole, because rows of one user may arrive in several inserts and only
// the whole period says which network is their primary.
//
// The loaders call it for the periods a load touched (collector.Writer, at
// the end of each run and after replaying the spool); the panel questions
// call it too before reading, so rows that reached panel_activity another
// way are never missed — only paid for by the first question after them.
func RefreshPanel(ctx context.Context, e Engine, periods ...time.Time) ([]PanelRefresh, error) {
	out := make([]PanelRefresh, 0, len(periods))
	for _, p := range periods {
		_, r, err := freshPanel(ctx, e, p)
		if err != nil {
			return out, err
		}
		out = append(out, r)
	}
	return out, nil
}

// panelBuild is the state of one period's derived data.
type panelBuild struct {
	generation  uint64 // 0: never built
	sourceRows  uint64 // panel_activity rows the build read,
	sourceHash  uint64 // and the sum of their hashes
	networks    []string
	currentRows uint64 // the same of the period's rows now
	currentHash uint64
}

func (b panelBuild) fresh() bool {
	return b.generation != 0 && b.sourceRows == b.currentRows && b.sourceHash == b.currentHash
}

// derived reports whether the build holds the period's users, which it does
// unless the period names more networks than a mask holds.
func (b panelBuild) derived() bool { return len(b.networks) <= maxBuildNetworks }

// panelBuilds lets one rebuild run at a time in this process: two questions
// about the same stale period build it once (the second finds it fresh),
// and a rebuild of 10 M users is heavy enough to want the machine alone. It
// is a one-slot semaphore rather than a mutex so that a caller whose
// context ends stops waiting. Builds in other processes (several imscope
// processes on one server) are not excluded, and need not be: each writes
// its own generation.
var panelBuilds = make(chan struct{}, 1)

// panelDerivable brings each period's build up to date and reports whether
// all of them hold their users.
func panelDerivable(ctx context.Context, e Engine, periods ...time.Time) (bool, error) {
	ok := true
	for _, p := range periods {
		b, _, err := freshPanel(ctx, e, p)
		if err != nil {
			return false, err
		}
		ok = ok && b.derived()
	}
	return ok, nil
}

// freshPanel returns period's current build, rebuilding it first if stale.
func freshPanel(ctx context.Context, e Engine, period time.Time) (panelBuild, PanelRefresh, error) {
	start := time.Now()
	done := func(b panelBuild, rebuilt bool) PanelRefresh {
		return PanelRefresh{Period: period, Rebuilt: rebuilt, Rows: b.sourceRows, Networks: len(b.networks), Duration: time.Since(start)}
	}
	b, err := panelState(ctx, e, period)
	if err != nil || b.fresh() {
		return b, done(b, false), err
	}
	select {
	case panelBuilds <- struct{}{}:
	case <-ctx.Done():
		return b, done(b, false), ctx.Err()
	}
	defer func() { <-panelBuilds }()
	// Another caller may have rebuilt it while this one waited.
	if b, err = panelState(ctx, e, period); err != nil || b.fresh() {
		return b, done(b, false), err
	}
	// Each statement of the build waits for the readers, as a load's do,
	// even when a reader asked for it: other readers need not wait for it.
	b, err = buildPanel(Background(ctx), e, period, b)
	return b, done(b, err == nil), err
}

func panelState(ctx context.Context, e Engine, period time.Time) (panelBuild, error) {
	b, err := collectOne(ctx, e, sqlPanelUsersState, []Param{Named("period", period)}, func(r Rows) (b panelBuild, err error) {
		return b, r.Scan(&b.generation, &b.sourceRows, &b.sourceHash, &b.networks, &b.currentRows, &b.currentHash)
	})
	if err != nil {
		return panelBuild{}, fmt.Errorf("cannot read the panel build of %s: %w", period.Format(time.DateOnly), err)
	}
	return b, nil
}

// buildPanel rebuilds one period as a new generation, records it as
// current, then drops the generations before it. now is the period's
// current build and its rows as read just before (panelState): the new
// generation must exceed the current one, and records the count and hash
// sum of those rows — read before anything else of the build, so a row
// landing during the build makes it stale rather than missed.
//
// The users are built a slice of the key space at a time, each slice one
// short statement (buildSlices), into the new generation's own partition,
// which no reader reads until the generation is recorded: readers see the
// old build whole until then, and the new one whole after.
func buildPanel(ctx context.Context, e Engine, period time.Time, now panelBuild) (panelBuild, error) {
	day := period.Format(time.DateOnly)
	b := panelBuild{sourceRows: now.currentRows, sourceHash: now.currentHash, currentRows: now.currentRows, currentHash: now.currentHash}
	networks, err := collectOne(ctx, e, sqlPanelUsersSource, []Param{Named("period", period)}, func(r Rows) (n []string, err error) {
		return n, r.Scan(&n)
	})
	if err != nil {
		return panelBuild{}, fmt.Errorf("cannot read the networks of panel period %s: %w", day, err)
	}
	b.networks = networks
	b.generation = max(uint64(time.Now().UnixNano()), now.generation+1)
	if b.networks == nil {
		b.networks = []string{}
	}
	gen := []Param{Named("period", period), Named("generation", b.generation)}
	if b.derived() && b.sourceRows > 0 {
		// Per segment first, then all segments together ('').
		for _, all := range []bool{false, true} {
			if err := buildSlices(ctx, e, b.sourceRows, append(gen, Named("all_segments", all), Named("networks", b.networks))); err != nil {
				return panelBuild{}, fmt.Errorf("cannot build the users of panel period %s: %w", day, err)
			}
		}
	}
	if err := e.Exec(ctx, sqlPanelUsersRecord, append(gen, Named("source_rows", b.sourceRows), Named("source_hash", b.sourceHash), Named("networks", b.networks), Named("built_at", time.Now()))...); err != nil {
		return panelBuild{}, fmt.Errorf("cannot record the build of panel period %s: %w", day, err)
	}
	old, err := collect(ctx, e, sqlPanelUsersSuperseded, gen, func(r Rows) (g uint64, err error) { return g, r.Scan(&g) })
	if err != nil {
		return b, fmt.Errorf("cannot list superseded builds of panel period %s: %w", day, err)
	}
	for _, g := range old {
		if err := sqlPanelUsersDrop.exec(ctx, e, Named("period", period), Named("generation", g)); err != nil {
			return b, fmt.Errorf("cannot drop a superseded build of panel period %s: %w", day, err)
		}
	}
	return b, nil
}

// panelPace sizes the slices of panel builds in panel_activity rows, so
// that each slice's statement takes about DefaultStatementTarget; it is
// used under panelBuilds, one build at a time.
var panelPace = NewPace(DefaultStatementTarget, 1<<17, 1<<15, 0)

// panelSliceBuilt, when set (tests), is called after each slice of a build.
var panelSliceBuilt func()

// buildSlices runs panel_users_build.sql (params: all but the key range)
// over the whole user_key space, one slice at a time. user_key is a keyed
// hash, so a slice's share of the key space is its share of the period's
// rows, and a slice is sized from rows (panelPace) and the period's.
func buildSlices(ctx context.Context, e Engine, rows uint64, params []Param) error {
	const keySpace = float64(1 << 64)
	for lo := uint64(0); ; {
		share := float64(panelPace.Next()) / float64(rows)
		hi := uint64(math.MaxUint64)
		if span := share * keySpace; span < keySpace {
			if n := max(uint64(span), 1); n <= math.MaxUint64-lo {
				hi = lo + n - 1
			}
		}
		sctx, clock := TimeStatements(ctx)
		start := time.Now()
		if err := e.Exec(sctx, sqlPanelUsersBuild, append(params, Named("lo", lo), Named("hi", hi))...); err != nil {
			return err
		}
		took := clock()
		if took == 0 {
			took = time.Since(start)
		}
		panelPace.Observe(int(float64(rows)*float64(hi-lo)/keySpace)+1, took)
		if panelSliceBuilt != nil {
			panelSliceBuilt()
		}
		if hi == math.MaxUint64 {
			return nil
		}
		lo = hi + 1
	}
}
