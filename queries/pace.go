package queries

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// DefaultStatementTarget is how long one statement of background work
// (a chunk of an insert, a slice of a panel rebuild) aims to hold the engine.
// The embedded engine runs one statement at a time, so a reader arriving
// meanwhile waits for at most about this long; much shorter and each
// statement's fixed cost (parsing, parts, the merge of small parts later)
// would slow the load.
const DefaultStatementTarget = 100 * time.Millisecond

// Pace sizes the chunks of a long piece of work so that each statement
// takes about Target: it starts from a guess and, after every chunk, scales
// the next by how far the last one's time was from the target — never
// growing more than twice at once, so one fast chunk (a cold cache, a part
// of empty rows) cannot make the next one huge. A Pace is safe for
// concurrent use; one per table (or kind of work) remembers its rate
// between batches.
type Pace struct {
	Target   time.Duration
	Min, Max int // bounds of a chunk; Max 0: none

	mu   sync.Mutex
	next int
}

// NewPace returns a Pace aiming at target, starting from first.
func NewPace(target time.Duration, first, lowest, highest int) *Pace {
	return &Pace{Target: target, Min: lowest, Max: highest, next: first}
}

// Next is the size of the next chunk.
func (p *Pace) Next() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.clamp(p.next)
}

// Observe notes that a chunk of n took took to run (without any wait for
// the engine).
func (p *Pace) Observe(n int, took time.Duration) {
	if n <= 0 || took <= 0 {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if n < p.next && took < p.Target {
		// A short chunk (the end of a batch) says little about a full
		// one, whose fixed costs weigh less: only a slow one counts.
		return
	}
	want := float64(n) * float64(p.Target) / float64(took)
	want = min(want, 2*float64(max(n, p.next)))
	p.next = p.clamp(int(want))
}

func (p *Pace) clamp(n int) int {
	if p.Max > 0 {
		n = min(n, p.Max)
	}
	return max(n, p.Min, 1)
}

// timingKey carries a statement clock (TimeStatements).
type timingKey struct{}

// TimeStatements returns ctx and a clock of the statements run with it: how
// long they ran inside the engine, without their wait for it. A Pace needs
// the running time: a chunk that waited behind readers did not take longer
// to insert. Engines that do not report it (a ClickHouse server runs
// statements at once, so there is no wait) leave the clock at 0 and the
// caller uses the time it measured itself.
func TimeStatements(ctx context.Context) (context.Context, func() time.Duration) {
	var d atomic.Int64
	return context.WithValue(ctx, timingKey{}, &d), func() time.Duration { return time.Duration(d.Load()) }
}

// NoteStatementTime is how an engine reports a statement's running time to
// the clock of TimeStatements, if ctx has one.
func NoteStatementTime(ctx context.Context, took time.Duration) {
	if d, ok := ctx.Value(timingKey{}).(*atomic.Int64); ok {
		d.Add(int64(took))
	}
}
