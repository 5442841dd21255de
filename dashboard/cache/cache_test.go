package cache

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestCacheEviction(t *testing.T) {
	c := New[int](time.Minute, 2, time.Now)
	ctx := context.Background()
	fill := func(v int) func() (int, error) { return func() (int, error) { return v, nil } }
	for i, k := range []string{"a", "b", "a", "c"} { // c evicts b, the least recently used
		c.Do(ctx, k, fill(i), nil)
	}
	if _, ok := c.get("b"); ok {
		t.Error("b survived; the cap is 2 and b was least recently used")
	}
	if v, ok := c.get("a"); !ok || v != 0 {
		t.Errorf("a = %v, %v", v, ok)
	}
	if _, hit, _ := c.Do(ctx, "big", fill(9), func(int) bool { return false }); hit {
		t.Error("hit on a new key")
	}
	if _, ok := c.get("big"); ok {
		t.Error("an entry keep refused was stored")
	}
	if _, _, err := c.Do(ctx, "bad", func() (int, error) { return 0, errors.New("no") }, nil); err == nil {
		t.Error("the fill's error was lost")
	}
	if _, ok := c.get("bad"); ok {
		t.Error("a failed fill was cached")
	}
}

// TestCacheSingleFlight: concurrent askers of one key share one fill.
func TestCacheSingleFlight(t *testing.T) {
	c := New[string](time.Minute, 8, time.Now)
	var fills atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, _, err := c.Do(context.Background(), "k", func() (string, error) {
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
