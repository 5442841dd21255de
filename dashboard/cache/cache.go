package cache

import (
	"container/list"
	"context"
	"fmt"
	"sync"
	"time"
)

// Cache is a small TTL cache with least-recently-used eviction and
// single-flight filling. The API keeps its answers in such caches (whole
// rendered responses, results, the data-derived defaults such as the
// latest usage day) and the pages keep their drawn pages in one.
//
// Single flight matters more here than usual: the embedded engine runs one
// statement at a time, so ten browsers asking the same uncached question at
// once would otherwise queue ten identical queries behind each other.
type Cache[V any] struct {
	ttl time.Duration // ≤ 0: nothing is kept (fill runs every time)
	max int
	now func() time.Time

	mu      sync.Mutex
	order   *list.List // front: most recently used
	items   map[string]*list.Element
	flights map[string]*flight[V]
}

type cacheItem[V any] struct {
	key     string
	val     V
	expires time.Time
}

// flight is a fill in progress that later askers of the same key wait for.
type flight[V any] struct {
	done chan struct{}
	val  V
	err  error
}

// New makes a cache keeping entries for ttl (≤ 0: none kept; every Do
// fills), at most max of them, by the clock now.
func New[V any](ttl time.Duration, max int, now func() time.Time) *Cache[V] {
	if max <= 0 {
		max = 1
	}
	return &Cache[V]{ttl: ttl, max: max, now: now, order: list.New(), items: map[string]*list.Element{}, flights: map[string]*flight[V]{}}
}

// get returns a fresh value for key.
func (c *Cache[V]) get(key string) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.getLocked(key)
}

func (c *Cache[V]) getLocked(key string) (V, bool) {
	var zero V
	el, ok := c.items[key]
	if !ok {
		return zero, false
	}
	it := el.Value.(*cacheItem[V])
	if !c.now().Before(it.expires) {
		c.order.Remove(el)
		delete(c.items, key)
		return zero, false
	}
	c.order.MoveToFront(el)
	return it.val, true
}

// put stores val under key, evicting the least recently used entries
// beyond the cap.
func (c *Cache[V]) put(key string, val V) {
	if c.ttl <= 0 {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	exp := c.now().Add(c.ttl)
	if el, ok := c.items[key]; ok {
		it := el.Value.(*cacheItem[V])
		it.val, it.expires = val, exp
		c.order.MoveToFront(el)
		return
	}
	c.items[key] = c.order.PushFront(&cacheItem[V]{key: key, val: val, expires: exp})
	for c.order.Len() > c.max {
		last := c.order.Back()
		c.order.Remove(last)
		delete(c.items, last.Value.(*cacheItem[V]).key)
	}
}

// Do returns the cached value for key, or fills it. Concurrent callers with
// the same key share one fill; hit is true only for a value that was
// already cached. keep decides whether a filled value is stored (a response
// too large to keep is still returned). A failed fill is not cached.
func (c *Cache[V]) Do(ctx context.Context, key string, fill func() (V, error), keep func(V) bool) (val V, hit bool, err error) {
	c.mu.Lock()
	if v, ok := c.getLocked(key); ok {
		c.mu.Unlock()
		return v, true, nil
	}
	if f, ok := c.flights[key]; ok {
		c.mu.Unlock()
		select {
		case <-f.done:
			return f.val, false, f.err
		case <-ctx.Done():
			return val, false, ctx.Err()
		}
	}
	f := &flight[V]{done: make(chan struct{})}
	c.flights[key] = f
	c.mu.Unlock()

	defer func() {
		r := recover()
		if r != nil {
			f.err = fmt.Errorf("panic while computing %s: %v", key, r)
		}
		c.mu.Lock()
		delete(c.flights, key)
		c.mu.Unlock()
		close(f.done)
		if r != nil {
			panic(r) // the waiters got an error; the recovery middleware answers this one
		}
	}()
	f.val, f.err = fill()
	if f.err == nil && (keep == nil || keep(f.val)) {
		c.put(key, f.val)
	}
	return f.val, false, f.err
}

// Clear drops every entry: after an action that changes the data (a
// collector run from the dashboard), answers are recomputed.
func (c *Cache[V]) Clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.order.Init()
	clear(c.items)
}
