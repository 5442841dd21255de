package checkpoints

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/imscope/imscope"
	"github.com/imscope/imscope/collector"
)

// lateGrace is how long after an interval ends its row is held back for
// checkpoints still in flight. Bridges send checkpoints as things happen,
// so seconds would do; the margin keeps most intervals to one row.
const lateGrace = 30 * time.Second

// Buffers between two Collect calls are bounded; when one is full the
// request is refused with 503 rather than data silently dropped.
const (
	maxBufferedStates   = 10_000
	maxBufferedProblems = 1_000
	maxProblemsPerBody  = 20 // rejections beyond this are summed up in one Problem
)

// Options are the receiver's dependencies; every field is optional.
type Options struct {
	Logger *slog.Logger        // default: discard
	Getenv func(string) string // default: os.Getenv; read only in New
	Now    func() time.Time    // default: time.Now; called concurrently
	// Stored reads the intervals of this receiver's traffic stored in the
	// last day (queries.StoredIntervals), once, before the first hand-over:
	// after a restart, an interval whose row was stored at shutdown then
	// gets its further rows under new keys. Nil: nothing is stored yet.
	Stored func(ctx context.Context, source string, since time.Time) ([]StoredInterval, error)
}

// StoredInterval is a stored traffic row's bridge and time stamp.
type StoredInterval struct {
	Bridge string
	TS     time.Time
}

// Receiver is a push collector: an http.Handler that bridges POST
// checkpoints and bridge states to, and a collector.Source whose Collect
// hands over what they pushed. It is safe for concurrent use.
type Receiver struct {
	name   string
	cfg    Config
	log    *slog.Logger
	now    func() time.Time
	tokens tokenSet

	stored func(ctx context.Context, source string, since time.Time) ([]StoredInterval, error)

	mu       sync.Mutex
	loaded   bool // the stored intervals are known
	events   *tracker
	traffic  *traffic
	states   []imscope.BridgeState
	problems []collector.Problem
	lost     int // problems not kept because the buffer was full
}

var _ collector.Source = (*Receiver)(nil)

// New checks cfg, reads every bridge's token from the environment, and
// returns a receiver named name (the source of its rows). A missing token is
// an error naming its variable.
func New(name string, cfg Config, opts Options) (*Receiver, error) {
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("checkpoints receiver %q: %w", name, err)
	}
	cfg = cfg.withDefaults()
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	tokens, err := newTokenSet(cfg.Bridges, opts.Getenv)
	if err != nil {
		return nil, fmt.Errorf("checkpoints receiver %q: %w", name, err)
	}
	return &Receiver{
		name:    name,
		cfg:     cfg,
		log:     opts.Logger.With("collector", name),
		now:     opts.Now,
		tokens:  tokens,
		stored:  opts.Stored,
		loaded:  opts.Stored == nil,
		events:  newTracker(cfg.PendingTTL, cfg.MaxPending),
		traffic: newTraffic(name, cfg.Interval),
	}, nil
}

// Collect hands over, in one batch, the traffic rows of intervals that have
// ended (and had lateGrace for stragglers), every bridge state and every
// problem received since the last call. The scheduler calls it every few
// seconds. If emit fails, the batch is kept for the next call.
func (r *Receiver) Collect(ctx context.Context, emit collector.Emit) error {
	return r.drain(ctx, emit, false)
}

// Flush is Collect including the intervals still open: call it once at
// shutdown so that nothing counted stays in memory. Events still waiting for
// their outcome are not counted.
func (r *Receiver) Flush(ctx context.Context, emit collector.Emit) error {
	return r.drain(ctx, emit, true)
}

func (r *Receiver) drain(ctx context.Context, emit collector.Emit, all bool) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("checkpoints receiver %q: %w", r.name, err)
	}
	if err := r.loadStored(ctx); err != nil {
		return err
	}
	r.mu.Lock()
	now := r.now()
	r.events.sweep(now)
	expired, evicted := r.events.takeCounts()
	b := collector.Batch{
		Bridges:  r.traffic.drain(now.Add(-lateGrace), all),
		States:   r.states,
		Problems: r.problems,
	}
	if r.lost > 0 {
		b.Problems = append(b.Problems, collector.Problem{
			Where:   r.name,
			Message: fmt.Sprintf("%d more problems were not kept (more than %d between two collections)", r.lost, maxBufferedProblems),
		})
	}
	r.states, r.problems, r.lost = nil, nil, 0
	r.mu.Unlock()

	if expired > 0 {
		r.log.Info("events forgotten without an outcome", "count", expired, "after", r.cfg.PendingTTL)
	}
	if evicted > 0 {
		r.log.Warn("events forgotten without an outcome: too many in flight; raise max_pending", "count", evicted, "max_pending", r.cfg.MaxPending)
	}
	if b.Rows() == 0 && len(b.Problems) == 0 {
		return nil
	}
	if err := emit(ctx, b); err != nil {
		r.putBack(b)
		return fmt.Errorf("checkpoints receiver %q: cannot hand over %d rows (kept for the next collection): %w", r.name, b.Rows(), err)
	}
	r.mu.Lock()
	r.traffic.handedOver(b.Bridges, now)
	r.mu.Unlock()
	return nil
}

// loadStored learns, once, which intervals of this receiver's traffic are
// stored already. Until it can, nothing is handed over: a row handed over
// under a stored key would be refused as a conflict and its counts lost.
func (r *Receiver) loadStored(ctx context.Context) error {
	r.mu.Lock()
	loaded := r.loaded
	r.mu.Unlock()
	if loaded {
		return nil
	}
	rows, err := r.stored(ctx, r.name, r.now().Add(-revisionMemory))
	if err != nil {
		return fmt.Errorf("checkpoints receiver %q: cannot read which intervals are stored (traffic is kept until it can): %w", r.name, err)
	}
	r.mu.Lock()
	r.traffic.stored(rows)
	r.loaded = true
	r.mu.Unlock()
	return nil
}

// putBack returns a batch emit refused, ahead of what arrived meanwhile.
func (r *Receiver) putBack(b collector.Batch) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.traffic.merge(b.Bridges)
	r.states = append(b.States, r.states...)
	r.problems = append(b.Problems, r.problems...)
}

// addCheckpoints counts the accepted checkpoints of one request from b.
func (r *Receiver) addCheckpoints(b *bridge, cps []checkpoint) {
	sortCheckpoints(cps)
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.now()
	for _, cp := range cps {
		r.traffic.add(b, r.events.apply(eventKey(b.ID, cp.EventID), cp, now))
	}
}

// addState buffers one bridge state row; false if the buffer is full.
func (r *Receiver) addState(row imscope.BridgeState) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.states) >= maxBufferedStates {
		return false
	}
	r.states = append(r.states, row)
	return true
}

// addProblems buffers problems found in one request.
func (r *Receiver) addProblems(ps ...collector.Problem) {
	r.mu.Lock()
	defer r.mu.Unlock()
	room := max(maxBufferedProblems-len(r.problems), 0)
	if len(ps) > room {
		r.lost += len(ps) - room
		ps = ps[:room]
	}
	r.problems = append(r.problems, ps...)
}
