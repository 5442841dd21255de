package dashboard

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestCacheNormalisedKey: spellings of one question share a cache entry;
// different questions do not; errors are not cached; entries expire.
func TestCacheNormalisedKey(t *testing.T) {
	var mu sync.Mutex
	now := demoNow
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	h := server(t, func(o *Options) { o.Now = clock; o.CacheTTL = 30 * time.Second })
	steps := []struct {
		target, want string
		advance      time.Duration // before the request
	}{
		{"/api/v1/share?networks=qq,msn", "miss", 0},
		{"/api/v1/share?networks=msn,qq", "hit", 0},
		{"/api/v1/share?networks=+msn+,qq&granularity=month&metric=active_users_30d&top=0&format=json", "hit", 0},
		{"/api/v1/share?networks=msn,qq&from=2011-07&to=2012-Q3", "hit", 0}, // the default window, spelled out
		{"/api/v1/share?networks=msn,qq&segment=office", "miss", 0},
		{"/api/v1/share?networks=msn,qq&format=csv", "miss", 0},
		{"/api/v1/share?networks=msn,qq&format=csv&table=shares", "hit", 0},
		{"/api/v1/concentration?networks=qq", "miss", 0},
		{"/api/v1/concentration?networks=msn", "hit", 0}, // concentration ignores networks
		{"/api/v1/share?networks=qq,msn", "hit", 29 * time.Second},
		{"/api/v1/share?networks=qq,msn", "miss", 2 * time.Second}, // expired
	}
	for i, s := range steps {
		mu.Lock()
		now = now.Add(s.advance)
		mu.Unlock()
		w := get(t, h, s.target)
		if w.Code != http.StatusOK {
			t.Fatalf("step %d %s: %d %s", i, s.target, w.Code, w.Body)
		}
		if got := w.Header().Get("X-Cache"); got != s.want {
			t.Errorf("step %d %s: X-Cache %q, want %q", i, s.target, got, s.want)
		}
	}
	if w := get(t, h, "/api/v1/share?metric=bogus"); w.Header().Get("X-Cache") != "" {
		t.Errorf("an error carries X-Cache %q", w.Header().Get("X-Cache"))
	}
	off := server(t, func(o *Options) { o.CacheTTL = -1 })
	for range 2 {
		if w := get(t, off, "/api/v1/networks"); w.Header().Get("X-Cache") != "miss" {
			t.Errorf("cache off: X-Cache %q", w.Header().Get("X-Cache"))
		}
	}
}

func TestCacheEviction(t *testing.T) {
	c := newCache[int](time.Minute, 2, time.Now)
	ctx := context.Background()
	fill := func(v int) func() (int, error) { return func() (int, error) { return v, nil } }
	for i, k := range []string{"a", "b", "a", "c"} { // c evicts b, the least recently used
		c.do(ctx, k, fill(i), nil)
	}
	if _, ok := c.get("b"); ok {
		t.Error("b survived; the cap is 2 and b was least recently used")
	}
	if v, ok := c.get("a"); !ok || v != 0 {
		t.Errorf("a = %v, %v", v, ok)
	}
	if _, hit, _ := c.do(ctx, "big", fill(9), func(int) bool { return false }); hit {
		t.Error("hit on a new key")
	}
	if _, ok := c.get("big"); ok {
		t.Error("an entry keep refused was stored")
	}
	if _, _, err := c.do(ctx, "bad", func() (int, error) { return 0, errors.New("no") }, nil); err == nil {
		t.Error("the fill's error was lost")
	}
	if _, ok := c.get("bad"); ok {
		t.Error("a failed fill was cached")
	}
}

// TestCacheSingleFlight: concurrent askers of one key share one fill.
func TestCacheSingleFlight(t *testing.T) {
	c := newCache[string](time.Minute, 8, time.Now)
	var fills atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, _, err := c.do(context.Background(), "k", func() (string, error) {
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
