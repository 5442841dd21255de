package cache

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestCacheEviction(t *testing.T) {
	c := New[int](time.Minute, 2, time.Now, nil)
	ctx := context.Background()
	fill := func(v int) func(context.Context) (int, error) {
		return func(context.Context) (int, error) { return v, nil }
	}
	for i, k := range []string{"a", "b", "a", "c"} { // c evicts b, the least recently used
		c.Do(ctx, k, fill(i), nil)
	}
	if _, ok := c.get("b"); ok {
		t.Error("b survived; the cap is 2 and b was least recently used")
	}
	if v, ok := c.get("a"); !ok || v != 0 {
		t.Errorf("a = %v, %v", v, ok)
	}
	if _, st, _ := c.Do(ctx, "big", fill(9), func(int) bool { return false }); st != Miss {
		t.Errorf("%v on a new key", st)
	}
	if _, ok := c.get("big"); ok {
		t.Error("an entry keep refused was stored")
	}
	if _, _, err := c.Do(ctx, "bad", func(context.Context) (int, error) { return 0, errors.New("no") }, nil); err == nil {
		t.Error("the fill's error was lost")
	}
	if _, ok := c.get("bad"); ok {
		t.Error("a failed fill was cached")
	}
}

// TestCacheSingleFlight: concurrent askers of one key share one fill.
func TestCacheSingleFlight(t *testing.T) {
	c := New[string](time.Minute, 8, time.Now, nil)
	var fills atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, _, err := c.Do(context.Background(), "k", func(context.Context) (string, error) {
				fills.Add(1)
				<-release
				return "v", nil
			}, nil)
			if err != nil || v != "v" {
				t.Errorf("asker %d: %q, %v", i, v, err)
			}
		}()
	}
	time.Sleep(50 * time.Millisecond) // let every asker reach the cache
	close(release)
	wg.Wait()
	if n := fills.Load(); n != 1 {
		t.Errorf("%d fills for one key, want 1", n)
	}
}

// fakeClock is a clock the test moves.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (f *fakeClock) Now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.now }
func (f *fakeClock) Add(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
}

// filler counts fills and returns "v1", "v2", … (or what next says), each
// reading data "usage"; a fill blocks while gate is set and not closed.
type filler struct {
	mu   sync.Mutex
	n    int
	gate chan struct{}
	next func(n int) (string, error) // nil: "vN"
}

func newFiller() *filler { return &filler{} }

func (f *filler) fill(ctx context.Context) (string, error) {
	f.mu.Lock()
	f.n++
	n, gate, next := f.n, f.gate, f.next
	f.mu.Unlock()
	Reads(ctx, "usage")
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return "", ctx.Err()
		}
	}
	if next != nil {
		return next(n)
	}
	return fmt.Sprintf("v%d", n), nil
}

func (f *filler) count() int { f.mu.Lock(); defer f.mu.Unlock(); return f.n }

// settle waits for c's background refreshes to end.
func settle[V any](t *testing.T, c *Cache[V]) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
		c.mu.Lock()
		n := len(c.flights)
		c.mu.Unlock()
		if n == 0 {
			return
		}
	}
	t.Fatal("a background refresh did not end")
}

// TestCacheAges: what an asker gets from an entry by its age and by what
// happened to its data, with a fake clock (TTL 10 s, served stale up to 20 s
// past expiry).
func TestCacheAges(t *testing.T) {
	type step struct {
		advance time.Duration // before asking
		changed []string      // data changed before asking
		fail    bool          // fills from here on fail
		heal    bool          // fills from here on succeed again
		want    string
		state   State
		err     bool
		settle  bool // a background refresh was started: wait for it to end
	}
	tests := []struct {
		name  string
		steps []step
		fills int
	}{
		{"fresh hit", []step{
			{want: "v1", state: Miss},
			{advance: 9 * time.Second, want: "v1", state: Hit},
		}, 1},
		{"expired: stale served, one refresh replaces it", []step{
			{want: "v1", state: Miss},
			{advance: 11 * time.Second, want: "v1", state: Stale, settle: true},
			{want: "v2", state: Hit},
		}, 2},
		{"too stale: refilled while the asker waits", []step{
			{want: "v1", state: Miss},
			{advance: 31 * time.Second, want: "v2", state: Miss},
			{want: "v2", state: Hit},
		}, 2},
		{"data changed: a fresh entry is refilled", []step{
			{want: "v1", state: Miss},
			{changed: []string{"usage"}, want: "v2", state: Miss},
			{want: "v2", state: Hit},
		}, 2},
		{"data changed: an expired entry is never served stale", []step{
			{want: "v1", state: Miss},
			{advance: 11 * time.Second, changed: []string{"usage"}, want: "v2", state: Miss},
		}, 2},
		{"other data changed: the entry stays", []step{
			{want: "v1", state: Miss},
			{changed: []string{"traffic"}, want: "v1", state: Hit},
			{advance: 11 * time.Second, changed: []string{"traffic"}, want: "v1", state: Stale, settle: true},
		}, 2},
		{"refresh fails: the stale value stays, the next asker retries", []step{
			{want: "v1", state: Miss},
			{advance: 11 * time.Second, fail: true, want: "v1", state: Stale, settle: true},
			{want: "v1", state: Stale, settle: true},
			{heal: true, want: "v1", state: Stale, settle: true},
			{want: "v4", state: Hit},
		}, 4},
		{"refresh keeps failing: past the stale bound the asker gets the error", []step{
			{want: "v1", state: Miss},
			{advance: 11 * time.Second, fail: true, want: "v1", state: Stale, settle: true},
			{advance: 20 * time.Second, err: true},
		}, 3},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
			g := NewGroup(nil, time.Minute)
			defer g.Stop()
			c := New[string](10*time.Second, 8, clock.Now, g)
			f := newFiller()
			fail := false
			for i, s := range tc.steps {
				clock.Add(s.advance)
				g.Changed(s.changed...)
				if s.fail {
					fail = true
				}
				if s.heal {
					fail = false
				}
				func() {
					f.mu.Lock()
					defer f.mu.Unlock()
					if fail {
						f.next = func(int) (string, error) { return "", errors.New("engine away") }
					} else {
						f.next = nil
					}
				}()
				v, st, err := c.Do(context.Background(), "k", f.fill, nil)
				if s.err {
					if err == nil {
						t.Errorf("step %d: %q %v, want an error", i, v, st)
					}
					continue
				}
				if err != nil || v != s.want || st != s.state {
					t.Errorf("step %d: %q %v %v, want %q %v", i, v, st, err, s.want, s.state)
				}
				if s.settle {
					settle(t, c)
				}
			}
			if n := f.count(); n != tc.fills {
				t.Errorf("%d fills, want %d", n, tc.fills)
			}
		})
	}
}

// TestCacheStaleDoesNotQueue: while one refresh runs, every asker of the
// expired entry gets the stale value at once, and only one refresh runs.
func TestCacheStaleDoesNotQueue(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	g := NewGroup(nil, time.Minute)
	defer g.Stop()
	c := New[string](10*time.Second, 8, clock.Now, g)
	f := newFiller()
	if v, _, _ := c.Do(context.Background(), "k", f.fill, nil); v != "v1" {
		t.Fatalf("first fill %q", v)
	}
	gate := make(chan struct{})
	f.mu.Lock()
	f.gate = gate
	f.mu.Unlock()
	clock.Add(15 * time.Second)
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			v, st, err := c.Do(ctx, "k", f.fill, nil)
			if err != nil || v != "v1" || st != Stale {
				t.Errorf("asker %d: %q %v %v, want the stale v1 at once", i, v, st, err)
			}
		}()
	}
	wg.Wait() // returns although the refresh is held at the gate
	close(gate)
	settle(t, c)
	if n := f.count(); n != 2 {
		t.Errorf("%d fills, want the first and one refresh", n)
	}
	if v, st, _ := c.Do(context.Background(), "k", f.fill, nil); v != "v2" || st != Hit {
		t.Errorf("after the refresh: %q %v, want v2 hit", v, st)
	}
}

// TestCacheChangedDuringFill: a fill that began before its data changed is
// not joined by askers after the change, and its value is not served.
func TestCacheChangedDuringFill(t *testing.T) {
	g := NewGroup(nil, time.Minute)
	defer g.Stop()
	c := New[string](time.Minute, 8, time.Now, g)
	f := newFiller()
	gate := make(chan struct{})
	f.gate = gate
	first := make(chan string)
	go func() {
		v, _, _ := c.Do(context.Background(), "k", f.fill, nil)
		first <- v
	}()
	for f.count() == 0 { // the first fill has read "usage" and waits at the gate
		time.Sleep(time.Millisecond)
	}
	g.Changed("usage")
	f.mu.Lock()
	f.gate = nil
	f.mu.Unlock()
	v, st, err := c.Do(context.Background(), "k", f.fill, nil)
	if err != nil || v != "v2" || st != Miss {
		t.Errorf("asker after the change: %q %v %v, want its own fill v2", v, st, err)
	}
	close(gate)
	if v := <-first; v != "v1" {
		t.Errorf("first asker: %q", v)
	}
	if v, st, _ := c.Do(context.Background(), "k", f.fill, nil); v != "v2" || st != Hit {
		t.Errorf("then: %q %v, want v2 (the earlier fill must not replace it)", v, st)
	}
}

// TestCacheNestedReads: a value taken from another cache of the group
// inside a fill counts as read by the fill.
func TestCacheNestedReads(t *testing.T) {
	g := NewGroup(nil, time.Minute)
	defer g.Stop()
	inner := New[string](time.Minute, 8, time.Now, g)
	outer := New[string](time.Minute, 8, time.Now, g)
	var outerFills atomic.Int32
	ask := func() string {
		v, _, err := outer.Do(context.Background(), "page", func(ctx context.Context) (string, error) {
			outerFills.Add(1)
			a, _, err := inner.Do(ctx, "answer", func(ctx context.Context) (string, error) {
				Reads(ctx, "panel")
				return "panel", nil
			}, nil)
			return "page of " + a, err
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, step := range []struct {
		changed []string
		fills   int32
	}{
		{nil, 1},
		{nil, 1},                 // both cached
		{[]string{"usage"}, 1},   // neither read usage
		{[]string{"panel"}, 2},   // the inner answer read panel: the page is outdated too
		{nil, 2},                 // and cached again
		{[]string{"panel"}, 3},   // also when the inner answer was a hit for the page's fill
		{[]string{"traffic"}, 3}, // unrelated
	} {
		g.Changed(step.changed...)
		if v := ask(); v != "page of panel" {
			t.Fatalf("page %q", v)
		}
		if n := outerFills.Load(); n != step.fills {
			t.Errorf("after %v: %d page fills, want %d", step.changed, n, step.fills)
		}
	}
	g.ChangedAll()
	ask()
	if n := outerFills.Load(); n != 4 {
		t.Errorf("after ChangedAll: %d page fills, want 4", n)
	}
}

// TestCachePanic: a panicking fill raises the panic in its asker and gives
// those waiting on it an error; in a background refresh it is an error
// that keeps the stale value.
func TestCachePanic(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	g := NewGroup(nil, time.Minute)
	defer g.Stop()
	c := New[string](10*time.Second, 8, clock.Now, g)
	boom := func(context.Context) (string, error) { panic("boom") }
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Errorf("recovered %v, want the fill's panic", r)
			}
		}()
		c.Do(context.Background(), "k", boom, nil)
		t.Error("no panic")
	}()
	if _, ok := c.get("k"); ok {
		t.Error("a panicking fill was cached")
	}
	if _, _, err := c.Do(context.Background(), "k", func(context.Context) (string, error) { return "v1", nil }, nil); err != nil {
		t.Fatal(err)
	}
	clock.Add(11 * time.Second)
	done := make(chan struct{})
	v, st, err := c.Do(context.Background(), "k", func(context.Context) (string, error) { defer close(done); panic("boom") }, nil)
	if err != nil || v != "v1" || st != Stale {
		t.Errorf("stale ask: %q %v %v", v, st, err)
	}
	<-done
	settle(t, c)
	v, st, err = c.Do(context.Background(), "k", func(context.Context) (string, error) { return "v2", nil }, nil)
	if err != nil || v != "v1" || st != Stale {
		t.Errorf("after a panicking refresh: %q %v %v, want the stale v1 and another refresh", v, st, err)
	}
}

// TestCacheStop: Stop cancels a refresh in progress and waits for it; no
// refresh starts after.
func TestCacheStop(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	g := NewGroup(nil, time.Minute)
	c := New[string](10*time.Second, 8, clock.Now, g)
	c.Do(context.Background(), "k", func(context.Context) (string, error) { return "v1", nil }, nil)
	clock.Add(11 * time.Second)
	started, ended := make(chan struct{}), make(chan error, 1)
	c.Do(context.Background(), "k", func(ctx context.Context) (string, error) {
		close(started)
		<-ctx.Done()
		ended <- ctx.Err()
		return "", ctx.Err()
	}, nil)
	<-started
	g.Stop()
	select {
	case err := <-ended:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("refresh ended with %v", err)
		}
	default:
		t.Error("Stop returned before the refresh did")
	}
	var ran atomic.Bool
	v, st, _ := c.Do(context.Background(), "k", func(context.Context) (string, error) { ran.Store(true); return "v2", nil }, nil)
	if v != "v1" || st != Stale {
		t.Errorf("after Stop: %q %v", v, st)
	}
	time.Sleep(20 * time.Millisecond)
	if ran.Load() {
		t.Error("a refresh started after Stop")
	}
}

// TestCacheFillGetsNoStale: a refresh that asks another cache for an
// expired value waits for it to be refilled rather than building on it.
func TestCacheFillGetsNoStale(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	g := NewGroup(nil, time.Minute)
	defer g.Stop()
	inner := New[string](10*time.Second, 8, clock.Now, g)
	outer := New[string](10*time.Second, 8, clock.Now, g)
	f := newFiller()
	page := func(ctx context.Context) (string, error) {
		v, _, err := inner.Do(ctx, "answer", f.fill, nil)
		return "page of " + v, err
	}
	if v, _, _ := outer.Do(context.Background(), "page", page, nil); v != "page of v1" {
		t.Fatalf("first: %q", v)
	}
	clock.Add(11 * time.Second) // both expired
	if v, st, _ := outer.Do(context.Background(), "page", page, nil); v != "page of v1" || st != Stale {
		t.Fatalf("expired page: %q %v, want the stale page", v, st)
	}
	settle(t, outer)
	if v, st, _ := outer.Do(context.Background(), "page", page, nil); v != "page of v2" || st != Hit {
		t.Errorf("refreshed page: %q %v, want it drawn from a refilled answer", v, st)
	}
}

type laneKey struct{}

// TestCacheRefreshKeepsValues: a background refresh runs with the values of
// the request that found the entry stale (such as its lane to the engine),
// not with its end.
func TestCacheRefreshKeepsValues(t *testing.T) {
	clock := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	g := NewGroup(nil, time.Minute)
	defer g.Stop()
	c := New[string](10*time.Second, 8, clock.Now, g)
	c.Do(context.Background(), "k", func(context.Context) (string, error) { return "v1", nil }, nil)
	clock.Add(11 * time.Second)
	ctx, cancel := context.WithCancel(context.WithValue(context.Background(), laneKey{}, "interactive"))
	got := make(chan string, 1)
	c.Do(ctx, "k", func(ctx context.Context) (string, error) {
		time.Sleep(10 * time.Millisecond) // the request is over by now
		lane, _ := ctx.Value(laneKey{}).(string)
		got <- fmt.Sprintf("%s %v", lane, ctx.Err())
		return "v2", nil
	}, nil)
	cancel()
	if s := <-got; s != "interactive <nil>" {
		t.Errorf("refresh context: %s, want the request's values and not its end", s)
	}
}
