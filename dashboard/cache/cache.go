package cache

import (
	"container/list"
	"context"
	"fmt"
	"sync"
	"time"
)

// Cache is a small TTL cache with least-recently-used eviction,
// single-flight filling, stale-while-revalidate and invalidation by data
// generation (Group). The API keeps its answers in such caches (whole
// rendered responses, results, the data-derived defaults such as the
// latest usage day) and the pages keep their drawn pages in one.
//
// Single flight matters more here than usual: the embedded engine runs one
// statement at a time, so ten browsers asking the same uncached question at
// once would otherwise queue ten identical queries behind each other.
//
// An entry lives in three ages. Fresh (younger than the TTL) it is served.
// Expired but within StaleFactor TTLs past expiry it is still served, at
// once, while one background refresh replaces it: askers never queue
// behind the refresh of an answer they could have had. Older, it is
// refilled while the askers wait, as is an entry that was never filled.
// A fill asking another cache (a page asking for an answer) gets no stale
// value either: what it makes is kept for a whole TTL.
// Whatever its age, an entry that read data which has changed since
// (Group.Changed) is never served: the first asker refills it.
type Cache[V any] struct {
	ttl   time.Duration // ≤ 0: nothing is kept (fill runs every time)
	stale time.Duration // how long past expiry an entry is served while refreshed
	max   int
	now   func() time.Time
	group *Group

	mu      sync.Mutex
	seq     uint64     // numbers fills in the order they start
	order   *list.List // front: most recently used
	items   map[string]*list.Element
	flights map[string]*flight[V]
}

// StaleFactor bounds how stale a served value may be: an entry is served
// while refreshed for up to StaleFactor × TTL past its expiry, and refilled
// while its askers wait after that (a refresh that keeps failing must not
// serve an old answer for ever).
const StaleFactor = 2

// State says where an answer came from.
type State int

const (
	Miss  State = iota // filled for this asker (or shared with one that was)
	Hit                // fresh from the cache
	Stale              // expired, served while a background refresh replaces it
)

func (s State) String() string {
	switch s {
	case Hit:
		return "hit"
	case Stale:
		return "stale"
	}
	return "miss"
}

type cacheItem[V any] struct {
	key     string
	val     V
	expires time.Time
	seq     uint64 // the fill's: a later fill's value is never replaced by an earlier one's
	reads   reads
}

// flight is a fill in progress that later askers of the same key wait for.
type flight[V any] struct {
	done chan struct{}
	val  V
	err  error
	seq  uint64
	rec  *recorder
}

// New makes a cache keeping entries for ttl (≤ 0: none kept; every Do
// fills), at most max of them, by the clock now, in group g (nil: a group
// of its own).
func New[V any](ttl time.Duration, max int, now func() time.Time, g *Group) *Cache[V] {
	if max <= 0 {
		max = 1
	}
	if g == nil {
		g = NewGroup(nil, 0)
	}
	return &Cache[V]{ttl: ttl, stale: StaleFactor * ttl, max: max, now: now, group: g,
		order: list.New(), items: map[string]*list.Element{}, flights: map[string]*flight[V]{}}
}

// get returns a fresh, current value for key.
func (c *Cache[V]) get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var zero V
	el, ok := c.items[key]
	if !ok {
		return zero, false
	}
	it := el.Value.(*cacheItem[V])
	if !c.now().Before(it.expires) || !c.group.current(it.reads) {
		return zero, false
	}
	return it.val, true
}

// Do returns the cached value for key, or fills it with fill. Concurrent
// callers with the same key share one fill; the State says whether the
// value was cached (fresh or stale) or filled. keep decides whether a
// filled value is stored (a response too large to keep is still returned).
// A failed fill is not cached; a failed background refresh leaves the
// stale value in place, and the next asker starts another.
//
// fill gets the context to work under: the caller's ctx when the caller
// waits, else one with the caller's values that the group bounds by its
// refresh timeout and cancels at Stop. A fill must not use anything of the
// request that started it beyond that context, as a refresh outlives its
// request. What the fill reads is declared with Reads under that context;
// values it takes from other caches of the group count as read too.
func (c *Cache[V]) Do(ctx context.Context, key string, fill func(context.Context) (V, error), keep func(V) bool) (val V, state State, err error) {
	c.mu.Lock()
	if el, ok := c.items[key]; ok {
		it := el.Value.(*cacheItem[V])
		now := c.now()
		switch {
		case !c.group.current(it.reads):
			c.removeLocked(el) // its data changed: never served again
		case now.Before(it.expires):
			c.order.MoveToFront(el)
			val, r := it.val, it.reads // a refresh may replace them once unlocked
			c.mu.Unlock()
			note(ctx, r)
			return val, Hit, nil
		case now.Before(it.expires.Add(c.stale)) && !inFill(ctx):
			c.order.MoveToFront(el)
			val, r := it.val, it.reads
			if _, busy := c.flights[key]; !busy {
				c.refreshLocked(ctx, key, fill, keep)
			}
			c.mu.Unlock()
			note(ctx, r)
			return val, Stale, nil
		}
		// Too stale to serve, or asked by a fill (which must not build a
		// new value on a stale one): refilled below, as if absent, and kept
		// (for its place in the LRU order) until then.
	}
	// A fill in progress is joined unless data it already read has changed
	// since: an asker after a landed batch never gets an answer from before.
	if f, ok := c.flights[key]; ok && c.group.current(f.rec.snapshot()) {
		c.mu.Unlock()
		select {
		case <-f.done:
			if f.err == nil {
				note(ctx, f.rec.snapshot())
			}
			return f.val, Miss, f.err
		case <-ctx.Done():
			return val, Miss, ctx.Err()
		}
	}
	f := c.startLocked(key)
	c.mu.Unlock()
	c.run(ctx, key, f, fill, keep, false)
	if f.err == nil {
		note(ctx, f.rec.snapshot())
	}
	return f.val, Miss, f.err
}

// startLocked registers a fill of key; a fill it replaces (one that read
// data changed since) runs on, and its value is stored only if no later
// fill's is.
func (c *Cache[V]) startLocked(key string) *flight[V] {
	c.seq++
	f := &flight[V]{done: make(chan struct{}), seq: c.seq, rec: newRecorder(c.group)}
	c.flights[key] = f
	return f
}

// refreshLocked starts the background refresh of an entry served stale to
// the asker with ctx.
func (c *Cache[V]) refreshLocked(ctx context.Context, key string, fill func(context.Context) (V, error), keep func(V) bool) {
	f := c.startLocked(key)
	if !c.group.spawn(ctx, func(ctx context.Context) { c.run(ctx, key, f, fill, keep, true) }) {
		delete(c.flights, key) // stopped: the server is going away
		f.err = context.Canceled
		close(f.done)
	}
}

// run fills f. A panic becomes the fill's error for those waiting on it;
// in the asker's own fill it is raised again (the recovery middleware
// answers it), in a background refresh it is logged.
func (c *Cache[V]) run(ctx context.Context, key string, f *flight[V], fill func(context.Context) (V, error), keep func(V) bool, background bool) {
	defer func() {
		r := recover()
		if r != nil {
			f.err = fmt.Errorf("panic while computing %s: %v", key, r)
		}
		c.mu.Lock()
		if c.flights[key] == f {
			delete(c.flights, key)
		}
		c.mu.Unlock()
		close(f.done)
		switch {
		case r != nil && !background:
			panic(r)
		case f.err != nil && background:
			c.group.log.Warn("cannot refresh a cached answer; serving the stale one meanwhile", "key", key, "err", f.err)
		}
	}()
	f.val, f.err = fill(f.rec.with(ctx))
	if f.err == nil && (keep == nil || keep(f.val)) {
		c.put(key, f.val, f.seq, f.rec.snapshot())
	}
}

// put stores val under key, evicting the least recently used entries
// beyond the cap, unless a later fill stored its value already.
func (c *Cache[V]) put(key string, val V, seq uint64, r reads) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	exp := c.now().Add(c.ttl)
	if el, ok := c.items[key]; ok {
		it := el.Value.(*cacheItem[V])
		if it.seq > seq {
			return
		}
		it.val, it.expires, it.seq, it.reads = val, exp, seq, r
		c.order.MoveToFront(el)
		return
	}
	c.items[key] = c.order.PushFront(&cacheItem[V]{key: key, val: val, expires: exp, seq: seq, reads: r})
	for c.order.Len() > c.max {
		c.removeLocked(c.order.Back())
	}
}

func (c *Cache[V]) removeLocked(el *list.Element) {
	c.order.Remove(el)
	delete(c.items, el.Value.(*cacheItem[V]).key)
}

// Clear drops every entry. Fills in progress store their values when they
// end.
func (c *Cache[V]) Clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.order.Init()
	clear(c.items)
}
