package cache

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Group is what the caches of one server share: the generations of the
// data their answers were computed from, and their background refreshes.
//
// Data is named by the caller ("usage", "traffic", …): a fill says which
// data it reads (Reads), and Changed says which data a landed batch
// changed. An entry that read changed data is outdated at once, whatever
// its TTL, and is never served again — not even while it is refreshed —
// while the answers that read other data stay. A TTL alone let an empty
// answer outlive the first batch by a whole TTL.
//
// Generations are counted on one clock, the epoch, that every change
// advances: a read notes the epoch it happened at, and it is current as
// long as its data has not changed at a later epoch.
type Group struct {
	log     *slog.Logger
	timeout time.Duration // bounds one background refresh

	ctx       context.Context // background refreshes; cancelled by Stop
	cancel    context.CancelFunc
	refreshes sync.WaitGroup

	mu      sync.RWMutex
	epoch   uint64            // advanced by every change
	changed map[string]uint64 // data name → the epoch of its latest change
	all     uint64            // the epoch of the latest change to everything
	stopped bool
}

// NewGroup returns a group whose background refreshes may each take up to
// refreshTimeout (≤ 0: a minute) and log their failures to log.
func NewGroup(log *slog.Logger, refreshTimeout time.Duration) *Group {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if refreshTimeout <= 0 {
		refreshTimeout = time.Minute
	}
	ctx, cancel := context.WithCancel(context.Background())
	return &Group{log: log, timeout: refreshTimeout, ctx: ctx, cancel: cancel, changed: map[string]uint64{}}
}

// Changed says that the named data changed: every entry, in every cache
// of the group, that read any of it is outdated from now on.
func (g *Group) Changed(names ...string) {
	if len(names) == 0 {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.epoch++
	for _, n := range names {
		g.changed[n] = g.epoch
	}
}

// ChangedAll outdates every entry: after a change whose reach is not
// known, such as an admin action.
func (g *Group) ChangedAll() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.epoch++
	g.all = g.epoch
}

// Stop cancels the background refreshes running and waits for them to
// return; no new one starts. A server calls it when it shuts down, before
// the engine the refreshes query is closed.
func (g *Group) Stop() {
	g.mu.Lock()
	g.stopped = true
	g.mu.Unlock()
	g.cancel()
	g.refreshes.Wait()
}

// now is the current epoch.
func (g *Group) now() uint64 {
	g.mu.RLock()
	defer g.mu.RUnlock()
	return g.epoch
}

// current reports whether nothing r read has changed since it was read.
func (g *Group) current(r reads) bool {
	g.mu.RLock()
	defer g.mu.RUnlock()
	if g.all > r.start {
		return false
	}
	for name, at := range r.at {
		if g.changed[name] > at {
			return false
		}
	}
	return true
}

// spawn runs fn in the background with a context that Stop cancels and
// the refresh timeout bounds; false once the group is stopped. The context
// keeps parent's values (parent being the request that found the entry
// stale) but not its end: the refresh answers for readers, and goes in
// their lane to the engine, not behind the background work.
func (g *Group) spawn(parent context.Context, fn func(ctx context.Context)) bool {
	g.mu.Lock()
	if g.stopped {
		g.mu.Unlock()
		return false
	}
	g.refreshes.Add(1)
	g.mu.Unlock()
	go func() {
		defer g.refreshes.Done()
		ctx, cancel := context.WithTimeout(context.WithoutCancel(parent), g.timeout)
		defer cancel()
		defer context.AfterFunc(g.ctx, cancel)()
		fn(ctx)
	}()
	return true
}
